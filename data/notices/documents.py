"""The A4 notice for the lobby board: company name, title, text, date and the seal line
（盖章）, written as a PDF into the export folder (data.exports names the file)."""

from __future__ import annotations

from pathlib import Path

from data.clock import today
from data.notices.notices import _notice, _staff
from data.pdf import build, company, para, plain, styles


def notice_pdf(notice_id: int, staff_id: int | None = None) -> Path:
    """Write a notice as an A4 PDF into the export folder; its path."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    from data.exports import write_export

    _staff(staff_id)
    row = _notice(notice_id)
    s = styles()
    name = plain(company())
    day = row.published_at.date() if row.published_at else today()
    story: list = [para(name, s["company"]), Spacer(1, 6 * mm), para(plain(row.title, 120), s["title"]),
                   Spacer(1, 8 * mm)]
    for n, line in enumerate(row.body.splitlines()):
        text = plain(line, 2000)
        story.append(para(text if n == 0 else "　　" + text, s["body"]))
        story.append(Spacer(1, 2 * mm))
    story += [Spacer(1, 14 * mm), para(f"{name}（盖章）", s["right"]), para(f"{day:%Y年%m月%d日}", s["right"])]
    return write_export(f"notice_{row.id}", "pdf", build(A4, story, row.title[:60]))

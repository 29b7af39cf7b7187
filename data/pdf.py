"""Printing helpers shared by the app's PDF documents (fee receipts and reminders, notices for
the lobby board): reportlab with its built-in CID font STSong-Light for Chinese, stored text
made safe for a Paragraph, tables and the company's name."""

from __future__ import annotations

import functools
import io
import re
from xml.sax.saxutils import escape

from data.validators import drop_escape_sequences

#: reportlab's built-in CID font for simplified Chinese.
FONT = "STSong-Light"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@functools.cache
def register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def styles() -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    font = register_font()
    base = ParagraphStyle("fd-body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("fd-small", parent=base, fontSize=9, leading=12),
        "company": ParagraphStyle("fd-company", parent=base, fontSize=13, leading=18, alignment=TA_CENTER),
        "title": ParagraphStyle("fd-title", parent=base, fontSize=17, leading=24, alignment=TA_CENTER),
        "void": ParagraphStyle("fd-void", parent=base, fontSize=15, leading=20, alignment=TA_CENTER,
                               textColor="#c00000"),
        "right": ParagraphStyle("fd-right", parent=base, alignment=TA_RIGHT),
    }


def plain(value: object, limit: int = 300) -> str:
    """Stored text as it may be printed: no escape sequence (dropped whole), control or
    direction characters, one line, at most `limit` characters, XML-escaped for a reportlab
    Paragraph."""
    text = _CONTROL.sub("", drop_escape_sequences("" if value is None else str(value)))
    text = " ".join(text.split())[:limit]
    return escape(text)


def para(text: str, style):
    """A Paragraph of already-escaped `text` (see `plain`)."""
    from reportlab.platypus import Paragraph

    return Paragraph(text, style)


def table(rows: list[list], widths: list[float], *, header: bool = True):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(style))
    return table


def build(pagesize, story: list, title: str) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    out = io.BytesIO()
    margin = 12 * mm
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin, title=title,
                            author="FrontDesk", creator="FrontDesk")
    doc.build(story)
    return out.getvalue()


def company() -> str:
    from data.contracts.register import company_name

    return company_name()

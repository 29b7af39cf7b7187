"""The public accounts as files for the lobby board (公示, issue 18 item 6): the fee
standards board, the quarterly income and expenditure statement and the half-yearly
shared-facility statement, each as an A4 PDF (reportlab, CID font STSong-Light, stored text
escaped by data.pdf.plain) or an XLSX workbook (openpyxl, every text cell through
data.exports.safe_cell so none runs as a formula), written into the export folder."""

from __future__ import annotations

import io
from pathlib import Path

from data.fees import accounts as acc
from data.fees.values import money_text
from data.pdf import build as _build
from data.pdf import para as _para
from data.pdf import plain
from data.pdf import styles as _styles
from data.pdf import table as _table


def _board_rows(view: acc.Board) -> tuple[str, list[str], list[list[str]], list[str]]:
    title = "收费标准公示"
    head = ["收费项目", "房屋类型", "计费方式", "收费标准", "计收周期", "执行日期"]
    rows = []
    for line in view.lines:
        how, unit = acc.BASIS_ZH.get(line.basis, (line.basis, "元"))
        since = f"{line.starts_on:%Y-%m-%d}起" + ("" if line.current else "（将执行）")
        rows.append([line.item, acc.ROOM_TYPE_ZH.get(line.room_type, line.room_type), how,
                     f"{money_text(line.unit_price_fen)} {unit}", acc.CYCLE_ZH.get(line.cycle, line.cycle), since])
    tail = [f"投诉电话：{view.phone or '（请向物业服务中心咨询）'}",
            f"公示日期：{view.day:%Y年%m月%d日}",
            f"{view.company}"]
    return title, head, rows, tail


def _accounts_rows(view: acc.Accounts) -> tuple[str, list[str], list[list[str]], list[str]]:
    title = f"{view.quarter[:4]}年第{view.quarter[-1]}季度物业服务费收支情况公示"
    head = ["类别", "项目", "金额（元）"]
    rows = [["收入", item, money_text(fen)] for item, fen in view.income]
    rows.append(["收入", "收入合计", money_text(view.income_fen)])
    rows += [["支出", acc.CATEGORY_ZH[code], money_text(fen)] for code, fen in view.expenditure]
    rows.append(["支出", "支出合计", money_text(view.expenditure_fen)])
    rows.append(["结余", "收支结余", money_text(view.balance_fen)])
    rows += _fund_rows(view)
    tail = [f"统计期间：{view.first_month}至{view.last_month}；收入为本季度实收的物业服务费用（按收费项目）。",
            "专项维修资金使用情况依据《中华人民共和国民法典》第九百四十三条公开；已使用的按实际使用金额，已通过未使用的按预算金额列示。",
            "如有疑问，请到物业服务中心查询。"]
    return title, head, rows, tail


def _fund_rows(view: acc.Accounts) -> list[list[str]]:
    """The section 专项维修资金使用情况: each request approved or used in the quarter (project,
    the rooms concerned, its state) and the fund's total on the quarter's last day."""
    section = "专项维修资金使用情况"
    rows = [[section, f"{project}（涉及：{rooms}；{'已使用' if status == 'used' else '已表决通过'}）", money_text(fen)]
            for project, fen, rooms, status in view.fund_uses]
    if not rows:
        rows.append([section, "本季度无使用", money_text(0)])
    day = f"{view.fund_day:%Y-%m-%d}" if view.fund_day else view.last_month
    rows.append([section, f"维修资金账面余额合计（截至{day}）", money_text(view.fund_total_fen)])
    return rows


def _shared_rows(view: acc.SharedStatement) -> tuple[str, list[str], list[list[str]], list[str]]:
    title = f"{view.half[:4]}年{'上' if view.half.endswith('1') else '下'}半年公共收益收支情况公示"
    head = ["类别", "项目", "金额（元）"]
    rows = [["收入", acc.SHARED_ZH[code], money_text(fen)] for code, fen in view.income]
    rows.append(["收入", "收入合计", money_text(view.income_fen)])
    rows.append(["扣除", "合理成本", money_text(view.costs_fen)])
    rows.append(["业主共有", "归全体业主所有的收益", money_text(view.owners_fen)])
    rows += [["使用", acc.SHARED_ZH[code], money_text(fen)] for code, fen in view.uses]
    rows.append(["使用", "使用合计", money_text(view.used_fen)])
    rows.append(["结余", "本期结余（归全体业主所有）", money_text(view.remaining_fen)])
    tail = [f"统计期间：{view.first_month}至{view.last_month}。",
            "依据《中华人民共和国民法典》第二百八十二条，利用业主的共有部分产生的收入，在扣除合理成本之后，属于业主共有。"]
    return title, head, rows, tail


def _pdf(kind: str, community: str, company: str, parts) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    from data.exports import write_export

    title, head, rows, tail = parts
    s = _styles()
    width = A4[0] - 24 * mm
    story: list = [_para(plain(company), s["company"]), _para(plain(title), s["title"]),
                   _para(f"小区：{plain(community)}", s["body"]), Spacer(1, 3 * mm)]
    table = [[_para(plain(h), s["body"]) for h in head]]
    for row in rows:
        cells = [_para(plain(c, 120), s["body"]) for c in row]
        if head[-1].startswith("金额"):
            cells[-1] = _para(plain(row[-1]), s["right"])
        table.append(cells)
    story.append(_table(table, [width / len(head)] * len(head)))
    story.append(Spacer(1, 4 * mm))
    story += [_para(plain(text, 300), s["body"]) for text in tail]
    return write_export(kind, "pdf", _build(A4, story, title))


def _xlsx(kind: str, community: str, parts) -> Path:
    from decimal import Decimal

    from openpyxl import Workbook

    from data.exports import safe_cell, write_export

    title, head, rows, tail = parts
    book = Workbook()
    sheet = book.active
    sheet.title = "公示"
    sheet.append([safe_cell(title)])
    sheet.append([safe_cell(f"小区：{community}")])
    sheet.append([safe_cell(h) for h in head])
    for row in rows:
        cells: list[object] = [safe_cell(c) for c in row]
        if head[-1].startswith("金额"):
            cells[-1] = Decimal(row[-1])
        sheet.append(cells)
        if head[-1].startswith("金额"):
            sheet.cell(row=sheet.max_row, column=len(head)).number_format = "0.00"
    for text in tail:
        sheet.append([safe_cell(text)])
    for letter, cells in zip("ABCDEF", (20, 24, 24, 22, 12, 20), strict=False):
        sheet.column_dimensions[letter].width = cells
    out = io.BytesIO()
    book.save(out)
    return write_export(kind, "xlsx", out.getvalue())


def _write(kind: str, fmt: str, community: str, company: str, parts) -> Path:
    return _pdf(kind, community, company, parts) if fmt == "pdf" else _xlsx(kind, community, parts)


def board_file(community_id: int, fmt: str = "pdf", staff_id: int | None = None) -> Path:
    """The fee standards board of a community as an A4 PDF or XLSX in the export folder."""
    view = acc.board(community_id, staff_id=staff_id)
    return _write("fee_board", fmt, view.community, view.company, _board_rows(view))


def accounts_file(community_id: int, quarter: str, fmt: str = "pdf", staff_id: int | None = None) -> Path:
    """The quarterly income and expenditure statement as an A4 PDF or XLSX."""
    view = acc.quarter_accounts(community_id, quarter, staff_id)
    return _write(f"fee_accounts_{view.quarter}", fmt, view.community, acc._company(), _accounts_rows(view))


def shared_file(community_id: int, half: str, fmt: str = "pdf", staff_id: int | None = None) -> Path:
    """The half-yearly shared-facility statement as an A4 PDF or XLSX."""
    view = acc.shared_statement(community_id, half, staff_id)
    return _write(f"shared_income_{view.half}", fmt, view.community, acc._company(), _shared_rows(view))


__all__ = ["accounts_file", "board_file", "shared_file"]

"""Reports to XLSX (openpyxl) and CSV: a header block (title, period, scope, when and by
whom), the table, its totals and the previous period's, the headline figures. Every text
cell goes through data.exports.safe_cell, so none can run as a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from data.exports import safe_cell, safe_row, write_export
from data.i18n import _
from data.reports.values import Report, cell_text


def _header(report: Report) -> list[list[object]]:
    prev = report.period.previous()
    when = f"{report.generated_at:%Y-%m-%d %H:%M}" if report.generated_at else ""
    return [
        [report.title],
        [_("Report period"), f"{report.period.start.isoformat()} – {report.period.end.isoformat()}", report.period.text],
        [_("Compared with"), f"{prev.start.isoformat()} – {prev.end.isoformat()}", prev.text],
        [_("Scope"), report.scope.label or _("the whole company")],
        [_("Run"), when, report.generated_by],
        *([_("Filter"), label, value] for label, value in report.filters),
    ]


def _typed(kind: str, value: object) -> tuple[object, str | None]:
    """A cell's value and number format for XLSX."""
    if value is None:
        return "—", None
    if kind == "rate":
        return float(value), "0.0%"  # type: ignore[arg-type]
    if kind in ("hours", "number"):
        return float(value), "0.0"  # type: ignore[arg-type]
    if kind == "fen":
        return Decimal(int(value)) / 100, "#,##0.00"  # type: ignore[call-overload]
    if kind == "int" and isinstance(value, int):
        return value, None
    return str(value), None


def _table(report: Report) -> list[tuple[str, tuple]]:
    out = [("row", r) for r in report.rows]
    if report.totals is not None:
        out.append(("total", report.totals))
    if report.previous is not None:
        out.append(("previous", report.previous))
    return out


def _summary(report: Report) -> list[list[str]]:
    lines = [[s.label, cell_text(s.kind, s.value), _("previous: {value}").format(
        value=cell_text(s.kind, s.previous)), s.note] for s in report.summary]
    return lines + [[n] for n in report.notes]


def to_xlsx(report: Report) -> bytes:
    """The report as an XLSX workbook (one sheet)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = report.name[:31]
    for line in _header(report):
        sheet.append(safe_row(line))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(safe_row(c.title for c in report.columns))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for what, row in _table(report):
        values = []
        formats = []
        for column, value in zip(report.columns, row, strict=True):
            typed, number_format = _typed(column.kind, value)
            values.append(safe_cell(typed))
            formats.append(number_format)
        sheet.append(values)
        for i, number_format in enumerate(formats, start=1):
            if number_format:
                sheet.cell(row=sheet.max_row, column=i).number_format = number_format
        if what != "row":
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=what == "total", italic=what == "previous")
    if report.summary or report.notes:
        sheet.append([])
        for line in _summary(report):
            sheet.append(safe_row(line))
    sheet.column_dimensions["A"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(report: Report) -> str:
    """The report as CSV (the same blocks; figures as the report shows them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _header(report):
        writer.writerow(safe_row(line))
    writer.writerow([])
    writer.writerow(safe_row(c.title for c in report.columns))
    for _what, row in _table(report):
        writer.writerow(safe_row(cell_text(c.kind, v) if c.kind != "text" else (v or "")
                                 for c, v in zip(report.columns, row, strict=True)))
    if report.summary or report.notes:
        writer.writerow([])
        for line in _summary(report):
            writer.writerow(safe_row(line))
    return out.getvalue()


def report_bytes(report: Report, extension: str) -> bytes:
    """The report as a file's content: "xlsx", or "csv" (UTF-8 with a BOM, as Excel opens it)."""
    extension = extension.lower().lstrip(".")
    if extension == "xlsx":
        return to_xlsx(report)
    if extension == "csv":
        return to_csv(report).encode("utf-8-sig")
    from data.errors import ValidationError

    raise ValidationError("out", _("A report is written as .xlsx or .csv, not “{ext}”.").format(ext=extension[:10]))


def export_report(report: Report, extension: str = "xlsx") -> Path:
    """Write the report into this user's export folder (data.exports.write_export)."""
    data = report_bytes(report, extension)
    return write_export(f"report_{report.name.replace('-', '_')}", extension.lower().lstrip("."), data)

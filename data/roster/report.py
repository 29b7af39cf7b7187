"""What a roster import reports: row errors, the refusal of a file, the summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from data.errors import FrontDeskError
from data.i18n import _


@dataclass
class RowError:
    """Something wrong (or worth knowing) about one row of the file."""

    row: int  # 1-based, as a spreadsheet shows it: the header is row 1
    column: str  # the header as written in the file ("手机"), "" for the whole row
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row {row}, {column}: {message}").format(
                row=self.row, column=self.column, message=self.message
            )
        return _("Row {row}: {message}").format(row=self.row, message=self.message)


class ImportRejected(FrontDeskError):
    """The file has invalid rows and nothing was imported (all-or-nothing mode)."""

    def __init__(self, path: str, errors: list[RowError], rows: int):
        self.path = path
        self.errors = errors
        bad_rows = len({e.row for e in errors})
        lines = [
            _("{path}: {bad} of {rows} rows are invalid; nothing was imported.").format(
                path=path, bad=bad_rows, rows=rows
            )
        ]
        lines += [f"  {e}" for e in errors]
        lines.append(
            _(
                "Correct these rows and import the file again, or add --skip-invalid to "
                "import the valid rows and write the others to a rejects file."
            )
        )
        super().__init__("\n".join(lines))


@dataclass
class ImportReport:
    """What an import read, created, merged and rejected."""

    path: str = ""
    rows: int = 0  # data rows read (blank rows not counted)
    people_created: int = 0
    people_matched: int = 0  # people already in the database that rows were merged into
    people_updated: int = 0  # existing people whose empty ID number or note was filled in
    rooms_created: int = 0
    rooms_updated: int = 0  # rooms whose 面积 or 交房日期 the file set
    parking_added: int = 0  # parking spaces (the HC workbook's 车位信息)
    sheet: str = ""  # the sheet read ("" for a CSV file)
    sheets: tuple[str, ...] = ()  # every sheet of the workbook
    occupancies_added: int = 0
    phones_added: int = 0
    vehicles_added: int = 0
    tags_added: int = 0
    rows_unchanged: int = 0  # valid rows that added nothing new
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rejects_path: str | None = None
    seconds: float = 0.0

    @property
    def imported_nothing(self) -> bool:
        """Every row was skipped as invalid (with --skip-invalid): nothing was imported."""
        return self.rows > 0 and self.rows_rejected >= self.rows

    @property
    def rows_rejected(self) -> int:
        """How many rows were skipped (a row with two bad cells counts once)."""
        return len({e.row for e in self.rejected})

    def summary(self) -> str:
        """A few lines a clerk can read: counts, then every skipped row and every warning."""
        lines = [
            _("Imported {path}: {rows} rows in {seconds:.1f} s.").format(
                path=self.path, rows=self.rows, seconds=self.seconds
            ),
            *self.sheet_lines(),
            _("  People: {created} new, {matched} already known (merged), {updated} completed.").format(
                created=self.people_created, matched=self.people_matched, updated=self.people_updated
            ),
            _("  Added: {rooms} rooms, {occupancies} occupancies, {phones} phones, "
              "{vehicles} vehicles, {tags} tags.").format(
                rooms=self.rooms_created, occupancies=self.occupancies_added,
                phones=self.phones_added, vehicles=self.vehicles_added, tags=self.tags_added,
            ),
            _("  Rows with nothing new: {count}.").format(count=self.rows_unchanged),
        ]
        if self.rooms_updated or self.parking_added:
            lines.insert(-1, _("  Rooms with area or delivery date set: {rooms}; parking spaces added: "
                               "{spaces}.").format(rooms=self.rooms_updated, spaces=self.parking_added))
        if self.rejected:
            lines.append(
                _("Skipped {count} invalid rows (written to {path}):").format(
                    count=self.rows_rejected, path=self.rejects_path
                )
            )
            lines += [f"  {e}" for e in self.rejected]
        if self.imported_nothing:
            lines.append(_("None of the {rows} rows is valid: nothing was imported.").format(rows=self.rows))
        if self.warnings:
            lines.append(_("Please check:"))
            lines += [f"  {w}" for w in self.warnings]
        return "\n".join(lines)

    def sheet_lines(self) -> list[str]:
        """Which sheet of a workbook was read, and the others (none for a CSV file)."""
        if not self.sheet:
            return []
        others = [s for s in self.sheets if s != self.sheet]
        if not others:
            return [_("  Sheet read: {sheet}.").format(sheet=self.sheet)]
        return [_("  Sheet read: {sheet} (also in the workbook: {others}; choose one with --sheet).")
                .format(sheet=self.sheet, others="、".join(others))]

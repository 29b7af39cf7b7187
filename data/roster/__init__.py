"""Owner roster import (`frontdesk import owners FILE`): read a .csv/.xlsx roster, validate
every row, then merge it into the database in one transaction.

The package: `reading` (files, sheets, the header row among title rows, merged cells),
`columns` (what the headers mean), `validate` (rows), `writing` (the merge and the rejects
file), `hc` (the HC小区 workbook of four sheets), `report` (what the import says)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from data import access, people
from data import property as prop
from data.db import transaction
from data.errors import FrontDeskError, NotFoundError, ValidationError
from data.i18n import _
from data.limits import quote
from data.roster.columns import (
    FIELD_HEADERS,
    HEADER_FIELDS,
    ROLE_WORDS,
    known_header,
    map_columns,
    role_legend,
)
from data.roster.hc import check_parking, is_hc_workbook, join_hc
from data.roster.reading import (
    Table,
    _cell_text,
    header_key,
    locate_header,
    read_sheets,
    read_table,
    sheet_names,
)
from data.roster.report import ImportRejected, ImportReport, RowError
from data.roster.validate import Row, Validator, date_text, joined_room, parse_room
from data.roster.writing import (
    BATCH,
    REJECTS_REASON_HEADER,
    REJECTS_ROW_HEADER,
    Writer,
    default_rejects_path,
    write_rejects,
)

__all__ = [
    "FIELD_HEADERS", "HEADER_FIELDS", "REJECTS_REASON_HEADER", "REJECTS_ROW_HEADER", "ROLE_WORDS",
    "ImportRejected", "ImportReport", "Row", "RowError", "Table", "_cell_text", "date_text",
    "default_rejects_path", "header_key", "import_owners", "joined_room", "parse_room",
    "read_table", "sheet_names", "write_rejects",
]

#: A line of notes under or beside the table ("注：…", "填表说明", "1. 身份填写…").
_NOTE_START = re.compile(r"^\s*(注|说明|备注|填表|提示|\*|※|note)", re.IGNORECASE)


def _data_rows(table: Table, columns: dict[str, int]) -> Iterator[tuple[int, list[str]]]:
    """The rows of the table proper: a row with nothing in the columns read (a notes block
    beside the table, a 序号 alone) or holding only a note is not a row of the roster."""
    used = sorted(set(columns.values()))
    for line, cells in table.rows:
        filled = [cells[i] for i in used if i < len(cells) and cells[i].strip()]
        if not filled:
            continue
        if len(filled) == 1 and _NOTE_START.match(filled[0]) and len(filled[0]) > 4:
            continue
        yield line, cells


def _legend_texts(table: Table, columns: dict[str, int]) -> list[str]:
    """Where a legend of 身份 codes may be written: the 身份 header, the title rows, and
    the cells of columns the import does not read (notes beside the table)."""
    texts = [c for row in table.before for c in row if c.strip()]
    if "role" in columns:
        texts.append(table.header[columns["role"]])
    used = set(columns.values())
    for _line, cells in table.rows:
        texts += [c for i, c in enumerate(cells) if i not in used and c.strip()]
    return texts


def _community_id(name: str) -> int:
    """The community --community names; NotFoundError lists the known ones and gives the
    command that adds it."""
    try:
        return people.community_by_name(name).id
    except NotFoundError as exc:
        try:
            return prop.find_community(name)  # its code typed in lower case
        except NotFoundError:
            pass
        raise NotFoundError(exc.message + "\n" + _("Add it first, then import the file again:")
                            + f"\n  frontdesk community add {quote(' '.join(name.split()), 30)}") from None


def _refuse_unknown_communities(table: Table, columns: dict[str, int], validator: Validator) -> None:
    """A roster whose community does not exist (no row names a known one) is refused
    whole, with the command that creates it, not with one error per row."""
    if "community" not in columns:
        return
    i = columns["community"]
    unknown: list[str] = []
    for _line, cells in table.rows:
        text = " ".join(cells[i].split()) if i < len(cells) else ""
        if text in validator.communities:
            return  # some rows are of a known community: the others are reported row by row
        if text and text not in unknown:
            unknown.append(text)
    if unknown:
        names = "、".join(f"“{quote(n, 30)}”" for n in unknown[:5])
        commands = "\n".join(f"  frontdesk community add {quote(n, 30)}" for n in unknown[:5])
        raise NotFoundError(_("No community called {names}: nothing was imported.").format(names=names)
                            + "\n" + _("Add it first, then import the file again:") + "\n" + commands)


def import_owners(
    path: str,
    *,
    community: str | None = None,
    sheet: str | None = None,
    skip_invalid: bool = False,
    rejects_path: str | None = None,
    rejects_to_exports: bool = False,
    progress: Callable[[int, int], None] | None = None,
    writing: Callable[[], None] | None = None,
) -> ImportReport:
    """Import an owner roster (.csv or .xlsx) and return what was done.

    Every row is validated before anything is written; then all rows are written in one
    transaction, BATCH rows at a time (their rooms and people read in one query each, what
    is new inserted in one statement per table). With invalid rows, ImportRejected lists them all and nothing changes,
    unless `skip_invalid`: then the valid rows are imported and the others are written to
    `rejects_path` (default ``<stem>.rejects.csv`` next to the file; with
    `rejects_to_exports`, a new file of the user's export folder, as the TUI does). A cell holding a
    control character (other than tab and newline) makes its row invalid like any other
    bad cell: the row is refused with the character named, never stored stripped. A row is
    merged into a person already known by the same ID number, or the same name and a same
    phone (or the same name already in the same room), adding only what is new: importing
    a file twice changes nothing the second time.

    `progress(done, total)` counts rows (total = the data rows of the file) once each row
    has been validated and written, or skipped: every row of a batch once the batch is
    written. Validating is fast (about 30 µs a row), so the count advances while the slow
    part, writing, runs; a rejected file draws no bar. `writing()` is called once every row
    is checked, just before the transaction begins (it may wait for another desk's: a
    screen says so when no progress follows for a while).
    """
    access.require("import")
    started = time.perf_counter()
    file = Path(path).expanduser()
    tables = read_sheets(file)
    hc = None
    if sheet is None and is_hc_workbook(tables):
        hc = join_hc(tables)
        table = hc.table
    elif sheet is None:
        table = _best_sheet(tables)
    else:
        table = _named_sheet(tables, sheet, file)
    default_community = _community_id(community) if community else None
    columns = map_columns(table.header, need_community=default_community is None)
    table.rows = list(_data_rows(table, columns))
    report = ImportReport(path=str(path), rows=len(table.rows), sheet=table.sheet, sheets=table.sheets)

    validator = Validator(table, columns, default_community, role_legend(_legend_texts(table, columns)),
                          room_only=hc is not None)
    _refuse_unknown_communities(table, columns, validator)
    valid: dict[int, Row] = {}
    for line, cells in table.rows:
        row, errors = validator.check(line, cells)
        if row is not None:
            valid[line] = row
        report.rejected += errors
    owner_keys: dict[int, str] = {}
    if hc is not None:
        keys = {cells[hc.owner_key_column].strip() for _l, cells in table.rows
                if 0 <= hc.owner_key_column < len(cells)}
        report.rejected += hc.parking_errors + check_parking(hc.parking, keys)
        owner_keys = {line: cells[hc.owner_key_column].strip() for line, cells in table.rows
                      if 0 <= hc.owner_key_column < len(cells)}

    if report.rejected and not skip_invalid:
        raise ImportRejected(str(path), report.rejected, report.rows)
    if report.rejected:
        if rejects_to_exports:
            target = None
        else:
            target = Path(rejects_path).expanduser() if rejects_path else default_rejects_path(file)
        report.rejects_path = str(write_rejects(target, table, report.rejected))

    total = len(table.rows)
    if writing:
        writing()
    with transaction():
        writer = Writer(report, {r.community_id for r in valid.values()})
        for start in range(0, total, BATCH):
            lines = [line for line, _cells in table.rows[start : start + BATCH]]
            try:
                writer.write_batch([valid[line] for line in lines if line in valid])
            except ValidationError as exc:
                # Validated above, so only a concurrent change gets here; the
                # transaction rolls back and the clerk learns which row it was.
                raise FrontDeskError(_("Row {row}: {message} Nothing was imported.").format(
                    row=getattr(exc, "row", lines[0]), message=exc.message)) from exc
            if progress:
                for done in range(start + 1, start + len(lines) + 1):
                    progress(done, total)
        if hc is not None:
            bad = {e.row for e in report.rejected if e.column.startswith(hc_sheet_label())}
            community_ids = {r.community_id for r in valid.values()} or {default_community}
            writer.parking(min(c for c in community_ids if c is not None),
                           [s for s in hc.parking if s.line not in bad], owner_keys)
    report.people_matched = len(writer.matched)
    report.people_updated = len(writer.updated)
    report.seconds = time.perf_counter() - started
    return report



def hc_sheet_label() -> str:
    from data.roster.hc import SHEET_PARKING

    return SHEET_PARKING


def _best_sheet(tables: list[Table]) -> Table:
    """The sheet whose header the roster knows best (the first on a tie)."""
    best, score = tables[0], -1
    for t in tables:
        found = locate_header(t, known_header)
        if found > score:
            best, score = t, found
    return best


def _named_sheet(tables: list[Table], sheet: str, file: Path) -> Table:
    wanted = " ".join(sheet.split())
    for t in tables:
        if " ".join(t.sheet.split()) == wanted:
            locate_header(t, known_header)
            return t
    raise FrontDeskError(_("{path} has no sheet called “{sheet}”. Its sheets: {sheets}").format(
        path=file, sheet=quote(sheet, 40), sheets="、".join(t.sheet for t in tables) or _("(none)")))

"""Reading a roster file: .csv or every sheet of an .xlsx workbook, within the limits of
`data.limits`, as text cells with their spreadsheet row numbers; finding the header row
among title rows; filling merged cells."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from data import limits
from data.errors import FrontDeskError
from data.i18n import _
from data.limits import quote
from data.validators import MixedEncodingError, decode_text, fold_width

#: An .xlsx sheet formatted far below its data: stop after this many blank rows in a row.
_MAX_BLANK_RUN = 1000

# --- reading the file ------------------------------------------------------------------------

#: Rows searched for the header (title rows such as "XX小区业主信息登记表" come first).
HEADER_SEARCH_ROWS = 30


@dataclass
class Table:
    """The cells of one sheet (or a CSV file) as text, with the spreadsheet row number of
    each row. `before` holds the rows above the header (titles, legends)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    numeric: set[tuple[int, int]] = field(default_factory=set)  # (row, column) typed as numbers
    sheet: str = ""  # the sheet's name ("" for a CSV file)
    sheets: tuple[str, ...] = ()  # every sheet of the workbook
    header_row: int = 1
    before: list[list[str]] = field(default_factory=list)


_Table = Table  # the name used before the package split


def read_table(path: Path, what: str | None = None, *, sheet: str | None = None,
               known: Callable[[str], bool] | None = None) -> Table:
    """The cells of a .csv file or of one sheet of an .xlsx workbook (header and data rows,
    as text), within every limit of `data.limits`; FrontDeskError when it cannot be read.
    `what` names the kind of file in size refusals (translated; default "an owner roster").

    `sheet` names the sheet to read; without it, the sheet with the most recognisable
    header (the first on a tie). `known(header_key)` says whether a header cell names a
    column the caller knows: the header is the row, among the first ones, with the most
    known cells (title rows above it are kept in `before`). Without `known`, the first
    non-blank row is the header. Shared by the other imports (data.room_import)."""
    tables = read_sheets(path, what)
    if sheet is not None:
        wanted = " ".join(sheet.split())
        chosen = [t for t in tables if " ".join(t.sheet.split()) == wanted]
        if not chosen:
            raise FrontDeskError(_("{path} has no sheet called “{sheet}”. Its sheets: {sheets}").format(
                path=path, sheet=quote(sheet, 40), sheets="、".join(t.sheet for t in tables)))
        table = chosen[0]
        locate_header(table, known)
        return table
    best: Table | None = None
    best_score = -1
    for table in tables:
        score = locate_header(table, known)
        if score > best_score:
            best, best_score = table, score
    assert best is not None
    return best


def sheet_names(path: Path) -> list[str]:
    """The sheets of an .xlsx workbook (none for a CSV file), read within the limits."""
    if path.suffix.lower() != ".xlsx":
        return []
    return [t.sheet for t in read_sheets(path)]


def header_key(text: str) -> str:
    """A header cell as looked up: " 手机（多个用/分隔）* " → "手机"."""
    key = _PARENTHESES.sub("", fold_width(text))
    return "".join(key.split()).strip("*").strip(":：").lower()


_PARENTHESES = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def locate_header(table: Table, known: Callable[[str], bool] | None) -> int:
    """Find the header row of a table read with every non-blank row in `rows` (header
    empty): the row among the first `HEADER_SEARCH_ROWS` with the most cells `known`
    accepts (at least two), else the first. Moves it to `header`, the rows above to
    `before`; returns how many known cells the header has (0 without `known`)."""
    if table.header or not table.rows:
        return 0
    index, score = 0, 0
    if known is not None:
        for i, (_line, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
            found = sum(1 for c in cells if c.strip() and known(header_key(c)))
            if found > score:
                index, score = i, found
        if score < 2:
            index = 0
    table.before = [cells for _line, cells in table.rows[:index]]
    table.header_row, table.header = table.rows[index]
    table.rows = table.rows[index + 1 :]
    return score


def read_sheets(path: Path, what: str | None = None) -> list[Table]:
    """Every sheet of an .xlsx workbook (one table for a .csv file), every non-blank row in
    `rows` and the header not yet found (`locate_header`)."""
    what = what or _("an owner roster")
    if not path.exists():
        raise FrontDeskError(_("File not found: {path}").format(path=path))
    if path.is_dir():
        raise FrontDeskError(_("{path} is a folder; name the roster file inside it.").format(path=path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path, what)]
    if suffix == ".xlsx":
        limits.check_file_size(path, limits.ROSTER_XLSX_MAX_BYTES, what)
        _check_xlsx_parts(path)
        return _read_xlsx(path)
    raise FrontDeskError(
        _("Cannot import {name}: only .csv and .xlsx files are accepted "
          "(save an .xls or .ods sheet as .xlsx first).").format(name=path.name)
    )


def _unreadable(path: Path, reason: object) -> FrontDeskError:
    return FrontDeskError(_("Cannot read {path}: {reason}").format(path=path, reason=reason))


def _read_csv(path: Path, what: str | None = None) -> _Table:
    data = limits.read_bytes_limited(path, limits.ROSTER_CSV_MAX_BYTES, what or _("an owner roster"))
    try:
        text = decode_text(data)
    except MixedEncodingError as exc:
        raise _unreadable(path, exc.message) from None
    except UnicodeDecodeError:
        raise _unreadable(
            path, _("it is neither UTF-8 nor GBK text; save it from Excel as “CSV UTF-8”.")
        ) from None
    del data
    if "\x00" in text:
        raise _unreadable(path, _("this is not a text CSV file."))
    first_line = text[:4000]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    bounds = _Bounds(path)
    rows: list[tuple[int, list[str]]] = []
    try:
        # Lines one at a time, not io.StringIO: StringIO keeps a copy of the whole text at
        # four bytes a character (64 MB for a 16 MB file).
        lines = (m.group() for m in _LINE.finditer(text))
        for number, record in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
            blank = not any(c.strip() for c in record)
            bounds.row(number, record, blank=blank)
            if not blank:
                rows.append((number, record))
    except csv.Error as exc:
        raise _unreadable(path, exc) from exc
    if not rows:
        raise FrontDeskError(_("{path} is empty.").format(path=path))
    return Table(header=[], rows=rows)


#: A line with its ending (\r\n, \r or \n), or the last line without one.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


class _Bounds:
    """Counts rows and cells while a sheet is read, refusing it (FrontDeskError) at the
    first row past `limits.IMPORT_MAX_ROWS`, the first cell past `IMPORT_MAX_CELLS` or
    `IMPORT_MAX_COLUMNS`, and any cell over `CELL_MAX_CHARS` characters, naming the row
    and column."""

    def __init__(self, path: Path):
        self.path = path
        self.cells = 0

    def row(self, number: int, cells: list, *, blank: bool) -> None:
        if number > limits.IMPORT_MAX_ROWS + 1:  # the header is row 1
            raise self._refuse(_("it has more than {limit} rows; split it into smaller files.")
                               .format(limit=limits.IMPORT_MAX_ROWS))
        if blank:
            return
        if len(cells) > limits.IMPORT_MAX_COLUMNS and any(
            c not in (None, "") for c in cells[limits.IMPORT_MAX_COLUMNS :]
        ):
            raise self._refuse(_("row {row} has more than {limit} columns.").format(
                row=number, limit=limits.IMPORT_MAX_COLUMNS))
        for column, value in enumerate(cells, start=1):
            if value is None or value == "":
                continue
            self.cells += 1
            if isinstance(value, str) and len(value) > limits.CELL_MAX_CHARS:
                raise self._refuse(_(
                    "row {row}, column {column} holds {length} characters; a cell may hold "
                    "at most {limit}."
                ).format(row=number, column=_column_letter(column), length=len(value),
                         limit=limits.CELL_MAX_CHARS))
        if self.cells > limits.IMPORT_MAX_CELLS:
            raise self._refuse(_("it has more than {limit} filled cells; split it into smaller "
                                 "files.").format(limit=limits.IMPORT_MAX_CELLS))

    def _refuse(self, reason: str) -> FrontDeskError:
        return _unreadable(self.path, reason + " " + _("Nothing was imported."))


def _column_letter(index: int) -> str:
    """1 → "A", 27 → "AA": the column as a spreadsheet names it."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _check_xlsx_parts(path: Path) -> None:
    """Refuse an .xlsx file whose parts would take too much memory or time to read, from
    the zip's list of parts alone, before openpyxl opens it: too many parts, a part too
    big once uncompressed, or compressed so well (a zip bomb: one character repeated
    millions of times) that it cannot be a spreadsheet. See `data.limits`."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(path, _("it is not an Excel .xlsx workbook ({error}).").format(
            error=type(exc).__name__)) from None

    def refuse(reason: str) -> FrontDeskError:
        return _unreadable(path, _("it does not look like a workbook Excel saved: {reason} "
                                   "Nothing was imported.").format(reason=reason))

    if len(parts) > limits.XLSX_MAX_MEMBERS:
        raise refuse(_("it holds {count} parts (at most {limit}).").format(
            count=len(parts), limit=limits.XLSX_MAX_MEMBERS))
    total = 0
    for part in parts:
        name = part.filename.lower()
        if name.startswith("xl/worksheets/"):
            limit = limits.XLSX_SHEET_MAX_BYTES
        elif name.endswith("sharedstrings.xml"):
            limit = limits.XLSX_SHARED_STRINGS_MAX_BYTES
        else:
            limit = limits.XLSX_PART_MAX_BYTES
        size = part.file_size
        total += size
        shown = quote(part.filename)
        if size > limit:
            raise refuse(_("its part {part} is {size} uncompressed (at most {limit}).").format(
                part=shown, size=limits.format_size(size), limit=limits.format_size(limit)))
        if size > limits.XLSX_RATIO_FROM_BYTES and size > limits.XLSX_MAX_RATIO * max(
            part.compress_size, 1
        ):
            raise refuse(_("its part {part} expands from {packed} to {size}, more than "
                           "{ratio} times, as only a zip bomb does.").format(
                part=shown, size=limits.format_size(size),
                packed=limits.format_size(part.compress_size), ratio=limits.XLSX_MAX_RATIO))
    if total > limits.XLSX_TOTAL_MAX_BYTES:
        raise refuse(_("its parts are {size} uncompressed (at most {limit}).").format(
            size=limits.format_size(total), limit=limits.format_size(limits.XLSX_TOTAL_MAX_BYTES)))
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml"):
            count = _count_shared_strings(path, part)
            if count > limits.XLSX_MAX_SHARED_STRINGS:
                raise refuse(_("it holds more than {limit} different texts.").format(
                    limit=limits.XLSX_MAX_SHARED_STRINGS))


#: The start tag of a shared string (<si>, <x:si …>, <si/>): one per string, however the
#: XML is written (a "<" inside text is escaped, so text cannot fake one; CDATA only adds).
_SI_START = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?si[\s/>]")


def _count_shared_strings(path: Path, part) -> int:
    """How many strings the shared strings part holds, counted on the stream (about 50 ms
    for 30 MB): openpyxl's memory grows with the count, not only the size."""
    import zipfile

    count = 0
    tail = b""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
            while chunk := stream.read(1 << 20):
                buffer = tail + chunk
                count += sum(1 for m in _SI_START.finditer(buffer) if m.end() > len(tail))
                if count > limits.XLSX_MAX_SHARED_STRINGS:
                    break
                tail = buffer[-64:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable(path, _("it is not an Excel .xlsx workbook ({error}).").format(
            error=type(exc).__name__)) from None
    return count


def _cell_text(value: object) -> str:
    """A cell's value as the text the person typed: 13800138000.0 → "13800138000"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path) -> list[Table]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors… on bad files
        raise _unreadable(path, _("it is not an Excel .xlsx workbook ({error}).").format(
            error=type(exc).__name__)) from exc
    tables: list[Table] = []
    try:
        if not workbook.worksheets:
            raise FrontDeskError(_("{path} has no sheet.").format(path=path))
        bounds = _Bounds(path)
        for sheet in workbook.worksheets:
            table = _read_sheet(sheet, bounds)
            if table.rows:
                tables.append(table)
    except FrontDeskError:
        raise
    except Exception as exc:
        raise _unreadable(path, quote(exc, 200)) from exc
    finally:
        workbook.close()
    if not tables:
        raise FrontDeskError(_("{path} is empty.").format(path=path))
    names = tuple(t.sheet for t in tables)
    for table in tables:
        table.sheets = names
    return tables


def _read_sheet(sheet, bounds: _Bounds) -> Table:
    rows: dict[int, list[str]] = {}
    numeric: set[tuple[int, int]] = set()
    blank_run = 0
    sheet_rows = sheet.iter_rows(values_only=True, max_col=limits.IMPORT_MAX_COLUMNS + 1)
    for number, values in enumerate(sheet_rows, start=1):
        cells = [_cell_text(v) for v in values]
        blank = not any(c.strip() for c in cells)
        bounds.row(number, cells, blank=blank)
        if blank:
            blank_run += 1
            if blank_run > _MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        numeric.update(
            (number, i) for i, v in enumerate(values)
            if isinstance(v, int | float) and not isinstance(v, bool)
        )
        rows[number] = cells
    _fill_merged(sheet, rows)
    return Table(header=[], rows=sorted(rows.items()), numeric=numeric, sheet=str(sheet.title))


_MERGE_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})\"")


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index


def _fill_merged(sheet, rows: dict[int, list[str]]) -> None:
    """Give every row of a vertically merged cell (a 楼号 merged over the rows of its
    building) the merged value; a read-only sheet leaves those cells empty. The merge list
    is read from the sheet's XML (whose size `_check_xlsx_parts` bounds)."""
    try:
        source = sheet._get_source()
    except Exception:  # not a read-only worksheet: nothing to fill
        return
    filled = 0
    tail = b""
    with source:
        while chunk := source.read(1 << 20):
            buffer = tail + chunk
            for m in _MERGE_REF.finditer(buffer):
                if m.end() <= len(tail):
                    continue
                column = _column_index(m[1]) - 1
                top, bottom = int(m[2]), int(m[4])
                value = rows.get(top, [])[column:column + 1]
                if not value or bottom <= top:
                    continue
                for number in range(top + 1, bottom + 1):
                    cells = rows.get(number)
                    if cells is None:
                        continue
                    if column >= len(cells):
                        cells.extend([""] * (column + 1 - len(cells)))
                    if not cells[column].strip():
                        cells[column] = value[0]
                        filled += 1
                    if filled > limits.IMPORT_MAX_CELLS:
                        return
            tail = buffer[-200:]

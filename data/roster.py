"""Owner roster import (`frontdesk import owners FILE`): read a .csv/.xlsx roster, validate
every row, then merge it into the database in one transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from data import access, limits, people
from data.db import transaction
from data.errors import FrontDeskError, ValidationError
from data.i18n import _
from data.idnumbers import validate_id_number
from data.limits import quote
from data.models import Community, Occupancy, Person, PersonTag, Phone, Room, Tag, Vehicle
from data.people import PersonInput
from data.rooms import PARKING, ParsedRoom, parse_room, room_code_error
from data.validators import (
    MixedEncodingError,
    clean_text,
    decode_text,
    fold_width,
    normalize_phone,
    normalize_plate,
)

#: What each column means, by the header written in the file (after `_header_key`).
HEADER_FIELDS: dict[str, str] = {
    "小区": "community",
    "小区名称": "community",
    "房号": "room",
    "房屋": "room",
    "房间号": "room",
    "姓名": "name",
    "身份": "role",
    "类型": "role",
    "关系": "role",
    "手机": "phones",
    "手机号": "phones",
    "电话": "phones",
    "联系电话": "phones",
    "证件号码": "id_number",
    "证件号": "id_number",
    "身份证号": "id_number",
    "车牌": "plates",
    "车牌号": "plates",
    "标签": "tags",
    "备注": "note",
}

#: The header each field is documented under (used in messages about missing columns).
FIELD_HEADERS: dict[str, str] = {
    "community": "小区",
    "room": "房号",
    "name": "姓名",
    "role": "身份",
    "phones": "手机",
    "id_number": "证件号码",
    "plates": "车牌",
    "tags": "标签",
    "note": "备注",
}

#: The words of the 身份 column (a blank cell means 业主), plus the stored codes.
ROLE_WORDS: dict[str, str] = {
    "业主": "owner",
    "产权人": "owner",
    "共有人": "co_owner",
    "共有产权人": "co_owner",
    "租户": "tenant",
    "承租人": "tenant",
    "家属": "family",
    "家庭成员": "family",
    "owner": "owner",
    "co_owner": "co_owner",
    "co-owner": "co_owner",
    "tenant": "tenant",
    "family": "family",
    "family member": "family",
}

_LIST_SEPARATORS = re.compile(r"[/;；、,，]")
_TAG_SEPARATORS = re.compile(r"[、,，;；]")
_PARENTHESES = re.compile(r"[(（][^)）]*[)）]")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?: 00:00:00)?")

#: Columns of the rejects file added after the original ones.
REJECTS_ROW_HEADER = "行号"
REJECTS_REASON_HEADER = "原因"

#: An .xlsx sheet formatted far below its data: stop after this many blank rows in a row.
_MAX_BLANK_RUN = 1000

#: Values per IN (…) lookup: well below SQLite's limit on bound parameters.
_CHUNK = 500


# --- results and errors ---------------------------------------------------------------------


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
    def rows_rejected(self) -> int:
        """How many rows were skipped (a row with two bad cells counts once)."""
        return len({e.row for e in self.rejected})

    def summary(self) -> str:
        """A few lines a clerk can read: counts, then every skipped row and every warning."""
        lines = [
            _("Imported {path}: {rows} rows in {seconds:.1f} s.").format(
                path=self.path, rows=self.rows, seconds=self.seconds
            ),
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
        if self.rejected:
            lines.append(
                _("Skipped {count} invalid rows (written to {path}):").format(
                    count=self.rows_rejected, path=self.rejects_path
                )
            )
            lines += [f"  {e}" for e in self.rejected]
        if self.warnings:
            lines.append(_("Please check:"))
            lines += [f"  {w}" for w in self.warnings]
        return "\n".join(lines)


# --- reading the file ------------------------------------------------------------------------


@dataclass
class _Table:
    """The cells of a roster file as text, with the spreadsheet row number of each row."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    numeric: set[tuple[int, int]] = field(default_factory=set)  # (row, column) typed as numbers


def read_table(path: Path, what: str | None = None) -> _Table:
    """The cells of a .csv or .xlsx file (header and data rows, as text), within every
    limit of `data.limits`; FrontDeskError when it cannot be read. `what` names the kind of
    file in size refusals (translated; default "an owner roster"). Shared by the other
    imports (data.room_import)."""
    return _read_file(path, what)


#: Public names of the reading helpers the other imports share.
Table = _Table


def header_key(text: str) -> str:
    """A header cell as looked up: " 手机（多个用/分隔）* " → "手机"."""
    return _header_key(text)


def write_rejects(target: Path | None, table: _Table, errors: list[RowError]) -> Path:
    """Write the rejected rows of `table` (see `_write_rejects`); returns where they went."""
    return _write_rejects(target, table, errors)


def _read_file(path: Path, what: str | None = None) -> _Table:
    what = what or _("an owner roster")
    if not path.exists():
        raise FrontDeskError(_("File not found: {path}").format(path=path))
    if path.is_dir():
        raise FrontDeskError(_("{path} is a folder; name the roster file inside it.").format(path=path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, what)
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
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    bounds = _Bounds(path)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        # Lines one at a time, not io.StringIO: StringIO keeps a copy of the whole text at
        # four bytes a character (64 MB for a 16 MB file).
        lines = (m.group() for m in _LINE.finditer(text))
        for number, record in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
            bounds.row(number, record, blank=not any(c.strip() for c in record))
            if header is None:
                header = record
            elif any(c.strip() for c in record):
                rows.append((number, record))
    except csv.Error as exc:
        raise _unreadable(path, exc) from exc
    if header is None:
        raise FrontDeskError(_("{path} is empty.").format(path=path))
    return _Table(header=header, rows=rows)


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


def _read_xlsx(path: Path) -> _Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors… on bad files
        raise _unreadable(path, _("it is not an Excel .xlsx workbook ({error}).").format(
            error=type(exc).__name__)) from exc
    try:
        if not workbook.worksheets:
            raise FrontDeskError(_("{path} has no sheet.").format(path=path))
        rows: list[tuple[int, list[str]]] = []
        numeric: set[tuple[int, int]] = set()
        header: list[str] | None = None
        blank_run = 0
        bounds = _Bounds(path)
        sheet_rows = workbook.worksheets[0].iter_rows(
            values_only=True, max_col=limits.IMPORT_MAX_COLUMNS + 1)
        for number, values in enumerate(sheet_rows, start=1):
            cells = [_cell_text(v) for v in values]
            blank = not any(c.strip() for c in cells)
            bounds.row(number, cells, blank=blank)
            if header is None:
                header = cells
                continue
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
            rows.append((number, cells))
    except FrontDeskError:
        raise
    except Exception as exc:
        raise _unreadable(path, quote(exc, 200)) from exc
    finally:
        workbook.close()
    if header is None:
        raise FrontDeskError(_("{path} is empty.").format(path=path))
    return _Table(header=header, rows=rows, numeric=numeric)


def _header_key(text: str) -> str:
    """Normalise a header for lookup: " 手机（多个用/分隔）* " → "手机"."""
    key = _PARENTHESES.sub("", fold_width(text))
    return "".join(key.split()).strip("*").lower()


def _map_columns(header: list[str], *, need_community: bool) -> dict[str, int]:
    """Which column holds which field; raises when a required one is missing."""
    columns: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = HEADER_FIELDS.get(_header_key(raw))
        if name is None:
            continue
        if name in columns:
            raise FrontDeskError(
                _("The columns “{first}” and “{second}” both mean {meaning}; keep only one.").format(
                    first=quote(header[columns[name]].strip()), second=quote(raw.strip()),
                    meaning=FIELD_HEADERS[name]
                )
            )
        columns[name] = i
    required = (["community"] if need_community else []) + ["room", "name"]
    missing = [f for f in required if f not in columns]
    if missing:
        # At most a few dozen characters of what the file holds (a header cell can be huge).
        found = quote("、".join(quote(h.strip(), 20) for h in header[:10] if h.strip()),
                      60) or _("(none)")
        message = _("The first row must hold the column headers; missing: {missing}. Found: {found}.").format(
            missing="、".join(FIELD_HEADERS[f] for f in missing), found=found
        )
        if "community" in missing:
            message += "\n" + _("Without a 小区 column, name the community with --community.")
        raise FrontDeskError(message)
    return columns


# --- validating rows -----------------------------------------------------------------------------


@dataclass
class _Row:
    """A valid row, normalised."""

    line: int
    community_id: int
    room: ParsedRoom
    name: str
    role: str
    phones: list[str]
    id_number: str
    plates: list[str]
    tags: list[str]
    note: str


def _split(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [part.strip() for part in pattern.split(text) if part.strip()]


class _Validator:
    """Checks rows one by one, collecting every error, with the community cache."""

    def __init__(self, table: _Table, columns: dict[str, int], default_community: int | None):
        self.table = table
        self.columns = columns
        self.default_community = default_community
        self.communities: dict[str, int] = {}
        self.community_names: list[str] = []
        rows = list(Community.select(Community.id, Community.name, Community.code).order_by(Community.name))
        for c in rows:
            self.communities.setdefault(" ".join(c.code.split()), c.id)
        for c in rows:
            self.communities[" ".join(c.name.split())] = c.id  # names win over codes
            self.community_names.append(c.name)
        self.ids_seen: dict[str, tuple[int, str]] = {}

    def header(self, name: str) -> str:
        return self.table.header[self.columns[name]].strip() or FIELD_HEADERS[name]

    def check(self, line: int, cells: list[str]) -> tuple[_Row | None, list[RowError]]:
        errors: list[RowError] = []

        def cell(name: str, *, multiline: bool = False, max_length: int | None = None) -> str:
            index = self.columns.get(name)
            if index is None or index >= len(cells):
                return ""
            try:
                return clean_text(cells[index], name, multiline=multiline, max_length=max_length)
            except ValidationError as exc:
                errors.append(RowError(line, self.header(name), exc.message))
                return ""

        def fail(name: str, message: str) -> None:
            errors.append(RowError(line, self.header(name), message))

        community_id = self.default_community
        community_text = " ".join(cell("community", max_length=100).split())
        room_errors = len(errors)
        room: ParsedRoom | None = None
        room_text = cell("room", max_length=60)
        if not room_text:
            if len(errors) == room_errors:
                fail("room", _("Enter the room, such as 3-2-501."))
        else:
            try:
                room = parse_room(room_text)
                if room.kind == PARKING:
                    raise room_code_error(room_text)
            except ValidationError as exc:
                room = None
                message = exc.message
                if _DATE_TEXT.fullmatch(room_text):
                    message += " " + _("Excel turned this room code into a date: format the "
                                       "column as text and type the code again.")
                fail("room", message)
        # A community written in front of the room code ("锦绣花园3-2-501") stands for the
        # 小区 cell; both written must agree.
        written = " ".join(room.community.split()) if room is not None and room.community else ""
        if written and written not in self.communities:
            fail("room", _("No community called “{name}”. Known: {names}").format(
                name=quote(written), names="、".join(self.community_names[:20])))
            room = None
        elif written and community_text and self.communities.get(community_text) != self.communities[written]:
            fail("room", _("The room code names the community {name}, which is not the one in "
                           "the community column.").format(name=quote(written)))
            room = None
        elif written and not community_text:
            community_text = written
        if community_text:
            community_id = self.communities.get(community_text)
            if community_id is None:
                known = "、".join(self.community_names[:20])
                fail("community", _("No community called “{name}”. Known: {names}").format(
                    name=quote(community_text), names=known))
        elif community_id is None and "community" in self.columns and not errors:
            fail("community", _("Enter the community (小区), or pass --community for the blank cells."))

        name = " ".join(cell("name", max_length=60).split())
        if not name and not any(e.column == self.header("name") for e in errors):
            fail("name", _("Enter the person's name."))

        role_text = cell("role", max_length=20)
        role = ROLE_WORDS.get(role_text.lower() if role_text else "业主")
        if role is None:
            fail("role", _("Unknown role “{role}”: write 业主, 共有人, 租户 or 家属 (blank means 业主).")
                 .format(role=quote(role_text)))

        phones: list[str] = []
        for raw in _split(cell("phones", max_length=200), _LIST_SEPARATORS):
            try:
                number = normalize_phone(raw).number
            except ValidationError as exc:
                message = _("“{text}”: {message}").format(text=quote(raw), message=exc.message)
                if (line, self.columns["phones"]) in self.table.numeric and not raw.startswith("1"):
                    message += " " + _("Excel may have dropped the leading 0 of a number cell: "
                                       "format the column as text and type the number again.")
                fail("phones", message)
                continue
            if number not in phones:
                phones.append(number)

        id_number = ""
        id_text = cell("id_number", max_length=40)
        if id_text:
            try:
                id_number = validate_id_number(id_text)
            except ValidationError as exc:
                message = exc.message
                if (line, self.columns["id_number"]) in self.table.numeric:
                    message += " " + _("Excel stored this ID number as a number and lost its last "
                                       "digits: format the column as text and type it again.")
                fail("id_number", message)

        plates: list[str] = []
        for raw in _split(cell("plates", max_length=200), _LIST_SEPARATORS):
            try:
                plate = normalize_plate(raw)
            except ValidationError as exc:
                fail("plates", _("“{text}”: {message}").format(text=quote(raw), message=exc.message))
                continue
            if plate not in plates:
                plates.append(plate)

        tags: list[str] = []
        for raw in _split(cell("tags", max_length=300), _TAG_SEPARATORS):
            if len(raw) > 30:
                fail("tags", _("“{text}”: a tag has at most 30 characters.").format(text=quote(raw)))
            elif raw not in tags:
                tags.append(raw)

        note = cell("note", multiline=True, max_length=2000)

        if id_number and name and not errors:
            first = self.ids_seen.setdefault(id_number, (line, name))
            if first[1] != name:
                fail("id_number", _("Row {row} has the same ID number for {name}.").format(
                    row=first[0], name=first[1]))

        if errors or community_id is None or room is None or role is None:
            return None, errors
        return _Row(line, community_id, room, name, role, phones, id_number, plates, tags, note), []


# --- writing ----------------------------------------------------------------------------------------


class _Writer:
    """Merges valid rows into the database (inside the caller's transaction)."""

    def __init__(self, report: ImportReport, community_ids: set[int]):
        self.report = report
        self.rooms: dict[tuple[int, str], int] = {}
        if community_ids:
            query = Room.select(Room.id, Room.community, Room.code).where(
                Room.community.in_(sorted(community_ids))
            )
            for r in query.tuples():
                self.rooms[(r[1], r[2])] = r[0]
        self.created: set[int] = set()
        self.matched: set[int] = set()
        self.updated: set[int] = set()
        # Names and ID numbers that someone in the database has: a row with neither is a
        # new person, known without the three duplicate queries (half of a first import).
        self.known_names: set[str] = set()
        self.known_ids: set[str] = set()

    def prefetch(self, rows: list[_Row]) -> None:
        """Look up, a few hundred at a time, which names and ID numbers are already known."""
        names = sorted({r.name for r in rows})
        ids = sorted({r.id_number for r in rows if r.id_number})
        for i in range(0, len(names), _CHUNK):
            query = Person.select(Person.name).where(Person.name.in_(names[i : i + _CHUNK]))
            self.known_names.update(p.name for p in query)
        for i in range(0, len(ids), _CHUNK):
            query = Person.select(Person.id_number).where(Person.id_number.in_(ids[i : i + _CHUNK]))
            self.known_ids.update(p.id_number for p in query)

    def room(self, community_id: int, code: ParsedRoom) -> tuple[int, bool]:
        # Any code naming the room finds it: "1-101" the room stored as "1-1-101".
        for alias in code.codes:
            room_id = self.rooms.get((community_id, alias))
            if room_id is not None:
                return room_id, False
        key = (community_id, code.code)
        room_id = people.ensure_room(community_id, code)
        self.rooms[key] = room_id
        self.report.rooms_created += 1
        return room_id, True

    def match(self, row: _Row, room_id: int, room_new: bool) -> int | None:
        """The person this row is about: same ID number, else same name and a same phone,
        else same name and already current in the same room."""
        if row.name not in self.known_names and row.id_number not in self.known_ids:
            return None
        dups = people.find_duplicates(
            PersonInput(name=row.name, id_number=row.id_number, phones=row.phones)
        )
        by_id = [d for d in dups if d.reason == "id_number"]
        if by_id:
            if by_id[0].name != row.name:
                self.report.warnings.append(RowError(row.line, "", _(
                    "The ID number is already recorded for {name}; the row was merged into "
                    "that person and the name was not changed.").format(name=by_id[0].name)))
            return by_id[0].person_id
        candidates = {d.person_id for d in dups}
        if not room_new:
            in_room = (
                Person.select(Person.id)
                .join(Occupancy)
                .where(Person.name == row.name, Occupancy.room == room_id,
                       Occupancy.end_date.is_null())
            )
            candidates.update(p.id for p in in_room)
        if candidates and row.id_number:
            # Someone with another ID number is another person, whatever the name and phone.
            others = Person.select(Person.id).where(
                Person.id.in_(sorted(candidates)), Person.id_number.is_null(False)
            )
            candidates -= {p.id for p in others}
        return min(candidates) if candidates else None

    def write(self, row: _Row) -> None:
        report = self.report
        room_id, changed = self.room(row.community_id, row.room)
        person_id = self.match(row, room_id, changed)
        if person_id is None:
            person_id = people.create_person(
                PersonInput(name=row.name, id_number=row.id_number, note=row.note, phones=row.phones)
            )
            self.created.add(person_id)
            self.known_names.add(row.name)
            if row.id_number:
                self.known_ids.add(row.id_number)
            report.people_created += 1
            report.phones_added += len(row.phones)
            plates: set[str] = set()
            tags: list[str] = []
            current: dict[int, str] = {}
            changed = True
        else:
            if person_id not in self.created:
                self.matched.add(person_id)
            changed |= self._complete(person_id, row)
            plates = {v.plate for v in Vehicle.select(Vehicle.plate).where(Vehicle.person == person_id)}
            tags = [
                t.name for t in Tag.select(Tag.name).join(PersonTag)
                .where(PersonTag.person == person_id).order_by(PersonTag.id)
            ]
            current = {
                o.room_id: o.role for o in Occupancy.select(Occupancy.room, Occupancy.role)
                .where(Occupancy.person == person_id, Occupancy.end_date.is_null())
            }
        for plate in row.plates:
            if plate not in plates:
                people.add_vehicle(person_id, plate)
                report.vehicles_added += 1
                changed = True
        new_tags = [t for t in row.tags if t not in tags]
        if new_tags:
            people.set_tags(person_id, tags + new_tags)
            report.tags_added += len(new_tags)
            changed = True
        held = current.get(room_id)
        if held is None:
            people.move_in(person_id, room_id, row.role)
            report.occupancies_added += 1
            changed = True
        elif held != row.role:
            report.warnings.append(RowError(row.line, "", _(
                "{name} is already recorded in {room} with another role; the role was not "
                "changed (change it on the room card).").format(name=row.name, room=row.room.code)))
        if not changed:
            report.rows_unchanged += 1

    def _complete(self, person_id: int, row: _Row) -> bool:
        """Add the row's new phones; fill in an empty ID number or note. True if anything changed."""
        changed = False
        known = {p.number for p in Phone.select(Phone.number).where(Phone.person == person_id)}
        for number in row.phones:
            if number not in known:
                people.add_phone(person_id, number)
                known.add(number)
                self.report.phones_added += 1
                changed = True
        person = Person.get_by_id(person_id)
        fill_id = bool(row.id_number) and not person.id_number
        fill_note = bool(row.note) and not person.note
        if fill_id or fill_note:
            people.update_person(person_id, PersonInput(
                name=person.name,
                gender=person.gender,
                id_number=row.id_number if fill_id else (person.id_number or ""),
                note=row.note if fill_note else person.note,
            ))
            if fill_id:
                self.known_ids.add(row.id_number)
            if person_id not in self.created:
                self.updated.add(person_id)
            changed = True
        return changed


# --- the import -----------------------------------------------------------------------------------------


def default_rejects_path(path: str | Path) -> Path:
    """Where the rejected rows of `path` go by default: ``roster.csv`` → ``roster.rejects.csv``."""
    p = Path(path)
    return p.with_name(f"{p.stem}.rejects.csv")


def _rejects_csv(table: _Table, errors: list[RowError]) -> str:
    """The bad rows as they were, plus 行号 and 原因, as CSV text. Every cell that a
    spreadsheet would run as a formula (=, +, -, @, tab, CR) is written as text."""
    from data.exports import safe_row

    reasons: dict[int, list[str]] = {}
    for e in errors:
        reasons.setdefault(e.row, []).append(f"{e.column}: {e.message}" if e.column else e.message)
    width = len(table.header)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(safe_row([*table.header, REJECTS_ROW_HEADER, REJECTS_REASON_HEADER]))
    for line, cells in table.rows:
        if line in reasons:
            padded = (cells + [""] * width)[:width]
            writer.writerow(safe_row([*padded, line, "；".join(reasons[line])]))
    return out.getvalue()


def _write_rejects(target: Path | None, table: _Table, errors: list[RowError]) -> Path:
    """Write the rejects file as CSV that Excel opens (UTF-8 BOM): to `target` (never the
    open database or one of its sidecars), or, when None, as a new file of the user's
    export folder (data.exports). Returns where it went."""
    from data.exports import ExportError, refuse_database, write_text_export

    text = _rejects_csv(table, errors)
    if target is None:
        try:
            return write_text_export("rejects", "csv", text, encoding="utf-8-sig")
        except ExportError as exc:
            raise FrontDeskError(_("Cannot write the rejected rows: {reason} Nothing was imported.")
                                 .format(reason=exc.message)) from exc
    refuse_database(target)
    try:
        with target.open("w", encoding="utf-8-sig", newline="") as out:
            out.write(text)
    except OSError as exc:
        raise FrontDeskError(_("Cannot write the rejected rows to {path}: {reason}").format(
            path=target, reason=exc.strerror or exc)) from exc
    return target


def _data_rows(table: _Table) -> Iterator[tuple[int, list[str]]]:
    for line, cells in table.rows:
        if any(c.strip() for c in cells):
            yield line, cells


def import_owners(
    path: str,
    *,
    community: str | None = None,
    skip_invalid: bool = False,
    rejects_path: str | None = None,
    rejects_to_exports: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import an owner roster (.csv or .xlsx) and return what was done.

    Every row is validated before anything is written; then all rows are written in one
    transaction. With invalid rows, ImportRejected lists them all and nothing changes,
    unless `skip_invalid`: then the valid rows are imported and the others are written to
    `rejects_path` (default ``<stem>.rejects.csv`` next to the file; with
    `rejects_to_exports`, a new file of the user's export folder, as the TUI does). A cell holding a
    control character (other than tab and newline) makes its row invalid like any other
    bad cell: the row is refused with the character named, never stored stripped. A row is
    merged into a person already known by the same ID number, or the same name and a same
    phone (or the same name already in the same room), adding only what is new: importing
    a file twice changes nothing the second time.

    `progress(done, total)` counts rows (total = the data rows of the file) once each row
    has been validated and written, or skipped. Validating is fast (about 30 µs a row), so
    the count advances while the slow part, writing, runs; a rejected file draws no bar.
    """
    access.require("import")
    started = time.perf_counter()
    file = Path(path).expanduser()
    table = _read_file(file)
    default_community = people.community_by_name(community).id if community else None
    columns = _map_columns(table.header, need_community=default_community is None)
    table.rows = list(_data_rows(table))
    report = ImportReport(path=str(path), rows=len(table.rows))

    validator = _Validator(table, columns, default_community)
    valid: dict[int, _Row] = {}
    for line, cells in table.rows:
        row, errors = validator.check(line, cells)
        if row is not None:
            valid[line] = row
        report.rejected += errors

    if report.rejected and not skip_invalid:
        raise ImportRejected(str(path), report.rejected, report.rows)
    if report.rejected:
        if rejects_to_exports:
            target = None
        else:
            target = Path(rejects_path).expanduser() if rejects_path else default_rejects_path(file)
        report.rejects_path = str(_write_rejects(target, table, report.rejected))

    total = len(table.rows)
    with transaction():
        writer = _Writer(report, {r.community_id for r in valid.values()})
        writer.prefetch(list(valid.values()))
        for done, (line, _cells) in enumerate(table.rows, start=1):
            row = valid.get(line)
            if row is not None:
                try:
                    writer.write(row)
                except ValidationError as exc:
                    # Validated above, so only a concurrent change gets here; the
                    # transaction rolls back and the clerk learns which row it was.
                    raise FrontDeskError(_("Row {row}: {message} Nothing was imported.").format(
                        row=line, message=exc.message)) from exc
            if progress:
                progress(done, total)
    report.people_matched = len(writer.matched)
    report.people_updated = len(writer.updated)
    report.seconds = time.perf_counter() - started
    return report

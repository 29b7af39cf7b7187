"""Validating the rows of a roster, every error collected with its row and column."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from data import property as prop
from data.errors import ValidationError
from data.i18n import _
from data.idnumbers import validate_id_number
from data.limits import quote
from data.models import Community
from data.rooms import PARKING, ParsedRoom, room_code_error
from data.rooms import parse_room as parse_any_room
from data.roster.columns import (
    _DATE_TEXT,
    _LIST_SEPARATORS,
    _TAG_SEPARATORS,
    FIELD_HEADERS,
    GENDER_WORDS,
    ROLE_WORDS,
)
from data.roster.reading import Table
from data.roster.report import RowError
from data.validators import (
    clean_text,
    fold_width,
    normalize_phone,
    normalize_plate,
)


def parse_room(text: str) -> ParsedRoom:
    """The one place the roster reads a typed room ("3-2-501", "3栋2单元501室",
    "锦绣花园3-2-501"): the project's room parser (data.rooms); ValidationError when it is not
    a room (a parking space is not one)."""
    room = parse_any_room(text)
    if room.kind == PARKING:
        raise room_code_error(text)
    return room


_BUILDING_SUFFIX = re.compile(r"(号楼|号|栋|幢|座|楼|#)$")
_ENTRANCE_SUFFIX = re.compile(r"(单元|门)$")
_NUMBER_SUFFIX = re.compile(r"(室|号|房)$")


def joined_room(building: str, entrance: str, number: str, default_entrance: bool = True) -> str:
    """A room split over columns (楼号 "3栋", 单元 "2单元", 房号 "501室") as one code "3-2-501".
    A 房号 cell that already holds a whole code ("3-2-501") is taken as it is. Without an
    单元, the room is in entrance 1 (`default_entrance`), or left without one ("A-1203")."""
    number = fold_width(number).strip()
    if not building or "-" in number or re.search(r"[栋幢座#]|号楼|单元", number):
        return number
    parts = [_BUILDING_SUFFIX.sub("", fold_width(building).strip()),
             _ENTRANCE_SUFFIX.sub("", fold_width(entrance).strip()),
             _NUMBER_SUFFIX.sub("", number)]
    if not parts[1] and default_entrance:
        parts[1] = "1"  # a building of one entrance: 单元 1, as the room parser needs one
    return "-".join(p for p in parts if p)


#: Excel counts days from 1899-12-30; a date cell read as a number lands in this range.
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def date_text(text: str, numeric: bool = False) -> str:
    """A date as written in a roster ("2020-05-01", "2020/5/1", "2020.5.1", "2020年5月1日",
    "20200501", or an Excel date number) as YYYY-MM-DD; other text as it was."""
    value = fold_width(text).strip()
    if numeric and re.fullmatch(r"\d{5}(\.0+)?", value) and 20000 <= float(value) <= 80000:
        return (_EXCEL_EPOCH + dt.timedelta(days=int(float(value)))).isoformat()
    if re.fullmatch(r"\d{8}", value):
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    value = value.removesuffix(" 00:00:00").removesuffix("日")
    for sep in ("/", ".", "年", "月"):
        value = value.replace(sep, "-")
    parts = value.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        value = f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return value


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
    gender: str = ""
    area: Decimal | None = None
    move_in: dt.date | None = None
    delivery_date: dt.date | None = None


Row = _Row


def _split(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [part.strip() for part in pattern.split(text) if part.strip()]


class _Validator:
    """Checks rows one by one, collecting every error, with the community cache."""

    def __init__(self, table: Table, columns: dict[str, int], default_community: int | None,
                 legend: dict[str, str] | None = None, *, room_only: bool = False):
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
        self.legend = legend or {}
        self.room_only = room_only  # a row without a person is a room alone (HC workbooks)
        self.missing_community: str | None = None  # the first unknown community named

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
        if room_text and "building" in self.columns:
            room_text = joined_room(cell("building", max_length=20), cell("entrance", max_length=20),
                                    room_text)
        if not room_text:
            if len(errors) == room_errors:
                fail("room", _("Enter the room, such as 3-2-501."))
        else:
            try:
                room = parse_room(room_text)
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
                self.missing_community = self.missing_community or community_text
                known = "、".join(self.community_names[:20])
                fail("community", _("No community called “{name}”. Known: {names}").format(
                    name=quote(community_text), names=known))
        elif community_id is None and "community" in self.columns and not errors:
            fail("community", _("Enter the community (小区), or pass --community for the blank cells."))

        name = " ".join(cell("name", max_length=60).split())
        if not name and not self.room_only and not any(e.column == self.header("name") for e in errors):
            fail("name", _("Enter the person's name."))

        role_text = cell("role", max_length=20)
        role = ROLE_WORDS.get(role_text.lower() if role_text else "业主")
        if role is None and role_text:
            role = self.legend.get(fold_width(role_text).strip().lower())
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

        gender = ""
        gender_text = cell("gender", max_length=10).strip()
        if gender_text:
            gender = GENDER_WORDS.get(gender_text.lower(), "")
            if not gender:
                fail("gender", _("Write 男 or 女 (or leave it blank)."))

        area = None
        area_text = cell("area", max_length=30)
        if area_text:
            try:
                area = prop.parse_area(area_text, "area")
            except ValidationError as exc:
                fail("area", exc.message)

        move_in = self.date(line, "move_in", cell("move_in", max_length=30), fail)
        delivery = self.date(line, "delivery_date", cell("delivery_date", max_length=30), fail)

        if id_number and name and not errors:
            first = self.ids_seen.setdefault(id_number, (line, name))
            if first[1] != name:
                fail("id_number", _("Row {row} has the same ID number for {name}.").format(
                    row=first[0], name=first[1]))

        if errors or community_id is None or room is None or role is None:
            return None, errors
        return _Row(line, community_id, room, name, role, phones, id_number, plates, tags, note,
                    gender, area, move_in, delivery), []

    def date(self, line: int, name: str, text: str, fail) -> dt.date | None:
        if not text:
            return None
        numeric = (line, self.columns[name]) in self.table.numeric
        try:
            return dt.date.fromisoformat(date_text(text, numeric))
        except ValueError:
            fail(name, _("“{text}” is not a date: write it as 2020-05-01 (2020/5/1 and Excel dates "
                         "are read too).").format(text=quote(text, 20)))
            return None


Validator = _Validator

"""A whole community exported from HC小区 (MicroCommunity) as one workbook: the sheets
楼栋单元, 业主信息, 房屋信息 (with 建筑面积) and 车位信息, joined by 业主编号.

The 房屋信息 rows are turned into roster rows (the room split over 楼栋编号/单元编号/房屋编号,
its area and dates, and the owner's columns looked up in 业主信息), so they are validated
and merged like any roster; a room without an owner is imported as a room alone. The
车位信息 rows become parking spaces held by the owner of their 业主编号."""

from __future__ import annotations

import re
from dataclasses import dataclass

from data.errors import ValidationError
from data.i18n import _
from data.roster.columns import HEADER_FIELDS
from data.roster.reading import Table, header_key, locate_header
from data.roster.report import RowError

#: The sheets of an HC workbook (the first three are needed; 车位信息 may be missing).
SHEET_OWNERS = "业主信息"
SHEET_ROOMS = "房屋信息"
SHEET_BUILDINGS = "楼栋单元"
SHEET_PARKING = "车位信息"

#: The key joining the sheets, and the HC headers the roster does not know by itself.
_OWNER_KEYS = {"业主编号", "业主id", "业主编码"}
_HC_ROOM_FIELDS = {"楼栋编号": "building", "楼栋名称": "building", "单元编号": "entrance",
                   "房屋编号": "room", "房屋号": "room", "室号": "room"}
_PARKING_FIELDS = {"车位编号": "code", "车位号": "code", "车位": "code", "车牌号": "plate",
                   "车牌": "plate", "车位类型": "kind", "类型": "kind", "面积": "area",
                   "车位面积": "area", "备注": "note"}


def _hc_known(key: str) -> bool:
    return key in HEADER_FIELDS or key in _OWNER_KEYS or key in _HC_ROOM_FIELDS or key in _PARKING_FIELDS


def is_hc_workbook(tables: list[Table]) -> bool:
    names = {" ".join(t.sheet.split()) for t in tables}
    return SHEET_OWNERS in names and SHEET_ROOMS in names


@dataclass
class ParkingRow:
    line: int
    code: str
    kind: str
    area: str
    plate: str
    owner_key: str
    note: str


@dataclass
class HcWorkbook:
    """The joined roster table (from 房屋信息) and the parking rows."""

    table: Table
    owner_key_column: int  # in `table`: the 业主编号 of each row
    parking: list[ParkingRow]
    parking_errors: list[RowError]


def _sheet(tables: list[Table], name: str) -> Table | None:
    for t in tables:
        if " ".join(t.sheet.split()) == name:
            locate_header(t, _hc_known)
            return t
    return None


def _columns(table: Table, fields: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, raw in enumerate(table.header):
        key = header_key(raw)
        name = fields.get(key) or HEADER_FIELDS.get(key)
        if key in _OWNER_KEYS:
            name = "owner_key"
        if name and name not in found:
            found[name] = i
    return found


def join_hc(tables: list[Table]) -> HcWorkbook:
    """One roster table from an HC workbook: a row per 房屋信息 row, with the columns of its
    owner (业主信息) beside it. A 业主编号 not in 业主信息 leaves the owner's cells blank and
    is reported on the row."""
    owners = _sheet(tables, SHEET_OWNERS)
    rooms = _sheet(tables, SHEET_ROOMS)
    parking = _sheet(tables, SHEET_PARKING)
    _sheet(tables, SHEET_BUILDINGS)  # read for its limits; rooms name their buildings
    assert owners is not None and rooms is not None
    owner_cols = _columns(owners, {})
    room_cols = _columns(rooms, _HC_ROOM_FIELDS)
    by_key: dict[str, list[str]] = {}
    if "owner_key" in owner_cols:
        k = owner_cols["owner_key"]
        for _line, cells in owners.rows:
            key = cells[k].strip() if k < len(cells) else ""
            if key:
                by_key.setdefault(key, cells)
    # The joined header: the room sheet's columns (its 业主编号 kept), then the owner's
    # person columns (the room's own 备注/面积 win: they come first).
    person_fields = ("name", "gender", "id_number", "phones", "plates", "tags", "note", "role", "move_in")
    taken = {HEADER_FIELDS.get(header_key(h)) for h in rooms.header}
    extra = [(f, i) for f, i in owner_cols.items() if f in person_fields and f not in taken]
    header = [_hc_header(h) for h in rooms.header] + [owners.header[i] for _f, i in extra]
    rows: list[tuple[int, list[str]]] = []
    key_col = room_cols.get("owner_key", -1)
    for line, cells in rooms.rows:
        key = cells[key_col].strip() if 0 <= key_col < len(cells) else ""
        owner = by_key.get(key, [])
        padded = (cells + [""] * len(rooms.header))[: len(rooms.header)]
        rows.append((line, padded + [owner[i] if i < len(owner) else "" for _f, i in extra]))
    table = Table(header=header, rows=rows, numeric=rooms.numeric, sheet=rooms.sheet,
                  sheets=rooms.sheets, header_row=rooms.header_row)
    spaces, errors = _parking_rows(parking)
    return HcWorkbook(table, key_col, spaces, errors)


def _hc_header(text: str) -> str:
    """An HC room-sheet header as the roster knows it (房屋编号 → 房号, 楼栋编号 → 楼号)."""
    field = _HC_ROOM_FIELDS.get(header_key(text))
    return {"building": "楼号", "entrance": "单元", "room": "房号"}.get(field or "", text)


def _parking_rows(table: Table | None) -> tuple[list[ParkingRow], list[RowError]]:
    if table is None:
        return [], []
    cols = _columns(table, _PARKING_FIELDS)
    spaces: list[ParkingRow] = []
    errors: list[RowError] = []

    def cell(cells: list[str], name: str) -> str:
        i = cols.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    for line, cells in table.rows:
        code = cell(cells, "code")
        if not code:
            if any(cell(cells, n) for n in ("plate", "owner_key")):
                errors.append(RowError(line, SHEET_PARKING, _("Enter the parking space's code (车位编号).")))
            continue
        spaces.append(ParkingRow(line, code, cell(cells, "kind"), cell(cells, "area"),
                                 cell(cells, "plate"), cell(cells, "owner_key"), cell(cells, "note")))
    return spaces, errors


def check_parking(spaces: list[ParkingRow], owner_keys: set[str]) -> list[RowError]:
    """Every parking row checked as `data.property` will store it."""
    from data import property as prop
    from data.validators import clean_text, fold_width, normalize_plate

    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for s in spaces:
        where = _("{sheet} row {row}").format(sheet=SHEET_PARKING, row=s.line)
        try:
            s.code = prop.parse_parking_code(s.code)
            s.kind = prop.parse_parking_kind(s.kind or "rented")
            if s.area:
                prop.parse_area(s.area, "area")
            if s.plate:
                s.plate = normalize_plate(fold_width(s.plate))
            s.note = clean_text(s.note, "note", multiline=True, max_length=500)
        except ValidationError as exc:
            errors.append(RowError(s.line, where, exc.message))
            continue
        if s.owner_key and s.owner_key not in owner_keys:
            errors.append(RowError(s.line, where, _("No owner with 业主编号 {key} in 业主信息.").format(
                key=re.sub(r"\s+", " ", s.owner_key)[:20])))
        first = seen.setdefault(s.code, s.line)
        if first != s.line:
            errors.append(RowError(s.line, where, _("Parking space {code} is already on row {row}.").format(
                code=s.code, row=first)))
    return errors

"""Room list import (`frontdesk import rooms FILE`): a company's 房屋清单 (.csv/.xlsx) with
buildings, entrances, rooms, areas, types, states and delivery dates, validated whole and
written in one transaction, like the owner roster (data.roster, whose reader it shares).

A row for a room already there updates its facts; importing the same file again changes
nothing. Administrators only (`import` and `property.manage`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from data import access
from data import property as prop
from data.db import transaction
from data.errors import FrontDeskError, ValidationError
from data.i18n import _
from data.limits import quote
from data.models import Community
from data.rooms import RoomCode, parse_room_code
from data.roster import (
    ImportRejected,
    RowError,
    Table,
    default_rejects_path,
    joined_room,
    map_columns,
    read_table,
    write_rejects,
)
from data.validators import clean_text, fold_width

#: What each column means, by its header (after `data.roster.header_key`).
HEADER_FIELDS: dict[str, str] = {
    "小区": "community", "小区名称": "community", "项目": "community",
    "楼栋": "building", "楼号": "building", "楼栋号": "building", "栋": "building", "幢": "building",
    "单元": "entrance", "单元号": "entrance",
    "房号": "room", "房间": "room", "房间号": "room", "室": "room", "房屋": "room", "房屋编号": "room",
    "建筑面积": "area", "面积": "area", "建筑面积㎡": "area",
    "套内面积": "inner_area", "套内建筑面积": "inner_area",
    "类型": "room_type", "房屋类型": "room_type", "用途": "room_type",
    "状态": "state", "房屋状态": "state",
    "交房日期": "delivery_date", "交付日期": "delivery_date", "交付时间": "delivery_date",
    "开发商持有": "developer_held", "建设单位持有": "developer_held",
}

FIELD_HEADERS: dict[str, str] = {
    "community": "小区", "building": "楼栋", "entrance": "单元", "room": "房号",
    "area": "建筑面积", "inner_area": "套内面积", "room_type": "类型", "state": "状态",
    "delivery_date": "交房日期", "developer_held": "开发商持有",
}

_YES = {"是", "y", "yes", "true", "1", "√", "持有"}
_NO = {"否", "n", "no", "false", "0", ""}


@dataclass
class RoomImportReport:
    """What a room list import read, created, updated and rejected."""

    path: str = ""
    rows: int = 0
    rooms_created: int = 0
    rooms_updated: int = 0
    rows_unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    rejects_path: str | None = None
    seconds: float = 0.0

    @property
    def rows_rejected(self) -> int:
        return len({e.row for e in self.rejected})

    def summary(self) -> str:
        lines = [
            _("Imported {path}: {rows} rows in {seconds:.1f} s.").format(
                path=self.path, rows=self.rows, seconds=self.seconds),
            _("  Rooms: {created} new, {updated} updated, {unchanged} unchanged.").format(
                created=self.rooms_created, updated=self.rooms_updated, unchanged=self.rows_unchanged),
        ]
        if self.rejected:
            lines.append(_("Skipped {count} invalid rows (written to {path}):").format(
                count=self.rows_rejected, path=self.rejects_path))
            lines += [f"  {e}" for e in self.rejected]
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {"rows": self.rows, "created": self.rooms_created, "updated": self.rooms_updated,
                "unchanged": self.rows_unchanged, "rejected": self.rows_rejected,
                "rejects_path": self.rejects_path}


@dataclass
class _Row:
    line: int
    community_id: int
    code: RoomCode
    data: prop.RoomInput


def _map_columns(header: list[str], *, need_community: bool) -> dict[str, int]:
    """The room list's columns, read as the roster reads its own (data.roster.map_columns)."""
    return map_columns(header, need_community=need_community, fields=HEADER_FIELDS,
                       names=FIELD_HEADERS, required=("room",))


class _Validator:
    def __init__(self, table: Table, columns: dict[str, int], default_community: int | None):
        self.table = table
        self.columns = columns
        self.default_community = default_community
        self.communities: dict[str, int] = {}
        for c in Community.select(Community.id, Community.name, Community.code):
            self.communities.setdefault(" ".join(c.code.split()).upper(), c.id)
        for c in Community.select(Community.id, Community.name):
            self.communities[" ".join(c.name.split())] = c.id
        self.seen: dict[tuple[int, str], int] = {}

    def header(self, name: str) -> str:
        return self.table.header[self.columns[name]].strip() or FIELD_HEADERS[name]

    def check(self, line: int, cells: list[str]) -> tuple[_Row | None, list[RowError]]:
        errors: list[RowError] = []

        def cell(name: str) -> str | None:
            index = self.columns.get(name)
            if index is None:
                return None
            if index >= len(cells):
                return ""
            try:
                return clean_text(cells[index], name, max_length=100)
            except ValidationError as exc:
                errors.append(RowError(line, self.header(name), exc.message))
                return ""

        community_id = self.default_community
        name = cell("community")
        if name:
            key = " ".join(fold_width(name).split())
            community_id = self.communities.get(key) or self.communities.get(key.upper())
            if community_id is None:
                errors.append(RowError(line, self.header("community"), _(
                    "No community called “{name}”. Add it first: frontdesk community add {name}").format(
                    name=quote(key, 30))))
        elif community_id is None:
            errors.append(RowError(line, self.header("community"), _("Name the community.")))

        room_text = cell("room") or ""
        building, entrance = cell("building"), cell("entrance")
        if building:  # split over columns: 楼栋 "3号楼", 单元 "1单元", 房号 "601"
            room_text = joined_room(building, entrance or "", room_text, default_entrance=False)
        code = None
        if not room_text:
            errors.append(RowError(line, self.header("room"), _("Enter the room, such as 3-2-501.")))
        else:
            try:
                code = parse_room_code(room_text)
            except ValidationError as exc:
                errors.append(RowError(line, self.header("room"), exc.message))

        held_text = cell("developer_held")
        held = None
        if held_text is not None:
            value = held_text.strip().lower()
            if value in _YES:
                held = True
            elif value in _NO:
                held = False
            else:
                errors.append(RowError(line, self.header("developer_held"), _("Write 是 or 否.")))
        data = prop.RoomInput(
            area=cell("area"), inner_area=cell("inner_area"), room_type=cell("room_type"),
            state=cell("state"), delivery_date=_date_text(cell("delivery_date")), developer_held=held,
        )
        # Every fact checked now, with the field it belongs to (the import is all-or-nothing).
        for check_field, check in (
            ("area", lambda: prop.parse_area(data.area or "", "area")),
            ("inner_area", lambda: prop.parse_area(data.inner_area or "", "inner_area")),
            ("room_type", lambda: data.room_type and prop.parse_room_type(data.room_type)),
            ("state", lambda: data.state and prop.parse_room_state(data.state)),
            ("delivery_date", lambda: _check_date(data.delivery_date)),
        ):
            if check_field in self.columns:
                try:
                    check()
                except ValidationError as exc:
                    errors.append(RowError(line, self.header(check_field), exc.message))
        if not errors and data.area and data.inner_area:
            area = prop.parse_area(data.area, "area")
            inner = prop.parse_area(data.inner_area, "inner_area")
            if area is not None and inner is not None and inner > area:
                errors.append(RowError(line, self.header("inner_area"), _(
                    "The inner area ({inner} m²) cannot be larger than the floor area ({area} m²).").format(
                    inner=inner, area=area)))
        if errors or code is None or community_id is None:
            return None, errors
        first = self.seen.setdefault((community_id, code.code), line)
        if first != line:
            return None, [RowError(line, self.header("room"), _(
                "Room {code} is already on row {row}.").format(code=code.code, row=first))]
        return _Row(line, community_id, code, data), []


def _date_text(text: str | None) -> str | None:
    # An Excel date cell arrives as "2020-05-01"; one typed as 2020/5/1 or 2020.5.1 too.
    if text is None:
        return None
    value = fold_width(text).strip()
    for sep in ("/", ".", "年", "月"):
        value = value.replace(sep, "-")
    value = value.removesuffix("日")
    parts = value.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        value = f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return value


def _check_date(text: str | None) -> None:
    from data.validators import parse_date

    parse_date(text or "", "delivery_date")


def import_rooms(path: str, *, community: str | None = None, skip_invalid: bool = False,
                 rejects_path: str | None = None, sheet: str | None = None) -> RoomImportReport:
    """Import a room list (.csv or .xlsx): every row validated first, then all written in
    one transaction (ImportRejected and nothing changed when a row is invalid, unless
    `skip_invalid`: then the others are written to a rejects file and listed)."""
    access.require("import")
    access.require("property.manage")
    started = time.perf_counter()
    file = Path(path).expanduser()
    table = read_table(file, _("a room list"), sheet=sheet,
                       known=HEADER_FIELDS.__contains__)
    default_community = prop.find_community(community) if community else None
    columns = _map_columns(table.header, need_community=default_community is None)
    report = RoomImportReport(path=str(path), rows=len(table.rows))
    validator = _Validator(table, columns, default_community)
    valid: list[_Row] = []
    for line, cells in table.rows:
        row, errors = validator.check(line, cells)
        if row is not None:
            valid.append(row)
        report.rejected += errors
    if report.rejected and not skip_invalid:
        raise ImportRejected(str(path), report.rejected, report.rows)
    if report.rejected:
        target = Path(rejects_path).expanduser() if rejects_path else default_rejects_path(file)
        report.rejects_path = str(write_rejects(target, table, report.rejected))
    with transaction():
        for row in valid:
            try:
                _room_id, created, changed = prop.save_room(row.community_id, row.code, row.data)
            except ValidationError as exc:
                raise FrontDeskError(_("Row {row}: {message} Nothing was imported.").format(
                    row=row.line, message=exc.message)) from exc
            if created:
                report.rooms_created += 1
            elif changed:
                report.rooms_updated += 1
            else:
                report.rows_unchanged += 1
    report.seconds = time.perf_counter() - started
    return report

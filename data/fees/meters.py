"""Metered fee items (水, 电; issue 18 item 1): meter readings per room, item and period, their
CSV import, and the bill lines a period's readings make — (reading − previous) × the item's
standard on the period's first day, one line per room, the consumption as its quantity.

A reading lower than the room's last one is refused unless it is marked as a meter change:
the new meter is taken to start at 0, so its consumption is the new reading itself. A
room's first reading of an item is its starting reading (nothing to bill). A period's
reading is entered once and never replaced."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from peewee import JOIN, fn

from data import access, audit, limits
from data.clock import now, today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.items import CYCLE_MONTHS, find_item, standard_on
from data.fees.values import MAX_AMOUNT, add_months, parse_period, period_start
from data.i18n import _
from data.models import Bill, Community, FeeItem, MeterReading, Occupancy, Room
from data.renovations.values import strict_decimal
from data.validators import clean_text, decode_text, fold_width, show_controls

#: The largest reading a meter shows (a household water or electricity meter has 7 digits).
MAX_READING = Decimal("9999999.99")
#: The most one room may use of one item in a month (m³, kWh) before a lead (fees.manage)
#: must confirm the reading: a typo of a digit or two is caught at the desk.
MAX_MONTHLY_CONSUMPTION = Decimal("10000")
#: A period's readings file (a reading a line: 50 000 rooms are about 1 MB).
READINGS_MAX_BYTES = 4 * limits.MB


@dataclass(frozen=True)
class ReadingRow:
    id: int
    room_id: int
    room: str
    item: str
    period: str
    reading: Decimal
    previous: Decimal
    meter_change: bool
    staff: str
    at: dt.datetime

    @property
    def consumption(self) -> Decimal:
        return self.reading - self.previous

    def as_json(self) -> dict:
        return {**asdict(self), "reading": str(self.reading), "previous": str(self.previous),
                "consumption": str(self.consumption), "at": self.at.isoformat(sep=" ", timespec="seconds")}


@dataclass(frozen=True)
class ImportResult:
    """What a readings file gave: the readings stored, and each refused line (number, why)."""

    stored: int
    bad: tuple[tuple[int, str], ...]

    def as_json(self) -> dict:
        return {"stored": self.stored, "bad": [{"line": n, "reason": r} for n, r in self.bad]}


def parse_reading(value: Decimal | int | str) -> Decimal:
    """A meter reading: a number from 0 with at most two decimals."""
    # Plain digits only, as amounts: Decimal() would also take 1e3, 1_000 or NaN.
    reading = strict_decimal(fold_width(format(value, "f") if isinstance(value, Decimal) else str(value)).strip())
    if reading is None:
        raise ValidationError("reading", _("Give the reading as a number, such as 1234.5."))
    if reading < 0 or reading > MAX_READING:
        raise ValidationError("reading", _("A reading is a number from 0 to {most}.").format(most=MAX_READING))
    if reading != reading.quantize(Decimal("0.01")):
        raise ValidationError("reading", _("A reading has at most two decimals."))
    return reading.quantize(Decimal("0.01"))


def _dec(value) -> Decimal:
    """A stored reading as Decimal with two decimals (SQLite hands back 112.5)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _meter_item(community_id: int, item: str | int) -> FeeItem:
    fee = find_item(community_id, item)
    if fee.basis != "meter":
        raise ValidationError("item", _("“{name}” is not a metered item.").format(name=fee.name))
    return fee


def _store(room_id: int, fee: FeeItem, period: str, reading: Decimal, meter_change: bool,
           staff_id: int | None, note: str = "") -> MeterReading:
    """Check and store one reading (inside the caller's transaction)."""
    day = today()
    if period > f"{day.year:04d}-{day.month:02d}":
        raise ValidationError("period", _(
            "{period} is still to come: a meter is read for this month or an earlier one.").format(period=period))
    if meter_change and not note:
        raise ValidationError("note", _("A meter change needs a note: why the meter was replaced."))
    if MeterReading.get_or_none(MeterReading.room == room_id, MeterReading.item == fee.id,
                                MeterReading.period == period):
        raise ValidationError("period", _(
            "{period} already has a reading of “{name}” for this room; a reading is never replaced.").format(
            period=period, name=fee.name))
    last = (MeterReading.select().where(MeterReading.room == room_id, MeterReading.item == fee.id)
            .order_by(MeterReading.period.desc()).first())
    if last is not None and last.period > period:
        raise ValidationError("period", _(
            "This room already has a reading of “{name}” for {later}: readings are entered month by month.").format(
            name=fee.name, later=last.period))
    if meter_change:
        previous = Decimal(0)  # the new meter starts at 0
    elif last is None:
        previous = reading  # the starting reading: nothing consumed yet
    elif reading < _dec(last.reading):
        raise ValidationError("reading", _(
            "{reading} is lower than this room's last reading {last} ({period}); if the meter was "
            "replaced, mark it as a meter change.").format(reading=reading, last=_dec(last.reading), period=last.period))
    else:
        previous = _dec(last.reading)
    if reading - previous > MAX_MONTHLY_CONSUMPTION and not access.can("fees.manage", staff_id):
        raise ValidationError("reading", _(
            "{reading} means {used} units of “{name}” in a month, more than {most}: check the reading; "
            "if it is right, a lead (fees.manage) must enter it.").format(
            reading=reading, used=reading - previous, name=fee.name, most=MAX_MONTHLY_CONSUMPTION))
    row = MeterReading.create(room=room_id, item=fee.id, period=period, reading=reading, previous=previous,
                              meter_change=meter_change, staff=staff_id, at=now())
    if meter_change:
        audit.record("replace", "meter_reading", row.id, "note", new=note, staff_id=staff_id)
    return row


def record_reading(room_id: int, item: str | int, period: str, reading: Decimal | int | str,
                   meter_change: bool = False, staff_id: int | None = None, note: str = "") -> ReadingRow:
    """Record a room's reading of a metered item for a period (抄表); a meter change needs
    a note (why), which the audit log keeps."""
    access.require("fees.pay", staff_id)
    period = parse_period(period)
    value = parse_reading(reading)
    note = clean_text(note or "", "note", max_length=500)
    room = Room.get_or_none(Room.id == room_id)
    if room is None:
        raise NotFoundError(_("No such room."))
    fee = _meter_item(room.community_id, item)
    with transaction():
        row = _store(room_id, fee, period, value, bool(meter_change), staff_id, note)
    return next(r for r in readings(period, room_id=room_id) if r.id == row.id)


def delete_reading(room_id: int, item: str | int, period: str, staff_id: int | None = None) -> ReadingRow:
    """Delete a room's latest reading of an item (leads, fees.manage) — a mistyped or
    far-future one — while no bill of the room, item and period is issued; audited."""
    access.require("fees.manage", staff_id)
    period = parse_period(period)
    room = Room.get_or_none(Room.id == room_id)
    if room is None:
        raise NotFoundError(_("No such room."))
    fee = _meter_item(room.community_id, item)
    with transaction():
        row = MeterReading.get_or_none(MeterReading.room == room_id, MeterReading.item == fee.id,
                                       MeterReading.period == period)
        if row is None:
            raise NotFoundError(_("This room has no reading of “{name}” for {period}.").format(
                name=fee.name, period=period))
        later = (MeterReading.select(MeterReading.period).where(
            MeterReading.room == room_id, MeterReading.item == fee.id, MeterReading.period > period)
            .order_by(MeterReading.period.desc()).scalar())
        if later:
            raise ValidationError("period", _(
                "Only the latest reading can be deleted: this room has a reading of “{name}” for {later}.").format(
                name=fee.name, later=later))
        if Bill.select().where(Bill.room == room_id, Bill.item == fee.id, Bill.period == period).exists():
            raise ValidationError("period", _(
                "The bill of “{name}” for {period} is issued: its reading cannot be deleted.").format(
                name=fee.name, period=period))
        shown = ReadingRow(row.id, room_id, room.code, fee.name, period, _dec(row.reading), _dec(row.previous),
                           row.meter_change, "", row.at)
        audit.record("delete", "meter_reading", row.id, "reading", old=f"{room.code} {fee.name} {period} "
                     f"{shown.reading}", staff_id=staff_id)
        MeterReading.delete().where(MeterReading.id == row.id).execute()
    return shown


def readings(period: str, *, room_id: int | None = None, community_id: int | None = None,
             staff_id: int | None = None, limit: int = 5000) -> list[ReadingRow]:
    """A period's readings, of one room or one community or all, by community, room and item."""
    from data.models import Staff

    access.require("fees.view", staff_id)
    period = parse_period(period)
    query = (MeterReading.select(MeterReading, Room.code.alias("room_code"), FeeItem.name.alias("item_name"),
                                 Staff.name.alias("staff_name"))
             .join(Room, on=(MeterReading.room == Room.id)).switch(MeterReading)
             .join(FeeItem).switch(MeterReading)
             .join(Staff, JOIN.LEFT_OUTER, on=(MeterReading.staff == Staff.id))
             .where(MeterReading.period == period)
             .order_by(Room.community, Room.code, FeeItem.id).limit(limit))
    if room_id is not None:
        query = query.where(MeterReading.room == room_id)
    if community_id is not None:
        query = query.where(Room.community == community_id)
    return [ReadingRow(r.id, r.room_id, r.room_code, r.item_name, r.period, _dec(r.reading),
                       _dec(r.previous), r.meter_change, r.staff_name or "", r.at) for r in query.objects()]


def missing_readings(community_id: int, period: str, staff_id: int | None = None) -> int:
    """How many rooms of a community have a metered item read before `period` but no
    reading of it for `period` (what `bill_period` would leave unbilled)."""
    access.require("fees.view", staff_id)
    period = parse_period(period)
    missing = 0
    for item_id in [i for (i,) in FeeItem.select(FeeItem.id).where(
            FeeItem.community == community_id, FeeItem.basis == "meter").tuples()]:
        missing += len(_rooms_read(community_id, item_id, MeterReading.period < period)
                       - _rooms_read(community_id, item_id, MeterReading.period == period))
    return missing


def _rooms_read(community_id: int, item_id: int, when) -> set[int]:
    """The rooms of a community with a reading of the item in the periods `when` selects."""
    return {r for (r,) in MeterReading.select(MeterReading.room).join(Room, on=(MeterReading.room == Room.id))
            .where(Room.community == community_id, MeterReading.item == item_id, when).distinct().tuples()}


def import_readings(path: str, community_id: int, item: str | int, period: str,
                    staff_id: int | None = None) -> ImportResult:
    """A period's readings from a CSV file of "room, reading" lines (a header line and blank
    lines are skipped; an optional third column 换表/change marks a meter change). Good lines
    are stored, each bad one is reported with its line number. The file is only read, and
    only a regular file within the size limit."""
    access.require("fees.pay", staff_id)
    period = parse_period(period)
    if Community.get_or_none(Community.id == community_id) is None:
        raise NotFoundError(_("No such community."))
    fee = _meter_item(community_id, item)
    data = limits.read_bytes_limited(path, READINGS_MAX_BYTES, _("a readings file"))
    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        raise ValidationError("file", _("Cannot read {path}: it is neither UTF-8 nor GBK text.").format(
            path=path)) from None
    rooms = dict(Room.select(Room.code, Room.id).where(Room.community == community_id).tuples())
    stored = 0
    bad: list[tuple[int, str]] = []
    for line_no, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        fields = [x.strip() for x in fields]
        if not any(fields):
            continue
        if len(fields) < 2:
            bad.append((line_no, _("give the room and the reading")))
            continue
        code, value = fields[0], fields[1]
        if line_no == 1 and not any(ch.isdigit() for ch in value):
            continue  # a header such as 房号,读数
        room_id = rooms.get(code)
        if room_id is None:
            bad.append((line_no, _("no room “{code}”").format(code=show_controls(code[:30]))))
            continue
        change = len(fields) > 2 and fields[2].lower() in ("换表", "change", "meter change", "1", "yes", "是")
        note = clean_text(",".join(fields[3:]), "note", max_length=500) if change else ""
        try:
            with transaction():
                _store(room_id, fee, period, parse_reading(value), change, staff_id,
                       note or _("meter change (readings file)"))
        except ValidationError as exc:
            bad.append((line_no, exc.message))
            continue
        stored += 1
    return ImportResult(stored, tuple(bad))


def meter_lines(community_id: int, period: str, items: list[FeeItem],
                standards: dict) -> tuple[list[dict], int, list[str]]:
    """The bill lines of a period's readings of these metered items, how many readings
    are missing (rooms whose meter was read before, without a reading for the period) and
    the bad ones ("3-1-101 水费": a line over MAX_AMOUNT, left out so one wild reading cannot
    stop the run). Lines already issued are left out; a reading without consumption bills
    nothing."""
    start = period_start(period)
    lines: list[dict] = []
    bad: list[str] = []
    most_fen = int(MAX_AMOUNT * 100)
    missing = 0
    issued_at = now()
    for item in items:
        months = CYCLE_MONTHS[item.cycle]
        end = add_months(start, months)
        done = {r for (r,) in Bill.select(Bill.room).where(
            Bill.community == community_id, Bill.item == item.id, Bill.period == period).tuples()}
        owners = dict(Occupancy.select(Occupancy.room, fn.MIN(Occupancy.person))
                      .join(Room).where(Room.community == community_id, Occupancy.role == "owner",
                                        Occupancy.end_date.is_null())
                      .group_by(Occupancy.room).tuples())
        rows = (MeterReading.select(MeterReading.room, MeterReading.reading, MeterReading.previous,
                                    Room.building, Room.room_type, Room.state, Room.developer_held, Room.code)
                .join(Room, on=(MeterReading.room == Room.id))
                .where(Room.community == community_id, MeterReading.item == item.id, MeterReading.period == period)
                .tuples())
        read = set()
        for room_id, reading, previous, building_id, room_type, state, developer_held, code in rows:
            read.add(room_id)
            quantity = _dec(reading) - _dec(previous)
            found = standard_on(standards[item.id], room_type, start)
            if room_id in done or quantity <= 0 or found is None:
                continue
            price, standard_id = found
            amount = _fen(Decimal(price) * quantity)
            if amount > most_fen:
                bad.append(f"{code} {item.name}")
                continue
            person = None if developer_held or state == "undelivered" else owners.get(room_id)
            lines.append(dict(
                community=community_id, building=building_id, room=room_id, space=None, space_key=0,
                item=item.id, standard=standard_id, period=period, starts_on=start,
                ends_on=end - dt.timedelta(days=1), payer_kind="owner" if person else "developer",
                person=person, quantity=quantity, unit_price_fen=price, rate_pct=100,
                amount_fen=amount, paid_fen=0, waived_fen=0, issued_at=issued_at))
        missing += len(_rooms_read(community_id, item.id, MeterReading.period < period) - read)
    return lines, missing, bad


def _fen(exact: Decimal) -> int:
    """Exact fen rounded half up to the fen: the one rounding of a line."""
    return int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))

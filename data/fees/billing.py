"""Issuing bills (开账): `bill_period("2027-01")` bills every room of every community (or of
one) for a month — items billed quarterly or yearly in the first month of their cycle —
building by building, each in its own short transaction, so a run is resumable and a rerun
issues only what is missing (one key per room, item, space, period and first day).

Who pays: the owner; a room whose owner changed within the period is billed to each by days;
days without an owner, rooms the developer still holds and rooms not delivered are billed to
the developer (建设单位, 物业服务收费管理办法 art. 16) in full; an empty owned room (空置)
pays the community's vacancy rate. A room's prepaid balance settles its new bills at once.

Set-based (issue 18 item 12): a building's rooms whose ownership is the same all period
long are billed by one INSERT … SELECT per item and room type, in integer arithmetic (area
in hundredths of a m², rounded half up once); only the few rooms whose owner changed within
the period go through `owner_segments` in Python. Each building's rooms' running arrears
figures (data.fees.balances) are refreshed in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from data import access
from data.clock import now
from data.db import db, is_sqlite, transaction
from data.errors import NotFoundError, ValidationError
from data.fees.balances import refresh_building, refresh_rooms
from data.fees.items import CYCLE_MONTHS, find_item, standard_on, standards_of, vacancy_rate
from data.fees.late import late_lines
from data.fees.meters import meter_lines
from data.fees.payments import apply_prepaid
from data.fees.values import BillingResult, add_months, parse_period, period_start
from data.i18n import _
from data.models import (
    Bill,
    Building,
    Community,
    FeeAccount,
    FeeItem,
    Occupancy,
    ParkingSpace,
    Room,
)

#: Rows per INSERT (19 parameters each: within SQLite's limit of 32 766).
CHUNK = 1000

Segment = tuple[dt.date, dt.date, int | None]  # [start, end) and the owner (None: developer)


def due_items(community_id: int, period: str) -> list[FeeItem]:
    """The community's active items issued in `period`'s month."""
    month = int(period[5:7])
    items = []
    for item in (FeeItem.select().where(FeeItem.community == community_id, FeeItem.active == True)  # noqa: E712
                 .order_by(FeeItem.id)):
        months = CYCLE_MONTHS.get(item.cycle)
        if months is None:  # one-off items are charged one by one (charge_once)
            continue
        if (month - 1) % months == 0:
            items.append(item)
    return items


def owner_segments(occupancies: list[tuple[dt.date | None, dt.date | None, int]],
                   start: dt.date, end: dt.date) -> list[Segment]:
    """The span [start, end) cut by owner: each owner's days ([move-in, move-out): the
    move-out day is the next owner's), the days nobody owned as None (the developer)."""
    spans = []
    for s, e, person in occupancies:
        s2, e2 = max(s or start, start), min(e or end, end)
        if s2 < e2:
            spans.append((s2, e2, person))
    spans.sort(key=lambda x: (x[0], x[2]))
    out: list[Segment] = []
    cursor = start
    for s, e, person in spans:
        if e <= cursor:
            continue  # overlaps an earlier owner: the first owner of a day pays it
        s = max(s, cursor)
        if s > cursor:
            out.append((cursor, s, None))
        out.append((s, e, person))
        cursor = e
    if cursor < end:
        out.append((cursor, end, None))
    return out


def line_amount(price_fen: int, quantity: Decimal, months: int, days: int, span_days: int,
                rate_pct: int) -> int:
    """price × quantity × months × days ÷ span days × rate %, rounded half up to the fen once."""
    exact = (Decimal(price_fen) * quantity * months * days * rate_pct) / (Decimal(span_days) * 100)
    return int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def bill_period(period: str, community_id: int | None = None,
                staff_id: int | None = None) -> BillingResult:
    """Issue the bills of `period` ("2027-01") for every room of one community or all,
    building by building in short transactions; a rerun issues only what is missing."""
    access.require("fees.bill", staff_id)
    period = parse_period(period)
    communities = Community.select(Community.id).order_by(Community.id)
    if community_id is not None:
        communities = communities.where(Community.id == community_id)
    total = [0, 0, 0, 0]  # bills, fen, buildings, prepaid used
    missing = 0
    bad: list[str] = []
    # Read the ids first: a SELECT still open across the building transactions would pin
    # SQLite's WAL (no checkpoint can reset it), which grows by gigabytes at a million rooms.
    for cid in [c for (c,) in communities.tuples()]:
        _bill_community(cid, period, total)
        missing += _bill_meters(cid, period, total, bad)
        _bill_late_fees(cid, period, total)
    return BillingResult(period, total[0], total[1], total[2], total[3], missing, tuple(bad))


def _bill_meters(community_id: int, period: str, total: list[int], bad: list[str]) -> int:
    """The period's metered lines (水, 电) from its readings, in one transaction; returns how
    many readings are missing and adds the readings whose line is too big to `bad`."""
    items = [i for i in due_items(community_id, period) if i.basis == "meter"]
    if not items:
        return 0
    with transaction():
        rows, missing, too_big = meter_lines(community_id, period, items, standards_of([i.id for i in items]))
        bad.extend(too_big)
        _insert(rows, total)
        total[3] += _use_prepaid(Room.select(Room.id).where(Room.community == community_id))
        refresh_rooms([r["room"] for r in rows])
    return missing


def _bill_late_fees(community_id: int, period: str, total: list[int]) -> None:
    """The 滞纳金 lines for the previous month when the community has late fees on."""
    with transaction():
        rows = late_lines(community_id, period)
        if rows:
            _insert(rows, total)
            total[3] += _use_prepaid(Room.select(Room.id).where(Room.community == community_id))
            refresh_rooms([r["room"] for r in rows])


def _bill_community(community_id: int, period: str, total: list[int]) -> None:
    items = due_items(community_id, period)
    if not items:
        return
    start = period_start(period)
    standards = standards_of([i.id for i in items])
    rate = vacancy_rate(community_id)
    room_items = [i for i in items if i.basis in ("area", "room")]
    space_items = [i for i in items if i.basis == "space"]
    buildings = [b for (b,) in Building.select(Building.id).where(Building.community == community_id)
                 .order_by(Building.id).tuples()]
    for building_id in buildings:
        if room_items:
            with transaction():
                issued_at = now()
                changed = _set_lines(community_id, building_id, period, start, room_items, standards, rate,
                                     issued_at, total)
                if changed:
                    rows = _room_lines(community_id, building_id, period, start, room_items, standards, rate,
                                       changed, issued_at)
                    _insert(rows, total)
                total[3] += _use_prepaid(Room.select(Room.id).where(Room.building == building_id))
                refresh_building(building_id)
            total[2] += 1
    if space_items:
        with transaction():
            rows = _space_lines(community_id, period, start, space_items, standards)
            _insert(rows, total)
            total[3] += _use_prepaid(Room.select(Room.id).where(Room.community == community_id))
            refresh_rooms([r["room"] for r in rows])


def _bind(value):
    """A date or time as the driver compares it with the stored column: ISO text on SQLite
    (how peewee stores them there), the value itself on PostgreSQL (typed, so an INSERT …
    SELECT takes it for a date or timestamp column)."""
    return str(value) if is_sqlite() else value


#: The largest price × months × 100 whose product with an area in hundredths (≤ 10⁸) and a
#: rate (≤ 100) stays within a 64-bit integer; a dearer standard is billed in Python.
_SQL_PRICE_LIMIT = 9 * 10**10

#: Owner occupancies of a building's rooms overlapping [start, far end): marks `building`,
#: `far_end`, `start`, in that order.
_OVERLAP = (' AND o."role" = \'owner\' AND (o."start_date" IS NULL OR o."start_date" < {m}) '
            'AND (o."end_date" IS NULL OR o."end_date" > {m})')


def _changed_rooms(building_id: int, start: dt.date, far_end: dt.date) -> set[int]:
    """The building's rooms billed by days (Python): an owner they had within [start,
    far_end) did not hold them the whole span, or several did. Rooms billed to the
    developer in full are never among them."""
    m = db.param
    sql = ('SELECT o."room_id" FROM "occupancy" o JOIN "room" r ON r."id" = o."room_id" '
           f'WHERE r."building_id" = {m}' + _OVERLAP.format(m=m) +
           ' AND NOT (r."developer_held" OR r."state" = \'undelivered\') GROUP BY o."room_id" '
           'HAVING COUNT(*) > 1 OR MAX(CASE WHEN (o."start_date" IS NOT NULL AND o."start_date" > '
           f'{m}) OR (o."end_date" IS NOT NULL AND o."end_date" < {m}) THEN 1 ELSE 0 END) = 1')
    params = [building_id, _bind(far_end), _bind(start), _bind(start), _bind(far_end)]
    return {r for (r,) in db.execute_sql(sql, params).fetchall()}


def amount_sql(price_fen: int, months: int, area_hundredths: str, pct: str) -> str:
    """The SQL of a whole-period line's amount in integer fen: price × area × months × rate
    % rounded half up once — `area_hundredths` and `pct` are SQL integer expressions
    (amounts are never negative, so adding half the divisor before the integer division
    rounds half up). Equal to `line_amount` for a whole span (tests compare them)."""
    return f"(({int(price_fen) * int(months)}) * {area_hundredths} * {pct} + 5000) / 10000"


#: An area column in integer hundredths of a m²: SQLite keeps a DECIMAL as a REAL
#: (89.57 × 100 = 8956.999…, hence ROUND), PostgreSQL as an exact numeric.
_AREA_HUNDREDTHS = 'CAST(ROUND(r."area_m2" * 100) AS BIGINT)'


def _set_lines(community_id: int, building_id: int, period: str, start: dt.date, items: list[FeeItem],
               standards: dict, rate: int, issued_at: dt.datetime, total: list[int]) -> set[int]:
    """Bill the building's rooms with one payer all period long, set-based; returns the
    rooms left for `_room_lines` (billed by days). Counts what it issued into `total`."""
    far_end = add_months(start, max(CYCLE_MONTHS[i.cycle] for i in items))
    changed = _changed_rooms(building_id, start, far_end)
    types = [t for (t,) in Room.select(Room.room_type).where(Room.building == building_id).distinct().tuples()]
    m = db.param
    statements = []
    for item in items:
        months = CYCLE_MONTHS[item.cycle]
        end = add_months(start, months)
        for room_type in types:
            found = standard_on(standards[item.id], room_type, start)
            if found is None:
                continue
            price, standard_id = found
            if price * months * 100 > _SQL_PRICE_LIMIT:
                return {r for (r,) in Room.select(Room.id).where(Room.building == building_id).tuples()}
            statements.append((item, months, end, room_type, price, standard_id))
    before = _billed_fen(building_id, period)
    pct = f'CASE WHEN o."person_id" IS NOT NULL AND r."state" = \'vacant\' THEN {int(rate)} ELSE 100 END'
    for item, months, end, room_type, price, standard_id in statements:
        by_area = item.basis == "area"
        quantity = 'r."area_m2"' if by_area else "1"
        amount = amount_sql(price, months, _AREA_HUNDREDTHS if by_area else "100", pct)
        sql = (
            f'INSERT INTO "bill" ({", ".join(_COLUMNS)}) '
            f'SELECT r."community_id", r."building_id", r."id", NULL, 0, {m}, {m}, {m}, {m}, {m}, '
            'CASE WHEN o."person_id" IS NULL THEN \'developer\' ELSE \'owner\' END, o."person_id", '
            f'{quantity}, {int(price)}, {pct}, {amount}, 0, 0, {m} '
            'FROM "room" r LEFT JOIN "occupancy" o ON o."room_id" = r."id"' + _OVERLAP.format(m=m) +
            ' AND NOT (r."developer_held" OR r."state" = \'undelivered\') '
            f'WHERE r."building_id" = {m} AND r."room_type" = {m}'
            + (' AND r."area_m2" > 0' if by_area else '') +
            (f' AND r."id" NOT IN ({", ".join([m] * len(changed))})' if changed else '') +
            ' ON CONFLICT DO NOTHING')
        params = [item.id, standard_id, period, _bind(start), _bind(end - dt.timedelta(days=1)), _bind(issued_at),
                  _bind(far_end), _bind(start), building_id, room_type, *sorted(changed)]
        total[0] += db.execute_sql(sql, params).rowcount
    total[1] += _billed_fen(building_id, period) - before
    return changed


def _billed_fen(building_id: int, period: str) -> int:
    m = db.param
    return int(db.execute_sql(f'SELECT COALESCE(SUM("amount_fen"), 0) FROM "bill" WHERE "building_id" = {m} '
                              f'AND "period" = {m}', [building_id, period]).fetchone()[0])


#: The columns of a bill line, in the order `_insert` writes them.
_COLUMNS = ("community_id", "building_id", "room_id", "space_id", "space_key", "item_id", "standard_id",
            "period", "starts_on", "ends_on", "payer_kind", "person_id", "quantity", "unit_price_fen",
            "rate_pct", "amount_fen", "paid_fen", "waived_fen", "issued_at")
_KEYS = ("community", "building", "room", "space", "space_key", "item", "standard", "period", "starts_on",
         "ends_on", "payer_kind", "person", "quantity", "unit_price_fen", "rate_pct", "amount_fen", "paid_fen",
         "waived_fen", "issued_at")


def _param(value):
    """A value as both drivers take it: dates and times as ISO text, Decimal as text."""
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def _insert(rows: list[dict], total: list[int]) -> None:
    """Insert the lines, many per statement (building the statement through the query
    builder cost more than the database's work); a line another run inserted meanwhile is
    left as it is (ON CONFLICT DO NOTHING on the unique key)."""
    mark = db.param
    one = "(" + ", ".join([mark] * len(_COLUMNS)) + ")"
    head = f'INSERT INTO "bill" ({", ".join(_COLUMNS)}) VALUES '
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        params = [_param(row[key]) for row in chunk for key in _KEYS]
        cursor = db.execute_sql(head + ", ".join([one] * len(chunk)) + " ON CONFLICT DO NOTHING", params)
        inserted = cursor.rowcount
        total[0] += inserted
        total[1] += sum(r["amount_fen"] for r in chunk) if inserted == len(chunk) else 0


def _existing(room_ids_query, period: str) -> set[tuple[int, int, int]]:
    return {(r, i, s) for r, i, s in Bill.select(Bill.room, Bill.item, Bill.space_key)
            .where(Bill.room.in_(room_ids_query), Bill.period == period).tuples()}


def _room_lines(community_id: int, building_id: int, period: str, start: dt.date,
                items: list[FeeItem], standards: dict, rate: int, only: set[int],
                issued_at: dt.datetime) -> list[dict]:
    """The lines of the rooms `only` of a building, cut by owner and day (Python)."""
    rooms = list(Room.select(Room.id, Room.room_type, Room.area_m2, Room.state, Room.developer_held)
                 .where(Room.building == building_id, Room.id.in_(sorted(only))).tuples())
    if not rooms:
        return []
    in_building = Room.select(Room.id).where(Room.building == building_id)
    done = _existing(in_building, period)
    longest = max(CYCLE_MONTHS[i.cycle] for i in items)
    far_end = add_months(start, longest)
    owners: dict[int, list[tuple[dt.date | None, dt.date | None, int]]] = {}
    for room_id, s, e, person in (Occupancy.select(Occupancy.room, Occupancy.start_date, Occupancy.end_date,
                                                   Occupancy.person)
                                  .where(Occupancy.room.in_(in_building), Occupancy.role == "owner",
                                         (Occupancy.start_date.is_null()) | (Occupancy.start_date < far_end),
                                         (Occupancy.end_date.is_null()) | (Occupancy.end_date > start))
                                  .tuples()):
        owners.setdefault(room_id, []).append((s, e, person))
    rows: list[dict] = []
    for item in items:
        months = CYCLE_MONTHS[item.cycle]
        end = add_months(start, months)
        span_days = (end - start).days
        for room_id, room_type, area, state, developer_held in rooms:
            if (room_id, item.id, 0) in done:
                continue
            if item.basis == "area":
                if area is None or Decimal(area) <= 0:
                    continue  # no floor area: nothing to bill by area
                quantity = Decimal(area)
            else:
                quantity = Decimal(1)
            if developer_held or state == "undelivered":
                segments: list[Segment] = [(start, end, None)]
            else:
                segments = owner_segments(owners.get(room_id, []), start, end)
            for seg_start, seg_end, person in segments:
                found = standard_on(standards[item.id], room_type, seg_start)
                if found is None:
                    continue
                price, standard_id = found
                pct = rate if person is not None and state == "vacant" else 100
                rows.append(dict(
                    community=community_id, building=building_id, room=room_id, space=None, space_key=0,
                    item=item.id, standard=standard_id, period=period, starts_on=seg_start,
                    ends_on=seg_end - dt.timedelta(days=1),
                    payer_kind="owner" if person is not None else "developer", person=person,
                    quantity=quantity, unit_price_fen=price, rate_pct=pct,
                    amount_fen=line_amount(price, quantity, months, (seg_end - seg_start).days, span_days, pct),
                    paid_fen=0, waived_fen=0, issued_at=issued_at))
    return rows


def _space_lines(community_id: int, period: str, start: dt.date, items: list[FeeItem],
                 standards: dict) -> list[dict]:
    """Parking spaces with a holder, billed to the holder on the room the holder owns in
    the community (payments are taken per room); a space whose holder owns none is skipped."""
    owned: dict[int, tuple[int, int]] = {}
    for person, room_id, building_id in (Occupancy.select(Occupancy.person, Room.id, Room.building)
                                         .join(Room)
                                         .where(Room.community == community_id, Occupancy.role == "owner",
                                                Occupancy.end_date.is_null())
                                         .order_by(Occupancy.id).tuples()):
        owned.setdefault(person, (room_id, building_id))
    spaces = list(ParkingSpace.select(ParkingSpace.id, ParkingSpace.holder)
                  .where(ParkingSpace.community == community_id, ParkingSpace.holder.is_null(False)).tuples())
    done = {(s, i) for s, i in Bill.select(Bill.space_key, Bill.item)
            .where(Bill.community == community_id, Bill.period == period, Bill.space_key != 0).tuples()}
    issued_at = now()
    rows = []
    for item in items:
        months = CYCLE_MONTHS[item.cycle]
        end = add_months(start, months)
        found = standard_on(standards[item.id], "", start)
        if found is None:
            continue
        price, standard_id = found
        for space_id, holder in spaces:
            if (space_id, item.id) in done or holder not in owned:
                continue
            room_id, building_id = owned[holder]
            rows.append(dict(
                community=community_id, building=building_id, room=room_id, space=space_id,
                space_key=space_id, item=item.id, standard=standard_id, period=period, starts_on=start,
                ends_on=end - dt.timedelta(days=1), payer_kind="holder", person=holder,
                quantity=Decimal(1), unit_price_fen=price, rate_pct=100, amount_fen=price * months,
                paid_fen=0, waived_fen=0, issued_at=issued_at))
    return rows


def _use_prepaid(room_ids_query) -> int:
    """Settle new bills from the prepaid balances of these rooms; the fen used."""
    rooms = [r for (r,) in FeeAccount.select(FeeAccount.room)
             .where(FeeAccount.room.in_(room_ids_query), FeeAccount.prepaid_fen > 0).tuples()]
    return sum(apply_prepaid(room_id) for room_id in rooms)


def charge_once(room_id: int, item: str | int, amount: str = "", on: dt.date | None = None,
                staff_id: int | None = None) -> int:
    """A one-off charge (装修垃圾清运费 …) on a room, at the item's standard unless an amount
    is given; returns the bill's id. Billed to the room's current owner (else the developer)."""
    from data.clock import today
    from data.fees.values import fen_of

    access.require("fees.bill", staff_id)
    room = Room.get_or_none(Room.id == room_id)
    if room is None:
        raise NotFoundError(_("No such room."))
    fee = find_item(room.community_id, item)
    if fee.basis != "once":
        raise ValidationError("item", _("“{name}” is not a one-off item: it is billed by period.").format(
            name=fee.name))
    day = on or today()
    found = standard_on(standards_of([fee.id])[fee.id], room.room_type, day)
    if amount:
        price, standard_id = fen_of(amount, "amount"), None
    elif found is not None:
        price, standard_id = found
    else:
        raise ValidationError("amount", _("“{name}” has no standard yet: give the amount.").format(name=fee.name))
    owner = (Occupancy.select(Occupancy.person).where(
        Occupancy.room == room_id, Occupancy.role == "owner", Occupancy.end_date.is_null())
        .order_by(Occupancy.id).scalar())
    with transaction():
        if Bill.get_or_none(Bill.room == room_id, Bill.item == fee.id, Bill.space_key == 0,
                            Bill.starts_on == day):
            raise ValidationError("item", _("This room already has “{name}” on {day}.").format(
                name=fee.name, day=day))
        bill = Bill.create(community=room.community_id, building=room.building_id, room=room_id,
                           item=fee.id, standard=standard_id, period=f"{day.year:04d}-{day.month:02d}",
                           starts_on=day, ends_on=day, payer_kind="owner" if owner else "developer",
                           person=owner, quantity=1, unit_price_fen=price, amount_fen=price, issued_at=now())
        apply_prepaid(room_id)
        refresh_rooms([room_id])
    return bill.id

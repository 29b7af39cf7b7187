"""Arrears (欠费) per room: what is due, the age of the oldest unpaid bill and the amounts
by ageing bucket (0–3, 3–6, 6–12, 12+ months since the first month a bill covers), as a
page ordered by amount with filters (community, building, minimum amount, bucket) and a
count capped so the first page stays fast."""

from __future__ import annotations

import datetime as dt

from peewee import JOIN, SQL, fn

from data import access
from data.clock import today
from data.errors import ValidationError
from data.fees.values import (
    BUCKETS,
    ArrearsPage,
    ArrearsRow,
    BillRow,
    add_months,
    bucket_of,
    month_index,
    period_start,
)
from data.i18n import _
from data.models import Bill, Building, Community, FeeItem, Occupancy, Person, Room

#: The largest count of matching rooms the page counts exactly.
COUNT_CAP = 10_000
PAGE_MAX = 500

_DUE = Bill.amount_fen - Bill.paid_fen - Bill.waived_fen


def bill_rows(where, limit: int = 50) -> tuple[BillRow, ...]:
    """Bills matching `where`, newest first, with item and payer names."""
    query = (Bill.select(Bill, FeeItem.name.alias("item_name"), Room.code.alias("room_code"),
                         Person.name.alias("person_name"))
             .join(FeeItem).switch(Bill).join(Room).switch(Bill)
             .join(Person, on=(Bill.person == Person.id), join_type=JOIN.LEFT_OUTER)
             .where(where).order_by(Bill.period.desc(), Bill.starts_on.desc(), Bill.id.desc())
             .limit(max(1, min(limit, PAGE_MAX))))
    out = []
    for b in query.objects():
        payer = b.person_name or (_("developer") if b.payer_kind == "developer" else "")
        out.append(BillRow(b.id, b.room_id, b.room_code, b.item_name, b.period, b.starts_on, b.ends_on,
                           b.payer_kind, payer or "", b.amount_fen, b.paid_fen, b.waived_fen))
    return tuple(out)


def _bucket_bounds(bucket: str, as_of: dt.date) -> tuple[str | None, str | None]:
    """Periods whose age falls in `bucket`: (earliest, latest) inclusive, as "YYYY-MM"."""
    lows = {"0-3": (0, 2), "3-6": (3, 5), "6-12": (6, 11), "12+": (12, None)}
    if bucket not in lows:
        raise ValidationError("bucket", _("Unknown ageing bucket “{value}”: use one of {choices}.").format(
            value=bucket[:10], choices=", ".join(BUCKETS)))
    young, old = lows[bucket]
    start = dt.date(as_of.year, as_of.month, 1)
    latest = add_months(start, -young).strftime("%Y-%m")
    earliest = add_months(start, -old).strftime("%Y-%m") if old is not None else None
    return earliest, latest


def arrears_page(*, community_id: int | None = None, building_id: int | None = None, min_fen: int = 0,
                 bucket: str | None = None, as_of: dt.date | None = None, limit: int = 50, offset: int = 0,
                 staff_id: int | None = None, limitation_only: bool = False) -> ArrearsPage:
    """Rooms with something due, the largest first: filters by community, building, a
    minimum amount, the bucket of the oldest unpaid bill and (`limitation_only`) the rooms
    flagged as nearing the three-year limitation (data.fees.collection)."""
    from data.fees.collection import evidence_rooms_since, limitation_cutoff, limitation_flags

    access.require("fees.view", staff_id)
    as_of = as_of or today()
    limit = max(1, min(limit, PAGE_MAX))
    due = fn.SUM(_DUE)
    oldest = fn.MIN(Bill.period)
    query = Bill.select(Bill.room, due.alias("due"), oldest.alias("oldest")).where(_DUE > 0)
    if community_id is not None:
        query = query.where(Bill.community == community_id)
    if building_id is not None:
        query = query.where(Bill.building == building_id)
    if limitation_only:
        contacted, reminded = evidence_rooms_since(limitation_cutoff(as_of))
        query = query.where(Bill.room.not_in(contacted), Bill.room.not_in(reminded))
    query = query.group_by(Bill.room)
    having = [due > 0]
    if min_fen:
        having.append(due >= min_fen)
    if bucket:
        earliest, latest = _bucket_bounds(bucket, as_of)
        having.append(oldest <= latest)
        if earliest is not None:
            having.append(oldest >= earliest)
    if limitation_only:
        having.append(oldest <= limitation_cutoff(as_of).strftime("%Y-%m"))
    query = query.having(*having)
    capped = query.limit(COUNT_CAP + 1)
    counted = Bill.select(fn.COUNT(SQL("*")), fn.COALESCE(fn.SUM(SQL("q.due")), 0)).from_(capped.alias("q"))
    total_rooms, total_fen = counted.tuples().first() or (0, 0)
    page = list(query.order_by(SQL("due").desc(), Bill.room).limit(limit).offset(max(0, offset)).tuples())
    room_ids = [r for r, _d, _o in page]
    rooms = {r.id: r for r in (Room.select(Room.id, Room.code, Community.name.alias("cname"),
                                           Building.code.alias("bcode"))
                               .join(Community).switch(Room).join(Building)
                               .where(Room.id.in_(room_ids)).objects())} if room_ids else {}
    owners: dict[int, str] = {}
    if room_ids:
        for room_id, name in (Occupancy.select(Occupancy.room, Person.name).join(Person)
                              .where(Occupancy.room.in_(room_ids), Occupancy.role == "owner",
                                     Occupancy.end_date.is_null()).order_by(Occupancy.id).tuples()):
            owners.setdefault(room_id, name)
    buckets: dict[int, dict[str, int]] = {r: {} for r in room_ids}
    now_index = month_index(as_of)
    if room_ids:
        for room_id, period, fen in (Bill.select(Bill.room, Bill.period, fn.SUM(_DUE))
                                     .where(Bill.room.in_(room_ids), _DUE > 0)
                                     .group_by(Bill.room, Bill.period).tuples()):
            b = bucket_of(now_index - month_index(period_start(period)))
            buckets[room_id][b] = buckets[room_id].get(b, 0) + int(fen)
    flagged = limitation_flags([(r, o) for r, _d, o in page], as_of)
    rows = []
    for room_id, fen, first in page:
        r = rooms[room_id]
        rows.append(ArrearsRow(room_id, r.cname, r.bcode, r.code, owners.get(room_id, ""), int(fen), first,
                               bucket_of(now_index - month_index(period_start(first))),
                               {b: buckets[room_id][b] for b in BUCKETS if b in buckets[room_id]},
                               room_id in flagged))
    return ArrearsPage(tuple(rows), min(int(total_rooms), COUNT_CAP), int(total_fen or 0),
                       int(total_rooms) > COUNT_CAP or offset + len(rows) < min(int(total_rooms), COUNT_CAP))


def room_due(room_id: int) -> int:
    """What a room owes (fen)."""
    return int(Bill.select(fn.COALESCE(fn.SUM(_DUE), 0)).where(Bill.room == room_id).scalar() or 0)

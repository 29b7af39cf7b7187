"""Arrears (欠费) per room: what is due, the age of the oldest unpaid bill and the amounts
by ageing bucket (0–3, 3–6, 6–12, 12+ months since the first month a bill covers), as a
page ordered by amount with filters (community, building, minimum amount, bucket) and a
count capped so the first page stays fast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, SQL, fn

from data import access
from data.clock import today
from data.errors import ValidationError
from data.fees.values import (
    BUCKETS,
    REMIND_ACTION,
    ArrearsPage,
    ArrearsRow,
    BillRow,
    add_months,
    bucket_of,
    money_text,
    month_index,
    period_start,
)
from data.i18n import _, language
from data.models import (
    ArrearsContact,
    AuditLog,
    Bill,
    Building,
    Community,
    FeeAccount,
    FeeItem,
    Occupancy,
    Person,
    Room,
    WorkOrder,
)

#: Months after which arrears without dated evidence are flagged (2 years 6 months: the
#: three-year limitation of Civil Code art. 188 is close).
LIMITATION_MONTHS = 30

#: The largest count of matching rooms the page counts exactly.
COUNT_CAP = 10_000
PAGE_MAX = 500

_DUE = Bill.amount_fen - Bill.paid_fen - Bill.waived_fen


def bill_rows(where, limit: int = 50) -> tuple[BillRow, ...]:
    """Bills matching `where`, newest first, with item and payer names."""
    query = (Bill.select(Bill, FeeItem.name.alias("item_name"), Room.code.alias("room_code"),
                         Person.name.alias("person_name"), WorkOrder.number.alias("order_number"))
             .join(FeeItem).switch(Bill).join(Room).switch(Bill)
             .join(Person, on=(Bill.person == Person.id), join_type=JOIN.LEFT_OUTER).switch(Bill)
             .join(WorkOrder, on=(Bill.work_order == WorkOrder.id), join_type=JOIN.LEFT_OUTER)
             .where(where).order_by(Bill.period.desc(), Bill.starts_on.desc(), Bill.id.desc())
             .limit(max(1, min(limit, PAGE_MAX))))
    out = []
    for b in query.objects():
        payer = b.person_name or (_("developer") if b.payer_kind == "developer" else "")
        out.append(BillRow(b.id, b.room_id, b.room_code, b.item_name, b.period, b.starts_on, b.ends_on,
                           b.payer_kind, payer or "", b.amount_fen, b.paid_fen, b.waived_fen,
                           b.order_number or ""))
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
                 staff_id: int | None = None, limitation_only: bool = False,
                 after: tuple[int, int] | None = None) -> ArrearsPage:
    """Rooms with something due, the largest first: filters by community, building, a
    minimum amount, the bucket of the oldest unpaid bill and (`limitation_only`) the rooms
    flagged as nearing the three-year limitation (data.fees.collection).

    Reads the rooms' running figures (FeeAccount.due_fen, oldest_period: data.fees.balances)
    in the order of their index (due_fen DESC, room), so a page costs a few rows at any size;
    `after` (the page's `next_after`) continues from the last row shown (keyset), `offset`
    still works for small jumps."""

    access.require("fees.view", staff_id)
    as_of = as_of or today()
    limit = max(1, min(limit, PAGE_MAX))
    query = (FeeAccount.select(FeeAccount.room, FeeAccount.due_fen, FeeAccount.oldest_period)
             .where(FeeAccount.due_fen > 0))
    if community_id is not None or building_id is not None:
        query = query.join(Room, on=(FeeAccount.room == Room.id))
        if community_id is not None:
            query = query.where(Room.community == community_id)
        if building_id is not None:
            query = query.where(Room.building == building_id)
    if min_fen:
        query = query.where(FeeAccount.due_fen >= min_fen)
    if bucket:
        earliest, latest = _bucket_bounds(bucket, as_of)
        query = query.where(FeeAccount.oldest_period <= latest)
        if earliest is not None:
            query = query.where(FeeAccount.oldest_period >= earliest)
    if limitation_only:
        contacted, reminded = evidence_rooms_since(limitation_cutoff(as_of))
        query = query.where(FeeAccount.room.not_in(contacted), FeeAccount.room.not_in(reminded),
                            FeeAccount.oldest_period <= limitation_cutoff(as_of).strftime("%Y-%m"))
    capped = query.limit(COUNT_CAP + 1)
    counted = FeeAccount.select(fn.COUNT(SQL("*")), fn.COALESCE(fn.SUM(SQL("q.due_fen")), 0)).from_(
        capped.alias("q"))
    total_rooms, total_fen = counted.tuples().first() or (0, 0)
    paged = query
    if after is not None:
        due_after, room_after = after
        paged = paged.where((FeeAccount.due_fen < due_after)
                            | ((FeeAccount.due_fen == due_after) & (FeeAccount.room > room_after)))
    page = list(paged.order_by(FeeAccount.due_fen.desc(), FeeAccount.room).limit(limit)
                .offset(max(0, offset)).tuples())
    room_ids = [r for r, _d, _o in page]
    rooms = {r.id: r for r in (Room.select(Room.id, Room.code, Room.developer_held, Community.name.alias("cname"),
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
        # A room without an owner says whose it is: the developer's (建设单位) or nobody's.
        owner = owners.get(room_id) or (_("Developer") if r.developer_held else _("No owner"))
        rows.append(ArrearsRow(room_id, r.cname, r.bcode, r.code, owner, int(fen), first,
                               bucket_of(now_index - month_index(period_start(first))),
                               {b: buckets[room_id][b] for b in BUCKETS if b in buckets[room_id]},
                               room_id in flagged))
    shown = min(int(total_rooms), COUNT_CAP)
    more = int(total_rooms) > COUNT_CAP or offset + len(rows) < shown if after is None else len(rows) == limit
    next_after = (rows[-1].due_fen, rows[-1].room_id) if rows and more else None
    return ArrearsPage(tuple(rows), shown, int(total_fen or 0), more, next_after)


def room_due(room_id: int) -> int:
    """What a room owes (fen)."""
    return int(Bill.select(fn.COALESCE(fn.SUM(_DUE), 0)).where(Bill.room == room_id).scalar() or 0)


@dataclass(frozen=True)
class RoomArrears:
    room_id: int
    due_fen: int
    months: int  # months with something unpaid
    oldest_period: str  # "YYYY-MM", "" when nothing is due


def room_arrears(room_ids: list[int]) -> dict[int, RoomArrears]:
    """What each room owes, over how many months, since which month (rooms owing nothing
    are left out)."""
    out: dict[int, RoomArrears] = {}
    ids = list(dict.fromkeys(room_ids))
    for i in range(0, len(ids), 500):
        query = (Bill.select(Bill.room, Bill.period, fn.SUM(_DUE))
                 .where(Bill.room.in_(ids[i:i + 500]), _DUE > 0)
                 .group_by(Bill.room, Bill.period).tuples())
        per: dict[int, list[tuple[str, int]]] = {}
        for room_id, period, fen in query:
            per.setdefault(room_id, []).append((period, int(fen)))
        for room_id, rows in per.items():
            total = sum(f for _p, f in rows)
            if total > 0:
                out[room_id] = RoomArrears(room_id, total, len(rows), min(p for p, _f in rows))
    return out


def _month_text(period: str) -> str:
    if not period:
        return ""
    if language() == "zh":
        return f"{int(period[:4])}年{int(period[5:7])}月"
    return period


def arrears_values(room_id: int) -> dict[str, str]:
    """The 催缴 placeholders of a room: {欠费金额} "1234.56 元", {欠费月数} "3",
    {最早欠费月} "2026年3月" ({} when the room owes nothing)."""
    facts = room_arrears([room_id]).get(room_id)
    if facts is None:
        return {}
    return {"欠费金额": _("{amount} yuan").format(amount=money_text(facts.due_fen)),
            "欠费月数": str(facts.months), "最早欠费月": _month_text(facts.oldest_period)}


def limitation_cutoff(as_of: dt.date) -> dt.date:
    """The first day of the month 2 years 6 months before `as_of`'s month."""
    return add_months(as_of, -LIMITATION_MONTHS)


def evidence_rooms_since(since: dt.date):
    """Subqueries of the rooms with dated evidence since `since`: a contact or promise, a
    printed written reminder (data.fees.documents records it in the audit trail)."""
    start = dt.datetime.combine(since, dt.time())
    contacted = ArrearsContact.select(ArrearsContact.room).where(ArrearsContact.at >= start)
    reminded = AuditLog.select(AuditLog.entity_id).where(
        AuditLog.entity == "room", AuditLog.action == REMIND_ACTION, AuditLog.at >= start)
    return contacted, reminded


def limitation_flags(rows: list[tuple[int, str]], as_of: dt.date) -> set[int]:
    """Of (room_id, oldest unpaid period), the rooms flagged: the oldest unpaid bill is
    older than 2 years 6 months and nothing dated since then."""
    cutoff = limitation_cutoff(as_of)
    old = [room_id for room_id, oldest in rows if oldest and period_start(oldest) <= cutoff]
    if not old:
        return set()
    contacted, reminded = evidence_rooms_since(cutoff)
    seen = {r for (r,) in contacted.where(ArrearsContact.room.in_(old)).tuples()}
    seen |= {r for (r,) in reminded.where(AuditLog.entity_id.in_(old)).tuples()}
    return {r for r in old if r not in seen}


def balance_line(person_id: int, staff_id: int | None = None) -> str:
    """What a person's current rooms owe, in one line ("欠费 1234.56 元（3 个月）"), for the
    owner card and the calls screen's caller panel: "" for a role without fees.view, or
    when nothing is owed."""
    if not access.can("fees.view", staff_id):
        return ""
    room_ids = [r for (r,) in Occupancy.select(Occupancy.room).where(
        Occupancy.person == person_id, Occupancy.end_date.is_null()).tuples()]
    facts = room_arrears(room_ids)
    if not facts:
        return ""
    total = sum(f.due_fen for f in facts.values())
    months = max(f.months for f in facts.values())
    return _("Owes {amount} yuan ({months} months)").format(amount=money_text(total), months=months)


def record_reached(room_id: int, person_id: int | None, staff_id: int, at: dt.datetime, note: str) -> None:
    """A 催缴 call that reached the payer (data.calls.record_attempt), as dated evidence."""
    owed = room_arrears([room_id]).get(room_id)
    ArrearsContact.create(room=room_id, person=person_id, staff=staff_id, at=at, outcome="reached",
                          due_fen=owed.due_fen if owed else 0, note=note)

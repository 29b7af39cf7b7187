"""Who is calling: the person or colleague a number reaches (data.calls.numbers), with
their rooms, open work orders, last calls and any active incident on their buildings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data.calls.incidents import IncidentView, incident_for_buildings
from data.calls.log import CallView, call_query, call_views
from data.calls.numbers import matched_people, matching_staff, normalize_number
from data.clock import now as clock_now
from data.models import Call, Community, Occupancy, Room, WorkOrder
from data.vocab import OPEN_STATUSES

#: Rows `match_caller` shows.
OPEN_ORDERS_SHOWN, LAST_CALLS_SHOWN, AMBIGUOUS_SHOWN = 10, 5, 20


@dataclass(frozen=True)
class CallerMatch:
    """Who is calling, and what the desk should see at once."""

    number: str  # normalised
    person_id: int | None
    name: str
    staff_login: str | None  # a staff member calling
    rooms: tuple[tuple[int, str, str], ...]  # (room_id, code, community), current rooms
    open_orders: tuple[tuple[int, str, str, str], ...]  # (id, number, title, status), newest first
    last_calls: tuple[CallView, ...]  # newest first
    incident: IncidentView | None  # active, covering one of the rooms' buildings
    ambiguous: tuple[tuple[int, str], ...]  # (person_id, name) when several share the number
    staff_id: int | None = None
    staff_name: str = ""
    # What the caller's rooms owe, one line, for roles with fees.view (else "").
    balance: str = ""

    @property
    def known(self) -> bool:
        return self.person_id is not None or bool(self.ambiguous) or self.staff_id is not None


def current_rooms(person_ids: list[int]) -> list[tuple[int, str, str, int]]:
    """(room_id, code, community, building_id) of the people's current rooms, primary
    contacts and owners first, no room twice."""
    if not person_ids:
        return []
    rows = (
        Occupancy.select(Room.id, Room.code, Community.name, Room.building)
        .join(Room)
        .join(Community)
        .where(Occupancy.person.in_(person_ids), Occupancy.end_date.is_null())
        .order_by(Occupancy.is_primary_contact.desc(), Occupancy.id)
        .limit(50)
        .tuples()
    )
    seen: dict[int, tuple[int, str, str, int]] = {}
    for room_id, code, community, building_id in rows:
        seen.setdefault(room_id, (room_id, code, community, building_id))
    return list(seen.values())


def match_caller(number: str, at: dt.datetime | None = None) -> CallerMatch:
    """Who `number` is (see data.calls.numbers), with their current rooms, open work
    orders (theirs or their rooms'), last calls and any active incident on their
    buildings. An unknown number gives a match with no person and its own last calls."""
    at = at or clock_now()
    normalised = normalize_number(number)
    people = matched_people(normalised)
    staff = matching_staff(normalised)
    ids = [pid for pid, _name in people[:AMBIGUOUS_SHOWN]]
    rooms = current_rooms(ids)
    room_ids = [r[0] for r in rooms]
    orders: tuple[tuple[int, str, str, str], ...] = ()
    if ids:
        where = WorkOrder.person.in_(ids)
        if room_ids:
            where = where | WorkOrder.room.in_(room_ids)
        orders = tuple(
            WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.title, WorkOrder.status)
            .where(where, WorkOrder.status.in_(OPEN_STATUSES))
            .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
            .limit(OPEN_ORDERS_SHOWN)
            .tuples()
        )
    calls = call_query().where(Call.person == ids[0]) if len(people) == 1 else (
        call_query().where(Call.number == normalised))
    last = tuple(call_views(calls.order_by(Call.started_at.desc(), Call.id.desc()).limit(LAST_CALLS_SHOWN)))
    one = people[0] if len(people) == 1 else None
    return CallerMatch(
        number=normalised,
        person_id=one[0] if one else None,
        name=one[1] if one else "",
        staff_login=staff.login if staff else None,
        rooms=tuple((r[0], r[1], r[2]) for r in rooms),
        open_orders=orders,
        last_calls=last,
        incident=incident_for_buildings([r[3] for r in rooms], at),
        ambiguous=tuple(people[:AMBIGUOUS_SHOWN]) if len(people) > 1 else (),
        staff_id=staff.id if staff else None,
        staff_name=staff.name if staff else "",
        balance=_balance(one[0]) if one else "",
    )


def _balance(person_id: int) -> str:
    from data.fees.arrears import balance_line

    return balance_line(person_id)

"""Permitted hours of renovation works and the noise rule: when works may go on under a
permit (by default 工作日 8:00–12:00 and 14:00–18:00, none on rest days, never on public
holidays, a 调休 make-up working day counting as a working day — data.holidays), and the
flag a noise complaint gets on its work order when its room, or a neighbour's (same
building, the same floor or the one above or below), is under renovation.

Imports nothing of data.workorders: `data.workorders.create_order` calls
`flag_noise_complaint` (one call, inside its transaction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from data.errors import NotFoundError, ValidationError
from data.holidays import holidays_between
from data.i18n import N_, _
from data.models import Category, Renovation, Room, WorkOrder, WorkOrderHistory
from data.renovations.values import ACTIVE_STATUSES, Window, describe_hours, parse_hours
from data.rooms import parse_room

#: The kinds of day the permitted hours know.
WORKING_DAY, REST_DAY, PUBLIC_HOLIDAY = "working", "rest", "holiday"
#: The category code whose subtree is noise (噪音 › 装修噪音, 邻里噪音, …: data.seed).
NOISE_CATEGORY = "noise"
#: The history action of the flag on a work order (data.workorders.ACTION_LABELS).
FLAG_ACTION = "renovation"
#: The flag's first words (what the work-order screen shows on its line).
OUTSIDE_HOURS = N_("Under renovation: outside the permitted working hours")
INSIDE_HOURS = N_("Under renovation (within the permitted hours)")
#: The flag about a neighbour's room (装修中：3-2-601 超出许可施工时间).
NEIGHBOUR_OUTSIDE_HOURS = N_("Under renovation: {room} outside the permitted working hours")
NEIGHBOUR_INSIDE_HOURS = N_("Under renovation: {room} (within the permitted hours)")


class PermitHours(Protocol):
    """What the hours rule needs of a permit (a RenovationView, a RenovationRow or the
    model), read only."""

    @property
    def status(self) -> str: ...
    @property
    def start_date(self) -> dt.date: ...
    @property
    def end_date(self) -> dt.date: ...
    @property
    def workday_hours(self) -> str: ...
    @property
    def rest_day_hours(self) -> str: ...


def day_kind(day: dt.date) -> str:
    """WORKING_DAY (a weekday that is no holiday, or a 调休 make-up working day), REST_DAY
    (a weekend day) or PUBLIC_HOLIDAY (a day off of the holiday calendar)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    marked = holidays_between(day, day)
    if marked:
        return WORKING_DAY if marked[0].kind == "workday" else PUBLIC_HOLIDAY
    return WORKING_DAY if day.weekday() < 5 else REST_DAY


def windows_on(permit: PermitHours, day: dt.date) -> tuple[Window, ...]:
    """The permitted windows of `day` under the permit's hours, whatever its status and
    period: none on a public holiday."""
    kind = day_kind(day)
    if kind == PUBLIC_HOLIDAY:
        return ()
    stored = permit.workday_hours if kind == WORKING_DAY else permit.rest_day_hours
    try:
        return parse_hours(stored, "hours")
    except ValidationError:  # hours edited by hand into nonsense: no hours at all
        return ()


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def is_permitted(permit: PermitHours | int, when: dt.datetime) -> bool:
    """May works go on under `permit` (a view, the model or its id) at `when`? Only while
    the permit is approved or the works are in progress, within its period, inside the
    day's permitted windows (start included, end excluded: 12:00 is lunch)."""
    if isinstance(permit, int):
        found = Renovation.get_or_none(Renovation.id == permit)
        if found is None:
            raise NotFoundError(_("No renovation permit #{id}.").format(id=permit))
        permit = found
    if permit.status not in ACTIVE_STATUSES:
        return False
    day = when.date()
    if not _as_date(permit.start_date) <= day <= _as_date(permit.end_date):
        return False
    moment = when.time()
    return any(begin <= moment < end for begin, end in windows_on(permit, day))


def active_permit(room_id: int, day: dt.date) -> Renovation | None:
    """The room's permit under which works may go on on `day` (approved or in progress,
    the day within its period), the latest if several."""
    return (Renovation.select()
            .where(Renovation.room == room_id, Renovation.status.in_(ACTIVE_STATUSES),
                   Renovation.start_date <= day, Renovation.end_date >= day)
            .order_by(Renovation.start_date.desc(), Renovation.id.desc())
            .first())


def is_noise_category(category_id: int | None) -> bool:
    """Is the category 噪音 or one of its descendants?"""
    seen: set[int] = set()
    current = category_id
    while current is not None and current not in seen:
        seen.add(current)
        row = Category.select(Category.code, Category.parent).where(Category.id == current).first()
        if row is None:
            return False
        if row.code == NOISE_CATEGORY:
            return True
        current = row.parent_id
    return False


@dataclass(frozen=True)
class NearbyPermit:
    """A permit under which works may go on at the moment a noise complaint was reported,
    of the complaint's room itself or of a neighbour (same building, the same floor or the
    one directly above or below), and whether that moment is inside its hours."""

    permit: Renovation
    room_code: str
    own: bool  # the complaint's own room
    floor_step: int  # the neighbour's floor minus the complaint's (-1, 0, 1)
    permitted: bool


def _floor_of(floor: int | None, code: str) -> int:
    """A room's floor as stored, else read from its code (3-2-601 → 6); 0 when unknown."""
    if floor:
        return int(floor)
    try:
        return parse_room(code).derived_floor
    except ValidationError:
        return 0


def nearby_permits(room_id: int, when: dt.datetime) -> list[NearbyPermit]:
    """The permits under which works may go on at `when` (approved or in progress, the
    day within the period) of the room and of its neighbours: the rooms of the same
    building on the same floor and on the floors directly above and below (a noise
    complaint is usually filed by the neighbour). Those outside their hours first, then the
    room itself, then upstairs, the same floor, downstairs. A room whose floor is unknown
    has no neighbours here."""
    room = Room.select(Room.id, Room.building, Room.floor, Room.code).where(Room.id == room_id).first()
    if room is None:
        return []
    day = when.date()
    floor = _floor_of(room.floor, room.code)
    rows = (Renovation.select(Renovation, Room.code.alias("room_code"), Room.floor.alias("room_floor"))
            .join(Room, on=(Renovation.room == Room.id))
            .where(Room.building == room.building_id, Renovation.status.in_(ACTIVE_STATUSES),
                   Renovation.start_date <= day, Renovation.end_date >= day)
            .order_by(Renovation.start_date.desc(), Renovation.id.desc())
            .limit(200).objects())
    found: dict[int, NearbyPermit] = {}
    for permit in rows:
        own = permit.room_id == room.id
        step = _floor_of(permit.room_floor, permit.room_code) - floor
        if not own and (not floor or abs(step) > 1):
            continue
        if permit.room_id in found:  # a room's latest permit only (as active_permit)
            continue
        found[permit.room_id] = NearbyPermit(permit, permit.room_code, own, 0 if own else step,
                                             is_permitted(permit, when))
    order = {1: 0, 0: 1, -1: 2}
    return sorted(found.values(), key=lambda n: (n.permitted, not n.own, order.get(n.floor_step, 3),
                                                 n.room_code))


def noise_flag(order: WorkOrder) -> tuple[str, str] | None:
    """(flag, permit number) for a noise complaint about a room with an active permit, or
    next to one: the flag says whether the time it was reported is outside the permitted
    hours, naming a neighbour's room; None for any other order."""
    found = _noise_permits(order)
    if not found:
        return None
    first = found[0]
    return _flag_words(first), first.permit.number


def _noise_permits(order: WorkOrder) -> list[NearbyPermit]:
    if order.kind != "complaint" or order.room_id is None or not is_noise_category(order.category_id):
        return []
    return nearby_permits(order.room_id, order.created_at)


def _flag_words(nearby: NearbyPermit) -> str:
    """装修中：超出许可施工时间 for the room itself, 装修中：3-2-601 超出许可施工时间 for a
    neighbour (translated)."""
    if nearby.own:
        return _(INSIDE_HOURS if nearby.permitted else OUTSIDE_HOURS)
    return _(NEIGHBOUR_INSIDE_HOURS if nearby.permitted else NEIGHBOUR_OUTSIDE_HOURS).format(
        room=nearby.room_code)


def flag_noise_complaint(order: WorkOrder, staff_id: int | None) -> str | None:
    """Record on a just-created work order that it is a noise complaint about a room under
    renovation — the room itself, or a neighbour's on the same floor or the floor above or
    below —, in or outside the permit's hours: a history row (action "renovation") whose
    note the work-order screen shows. Other rooms renovating nearby are named after it.
    Returns the note, or None when nothing applies. Called by data.workorders.create_order
    inside its transaction."""
    found = _noise_permits(order)
    if not found:
        return None
    first, others = found[0], found[1:]
    permit = first.permit
    # The hours of the day it was reported ("rest days: none"), not the whole rule.
    hours = describe_hours(permit.workday_hours, permit.rest_day_hours, day_kind(order.created_at))
    parts = [_flag_words(first), _("permit {number}").format(number=permit.number), hours]
    if others:
        shown = [n.room_code if n.permitted else _("{room} (outside its hours)").format(room=n.room_code)
                 for n in others[:5]]
        parts.append(_("also under renovation nearby: {rooms}").format(rooms="、".join(shown)))
    note = " · ".join(parts)
    WorkOrderHistory.create(work_order=order.id, staff=staff_id, at=order.created_at,
                            action=FLAG_ACTION, from_status=order.status, to_status=order.status,
                            note=note)
    return note


@dataclass(frozen=True)
class HoursToday:
    """A permit's hours on one day, as a list shows them: the kind of day, its windows,
    whether works may go on under it that day at all (approved or in progress, within the
    period) and at the moment asked about."""

    kind: str
    windows: tuple[Window, ...]
    active: bool
    permitted_now: bool


def hours_today(permits: Iterable[PermitHours], now: dt.datetime) -> list[HoursToday]:
    """`HoursToday` of each permit at `now` (the holiday calendar read once)."""
    day = now.date()
    kind = day_kind(day)
    out = []
    for permit in permits:
        if kind == PUBLIC_HOLIDAY:
            windows: tuple[Window, ...] = ()
        else:
            try:
                windows = parse_hours(permit.workday_hours if kind == WORKING_DAY else permit.rest_day_hours,
                                      "hours")
            except ValidationError:
                windows = ()
        active = (permit.status in ACTIVE_STATUSES
                  and _as_date(permit.start_date) <= day <= _as_date(permit.end_date))
        moment = now.time()
        out.append(HoursToday(kind, windows, active,
                              active and any(b <= moment < e for b, e in windows)))
    return out


class _HistoryLine(Protocol):
    @property
    def action(self) -> str: ...

    @property
    def note(self) -> str: ...


def renovation_flag(history: Iterable[_HistoryLine]) -> str | None:
    """The renovation flag among a work order's history (data.workorders.history), for the
    work-order screen's line: the note of the last "renovation" entry, or None."""
    found = [line.note for line in history if line.action == FLAG_ACTION]
    return found[-1] if found else None

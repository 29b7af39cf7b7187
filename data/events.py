"""Calendar events as stored and read (issue 6): the values screens and the CLI get
(`Occurrence`, `EventInput`, `Conflict`, `EventState`), the event rows and their attendees,
the expansion of recurring series, and the reading side — agenda, open tasks, free/busy and
conflicts.

`data.calendar` writes events (and re-exports the reading API); `data.reminders` delivers
reminders and `data.appointments` keeps work-order appointments on the calendar, both from
the rows and expansion here.

A recurring series is one `Event` row with an RFC 5545 `rrule`; moving or cancelling one
occurrence writes an exception row (`series` = the series, `recurrence_id` = the original
start). `series_until` (end of the last occurrence, NULL when the rule never ends) keeps
every range query bounded. Times are naive Asia/Shanghai wall-clock times.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from bisect import bisect_left
from dataclasses import dataclass
from itertools import islice

from data import access
from data.errors import FrontDeskError, NotFoundError, ValidationError
from data.i18n import _
from data.models import Event, EventAttendee, Room, Staff, WorkOrder
from data.recurrence import Budget, check_bounded, occurrences, parse_rrule

log = logging.getLogger(__name__)

#: Kinds that are notes rather than bookings: they never make anyone busy. A duty shift
#: (值班, data.duty) says when someone is at work, which is when visits are booked for them:
#: it never makes them busy either (dispatch prefers those on duty).
NOT_BUSY_KINDS = frozenset({"memo", "task", "duty"})
#: How far ahead an open-ended new series is checked for conflicts, by default.
HORIZON_DAYS = 90
#: Conflicts named in the message of ConflictsFound; the rest are counted.
CONFLICTS_NAMED = 5
#: Longest window an agenda or view expands (longer asks are cut to it).
MAX_WINDOW_DAYS = 400
#: Tasks that `tasks` lists at most.
TASKS_LIMIT = 200
#: Occurrences walked to find the end of a COUNT/UNTIL series; a longer one is stored as
#: open-ended (series_until NULL), so range queries and conflict checks still see it.
MAX_EXPANSION = 100_000


# --- values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event as the screens see it."""

    event_id: int  # the series for a regular occurrence, the exception row for a moved one
    series_id: int | None  # the series this occurrence belongs to (None: a one-off event)
    start: dt.datetime
    end: dt.datetime
    kind: str
    title: str
    location: str
    attendees: tuple[str, ...]  # logins
    rrule: str | None
    recurrence_id: dt.datetime | None  # the original start, for occurrences of a series
    room: str
    work_order_number: str
    cancelled: bool
    done: bool = False  # tasks: ticked off
    due: dt.datetime | None = None  # tasks: when it is due
    all_day: bool = False  # whole days: shown by date, not 00:00–00:00


@dataclass
class EventInput:
    """What a form or the CLI gives to create an event. A task may give only `due` (start
    and end None): it is then shown for half an hour from its due time."""

    kind: str
    title: str
    start: dt.datetime | None
    end: dt.datetime | None
    attendee_ids: list[int]
    rrule: str | None = None
    location: str = ""
    description: str = ""
    room_id: int | None = None
    person_id: int | None = None
    work_order_id: int | None = None
    reminder_minutes: int | None = None
    all_day: bool = False
    due: dt.datetime | None = None  # tasks only


@dataclass(frozen=True)
class Conflict:
    """An attendee's existing occurrence that overlaps what is being booked."""

    staff_login: str
    staff_name: str
    title: str
    start: dt.datetime
    end: dt.datetime
    event_id: int


class ConflictsFound(FrontDeskError):
    """Booking would double-book an attendee; `conflicts` lists every clash."""

    def __init__(self, conflicts: list[Conflict]):
        lines = [
            _("{name} ({login}) already has “{title}” {start}–{end}").format(
                name=c.staff_name, login=c.staff_login, title=c.title,
                start=f"{c.start:%Y-%m-%d %H:%M}", end=_span_end(c.start, c.end))
            for c in conflicts[:CONFLICTS_NAMED]
        ]
        if len(conflicts) > CONFLICTS_NAMED:
            lines.append(_("and {count} more").format(count=len(conflicts) - CONFLICTS_NAMED))
        super().__init__(
            _("Time conflict: {details}. It can be booked anyway, with a reason.").format(
                details="; ".join(lines)))
        self.conflicts = conflicts


def _span_end(start: dt.datetime, end: dt.datetime) -> str:
    return f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"


# --- recurrence rules ---------------------------------------------------------------------------


def rule_parts(rule: str) -> list[tuple[str, str]]:
    """An RFC 5545 rule as (KEY, value) pairs, in order, keys upper-case."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = []
    for piece in text.split(";"):
        if piece.strip():
            key, _sep, value = piece.partition("=")
            parts.append((key.strip().upper(), value.strip()))
    return parts


def rule_text(parts: list[tuple[str, str]]) -> str:
    """The rule `rule_parts` read, written back."""
    return ";".join(f"{k}={v}" for k, v in parts)


def normalise_rule(rule: str | None, start: dt.datetime) -> str | None:
    """The rule without an RRULE: prefix, keys upper-case; None for an empty rule.
    ValidationError when it does not parse."""
    if rule is None or not rule.strip():
        return None
    text = rule_text(rule_parts(rule))
    parse_rrule(text, start)
    check_bounded(text)
    return text


def series_until(start: dt.datetime, end: dt.datetime, rule: str | None,
                 tzid: str | None = None) -> dt.datetime | None:
    """End of the last occurrence: `end` for a one-off, None for a rule without an end
    (`tzid`: the series' own zone, data.recurrence)."""
    if not rule:
        return end
    parsed = parse_rrule(rule, start, tzid)
    if getattr(parsed, "_count", None) is None and getattr(parsed, "_until", None) is None:
        return None
    if (getattr(parsed, "_count", None) or 0) > MAX_EXPANSION:
        return None  # too long to walk: kept open-ended, so it is never cut short
    count, last = 0, None
    for occurrence in islice(parsed, MAX_EXPANSION + 1):
        count, last = count + 1, occurrence
    if last is None:
        return start  # a rule with no occurrence at all: nothing to show after its start
    if count > MAX_EXPANSION:
        return None  # too long to walk: kept open-ended, so it is never cut short
    return last + (end - start)


# --- rows ---------------------------------------------------------------------------------------


def new_uid() -> str:
    """A new event's iCalendar UID: random (uuid4), so that it cannot be guessed."""
    return f"{uuid.uuid4().hex}@frontdesk"


def is_mine(owner: Event, staff_id: int | None) -> bool:
    """Yours: you organised it, or nobody did and you attend it (`owner`: a series or a
    one-off event)."""
    return staff_id is not None and (owner.organiser_id == staff_id or (
        owner.organiser_id is None and staff_id in event_attendee_ids(owner.id)))


def may_change(event_id: int, staff_id: int | None) -> bool:
    """May `staff_id` (None: the current actor) change or remove the event `event_id` (one
    occurrence row means its series)? Their own events, and anyone's for the roles with
    `event.delete_any` — the rule `delete_event` enforces."""
    event = get_event(event_id)
    owner = get_event(event.series_id) if event.series_id is not None else event
    who = staff_id if staff_id is not None else access.current_id()
    return is_mine(owner, who) or access.can("event.delete_any", who)


def get_event(event_id: int) -> Event:
    event = Event.get_or_none(Event.id == event_id)
    if event is None:
        raise NotFoundError(_("No event with id {id}.").format(id=event_id))
    return event


def event_attendee_ids(event_id: int) -> list[int]:
    return [a.staff_id for a in EventAttendee.select(EventAttendee.staff)
            .where(EventAttendee.event == event_id).order_by(EventAttendee.id)]


def set_attendees(event_id: int, staff_ids: list[int]) -> None:
    EventAttendee.delete().where(EventAttendee.event == event_id).execute()
    if staff_ids:
        EventAttendee.insert_many([{"event": event_id, "staff": s} for s in staff_ids]).execute()


# --- expansion -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    row: Event
    start: dt.datetime
    end: dt.datetime
    recurrence_id: dt.datetime | None
    series_id: int | None


def expand_slots(event_ids, window_start: dt.datetime, window_end: dt.datetime, *,
           include_cancelled: bool = False, ignore_event_id: int | None = None,
           extra=None, next_only: bool = False) -> list[Slot]:
    """Every occurrence overlapping [window_start, window_end) of the events selected by
    `event_ids` (a subquery of ids, or None for all), series expanded and exceptions
    applied. Bounded: one-offs by start/end, series by start and series_until, and the
    expansion of all series together by one recurrence Budget (MAX_OCCURRENCES).
    `next_only`: of each series only its first occurrence that starts in the window (what
    a reminder is about), however many series there are."""
    def scoped(query):
        if event_ids is not None:
            query = query.where(Event.id.in_(event_ids))
        if ignore_event_id is not None:
            query = query.where(Event.id != ignore_event_id,
                                Event.series.is_null() | (Event.series != ignore_event_id))
        if extra is not None:
            query = query.where(extra)
        return query

    singles = scoped(Event.select().where(
        Event.rrule.is_null(), Event.start < window_end, Event.end > window_start))
    if not include_cancelled:
        singles = singles.where(Event.cancelled == False)  # noqa: E712 (peewee expression)
    series = list(scoped(Event.select().where(
        Event.rrule.is_null(False), Event.series.is_null(), Event.start < window_end,
        Event.series_until.is_null() | (Event.series_until > window_start))))
    out = [Slot(e, e.start, e.end, e.recurrence_id, e.series_id) for e in singles]
    if series:
        handled: dict[int, list[dt.datetime]] = {}
        for x in Event.select(Event.series, Event.recurrence_id).where(
                Event.series.in_([s.id for s in series])):
            handled.setdefault(x.series_id, []).append(x.recurrence_id)
        budget = Budget()
        for s in series:
            if next_only:
                own = Budget(occurrences=1, steps=budget.steps)
                found = occurrences(s.start, s.end, s.rrule, window_start, window_end,
                                    handled.get(s.id, ()), own, starting=True, tzid=s.tzid)
                budget.steps = own.steps
            else:
                found = occurrences(s.start, s.end, s.rrule, window_start, window_end,
                                    handled.get(s.id, ()), budget, tzid=s.tzid)
            for start, end in found:
                out.append(Slot(s, start, end, start, s.id))
            if budget.steps <= 0 or (budget.spent and not next_only):
                log.warning("calendar expansion stopped at its cap (%s–%s)", window_start, window_end)
                break
    out.sort(key=lambda slot: (slot.start, slot.row.id))
    return out


def _attending(staff_ids: list[int] | None):
    if staff_ids is None:
        return None
    return EventAttendee.select(EventAttendee.event).where(EventAttendee.staff.in_(staff_ids))


def logins_by_event(event_ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:
    found: dict[int, list[tuple[int, str, str]]] = {}
    if not event_ids:
        return found
    rows = (EventAttendee.select(EventAttendee.event, Staff.id, Staff.login, Staff.name)
            .join(Staff).where(EventAttendee.event.in_(event_ids))
            .order_by(Staff.login).tuples())
    for event_id, sid, login, name in rows:
        found.setdefault(event_id, []).append((sid, login, name))
    return found


@dataclass(frozen=True)
class EventState:
    """One event row as an edit form shows it, with its version (optimistic saving)."""

    id: int
    version: int
    series_id: int | None
    kind: str
    title: str
    location: str
    description: str
    start: dt.datetime
    end: dt.datetime
    rrule: str | None
    attendees: tuple[str, ...]  # logins, sorted


def event_state(event_id: int) -> EventState:
    """An event row now (NotFoundError when someone deleted it)."""
    row = get_event(event_id)
    logins = tuple(login for _sid, login, _name in logins_by_event([row.id]).get(row.id, []))
    return EventState(row.id, row.version, row.series_id, row.kind, row.title, row.location,
                      row.description, row.start, row.end, row.rrule, logins)


def agenda(staff_ids: list[int] | None, start: dt.datetime, end: dt.datetime, *,
           include_cancelled: bool = False) -> list[Occurrence]:
    """Every occurrence in [start, end) that one of `staff_ids` attends (None: everyone's),
    by start time; cancelled occurrences only when asked. A window longer than
    MAX_WINDOW_DAYS is cut to that many days from `start`."""
    end = min(end, start + dt.timedelta(days=MAX_WINDOW_DAYS))
    slots = expand_slots(_attending(staff_ids), start, end, include_cancelled=include_cancelled)
    return _occurrences(slots)


def _occurrences(slots: list[Slot]) -> list[Occurrence]:
    """The Occurrence values of `slots`, with attendees, room codes and work-order numbers
    read in one query each."""
    ids = sorted({s.row.id for s in slots})
    people = logins_by_event(ids)
    room_ids = {s.row.room_id for s in slots if s.row.room_id}
    order_ids = {s.row.work_order_id for s in slots if s.row.work_order_id}
    rooms = ({r.id: r.code for r in Room.select(Room.id, Room.code).where(Room.id.in_(room_ids))}
             if room_ids else {})
    orders = ({w.id: w.number for w in WorkOrder.select(WorkOrder.id, WorkOrder.number)
               .where(WorkOrder.id.in_(order_ids))} if order_ids else {})
    series_rules = {}
    exception_series = {s.series_id for s in slots if s.row.rrule is None and s.series_id}
    if exception_series:
        series_rules = {e.id: e.rrule for e in Event.select(Event.id, Event.rrule)
                        .where(Event.id.in_(exception_series))}
    return [
        Occurrence(
            event_id=s.row.id, series_id=s.series_id, start=s.start, end=s.end, kind=s.row.kind,
            title=s.row.title, location=s.row.location,
            attendees=tuple(login for _sid, login, _n in people.get(s.row.id, ())),
            rrule=s.row.rrule or series_rules.get(s.series_id), recurrence_id=s.recurrence_id,
            room=rooms.get(s.row.room_id, ""), work_order_number=orders.get(s.row.work_order_id, ""),
            cancelled=bool(s.row.cancelled), done=bool(s.row.done),
            due=s.row.due + (s.start - s.row.start) if s.row.due else None,  # per occurrence
            all_day=bool(s.row.all_day),
        )
        for s in slots
    ]


def tasks(staff_ids: list[int] | None, include_done: bool = False) -> list[Occurrence]:
    """The one-off tasks that one of `staff_ids` attends (None: everyone's), open ones only
    unless `include_done`, by due time (a task without one by its start); at most
    TASKS_LIMIT. Repeating tasks show in the agenda instead."""
    from peewee import fn

    query = Event.select().where(Event.kind == "task", Event.rrule.is_null(),
                                 Event.series.is_null(), Event.cancelled == False)  # noqa: E712
    if staff_ids is not None:
        query = query.where(Event.id.in_(_attending(staff_ids)))
    if not include_done:
        query = query.where(Event.done == False)  # noqa: E712 (peewee expression)
    rows = query.order_by(fn.COALESCE(Event.due, Event.start), Event.id).limit(TASKS_LIMIT)
    return _occurrences([Slot(r, r.start, r.end, None, None) for r in rows])


def busy_filter():
    """Events that make their attendees busy: not memos or tasks, not transparent ones
    (iCalendar TRANSP:TRANSPARENT, from an import)."""
    return Event.kind.not_in(tuple(NOT_BUSY_KINDS)) & (Event.transparent == False)  # noqa: E712


def free_busy(staff_ids: list[int], start: dt.datetime,
              end: dt.datetime) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """For each staff member, their busy intervals within [start, end): merged, clipped to
    the range, sorted. Memos and tasks do not make anyone busy."""
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {s: [] for s in staff_ids}
    if not staff_ids:
        return busy
    slots = expand_slots(_attending(staff_ids), start, end, extra=busy_filter())
    people = logins_by_event(sorted({s.row.id for s in slots}))
    for slot in slots:
        for sid, _login, _name in people.get(slot.row.id, ()):
            if sid in busy:
                busy[sid].append((max(slot.start, start), min(slot.end, end)))
    for sid, spans in busy.items():
        merged: list[tuple[dt.datetime, dt.datetime]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        busy[sid] = merged
    return busy


#: Days `free_slots` looks ahead at most.
MAX_FREE_DAYS = 31


def free_slots(staff_ids: list[int], first_day: dt.date, days: int,
               hours: tuple[dt.time, dt.time] | None = None,
               ) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """For each staff member, their free time on the working days (data.holidays) of the
    `days` days from `first_day`, within `hours` (default: the company's working hours):
    the gaps between their busy intervals (`free_busy`), in order."""
    from data.holidays import is_working_day, working_hours

    if not 1 <= days <= MAX_FREE_DAYS:
        raise ValidationError("days", _("Look 1 to {most} days ahead.").format(most=MAX_FREE_DAYS))
    opens, closes = hours or working_hours()
    if closes is None or closes <= opens:
        raise ValidationError("hours", _("Give a range of hours that ends after it starts, such as 9:00-17:00."))
    free: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {s: [] for s in staff_ids}
    start = dt.datetime.combine(first_day, opens)
    end = dt.datetime.combine(first_day + dt.timedelta(days=days - 1), closes)
    busy = free_busy(staff_ids, start, end)
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        if not is_working_day(day):
            continue
        day_start, day_end = dt.datetime.combine(day, opens), dt.datetime.combine(day, closes)
        for sid in staff_ids:
            at = day_start
            for a, b in busy[sid]:
                if b <= day_start or a >= day_end:
                    continue
                if a > at:
                    free[sid].append((at, a))
                at = max(at, b)
            if at < day_end:
                free[sid].append((at, day_end))
    return free


def conflicts_for(attendee_ids: list[int], start: dt.datetime, end: dt.datetime,
                  rrule: str | None = None, *, ignore_event_id: int | None = None,
                  horizon_days: int = HORIZON_DAYS,
                  check_from: dt.datetime | None = None) -> list[Conflict]:
    """Every existing occurrence of the attendees that overlaps an occurrence of the event
    being booked (its occurrences up to `horizon_days` after `start` — or after
    `check_from`, when later — when it recurs). `ignore_event_id` leaves out that event
    and its exceptions (the one being edited)."""
    if not attendee_ids:
        return []
    if rrule:
        first = max(start, check_from) if check_from is not None else start
        horizon = first + dt.timedelta(days=horizon_days)
        wanted = occurrences(start, end, rrule, first, horizon)
    else:
        wanted = [(start, end)]
    if not wanted:
        return []
    window_start, window_end = wanted[0][0], max(b for _a, b in wanted)
    slots = expand_slots(_attending(attendee_ids), window_start, window_end,
                   ignore_event_id=ignore_event_id, extra=busy_filter())
    if not slots:
        return []
    people = logins_by_event(sorted({s.row.id for s in slots}))
    asked = set(attendee_ids)
    found: dict[tuple, Conflict] = {}
    # Every wanted occurrence lasts as long as the others, so their ends are in the order of
    # their starts: the last one starting before a slot ends is the one that may overlap it.
    wanted_starts = [a for a, _b in wanted]
    for slot in slots:
        before = bisect_left(wanted_starts, slot.end)
        if not before or wanted[before - 1][1] <= slot.start:
            continue
        for sid, login, name in people.get(slot.row.id, ()):
            if sid in asked:
                found.setdefault((login, slot.start, slot.row.id),
                                 Conflict(login, name, slot.row.title, slot.start, slot.end,
                                          slot.row.id))
    return sorted(found.values(), key=lambda c: (c.start, c.staff_login, c.event_id))

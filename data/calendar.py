"""The staff calendar (issue 6): events and their recurrence exceptions, conflicts,
agenda and free/busy, and reminders.

A recurring series is one `Event` row with an RFC 5545 `rrule`; moving or cancelling one
occurrence writes an exception row (`series` = the series, `recurrence_id` = the original
start). `series_until` (end of the last occurrence, NULL when the rule never ends) keeps
every range query bounded. Times are naive Asia/Shanghai wall-clock times.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shlex
import subprocess
import uuid
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from data import access, audit
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ConflictError, FrontDeskError, NotFoundError, ValidationError
from data.i18n import _
from data.models import (
    Event,
    EventAttendee,
    Notification,
    ReminderDelivery,
    Room,
    Staff,
    WorkOrder,
)
from data.recurrence import Budget, check_bounded, occurrences, parse_rrule
from data.validators import clean_text, show_controls
from data.vocab import EVENT_KINDS

log = logging.getLogger(__name__)

#: Kinds that are notes rather than bookings: they never make anyone busy.
NOT_BUSY_KINDS = frozenset({"memo", "task"})
#: How far ahead an open-ended new series is checked for conflicts, by default.
HORIZON_DAYS = 90
#: Conflicts named in the message of ConflictsFound; the rest are counted.
CONFLICTS_NAMED = 5
#: Occurrences walked to find the end of a COUNT/UNTIL series; a longer one is stored as
#: open-ended (series_until NULL), so range queries and conflict checks still see it.
MAX_EXPANSION = 100_000
#: Seconds a reminder hook may run.
HOOK_TIMEOUT_S = 30
#: Longest reminder lead time: seven days before.
MAX_REMINDER_MINUTES = 7 * 24 * 60
#: Longest window an agenda or view expands (longer asks are cut to it).
MAX_WINDOW_DAYS = 400
#: Reminder delivery channels: the staff member's inbox, and the `remind --hook` command.
INBOX, HOOK = "inbox", "hook"
#: A hook delivery claimed this long ago and never finished (its run died) is tried again.
HOOK_CLAIM_STALE_S = 2 * HOOK_TIMEOUT_S

EDITABLE = frozenset({
    "kind", "title", "description", "location", "start", "end", "rrule", "attendee_ids",
    "reminder_minutes", "room_id", "person_id", "work_order_id", "all_day", "due",
})
#: What `edit_occurrence` may change in one occurrence of a series.
OCCURRENCE_EDITABLE = frozenset({
    "kind", "title", "description", "location", "start", "end", "attendee_ids", "due",
})
#: Changes that can make an edited event clash with someone's calendar.
_BOOKING_KEYS = frozenset({"start", "end", "rrule", "attendee_ids", "kind"})
#: A task given only its due time is shown for this long from it.
TASK_MINUTES = 30
#: Tasks that `tasks` lists at most.
TASKS_LIMIT = 200


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


@dataclass(frozen=True)
class Reminder:
    """A reminder due for one attendee of one occurrence."""

    event_id: int
    start: dt.datetime
    end: dt.datetime
    title: str
    location: str
    staff_id: int
    login: str
    minutes: int
    dedupe_key: str


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


# --- rules and validation -----------------------------------------------------------------------


def _rule_parts(rule: str) -> list[tuple[str, str]]:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = []
    for piece in text.split(";"):
        if piece.strip():
            key, _sep, value = piece.partition("=")
            parts.append((key.strip().upper(), value.strip()))
    return parts


def _rule_text(parts: list[tuple[str, str]]) -> str:
    return ";".join(f"{k}={v}" for k, v in parts)


def _normalise_rule(rule: str | None, start: dt.datetime) -> str | None:
    """The rule without an RRULE: prefix, keys upper-case; None for an empty rule.
    ValidationError when it does not parse."""
    if rule is None or not rule.strip():
        return None
    text = _rule_text(_rule_parts(rule))
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


def _check_times(start: dt.datetime, end: dt.datetime) -> None:
    if start is None or end is None:
        raise ValidationError("start", _("An event needs a start and an end."))
    if end <= start:
        raise ValidationError("end", _("The end must be after the start."))


def _task_times(kind: str, start: dt.datetime | None, end: dt.datetime | None,
                due: dt.datetime | None) -> tuple[dt.datetime, dt.datetime, dt.datetime | None]:
    """(start, end, due) of a new event. A task given only its due time is shown for
    TASK_MINUTES from it; a task given a start and an end is due at its end."""
    if due is not None and kind != "task":
        raise ValidationError("due", _("Only a task has a due time."))
    if kind == "task" and start is None and end is None:
        if due is None:
            raise ValidationError("due", _("A task needs a due time (or a start and an end)."))
        return due, due + dt.timedelta(minutes=TASK_MINUTES), due
    _check_times(start, end)
    return start, end, (due or end) if kind == "task" else None


def _check_kind(kind: str) -> str:
    if kind not in EVENT_KINDS:
        raise ValidationError("kind", _("Unknown event kind “{value}”: use one of {choices}.").format(
            value=kind, choices=", ".join(EVENT_KINDS)))
    return kind


def _check_attendees(ids: Iterable[int]) -> list[int]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    found = {s.id for s in Staff.select(Staff.id).where(Staff.id.in_(wanted))} if wanted else set()
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValidationError("attendees", _("No staff member with id {ids}.").format(
            ids=", ".join(map(str, missing))))
    return wanted


def _check_reminder(minutes: int | None) -> int | None:
    if minutes is None:
        return None
    if not isinstance(minutes, int) or minutes < 0 or minutes > MAX_REMINDER_MINUTES:
        raise ValidationError("reminder", _(
            "A reminder is 0 to {max} minutes (seven days) before; {value} is refused.").format(
            max=MAX_REMINDER_MINUTES, value=str(minutes)[:12]))
    return minutes


def _audit(staff_id: int | None, action: str, event_id: int, field: str = "",
           old: str | None = None, new: str | None = None) -> None:
    """What the audit triggers (data.audit) cannot see: the reason given for booking over
    a conflict. Field changes themselves are recorded by the triggers."""
    audit.record(action, "event", event_id, field, old=old, new=new, staff_id=staff_id)


def _new_uid() -> str:
    """A new event's iCalendar UID: random (uuid4), so that it cannot be guessed."""
    return f"{uuid.uuid4().hex}@frontdesk"


def _is_mine(owner: Event, staff_id: int | None) -> bool:
    """Yours: you organised it, or nobody did and you attend it (`owner`: a series or a
    one-off event)."""
    return staff_id is not None and (owner.organiser_id == staff_id or (
        owner.organiser_id is None and staff_id in _attendee_ids(owner.id)))


def may_change(event_id: int, staff_id: int | None) -> bool:
    """May `staff_id` (None: the current actor) change or remove the event `event_id` (one
    occurrence row means its series)? Their own events, and anyone's for the roles with
    `event.delete_any` — the rule `delete_event` enforces."""
    event = _get(event_id)
    owner = _get(event.series_id) if event.series_id is not None else event
    who = staff_id if staff_id is not None else access.current_id()
    return _is_mine(owner, who) or access.can("event.delete_any", who)


def _get(event_id: int) -> Event:
    event = Event.get_or_none(Event.id == event_id)
    if event is None:
        raise NotFoundError(_("No event with id {id}.").format(id=event_id))
    return event


def _check_version(event: Event, expected_version: int | None) -> None:
    """ConflictError when someone saved `event` since the version the user's form read."""
    if expected_version is not None and event.version != expected_version:
        raise ConflictError(
            _("Someone else changed “{title}” meanwhile; look at their change first.").format(
                title=event.title),
            event.version,
        )


def _attendee_ids(event_id: int) -> list[int]:
    return [a.staff_id for a in EventAttendee.select(EventAttendee.staff)
            .where(EventAttendee.event == event_id).order_by(EventAttendee.id)]


def _set_attendees(event_id: int, staff_ids: list[int]) -> None:
    EventAttendee.delete().where(EventAttendee.event == event_id).execute()
    if staff_ids:
        EventAttendee.insert_many([{"event": event_id, "staff": s} for s in staff_ids]).execute()


# --- expansion -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    row: Event
    start: dt.datetime
    end: dt.datetime
    recurrence_id: dt.datetime | None
    series_id: int | None


def _slots(event_ids, window_start: dt.datetime, window_end: dt.datetime, *,
           include_cancelled: bool = False, ignore_event_id: int | None = None,
           extra=None, next_only: bool = False) -> list[_Slot]:
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
    out = [_Slot(e, e.start, e.end, e.recurrence_id, e.series_id) for e in singles]
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
                out.append(_Slot(s, start, end, start, s.id))
            if budget.steps <= 0 or (budget.spent and not next_only):
                log.warning("calendar expansion stopped at its cap (%s–%s)", window_start, window_end)
                break
    out.sort(key=lambda slot: (slot.start, slot.row.id))
    return out


def _attending(staff_ids: list[int] | None):
    if staff_ids is None:
        return None
    return EventAttendee.select(EventAttendee.event).where(EventAttendee.staff.in_(staff_ids))


def _logins_by_event(event_ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:
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
    row = _get(event_id)
    logins = tuple(login for _sid, login, _name in _logins_by_event([row.id]).get(row.id, []))
    return EventState(row.id, row.version, row.series_id, row.kind, row.title, row.location,
                      row.description, row.start, row.end, row.rrule, logins)


def agenda(staff_ids: list[int] | None, start: dt.datetime, end: dt.datetime, *,
           include_cancelled: bool = False) -> list[Occurrence]:
    """Every occurrence in [start, end) that one of `staff_ids` attends (None: everyone's),
    by start time; cancelled occurrences only when asked. A window longer than
    MAX_WINDOW_DAYS is cut to that many days from `start`."""
    end = min(end, start + dt.timedelta(days=MAX_WINDOW_DAYS))
    slots = _slots(_attending(staff_ids), start, end, include_cancelled=include_cancelled)
    return _occurrences(slots)


def _occurrences(slots: list[_Slot]) -> list[Occurrence]:
    """The Occurrence values of `slots`, with attendees, room codes and work-order numbers
    read in one query each."""
    ids = sorted({s.row.id for s in slots})
    people = _logins_by_event(ids)
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
    return _occurrences([_Slot(r, r.start, r.end, None, None) for r in rows])


def _busy():
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
    slots = _slots(_attending(staff_ids), start, end, extra=_busy())
    people = _logins_by_event(sorted({s.row.id for s in slots}))
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
    slots = _slots(_attending(attendee_ids), window_start, window_end,
                   ignore_event_id=ignore_event_id, extra=_busy())
    if not slots:
        return []
    people = _logins_by_event(sorted({s.row.id for s in slots}))
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


def _conflict_note(conflicts: list[Conflict], reason: str) -> str:
    what = "; ".join(f"{c.staff_login} “{c.title}” {c.start:%Y-%m-%d %H:%M}" for c in conflicts[:20])
    return _("Booked despite conflicts ({what}). Reason: {reason}").format(
        what=what, reason=reason or _("none given"))


# --- writing -------------------------------------------------------------------------------------


def create_event(data: EventInput, staff_id: int, *, force: bool = False,
                 reason: str = "") -> tuple[int, list[Conflict]]:
    """Book an event for its attendees; returns (id, conflicts booked over).

    Raises ValidationError on bad input, ConflictsFound when an attendee is busy and
    `force` is not given; with `force` the clash and `reason` go into the description and
    the audit trail.
    """
    kind = _check_kind(data.kind)
    title = clean_text(data.title, "title", max_length=120)
    if not title:
        raise ValidationError("title", _("An event needs a title."))
    location = clean_text(data.location or "", "location", max_length=120)
    description = clean_text(data.description or "", "description", multiline=True)
    reason = clean_text(reason or "", "reason", multiline=True)
    start, end, due = _task_times(kind, data.start, data.end, data.due)
    rule = _normalise_rule(data.rrule, start)
    reminder = _check_reminder(data.reminder_minutes)
    with transaction():
        attendees = _check_attendees(data.attendee_ids)
        conflicts = conflicts_for(attendees, start, end, rule)
        if conflicts and not force:
            raise ConflictsFound(conflicts)
        if conflicts:
            note = _conflict_note(conflicts, reason)
            description = f"{description}\n\n{note}".strip()
        event = Event.create(
            uid=_new_uid(), kind=kind, title=title, description=description, location=location,
            organiser=staff_id, start=start, end=end, all_day=data.all_day,
            rrule=rule, series_until=series_until(start, end, rule),
            person=data.person_id, room=data.room_id, work_order=data.work_order_id,
            reminder_minutes=reminder, due=due, created_at=clock_now(),
        )
        _set_attendees(event.id, attendees)
        if conflicts:
            _audit(staff_id, "create", event.id, "conflicts", None, _conflict_note(conflicts, reason))
    return event.id, conflicts


def _is_occurrence(series: Event, original_start: dt.datetime) -> bool:
    return original_start in parse_rrule(series.rrule, series.start, series.tzid)


def _exception(series: Event, original_start: dt.datetime) -> Event | None:
    return Event.get_or_none(Event.series == series.id, Event.recurrence_id == original_start)


def _shifted_due(row: Event, new_start: dt.datetime) -> dt.datetime | None:
    """A task's due time moved along with its start (None when it has none)."""
    return row.due + (new_start - row.start) if row.due is not None else None


def _new_exception(series: Event, original_start: dt.datetime, start: dt.datetime,
                   end: dt.datetime, cancelled: bool) -> Event:
    row = Event.create(
        uid=f"{series.uid}#{original_start:%Y%m%dT%H%M%S}", kind=series.kind, title=series.title,
        description=series.description, location=series.location, organiser=series.organiser_id,
        start=start, end=end, all_day=series.all_day, rrule=None, series_until=end,
        series=series.id, recurrence_id=original_start, cancelled=cancelled,
        person=series.person_id, room=series.room_id, work_order=series.work_order_id,
        reminder_minutes=series.reminder_minutes, due=_shifted_due(series, start),
        done=series.done, created_at=clock_now(),
    )
    _set_attendees(row.id, _attendee_ids(series.id))
    return row


def _series_occurrence(event_id: int, original_start: dt.datetime) -> tuple[Event, Event | None]:
    """(series or one-off, existing exception row or None) for an occurrence."""
    event = _get(event_id)
    if event.series_id is not None:  # an exception row was named: work on it
        return _get(event.series_id), event
    if event.rrule is None:
        return event, None
    if not _is_occurrence(event, original_start):
        raise ValidationError("start", _("“{title}” has no occurrence at {start}.").format(
            title=event.title, start=f"{original_start:%Y-%m-%d %H:%M}"))
    return event, _exception(event, original_start)


def move_occurrence(event_id: int, original_start: dt.datetime, new_start: dt.datetime,
                    new_end: dt.datetime, staff_id: int, *, force: bool = False,
                    reason: str = "") -> int:
    """Move one occurrence (of a series: through an exception row; a one-off: itself).
    Returns the id of the row that now holds the occurrence. ConflictsFound unless `force`."""
    _check_times(new_start, new_end)
    with transaction():
        owner, exception = _series_occurrence(event_id, original_start)
        holder = exception or owner
        conflicts = conflicts_for(_attendee_ids(holder.id), new_start, new_end,
                                  ignore_event_id=owner.id)
        if conflicts and not force:
            raise ConflictsFound(conflicts)
        if owner.rrule is None:
            Event.update(start=new_start, end=new_end, series_until=new_end,
                         due=_shifted_due(owner, new_start),
                         version=Event.version + 1).where(Event.id == owner.id).execute()
            row_id = owner.id
        elif exception is not None:
            Event.update(start=new_start, end=new_end, series_until=new_end, cancelled=False,
                         due=_shifted_due(exception, new_start),
                         version=Event.version + 1).where(Event.id == exception.id).execute()
            row_id = exception.id
        else:
            row_id = _new_exception(owner, original_start, new_start, new_end, False).id
        if conflicts:
            _audit(staff_id, "update", row_id, "conflicts", None, _conflict_note(conflicts, reason))
    return row_id


def cancel_occurrence(event_id: int, original_start: dt.datetime, staff_id: int) -> None:
    """Cancel one occurrence of a series (the others stay), or a one-off event."""
    with transaction():
        owner, exception = _series_occurrence(event_id, original_start)
        if owner.rrule is None:
            row_id = owner.id
            Event.update(cancelled=True, version=Event.version + 1).where(
                Event.id == row_id).execute()
        elif exception is not None:
            row_id = exception.id
            Event.update(cancelled=True, version=Event.version + 1).where(
                Event.id == row_id).execute()
        else:
            row_id = _new_exception(owner, original_start, original_start,
                                    original_start + (owner.end - owner.start), True).id


def _cut_rule(rule: str, before: dt.datetime) -> str:
    """`rule` ending with the last occurrence before `before` (UNTIL replaces COUNT)."""
    parts = [(k, v) for k, v in _rule_parts(rule) if k not in ("COUNT", "UNTIL")]
    until = before - dt.timedelta(seconds=1)
    parts.append(("UNTIL", f"{until:%Y%m%dT%H%M%S}"))
    return _rule_text(parts)


def _rest_rule(series: Event, from_start: dt.datetime) -> str:
    """The series' rule for the part from `from_start` on (COUNT reduced by those before)."""
    parts = _rule_parts(series.rrule)
    keys = dict(parts)
    if "COUNT" in keys:
        before = len(parse_rrule(series.rrule, series.start, series.tzid).between(
            series.start, from_start, inc=False)) + 1  # the first one (= series.start)
        left = max(int(keys["COUNT"]) - before, 1)
        parts = [(k, str(left) if k == "COUNT" else v) for k, v in parts]
    return _rule_text(parts)


def _apply(event: Event, changes: dict) -> tuple[dict, list[int] | None]:
    """Validated column values from `changes`, and the new attendees (None: unchanged)."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError(sorted(unknown)[0], _("This cannot be changed here."))
    values: dict = {}
    if "kind" in changes:
        values["kind"] = _check_kind(changes["kind"])
    if "title" in changes:
        values["title"] = clean_text(changes["title"], "title", max_length=120)
        if not values["title"]:
            raise ValidationError("title", _("An event needs a title."))
    if "location" in changes:
        values["location"] = clean_text(changes["location"] or "", "location", max_length=120)
    if "description" in changes:
        values["description"] = clean_text(changes["description"] or "", "description",
                                           multiline=True)
    if "reminder_minutes" in changes:
        values["reminder_minutes"] = _check_reminder(changes["reminder_minutes"])
    for key, column in (("room_id", "room"), ("person_id", "person"),
                        ("work_order_id", "work_order")):
        if key in changes:
            values[column] = changes[key]
    if "all_day" in changes:
        values["all_day"] = bool(changes["all_day"])
    if "due" in changes:
        if changes["due"] is not None and values.get("kind", event.kind) != "task":
            raise ValidationError("due", _("Only a task has a due time."))
        values["due"] = changes["due"]
    attendees = _check_attendees(changes["attendee_ids"]) if "attendee_ids" in changes else None
    return values, attendees


def _rebase_exceptions(series: Event, old_start: dt.datetime, exceptions) -> None:
    """After a series' start or rule changed: shift its exceptions' original starts by the
    same amount, and drop those that no longer match an occurrence."""
    delta = series.start - old_start
    rule = parse_rrule(series.rrule, series.start, series.tzid)
    for x in exceptions:
        rid = x.recurrence_id + delta
        if rid in rule:
            Event.update(series=series.id, recurrence_id=rid,
                         uid=f"{series.uid}#{rid:%Y%m%dT%H%M%S}").where(Event.id == x.id).execute()
        else:
            Event.delete().where(Event.id == x.id).execute()


def _propagate(series_id: int, values: dict, attendees: list[int] | None) -> None:
    """Carry a series' changed fields (not its times) and attendees to its exceptions."""
    ids = [x.id for x in Event.select(Event.id).where(Event.series == series_id)]
    if not ids:
        return
    values = {k: v for k, v in values.items()
              if k not in ("start", "end", "rrule", "series_until", "due")}
    if values:
        Event.update(**values, version=Event.version + 1).where(Event.id.in_(ids)).execute()
    if attendees is not None:
        for x in ids:
            _set_attendees(x, attendees)


def _check_booking(event: Event, changes: dict, attendees: list[int] | None, start: dt.datetime,
                   end: dt.datetime, rule: str | None, *, force: bool,
                   ignore_event_id: int) -> list[Conflict]:
    """Conflicts that an edit brings (none when it changes nothing that books time):
    everyone's when the times, rule or kind change, else only the added attendees'.
    ConflictsFound unless `force`."""
    if not _BOOKING_KEYS & set(changes) or event.cancelled or event.transparent:
        return []
    kind = changes.get("kind", event.kind)
    if kind in NOT_BUSY_KINDS:
        return []
    current = _attendee_ids(event.id)
    who = attendees if attendees is not None else current
    if not (_BOOKING_KEYS - {"attendee_ids"}) & set(changes):
        who = [a for a in who if a not in current]
    found = conflicts_for(who, start, end, rule, ignore_event_id=ignore_event_id,
                          check_from=clock_now())
    if found and not force:
        raise ConflictsFound(found)
    return found


def edit_series(event_id: int, changes: dict, staff_id: int, *,
                from_start: dt.datetime | None = None, force: bool = False,
                reason: str = "", expected_version: int | None = None) -> int:
    """Change a whole series (or a one-off event), or with `from_start` "this and following":
    the series is cut before `from_start` and a new series with the changes starts there.
    `changes` may hold kind, title, description, location, start, end, rrule, attendee_ids,
    reminder_minutes, room_id, person_id, work_order_id, all_day, due. Returns the id of the
    event that carries the changes.

    New times or attendees are checked against the attendees' calendars (the event's own
    series left out; a series from now on, HORIZON_DAYS ahead): ConflictsFound unless
    `force`, and then the clash and `reason` go into the audit trail. With
    `expected_version`, ConflictError when the row `event_id` has another version now."""
    reason = clean_text(reason or "", "reason", multiline=True)
    with transaction():
        event = _get(event_id)
        _check_version(event, expected_version)
        if event.series_id is not None:
            event = _get(event.series_id)
        values, attendees = _apply(event, changes)
        if from_start is None or event.rrule is None or from_start <= event.start:
            return _edit_whole(event, changes, values, attendees, staff_id, force, reason)
        if not _is_occurrence(event, from_start):
            raise ValidationError("start", _("“{title}” has no occurrence at {start}.").format(
                title=event.title, start=f"{from_start:%Y-%m-%d %H:%M}"))
        duration = event.end - event.start
        start = changes.get("start") or from_start
        end = changes.get("end") or start + duration
        _check_times(start, end)
        rule = (_normalise_rule(changes["rrule"], start) if "rrule" in changes
                else _rest_rule(event, from_start))
        conflicts = _check_booking(event, changes, attendees, start, end, rule, force=force,
                                   ignore_event_id=event.id)
        cut = _cut_rule(event.rrule, from_start)
        Event.update(rrule=cut, series_until=series_until(event.start, event.end, cut, event.tzid),
                     version=Event.version + 1).where(Event.id == event.id).execute()
        new = Event.create(
            uid=_new_uid(), kind=values.get("kind", event.kind),
            title=values.get("title", event.title),
            description=values.get("description", event.description),
            location=values.get("location", event.location), organiser=event.organiser_id,
            start=start, end=end, all_day=values.get("all_day", event.all_day), rrule=rule,
            tzid=event.tzid, transparent=event.transparent,
            series_until=series_until(start, end, rule, event.tzid),
            person=values.get("person", event.person_id), room=values.get("room", event.room_id),
            work_order=values.get("work_order", event.work_order_id),
            reminder_minutes=values.get("reminder_minutes", event.reminder_minutes),
            due=values["due"] if "due" in values else _shifted_due(event, start),
            done=event.done, created_at=clock_now(),
        )
        _set_attendees(new.id, attendees if attendees is not None else _attendee_ids(event.id))
        later = list(Event.select().where(Event.series == event.id,
                                          Event.recurrence_id >= from_start))
        if rule:
            _rebase_exceptions(new, from_start, later)
            _propagate(new.id, values, attendees)
        else:
            Event.delete().where(Event.id.in_([x.id for x in later])).execute()
        if conflicts:
            _audit(staff_id, "create", new.id, "conflicts", None, _conflict_note(conflicts, reason))
    return new.id


def _edit_whole(event: Event, changes: dict, values: dict, attendees: list[int] | None,
                staff_id: int, force: bool, reason: str) -> int:
    old_start, old_rule = event.start, event.rrule
    start = changes.get("start") or event.start
    end = changes.get("end") or (start + (event.end - event.start))
    _check_times(start, end)
    rule = _normalise_rule(changes["rrule"], start) if "rrule" in changes else event.rrule
    conflicts = _check_booking(event, changes, attendees, start, end, rule, force=force,
                               ignore_event_id=event.id)
    if "due" not in values:
        values["due"] = _shifted_due(event, start)  # a task's due time moves with it
    values.update(start=start, end=end, rrule=rule,
                  series_until=series_until(start, end, rule, event.tzid))
    Event.update(**values, version=Event.version + 1).where(Event.id == event.id).execute()
    if attendees is not None:
        _set_attendees(event.id, attendees)
    if start != old_start or rule != old_rule:
        exceptions = list(Event.select().where(Event.series == event.id))
        if rule:
            _rebase_exceptions(_get(event.id), old_start, exceptions)
        else:
            Event.delete().where(Event.series == event.id).execute()
    _propagate(event.id, values, attendees)
    if conflicts:
        _audit(staff_id, "update", event.id, "conflicts", None, _conflict_note(conflicts, reason))
    return event.id


def edit_occurrence(event_id: int, original_start: dt.datetime, changes: dict, staff_id: int,
                    *, force: bool = False, reason: str = "",
                    expected_version: int | None = None) -> int:
    """Change one occurrence of a series — kind, title, description, location, start, end,
    attendee_ids, due — through its exception row (made when it has none yet); the rest of
    the series stays. A one-off event is edited as a whole. Returns the id of the row that
    holds the occurrence. New times or attendees: ConflictsFound unless `force`, and then
    the clash and `reason` go into the audit trail. With `expected_version`, ConflictError
    when the row `event_id` (the series, or the moved occurrence's own row) has another
    version now."""
    unknown = set(changes) - OCCURRENCE_EDITABLE
    if unknown:
        raise ValidationError(sorted(unknown)[0], _(
            "This cannot be changed for one occurrence; change the whole series."))
    reason = clean_text(reason or "", "reason", multiline=True)
    with transaction():
        _check_version(_get(event_id), expected_version)
        owner, exception = _series_occurrence(event_id, original_start)
        if owner.rrule is None:
            return edit_series(owner.id, changes, staff_id, force=force, reason=reason)
        if exception is not None and exception.cancelled:
            raise ValidationError("start", _(
                "That occurrence is cancelled; move it to bring it back first."))
        holder = exception or _new_exception(
            owner, original_start, original_start, original_start + (owner.end - owner.start), False)
        values, attendees = _apply(holder, changes)
        start = changes.get("start") or holder.start
        end = changes.get("end") or start + (holder.end - holder.start)
        _check_times(start, end)
        conflicts = _check_booking(holder, changes, attendees, start, end, None, force=force,
                                   ignore_event_id=owner.id)
        if "due" not in values:
            values["due"] = _shifted_due(holder, start)
        values.update(start=start, end=end, series_until=end)
        Event.update(**values, version=Event.version + 1).where(Event.id == holder.id).execute()
        if attendees is not None:
            _set_attendees(holder.id, attendees)
        if conflicts:
            _audit(staff_id, "update", holder.id, "conflicts", None,
                   _conflict_note(conflicts, reason))
    return holder.id


def set_task_done(event_id: int, done: bool, staff_id: int) -> None:
    """Tick a task off (or, with done False, open it again); audited. ValidationError when
    the event is not a task."""
    with transaction():
        event = _get(event_id)
        if event.kind != "task":
            raise ValidationError("kind", _(
                "“{title}” is not a task: only tasks are ticked off as done.").format(
                title=event.title))
        if bool(event.done) == bool(done):
            return
        Event.update(done=bool(done), version=Event.version + 1).where(
            Event.id == event.id).execute()


def delete_event(event_id: int, staff_id: int) -> None:
    """Delete an event with its whole series; naming one moved occurrence cancels just it
    (deleting its row would bring the original occurrence back)."""
    with transaction():
        event = _get(event_id)
        owner = _get(event.series_id) if event.series_id is not None else event
        if not _is_mine(owner, staff_id):
            access.require("event.delete_any", staff_id)
        if event.series_id is not None:
            Event.update(cancelled=True, version=Event.version + 1).where(
                Event.id == event.id).execute()
            return
        ids = [event.id] + [x.id for x in Event.select(Event.id).where(Event.series == event.id)]
        EventAttendee.delete().where(EventAttendee.event.in_(ids)).execute()
        Event.delete().where(Event.series == event.id).execute()
        Event.delete().where(Event.id == event.id).execute()


# --- reminders -----------------------------------------------------------------------------------


def due_reminders(at: dt.datetime | None = None) -> list[Reminder]:
    """Reminders due at `at` (default now): for every event with a reminder, its next
    occurrence if that starts within its reminder minutes, one per attendee — never more
    than one per event and person, however often the event repeats."""
    from peewee import fn

    at = at or clock_now()
    longest = Event.select(fn.MAX(Event.reminder_minutes)).where(
        Event.reminder_minutes.is_null(False)).scalar()
    if longest is None:
        return []
    longest = min(longest, MAX_REMINDER_MINUTES)
    slots = _slots(None, at, at + dt.timedelta(minutes=longest, seconds=1),
                   extra=Event.reminder_minutes.is_null(False), next_only=True)
    slots = [s for s in slots
             if at <= s.start <= at + dt.timedelta(minutes=min(s.row.reminder_minutes,
                                                               MAX_REMINDER_MINUTES))]
    people = _logins_by_event(sorted({s.row.id for s in slots}))
    out = []
    seen: set[tuple[int, int]] = set()
    for s in slots:  # by start: the first slot of an event is its next occurrence
        key_id = s.series_id or s.row.id
        for sid, login, _name in people.get(s.row.id, ()):
            if (key_id, sid) in seen:
                continue
            seen.add((key_id, sid))
            out.append(Reminder(
                event_id=s.row.id, start=s.start, end=s.end, title=s.row.title,
                location=s.row.location, staff_id=sid, login=login,
                minutes=s.row.reminder_minutes,
                dedupe_key=f"reminder:{key_id}:{s.start:%Y%m%dT%H%M}:{sid}"))
    return out


_PLACEHOLDER = re.compile(r"\{(login|title|start)\}")


def hook_args(hook: str, reminder: Reminder) -> list[str]:
    """The hook's argument list for `reminder`: the command split like a shell would (never
    run by one), each {login} {title} {start} replaced in one pass (so a title's own
    braces stay as typed); a command without placeholders gets `-- LOGIN TITLE START`
    appended. ValueError when the command line does not split."""
    values = {"login": reminder.login, "title": reminder.title,
              "start": f"{reminder.start:%Y-%m-%d %H:%M}"}
    args = shlex.split(hook)
    if not args:
        raise ValueError(_("the hook command is empty"))
    if any(_PLACEHOLDER.search(arg) for arg in args):
        return [_PLACEHOLDER.sub(lambda m: values[m.group(1)], arg) for arg in args]
    return [*args, "--", values["login"], values["title"], values["start"]]


def _run_hook(hook: str, reminder: Reminder) -> str:
    """Run the hook for one reminder: "" when it succeeded, else why not (one line)."""
    try:
        args = hook_args(hook, reminder)
        done = subprocess.run(args, capture_output=True, timeout=HOOK_TIMEOUT_S, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return _("did not finish within {seconds} s").format(seconds=HOOK_TIMEOUT_S)
    except FileNotFoundError as exc:
        return _("command not found: {program}").format(program=str(exc.filename or hook)[:80])
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        return str(exc)[:200]
    if done.returncode != 0:
        first = next((line.strip() for line in done.stderr.decode(errors="replace").splitlines()
                      if line.strip()), "")
        return (_("exited with status {status}").format(status=done.returncode)
                + (f": {show_controls(first)[:120]}" if first else ""))
    return ""


@dataclass(frozen=True)
class HookFailure:
    """A reminder whose hook run failed: it is tried again at the next run."""

    login: str
    title: str
    start: dt.datetime
    error: str


@dataclass(frozen=True)
class ReminderRun:
    """What one reminder run did: inbox notifications newly sent, hook runs that succeeded,
    and the hook runs that failed."""

    sent: int
    hooked: int = 0
    failed: tuple[HookFailure, ...] = ()


def _deliver_inbox(r: Reminder, at: dt.datetime) -> bool:
    """The inbox delivery of `r`, once however many processes try; True when this call made it."""
    with transaction():
        claimed = ReminderDelivery.insert(
            key=r.dedupe_key, channel=INBOX, staff=r.staff_id, event=r.event_id,
            occurrence=r.start, state="sent", attempts=1, updated_at=at,
        ).on_conflict_ignore().as_rowcount().execute()
        if not claimed:
            return False
        Notification.insert(
            staff=r.staff_id, kind="reminder", title=r.title[:200],
            body=_("{start} {title} {location}").format(
                start=f"{r.start:%Y-%m-%d %H:%M}", title=r.title, location=r.location).strip(),
            entity="event", entity_id=r.event_id, dedupe_key=r.dedupe_key, created_at=at,
        ).on_conflict_ignore().execute()
    return True


def _claim_hook(r: Reminder, at: dt.datetime) -> bool:
    """Claim the hook delivery of `r` for this run: True when it is not yet sent and no other
    run is at it (a failed one, or one claimed long ago by a run that died, is claimed again)."""
    stale = at - dt.timedelta(seconds=HOOK_CLAIM_STALE_S)
    with transaction():
        claimed = ReminderDelivery.insert(
            key=r.dedupe_key, channel=HOOK, staff=r.staff_id, event=r.event_id,
            occurrence=r.start, state="pending", attempts=1, updated_at=at,
        ).on_conflict_ignore().as_rowcount().execute()
        if claimed:
            return True
        return bool(ReminderDelivery.update(
            state="pending", attempts=ReminderDelivery.attempts + 1, updated_at=at,
        ).where(ReminderDelivery.key == r.dedupe_key, ReminderDelivery.channel == HOOK,
                (ReminderDelivery.state == "failed")
                | ((ReminderDelivery.state == "pending") & (ReminderDelivery.updated_at < stale))
                ).execute())


def run_reminders(at: dt.datetime | None = None, hook: str | None = None) -> ReminderRun:
    """Deliver the due reminders: to every attendee's inbox once per occurrence, and with
    `hook` (placeholders {login} {title} {start}, else those three appended after `--`)
    through the hook once per occurrence too — recorded as sent only when the hook
    succeeded, so a failed run is tried again at the next one. The two channels keep
    separate records: a session filling the inbox (hook None) leaves the hook's delivery
    to `frontdesk remind --hook`. Safe to run from many processes at once."""
    at = at or clock_now()
    sent = hooked = 0
    failed: list[HookFailure] = []
    for r in due_reminders(at):
        if _deliver_inbox(r, at):
            sent += 1
        if not hook or not _claim_hook(r, at):
            continue
        error = _run_hook(hook, r)
        with transaction():
            ReminderDelivery.update(
                state="failed" if error else "sent", error=error[:200], updated_at=clock_now(),
            ).where(ReminderDelivery.key == r.dedupe_key, ReminderDelivery.channel == HOOK).execute()
        if error:
            log.warning("reminder hook for %s failed: %s", r.login, error)
            failed.append(HookFailure(r.login, r.title, r.start, error))
        else:
            hooked += 1
    return ReminderRun(sent, hooked, tuple(failed))


def send_reminders(at: dt.datetime | None = None, hook: str | None = None) -> int:
    """`run_reminders`, counting the inbox notifications newly sent (what a session's sweep
    needs to know)."""
    return run_reminders(at, hook).sent


# --- work-order appointments ---------------------------------------------------------------------

#: How long a work-order appointment (上门预约) is booked for.
APPOINTMENT_MINUTES = 60
#: Work-order statuses whose appointment is called off.
_ENDED_ORDER_STATUSES = frozenset({"closed", "cancelled"})


def appointment_event(order_id: int) -> Event | None:
    """The calendar event of a work order's appointment (one per work order), or None."""
    return (Event.select().where(Event.work_order == order_id, Event.kind == "appointment",
                                 Event.series.is_null())
            .order_by(Event.id).first())


def sync_work_order_appointment(order_id: int, staff_id: int | None) -> int | None:
    """Put a work order's appointment on its technician's calendar, or take it off.

    With an appointment time, an assignee and the order not closed or cancelled, one
    appointment event (an hour, “{number} {title}”, the assignee attending) is created or
    moved to match; otherwise an existing one is cancelled. Booked without a conflict check:
    the dispatcher chose the time. Call inside the work order's transaction. Returns the
    event id (None when there is none)."""
    order = WorkOrder.get_or_none(WorkOrder.id == order_id)
    if order is None:
        return None
    event = appointment_event(order_id)
    wanted = (order.appointment_at is not None and order.assignee_id is not None
              and order.status not in _ENDED_ORDER_STATUSES)
    if not wanted:
        if event is not None and not event.cancelled:
            Event.update(cancelled=True, version=Event.version + 1).where(
                Event.id == event.id).execute()
        return event.id if event is not None else None
    start = order.appointment_at
    end = start + dt.timedelta(minutes=APPOINTMENT_MINUTES)
    title = f"{order.number} {order.title}"[:120]
    location = order.location or ""
    if order.room_id and not location:
        location = Room.select(Room.code).where(Room.id == order.room_id).scalar() or ""
    values = {"title": title, "start": start, "end": end, "series_until": end,
              "cancelled": False, "room": order.room_id, "person": order.person_id,
              "location": location[:120]}
    if event is None:
        event = Event.create(uid=_new_uid(), kind="appointment", organiser=staff_id,
                             work_order=order_id, rrule=None, created_at=clock_now(), **values)
    else:
        changed = {k: v for k, v in values.items()
                   if getattr(event, k if k not in ("room", "person") else f"{k}_id") != v}
        if changed:
            Event.update(**changed, version=Event.version + 1).where(
                Event.id == event.id).execute()
    if _attendee_ids(event.id) != [order.assignee_id]:
        _set_attendees(event.id, [order.assignee_id])
    return event.id

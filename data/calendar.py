"""The staff calendar (issue 6): creating, moving, cancelling, editing and deleting events
and their recurrence exceptions, with conflict checks.

The values and the reading side (agenda, open tasks, free/busy, conflicts) live in
`data.events` and are re-exported here, so `data.calendar` stays the calendar's API, as
are the staff and room lookups of its forms (`data.calendar_lookup`); reminders are in
`data.reminders`, work-order appointments in `data.appointments`.

A recurring series is one `Event` row with an RFC 5545 `rrule`; moving or cancelling one
occurrence writes an exception row (`series` = the series, `recurrence_id` = the original
start). `series_until` (end of the last occurrence, NULL when the rule never ends) keeps
every range query bounded. Times are naive Asia/Shanghai wall-clock times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from data import access, audit
from data.calendar_lookup import (
    StaffRef,
    find_staff,
    one_staff,
    room_for_code,
    staff_by_logins,
    staff_ref,
)
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ConflictError, ValidationError
from data.events import (
    MAX_WINDOW_DAYS,
    NOT_BUSY_KINDS,
    Conflict,
    ConflictsFound,
    EventInput,
    EventState,
    Occurrence,
    agenda,
    conflicts_for,
    event_attendee_ids,
    event_state,
    free_busy,
    free_slots,
    get_event,
    is_mine,
    may_change,
    new_uid,
    normalise_rule,
    rule_parts,
    rule_text,
    series_until,
    set_attendees,
    tasks,
)
from data.i18n import _
from data.models import Event, EventAttendee, Staff
from data.recurrence import parse_rrule
from data.reminders import MAX_REMINDER_MINUTES
from data.validators import clean_text
from data.vocab import EVENT_KINDS

#: The calendar's API: the writes below, and the values and reads of data.events.
__all__ = [
    "EDITABLE", "MAX_WINDOW_DAYS", "NOT_BUSY_KINDS", "OCCURRENCE_EDITABLE", "TASK_MINUTES",
    "Conflict", "ConflictsFound", "EventInput", "EventState", "Occurrence", "agenda",
    "cancel_occurrence", "conflicts_for", "create_event", "delete_event", "edit_occurrence",
    "edit_series", "event_state", "free_busy", "free_slots", "may_change", "move_occurrence", "room_for_code",
    "set_task_done", "staff_by_logins", "StaffRef", "tasks",
    # Whom and where (data.calendar_lookup).
    "find_staff", "one_staff", "staff_ref",
]

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


# --- validation ---------------------------------------------------------------------------------


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


def _check_version(event: Event, expected_version: int | None) -> None:
    """ConflictError when someone saved `event` since the version the user's form read."""
    if expected_version is not None and event.version != expected_version:
        raise ConflictError(
            _("Someone else changed “{title}” meanwhile; look at their change first.").format(
                title=event.title),
            event.version,
        )


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
    rule = normalise_rule(data.rrule, start)
    reminder = _check_reminder(data.reminder_minutes)
    with transaction():
        attendees = _check_attendees(data.attendee_ids)
        # A note or a duty shift books no one's time (as an edit into one, _check_booking).
        conflicts = [] if kind in NOT_BUSY_KINDS else conflicts_for(attendees, start, end, rule)
        if conflicts and not force:
            raise ConflictsFound(conflicts)
        if conflicts:
            note = _conflict_note(conflicts, reason)
            description = f"{description}\n\n{note}".strip()
        event = Event.create(
            uid=new_uid(), kind=kind, title=title, description=description, location=location,
            organiser=staff_id, start=start, end=end, all_day=data.all_day,
            rrule=rule, series_until=series_until(start, end, rule),
            person=data.person_id, room=data.room_id, work_order=data.work_order_id,
            reminder_minutes=reminder, due=due, created_at=clock_now(),
        )
        set_attendees(event.id, attendees)
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
    set_attendees(row.id, event_attendee_ids(series.id))
    return row


def _series_occurrence(event_id: int, original_start: dt.datetime) -> tuple[Event, Event | None]:
    """(series or one-off, existing exception row or None) for an occurrence."""
    event = get_event(event_id)
    if event.series_id is not None:  # an exception row was named: work on it
        return get_event(event.series_id), event
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
        conflicts = conflicts_for(event_attendee_ids(holder.id), new_start, new_end,
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


def cut_rule(rule: str, before: dt.datetime) -> str:
    """`rule` ending with the last occurrence before `before` (UNTIL replaces COUNT)."""
    parts = [(k, v) for k, v in rule_parts(rule) if k not in ("COUNT", "UNTIL")]
    until = before - dt.timedelta(seconds=1)
    parts.append(("UNTIL", f"{until:%Y%m%dT%H%M%S}"))
    return rule_text(parts)


def _rest_rule(series: Event, from_start: dt.datetime) -> str:
    """The series' rule for the part from `from_start` on (COUNT reduced by those before)."""
    parts = rule_parts(series.rrule)
    keys = dict(parts)
    if "COUNT" in keys:
        before = len(parse_rrule(series.rrule, series.start, series.tzid).between(
            series.start, from_start, inc=False)) + 1  # the first one (= series.start)
        left = max(int(keys["COUNT"]) - before, 1)
        parts = [(k, str(left) if k == "COUNT" else v) for k, v in parts]
    return rule_text(parts)


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
            set_attendees(x, attendees)


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
    current = event_attendee_ids(event.id)
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
        event = get_event(event_id)
        _check_version(event, expected_version)
        if event.series_id is not None:
            event = get_event(event.series_id)
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
        rule = (normalise_rule(changes["rrule"], start) if "rrule" in changes
                else _rest_rule(event, from_start))
        conflicts = _check_booking(event, changes, attendees, start, end, rule, force=force,
                                   ignore_event_id=event.id)
        cut = cut_rule(event.rrule, from_start)
        Event.update(rrule=cut, series_until=series_until(event.start, event.end, cut, event.tzid),
                     version=Event.version + 1).where(Event.id == event.id).execute()
        new = Event.create(
            uid=new_uid(), kind=values.get("kind", event.kind),
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
        set_attendees(new.id, attendees if attendees is not None else event_attendee_ids(event.id))
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
    rule = normalise_rule(changes["rrule"], start) if "rrule" in changes else event.rrule
    conflicts = _check_booking(event, changes, attendees, start, end, rule, force=force,
                               ignore_event_id=event.id)
    if "due" not in values:
        values["due"] = _shifted_due(event, start)  # a task's due time moves with it
    values.update(start=start, end=end, rrule=rule,
                  series_until=series_until(start, end, rule, event.tzid))
    Event.update(**values, version=Event.version + 1).where(Event.id == event.id).execute()
    if attendees is not None:
        set_attendees(event.id, attendees)
    if start != old_start or rule != old_rule:
        exceptions = list(Event.select().where(Event.series == event.id))
        if rule:
            _rebase_exceptions(get_event(event.id), old_start, exceptions)
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
        _check_version(get_event(event_id), expected_version)
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
            set_attendees(holder.id, attendees)
        if conflicts:
            _audit(staff_id, "update", holder.id, "conflicts", None,
                   _conflict_note(conflicts, reason))
    return holder.id


def set_task_done(event_id: int, done: bool, staff_id: int) -> None:
    """Tick a task off (or, with done False, open it again); audited. ValidationError when
    the event is not a task."""
    with transaction():
        event = get_event(event_id)
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
        event = get_event(event_id)
        owner = get_event(event.series_id) if event.series_id is not None else event
        if not is_mine(owner, staff_id):
            access.require("event.delete_any", staff_id)
        if event.series_id is not None:
            Event.update(cancelled=True, version=Event.version + 1).where(
                Event.id == event.id).execute()
            return
        ids = [event.id] + [x.id for x in Event.select(Event.id).where(Event.series == event.id)]
        EventAttendee.delete().where(EventAttendee.event.in_(ids)).execute()
        Event.delete().where(Event.series == event.id).execute()
        Event.delete().where(Event.id == event.id).execute()

"""Importing the events of an iCalendar text or file: creating or updating them by UID,
unless the importing account may not change one (see the package's docstring)."""

from __future__ import annotations

import os

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.events import may_change, set_attendees
from data.i18n import _
from data.ical.reading import _parse, _Wanted
from data.ical.values import MAX_ICS_BYTES, ImportResult, _quote
from data.models import Event, EventAttendee, Staff


def _stored(values: dict) -> dict:
    """The column values of a wanted event (bookkeeping keys, `_…`, left out)."""
    return {k: v for k, v in values.items() if not k.startswith("_")}


def _exception_key(start, end, cancelled, *text):
    """What decides whether an occurrence row is unchanged: a cancelled one is just
    cancelled, wherever it had been moved to."""
    return ("cancelled",) if cancelled else (start, end, *text)


def _same(row: Event, wanted: _Wanted) -> bool:
    for key, value in _stored(wanted.values).items():
        if getattr(row, key) != value:
            return False
    have = {x.recurrence_id: _exception_key(x.start, x.end, bool(x.cancelled), x.title,
                                            x.location, x.description)
            for x in Event.select().where(Event.series == row.id)}
    return have == {rid: _exception_key(*x) for rid, x in wanted.exceptions.items()}


def _write_exceptions(series: Event, wanted: _Wanted, attendees: list[int]) -> None:
    Event.delete().where(Event.series == series.id).execute()
    v = wanted.values
    for rid, (start, end, cancelled, title, location, description) in sorted(
            wanted.exceptions.items()):
        row = Event.create(
            uid=f"{series.uid}#{rid:%Y%m%dT%H%M%S}", kind=v["kind"], title=title,
            description=description, location=location, organiser=series.organiser_id,
            start=start, end=end, all_day=v["all_day"], rrule=None, series_until=end,
            series=series.id, recurrence_id=rid, cancelled=cancelled,
            transparent=v["transparent"], reminder_minutes=series.reminder_minutes,
            due=v["due"] + (start - v["start"]) if v.get("due") else None,
            done=v.get("done", False), created_at=clock_now(),
        )
        set_attendees(row.id, attendees)



def _refusal(row: Event, wanted: _Wanted, actor_id: int | None) -> str | None:
    """Why the importing account may not change the existing event `row`, or None."""
    where = _("Line {line}: event “{name}”").format(line=wanted.line, name=wanted.name)
    if row.work_order_id is not None and row.kind == "appointment":
        return _("{where} is the appointment of a work order: an import never moves or cancels "
                 "it; change it on the work order.").format(where=where)
    if not may_change(row.id, actor_id):
        return _("{where} is someone else's event (“{title}”): you may not change it.").format(
            where=where, title=_quote(row.title))
    return None


def import_ics_file(path: str, staff_id: int, *, actor_id: int | None = None) -> ImportResult:
    """`import_ics` of a file, refused before it is read when it is over MAX_ICS_BYTES."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise ValidationError("file", _("Cannot read {path}: {error}").format(
            path=path, error=exc.strerror or exc)) from exc
    if size > MAX_ICS_BYTES:
        raise ValidationError("file", _(
            "The iCalendar file is larger than {max} MB: split it into smaller files.").format(
            max=MAX_ICS_BYTES // (1024 * 1024)))
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_ICS_BYTES + 1)
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError("file", _("Cannot read {path}: {error}").format(
            path=path, error=_quote(str(exc)))) from exc
    return import_ics(text, staff_id, actor_id=actor_id)


def import_ics(text: str, staff_id: int, *, actor_id: int | None = None) -> ImportResult:
    """Create or update (by UID) the events of an iCalendar text, `staff_id` attending each.
    ValidationError on a bad file, and then nothing is imported. An existing event is
    updated only when the importing account — `actor_id`, else the signed-in account, else
    `staff_id` — may change it, and never when it is a work order's appointment; each
    event refused so is named in `refused` and the others are imported."""
    if Staff.get_or_none(Staff.id == staff_id) is None:
        raise NotFoundError(_("No staff member with id {id}.").format(id=staff_id))
    actor = actor_id if actor_id is not None else (access.current_id() or staff_id)
    notes: list[str] = []
    wanted_all = _parse(text, notes)
    created = updated = skipped = 0
    refused: list[str] = []
    with transaction():
        for wanted in wanted_all:
            row = Event.get_or_none(Event.uid == wanted.uid)
            if row is not None and row.series_id is not None:
                raise ValidationError("UID", _("The UID {uid} names one occurrence here.").format(
                    uid=_quote(wanted.uid)))
            if row is None:
                row = Event.create(uid=wanted.uid, organiser=staff_id, created_at=clock_now(),
                                   **_stored(wanted.values))
                set_attendees(row.id, [staff_id])
                _write_exceptions(row, wanted, [staff_id])
                created += 1
                continue
            attendees = [a.staff_id for a in EventAttendee.select(EventAttendee.staff)
                         .where(EventAttendee.event == row.id).order_by(EventAttendee.id)]
            if _same(row, wanted) and staff_id in attendees:
                skipped += 1
                continue
            why = _refusal(row, wanted, actor)
            if why is not None:
                refused.append(why)
                continue
            if staff_id not in attendees:
                attendees.append(staff_id)
            Event.update(**_stored(wanted.values), version=Event.version + 1).where(
                Event.id == row.id).execute()
            set_attendees(row.id, attendees)
            _write_exceptions(Event.get_by_id(row.id), wanted, attendees)
            updated += 1
    return ImportResult(created, updated, skipped, tuple(refused), tuple(notes))

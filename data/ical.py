"""iCalendar (RFC 5545) export and import of a staff member's calendar (issue 6 §8).

Export: every event the staff member attends, times in TZID Asia/Shanghai with its
VTIMEZONE; a series carries its RRULE, its cancelled occurrences as EXDATE and each moved
occurrence as a VEVENT with the same UID and a RECURRENCE-ID. All-day events are dates
(VALUE=DATE, DTEND the day after the last, as RFC 5545 §3.6.1 has it), and so are their
EXDATE, RECURRENCE-ID and RRULE UNTIL; a date read on import makes an all-day event. UIDs are `Event.uid`, so
they are stable across exports. Import creates or updates events by UID, all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from data.calendar import _normalise_rule, _set_attendees, series_until
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import Event, EventAttendee, Staff
from data.recurrence import parse_rrule
from data.validators import clean_text
from data.vocab import EVENT_KINDS

TZ = ZoneInfo("Asia/Shanghai")
TZID = "Asia/Shanghai"
PRODID = "-//FrontDesk//物业前台//ZH"
#: Non-standard property that carries the event kind, so a round trip keeps it.
KIND_PROPERTY = "X-FRONTDESK-KIND"
#: Kind of an imported event that does not say (from a phone calendar, say).
DEFAULT_KIND = "meeting"
#: Longest UID kept as is; longer ones are hashed (an exception row appends `#YYYYmmddTHHMMSS`).
MAX_UID = 64


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int


# --- export --------------------------------------------------------------------------------------


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=TZ)


def _moment(value: dt.datetime, all_day: bool) -> dt.date | dt.datetime:
    """A stored time as an iCalendar value: its date for an all-day event (VALUE=DATE),
    else the time in Asia/Shanghai."""
    return value.date() if all_day else _aware(value)


def _all_day_end(start: dt.datetime, end: dt.datetime) -> dt.date:
    """DTEND of an all-day event: the day after its last day (exclusive, RFC 5545)."""
    last = end.date() if end.time() == dt.time() else end.date() + dt.timedelta(days=1)
    return max(last, start.date() + dt.timedelta(days=1))


def _export_rule(rule: str, all_day: bool = False) -> vRecur:
    """The stored rule as a vRecur, UNTIL in UTC as RFC 5545 requires with a TZID start
    (a date when the start is a date)."""
    recur = vRecur.from_ical(rule)
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if isinstance(until, dt.datetime):
            recur["UNTIL"] = [until.date() if all_day else _aware(until).astimezone(dt.UTC)]
    return recur


def _vevent(row: Event, stamp: dt.datetime, uid: str) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", stamp)
    if row.all_day:
        vevent.add("dtstart", row.start.date())
        vevent.add("dtend", _all_day_end(row.start, row.end))
    else:
        vevent.add("dtstart", _aware(row.start))
        vevent.add("dtend", _aware(row.end))
    vevent.add("summary", row.title)
    if row.location:
        vevent.add("location", row.location)
    if row.description:
        vevent.add("description", row.description)
    vevent.add(KIND_PROPERTY, row.kind)
    return vevent


def export_ics(staff_id: int) -> str:
    """Every event `staff_id` attends, as an RFC 5545 calendar (text)."""
    if Staff.get_or_none(Staff.id == staff_id) is None:
        raise NotFoundError(_("No staff member with id {id}.").format(id=staff_id))
    attending = EventAttendee.select(EventAttendee.event).where(EventAttendee.staff == staff_id)
    rows = list(Event.select().where(Event.id.in_(attending)).order_by(Event.start, Event.id))
    masters = {r.id: r for r in rows if r.series_id is None}
    exceptions: dict[int, list[Event]] = {}
    for x in Event.select().where(Event.series.in_(list(masters) or [0])).order_by(
            Event.recurrence_id):
        exceptions.setdefault(x.series_id, []).append(x)
    stamp = clock_now().replace(tzinfo=TZ).astimezone(dt.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-timezone", TZID)
    for row in masters.values():
        vevent = _vevent(row, stamp, row.uid)
        if row.rrule:
            vevent.add("rrule", _export_rule(row.rrule, row.all_day))
            cancelled = [_moment(x.recurrence_id, row.all_day)
                         for x in exceptions.get(row.id, ()) if x.cancelled]
            if cancelled:
                vevent.add("exdate", cancelled)
        elif row.cancelled:
            vevent.add("status", "CANCELLED")
        cal.add_component(vevent)
        for x in exceptions.get(row.id, ()):
            if row.rrule and not x.cancelled:
                moved = _vevent(x, stamp, row.uid)
                moved.add("recurrence-id", _moment(x.recurrence_id, row.all_day))
                cal.add_component(moved)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


# --- import --------------------------------------------------------------------------------------


def _local(value, field: str) -> tuple[dt.datetime, bool]:
    """A DTSTART-like value as a naive Asia/Shanghai time, and whether it was a date."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(TZ).replace(tzinfo=None)
        return value.replace(microsecond=0), False
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()), True
    raise ValidationError(field, _("“{field}” is not a date or time.").format(field=field))


def _prop_time(vevent, name: str) -> tuple[dt.datetime, bool] | None:
    prop = vevent.get(name)
    if prop is None:
        return None
    return _local(prop.dt, name)


def _times(vevent, uid: str) -> tuple[dt.datetime, dt.datetime, bool]:
    got = _prop_time(vevent, "DTSTART")
    if got is None:
        raise ValidationError("DTSTART", _("Event {uid} has no start.").format(uid=uid))
    start, all_day = got
    end_got = _prop_time(vevent, "DTEND")
    if end_got is not None:
        end = end_got[0]
    elif vevent.get("DURATION") is not None:
        end = start + vevent.get("DURATION").dt
    else:
        end = start + (dt.timedelta(days=1) if all_day else dt.timedelta(hours=1))
    if end <= start:
        raise ValidationError("DTEND", _("Event {uid} ends before it starts.").format(uid=uid))
    return start, end, all_day


def _import_rule(vevent, start: dt.datetime) -> str | None:
    recur = vevent.get("RRULE")
    if recur is None:
        return None
    if isinstance(recur, list):
        recur = recur[0]
    recur = vRecur(recur)
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if isinstance(until, dt.datetime):
            recur["UNTIL"] = [_local(until, "UNTIL")[0]]
        elif isinstance(until, dt.date):
            recur["UNTIL"] = [dt.datetime.combine(until, dt.time(23, 59, 59))]
    return _normalise_rule(recur.to_ical().decode("ascii"), start)


def _exdates(vevent) -> list[dt.datetime]:
    found = vevent.get("EXDATE")
    if found is None:
        return []
    out = []
    for group in found if isinstance(found, list) else [found]:
        for item in group.dts:
            out.append(_local(item.dt, "EXDATE")[0])
    return out


def _text(vevent, name: str, max_length: int | None, multiline: bool = False) -> str:
    value = str(vevent.get(name) or "")
    if max_length:
        value = value[:max_length]
    return clean_text(value, name.lower(), multiline=multiline, max_length=max_length)


def _local_uid(uid: str) -> str:
    uid = clean_text(uid, "UID")
    if not uid:
        raise ValidationError("UID", _("An event in the file has no UID."))
    if len(uid) <= MAX_UID and "#" not in uid:
        return uid
    return f"{hashlib.sha1(uid.encode()).hexdigest()}@import"


@dataclass
class _Wanted:
    uid: str
    values: dict
    exceptions: dict  # original start → (start, end, cancelled)


def _parse(text: str) -> list[_Wanted]:
    try:
        cal = Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as exc:
        raise ValidationError("file", _("Not an iCalendar file: {error}").format(error=exc)) from exc
    masters: dict[str, _Wanted] = {}
    overrides: list[tuple[str, object]] = []
    for vevent in cal.walk("VEVENT"):
        uid = _local_uid(str(vevent.get("UID") or ""))
        if vevent.get("RECURRENCE-ID") is not None:
            overrides.append((uid, vevent))
            continue
        if uid in masters:
            raise ValidationError("UID", _("The UID {uid} is used twice.").format(uid=uid))
        start, end, all_day = _times(vevent, uid)
        kind = str(vevent.get(KIND_PROPERTY) or DEFAULT_KIND)
        title = _text(vevent, "SUMMARY", 120) or _("(no title)")
        rule = _import_rule(vevent, start)
        wanted = _Wanted(uid, {
            "kind": kind if kind in EVENT_KINDS else DEFAULT_KIND, "title": title,
            "location": _text(vevent, "LOCATION", 120),
            "description": _text(vevent, "DESCRIPTION", None, multiline=True),
            "start": start, "end": end, "all_day": all_day, "rrule": rule,
            "series_until": series_until(start, end, rule),
            "cancelled": str(vevent.get("STATUS") or "").upper() == "CANCELLED" and not rule,
        }, {})
        if rule:
            for rid in _exdates(vevent):
                wanted.exceptions[rid] = (rid, rid + (end - start), True)
        masters[uid] = wanted
    for uid, vevent in overrides:
        master = masters.get(uid)
        if master is None or not master.values["rrule"]:
            raise ValidationError("RECURRENCE-ID", _(
                "Event {uid} changes one occurrence of a series that is not in the file.").format(uid=uid))
        rid = _local(vevent.get("RECURRENCE-ID").dt, "RECURRENCE-ID")[0]
        if rid not in parse_rrule(master.values["rrule"], master.values["start"]):
            raise ValidationError("RECURRENCE-ID", _(
                "Event {uid} has no occurrence at {start}.").format(uid=uid, start=f"{rid:%Y-%m-%d %H:%M}"))
        start, end, _all_day = _times(vevent, uid)
        cancelled = str(vevent.get("STATUS") or "").upper() == "CANCELLED"
        master.exceptions[rid] = (start, end, cancelled)
    return list(masters.values())


def _same(row: Event, wanted: _Wanted) -> bool:
    for key, value in wanted.values.items():
        if getattr(row, key) != value:
            return False
    have = {x.recurrence_id: (x.start, x.end, bool(x.cancelled))
            for x in Event.select().where(Event.series == row.id)}
    return have == wanted.exceptions


def _write_exceptions(series: Event, wanted: _Wanted, attendees: list[int]) -> None:
    Event.delete().where(Event.series == series.id).execute()
    v = wanted.values
    for rid, (start, end, cancelled) in sorted(wanted.exceptions.items()):
        row = Event.create(
            uid=f"{series.uid}#{rid:%Y%m%dT%H%M%S}", kind=v["kind"], title=v["title"],
            description=v["description"], location=v["location"], organiser=series.organiser_id,
            start=start, end=end, all_day=v["all_day"], rrule=None, series_until=end,
            series=series.id, recurrence_id=rid, cancelled=cancelled,
            reminder_minutes=series.reminder_minutes, created_at=clock_now(),
        )
        _set_attendees(row.id, attendees)


def import_ics(text: str, staff_id: int) -> ImportResult:
    """Create or update (by UID) the events of an iCalendar text, `staff_id` attending each.
    ValidationError on a bad file, and then nothing is imported."""
    if Staff.get_or_none(Staff.id == staff_id) is None:
        raise NotFoundError(_("No staff member with id {id}.").format(id=staff_id))
    wanted_all = _parse(text)
    created = updated = skipped = 0
    with transaction():
        for wanted in wanted_all:
            row = Event.get_or_none(Event.uid == wanted.uid)
            if row is not None and row.series_id is not None:
                raise ValidationError("UID", _("The UID {uid} names one occurrence here.").format(
                    uid=wanted.uid))
            if row is None:
                row = Event.create(uid=wanted.uid, organiser=staff_id, created_at=clock_now(),
                                   **wanted.values)
                _set_attendees(row.id, [staff_id])
                _write_exceptions(row, wanted, [staff_id])
                created += 1
                continue
            attendees = [a.staff_id for a in EventAttendee.select(EventAttendee.staff)
                         .where(EventAttendee.event == row.id).order_by(EventAttendee.id)]
            if _same(row, wanted) and staff_id in attendees:
                skipped += 1
                continue
            if staff_id not in attendees:
                attendees.append(staff_id)
            Event.update(**wanted.values, version=Event.version + 1).where(
                Event.id == row.id).execute()
            _set_attendees(row.id, attendees)
            _write_exceptions(Event.get_by_id(row.id), wanted, attendees)
            updated += 1
    return ImportResult(created, updated, skipped)

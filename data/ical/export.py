"""Exporting a staff member's calendar as RFC 5545 text (see the package's docstring)."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from data.clock import now as clock_now
from data.errors import NotFoundError
from data.i18n import _
from data.ical.values import KIND_PROPERTY, PRODID, TZ, TZID
from data.models import Event, EventAttendee, Staff
from data.recurrence import parse_rrule, zone


def _aware(value: dt.datetime, tz=None) -> dt.datetime:
    """A stored (Shanghai) time, aware: in `tz` when given (a series' own zone)."""
    value = value.replace(tzinfo=TZ)
    return value.astimezone(tz) if tz is not None else value


def _moment(value: dt.datetime, all_day: bool, tz=None) -> dt.date | dt.datetime:
    """A stored time as an iCalendar value: its date for an all-day event (VALUE=DATE),
    else the time in Asia/Shanghai (or in the series' own zone `tz`)."""
    return value.date() if all_day else _aware(value, tz)


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


def _vevent(row: Event, stamp: dt.datetime, uid: str, tz=None) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", stamp)
    if row.all_day:
        vevent.add("dtstart", row.start.date())
        vevent.add("dtend", _all_day_end(row.start, row.end))
    else:
        vevent.add("dtstart", _aware(row.start, tz))
        vevent.add("dtend", _aware(row.end, tz))
    vevent.add("summary", row.title)
    if row.location:
        vevent.add("location", row.location)
    if row.description:
        vevent.add("description", row.description)
    if row.transparent:
        vevent.add("transp", "TRANSPARENT")
    vevent.add(KIND_PROPERTY, row.kind)
    return vevent


def _plain_extra(row: Event, master: Event, rule) -> bool:
    """Is the occurrence row `row` an added date (RDATE) exactly as the series would show
    it, so that the RDATE alone says it all?"""
    return (not row.cancelled and row.start == row.recurrence_id
            and row.end - row.start == master.end - master.start
            and (row.title, row.location, row.description)
            == (master.title, master.location, master.description))


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
        tz = zone(row.tzid) if row.rrule else None
        vevent = _vevent(row, stamp, row.uid, tz)
        overrides = []
        if row.rrule:
            vevent.add("rrule", _export_rule(row.rrule, row.all_day))
            rule = parse_rrule(row.rrule, row.start, row.tzid)
            extra = [x for x in exceptions.get(row.id, ()) if x.recurrence_id not in rule]
            if extra:
                vevent.add("rdate", [_moment(x.recurrence_id, row.all_day, tz) for x in extra])
            cancelled = [_moment(x.recurrence_id, row.all_day, tz)
                         for x in exceptions.get(row.id, ()) if x.cancelled]
            if cancelled:
                vevent.add("exdate", cancelled)
            overrides = [x for x in exceptions.get(row.id, ()) if not x.cancelled
                         and not (x in extra and _plain_extra(x, row, rule))]
        elif row.cancelled:
            vevent.add("status", "CANCELLED")
        cal.add_component(vevent)
        for x in overrides:
            moved = _vevent(x, stamp, row.uid, tz)
            moved.add("recurrence-id", _moment(x.recurrence_id, row.all_day, tz))
            cal.add_component(moved)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


# --- import --------------------------------------------------------------------------------------

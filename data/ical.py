"""iCalendar (RFC 5545) export and import of a staff member's calendar (issue 6 §8).

Export: every event the staff member attends, times in TZID Asia/Shanghai with its
VTIMEZONE; a series carries its RRULE, its cancelled occurrences as EXDATE and each moved
occurrence as a VEVENT with the same UID and a RECURRENCE-ID. All-day events are dates
(VALUE=DATE, DTEND the day after the last, as RFC 5545 §3.6.1 has it), and so are their
EXDATE, RECURRENCE-ID and RRULE UNTIL; a date read on import makes an all-day event. UIDs are `Event.uid`, so
they are stable across exports, and random (migration 0010), so they cannot be guessed.

Import creates or updates events by UID. A file that breaks a rule (a bad date, an unknown
time zone, a year outside MIN_YEAR–MAX_YEAR, a rule finer than hourly, a parse error) is
refused whole with one line naming the event and the line; a file larger than
MAX_ICS_BYTES or with more than MAX_ICS_EVENTS events is refused before it is parsed. An
event whose UID is already there is updated only when the importing account may change
it (`data.events.may_change`, the rule the calendar screen obeys) and never when it is
a work order's appointment; otherwise that event is refused, named in
`ImportResult.refused`, and the rest of the file is imported. A UID is matched against
the UID column only: an old counter UID such as `5@frontdesk` (from an export before
0010) matches nothing and is imported as a new event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from icalendar import Calendar, vRecur
from icalendar import Event as VEvent
from icalendar.parser import Contentline

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.events import may_change, normalise_rule, series_until, set_attendees
from data.i18n import _
from data.models import Event, EventAttendee, Staff
from data.recurrence import parse_rrule
from data.validators import clean_text, show_controls
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
#: Largest iCalendar file imported (5 MB), checked on disk before it is read.
MAX_ICS_BYTES = 5 * 1024 * 1024
#: Most events (VEVENTs, moved occurrences included) one file may hold.
MAX_ICS_EVENTS = 2000
#: Years an imported date or time may fall in.
MIN_YEAR, MAX_YEAR = 1900, 2200
#: Characters of an event's SUMMARY or UID quoted in a message.
QUOTE_CHARS = 40


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int
    refused: tuple[str, ...] = field(default=())  # one message per event not imported


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


def _quote(text: str) -> str:
    """At most QUOTE_CHARS of an event's text, control characters shown as symbols."""
    text = show_controls(" ".join(str(text).split()))
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"


@dataclass
class _Item:
    """Where one VEVENT is in the file: its first line, and each property's first line."""

    line: int
    props: dict[str, int]


_NAME = re.compile(r"[A-Za-z0-9-]+")


def _locate(text: str) -> list[_Item]:
    """Every VEVENT of the file in order, with line numbers (1-based, physical lines)."""
    items: list[_Item] = []
    inside = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] in " \t":
            continue  # a folded continuation
        upper = line.upper()
        if upper.startswith("BEGIN:VEVENT"):
            items.append(_Item(number, {}))
            inside += 1
        elif upper.startswith("END:VEVENT"):
            inside = max(inside - 1, 0)
        elif inside and items:
            name = _NAME.match(line)
            if name:
                items[-1].props.setdefault(name.group().upper(), number)
    return items


def _bad_line(text: str) -> tuple[int, str]:
    """(line, error) of the first content line that does not parse, else (1, "")."""
    logical, first = "", 0
    lines = text.splitlines()
    for number, line in enumerate([*lines, "END:"], start=1):
        if line[:1] in (" ", "\t") and logical:
            logical += line[1:]
            continue
        if logical:
            try:
                Contentline(logical).parts()
            except ValueError as exc:
                return first, str(exc)
        logical, first = line, number
    return 1, ""


class _ItemError(Exception):
    """A rule an event breaks: the property it is about and what is wrong."""

    def __init__(self, prop: str, message: str):
        super().__init__(message)
        self.prop = prop
        self.message = message


def _item_error(item: _Item | None, vevent, prop: str, message: str) -> ValidationError:
    """One line naming the event (its SUMMARY, else its UID) and the line of `prop`."""
    name = _quote(str(vevent.get("SUMMARY") or vevent.get("UID") or "")) if vevent is not None else ""
    where = {"UNTIL": "RRULE", "DURATION": "DURATION"}.get(prop.upper(), prop.upper())
    line = (item.props.get(where) or item.line) if item is not None else 1
    return ValidationError("", _("Line {line}: event “{name}”: {problem}").format(
        line=line, name=name or "?", problem=message))


def _check_year(value: dt.date, name: str) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _ItemError(name, _("{field}: the year {year} is outside {first}–{last}.").format(
            field=name, year=value.year, first=MIN_YEAR, last=MAX_YEAR))


def _local(value, field: str, tzid: str | None = None) -> tuple[dt.datetime, bool]:
    """A DTSTART-like value as a naive Asia/Shanghai time, and whether it was a date.
    `tzid` is the TZID the file gave it: a time that stayed naive with one names an
    unknown time zone."""
    if isinstance(value, dt.datetime):
        _check_year(value, field)
        if tzid and value.tzinfo is None:
            raise _ItemError(field, _("{field}: unknown time zone “{tzid}”.").format(
                field=field, tzid=_quote(tzid)))
        if value.tzinfo is not None:
            value = value.astimezone(TZ).replace(tzinfo=None)
        return value.replace(microsecond=0), False
    if isinstance(value, dt.date):
        _check_year(value, field)
        return dt.datetime.combine(value, dt.time()), True
    raise _ItemError(field, _("{field}: not a date or time.").format(field=field))


def _prop_time(vevent, name: str) -> tuple[dt.datetime, bool] | None:
    prop = vevent.get(name)
    if prop is None:
        return None
    return _local(prop.dt, name, prop.params.get("TZID"))


def _times(vevent, uid: str) -> tuple[dt.datetime, dt.datetime, bool]:
    got = _prop_time(vevent, "DTSTART")
    if got is None:
        raise _ItemError("DTSTART", _("it has no start (DTSTART)."))
    start, all_day = got
    end_got = _prop_time(vevent, "DTEND")
    if end_got is not None:
        end = end_got[0]
    elif vevent.get("DURATION") is not None:
        try:
            end = start + vevent.get("DURATION").dt
        except (TypeError, OverflowError) as exc:
            raise _ItemError("DURATION", _("DURATION: not a duration.")) from exc
        _check_year(end, "DURATION")
    else:
        end = start + (dt.timedelta(days=1) if all_day else dt.timedelta(hours=1))
    if end <= start:
        raise _ItemError("DTEND", _("it ends before it starts."))
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
            _check_year(until, "UNTIL")
            recur["UNTIL"] = [dt.datetime.combine(until, dt.time(23, 59, 59))]
    try:
        return normalise_rule(recur.to_ical().decode("ascii"), start)
    except ValidationError as exc:
        raise _ItemError("RRULE", exc.message) from exc


def _exdates(vevent) -> list[dt.datetime]:
    found = vevent.get("EXDATE")
    if found is None:
        return []
    out = []
    for group in found if isinstance(found, list) else [found]:
        tzid = group.params.get("TZID")
        for item in group.dts:
            out.append(_local(item.dt, "EXDATE", item.params.get("TZID") or tzid)[0])
    return out


def _text(vevent, name: str, max_length: int | None, multiline: bool = False) -> str:
    value = str(vevent.get(name) or "")
    if max_length:
        value = value[:max_length]
    try:
        return clean_text(value, name.lower(), multiline=multiline, max_length=max_length)
    except ValidationError as exc:
        raise _ItemError(name, exc.message) from exc


def _local_uid(uid: str) -> str:
    try:
        uid = clean_text(uid, "UID")
    except ValidationError as exc:
        raise _ItemError("UID", exc.message) from exc
    if not uid:
        raise _ItemError("UID", _("it has no UID."))
    if len(uid) <= MAX_UID and "#" not in uid:
        return uid
    return f"{hashlib.sha1(uid.encode()).hexdigest()}@import"


@dataclass
class _Wanted:
    uid: str
    values: dict
    exceptions: dict  # original start → (start, end, cancelled)
    line: int = 1
    name: str = ""


def _check_size(text: str) -> None:
    """Refuse a text over MAX_ICS_BYTES or with over MAX_ICS_EVENTS events, before parsing."""
    if len(text) > MAX_ICS_BYTES or len(text.encode("utf-8", "replace")) > MAX_ICS_BYTES:
        raise ValidationError("file", _(
            "The iCalendar file is larger than {max} MB: split it into smaller files.").format(
            max=MAX_ICS_BYTES // (1024 * 1024)))
    count = len(re.findall(r"^BEGIN:VEVENT", text, flags=re.IGNORECASE | re.MULTILINE))
    if count > MAX_ICS_EVENTS:
        raise ValidationError("file", _(
            "The iCalendar file holds {count} events; at most {max} are imported at once: "
            "split it into smaller files.").format(count=count, max=MAX_ICS_EVENTS))


def _parse(text: str) -> list[_Wanted]:
    _check_size(text)
    try:
        cal = Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        line, error = _bad_line(text)
        raise ValidationError("file", _("Line {line}: not an iCalendar file: {error}").format(
            line=line, error=_quote(error or str(exc)))) from exc
    located = _locate(text)
    masters: dict[str, _Wanted] = {}
    overrides: list[tuple[str, object, _Item | None]] = []
    for index, vevent in enumerate(cal.walk("VEVENT")):
        item = located[index] if index < len(located) else None
        try:
            for prop, problem in getattr(vevent, "errors", None) or ():
                raise _ItemError(prop, _("{field}: not a valid value ({error}).").format(
                    field=prop, error=_quote(problem)))
            wanted = _parse_event(vevent, masters, overrides, item)
        except _ItemError as exc:
            raise _item_error(item, vevent, exc.prop, exc.message) from exc
        except (ValueError, TypeError, KeyError, OverflowError) as exc:  # icalendar's own
            raise _item_error(item, vevent, "", _quote(str(exc))) from exc
        if wanted is not None:
            masters[wanted.uid] = wanted
    for uid, vevent, item in overrides:
        try:
            _parse_override(uid, vevent, masters)
        except _ItemError as exc:
            raise _item_error(item, vevent, exc.prop, exc.message) from exc
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            raise _item_error(item, vevent, "", _quote(str(exc))) from exc
    return list(masters.values())


def _parse_event(vevent, masters: dict, overrides: list, item: _Item | None) -> _Wanted | None:
    """The wanted master event of one VEVENT (None when it changes one occurrence: it is
    kept in `overrides` until every master is known)."""
    uid = _local_uid(str(vevent.get("UID") or ""))
    if vevent.get("RECURRENCE-ID") is not None:
        overrides.append((uid, vevent, item))
        return None
    if uid in masters:
        raise _ItemError("UID", _("the UID {uid} is used twice.").format(uid=_quote(uid)))
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
    }, {}, (item.props.get("UID") or item.line) if item else 1, _quote(title))
    if rule:
        for rid in _exdates(vevent):
            wanted.exceptions[rid] = (rid, rid + (end - start), True)
    return wanted


def _parse_override(uid: str, vevent, masters: dict) -> None:
    master = masters.get(uid)
    if master is None or not master.values["rrule"]:
        raise _ItemError("RECURRENCE-ID", _(
            "it changes one occurrence of a series that is not in the file."))
    prop = vevent.get("RECURRENCE-ID")
    rid = _local(prop.dt, "RECURRENCE-ID", prop.params.get("TZID"))[0]
    if rid not in parse_rrule(master.values["rrule"], master.values["start"]):
        raise _ItemError("RECURRENCE-ID", _("the series has no occurrence at {start}.").format(
            start=f"{rid:%Y-%m-%d %H:%M}"))
    start, end, _all_day = _times(vevent, uid)
    cancelled = str(vevent.get("STATUS") or "").upper() == "CANCELLED"
    master.exceptions[rid] = (start, end, cancelled)


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
    wanted_all = _parse(text)
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
                                   **wanted.values)
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
            Event.update(**wanted.values, version=Event.version + 1).where(
                Event.id == row.id).execute()
            set_attendees(row.id, attendees)
            _write_exceptions(Event.get_by_id(row.id), wanted, attendees)
            updated += 1
    return ImportResult(created, updated, skipped, tuple(refused))

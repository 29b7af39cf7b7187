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
it (`data.calendar.may_change`, the rule the calendar screen obeys) and never when it is
a work order's appointment; otherwise that event is refused, named in
`ImportResult.refused`, and the rest of the file is imported. A UID is matched against
the UID column only: an old counter UID such as `5@frontdesk` (from an export before
0010) matches nothing and is imported as a new event.

Calendars from other tools (khal, calcurse, Google, Outlook; issue 14 item 5):

- An item without a UID gets a stable one derived from what it holds (a hash of its
  start, title and rule), so importing the same file again updates, not duplicates.
- Empty properties are empty text; a title or place written on several lines is joined
  into one; a description keeps its lines. A zero-length event (DTEND = DTSTART) is kept
  as a moment; an all-day one whose DTEND is its DTSTART lasts that day.
- Floating times (no TZID, no Z) are in the calendar's `X-WR-TIMEZONE` when it gives one
  (Google), else in Asia/Shanghai. A Windows zone name (Outlook) is read as its IANA zone.
- Time zones: every time is stored in Asia/Shanghai, and a series keeps its own zone
  (`Event.tzid`, migration 0012) whenever that is not Shanghai: it is expanded in that
  zone (data.recurrence), so a 09:00 Berlin meeting stays at 09:00 Berlin time on both
  sides of a daylight-saving change, a BYDAY rule lands on its own zone's weekday, and
  EXDATE and RECURRENCE-ID times (converted to Shanghai like the occurrences) still match.
  The export writes such a series in its own zone again.
- RDATE adds occurrences: each is stored as an occurrence row of the series (an event
  with RDATE and no RRULE becomes a series of one, FREQ=DAILY;COUNT=1, plus its dates).
  The export writes an occurrence row that is not an occurrence of the rule as an RDATE.
- An edited occurrence (RECURRENCE-ID) keeps its own title, place and description.
  `RANGE=THISANDFUTURE` cuts the series there and starts a new one (UID derived from the
  series' UID and the date) with the edited values, shifted as the edited occurrence is.
- All-day items (DATE values) stay all-day, whatever their length.
- A VTODO is imported as a task (DUE its due time; without DTSTART it is shown for
  TASK_MINUTES from DUE; COMPLETED ticks it off); one with neither DUE nor DTSTART is
  left out and named in `ImportResult.notes`.
- TRANSP:TRANSPARENT items are shown but never make anyone busy (`Event.transparent`).

Importing a file that was just exported reports no change (every item unchanged).
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
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from data import access
from data.calendar import TASK_MINUTES, cut_rule
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.events import (
    may_change,
    normalise_rule,
    rule_parts,
    rule_text,
    series_until,
    set_attendees,
)
from data.i18n import _
from data.models import Event, EventAttendee, Staff
from data.recurrence import parse_rrule, zone
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
    notes: tuple[str, ...] = field(default=())  # items left out (a task without a date)


# --- export --------------------------------------------------------------------------------------


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


def _quote(text: str) -> str:
    """At most QUOTE_CHARS of an event's text, control characters shown as symbols."""
    text = show_controls(" ".join(str(text).split()))
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"


#: The components imported: events, and to-dos as tasks.
ITEMS = ("VEVENT", "VTODO")


@dataclass
class _Item:
    """Where one VEVENT or VTODO is in the file: its first line, and each property's first line."""

    line: int
    props: dict[str, int]


_NAME = re.compile(r"[A-Za-z0-9-]+")
_BEGIN = re.compile(r"^BEGIN:(VEVENT|VTODO)\s*$", re.IGNORECASE)
_END = re.compile(r"^END:(VEVENT|VTODO)\s*$", re.IGNORECASE)


def _locate(text: str) -> list[_Item]:
    """Every VEVENT and VTODO of the file in order, with line numbers (1-based, physical lines)."""
    items: list[_Item] = []
    inside = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] in " \t":
            continue  # a folded continuation
        if _BEGIN.match(line):
            items.append(_Item(number, {}))
            inside += 1
        elif _END.match(line):
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


def _bad_value(text: str, error: str) -> ValidationError | None:
    """The one-line message for a value the parser refused (its message ends with the
    value): the item it is in, named by its SUMMARY, and the line; None when not found."""
    value = error.rsplit(":", 1)[-1].strip()
    if len(value) < 4:
        return None
    lines = text.splitlines()
    number = next((n for n, line in enumerate(lines, start=1)
                   if line[:1] not in (" ", "\t") and ":" in line
                   and line.split(":", 1)[1].strip() == value), None)
    if number is None:
        return None
    item = next((i for i in reversed(_locate(text)) if i.line <= number), None)
    name = ""
    if item is not None and "SUMMARY" in item.props:
        name = lines[item.props["SUMMARY"] - 1].split(":", 1)[-1]
    prop = _NAME.match(lines[number - 1])
    return ValidationError("", _("Line {line}: event “{name}”: {problem}").format(
        line=number, name=_quote(name) or "?", problem=_("{field}: not a valid value ({error}).")
        .format(field=prop.group().upper() if prop else "?", error=_quote(value))))


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


class _Context:
    """What the whole file says about its times: the zone of floating times
    (X-WR-TIMEZONE), if any."""

    def __init__(self, floating: str | None = None):
        self.floating = floating
        self.floating_zone = _zone_of(floating) if floating else None


def _zone_of(name: str | None) -> ZoneInfo | None:
    """The IANA zone a TZID names (a Windows name, as Outlook writes, mapped), or None."""
    if not name:
        return None
    name = WINDOWS_TO_OLSON.get(name, name)
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return None


_NO_CONTEXT = _Context()


def _local(value, field: str, tzid: str | None = None,
           ctx: _Context = _NO_CONTEXT) -> tuple[dt.datetime, bool]:
    """A DTSTART-like value as a naive Asia/Shanghai time, and whether it was a date.
    `tzid` is the TZID the file gave it: a time that stayed naive with one names an
    unknown time zone. A floating time is in the file's X-WR-TIMEZONE, if it gives one."""
    if isinstance(value, dt.datetime):
        _check_year(value, field)
        if tzid and value.tzinfo is None:
            raise _ItemError(field, _("{field}: unknown time zone “{tzid}”.").format(
                field=field, tzid=_quote(tzid)))
        if value.tzinfo is None and ctx.floating_zone is not None:
            value = value.replace(tzinfo=ctx.floating_zone)
        elif tzid and _zone_of(tzid) is not None:
            value = value.replace(tzinfo=_zone_of(tzid))  # the IANA rules, not the file's copy
        if value.tzinfo is not None:
            value = value.astimezone(TZ).replace(tzinfo=None)
        return value.replace(microsecond=0), False
    if isinstance(value, dt.date):
        _check_year(value, field)
        return dt.datetime.combine(value, dt.time()), True
    raise _ItemError(field, _("{field}: not a date or time.").format(field=field))


def _zone_name(prop, ctx: _Context) -> str | None:
    """The IANA name of the zone a DTSTART is in, when it is not Asia/Shanghai (None for
    a date, a Shanghai time, or a zone without an IANA name)."""
    value = prop.dt
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is None:
        name = WINDOWS_TO_OLSON.get(ctx.floating or "", ctx.floating) if ctx.floating_zone else None
    else:
        found = _zone_of(prop.params.get("TZID"))
        if found is not None:
            name = found.key
        elif isinstance(value.tzinfo, ZoneInfo):
            name = value.tzinfo.key
        elif value.utcoffset() == dt.timedelta(0) and value.tzinfo in (dt.UTC,):
            name = "UTC"
        else:
            name = None
    return name if name and name != TZID and zone(name) is not None else None


def _prop_time(vevent, name: str, ctx: _Context) -> tuple[dt.datetime, bool] | None:
    prop = vevent.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        prop = prop[0]
    return _local(prop.dt, name, prop.params.get("TZID"), ctx)


def _times(vevent, ctx: _Context) -> tuple[dt.datetime, dt.datetime, bool]:
    got = _prop_time(vevent, "DTSTART", ctx)
    if got is None:
        raise _ItemError("DTSTART", _("it has no start (DTSTART)."))
    start, all_day = got
    end_got = _prop_time(vevent, "DTEND", ctx)
    if end_got is not None:
        end = end_got[0]
        if all_day and end == start:
            end = start + dt.timedelta(days=1)  # a day that ends as it starts: that day
    elif vevent.get("DURATION") is not None:
        try:
            end = start + vevent.get("DURATION").dt
        except (TypeError, OverflowError) as exc:
            raise _ItemError("DURATION", _("DURATION: not a duration.")) from exc
        _check_year(end, "DURATION")
    else:
        end = start + (dt.timedelta(days=1) if all_day else dt.timedelta(hours=1))
    if end < start:
        raise _ItemError("DTEND", _("it ends before it starts."))
    return start, end, all_day


def _task_times(vtodo, ctx: _Context) -> tuple[dt.datetime, dt.datetime, bool, dt.datetime] | None:
    """(start, end, all_day, due) of a VTODO; None when it has neither DTSTART nor DUE."""
    due_got = _prop_time(vtodo, "DUE", ctx)
    start_got = _prop_time(vtodo, "DTSTART", ctx)
    if due_got is None and start_got is None:
        return None
    if start_got is None:
        due, all_day = due_got
        length = dt.timedelta(days=1) if all_day else dt.timedelta(minutes=TASK_MINUTES)
        return due, due + length, all_day, due
    start, all_day = start_got
    if due_got is not None:
        due = due_got[0]
        if due < start:
            raise _ItemError("DUE", _("it is due before it starts."))
        if due > start:
            return start, due, all_day, due
    elif vtodo.get("DURATION") is not None:
        end = _times(vtodo, ctx)[1]
        return start, end, all_day, end
    length = dt.timedelta(days=1) if all_day else dt.timedelta(minutes=TASK_MINUTES)
    return start, start + length, all_day, start + length


def _import_rule(vevent, start: dt.datetime, all_day: bool, tzid: str | None,
                 ctx: _Context) -> str | None:
    recur = vevent.get("RRULE")
    if recur is None:
        return None
    if isinstance(recur, list):
        recur = recur[0]
    recur = vRecur(recur)
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if isinstance(until, dt.datetime):
            recur["UNTIL"] = [_local(until, "UNTIL", None, ctx)[0]]
        elif isinstance(until, dt.date):
            _check_year(until, "UNTIL")
            last = dt.datetime.combine(until, dt.time(23, 59, 59))
            tz = zone(tzid)
            if tz is not None and not all_day:  # the end of that day in the series' zone
                last = last.replace(tzinfo=tz).astimezone(TZ).replace(tzinfo=None)
            recur["UNTIL"] = [last]
    try:
        return normalise_rule(recur.to_ical().decode("ascii"), start)
    except ValidationError as exc:
        raise _ItemError("RRULE", exc.message) from exc


def _dates(vevent, name: str, ctx: _Context) -> list[dt.datetime]:
    """The times of EXDATE or RDATE (every line of it), as Shanghai times; an RDATE
    period counts by its start."""
    found = vevent.get(name)
    if found is None:
        return []
    out = []
    for group in found if isinstance(found, list) else [found]:
        tzid = group.params.get("TZID")
        for item in group.dts:
            value = item.dt[0] if isinstance(item.dt, tuple) else item.dt
            out.append(_local(value, name, item.params.get("TZID") or tzid, ctx)[0])
    return out


def _text(vevent, name: str, max_length: int | None, multiline: bool = False) -> str:
    value = str(vevent.get(name) or "")
    if not multiline:
        value = " ".join(value.split())  # a title written on several lines: one line
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


def _derived_uid(component, taken: dict) -> str:
    """A stable UID for an item that has none: a hash of its kind, start, title and rule
    (and a counter for identical items), so the same file gives the same UIDs again."""
    parts = [component.name]
    for name in ("DTSTART", "DUE", "SUMMARY", "RRULE"):
        value = component.get(name)
        if isinstance(value, list):
            value = value[0]
        parts.append(value.to_ical().decode("utf-8", "replace") if value is not None else "")
    base = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:32]
    uid, n = f"{base}@derived", 1
    while uid in taken:
        n += 1
        uid = f"{base}-{n}@derived"
    return uid


@dataclass
class _Wanted:
    uid: str
    values: dict
    exceptions: dict  # original start → (start, end, cancelled, title, location, description)
    line: int = 1
    name: str = ""
    extra: set = field(default_factory=set)  # RDATE starts


def _check_size(text: str) -> None:
    """Refuse a text over MAX_ICS_BYTES or with over MAX_ICS_EVENTS events, before parsing."""
    if len(text) > MAX_ICS_BYTES or len(text.encode("utf-8", "replace")) > MAX_ICS_BYTES:
        raise ValidationError("file", _(
            "The iCalendar file is larger than {max} MB: split it into smaller files.").format(
            max=MAX_ICS_BYTES // (1024 * 1024)))
    count = len(re.findall(r"^BEGIN:(VEVENT|VTODO)", text, flags=re.IGNORECASE | re.MULTILINE))
    if count > MAX_ICS_EVENTS:
        raise ValidationError("file", _(
            "The iCalendar file holds {count} events; at most {max} are imported at once: "
            "split it into smaller files.").format(count=count, max=MAX_ICS_EVENTS))


def _parse(text: str, notes: list[str] | None = None) -> list[_Wanted]:
    _check_size(text)
    try:
        cal = Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        line, error = _bad_line(text)
        if not error:
            found = _bad_value(text, str(exc))
            if found is not None:
                raise found from exc
        raise ValidationError("file", _("Line {line}: not an iCalendar file: {error}").format(
            line=line, error=_quote(error or str(exc)))) from exc
    if isinstance(cal, list):
        cal = cal[0]
    floating = str(cal.get("X-WR-TIMEZONE") or "").strip() or None
    ctx = _Context(floating if _zone_of(floating) is not None else None)
    located = _locate(text)
    masters: dict[str, _Wanted] = {}
    overrides: list[tuple[str, object, _Item | None]] = []
    notes = notes if notes is not None else []
    items = [c for c in cal.walk() if c.name in ITEMS]
    for index, vevent in enumerate(items):
        item = located[index] if index < len(located) else None
        try:
            for prop, problem in getattr(vevent, "errors", None) or ():
                raise _ItemError(prop, _("{field}: not a valid value ({error}).").format(
                    field=prop, error=_quote(problem)))
            wanted = _parse_event(vevent, masters, overrides, item, ctx)
        except _ItemError as exc:
            raise _item_error(item, vevent, exc.prop, exc.message) from exc
        except (ValueError, TypeError, KeyError, OverflowError) as exc:  # icalendar's own
            raise _item_error(item, vevent, "", _quote(str(exc))) from exc
        if wanted is _UNDATED:
            notes.append(_("Line {line}: task “{name}” has no date (DUE or DTSTART): left out.")
                         .format(line=item.line if item else 1,
                                 name=_quote(str(vevent.get("SUMMARY") or "")) or "?"))
        elif wanted is not None:
            masters[wanted.uid] = wanted
    # Whole-range changes first (each cuts its series), then single occurrences.
    overrides.sort(key=lambda o: not _this_and_future(o[1]))
    for uid, vevent, item in overrides:
        try:
            _parse_override(uid, vevent, masters, ctx)
        except _ItemError as exc:
            raise _item_error(item, vevent, exc.prop, exc.message) from exc
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            raise _item_error(item, vevent, "", _quote(str(exc))) from exc
    return list(masters.values())


_UNDATED = object()  # a VTODO without a date: left out, with a note


def _parse_event(vevent, masters: dict, overrides: list, item: _Item | None,
                 ctx: _Context) -> _Wanted | None:
    """The wanted master event of one VEVENT or VTODO (None when it changes one
    occurrence: it is kept in `overrides` until every master is known)."""
    raw_uid = str(vevent.get("UID") or "").strip()
    if vevent.get("RECURRENCE-ID") is not None:
        overrides.append((_local_uid(raw_uid), vevent, item))
        return None
    uid = _local_uid(raw_uid) if raw_uid else _derived_uid(vevent, masters)
    if uid in masters:
        raise _ItemError("UID", _("the UID {uid} is used twice.").format(uid=_quote(uid)))
    task = vevent.name == "VTODO"
    values: dict = {}
    if task:
        got = _task_times(vevent, ctx)
        if got is None:
            return _UNDATED
        start, end, all_day, due = got
        status = str(vevent.get("STATUS") or "").upper()
        values.update(due=due, done=status == "COMPLETED" or vevent.get("COMPLETED") is not None)
        kind = "task"
    else:
        start, end, all_day = _times(vevent, ctx)
        kind = str(vevent.get(KIND_PROPERTY) or DEFAULT_KIND)
    title = _text(vevent, "SUMMARY", 120) or _("(no title)")
    start_prop = vevent.get("DTSTART") or vevent.get("DUE")
    if isinstance(start_prop, list):
        start_prop = start_prop[0]
    tzid = _zone_name(start_prop, ctx) if start_prop is not None and not all_day else None
    rule = _import_rule(vevent, start, all_day, tzid, ctx)
    extra = _dates(vevent, "RDATE", ctx)
    if extra and not rule:
        rule = "FREQ=DAILY;COUNT=1"  # DTSTART and its RDATEs: a series of one, plus them
    tzid = tzid if rule else None
    values.update({
        "kind": kind if kind in EVENT_KINDS else DEFAULT_KIND, "title": title,
        "location": _text(vevent, "LOCATION", 120),
        "description": _text(vevent, "DESCRIPTION", None, multiline=True),
        "start": start, "end": end, "all_day": all_day, "rrule": rule, "tzid": tzid,
        "series_until": series_until(start, end, rule, tzid),
        "cancelled": str(vevent.get("STATUS") or "").upper() == "CANCELLED" and not rule,
        "transparent": not task and str(vevent.get("TRANSP") or "").upper() == "TRANSPARENT",
    })
    wanted = _Wanted(uid, values, {}, (item.props.get("UID") or item.line) if item else 1,
                     _quote(title))
    if rule:
        duration = end - start
        plain = (title, values["location"], values["description"])
        occurs = parse_rrule(rule, start, tzid)
        for when in extra:
            if when not in occurs:
                wanted.extra.add(when)
                wanted.exceptions[when] = (when, when + duration, False, *plain)
        for rid in _dates(vevent, "EXDATE", ctx):
            wanted.exceptions[rid] = (rid, rid + duration, True, *plain)
        if values["series_until"] is not None and wanted.extra:
            values["series_until"] = max(values["series_until"], max(wanted.extra) + duration)
    return wanted


def _this_and_future(vevent) -> bool:
    prop = vevent.get("RECURRENCE-ID")
    return prop is not None and str(prop.params.get("RANGE", "")).upper() == "THISANDFUTURE"


def _parse_override(uid: str, vevent, masters: dict, ctx: _Context) -> None:
    master = masters.get(uid)
    if master is None or not master.values["rrule"]:
        raise _ItemError("RECURRENCE-ID", _(
            "it changes one occurrence of a series that is not in the file."))
    prop = vevent.get("RECURRENCE-ID")
    rid = _local(prop.dt, "RECURRENCE-ID", prop.params.get("TZID"), ctx)[0]
    if _this_and_future(vevent):
        _split(master, rid, vevent, masters, ctx)
        return
    master = _part_of(master, rid, masters)
    rid = rid + master.values.get("_shift", dt.timedelta())
    v = master.values
    if rid not in master.extra and rid not in parse_rrule(v["rrule"], v["start"], v["tzid"]):
        raise _ItemError("RECURRENCE-ID", _("the series has no occurrence at {start}.").format(
            start=f"{rid:%Y-%m-%d %H:%M}"))
    start, end, _all_day = _times(vevent, ctx)
    cancelled = str(vevent.get("STATUS") or "").upper() == "CANCELLED"
    master.exceptions[rid] = (
        start, end, cancelled, _text(vevent, "SUMMARY", 120) or v["title"],
        _text(vevent, "LOCATION", 120), _text(vevent, "DESCRIPTION", None, multiline=True))


def _part_of(master: _Wanted, rid: dt.datetime, masters: dict) -> _Wanted:
    """The part of a series (cut by RANGE=THISANDFUTURE) that the original start `rid` is in."""
    for later in sorted(master.values.get("_parts", ()), reverse=True):
        if rid >= later:
            return masters[master.values["_parts"][later]]
    return master


def _split(master: _Wanted, rid: dt.datetime, vevent, masters: dict, ctx: _Context) -> None:
    """RANGE=THISANDFUTURE: the series ends before `rid`, and a new one with the edited
    values starts there, its occurrences (and exceptions) shifted as the edited one is."""
    v = master.values
    occurs = parse_rrule(v["rrule"], v["start"], v["tzid"])
    if rid not in occurs:
        raise _ItemError("RECURRENCE-ID", _("the series has no occurrence at {start}.").format(
            start=f"{rid:%Y-%m-%d %H:%M}"))
    start, end, all_day = _times(vevent, ctx)
    shift = start - rid
    keys = dict(rule_parts(v["rrule"]))
    rest = [(k, val) for k, val in rule_parts(v["rrule"]) if k != "UNTIL"]
    if "COUNT" in keys:
        before = len(occurs.between(v["start"], rid, inc=False)) + (1 if v["start"] < rid else 0)
        rest = [(k, str(max(int(val) - before, 1)) if k == "COUNT" else val) for k, val in rest]
    elif "UNTIL" in keys:
        until = dt.datetime.strptime(keys["UNTIL"], "%Y%m%dT%H%M%S") + shift
        rest.append(("UNTIL", f"{until:%Y%m%dT%H%M%S}"))
    rule = rule_text(rest)
    if vevent.get("RRULE") is not None:
        rule = _import_rule(vevent, start, all_day, v["tzid"], ctx)
    new_uid = _local_uid(f"{master.uid}/{rid:%Y%m%dT%H%M%S}")
    title = _text(vevent, "SUMMARY", 120) or v["title"]
    values = dict(v, title=title, start=start, end=end, rrule=rule,
                  location=_text(vevent, "LOCATION", 120),
                  description=_text(vevent, "DESCRIPTION", None, multiline=True),
                  series_until=series_until(start, end, rule, v["tzid"]), _shift=shift)
    values.pop("_parts", None)
    part = _Wanted(new_uid, values, {}, master.line, _quote(title))
    for key in [k for k in master.exceptions if k >= rid]:
        a, b, cancelled, *text = master.exceptions.pop(key)
        part.exceptions[key + shift] = (a + shift, b + shift, cancelled, *text) if cancelled \
            else (a, b, cancelled, *text)
        if key in master.extra:
            master.extra.discard(key)
            part.extra.add(key + shift)
    if rid <= v["start"]:  # the whole series changes: no part before it is left
        v.update({k: val for k, val in values.items() if k != "_shift"})
        master.exceptions, master.extra = part.exceptions, part.extra
        v["_shift"] = shift
        return
    cut = cut_rule(v["rrule"], rid)
    v.update(rrule=cut, series_until=series_until(v["start"], v["end"], cut, v["tzid"]))
    v.setdefault("_parts", {})[rid] = new_uid
    masters[new_uid] = part


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

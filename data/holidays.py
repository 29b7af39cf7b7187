"""The holiday calendar (issue 6 §5): Chinese public holidays (放假) and the 调休 make-up
working days, so views can show them and SLA clocks can count working time.

Working time is the company's working hours (a setting, 08:30–17:30 unless changed) on
working days: weekdays that are not holidays, and weekend days that are 调休 working days.
`add_working_minutes` and `working_minutes_between` do that arithmetic for SLA policies
that count working time (data.workorders).

The `holiday` table is editable and importable per year: the State Council publishes each
year's arrangement in the autumn before, and a clerk imports it as a small CSV
(`日期,名称,类型`, type 放假/holiday or 上班/调休/workday) with
`frontdesk calendar holidays --import FILE`. The same command takes the public feeds
(issue 14 item 5): the holiday-cn JSON (`{"year": 2026, "days": [{"name": "元旦", "date":
"2026-01-01", "isOffDay": true}, …]}`, isOffDay false a 调休 working day) and iCalendar
feeds of all-day events whose title says 休/假 (a day off) or 班 (a working day; 补班),
other events in them (festivals that are not days off) left out. The format is read from
the text itself. The 2026 arrangement ships as defaults (migration 0006 inserts them).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from dataclasses import dataclass

from data import access, limits
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ValidationError
from data.i18n import N_, _
from data.limits import quote
from data.models import Holiday, Setting
from data.validators import MixedEncodingError, clean_text, decode_text

HOLIDAY_KINDS = {"holiday": N_("Holiday"), "workday": N_("Make-up working day")}
#: Words accepted in the CSV's type column.
KIND_WORDS = {"holiday": "holiday", "放假": "holiday", "假日": "holiday", "休": "holiday",
              "workday": "workday", "上班": "workday", "调休": "workday", "班": "workday"}

#: The 2026 arrangement (国务院办公厅, 国办发明电〔2025〕7号). Each later year is imported.
_RANGES_2026 = (
    ("元旦", "holiday", "2026-01-01", "2026-01-03"),
    ("元旦调休", "workday", "2026-01-04", "2026-01-04"),
    ("春节调休", "workday", "2026-02-14", "2026-02-14"),
    ("春节", "holiday", "2026-02-15", "2026-02-23"),
    ("春节调休", "workday", "2026-02-28", "2026-02-28"),
    ("清明节", "holiday", "2026-04-04", "2026-04-06"),
    ("劳动节", "holiday", "2026-05-01", "2026-05-05"),
    ("劳动节调休", "workday", "2026-05-09", "2026-05-09"),
    ("端午节", "holiday", "2026-06-19", "2026-06-21"),
    ("国庆节调休", "workday", "2026-09-20", "2026-09-20"),
    ("中秋节", "holiday", "2026-09-25", "2026-09-27"),
    ("国庆节", "holiday", "2026-10-01", "2026-10-07"),
    ("国庆节调休", "workday", "2026-10-10", "2026-10-10"),
)


def _expand(ranges) -> tuple[tuple[dt.date, str, str], ...]:
    out = []
    for name, kind, first, last in ranges:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            out.append((day, name, kind))
            day += dt.timedelta(days=1)
    return tuple(out)


DEFAULTS: tuple[tuple[dt.date, str, str], ...] = _expand(_RANGES_2026)


@dataclass(frozen=True)
class HolidayDay:
    day: dt.date
    name: str
    kind: str  # holiday | workday


def holidays_between(start: dt.date, end: dt.date) -> list[HolidayDay]:
    """Holidays and make-up working days from `start` to `end`, both included, by date."""
    rows = Holiday.select().where(Holiday.day >= start, Holiday.day <= end).order_by(Holiday.day)
    return [HolidayDay(_as_date(r.day), r.name, r.kind) for r in rows]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a holiday, or a weekend day that is a 调休 make-up working day."""
    if isinstance(day, dt.datetime):
        day = day.date()
    row = Holiday.get_or_none(Holiday.day == day)
    if row is not None:
        return row.kind == "workday"
    return day.weekday() < 5


def _parse_day(text: str, line: int) -> dt.date:
    value = text.strip().replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(x) for x in value.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError("date", _("Line {line}: “{value}” is not a date such as 2027-01-01.")
                              .format(line=line, value=quote(text))) from None


def parse_csv(text: str) -> list[HolidayDay]:
    """The rows of a holiday CSV (`日期,名称,类型`; a header line is skipped). ValidationError
    names the first bad line."""
    out: dict[dt.date, HolidayDay] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0] in ("日期", "date", "Date"):
            continue
        if len(cells) < 2:
            raise ValidationError("csv", _("Line {line}: give 日期,名称,类型.").format(line=number))
        day = _parse_day(cells[0], number)
        try:
            name = clean_text(cells[1], "name")[:40]
        except ValidationError as exc:
            raise ValidationError("name", _("Line {line}: {problem}").format(
                line=number, problem=exc.message)) from None
        if not name:
            raise ValidationError("name", _("Line {line}: the name is missing.").format(line=number))
        word = cells[2] if len(cells) > 2 and cells[2] else "holiday"
        kind = KIND_WORDS.get(word.lower())
        if kind is None:
            raise ValidationError("kind", _("Line {line}: type “{value}” is neither 放假 nor 上班.")
                                  .format(line=number, value=quote(word)))
        out[day] = HolidayDay(day, name, kind)
    return sorted(out.values(), key=lambda h: h.day)


#: Days one imported file may hold (a year of days off and make-up days is about 40).
MAX_IMPORT_DAYS = 2000
#: Longest holiday name kept.
NAME_CHARS = 40


def _feed_name(text: object, where: str) -> str:
    try:
        name = clean_text(" ".join(str(text or "").split()), "name")[:NAME_CHARS]
    except ValidationError as exc:
        raise ValidationError("name", _("{where}: {problem}").format(
            where=where, problem=exc.message)) from None
    if not name:
        raise ValidationError("name", _("{where}: the name is missing.").format(where=where))
    return name


def parse_json(text: str) -> list[HolidayDay]:
    """The days of a holiday-cn JSON file. ValidationError names the first bad day."""
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except ValueError as exc:
        raise ValidationError("json", _("Not a holiday JSON file: {error}").format(
            error=quote(str(exc)))) from None
    days = data.get("days") if isinstance(data, dict) else None
    if not isinstance(days, list):
        raise ValidationError("json", _(
            "Not a holiday JSON file: it has no list of “days” (holiday-cn format)."))
    if len(days) > MAX_IMPORT_DAYS:
        raise ValidationError("json", _("The file holds {count} days; at most {max} are "
                                        "imported at once.").format(count=len(days),
                                                                    max=MAX_IMPORT_DAYS))
    out: dict[dt.date, HolidayDay] = {}
    for number, entry in enumerate(days, start=1):
        where = _("Day {number}").format(number=number)
        if not isinstance(entry, dict) or not isinstance(entry.get("isOffDay"), bool):
            raise ValidationError("json", _("{where}: give name, date and isOffDay (true or "
                                            "false).").format(where=where))
        day = _parse_day(str(entry.get("date") or ""), number)
        name = _feed_name(entry.get("name"), where)
        out[day] = HolidayDay(day, name, "holiday" if entry["isOffDay"] else "workday")
    return sorted(out.values(), key=lambda h: h.day)


#: Words that mark an ICS feed's day: 班 a working day (补班, 上班), 休 or 假 a day off.
_WORKDAY_MARK = re.compile("班")
_OFF_MARK = re.compile("[休假]")
#: Markers taken off a feed title to leave the holiday's name (“春节 补班” → 春节).
_MARKERS = re.compile(r"[（(\[【]?\s*(补班|调休上班|上班|调休|放假|假期|休息|休|班|假)(第\d+天)?"
                      r"\s*[）)\]】]?")


def parse_ics(text: str) -> list[HolidayDay]:
    """The days of an iCalendar holiday feed: all-day events whose title says 休/假 (off)
    or 班 (a working day), each day of a multi-day one. Other events are left out."""
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(text.lstrip("\ufeff"))
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise ValidationError("ics", _("Not an iCalendar file: {error}").format(
            error=quote(str(exc)))) from None
    out: dict[dt.date, HolidayDay] = {}
    for number, event in enumerate(cal.walk("VEVENT"), start=1):
        summary = " ".join(str(event.get("SUMMARY") or "").split())
        where = _("Event {number} “{name}”").format(number=number, name=quote(summary))
        kind = ("workday" if _WORKDAY_MARK.search(summary)
                else "holiday" if _OFF_MARK.search(summary) else None)
        start = event.get("DTSTART")
        if kind is None or start is None:
            continue
        first = start.dt
        if isinstance(first, dt.datetime):
            continue  # a timed event is no day off
        end = event.get("DTEND")
        last = (end.dt if end is not None and type(end.dt) is dt.date and end.dt > first
                else first + dt.timedelta(days=1))
        if (last - first).days > 31:
            raise ValidationError("ics", _("{where}: lasts {days} days; a holiday lasts at "
                                           "most 31.").format(where=where, days=(last - first).days))
        name = _feed_name(_MARKERS.sub("", summary).strip(" -—·:：") or summary, where)
        day = first
        while day < last:
            out[day] = HolidayDay(day, name, kind)
            day += dt.timedelta(days=1)
        if len(out) > MAX_IMPORT_DAYS:
            raise ValidationError("ics", _("The file holds more than {max} days.").format(
                max=MAX_IMPORT_DAYS))
    return sorted(out.values(), key=lambda h: h.day)


def parse_any(text: str) -> list[HolidayDay]:
    """The days of a holiday file in any format it takes: holiday-cn JSON, an iCalendar
    feed, or the CSV (`日期,名称,类型`), told apart by what the text begins with."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        return parse_json(text)
    if head[:15].upper().startswith("BEGIN:VCALENDAR"):
        return parse_ics(text)
    return parse_csv(text)


def import_holidays(path_or_text: str) -> int:
    """Import a holiday file — CSV, holiday-cn JSON or an iCalendar feed (`parse_any`) — a
    path, or the text itself: each date is added or replaced, all or nothing. Returns how
    many dates were written."""
    access.require("holidays.manage")
    text = path_or_text
    what = _("a holiday file")
    if "\n" not in path_or_text and os.path.isfile(path_or_text):
        data = limits.read_bytes_limited(path_or_text, limits.HOLIDAY_CSV_MAX_BYTES, what)
        try:
            text = decode_text(data)
        except MixedEncodingError as exc:
            raise ValidationError("file", _("Cannot read {path}: {reason}").format(
                path=path_or_text, reason=exc.message)) from None
        except UnicodeDecodeError:
            raise ValidationError("file", _("Cannot read {path}: {reason}").format(
                path=path_or_text, reason=_("it is neither UTF-8 nor GBK text; save it as "
                                            "“CSV UTF-8”."))) from None
    elif len(text) > limits.HOLIDAY_CSV_MAX_BYTES:
        raise limits.too_big(_("The text"), len(text.encode()), limits.HOLIDAY_CSV_MAX_BYTES, what)
    days = parse_any(text)
    with transaction():
        for h in days:
            updated = (Holiday.update(name=h.name, kind=h.kind)
                       .where(Holiday.day == h.day).execute())
            if not updated:
                Holiday.create(day=h.day, name=h.name, kind=h.kind)
    return len(days)


# --- working time --------------------------------------------------------------------------

#: Setting key of the working hours, stored as "08:30-17:30".
WORKING_HOURS_SETTING = "working_hours"
DEFAULT_WORKING_HOURS = (dt.time(8, 30), dt.time(17, 30))
#: Working-time arithmetic never looks further than this (a guard against a calendar in
#: which no working day comes, such as one imported with every day a holiday).
MAX_SPAN_DAYS = 3 * 366
#: Holidays are read in spans of at least this many days (one query per span, not per day).
_CHUNK_DAYS = 62

WorkingHours = tuple[dt.time, dt.time]


def parse_working_hours(text: str) -> WorkingHours:
    """"08:30-17:30" (also "8:30~17:30", "8:30至17:30", full-width colons) as (open, close).
    ValidationError unless both are times of day and the day closes after it opens."""
    value = (text or "").strip().replace("：", ":").replace("～", "~")
    for sep in ("至", "~", "–", "—"):
        value = value.replace(sep, "-")
    parts = [p.strip() for p in value.split("-")]
    example = _("Give the working hours as HH:MM-HH:MM, such as 08:30-17:30.")
    if len(parts) != 2:
        raise ValidationError("working_hours", example)
    try:
        opens, closes = (dt.time.fromisoformat(_two_digit_hour(p)) for p in parts)
    except ValueError:
        raise ValidationError("working_hours", example) from None
    if closes <= opens:
        raise ValidationError("working_hours", _("The working day must end after it starts "
                                                 "(“{value}”).").format(value=text))
    return opens, closes


def _two_digit_hour(text: str) -> str:
    hour, sep, rest = text.partition(":")
    if not sep or not hour.isdigit() or len(hour) > 2 or len(rest) != 2 or not rest.isdigit():
        raise ValueError(text)
    return f"{int(hour):02d}:{rest}"


def format_working_hours(hours: WorkingHours) -> str:
    return f"{hours[0]:%H:%M}-{hours[1]:%H:%M}"


def working_hours() -> WorkingHours:
    """The company's working hours (the `working_hours` setting, else 08:30–17:30)."""
    row = Setting.get_or_none(Setting.key == WORKING_HOURS_SETTING)
    if row is None or not row.value.strip():
        return DEFAULT_WORKING_HOURS
    try:
        return parse_working_hours(row.value)
    except ValidationError:  # edited by hand into nonsense: keep the clocks running
        return DEFAULT_WORKING_HOURS


def set_working_hours(text: str, staff_id: int | None) -> WorkingHours:
    """Set the working hours ("08:30-17:30"), recording who did. Deadlines computed from now
    on use them; existing deadlines stay as they are."""
    access.require("sla.manage", staff_id)
    hours = parse_working_hours(text)
    value = format_working_hours(hours)
    with transaction():
        Setting.insert(key=WORKING_HOURS_SETTING, value=value, updated_by=staff_id,
                       updated_at=clock_now()).on_conflict(
            conflict_target=[Setting.key],
            update={Setting.value: value, Setting.updated_by: staff_id,
                    Setting.updated_at: clock_now()},
        ).execute()
    return hours


class _WorkingDays:
    """Whether days are working days, reading the holiday table span by span (one query
    for each span of days, not one per day)."""

    def __init__(self, first: dt.date, span_days: int):
        self._kinds: dict[dt.date, str] = {}
        self._first = first
        self._last = first - dt.timedelta(days=1)  # nothing read yet
        self._read_to(first + dt.timedelta(days=max(span_days, _CHUNK_DAYS)))

    def _read_to(self, last: dt.date) -> None:
        rows = Holiday.select(Holiday.day, Holiday.kind).where(
            Holiday.day > self._last, Holiday.day <= last)
        for row in rows:
            self._kinds[_as_date(row.day)] = row.kind
        self._last = last

    def __call__(self, day: dt.date) -> bool:
        if day > self._last:
            self._read_to(max(day, self._last + dt.timedelta(days=_CHUNK_DAYS)))
        kind = self._kinds.get(day)
        if kind is not None:
            return kind == "workday"
        return day.weekday() < 5


def _span_guess(minutes: float, hours: WorkingHours) -> int:
    """Calendar days that `minutes` of working time likely take: five working days a week,
    plus room for a Golden Week."""
    per_day = (dt.datetime.combine(dt.date.min, hours[1])
               - dt.datetime.combine(dt.date.min, hours[0])).total_seconds() / 60
    return int(minutes / per_day * 7 / 5) + 14


def _too_far(start: dt.datetime) -> ValidationError:
    return ValidationError("working_time", _(
        "No working time found within {years} years after {start}: check the holiday "
        "calendar.").format(years=MAX_SPAN_DAYS // 366, start=f"{start:%Y-%m-%d %H:%M}"))


def add_working_minutes(start: dt.datetime, minutes: float,
                        hours: WorkingHours | None = None) -> dt.datetime:
    """The moment `minutes` of working time after `start`: only working hours on working
    days count. A deadline that uses up a day exactly falls at its closing time (17:30),
    not at the next opening. 0 minutes is `start` itself. ValidationError when no such
    moment lies within three years (a holiday table without working days)."""
    if minutes < 0:
        raise ValidationError("minutes", _("Working time cannot be negative."))
    if minutes == 0:
        return start
    opens, closes = hours or working_hours()
    left = dt.timedelta(minutes=minutes)
    is_working = _WorkingDays(start.date(), _span_guess(minutes, (opens, closes)))
    day = start.date()
    for _offset in range(MAX_SPAN_DAYS):
        if is_working(day):
            begin = max(start, dt.datetime.combine(day, opens))
            end = dt.datetime.combine(day, closes)
            if begin < end:
                if left <= end - begin:
                    return begin + left
                left -= end - begin
        day += dt.timedelta(days=1)
    raise _too_far(start)


def working_minutes_between(start: dt.datetime, end: dt.datetime,
                            hours: WorkingHours | None = None) -> int:
    """Whole minutes of working time in [start, end) (0 when end is not after start)."""
    if end <= start:
        return 0
    if (end.date() - start.date()).days > MAX_SPAN_DAYS:
        raise _too_far(start)
    opens, closes = hours or working_hours()
    is_working = _WorkingDays(start.date(), (end.date() - start.date()).days)
    total = dt.timedelta()
    day = start.date()
    while day <= end.date():
        if is_working(day):
            begin = max(start, dt.datetime.combine(day, opens))
            finish = min(end, dt.datetime.combine(day, closes))
            if begin < finish:
                total += finish - begin
        day += dt.timedelta(days=1)
    return int(total.total_seconds() // 60)

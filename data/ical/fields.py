"""Reading the properties of one VEVENT or VTODO: its times in Asia/Shanghai (the file's
zones, floating times, Windows zone names), its rule and dates, its text and its UID, each
checked; a property that breaks a rule raises `_ItemError` naming it."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from icalendar import vRecur
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from data.calendar import TASK_MINUTES
from data.errors import ValidationError
from data.events import normalise_rule
from data.i18n import _
from data.ical.values import MAX_UID, MAX_YEAR, MIN_YEAR, TZ, TZID, _quote
from data.recurrence import zone
from data.validators import clean_text


class _ItemError(Exception):
    """A rule an event breaks: the property it is about and what is wrong."""

    def __init__(self, prop: str, message: str):
        super().__init__(message)
        self.prop = prop
        self.message = message



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

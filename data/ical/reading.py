"""Reading and checking a whole iCalendar text: the size limits, parse errors that name
the item and the line, and each item as the event (series, exceptions, added dates,
this-and-following edits) it wants to be."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from icalendar import Calendar
from icalendar.parser import Contentline

from data.calendar import cut_rule
from data.errors import ValidationError
from data.events import rule_parts, rule_text, series_until
from data.i18n import _
from data.ical.fields import (
    _Context,
    _dates,
    _derived_uid,
    _import_rule,
    _ItemError,
    _local,
    _local_uid,
    _task_times,
    _text,
    _times,
    _zone_name,
    _zone_of,
)
from data.ical.values import DEFAULT_KIND, KIND_PROPERTY, MAX_ICS_BYTES, MAX_ICS_EVENTS, _quote
from data.recurrence import parse_rrule
from data.vocab import EVENT_KINDS

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



def _item_error(item: _Item | None, vevent, prop: str, message: str) -> ValidationError:
    """One line naming the event (its SUMMARY, else its UID) and the line of `prop`."""
    name = _quote(str(vevent.get("SUMMARY") or vevent.get("UID") or "")) if vevent is not None else ""
    where = {"UNTIL": "RRULE", "DURATION": "DURATION"}.get(prop.upper(), prop.upper())
    line = (item.props.get(where) or item.line) if item is not None else 1
    return ValidationError("", _("Line {line}: event “{name}”: {problem}").format(
        line=line, name=name or "?", problem=message))



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

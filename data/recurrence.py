"""Expanding recurring calendar events (RFC 5545 RRULE through dateutil) into occurrences,
within bounds: rules finer than hourly are refused where a rule enters, and every
expansion stops at a budget of occurrences and of rule steps per query.

Times are naive Asia/Shanghai wall-clock times. A series imported from a calendar in a
zone with daylight saving time (Europe/Berlin, America/New_York…) keeps that zone's name
(`Event.tzid`): its rule is expanded in its own zone — the start converted there, each
occurrence converted back to Shanghai — so a weekly 09:00 Berlin meeting stays at 09:00
in Berlin after the clocks change (16:00 then 15:00 in Shanghai) and a BYDAY rule picks
the weekday of its own zone. The stored rule's UNTIL, like every stored time, is
Shanghai time; it is converted to the zone for the expansion. Without a zone (every
series made here) the rule is expanded in Shanghai time as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from data.errors import ValidationError
from data.i18n import _

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

#: Occurrences one query (an agenda, a view, a conflict check, a reminder run) expands at
#: most, over all its events; expansion stops there.
MAX_OCCURRENCES = 5000
#: Rule steps (occurrences walked, shown or not) one query takes at most, over all its
#: events: a guard against a series that starts long before the window.
MAX_STEPS = 200_000
#: Occurrences a rule may give in one calendar day (an hourly patrol round: 24).
MAX_PER_DAY = 24
#: Frequencies a new rule may have (finer ones, SECONDLY and MINUTELY, are refused).
ALLOWED_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")


#: The zone every stored time is in.
HOME_ZONE = "Asia/Shanghai"


@cache
def _home() -> ZoneInfo:
    """Shanghai's zone, for series in another zone (zoneinfo is imported then, not at start:
    it imports sysconfig, 3.5 ms of the cold start)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(HOME_ZONE)


def zone(tzid: str | None) -> ZoneInfo | None:
    """The zone a series is expanded in: None for Shanghai time (no zone, an unknown one,
    or Asia/Shanghai itself)."""
    if not tzid or tzid == HOME_ZONE:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def to_zone(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A naive Shanghai time as the naive wall-clock time in `tz`."""
    return value.replace(tzinfo=_home()).astimezone(tz).replace(tzinfo=None)


def from_zone(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A naive wall-clock time in `tz` as the naive Shanghai time."""
    return value.replace(tzinfo=tz).astimezone(_home()).replace(tzinfo=None)


class ZonedRule:
    """A rule expanded in its own zone, giving Shanghai times: iterates, `in`, `between`
    and the `_count`/`_until`/`_freq`/`_interval` that callers read, like dateutil's rrule."""

    def __init__(self, parsed, tz: ZoneInfo):
        self._rule = parsed
        self._tz = tz
        self._count = getattr(parsed, "_count", None)
        self._until = getattr(parsed, "_until", None)
        self._freq = getattr(parsed, "_freq", None)
        self._interval = getattr(parsed, "_interval", 1)

    def __iter__(self):
        for occ in self._rule:
            yield from_zone(occ, self._tz)

    def __contains__(self, when: dt.datetime) -> bool:
        return to_zone(when, self._tz) in self._rule

    def between(self, after: dt.datetime, before: dt.datetime, inc: bool = False):
        return [from_zone(o, self._tz) for o in self._rule.between(
            to_zone(after, self._tz), to_zone(before, self._tz), inc=inc)]


def _until_in_zone(text: str, tz: ZoneInfo) -> str:
    """`text` (a rule) with a naive Shanghai UNTIL given as the zone's wall-clock time."""
    parts = []
    for piece in text.split(";"):
        key, sep, value = piece.partition("=")
        if key.strip().upper() == "UNTIL" and "T" in value and not value.endswith("Z"):
            try:
                until = dt.datetime.strptime(value.strip(), "%Y%m%dT%H%M%S")
            except ValueError:
                parts.append(piece)
                continue
            piece = f"UNTIL={to_zone(until, tz):%Y%m%dT%H%M%S}"
        parts.append(piece)
    return ";".join(parts)


def parse_rrule(rule: str, start: dt.datetime, tzid: str | None = None):
    """Parse an RRULE string anchored at `start` (Shanghai time); with `tzid` (a zone other
    than Shanghai) the rule is expanded in that zone and gives Shanghai times
    (`ZonedRule`). ValidationError on a malformed rule."""
    from dateutil.rrule import rrulestr  # loaded when a calendar is first read, not at start

    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    tz = zone(tzid)
    try:
        if tz is not None:
            return ZonedRule(rrulestr(_until_in_zone(text, tz), dtstart=to_zone(start, tz)), tz)
        return rrulestr(text, dtstart=start)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValidationError(
            "rrule",
            _("Not a valid repeat rule (RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO): {error}").format(
                error=str(exc)[:80]
            ),
        ) from exc


def _parts(rule: str) -> dict[str, str]:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    out = {}
    for piece in text.split(";"):
        key, _sep, value = piece.partition("=")
        if key.strip():
            out[key.strip().upper()] = value.strip().upper()
    return out


def check_bounded(rule: str) -> None:
    """ValidationError unless `rule` repeats at most hourly and at most MAX_PER_DAY times
    a day (FREQ=SECONDLY/MINUTELY, or BYHOUR × BYMINUTE × BYSECOND giving more, refused)."""
    parts = _parts(rule)
    freq = parts.get("FREQ", "")
    if freq not in ALLOWED_FREQS:
        raise ValidationError("rrule", _(
            "A repeat rule may repeat at most hourly (FREQ={freq} is refused): use HOURLY, "
            "DAILY, WEEKLY, MONTHLY or YEARLY.").format(freq=freq[:20]))

    def count(key: str) -> int:
        value = parts.get(key, "")
        return len([v for v in value.split(",") if v.strip()]) or 1

    try:
        interval = max(int(parts.get("INTERVAL", "1") or 1), 1)
    except ValueError:
        interval = 1
    if freq == "HOURLY":
        hours = -(-24 // interval)
        if "BYHOUR" in parts:
            hours = min(hours, count("BYHOUR"))
    else:
        hours = count("BYHOUR")
    per_day = hours * count("BYMINUTE") * count("BYSECOND")
    if per_day > MAX_PER_DAY:
        raise ValidationError("rrule", _(
            "A repeat rule may give at most {max} occurrences a day; this one gives {count}.").format(
            max=MAX_PER_DAY, count=per_day))


@dataclass
class Budget:
    """What one query may still expand: occurrences kept and rule steps walked."""

    occurrences: int = MAX_OCCURRENCES
    steps: int = MAX_STEPS

    @property
    def spent(self) -> bool:
        return self.occurrences <= 0 or self.steps <= 0


def _fast_forward(parsed, rule: str, start: dt.datetime, before: dt.datetime) -> dt.datetime:
    """A later start on the same grid as `start` (whole intervals of an hourly or finer
    rule without COUNT or BYSETPOS), at or before `before`, so that the walk need not
    begin at a start long past; `start` itself otherwise. BY* filters are absolute and
    UNTIL is a date, so they give the same occurrences from either start."""
    from dateutil.rrule import HOURLY

    freq = getattr(parsed, "_freq", None)
    parts = _parts(rule)
    if freq is None or freq < HOURLY or "COUNT" in parts or "BYSETPOS" in parts or before <= start:
        return start
    unit = {HOURLY: 3600, HOURLY + 1: 60, HOURLY + 2: 1}[freq]
    period = dt.timedelta(seconds=unit * max(getattr(parsed, "_interval", 1) or 1, 1))
    return start + period * ((before - start) // period)


def occurrences(
    start: dt.datetime,
    end: dt.datetime,
    rule: str | None,
    window_start: dt.datetime,
    window_end: dt.datetime,
    skip: Iterable[dt.datetime] = (),
    budget: Budget | None = None,
    starting: bool = False,
    tzid: str | None = None,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) of every occurrence overlapping [window_start, window_end) — with
    `starting`, only those that start in it — within `budget` (a fresh one,
    MAX_OCCURRENCES and MAX_STEPS, when not given): expansion stops when it is spent.

    `skip` lists original starts handled by exception rows (moved or cancelled). `tzid`:
    the series' own zone, the rule expanded there (see the module docstring).
    """
    duration = end - start
    lower = window_start if starting else window_start - duration
    if not rule:
        return [(start, end)] if start < window_end and end > window_start and start >= lower else []
    budget = budget if budget is not None else Budget()
    if budget.spent:
        return []
    skipped = set(skip)
    found = []
    parsed = parse_rrule(rule, start, tzid)
    first = start if isinstance(parsed, ZonedRule) else _fast_forward(parsed, rule, start, lower)
    if first != start:
        parsed = parse_rrule(rule, first)
    for occ in parsed:  # every step counts against the budget, those before the window too
        budget.steps -= 1
        if occ >= window_end or budget.steps < 0:
            break
        if occ in skipped or occ + duration <= window_start or occ < lower:
            continue
        found.append((occ, occ + duration))
        budget.occurrences -= 1
        if budget.occurrences <= 0:
            break
    return found

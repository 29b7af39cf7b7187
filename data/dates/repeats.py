"""Repeats as a desk clerk types them (每天, 工作日, 每周三, 每周一三五, 每两周, 每月1号):
the RFC 5545 rule they say, and the words of a stored rule."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from data.dates.natural import (
    _DAY_SUFFIX,
    _NUM,
    _WEEKDAY_INDEX,
    _next_day_of_month,
    _norm,
    _number,
    _read_time_range,
)
from data.errors import ValidationError
from data.i18n import _

# ---------------------------------------------------------------------------
# Repeats: 每天, 工作日, 每周三, 每周一三五, 每两周, 每月1号
# ---------------------------------------------------------------------------

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_CN_WEEKDAY = "一二三四五六日"
_WORKDAYS = ("MO", "TU", "WE", "TH", "FR")

_DAILY_RE = re.compile(r"(?:每天|每日|天天)")
_WORKDAY_RE = re.compile(r"(?:每个?)?工作日")
_WEEKLY_RE = re.compile(
    rf"(?:每|隔)(?:(?P<n>{_NUM})|(?P<two>两))?个?(?:周|星期|礼拜)"
    r"(?P<days>[一二三四五六日天七1-7、,]*)"
)
_MONTHLY_RE = re.compile(rf"每个?月(?:(?P<d>{_NUM}){_DAY_SUFFIX})?")


@dataclass(frozen=True)
class Repeat:
    """A repeat a clerk wrote (每周三), as an RFC 5545 rule and as words to show back."""

    rrule: str
    words: str

    def first_day(self, day: dt.date) -> dt.date:
        """The first day on or after `day` that the rule gives (the series' first)."""
        parts = dict(p.split("=", 1) for p in self.rrule.split(";"))
        if "BYDAY" in parts:
            wanted = {_BYDAY.index(d) for d in parts["BYDAY"].split(",")}
            while day.weekday() not in wanted:
                day += dt.timedelta(days=1)
        elif "BYMONTHDAY" in parts:
            day = _next_day_of_month(int(parts["BYMONTHDAY"]), day)
        return day


def _weekday_words(codes: list[str]) -> str:
    return "".join(_CN_WEEKDAY[_BYDAY.index(c)] for c in codes)


def repeat_words(rrule: str | None) -> str:
    """The words a clerk would type for `rrule` (每周三, 工作日, 每月1号), the rule itself
    when it says more than the words can; "" for none."""
    if not rrule:
        return ""
    parts: dict[str, str] = {}
    for piece in rrule.upper().removeprefix("RRULE:").split(";"):
        key, _sep, value = piece.partition("=")
        parts[key.strip()] = value.strip()
    freq, interval = parts.pop("FREQ", ""), parts.pop("INTERVAL", "1")
    byday = [d for d in parts.pop("BYDAY", "").split(",") if d]
    monthday = parts.pop("BYMONTHDAY", "")
    if parts or not interval.isdigit() or any(d not in _BYDAY for d in byday):
        return rrule
    n = int(interval)
    if freq == "DAILY" and n == 1 and not byday and not monthday:
        return "每天"
    if freq == "WEEKLY" and not monthday and n in (1, 2):
        if n == 1 and byday == list(_WORKDAYS):
            return "工作日"
        every = "每周" if n == 1 else "每两周"
        return every + _weekday_words(byday)
    if freq == "MONTHLY" and n == 1 and not byday and monthday.isdigit():
        return f"每月{int(monthday)}号"
    if freq == "MONTHLY" and n == 1 and not byday and not monthday:
        return "每月"
    return rrule


def _read_repeat(text: str) -> Repeat | None:
    """The repeat `text` (normalised here) says, or None when it is not a repeat."""
    s = "".join(_norm(text).split())
    if _DAILY_RE.fullmatch(s):
        return Repeat("FREQ=DAILY", "每天")
    if _WORKDAY_RE.fullmatch(s):
        return Repeat("FREQ=WEEKLY;BYDAY=" + ",".join(_WORKDAYS), "工作日")
    if m := _WEEKLY_RE.fullmatch(s):
        if s.startswith("隔"):
            interval = 2
        else:
            try:
                interval = 2 if m["two"] else _number(m["n"]) if m["n"] else 1
            except LookupError:
                return None
        if interval < 1:
            return None
        days: list[str] = []
        for ch in m["days"]:
            if ch in "、,":
                continue
            index = int(ch) - 1 if ch.isdigit() else _WEEKDAY_INDEX[ch]
            if _BYDAY[index] not in days:
                days.append(_BYDAY[index])
        days.sort(key=_BYDAY.index)
        rule = "FREQ=WEEKLY" + (f";INTERVAL={interval}" if interval > 1 else "")
        if days:
            rule += ";BYDAY=" + ",".join(days)
        return Repeat(rule, repeat_words(rule))
    if m := _MONTHLY_RE.fullmatch(s):
        if not m["d"]:
            return Repeat("FREQ=MONTHLY", "每月")
        try:
            day = _number(m["d"])
        except LookupError:
            return None
        if not 1 <= day <= 31:
            return None
        rule = f"FREQ=MONTHLY;BYMONTHDAY={day}"
        return Repeat(rule, repeat_words(rule))
    return None


def _repeat_and_time(token: str) -> tuple[Repeat, tuple[dt.time, dt.time | None]] | None:
    """A repeat and a time written together ("每周三09:00-10:00"), or None."""
    for cut in range(2, min(len(token), 12)):
        repeat = _read_repeat(token[:cut])
        if repeat is None:
            continue
        try:
            return repeat, _read_time_range(token[cut:])
        except LookupError:
            continue
    return None


def parse_repeat(text: str) -> str | None:
    """The RFC 5545 rule of a repeat typed into the event form: ``每天``, ``工作日``,
    ``每周三``, ``每周一三五``, ``每两周``, ``每月1号`` — or a raw rule for experts
    (``FREQ=WEEKLY;BYDAY=MO``, checked where it is stored: finer than hourly is refused);
    None when empty or ``不重复``. Raises ValidationError (field "repeat")."""
    s = " ".join(_norm(text).split()) if isinstance(text, str) else ""
    if not s or s in ("不重复", "无", "none"):
        return None
    if s.upper().startswith(("FREQ=", "RRULE:")):
        return text.strip()
    repeat = _read_repeat(s)
    if repeat is None:
        raise ValidationError("repeat", _(
            "Type a repeat such as 每天, 工作日, 每周三, 每周一三五, 每两周, 每月1号, "
            "or a rule such as FREQ=WEEKLY;BYDAY=MO; leave it empty for none."))
    return repeat.rrule

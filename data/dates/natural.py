"""Days and times as a desk clerk types them (明天, 下周一, 12-3, 下午2点到3点), and an
appointment time (明天 15:00, 周三上午); the rules for ambiguous input are in the package's
docstring."""

from __future__ import annotations

import datetime as dt
import re

from data.errors import ValidationError
from data.i18n import N_, _
from data.validators import fold_width

# ---------------------------------------------------------------------------
# Normalising
# ---------------------------------------------------------------------------

#: Dash look-alikes an input method may type where "-" was meant (as data.validators does),
#: and the wave dashes used for ranges ("～" folds to "~" already).
_DASH_TABLE = {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"}
_DASH_TABLE[0x301C] = "~"


def _norm(text: str) -> str:
    """Width-fold, unify dashes, lower-case, collapse runs of whitespace, strip."""
    return " ".join(fold_width(text).translate(_DASH_TABLE).lower().split())


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

#: A small number in Arabic digits or Chinese numerals (三, 十二, 二十五).
_NUM = r"(?:[0-9]{1,2}|[零〇一二两三四五六七八九十]{1,3})"


def _number(text: str) -> int:
    """The value of a number matched by `_NUM`, or of a run of digits; LookupError for
    Chinese numerals that are not a number ("二五", "十十")."""
    if text.isascii():
        return int(text)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        value = (_CN_DIGITS.get(tens, -100) if tens else 1) * 10
        value += _CN_DIGITS.get(ones, -100) if ones else 0
    elif len(text) == 1:
        value = _CN_DIGITS[text]
    else:  # "二五" is not a way of writing 25
        value = -1
    if value < 0:
        raise LookupError(text)  # an unknown form, not an impossible date
    return value


# ---------------------------------------------------------------------------
# Days
# ---------------------------------------------------------------------------

#: Weekday names, Monday first, for the quick-add preview.
WEEKDAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))

_RELATIVE_DAYS = {
    "今天": 0, "今日": 0, "today": 0,
    "明天": 1, "明日": 1, "tomorrow": 1,
    "后天": 2, "大后天": 3,
    "昨天": -1, "昨日": -1, "yesterday": -1,
    "前天": -2, "大前天": -3,
}
_WEEK_SHIFT = {"": 0, "本": 0, "这": 0, "下": 1, "下下": 2, "上": -1, "上上": -2}
_WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_MONTH_SHIFT = {"": 0, "本": 0, "这": 0, "下": 1, "下下": 2, "上": -1}
_YEAR_SHIFT = {"": 0, "今年": 0, "明年": 1, "后年": 2, "去年": -1, "前年": -2}

_DAY_SUFFIX = r"(?:日|号)"
_FULL_DATE_RE = re.compile(
    r"(?P<y>[0-9]{4})(?:(?P<s>[-/.])(?P<m>[0-9]{1,2})(?P=s)(?P<d>[0-9]{1,2})"
    rf"|年(?P<m2>{_NUM})月(?P<d2>{_NUM}){_DAY_SUFFIX}?|(?P<m3>[0-9]{{2}})(?P<d3>[0-9]{{2}}))"
)
_MONTH_DAY_RE = re.compile(
    r"(?P<m>[0-9]{1,2})(?P<s>[-/.])(?P<d>[0-9]{1,2})"
    rf"|(?P<y>今年|明年|后年|去年|前年)?(?P<m2>{_NUM})月(?P<d2>{_NUM}){_DAY_SUFFIX}?"
)
_DAY_OF_MONTH_RE = re.compile(
    rf"(?:(?P<shift>本|这|下下|下|上)个?月)?(?P<d>{_NUM}){_DAY_SUFFIX}"
)
_WEEKDAY_RE = re.compile(
    r"(?P<shift>上上|上|下下|下|本|这)?个?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天七1-7])"
)
_OFFSET_RE = re.compile(
    r"(?P<sign>[+-])(?P<n>[0-9]{1,5})"
    rf"|(?P<n2>[0-9]{{1,5}}|{_NUM})(?P<unit>天|日|周|个星期|个礼拜|星期)"
    r"(?P<dir>后|以后|之后|前|以前|之前)"
)


def _date_error() -> ValidationError:
    return ValidationError(
        "date",
        _(
            "Type a date such as 2026-12-03, 12-3, 12月3日, 3号, 今天, 明天, 后天, 周五, "
            "下周一, 上周五, +3, 3天后 or 下个月1号."
        ),
    )


def _no_such_day(text: str) -> ValidationError:
    return ValidationError(
        "date",
        _("There is no day {text} in the calendar; check the month and the day.").format(
            text=text
        ),
    )


def _month_start(year: int, month: int, shift: int) -> tuple[int, int]:
    """The (year, month) `shift` months after year-month."""
    index = year * 12 + month - 1 + shift
    return index // 12, index % 12 + 1


def _next_day_of_month(day: int, today: dt.date) -> dt.date:
    """The first date on or after `today` whose day of the month is `day`."""
    for shift in range(13):
        year, month = _month_start(today.year, today.month, shift)
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise ValueError(day)


def _parse_day(s: str, today: dt.date) -> dt.date:
    """`parse_day` on normalised, space-free text. Raises LookupError for an unknown form,
    ValueError or OverflowError for a day that is not in the calendar."""
    if s in _RELATIVE_DAYS:
        return today + dt.timedelta(days=_RELATIVE_DAYS[s])
    if m := _FULL_DATE_RE.fullmatch(s):
        month, day = (m["m"], m["d"]) if m["m"] else (m["m2"], m["d2"]) if m["m2"] else (
            m["m3"], m["d3"])
        return dt.date(int(m["y"]), _number(month), _number(day))
    if m := _MONTH_DAY_RE.fullmatch(s):
        if m["m"]:
            return dt.date(today.year, int(m["m"]), int(m["d"]))
        return dt.date(today.year + _YEAR_SHIFT[m["y"] or ""], _number(m["m2"]), _number(m["d2"]))
    if m := _DAY_OF_MONTH_RE.fullmatch(s):
        day = _number(m["d"])
        if m["shift"] is None:
            return _next_day_of_month(day, today)
        year, month = _month_start(today.year, today.month, _MONTH_SHIFT[m["shift"] or ""])
        return dt.date(year, month, day)
    if m := _WEEKDAY_RE.fullmatch(s):
        wd = m["wd"]
        index = int(wd) - 1 if wd.isdigit() else _WEEKDAY_INDEX[wd]
        monday = today - dt.timedelta(days=today.weekday())
        return monday + dt.timedelta(weeks=_WEEK_SHIFT[m["shift"] or ""], days=index)
    if m := _OFFSET_RE.fullmatch(s):
        if m["sign"]:
            days = int(m["n"]) * (-1 if m["sign"] == "-" else 1)
        else:
            days = _number(m["n2"]) * (1 if m["unit"] in ("天", "日") else 7)
            days *= -1 if m["dir"].endswith("前") else 1
        return today + dt.timedelta(days=days)
    raise LookupError(s)


def parse_day(text: str, today: dt.date) -> dt.date:
    """Read a day typed into the calendar's "go to" box or a quick-add line.

    Accepts ``2026-12-03``, ``2026/12/3``, ``2026.12.3``, ``20261203``, ``2026年12月3日``;
    ``12-3``, ``12/3``, ``12月3日`` (this year), ``明年3月1日``; ``3号``/``3日`` (the next
    such day, today included); ``下个月1号``, ``本月15号``; ``今天``, ``明天``, ``后天``,
    ``大后天``, ``昨天``, ``前天``; ``周一``…``周日``, ``星期天``, ``礼拜一``, with ``本``/``这``/
    ``下``/``下下``/``上``/``上上`` (weeks start on Monday); ``+3``, ``-2``, ``3天后``,
    ``3天前``, ``2周后``. Chinese numerals (``三号``) and full-width digits are read too.
    Raises ValidationError (field "date") listing the accepted forms.
    """
    try:
        return _read_day(text, today)
    except LookupError:
        raise _date_error() from None


def _read_day(text: str, today: dt.date) -> dt.date:
    """`parse_day`, raising LookupError for text that is not written as a day."""
    s = "".join(_norm(text).split()) if isinstance(text, str) else ""
    try:
        return _parse_day(s, today)
    except (ValueError, OverflowError):
        raise _no_such_day(text.strip()) from None


# ---------------------------------------------------------------------------
# Times
# ---------------------------------------------------------------------------

_PERIODS = "上午|早上|早晨|清晨|早|凌晨|中午|下午|傍晚|晚上|夜里|夜间|晚"
#: Periods after noon: hours 1–11 move 12 hours on (中午 only for 1–3, "中午1点" is 13:00).
_AFTERNOON = {"下午", "傍晚", "晚上", "夜里", "夜间", "晚", "pm"}


def _clock(tag: str) -> str:
    """A regex for one time of day, its groups prefixed with `tag`."""
    return (
        rf"(?P<{tag}p>{_PERIODS})?\s*"
        rf"(?:(?P<{tag}h>[0-9]{{1,2}}):(?P<{tag}m>[0-9]{{2}})"
        rf"|(?P<{tag}hh>{_NUM})\s*[点时]\s*"
        rf"(?:(?P<{tag}q1>一刻)|(?P<{tag}q3>三刻)|(?P<{tag}half>半)|整|钟"
        rf"|(?P<{tag}mm>{_NUM})\s*分?)?"
        rf"|(?P<{tag}hx>[0-9]{{1,2}})(?=\s*(?:am|pm|a\.m\.|p\.m\.)))"
        rf"\s*(?P<{tag}ap>am|pm|a\.m\.|p\.m\.)?"
    )


_RANGE_SEP = r"-|~|到|至"
_TIME_RANGE_RE = re.compile(rf"{_clock('a')}(?:\s*(?:{_RANGE_SEP})\s*{_clock('b')})?")


def _time_error() -> ValidationError:
    return ValidationError(
        "time",
        _("Type a time such as 14:00, 14:00-15:00, 9:30, 下午2点到3点, 上午10点半 or 晚上8点."),
    )


def _clock_value(m: re.Match[str], tag: str, inherited: str | None) -> tuple[int, int, str | None]:
    """(hour, minute, period) of the `tag` clock in `m`; a clock that names no period of
    the day is read in the `inherited` one. Raises LookupError for a malformed numeral."""
    if m[f"{tag}h"] is not None:
        hour, minute = int(m[f"{tag}h"]), int(m[f"{tag}m"])
    elif m[f"{tag}hx"] is not None:  # "2pm"
        hour, minute = int(m[f"{tag}hx"]), 0
    else:
        hour = _number(m[f"{tag}hh"])
        minute = (15 if m[f"{tag}q1"] else 45 if m[f"{tag}q3"] else 30 if m[f"{tag}half"]
                  else _number(m[f"{tag}mm"]) if m[f"{tag}mm"] else 0)
    ampm = m[f"{tag}ap"]
    period = m[f"{tag}p"] or ("pm" if ampm and ampm.startswith("p") else "am" if ampm else None)
    read_in = period or inherited
    if 1 <= hour <= 11 and (read_in in _AFTERNOON or (read_in == "中午" and hour <= 3)):
        hour += 12
    elif hour == 12 and read_in in ("凌晨", "am"):
        hour = 0
    elif hour == 12 and read_in in ("晚上", "夜里", "夜间", "晚"):
        hour = 24  # midnight, refused like 24:00
    return hour, minute, period


def _check_clock(hour: int, minute: int) -> dt.time:
    if hour == 24 and minute == 0:
        raise ValidationError(
            "time", _("24:00 is not accepted; end at 23:59, or at 00:00 of the next day.")
        )
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValidationError(
            "time",
            _("{hour}:{minute:02d} is not a time of day: hours go 0–23, minutes 0–59.").format(
                hour=hour, minute=minute
            ),
        )
    return dt.time(hour, minute)


def parse_time_range(text: str) -> tuple[dt.time, dt.time | None]:
    """Read a time or a time range: ``14:00-15:00``, ``14:00~15:30``, ``14点-15点半``,
    ``下午2点到3点``, ``9:30``, ``上午10点``, ``晚上8点``, ``3点一刻``, ``2pm``.

    Returns (start, end) with end None when only one time was given. Colon times are
    24-hour; see the module docstring for how 上午/下午 and ranges are read. 24:00 is
    refused and the end must be after the start. Raises ValidationError (field "time").
    """
    try:
        return _read_time_range(text)
    except LookupError:
        raise _time_error() from None


def _read_time_range(text: str) -> tuple[dt.time, dt.time | None]:
    """`parse_time_range`, raising LookupError for text that is not written as a time."""
    m = _TIME_RANGE_RE.fullmatch(_norm(text) if isinstance(text, str) else "")
    if m is None:
        raise LookupError(text)
    start_hour, start_minute, period = _clock_value(m, "a", None)
    end_value = None
    if any(m[g] is not None for g in ("bh", "bhh", "bhx")):
        end_value = _clock_value(m, "b", period)
    start = _check_clock(start_hour, start_minute)
    if end_value is None:
        return start, None
    hour, minute, own_period = end_value
    if (not own_period and m["bh"] is None and hour < 12
            and (hour, minute) < (start.hour, start.minute) < (hour + 12, minute)):
        hour += 12  # "11点到1点": said aloud, an end before the start is after noon
    end = _check_clock(hour, minute)
    if end <= start:
        raise ValidationError(
            "time",
            _("The end time {end} must be after the start time {start}.").format(
                end=f"{end:%H:%M}", start=f"{start:%H:%M}"
            ),
        )
    return start, end




# ---------------------------------------------------------------------------
# Appointments: 明天 15:00, 周三上午, 2026-12-03 09:30
# ---------------------------------------------------------------------------

#: The time a period alone stands for (周三上午 is 09:00 that Wednesday).
PERIOD_TIMES = {
    "上午": dt.time(9, 0), "早上": dt.time(9, 0), "早晨": dt.time(9, 0), "中午": dt.time(12, 0),
    "下午": dt.time(14, 0), "傍晚": dt.time(17, 0), "晚上": dt.time(19, 0),
}


def _read_weekday_ahead(text: str, today: dt.date) -> dt.date | None:
    """The next such weekday from today for a weekday written alone (周三), else None."""
    m = _WEEKDAY_RE.fullmatch("".join(_norm(text).split()))
    if m is None or m["shift"]:
        return None
    day = _read_day(text, today)
    return day + dt.timedelta(days=7) if day < today else day


def _appointment_error(now: dt.datetime) -> ValidationError:
    example = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(9, 30))
    return ValidationError("appointment", _(
        "Type the appointment as 明天 15:00, 周三上午, 下午3点 or {example}.").format(
        example=f"{example:%Y-%m-%d %H:%M}"))


def parse_appointment(text: str, now: dt.datetime, field: str = "appointment") -> dt.datetime | None:
    """An appointment time as the calendar reads it: a day (`parse_day`, default today)
    and a time (`parse_time_range`; a range's end is ignored) or a period alone
    (``周三上午`` is 09:00, ``下午`` 14:00 — `PERIOD_TIMES`), together or apart:
    ``明天 15:00``, ``明天15:00``, ``周三上午``, ``2026-12-03 09:30``. None when empty.
    Raises ValidationError on `field`; its example is a date after `now`."""
    tokens = _norm(text).split() if isinstance(text, str) else []
    if not tokens:
        return None
    today = now.date()

    def read_day(day_text: str) -> dt.date:
        # A weekday alone (周三) that has passed this week is next week's: a visit is ahead.
        day = _read_weekday_ahead(day_text, today)
        return day if day is not None else _read_day(day_text, today)

    def at(day: dt.date, rest: str) -> dt.datetime | None:
        if rest in PERIOD_TIMES:
            return dt.datetime.combine(day, PERIOD_TIMES[rest])
        try:
            return dt.datetime.combine(day, _read_time_range(rest)[0])
        except LookupError:
            return None

    try:
        if len(tokens) >= 2:  # 明天 15:00, 下周三 下午 3点
            for cut in range(1, len(tokens)):
                try:
                    day = read_day("".join(tokens[:cut]))
                except LookupError:
                    continue
                if (found := at(day, "".join(tokens[cut:]))) is not None:
                    return found
            if (found := at(today, "".join(tokens))) is not None:
                return found
        else:
            token = tokens[0]
            if (found := at(today, token)) is not None:  # 15:00, 下午3点: today
                return found
            for cut in range(1, len(token)):  # 明天15:00, 周三上午
                try:
                    day = read_day(token[:cut])
                except (LookupError, ValidationError):
                    continue
                if (found := at(day, token[cut:])) is not None:
                    return found
    except ValidationError as exc:
        raise ValidationError(field, exc.message) from None
    error = _appointment_error(now)
    raise ValidationError(field, error.message)

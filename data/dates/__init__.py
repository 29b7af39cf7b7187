"""Dates, times and one-line events as a desk clerk types them: 明天, 下周一, 12-3, 下午2点到3点.

Pure functions, no database. Rules for ambiguous input (tested in tests/data/test_dates.py):

* A month and day without a year (``12-3``, ``12月3日``) mean that day of *this* year,
  even when it has passed — the calendar jumps there; nothing guesses a year.
* A day of the month alone (``3号``, ``3日``) means the next such day from today, today
  included: on 2026-11-27 ``27号`` is today and ``3号`` is 2026-12-03. A month that lacks
  the day is skipped (``31号`` on 11-27 is 2026-12-31; on 02-01 it is 03-31).
* Weeks start on Monday. A weekday alone (``周一``, ``星期天``, ``礼拜五``) or with
  ``本``/``这`` is the day of the current week, past or not; ``下``/``下下``/``上``/``上上``
  move one or two weeks.
* Times written with a colon are on the 24-hour clock. ``上午``/``下午``/``晚上``/``中午``/
  ``凌晨`` (and am/pm) place an hour 1–11 in the day; an end without its own period takes
  the start's (``下午2点到3点`` is 14:00–15:00), and an end written with 点 that would
  still fall before the start is read as afternoon (``11点到1点`` is 11:00–13:00). 24:00
  (and ``晚上12点``, the same midnight) is refused; the end must be after the start.

One module per part: `natural` (days, times and appointment times), `repeats` (每周三 and
the words of a stored rule) and `quick_add` (the one-line event). Their public names are
re-exported here, so `from data.dates import parse_day` is the way to reach them; the
`_…` names are the package's own.
"""

from __future__ import annotations

from data.dates.natural import (
    PERIOD_TIMES,
    WEEKDAY_NAMES,
    parse_appointment,
    parse_day,
    parse_time_range,
)
from data.dates.quick_add import DEFAULT_START, KIND_WORDS, QuickAdd, guess_kind, parse_quick_add
from data.dates.repeats import Repeat, parse_repeat, repeat_words

__all__ = [
    "DEFAULT_START", "KIND_WORDS", "PERIOD_TIMES", "WEEKDAY_NAMES", "QuickAdd", "Repeat",
    "guess_kind", "parse_appointment", "parse_day", "parse_quick_add", "parse_repeat",
    "parse_time_range", "repeat_words",
]

"""The quick-add line: one line such as ``明天 14:00-15:00 3-2-501 上门维修 @tech1`` read
as an event to preview (day, time, repeat, room, staff, kind and title)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from data.dates.natural import _PERIODS, WEEKDAY_NAMES, _read_day, _read_time_range
from data.dates.repeats import Repeat, _read_repeat, _repeat_and_time
from data.errors import ValidationError
from data.i18n import _
from data.rooms import PARKING, parse_room
from data.validators import clean_text, fold_width
from data.vocab import EVENT_KINDS, label

# ---------------------------------------------------------------------------
# Quick add
# ---------------------------------------------------------------------------

#: Words that say which kind of event a title is, tried in this order (first found wins,
#: by position in the title).
KIND_WORDS = (
    ("appointment", ("上门", "维修", "预约")),
    ("meeting", ("会议", "开会", "例会")),
    ("inspection", ("巡查", "巡检")),
    ("activity", ("活动",)),
    ("duty", ("值班",)),
    ("email", ("电子邮件", "邮件", "email", "e-mail")),
    ("fax", ("传真",)),
    ("call", ("电话", "回电")),
    ("memo", ("备忘",)),
    ("task", ("任务", "待办")),
)

#: When a line names no time: 09:00 for the default length.
DEFAULT_START = dt.time(9, 0)

# The line keeps its own characters (a title's "，" stays full-width), so these patterns
# accept the full-width and dash look-alike forms themselves.
_LOGIN_RE = re.compile(r"(?<![A-Za-z0-9_.＠@])[@＠](?P<login>\w[\w.-]*)")
_DIGIT = "0-9０-９"
_SEP = "[-~－～〜\u2010-\u2015\u2212]|到|至"
_JOIN_RANGE_RE = re.compile(
    rf"(?<=[{_DIGIT}点半分刻时整钟])\s*({_SEP})\s*(?=[{_DIGIT}]|{_PERIODS})"
)
_JOIN_PERIOD_RE = re.compile(
    rf"(?<!\S)(上午|早上|早晨|清晨|凌晨|中午|下午|傍晚|晚上|夜里|夜间)\s+"
    rf"(?=[{_DIGIT}零〇一二两三四五六七八九十])"
)


@dataclass(frozen=True)
class QuickAdd:
    """What a quick-add line says, for the form to preview before saving."""

    start: dt.datetime
    end: dt.datetime
    title: str
    room_code: str | None  # canonical, such as "3-2-501"
    logins: tuple[str, ...]  # staff named with @login, in the order typed
    kind: str  # a code of data.vocab.EVENT_KINDS
    understood: tuple[str, ...]  # translated pieces: "日期 2026-11-28 周六", "房号 3-2-501"
    rrule: str | None = None  # a series: FREQ=WEEKLY;BYDAY=WE for "每周三"


def guess_kind(title: str, *, has_room: bool = False) -> str:
    """The EVENT_KINDS code that the words of `title` suggest: the kind word found first
    in the title wins; without one, "appointment" when a room is named, else "memo"."""
    lowered = title.lower()
    found = [
        (pos, kind)
        for kind, words in KIND_WORDS
        for word in words
        if (pos := lowered.find(word)) >= 0
    ]
    if found:
        return min(found)[1]
    return "appointment" if has_room else "memo"


_T = TypeVar("_T")


def _piece(read: Callable[[str], _T], text: str) -> _T | None:
    """`read(text)`, or None when `text` is not written as that kind of piece. A piece
    written right but impossible ("2-30", "15:00-14:00") is an error, not a title word."""
    try:
        return read(text)
    except LookupError:
        return None


def parse_quick_add(line: str, today: dt.date, *, default_minutes: int = 60,
                    default_day: dt.date | None = None) -> QuickAdd:
    """Read one line such as ``明天 14:00-15:00 3-2-501 上门维修 @tech1``.

    The pieces are separated by spaces and may come in any order: a date (`parse_day`;
    without one `default_day` — the day under the calendar's cursor — or today), a
    repeat (`parse_repeat`: ``每周三``, ``工作日``, ``每月1号`` make a series starting on
    the first such day from the date), a time or range (`parse_time_range`; a date and a time may be written
    together, ``明天14:00``), a room code, ``@login`` for each staff member, and the
    title — every word that is none of these. Only the first date, time and room count;
    a second one is part of the title. Without an end the event lasts `default_minutes`;
    without a time it starts at 09:00. The kind is guessed from the title (`guess_kind`).
    Raises ValidationError: "title" when no title is left, "date"/"time" for an
    impossible date or time, "quick_add" for control characters.
    """
    if default_minutes <= 0:
        raise ValueError(f"default_minutes must be positive, not {default_minutes}")
    text = " ".join(clean_text(line, "quick_add").split())
    logins: list[str] = []
    for m in _LOGIN_RE.finditer(text):
        login = fold_width(m["login"]).rstrip(".-")
        if login not in logins:
            logins.append(login)
    text = _LOGIN_RE.sub(" ", text)
    text = _JOIN_PERIOD_RE.sub(r"\1", _JOIN_RANGE_RE.sub(r"\1", text))

    day: dt.date | None = None
    times: tuple[dt.time, dt.time | None] | None = None
    room: str | None = None
    repeat: Repeat | None = None
    words: list[str] = []
    for token in text.split():
        if repeat is None and (found_repeat := _read_repeat(token)):
            repeat = found_repeat
        elif repeat is None and times is None and (pair := _repeat_and_time(token)):
            repeat, times = pair
        elif day is None and (found := _piece(lambda t: _read_day(t, today), token)):
            day = found
        elif times is None and (found_times := _piece(_read_time_range, token)):
            times = found_times
        elif room is None and (rc := _room(token)) is not None:
            room = rc
        elif day is None and times is None and (both := _day_and_time(token, today)):
            day, times = both
        else:
            words.append(token)
    title = " ".join(words)
    if not title:
        raise ValidationError(
            "title",
            _("Say what the event is, such as: 明天 14:00-15:00 3-2-501 上门维修 @tech1."),
        )

    day = day or default_day or today
    if repeat is not None:
        day = repeat.first_day(day)
    start_time, end_time = times or (DEFAULT_START, None)
    start = dt.datetime.combine(day, start_time)
    end = (dt.datetime.combine(day, end_time) if end_time is not None
           else start + dt.timedelta(minutes=default_minutes))
    kind = guess_kind(title, has_room=room is not None)

    span = f"{start:%H:%M}–{end:%H:%M}" if end.date() == day else f"{start:%H:%M}–{end:%m-%d %H:%M}"
    understood = [
        _("date {date} {weekday}").format(
            date=day.isoformat(), weekday=_(WEEKDAY_NAMES[day.weekday()])
        ),
        (_("time {span}") if times else _("no time given: {span}")).format(span=span),
    ]
    if repeat is not None:
        understood[0] = _("repeats {words} {span}, from {date}").format(
            words=repeat.words, span=span, date=day.isoformat())
    if room:
        understood.append(_("room {room}").format(room=room))
    if logins:
        understood.append(_("with {logins}").format(logins=", ".join(logins)))
    understood.append(_("kind {kind}").format(kind=label(EVENT_KINDS, kind)))
    understood.append(_("title {title}").format(title=title))
    return QuickAdd(start, end, title, room, tuple(logins), kind, tuple(understood),
                    repeat.rrule if repeat is not None else None)


def _room(token: str) -> str | None:
    """The canonical room code a token is (data.rooms.parse_room: every form a clerk types,
    ``3栋2单元501``, ``A座1203``, ``1-101``…), or None. A parking space is not a room."""
    try:
        parsed = parse_room(token)
    except ValidationError:
        return None
    return None if parsed.kind == PARKING else parsed.code


def _day_and_time(
    token: str, today: dt.date
) -> tuple[dt.date, tuple[dt.time, dt.time | None]] | None:
    """A date and a time written together ("明天14:00", "下周一下午3点"), or None."""
    for cut in range(1, min(len(token), 14)):
        try:
            day = _read_day(token[:cut], today)
        except (LookupError, ValidationError):
            continue
        try:
            return day, _read_time_range(token[cut:])
        except LookupError:
            continue
    return None

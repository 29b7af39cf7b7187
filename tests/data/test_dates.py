"""Tests of data.dates: typed days, times and one-line quick-add events."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from data import i18n
from data.dates import QuickAdd, guess_kind, parse_day, parse_quick_add, parse_time_range
from data.errors import ValidationError

FAST = settings(max_examples=150, deadline=None)

#: A Friday.
TODAY = dt.date(2026, 11, 27)
D = dt.date
T = dt.time


@pytest.fixture
def en():
    """Messages in English, for assertions on their words."""
    i18n.set_language("en")


def to_full_width(text: str) -> str:
    """The full-width form of the ASCII letters, digits and punctuation in `text`."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


DAYS_2000S = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))

# ---------------------------------------------------------------------------
# parse_day
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Full dates
        ("2026-12-03", D(2026, 12, 3)),
        ("2026/12/3", D(2026, 12, 3)),
        ("2026.12.3", D(2026, 12, 3)),
        ("20261203", D(2026, 12, 3)),
        ("2026年12月3日", D(2026, 12, 3)),
        ("2027年1月5号", D(2027, 1, 5)),
        (" 2026-12-03 ", D(2026, 12, 3)),
        ("２０２６－１２－０３", D(2026, 12, 3)),
        ("2026\u201412\u201403", D(2026, 12, 3)),  # an em dash from an input method
        # Month and day: this year, even when passed
        ("12-3", D(2026, 12, 3)),
        ("12/3", D(2026, 12, 3)),
        ("12月3日", D(2026, 12, 3)),
        ("12月3号", D(2026, 12, 3)),
        ("12月3", D(2026, 12, 3)),
        ("十二月三日", D(2026, 12, 3)),
        ("1-5", D(2026, 1, 5)),
        ("１２／３", D(2026, 12, 3)),
        ("明年3月1日", D(2027, 3, 1)),
        ("去年12月31日", D(2025, 12, 31)),
        # Day of the month alone: the next such day, today included
        ("3日", D(2026, 12, 3)),
        ("3号", D(2026, 12, 3)),
        ("三号", D(2026, 12, 3)),
        ("27号", D(2026, 11, 27)),
        ("28号", D(2026, 11, 28)),
        ("31号", D(2026, 12, 31)),
        ("30日", D(2026, 11, 30)),
        # Day of a named month
        ("下个月1号", D(2026, 12, 1)),
        ("下月1号", D(2026, 12, 1)),
        ("下个月一号", D(2026, 12, 1)),
        ("本月15号", D(2026, 11, 15)),
        ("这个月30日", D(2026, 11, 30)),
        ("上个月1号", D(2026, 10, 1)),
        ("下下个月2号", D(2027, 1, 2)),
        # Relative days
        ("今天", TODAY),
        ("明天", D(2026, 11, 28)),
        ("后天", D(2026, 11, 29)),
        ("大后天", D(2026, 11, 30)),
        ("昨天", D(2026, 11, 26)),
        ("前天", D(2026, 11, 25)),
        ("大前天", D(2026, 11, 24)),
        ("today", TODAY),
        ("Tomorrow", D(2026, 11, 28)),
        # Weekdays: this week's, weeks starting on Monday
        ("周一", D(2026, 11, 23)),
        ("周五", TODAY),
        ("周六", D(2026, 11, 28)),
        ("周日", D(2026, 11, 29)),
        ("周天", D(2026, 11, 29)),
        ("星期一", D(2026, 11, 23)),
        ("星期天", D(2026, 11, 29)),
        ("星期日", D(2026, 11, 29)),
        ("礼拜一", D(2026, 11, 23)),
        ("礼拜天", D(2026, 11, 29)),
        ("周7", D(2026, 11, 29)),
        ("本周五", TODAY),
        ("这周五", TODAY),
        ("这个星期三", D(2026, 11, 25)),
        ("下周一", D(2026, 11, 30)),
        ("下个礼拜一", D(2026, 11, 30)),
        ("下周日", D(2026, 12, 6)),
        ("下下周三", D(2026, 12, 9)),
        ("上周五", D(2026, 11, 20)),
        ("上上周一", D(2026, 11, 9)),
        ("下 周 一", D(2026, 11, 30)),
        # Offsets
        ("+3", D(2026, 11, 30)),
        ("+0", TODAY),
        ("-2", D(2026, 11, 25)),
        ("＋３", D(2026, 11, 30)),
        ("3天后", D(2026, 11, 30)),
        ("3天以后", D(2026, 11, 30)),
        ("三天后", D(2026, 11, 30)),
        ("3天前", D(2026, 11, 24)),
        ("10日后", D(2026, 12, 7)),
        ("2周后", D(2026, 12, 11)),
        ("1个星期前", D(2026, 11, 20)),
    ],
)
def test_parse_day_forms(text, expected):
    assert parse_day(text, TODAY) == expected


def test_parse_day_across_year_end():
    new_year_eve = D(2026, 12, 31)  # a Thursday
    assert parse_day("明天", new_year_eve) == D(2027, 1, 1)
    assert parse_day("下个月1号", new_year_eve) == D(2027, 1, 1)
    assert parse_day("5号", new_year_eve) == D(2027, 1, 5)
    assert parse_day("下周一", new_year_eve) == D(2027, 1, 4)
    assert parse_day("1-5", new_year_eve) == D(2026, 1, 5)  # month-day means this year


def test_day_of_month_skips_months_without_that_day():
    assert parse_day("31号", D(2026, 2, 1)) == D(2026, 3, 31)
    assert parse_day("30号", D(2026, 1, 31)) == D(2026, 3, 30)
    assert parse_day("29号", D(2027, 1, 30)) == D(2027, 3, 29)  # 2027 is not a leap year
    assert parse_day("29号", D(2028, 1, 30)) == D(2028, 2, 29)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "foo", "周八", "下周", "12", "2026-12", "2026-12-03-1", "12-3-5", "3点",
     "下个月", "+", "3天", "二五号", "明天后天", "2026/12-03", "１２３"],
)
def test_parse_day_refuses_unknown_forms_and_lists_the_accepted_ones(en, text):
    with pytest.raises(ValidationError) as err:
        parse_day(text, TODAY)
    assert err.value.field == "date"
    assert "2026-12-03" in err.value.message and "下周一" in err.value.message


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2-29", "13-1", "0-5", "12-0", "32号", "0号", "本月31号", "20261340"]
)
def test_parse_day_refuses_days_not_in_the_calendar(en, text):
    with pytest.raises(ValidationError) as err:
        parse_day(text, TODAY)
    assert err.value.field == "date"
    assert "no day" in err.value.message and text in err.value.message


def test_parse_day_message_is_translated():
    with pytest.raises(ValidationError) as err:
        parse_day("foo", TODAY)
    assert "下周一" in err.value.message


def test_parse_day_refuses_what_is_not_text():
    with pytest.raises(ValidationError):
        parse_day(None, TODAY)  # type: ignore[arg-type]


def test_offsets_beyond_the_calendar_are_a_validation_error():
    with pytest.raises(ValidationError):
        parse_day("+99999", D(9999, 1, 1))


@FAST
@given(DAYS_2000S, DAYS_2000S)
def test_full_dates_round_trip(day, today):
    assert parse_day(day.isoformat(), today) == day
    assert parse_day(f"{day.year}/{day.month}/{day.day}", today) == day
    assert parse_day(f"{day:%Y%m%d}", today) == day
    assert parse_day(f"{day.year}年{day.month}月{day.day}日", today) == day
    assert parse_day(to_full_width(day.isoformat()), today) == day


@FAST
@given(DAYS_2000S, DAYS_2000S)
def test_month_day_means_this_year(day, today):
    try:
        expected = D(today.year, day.month, day.day)
    except ValueError:  # 2-29 outside a leap year
        for form in (f"{day.month}-{day.day}", f"{day.month}月{day.day}日"):
            with pytest.raises(ValidationError):
                parse_day(form, today)
        return
    for form in (f"{day.month}-{day.day}", f"{day.month}/{day.day}", f"{day.month}月{day.day}日"):
        assert parse_day(form, today) == expected


@FAST
@given(st.integers(1, 31), DAYS_2000S, st.sampled_from(["号", "日"]))
def test_day_of_month_is_the_next_such_day(day, today, suffix):
    found = parse_day(f"{day}{suffix}", today)
    assert found.day == day and found >= today
    between = (today + dt.timedelta(days=n) for n in range((found - today).days))
    assert all(d.day != day for d in between)


WEEK_PREFIXES = {"": 0, "本": 0, "这": 0, "下": 1, "下下": 2, "上": -1, "上上": -2}
WEEKDAY_NAMES = [
    (0, ["周一", "星期一", "礼拜一"]),
    (1, ["周二", "星期二", "礼拜二"]),
    (2, ["周三", "星期三", "礼拜三"]),
    (3, ["周四", "星期四", "礼拜四"]),
    (4, ["周五", "星期五", "礼拜五"]),
    (5, ["周六", "星期六", "礼拜六"]),
    (6, ["周日", "周天", "星期日", "星期天", "礼拜日", "礼拜天"]),
]


@FAST
@given(st.sampled_from(sorted(WEEK_PREFIXES)), st.sampled_from(WEEKDAY_NAMES), st.data(),
       DAYS_2000S)
def test_weekday_names_fall_in_the_stated_week(prefix, weekday, data, today):
    index, names = weekday
    name = data.draw(st.sampled_from(names))
    found = parse_day(prefix + name, today)
    monday = today - dt.timedelta(days=today.weekday())
    week_start = monday + dt.timedelta(weeks=WEEK_PREFIXES[prefix])
    assert found.weekday() == index
    assert week_start <= found < week_start + dt.timedelta(days=7)


@FAST
@given(st.integers(0, 3000), DAYS_2000S)
def test_day_offsets(n, today):
    assert parse_day(f"+{n}", today) == today + dt.timedelta(days=n)
    assert parse_day(f"{n}天后", today) == today + dt.timedelta(days=n)
    assert parse_day(f"{n}天前", today) == today - dt.timedelta(days=n)


# ---------------------------------------------------------------------------
# parse_time_range
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:00-15:00", (T(14), T(15))),
        ("14:00~15:30", (T(14), T(15, 30))),
        ("14:00～15:30", (T(14), T(15, 30))),
        ("14:00 - 15:00", (T(14), T(15))),
        ("14:00到15:00", (T(14), T(15))),
        ("14:00至15:00", (T(14), T(15))),
        ("１４：００－１５：００", (T(14), T(15))),
        ("8:05-9:00", (T(8, 5), T(9))),
        ("0:00-0:30", (T(0), T(0, 30))),
        ("23:00-23:59", (T(23), T(23, 59))),
        ("14点-15点半", (T(14), T(15, 30))),
        ("14点到15点", (T(14), T(15))),
        ("下午2点到3点", (T(14), T(15))),
        ("下午2点到下午3点", (T(14), T(15))),
        ("上午10点到12点", (T(10), T(12))),
        ("上午11点到下午1点", (T(11), T(13))),
        ("上午11点到1点", (T(11), T(13))),
        ("11点到1点", (T(11), T(13))),
        ("晚上8点到10点", (T(20), T(22))),
        ("中午12点到1点半", (T(12), T(13, 30))),
        ("下午2:00-3:30", (T(14), T(15, 30))),
        ("下午 2点 到 3点", (T(14), T(15))),
        ("9:30", (T(9, 30), None)),
        ("09:30", (T(9, 30), None)),
        ("9点", (T(9), None)),
        ("9点整", (T(9), None)),
        ("9时", (T(9), None)),
        ("9点5分", (T(9, 5), None)),
        ("9点05", (T(9, 5), None)),
        ("3点一刻", (T(3, 15), None)),
        ("3点三刻", (T(3, 45), None)),
        ("上午10点", (T(10), None)),
        ("上午10点半", (T(10, 30), None)),
        ("早上8点", (T(8), None)),
        ("中午12点", (T(12), None)),
        ("中午1点", (T(13), None)),
        ("下午3点半", (T(15, 30), None)),
        ("下午三点半", (T(15, 30), None)),
        ("下午12点", (T(12), None)),
        ("晚上8点", (T(20), None)),
        ("凌晨2点", (T(2), None)),
        ("凌晨12点", (T(0), None)),
        ("下午14点", (T(14), None)),
        ("十点", (T(10), None)),
        ("两点半", (T(2, 30), None)),
        ("二十点十五分", (T(20, 15), None)),
        ("2pm", (T(14), None)),
        ("2PM-3pm", (T(14), T(15))),
        ("10am-2pm", (T(10), T(14))),
        ("9:30am", (T(9, 30), None)),
        ("12am", (T(0), None)),
    ],
)
def test_parse_time_range_forms(text, expected):
    assert parse_time_range(text) == expected


@pytest.mark.parametrize("text", ["24:00", "24点", "9:00-24:00", "晚上12点", "晚上10点到12点"])
def test_midnight_as_24_00_is_refused(en, text):
    with pytest.raises(ValidationError) as err:
        parse_time_range(text)
    assert err.value.field == "time" and "24:00" in err.value.message


@pytest.mark.parametrize("text", ["25:00", "9:60", "30点", "9点61分"])
def test_impossible_times_are_refused(en, text):
    with pytest.raises(ValidationError) as err:
        parse_time_range(text)
    assert err.value.field == "time" and "0–23" in err.value.message


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("15:00-14:00", "15:00", "14:00"), ("14:00-14:00", "14:00", "14:00"),
     ("10:00-9:00", "10:00", "09:00"), ("3点到3点", "03:00", "03:00"),
     ("下午3点到上午4点", "15:00", "04:00")],
)
def test_end_must_be_after_start(en, text, start, end):
    with pytest.raises(ValidationError) as err:
        parse_time_range(text)
    assert err.value.message == f"The end time {end} must be after the start time {start}."


@pytest.mark.parametrize(
    "text", ["", "14", "14-15", "9:5", "14:00-", "-15:00", "明天", "14:00-15:00-16:00",
             "二五点", "下午", "3-2-501", "1400"],
)
def test_parse_time_range_refuses_unknown_forms(en, text):
    with pytest.raises(ValidationError) as err:
        parse_time_range(text)
    assert err.value.field == "time"
    assert "14:00-15:00" in err.value.message


TIMES = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@FAST
@given(TIMES, TIMES, st.sampled_from(["-", "~", " - ", "到", "至", "～"]))
def test_time_ranges_round_trip(a, b, sep):
    assume(a != b)
    start, end = min(a, b), max(a, b)
    text = f"{start:%H:%M}{sep}{end:%H:%M}"
    assert parse_time_range(text) == (start, end)
    assert parse_time_range(to_full_width(text)) == (start, end)
    assert parse_time_range(f"{start.hour}:{start:%M}") == (start, None)


@FAST
@given(TIMES, TIMES)
def test_colon_ranges_ending_before_the_start_are_refused(a, b):
    assume(b <= a)
    with pytest.raises(ValidationError):
        parse_time_range(f"{a:%H:%M}-{b:%H:%M}")


# ---------------------------------------------------------------------------
# Garbage in: a ValidationError, never another exception
# ---------------------------------------------------------------------------

#: Characters the parsers look at, so that generated text reaches deep into them.
NEAR_MISS = st.text(
    alphabet=st.sampled_from(list("0123456789０１２-/.:~+ 年月日号周星期礼拜天上下本这个今明后昨前大"
                                  "点时分半刻整午晚早凌中一二两三十零@栋单元室amp")),
    max_size=16,
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), NEAR_MISS), DAYS_2000S)
def test_garbage_dates_raise_only_validation_errors(text, today):
    try:
        found = parse_day(text, today)
    except ValidationError as err:
        assert err.field == "date" and err.message
    else:
        assert isinstance(found, dt.date)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), NEAR_MISS))
def test_garbage_times_raise_only_validation_errors(text):
    try:
        start, end = parse_time_range(text)
    except ValidationError as err:
        assert err.field == "time" and err.message
    else:
        assert end is None or end > start


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), NEAR_MISS, st.lists(NEAR_MISS).map(" ".join)), DAYS_2000S)
def test_garbage_lines_raise_only_validation_errors(line, today):
    try:
        qa = parse_quick_add(line, today)
    except ValidationError as err:
        assert err.field in ("date", "time", "title", "quick_add") and err.message
    else:
        assert qa.title and qa.end > qa.start


# ---------------------------------------------------------------------------
# parse_quick_add
# ---------------------------------------------------------------------------


def dt_(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, T(hour, minute))


@pytest.mark.parametrize(
    ("line", "start", "end", "title", "room", "logins", "kind"),
    [
        ("明天 14:00-15:00 3-2-501 上门维修 @tech1",
         dt_(D(2026, 11, 28), 14), dt_(D(2026, 11, 28), 15), "上门维修", "3-2-501", ("tech1",),
         "appointment"),
        ("下周一 9点 物业例会 @super1 @desk1",
         dt_(D(2026, 11, 30), 9), dt_(D(2026, 11, 30), 10), "物业例会", None,
         ("super1", "desk1"), "meeting"),
        ("12-3 下午3点半 3栋2单元501 检查漏水",
         dt_(D(2026, 12, 3), 15, 30), dt_(D(2026, 12, 3), 16, 30), "检查漏水", "3-2-501", (),
         "appointment"),
        # No date: today. No time: 09:00 for an hour.
        ("14:00 回电 王先生", dt_(TODAY, 14), dt_(TODAY, 15), "回电 王先生", None, (), "call"),
        ("买灯泡", dt_(TODAY, 9), dt_(TODAY, 10), "买灯泡", None, (), "memo"),
        ("明天 3号楼2单元501室 换水表", dt_(D(2026, 11, 28), 9), dt_(D(2026, 11, 28), 10),
         "换水表", "3-2-501", (), "appointment"),
        # Any order, pieces glued, spaces inside a range, full-width forms
        ("@tech1 上门维修 3-2-501 14:00-15:00 明天",
         dt_(D(2026, 11, 28), 14), dt_(D(2026, 11, 28), 15), "上门维修", "3-2-501", ("tech1",),
         "appointment"),
        ("明天14:00-15:30 开会", dt_(D(2026, 11, 28), 14), dt_(D(2026, 11, 28), 15, 30), "开会",
         None, (), "meeting"),
        ("下周一下午3点 社区活动", dt_(D(2026, 11, 30), 15), dt_(D(2026, 11, 30), 16),
         "社区活动", None, (), "activity"),
        ("明天 下午 2点 到 3点 电话回访", dt_(D(2026, 11, 28), 14), dt_(D(2026, 11, 28), 15),
         "电话回访", None, (), "call"),
        ("后天 14:00 - 16:00 小区巡检", dt_(D(2026, 11, 29), 14), dt_(D(2026, 11, 29), 16),
         "小区巡检", None, (), "inspection"),
        ("明天　１４：００　３－２－５０１　维修，急　＠tech1",
         dt_(D(2026, 11, 28), 14), dt_(D(2026, 11, 28), 15), "维修，急", "3-2-501", ("tech1",),
         "appointment"),
        ("上门维修@tech1 @tech1 @desk2", dt_(TODAY, 9), dt_(TODAY, 10), "上门维修", None,
         ("tech1", "desk2"), "appointment"),
        # Kind words; the first one in the title wins
        ("周五 备忘 交电费", dt_(TODAY, 9), dt_(TODAY, 10), "备忘 交电费", None, (), "memo"),
        ("待办 整理档案", dt_(TODAY, 9), dt_(TODAY, 10), "待办 整理档案", None, (), "task"),
        ("开会讨论上门维修流程", dt_(TODAY, 9), dt_(TODAY, 10), "开会讨论上门维修流程", None, (),
         "meeting"),
        # A second date or time is part of the title
        ("明天 后天的快递 明天", dt_(D(2026, 11, 28), 9), dt_(D(2026, 11, 28), 10),
         "后天的快递 明天", None, (), "memo"),
        # Late start: the default hour runs past midnight
        ("23:30 夜间巡查", dt_(TODAY, 23, 30), dt_(D(2026, 11, 28), 0, 30), "夜间巡查", None, (),
         "inspection"),
    ],
)
def test_quick_add_lines(line, start, end, title, room, logins, kind):
    qa = parse_quick_add(line, TODAY)
    assert (qa.start, qa.end, qa.title, qa.room_code, qa.logins, qa.kind) == (
        start, end, title, room, logins, kind
    )


def test_quick_add_preview_says_what_was_understood(en):
    qa = parse_quick_add("明天 14:00-15:00 3-2-501 上门维修 @tech1", TODAY)
    assert qa == QuickAdd(
        start=dt_(D(2026, 11, 28), 14),
        end=dt_(D(2026, 11, 28), 15),
        title="上门维修",
        room_code="3-2-501",
        logins=("tech1",),
        kind="appointment",
        understood=(
            "date 2026-11-28 Sat",
            "time 14:00–15:00",
            "room 3-2-501",
            "with tech1",
            "kind Home visit",
            "title 上门维修",
        ),
    )


def test_quick_add_preview_flags_the_default_time(en):
    qa = parse_quick_add("下周一 物业例会 @super1 @desk1", TODAY)
    assert qa.understood == (
        "date 2026-11-30 Mon",
        "no time given: 09:00–10:00",
        "with super1, desk1",
        "kind Meeting",
        "title 物业例会",
    )
    late = parse_quick_add("23:30 巡查", TODAY)
    assert "time 23:30–11-28 00:30" in late.understood


def test_quick_add_default_length():
    qa = parse_quick_add("明天 10:00 开会", TODAY, default_minutes=30)
    assert qa.end - qa.start == dt.timedelta(minutes=30)
    qa = parse_quick_add("明天 10:00-12:00 开会", TODAY, default_minutes=30)
    assert qa.end - qa.start == dt.timedelta(hours=2)
    with pytest.raises(ValueError):
        parse_quick_add("开会", TODAY, default_minutes=0)


@pytest.mark.parametrize("line", ["", "   ", "明天 14:00", "明天 14:00-15:00 3-2-501 @tech1",
                                  "@tech1", "3-2-501"])
def test_quick_add_needs_a_title(en, line):
    with pytest.raises(ValidationError) as err:
        parse_quick_add(line, TODAY)
    assert err.value.field == "title"
    assert "明天 14:00-15:00 3-2-501 上门维修 @tech1" in err.value.message


@pytest.mark.parametrize(
    ("line", "field"),
    [("2-30 维修", "date"), ("13-1 维修", "date"), ("明天 15:00-14:00 维修", "time"),
     ("24:00 维修", "time"), ("维修\x1b[31m", "quick_add")],
)
def test_quick_add_reports_impossible_pieces(line, field):
    with pytest.raises(ValidationError) as err:
        parse_quick_add(line, TODAY)
    assert err.value.field == field


def test_guess_kind():
    assert guess_kind("上门维修") == "appointment"
    assert guess_kind("物业例会") == "meeting"
    assert guess_kind("消防巡查") == "inspection"
    assert guess_kind("中秋活动") == "activity"
    assert guess_kind("给业主回电") == "call"
    assert guess_kind("交电费") == "memo"
    assert guess_kind("交电费", has_room=True) == "appointment"
    assert guess_kind("任务：会议纪要") == "task"


LOGINS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@FAST
@given(
    DAYS_2000S,
    TIMES,
    st.integers(1, 240),
    st.integers(1, 99), st.integers(1, 9), st.integers(101, 3299),
    st.lists(LOGINS, max_size=3, unique=True),
    st.sampled_from(["上门维修", "检查漏水", "换水表 急", "物业例会"]),
    st.permutations(range(5)),
    DAYS_2000S,
)
def test_quick_add_reads_its_pieces_in_any_order(day, start, minutes, b, e, r, logins, title,
                                                 order, today):
    begin = dt.datetime.combine(day, start)
    end = begin + dt.timedelta(minutes=minutes)
    assume(end.date() == day)
    pieces = [
        day.isoformat(),
        f"{begin:%H:%M}-{end:%H:%M}",
        f"{b}-{e}-{r}",
        " ".join(f"@{login}" for login in logins),
        title,
    ]
    qa = parse_quick_add(" ".join(pieces[i] for i in order), today)
    assert (qa.start, qa.end, qa.room_code, qa.logins, qa.title) == (
        begin, end, f"{b}-{e}-{r}", tuple(logins), title
    )


def test_quick_add_glued_pieces_only_count_when_both_halves_read():
    assert parse_quick_add("维修24:00", TODAY).title == "维修24:00"
    assert parse_quick_add("13-1314:00 维修", TODAY).title == "13-1314:00 维修"
    with pytest.raises(ValidationError) as err:
        parse_quick_add("明天24:00 维修", TODAY)
    assert err.value.field == "time"

"""Issue 15 item 7, the data side: one reading of natural dates for the 预约 field, a visit
booked from the order (checked, linked both ways), quick-add on the cursor day with repeat
words that make series, the repeat field's words, the new event kinds and the staff found
by name, pinyin initials or login. Database tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from data import calendar as cal
from data import i18n
from data import workorders as wo
from data.dates import guess_kind, parse_appointment, parse_quick_add, parse_repeat, repeat_words
from data.errors import ValidationError
from data.events import ConflictsFound, EventInput
from data.models import AuditLog, Event
from data.recurrence import occurrences
from data.visits import book_visit
from data.vocab import EVENT_KINDS, label
from tests import factories as f

D = dt.datetime
NOW = D(2026, 11, 27, 10, 0)  # a Friday
TODAY = NOW.date()
CURSOR = dt.date(2026, 12, 9)  # a Wednesday under the calendar's cursor


@pytest.fixture
def en():
    i18n.set_language("en")


# --- the 预约 field: the calendar's natural dates ---------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("明天 15:00", D(2026, 11, 28, 15, 0)),
    ("明天15:00", D(2026, 11, 28, 15, 0)),
    ("周三上午", D(2026, 12, 2, 9, 0)),  # this week's Wednesday has passed: the next one
    ("下周一 下午3点", D(2026, 11, 30, 15, 0)),
    ("12-3 15:00", D(2026, 12, 3, 15, 0)),
    ("2026-12-03 09:30", D(2026, 12, 3, 9, 30)),
    ("下午3点", D(2026, 11, 27, 15, 0)),
    ("3号 9:30", D(2026, 12, 3, 9, 30)),
])
def test_appointment_field_reads_what_the_calendar_reads(text, expected):
    assert parse_appointment(text, NOW) == expected


def test_appointment_left_empty_is_none():
    assert parse_appointment("  ", NOW) is None


def test_appointment_error_gives_a_future_example(en):
    with pytest.raises(ValidationError) as err:
        parse_appointment("明天", NOW)  # a day without a time
    assert err.value.field == "appointment"
    assert "明天 15:00" in err.value.message and "2026-11-28 09:30" in err.value.message
    with pytest.raises(ValidationError) as err:
        parse_appointment("12-32 10:00", NOW, "--appointment")
    assert err.value.field == "--appointment" and "12-32" in err.value.message


def test_new_order_keeps_a_natural_appointment(database):
    comm = f.community()
    desk = f.staff("desk1")
    when = parse_appointment("明天 15:00", NOW)
    order = wo.create_order(wo.OrderInput(kind="repair", title="厨房水管漏水", community_id=comm.id,
                                        room_id=f.room(comm).id, appointment_at=when), desk.id)
    assert wo.get_order(order.id).appointment_at == D(2026, 11, 28, 15, 0)


# --- a visit booked from the order ------------------------------------------------------------


@pytest.fixture
def visit_world(database):
    comm = f.community()
    return {"comm": comm, "room": f.room(comm), "desk": f.staff("desk1"),
            "tech1": f.staff("tech1", "李建国", "tech"), "tech2": f.staff("tech2", "王强", "tech")}


def _order(w, **kw):
    return wo.create_order(wo.OrderInput(kind="repair", title="厨房水管漏水", community_id=w["comm"].id,
                                       room_id=w["room"].id, **kw), w["desk"].id)


def test_visit_booked_is_linked_both_ways_and_assigns_an_unassigned_order(visit_world):
    w = visit_world
    order = _order(w)
    booked = book_visit(order.id, D(2026, 11, 28, 15), w["tech1"].id, w["desk"].id)
    view = wo.get_order(order.id)
    assert view.appointment_at == D(2026, 11, 28, 15) and view.assignee_id == w["tech1"].id
    event = Event.get_by_id(booked.event_id)
    assert event.work_order_id == order.id and event.kind == "appointment"
    [occ] = cal.agenda([w["tech1"].id], D(2026, 11, 28), D(2026, 11, 29))
    assert occ.work_order_number == order.number and occ.start == D(2026, 11, 28, 15)
    # Moved: the same event follows.
    again = book_visit(order.id, D(2026, 11, 30, 9), w["tech1"].id, w["desk"].id)
    assert again.event_id == booked.event_id
    assert Event.get_by_id(booked.event_id).start == D(2026, 11, 30, 9)


def test_visit_clash_is_reported_then_booked_with_a_reason(visit_world):
    w = visit_world
    f.event(w["tech1"], D(2026, 11, 28, 14, 30), D(2026, 11, 28, 15, 30), title="电梯巡检",
            kind="inspection")
    order = _order(w)
    with pytest.raises(ConflictsFound) as err:
        book_visit(order.id, D(2026, 11, 28, 15), w["tech1"].id, w["desk"].id)
    assert "电梯巡检" in err.value.message
    assert wo.get_order(order.id).appointment_at is None  # nothing stored
    booked = book_visit(order.id, D(2026, 11, 28, 15), w["tech1"].id, w["desk"].id,
                        force=True, reason="业主只有这个时间")
    assert "业主只有这个时间" in Event.get_by_id(booked.event_id).description
    assert AuditLog.select().where(AuditLog.entity == "event",
                                   AuditLog.entity_id == booked.event_id).count() >= 1


def test_visit_for_an_order_of_someone_else_says_reassign_first(visit_world):
    w = visit_world
    order = _order(w)
    wo.assign(order.id, w["tech1"].id, w["desk"].id)
    with pytest.raises(ValidationError) as err:
        book_visit(order.id, D(2026, 11, 28, 15), w["tech2"].id, w["desk"].id)
    assert err.value.field == "technician" and "李建国" in err.value.message


# --- quick-add: the cursor day and repeat words -----------------------------------------------


def test_quick_add_uses_the_cursor_day_when_the_line_names_none():
    quick = parse_quick_add("14:00 开会", TODAY, default_day=CURSOR)
    assert quick.start == D(2026, 12, 9, 14) and quick.rrule is None
    named = parse_quick_add("明天 14:00 开会", TODAY, default_day=CURSOR)
    assert named.start.date() == dt.date(2026, 11, 28)  # a named day wins


def _dates(quick, count=6):
    window_end = quick.start + dt.timedelta(days=400)
    found = occurrences(quick.start, quick.end, quick.rrule, quick.start, window_end)
    return [a.date() for a, _b in found[:count]]


@pytest.mark.parametrize(("words", "rule", "first_dates"), [
    ("每周三", "FREQ=WEEKLY;BYDAY=WE",
     ["2026-12-09", "2026-12-16", "2026-12-23", "2026-12-30"]),
    ("每周一三五", "FREQ=WEEKLY;BYDAY=MO,WE,FR",
     ["2026-12-09", "2026-12-11", "2026-12-14", "2026-12-16"]),
    ("每天", "FREQ=DAILY", ["2026-12-09", "2026-12-10", "2026-12-11", "2026-12-12"]),
    ("每月1号", "FREQ=MONTHLY;BYMONTHDAY=1",
     ["2027-01-01", "2027-02-01", "2027-03-01", "2027-04-01"]),
    ("工作日", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
     ["2026-12-09", "2026-12-10", "2026-12-11", "2026-12-14"]),
    ("每两周", "FREQ=WEEKLY;INTERVAL=2",
     ["2026-12-09", "2026-12-23", "2027-01-06", "2027-01-20"]),
])
def test_each_repeat_word_makes_its_series(words, rule, first_dates):
    quick = parse_quick_add(f"{words} 09:00-10:00 2号楼消防巡检 @tech1", TODAY,
                            default_day=CURSOR)
    assert quick.rrule == rule
    assert quick.title == "2号楼消防巡检" and quick.logins == ("tech1",)
    assert [d.isoformat() for d in _dates(quick, 4)] == first_dates
    assert quick.start.time() == dt.time(9) and quick.end.time() == dt.time(10)


def test_repeat_is_shown_back_in_the_preview(en):
    quick = parse_quick_add("每周三 09:00-10:00 2号楼消防巡检", TODAY, default_day=CURSOR)
    assert "每周三 09:00–10:00" in quick.understood[0]
    assert "每周三" not in quick.title


def test_repeat_field_words_and_raw_rules(en):
    assert parse_repeat("") is None and parse_repeat("不重复") is None
    assert parse_repeat("每天") == "FREQ=DAILY"
    assert parse_repeat("工作日") == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    assert parse_repeat("每周一三五") == "FREQ=WEEKLY;BYDAY=MO,WE,FR"
    assert parse_repeat("每月15号") == "FREQ=MONTHLY;BYMONTHDAY=15"
    assert parse_repeat("FREQ=WEEKLY;BYDAY=TU") == "FREQ=WEEKLY;BYDAY=TU"
    with pytest.raises(ValidationError) as err:
        parse_repeat("有时候")
    assert err.value.field == "repeat" and "每周三" in err.value.message
    for rule in ("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=WE", "FREQ=MONTHLY;BYMONTHDAY=1",
                 "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"):
        assert parse_repeat(repeat_words(rule)) == rule
    assert repeat_words("FREQ=HOURLY;BYHOUR=9,10") == "FREQ=HOURLY;BYHOUR=9,10"


def test_series_from_quick_add_is_stored_and_a_minutely_rule_refused(database):
    tech = f.staff("tech1", "李建国", "tech")
    quick = parse_quick_add("每周三 09:00-10:00 2号楼消防巡检", TODAY, default_day=CURSOR)
    event_id, _ = cal.create_event(EventInput(kind=quick.kind, title=quick.title, start=quick.start,
                                              end=quick.end, attendee_ids=[tech.id],
                                              rrule=quick.rrule), tech.id)
    found = cal.agenda([tech.id], D(2026, 12, 1), D(2027, 1, 1))
    assert [o.start.date().isoformat() for o in found] == [
        "2026-12-09", "2026-12-16", "2026-12-23", "2026-12-30"]
    with pytest.raises(ValidationError):
        cal.edit_series(event_id, {"rrule": parse_repeat("FREQ=MINUTELY")}, tech.id)


# --- kinds and staff --------------------------------------------------------------------------


def test_new_kinds_are_offered_guessed_and_translated():
    i18n.set_language("zh_CN")
    try:
        assert {"duty", "call", "email", "fax"} <= set(EVENT_KINDS)
        assert [label(EVENT_KINDS, k) for k in ("appointment", "meeting", "activity", "inspection",
                                                "duty", "call", "email", "fax", "memo", "task")] == [
            "上门预约", "会议", "社区活动", "巡查", "值班", "电话", "电子邮件", "传真", "备忘", "任务"]
    finally:
        i18n.set_language("en")
    assert guess_kind("周六值班") == "duty"
    assert guess_kind("给业委会发电子邮件") == "email"
    assert guess_kind("传真 装修合同") == "fax"
    assert guess_kind("回电 张先生") == "call"


def test_new_kind_stored(database):
    desk = f.staff("desk1")
    event_id, _ = cal.create_event(EventInput(kind="duty", title="周六值班", start=D(2026, 11, 28, 9),
                                              end=D(2026, 11, 28, 17), attendee_ids=[desk.id]), desk.id)
    assert Event.get_by_id(event_id).kind == "duty"


def test_staff_found_by_name_initials_and_login(database):
    li = f.staff("tech1", "李建国", "tech")
    f.staff("tech2", "王强", "tech")
    for typed in ("李建国", "ljg", "tech1", "@tech1", "LJG"):
        assert cal.one_staff(typed, "staff").id == li.id
    assert [r.login for r in cal.find_staff("李")] == ["tech1"]
    with pytest.raises(ValidationError) as err:
        cal.one_staff("tech", "staff")
    assert "李建国" in err.value.message and "王强" in err.value.message

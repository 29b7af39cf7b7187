"""SLA deadlines in working time (issue 6 §5): working hours on working days over the holiday
calendar — a deadline across 国庆, across a 调休 Saturday, a Friday-evening order landing on
Monday, holds that stop only working time, reopen, priority and the weather stretch — while
calendar-time policies keep counting every minute; `frontdesk sla` shows and sets it."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from types import SimpleNamespace

import pytest

from data import holidays, people, sla
from data import workorders as wo
from data.db import close_database, open_database
from data.errors import ValidationError
from data.models import Category, Holiday, Setting, SlaPolicy, Staff
from tests import factories as f
from tests.helpers.cli import run as cli_run

D = dt.datetime


def set_clock(monkeypatch, text: str) -> dt.datetime:
    monkeypatch.setenv("FRONTDESK_NOW", text)
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def w(database, monkeypatch) -> SimpleNamespace:
    """A community with a room, a desk clerk, a technician and a supervisor; ordinary
    repairs (报修 一般) count 30 min / 4 h of working time."""
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 09:00")
    comm = f.community("锦绣花园")
    world = SimpleNamespace(
        community_id=comm.id, room_id=people.ensure_room(comm.id, "3-2-501"),
        desk=f.staff("desk1", "李娜", "desk").id, tech=f.staff("tech1", "王建国", "tech").id,
        sup=f.staff("super1", "陈静", "supervisor").id,
        leak=Category.get(Category.code == "plumbing.leak").id,
    )
    sla.set_sla("repair", "normal", 30, 240, working_time=True)
    return world


def new(w: SimpleNamespace, *, priority: str = "normal", kind: str = "repair",
        category: int | None = None) -> wo.OrderView:
    return wo.create_order(wo.OrderInput(kind=kind, title="厨房水管漏水", community_id=w.community_id,
                                       room_id=w.room_id, priority=priority, category_id=category),
                           w.desk)


def begin(w: SimpleNamespace, order: wo.OrderView) -> wo.OrderView:
    """Dispatched to the technician, who starts it."""
    wo.assign(order.id, w.tech, w.desk)
    return wo.start(order.id, w.tech)


# --- the arithmetic --------------------------------------------------------------------------


def test_four_working_hours_across_the_national_day_holiday(database):
    # Wed 30 Sep 16:00: 1.5 h that day, 1–7 Oct are 国庆 holidays, Thu 8 Oct from 08:30.
    assert holidays.add_working_minutes(D(2026, 9, 30, 16), 240) == D(2026, 10, 8, 11, 0)
    assert holidays.working_minutes_between(D(2026, 9, 30, 16), D(2026, 10, 8, 11)) == 240
    # Started on a holiday: the clock waits for the first working morning.
    assert holidays.add_working_minutes(D(2026, 10, 3, 10), 30) == D(2026, 10, 8, 9, 0)


def test_a_make_up_saturday_counts(database):
    # Fri 9 Oct 16:00: 1.5 h, then Saturday 10 Oct is a 调休 working day.
    assert holidays.add_working_minutes(D(2026, 10, 9, 16), 240) == D(2026, 10, 10, 11, 0)
    # Fri 13 Feb: Saturday 14 Feb is 春节调休 (then nine days of 春节).
    assert holidays.add_working_minutes(D(2026, 2, 13, 17), 60) == D(2026, 2, 14, 9, 0)
    assert holidays.add_working_minutes(D(2026, 2, 14, 17), 60) == D(2026, 2, 24, 9, 0)
    # An ordinary Saturday does not count.
    assert holidays.add_working_minutes(D(2026, 11, 27, 17), 60) == D(2026, 11, 30, 9, 0)


def test_edges_of_the_working_day(database):
    assert holidays.add_working_minutes(D(2026, 11, 30, 7, 0), 30) == D(2026, 11, 30, 9, 0)
    # Using up the day exactly ends at closing time, not the next morning.
    assert holidays.add_working_minutes(D(2026, 11, 30, 17, 0), 30) == D(2026, 11, 30, 17, 30)
    assert holidays.add_working_minutes(D(2026, 11, 30, 17, 0), 31) == D(2026, 12, 1, 8, 31)
    assert holidays.add_working_minutes(D(2026, 11, 30, 20, 0), 0) == D(2026, 11, 30, 20, 0)
    # Fractions of a minute (a stretched 45-minute deadline is 67.5 minutes).
    assert holidays.add_working_minutes(D(2026, 11, 30, 9), 67.5) == D(2026, 11, 30, 10, 7, 30)
    # A week of working time: five days of nine hours.
    assert holidays.add_working_minutes(D(2026, 11, 30, 8, 30), 5 * 540) == D(2026, 12, 4, 17, 30)
    with pytest.raises(ValidationError):
        holidays.add_working_minutes(D(2026, 11, 30, 9), -5)
    assert holidays.working_minutes_between(D(2026, 11, 30, 12), D(2026, 11, 30, 11)) == 0
    # Friday 17:00 to Monday 09:00: half an hour each side of the weekend.
    assert holidays.working_minutes_between(D(2026, 11, 27, 17), D(2026, 11, 30, 9)) == 60


def test_holidays_are_read_once_per_span_not_once_per_day(database, monkeypatch):
    reads = []
    real = holidays._WorkingDays._read_to

    def counting(self, last):
        reads.append(last)
        return real(self, last)

    monkeypatch.setattr(holidays._WorkingDays, "_read_to", counting)
    holidays.add_working_minutes(D(2026, 9, 30, 16), 240)
    assert len(reads) == 1
    reads.clear()
    # A year of working time: one read of the guessed span, maybe one more.
    holidays.add_working_minutes(D(2026, 1, 5, 9), 250 * 540)
    assert 1 <= len(reads) <= 2


def test_a_calendar_without_working_days_stops_at_the_cap(database, monkeypatch):
    monkeypatch.setattr(holidays, "MAX_SPAN_DAYS", 7)
    with pytest.raises(ValidationError) as caught:
        holidays.add_working_minutes(D(2026, 10, 1, 9), 60)  # 1–7 Oct: all holidays
    assert caught.value.field == "working_time" and "2026-10-01 09:00" in caught.value.message


def test_working_hours_setting(database):
    assert holidays.working_hours() == (dt.time(8, 30), dt.time(17, 30))
    staff = f.staff("admin", "管理员", "admin")
    assert holidays.set_working_hours("9:00～18:00", staff.id) == (dt.time(9), dt.time(18))
    row = Setting.get_by_id(holidays.WORKING_HOURS_SETTING)
    assert (row.value, row.updated_by_id) == ("09:00-18:00", staff.id)
    assert holidays.add_working_minutes(D(2026, 11, 27, 17), 120) == D(2026, 11, 30, 10, 0)
    assert holidays.set_working_hours("08：00至12：00", staff.id) == (dt.time(8), dt.time(12))
    for bad in ("", "8-17", "08:30", "17:30-08:30", "08:30-08:30", "25:00-26:00", "8:3-17:30"):
        with pytest.raises(ValidationError) as caught:
            holidays.set_working_hours(bad, staff.id)
        assert caught.value.field == "working_hours"
    assert Setting.get_by_id(holidays.WORKING_HOURS_SETTING).value == "08:00-12:00"
    # Hand-edited nonsense does not stop the clocks: the default applies.
    Setting.update(value="all day").where(Setting.key == holidays.WORKING_HOURS_SETTING).execute()
    assert holidays.working_hours() == holidays.DEFAULT_WORKING_HOURS


# --- work orders -------------------------------------------------------------------------------


def test_the_policy_carries_working_time(w):
    target = sla.sla_for("repair", None, "normal")
    assert (target.response_minutes, target.resolution_minutes, target.working_time) == (30, 240, True)
    assert target != (30, 240)  # a working-time target is not the calendar pair
    assert sla.sla_for("repair", None, "urgent") == (15, 120)  # defaults count calendar time
    assert not sla.sla_for("repair", None, "urgent").working_time
    rows = {(r.kind, r.priority, r.category_code): r for r in sla.sla_table()}
    assert rows["repair", "normal", ""].working_time is True
    assert rows["repair", "urgent", ""].working_time is False
    # Changing the minutes alone keeps the clock; saying so switches it.
    assert sla.set_sla("repair", "normal", 20, 200).working_time is True
    assert sla.set_sla("repair", "normal", 20, 200, working_time=False).working_time is False
    assert not SlaPolicy.get(SlaPolicy.kind == "repair", SlaPolicy.priority == "normal",
                             SlaPolicy.category.is_null()).working_time
    leak = sla.set_sla("repair", "normal", 10, 120, w.leak, working_time=True)
    assert leak.working_time and leak.category_code == "plumbing.leak"
    assert sla.sla_for("repair", w.leak, "normal").working_time


def test_a_friday_evening_order_lands_on_monday(w, monkeypatch):
    set_clock(monkeypatch, "2026-11-27 18:40")  # Friday
    order = new(w)
    assert order.response_due == D(2026, 11, 30, 9, 0)
    assert order.resolution_due == D(2026, 11, 30, 12, 30)
    # A calendar-time policy keeps counting through the night and the weekend.
    urgent = new(w, priority="urgent")
    assert urgent.response_due == D(2026, 11, 27, 18, 55)
    assert urgent.resolution_due == D(2026, 11, 27, 20, 40)


def test_an_order_across_the_national_day_holiday(w, monkeypatch):
    set_clock(monkeypatch, "2026-09-30 16:00")
    order = new(w)
    assert order.response_due == D(2026, 9, 30, 16, 30)
    assert order.resolution_due == D(2026, 10, 8, 11, 0)
    started = begin(w, order)  # answered: only the resolution deadline runs
    assert not started.overdue(D(2026, 10, 7, 23, 59)) and started.overdue(D(2026, 10, 8, 11, 1))


def test_an_order_across_a_make_up_saturday(w, monkeypatch):
    set_clock(monkeypatch, "2026-10-09 16:00")
    assert new(w).resolution_due == D(2026, 10, 10, 11, 0)


def test_hold_stops_only_the_working_time_on_hold(w, monkeypatch):
    set_clock(monkeypatch, "2026-11-27 15:00")  # Friday
    order = begin(w, new(w))
    assert order.resolution_due == D(2026, 11, 30, 10, 0)  # 2.5 h Friday, 1.5 h Monday
    set_clock(monkeypatch, "2026-11-27 17:00")
    wo.hold(order.id, w.tech, "等配件")
    set_clock(monkeypatch, "2026-11-30 09:00")  # Monday: 30 + 30 working minutes on hold
    resumed = wo.resume(order.id, w.tech)
    assert resumed.held_minutes == 60
    assert resumed.resolution_due == D(2026, 11, 30, 11, 0)
    assert resumed.response_due == D(2026, 11, 27, 16, 30)  # 15:30 + 60 working minutes
    # The same as computing the deadline afresh with the held working time added.
    target = sla.sla_for("repair", None, "normal")
    assert sla.deadlines(D(2026, 11, 27, 15), target, 60, False, "normal") == (
        resumed.response_due, resumed.resolution_due)
    # A second, short hold adds up.
    set_clock(monkeypatch, "2026-11-30 10:00")
    wo.hold(order.id, w.tech, "等业主")
    set_clock(monkeypatch, "2026-11-30 10:30")
    again = wo.resume(order.id, w.tech)
    assert again.held_minutes == 90 and again.resolution_due == D(2026, 11, 30, 11, 30)


def test_a_calendar_time_hold_is_unchanged(w, monkeypatch):
    set_clock(monkeypatch, "2026-11-27 15:00")
    order = begin(w, new(w, priority="urgent"))
    set_clock(monkeypatch, "2026-11-27 15:30")
    wo.hold(order.id, w.tech, "等配件")
    set_clock(monkeypatch, "2026-11-30 09:00")
    resumed = wo.resume(order.id, w.tech)
    pause = D(2026, 11, 30, 9) - D(2026, 11, 27, 15, 30)
    assert resumed.held_minutes == pause.total_seconds() // 60
    assert resumed.resolution_due == order.resolution_due + pause


def test_reopen_priority_and_stretch_follow_working_time(w, monkeypatch):
    set_clock(monkeypatch, "2026-11-27 16:00")  # Friday
    order = begin(w, new(w))
    wo.resolve(order.id, w.tech, "换了角阀")
    set_clock(monkeypatch, "2026-11-27 17:00")
    reopened = wo.reopen(order.id, w.desk, "又漏了")
    assert reopened.resolution_due == D(2026, 11, 30, 12, 0)  # 30 min Friday, 3.5 h Monday

    other = new(w)  # created Friday 17:00
    sla.set_sla("repair", "low", 60, 480, working_time=True)
    low = wo.set_priority(other.id, "low", w.sup)
    assert low.response_due == D(2026, 11, 30, 9, 0)
    assert low.resolution_due == D(2026, 11, 30, 16, 0)

    assert sla.set_severe_weather(True, w.sup) >= 2
    stretched = wo.get_order(other.id)  # 720 working minutes from Friday 17:00
    assert stretched.resolution_due == D(2026, 12, 1, 11, 0)
    assert wo.get_order(other.id).response_due == D(2026, 11, 30, 9, 30)
    # Created while it is on: stretched from the start, in working time.
    assert new(w).resolution_due == D(2026, 11, 30, 14, 0)  # 360 working minutes
    sla.set_severe_weather(False, w.sup)
    assert wo.get_order(other.id).resolution_due == D(2026, 11, 30, 16, 0)


def test_holiday_edits_move_new_deadlines_only(w, monkeypatch):
    set_clock(monkeypatch, "2026-11-27 17:00")
    before = new(w)
    assert before.resolution_due == D(2026, 11, 30, 12, 0)
    Holiday.create(day=dt.date(2026, 11, 30), name="公司活动日", kind="holiday")
    assert new(w).resolution_due == D(2026, 12, 1, 12, 0)
    assert wo.get_order(before.id).resolution_due == D(2026, 11, 30, 12, 0)


# --- the CLI -----------------------------------------------------------------------------------


def test_cli_sla_set_and_list_with_working_time(sqlite_url, capsys):
    def run(*argv: str) -> int:
        return cli_run(sqlite_url, *argv, user=None, lang="en")

    open_database(sqlite_url)
    me = f.staff("super1", "周主管", "supervisor")
    Staff.update(os_login=getpass.getuser()).where(Staff.id == me.id).execute()  # signs in as it
    close_database()
    assert run("sla", "set", "投诉", "一般", "--response", "240",
               "--resolution", "2400", "--working-time") == 0
    assert "working time" in capsys.readouterr().out
    assert run("sla", "list", "--json") == 0
    rows = {(r["kind"], r["priority"], r["category"]): r
            for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["complaint", "normal", None]["working_time"] is True
    assert rows["complaint", "normal", None]["resolution_minutes"] == 2400
    assert rows["repair", "normal", None]["working_time"] is False
    assert run("sla", "list") == 0
    text = capsys.readouterr().out.splitlines()
    assert any("2400" in line and line.endswith("working time") for line in text)
    assert any(" 1440" in line and line.endswith("calendar time") for line in text)
    # Without either option the clock stays; --calendar-time switches it back.
    assert run("sla", "set", "投诉", "一般", "--response", "120",
               "--resolution", "2400") == 0
    assert "working time" in capsys.readouterr().out
    assert run("sla", "set", "投诉", "一般", "--response", "120",
               "--resolution", "2400", "--calendar-time") == 0
    assert "calendar time" in capsys.readouterr().out
    with pytest.raises(SystemExit) as caught:  # argparse: one or the other
        run("sla", "set", "投诉", "一般", "--response", "120",
            "--resolution", "2400", "--calendar-time", "--working-time")
    assert caught.value.code == 2
    assert "--working-time" in capsys.readouterr().err
    # The working hours themselves.
    assert run("sla", "hours") == 0
    assert "08:30-17:30" in capsys.readouterr().out
    assert run("sla", "hours", "9:00-18:00") == 0
    assert "09:00-18:00" in capsys.readouterr().out
    assert run("sla", "hours", "18:00-09:00") == 2
    assert "working_hours" in capsys.readouterr().err
    open_database(sqlite_url)
    try:
        assert holidays.working_hours() == (dt.time(9), dt.time(18))
        assert not sla.sla_for("complaint", None, "normal").working_time
    finally:
        close_database()

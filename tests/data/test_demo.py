"""A demo that looks like today (issue 14 item 6, issue 15 item 6): the first-run copy of the
sample is moved to the current day, its first sweep does not flood the inbox, and
`frontdesk sample` never crashes for any size and seed."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
import statistics
from pathlib import Path

import pytest

from data import overview
from data.calls import notify_due_callbacks
from data.db import close_database, open_database
from data.demo import DemoError, series_days, series_months, shift_to_today
from data.escalation import sweep
from data.models import (
    AuditLog,
    Call,
    Community,
    Event,
    Holiday,
    Notification,
    Occupancy,
    Person,
    Setting,
    WorkOrder,
)
from data.reminders import send_reminders
from data.sample import dump, generate
from data.staff import sign_in
from tests import factories as f

LONG_AGO = dt.date(2026, 1, 15)  # a Thursday: the day the demo was made for
NOW = dt.datetime(2026, 12, 7, 9, 30)  # a Monday, 326 days later: the day it is opened
RUNNING = ("new", "assigned", "in_progress")


def _make(path: Path, owners: int, seed: int = 1, today: dt.date = LONG_AGO) -> Path:
    try:
        generate(str(path), owners=owners, seed=seed, today=today)
    finally:
        close_database()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the generator never crashes, and its own day is quiet ------------------------------------

SIZES = [(owners, seed) for owners in (1, 2, 3, 7, 20, 50) for seed in (1, 5, 9)]


@pytest.mark.parametrize(("owners", "seed", "today"), [
    *[(o, s, LONG_AGO) for o, s in SIZES],
    # An order taken in the last minute before 09:00 had no time for its status steps:
    # `frontdesk sample --owners 300 --seed 5` divided by zero on 2026-12-07.
    (300, 5, dt.date(2026, 12, 7)),
])
def test_sample_never_crashes_and_its_first_sweep_sends_nothing_at_its_anchor(
        tmp_path, owners, seed, today):
    path = _make(tmp_path / "demo.db", owners, seed, today)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # about 1.5 orders per household, plus the patrol order a renovation violation opened
        # (data.sample_renovations) when the sample has one
        violations = conn.execute("SELECT count(*) FROM renovation_inspection WHERE result = 'violation' "
                                  "AND work_order_id IS NOT NULL").fetchone()[0]
        # … and the repair an abnormal inspection reading opened (data.sample_facilities)
        findings = conn.execute("SELECT count(*) FROM run_answer WHERE work_order_id IS NOT NULL").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM work_order").fetchone() == (
            round(owners * 1.5) + violations + findings,)
        anchor = f"{today} 09:00:00"
        assert conn.execute("SELECT count(*) FROM work_order WHERE created_at > ? OR "
                            "updated_at > ?", (anchor, anchor)).fetchone() == (0,)
        assert conn.execute("SELECT value FROM setting WHERE key = 'demo_anchor'").fetchone() == (
            today.isoformat(),)
    finally:
        conn.close()
    # What the sweeps of the days before would have sent is there already: escalation
    # levels as data.escalation computes them, every due callback told.
    open_database(str(path))
    at = dt.datetime.combine(today, dt.time(9))
    assert sweep(at) == []
    assert notify_due_callbacks(at) == 0


# --- a copy of an old demo opens on a working morning ------------------------------------------


@pytest.fixture
def old_sample(tmp_path, monkeypatch) -> Path:
    """A demo made for LONG_AGO, as the tracked sample.db would be, with the clock at NOW."""
    sample = _make(tmp_path / "sample.db", owners=200)
    monkeypatch.setenv("FRONTDESK_SAMPLE", str(sample))
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    return sample


def test_the_first_run_copy_of_an_old_demo_shows_a_working_morning(old_sample):
    from tui import paths

    before = _digest(old_sample)
    copy = paths.default_database()
    assert _digest(old_sample) == before  # the sample itself is never written
    assert not [p for p in Path(copy).parent.iterdir() if ".partial" in p.name]
    open_database(copy)
    desk1 = sign_in("desk1").id
    tech1 = sign_in("tech1").id
    today = NOW.date()
    assert Setting.get_by_id("demo_anchor").value == today.isoformat()

    # Orders taken this morning, numbered today, due today.
    taken = list(WorkOrder.select().where(WorkOrder.created_at >= dt.datetime.combine(
        today, dt.time())))
    assert taken and all(o.created_at < NOW for o in taken)
    assert all(o.number[3:11] == today.strftime("%Y%m%d") for o in taken)
    due_today = WorkOrder.select().where(
        WorkOrder.status.in_(RUNNING),
        (WorkOrder.response_due.between(dt.datetime.combine(today, dt.time()), NOW.replace(
            hour=23, minute=59)))
        | (WorkOrder.resolution_due.between(dt.datetime.combine(today, dt.time()),
                                            NOW.replace(hour=23, minute=59))))
    assert due_today.count() > 0
    # Overdue by hours, mostly: not by the 326 days since the demo was made.
    overdue = overview.overdue_orders(NOW)
    assert overdue
    late = [(NOW - min(o.due, NOW)).total_seconds() / 3600 for o in overdue]
    assert statistics.median(late) < 48
    assert min(late) < 12
    # Today's agenda: desk1's memo, planned call and task; tech1's visits.
    agenda = overview.my_agenda(desk1, NOW)
    assert agenda and all(a.start.date() <= today < a.end.date() or a.start.date() == today
                          for a in agenda)
    visits = [a for a in overview.my_agenda(tech1, NOW) if a.kind == "appointment"]
    assert len(visits) >= 1 and all(a.start.date() == today for a in visits)
    # Callbacks promised for today and yesterday evening, not months ago.
    callbacks = overview.callbacks_due(desk1, NOW)
    assert callbacks and all(c.due > NOW - dt.timedelta(days=2) for c in callbacks)
    # The first sweep of the first session: a handful, not a flood.
    sent = len(sweep(NOW)) + notify_due_callbacks(NOW) + send_reminders(NOW)
    assert sent <= 10
    unread = overview.home_counts(desk1, NOW).unread_notifications
    assert 1 <= unread <= 20
    assert all(n.created_at > NOW - dt.timedelta(days=1)
               for n in Notification.select().where(Notification.read_at.is_null()))
    # The weekly round stays on Mondays; today is a Monday, so it is on tech1's agenda too.
    assert any(a.kind == "inspection" for a in overview.my_agenda(tech1, NOW))


async def test_home_screen_of_an_old_demo_opened_far_later_at_80x24(old_sample):
    from tests.screen_text import screen_text, settle, wait_for
    from tui import paths
    from tui.app import FrontDeskApp

    copy = paths.default_database()
    open_database(copy)
    app = FrontDeskApp(sign_in("desk1"), paths.database_label(copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await wait_for(pilot, lambda: app.screen.query_one("#tiles").counts["new_orders"] > 0)
        tiles = {key: app.screen.query_one("#tiles").counts[key] for key in (
            "new_orders", "overdue_orders", "appointments_today", "callbacks_due",
            "unread_notifications")}
        assert tiles["new_orders"] > 0
        assert 0 < tiles["overdue_orders"] <= tiles["new_orders"] + 10
        assert tiles["appointments_today"] > 0
        assert tiles["callbacks_due"] > 0
        assert 1 <= tiles["unread_notifications"] <= 20
        text = screen_text(app)
        assert "王丽(desk1)" in text
        assert "20260115" not in text and "01-15" not in text  # nothing of the day it was made


def test_same_seed_moved_to_the_same_day_gives_the_same_database(tmp_path):
    for name in ("a", "b"):
        path = _make(tmp_path / f"{name}.db", owners=40, seed=3)
        open_database(str(path))
        assert shift_to_today(NOW.date()) == (NOW.date() - LONG_AGO).days
        assert shift_to_today(NOW.date()) == 0  # already there
        close_database()
    assert dump(str(tmp_path / "a.db")) == dump(str(tmp_path / "b.db"))


# --- what moves, by how much, and what stays (both databases) ----------------------------------


def test_series_move_by_whole_weeks_or_months_nearest_the_days():
    assert series_days(326) == 329 and series_days(325) == 322 and series_days(-10) == -7
    assert series_days(3) == 0 and series_days(0) == 0
    assert series_months(LONG_AGO, NOW.date()) == 11
    assert series_months(dt.date(2026, 1, 31), dt.date(2026, 3, 1)) == 1


@pytest.fixture
def demo(database):
    """A tiny hand-made demo database anchored on LONG_AGO."""
    Setting.create(key="demo_database", value="1")
    Setting.create(key="demo_anchor", value=LONG_AGO.isoformat())
    comm, desk = f.community(), f.staff("desk1")
    morning = dt.datetime(2026, 1, 15, 8, 10)
    order = WorkOrder.create(number="BX-20260115-0001", kind="repair", title="水管漏水",
                             community=comm, created_by=desk, created_at=morning,
                             resolution_due=morning + dt.timedelta(hours=2))
    other = WorkOrder.create(number="BX-20260114-0001", kind="repair", title="灯不亮",
                             community=comm, created_by=desk, created_at=morning - dt.timedelta(days=1))
    Notification.create(staff=desk, kind="assigned", title="新派单：BX-20260115-0001 水管漏水",
                         entity="work_order", entity_id=order.id)
    call = f.call(desk, callback_due=dt.datetime(2026, 1, 14, 17, 0), assignee=desk)
    Notification.create(staff=desk, kind="callback", title="回电", entity="call", entity_id=call.id,
                        dedupe_key=f"callback:{call.id}:202601141700")
    weekly = f.event(desk, dt.datetime(2025, 11, 17, 9, 30), dt.datetime(2025, 11, 17, 11, 30),
                     kind="inspection", rrule="FREQ=WEEKLY;BYDAY=MO")
    moved = Event.create(uid="x@test", kind="inspection", title="改期", series=weekly,
                         start=dt.datetime(2026, 1, 20, 14), end=dt.datetime(2026, 1, 20, 16),
                         recurrence_id=dt.datetime(2026, 1, 19, 9, 30))
    monthly = f.event(desk, dt.datetime(2025, 11, 1, 14), dt.datetime(2025, 11, 1, 15),
                      kind="meeting", rrule="FREQ=MONTHLY;BYMONTHDAY=1")
    visit = f.event(desk, dt.datetime(2026, 1, 15, 10), dt.datetime(2026, 1, 15, 11))
    owner = Person.create(name="张三", birth_date=dt.date(1970, 5, 4))
    room = f.room(comm)
    Occupancy.create(person=owner, room=room, role="owner", start_date=dt.date(2020, 3, 1))
    holiday, _ = Holiday.get_or_create(day=dt.date(2026, 10, 1), defaults={"name": "国庆节"})
    return {"order": order, "other": other, "call": call, "weekly": weekly, "moved": moved,
            "monthly": monthly, "visit": visit, "owner": owner, "holiday": holiday}


def test_shift_moves_one_offs_by_days_series_by_weeks_and_keeps_real_dates(demo):
    days = (NOW.date() - LONG_AGO).days  # 326
    audit_rows = AuditLog.select().count()
    assert shift_to_today(NOW.date()) == days
    order = WorkOrder.get_by_id(demo["order"].id)
    assert order.created_at == dt.datetime(2026, 12, 7, 8, 10)  # the time of day is kept
    assert order.resolution_due == dt.datetime(2026, 12, 7, 10, 10)
    assert order.number == "BX-20261207-0001"
    assert WorkOrder.get_by_id(demo["other"].id).number == "BX-20261206-0001"
    note = Notification.get(Notification.entity == "work_order")
    assert note.title == "新派单：BX-20261207-0001 水管漏水"
    call = Call.get_by_id(demo["call"].id)
    assert call.callback_due == dt.datetime(2026, 12, 6, 17, 0)
    assert Notification.get(Notification.entity == "call").dedupe_key == (
        f"callback:{call.id}:202612061700")
    assert notify_due_callbacks(NOW) == 0  # told before the move, still told
    # One-off events by days; the weekly series and its exception by 47 weeks (Mondays
    # stay Mondays); the monthly one by 11 months (the 1st stays the 1st).
    assert Event.get_by_id(demo["visit"].id).start == dt.datetime(2026, 12, 7, 10)
    weekly = Event.get_by_id(demo["weekly"].id)
    assert weekly.start == dt.datetime(2025, 11, 17, 9, 30) + dt.timedelta(weeks=47)
    assert weekly.start.weekday() == 0
    moved = Event.get_by_id(demo["moved"].id)
    assert moved.recurrence_id == dt.datetime(2026, 1, 19, 9, 30) + dt.timedelta(weeks=47)
    assert moved.recurrence_id.weekday() == 0
    assert Event.get_by_id(demo["monthly"].id).start == dt.datetime(2026, 10, 1, 14)
    # Real dates stay: birth dates (spelt in ID numbers), holidays; occupancy dates move.
    assert Person.get_by_id(demo["owner"].id).birth_date == dt.date(1970, 5, 4)
    assert Holiday.get_by_id(demo["holiday"].id).day == dt.date(2026, 10, 1)
    assert Occupancy.get().start_date == dt.date(2020, 3, 1) + dt.timedelta(days=days)
    assert Setting.get_by_id("demo_anchor").value == "2026-12-07"
    assert AuditLog.select().count() == audit_rows  # not something a person did


def test_shift_refuses_a_database_that_is_not_demo_data(database):
    comm, desk = f.community(), f.staff("desk1")
    f.work_order(desk, comm)
    with pytest.raises(DemoError, match="demo_database"):
        shift_to_today(NOW.date())
    assert WorkOrder.get().number == "BX-20261127-0001"


def test_a_sample_that_cannot_be_moved_is_copied_as_it_is(tmp_path, monkeypatch):
    from tui import paths

    sample = _make(tmp_path / "sample.db", owners=5)
    conn = sqlite3.connect(sample)
    with conn:
        conn.execute("DELETE FROM setting WHERE key = 'demo_database'")
    conn.close()
    monkeypatch.setenv("FRONTDESK_SAMPLE", str(sample))
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    copy = paths.default_database()
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT max(created_at) FROM work_order").fetchone()[0] < "2026-01-16"
    assert conn.execute("SELECT login FROM staff WHERE os_login IS NOT NULL").fetchall() == [
        ("desk1",)]
    conn.close()
    shutil.rmtree(Path(copy).parent)


def test_shift_moves_fees_by_whole_months(demo, monkeypatch):
    """Bills cover calendar months: they move by the whole months past (10 from 15 January
    to 7 December), their period following, the last day of a month staying the last."""
    from data import fees
    from data.models import Bill, FeeStandard, Payment

    monkeypatch.setenv("FRONTDESK_NOW", "2026-01-14 10:00")
    comm = Community.get()
    item = fees.create_item(comm.id, "垃圾清运费", "room", "monthly")
    fees.add_standard(item.id, "10", dt.date(2025, 12, 1))
    fees.bill_period("2026-01")
    fees.take_payment(demo["owner"].occupancies.get().room_id, "10", "cash")
    monkeypatch.delenv("FRONTDESK_NOW")
    shift_to_today(NOW.date())
    bill = Bill.get()
    assert (bill.period, bill.starts_on, bill.ends_on) == ("2026-11", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert Payment.get().taken_at == dt.datetime(2026, 11, 14, 10, 0)
    assert FeeStandard.get().starts_on == dt.date(2026, 10, 1)
    assert fees.room_due(bill.room_id) == 0

"""The calendar screen (F4) at 80×24: week view with a weekly inspection, moving between
periods, go to a date, quick-add with its preview, a conflict booked with a reason, and one
occurrence cancelled."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from data import i18n
from data.db import close_database, open_database
from data.models import Event, EventAttendee
from data.staff import sign_in
from screens.calendar import CalendarScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.form import FormModal

NOW = dt.datetime(2026, 11, 27, 10, 0)  # a Friday


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    i18n.set_language("en")
    desk = f.staff("desk1", "李娜")
    tech1 = f.staff("tech1", "赵师傅", "tech")
    # Every Monday and Thursday 09:00–10:00, from Monday 2026-11-23.
    inspection = f.event(tech1, dt.datetime(2026, 11, 23, 9), dt.datetime(2026, 11, 23, 10),
                         title="消防巡查", kind="inspection", rrule="FREQ=WEEKLY;BYDAY=MO,TH")
    yield {"desk": desk, "tech1": tech1, "inspection": inspection}
    close_database()


async def open_calendar(app, pilot) -> CalendarScreen:
    await settle(app, pilot)
    await pilot.press("f4")
    await settle(app, pilot)
    assert isinstance(app.screen, CalendarScreen)
    return app.screen


def title_of(screen: CalendarScreen) -> str:
    return str(screen.query_one("#cal-title").render())


async def type_in_form(app, pilot, text: str) -> FormModal:
    assert isinstance(app.screen, FormModal)
    form = app.screen
    form.query_one(Input).value = text
    await pilot.press("f10")
    await settle(app, pilot)
    return form


async def test_f4_week_view_shows_a_weekly_inspection_on_its_days(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        assert screen.view_name == "week"
        assert "2026-11-23 – 11-29" in title_of(screen)
        table = screen.query_one(DataTable)
        nine = table.get_row_at(9 - 8)
        assert "消防" in str(nine[1]) and "消防" in str(nine[4])  # Monday and Thursday
        assert all(str(nine[c]) == "" for c in (2, 3, 5, 6, 7))
        text = screen_text(app)
        assert "Fri 27*" in text  # today marked


async def test_periods_today_and_go_to(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert "2026-11-30 – 12-06" in title_of(screen)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        assert "2026-11-16 – 11-22" in title_of(screen)
        await pilot.press("t")
        await settle(app, pilot)
        assert screen.day == NOW.date()
        await pilot.press("d")
        await settle(app, pilot)
        assert "2026-11-27" in title_of(screen)
        await pilot.press("l")
        await settle(app, pilot)
        assert screen.day == dt.date(2026, 11, 28)
        await pilot.press("g")
        await settle(app, pilot)
        await type_in_form(app, pilot, "下周一")
        assert screen.day == dt.date(2026, 11, 30)
        assert "2026-11-30" in title_of(screen)
        assert "消防巡查" in screen_text(app)  # Monday's inspection in the day view


async def test_quick_add_previews_then_books(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = await type_in_form(app, pilot, "明天 14:00-15:00 上门维修 @tech1")
        assert app.screen is form  # the preview first
        assert "2026-11-28" in screen_text(app) and "14:00" in screen_text(app)
        assert Event.select().count() == 1
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is screen
        booked = Event.get(Event.title == "上门维修")
        assert booked.start == dt.datetime(2026, 11, 28, 14) and booked.end == dt.datetime(2026, 11, 28, 15)
        assert [a.staff_id for a in EventAttendee.select().where(EventAttendee.event == booked)] == [
            world["tech1"].id]


async def test_a_conflict_is_refused_then_booked_with_a_reason(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        shown = record_notifications(app)
        await pilot.press("a")
        await settle(app, pilot)
        await type_in_form(app, pilot, "下周一 9:30 上门维修 @tech1")
        await pilot.press("f10")
        await settle(app, pilot)
        assert any("消防巡查" in s for s in shown)  # the clash named
        assert Event.select().count() == 1  # refused
        reason_form = app.screen
        assert isinstance(reason_form, FormModal) and "消防巡查" in screen_text(app)
        await type_in_form(app, pilot, "业主只有这个时间在家")
        assert app.screen is screen
        booked = Event.get(Event.title == "上门维修")
        assert booked.start == dt.datetime(2026, 11, 30, 9, 30)
        assert "业主只有这个时间在家" in booked.description


async def test_x_cancels_one_occurrence(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("A")
        await settle(app, pilot)
        first = screen.selected()
        assert first is not None and first.start == dt.datetime(2026, 11, 30, 9)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(app, pilot)
        exception = Event.get(Event.series == world["inspection"].id)
        assert exception.cancelled and exception.recurrence_id == dt.datetime(2026, 11, 30, 9)
        assert all(o.start != dt.datetime(2026, 11, 30, 9) for o in screen.occurrences)
        assert screen.selected().start == dt.datetime(2026, 12, 3, 9)


async def test_v_moves_one_occurrence_and_X_deletes_the_series(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("A")
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-start", Input).value = "2026-11-30 15:00"
        form.query_one("#field-end", Input).value = "2026-11-30 16:00"
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is screen
        moved = Event.get(Event.series == world["inspection"].id)
        assert moved.start == dt.datetime(2026, 11, 30, 15) and not moved.cancelled
        assert dt.datetime(2026, 11, 30, 15) in [o.start for o in screen.occurrences]
        await pilot.press("X")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        confirm_text = screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert "Delete" in confirm_text
        assert Event.select().count() == 0  # the series with its moved occurrence
        assert screen.occurrences == [] and "消防巡查" not in screen_text(app)


async def test_team_view_shows_staff_side_by_side(world):
    f.event(world["desk"], dt.datetime(2026, 11, 27, 14), dt.datetime(2026, 11, 27, 15),
            title="业主大会筹备", kind="meeting")
    f.event(world["tech1"], dt.datetime(2026, 11, 27, 11), dt.datetime(2026, 11, 27, 12),
            title="更换水表")
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await type_in_form(app, pilot, "tech1, desk1")
        assert screen.view_name == "day"
        assert "tech1, desk1" in title_of(screen)
        table = screen.query_one(DataTable)
        assert [str(c) for c in table.get_row_at(0)] == ["11:00-12:00", "更换水表", ""]
        assert [str(c) for c in table.get_row_at(1)] == ["14:00-15:00", "", "业主大会筹备"]

"""The calendar screen (F4) at 80×24: week view with a weekly inspection, moving between
periods, go to a date, quick-add with its preview, a conflict booked with a reason, one
occurrence cancelled; the month view, holidays (休/班) in every view, editing one occurrence,
this and following or a whole event, tasks ticked off, and the iCalendar export."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from textual.widgets import DataTable, Input, Select

from data import i18n
from data.db import close_database, open_database
from data.exports import default_export_dir
from data.models import AuditLog, Event, EventAttendee
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
        from screens.calendar.views import week_hours

        nine = table.get_row_at(9 - week_hours(app.size.height)[0])  # more hours when there is room
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
        # Booked for tech1 from desk1's calendar: the offer to show tech1's (issue 15 item 7).
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
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
        assert isinstance(app.screen, ConfirmModal)  # booked for tech1: show tech1's calendar?
        await pilot.press("n")
        await settle(app, pilot)
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
        app.screen.query_one(Input).value = "tech1, desk1"  # the staff picker: a team view
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.view_name == "day"
        assert "tech1, desk1" in title_of(screen)
        table = screen.query_one(DataTable)
        assert [str(c) for c in table.get_row_at(0)] == ["11:00-12:00", "更换水表", ""]
        assert [str(c) for c in table.get_row_at(1)] == ["14:00-15:00", "", "业主大会筹备"]


# --- month view ------------------------------------------------------------------------------


def cell_text(screen: CalendarScreen, row: int, column: int) -> str:
    return str(screen.query_one(DataTable).get_cell_at((row, column)))


async def press(app, pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(app, pilot)


async def test_month_view_moves_by_day_week_and_month(world):
    f.event(world["tech1"], dt.datetime(2026, 12, 15, 14), dt.datetime(2026, 12, 15, 16),
            title="业主大会", kind="meeting")
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await press(app, pilot, "m")
        assert screen.view_name == "month"
        assert "Month · 2026-11 · 11-27 Fri" in title_of(screen)
        table = screen.query_one(DataTable)
        # Weeks from Monday 10-26: Friday 11-27 is in the fifth row, under Fri.
        assert table.cursor_coordinate == (4, 4)
        assert cell_text(screen, 4, 4).startswith("27*")
        assert "消防巡查" in cell_text(screen, 5, 0)  # Monday 11-30
        assert "Mon" in screen_text(app) and "Sun" in screen_text(app)
        await press(app, pilot, "l")
        assert screen.day == dt.date(2026, 11, 28) and table.cursor_coordinate == (4, 5)
        await press(app, pilot, "k")
        assert screen.day == dt.date(2026, 11, 21) and table.cursor_coordinate == (3, 5)
        await press(app, pilot, "right_square_bracket")
        assert "2026-12" in title_of(screen) and screen.day == dt.date(2026, 12, 21)
        assert "业主大会" in cell_text(screen, 2, 1)  # Tuesday 12-15, in the third week
        assert "业主大会" in screen_text(app)
        await press(app, pilot, "j", "j")  # 12-21 → 12-28 → 01-04: the next month
        assert screen.day == dt.date(2027, 1, 4) and "2027-01" in title_of(screen)
        await press(app, pilot, "left_square_bracket", "left_square_bracket")
        assert "2026-11" in title_of(screen) and screen.day == dt.date(2026, 11, 4)
        await press(app, pilot, "enter")
        assert screen.view_name == "day" and "2026-11-04" in title_of(screen)


async def test_month_view_opens_the_day_under_the_cursor(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await press(app, pilot, "m", "down", "left")  # 12-04 → Thursday 12-03
        assert screen.day == dt.date(2026, 12, 3) and "2026-12" in title_of(screen)
        shown = record_notifications(app)
        await press(app, pilot, "e")
        assert any("Open the day first" in s for s in shown)  # no occurrence to edit here
        await press(app, pilot, "enter")
        assert screen.view_name == "day" and "2026-12-03 Thu" in title_of(screen)
        assert screen.selected().title == "消防巡查"


async def test_enter_in_the_week_view_opens_that_day_at_that_hour(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await press(app, pilot, "k", "h")  # 09:00, Thursday 11-26
        from screens.calendar.views import week_hours

        assert screen.query_one(DataTable).cursor_coordinate == (9 - week_hours(24)[0], 4)
        await press(app, pilot, "enter")
        assert screen.view_name == "day" and "2026-11-26 Thu" in title_of(screen)
        assert screen.selected().start == dt.datetime(2026, 11, 26, 9)


async def test_holidays_show_in_month_week_day_and_agenda(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await press(app, pilot, "g")
        await type_in_form(app, pilot, "2026-10-01")
        await press(app, pilot, "m")
        # 2026-10-01 is a Thursday in the first row; 10-10 a Saturday (调休) in the second.
        assert cell_text(screen, 0, 3).startswith("1 Off")
        assert cell_text(screen, 1, 5).startswith("10 Work")
        assert cell_text(screen, 1, 4).strip() == "9"
        assert "国庆节 · Holiday" in title_of(screen)  # the day in focus
        await press(app, pilot, "l")
        assert "国庆节" in title_of(screen)
        await press(app, pilot, "g")
        await type_in_form(app, pilot, "2026-10-10")
        assert "国庆节调休 · Workday" in title_of(screen)
        await press(app, pilot, "w")  # the week of 10-05: holidays Mon–Wed, 10-10 a workday
        text = screen_text(app)
        assert "Off 国" in text and "Work 国" in text
        await press(app, pilot, "g")
        await type_in_form(app, pilot, "2026-10-03")
        await press(app, pilot, "d")
        assert "国庆节 · Holiday" in screen_text(app)
        await press(app, pilot, "A")  # 10-03 … 10-16
        lines = [line for line in screen_text(app).splitlines() if "国庆节" in line]
        assert len(lines) == 1 + 5 + 1  # the title, 10-03 … 10-07, and 10-10's 调休
        assert "10-10 Sat" in lines[-1] and "Workday" in lines[-1]
        await press(app, pilot, "d", "right_square_bracket")  # 10-04: still 国庆节
        assert "国庆节 · Holiday" in title_of(screen)


# --- edit -----------------------------------------------------------------------------------


async def open_edit(app, pilot) -> FormModal:
    await press(app, pilot, "e")
    assert isinstance(app.screen, FormModal)
    return app.screen


async def test_e_edits_a_one_off_event_and_keeps_bad_input(world):
    visit = f.event(world["tech1"], dt.datetime(2026, 11, 27, 14), dt.datetime(2026, 11, 27, 15),
                    title="更换水表")
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await press(app, pilot, "d")
        form = await open_edit(app, pilot)
        assert form.query_one("#field-title", Input).value == "更换水表"
        assert form.query_one("#field-start", Input).value == "2026-11-27 14:00"
        assert form.query_one("#field-attendees", Input).value == "tech1"
        assert not form.query("#field-scope")  # a one-off: nothing to choose
        form.query_one("#field-start", Input).value = "明天下午"
        await press(app, pilot, "f10")
        assert app.screen is form and "YYYY-MM-DD HH:MM" in screen_text(app)
        form.query_one("#field-start", Input).value = "2026-11-27 14:00"
        form.query_one("#field-attendees", Input).value = "tech1, nobody9"
        await press(app, pilot, "f10")
        assert app.screen is form and "No staff member nobody9" in screen_text(app)
        form.query_one("#field-attendees", Input).value = "tech1, desk1"
        form.query_one("#field-title", Input).value = "更换水表（3-2-501）"
        form.query_one("#field-end", Input).value = "2026-11-27 15:30"
        await press(app, pilot, "f10")
        assert app.screen is screen
        stored = Event.get_by_id(visit.id)
        assert stored.title == "更换水表（3-2-501）" and stored.end == dt.datetime(2026, 11, 27, 15, 30)
        assert {a.staff_id for a in EventAttendee.select().where(EventAttendee.event == visit)} == {
            world["tech1"].id, world["desk"].id}
        assert "更换水表（3-2-501）" in screen_text(app) and "desk1,tech1" in screen_text(app)


async def test_e_edits_this_and_following_of_a_weekly_series(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await press(app, pilot, "A", "j")  # 11-30, then Thursday 12-03
        assert screen.selected().start == dt.datetime(2026, 12, 3, 9)
        form = await open_edit(app, pilot)
        assert form.query_one("#field-scope", Select).value == "one"
        form.query_one("#field-scope", Select).value = "following"
        form.query_one("#field-title", Input).value = "消防巡查（新路线）"
        form.query_one("#field-start", Input).value = "2026-12-03 10:00"
        form.query_one("#field-end", Input).value = "2026-12-03 11:00"
        await press(app, pilot, "f10")
        assert app.screen is screen
        old = Event.get_by_id(world["inspection"].id)
        assert old.title == "消防巡查" and "UNTIL=20261203" in old.rrule
        new = Event.get(Event.title == "消防巡查（新路线）")
        assert new.start == dt.datetime(2026, 12, 3, 10) and new.rrule
        shown = [(o.start, o.title) for o in screen.occurrences]
        assert (dt.datetime(2026, 11, 30, 9), "消防巡查") in shown
        assert (dt.datetime(2026, 12, 3, 10), "消防巡查（新路线）") in shown
        assert (dt.datetime(2026, 12, 7, 10), "消防巡查（新路线）") in shown
        assert "消防巡查（新路线）" in screen_text(app)


async def test_e_edits_one_occurrence_or_the_whole_series(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await press(app, pilot, "A")  # Monday 11-30 first
        form = await open_edit(app, pilot)
        form.query_one("#field-location", Input).value = "地下车库"
        await press(app, pilot, "f10")  # this occurrence (the default)
        one = Event.get(Event.series == world["inspection"].id)
        assert one.recurrence_id == dt.datetime(2026, 11, 30, 9) and one.location == "地下车库"
        assert Event.get_by_id(world["inspection"].id).location == ""
        await press(app, pilot, "j")  # Thursday 12-03: the whole series moves an hour later
        form = await open_edit(app, pilot)
        form.query_one("#field-scope", Select).value = "series"
        form.query_one("#field-start", Input).value = "2026-12-03 10:00"
        form.query_one("#field-end", Input).value = "2026-12-03 11:00"
        await press(app, pilot, "f10")
        assert app.screen is screen
        series = Event.get_by_id(world["inspection"].id)
        assert series.start == dt.datetime(2026, 11, 23, 10) and series.end == dt.datetime(2026, 11, 23, 11)
        assert dt.datetime(2026, 12, 7, 10) in [o.start for o in screen.occurrences]


async def test_edit_into_a_conflict_warns_then_saves_with_a_reason(world):
    meeting = f.event(world["tech1"], dt.datetime(2026, 11, 30, 14), dt.datetime(2026, 11, 30, 15),
                      title="物业例会", kind="meeting")
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        await press(app, pilot, "g")
        await type_in_form(app, pilot, "2026-11-30")
        await press(app, pilot, "d", "j")  # 09:00 inspection, then 14:00 meeting
        assert screen.selected().title == "物业例会"
        shown = record_notifications(app)
        form = await open_edit(app, pilot)
        form.query_one("#field-start", Input).value = "2026-11-30 09:30"
        form.query_one("#field-end", Input).value = "2026-11-30 10:30"
        await press(app, pilot, "f10")
        assert any("消防巡查" in s for s in shown)  # the clash named
        assert Event.get_by_id(meeting.id).start == dt.datetime(2026, 11, 30, 14)  # refused
        assert isinstance(app.screen, FormModal) and app.screen is not form
        assert "消防巡查" in screen_text(app)
        await type_in_form(app, pilot, "例会只能提前")
        assert app.screen is screen
        assert Event.get_by_id(meeting.id).start == dt.datetime(2026, 11, 30, 9, 30)
        notes = [a.new_value for a in AuditLog.select().where(AuditLog.field == "conflicts")]
        assert any("例会只能提前" in (n or "") for n in notes)


# --- tasks ----------------------------------------------------------------------------------


async def test_space_ticks_a_task_off_and_T_lists_open_tasks(world):
    task = f.event(world["tech1"], dt.datetime(2026, 11, 27, 16), dt.datetime(2026, 11, 27, 16, 30),
                   title="提交月报", kind="task")
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        assert "☐ 提交" in screen_text(app)  # the week view's 16:00 row
        await press(app, pilot, "T")
        assert screen.view_name == "tasks" and "Open tasks" in title_of(screen)
        assert "☐ 提交月报" in screen_text(app)
        await press(app, pilot, "d")
        assert screen.selected().title == "提交月报"
        await press(app, pilot, "space")
        assert Event.get_by_id(task.id).done
        assert "✓ 提交月报" in screen_text(app)
        await press(app, pilot, "T")
        assert screen.occurrences == [] and "No open tasks." in screen_text(app)
        await press(app, pilot, "d", "space")  # open it again
        assert not Event.get_by_id(task.id).done and "☐ 提交月报" in screen_text(app)


# --- export ---------------------------------------------------------------------------------


async def test_E_exports_the_calendar_into_the_export_folder_without_asking_for_a_path(world):
    f.event(world["tech1"], dt.datetime(2026, 11, 28, 14), dt.datetime(2026, 11, 28, 15),
            title="更换水表")
    f.event(world["desk"], dt.datetime(2026, 11, 28, 14), dt.datetime(2026, 11, 28, 15),
            title="前台值班")  # someone else's
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        shown = record_notifications(app)
        await press(app, pilot, "E")
        assert app.screen is screen  # no form: the app names the file
        folder = default_export_dir()
        path = folder / "calendar-tech1-20261127-100000.ics"
        parsed = icalendar.Calendar.from_ical(path.read_text(encoding="utf-8"))
        titles = sorted(str(e["SUMMARY"]) for e in parsed.walk("VEVENT"))
        assert titles == ["更换水表", "消防巡查"]
        assert any(f"Exported 2 events to {path.name} in the folder {folder}" in s for s in shown)
        await press(app, pilot, "E")  # the same second: a new file, the first one kept
        second = folder / "calendar-tech1-20261127-100000-1.ics"
        assert "BEGIN:VCALENDAR" in second.read_text(encoding="utf-8")
        assert "更换水表" in path.read_text(encoding="utf-8")


async def test_export_offers_printing_when_a_print_command_is_configured(world, tmp_path):
    from data.models import Setting

    log = tmp_path / "printed.txt"
    script = tmp_path / "fakelp"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\n', encoding="utf-8")
    script.chmod(0o755)
    Setting.create(key="print_command", value=f"{script} -d 前台 {{file}}")
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        shown = record_notifications(app)
        await press(app, pilot, "E")
        assert isinstance(app.screen, ConfirmModal) and "Print it?" in screen_text(app)
        await press(app, pilot, "y")
        assert app.screen is screen
        path = default_export_dir() / "calendar-tech1-20261127-100000.ics"
        assert log.read_text(encoding="utf-8").splitlines() == ["-d", "前台", str(path)]
        assert any(f"Sent {path.name} to the printer" in s for s in shown)

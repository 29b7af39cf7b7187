"""业委会 at 80×24 by keys alone: a member added by name (and one picked among namesakes by
a phone's last digits), listed with the days left and those ending within 60 days marked;
a role changed and a membership ended; a committee meeting booked on the calendar and its
minutes written, saved and shown again; a committee request opened as a work order of
kind 业委会事项; a refusal shown in the form with nothing typed lost."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from data import meetings, people
from data.db import close_database, open_database
from data.models import CommitteeMember, Event, WorkOrder
from data.people import PersonInput
from data.staff import sign_in
from screens.committee import CommitteeScreen, MinutesModal
from screens.meetings import MeetingsScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal
from widgets.picker import PickerModal

SIZE = (80, 24)


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(sqlite_url)
    comm = f.community("和谐家园", code="HX")
    desk1 = f.staff("desk1", "李娜", "desk")
    pids = {}
    for n, name in enumerate(("王建国", "张秀英", "张秀兰"), start=1):
        rid = people.ensure_room(comm.id, f"1-1-10{n}")
        pids[name] = people.create_person(PersonInput(name=name, phones=[f"139000{n}{n}{n}{n}{n}"]))
        people.move_in(pids[name], rid, "owner", dt.date(2020, 1, 1))
    # 王建国's term ends in 30 days: marked
    meetings.add_member(comm.id, pids["王建国"], "主任", dt.date(2022, 4, 4), dt.date(2027, 4, 4), staff_id=desk1.id)
    yield comm, pids
    close_database()


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def open_committee(app, pilot) -> CommitteeScreen:
    await settle(app, pilot)
    app.action_open_screen("committee")
    await settle(app, pilot)
    assert isinstance(app.screen, CommitteeScreen)
    return app.screen


@pytest.mark.asyncio
async def test_members_added_by_name_and_by_phone_tail_listed_with_days_left(world):
    comm, pids = world
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await open_committee(app, pilot)
        text = screen_text(app)
        assert "和谐家园" in text and "王建国" in text and "主任" in text
        assert "2022-04-04–2027-04-04" in text and " 30 " in text and "⚠" in text  # 30 days left: marked
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        await type_text(pilot, "王建国")  # already a member: the data layer's message, in the form
        await pilot.press("enter", "enter", "enter")
        await type_text(pilot, "2032-03-04")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        assert "王建国 已是本届业委会成员" in screen_text(app)
        assert app.screen.query_one("#field-term_end", Input).value == "2032-03-04"  # nothing lost
        person = app.screen.query_one("#field-person", Input)
        person.value = "张秀"  # two people: a list to pick from
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal))
        await settle(app, pilot)
        assert "张秀英" in screen_text(app) and "张秀兰" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        person.value = "2222"  # the last 4 digits of 张秀英's phone
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, CommitteeScreen))
        await settle(app, pilot)
        text = screen_text(app)
        assert "张秀英" in text and "委员" in text and "2027-03-05–2032-03-04" in text
        assert CommitteeMember.get(CommitteeMember.person == pids["张秀英"]).role == "member"
        row = next(line for line in text.splitlines() if "张秀英" in line)
        assert "1826" in row and "⚠" not in row


@pytest.mark.asyncio
async def test_role_changed_and_membership_ended(world):
    comm, pids = world
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await open_committee(app, pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        end = app.screen.query_one("#field-term_end", Input)
        end.value = "2021-01-01"  # before the start: refused, said under the field
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal) and "2021-01-01" == end.value
        assert "任期结束日须晚于开始日" in screen_text(app)
        end.value = "2032-04-03"  # walk19b N7: about 10 years from 2022-04-04 — refused, said under the field
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal) and "业委会每届任期不超过5年" in screen_text(app)
        app.screen.query_one("#field-term_start", Input).value = "2027-04-05"  # re-elected: a new term
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, CommitteeScreen))
        await settle(app, pilot)
        assert "2027-04-05–2032-04-03" in screen_text(app) and "⚠" not in screen_text(app)
        await pilot.press("x")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommitteeScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: "王建国" not in screen_text(app))
        assert meetings.members(comm.id) == []


@pytest.mark.asyncio
async def test_a_meeting_on_the_calendar_with_its_minutes_saved_and_shown_again(world):
    comm, _pids = world
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await open_committee(app, pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-date", Input).value = "2027-03-10"
        app.screen.query_one("#field-time", Input).value = "19:30"
        app.screen.query_one("#field-topic", Input).value = "讨论停车收费"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, CommitteeScreen))
        await settle(app, pilot)
        assert "2027-03-10 19:30" in screen_text(app) and "讨论停车收费" in screen_text(app)
        event = Event.get(Event.title.contains("讨论停车收费"))
        assert event.start == dt.datetime(2027, 3, 10, 19, 30) and event.kind == "meeting"
        await pilot.press("tab")  # the meetings table
        await settle(app, pilot)
        assert app.screen.query_one("#committee-meetings", DataTable).has_focus
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MinutesModal))
        await type_text(pilot, "同意提交业主大会")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CommitteeScreen))
        await settle(app, pilot)
        assert meetings.committee_meetings(comm.id)[0].minutes == "同意提交业主大会"
        assert Event.get_by_id(event.id).description == "同意提交业主大会"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MinutesModal))
        await settle(app, pilot)
        assert "同意提交业主大会" in screen_text(app)
        # the calendar shows it on its day
        from screens.calendar import CalendarScreen

        app.pop_screen()
        await settle(app, pilot)
        calendar = CalendarScreen()
        calendar.day, calendar.view_name = dt.date(2027, 3, 10), "day"
        app.push_screen(calendar)
        await wait_for(pilot, lambda: "业委会会议：讨论停车" in screen_text(app))
        assert "19:30-21:30" in screen_text(app)


@pytest.mark.asyncio
async def test_a_committee_request_opens_as_a_work_order_of_its_kind(world):
    from screens.workorder import WorkOrderScreen

    comm, _pids = world
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await open_committee(app, pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        assert form.values()["kind"] == "committee"
        # walk19b N6: not a repair — its own title, the community filled in, channel 来访,
        # no repair categories, no repair example
        values = form.values()
        assert values["community"] == "和谐家园" and values["channel"] == "visit"
        assert "新建业委会事项" in screen_text(app) and "厨房水管漏水" not in screen_text(app)
        [category] = [fld for fld in form.fields if fld.name == "category"]
        names = [text for text, _value in category.options]
        assert names and not any("水电" in n for n in names) and any("意见建议" in n for n in names)
        form.query_one("#field-title", Input).value = "要求公示停车场收支"
        form.query_one("#field-location", Input).value = "小区停车场"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, WorkOrderScreen))
        order = WorkOrder.get(WorkOrder.title == "要求公示停车场收支")
        assert order.kind == "committee" and order.community_id == comm.id
        await settle(app, pilot)
        app.pop_screen()
        await wait_for(pilot, lambda: isinstance(app.screen, CommitteeScreen) and order.number in screen_text(app))
        await pilot.press("tab", "tab")
        await settle(app, pilot)
        assert app.screen.query_one("#requests", DataTable).has_focus
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, WorkOrderScreen))
        assert app.screen.order_id == order.id


@pytest.mark.asyncio
async def test_the_owners_meetings_screen_opens_the_committee_by_a_key(world):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("meetings")
        await settle(app, pilot)
        assert isinstance(app.screen, MeetingsScreen)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, CommitteeScreen))


@pytest.mark.asyncio
async def test_e_and_x_act_only_on_the_members_table(world):
    """walk19b N5: with the focus in the meetings table, e and x name nobody: a message says
    to pick a member; in the members table x asks about that member."""
    from tests.screen_text import record_notifications

    comm, _pids = world
    meetings.record_meeting(comm.id, dt.datetime(2027, 3, 10, 19, 0), "讨论停车收费",
                           staff_id=sign_in("desk1").id)
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_committee(app, pilot)
        await wait_for(pilot, lambda: "讨论停车收费" in screen_text(app))
        said = record_notifications(app)
        screen.query_one("#committee-meetings", DataTable).focus()
        for key in ("x", "e"):
            await pilot.press(key)
            await settle(app, pilot)
            assert app.screen is screen
        assert sum("委员列表" in m for m in said) == 2
        screen.query_one("#members", DataTable).focus()
        await pilot.press("x")
        await wait_for(pilot, lambda: app.screen is not screen)
        assert "王建国" in screen_text(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen)
    assert [m.name for m in meetings.members(comm.id)] == ["王建国"]

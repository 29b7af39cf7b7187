"""业主大会 at 80×24 by keys alone: the meetings list with the committee's term ending soon,
a meeting opened, two clerks' ballots entered by room then one key per proposal, the tally
changing as they agree, and a differing entry listed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import Input

from data import meetings, people
from data.db import close_database, open_database
from data.models import Room
from data.people import PersonInput
from data.staff import sign_in
from screens.meetings import MeetingScreen, MeetingsScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp

SIZE = (80, 24)


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(sqlite_url)
    comm = f.community("和谐家园", code="HX")
    desk1 = f.staff("desk1", "李娜", "desk")
    f.staff("desk2", "周敏", "desk")
    for n in (1, 2, 3):
        rid = people.ensure_room(comm.id, f"1-1-10{n}")
        Room.update(area_m2=Decimal("100")).where(Room.id == rid).execute()
        pid = people.create_person(PersonInput(name=f"业主{n}", phones=[f"1390000000{n}"]))
        people.move_in(pid, rid, "owner", dt.date(2020, 1, 1))
    mid = meetings.create_meeting(comm.id, "第一次业主大会", dt.date(2027, 3, 25), "会所", staff_id=desk1.id).id
    meetings.add_proposal(mid, "续筹维修资金", "major", staff_id=desk1.id)
    meetings.add_proposal(mid, "续聘物业", "other", staff_id=desk1.id)
    meetings.add_member(comm.id, pid, "主任", dt.date(2022, 5, 1), dt.date(2027, 4, 30), staff_id=desk1.id)
    # the first clerk entered two papers already
    meetings.enter_ballot(mid, Room.get(Room.code == "1-1-101").id, "11", staff_id=desk1.id)
    meetings.enter_ballot(mid, Room.get(Room.code == "1-1-102").id, "12", staff_id=desk1.id)
    yield mid
    close_database()


async def enter(pilot, room: str, keys: str) -> None:
    await pilot.click("#room")
    for ch in room:
        await pilot.press(ch)
    await pilot.press("enter")
    for ch in keys:
        await pilot.press(ch)


@pytest.mark.asyncio
async def test_ballots_entered_by_keys_change_the_tally(world):
    app = FrontDeskApp(sign_in("desk2"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("meetings")
        await settle(app, pilot)
        assert isinstance(app.screen, MeetingsScreen)
        text = screen_text(app)
        assert "第一次业主大会" in text and "业主3" in text and "2027-04-30" in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))
        await settle(app, pilot)
        assert "0/3✗" in screen_text(app)
        await enter(pilot, "1-1-101", "11")  # agrees with the first clerk: it counts
        await wait_for(pilot, lambda: "1/3✗" in screen_text(app))
        await enter(pilot, "1-1-102", "11")  # the first clerk read 12
        await wait_for(pilot, lambda: "1-1-102" in screen_text(app) and "≠" in screen_text(app))
        assert "1/3✗" in screen_text(app)
        await settle(app, pilot)
        assert app.screen.query_one("#room", Input).has_focus


@pytest.mark.asyncio
async def test_the_owner_card_shows_only_the_owners_own_participation(world):
    from data.models import Person, Staff
    from screens.owner_card import OwnerCardScreen

    meetings.enter_ballot(world, Room.get(Room.code == "1-1-101").id, "11",
                          staff_id=Staff.get(Staff.login == "desk2").id)
    app = FrontDeskApp(sign_in("desk2"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for name, word in (("业主1", "已投票"), ("业主2", "未投票")):
            app.push_screen(OwnerCardScreen(Person.get(Person.name == name).id))
            await wait_for(pilot, lambda: "第一次业主大会" in screen_text(app))
            text = screen_text(app)
            assert word in text and "同意" not in text and "反对" not in text
            app.pop_screen()
            await settle(app, pilot)


@pytest.mark.asyncio
async def test_the_differences_view_lists_both_entries_and_takes_the_room_back(world):
    from data.models import Staff

    desk2 = Staff.get(Staff.login == "desk2").id
    meetings.enter_ballot(world, Room.get(Room.code == "1-1-102").id, "11", staff_id=desk2)  # desk1 read 12
    app = FrontDeskApp(sign_in("desk2"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(MeetingScreen(world))
        await wait_for(pilot, lambda: "0/3✗" in screen_text(app))
        assert "d 差异" in screen_text(app)  # the key is in the footer
        await pilot.press("d")  # the room field is empty: d opens the view
        await wait_for(pilot, lambda: "1-1-102" in screen_text(app) and "周敏" in screen_text(app))
        text = screen_text(app)
        assert "1同意 2反对" in text and "1同意 2同意" in text and "李娜" in text
        assert "录入1" in text and "录入2" in text
        await pilot.press("enter")  # the room goes back into the entry field
        await wait_for(pilot, lambda: app.screen.query_one("#keys", Input).has_focus)
        assert app.screen.query_one("#room", Input).value == "1-1-102"
        for ch in "12":  # desk2 re-reads the paper: now both agree, and the tally moves
            await pilot.press(ch)
        await wait_for(pilot, lambda: "1/3✗" in screen_text(app))
        await pilot.press("d")
        await wait_for(pilot, lambda: "没有差异" in screen_text(app))
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MeetingScreen)


@pytest.mark.asyncio
async def test_the_tally_says_what_is_not_counted_and_focus_goes_back_to_the_room(world):
    """walk19 #9, #13, #19: the ballots not counted are stated; the proposal form says which
    matters are major; after a proposal and after a ballot the room field has the focus;
    enter on an empty room says so."""
    from widgets.form import FormModal

    app = FrontDeskApp(sign_in("desk2"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(MeetingScreen(world))
        await wait_for(pilot, lambda: "0/3✗" in screen_text(app))
        assert "未计入 2 张" in screen_text(app) and "未定稿" in screen_text(app)
        await pilot.press("enter")  # nothing typed in the room field
        await wait_for(pilot, lambda: any("请输入房号" in str(n.message) for n in app._notifications))
        comm = Room.get(Room.code == "1-1-101").community_id
        second = meetings.create_meeting(comm, "第二次业主大会", dt.date(2027, 3, 25), staff_id=None).id
        app.pop_screen()
        app.push_screen(MeetingScreen(second))
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        assert "筹集维修资金" in screen_text(app) and "使用维修资金" in screen_text(app)
        for ch in "选聘物业":
            await pilot.press(ch)
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen) and "选聘物业" in screen_text(app))
        await settle(app, pilot)
        assert app.screen.query_one("#room", Input).has_focus
        for ch in "1-1-101":
            await pilot.press(ch)
        await pilot.press("enter", "1")
        await wait_for(pilot, lambda: "未计入 1 张" in screen_text(app))
        await settle(app, pilot)
        assert app.screen.query_one("#room", Input).has_focus


@pytest.mark.asyncio
async def test_the_result_shows_at_80x24_and_a_reentry_says_it_corrected_the_clerks_entry(world):
    """walk19b N3, N4: with a long proposal title and large areas the 通过/未通过 column is on
    screen without scrolling; the same clerk entering a room again is told it corrected their
    entry 1, with the votes in words."""
    from tests.screen_text import record_notifications

    Room.update(area_m2=Decimal("70174.50")).where(Room.code == "1-1-101").execute()
    Room.update(area_m2=Decimal("41292.40")).where(Room.code == "1-1-103").execute()
    from data.models import Proposal

    Proposal.update(title="筹集专项维修资金用于3栋、5栋电梯更新及消防设施改造").where(
        Proposal.meeting == world).execute()  # ballots are in: a long title, set behind the screen
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(MeetingScreen(world))
        await wait_for(pilot, lambda: "0/3✗" in screen_text(app))
        text = screen_text(app)
        assert "参与 人/面积" in text and "同意 人/面积" in text and "结果" in text
        assert text.count("未通过") == 2  # every proposal's result, no scrolling right
        said = record_notifications(app)
        await enter(pilot, "1-1-101", "12")  # desk1 entered 101 before: this corrects it
        await wait_for(pilot, lambda: any("1-1-101 录入1已更正：1同意 2反对" in m for m in said))
        await enter(pilot, "1-1-103", "33")
        await wait_for(pilot, lambda: any("1-1-103：第 1 次录入已保存（1弃权 2弃权）" in m for m in said))

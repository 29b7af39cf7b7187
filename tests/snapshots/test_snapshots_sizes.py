"""Every main screen at 80×24, 60×20 (a technician's phone) and 120×40 (SPEC §1): titles and
labels not cut, the queue keeping its deadline column, the home tiles their labels, the week
view all seven days and, when there is room, longer titles and more hours.

Regenerate after an intended change of the look: `.venv/bin/pytest tests/test_snapshots_sizes.py
--snapshot-update`, then look at the SVGs under tests/__snapshots__/ before committing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import people
from data.db import close_database, open_database
from data.models import Room
from data.people import PersonInput
from data.staff import sign_in
from tests import factories as f
from tui.app import FrontDeskApp

NOW = dt.datetime(2026, 11, 27, 10, 0)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((60, 20), id="60x20"),
         pytest.param((120, 40), id="120x40")]


@pytest.fixture
def town(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    jinxiu, yangguang = f.community("锦绣花园"), f.community("阳光水岸")
    me = f.staff("desk1", "李娜")
    tech = f.staff("tech1", "赵师傅", "tech")
    room = people.ensure_room(jinxiu.id, "3-2-501")
    other = people.ensure_room(yangguang.id, "3-2-501")  # the same code in another community
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    order = f.work_order(me, jinxiu, room_=Room.get_by_id(room), title="卫生间地漏返味",
                         status="assigned", assignee=tech, resolution_due=NOW - dt.timedelta(hours=3))
    f.work_order(me, yangguang, room_=Room.get_by_id(other), title="厨房下水道堵塞",
                 resolution_due=NOW + dt.timedelta(hours=5))
    f.work_order(me, jinxiu, title="电梯异响", resolution_due=NOW + dt.timedelta(days=1))
    f.event(me, NOW.replace(hour=9), NOW.replace(hour=10), title="2号楼消防巡检", kind="inspection")
    f.event(me, NOW.replace(hour=14, minute=30), NOW.replace(hour=15), title="3-2-501 上门维修")
    yield {"owner": owner, "order": order, "other_room": other}
    close_database()


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    # Cursor blink off: a blinking cursor caught on or off makes the snapshot flap.
    from textual.widgets import Input

    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause(0.1)


def _keys(*keys: str):
    async def run(pilot):
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)
    return run


@pytest.mark.parametrize("size", SIZES)
def test_home_at_three_sizes(town, snap_compare, size):
    from data.models import Staff

    # Today's duty (值班): the roster line under the tiles.
    for login, hour, hours, title in (("desk1", 8, 8, "前台早班"), ("tech1", 20, 12, "维修夜班")):
        f.event(Staff.get(Staff.login == login), NOW.replace(hour=hour),
                NOW.replace(hour=hour) + dt.timedelta(hours=hours), title=title, kind="duty")
    assert snap_compare(FrontDeskApp(sign_in("desk1"), "demo.db"), terminal_size=size, run_before=_keys())


@pytest.mark.parametrize("size", SIZES)
def test_queue_at_three_sizes_keeps_the_deadline_and_names_the_community(town, snap_compare, size):
    assert snap_compare(FrontDeskApp(sign_in("desk1"), "demo.db"), terminal_size=size,
                        run_before=_keys("f3", "6"))


@pytest.mark.parametrize("size", SIZES)
def test_work_order_at_three_sizes(town, snap_compare, size):
    async def open_order(pilot):
        from screens.workorder import WorkOrderScreen

        await _settle(pilot)
        pilot.app.push_screen(WorkOrderScreen(town["order"].id))
        await _settle(pilot)

    assert snap_compare(FrontDeskApp(sign_in("desk1"), "demo.db"), terminal_size=size, run_before=open_order)


@pytest.mark.parametrize("size", SIZES)
def test_owner_card_at_three_sizes(town, snap_compare, size):
    async def open_card(pilot):
        from screens.owner_card import OwnerCardScreen

        await _settle(pilot)
        pilot.app.push_screen(OwnerCardScreen(town["owner"]))
        await _settle(pilot)

    assert snap_compare(FrontDeskApp(sign_in("desk1"), "demo.db"), terminal_size=size, run_before=open_card)


@pytest.mark.parametrize("size", SIZES)
def test_inbound_call_at_three_sizes(town, snap_compare, size, monkeypatch):
    import screens.calls as calls_screen

    monkeypatch.setattr(calls_screen, "monotonic", lambda: 1000.0)  # the timer stays at 00:00

    async def inbound(pilot):
        await _settle(pilot)
        await pilot.press("f5")
        await _settle(pilot)
        await pilot.press("n", *"13800138000")
        await pilot.pause(0.3)
        await _settle(pilot)

    assert snap_compare(FrontDeskApp(sign_in("desk1"), "demo.db"), terminal_size=size, run_before=inbound)


@pytest.mark.parametrize("size", SIZES)
def test_calendar_week_at_three_sizes_shows_all_seven_days(town, snap_compare, size):
    assert snap_compare(FrontDeskApp(sign_in("desk1"), "demo.db"), terminal_size=size,
                        run_before=_keys("f4", "w"))

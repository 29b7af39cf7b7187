"""Issue 15 items 6 and 8 on screen at 80×24: the work-order screen offers 回访 and 关闭 to
the desk but not to the technician who worked the order; the 回访 form names the owner and
the masked phone; reassigning says so (改派, the current holder named, not starred, every
candidate with a reason); a call that becomes a work order keeps its number on the calls
screen, in the caller panel and the script, until the clerk closes it."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import TextArea

from data import people
from data import workorders as wo
from data.db import close_database, open_database
from data.models import Territory, WorkOrder
from data.people import PersonInput
from data.staff import sign_in
from screens import calls as calls_screen
from screens.calls import CallsScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal

NOW = dt.datetime(2026, 12, 7, 10, 0)


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    monkeypatch.delenv(calls_screen.DIAL_ENV, raising=False)
    open_database(sqlite_url)
    calls_screen_clock = iter(range(1000, 10**6))
    monkeypatch.setattr(calls_screen, "monotonic", lambda: float(next(calls_screen_clock)))
    comm = f.community("锦绣花园")
    room_id = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张思明", gender="M", phones=["15905298674"]))
    people.move_in(owner, room_id, "owner", dt.date(2020, 1, 1))
    desk, tech = f.staff("desk1", "王丽"), f.staff("tech1", "王海涛", "tech")
    f.staff("tech2", "杨勇", "tech")
    f.staff("tech3", "黄磊", "tech")
    f.staff("super1", "陈静", "supervisor")
    from data.models import Building

    Territory.create(staff=tech, building=Building.get(Building.community == comm.id, Building.code == "3"))
    order = wo.create_order(wo.OrderInput(kind="repair", title="卫生间地漏返味", community_id=comm.id,
                                        room_id=room_id, person_id=owner, contact_phone="15905298674"),
                            desk.id)
    yield {"comm": comm, "room": room_id, "owner": owner, "desk": desk, "tech": tech, "order": order}
    close_database()


def resolve_by_tech(world) -> None:
    order = world["order"]
    wo.assign(order.id, world["tech"].id, world["desk"].id)
    wo.start(order.id, world["tech"].id)
    wo.resolve(order.id, world["tech"].id, "更换地漏芯")


async def open_order(app, pilot, order_id: int) -> WorkOrderScreen:
    await settle(app, pilot)
    screen = WorkOrderScreen(order_id)
    app.push_screen(screen)
    await wait_for(pilot, lambda: screen.view is not None)
    await settle(app, pilot)
    return screen


async def test_the_technician_is_not_offered_the_callback_or_close(world):
    resolve_by_tech(world)
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_order(app, pilot, world["order"].id)
        assert screen.check_action("callback", ()) is False
        assert screen.check_action("close_order", ()) is False
        footer = screen_text(app).splitlines()[-1]
        assert "回访" not in footer and "关闭" not in footer
        await pilot.press("v")
        await settle(app, pilot)
        assert app.screen is screen  # no 回访 form
    assert WorkOrder.get_by_id(world["order"].id).status == "resolved"


async def test_the_desk_records_the_callback_seeing_owner_and_masked_phone(world):
    resolve_by_tech(world)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_order(app, pilot, world["order"].id)
        assert screen.check_action("callback", ()) is True
        assert "回访" in screen_text(app).splitlines()[-1]
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        text = screen_text(app)
        assert "张思明" in text and "159****8674" in text and "15905298674" not in text
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("R")  # revealed (recorded): the form shows it in full
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        assert "15905298674" in screen_text(app)
        await pilot.press(*"5", "f10")
        await settle(app, pilot)
    stored = WorkOrder.get_by_id(world["order"].id)
    assert (stored.status, stored.rating, stored.callback_by_id) == ("visited", 5, world["desk"].id)


async def test_reassigning_says_so_names_the_holder_and_does_not_star_him(world):
    order = world["order"]
    wo.assign(order.id, world["tech"].id, world["desk"].id)
    wo.start(order.id, world["tech"].id)
    app = FrontDeskApp(sign_in("super1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_order(app, pilot, order.id)
        await pilot.press("a")
        await settle(app, pilot, 0.1)
        text = screen_text(app)
        assert "改派" in text and "现由 王海涛 处理" in text
        rows = [line for line in text.splitlines() if "(tech" in line]
        assert len(rows) == 3
        holder = next(line for line in rows if "王海涛" in line)
        assert "★" not in holder and "当前处理人" in holder
        assert "★" in next(line for line in rows if "王海涛" not in line)
        for line in rows:  # every candidate says why
            assert "张未完成" in line, line
        await pilot.press("enter")  # the suggestion
        await settle(app, pilot)
        await pilot.press(*"休假", "f10")
        await settle(app, pilot)
    stored = WorkOrder.get_by_id(order.id)
    assert stored.status == "assigned" and stored.assignee_id != world["tech"].id


def script_text(screen) -> str:
    """The whole script panel (it scrolls: the screen shows its first lines)."""
    return str(screen.call_pane.query_one("#call-script").render())


async def test_the_order_number_stays_on_the_calls_screen_to_be_read_back(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        await pilot.press("n")
        await pilot.press(*"15905298674")
        await settle(app, pilot, 0.2)
        await pilot.press("tab", "1")
        await settle(app, pilot)
        assert isinstance(app.focused, TextArea)
        assert "{" not in screen_text(app)
        script = script_text(screen)
        assert "{" not in script and "工单号（保存后生成）" in script
        await pilot.press(*"厨房水管漏水")
        await pilot.press("tab", "w")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        await pilot.press("f10")
        await settle(app, pilot, 0.1)
        assert app.screen is screen
        number = WorkOrder.get(WorkOrder.title == "厨房水管漏水").number
        text = screen_text(app)
        assert number in text and "{" not in text  # the caller panel, at 80×24
        assert f"已登记工单 {number}" in text  # the call's line
        caller = str(screen.call_pane.query_one("#call-match").render())
        assert f"已登记报修，工单号 {number}" in caller and "张思明" in caller
        assert f"工单号{number}" in script_text(screen) and "{" not in script_text(screen)
        assert screen.draft is None  # the call is saved: the panel is free for the next one
        await pilot.press("escape")  # the clerk closes it; the screen stays
        await settle(app, pilot)
        assert app.screen is screen and number not in screen_text(app)

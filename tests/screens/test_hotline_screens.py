"""The 12345 hotline on screen at 80×24 (issue 16 item 13): the work-order screen shows the
hotline's reference and the reply deadline with what is left, `y` records the reply (desk and
leads; never offered to a technician); the new-order form asks for the reference and the
deadline once the channel is 12345热线; the queue's 12345 filter shows the reply deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Select, TextArea

from data import hotline, people
from data import workorders as wo
from data.db import close_database, open_database
from data.models import HotlineOrder, WorkOrder
from data.queue import QueueFilter
from data.staff import sign_in
from screens.queue import QueueScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal

NOW = dt.datetime(2026, 12, 7, 10, 0)
DUE = dt.datetime(2026, 12, 9, 17, 0)


@pytest.fixture
def world(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(db_url)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    desk = f.staff("desk1", "王丽")
    f.staff("tech1", "王海涛", "tech")
    order = wo.create_order(wo.OrderInput(
        kind="complaint", title="楼上装修噪音扰民", community_id=comm.id, room_id=room,
        channel="hotline", hotline_ref="SZ-2026-004711", reply_due=DUE), desk.id)
    yield {"comm": comm, "room": room, "desk": desk, "order": order}
    close_database()


async def open_order(app, pilot, order_id: int) -> WorkOrderScreen:
    await settle(app, pilot)
    screen = WorkOrderScreen(order_id)
    app.push_screen(screen)
    await wait_for(pilot, lambda: screen.view is not None)
    await settle(app, pilot)
    return screen


async def test_the_desk_records_the_hotline_reply_from_the_work_order(world):
    order = world["order"]
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_order(app, pilot, order.id)
        text = screen_text(app)
        assert "12345热线" in text
        assert "12345 SZ-2026-004711 · 答复期限 12-09 17:00 (还剩 2d7h)" in text
        footer = text.splitlines()[-1]
        assert "y 答复热线" in footer, footer
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form_text = screen_text(app)
        assert "答复 12345 SZ-2026-004711" in form_text and "12-09 17:00" in form_text
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"已约谈装修户业主表示满意", "f10")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: screen.view is not None and screen.view.hotline is not None
                       and screen.view.hotline.replied)
        await settle(app, pilot)
        text = screen_text(app)
        assert "答复期限 12-09 17:00（王丽 已于 10:00 答复）" in text, text
        assert "y 答复热线" not in text.splitlines()[-1]  # nothing left to reply
        assert "已答复 12345 热线" in text  # the history says it
    row = HotlineOrder.get()
    assert (row.reply_text, row.replied_by_id, row.replied_at) == (
        "已约谈装修户业主表示满意", world["desk"].id, NOW)


async def test_an_empty_reply_keeps_the_form_open_with_the_reason(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_order(app, pilot, world["order"].id)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        assert "请写明答复热线的内容" in screen_text(app)
    assert HotlineOrder.get().replied_at is None


async def test_an_overdue_reply_shows_red_words_and_the_technician_has_no_key(world, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-09 18:30")
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    wo.assign(world["order"].id, app.staff.id, world["desk"].id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_order(app, pilot, world["order"].id)
        text = screen_text(app)
        assert "12345 SZ-2026-004711 · 答复期限 17:00 (已超期 1h30m)" in text  # today: the time
        assert screen.check_action("hotline_reply", ()) is False
        assert "答复热线" not in text.splitlines()[-1]
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is screen
    assert HotlineOrder.get().replied_at is None


async def test_a_new_order_from_the_hotline_asks_for_reference_and_deadline(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(QueueScreen())
        await settle(app, pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        assert not form.query_one("#field-hotline_ref").parent.display
        assert "热线编号" not in screen_text(app)
        form.query_one("#field-title").value = "小区垃圾清运不及时"
        form.query_one("#field-kind", Select).value = "complaint"
        form.query_one("#field-room").value = "3-2-501"
        form.query_one("#field-channel", Select).value = "hotline"
        await settle(app, pilot)
        assert form.query_one("#field-hotline_ref").parent.display
        form.query_one("#field-channel").focus()
        await pilot.press("enter")  # the next field is the reference
        assert app.focused is form.query_one("#field-hotline_ref")
        await pilot.press(*"SZ 7", "enter", *"12-10", "f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)  # the space is refused, under the field
        assert "字母、数字和连字符" in screen_text(app)
        form.query_one("#field-hotline_ref").value = "SZ-2026-0007"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, WorkOrderScreen))
        await settle(app, pilot)
        assert "12345 SZ-2026-0007 · 答复期限 12-10 17:00" in screen_text(app)
    order = WorkOrder.get(WorkOrder.title == "小区垃圾清运不及时")
    assert order.channel == "hotline"
    assert (HotlineOrder.get(HotlineOrder.work_order == order.id).reply_due ==
            dt.datetime(2026, 12, 10, 17, 0))


async def test_the_queue_filtered_to_the_hotline_shows_the_reply_deadline(world):
    wo.create_order(wo.OrderInput(kind="complaint", title="电话投诉停车", community_id=world["comm"].id,
                                  room_id=world["room"]), world["desk"].id)
    other = wo.create_order(wo.OrderInput(
        kind="complaint", title="路灯不亮", community_id=world["comm"].id, room_id=world["room"],
        channel="hotline", hotline_ref="SZ-2026-0099", reply_due=NOW + dt.timedelta(hours=1)),
        world["desk"].id)
    hotline.record_reply(other.id, "已修复", world["desk"].id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = QueueScreen("all")
        app.push_screen(screen)
        await wait_for(pilot, lambda: screen.page is not None)
        screen.action_hotline_filter()
        await wait_for(pilot, lambda: screen.filter == QueueFilter(hotline="all")
                       and screen.page is not None and len(screen.page.rows) == 2)
        await settle(app, pilot)
        text = screen_text(app)
        assert "答复期限" in text and "12345热线" in text
        lines = text.splitlines()
        assert any("楼上装修噪音" in line and "2d7h" in line for line in lines), text
        assert any("路灯不亮" in line and "已答复" in line for line in lines), text
        assert "电话投诉停车" not in text

"""The work-order screen says when a noise complaint is about a room under renovation, and
whether it came in or outside the permitted hours (Pilot, Chinese, 80×24)."""

from __future__ import annotations

import datetime as dt

import pytest

from data import i18n, people, renovations
from data import workorders as wo
from data.db import close_database, open_database
from data.models import Category
from data.people import PersonInput
from data.staff import sign_in
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2026-03-02 09:00")
    open_database(sqlite_url)
    i18n.set_language("zh_CN")
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    people.move_in(people.create_person(PersonInput(name="张晓明")), room, "owner")
    desk, lead = f.staff("desk1", "李娜", community=comm), f.staff("super1", "陈静", "supervisor")
    permit = renovations.register(renovations.RenovationInput(
        room_id=room, contractor="美家装饰", contractor_phone="13700137000",
        start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 5, 31), deposit_received=True,
        rules_acknowledged=True), desk.id)
    renovations.approve(permit.id, lead.id)
    renovations.start(permit.id, desk.id)
    noise = Category.get(Category.code == "noise.renovation").id
    orders = {}
    for when in ("2026-03-04 12:30", "2026-03-04 10:00"):
        monkeypatch.setenv("FRONTDESK_NOW", when)
        orders[when] = wo.create_order(wo.OrderInput(
            kind="complaint", title="楼上电钻声", community_id=comm.id, room_id=room,
            category_id=noise), desk.id).id
    yield {"orders": orders, "permit": permit}
    close_database()
    i18n.set_language("en")


@pytest.mark.parametrize(("when", "line"), [
    ("2026-03-04 12:30", "装修中：超出许可施工时间"),
    ("2026-03-04 10:00", "装修中（许可时间内）"),
])
async def test_the_complaint_shows_the_renovation_line(world, when, line):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(WorkOrderScreen(world["orders"][when]))

        def shown() -> bool:
            """the renovation line is on the work-order screen"""
            return line in screen_text(app)

        await wait_for(pilot, shown)
        text = screen_text(app)
        details = text.split("回车查看完整备注")[0]
        assert line in details and world["permit"].number in details

"""收费管理 (issue 18 items 1, 3, 7, 9) at 80×24 by keys alone: a meter reading entered from
the palette's screen is stored and a lower one is refused with the form kept; a work order's
owner-paid costs billed from its view with `B`, a second time refused; late fees turned on;
a commission statement approved (the desk is not offered the screen); a fund ballot
recorded and the vote closed with its figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import Input

from data import fees, i18n
from data.db import close_database, open_database
from data.fees import commissions, fund
from data.models import (
    Bill,
    CommissionStatement,
    CostLine,
    FundRequestRoom,
    MeterReading,
    Room,
    WorkOrder,
)
from data.staff import sign_in
from screens.fees_manage import FeesManageScreen, FundRequestScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.helpers.fees import world
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal

SIZE = (80, 24)


@pytest.fixture
def w(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    i18n.set_language("en")
    open_database(sqlite_url)
    w = world()
    water = fees.create_item(w.comm.id, "水费", "meter", "monthly")
    fees.add_standard(water.id, "3.45", dt.date(2020, 1, 1))
    fees.record_reading(w.rooms["3-1-101"], "水费", "2027-02", "100")
    fees.record_reading(w.rooms["3-1-102"], "水费", "2027-02", "50")
    yield w
    close_database()


async def open_manage(app, pilot) -> FeesManageScreen:
    await settle(app, pilot)
    app.action_open_screen("fees_manage")
    await settle(app, pilot)
    assert isinstance(app.screen, FeesManageScreen)
    return app.screen


def fill(app, **values: str) -> None:
    for name, value in values.items():
        app.screen.query_one(f"#field-{name}", Input).value = value


async def test_a_reading_is_stored_and_a_lower_one_refused_with_the_form_kept(w):
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        titles = " ".join(c.title for c in app.get_system_commands(app.screen))
        assert "Fees management" in titles
        await open_manage(app, pilot)
        await wait_for(pilot, lambda: "0 readings for 2027-03" in screen_text(app))
        assert "2 rooms read before have no reading yet" in screen_text(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        assert app.screen.query_one("#field-period", Input).value == "2027-03"
        fill(app, room="3-1-101", reading="99")
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)  # refused: the form stays with what was typed
        assert "lower than this room's last reading 100.00" in screen_text(app)
        assert app.screen.query_one("#field-reading", Input).value == "99"
        fill(app, reading="112.5")
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FeesManageScreen)
        stored = MeterReading.get(MeterReading.room == w.rooms["3-1-101"], MeterReading.period == "2027-03")
        assert Decimal(str(stored.reading)) == Decimal("112.5")
        await wait_for(pilot, lambda: "1 readings for 2027-03" in screen_text(app))
        text = screen_text(app)
        assert "1 rooms read before have no reading yet" in text and "3-1-101" in text and "12.50" in text


async def test_a_meter_change_needs_its_reason_in_the_form(w):
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await open_manage(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        form = app.screen
        fill(app, room="3-1-102", reading="6")
        form.query_one("#field-change").value = "yes"
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form  # no reason given: refused, the form kept
        assert not MeterReading.select().where(MeterReading.room == w.rooms["3-1-102"],
                                               MeterReading.period == "2027-03").exists()
        fill(app, note="旧表损坏，换新表")
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FeesManageScreen)
        stored = MeterReading.get(MeterReading.room == w.rooms["3-1-102"], MeterReading.period == "2027-03")
        assert stored.meter_change and Decimal(str(stored.reading)) == Decimal("6")

async def test_a_repair_is_billed_from_the_work_order_view_once(w):
    room = Room.get_by_id(w.rooms["3-1-101"])
    order = f.work_order(w.desk, w.comm, room_=room, status="resolved")
    CostLine.create(work_order=order, kind="material", description="阀门", quantity=Decimal("2"),
                    unit_price=Decimal("35.50"), payer="owner")
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.push_screen(WorkOrderScreen(order.id))
        await settle(app, pilot)
        await pilot.press("B")
        await wait_for(pilot, lambda: "Bill the owner 71.00 yuan" in screen_text(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: any("71.00" in m for m in shown))
        assert any("on the statement of 3-1-101" in m for m in shown)
        assert Bill.get(Bill.work_order == order.id).amount_fen == 7100
        await pilot.press("B")
        await wait_for(pilot, lambda: any("already billed" in m for m in shown))
        assert Bill.select().where(Bill.work_order == order.id).count() == 1


async def test_late_fees_turned_on(w):
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await open_manage(app, pilot)
        await pilot.press("2")
        await wait_for(pilot, lambda: "Late fees are off." in screen_text(app))
        await pilot.press("l")
        await settle(app, pilot)
        fill(app, rate="abc")
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal) and "daily rate" in screen_text(app)
        fill(app, rate="0.0005", **{"from": "2027-04-01"})
        await pilot.press("f10")
        await wait_for(pilot, lambda: "0.0005 a day on what is overdue, from 2027-04-01" in screen_text(app))
        terms = fees.late_fee_terms(w.comm.id)
        assert terms is not None and (terms.rate, terms.starts_on) == (Decimal("0.0005"), dt.date(2027, 4, 1))


async def test_a_statement_approved_and_the_desk_not_offered_the_screen(w):
    commissions.add_rule("tech", "labour", "10", dt.date(2027, 1, 1))
    order = f.work_order(w.desk, w.comm, status="resolved", assignee=w.tech)
    WorkOrder.update(resolved_at=dt.datetime(2027, 2, 10, 15, 0)).where(WorkOrder.id == order.id).execute()
    CostLine.create(work_order=order.id, kind="labour", description="换水龙头", quantity=Decimal("2"),
                    unit_price=Decimal("45.50"), payer="owner")
    desk = FrontDeskApp(sign_in("desk1"), "test.db")
    async with desk.run_test(size=SIZE) as pilot:
        await settle(desk, pilot)
        titles = " ".join(c.title for c in desk.get_system_commands(desk.screen))
        assert "Fees management" not in titles
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await open_manage(app, pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: "王建国" in screen_text(app) and "草稿" in screen_text(app))
        assert "9.10" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: order.number in screen_text(app))
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: "已审批" in screen_text(app))
        assert "陈静" in screen_text(app)
        row = CommissionStatement.get(CommissionStatement.staff == w.tech.id, CommissionStatement.month == "2027-02")
        assert (row.status, row.total_fen, row.approved_by_id) == ("approved", 910, w.lead.id)


async def test_a_ballot_recorded_and_the_vote_closed(w):
    req = fund.create_request(w.comm.id, "3号楼屋面防水维修", "12000", "顶层渗漏",
                              room_ids=[w.rooms["3-1-101"], w.rooms["3-1-102"]], staff_id=w.lead.id)
    fund.open_vote(req.id, w.lead.id)
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await open_manage(app, pilot)
        await pilot.press("4")
        await wait_for(pilot, lambda: "3号楼屋面防水维修" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FundRequestScreen) and "3-1-102" in screen_text(app))
        for _room in ("3-1-101", "3-1-102"):
            await pilot.press("v")
            await settle(app, pilot)
            assert isinstance(app.screen, FormModal)
            await pilot.press("f10")
            await settle(app, pilot)
            await pilot.press("down")
        await wait_for(pilot, lambda: screen_text(app).count("同意") >= 2)
        assert FundRequestRoom.select().where(FundRequestRoom.request == req.id,
                                              FundRequestRoom.ballot == "yes").count() == 2
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: "Took part: 180.00/180.00" in screen_text(app))
        assert "approved" in screen_text(app) and any("Took part" in m for m in shown)
        assert fund.get_request(req.id, w.lead.id).status == "approved"

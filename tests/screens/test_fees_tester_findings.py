"""The TUI security tester's findings of issue 18 at 80×24: `B` neither offered nor run on an
unfinished work order and confirmed with its amount on a finished one; `d` deletes the
highlighted meter reading after a confirmation (refused once billed); the fund request's
stored text shown literally (no bidi override, no markup)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import fees, i18n
from data.db import close_database, open_database
from data.fees import fund
from data.models import Bill, CostLine, FundRequest, MeterReading, Room
from data.staff import sign_in
from screens.fees_manage import FeesManageScreen, FundRequestScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.helpers.fees import world
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal

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
    fees.record_reading(w.rooms["3-1-101"], "水费", "2027-03", "112")
    yield w
    close_database()


def owner_paid_order(w, status: str):
    order = f.work_order(w.desk, w.comm, room_=Room.get_by_id(w.rooms["3-1-101"]), status=status)
    CostLine.create(work_order=order, kind="material", description="阀门", quantity=Decimal("1"),
                    unit_price=Decimal("35"), payer="owner")
    return order


async def test_b_does_nothing_on_an_unfinished_order_and_asks_with_the_amount_on_a_finished_one(w):
    new = owner_paid_order(w, "new")
    done = owner_paid_order(w, "resolved")
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.push_screen(WorkOrderScreen(new.id))
        await wait_for(pilot, lambda: new.number in screen_text(app))
        assert "Bill owner" not in screen_text(app)
        await pilot.press("B")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmModal) and not shown
        assert not Bill.select().where(Bill.work_order == new.id).exists()
        app.pop_screen()
        app.push_screen(WorkOrderScreen(done.id))
        await wait_for(pilot, lambda: done.number in screen_text(app))
        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert f"Bill the owner 35.00 yuan (有偿维修 {done.number})?" in screen_text(app)
        await pilot.press("n")  # no: nothing billed
        await settle(app, pilot)
        assert not Bill.select().where(Bill.work_order == done.id).exists()
        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("enter")  # enter does not answer yes: only y bills
        await settle(app, pilot)
        assert not Bill.select().where(Bill.work_order == done.id).exists()
        await pilot.press("y")
        await wait_for(pilot, lambda: any("Billed 35.00 yuan" in m for m in shown))
        assert Bill.get(Bill.work_order == done.id).amount_fen == 3500


async def test_d_deletes_the_highlighted_reading_after_a_confirmation_not_once_billed(w):
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.action_open_screen("fees_manage")
        await wait_for(pilot, lambda: isinstance(app.screen, FeesManageScreen)
                       and "1 readings for 2027-03" in screen_text(app))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Delete the reading 112.00 of 3-1-101 水费 for 2027-03?" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: "0 readings for 2027-03" in screen_text(app))
        assert any("the reading 112.00 is deleted" in m for m in shown)
        assert not MeterReading.select().where(MeterReading.period == "2027-03").exists()
        # billed: refused, the message shown, the reading kept
        fees.record_reading(w.rooms["3-1-101"], "水费", "2027-03", "112")
        Bill.create(community=w.comm.id, room=w.rooms["3-1-101"], item=fees.find_item(w.comm.id, "水费").id,
                    period="2027-03", starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 3, 31),
                    payer_kind="owner", quantity=12, unit_price_fen=345, amount_fen=4140,
                    issued_at=dt.datetime(2027, 3, 5, 9, 0))
        app.screen.refresh_data()
        await wait_for(pilot, lambda: "1 readings for 2027-03" in screen_text(app))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_for(pilot, lambda: any("its reading cannot be deleted" in m for m in shown))
        assert MeterReading.select().where(MeterReading.period == "2027-03").exists()


async def test_the_fund_request_shows_stored_text_literally(w):
    req = fund.create_request(w.comm.id, "屋面防水", "12000", "顶层渗漏",
                              room_ids=[w.rooms["3-1-101"]], staff_id=w.lead.id)
    # written past the form's checks: a right-to-left override and markup-looking text
    FundRequest.update(project="\u202e[red]维修[/red]", reason="[b]原因[/b]\x1b[2J").where(
        FundRequest.id == req.id).execute()
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(FundRequestScreen(req.id, "锦绣花园"))
        await wait_for(pilot, lambda: "[red]维修[/red]" in screen_text(app))
        text = screen_text(app)
        assert "\u202e" not in text and "\x1b" not in text
        assert "\ufffd[red]维修[/red]" in text and "[b]原因[/b]␛[2J" in text

"""What a new clerk found walking the fees screens at 80×24 (issue 18): `r` prints a receipt
whose number another community also has, an overpayment asks first, a promise's short date
is read and shown, the reason form starts blank, rooms without an owner say so, the
statement names the owner, `c` cycles back to 全部小区, pgdn at the end says so."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from data import fees, people
from data.db import close_database, open_database
from data.fees import collection
from data.models import ArrearsContact, ArrearsReason, FeeAccount, Invoice, Payment
from data.staff import sign_in
from screens.fees import FeesScreen, StatementScreen
from tests import factories as f
from tests.helpers.fees import world
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.form import FormModal

SIZE = (80, 24)


@pytest.fixture
def w(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(sqlite_url)
    w = world()
    for period in ("2027-01", "2027-02", "2027-03"):
        fees.bill_period(period)
    yield w
    close_database()


def app_for(login: str = "desk1") -> FrontDeskApp:
    return FrontDeskApp(sign_in(login), "test.db")


async def open_statement(app, pilot, room_id: int) -> None:
    app.push_screen(StatementScreen(room_id))
    await wait_for(pilot, lambda: isinstance(app.screen, StatementScreen) and app.screen.view is not None)


async def test_r_prints_a_receipt_whose_number_another_community_has(w):
    other = f.community("翠湖苑")
    room = people.ensure_room(other.id, "1-1-101")
    elsewhere = fees.take_payment(room, "100", "cash", staff_id=w.desk.id)
    here = fees.take_payment(w.rooms["3-1-101"], "585", "cash", staff_id=w.desk.id)
    assert here.number == elsewhere.number  # receipt numbers restart per community
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        await open_statement(app, pilot, w.rooms["3-1-101"])
        await pilot.press("r")
        await wait_for(pilot, lambda: any(here.number in m and "多个小区" not in m for m in shown))
        assert not any("多个小区" in m for m in shown)
        # i: the invoice request goes to this room's payment, not the other community's.
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-title", Input).value = "张晓明"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, StatementScreen) and Invoice.select().exists())
    [invoice] = Invoice.select()
    assert invoice.payment_id == here.id


async def test_an_overpayment_asks_first_and_escape_keeps_the_amount(w):
    room = w.rooms["3-1-101"]  # owes 3 × 195.00 = 585.00
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_statement(app, pilot, room)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        amount = app.screen.query_one("#field-amount", Input)
        amount.value = "5000"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "多收 4415.00 元将转为预存，确认？" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        assert app.screen.query_one("#field-amount", Input).value == "5000"
        assert not Payment.select().exists()
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StatementScreen) and Payment.select().exists())
        [payment] = Payment.select()
        # After the payment the receipt stays on the statement's status line.
        status = app.screen.query_one("#fees-status")
        await wait_for(pilot, lambda: payment.number in str(status.render()))
    assert payment.amount_fen == 500000
    assert FeeAccount.get(FeeAccount.room == room).prepaid_fen == 441500


async def test_paying_what_is_owed_asks_nothing(w):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_statement(app, pilot, w.rooms["3-1-101"])
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, StatementScreen) and Payment.select().exists())
    assert Payment.get().amount_fen == 58500


async def test_a_promise_takes_a_short_date_and_shows_on_statement_and_list(w):
    list_id = collection.build_arrears_list(community_id=w.comm.id, staff_id=w.desk.id, name="三月催缴")
    from data.calls.lists import list_items

    item = next(i for i in list_items(list_id) if i.room_id == w.rooms["3-1-101"])
    collection.record_list_contact(item.id, "promise", w.desk.id, promised_on="+7")
    [contact] = ArrearsContact.select()
    assert contact.promised_on == dt.date(2027, 3, 12)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_statement(app, pilot, w.rooms["3-1-101"])
        await wait_for(pilot, lambda: "承诺 2027-03-12 缴费" in screen_text(app))
        app.pop_screen()
        app.push_screen(FeesScreen())
        await wait_for(pilot, lambda: "3-1-101" in screen_text(app))
        row = next(i for i, r in enumerate(app.screen.register.rows) if r.room_id == w.rooms["3-1-101"])
        app.screen.register.table.move_cursor(row=row)
        await wait_for(pilot, lambda: "承诺 2027-03-12 缴费" in screen_text(app))


async def test_the_reason_form_starts_blank_and_refuses_no_choice(w):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(FeesScreen())
        await wait_for(pilot, lambda: "3-1-101" in screen_text(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        assert "请选择" in screen_text(app)
        await pilot.press("f10")
        await wait_for(pilot, lambda: "请选择欠费原因" in screen_text(app))
        assert isinstance(app.screen, FormModal) and not ArrearsReason.select().exists()
        await pilot.press("escape")
        await settle(app, pilot)
        if isinstance(app.screen, ConfirmModal):
            await pilot.press("y")
            await settle(app, pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("down")  # open the choices, take the first
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        await pilot.press("f10")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormModal))
    assert ArrearsReason.select().count() == 1


async def test_the_reason_form_preselects_the_current_reason(w):
    fees.set_reason(w.rooms["3-1-101"], "hardship", "", w.desk.id)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(FeesScreen())
        await wait_for(pilot, lambda: "3-1-101" in screen_text(app))
        row = next(i for i, r in enumerate(app.screen.register.rows) if r.room_id == w.rooms["3-1-101"])
        app.screen.register.table.move_cursor(row=row)
        await settle(app, pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        assert app.screen.values()["reason"] == "hardship"


async def test_owners_filters_and_columns_at_80_columns(w):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.push_screen(FeesScreen())
        await wait_for(pilot, lambda: "3-1-103" in screen_text(app), timeout=15)
        text = screen_text(app)
        line = next(x for x in text.splitlines() if "3-1-103" in x)
        assert "无业主" in line or "建设单位" in line  # nobody's room is not blank
        assert "原因" in text and "…" not in next(x for x in text.splitlines() if "户欠费" in x)
        assert "全部小区" in text
        await pilot.press("c")
        await wait_for(pilot, lambda: "全部小区" not in screen_text(app), timeout=15)
        assert "全部楼栋" in screen_text(app)
        await pilot.press("b")  # building 3, then 5, then every building again
        await wait_for(pilot, lambda: "全部楼栋" not in screen_text(app), timeout=15)
        await pilot.press("b", "b")
        await wait_for(pilot, lambda: "全部楼栋" in screen_text(app), timeout=15)
        await pilot.press("c")
        await wait_for(pilot, lambda: "全部小区" in screen_text(app), timeout=15)
        # l: the 催缴 list says how many rooms were left out (3-1-103 has no owner).
        await pilot.press("l")
        await wait_for(pilot, lambda: any("未列入" in m for m in shown), timeout=15)
        assert any("1 户无业主电话，未列入" in m for m in shown)


async def test_the_statement_names_the_owner_and_pgdn_at_the_end_says_so(w):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        await open_statement(app, pilot, w.rooms["3-1-101"])
        await wait_for(pilot, lambda: "张晓明 138****0000" in screen_text(app))
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: any("没有更早的记录" in m for m in shown))
        await pilot.press("pageup")
        await wait_for(pilot, lambda: any("已是第一页" in m for m in shown))


async def test_help_lists_enter_on_the_arrears_list_and_no_key_twice_on_the_task_list(w):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(FeesScreen())
        await wait_for(pilot, lambda: "3-1-101" in screen_text(app))
        await pilot.press("f1")
        await wait_for(pilot, lambda: "打开该户的收费明细" in screen_text(app))
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("f5", "o")
        await settle(app, pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: "回电" in screen_text(app))
        lines = [line.strip("│ ") for line in screen_text(app).splitlines()]
        for words in ("o 任务", "h 历史", "t 统计", "c 回电", "n 新来电"):
            assert lines.count(words) == 1, words


async def test_the_owner_card_footer_offers_f_fees(w):
    from screens.owner_card import OwnerCardScreen

    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(OwnerCardScreen(w.owners["3-1-101"]))
        await wait_for(pilot, lambda: "张晓明" in screen_text(app))
        assert "f 收费" in screen_text(app).splitlines()[-1]
    app = app_for("tech1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(OwnerCardScreen(w.owners["3-1-101"]))
        await wait_for(pilot, lambda: "张晓明" in screen_text(app))
        assert "f 收费" not in screen_text(app).splitlines()[-1]


async def test_the_call_panel_of_a_催缴_item_shows_the_reason_and_the_promise(w):
    room = w.rooms["3-1-101"]
    fees.set_reason(room, "service", "电梯坏了三个月", w.desk.id)
    collection.record_promise(room, dt.date(2027, 3, 20), w.desk.id)
    collection.build_arrears_list(community_id=w.comm.id, min_fen=50000, staff_id=w.desk.id, name="三月催缴")
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: "三月催缴" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "承诺 2027-03-20 缴费" in screen_text(app))
        text = screen_text(app)
        assert "对服务不满" in text and "电梯坏了三个月" in text

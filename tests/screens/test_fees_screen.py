"""The fees screen (收费, issue 18 item 10) at 80×24 by keys alone: `f` on the room card and
on the owner card opens the room's statement (the balance on top, bills newest first), `p`
then F10 takes what is owed in cash (stored, the receipt in a toast and in the statement),
a bad amount keeps what was typed, the arrears list shows a room in the bucket of its
oldest debt and `enter` opens its statement; a technician or a guard cannot open it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from rich.cells import cell_len
from textual.widgets import Input

from data import fees, i18n, people
from data.db import close_database, open_database
from data.exports import default_export_dir
from data.models import Bill, Payment
from data.people import PersonInput
from data.staff import sign_in
from screens.fees import FeesScreen, StatementScreen
from screens.owner_card import OwnerCardScreen, RoomCardScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal

NOW = "2027-03-01 09:00"
SIZE = (80, 24)


@pytest.fixture
def desk(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    item = fees.create_item(comm.id, "垃圾清运费", "room", "monthly")
    import datetime as dt

    fees.add_standard(item.id, "25.50", dt.date(2026, 1, 1))
    fees.bill_period("2026-10", comm.id)  # 4–5 months old on 2027-03-01: the 3-6 bucket
    fees.bill_period("2027-02", comm.id)
    f.staff("desk1", "李娜", "desk")
    f.staff("tech1", "王建国", "tech")
    f.staff("guard1", "王保安", "guard")
    yield {"comm": comm, "room": room, "owner": owner}
    close_database()


def app_for(login: str) -> FrontDeskApp:
    return FrontDeskApp(sign_in(login), "test.db")


async def test_room_card_f_opens_the_statement_and_p_f10_takes_a_payment(desk):
    assert Bill.select().where(Bill.room == desk["room"]).count() == 2
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.push_screen(RoomCardScreen(desk["room"]))
        await settle(app, pilot)
        assert "f Fees" in screen_text(app).splitlines()[-1]
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, StatementScreen)
        text = screen_text(app)
        assert "锦绣花园 3-2-501" in text and "Owes 51.00 yuan" in text
        lines = text.splitlines()
        newest = next(i for i, line in enumerate(lines) if "2027-02" in line)
        older = next(i for i, line in enumerate(lines) if "2026-10" in line)
        assert newest < older and "25.50" in lines[newest]
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        assert app.screen.query_one("#field-amount", Input).value == "51.00"
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, StatementScreen)
        payment = Payment.get(Payment.room == desk["room"])
        assert (payment.amount_fen, payment.method, payment.kind) == (5100, "cash", "payment")
        assert payment.number.startswith("SJ-2027-")
        assert any(payment.number in message and "51.00" in message for message in shown)
        await wait_for(pilot, lambda: payment.number in screen_text(app))
        text = screen_text(app)
        assert "Nothing owed" in text and "Owes" not in text
        # r: the receipt of the payment as a PDF in the export folder, its path told.
        await pilot.press("r")
        await wait_for(pilot, lambda: any(m.startswith(f"Receipt {payment.number} written to") for m in shown))
        told = next(m for m in shown if m.startswith(f"Receipt {payment.number} written to"))
        path = Path(told.split(" written to ", 1)[1].rstrip("."))
        assert path.is_file() and path.suffix == ".pdf" and path.parent == default_export_dir()
        assert payment.number in "".join(page.extract_text() for page in PdfReader(str(path)).pages)


async def test_a_bad_amount_keeps_what_was_typed(desk):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(StatementScreen(desk["room"]))
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        amount = app.screen.query_one("#field-amount", Input)
        amount.value = ""
        amount.focus()
        await pilot.press(*"abc")
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        assert app.screen.query_one("#field-amount", Input).value == "abc"
        assert "amount" in screen_text(app).lower()
        assert Payment.select().count() == 0


async def test_owner_card_f_opens_the_statement_of_their_room(desk):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(OwnerCardScreen(desk["owner"]))
        await settle(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, StatementScreen)
        assert app.screen.room_id == desk["room"]
        assert "Owes 51.00 yuan" in screen_text(app)


async def test_the_arrears_list_shows_the_ageing_bucket_and_enter_opens_the_statement(desk):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = " ".join(c.title for c in app.get_system_commands(app.screen))
        assert "收费 · Fees" in titles and "欠费" in titles
        app.action_open_screen("fees")
        await settle(app, pilot)
        assert isinstance(app.screen, FeesScreen)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "Owes" in line and "3-6" in line)
        row = next(line for line in text.splitlines() if "3-2-501" in line)
        assert "1 rooms owe 51.00 yuan" in text
        # 25.50 in 0-3 (2027-02) and 25.50 in 3-6 (2026-10), nothing older
        first = row.index("25.50")
        second = row.index("25.50", first + 1)
        assert (cell_len(row[:first]), cell_len(row[:second])) == (header.index("0-3"), header.index("3-6"))
        assert row.count("25.50") == 2 and row.count("—") == 2  # nothing 6-12 or 12+
        await pilot.press("a", "a")  # oldest debt 3-6 months
        await settle(app, pilot)
        assert "3-2-501" in screen_text(app)
        await pilot.press("a")  # 6-12: nobody
        await settle(app, pilot)
        assert "3-2-501" not in screen_text(app) and "nothing here" in screen_text(app)
        await pilot.press("a", "a")  # every age again
        await settle(app, pilot)
        await pilot.press("c")  # the one community
        await settle(app, pilot)
        assert "锦绣花园" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, StatementScreen)
        assert app.screen.room_id == desk["room"]


@pytest.mark.parametrize("login", ["tech1", "guard1"])
async def test_a_technician_or_guard_cannot_open_fees(desk, login):
    app = app_for(login)
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        titles = " ".join(c.title for c in app.get_system_commands(app.screen))
        assert "Fees" not in titles
        app.action_open_screen("fees")
        await settle(app, pilot)
        assert not isinstance(app.screen, FeesScreen)
        app.push_screen(StatementScreen(desk["room"]))  # even pushed directly, data/ refuses
        await settle(app, pilot)
        assert not isinstance(app.screen, StatementScreen)
        assert any("may not" in message for message in shown)


async def test_a_transfer_without_its_reference_is_refused_and_kept(desk):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(StatementScreen(desk["room"]))
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        await pilot.press("tab", "space", "down", "enter")  # 银行转账, second in the list
        await settle(app, pilot)
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        assert "needs its reference" in screen_text(app)
        assert app.screen.query_one("#field-amount", Input).value == "51.00"
        assert Payment.select().count() == 0
        app.screen.query_one("#field-reference", Input).focus()
        await pilot.press(*"TX123")
        await pilot.press("f10")
        await settle(app, pilot)
        payment = Payment.get()
        assert (payment.method, payment.reference, payment.amount_fen) == ("transfer", "TX123", 5100)


async def test_the_owner_card_shows_what_the_rooms_owe_but_not_to_a_technician(desk):
    for login, shown in (("desk1", True), ("tech1", False)):
        app = app_for(login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.push_screen(OwnerCardScreen(desk["owner"]))
            await wait_for(pilot, lambda app=app: "张晓明" in screen_text(app))
            await settle(app, pilot)
            text = screen_text(app)
            assert ("Owes 51.00 yuan (2 months)" in text) is shown, text


def test_a_repair_bill_line_names_its_work_order():
    import datetime as dt

    from screens.fees import line_cells

    row = fees.BillRow(7, 1, "3-2-501", "有偿维修", "2027-03", dt.date(2027, 3, 1), dt.date(2027, 3, 1),
                       "owner", "张晓明", 4550, 0, 0, "BX-20270301-0002")
    assert line_cells(row)[1].plain == "有偿维修 BX-20270301-0002"


async def test_the_statement_shows_a_payment_s_invoice_state(desk):
    from data.fees.invoices import record_invoice, request_invoice

    staff = sign_in("desk1")
    paid = fees.take_payment(desk["room"], "51", "cash", staff_id=staff.id)
    request_invoice(paid.number, "张晓明", staff_id=staff.id)
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(StatementScreen(desk["room"]))
        await wait_for(pilot, lambda: paid.number in screen_text(app))
        assert "待开票" in screen_text(app)
    record_invoice(paid.number, "12345678", staff.id)
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(StatementScreen(desk["room"]))
        await wait_for(pilot, lambda: "已开票 No.12345678" in screen_text(app))

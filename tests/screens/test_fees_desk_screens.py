"""The fees desk at 80×24 (issue 18 items 4, 6, 7, 10): `l` on the arrears list builds a 催缴 call
list from its filters (stored, its size told, opened in the calls screen), `w` writes the
highlighted room's 催缴函 into the export folder, `g` (and the palette) writes the last quarter's
public statement, and `i` on a statement's payment requests its invoice (a bad tax number keeps
the form and says why) and then records its number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from textual.widgets import Input

from data import fees, i18n, people
from data.db import close_database, open_database
from data.exports import default_export_dir
from data.fees.invoices import CODE_CHARS, WEIGHTS
from data.models import CallList, CallListItem, Invoice
from data.people import PersonInput
from data.staff import sign_in
from screens.calls import CallsScreen
from screens.fees import FeesScreen, StatementScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.form import FormModal

NOW = "2027-03-01 09:00"
SIZE = (80, 24)


@pytest.fixture
def desk(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    open_database(sqlite_url)
    rooms = {}
    for name, code, person, phone in (("锦绣花园", "3-2-501", "张晓明", "13800138000"),
                                      ("翠湖苑", "1-1-101", "刘芳", "13900139000")):
        comm = f.community(name)
        room = people.ensure_room(comm.id, code)
        owner = people.create_person(PersonInput(name=person, phones=[phone]))
        people.move_in(owner, room, "owner")
        item = fees.create_item(comm.id, "垃圾清运费", "room", "monthly")
        fees.add_standard(item.id, "25.50", dt.date(2026, 1, 1))
        fees.bill_period("2026-10", comm.id)
        fees.bill_period("2027-02", comm.id)
        rooms[name] = (comm, room)
    f.staff("desk1", "李娜", "desk")
    yield rooms
    close_database()


def app_for(login: str) -> FrontDeskApp:
    return FrontDeskApp(sign_in(login), "test.db")


def told_path(shown: list[str], start: str) -> Path:
    message = next(m for m in shown if m.startswith(start))
    return Path(message.split(" written to ", 1)[1].rstrip("."))


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(str(path)).pages)


def tax_number(first17: str) -> str:
    """A 统一社会信用代码 with its right check digit (GB 32100-2015)."""
    total = sum(CODE_CHARS.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=False))
    return first17 + CODE_CHARS[(31 - total % 31) % 31]


async def open_arrears(app, pilot) -> None:
    await settle(app, pilot)
    app.action_open_screen("fees")
    await settle(app, pilot)
    assert isinstance(app.screen, FeesScreen)


async def test_l_builds_a_call_list_from_the_filters_and_opens_it_in_the_calls_screen(desk):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await open_arrears(app, pilot)
        assert "2 rooms owe 102.00 yuan" in screen_text(app)
        assert "l 催缴 list" in screen_text(app).splitlines()[-1]
        await pilot.press("c")  # the first community only
        await wait_for(pilot, lambda: "1 rooms owe 51.00 yuan" in screen_text(app))
        chosen = next(name for name in desk if name in screen_text(app))
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert any("催缴 list built: 1 rooms" in m for m in shown)
        assert "has 1 rooms" in screen_text(app)
        built = CallList.get()
        assert built.kind == "arrears"
        items = list(CallListItem.select().where(CallListItem.call_list == built.id))
        assert [i.room_id for i in items] == [desk[chosen][1]]
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        owner = {"锦绣花园": "张晓明", "翠湖苑": "刘芳"}[chosen]
        await wait_for(pilot, lambda: owner in screen_text(app))
        assert app.screen.query_one("#mode-list").list_id == built.id


async def test_w_writes_the_rooms_reminder_into_the_export_folder(desk):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await open_arrears(app, pilot)
        await wait_for(pilot, lambda: "3-2-501" in screen_text(app))
        while app.screen.register.rows[app.screen.register.table.cursor_row].row.room != "3-2-501":
            await pilot.press("down")
        await pilot.press("w")
        await wait_for(pilot, lambda: any(m.startswith("催缴函 of 3-2-501 written to") for m in shown))
        path = told_path(shown, "催缴函 of 3-2-501 written to")
        assert path.is_file() and path.suffix == ".pdf" and path.parent == default_export_dir()
        text = pdf_text(path)
        assert "3-2-501" in text and "51.00" in text and "催缴函" in text and "锦绣花园" in text


async def test_g_writes_the_last_quarters_statement(desk):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await open_arrears(app, pilot)
        titles = " ".join(c.title for c in app.get_system_commands(app.screen))
        assert "Public accounts" in titles and "公示" in titles
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        assert app.screen.query_one("#field-quarter", Input).value == "2026Q4"  # the last finished
        await pilot.press("f10")
        await wait_for(pilot, lambda: any(m.startswith("Public statement written to") for m in shown))
        path = told_path(shown, "Public statement written to")
        assert path.is_file() and path.suffix == ".pdf" and path.parent == default_export_dir()
        assert "2026年第4季度" in pdf_text(path)


async def test_i_requests_an_invoice_and_a_bad_tax_number_keeps_the_form(desk):
    comm, room = desk["锦绣花园"]
    payment = fees.take_payment(room, "51.00", "cash", staff_id=None)
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.push_screen(StatementScreen(room))
        await wait_for(pilot, lambda: payment.number in screen_text(app))
        assert "i Invoice" in screen_text(app).splitlines()[-1]
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        form.query_one("#field-title", Input).value = "锦绣科技有限公司"
        form.query_one("#field-tax_no", Input).value = "91350100M00010"
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form and "18 characters" in screen_text(app)
        assert form.query_one("#field-title", Input).value == "锦绣科技有限公司"
        assert Invoice.select().count() == 0
        good = tax_number("91350100M000100Y4")
        form.query_one("#field-tax_no", Input).value = good
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, StatementScreen))
        invoice = Invoice.get()
        assert (invoice.payment_id, invoice.title, invoice.tax_no, invoice.status) == (
            payment.id, "锦绣科技有限公司", good, "pending")
        assert any("待开票" in m for m in shown)
        await wait_for(pilot, lambda: "待开票" in screen_text(app))
        # Then the number the tax system gave.
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-number", Input).value = "12345678"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, StatementScreen))
        assert Invoice.get().number == "12345678"
        await wait_for(pilot, lambda: "No.12345678" in screen_text(app))

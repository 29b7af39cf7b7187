"""The contracts screen (合同管理, issue 17 item 4) at 80×24 by keys alone: the palette opens
it, `n` drafts a parking contract for a room (its owner signs), `r` writes the Word file into
the export folder and shows the path, `g` records the signing; the filters narrow the list;
a technician is not offered the register; and on the work-order screen `q` quotes the
owner-paid costs as a Word file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from textual.widgets import Input

from data import contracts as ct
from data import i18n, people
from data import workorders as wo
from data.db import close_database, open_database
from data.exports import default_export_dir
from data.models import Contract, Territory
from data.people import PersonInput
from data.staff import sign_in
from screens.contracts import ContractModal, ContractsScreen
from screens.workorder import WorkOrderScreen
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
    clerk = f.staff("desk1", "李娜", "desk")
    tech = f.staff("tech1", "王建国", "tech")
    f.staff("super1", "陈静", "supervisor")
    from data.models import Building

    Territory.create(staff=tech, building=Building.get(Building.community == comm.id))
    yield {"comm": comm, "room": room, "owner": owner, "desk": clerk, "tech": tech}
    close_database()


def app_for(login: str) -> FrontDeskApp:
    return FrontDeskApp(sign_in(login), "test.db")


async def open_contracts(app, pilot) -> ContractsScreen:
    await settle(app, pilot)
    app.action_open_screen("contracts")
    await settle(app, pilot)
    assert isinstance(app.screen, ContractsScreen)
    return app.screen


async def test_a_new_contract_rendered_into_the_export_folder(desk):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        titles = " ".join(c.title for c in app.get_system_commands(app.screen))
        assert "合同管理 · Contract management · htgl" in titles  # the palette finds it by htgl
        screen = await open_contracts(app, pilot)
        text = screen_text(app)
        assert "nothing here" in text and "New contract" in text.splitlines()[-1]
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press("enter")  # the kind stays 车位租赁 (Parking space lease)
        form.query_one("#field-room", Input).focus()
        await pilot.press(*"3-2-501")
        form.query_one("#field-amount", Input).focus()
        await pilot.press(*"abc")
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form and "Give the amount in yuan" in screen_text(app)
        amount = form.query_one("#field-amount", Input)
        amount.value = ""
        amount.focus()
        await pilot.press(*"3600")
        form.query_one("#field-subject", Input).value = "B2-034 车位"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, ContractModal))
        text = screen_text(app)
        assert "HT-2027-0001" in text and "张晓明" in text and "3600.00" in text
        assert "r Generate Word file" in text and "g Record signing" in text
        assert "x Terminate" not in text  # a lead's step
        await pilot.press("r")
        await wait_for(pilot, lambda: Contract.get_by_id(1).file_name != "")
        await wait_for(pilot, lambda: isinstance(app.screen, ContractModal) and "Wrote" in screen_text(app))
        stored = Contract.get_by_id(1)
        path = default_export_dir() / stored.file_name
        assert path.is_file()
        shown = "".join(screen_text(app).split())  # the path wraps in the modal
        assert "Wrote" in shown and stored.file_name in shown
        paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
        assert "乙方：张晓明　　联系电话：13800138000" in paragraphs
        # g: signed today, so in force at once.
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        await pilot.press("f10")
        await wait_for(pilot, lambda: Contract.get_by_id(1).status == "active")
        await wait_for(pilot, lambda: app.screen is screen and "In force" in screen_text(app))


async def test_the_filters_narrow_the_register(desk):
    at = desk["desk"]
    for kind, end in (("parking", dt.date(2027, 3, 20)), ("housekeeping", dt.date(2027, 12, 31))):
        view = ct.create_contract(ct.ContractInput(kind=kind, amount="100", start_date=dt.date(2027, 3, 1),
                                                   end_date=end, room="3-2-501"), at.id)
        ct.sign(view.id, at.id)
    ct.create_proposal(ct.ProposalInput(name="王先生", phone="13700137000", amount="1"), at.id)
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_contracts(app, pilot)
        text = screen_text(app)
        assert all(n in text for n in ("HT-2027-0001", "HT-2027-0002", "JY-2027-0001"))
        await pilot.press("d")  # ending within 30 days
        await wait_for(pilot, lambda: "JY-2027-0001" not in screen_text(app))
        text = screen_text(app)
        assert "HT-2027-0001" in text and "HT-2027-0002" not in text and "ending within 30 days" in text
        await pilot.press("d", "t", "t")  # every kind, then quotes, then proposals
        await wait_for(pilot, lambda: "HT-2027-0001" not in screen_text(app))
        assert "JY-2027-0001" in screen_text(app)
        await pilot.press("slash", *"王")  # typing in the filter never steps a filter
        await settle(app, pilot)
        assert "JY-2027-0001" in screen_text(app)


async def test_a_technician_is_not_offered_the_register(desk):
    app = app_for("tech1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = " ".join(c.title for c in app.get_system_commands(app.screen))
        assert "Contract management" not in titles
        app.action_open_screen("contracts")
        await settle(app, pilot)
        assert not isinstance(app.screen, ContractsScreen)


async def test_q_on_a_work_order_quotes_the_owner_paid_costs(desk):
    order = wo.create_order(wo.OrderInput(kind="repair", title="卫生间角阀漏水", community_id=desk["comm"].id,
                                          room_id=desk["room"], person_id=desk["owner"]), desk["desk"].id)
    app = app_for("tech1")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.push_screen(WorkOrderScreen(order.id))
        await settle(app, pilot)
        assert "q Quote" not in screen_text(app)  # no costs: nothing to quote
        await pilot.press("q")
        await settle(app, pilot)
        assert Contract.select().count() == 0
        wo.add_cost(order.id, desk["tech"].id, "material", "角阀", "2", "35.50", "owner")
        app.screen.refresh_data()
        await settle(app, pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: any("Quote BJ-2027-0001" in s for s in shown))
        quote = Contract.get(Contract.number == "BJ-2027-0001")
        path = Path(default_export_dir() / quote.file_name)
        assert path.is_file() and str(path) in next(s for s in shown if "BJ-2027-0001" in s)
        assert "71.00" in next(s for s in shown if "BJ-2027-0001" in s)

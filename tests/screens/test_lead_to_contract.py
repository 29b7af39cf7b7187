"""Issue 17's done-when for leads, at 80×24 by keys alone, on both databases: an inbound
enquiry call turned into a lead (the calls screen's `l`), followed up (a contact logged on
its card), sent a proposal (`q`, a Word file), moved on to 成交, converted into the contract
its interest calls for (`v`), and the contract written as a .docx that exists in the export
folder (`r` in the contracts screen the conversion opens) — the contract showing its lead,
the lead its contract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from textual.widgets import Input, Select

from data import i18n, people
from data.db import close_database, open_database
from data.exports import default_export_dir
from data.models import Contract, Lead, LeadEvent, ParkingSpace
from data.people import PersonInput
from data.staff import sign_in
from screens import calls as calls_screen
from screens.calls import CallsScreen
from screens.contracts import ContractModal, ContractsScreen
from screens.lead_card import LeadCardScreen
from screens.lead_forms import LeadFormModal
from screens.leads import LeadsScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.form import FormModal
from widgets.picker import PickerModal

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def world(db_url, monkeypatch):
    """锦绣花园 with its desk clerk 李娜, an owner in 3-2-501 and a free parking space B2-034."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    monkeypatch.setattr(calls_screen, "monotonic", lambda: 1000.0)
    i18n.set_language("zh")
    open_database(db_url)
    comm = f.community("锦绣花园")
    f.staff("desk1", "李娜", community=comm)
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    ParkingSpace.create(community=comm, code="B2-034", kind="rented")
    yield {"comm": comm.id}
    close_database()


async def until(pilot, predicate, timeout: float = 15.0) -> None:
    """wait_for with room for a busy machine (the writes run in workers)."""
    await wait_for(pilot, predicate, timeout)


async def choose(pilot, downs: int) -> None:
    """Open the focused choice list and take the option `downs` rows below the first."""
    select = pilot.app.focused
    assert isinstance(select, Select)
    await pilot.press("down")
    await until(pilot, lambda: select.expanded)
    for _ in range(downs):
        await pilot.press("down")
    await pilot.press("enter")
    await until(pilot, lambda: not select.expanded)


def card_text(app) -> str:
    return screen_text(app) if isinstance(app.screen, LeadCardScreen) else ""


async def test_an_enquiry_call_becomes_a_lead_then_a_contract_printed_as_a_word_file(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        # 1. The call: a new caller asks about a parking space; l turns it into a lead.
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, CallsScreen))
        await pilot.press("n", *"13912345678")
        await settle(app, pilot)
        await pilot.press("enter", "3")  # 咨询: on to the summary
        await pilot.press(*"想长租一个地下车位")
        await pilot.press("tab")
        await settle(app, pilot)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LeadFormModal))
        form = app.screen
        assert form.query_one("#field-phones", Input).value == "13912345678"
        form.query_one("#field-name", Input).focus()
        await pilot.press(*"刘洋")
        form.query_one("#field-interest").focus()
        await pilot.pause()
        await choose(pilot, 3)  # the fourth interest: 车位租售
        assert form.query_one("#field-interest", Select).value == "parking"
        form.query_one("#field-budget", Input).focus()
        await pilot.press(*"3600")
        form.query_one("#field-places", Input).focus()
        await pilot.press(*"B2-034")
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, CallsScreen))
        await until(pilot, lambda: any("潜在客户 #1" in s for s in shown))
        lead = Lead.get(Lead.name == "刘洋")
        assert (lead.interest, lead.call_id is not None) == ("parking", True)

        # 2. The card (the leads screen from the palette), a contact logged: 已联系.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"qzkh")
        await until(pilot, lambda: "潜在客户 · Leads · qzkh" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LeadsScreen) and app.screen.loaded)
        await until(pilot, lambda: "刘洋" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LeadCardScreen) and app.screen.view is not None)
        card = app.screen
        assert "q 建议书" in screen_text(app)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("tab", *"约了明天看车位")
        await pilot.press("f10")
        await until(pilot, lambda: app.screen is card and "[已联系]" in card_text(app))

        # 3. Interested, then a proposal (q): a Word file, and the lead is 已报价.
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: "[有意向]" in card_text(app))
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, FormModal))
        proposal = app.screen
        assert proposal.query_one("#field-amount", Input).value == "3600"
        assert proposal.query_one("#field-subject", Input).value == "B2-034"
        await pilot.press("f10")
        await until(pilot, lambda: app.screen is card and "[已报价]" in card_text(app))
        await until(pilot, lambda: any("建议书 JY-2026-0001" in s for s in shown))
        written = Path(default_export_dir() / Contract.get(Contract.number == "JY-2026-0001").file_name)
        assert written.is_file()
        assert "尊敬的刘洋：" in [p.text for p in docx.Document(str(written)).paragraphs]
        assert "JY-2026-0001 建议书（草拟）" in card_text(app)  # its contracts line
        assert "JY-2026-0001 3600.00 元" in card_text(app)  # its timeline

        # 4. Won: > once more, and y (成交 is asked: a > too many moves nobody by mistake).
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "确认 刘洋 已成交？" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: "[成交]" in card_text(app))

        # 5. v: the picker offers the contract its interest calls for; its form is filled in
        # from the lead; F10 drafts it and opens it in the contracts screen.
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, PickerModal))
        text = screen_text(app)
        assert "车位使用人：B2-034" in text and "合同：车位租赁合同" in text
        await pilot.press("down", "down")  # past the space's holder and the paid work order
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        assert form.query_one("#field-kind", Select).value == "parking"
        assert form.query_one("#field-amount", Input).value == "3600"
        assert form.query_one("#field-subject", Input).value == "B2-034"
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, ContractModal))
        text = screen_text(app)
        assert "HT-2026-0001" in text and "潜在客户: #1 刘洋" in text and "3600.00" in text
        assert "o 打开潜在客户" in text

        # 6. r: the Word file, in the export folder.
        await pilot.press("r")
        await until(pilot, lambda: Contract.get(Contract.number == "HT-2026-0001").file_name != "")
        await until(pilot, lambda: isinstance(app.screen, ContractModal) and "已写入" in screen_text(app))
        contract = Contract.get(Contract.number == "HT-2026-0001")
        path = default_export_dir() / contract.file_name
        assert path.is_file()
        paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
        assert "乙方：刘洋　　联系电话：13912345678" in paragraphs
        assert any("车位（B2-034）" in p for p in paragraphs)
        assert any("人民币3600.00元（大写：叁仟陆佰元整）" in p for p in paragraphs)

        # 7. Back: the contracts screen, then the card, which names the contract.
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ContractsScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card and "已于 2026-11-27 转化为合同 HT-2026-0001" in card_text(app))
        assert "HT-2026-0001 车位（草拟）" in card_text(app)
    lead = Lead.get_by_id(lead.id)
    assert (lead.stage, lead.converted_to) == ("won", "contract")
    kinds = [(e.kind, e.to_value) for e in LeadEvent.select().where(LeadEvent.lead == lead.id).order_by(LeadEvent.id)]
    assert ("proposal", "JY-2026-0001") in kinds and kinds[-1] == ("convert", "HT-2026-0001")

"""The leads screens at 80×24 (issue 17 item 2), keys only: an inbound call turned into a lead
with its number and summary filled (the call logged with it), the screen found in the palette
by its pinyin initials, a stage moved by `>` and lost by `l` with a reason, a contact logged
on the card with the next follow-up, the duplicate warning, and the keys a role may not use."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Select, TextArea

from data import leads, people
from data.db import close_database, open_database
from data.leads import LeadInput
from data.models import Call, Event, Lead, LeadEvent, LeadPhone, Room
from data.people import PersonInput
from data.staff import sign_in
from screens import calls as calls_screen
from screens.calls import CallsScreen
from screens.lead_card import LeadCardScreen
from screens.lead_forms import LeadFormModal
from screens.lead_stats import LeadStatsScreen
from screens.leads import LeadsScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def world(sqlite_url, monkeypatch):
    """锦绣花园 with its desk clerk 李娜, an owner 张晓明 (13800138000) in 3-2-501, a vacant
    3-2-502, and one open lead 孙悦 of 李娜's; a supervisor and a technician."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    monkeypatch.setattr(calls_screen, "monotonic", lambda: 1000.0)
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜", community=comm)
    f.staff("super1", "陈静", "supervisor")
    f.staff("tech1", "李建国", "tech")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    Room.update(state="occupied").where(Room.id == room).execute()
    people.ensure_room(comm.id, "3-2-502")
    lead = leads.create_lead(LeadInput("孙悦", ["13566667777"], "来电", "租房", community_id=comm.id,
                                       places="3-2-502", budget="4500"), desk.id)
    yield {"comm": comm.id, "desk": desk.id, "owner": owner, "lead": lead.id}
    close_database()


async def until(pilot, predicate, timeout: float = 10.0) -> None:
    """wait_for with room for a busy machine (the writes run in workers)."""
    await wait_for(pilot, predicate, timeout)


async def open_leads(app, pilot) -> LeadsScreen:
    """ctrl+p, the pinyin initials of 潜在客户, enter: the leads screen."""
    await settle(app, pilot)
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"qzkh")
    await until(pilot, lambda: "潜在客户 · Leads · qzkh" in screen_text(app), 10)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, LeadsScreen) and app.screen.loaded)
    return app.screen


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


# --- a call becomes a lead -----------------------------------------------------------------------


async def test_an_inbound_call_becomes_a_lead_with_its_number_and_summary(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        shown = record_notifications(app)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, CallsScreen)
        await pilot.press("n", *"13800138000")
        await until(pilot, lambda: "张晓明" in screen_text(app))
        await pilot.press("enter", "3")  # 咨询: on to the summary
        await pilot.press(*"想把空着的房子委托物业出租")
        await pilot.press("tab")  # out of the summary: letters are keys again
        await settle(app, pilot)
        assert "l 转线索" in screen_text(app)  # the key is in the footer during a call
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LeadFormModal))
        form = app.screen
        assert form.query_one("#field-phones", Input).value == "13800138000"
        assert form.query_one("#field-name", Input).value == "张晓明"
        assert form.query_one("#field-note", TextArea).text == "想把空着的房子委托物业出租"
        assert form.query_one("#field-source", Select).value == "phone"
        assert form.query_one("#field-community", Select).value == str(world["comm"])
        form.query_one("#field-interest").focus()
        await pilot.pause()
        await choose(pilot, 6)  # the seventh interest: 房屋托管 (letting)
        assert form.query_one("#field-interest", Select).value == "letting"
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, CallsScreen))
        await until(pilot, lambda: any("潜在客户 #2" in s for s in shown))
        calls = app.screen
        assert isinstance(calls, CallsScreen) and calls.draft is None  # the call is over
    lead = Lead.get(Lead.name == "张晓明")
    assert (lead.source, lead.interest, lead.person_id, lead.owner_id) == ("phone", "letting", world["owner"],
                                                                           world["desk"])
    assert [p.number for p in LeadPhone.select().where(LeadPhone.lead == lead.id)] == ["13800138000"]
    call = Call.get_by_id(lead.call_id)
    assert (call.number, call.summary, call.person_id) == ("13800138000", "想把空着的房子委托物业出租", world["owner"])
    assert any("张晓明 锦绣花园 3-2-501" in s for s in shown)  # the phone's known person, said


async def test_the_call_key_is_not_offered_to_a_technician(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("n", *"13800138000")
        await until(pilot, lambda: "张晓明" in screen_text(app))
        await pilot.press("enter", "3", "tab")
        await settle(app, pilot)
        assert "转线索" not in screen_text(app)
        await pilot.press("l")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormModal)
        # Nor the leads screen in the palette.
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"qzkh")
        await pilot.pause(0.5)
        assert "潜在客户 · Leads" not in screen_text(app)


# --- the list: stages by key ------------------------------------------------------------------------


async def test_a_stage_moves_by_key_and_a_lost_lead_has_its_reason(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_leads(app, pilot)
        text = screen_text(app)
        assert "1跟进中 1" in text and "2新线索 1" in text and "孙悦" in text
        assert "135****7777" in text and "13566667777" not in text  # phones masked in the list
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: "3已联系 1" in screen_text(app))
        assert Lead.get_by_id(world["lead"]).stage == "contacted"
        assert "已联系" in screen_text(app).split("孙悦", 1)[1].splitlines()[0]
        await pilot.press("less_than_sign")
        await until(pilot, lambda: "2新线索 1" in screen_text(app))
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        await pilot.press("f10")  # no reason chosen: refused, the form stays
        await until(pilot, lambda: "请选择流失原因" in screen_text(app))
        assert app.screen is form
        await until(pilot, lambda: isinstance(app.focused, Select))  # on the field named
        await choose(pilot, 1)  # the first reason: 价格太高
        assert form.query_one("#field-reason", Select).value == "price"
        await pilot.press("tab", *"预算不够")
        await pilot.press("f10")
        await until(pilot, lambda: app.screen is screen and "7流失 1" in screen_text(app), 10)
        assert "孙悦" not in screen_text(app)  # gone from the open leads
        await pilot.press("7")
        await until(pilot, lambda: "孙悦" in screen_text(app))
    lead = Lead.get_by_id(world["lead"])
    assert (lead.stage, lead.lost_reason, lead.lost_note) == ("lost", "price", "预算不够")
    stages = [(e.from_value, e.to_value) for e in LeadEvent.select().where(
        LeadEvent.lead == lead.id, LeadEvent.kind == "stage").order_by(LeadEvent.id)]
    assert stages == [("new", "contacted"), ("contacted", "new"), ("new", "lost")]


async def test_a_new_lead_with_the_phone_of_an_open_one_is_warned_first(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_leads(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, LeadFormModal))
        form = app.screen
        await pilot.press(*"孙女士", "enter", *"135 6666 7777")
        form.query_one("#field-interest").focus()
        await pilot.pause()
        await choose(pilot, 1)  # 买房
        await pilot.press("f10")
        await until(pilot, lambda: "#1 孙悦" in screen_text(app))
        assert app.screen is form and Lead.select().count() == 1
        await pilot.press("f10")  # again: saved all the same
        await until(pilot, lambda: isinstance(app.screen, LeadsScreen))
        await until(pilot, lambda: "孙女士" in screen_text(app))
    assert Lead.select().count() == 2


# --- the card: a contact with the next follow-up ------------------------------------------------------


async def test_a_contact_is_logged_on_the_card_with_the_next_follow_up(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_leads(app, pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LeadCardScreen) and app.screen.view is not None)
        text = screen_text(app)
        assert "#1 孙悦" in text and "135****7777" in text and "3-2-502（空置）" in text
        assert "13566667777" not in text
        await pilot.press("r")  # in full, recorded
        await until(pilot, lambda: "13566667777" in screen_text(app))
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("tab", *"约明天上午看房")
        await pilot.press("tab", *"明天 10:00")
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, LeadCardScreen) and "约明天上午看房" in screen_text(app))
        text = screen_text(app)
        assert "[已联系]" in text and "11-28 10:00" in text
        assert "新线索 → 已联系" in text and "电话 约明天上午看房" in text
        await pilot.press("t")  # not a key of the card: nothing happens
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LeadsScreen))
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, LeadStatsScreen) and app.screen.stats is not None)
        assert "转化率" in screen_text(app) and "到达各阶段的数量" in screen_text(app)
    lead = Lead.get_by_id(world["lead"])
    assert lead.stage == "contacted" and lead.next_followup == dt.datetime(2026, 11, 28, 10, 0)
    task = Event.get_by_id(lead.followup_event_id)
    assert (task.kind, task.due) == ("task", dt.datetime(2026, 11, 28, 10, 0))


async def test_a_won_lead_becomes_the_tenant_of_its_room_from_the_card(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_leads(app, pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LeadCardScreen) and app.screen.view is not None)
        card = app.screen
        await pilot.press("v")
        await until(pilot, lambda: "租户：3-2-502" in screen_text(app))
        # 租房 calls for no kind of contract in particular: the clerk would choose it.
        assert "有偿服务工单" in screen_text(app) and "合同（选择类型）" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FormModal) and "入住日期" in screen_text(app))
        await pilot.press("f10")  # moving in today, as the form says
        await until(pilot, lambda: app.screen is card and "[成交]" in screen_text(app))
        await until(pilot, lambda: "已于 2026-11-27 转化为租户" in screen_text(app))
        await pilot.press("v")  # a tenant now: only a contract is left to offer
        await until(pilot, lambda: "合同（选择类型）" in screen_text(app))
        assert "有偿服务工单" not in screen_text(app) and "租户：" not in screen_text(app)
    lead = Lead.get_by_id(world["lead"])
    assert (lead.stage, lead.converted_to) == ("won", "tenant")
    assert Room.get(Room.code == "3-2-502").state == "rented"

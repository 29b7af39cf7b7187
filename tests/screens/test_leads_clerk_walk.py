"""What a new desk clerk found walking the leads features at 80×24 (issue 17): the call
panel keeps a summary typed before the category, the palette finds every screen by its
other Chinese names (线索 xs …), a won lead moves in on the date the clerk confirms, a new
lead's phone of a known person is shown in the form and linked, each work-order view starts
unfiltered, and the English stage strip and funnel headers fit 80 columns."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Select, TextArea

from data import i18n, leads, people
from data.db import close_database, open_database
from data.leads import LeadInput
from data.models import Call, Lead, Occupancy, Room
from data.people import PersonInput
from data.staff import sign_in
from screens import calls as calls_screen
from screens.calls import CallsScreen
from screens.lead_card import LeadCardScreen
from screens.lead_forms import LeadFormModal
from screens.lead_stats import LeadStatsScreen
from screens.leads import LeadsScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal
from widgets.picker import PickerModal

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def world(db_url, monkeypatch):
    """锦绣花园 with its desk clerk 李娜, an owner 张晓明 (13800138000) in 3-2-501, a vacant
    3-2-502, and one open lead 孙悦 of 李娜's who wants to rent 3-2-502."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    monkeypatch.setattr(calls_screen, "monotonic", lambda: 1000.0)
    i18n.set_language("zh")
    open_database(db_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜", community=comm)
    f.staff("super1", "陈静", "supervisor")
    f.staff("tech1", "李建国", "tech")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    Room.update(state="occupied").where(Room.id == room).execute()
    vacant = people.ensure_room(comm.id, "3-2-502")
    lead = leads.create_lead(LeadInput("孙悦", ["13566667777"], "来电", "租房", community_id=comm.id,
                                       places="3-2-502", budget="4500"), desk.id)
    yield {"comm": comm.id, "desk": desk.id, "owner": owner, "lead": lead.id, "vacant": vacant}
    close_database()


async def until(pilot, predicate, timeout: float = 15.0) -> None:
    """wait_for with room for a busy machine (the writes run in workers)."""
    await wait_for(pilot, predicate, timeout)


async def palette(app, pilot, query: str) -> str:
    """ctrl+p and `query`: what the palette shows."""
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    await pilot.press(*query)
    await settle(app, pilot, 0.3)
    return screen_text(app)


# --- 1. the call panel keeps a summary typed before the category ------------------------------


async def test_a_summary_typed_before_the_category_is_kept(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, CallsScreen)
        await pilot.press("n", *"13800138000")
        await until(pilot, lambda: "张晓明" in screen_text(app))
        await pilot.press("enter")  # on to the category strip
        await pilot.press(*"楼上漏水")  # the clerk starts with the summary
        await until(pilot, lambda: "楼上漏水" in screen_text(app))
        await pilot.press("1", "tab")  # 报修, then out of the summary
        await settle(app, pilot)
        summary = app.screen.query_one("#call-summary", TextArea)
        assert summary.text == "楼上漏水" and "楼上漏水" in screen_text(app)
        assert app.screen.call_pane.draft.category == "repair"
        await pilot.press("f10")
        await until(pilot, lambda: Call.select().count() == 1)
    call = Call.get()
    assert (call.category, call.summary) == ("repair", "楼上漏水")


# --- 2. the palette: every screen by its Chinese names and their initials -----------------------


@pytest.mark.parametrize(("query", "entry"), [
    ("xs", "潜在客户 · Leads"), ("线索", "潜在客户 · Leads"),
    ("zsk", "知识库 · Knowledge base"), ("fwmj", "知识库 · Knowledge base"),
    ("ht", "合同管理 · Contract management"), ("合同", "合同管理 · Contract management"),
    ("dj", "登记 · Registers"), ("登记", "登记 · Registers"),
    ("gd", "工单 · Work orders"), ("jjb", "交接班 · Shift handover"),
])
async def test_the_palette_finds_screens_by_their_chinese_names_and_initials(world, query, entry):
    app = FrontDeskApp(sign_in("super1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert entry in await palette(app, pilot, query)


async def test_the_leads_screen_opens_from_the_palette_by_xs(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "潜在客户 · Leads · qzkh · 线索 xs" in await palette(app, pilot, "xs")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LeadsScreen) and app.screen.loaded)


# --- 3. a won lead becomes a tenant from the move-in date asked ------------------------------------


async def open_card(app, pilot) -> LeadCardScreen:
    await settle(app, pilot)
    app.push_screen(LeadCardScreen(1))
    await until(pilot, lambda: isinstance(app.screen, LeadCardScreen) and app.screen.view is not None)
    return app.screen


async def test_a_won_lead_moves_in_on_the_date_asked(world):
    leads.set_stage(world["lead"], "won", world["desk"])
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        card = await open_card(app, pilot)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, PickerModal))
        assert "租户：3-2-502" in screen_text(app)
        await pilot.press("enter")  # the first: the tenant of 3-2-502
        await until(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        text = screen_text(app)
        assert "孙悦 入住 3-2-502" in text and "入住日期" in text
        field = form.query_one("#field-start", Input)
        assert field.value == "2026-11-27"  # today by default
        field.value = "12月1日"
        await pilot.press("f10")
        await until(pilot, lambda: "日期请写成 年-月-日" in screen_text(app))
        assert app.screen is form and Occupancy.select().where(Occupancy.room == world["vacant"]).count() == 0
        field.value = "2026-12-01"
        await pilot.press("f10")
        await until(pilot, lambda: app.screen is card and "租户" in screen_text(app))
    lead = Lead.get_by_id(world["lead"])
    assert lead.converted_to == "tenant"
    occupancy = Occupancy.get(Occupancy.room == world["vacant"])
    assert (occupancy.person_id, occupancy.role, occupancy.start_date) == (lead.person_id, "tenant",
                                                                           dt.date(2026, 12, 1))


# --- 4. a new lead's phone of a known person: shown in the form, linked by the clerk ---------------


async def new_lead_form(app, pilot, phone: str) -> LeadFormModal:
    """The leads screen, n, a name and `phone`, 租房: the form, its phones matched."""
    await settle(app, pilot)
    app.action_open_leads()
    await until(pilot, lambda: isinstance(app.screen, LeadsScreen) and app.screen.loaded)
    await pilot.press("n")
    await until(pilot, lambda: isinstance(app.screen, LeadFormModal))
    form = app.screen
    await pilot.press(*"张先生", "enter", *phone)
    form.query_one("#field-interest").focus()
    await pilot.pause()
    await choose(pilot, 1)  # the first interest: 租房
    return form


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


async def test_a_new_leads_phone_of_a_known_person_is_shown_and_linked(world):
    leads.create_lead(LeadInput("张先生", ["13800138000"], "来电", "买房", community_id=world["comm"]),
                      world["desk"])  # an open lead with the same phone: still warned
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_lead_form(app, pilot, "13800138000")
        person = form.query_one("#field-person", Select)
        await until(pilot, lambda: person.display and person.value == str(world["owner"]))
        person.focus()
        await settle(app, pilot)
        assert "张晓明 锦绣花园 3-2-501 · 电话 13800138000" in screen_text(app)
        await pilot.press("f10")
        await until(pilot, lambda: "#2 张先生" in screen_text(app))  # the duplicate warning
        assert app.screen is form
        await pilot.press("f10")  # again: saved all the same
        await until(pilot, lambda: isinstance(app.screen, LeadsScreen))
    lead = Lead.select().order_by(Lead.id.desc()).get()
    assert (lead.name, lead.interest, lead.person_id) == ("张先生", "rent", world["owner"])


async def test_the_clerk_may_leave_a_new_lead_unlinked(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_lead_form(app, pilot, "13800138000")
        person = form.query_one("#field-person", Select)
        await until(pilot, lambda: person.display and person.value == str(world["owner"]))
        person.clear()  # blank: 不关联
        person.focus()
        await settle(app, pilot)
        assert "不关联" in screen_text(app)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, LeadsScreen))
    lead = Lead.select().order_by(Lead.id.desc()).get()
    assert (lead.name, lead.person_id) == ("张先生", None)


async def test_no_person_field_for_a_phone_nobody_has(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_lead_form(app, pilot, "13911112222")
        await until(pilot, lambda: form.matched_for == "13911112222")
        assert not form.query_one("#field-person", Select).parent.display
        assert "已登记人员" not in screen_text(app)


# --- 6. English at 80 columns: the stage strip on one line, the funnel headers whole -------------


async def test_the_english_stage_strip_and_funnel_headers_fit_80_columns(world):
    i18n.set_language("en")
    try:
        app = FrontDeskApp(sign_in("desk1"), "demo.db")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            app.action_open_leads()
            await until(pilot, lambda: isinstance(app.screen, LeadsScreen) and app.screen.loaded)
            strip = next(line for line in screen_text(app).splitlines() if line.startswith("Stage "))
            assert strip.rstrip().endswith("7Lost 0") and "1Active 1" in strip and "3Reached 0" in strip
            await pilot.press("t")
            await until(pilot, lambda: isinstance(app.screen, LeadStatsScreen) and app.screen.stats is not None)
            header = next(line for line in screen_text(app).splitlines() if "Group" in line)
            assert header.split() == ["Group", "Total", "Fresh", "Reached", "Keen", "Quoted", "Won", "Lost",
                                      "Conv."]
    finally:
        i18n.set_language("zh")

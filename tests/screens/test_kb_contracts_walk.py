"""What a new desk clerk and technician found walking the knowledge base and the contracts
at 80×24 (issue 17): `q` twice on a work order asks before a second quote, and every quote
is in the order's history; a contract-ending notification opens that contract, even with
the contracts screen open below; the suggested tips show on a new order as soon as it is
shown; the tip form says the unit of the time needed and leaves the cursor after the text."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from data import access, i18n, people
from data import contracts as ct
from data import knowledge as kb
from data import workorders as wo
from data.db import close_database, open_database
from data.models import Building, Category, Contract, KbArticle, Territory, WorkOrderHistory
from data.staff import sign_in
from screens.contracts import ContractModal, ContractsScreen
from screens.inbox import InboxScreen
from screens.workorder import WorkOrderScreen, open_new_order
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal
from widgets.picker import PickerModal

NOW = dt.datetime(2027, 3, 1, 9, 0)
SIZE = (80, 24)


def cat(code: str) -> int:
    return Category.get(Category.code == code).id


@pytest.fixture
def world(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("en")
    open_database(db_url)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(people.PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    desk = f.staff("desk1", "李娜", "desk")
    tech = f.staff("tech1", "王建国", "tech")
    f.staff("super1", "陈静", "supervisor")
    Territory.create(staff=tech, building=Building.get(Building.community == comm.id))
    yield {"comm": comm, "room": room, "owner": owner, "desk": desk, "tech": tech}
    close_database()


def app_for(login: str) -> FrontDeskApp:
    return FrontDeskApp(sign_in(login), "test.db")


async def open_order(app, pilot, order_id: int) -> WorkOrderScreen:
    await settle(app, pilot)
    screen = WorkOrderScreen(order_id)
    app.push_screen(screen)
    await wait_for(pilot, lambda: screen.view is not None)
    await settle(app, pilot)
    return screen


async def test_q_twice_asks_before_a_second_quote_and_the_history_names_each(world):
    order = wo.create_order(wo.OrderInput(kind="repair", title="卫生间角阀漏水", community_id=world["comm"].id,
                                          room_id=world["room"], person_id=world["owner"]), world["desk"].id)
    wo.add_cost(order.id, world["tech"].id, "material", "角阀", "2", "35.50", "owner")
    app = app_for("tech1")
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        screen = await open_order(app, pilot, order.id)
        await pilot.press("q")  # the first quote is made at once
        await wait_for(pilot, lambda: any("Quote BJ-2027-0001" in s for s in shown))
        await settle(app, pilot)
        assert "Quote made" in screen_text(app) and "BJ-2027-0001, version 1: 71.00 yuan" in screen_text(app)

        await pilot.press("q")  # again: asked, nothing made yet
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal))
        text = screen_text(app)
        assert "This order has 1 quote(s) already" in text
        assert "Open BJ-2027-0001 (version 1, 71.00 yuan, Drafted)" in text, text
        assert "Make a new version (2) from the costs as they are now" in text
        assert Contract.select().count() == 1
        await pilot.press("enter")  # the highlighted first row: open the existing one
        await wait_for(pilot, lambda: isinstance(app.screen, ContractModal))
        assert "BJ-2027-0001" in screen_text(app) and "71.00" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert Contract.select().count() == 1

        wo.add_cost(order.id, world["tech"].id, "labour", "人工", "1", "50", "owner")
        screen.refresh_data()
        await settle(app, pilot)
        await pilot.press("q", "down", "enter")  # a new version, from the costs as they are now
        await wait_for(pilot, lambda: any("Quote BJ-2027-0002" in s for s in shown))
        await settle(app, pilot)
        assert Contract.select().count() == 2
        assert Contract.get(Contract.number == "BJ-2027-0002").amount == 121
        notes = [h.note for h in WorkOrderHistory.select().where(
            WorkOrderHistory.work_order == order.id, WorkOrderHistory.action == "quote")
            .order_by(WorkOrderHistory.id)]
        assert notes == ["BJ-2027-0001, version 1: 71.00 yuan", "BJ-2027-0002, version 2: 121.00 yuan"]
        assert "BJ-2027-0002, version 2: 121.00 yuan" in screen_text(app)


async def test_a_contract_ending_notification_opens_that_contract_over_an_open_register(world):
    view = ct.create_contract(ct.ContractInput(kind="parking", amount="1800", start_date=dt.date(2026, 3, 20),
                                               end_date=dt.date(2027, 3, 19), room="3-2-501",
                                               subject="B2-074 地下车位"), world["desk"].id)
    ct.sign(view.id, world["desk"].id, dt.date(2026, 3, 19))
    with access.acting(world["desk"]):
        assert [n.number for n in ct.remind_expiring()] == [view.number]
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("contracts")  # the register open below, then F6
        await settle(app, pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        await settle(app, pilot)
        assert "enter opens the contract" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContractModal))
        text = screen_text(app)
        assert view.number in text and "B2-074 地下车位" in text and "2027-03-19" in text, text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ContractsScreen))


async def test_tips_show_on_a_new_order_at_once_and_follow_its_category(world):
    with access.acting(world["tech"]):
        article = kb.create_article(kb.ArticleInput(
            title="地漏返臭的处理", solution="清理地漏并加装防臭芯", category_id=cat("plumbing.drain")),
            world["tech"].id)
        kb.publish(article.id, world["tech"].id)
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        open_new_order(app.screen)
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        form.restore({"title": "卫生间下水慢", "category": str(cat("plumbing.drain")), "room": "3-2-501"})
        await settle(app, pilot)
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, WorkOrderScreen) and app.screen.view is not None)
        await settle(app, pilot)
        text = screen_text(app)
        assert "Tip ▸ 地漏返臭的处理 · 水电 › 下水道堵塞" in text, text


async def test_the_tip_form_says_minutes_takes_hours_and_leaves_the_cursor_after_the_text(world):
    order = wo.create_order(wo.OrderInput(
        kind="repair", title="卫生间地漏返臭", description="洗澡时地漏往上冒水。", community_id=world["comm"].id,
        room_id=world["room"], category_id=cat("plumbing.drain")), world["desk"].id)
    wo.assign(order.id, world["tech"].id, world["desk"].id)
    wo.start(order.id, world["tech"].id)
    wo.resolve(order.id, world["tech"].id, "清理地漏并加装防臭芯")
    app = app_for("tech1")
    async with app.run_test(size=SIZE) as pilot:
        await open_order(app, pilot, order.id)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        await settle(app, pilot)
        form = app.screen
        title = form.query_one("#field-title", Input)
        assert app.focused is title and title.cursor_position == len("卫生间地漏返臭")
        await pilot.press("tab", "tab")  # past the category, into the problem
        await settle(app, pilot)
        problem = app.focused
        assert problem.id == "field-problem" and problem.cursor_location == problem.document.end
        await pilot.press(*"有臭味")  # typing goes on after the prefilled text
        assert form.values()["problem"] == "洗澡时地漏往上冒水。有臭味"
        minutes = form.query_one("#field-minutes", Input)
        minutes.focus()
        await settle(app, pilot)
        await wait_for(pilot, lambda: "Time (min)" in screen_text(app), timeout=15)  # scrolled into view
        await pilot.press(*"1.5小时", "f10")
        await wait_for(pilot, lambda: KbArticle.select().count() == 1)
        assert KbArticle.get().minutes == 90

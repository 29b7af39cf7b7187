"""A write never freezes a screen (issue 21, item 5): while another process holds the write
lock, a save runs in its worker, the screen keeps handling keys, a save still waiting says
"正在等待其他工位…", escape gives it up with everything typed still there, and once the lock
is released F10 saves — the owner edit form, the new work order form, the fee desk's payment
and the call panel's save; and the one-key writes of screens (DeskScreen.run_write): a
phone removed on the owner card and a bulk close in the queue, which leaving gives up.

The waiting notice comes after 5 s in use; here after a moment (WAIT_NOTICE_S), and every
wait is for something shown on screen, never for a time. `settle` is not used while the
lock is held: it waits for every worker, the waiting save among them."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, TextArea

from data import people
from data.models import Call, Payment, Person, Phone, WorkOrder
from data.people import PersonInput
from data.staff import sign_in
from screens import calls as calls_screen
from screens.calls import CallsScreen
from screens.fees import StatementScreen
from screens.owner_card import OwnerCardScreen, RoomCardScreen
from screens.queue import QueueScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.helpers import write_lock
from tests.helpers.write_lock import held_write_lock
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.form import FormModal

world = write_lock.world  # the desk these tests write from (SQLite)

WAITING = "正在等待其他工位"
CANCELLED = "未保存：您在等待其他工位时取消了"


@pytest.mark.parametrize("how", ["txlock", "sqlite"])
async def test_an_owner_edit_waits_can_be_cancelled_keeps_the_typing_and_saves_later(world, how):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(OwnerCardScreen(world["owner"]))
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        name = form.query_one("#field-name", Input)
        name.value = "张晓明明"
        with held_write_lock(world["path"], how) as held:
            await pilot.press("f10")
            await wait_for(pilot, lambda: WAITING in screen_text(app))
            assert app.screen is form and form.saving
            await pilot.press("end", "!")  # the screen still takes keys
            await wait_for(pilot, lambda: name.value == "张晓明明!")
            await pilot.press("escape")  # gives the save up, not the form
            await wait_for(pilot, lambda: CANCELLED in screen_text(app))
            assert app.screen is form and not form.saving
            assert name.value == "张晓明明!"
            assert Person.get_by_id(world["owner"]).name == "张晓明"
            await pilot.press("f10")  # again, still behind the other desk
            await wait_for(pilot, lambda: WAITING in screen_text(app))
            held.release()
            await wait_for(pilot, lambda: app.screen is not form, timeout=30)
        await settle(app, pilot)
        assert isinstance(app.screen, OwnerCardScreen)
    assert Person.get_by_id(world["owner"]).name == "张晓明明!"


async def test_a_new_work_order_waits_for_another_desk_then_is_created(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(OwnerCardScreen(world["owner"]))
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press(*"厨房水管漏水")
        with held_write_lock(world["path"], "txlock") as held:
            await pilot.press("f10")
            await wait_for(pilot, lambda: WAITING in screen_text(app))
            assert form.query_one("#field-title", Input).value == "厨房水管漏水"
            assert not WorkOrder.select().where(WorkOrder.title == "厨房水管漏水").exists()
            held.release()
            await wait_for(pilot, lambda: isinstance(app.screen, WorkOrderScreen), timeout=30)
    assert WorkOrder.get(WorkOrder.title == "厨房水管漏水").room_id == world["room"]


async def test_a_payment_waits_for_another_desk_can_be_cancelled_then_is_taken(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(RoomCardScreen(world["room"]))
        await settle(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, StatementScreen)
        await pilot.press("p")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        amount = form.query_one("#field-amount", Input)
        assert amount.value == "25.50"
        with held_write_lock(world["path"], "sqlite") as held:
            await pilot.press("f10")
            await wait_for(pilot, lambda: WAITING in screen_text(app))
            await pilot.press("escape")
            await wait_for(pilot, lambda: CANCELLED in screen_text(app))
            assert app.screen is form and amount.value == "25.50"
            assert not Payment.select().exists()
            await pilot.press("f10")
            await wait_for(pilot, lambda: WAITING in screen_text(app))
            held.release()
            await wait_for(pilot, lambda: isinstance(app.screen, StatementScreen), timeout=30)
    assert Payment.get(Payment.room == world["room"]).amount_fen == 2550


async def test_the_call_panel_save_waits_can_be_cancelled_keeps_the_call_then_saves(world, monkeypatch):
    monkeypatch.setattr(calls_screen, "monotonic", lambda: 1000.0)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        shown = record_notifications(app)
        await pilot.press("n", *"13800138000", "enter")
        await settle(app, pilot, 0.2)
        await pilot.press("3", *"问停水时间")
        await settle(app, pilot)
        summary = screen.query_one("#call-summary", TextArea)
        with held_write_lock(world["path"], "txlock") as held:
            await pilot.press("f10")
            await wait_for(pilot, lambda: any(WAITING in m for m in shown))
            await pilot.press("escape")  # gives the save up, not the call
            await wait_for(pilot, lambda: any(CANCELLED in m for m in shown))
            assert screen.draft is not None and summary.text == "问停水时间"
            assert not Call.select().exists()
            await pilot.press("f10")
            await wait_for(pilot, lambda: sum(WAITING in m for m in shown) == 2)
            held.release()
            await wait_for(pilot, lambda: screen.draft is None, timeout=30)
    call = Call.get()
    assert (call.person_id, call.summary) == (world["owner"], "问停水时间")


@pytest.mark.parametrize("leave", [False, True])
async def test_a_work_order_step_waits_for_another_desk_and_leaving_gives_it_up(world, leave):
    from data.models import Community, Staff

    tech = f.staff("tech1", "王建国", "tech")
    order = f.work_order(Staff.get(Staff.login == "desk1"), Community.get(), status="assigned", assignee=tech)
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.push_screen(WorkOrderScreen(order.id))
        await settle(app, pilot)
        screen = app.screen
        with held_write_lock(world["path"], "txlock") as held:
            await pilot.press("s")
            await wait_for(pilot, lambda: any(WAITING in m for m in shown))
            assert WorkOrder.get_by_id(order.id).status == "assigned"
            if leave:
                screen.dismiss()  # as escape does
                await wait_for(pilot, lambda: app.screen is not screen)
                assert screen._write is not None and screen._write.cancelled
            held.release()
            if not leave:
                await wait_for(pilot, lambda: WorkOrder.get_by_id(order.id).status == "in_progress", timeout=30)
        await settle(app, pilot)
    assert WorkOrder.get_by_id(order.id).status == ("assigned" if leave else "in_progress")


async def _remove_second_phone(app, pilot, person_id: int) -> OwnerCardScreen:
    """Open the card, put the cursor on its second phone, x, confirm."""
    app.push_screen(OwnerCardScreen(person_id))
    await settle(app, pilot)
    card = app.screen
    assert isinstance(card, OwnerCardScreen)
    table = card.query_one("#card-items", DataTable)
    table.focus()
    phones = [at for at, (kind, _value) in enumerate(card.items) if kind == "phone"]
    table.move_cursor(row=phones[1])
    await pilot.pause()
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
    await pilot.press("y")
    return card


@pytest.mark.parametrize("how", ["txlock", "sqlite"])
async def test_removing_a_phone_on_the_owner_card_waits_leaving_gives_it_up_then_it_is_removed(world, how):
    person = people.create_person(PersonInput(name="王芳", phones=["13900001111", "13700002222"]))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        with held_write_lock(world["path"], how) as held:
            card = await _remove_second_phone(app, pilot, person)
            await wait_for(pilot, lambda: any(WAITING in m for m in shown))
            assert app.screen is card and card.writing
            table = card.query_one("#card-items", DataTable)
            row = table.cursor_row
            await pilot.press("up")  # the card still takes keys
            await wait_for(pilot, lambda: table.cursor_row == row - 1)
            await pilot.press("escape")  # leaving the card gives the removal up
            await wait_for(pilot, lambda: app.screen is not card)
            assert card._desk_write is not None and card._desk_write.cancelled
            await wait_for(pilot, lambda: card._desk_write.over, timeout=30)
            assert Phone.select().where(Phone.person == person).count() == 2
            card = await _remove_second_phone(app, pilot, person)  # again, still behind the other desk
            await wait_for(pilot, lambda: sum(WAITING in m for m in shown) == 2)
            assert Phone.select().where(Phone.person == person).count() == 2
            held.release()
            await wait_for(pilot, lambda: not card.writing, timeout=30)
        await settle(app, pilot)
        assert app.screen is card
        assert "13700002222"[-4:] not in screen_text(app)
    assert [p.number for p in Phone.select().where(Phone.person == person)] == ["13900001111"]


async def _bulk_close(app, pilot, order_id: int) -> QueueScreen:
    await pilot.press("f3")
    await settle(app, pilot)
    await pilot.press("6")
    await settle(app, pilot)
    queue_screen = app.screen
    assert isinstance(queue_screen, QueueScreen)
    queue_screen.query_one(DataTable).move_cursor(row=[r.id for r in queue_screen.rows].index(order_id))
    await pilot.pause()
    await pilot.press("C")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
    await pilot.press("y")
    return queue_screen


async def test_a_bulk_close_in_the_queue_waits_leaving_gives_it_up_then_it_closes(world):
    from data.models import Community, Staff

    tech = f.staff("tech1", "王建国", "tech")
    desk = Staff.get(Staff.login == "desk1")
    order = f.work_order(desk, Community.get(), title="已修好", status="resolved", assignee=tech,
                         resolution_due=dt.datetime(2027, 3, 1, 10, 0))
    other = f.work_order(desk, Community.get(), title="也修好了", status="resolved", assignee=tech,
                         resolution_due=dt.datetime(2027, 3, 1, 11, 0))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        with held_write_lock(world["path"], "txlock") as held:
            screen = await _bulk_close(app, pilot, order.id)
            await wait_for(pilot, lambda: any(WAITING in m for m in shown))
            assert app.screen is screen and screen.writing
            await pilot.press("space")  # the queue still takes keys: a mark
            await wait_for(pilot, lambda: order.id in screen.marked)
            await pilot.press("escape")  # leaving the queue gives the close up
            await wait_for(pilot, lambda: app.screen is not screen)
            assert screen._desk_write is not None and screen._desk_write.cancelled
            await wait_for(pilot, lambda: screen._desk_write.over, timeout=30)
            assert WorkOrder.get_by_id(order.id).status == "resolved"
            screen = await _bulk_close(app, pilot, order.id)
            await wait_for(pilot, lambda: sum(WAITING in m for m in shown) == 2)
            held.release()
            await wait_for(pilot, lambda: WorkOrder.get_by_id(order.id).status == "closed", timeout=30)
            await wait_for(pilot, lambda: not screen.writing)
        await settle(app, pilot)
        assert app.screen is screen
    assert WorkOrder.get_by_id(other.id).status == "resolved"

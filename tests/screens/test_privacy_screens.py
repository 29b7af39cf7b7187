"""Privacy and the history panel on screen (issue 7), at 80×24: numbers masked by default,
`r` reveals them (and the reveal is recorded), technicians see no ID number, `H` opens a
record's audit history for supervisors and shows the refusal to everyone else."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from data import access, calls, i18n, people
from data.db import close_database, open_database
from data.models import AuditLog, WorkOrder
from data.people import PersonInput
from data.staff import sign_in
from screens.call_forms import CallDetailsModal
from screens.calls import CallsScreen
from screens.owner_card import OwnerCardScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal
from widgets.history import HistoryModal

NOW = dt.datetime(2026, 11, 27, 10, 0)
ID = "11010519491231002X"


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜")
    f.staff("tech1", "赵师傅", "tech")
    f.staff("super1", "陈静", "supervisor")
    room = people.ensure_room(comm.id, "3-2-501")
    with access.acting(desk):
        pid = people.create_person(PersonInput(name="张晓明", phones=["13800138000"], id_number=ID))
        people.move_in(pid, room, "owner", dt.date(2019, 5, 1))
        people.update_person(pid, PersonInput(name="张晓明", id_number=ID, note="[b]怕吵[/b]"))
        order = f.work_order(desk, comm, title="厨房水管漏水")
        WorkOrder.update(contact_phone="13800138000", person=pid).where(WorkOrder.id == order.id).execute()
        call = calls.log_call(calls.CallInput("in", "13912345678", "inquiry", "询问停水时间", duration_s=60,
                                              started_at=NOW - dt.timedelta(minutes=5)), desk.id)
    access.act_as(None)
    yield {"person": pid, "order": order.id, "call": call.id, "desk": desk}
    close_database()


def reveals(entity: str, entity_id: int) -> list[tuple[str, str]]:
    rows = AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity == entity,
                                   AuditLog.entity_id == entity_id).order_by(AuditLog.id)
    return [(r.field, r.staff.login) for r in rows]


async def open_card(app, pilot, person_id: int) -> OwnerCardScreen:
    await settle(app, pilot)
    app.push_screen(OwnerCardScreen(person_id))
    await settle(app, pilot)
    assert isinstance(app.screen, OwnerCardScreen)
    return app.screen


async def test_the_owner_card_masks_and_r_reveals_with_a_record(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(app, pilot, world["person"])
        text = screen_text(app)
        assert "138****8000" in text and "13800138000" not in text
        assert "110***********002X" in text and ID not in text
        assert reveals("person", world["person"]) == []
        await pilot.press("r")
        await wait_for(pilot, lambda: "13800138000" in screen_text(app))
        assert ID in screen_text(app)
        assert reveals("person", world["person"]) == [("phones", "desk1"), ("id_number", "desk1")]
        await pilot.press("r")  # again: masked
        await wait_for(pilot, lambda: "138****8000" in screen_text(app))
        assert "13800138000" not in screen_text(app) and ID not in screen_text(app)
        assert len(reveals("person", world["person"])) == 2  # hiding is not a reveal


async def test_a_technician_sees_no_id_number_on_the_card(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(app, pilot, world["person"])
        text = screen_text(app)
        assert "张晓明" in text and "138****8000" in text
        assert "002X" not in text and "110***" not in text and "1949" not in text
        await pilot.press("r")  # phones in full, the ID number still not
        await wait_for(pilot, lambda: "13800138000" in screen_text(app))
        assert "002X" not in screen_text(app)
        assert reveals("person", world["person"]) == [("phones", "tech1")]


async def test_editing_a_person_keeps_the_masked_id_number(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(app, pilot, world["person"])
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        assert ID not in screen_text(app)
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnerCardScreen)
    from data.models import Person

    assert Person.get_by_id(world["person"]).id_number == ID


async def test_h_shows_a_supervisor_the_history_of_the_card(world):
    app = FrontDeskApp(sign_in("super1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(app, pilot, world["person"])
        await pilot.press("H")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryModal)
        await wait_for(pilot, lambda: "[b]怕吵[/b]" in screen_text(app))
        text = screen_text(app)
        assert "desk1" in text and "note" in text and "138****8000" in text  # the phone, masked
        assert "13800138000" not in text and ID not in text
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(app.screen.entries) >= 4
        await pilot.press("slash", *"note")
        await settle(app, pilot)
        assert table.row_count == 1
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnerCardScreen)


async def test_h_tells_the_desk_it_may_not_read_the_history(world):
    i18n.set_language("en")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(app, pilot, world["person"])
        shown = record_notifications(app)
        await pilot.press("H")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnerCardScreen)
        assert any("may not read the audit trail" in message for message in shown)


async def test_the_work_order_masks_its_contact_phone_and_shift_r_reveals_it(world):
    i18n.set_language("en")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(WorkOrderScreen(world["order"]))
        await settle(app, pilot)
        assert "张晓明 138****8000" in screen_text(app) and "13800138000" not in screen_text(app)
        await pilot.press("R")
        await settle(app, pilot)
        assert "张晓明 13800138000" in screen_text(app)
        assert reveals("work_order", world["order"]) == [("contact_phone", "desk1")]
        await pilot.press("H")  # a desk clerk: refused, nothing opens
        await settle(app, pilot)
        assert isinstance(app.screen, WorkOrderScreen)


async def test_the_work_order_history_for_a_supervisor(world):
    app = FrontDeskApp(sign_in("super1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(WorkOrderScreen(world["order"]))
        await settle(app, pilot)
        await pilot.press("H")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryModal)
        await wait_for(pilot, lambda: "contact_phone" in screen_text(app))
        assert "138****8000" in screen_text(app) and "13800138000" not in screen_text(app)


async def test_the_call_log_masks_numbers_and_r_reveals_one(world):
    i18n.set_language("en")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        await pilot.press("h")
        await settle(app, pilot)
        assert "139****5678" in screen_text(app) and "13912345678" not in screen_text(app)
        assert "r Reveal" in screen_text(app)  # in the footer, which fits 80 columns
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CallDetailsModal)
        assert "139****5678" in screen_text(app) and "13912345678" not in screen_text(app)
        await pilot.press("r")  # from the details: revealed, the details again
        await settle(app, pilot)
        assert isinstance(app.screen, CallDetailsModal)
        assert "139 1234 5678" in screen_text(app)
        assert reveals("call", world["call"]) == [("number", "desk1")]
        await pilot.press("escape")
        await settle(app, pilot)
        assert "13912345678" in screen_text(app)  # the log row too
        await pilot.press("r")  # masked again, not recorded again
        await settle(app, pilot)
        assert "139****5678" in screen_text(app) and "13912345678" not in screen_text(app)
        assert len(reveals("call", world["call"])) == 1


async def test_h_on_the_calendar_shows_the_selected_event_history(world):
    boss = f.staff("super2", "王强", "supervisor")
    event = f.event(boss, NOW + dt.timedelta(days=1, hours=-1), NOW + dt.timedelta(days=1), title="业委会例会")
    with access.acting(world["desk"]):
        from data.models import Event

        Event.update(location="会议室 [2]").where(Event.id == event.id).execute()
    access.act_as(None)
    app = FrontDeskApp(sign_in("super2"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("A")  # the agenda: the cursor on the event
        await settle(app, pilot)
        await pilot.press("H")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryModal)
        await wait_for(pilot, lambda: "会议室 [2]" in screen_text(app))
        assert "location" in screen_text(app) and "desk1" in screen_text(app)


async def test_D_deletes_an_owner_for_a_supervisor_and_is_refused_to_the_desk(world):
    from data.models import Person
    from widgets.confirm import ConfirmModal

    i18n.set_language("en")
    desk = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with desk.run_test(size=(80, 24)) as pilot:
        await open_card(desk, pilot, world["person"])
        seen = record_notifications(desk)
        await pilot.press("D")
        await settle(desk, pilot)
        assert not isinstance(desk.screen, ConfirmModal)  # refused before anything is asked
        assert any("may not delete records" in text for text in seen)
    assert Person.get_or_none(Person.id == world["person"]) is not None
    boss = FrontDeskApp(sign_in("super1"), "demo.db")
    async with boss.run_test(size=(80, 24)) as pilot:
        await open_card(boss, pilot, world["person"])
        await pilot.press("D")
        await settle(boss, pilot)
        assert isinstance(boss.screen, ConfirmModal) and "张晓明" in screen_text(boss)
        await pilot.press("y")
        await settle(boss, pilot)
        assert not isinstance(boss.screen, OwnerCardScreen)
    assert Person.get_or_none(Person.id == world["person"]) is None
    deleted = AuditLog.get(AuditLog.entity == "person", AuditLog.action == "delete")
    assert (deleted.old_value, deleted.staff.login) == ("张晓明", "super1")

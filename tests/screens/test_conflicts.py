"""Two people edit one record (issue 8): the second save shows what changed meanwhile, field
by field, and offers reload (keeping what only this user typed) or overwrite (after a
confirmation); nothing is overwritten silently. Owner card, work order, calendar event."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Select, TextArea

from data import access, calendar, i18n, people, workorders
from data.db import close_database, open_database
from data.errors import ConflictError
from data.models import Event, Person, WorkOrder, WorkOrderHistory
from data.people import PersonInput
from data.staff import sign_in
from screens.calendar import CalendarScreen
from screens.owner_card import OwnerCardScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import screen_text, settle
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.conflict import ConflictModal
from widgets.form import FormModal

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    # The screens act on what they showed: no live refresh behind the test's back.
    monkeypatch.setattr(FrontDeskApp, "_poll_changes", lambda self: None)
    open_database(sqlite_url)
    i18n.set_language("en")
    comm = f.community("锦绣花园")
    desk1 = f.staff("desk1", "李娜")
    desk2 = f.staff("desk2", "王敏")
    super1 = f.staff("super1", "陈静", "supervisor")
    tech1 = f.staff("tech1", "赵师傅", "tech")
    tech2 = f.staff("tech2", "钱师傅", "tech")
    person = people.create_person(PersonInput(name="张晓明", note="怕吵", phones=["13800138000"]))
    yield {"comm": comm, "desk1": desk1, "desk2": desk2, "tech1": tech1, "tech2": tech2,
           "super1": super1, "person": person}
    close_database()


def other_session(staff, act):
    """`act()` as another signed-in staff member (another SSH session, as far as the data
    layer and its audit trail can tell)."""
    with access.acting(staff):
        return act()


async def press(app, pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(app, pilot)


async def edit_person(app, pilot, person_id: int) -> FormModal:
    await settle(app, pilot)
    app.push_screen(OwnerCardScreen(person_id))
    await settle(app, pilot)
    await press(app, pilot, "e")
    assert isinstance(app.screen, FormModal)
    return app.screen


def note_by_desk2(world, text: str) -> None:
    card_version = Person.get_by_id(world["person"]).version
    other_session(world["desk2"], lambda: people.update_person(
        world["person"], PersonInput(name="张晓明", note=text), expected_version=card_version))


# --- data layer --------------------------------------------------------------------------------


def test_each_record_refuses_a_stale_version_with_a_conflict_error(world):
    pid = world["person"]
    people.update_person(pid, PersonInput(name="张晓明", note="一"), expected_version=1)
    with pytest.raises(ConflictError) as caught:
        people.update_person(pid, PersonInput(name="张晓明", note="二"), expected_version=1)
    assert caught.value.current_version == 2 and Person.get_by_id(pid).note == "一"

    event = f.event(world["tech1"], NOW, NOW + dt.timedelta(hours=1), title="上门")
    calendar.edit_series(event.id, {"title": "上门维修"}, world["tech1"].id, expected_version=1)
    for edit in (lambda: calendar.edit_series(event.id, {"title": "X"}, world["tech1"].id,
                                              expected_version=1),
                 lambda: calendar.edit_occurrence(event.id, NOW, {"title": "X"}, world["tech1"].id,
                                                  expected_version=1)):
        with pytest.raises(ConflictError) as caught:
            edit()
        assert caught.value.current_version == 2
    assert Event.get_by_id(event.id).title == "上门维修"

    order = f.work_order(world["desk1"], world["comm"], status="in_progress", assignee=world["tech1"])
    with pytest.raises(ConflictError):  # the work orders' own error is one of them
        workorders.add_note(order.id, world["tech1"].id, "催", expected_version=7)


# --- owner card ----------------------------------------------------------------------------------


async def test_owner_edit_conflict_lists_the_change_and_reload_keeps_my_own_field(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edit_person(app, pilot, world["person"])
        form.query_one("#field-name", Input).value = "张小明"  # mine
        note_by_desk2(world, "怕吵，下午在家")  # theirs, meanwhile
        await press(app, pilot, "f10")
        assert isinstance(app.screen, ConflictModal)
        text = screen_text(app)
        # A desk clerk may not read the audit trail: when, not who.
        assert "Note: '怕吵' → '怕吵，下午在家' (at 10:00)" in text
        assert "Name" not in text.split("What they")[1]  # only what they changed is listed
        await press(app, pilot, "r")
        assert app.screen is form
        assert form.query_one("#field-name", Input).value == "张小明"  # kept
        assert form.query_one("#field-note", TextArea).text == "怕吵，下午在家"  # theirs now
        message = str(form.query_one("#form-message").render())
        assert "Now as saved by the other person: Note." in message
        assert "Kept what you typed: Name." in message
        assert Person.get_by_id(world["person"]).name == "张晓明"  # nothing saved yet
        await press(app, pilot, "f10")
        assert isinstance(app.screen, OwnerCardScreen)
    stored = Person.get_by_id(world["person"])
    assert (stored.name, stored.note, stored.version) == ("张小明", "怕吵，下午在家", 3)


async def test_owner_edit_overwrite_asks_first_and_names_who_for_a_supervisor(world):
    app = FrontDeskApp(sign_in("super1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edit_person(app, pilot, world["person"])
        form.query_one("#field-note", TextArea).text = "怕吵，周末不在家"  # mine
        note_by_desk2(world, "怕吵，下午在家")  # theirs, the same field
        await press(app, pilot, "f10")
        assert isinstance(app.screen, ConflictModal)
        assert "Note: '怕吵' → '怕吵，下午在家' (by desk2 at 10:00)" in screen_text(app)
        await press(app, pilot, "escape")  # back to the form: nothing changed
        assert app.screen is form and form.query_one("#field-note", TextArea).text == "怕吵，周末不在家"
        assert Person.get_by_id(world["person"]).note == "怕吵，下午在家"
        await press(app, pilot, "f10", "o")
        assert isinstance(app.screen, ConfirmModal)
        await press(app, pilot, "n")  # not sure after all: still the modal, still nothing saved
        assert isinstance(app.screen, ConflictModal)
        assert Person.get_by_id(world["person"]).note == "怕吵，下午在家"
        await press(app, pilot, "o", "y")
        assert isinstance(app.screen, OwnerCardScreen)
    assert Person.get_by_id(world["person"]).note == "怕吵，周末不在家"


async def test_owner_edit_reload_replaces_my_typing_where_they_changed_it_too_and_says_so(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edit_person(app, pilot, world["person"])
        form.query_one("#field-note", TextArea).text = "周末不在家"
        note_by_desk2(world, "怕吵，下午在家")
        await press(app, pilot, "f10", "r")
        assert app.screen is form
        assert form.query_one("#field-note", TextArea).text == "怕吵，下午在家"
        message = str(form.query_one("#form-message").render())
        assert "Note (you had typed '周末不在家')" in message  # what was typed is still readable


# --- work order ----------------------------------------------------------------------------------


async def test_work_order_hold_reason_survives_a_conflict_and_overwrite_saves_it(world):
    order = f.work_order(world["desk1"], world["comm"], status="in_progress", assignee=world["tech1"])
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(WorkOrderScreen(order.id))
        await settle(app, pilot)
        screen = app.screen
        await press(app, pilot, "p")
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press(*"等配件")
        # Meanwhile a supervisor raises the priority and adds a note.
        other_session(world["super1"], lambda: workorders.set_priority(
            order.id, "urgent", world["super1"].id, expected_version=1))
        other_session(world["super1"], lambda: workorders.add_note(order.id, world["super1"].id, "业主来电催"))
        await press(app, pilot, "f10")
        assert isinstance(app.screen, ConflictModal)
        text = screen_text(app)
        assert "Priority: 'Normal' → 'Urgent'" in text
        assert "super1: Note — 业主来电催" in text
        await press(app, pilot, "o", "y")
        assert app.screen is screen
    stored = WorkOrder.get_by_id(order.id)
    assert stored.status == "on_hold" and stored.priority == "urgent"
    last = WorkOrderHistory.select().where(WorkOrderHistory.work_order == order.id).order_by(
        WorkOrderHistory.id.desc()).first()
    assert (last.action, last.note) == ("hold", "等配件")


async def test_work_order_priority_form_reloads_the_new_priority(world):
    order = f.work_order(world["desk1"], world["comm"], status="assigned", assignee=world["tech1"])
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(WorkOrderScreen(order.id))
        await settle(app, pilot)
        await press(app, pilot, "e")
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-priority", Select).value = "quick"
        other_session(world["tech1"], lambda: workorders.start(order.id, world["tech1"].id))
        await press(app, pilot, "f10")
        assert isinstance(app.screen, ConflictModal)
        assert "Status: 'Assigned' → 'In progress'" in screen_text(app)
        await press(app, pilot, "r")
        assert app.screen is form
        assert form.query_one("#field-priority", Select).value == "quick"  # only mine: kept
        await press(app, pilot, "f10")
        assert isinstance(app.screen, WorkOrderScreen)
    stored = WorkOrder.get_by_id(order.id)
    assert (stored.status, stored.priority) == ("in_progress", "quick")


# --- calendar ------------------------------------------------------------------------------------


async def test_event_edit_conflict_reload_keeps_my_title_and_takes_their_location(world):
    visit = f.event(world["tech1"], dt.datetime(2026, 11, 27, 14), dt.datetime(2026, 11, 27, 15),
                    title="更换水表")
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "f4")
        assert isinstance(app.screen, CalendarScreen)
        await press(app, pilot, "d", "e")
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-title", Input).value = "更换水表（业主在家）"
        other_session(world["desk1"], lambda: calendar.edit_series(
            visit.id, {"location": "3-2-501"}, world["desk1"].id))
        await press(app, pilot, "f10")
        assert isinstance(app.screen, ConflictModal)
        assert "Location: (empty) → '3-2-501'" in screen_text(app)
        await press(app, pilot, "r")
        assert app.screen is form
        assert form.query_one("#field-location", Input).value == "3-2-501"
        assert form.query_one("#field-title", Input).value == "更换水表（业主在家）"
        await press(app, pilot, "f10")
        assert isinstance(app.screen, CalendarScreen)
    stored = Event.get_by_id(visit.id)
    assert (stored.title, stored.location) == ("更换水表（业主在家）", "3-2-501")

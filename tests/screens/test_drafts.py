"""Drafts (issue 8): an SSH hang-up (SIGHUP) keeps every open form's typed input for that
staff member, and their next sign-in offers it back — restore reopens the form with the
values, d discards, esc leaves it for later. The data functions on both databases, the app's
hang-up handler under the Pilot, and a real SIGHUP to the app in a pseudo-terminal."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import signal
import sqlite3
import time

import pytest
from textual.widgets import Input, TextArea

from data import drafts, i18n, people, schema
from data.db import close_database, open_database
from data.models import Draft, Person, WorkOrder
from data.people import PersonInput
from data.staff import sign_in
from screens.calendar import CalendarScreen
from screens.drafts import DraftOfferModal
from screens.owner_card import OwnerCardScreen
from tests import factories as f
from tests.screen_text import screen_text, settle
from tui.app import FrontDeskApp
from widgets.conflict import ConflictModal
from widgets.form import FormModal

NOW = dt.datetime(2026, 11, 27, 10, 0)


# --- data ----------------------------------------------------------------------------------------


def test_save_list_and_discard_drafts(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    desk1, desk2 = f.staff("desk1", "李娜"), f.staff("desk2", "王敏")
    first = drafts.save_draft(desk1.id, "person.edit", "Edit 张晓明", {"name": "张小明", "note": "怕吵\n下午在家"},
                              {"person_id": 7, "guard": {"version": 3, "base": {"note": "怕吵"}}})
    monkeypatch.setenv("FRONTDESK_NOW", (NOW + dt.timedelta(minutes=5)).isoformat(sep=" "))
    second = drafts.save_draft(desk1.id, "form", "Add phone", {"phone": "138\x1b[2J"}, {})
    drafts.save_draft(desk2.id, "calendar.quick_add", "Quick add", {"line": "明天 14:00 巡查"}, {})

    mine = drafts.drafts(desk1.id)
    assert [d.id for d in mine] == [second, first]  # newest first
    assert mine[1].values == {"name": "张小明", "note": "怕吵\n下午在家"}  # newlines kept
    assert mine[1].context == {"person_id": 7, "guard": {"version": 3, "base": {"note": "怕吵"}}}
    assert mine[1].created_at == NOW and mine[1].title == "Edit 张晓明"
    assert mine[0].values == {"phone": "138\u241b[2J"}  # no control character is stored
    assert drafts.count(desk2.id) == 1

    assert not drafts.discard(first, desk2.id)  # not theirs
    assert drafts.discard(first, desk1.id)
    assert not drafts.discard(first, desk1.id)  # already gone
    assert [d.id for d in drafts.drafts(desk1.id)] == [second]


# --- the hang-up handler, under the Pilot ---------------------------------------------------------


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    monkeypatch.setattr(FrontDeskApp, "_poll_changes", lambda self: None)
    open_database(sqlite_url)
    i18n.set_language("en")
    comm = f.community("锦绣花园")
    desk1 = f.staff("desk1", "李娜")
    f.staff("desk2", "王敏")
    room = people.ensure_room(comm.id, "3-2-501")
    person = people.create_person(PersonInput(name="张晓明", note="怕吵", phones=["13800138000"]))
    people.move_in(person, room, "owner", dt.date(2019, 5, 1))
    yield {"comm": comm, "desk1": desk1, "person": person}
    close_database()


async def press(app, pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(app, pilot)


async def offered(app, pilot) -> DraftOfferModal:
    await settle(app, pilot)
    assert isinstance(app.screen, DraftOfferModal), type(app.screen)
    return app.screen


async def test_hang_up_keeps_the_owner_edit_form_and_sign_in_restores_it(world):
    pid = world["person"]
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(OwnerCardScreen(pid))
        await settle(app, pilot)
        await press(app, pilot, "e")
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-name", Input).value = "张小明"
        form.query_one("#field-note", TextArea).text = "怕吵，下午在家"
        app.hang_up()  # what the SIGHUP handler calls
        await pilot.pause()
    assert app._exit
    [kept] = Draft.select().where(Draft.staff == world["desk1"].id)
    draft = drafts.drafts(world["desk1"].id)[0]
    assert kept.form_key == "person.edit" and draft.title == "Edit 张晓明"
    assert draft.values["name"] == "张小明" and draft.values["note"] == "怕吵，下午在家"
    assert draft.context["person_id"] == pid and draft.context["guard"]["version"] == 1
    assert Person.get_by_id(pid).name == "张晓明"  # nothing saved by the hang-up

    # The next sign-in of the same staff member: the offer, then the form as it was.
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(app, pilot)
        text = screen_text(app)
        assert "You have an unsaved draft: Edit 张晓明 from 10:00." in text
        assert "enter restore · d discard · esc later" in text
        await press(app, pilot, "enter")
        form = app.screen
        assert isinstance(form, FormModal) and isinstance(app.screen_stack[-2], OwnerCardScreen)
        assert form.query_one("#field-name", Input).value == "张小明"
        assert form.query_one("#field-note", TextArea).text == "怕吵，下午在家"
        assert drafts.count(world["desk1"].id) == 0  # it is in the open form now
        await press(app, pilot, "f10")
        assert isinstance(app.screen, OwnerCardScreen)
    stored = Person.get_by_id(pid)
    assert (stored.name, stored.note) == ("张小明", "怕吵，下午在家")


async def test_a_restored_draft_still_sees_a_change_made_since(world):
    """The draft keeps the version its form was opened at: saving it over a change someone
    made in between shows the conflict rather than overwriting."""
    pid = world["person"]
    drafts.save_draft(world["desk1"].id, "person.edit", "Edit 张晓明",
                      {"name": "张晓明", "gender": "", "id_number": "", "note": "周末不在家"},
                      {"person_id": pid, "guard": {"version": 1, "base": {
                          "name": "张晓明", "gender": "", "id_number": "", "note": "怕吵"}}})
    people.update_person(pid, PersonInput(name="张晓明", note="怕吵，下午在家"), expected_version=1)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(app, pilot)
        await press(app, pilot, "enter", "f10")
        assert isinstance(app.screen, ConflictModal)
        assert "Note: '怕吵' → '怕吵，下午在家'" in screen_text(app)
    assert Person.get_by_id(pid).note == "怕吵，下午在家"


async def test_new_work_order_and_quick_add_drafts_come_back_one_after_the_other(world):
    from screens.workorder import open_new_order

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "f4", "a")
        quick = app.screen
        assert isinstance(quick, FormModal) and quick.draft_key == "calendar.quick_add"
        quick.query_one("#field-line", Input).value = "明天 14:00-15:00 3-2-501 上门维修"
        # Then a call comes in: the new-order form (as the owner card's o opens it) on top.
        open_new_order(app.screen, person_id=world["person"])
        await settle(app, pilot)
        order_form = app.screen
        assert isinstance(order_form, FormModal) and order_form is not quick
        order_form.query_one("#field-title", Input).value = "厨房水管漏水"
        app.hang_up()
        await pilot.pause()
    assert {d.form_key for d in drafts.drafts(world["desk1"].id)} == {"workorder.new", "calendar.quick_add"}

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        first = await offered(app, pilot)
        assert first.draft.form_key == "workorder.new"  # the newest first
        assert "1 more after this one." in screen_text(app)
        await press(app, pilot, "enter")
        form = app.screen
        assert isinstance(form, FormModal)
        values = form.values()
        assert values["title"] == "厨房水管漏水" and values["room"] == "3-2-501"
        assert values["person"] == str(world["person"]) and values["phone"] == "138****8000"
        await press(app, pilot, "f10")  # saved: its screen opens, and the next draft is offered
        second = await offered(app, pilot)
        assert second.draft.form_key == "calendar.quick_add"
        await press(app, pilot, "enter")
        assert isinstance(app.screen, FormModal) and isinstance(app.screen_stack[-2], CalendarScreen)
        assert app.screen.query_one("#field-line", Input).value == "明天 14:00-15:00 3-2-501 上门维修"
        await press(app, pilot, "escape", "y")  # not wanted after all
        assert isinstance(app.screen, CalendarScreen)
    order = WorkOrder.get(WorkOrder.title == "厨房水管漏水")
    assert order.person_id == world["person"] and order.contact_phone == "13800138000"
    assert drafts.count(world["desk1"].id) == 0


async def test_discard_later_and_a_form_no_screen_reopens(world):
    desk = world["desk1"].id
    drafts.save_draft(desk, "form", "Add phone", {"phone": "139 1234 5678", "label": "家里"},
                      {"fields": [{"name": "phone", "label": "Number", "kind": "input", "options": []},
                                  {"name": "label", "label": "Label", "kind": "input", "options": []}]})
    drafts.save_draft(desk, "person.edit", "Edit 已删除", {"name": "X"}, {"person_id": 999})
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(app, pilot)
        await press(app, pilot, "escape")  # later: nothing is lost
        assert not isinstance(app.screen, DraftOfferModal)
    assert drafts.count(desk) == 2

    app = FrontDeskApp(sign_in("desk2"), "demo.db")  # someone else: not their drafts
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not isinstance(app.screen, DraftOfferModal)

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(app, pilot)
        await press(app, pilot, "enter")  # its person is gone: shown as a copy to read
        copy = app.screen
        assert isinstance(copy, FormModal) and copy.values() == {"name": "X"}
        await press(app, pilot, "f10")
        await offered(app, pilot)
        await press(app, pilot, "enter")  # a form without a key: its fields, as typed
        copy = app.screen
        assert isinstance(copy, FormModal)
        assert copy.values() == {"phone": "139 1234 5678", "label": "家里"}
        assert "Draft: Add phone" in screen_text(app)
        await press(app, pilot, "f10")
    assert drafts.count(desk) == 0

    drafts.save_draft(desk, "form", "Add phone", {"phone": "1"}, {})
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(app, pilot)
        await press(app, pilot, "d")
        assert not isinstance(app.screen, DraftOfferModal)
    assert drafts.count(desk) == 0


async def test_the_sighup_handler_is_installed_and_put_back(world):
    before = signal.getsignal(signal.SIGHUP)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert signal.getsignal(signal.SIGHUP) is not before
    assert signal.getsignal(signal.SIGHUP) is before


# --- a real SIGHUP, in a pseudo-terminal ------------------------------------------------------------


def test_a_real_sighup_keeps_the_typed_input(tmp_path):
    from tests.screens.test_injection_pty import _NO_PTY, Terminal, frontdesk

    if _NO_PTY is not None:
        pytest.skip(_NO_PTY)
    path = tmp_path / "hangup.db"
    open_database(str(path), create=True)
    schema.migrate()
    try:
        comm = f.community("锦绣花园")
        f.staff("desk1", "李娜", os_login=getpass.getuser())
        room = people.ensure_room(comm.id, "3-2-501")
        pid = people.create_person(PersonInput(name="张晓明", note="怕吵", phones=["13800138000"]))
        people.move_in(pid, room, "owner", dt.date(2019, 5, 1))
    finally:
        close_database()

    term = Terminal(frontdesk(path), tmp_path)
    try:
        term.wait_for("To dispatch", timeout=30)
        term.press("f2")
        term.wait_for("Type to search.")
        term.press("8000")
        term.wait_for("1 found")
        term.press("down", "enter")
        term.wait_for("Owner card", "张晓明")
        term.press("e")
        term.wait_for("Edit 张晓明")
        term.press("Q", "Z")  # typed over the name (selected on focus), not saved
        term.wait_for("QZ")  # (pyte draws the scrolled input's wide characters as blanks)
        os.kill(term.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 60  # a loaded CI machine
        while term.process.poll() is None and time.monotonic() < deadline:
            term.read(0.1)
        assert term.process.poll() is not None, "the app did not leave on SIGHUP"
    finally:
        term.close()

    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT form_key, title, \"values\" FROM draft").fetchall()
        name = conn.execute("SELECT name FROM person WHERE id = ?", (pid,)).fetchone()[0]
    finally:
        conn.close()
    assert len(rows) == 1 and rows[0][0] == "person.edit" and "Edit 张晓明" in rows[0][1]
    assert '"name": "QZ"' in rows[0][2] and '"note": "怕吵"' in rows[0][2]
    assert name == "张晓明"

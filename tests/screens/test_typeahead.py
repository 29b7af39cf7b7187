"""Keys typed ahead (a burst with no pauses, an IME committing a word at once) reach the
field the earlier keys led to, in order (issue 15 item 1); a new search starts on its
first hit (item 2); a part of a phone number is searched only when Enter sends it."""

from __future__ import annotations

import datetime as dt

import pytest
from textual import events
from textual.app import App
from textual.widgets import DataTable, Input, TextArea

from data import i18n, people, workorders
from data.db import close_database, open_database
from data.models import AuditLog
from data.people import PersonInput
from data.staff import sign_in
from screens import calls as calls_screen
from screens.owner_card import OwnerCardScreen
from screens.owners import OwnersScreen
from screens.workorder_forms import callback_form
from tests import factories as f
from tests.screen_text import screen_text, wait_for
from tests.screen_text import settle as _settle
from tui.app import FrontDeskApp

NOW = dt.datetime(2026, 11, 27, 10, 0)
KEY_CHARS = {"enter": "\r", "tab": "\t", "space": " "}


def burst(app: App, *keys: str) -> None:
    """Queue `keys` all at once, as a terminal delivers a burst: no key waits for the app
    to handle the one before it (unlike `pilot.press`)."""
    from textual.keys import _character_to_key

    for key in keys:
        name, char = key, KEY_CHARS.get(key, key if len(key) == 1 else None)
        if len(key) == 1 and not key.isalnum():
            name = _character_to_key(key)
        event = events.Key(name, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def settle(app, pilot, seconds: float = 0.0) -> None:
    """`settle`, where a search superseded by the next key of a burst is not an error."""
    from textual.worker import WorkerCancelled

    for _ in range(3):
        try:
            await _settle(app, pilot, seconds)
            return
        except WorkerCancelled:
            pass


@pytest.fixture
def desk(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    monkeypatch.setattr(calls_screen, "monotonic", lambda: 1000.0)
    i18n.set_language("zh")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    me = f.staff("desk1", "李娜")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    ids = {"owner": owner}
    for i, building in enumerate(("5", "12", "7")):  # three people called 李强
        other = people.ensure_room(comm.id, f"{building}-1-102")
        pid = people.create_person(PersonInput(name="李强", phones=[f"13{i}00008888"]))
        people.move_in(pid, other, "owner", dt.date(2020, 1, 1))
        ids.setdefault("liqiang", []).append(pid)
    from data.models import Room

    order = f.work_order(me, comm, status="resolved", room_=Room.get_by_id(room))
    ids["order"] = order.id
    yield ids
    close_database()


async def test_tab_digit_and_summary_in_one_burst_land_in_number_category_and_summary(desk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        burst(app, "n", *"13800138000", "tab", "1", *"厨房漏水")
        await settle(app, pilot, 0.3)
        assert screen.query_one("#call-number", Input).value == "13800138000"
        assert screen.draft.category == "repair"  # 1 = 报修
        assert screen.query_one("#call-summary", TextArea).text == "厨房漏水"


async def test_rating_enter_comment_in_one_burst_fill_rating_then_comment(desk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        view = workorders.get_order(desk["order"])
        form = callback_form(view, app.staff.id)
        app.push_screen(form)
        await settle(app, pilot)
        burst(app, "5", "enter", *"师傅很准时")
        await settle(app, pilot, 0.2)
        assert form.values()["rating"] == "5"
        assert form.values()["comment"] == "师傅很准时"


async def test_owner_search_typed_ahead_down_enter_opens_the_first_hit(desk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        burst(app, *"李强", "down", "enter")
        await settle(app, pilot, 0.3)
        assert isinstance(app.screen, OwnerCardScreen)
        first = app.screen  # the first 李强 listed
        await pilot.press("escape")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.cursor_row == 0 and first.person_id == app.screen.rows[0][1]


async def test_a_new_search_starts_on_its_first_hit_and_a_refresh_keeps_the_row(desk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, OwnersScreen)
        await pilot.press(*"李强")
        await settle(app, pilot, 0.3)
        await pilot.press("down", "down", "down")  # the 3rd 李强
        table = screen.query_one(DataTable)
        assert table.cursor_row == 2
        third = screen.rows[2]
        screen.refresh_data()  # a live refresh of the same query
        await settle(app, pilot, 0.2)
        assert screen.rows[table.cursor_row] == third
        await pilot.press("slash")
        screen.query_one(Input).value = ""
        await pilot.press(*"0008888")  # 7 digits: waits for enter
        await settle(app, pilot, 0.3)
        assert "输入后4位或完整号码" in str(screen.query_one("#owner-status").render())
        await pilot.press("enter")  # a new query: its first hit
        await settle(app, pilot, 0.2)
        assert len(screen.rows) == 3 and table.cursor_row == 0


async def test_a_phone_typed_key_by_key_records_no_reveal_and_enter_on_7_digits_one(desk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        for key in "13800138000":
            await pilot.press(key)
            await settle(app, pilot, 0.2)  # every prefix had time to be searched
        await wait_for(pilot, lambda: "张晓明" in screen_text(app))
        assert AuditLog.select().where(AuditLog.action == "reveal").count() == 0
        app.screen.query_one(Input).value = ""
        await pilot.press(*"0138000")
        await settle(app, pilot, 0.3)
        assert AuditLog.select().where(AuditLog.action == "reveal").count() == 0
        await pilot.press("enter")
        await settle(app, pilot, 0.2)
        rows = list(AuditLog.select().where(AuditLog.action == "reveal"))
        assert [(r.entity_id, r.staff.login) for r in rows] == [(desk["owner"], "desk1")]


async def test_enter_on_closed_choice_lists_goes_on_to_the_fourth_field():
    # Keys pressed one by one: the same keys as one burst still stop on the second list (left open).
    from textual.widgets import Select

    from tui.typeahead import TypeAhead
    from widgets.form import FormField, FormModal

    form = FormModal("t", [
        FormField("title", "Title"),
        FormField("kind", "Kind", "a", kind="select", options=[("A", "a"), ("B", "b")]),
        FormField("level", "Level", "x", kind="select", options=[("X", "x"), ("Y", "y")]),
        FormField("room", "Room"),
    ], lambda values: values)

    class One(TypeAhead):
        def on_mount(self) -> None:
            self.push_screen(form)

    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"漏水", "enter", "enter", "enter", *"3-2-501")
        await pilot.pause(0.3)
        assert form.values() == {"title": "漏水", "kind": "a", "level": "x", "room": "3-2-501"}
        assert not any(s.expanded for s in form.query(Select))

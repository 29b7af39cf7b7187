"""Bursts of keys (no pauses) through forms with choice lists reach the field the earlier keys
led to (issue 15 item 1); staff, buildings and categories are picked by name, pinyin initials
or login, the list filtered as you type (item 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Select

from data import i18n
from data.choices import search_keys
from data.db import close_database, open_database
from data.models import WorkOrder
from data.staff import sign_in
from screens.workorder_forms import filter_form, new_order_form
from tests import factories as f
from tests.screen_text import wait_for
from tests.screens.test_typeahead import burst, settle
from tui.app import FrontDeskApp
from tui.typeahead import TypeAhead
from widgets.filter_choice import FilterOverlay
from widgets.form import FormField, FormModal

NOW = dt.datetime(2026, 11, 27, 10, 0)
CATEGORIES = ["水电", "水电 › 水管漏水", "水电 › 下水道堵塞", "公共 › 电梯"]


def one_form_app(form: FormModal) -> TypeAhead:
    class One(TypeAhead):
        def on_mount(self) -> None:
            self.push_screen(form)

    return One()


async def settled(pilot, done, timeout: float = 10.0) -> None:
    """Give a burst the time a busy machine needs to play out; the assertion after it says
    what went wrong if it never does."""
    try:
        await wait_for(pilot, done, timeout)
    except AssertionError:
        pass


def shown_choices(form: FormModal, name: str) -> list[str]:
    overlay = form.query_one(f"#field-{name}").query_one(FilterOverlay)
    return [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]


async def test_enter_enter_enter_in_one_burst_goes_past_two_closed_choice_lists():
    form = FormModal("t", [
        FormField("title", "Title"),
        FormField("kind", "Kind", "a", kind="select", options=[("A", "a"), ("B", "b")]),
        FormField("level", "Level", "x", kind="select", options=[("X", "x"), ("Y", "y")]),
        FormField("room", "Room"),
    ], lambda values: values)
    app = one_form_app(form)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, *"漏水", "enter", "enter", "enter", *"3-2-501")
        await settled(pilot, lambda: form.values()["room"] == "3-2-501")
        assert form.values() == {"title": "漏水", "kind": "a", "level": "x", "room": "3-2-501"}
        assert not any(s.expanded for s in form.query(Select))


async def test_typed_initials_filter_the_category_and_technician_lists_in_one_burst():
    form = FormModal("t", [
        FormField("title", "Title"),
        FormField("category", "Category", kind="filter",
                  options=[(c, str(i)) for i, c in enumerate(CATEGORIES)],
                  keys=[search_keys(c) for c in CATEGORIES]),
        FormField("tech", "Technician", kind="filter",
                  options=[("李建国 (tech1)", "7"), ("王强 (tech2)", "8"), ("李娜 (desk1)", "9")],
                  keys=[search_keys("李建国", "tech1"), search_keys("王强", "tech2"),
                        search_keys("李娜", "desk1")]),
        FormField("room", "Room"),
    ], lambda values: values)
    app = one_form_app(form)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # 水管漏水 is s-g-l-s in pinyin initials
        burst(app, *"漏水", "enter", *"sgls")
        await settled(pilot, lambda: shown_choices(form, "category") == ["水电 › 水管漏水"])
        assert shown_choices(form, "category") == ["水电 › 水管漏水"]
        burst(app, "enter", "enter", *"ljg")
        await settled(pilot, lambda: shown_choices(form, "tech") == ["李建国 (tech1)"])
        assert shown_choices(form, "tech") == ["李建国 (tech1)"]
        burst(app, "backspace", "backspace")  # back to "l": both 李
        await settled(pilot, lambda: shown_choices(form, "tech") == ["李建国 (tech1)", "李娜 (desk1)"])
        assert shown_choices(form, "tech") == ["李建国 (tech1)", "李娜 (desk1)"]
        burst(app, "backspace", *"tech2", "enter", "enter", *"3-2-501")
        await settled(pilot, lambda: form.values()["room"] == "3-2-501")
        assert form.values() == {"title": "漏水", "category": "1", "tech": "8", "room": "3-2-501"}


@pytest.fixture
def desk(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("zh")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    f.staff("desk1", "李娜")
    f.staff("tech1", "李建国", role="tech")
    f.room(comm)
    yield comm
    close_database()


async def test_new_work_order_typed_in_one_burst_is_stored_with_the_filtered_category(desk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = new_order_form(app.staff.id)
        app.push_screen(form)
        await settle(app, pilot)
        # title, kind (kept), category by initials, priority (kept), room, F10
        burst(app, *"厨房漏水", "enter", "enter", *"sgls", "enter", "enter", "enter",
              *"3-2-501", "f10")
        await settle(app, pilot, 0.5)
        await settled(pilot, lambda: WorkOrder.select().exists())
        order = WorkOrder.get()
        assert order.title == "厨房漏水"
        assert order.category.name == "水管漏水"
        assert order.room.code == "3-2-501"


async def test_queue_filter_finds_the_technician_by_initials_and_the_building_by_name(desk):
    from screens.workorder_forms import Lookups

    lookups = Lookups(buildings=[(1, "锦绣花园 3栋"), (2, "锦绣花园 5栋")],
                      categories=[(2, "水电 › 水管漏水")],
                      technicians=[(7, "tech1", "李建国"), (8, "tech2", "王强")])
    from data.queue import QueueFilter

    form = filter_form(QueueFilter(), lookups)
    app = one_form_app(form)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, *"5栋", "enter", "enter", "enter", "enter", "enter", *"ljg", "enter")
        for _wait in range(50):  # the burst is handled in order; a loaded machine takes longer
            await pilot.pause(0.1)
            values = form.values()
            if values["assignee"]:
                break
        assert values["building"] == "2" and values["assignee"] == "7", (values, form.focused)


# --- the calls history: a new result starts on its first hit (issue 15 item 2) -------------------


@pytest.fixture
def calls_desk(db_url, monkeypatch):
    """desk1 and six calls, a minute apart (newest first: 来电5 … 来电0), repairs every
    other one (来电4, 来电2, 来电0)."""
    from data.models import Call

    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("zh")
    open_database(db_url)
    me = f.staff("desk1", "李娜")
    for i in range(6):
        call = f.call(me, number=f"1390000000{i}", summary=f"来电{i}")
        Call.update(started_at=NOW - dt.timedelta(minutes=60 - i),
                    category="repair" if i % 2 == 0 else "inquiry").where(Call.id == call.id).execute()
    yield me
    close_database()


def history_cursor(app) -> str:
    """The summary of the call under the history's cursor."""
    from textual.widgets import DataTable

    pane = app.screen.query_one("#mode-history")
    return pane.rows[pane.query_one(DataTable).cursor_row].summary


async def test_calls_history_a_new_filter_starts_on_its_first_hit_a_refresh_keeps_the_call(calls_desk):
    from data.calls import CallFilter
    from data.models import Call

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5", "h")
        await settle(app, pilot, 0.1)
        calls = app.screen
        await pilot.press("down", "down", "down")
        assert history_cursor(app) == "来电2"
        # A live refresh of the same query, a newer call on top: still on 来电2 (one row lower).
        new = f.call(calls_desk, number="13900000009", summary="来电9")
        Call.update(started_at=NOW).where(Call.id == new.id).execute()
        calls.refresh_data()
        await settle(app, pilot, 0.1)
        assert [c.summary for c in calls.history_rows][:2] == ["来电9", "来电5"]
        assert history_cursor(app) == "来电2"
        # A new query (repairs only) holds 来电2 too, but starts on its first hit.
        await pilot.press("f")
        await settle(app, pilot)
        app.screen.dismiss(CallFilter(category="repair"))
        await settle(app, pilot, 0.1)
        assert [c.summary for c in calls.history_rows] == ["来电4", "来电2", "来电0"]
        assert history_cursor(app) == "来电4"
        await pilot.press("down", "down")
        calls.refresh_data()  # the same filter again: the cursor stays on 来电0
        await settle(app, pilot, 0.1)
        assert history_cursor(app) == "来电0"
        # The same criteria chosen again in the form are a new search: its first hit.
        await pilot.press("f")
        await settle(app, pilot)
        app.screen.dismiss(CallFilter(category="repair"))
        await settle(app, pilot, 0.1)
        assert history_cursor(app) == "来电4"
        # Clearing the filter: all calls again, from the newest.
        await pilot.press("down", "F")
        await settle(app, pilot, 0.1)
        assert history_cursor(app) == "来电9"


# --- owner edit, event quick-add and sign-in typed in one burst (issue 15 item 1) ----------------


@pytest.fixture
def owner_desk(db_url, monkeypatch):
    """desk1, tech1 and 张晓明 (13800138000) of 3-2-501."""
    from data import people
    from data.people import PersonInput

    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("zh")
    open_database(db_url)
    comm = f.community("锦绣花园")
    f.staff("desk1", "李娜")
    f.staff("tech1", "李建国", role="tech")
    room = people.ensure_room(comm.id, "3-2-501")
    pid = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(pid, room, "owner", dt.date(2019, 5, 1))
    yield pid
    close_database()


async def test_owner_name_and_phone_edited_in_one_burst_each_are_stored(owner_desk):
    from textual.widgets import DataTable

    from data.models import Person, Phone
    from screens.owner_card import OwnerCardScreen

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # F2, the name, down to the hit, open the card (keys typed on wait for the card's read:
        # tests/screens/test_clerk_keys_lists.py).
        burst(app, "f2", *"张晓明", "down", "enter")
        await settle(app, pilot, 0.3)
        # e, clear the name, the new one, F10
        burst(app, "e", "ctrl+u", *"张小明", "f10")
        await settle(app, pilot, 0.5)
        card = app.screen
        assert isinstance(card, OwnerCardScreen) and card.person_id == owner_desk
        assert Person.get_by_id(owner_desk).name == "张小明"
        table = card.query_one("#card-items", DataTable)
        table.focus()
        await settle(app, pilot)
        # row 0 is the room, row 1 the phone: down, enter opens it, clear, the new number, F10
        burst(app, "home", "down", "enter", "ctrl+u", *"13900001111", "f10")
        await settle(app, pilot, 0.5)
        assert app.screen is card
        assert [p.number for p in Phone.select().where(Phone.person == owner_desk)] == ["13900001111"]


async def test_event_quick_add_typed_in_one_burst_previews_then_books(owner_desk):
    from data.models import Event

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        burst(app, "f4", "a", *"明天 14:00-15:00 上门维修", "enter", "f10")
        await settle(app, pilot, 0.5)
        events = [(e.title, e.start, e.end) for e in Event.select()]
        assert events == [("上门维修", dt.datetime(2026, 11, 28, 14), dt.datetime(2026, 11, 28, 15))]


async def test_sign_in_password_typed_while_the_screen_mounts_signs_in(owner_desk):
    from data.models import Staff
    from tui.sign_in_app import SignInApp

    Staff.update(password_hash=f.password_hash("deskpass22")).where(Staff.login == "desk1").execute()
    app = SignInApp("desk1")
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, *"deskpass22", "enter")  # before the screen has even been mounted
        await wait_for(pilot, lambda: app.return_value is not None)
    assert app.return_value.login == "desk1"

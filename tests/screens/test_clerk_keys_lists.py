"""Leftovers of the desk walk-through replayed by a new clerk (issue 15): F2 always lands in
the search field with the last query selected, a key typed while the owner card loads acts
on the card, Home/End in the queue, the technician's 我的 in deadline order, and resuming an
on-hold order asks first. Each test replays the clerk's keys at 80×24."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from data import i18n, people, queue
from data.db import close_database, open_database
from data.models import Person, Room, WorkOrder
from data.people import PersonInput
from data.staff import sign_in
from screens.owner_card import OwnerCardScreen
from screens.owners import OwnersScreen
from screens.queue import QueueScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import screen_text, wait_for
from tests.screens.test_typeahead import burst, settle
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.form import FormModal

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def clerk(db_url, monkeypatch):
    """desk1 and tech1; 李强 (…0675) of 12-1-1001 and 王芳 (…2222) of 3-2-501."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("zh")
    open_database(db_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜")
    tech = f.staff("tech1", "李建国", role="tech")
    ids = {"comm": comm, "desk": desk, "tech": tech}
    for name, phone, code in (("李强", "15900000675", "12-1-1001"), ("王芳", "13900002222", "3-2-501")):
        room = people.ensure_room(comm.id, code)
        pid = people.create_person(PersonInput(name=name, phones=[phone]))
        people.move_in(pid, room, "owner", dt.date(2020, 1, 1))
        ids[name] = pid
        ids[code] = room
    yield ids
    close_database()


def search_field(app) -> Input:
    return app.screen.query_one("#owner-query", Input)


# --- 1. F2 lands in the search field, the last query selected -------------------------------


@pytest.mark.parametrize("away", ["f5", "f6", "f3"])
async def test_f2_after_a_card_and_another_screen_focuses_the_search_and_typing_replaces_the_query(clerk, away):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2", *"0675", "enter")  # one hit: the card opens
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, OwnerCardScreen) and app.screen.person_id == clerk["李强"]
        await pilot.press(away)
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnersScreen)
        field = search_field(app)
        assert app.screen.focused is field
        assert field.value == "0675" and field.selected_text == "0675"  # typing replaces it
        await pilot.press("王")
        await settle(app, pilot, 0.3)
        assert field.value == "王"
        assert app.screen.rows == [("person", clerk["王芳"])]
        assert "王芳" in screen_text(app) and "李强" not in screen_text(app)


async def test_f2_and_a_name_in_one_burst_after_the_card_search_the_name(clerk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2", *"0675", "enter")
        await settle(app, pilot, 0.2)
        await pilot.press("f5")
        await settle(app, pilot)
        burst(app, "f2", "王", "down", "enter")  # the clerk types on without looking
        await settle(app, pilot, 0.3)
        assert isinstance(app.screen, OwnerCardScreen) and app.screen.person_id == clerk["王芳"]


async def test_f2_from_the_results_list_of_the_same_screen_goes_back_to_the_field(clerk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2", *"李强")
        await settle(app, pilot, 0.3)
        await pilot.press("down")  # in the results list
        assert isinstance(app.screen.focused, DataTable)
        burst(app, "f2", "王")
        await settle(app, pilot, 0.3)
        assert search_field(app).value == "王" and app.screen.focused is search_field(app)


# --- 2. a key typed while the owner card loads ----------------------------------------------


async def test_e_typed_right_after_enter_opens_the_edit_form_once_the_card_is_read(clerk, monkeypatch):
    import time

    from data import cards

    read = cards.owner_card

    def slow_read(person_id):  # a busy database: the card comes back after the keys
        time.sleep(0.15)
        return read(person_id)

    monkeypatch.setattr(cards, "owner_card", slow_read)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2", *"王芳")
        await settle(app, pilot, 0.3)
        burst(app, "down", "enter", "e", "ctrl+u", *"王小芳", "f10")
        await settle(app, pilot, 0.5)
        assert isinstance(app.screen, OwnerCardScreen)
        assert Person.get_by_id(clerk["王芳"]).name == "王小芳"
        assert "王小芳" in screen_text(app)


async def test_an_edit_asked_before_the_card_is_read_runs_when_it_arrives(clerk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        card = OwnerCardScreen(clerk["王芳"])
        card.load = lambda *args, **kwargs: None  # the read has not come back yet
        await app.push_screen(card)
        await pilot.pause()
        await pilot.press("e")
        await settle(app, pilot)
        assert app.screen is card  # nothing to edit yet, and the key is not dropped …
        OwnerCardScreen.load(card)  # … the card arrives
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        assert app.screen.values()["name"] == "王芳"


# --- 3. Home/End in the queue; 我的 in the order of its deadline column ---------------------


async def test_end_and_home_go_to_the_last_and_first_row_of_the_page(clerk):
    desk, comm = clerk["desk"], clerk["comm"]
    for i in range(30):
        f.work_order(desk, comm, title=f"单{i:02d}", resolution_due=NOW + dt.timedelta(hours=i + 1))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3", "1")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one(DataTable)
        last = len(screen.rows) - 1
        assert last == 29
        for key, row in (("end", last), ("home", 0), ("ctrl+end", last), ("ctrl+home", 0)):
            await pilot.press(key)
            await pilot.pause()
            assert table.cursor_row == row, key
        await pilot.press("end", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkOrderScreen) and app.screen.view.title == "单29"


def mine_world(clerk) -> list[str]:
    """tech1's open orders, some answered (the resolution deadline shows) and some not (the
    response deadline shows); returns the titles in the order of the deadline shown."""
    desk, comm, tech = clerk["desk"], clerk["comm"], clerk["tech"]
    hours = dt.timedelta(hours=1)
    orders = [  # title, response due, resolution due, answered
        ("甲", NOW + 2 * hours, NOW + 20 * hours, False),    # shows 2h: response
        ("乙", NOW + 30 * hours, NOW + 27 * hours / 60, True),  # shows 27m: resolution
        ("丙", NOW - 69 * hours, NOW + 5 * hours, False),    # shows -2d21h
        ("丁", NOW - 80 * hours, NOW - 65 * hours, True),    # shows -2d17h
        ("戊", NOW + 1 * hours, NOW + 21 * hours, True),     # shows 21h
    ]
    for title, response, resolution, answered in orders:
        order = f.work_order(desk, comm, title=title, status="in_progress" if answered else "assigned",
                             assignee=tech, response_due=response, resolution_due=resolution)
        if answered:
            WorkOrder.update(responded_at=NOW - 90 * hours).where(WorkOrder.id == order.id).execute()
    return ["丙", "丁", "乙", "甲", "戊"]


def test_mine_and_overdue_are_ordered_by_the_deadline_they_show(clerk):
    expected = mine_world(clerk)
    tech = clerk["tech"].id
    page = queue.queue_page("mine", tech, at=NOW)
    assert [r.title for r in page.rows] == expected
    deadlines = [r.deadline for r in page.rows]
    assert deadlines == sorted(deadlines)
    # Keyset pages of two follow the same order.
    titles, after = [], None
    while True:
        page = queue.queue_page("mine", tech, after=after, limit=2, at=NOW)
        titles += [r.title for r in page.rows]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert titles == expected
    overdue = queue.queue_page("overdue", tech, at=NOW).rows
    assert [r.deadline for r in overdue] == sorted(r.deadline for r in overdue)
    assert [r.title for r in overdue][:2] == ["丙", "丁"]


async def test_the_technicians_mine_view_shows_the_deadlines_most_urgent_first(clerk):
    expected = mine_world(clerk)
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3", "2")
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.view_name == "mine"
        text = screen_text(app)
        lines = [line for line in text.splitlines() if any(t in line for t in expected)]
        assert [next(t for t in expected if t in line) for line in lines] == expected
        for words in ("-2d21h", "-2d17h", "27m", "2h00m", "21h00m"):
            assert words in text
        assert text.index("-2d21h") < text.index("-2d17h") < text.index("27m") < text.index("21h00m")


# --- 4. resuming an on-hold order asks first ------------------------------------------------


async def test_s_on_an_on_hold_order_asks_before_resuming(clerk):
    desk, comm, tech = clerk["desk"], clerk["comm"], clerk["tech"]
    order = f.work_order(desk, comm, title="等配件", status="on_hold", assignee=tech,
                         room_=Room.get_by_id(clerk["3-2-501"]), resolution_due=NOW + dt.timedelta(hours=5))
    WorkOrder.update(responded_at=NOW - dt.timedelta(hours=1), hold_since=NOW - dt.timedelta(hours=1)).where(
        WorkOrder.id == order.id).execute()
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(WorkOrderScreen(order.id))
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "恢复处理" in screen_text(app) and "y" in screen_text(app)
        await pilot.press("n")  # not now
        await settle(app, pilot)
        assert WorkOrder.get_by_id(order.id).status == "on_hold"
        await pilot.press("s", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkOrderScreen)
        assert WorkOrder.get_by_id(order.id).status == "in_progress"

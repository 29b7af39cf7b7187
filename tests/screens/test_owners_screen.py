"""The owners screen at 80×24: type, see the hit, open the card, add a note, edit a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from data import people
from data.db import close_database, open_database
from data.models import Person, PersonNote, Phone
from data.people import PersonInput
from data.staff import sign_in
from screens.owner_card import OwnerCardScreen, RoomCardScreen
from screens.owners import OwnersScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 10:00")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    f.staff("desk1", "李娜")
    room = people.ensure_room(comm.id, "3-2-501")
    pid = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(pid, room, "owner", dt.date(2019, 5, 1))
    tenant = people.create_person(PersonInput(name="[red]李芳[/red]", phones=["13912345678"]))
    people.move_in(tenant, room, "tenant", dt.date(2024, 3, 1))
    people.ensure_room(comm.id, "9-1-101")  # nobody lives there
    yield {"person": pid, "tenant": tenant}
    close_database()



async def open_owners(app, pilot, query: str) -> None:
    await settle(app, pilot)
    await pilot.press("f2")
    await settle(app, pilot)
    await pilot.press(*query)
    await settle(app, pilot, 0.2)


async def test_type_a_query_and_see_the_hit(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_owners(app, pilot, "zxm")
        assert isinstance(app.screen, OwnersScreen)
        text = screen_text(app)
        assert "张晓明" in text and "3-2-501" in text and "锦绣花园" in text
        assert "138****8000" in text and "13800138000" not in text
        assert "业主" in text


async def test_markup_looking_names_show_literally(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_owners(app, pilot, "3-2-501")
        text = screen_text(app)
        assert "[red]李芳[/red]" in text


async def test_open_the_card_and_add_a_note(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_owners(app, pilot, "8000")
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnerCardScreen)
        text = screen_text(app)
        assert "张晓明" in text and "3-2-501 锦绣花园" in text
        assert "[red]李芳[/red](租户)" in text  # co-occupant, shown as typed
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        await pilot.press(*"周六上午在家 [b]")
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnerCardScreen)
        assert [n.text for n in PersonNote.select()] == ["周六上午在家 [b]"]
        await wait_for(pilot, lambda: "周六上午在家 [b]" in screen_text(app))


async def test_a_bad_phone_is_refused_with_a_message_and_nothing_is_lost(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_owners(app, pilot, "张晓明")
        await pilot.press("down", "enter")
        await settle(app, pilot)
        table = app.screen.query_one("#card-items", DataTable)
        table.focus()
        table.move_cursor(row=1)  # row 0 is the room, row 1 the phone
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        field = form.query_one("#field-phone", Input)
        field.value = ""
        await pilot.press(*"1380013800")  # one digit short
        await pilot.press("f10")
        await pilot.pause()
        assert app.screen is form  # still open, still holding what was typed
        assert field.value == "1380013800"
        assert "11" in screen_text(app)  # "a mobile number has 11 digits …"
        assert Phone.get(Phone.person == world["person"]).number == "13800138000"
        field.value = "+86 139 0000 1111"
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnerCardScreen)
        assert Phone.get(Phone.person == world["person"]).number == "13900001111"


async def test_new_person_with_duplicate_warning(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        app.screen.query_one(DataTable).focus()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        form.query_one("#field-name", Input).value = "张晓明"
        form.query_one("#field-phone", Input).value = "138 0013 8000"
        await pilot.press("f10")
        await pilot.pause()
        assert app.screen is form
        assert "张晓明 (#" in screen_text(app)  # possible duplicate, named
        assert Person.select().where(Person.name == "张晓明").count() == 1
        await pilot.press("f10")  # save anyway
        await settle(app, pilot)
        assert Person.select().where(Person.name == "张晓明").count() == 2
        assert isinstance(app.screen, OwnerCardScreen)


async def test_room_code_shows_the_room_card_even_when_empty(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_owners(app, pilot, "9-1-101")
        assert "9-1-101" in screen_text(app)
        await pilot.press("enter")  # one row: the room, opened directly
        await settle(app, pilot)
        assert isinstance(app.screen, RoomCardScreen)
        assert "此房屋还没有登记住户" in screen_text(app)


async def test_admin_imports_a_roster_from_the_palette(sqlite_url):
    from pathlib import Path

    from data.staff import add_staff
    from screens.roster_import import ImportScreen

    open_database(sqlite_url)
    f.community("锦绣花园")
    f.community("阳光水岸")
    add_staff("admin", "管理员", "admin")
    roster = Path(__file__).resolve().parents[1] / "files" / "roster_good.csv"
    app = FrontDeskApp(sign_in("admin"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_import_roster()
        await pilot.pause()
        form = app.screen
        form.query_one("#field-path", Input).value = str(roster)
        await pilot.press("f10")
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, ImportScreen)
        await settle(app, pilot, 0.2)
        assert not app.screen.running
        summary = app.screen.query_one("#import-result").text
        assert "已导入" in summary and "roster_good.csv" in summary
        assert Person.select().count() >= 10
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ImportScreen)
    close_database()


async def test_desk_clerks_do_not_get_the_import(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not any("Import owner roster" in t for t in titles)
        app.action_import_roster()
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)  # refused with a message, no form


async def test_control_characters_are_refused_in_a_form(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        app.screen.query_one(DataTable).focus()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        form.query_one("#field-name", Input).value = "王\x1b[2J芳"
        await pilot.press("f10")
        await pilot.pause()
        assert app.screen is form
        assert "U+001B" in screen_text(app)
        assert form.query_one("#field-name", Input).value == "王\x1b[2J芳"  # nothing lost
        assert Person.select().where(Person.name.contains("王")).count() == 0


async def test_a_search_loads_the_rows_the_table_shows_and_more_when_taller(world):
    """Many matches: the search loads what the table shows (issue 21), the status says there
    are more, and a taller window loads the rows it now has room for."""
    comm = f.community("阳光水岸")
    for i in range(60):
        room = people.ensure_room(comm.id, f"1-1-{101 + i}")
        pid = people.create_person(PersonInput(name=f"欧阳{chr(0x4E00 + i)}"))
        people.move_in(pid, room, "owner", dt.date(2020, 1, 1))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_owners(app, pilot, "欧阳")
        screen = app.screen
        table = screen.query_one(DataTable)
        shown = table.row_count
        assert 10 <= shown < 30 and shown == len(screen.result.hits)
        assert f"{shown}+" in screen_text(app)
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot, 0.3)
        taller = table.row_count
        assert shown < taller < 60 and f"{taller}+" in screen_text(app)
        assert taller >= table.scrollable_content_region.height - 1  # the table is full


@pytest.fixture
def world_both(db_url, monkeypatch):
    """The owner of 3-2-501, on both databases."""
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 10:00")
    open_database(db_url)
    comm = f.community("锦绣花园")
    f.staff("desk1", "李娜")
    room = people.ensure_room(comm.id, "3-2-501")
    pid = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(pid, room, "owner", dt.date(2019, 5, 1))
    other = people.create_person(PersonInput(name="王芳", phones=["13700138000"]))
    people.move_in(other, people.ensure_room(comm.id, "3-2-502"), "owner", dt.date(2020, 5, 1))
    yield pid
    close_database()


@pytest.mark.parametrize("query", ["13800138000", "38000"], ids=["whole", "longer-tail"])
async def test_a_number_search_left_open_is_recorded_once(world_both, query):
    """A search by a whole number (counted, 30 a minute at most) or a longer tail (a reveal)
    is recorded when it is typed; the screen's refreshes show the same hits without
    recording it again — so a refresh never starts the next one (the record is a commit the
    change poll sees) and a screen left open is not refused a minute later."""
    from data.models import AuditLog

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_owners(app, pilot, query)
        if query == "38000":
            await pilot.press("enter")  # a longer tail is sent by enter (two hits: no card)
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, OwnersScreen)
        assert "张晓明" in screen_text(app)
        recorded = AuditLog.select().where(AuditLog.action.in_(["search", "reveal"])).count()
        assert recorded >= 1
        for _poll in range(4):
            app._poll_changes()
            await settle(app, pilot, 0.1)
        assert AuditLog.select().where(AuditLog.action.in_(["search", "reveal"])).count() == recorded
        assert "张晓明" in screen_text(app)
        if query == "38000":  # someone new matching the tail: recorded when first shown
            newcomer = people.create_person(PersonInput(name="赵敏", phones=["13600138000"]))
            app._poll_changes()
            await wait_for(pilot, lambda: "赵敏" in screen_text(app))
            reveals = AuditLog.select().where(AuditLog.action == "reveal")
            assert reveals.count() == recorded + 1
            assert reveals.order_by(AuditLog.id.desc()).get().entity_id == newcomer


async def test_a_refused_number_search_stays_refused_when_the_screen_refreshes(world_both):
    """Beyond 30 whole-number searches a minute the search is refused; a refresh of the
    screen asks again as a new search (counted, refused), never shows the hits."""
    from data import audit
    from data.db import transaction
    from data.models import Staff
    from data.search_gate import WHOLE_SEARCHES_PER_MINUTE

    desk1 = Staff.get(Staff.login == "desk1").id
    with transaction():
        for _n in range(WHOLE_SEARCHES_PER_MINUTE):
            audit.record("search", "person", 0, "number", staff_id=desk1)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_owners(app, pilot, "13800138000")
        assert "张晓明" not in screen_text(app)
        app._poll_changes()
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, OwnersScreen)
        assert "张晓明" not in screen_text(app)
        assert app.screen.result is not None and app.screen.result.refused

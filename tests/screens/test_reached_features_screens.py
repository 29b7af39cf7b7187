"""The keys of issue 13 item 6 at 80×24: deleting a saved filter (F3 D), a person's free
time (F4), tagging a call to an incident (F5 history), call lists from a search (F5 lists)
and editing a script (F5)."""

from __future__ import annotations

import datetime as dt

import pytest

from data import i18n, queue
from data.db import close_database, open_database
from data.queue import QueueFilter
from data.staff import sign_in
from screens.queue import QueueScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.picker import PickerModal

NOW = dt.datetime(2026, 11, 30, 8, 0)


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜")
    sup = f.staff("super1", "陈静", "supervisor")
    tech = f.staff("tech1", "王建国", "tech")
    yield {"comm": comm, "desk": desk, "sup": sup, "tech": tech}
    close_database()


async def test_d_in_the_queue_deletes_a_saved_filter_after_asking(world):
    desk = world["desk"]
    queue.save_filter(desk.id, "急单", QueueFilter(priority="urgent"))
    queue.save_filter(desk.id, "已派", QueueFilter(status="assigned"))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        notes = record_notifications(app)
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("D")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerModal)
        assert "Delete which saved filter?" in screen_text(app) and "急单" in screen_text(app)
        await pilot.press("enter")  # 已派 sorts first
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal) and "已派" in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert len(queue.saved_filters(desk.id)) == 2
        await pilot.press("D")
        await settle(app, pilot)
        await pilot.press("enter", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        assert [n for n, _f in queue.saved_filters(desk.id)] == ["急单"]
        assert any("deleted" in n for n in notes)


async def test_i_in_the_call_history_tags_the_call_to_the_outage(world):
    from data import calls, people
    from data.models import Building, Call

    room = people.ensure_room(world["comm"].id, "5-1-101")
    building = Building.get(Building.community == world["comm"].id, Building.code == "5")
    assert room
    incident = calls.declare_incident("water_cut", "5号楼停水", [building.id], NOW - dt.timedelta(hours=1),
                                      NOW + dt.timedelta(hours=8), "", world["sup"].id)
    call = f.call(world["desk"], number="13700001111", summary="问停水")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        notes = record_notifications(app)
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert "问停水" in screen_text(app)
        await pilot.press("i")
        await settle(app, pilot)
        assert Call.get_by_id(call.id).incident_id == incident.id
        assert any("Call tagged to 5号楼停水." in n for n in notes)


async def test_s_in_the_call_lists_builds_a_list_from_a_search(world):
    from data import calls, people
    from data.people import PersonInput
    from widgets.form import FormModal

    room = people.ensure_room(world["comm"].id, "5-1-101")
    li = people.create_person(PersonInput(name="李芳", gender="F", phones=["13700001111"]))
    people.move_in(li, room, "owner")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        await pilot.press("u")  # desk staff: no lists from a file
        await settle(app, pilot)
        assert not isinstance(app.screen, FormModal)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        await pilot.press(*"无此人", "f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal) and "found nobody" in screen_text(app)
        app.screen.query_one("#field-query").value = "5-1"
        await pilot.press("f10")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormModal)
        [lst] = calls.call_lists()
        assert lst.total == 1 and "李芳" in screen_text(app)

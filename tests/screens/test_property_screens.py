"""Issue 14, the last pieces: a room code that could be several rooms or a parking space asks
with a picker naming each candidate (房屋/车位), in the new work order form and the owner's
move-in; all-day items shown as all-day in every calendar view; parking spaces on the
property screen; an owner's contact people set from the owner card; the room card showing
the parking spaces of its occupants. Screens at 80×24; the data on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from data import i18n, people
from data import property as prop
from data.db import close_database, open_database
from data.errors import ValidationError
from data.models import Occupancy, ParkingSpace, Person, WorkOrder
from data.people import PersonInput
from data.staff import sign_in
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal
from widgets.picker import PickerModal


def _world() -> dict:
    """Two communities: 3-2-501 in both; B2-034 a room (a garage unit) in 锦绣花园 and a
    parking space in 阳光水岸, held by 张晓明."""
    i18n.set_language("en")
    desk = f.staff("desk1", "李娜")
    f.staff("admin1", "孙管理", "admin")
    jx = prop.add_community(prop.CommunityInput("锦绣花园"))
    yg = prop.add_community(prop.CommunityInput("阳光水岸"))
    jx_room, _c, _ch = prop.save_room(jx, "3-2-501", prop.RoomInput(area="89.50"))
    yg_room, _c, _ch = prop.save_room(yg, "3-2-501", prop.RoomInput(area="92.00"))
    garage, _c, _ch = prop.save_room(jx, "B2-034", prop.RoomInput())
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    space = prop.add_parking_space(yg, prop.ParkingSpaceInput("B2-034", kind="产权", area="13.20",
                                                              holder="张晓明", plate="沪A12345"))
    return {"desk": desk, "jx": jx, "yg": yg, "jx_room": jx_room, "yg_room": yg_room,
            "garage": garage, "owner": owner, "space": space}


@pytest.fixture
def world(database):
    return _world()


# --- data, on both databases -------------------------------------------------------------------


def test_a_holder_is_named_by_name_phone_or_id_and_a_name_two_people_share_is_refused(world):
    assert prop.person_ref("张晓明", "holder") == world["owner"]
    assert prop.person_ref("138 0013 8000", "holder") == world["owner"]
    assert prop.person_ref(f"#{world['owner']} 张晓明", "holder") == world["owner"]
    with pytest.raises(ValidationError) as caught:
        prop.person_ref("王不在", "holder")
    assert caught.value.field == "holder" and "Nobody is called 王不在" in caught.value.message
    people.create_person(PersonInput(name="张晓明", phones=["13900139000"]))
    with pytest.raises(ValidationError) as caught:
        prop.person_ref("张晓明", "holder")
    assert "Several people are called 张晓明" in caught.value.message


def test_the_parking_spaces_of_a_rooms_occupants_and_setting_a_holder(world):
    assert [s.code for s in prop.parking_of_people([world["owner"]])] == ["B2-034"]
    tenant = people.create_person(PersonInput(name="李四", phones=["13700137000"]))
    other = prop.add_parking_space(world["jx"], prop.ParkingSpaceInput("B1-001"))
    assert prop.set_parking_holder(other, tenant) == other
    assert ParkingSpace.get_by_id(other).holder_id == tenant
    shown = prop.parking_of_people([world["owner"], tenant])
    assert [(s.community, s.code, s.holder.name) for s in shown] == [
        ("锦绣花园", "B1-001", "李四"), ("阳光水岸", "B2-034", "张晓明")]
    assert prop.parking_of_people([]) == []


def test_the_work_order_form_names_every_candidate_of_a_room_or_parking_code(world):
    from screens.workorder_forms import _resolve_room

    with pytest.raises(ValidationError) as caught:
        _resolve_room("B2-034", "", None)
    assert caught.value.field == "room"
    assert "锦绣花园 B2-34 (room)" in caught.value.message
    assert "阳光水岸 B2-034 (parking space)" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        _resolve_room("3栋2单元501室", "", None)
    assert "锦绣花园 3-2-501 (room)" in caught.value.message and "阳光水岸 3-2-501 (room)" in caught.value.message
    # Named by its community, or written in front, it is one room.
    assert _resolve_room("3-2-501", "阳光水岸", None) == (world["yg_room"], world["yg"], "")
    assert _resolve_room("阳光水岸3-2-501", "", None) == (world["yg_room"], world["yg"], "")
    # The parking space alone is a place in its community.
    assert _resolve_room("地下车库B2-034", "", None) == (None, world["yg"], "parking space B2-034")


def test_the_candidates_are_named_in_chinese(world):
    from data.rooms_lookup import resolve_room
    from screens.room_question import candidate_label

    i18n.set_language("zh_CN")
    try:
        labels = [candidate_label(c) for c in resolve_room("B2-034").candidates]
    finally:
        i18n.set_language("en")
    assert labels == ["锦绣花园 B2-34（房屋）", "阳光水岸 B2-034（车位）"]


# --- screens at 80×24 ---------------------------------------------------------------------------


@pytest.fixture
def screen_world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 10:00")
    open_database(sqlite_url)
    yield _world()
    close_database()


async def _pick(app, pilot, label: str) -> None:
    """In the picker on top, highlight the row naming `label` and take it."""
    await wait_for(pilot, lambda: isinstance(app.screen, PickerModal))
    picker = app.screen
    names = [row.cells[0] for row in picker.rows]
    assert any(label in n for n in names), names
    from textual.widgets import DataTable

    picker.query_one(DataTable).move_cursor(row=next(i for i, n in enumerate(names) if label in n))
    await pilot.press("enter")
    await settle(app, pilot, 0.1)


async def test_a_new_order_for_b2_034_asks_room_or_parking_space_and_saves_the_pick(screen_world):
    from screens.workorder_forms import new_order_form

    w = screen_world
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(new_order_form(w["desk"].id))
        await settle(app, pilot)
        form = app.screen
        form.query_one("#field-title").value = "车位地锁坏了"
        form.query_one("#field-room").value = "B2-034"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal))
        text = screen_text(app)
        assert "锦绣花园 B2-34 (room)" in text and "阳光水岸 B2-034 (parking space)" in text
        await _pick(app, pilot, "(parking space)")
        await wait_for(pilot, lambda: not isinstance(app.screen, (FormModal, PickerModal)))
        order = WorkOrder.get(WorkOrder.title == "车位地锁坏了")
        assert (order.room_id, order.community_id, order.location) == (None, w["yg"], "parking space B2-034")

        # 3-2-501 is in both communities: the pick is the one saved, its community shown.
        app.push_screen(new_order_form(w["desk"].id))
        await settle(app, pilot)
        form = app.screen
        form.query_one("#field-title").value = "厨房漏水"
        form.query_one("#field-room").value = "3-2-501"
        await pilot.press("f10")
        await _pick(app, pilot, "阳光水岸 3-2-501")
        await wait_for(pilot, lambda: WorkOrder.select().where(WorkOrder.title == "厨房漏水").exists())
        order = WorkOrder.get(WorkOrder.title == "厨房漏水")
        assert (order.room_id, order.community_id) == (w["yg_room"], w["yg"])


async def test_escape_from_the_question_keeps_the_form_with_the_candidates_under_the_room(screen_world):
    from screens.workorder_forms import new_order_form

    w = screen_world
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(new_order_form(w["desk"].id))
        await settle(app, pilot)
        app.screen.query_one("#field-title").value = "漏水"
        app.screen.query_one("#field-room").value = "3-2-501"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal))
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        assert app.screen.query_one("#field-room").value == "3-2-501"
        assert "could be" in screen_text(app)
        assert not WorkOrder.select().exists()


async def test_moving_in_asks_which_community_and_a_parking_pick_makes_the_holder(screen_world):
    from screens.owner_forms import move_in_form

    w = screen_world
    newcomer = people.create_person(PersonInput(name="王芳", phones=["13600136000"]))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(move_in_form(newcomer, ""))
        await settle(app, pilot)
        app.screen.query_one("#field-room").value = "3栋2单元501室"
        await pilot.press("f10")
        await _pick(app, pilot, "锦绣花园 3-2-501 (room)")
        await wait_for(pilot, lambda: not isinstance(app.screen, (FormModal, PickerModal)))
        assert [o.room_id for o in Occupancy.select().where(Occupancy.person == newcomer)] == [w["jx_room"]]

        app.push_screen(move_in_form(newcomer, ""))
        await settle(app, pilot)
        app.screen.query_one("#field-room").value = "B2-034"
        await pilot.press("f10")
        await _pick(app, pilot, "(parking space)")
        await wait_for(pilot, lambda: not isinstance(app.screen, (FormModal, PickerModal)))
        assert ParkingSpace.get_by_id(w["space"]).holder_id == newcomer
        assert Occupancy.select().where(Occupancy.person == newcomer).count() == 1


async def test_the_property_screen_lists_adds_and_edits_parking_spaces(screen_world):
    from screens.property import PropertyScreen

    w = screen_world
    app = FrontDeskApp(sign_in("admin1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_open_property()
        await settle(app, pilot, 0.2)
        screen = app.screen
        assert isinstance(screen, PropertyScreen)
        rows = [c.name for c in screen.communities]
        screen.query_one("#property-communities").move_cursor(row=rows.index("阳光水岸"))
        await pilot.press("enter")
        await settle(app, pilot, 0.2)
        await pilot.press("v")
        await settle(app, pilot, 0.2)
        text = screen_text(app)
        assert "Parking spaces" in text and "B2-034" in text and "Titled" in text
        assert "13.20" in text and "张晓明" in text and "沪A" in text
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-code").value = "b2 035"
        form.query_one("#field-holder").value = "张晓明"
        form.query_one("#field-plate").value = "沪B67890"
        await pilot.press("f10")
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, PropertyScreen)
        added = ParkingSpace.get(ParkingSpace.code == "B2-035")
        assert (added.community_id, added.kind, added.holder_id) == (w["yg"], "rented", w["owner"])
        assert "B2-035" in screen_text(app)
        # Edit: a rented space has no area of its own; the refusal shows in the form.
        table = app.screen.query_one("#property-parking")
        table.move_cursor(row=[p.code for p in app.screen.parking_rows].index("B2-035"))
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#field-area").value = "12"
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        assert "Only a titled" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)


async def test_c_on_the_owner_card_sets_the_contact_person_and_the_emergency_contact(screen_world):
    from screens.owner_card import OwnerCardScreen

    w = screen_world
    son = people.create_person(PersonInput(name="张伟", phones=["13911112222"]))
    people.create_person(PersonInput(name="李梅", phones=["13933334444"]))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(OwnerCardScreen(w["owner"]))
        await settle(app, pilot, 0.2)
        await pilot.press("c")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-contact").value = "张伟"
        form.query_one("#field-emergency").value = "139 3333 4444"
        await pilot.press("f10")
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, OwnerCardScreen)
        person = Person.get_by_id(w["owner"])
        assert person.contact_person_id == son
        text = screen_text(app)
        assert "Contact person 张伟" in text and "Emergency contact 李梅" in text


async def test_the_room_card_shows_the_parking_spaces_of_its_occupants(screen_world):
    from screens.owner_card import RoomCardScreen

    w = screen_world
    people.move_in(w["owner"], w["yg_room"], "owner", dt.date(2020, 1, 1))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(RoomCardScreen(w["yg_room"]))
        await settle(app, pilot, 0.2)
        assert "Parking: B2-034 张晓明 沪A·12345" in screen_text(app)


async def test_all_day_items_show_as_all_day_in_the_day_week_month_and_agenda_views(screen_world):
    from data.models import Event
    from screens.calendar import CalendarScreen

    desk = screen_world["desk"]
    one = f.event(desk, dt.datetime(2026, 11, 27), dt.datetime(2026, 11, 28), title="停水通知")
    two = f.event(desk, dt.datetime(2026, 11, 30), dt.datetime(2026, 12, 2), title="外墙清洗")
    Event.update(all_day=True).where(Event.id.in_([one.id, two.id])).execute()
    f.event(desk, dt.datetime(2026, 11, 27, 9), dt.datetime(2026, 11, 27, 10), title="上门维修")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, CalendarScreen)
        await pilot.press("d")
        await settle(app, pilot, 0.2)
        text = screen_text(app)
        assert "All day" in text and "停水通知" in text and "09:00-10:00" in text
        assert "00:00" not in text
        await pilot.press("A")
        await settle(app, pilot, 0.2)
        text = screen_text(app)
        assert "all day–12-01" in text and "外墙清洗" in text and "All day" in text
        assert "00:00" not in text
        await pilot.press("w")
        await settle(app, pilot, 0.2)
        text = screen_text(app)
        assert "停水通知" in text and "00:00" not in text  # in the header line, not at 08
        assert not any("停水" in line for line in text.splitlines() if line.strip().startswith("08"))
        await pilot.press("m")
        await settle(app, pilot, 0.2)
        text = screen_text(app)
        # the two-day item is on both its days: two cells in the month grid
        assert text.count("外墙清") == 2


def test_a_room_list_with_building_and_entrance_words_in_split_columns_imports(world, tmp_path):
    from data.models import Room
    from data.room_import import import_rooms

    path = tmp_path / "房屋清单.csv"
    path.write_text("锦绣花园房屋清单,,,,\n小区,楼栋,单元,房号,建筑面积\n"
                    "锦绣花园,5号楼,1单元,601室,95.2\n锦绣花园,B座,,1203,143.8\n", encoding="utf-8")
    report = import_rooms(str(path))
    assert report.rooms_created == 2
    assert {r.code for r in Room.select().where(Room.code.in_(["5-1-601", "B-1203"]))} == {"5-1-601", "B-1203"}

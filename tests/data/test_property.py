"""The property structure (issue 14 item 1): communities, rooms with areas, types, states
and contacts, parking spaces, whom to call first, the room list import and its CLI."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from data import access, i18n, people
from data import property as prop
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.models import Community, ParkingSpace, Room
from data.people import PersonInput
from data.roster import ImportRejected
from tests import factories as f
from tui import cli


@pytest.fixture
def w(database):
    i18n.set_language("en")
    staff = {login: f.staff(login, name, role) for login, name, role in (
        ("desk1", "李娜", "desk"), ("admin1", "孙管理", "admin"))}
    return staff


# --- communities ----------------------------------------------------------------------------


def test_a_community_gets_its_code_from_the_pinyin_initials_and_a_normalised_phone(w):
    cid = prop.add_community(prop.CommunityInput("锦绣花园", phone="021 5555 1234", developer="绿城地产"))
    other = prop.add_community(prop.CommunityInput("金秀华苑"))  # same initials JXHY
    rows = {r.id: r for r in prop.list_communities()}
    assert (rows[cid].code, rows[cid].phone, rows[cid].developer) == ("JXHY", "021-55551234", "绿城地产")
    assert rows[other].code == "JXHY2"


def test_community_names_and_codes_are_unique_and_phones_validated(w):
    cid = prop.add_community(prop.CommunityInput("锦绣花园", code="jx"))
    with pytest.raises(ValidationError) as caught:
        prop.add_community(prop.CommunityInput(" 锦绣花园 "))
    assert caught.value.field == "name" and "already exists" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        prop.add_community(prop.CommunityInput("阳光水岸", code="JX"))
    assert caught.value.field == "code" and "锦绣花园" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        prop.add_community(prop.CommunityInput("阳光水岸", phone="12345"))
    assert caught.value.field == "phone"
    prop.update_community(cid, prop.CommunityInput("锦绣花园一期", code="JX", address="上海市长宁路1号"))
    view = prop.community_view(cid)
    assert (view.name, view.code, view.address) == ("锦绣花园一期", "JX", "上海市长宁路1号")
    assert Community.select().count() == 1


def test_only_administrators_manage_communities_and_rooms(w):
    access.act_as(w["desk1"])
    with pytest.raises(PermissionDenied) as caught:
        prop.add_community(prop.CommunityInput("阳光水岸"))
    assert "manage communities" in str(caught.value) and "Administrator" in str(caught.value)
    access.act_as(w["admin1"])
    cid = prop.add_community(prop.CommunityInput("阳光水岸"))
    access.act_as(w["desk1"])
    with pytest.raises(PermissionDenied):
        prop.save_room(cid, "3-2-501", prop.RoomInput(area="89.5"))
    assert not Room.select().exists()


# --- rooms ----------------------------------------------------------------------------------


def test_a_room_keeps_areas_as_decimals_with_its_type_state_and_delivery(w):
    cid = prop.add_community(prop.CommunityInput("锦绣花园"))
    rid, created, changed = prop.save_room(cid, "3栋2单元501", prop.RoomInput(
        area="120.36㎡", inner_area="98.5", room_type="住宅", state="出租", delivery_date="2019-06-30"))
    assert created and changed
    view = prop.room_view(rid)
    assert view.code == "3-2-501"
    assert (view.area_m2, view.inner_area_m2) == (Decimal("120.36"), Decimal("98.50"))
    assert (view.room_type, view.state, str(view.delivery_date)) == ("residential", "rented", "2019-06-30")
    assert Decimal(str(Room.get_by_id(rid).area_m2)) == Decimal("120.36")
    # The same facts again change nothing.
    assert prop.save_room(cid, "3-2-501", prop.RoomInput(area="120.36", inner_area="98.50")) == (rid, False, False)


@pytest.mark.parametrize(("area", "inner", "field", "words"), [
    ("0", "", "area", "more than 0"),
    ("-5", "", "area", "more than 0"),
    ("89.505", "", "area", "two decimals"),
    ("八十", "", "area", "square metres"),
    ("80", "90", "inner_area", "cannot be larger"),
])
def test_bad_areas_are_refused_naming_the_field(w, area, inner, field, words):
    cid = prop.add_community(prop.CommunityInput("锦绣花园"))
    with pytest.raises(ValidationError) as caught:
        prop.save_room(cid, "3-2-501", prop.RoomInput(area=area, inner_area=inner))
    assert caught.value.field == field and words in caught.value.message
    assert not Room.select().exists()


def test_room_type_and_state_words_are_checked(w):
    cid = prop.add_community(prop.CommunityInput("锦绣花园"))
    rid, _c, _ch = prop.save_room(cid, "S-1-101", prop.RoomInput(room_type="商铺", state="未交付",
                                                                  developer_held=True))
    view = prop.room_view(rid)
    assert (view.room_type, view.state, view.developer_held) == ("shop", "undelivered", True)
    with pytest.raises(ValidationError) as caught:
        prop.update_room(rid, prop.RoomInput(state="租掉了"))
    assert caught.value.field == "state" and "Vacant" in caught.value.message


def test_room_contacts_come_first_then_the_occupants_own_contacts(w):
    cid = prop.add_community(prop.CommunityInput("锦绣花园"))
    rid, _c, _ch = prop.save_room(cid, "3-2-501", prop.RoomInput(area="89.50"))
    owner = people.create_person(PersonInput(name="王奶奶", phones=["13800138001"]))
    people.create_person(PersonInput(name="王强", phones=["13900139002"]))
    niece = people.create_person(PersonInput(name="李梅", phones=["13700137003"]))
    neighbour = people.create_person(PersonInput(name="赵邻", phones=["13600136004"]))
    people.move_in(owner, rid, "owner")
    assert [(c.name, c.why) for c in prop.room_contacts(rid)] == [("王奶奶", "occupant")]
    prop.set_person_contacts(owner, "13900139002", f"#{niece}")
    assert [(c.name, c.number, c.why) for c in prop.room_contacts(rid)] == [
        ("王强", "13900139002", "owner_contact"), ("王奶奶", "13800138001", "occupant"),
        ("李梅", "13700137003", "owner_emergency")]
    prop.set_room_contacts(rid, f"#{neighbour} 赵邻", "13900139002")
    assert [(c.name, c.why) for c in prop.room_contacts(rid)] == [
        ("赵邻", "room_contact"), ("王强", "room_emergency"), ("王奶奶", "occupant"),
        ("李梅", "owner_emergency")]
    view = prop.room_view(rid)
    assert (view.contact.name, view.emergency.name) == ("赵邻", "王强")
    assert prop.call_numbers([owner]) == {owner: "13900139002"}
    with pytest.raises(ValidationError) as caught:
        prop.set_person_contacts(owner, f"#{owner}", None)
    assert caught.value.field == "contact"
    with pytest.raises(ValidationError) as caught:
        prop.set_room_contacts(rid, "13500000000", None)
    assert "Nobody has the phone number" in caught.value.message


# --- parking spaces -------------------------------------------------------------------------


def test_parking_spaces_are_their_own_records_with_unique_codes(w):
    cid = prop.add_community(prop.CommunityInput("锦绣花园"))
    other = prop.add_community(prop.CommunityInput("阳光水岸"))
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    sid = prop.add_parking_space(cid, prop.ParkingSpaceInput(
        "b2 034", kind="产权", area="13.20", holder="13800138000", plate="沪a·12345"))
    prop.add_parking_space(cid, prop.ParkingSpaceInput("B2-035", kind="租赁"))
    prop.add_parking_space(other, prop.ParkingSpaceInput("B2-034", kind="临时"))  # another community
    found = prop.find_parking_space(cid, "B2 034")
    assert (found.id, found.code, found.kind, found.area_m2, found.holder.id, found.plate) == (
        sid, "B2-034", "titled", Decimal("13.20"), owner, "沪A12345")
    with pytest.raises(ValidationError) as caught:
        prop.add_parking_space(cid, prop.ParkingSpaceInput("B2-034"))
    assert caught.value.field == "code" and "already exists" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        prop.add_parking_space(cid, prop.ParkingSpaceInput("B2-036", kind="租赁", area="12"))
    assert caught.value.field == "area"
    with pytest.raises(ValidationError) as caught:
        prop.add_parking_space(cid, prop.ParkingSpaceInput("B2-036", plate="12345"))
    assert caught.value.field == "plate"
    assert [s.code for s in prop.parking_spaces(cid)] == ["B2-034", "B2-035"]
    assert [s.code for s in prop.parking_spaces(kind="临时")] == ["B2-034"]
    view = prop.update_parking_space(sid, prop.ParkingSpaceInput("B2-034", kind="租赁", holder=""))
    assert (view.kind, view.area_m2, view.holder) == ("rented", None, None)
    assert ParkingSpace.select().count() == 3


# --- import rooms ----------------------------------------------------------------------------

ROOM_LIST = (
    "小区,楼栋,单元,房号,建筑面积,套内面积,类型,状态,交房日期\n"
    "锦绣花园,3,2,501,89.50,72.30,住宅,自住,2019/6/30\n"
    "锦绣花园,3,2,502,120.36,,住宅,出租,2019-06-30\n"
    "锦绣花园,S,1,101,143.80,130,商铺,空置,\n"
)


def test_import_rooms_from_csv_then_again_changes_nothing(w, tmp_path):
    prop.add_community(prop.CommunityInput("锦绣花园"))
    path = tmp_path / "房屋清单.csv"
    path.write_text(ROOM_LIST, encoding="utf-8")
    from data.room_import import import_rooms

    report = import_rooms(str(path))
    assert (report.rooms_created, report.rooms_updated, report.rows_unchanged) == (3, 0, 0)
    room = Room.get(Room.code == "3-2-501")
    assert (Decimal(str(room.area_m2)), room.state, str(room.delivery_date)) == (
        Decimal("89.50"), "occupied", "2019-06-30")
    assert Room.get(Room.code == "S-1-101").room_type == "shop"
    again = import_rooms(str(path))
    assert (again.rooms_created, again.rooms_updated, again.rows_unchanged) == (0, 0, 3)
    path.write_text(ROOM_LIST.replace("89.50,72.30", "90.10,72.30"), encoding="utf-8")
    changed = import_rooms(str(path))
    assert (changed.rooms_created, changed.rooms_updated, changed.rows_unchanged) == (0, 1, 2)
    assert Decimal(str(Room.get(Room.code == "3-2-501").area_m2)) == Decimal("90.10")


def test_import_rooms_from_xlsx_with_one_full_room_code_column(w, tmp_path):
    from openpyxl import Workbook

    from data.room_import import import_rooms

    prop.add_community(prop.CommunityInput("锦绣花园"))
    book = Workbook()
    sheet = book.active
    sheet.append(["房号", "面积", "房屋类型", "状态"])
    sheet.append(["12-1-101", 310.5, "别墅", "装修中"])
    sheet.append(["3-2-501", 89.5, "住宅", "自住"])
    path = tmp_path / "rooms.xlsx"
    book.save(path)
    report = import_rooms(str(path), community="锦绣花园")
    assert report.rooms_created == 2
    villa = prop.room_view(Room.get(Room.code == "12-1-101").id)
    assert (villa.area_m2, villa.room_type, villa.state) == (Decimal("310.50"), "villa", "renovating")


def test_a_bad_room_list_changes_nothing_and_names_rows_and_the_missing_community(w, tmp_path):
    from data.room_import import import_rooms

    prop.add_community(prop.CommunityInput("锦绣花园"))
    path = tmp_path / "rooms.csv"
    path.write_text(ROOM_LIST + "新城小区,1,1,101,80,,住宅,自住,\n锦绣花园,3,2,503,-1,,住宅,自住,\n",
                    encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_rooms(str(path))
    text = str(caught.value)
    assert "frontdesk community add 新城小区" in text and "Row 6" in text
    assert not Room.select().exists()
    report = import_rooms(str(path), skip_invalid=True, rejects_path=str(tmp_path / "bad.csv"))
    assert report.rooms_created == 3 and report.rows_rejected == 2
    assert "新城小区" in (tmp_path / "bad.csv").read_text(encoding="utf-8-sig")
    with pytest.raises(NotFoundError) as missing:
        import_rooms(str(path), community="不存在")
    assert "frontdesk community add 不存在" in str(missing.value)


def test_only_administrators_import_rooms(w, tmp_path):
    from data.room_import import import_rooms

    prop.add_community(prop.CommunityInput("锦绣花园"))
    path = tmp_path / "rooms.csv"
    path.write_text(ROOM_LIST, encoding="utf-8")
    access.act_as(w["desk1"])
    with pytest.raises(PermissionDenied):
        import_rooms(str(path))
    assert not Room.select().exists()


# --- the command line ---------------------------------------------------------------------------


def test_the_community_commands(w, db_url, tmp_path, capsys):
    url = str(db_url)
    base = ["--db", url, "--lang", "en"]
    assert cli.main([*base, "--user", "desk1", "community", "add", "阳光水岸"]) == 2
    assert "manage communities" in capsys.readouterr().err
    assert cli.main([*base, "--user", "admin1", "community", "add", "阳光水岸",
                     "--phone", "021-5555 1234", "--developer", "万科"]) == 0
    assert "YGSA" in capsys.readouterr().out
    assert cli.main([*base, "--user", "admin1", "community", "add", "锦绣花园", "--phone", "123"]) == 2
    assert "frontdesk:" in capsys.readouterr().err
    assert cli.main([*base, "--user", "admin1", "community", "edit", "YGSA", "--address", "长宁路1号"]) == 0
    capsys.readouterr()
    assert cli.main([*base, "--user", "desk1", "community", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["name"], r["code"], r["address"], r["phone"], r["developer"]) for r in rows] == [
        ("阳光水岸", "YGSA", "长宁路1号", "021-55551234", "万科")]

    path = tmp_path / "rooms.csv"
    path.write_text(ROOM_LIST.replace("锦绣花园", "阳光水岸"), encoding="utf-8")
    assert cli.main([*base, "--user", "admin1", "import", "rooms", str(path)]) == 0
    assert "3 new" in capsys.readouterr().out
    assert cli.main([*base, "--user", "admin1", "community", "rooms", "阳光水岸", "3", "--json"]) == 0
    rooms = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["code"], r["area_m2"], r["state"]) for r in rooms] == [
        ("3-2-501", "89.50", "occupied"), ("3-2-502", "120.36", "rented")]
    missing = tmp_path / "other.csv"
    missing.write_text("房号,面积\n1-1-101,80\n", encoding="utf-8")
    assert cli.main([*base, "--user", "admin1", "import", "rooms", str(missing),
                     "--community", "新城"]) == 2
    assert "frontdesk community add 新城" in capsys.readouterr().err

    assert cli.main([*base, "--user", "desk1", "community", "parking", "add", "阳光水岸", "b2-034",
                     "--kind", "产权", "--area", "12.5", "--plate", "沪A·12345"]) == 0
    assert "B2-034" in capsys.readouterr().out
    assert cli.main([*base, "--user", "desk1", "community", "parking", "list", "阳光水岸", "--json"]) == 0
    spaces = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert spaces == [{"id": 1, "community": "阳光水岸", "code": "B2-034", "kind": "titled",
                       "area_m2": "12.50", "holder": None, "plate": "沪A12345", "note": ""}]


# --- who gets called, and what the cards show ------------------------------------------------


def test_a_callback_list_calls_the_contact_person_the_owner_chose(w):
    from data.calls import build_callback_list, list_items
    from data.models import WorkOrder

    cid = prop.add_community(prop.CommunityInput("锦绣花园"))
    rid, _c, _ch = prop.save_room(cid, "3-2-501", prop.RoomInput())
    owner = people.create_person(PersonInput(name="王奶奶", phones=["13800138001"]))
    people.create_person(PersonInput(name="王强", phones=["13900139002"]))
    prop.set_person_contacts(owner, "13900139002", None)
    order = f.work_order(w["desk1"], Community.get_by_id(cid), status="resolved", room_=Room.get_by_id(rid))
    WorkOrder.update(person=owner).where(WorkOrder.id == order.id).execute()
    list_id = build_callback_list(w["desk1"].id)
    assert [(i.number, i.work_order_id) for i in list_items(list_id)] == [("13900139002", order.id)]


def test_the_cards_show_the_room_facts_and_the_contact_people(w):
    from data import cards

    cid = prop.add_community(prop.CommunityInput("锦绣花园"))
    rid, _c, _ch = prop.save_room(cid, "3-2-501", prop.RoomInput(
        area="89.50", inner_area="72.30", state="自住", delivery_date="2019-06-30"))
    owner = people.create_person(PersonInput(name="王奶奶", phones=["13800138001"]))
    son = people.create_person(PersonInput(name="王强", phones=["13900139002"]))
    people.move_in(owner, rid, "owner")
    prop.set_person_contacts(owner, f"#{son}", None)
    prop.set_room_contacts(rid, f"#{son}", None)
    card = cards.room_card(rid)
    assert (card.area_m2, card.inner_area_m2, card.state, card.contact) == (
        Decimal("89.50"), Decimal("72.30"), "occupied", "王强")
    assert cards.owner_card(owner).contact == "王强"


# --- the administrator's screen ---------------------------------------------------------------


async def test_the_property_screen_adds_a_community_and_edits_a_rooms_area(sqlite_url):
    from data.db import close_database, open_database
    from data.staff import sign_in
    from screens.property import PropertyScreen
    from tests.screen_text import screen_text, settle
    from tui.app import FrontDeskApp
    from widgets.form import FormModal

    open_database(sqlite_url)
    f.staff("admin1", "孙管理", "admin")
    cid = prop.add_community(prop.CommunityInput("锦绣花园"))
    rid, _c, _ch = prop.save_room(cid, "3-2-501", prop.RoomInput(area="89.50"))
    app = FrontDeskApp(sign_in("admin1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_open_property()
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, PropertyScreen)
        text = screen_text(app)
        assert "锦绣花园" in text and "3-2-501" in text and "89.50" in text
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        await pilot.press(*"阳光水岸")
        await pilot.press("f10")
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, PropertyScreen)
        assert Community.get(Community.name == "阳光水岸").code == "YGSA"
        assert "阳光水岸" in screen_text(app)
        # Back to 锦绣花园 (enter on its row), then its room: edit the area.
        rows = [c.name for c in app.screen.communities]
        app.screen.query_one("#property-communities").move_cursor(row=rows.index("锦绣花园"))
        await pilot.press("enter")
        await settle(app, pilot, 0.2)
        assert "3-2-501" in screen_text(app)
        await pilot.press("tab", "tab")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        area = app.screen.query_one("#field-area")
        area.value = "120.36"
        await pilot.press("f10")
        await settle(app, pilot, 0.2)
        assert isinstance(app.screen, PropertyScreen)
        assert prop.room_view(rid).area_m2 == Decimal("120.36")
        assert "120.36" in screen_text(app)
    close_database()


async def test_the_room_card_shows_area_and_contact(sqlite_url):
    from data.db import close_database, open_database
    from data.staff import sign_in
    from screens.owner_card import RoomCardScreen
    from tests.screen_text import screen_text, settle
    from tui.app import FrontDeskApp

    open_database(sqlite_url)
    f.staff("desk1", "李娜")
    cid = prop.add_community(prop.CommunityInput("锦绣花园"))
    rid, _c, _ch = prop.save_room(cid, "3-2-501", prop.RoomInput(area="89.50", inner_area="72.30",
                                                                  state="自住"))
    son = people.create_person(PersonInput(name="王强", phones=["13900139002"]))
    prop.set_room_contacts(rid, f"#{son}", None)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(RoomCardScreen(rid))
        await settle(app, pilot, 0.2)
        text = screen_text(app)
        assert "89.50 m²" in text and "72.30" in text and "自住" in text and "王强" in text
    close_database()


def test_migration_0011_keeps_rooms_and_sets_their_state_from_who_lives_there(db_url_unmigrated):
    from playhouse.migrations import Runner

    from data import schema
    from data.db import db

    Runner(db.obj, str(schema.MIGRATIONS_DIR), table_name=schema.HISTORY_TABLE).up(target="0008_drafts")
    for sql in (
        "INSERT INTO community (id, name, code, address, phone, created_at) VALUES "
        "(1, '锦绣花园', 'JX', '', '', '2026-01-01 00:00:00')",
        "INSERT INTO building (id, community_id, code, floors) VALUES (1, 1, '3', 6)",
        "INSERT INTO entrance (id, building_id, code) VALUES (1, 1, '2')",
        "INSERT INTO room (id, community_id, building_id, entrance_id, number, code, floor, note) VALUES "
        "(1, 1, 1, 1, '501', '3-2-501', 5, ''), (2, 1, 1, 1, '502', '3-2-502', 5, ''),"
        " (3, 1, 1, 1, '503', '3-2-503', 5, '')",
        "INSERT INTO person (id, name, name_pinyin, name_initials, name_pinyin_alt, name_initials_alt,"
        " gender, note, created_at, updated_at, version) VALUES"
        " (1, '张晓明', '', '', '', '', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1),"
        " (2, '李芳', '', '', '', '', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
        "INSERT INTO occupancy (person_id, room_id, role, is_primary_contact) VALUES "
        "(1, 1, 'owner', FALSE), (2, 2, 'tenant', FALSE)",
    ):
        db.execute_sql(sql)
    schema.migrate()
    assert [(r.code, r.room_type, r.state) for r in Room.select().order_by(Room.code)] == [
        ("3-2-501", "residential", "occupied"), ("3-2-502", "residential", "rented"),
        ("3-2-503", "residential", "vacant")]

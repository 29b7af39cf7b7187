"""resolve_room (data/rooms_lookup.py) and the places that use it — import, search, forms —
agree on which room a typed code names, on both databases; phone search reads numbers with
the import's normaliser."""

from __future__ import annotations

from pathlib import Path

import pytest

from data import i18n, people, rooms_lookup
from data.dates.quick_add import _room
from data.errors import NotFoundError, ValidationError
from data.models import Room
from data.people import PersonInput
from data.rooms import parse_room
from data.rooms_lookup import resolve_room
from data.roster import import_owners
from data.search import search
from tests import factories as f

HEADER = "小区,房号,姓名,身份,手机"


@pytest.fixture
def en():
    i18n.set_language("en")


def write_csv(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def names_found(query: str) -> set[str]:
    return {hit.name for hit in search(query).hits}


SAME_ROOM = ["3-2-501", "3栋2单元501室", "3号楼2单元501", "三栋二单元501", "03-02-0501",
             "３－２－５０１", "锦绣花园3-2-501"]


@pytest.mark.parametrize("imported", SAME_ROOM)
def test_a_roster_row_in_any_form_lands_on_the_room_search_finds_with_every_other(
        database, tmp_path, imported):
    f.community("锦绣花园")
    f.community("阳光水岸")
    import_owners(write_csv(tmp_path, f"锦绣花园,{imported},王建国,业主,13800138000"))
    assert [r.code for r in Room.select()] == ["3-2-501"]
    for typed in SAME_ROOM:
        result = search(typed)
        assert "王建国" in {h.name for h in result.hits}, typed
        assert [(r.code, r.community) for r in result.rooms] == [("3-2-501", "锦绣花园")], typed


@pytest.mark.parametrize(("imported", "typed"), [
    ("1-101", "1-1-101"), ("1-1-101", "1-101"), ("1栋101", "1号楼1单元101室"),
    ("3栋501", "3-501"), ("A座1203", "A-1-1203"),
])
def test_a_building_without_entrances_is_found_by_both_forms(database, tmp_path, imported, typed):
    comm = f.community("锦绣花园")
    import_owners(write_csv(tmp_path, f"锦绣花园,{imported},王建国,业主,13800138000"))
    (room,) = Room.select()
    assert names_found(typed) == {"王建国"}
    assert resolve_room(typed).unique.id == room.id
    # and a second row in the other form lands on the same room
    import_owners(write_csv(tmp_path, f"锦绣花园,{typed},李芳,租户,13912345678"))
    assert Room.select().count() == 1
    assert people.ensure_room(comm.id, typed) == room.id


def test_a_room_stored_without_entrance_keeps_its_canonical_code_and_a_default_entrance(database):
    comm = f.community("锦绣花园")
    room = Room.get_by_id(people.ensure_room(comm.id, "1栋101"))
    assert (room.code, room.entrance.code, room.building.code, room.floor) == ("1-101", "1", "1", 1)


def test_phases_villas_shops_and_written_floors_are_stored_by_their_canonical_code(database):
    comm = f.community("锦绣花园")
    codes = {Room.get_by_id(people.ensure_room(comm.id, text)).code
             for text in ("1期3栋2单元501", "12号别墅", "商铺S-101", "2号楼1单元1层101")}
    assert codes == {"1期3-2-501", "12号别墅", "S-101", "2-1-101"}
    assert resolve_room("一期三栋二单元501").unique.code == "1期3-2-501"
    assert resolve_room("别墅12号").unique.code == "12号别墅"


def test_a_code_in_several_communities_gives_every_candidate_and_asks_naming_them(database, en):
    east, west = f.community("锦绣花园"), f.community("阳光水岸")
    people.ensure_room(east.id, "3-2-501")
    people.ensure_room(west.id, "3-2-501")
    match = resolve_room("3栋2单元501")
    assert [c.community for c in match.candidates] == ["锦绣花园", "阳光水岸"]
    assert match.unique is None
    with pytest.raises(ValidationError) as err:
        match.one()
    assert "锦绣花园 3-2-501" in err.value.message and "阳光水岸 3-2-501" in err.value.message
    assert "Which one?" in err.value.message


@pytest.mark.parametrize("communities", [3, 12])  # read from the code's rooms / along the communities
def test_a_code_in_many_communities_lists_the_first_communities_by_name_either_way(
        database, monkeypatch, communities):
    monkeypatch.setattr(rooms_lookup, "CANDIDATE_LIMIT", 4)  # a common code: more than 4 × 4 rooms
    for n in reversed(range(communities)):
        comm = f.community(f"小区{n:02d}")
        alias = f.room(comm, "1", "1", "101")  # "1-1-101", stored before or after "1-101"
        canonical = Room.create(community=comm, building=alias.building, entrance=alias.entrance,
                                number="101", code="1-101", floor=1)
        if n % 2:
            alias.delete_instance()
            Room.create(community=comm, building=canonical.building, entrance=canonical.entrance,
                        number="101", code="1-1-101", floor=1)
    # The first four rooms in community-name order: two communities, the canonical code each.
    found = rooms_lookup.find_rooms(parse_room("1-101"), None)
    assert [(c.community, c.code) for c in found] == [("小区00", "1-101"), ("小区01", "1-101")]
    found = rooms_lookup.find_rooms(parse_room("1-1-101"), None)
    assert [(c.community, c.code) for c in found] == [("小区00", "1-1-101"), ("小区01", "1-1-101")]


def test_the_community_written_in_front_or_passed_narrows_the_code(database, en):
    east, west = f.community("锦绣花园"), f.community("阳光水岸")
    people.ensure_room(east.id, "3-2-501")
    w = people.ensure_room(west.id, "3-2-501")
    assert resolve_room("阳光水岸3-2-501").unique.id == w
    assert resolve_room("3-2-501", "阳光水岸").unique.id == w
    assert resolve_room("3-2-501", west.id).unique.id == w
    with pytest.raises(ValidationError):
        resolve_room("阳光水岸3-2-501", east.id)
    with pytest.raises(NotFoundError):
        resolve_room("翡翠城3-2-501")


def test_an_unknown_room_gives_no_candidates_and_one_says_so(database, en):
    f.community("锦绣花园")
    match = resolve_room("9-9-909")
    assert match.candidates == ()
    with pytest.raises(NotFoundError) as err:
        match.one()
    assert "9-9-909" in err.value.message


def test_a_room_code_that_could_be_a_parking_space_finds_the_room(database):
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "B2-034")  # a building called B2
    match = resolve_room("B2-034")
    assert match.parsed.maybe_parking and match.rooms[0].id == room
    # HOOK: with h8's ParkingSpace merged, a space "B2-034" in the same community is a
    # second candidate and `match.question()` names both.


def test_the_calendar_quick_add_reads_rooms_with_the_same_parser():
    assert _room("3栋2单元501室") == "3-2-501"
    assert _room("A座1203") == "A-1203"
    assert _room("1-101") == "1-101"
    assert _room("地下车库B2-034") is None
    assert _room("14:00") is None


def test_search_by_a_room_prefix_still_lists_the_entrance(database):
    comm = f.community("锦绣花园")
    for code in ("3-2-501", "3-2-502", "3-20-101"):
        pid = people.create_person(PersonInput(name=f"住户{code}"))
        people.move_in(pid, people.ensure_room(comm.id, code), "owner")
    assert names_found("三栋二单元") == {"住户3-2-501", "住户3-2-502"}


@pytest.fixture
def callers(database):
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    office = people.create_person(PersonInput(name="王经理", phones=["021-64001234-801"]))
    mobile = people.create_person(PersonInput(name="李芳", phones=["13800138000"]))
    for pid in (office, mobile):
        people.move_in(pid, room, "owner")


@pytest.mark.parametrize(("typed", "name"), [
    ("021-64001234-801", "王经理"),  # the very form the app displays
    ("(021)6400-1234转801", "王经理"),
    ("021 6400 1234 ext 801", "王经理"),
    ("021-64001234x801", "王经理"),
    ("021-64001234#801", "王经理"),
    ("+86 21 6400 1234", "王经理"),
    ("0086 21 64001234", "王经理"),
    ("０２１－６４００１２３４", "王经理"),
    ("02164001234", "王经理"),
    ("0086 138 0013 8000", "李芳"),
    ("+86 138-0013-8000", "李芳"),
    ("8613800138000", "李芳"),
    ("１３８ ００１３ ８０００", "李芳"),
    ("138.0013.8000", "李芳"),
])
def test_a_whole_number_in_any_form_finds_the_stored_number(callers, typed, name):
    result = search(typed)
    assert [h.name for h in result.hits] == [name]
    assert result.hits[0].matched == "phone" and result.hits[0].exact
    assert result.understood == ("phone",)


def test_a_four_digit_tail_is_still_an_ordinary_phone_search(callers):
    assert names_found("8000") == {"李芳"}
    assert names_found("1234") == {"王经理"}


def test_a_community_written_in_the_room_cell_stands_for_a_blank_community_cell(database, tmp_path):
    f.community("锦绣花园")
    f.community("阳光水岸")
    import_owners(write_csv(tmp_path, ",阳光水岸3-2-501,王建国,业主,13800138000"))
    assert [(r.community.name, r.code) for r in Room.select()] == [("阳光水岸", "3-2-501")]


def test_a_room_cell_naming_another_community_than_its_column_is_refused(database, tmp_path, en):
    from data.roster import ImportRejected

    f.community("锦绣花园")
    f.community("阳光水岸")
    with pytest.raises(ImportRejected) as caught:
        import_owners(write_csv(tmp_path, "锦绣花园,阳光水岸3-2-501,王建国,业主,13800138000"))
    (error,) = caught.value.errors
    assert (error.row, error.column) == (2, "房号")
    assert "阳光水岸" in error.message and "community column" in error.message
    assert Room.select().count() == 0

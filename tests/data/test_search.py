"""Owner search: every form of query, ranking, community narrowing — on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from data import people
from data.db import db, is_sqlite
from data.people import PersonInput
from data.search import search
from tests import factories as f


@pytest.fixture
def town(database):
    """Two communities with the same room codes, and the people of a few rooms."""
    east, west = f.community("锦绣花园"), f.community("阳光水岸")
    r501 = people.ensure_room(east.id, "3-2-501")
    r502 = people.ensure_room(east.id, "3-2-502")
    r1201 = people.ensure_room(east.id, "3-2-1201")
    r_other_entrance = people.ensure_room(east.id, "3-20-101")
    w501 = people.ensure_room(west.id, "3-2-501")
    ids = {}

    def add(name, room, role, phones=(), id_number="", plate=None, end=None):
        pid = people.create_person(PersonInput(name=name, phones=list(phones), id_number=id_number))
        if room is not None:
            occ = people.move_in(pid, room, role, dt.date(2020, 1, 1))
            if end:
                people.move_out(occ, end)
        if plate:
            people.add_vehicle(pid, plate)
        ids[name] = pid
        return pid

    add("张晓明", r501, "owner", ["138 0013 8000"], "11010519491231002X", "沪A·12345")
    add("李芳", r501, "tenant", ["+86 139-1234-5678"])
    add("张晓", r501, "family")
    add("王建国", r501, "owner", ["13700001111"], end=dt.date(2023, 5, 1))  # sold the flat
    add("单田芳", r502, "owner", ["13600002222"], plate="沪AD12345")
    add("曾国藩", r1201, "owner", ["021-62345678"])
    add("欧阳修", r_other_entrance, "owner")
    add("朴树", w501, "owner", ["13500003333"])
    add("明华", None, "")
    return {"east": east, "west": west, "ids": ids, "rooms": {"r501": r501, "w501": w501}}


def names(result):
    return [h.name for h in result.hits]


def test_two_character_name(town):
    result = search("晓明")
    assert names(result) == ["张晓明"]
    assert result.hits[0].matched == "name"


def test_one_character_finds_surname_and_given_name_without_misses(town):
    found = names(search("明"))
    assert set(found) == {"张晓明", "明华"}
    assert found[0] == "明华"  # starts with it: a better match than containing it
    assert set(names(search("张"))) == {"张晓明", "张晓"}


def test_exact_name_before_partial(town):
    assert names(search("张晓"))[:2] == ["张晓", "张晓明"]
    assert search("张晓").hits[0].exact


@pytest.mark.parametrize("typed", ["zhangxiaoming", "zxm", "zhangxm", "ZXM", "zhangxiaom", "zxming"])
def test_pinyin_full_initials_and_mixed(town, typed):
    assert "张晓明" in names(search(typed))


@pytest.mark.parametrize(
    "typed, name",
    [("shantianfang", "单田芳"), ("stf", "单田芳"), ("dantianfang", "单田芳"),
     ("zengguofan", "曾国藩"), ("zgf", "曾国藩"), ("piaoshu", "朴树"), ("ouyangxiu", "欧阳修"),
     ("oyx", "欧阳修")],
)
def test_polyphonic_surnames_read_as_surnames_and_commonly(town, typed, name):
    hits = search(typed).hits
    assert name in [h.name for h in hits]


def test_initials_match_is_labelled(town):
    hit = next(h for h in search("zxm").hits if h.name == "张晓明")
    assert hit.matched == "initials"
    assert next(h for h in search("zhangxiaoming").hits if h.name == "张晓明").matched == "pinyin"


@pytest.mark.parametrize("typed", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "8000", "138000"])
def test_phone_whole_or_tail_in_any_format(town, typed):
    hits = search(typed).hits
    assert hits and hits[0].name == "张晓明"
    assert hits[0].matched == "phone"


def test_landline_tail(town):
    assert names(search("62345678")) == ["曾国藩"]
    assert names(search("021-62345678")) == ["曾国藩"]


def test_fewer_than_four_digits_is_too_short(town):
    result = search("800")
    assert result.too_short and not result.hits


@pytest.mark.parametrize("typed", ["3-2-501", "3栋2单元501", "3号楼2单元501室", "３－２－５０１"])
def test_room_code_in_every_form_ranks_owner_first_past_last(town, typed):
    result = search(typed)
    found = names(result)
    # owner, then tenant, then family, then the past owner; both communities' 3-2-501.
    east = [n for n in found if n in ("张晓明", "李芳", "张晓", "王建国")]
    assert east == ["张晓明", "李芳", "张晓", "王建国"]
    assert "朴树" in found
    assert {r.community for r in result.rooms} == {"锦绣花园", "阳光水岸"}
    hit = result.hits[0]
    assert hit.matched == "room" and hit.rooms == ("3-2-501",) and hit.communities == ("锦绣花园",)


def test_partial_room_codes(town):
    entrance = set(names(search("3-2")))
    assert {"张晓明", "单田芳", "曾国藩"} <= entrance
    assert "欧阳修" not in entrance  # 3-20 is another entrance
    assert set(names(search("3-2-5"))) >= {"张晓明", "单田芳"}
    assert "曾国藩" not in names(search("3-2-5"))
    assert "曾国藩" in names(search("3-2-1"))


def test_room_card_even_when_nobody_lives_there(town):
    comm = town["east"]
    people.ensure_room(comm.id, "9-1-101")
    result = search("9-1-101")
    assert [r.code for r in result.rooms] == ["9-1-101"] and not result.hits


def test_narrow_to_one_community(town):
    west = town["west"].id
    assert names(search("3-2-501", community_id=west)) == ["朴树"]
    assert names(search("张", community_id=west)) == []
    assert names(search("piaoshu", community_id=west)) == ["朴树"]


@pytest.mark.parametrize("typed", ["沪A·12345", "沪A12345", "沪a12345", "A12345", "a123", "沪A1"])
def test_plates_with_or_without_separator_any_case(town, typed):
    hits = search(typed).hits
    assert hits and hits[0].name == "张晓明" and hits[0].matched == "plate"


def test_new_energy_plate(town):
    assert names(search("沪AD12345")) == ["单田芳"]


def test_id_number_tail(town):
    hits = search("002X").hits
    assert [h.name for h in hits] == ["张晓明"] and hits[0].matched == "id_number"
    assert names(search("002x")) == ["张晓明"]


def test_hits_carry_rooms_phones_plates(town):
    hit = search("张晓明").hits[0]
    assert hit.role == "owner" and hit.current
    assert hit.phones == ("13800138000",)
    assert hit.masked_phones == ("138****8000",)
    assert hit.plates == ("沪A12345",)
    past = next(h for h in search("王建国").hits)
    assert not past.current and past.rooms == ("3-2-501",)


def test_markup_looking_names_are_found_and_returned_as_typed(town):
    pid = people.create_person(PersonInput(name="[red]x[/red]"))
    assert [h.id for h in search("[red]").hits] == [pid]


def _plans(queries: list[str], found: bool = False) -> list[tuple[str, list]]:
    """(statement, EXPLAIN QUERY PLAN rows) of every statement the searches for `queries`
    ran (SQLite); `found`: each query must find someone."""
    statements = []
    original = db.obj.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return original(sql, params, *args, **kwargs)

    db.obj.execute_sql = spy
    try:
        for typed in queries:
            result = search(typed)
            assert result.hits or not found, typed
    finally:
        db.obj.execute_sql = original
    return [(sql, original("EXPLAIN QUERY PLAN " + sql, params).fetchall()) for sql, params in statements]


def test_no_query_kind_scans_the_person_table(town):
    """EXPLAIN every kind of lookup: each must SEARCH an index, never SCAN a big table."""
    if not is_sqlite():
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans tiny tables by seq scan")
    for sql, plan in _plans(["晓明", "明", "zhangxm", "zxm", "zhangxiaoming", "8000", "3-2", "3-2-501",
                             "沪A123", "A123", "002X"]):
        for row in plan:
            detail = row[-1]
            for table in ("person", "phone", "vehicle", "room", "occupancy", "person_name_key",
                          "p", "ph", "v", "k", "o", "r", "pt"):  # and the aliases of data.search's SQL
                assert not detail.startswith(f"SCAN {table} "), (sql, detail)
                assert detail != f"SCAN {table}", (sql, detail)


def test_the_page_and_the_tail_and_room_lookups_read_indexes_alone(town):
    """Migration 0044: the rooms, phones, plates and tags of the people shown, a phone
    tail's and a room's people and a name part's people are read from covering indexes —
    no table row of occupancy, phone, vehicle, person_tag or person_name_key (the person's
    own row gives the name; the room's its code)."""
    if not is_sqlite():
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    covered = {"occupancy", "o", "phone", "ph", "person_tag", "pt", "person_name_key", "k"}
    searched = set()
    for sql, plan in _plans(["晓明", "明", "8000", "3-2", "3-2-501", "沪A123"], found=True):
        page_plates = sql.startswith("SELECT person_id, plate FROM vehicle")
        for row in plan:
            words = row[-1].split()
            if words[0] != "SEARCH" or not (words[1] in covered or page_plates):
                continue
            searched.add(words[1])
            assert words[3] == "COVERING", (sql, row[-1])
    assert {"occupancy", "o", "phone", "ph", "vehicle", "pt", "k"} <= searched


def test_more_than_the_page_is_a_capped_count_and_the_page_keeps_its_order(town):
    """A query matching more people than the limit returns `limit` of them and says there are
    more (shown as "1+"); the page of a room keeps the order of the whole list."""
    everyone = search("张")
    assert names(everyone) == ["张晓明", "张晓"] and not everyone.more  # owner before family
    page = search("张", limit=1)
    assert len(page.hits) == 1 and page.more
    room = search("3-2-501")
    first = search("3-2-501", limit=2)
    assert names(first) == names(room)[:2] and first.more and not room.more
    assert not search("晓明").more


def test_a_page_cut_from_many_matches_is_ordered_by_role_and_name(database):
    """Past the page, who is shown is read from the index alone (no person beyond the
    page is loaded), but the page itself lists owners before tenants before family, each
    by name, and says there are more."""
    comm = f.community("锦绣花园")
    roles = ["family", "tenant", "owner", "family", "owner", "tenant", "co_owner"]
    for i, role in enumerate(roles):
        room = people.ensure_room(comm.id, f"1-1-{101 + i}")
        pid = people.create_person(PersonInput(name=f"测{'甲乙丙丁戊己庚'[i]}", phones=[f"1380000{i}000"]))
        people.move_in(pid, room, role, dt.date(2020, 1, 1))
    page = search("测", limit=4)
    assert len(page.hits) == 4 and page.more
    order = {"owner": 0, "co_owner": 1, "tenant": 2, "family": 3}
    assert [(order[h.role], h.name) for h in page.hits] == sorted((order[h.role], h.name) for h in page.hits)
    assert page.hits[0].role == "owner"

"""The room-code parser (data/rooms.py): every form people type → the same canonical parts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import i18n
from data.errors import ValidationError
from data.rooms import (
    PARKING,
    ROOM,
    SHOP,
    VILLA,
    fold_chinese_numerals,
    parse_room,
    parse_room_prefix,
)

FAST = settings(max_examples=200, deadline=None)


@pytest.fixture
def en():
    i18n.set_language("en")


# (typed, canonical code, phase, building, entrance, floor, number, kind, community)
FORMS = [
    ("3-2-501", "3-2-501", None, "3", "2", None, "501", ROOM, None),
    ("3栋2单元501室", "3-2-501", None, "3", "2", None, "501", ROOM, None),
    ("3号楼2单元601室", "3-2-601", None, "3", "2", None, "601", ROOM, None),
    ("3幢2单元501", "3-2-501", None, "3", "2", None, "501", ROOM, None),
    ("3#2单元501", "3-2-501", None, "3", "2", None, "501", ROOM, None),
    ("３－２－５０１", "3-2-501", None, "3", "2", None, "501", ROOM, None),
    ("三栋二单元501", "3-2-501", None, "3", "2", None, "501", ROOM, None),
    ("三栋二单元五零一", "3-2-501", None, "3", "2", None, "501", ROOM, None),
    ("十二栋二单元1201", "12-2-1201", None, "12", "2", None, "1201", ROOM, None),
    ("03-02-0506", "3-2-506", None, "3", "2", None, "506", ROOM, None),
    ("A座1203", "A-1203", None, "A", None, None, "1203", ROOM, None),
    ("a座2单元1203", "A-2-1203", None, "A", "2", None, "1203", ROOM, None),
    ("紫荆座1203", "紫荆-1203", None, "紫荆", None, None, "1203", ROOM, None),
    ("1期3栋2单元501", "1期3-2-501", "1", "3", "2", None, "501", ROOM, None),
    ("一期3栋2单元501", "1期3-2-501", "1", "3", "2", None, "501", ROOM, None),
    ("1期3-2-501", "1期3-2-501", "1", "3", "2", None, "501", ROOM, None),
    ("1-101", "1-101", None, "1", None, None, "101", ROOM, None),
    ("3栋501", "3-501", None, "3", None, None, "501", ROOM, None),
    ("12号别墅", "12号别墅", None, "12", None, None, "", VILLA, None),
    ("别墅12号", "12号别墅", None, "12", None, None, "", VILLA, None),
    ("商铺S-101", "S-101", None, "S", None, None, "101", SHOP, None),
    ("2号楼1单元1层101", "2-1-101", None, "2", "1", 1, "101", ROOM, None),
    ("地下车库B2-034", "B2-034", None, "B2", None, None, "034", PARKING, None),
    ("B2-034车位", "B2-034", None, "B2", None, None, "034", PARKING, None),
    ("锦绣花园3-2-501", "3-2-501", None, "3", "2", None, "501", ROOM, "锦绣花园"),
    ("锦绣花园 3栋2单元501室", "3-2-501", None, "3", "2", None, "501", ROOM, "锦绣花园"),
    ("锦绣花园一期3栋2单元501", "1期3-2-501", "1", "3", "2", None, "501", ROOM, "锦绣花园"),
    ("锦绣花园A座1203", "A-1203", None, "A", None, None, "1203", ROOM, "锦绣花园"),
]


@pytest.mark.parametrize(
    ("text", "code", "phase", "building", "entrance", "floor", "number", "kind", "community"),
    FORMS, ids=[row[0] for row in FORMS])
def test_every_typed_room_form_reads_as_its_canonical_parts(
        text, code, phase, building, entrance, floor, number, kind, community):
    room = parse_room(text)
    assert (room.code, room.phase, room.building, room.entrance, room.floor, room.number,
            room.kind, room.community) == (code, phase, building, entrance, floor, number,
                                           kind, community)


def test_a_code_a_parking_space_could_have_is_read_as_a_room_that_may_be_one():
    room = parse_room("B2-034")
    assert (room.kind, room.code, room.maybe_parking, room.parking_code) == (
        ROOM, "B2-34", True, "B2-034")
    assert not parse_room("3-2-501").maybe_parking


def test_a_room_without_entrance_is_also_named_with_the_default_entrance():
    assert parse_room("1-101").codes == ("1-101", "1-1-101")
    assert parse_room("3栋1单元501").codes == ("3-1-501", "3-501")
    assert parse_room("3-2-501").codes == ("3-2-501",)


def test_a_floor_written_out_is_kept_and_otherwise_read_from_the_number():
    assert parse_room("2号楼1单元1层101").derived_floor == 1
    assert parse_room("3-2-1201").derived_floor == 12


@pytest.mark.parametrize("text", [
    "", "501", "3-2", "3栋2单元", "3楼2单元501", "3-2-501-1", "3/2/501", "张三",
    "0-2-501", "3-0-501", "13800138000", "138-0013-8000", "021-12345678", "010-123456",
    "3-2-501[red]", "0号别墅",
])
def test_text_that_is_no_room_is_refused_with_the_accepted_forms(text):
    with pytest.raises(ValidationError) as err:
        parse_room(text)
    assert err.value.field == "room"
    assert "3-2-501" in err.value.message


def test_the_refusal_quotes_the_text_and_gives_examples(en):
    with pytest.raises(ValidationError) as err:
        parse_room("3/2/501")
    message = err.value.message
    assert "“3/2/501” is not a room code" in message
    assert "3栋2单元501" in message and "A座1203" in message and "1-101" in message


def test_the_refusal_quotes_at_most_a_few_dozen_characters(en):
    with pytest.raises(ValidationError) as err:
        parse_room("x" * 500)
    assert "x" * 31 not in err.value.message


@pytest.mark.parametrize(("text", "parts"), [
    ("3-2", ("3", "2")),
    ("3栋", ("3",)),
    ("三栋二单元", ("3", "2")),
    ("1期3栋", ("1期3",)),
    ("1期3-2-5", ("1期3", "2", "5")),
    ("A座", ("A",)),
    ("501", None),
    ("3楼", None),
])
def test_search_prefixes_read_as_canonical_parts(text, parts):
    assert parse_room_prefix(text) == parts


def test_chinese_numerals_are_folded_only_in_address_parts():
    assert fold_chinese_numerals("三栋二单元") == "3栋2单元"
    assert fold_chinese_numerals("七星花园3-2-501") == "七星花园3-2-501"
    assert fold_chinese_numerals("二十一号楼") == "21号楼"
    assert fold_chinese_numerals("五百零一室") == "501室"


PHASES = st.one_of(st.none(), st.integers(1, 9).map(str))
BUILDINGS = st.one_of(st.integers(1, 999).map(str), st.from_regex(r"[A-Z][0-9]?", fullmatch=True))
ENTRANCES = st.one_of(st.none(), st.integers(1, 30).map(str), st.sampled_from(["A", "B"]))
NUMBERS = st.integers(1, 99999).map(str)


@FAST
@given(PHASES, BUILDINGS, ENTRANCES, NUMBERS)
def test_the_displayed_canonical_code_parses_back_to_the_same_parts(phase, b, e, n):
    if e is None and len(n) < 3:
        n = n.zfill(3).replace("0", "1")  # a room without an entrance has 3+ digits
    typed = (f"{phase}期" if phase else "") + f"{b}栋" + (f"{e}单元" if e else "") + f"{n}室"
    room = parse_room(typed)
    assert (room.phase, room.building, room.entrance, room.number) == (phase, b, e, n)
    again = parse_room(room.code)
    assert (again.phase, again.building, again.entrance, again.number, again.code) == (
        phase, b, e, n, room.code)


@FAST
@given(st.text(max_size=24))
def test_the_parser_never_fails_other_than_with_a_room_message(text):
    try:
        room = parse_room(text)
    except ValidationError as exc:
        assert exc.field == "room"
    else:
        assert room.code
    parts = parse_room_prefix(text)
    assert parts is None or 1 <= len(parts) <= 3

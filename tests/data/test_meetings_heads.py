"""Owners' meetings counted as SPEC §13 counts (issue 19 item 3): heads joined by shared
ownership (co-owners of a room, and everything one of them owns), every 专有部分 with its
own title (flats, shops, storerooms, garages, titled parking spaces) carrying its area, a
holder who owns no flat voting under the space's code, a space without an area blocking the
decision, and the thresholds exactly met and just missed with spaces in the totals. Every
expected figure is computed by hand in the comments. Both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import meetings, people
from data.errors import ValidationError
from data.fees.fund import vote_units
from data.models import ParkingSpace, Room
from data.people import PersonInput
from tests import factories as f

HELD = dt.date(2027, 3, 25)
D = Decimal


@pytest.fixture
def clerks(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    return f.staff("desk1", "李娜", "desk"), f.staff("desk2", "周敏", "desk")


class Estate:
    """A community built from (code, area, owners) rooms and (code, area, holder) spaces; a
    name used twice is the same person."""

    def __init__(self) -> None:
        self.comm = f.community("和谐家园", code="HX")
        self.persons: dict[str, int] = {}
        self.rooms: dict[str, int] = {}
        self.spaces: dict[str, int] = {}

    def person(self, name: str) -> int:
        if name not in self.persons:
            self.persons[name] = people.create_person(PersonInput(name=name,
                                                                  phones=[f"1390000{len(self.persons):04d}"]))
        return self.persons[name]

    def room(self, code: str, area: str | None, *owners: str, room_type: str = "residential",
             developer: bool = False) -> int:
        rid = people.ensure_room(self.comm.id, code)
        Room.update(area_m2=D(area) if area else None, room_type=room_type,
                    developer_held=developer).where(Room.id == rid).execute()
        for name in owners:
            people.move_in(self.person(name), rid, "owner", dt.date(2020, 1, 1))
        self.rooms[code] = rid
        return rid

    def space(self, code: str, area: str | None, holder: str | None, kind: str = "titled") -> int:
        row = ParkingSpace.create(community=self.comm.id, code=code, kind=kind, area_m2=D(area) if area else None,
                                  holder=self.person(holder) if holder else None)
        self.spaces[code] = row.id
        return row.id

    def meeting(self, clerk, *matters: str) -> int:
        mid = meetings.create_meeting(self.comm.id, "2027年第一次业主大会", HELD, "会所", staff_id=clerk.id).id
        for n, matter in enumerate(matters or ("other",), 1):
            meetings.add_proposal(mid, f"议题{n}", matter, staff_id=clerk.id)
        return mid


def vote(mid: int, code: str, keys: str, clerks) -> str:
    """Two clerks enter the same paper under a typed room or space code; the state after."""
    state = ""
    for clerk in clerks[:2]:
        state = meetings.enter_ballot(mid, meetings.unit_key(mid, code, clerk.id), keys, staff_id=clerk.id).state
    return state


def figures(mid: int, clerk, n: int = 0) -> dict:
    p = meetings.tally(mid, staff_id=clerk.id).proposals[n]
    return {r.name: (r.part, r.whole, r.met) for r in p.rules} | {"approved": p.approved}


def test_an_owner_of_three_flats_and_a_titled_space_is_one_head_with_all_the_area(clerks):
    e = Estate()
    for code in ("1-1-101", "1-1-102", "1-1-103"):
        e.room(code, "100", "甲")
    e.space("B1-0005", "12.50", "甲")
    e.room("1-1-104", "100", "乙")
    mid = e.meeting(clerks[0])
    assert vote(mid, "1-1-102", "1", clerks) == "agreed"
    # 甲 is one head of 2; their ballot carries 100 × 3 + 12.50 = 312.50 of 412.50 m².
    assert figures(mid, clerks[0]) == {
        "participation_heads": (1, 2, False), "participation_area": (D("312.50"), D("412.50"), True),
        "approval_heads": (1, 1, True), "approval_area": (D("312.50"), D("312.50"), True), "approved": False}
    for code in ("1-1-101", "B1-0005"):  # one ballot per head, whichever unit it is entered under
        with pytest.raises(ValidationError) as info:
            meetings.enter_ballot(mid, meetings.unit_key(mid, code), "1", staff_id=clerks[0].id)
        assert "1-1-102" in info.value.message
    vote(mid, "1-1-104", "2", clerks)
    # 2 of 2 heads, 412.50 m²; yes 1 of 2 heads (not more than half) and 312.50 m².
    assert figures(mid, clerks[0]) == {
        "participation_heads": (2, 2, True), "participation_area": (D("412.50"), D("412.50"), True),
        "approval_heads": (1, 2, False), "approval_area": (D("312.50"), D("412.50"), True), "approved": False}


def test_co_owners_of_one_flat_are_one_head(clerks):
    e = Estate()
    e.room("2-1-101", "90", "甲", "乙")
    e.room("2-1-102", "110", "丙")
    mid = e.meeting(clerks[0])
    vote(mid, "2-1-101", "1", clerks)
    # 2 heads in all (甲乙 together, 丙), 200 m²: the co-owners' one ballot is 1 head, 90 m².
    assert figures(mid, clerks[0])["participation_heads"] == (1, 2, False)
    assert figures(mid, clerks[0])["participation_area"] == (D("90"), D("200"), False)


def test_a_co_owner_of_one_flat_who_alone_owns_another_joins_them_into_one_head(clerks):
    e = Estate()
    x = e.room("3-1-101", "80", "甲", "乙")  # 甲 and 乙 own X together
    y = e.room("3-1-102", "120", "乙")  # 乙 alone owns Y
    z = e.room("3-1-103", "100", "丙")
    w = e.room("3-1-104", "50", "丁", "甲")  # 甲 also co-owns W with 丁: all one head
    units = {u.room_id: u.head for u in vote_units([x, y, z, w])}
    assert units[x] == units[y] == units[w] != units[z]  # the fund's votes count the same heads
    mid = e.meeting(clerks[0])
    vote(mid, "3-1-102", "1", clerks)
    with pytest.raises(ValidationError):
        meetings.enter_ballot(mid, x, "1", staff_id=clerks[0].id)
    with pytest.raises(ValidationError):
        meetings.enter_ballot(mid, w, "1", staff_id=clerks[0].id)
    # heads: {X, Y, W} and {Z} = 2; the ballot under Y carries 80 + 120 + 50 = 250 of 350 m².
    assert figures(mid, clerks[0]) == {
        "participation_heads": (1, 2, False), "participation_area": (D("250"), D("350"), True),
        "approval_heads": (1, 1, True), "approval_area": (D("250"), D("250"), True), "approved": False}


def test_shops_storerooms_and_garages_are_counted_as_rooms(clerks):
    e = Estate()
    e.room("4-1-101", "100", "甲")
    e.room("4-3-901", "10", "甲", room_type="storage")  # 甲's storeroom: the same head
    e.room("4-3-101", "50", "乙", room_type="shop")
    e.room("4-3-801", "20", "丙", room_type="garage")
    e.room("4-3-802", "20", developer=True, room_type="garage")
    e.room("4-3-803", "20", developer=True, room_type="garage")  # the developer: one head
    mid = e.meeting(clerks[0])
    vote(mid, "4-1-101", "1", clerks)
    vote(mid, "4-3-101", "1", clerks)
    vote(mid, "4-3-801", "2", clerks)
    # heads 甲, 乙, 丙, developer = 4; area 100 + 10 + 50 + 20 + 20 + 20 = 220.
    # voted 3 heads (≥ 2/3 of 4) and 180 m² (≥ 146.67); yes 2 of 3 heads, 160 of 180 m².
    assert figures(mid, clerks[0]) == {
        "participation_heads": (3, 4, True), "participation_area": (D("180"), D("220"), True),
        "approval_heads": (2, 3, True), "approval_area": (D("160"), D("180"), True), "approved": True}


def test_a_holder_who_owns_no_flat_votes_by_the_spaces_code(clerks, tmp_path):
    e = Estate()
    e.room("5-1-101", "100", "甲")
    space = e.space("B1-0005", "12.50", "戊")  # 戊 holds a titled space and no flat
    e.space("B1-0006", None, "己", kind="rented")  # a rented space is no 专有部分
    e.space("B1-0007", "13.00", "戊")  # 戊's second titled space: the same head
    mid = e.meeting(clerks[0], "other", "major")
    assert meetings.unit_key(mid, " b1-0005 ") == f"space:{space}"
    with pytest.raises(ValidationError) as info:
        meetings.unit_key(mid, "B1-0006")
    assert "产权车位" in info.value.message
    first = meetings.enter_ballot(mid, f"space:{space}", "12", staff_id=clerks[0].id)
    assert (first.room, first.entry, first.state) == ("B1-0005", 1, "pending")
    assert meetings.enter_ballot(mid, f"space:{space}", "13", staff_id=clerks[1].id).state == "differs"
    [diff] = meetings.differences(mid, staff_id=clerks[0].id)
    assert (diff.room, diff.proposals, diff.first, diff.second) == ("B1-0005", [2], "1同意 2反对", "1同意 2弃权")
    assert meetings.enter_ballot(mid, f"space:{space}", "12", staff_id=clerks[1].id).state == "agreed"
    assert meetings.get_meeting(mid, clerks[0].id).agreed == 1
    # heads 甲 and 戊 = 2; area 100 + 12.50 + 13.00 = 125.50; 戊's ballot carries 25.50.
    assert figures(mid, clerks[0]) == {
        "participation_heads": (1, 2, False), "participation_area": (D("25.50"), D("125.50"), False),
        "approval_heads": (1, 1, True), "approval_area": (D("25.50"), D("25.50"), True), "approved": False}
    with pytest.raises(ValidationError):  # one ballot per head: not again under the other space
        meetings.enter_ballot(mid, meetings.unit_key(mid, "B1-0007"), "11", staff_id=clerks[0].id)
    # the same holder's ballot imported under the space's code in another meeting
    other = e.meeting(clerks[0], "other", "major")
    sheet = tmp_path / "ballots.csv"
    sheet.write_text("房号,议题1,议题2\nB1-0007,同意,反对\n5-1-101,反对,反对\n", encoding="utf-8")
    assert meetings.import_ballots(other, str(sheet), staff_id=f.staff("super1", "陈主管", "supervisor").id).stored == 2
    # 2 of 2 heads, 125.50 m²; yes 1 head (not more than half of 2) and 25.50 m².
    assert figures(other, clerks[0]) == {
        "participation_heads": (2, 2, True), "participation_area": (D("125.50"), D("125.50"), True),
        "approval_heads": (1, 2, False), "approval_area": (D("25.50"), D("125.50"), False), "approved": False}
    assert meetings.owner_participation(e.persons["戊"], clerks[0].id)[0][2] is True


def test_a_titled_space_without_an_area_blocks_the_decision_until_entered(clerks):
    e = Estate()
    e.room("6-1-101", "100", "甲")
    e.room("6-1-102", "100", "乙")
    space = e.space("B1-0010", None, "丙")
    mid = e.meeting(clerks[0])
    vote(mid, "6-1-101", "1", clerks)
    vote(mid, "6-1-102", "1", clerks)
    t = meetings.tally(mid, staff_id=clerks[0].id)
    assert t.missing_area == ["B1-0010"]
    assert not t.proposals[0].approved and not t.proposals[0].count.quorum
    with pytest.raises(ValidationError) as info:
        meetings.enter_ballot(mid, f"space:{space}", "1", staff_id=clerks[0].id)
    assert "B1-0010" in info.value.message
    ParkingSpace.update(area_m2=D("12.00")).where(ParkingSpace.id == space).execute()
    # 2 of 3 heads (exactly 2/3), 200 of 212 m²; both yes.
    t = meetings.tally(mid, staff_id=clerks[0].id)
    assert t.missing_area == [] and t.proposals[0].approved


def test_participation_exactly_two_thirds_and_just_under_with_spaces(clerks):
    e = Estate()
    e.room("7-1-101", "100", "甲")
    e.space("B1-0001", "50.00", "甲")  # 甲: 150
    e.room("7-1-102", "100", "乙")  # 乙: 100
    s2 = e.space("B1-0002", "50.00", "丙")  # 丙, no flat: 50 → total 300, 3 heads
    mid = e.meeting(clerks[0])
    vote(mid, "7-1-101", "1", clerks)
    vote(mid, "B1-0002", "1", clerks)
    # 2 of 3 heads (2 × 3 = 6 ≥ 3 × 2) and 200 of 300 m² (600 ≥ 600): exactly 2/3 of both.
    assert figures(mid, clerks[0]) == {
        "participation_heads": (2, 3, True), "participation_area": (D("200.00"), D("300.00"), True),
        "approval_heads": (2, 2, True), "approval_area": (D("200.00"), D("200.00"), True), "approved": True}
    ParkingSpace.update(area_m2=D("49.99")).where(ParkingSpace.id == s2).execute()
    # 199.99 of 299.99 m²: 599.97 < 599.98, just under 2/3 of the area.
    assert figures(mid, clerks[0])["participation_area"] == (D("199.99"), D("299.99"), False)
    assert figures(mid, clerks[0])["approved"] is False


def test_participation_just_under_two_thirds_of_the_heads_with_spaces(clerks):
    e = Estate()
    e.room("8-1-101", "100", "甲")
    e.space("B1-0001", "100.00", "甲")  # 甲: 200
    e.room("8-1-102", "50", "乙")
    e.room("8-1-103", "50", "丙")
    e.space("B1-0003", "10.00", "丁")  # 丁, 戊: space-only holders, 10 each → 320 m², 5 heads
    e.space("B1-0004", "10.00", "戊")
    mid = e.meeting(clerks[0])
    for code in ("B1-0001", "8-1-102", "8-1-103"):
        vote(mid, code, "1", clerks)
    # 3 of 5 heads: 9 < 10, just under 2/3; 300 of 320 m² is plenty.
    assert figures(mid, clerks[0])["participation_heads"] == (3, 5, False)
    assert figures(mid, clerks[0])["participation_area"] == (D("300.00"), D("320.00"), True)
    assert figures(mid, clerks[0])["approved"] is False
    vote(mid, "B1-0003", "1", clerks)  # 4 of 5: 12 ≥ 10
    assert figures(mid, clerks[0])["participation_heads"] == (4, 5, True)
    assert figures(mid, clerks[0])["approved"] is True


def test_a_major_proposal_at_exactly_three_quarters_with_spaces(clerks):
    e = Estate()
    for n, name in enumerate("甲乙丙丁", 1):
        e.room(f"9-1-10{n}", "100", name)
        e.space(f"B1-000{n}", "50.00", name)  # each head: 150 → 600 m², 4 heads
    mid = e.meeting(clerks[0], "major")
    for n, keys in ((1, "1"), (2, "1"), (3, "1"), (4, "2")):
        vote(mid, f"9-1-10{n}", keys, clerks)
    # yes 3 of 4 heads (12 ≥ 12) and 450 of 600 m² (1800 ≥ 1800): exactly 3/4 of both.
    assert figures(mid, clerks[0]) == {
        "participation_heads": (4, 4, True), "participation_area": (D("600.00"), D("600.00"), True),
        "approval_heads": (3, 4, True), "approval_area": (D("450.00"), D("600.00"), True), "approved": True}
    ParkingSpace.update(area_m2=D("49.99")).where(ParkingSpace.code == "B1-0001").execute()
    # yes 449.99 of 599.99 m²: 1799.96 < 1799.97, just under 3/4.
    assert figures(mid, clerks[0])["approval_area"] == (D("449.99"), D("599.99"), False)
    assert figures(mid, clerks[0])["approved"] is False

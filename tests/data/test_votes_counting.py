"""The counting rule of an owners' vote (SPEC §13) on hand-computed cases: participation at
exactly 2/3 and just below, "other matters" at exactly 1/2 (not enough) and "major matters"
at exactly 3/4 (enough), the developer's unsold units as one head, one buyer of several units
as one head."""

from __future__ import annotations

from decimal import Decimal

import pytest

from data.votes.counting import MAJOR, OTHER, Unit, count_votes


def units(*spec: tuple[int, str, str | None]) -> list[Unit]:
    """(room id, area, owner key or "dev")."""
    return [Unit(rid, Decimal(area), None if owner == "dev" else owner, owner == "dev") for rid, area, owner in spec]


def test_exactly_two_thirds_takes_part_and_exactly_half_does_not_approve():
    three = units((1, "100", "a"), (2, "100", "b"), (3, "100", "c"))
    both_yes = count_votes(three, {1: "yes", 2: "yes"})
    assert (both_yes.voted_area, both_yes.voted_heads, both_yes.quorum, both_yes.approved) == (
        Decimal(200), 2, True, True)
    split = count_votes(three, {1: "yes", 2: "no"})  # 100 of 200 m², 1 of 2 heads: not more than half
    assert (split.quorum, split.yes_area, split.yes_heads, split.approved) == (True, Decimal(100), 1, False)


def test_just_below_two_thirds_of_the_area_is_no_quorum():
    count = count_votes(units((1, "100", "a"), (2, "100", "b"), (3, "100.01", "c")), {1: "yes", 2: "yes"})
    # 200 m² of 300.01 m²: 600 < 600.02; the heads (2 of 3) would do.
    assert (count.total_area, count.voted_heads, count.total_heads) == (Decimal("300.01"), 2, 3)
    assert (count.quorum, count.approved) == (False, False)


def test_abstaining_counts_as_taking_part_but_not_as_approving():
    four = units((1, "100", "a"), (2, "100", "b"), (3, "100", "c"), (4, "100", "d"))
    count = count_votes(four, {1: "yes", 2: "yes", 3: "abstain"})
    # 3 of 4 took part; 200 of 300 m² is more than half, 2 of 3 heads too.
    assert (count.quorum, count.abstain_heads, count.approved) == (True, 1, True)
    count = count_votes(four, {1: "yes", 2: "abstain", 3: "abstain"})
    assert count.approved is False


def test_the_developer_s_unsold_units_are_one_head():
    estate = units((1, "100", "dev"), (2, "100", "dev"), (3, "100", "dev"),
                   (4, "100", "a"), (5, "100", "b"), (6, "100", "c"))
    count = count_votes(estate, {1: "yes", 2: "yes", 3: "yes", 4: "yes"})
    # 400 of 600 m² is 2/3, but 2 heads (developer, a) of 4 is not.
    assert (count.total_heads, count.voted_heads, count.voted_area, count.quorum) == (4, 2, Decimal(400), False)
    count = count_votes(estate, {1: "yes", 2: "yes", 3: "yes", 4: "yes", 5: "no"})
    # 500 m², 3 of 4 heads take part; yes 400 m² > 250 and 2 heads > 1.5: approved as an other matter…
    assert (count.quorum, count.yes_heads, count.no_heads, count.approved) == (True, 2, 1, True)
    # …but not as a major matter: 2 × 4 = 8 < 3 × 3 heads.
    assert count_votes(estate, {1: "yes", 2: "yes", 3: "yes", 4: "yes", 5: "no"}, MAJOR).approved is False


def test_one_buyer_of_several_units_is_one_head_and_their_area_is_all_theirs():
    estate = units((1, "50", "x"), (2, "50", "x"), (3, "100", "y"), (4, "100", "z"))
    count = count_votes(estate, {1: "yes", 2: "yes", 3: "no"})
    assert (count.total_heads, count.total_area) == (3, Decimal(300))
    assert (count.voted_heads, count.voted_area, count.yes_area, count.yes_heads) == (2, Decimal(200), Decimal(100), 1)
    assert (count.quorum, count.approved) == (True, False)  # exactly half of area and heads
    # Split ballots of one owner: the area follows each ballot, the head the larger part,
    # and a tie is an abstention.
    tie = count_votes(estate, {1: "yes", 2: "no", 3: "yes", 4: "yes"})
    assert (tie.yes_area, tie.no_area, tie.yes_heads, tie.abstain_heads, tie.approved) == (
        Decimal(250), Decimal(50), 2, 1, True)


def test_a_major_matter_needs_three_quarters_exactly_or_more():
    four = units((1, "100", "a"), (2, "100", "b"), (3, "100", "c"), (4, "100", "d"))
    assert count_votes(four, {1: "yes", 2: "yes", 3: "yes", 4: "no"}, MAJOR).approved is True
    assert count_votes(four, {1: "yes", 2: "yes", 3: "no", 4: "no"}, MAJOR).approved is False
    big = units((1, "100", "a"), (2, "100", "b"), (3, "100", "c"), (4, "100.04", "d"))
    # 300 of 400.04 m² is just under 3/4 (1200 < 1200.12) though the heads are 3 of 4.
    assert count_votes(big, {1: "yes", 2: "yes", 3: "yes", 4: "no"}, MAJOR).approved is False
    assert count_votes(big, {1: "yes", 2: "yes", 3: "yes", 4: "no"}, OTHER).approved is True


def test_nothing_cast_approves_nothing_and_bad_ballots_are_refused():
    two = units((1, "100", "a"), (2, "100", "b"))
    assert count_votes(two, {}).approved is False
    assert count_votes([], {}).quorum is False
    with pytest.raises(ValueError):
        count_votes(two, {1: "maybe"})

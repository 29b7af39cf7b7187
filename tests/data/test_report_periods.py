"""Report periods and scopes (issue 20): every form parses, each has its previous period."""

from __future__ import annotations

import datetime as dt

import pytest

from data.errors import ValidationError
from data.reports import parse_period, parse_scope
from tests import factories as f

ON = dt.date(2027, 2, 17)  # a Wednesday


@pytest.mark.parametrize("text, kind, start, end, prev_start, prev_end", [
    ("day:2027-01-05", "day", "2027-01-05", "2027-01-05", "2027-01-04", "2027-01-04"),
    ("week:2027-W02", "week", "2027-01-11", "2027-01-17", "2027-01-04", "2027-01-10"),
    ("month:2027-01", "month", "2027-01-01", "2027-01-31", "2026-12-01", "2026-12-31"),
    ("month:2027-03", "month", "2027-03-01", "2027-03-31", "2027-02-01", "2027-02-28"),
    ("quarter:2027-Q1", "quarter", "2027-01-01", "2027-03-31", "2026-10-01", "2026-12-31"),
    ("2027-01-01..2027-01-31", "range", "2027-01-01", "2027-01-31", "2026-12-01", "2026-12-31"),
    ("last-month", "month", "2027-01-01", "2027-01-31", "2026-12-01", "2026-12-31"),
    ("this-month", "month", "2027-02-01", "2027-02-28", "2027-01-01", "2027-01-31"),
    ("last-week", "week", "2027-02-08", "2027-02-14", "2027-02-01", "2027-02-07"),
])
def test_period_forms_and_their_previous(text, kind, start, end, prev_start, prev_end):
    p = parse_period(text, on=ON)
    assert (p.kind, p.start.isoformat(), p.end.isoformat()) == (kind, start, end)
    prev = p.previous()
    assert (prev.start.isoformat(), prev.end.isoformat()) == (prev_start, prev_end)
    assert parse_period(p.text, on=ON) == p  # the canonical text parses back
    assert p.until - p.since == dt.timedelta(days=p.days)


def test_quarter_months():
    assert parse_period("quarter:2027-Q4").months() == ["2027-10", "2027-11", "2027-12"]


@pytest.mark.parametrize("text, says", [
    ("month:2027-13", "1"), ("week:2027-W60", "60"), ("2027-02-01..2027-01-01", "2027-02-01"),
    ("2026-01-01..2027-06-01", "366"), ("next-year", "month:2027-01"), ("day:2027-02-30", "YYYY-MM-DD"),
])
def test_bad_periods_say_what_is_wrong(text, says):
    with pytest.raises(ValidationError) as err:
        parse_period(text, on=ON)
    assert says in err.value.message


def test_scopes(database):
    comm = f.community("锦绣花园", code="JX")
    f.room(comm, building="3")
    assert parse_scope().everything
    assert parse_scope("JX").community_id == comm.id
    s = parse_scope("锦绣花园", "3")
    assert s.building_id is not None and "锦绣花园" in s.label
    assert parse_scope(None, "JX/3") == s
    with pytest.raises(ValidationError, match="9"):
        parse_scope("JX", "9")
    with pytest.raises(ValidationError, match="无此|没有|NOPE"):
        parse_scope("NOPE")


@pytest.mark.parametrize("typed, canonical", [
    ("2027-01", "month:2027-01"), ("2027-q1", "quarter:2027-Q1"), ("2027-W02", "week:2027-W02"),
    ("2027-01-05", "day:2027-01-05"),
])
def test_periods_typed_without_their_kind(typed, canonical):
    assert parse_period(typed, on=ON) == parse_period(canonical, on=ON)


@pytest.mark.parametrize("text, following", [
    ("month:2027-01", "month:2027-02"), ("month:2026-12", "month:2027-01"), ("quarter:2027-Q4", "quarter:2028-Q1"),
    ("week:2027-W02", "week:2027-W03"), ("day:2027-02-28", "day:2027-03-01"),
    ("2027-01-01..2027-01-10", "2027-01-11..2027-01-20"),
])
def test_next_period_and_back(text, following):
    p = parse_period(text, on=ON)
    assert p.next().text == following
    assert p.next().previous() == p


def test_scope_choices(database):
    from data.reports.scopes import building_scopes, community_scopes

    comm = f.community("锦绣花园", code="JX")
    f.room(comm, building="3")
    f.room(comm, building="12")
    [c] = community_scopes()
    assert (c.community_id, c.label) == (comm.id, "锦绣花园")
    assert [b.label for b in building_scopes(comm.id)] == ["锦绣花园 3", "锦绣花园 12"]
    assert all(b.community_id == comm.id and b.building_id for b in building_scopes())

"""The demo owners' meeting and committee: a meeting with a major and an ordinary proposal
whose double-entered ballots count (one room's entries differ and is listed), read through
data.meetings as the desk reads it; a committee of five, one term ending within 60 days."""

from __future__ import annotations

import datetime as dt

import pytest

from data import meetings
from data.db import close_database, open_database
from data.models import Staff
from data.sample import generate

TODAY = dt.date(2025, 6, 18)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("meetings") / "sample.db"
    generate(str(path), owners=300, seed=3, today=TODAY)
    close_database()
    return str(path)


@pytest.fixture
def desk(sample, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2025-06-18 09:00")
    open_database(sample)
    yield Staff.get(Staff.login == "desk1").id
    close_database()


def test_the_demo_meeting_is_tallied_with_one_difference(desk):
    [view] = meetings.meetings(staff_id=desk)
    assert [p.matter for p in view.proposals] == ["major", "other"]
    assert view.held_on - view.announced_on >= dt.timedelta(days=15)
    assert view.agreed > 50 and view.differing == 1 and view.pending == 0
    assert len(meetings.differences(view.id, staff_id=desk)) == 1
    tally = meetings.tally(view.id, staff_id=desk)
    assert tally.ballots == view.agreed and tally.missing_area == []
    major = tally.proposals[0]
    assert major.count.voted_heads == view.agreed and major.count.total_heads > view.agreed
    assert [r.rule for r in major.rules] == ["≥ 2/3", "≥ 2/3", "≥ 3/4", "≥ 3/4"]


def test_the_demo_committee_has_five_members_one_term_ending_soon(desk):
    assert sorted(m.role_text for m in meetings.members(staff_id=desk)) == sorted(["主任", "副主任", "委员", "委员",
                                                                                  "委员"])
    [ending] = meetings.expiring(staff_id=desk)
    assert 0 < (ending.term_end - TODAY).days <= 60
    assert [m.topic for m in meetings.committee_meetings(staff_id=desk)] == ["业主大会计票复核", "筹备业主大会"]

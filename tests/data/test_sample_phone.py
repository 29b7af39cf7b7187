"""The demo's phone-system data (data/sample_phone.py): desk extensions, rings with
recordings behind answered calls, missed calls that became callbacks — read back through
data/ as the screens and the CLI read them."""

from __future__ import annotations

import datetime as dt

import pytest

from data import access, calls
from data.db import close_database, open_database
from data.models import Call, Ring, Staff
from data.sample import generate

TODAY = dt.date(2025, 6, 18)


@pytest.fixture(scope="module")
def sample_path(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("phone-sample") / "sample.db"
    try:
        generate(str(path), owners=300, seed=3, today=TODAY)
    finally:
        close_database()
    return str(path)


@pytest.fixture
def sample(sample_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2025-06-18 09:00")
    open_database(sample_path)
    yield
    close_database()


def test_desk_clerks_have_extensions_from_801(sample):
    desks = Staff.select().where(Staff.role == "desk").order_by(Staff.login)
    assert [s.extension for s in desks] == ["801", "802", "803", "804", "805"]
    assert not Staff.select().where(Staff.role != "desk", Staff.extension.is_null(False)).exists()


def test_answered_rings_carry_the_recording_of_their_call(sample):
    rings = list(Ring.select().where(Ring.answered == True))  # noqa: E712
    assert rings
    for ring in rings:
        call = Call.get_by_id(ring.call_id)
        assert (call.recording, call.number, call.staff_id) == (ring.recording, ring.number, ring.staff_id)
        assert calls.check_recording(ring.recording) == ring.recording
        assert ring.hung_up_at == ring.rang_at + dt.timedelta(seconds=call.duration_s)
        assert Staff.get_by_id(ring.staff_id).extension == ring.extension


def test_missed_calls_became_callbacks_the_recent_ones_still_open(sample):
    missed = list(Call.select().where(Call.outcome == "missed").order_by(Call.started_at))
    assert len(missed) >= 8
    assert all(c.callback_due == c.started_at + calls.MISSED_CALLBACK_AFTER for c in missed)
    assert all(Ring.get(Ring.call == c.id).answered is False for c in missed)
    open_ones = [c for c in missed if c.callback_done_at is None]
    assert open_ones and any(c.callback_done_at for c in missed)
    assert all(c.started_at.date() >= TODAY - dt.timedelta(days=1) or c.callback_done_at is None
               for c in open_ones)
    desk = open_ones[-1].callback_assignee_id
    assert open_ones[-1].id in [v.id for v in calls.callbacks(desk)]
    with access.acting(Staff.get(Staff.login == "super1")):
        stats = calls.call_stats(TODAY - dt.timedelta(days=30), TODAY)
    assert dict(stats.by_outcome)["missed"] == len(missed)
    assert stats.answered <= stats.needed_answer - len(missed)

"""SVG snapshot of the calls screen (F5) at 80×24: an inbound call from a known owner, with
the match, the filled script, the category picked and a summary typed.

In English, so that adding Chinese translations does not change it; the wall clock is pinned
and the call timer's clock frozen (a running timer would make every run differ).
Regenerate after an intended change of the look:
`.venv/bin/pytest tests/snapshots/test_snapshots_calls.py --snapshot-update`, then look at the SVG.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import calls, i18n, people
from data.db import close_database, open_database
from data.people import PersonInput
from screens import calls as calls_screen
from tests import factories as f
from tests.helpers.snapshots import press, settle, snapshot

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def caller(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    monkeypatch.setattr(calls_screen, "monotonic", lambda: 1000.0)  # the timer stays at 00:00
    i18n.set_language("en")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    me = f.staff("desk1", "李娜")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    f.work_order(me, comm, room_=people_room(room), title="卫生间地漏堵塞")
    calls.log_call(calls.CallInput("in", "13800138000", "inquiry", "询问停水时间", outcome="resolved", duration_s=75,
                                   started_at=NOW - dt.timedelta(days=1)), me.id)
    yield
    close_database()


def people_room(room_id: int):
    from data.models import Room

    return Room.get_by_id(room_id)


def test_inbound_call_with_a_matched_owner(caller, snap_compare):
    async def inbound(pilot):
        await press("f5")(pilot)
        await pilot.press("n", *"13800138000")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter", "1")
        await settle(pilot)
        await pilot.press(*"kitchen tap leaks", "tab")  # out of the summary: no cursor shown
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", inbound)

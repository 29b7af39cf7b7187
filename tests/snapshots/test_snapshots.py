"""SVG snapshots of the main screens at 80×24 (pytest-textual-snapshot, versions pinned).

Regenerate after an intended change of the look: `.venv/bin/pytest tests/snapshots/test_snapshots.py
--snapshot-update`, then look at the SVGs under tests/snapshots/__snapshots__/ before committing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import people
from data.db import close_database, open_database
from data.people import PersonInput
from data.staff import sign_in
from tests import factories as f
from tests.helpers.snapshots import press, settle, snapshot

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def demo(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    me = f.staff("desk1", "李娜")
    tech = f.staff("tech1", "赵师傅", "tech")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"],
                                             id_number="11010519491231002X"))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    people.add_vehicle(owner, "沪A·12345", "白色大众", "B2-018")
    people.set_tags(owner, ["业委会委员"])
    tenant = people.create_person(PersonInput(name="李芳", phones=["13912345678"]))
    people.move_in(tenant, room, "tenant", dt.date(2024, 3, 1))
    flat = f.room(comm, "5", "1", "302")
    f.work_order(me, comm, room_=flat, title="楼道灯不亮")
    f.work_order(me, comm, title="电梯异响", status="assigned", assignee=tech,
                 resolution_due=NOW - dt.timedelta(hours=3))
    f.notification(me, "工单 BX-20261127-0002 已超时")
    # Today's duty (值班) for the home screen's roster line.
    f.event(me, NOW.replace(hour=8), NOW.replace(hour=16), title="前台早班", kind="duty")
    f.event(tech, NOW.replace(hour=8), NOW.replace(hour=20), title="维修备班", kind="duty")
    yield {"owner": owner}
    close_database()


def test_home_screen(demo, snap_compare):
    assert snapshot(snap_compare, "desk1", settle)


def test_owners_screen_with_a_search(demo, snap_compare):
    async def search(pilot):
        await press("f2")(pilot)
        await pilot.press(*"3-2-501")
        await pilot.pause(0.3)
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", search)


def test_owner_card(demo, snap_compare):
    async def open_card(pilot):
        from screens.owner_card import OwnerCardScreen

        await settle(pilot)
        people.add_note(demo["owner"], sign_in("desk1").id, "周六上午在家，可上门")
        pilot.app.push_screen(OwnerCardScreen(demo["owner"]))
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", open_card)


def test_inbox(demo, snap_compare):
    from data import notifications
    from data.db import transaction

    me = sign_in("desk1")
    with transaction():
        notifications.send(me.id, "mention", "张晓明: you were mentioned", body="@desk1 周六上午在家，可上门",
                           entity="person", entity_id=demo["owner"])
    notifications.mark_read(me.id, [notifications.inbox(me.id)[-1].id])

    assert snapshot(snap_compare, "desk1", press("f6"))

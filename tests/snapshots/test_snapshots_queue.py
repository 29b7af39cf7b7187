"""SVG snapshots of the work-order queue (F3) and of one work order at 80×24.

In English, so that adding Chinese translations does not change them; the clock is pinned
(countdowns depend on it). Regenerate after an intended change of the look:
`.venv/bin/pytest tests/snapshots/test_snapshots_queue.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import i18n, people, workorders
from data.db import close_database, open_database
from data.people import PersonInput
from data.queue import categories
from tests import factories as f
from tests.helpers.snapshots import press, settle, snapshot

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def orders(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("en")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    me = f.staff("desk1", "李娜")
    tech = f.staff("tech1", "赵师傅", "tech")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    f.work_order(me, comm, room_=f.room(comm, "5", "1", "302"), title="楼道灯不亮",
                 resolution_due=NOW - dt.timedelta(hours=3))
    f.work_order(me, comm, title="东门道闸不抬杆", resolution_due=NOW + dt.timedelta(minutes=50))
    f.work_order(me, comm, room_=f.room(comm, "12", "2", "1002"), title="充电桩扫码失败，充不上电",
                 resolution_due=NOW + dt.timedelta(hours=20))
    leak = next(cid for cid, name in categories() if "›" in name)
    view = workorders.create_order(workorders.OrderInput(
        kind="repair", title="厨房水管漏水", community_id=comm.id, room_id=room, person_id=owner,
        category_id=leak, priority="urgent", contact_phone="13800138000",
        description="厨房水槽下方角阀漏水，已关总阀。"), me.id)
    view = workorders.assign(view.id, tech.id, me.id)
    view = workorders.start(view.id, tech.id, note="已到现场")
    workorders.add_cost(view.id, tech.id, "material", "角阀", "1", "35", "owner")
    yield view.id
    close_database()


def test_queue_screen(orders, snap_compare):
    async def queue(pilot):
        await press("f3", "6")(pilot)
        await pilot.press("down", "space")  # one marked row: the footer offers the bulk keys
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", queue)


def test_work_order_screen(orders, snap_compare):
    async def order(pilot):
        from screens.workorder import WorkOrderScreen

        await settle(pilot)
        pilot.app.push_screen(WorkOrderScreen(orders))
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", order)

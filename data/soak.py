"""The database side of `frontdesk soak` (tui/soak.py): the rows it seeds, the counter its
workers increment, the note written at the version just read, and the final check that
nothing was lost. Each operation is one function owning its transaction; the processes,
timing and report are tui/soak.py's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from peewee import fn

from data import access, schema
from data.db import is_sqlite, transaction
from data.errors import FrontDeskError
from data.i18n import _
from data.models import (
    Building,
    Community,
    Entrance,
    Room,
    Setting,
    Staff,
    WorkOrder,
    WorkOrderHistory,
)
from data.workorders import OrderInput, add_note, create_order, get_order

#: The settings row the workers increment.
COUNTER_KEY = "soak.counter"


@dataclass(frozen=True)
class SoakRows:
    """What the soak seeded: its desk account, community, rooms and busy orders."""

    staff_id: int
    login: str
    community_id: int
    room_ids: list[int]
    hot_ids: list[int]


def seed(rooms: int, hot_orders: int) -> SoakRows:
    """Migrate the open database (which must hold no staff or work orders) and add what the
    workers use: a community with `rooms` rooms on as many floors, a desk account, the
    counter at 0 and `hot_orders` work orders, opened by that account."""
    schema.migrate()
    if Staff.select().exists() or WorkOrder.select().exists():
        raise FrontDeskError(_(
            "The soak writes test data: give it a new, empty database (this one holds staff "
            "or work orders)."))
    with transaction():
        community = Community.create(name="压力测试小区", code="SOAK")
        building = Building.create(community=community, code="1", floors=rooms)
        entrance = Entrance.create(building=building, code="1")
        made = [Room.create(community=community, building=building, entrance=entrance,
                            number=f"{floor}01", code=f"1-1-{floor}01", floor=floor)
                for floor in range(1, rooms + 1)]
        staff = Staff.create(login="soak", name="压测", role="desk")
        Setting.create(key=COUNTER_KEY, value="0")
    access.act_as(staff)
    try:
        hot = [create_order(OrderInput(kind="repair", title=f"热点工单 {i}", community_id=community.id,
                                       room_id=made[i % rooms].id), staff.id).id
               for i in range(hot_orders)]
    finally:
        access.act_as(None)
    return SoakRows(staff.id, staff.login, community.id, [r.id for r in made], hot)


def increment_counter() -> None:
    """Read the counter and write it back plus one: a real read-modify-write in one
    transaction (SQLite: BEGIN IMMEDIATE holds the write lock from the start; PostgreSQL:
    SELECT … FOR UPDATE)."""
    with transaction():
        query = Setting.select().where(Setting.key == COUNTER_KEY)
        if not is_sqlite():
            query = query.for_update()
        row = query.get()
        Setting.update(value=str(int(row.value) + 1)).where(Setting.key == COUNTER_KEY).execute()


def note_at_read_version(order_id: int, staff_id: int, note: str) -> None:
    """Read a work order's version, then add `note` expecting that version: raises
    ConflictError when another process changed the order in between."""
    add_note(order_id, staff_id, note, expected_version=get_order(order_id).version)


def lost_updates(hot_ids: list[int], created: list[int], changes: Counter[int],
                 increments: int) -> list[str]:
    """Every lost update, as a sentence, given what the processes reported (`changes`: order
    id → successful notes): the counter, missing orders, versions that do not match the
    changes made, notes missing from the history, orders nobody reported creating."""
    lost: list[str] = []
    counter = int(Setting.get(Setting.key == COUNTER_KEY).value)
    if counter != increments:
        lost.append(_("The counter is {value} after {n} increments.").format(
            value=counter, n=increments))
    orders = set(hot_ids) | set(created)
    versions = dict(WorkOrder.select(WorkOrder.id, WorkOrder.version).tuples())
    missing = sorted(set(created) - set(versions))
    if missing:
        lost.append(_("{n} created work order(s) are missing (first id {id}).").format(
            n=len(missing), id=missing[0]))
    notes = dict(WorkOrderHistory.select(WorkOrderHistory.work_order, fn.COUNT(WorkOrderHistory.id))
                 .where(WorkOrderHistory.action == "note")
                 .group_by(WorkOrderHistory.work_order).tuples())
    for order_id in sorted(orders - set(missing)):
        expected = 1 + changes[order_id]
        if versions[order_id] != expected:
            lost.append(_("Work order {id} is at version {version}, expected {expected}.").format(
                id=order_id, version=versions[order_id], expected=expected))
        if notes.get(order_id, 0) != changes[order_id]:
            lost.append(_("Work order {id} has {notes} note(s) in its history, expected "
                          "{expected}.").format(id=order_id, notes=notes.get(order_id, 0),
                                                expected=changes[order_id]))
    extra = len(versions) - len(orders)
    if extra:
        lost.append(_("{n} work order(s) exist that no process reported creating.").format(n=extra))
    return lost

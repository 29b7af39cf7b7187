"""Small builders for test data, through the models (no sample generator needed)."""

from __future__ import annotations

import datetime as dt
import functools
import itertools

from data.models import (
    Building,
    Call,
    Community,
    Entrance,
    Event,
    EventAttendee,
    Notification,
    Person,
    Room,
    Staff,
    WorkOrder,
)

_seq = itertools.count(1)


def community(name: str = "锦绣花园", code: str | None = None) -> Community:
    return Community.create(name=name, code=code or f"C{next(_seq):02d}")


def room(comm: Community, building: str = "3", entrance: str = "2", number: str = "501") -> Room:
    b, _ = Building.get_or_create(community=comm, code=building)
    e, _ = Entrance.get_or_create(building=b, code=entrance)
    return Room.create(
        community=comm, building=b, entrance=e, number=number,
        code=f"{building}-{entrance}-{number}", floor=int(number) // 100,
    )


#: The password of every account `staff()` makes (conftest hands it to the CLI as
#: FRONTDESK_PASSWORD).
TEST_PASSWORD = "test-password-1"


@functools.cache
def password_hash(password: str = TEST_PASSWORD) -> str:
    """A cheap argon2id hash (a hash carries its parameters, so verifying it is cheap too)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)


def staff(login: str = "desk1", name: str = "李娜", role: str = "desk", **fields) -> Staff:
    fields.setdefault("password_hash", password_hash())
    return Staff.create(login=login, name=name, role=role, **fields)


def person(name: str = "张晓明") -> Person:
    return Person.create(name=name)


def work_order(
    by: Staff,
    comm: Community,
    *,
    status: str = "new",
    title: str = "厨房水管漏水",
    room_: Room | None = None,
    resolution_due: dt.datetime | None = None,
    response_due: dt.datetime | None = None,
    assignee: Staff | None = None,
    created_at: dt.datetime | None = None,
) -> WorkOrder:
    n = WorkOrder.select().count() + 1  # per database, so snapshots do not depend on test order
    return WorkOrder.create(
        number=f"BX-20261127-{n:04d}", kind="repair", title=title, community=comm,
        room=room_, building=room_.building if room_ else None, status=status,
        created_by=by, resolution_due=resolution_due, response_due=response_due,
        assignee=assignee, created_at=created_at or dt.datetime(2026, 11, 27, 8, 0),
    )


def call(by: Staff, *, number: str = "13800138000", callback_due: dt.datetime | None = None,
         assignee: Staff | None = None, summary: str = "询问停水时间") -> Call:
    return Call.create(
        direction="in", number=number, staff=by, started_at=dt.datetime(2026, 11, 27, 8, 30),
        summary=summary, callback_due=callback_due, callback_assignee=assignee,
    )


def event(attendee: Staff, start: dt.datetime, end: dt.datetime, *, title: str = "上门维修",
          kind: str = "appointment", rrule: str | None = None) -> Event:
    ev = Event.create(uid=f"{next(_seq)}@test", kind=kind, title=title, start=start, end=end,
                      rrule=rrule)
    EventAttendee.create(event=ev, staff=attendee)
    return ev


def notification(to: Staff, title: str = "工单已派给你") -> Notification:
    return Notification.create(staff=to, kind="assigned", title=title)

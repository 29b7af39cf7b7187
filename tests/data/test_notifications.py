"""Notifications written in the transaction of what caused them: a work order assigned to
me, a mention in a note; read by id so that running sessions toast only what is new."""

from __future__ import annotations

import pytest

from data import notifications, people
from data import workorders as wo
from data.people import PersonInput
from tests import factories as f


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 09:00")
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    staff = {login: f.staff(login, name, role) for login, name, role in (
        ("desk1", "李娜", "desk"), ("tech1", "赵师傅", "tech"), ("super1", "陈静", "supervisor"))}
    order = wo.create_order(wo.OrderInput(kind="repair", title="厨房漏水", community_id=comm.id,
                                        room_id=room), staff["desk1"].id)
    return staff, order


def test_an_assignment_notifies_the_assignee_once(w):
    staff, order = w
    start = notifications.last_id(staff["tech1"].id)
    wo.assign(order.id, staff["tech1"].id, staff["desk1"].id)
    [note] = notifications.newer_than(staff["tech1"].id, start)
    assert (note.kind, note.entity, note.entity_id) == ("assigned", "work_order", order.id)
    assert order.number in note.title and "厨房漏水" in note.title
    assert notifications.unread_count(staff["desk1"].id) == 0  # not the one who assigned
    wo.add_note(order.id, staff["tech1"].id, "到现场了")
    assert notifications.newer_than(staff["tech1"].id, note.id) == []


def test_a_mention_in_a_note_notifies_that_person(w):
    staff, order = w
    wo.add_note(order.id, staff["desk1"].id, "业主很急 @super1 请关注，@nobody 不存在")
    [note] = notifications.inbox(staff["super1"].id)
    assert note.kind == "mention" and "@super1" in note.body and not note.read
    pid = people.create_person(PersonInput(name="张晓明"))
    people.add_note(pid, staff["super1"].id, "＠desk1 已回电")
    assert [n.kind for n in notifications.inbox(staff["desk1"].id)] == ["mention"]
    assert notifications.unread_count(staff["super1"].id) == 1
    assert notifications.mark_read(staff["super1"].id) == 1
    assert notifications.unread_count(staff["super1"].id) == 0
    assert notifications.inbox(staff["super1"].id)[0].read

"""Work-order appointments (issue 6 §6) on the technician's calendar, both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from data import calendar as cal
from data import workorders as wo
from data.errors import ValidationError
from data.models import Event, EventAttendee, WorkOrderHistory
from tests import factories as f

D = dt.datetime
AT = D(2026, 12, 3, 14, 0)
WEEK = (D(2026, 11, 30), D(2026, 12, 7))


@pytest.fixture
def world(database):
    comm = f.community()
    return {
        "comm": comm, "room": f.room(comm), "desk": f.staff("desk1"),
        "super": f.staff("super1", "陈静", "supervisor"),
        "tech1": f.staff("tech1", "王师傅", "tech"), "tech2": f.staff("tech2", "刘师傅", "tech"),
    }


def new_order(w, appointment_at=AT):
    return wo.create_order(wo.OrderInput(kind="repair", title="厨房水管漏水", community_id=w["comm"].id,
                                       room_id=w["room"].id, appointment_at=appointment_at),
                           w["desk"].id)


def events_of(order_id):
    return list(Event.select().where(Event.work_order == order_id))


def test_created_with_appointment_then_assigned(world):
    order = new_order(world)
    assert events_of(order.id) == []  # nobody to visit yet
    wo.assign(order.id, world["tech1"].id, world["desk"].id)
    [event] = events_of(order.id)
    assert event.kind == "appointment" and event.title == f"{order.number} 厨房水管漏水"
    assert (event.start, event.end) == (AT, AT + dt.timedelta(hours=1))
    assert event.room_id == world["room"].id and event.location == "3-2-501"
    [occ] = cal.agenda([world["tech1"].id], *WEEK)
    assert occ.work_order_number == order.number and occ.attendees == ("tech1",)


def test_reassign_moves_it_and_set_appointment_moves_it(world):
    order = new_order(world)
    wo.assign(order.id, world["tech1"].id, world["desk"].id)
    wo.assign(order.id, world["tech2"].id, world["super"].id, reason="tech1 病假")
    assert cal.agenda([world["tech1"].id], *WEEK) == []
    [occ] = cal.agenda([world["tech2"].id], *WEEK)
    later = D(2026, 12, 4, 9, 30)
    view = wo.set_appointment(order.id, later, world["desk"].id)
    assert view.appointment_at == later
    [occ] = cal.agenda([world["tech2"].id], *WEEK)
    assert (occ.start, occ.end) == (later, later + dt.timedelta(hours=1))
    assert len(events_of(order.id)) == 1  # one event per work order, moved
    assert EventAttendee.select().where(EventAttendee.event == occ.event_id).count() == 1
    line = WorkOrderHistory.select().where(WorkOrderHistory.work_order == order.id,
                                           WorkOrderHistory.action == "appointment").get()
    assert "2026-12-03 14:00" in line.note and "2026-12-04 09:30" in line.note


def test_set_appointment_on_assigned_order_and_clearing(world):
    order = new_order(world, appointment_at=None)
    wo.assign(order.id, world["tech1"].id, world["desk"].id)
    assert events_of(order.id) == []
    wo.set_appointment(order.id, AT, world["desk"].id, expected_version=wo.get_order(order.id).version)
    assert len(cal.agenda([world["tech1"].id], *WEEK)) == 1
    wo.set_appointment(order.id, None, world["desk"].id)
    assert cal.agenda([world["tech1"].id], *WEEK) == []
    wo.set_appointment(order.id, AT, world["desk"].id)  # back on, same row
    assert len(cal.agenda([world["tech1"].id], *WEEK)) == 1
    assert len(events_of(order.id)) == 1


def test_cancel_takes_it_off_the_calendar(world):
    order = new_order(world)
    wo.assign(order.id, world["tech1"].id, world["desk"].id)
    wo.cancel(order.id, world["super"].id, "业主自行修好")
    assert cal.agenda([world["tech1"].id], *WEEK) == []
    [event] = events_of(order.id)
    assert event.cancelled


def test_close_takes_it_off_the_calendar(world):
    order = new_order(world)
    wo.assign(order.id, world["tech1"].id, world["desk"].id)
    wo.start(order.id, world["tech1"].id)
    wo.resolve(order.id, world["tech1"].id, "换了水管")
    assert len(cal.agenda([world["tech1"].id], *WEEK)) == 1  # done, still where it was
    wo.close(order.id, world["desk"].id)
    assert cal.agenda([world["tech1"].id], *WEEK) == []


def test_closed_order_refuses_an_appointment(world):
    order = new_order(world)
    wo.cancel(order.id, world["super"].id, "重复")
    with pytest.raises(ValidationError):
        wo.set_appointment(order.id, AT, world["desk"].id)


# --- issue 15: a completed order keeps no visit still to come -------------------------------


def _at(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setenv("FRONTDESK_NOW", when.strftime("%Y-%m-%d %H:%M"))


def _resolved_order(world, monkeypatch, now: dt.datetime):
    order = new_order(world)
    wo.assign(order.id, world["tech1"].id, world["desk"].id)
    _at(monkeypatch, now)
    wo.start(order.id, world["tech1"].id)
    wo.resolve(order.id, world["tech1"].id, "业主自己修好了")
    return order


def test_resolving_before_the_visit_calls_the_visit_off(world, monkeypatch):
    order = _resolved_order(world, monkeypatch, AT - dt.timedelta(days=1))
    assert cal.agenda([world["tech1"].id], *WEEK) == []
    [event] = events_of(order.id)
    assert event.cancelled


def test_resolving_during_the_visit_ends_it_then(world, monkeypatch):
    during = AT + dt.timedelta(minutes=20)
    order = _resolved_order(world, monkeypatch, during)
    [occ] = cal.agenda([world["tech1"].id], *WEEK)
    assert (occ.start, occ.end) == (AT, during)
    assert not events_of(order.id)[0].cancelled


def test_resolving_after_the_visit_keeps_it_where_it_was(world, monkeypatch):
    _resolved_order(world, monkeypatch, AT + dt.timedelta(hours=3))
    [occ] = cal.agenda([world["tech1"].id], *WEEK)
    assert (occ.start, occ.end) == (AT, AT + dt.timedelta(hours=1))


def test_cancelling_before_the_visit_calls_it_off_in_the_same_change(world, monkeypatch):
    _at(monkeypatch, AT - dt.timedelta(days=1))
    order = new_order(world)
    wo.assign(order.id, world["tech1"].id, world["desk"].id)
    wo.cancel(order.id, world["super"].id, "业主不需要了")
    assert cal.agenda([world["tech1"].id], *WEEK) == []
    assert wo.get_order(order.id).status == "cancelled"


def test_reopening_a_resolved_order_puts_the_visit_back(world, monkeypatch):
    order = _resolved_order(world, monkeypatch, AT - dt.timedelta(days=1))
    wo.reopen(order.id, world["super"].id, "业主说还在漏")
    [occ] = cal.agenda([world["tech1"].id], *WEEK)
    assert (occ.start, occ.end) == (AT, AT + dt.timedelta(hours=1))

"""The home screen's numbers, computed by hand on a small world (both backends)."""

from __future__ import annotations

import datetime as dt

from data import overview
from tests import factories as f

NOW = dt.datetime(2026, 11, 27, 10, 0)


def test_home_counts_and_lists(database):
    comm, me, other = f.community(), f.staff("desk1"), f.staff("desk2", "王强")
    tech = f.staff("tech1", "赵师傅", "tech")
    flat = f.room(comm)
    f.work_order(me, comm, room_=flat, title="楼道灯不亮")  # new, no deadline yet
    f.work_order(me, comm, status="new", resolution_due=NOW + dt.timedelta(hours=2))
    late = f.work_order(me, comm, status="assigned", assignee=tech, title="电梯异响",
                        resolution_due=NOW - dt.timedelta(hours=1))
    f.work_order(me, comm, status="on_hold", resolution_due=NOW - dt.timedelta(days=1))
    f.work_order(me, comm, status="resolved")
    f.work_order(me, comm, status="closed", resolution_due=NOW - dt.timedelta(days=3))
    f.call(me, callback_due=NOW - dt.timedelta(hours=1), assignee=me)
    f.call(me, callback_due=NOW + dt.timedelta(hours=3))  # later today, unassigned
    f.call(me, callback_due=NOW + dt.timedelta(days=1), assignee=me)  # tomorrow
    f.call(me, callback_due=NOW, assignee=other)  # someone else's
    f.event(me, NOW.replace(hour=14), NOW.replace(hour=15), title="3-2-501 上门维修")
    f.event(me, dt.datetime(2026, 11, 2, 9), dt.datetime(2026, 11, 2, 10), title="周一巡查",
            kind="inspection", rrule="FREQ=WEEKLY;BYDAY=FR")  # 2026-11-27 is a Friday
    f.event(other, NOW, NOW + dt.timedelta(hours=1), title="not mine")
    f.notification(me)
    f.notification(other)

    counts = overview.home_counts(me.id, NOW)
    assert counts == overview.HomeCounts(
        new_orders=2, overdue_orders=1, appointments_today=2, callbacks_due=2,
        awaiting_visit=1, unread_notifications=1,
    )
    assert [o.number for o in overview.overdue_orders(NOW)] == [late.number]
    assert overview.overdue_orders(NOW)[0].assignee == "赵师傅"
    agenda = overview.my_agenda(me.id, NOW)
    assert [(a.start.hour, a.title) for a in agenda] == [(9, "周一巡查"), (14, "3-2-501 上门维修")]
    assert "3-2-501" in [o.place for o in overview.new_orders()]


def test_a_moved_occurrence_is_not_counted_twice(database):
    from data.models import Event

    me = f.staff()
    series = f.event(me, dt.datetime(2026, 11, 6, 9), dt.datetime(2026, 11, 6, 10),
                     kind="inspection", title="周五巡查", rrule="FREQ=WEEKLY")
    moved = f.event(me, NOW.replace(hour=16), NOW.replace(hour=17), kind="inspection",
                    title="周五巡查（改期）")
    Event.update(series=series, recurrence_id=dt.datetime(2026, 11, 27, 9)).where(
        Event.id == moved.id).execute()
    agenda = overview.my_agenda(me.id, NOW)
    assert [(a.start.hour, a.title) for a in agenda] == [(16, "周五巡查（改期）")]

"""Dispatch suggestions, escalation of missed deadlines (levels, recipients, idempotence,
concurrent sweeps in threads and processes) and the month's missed-deadline report."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from types import SimpleNamespace

import pytest

from data import dispatch, escalation, people
from data import workorders as wo
from data.db import close_database, open_database
from data.i18n import _
from data.models import (
    Building,
    Event,
    EventAttendee,
    Notification,
    Staff,
    Territory,
    WorkOrder,
    WorkOrderHistory,
)
from tests import factories as f

NOW = "2026-11-30 09:00"  # a Monday
T0 = dt.datetime(2026, 11, 30, 9, 0)
VISIT = dt.datetime(2026, 11, 30, 14, 0)


def _world() -> SimpleNamespace:
    """Two communities; technicians and supervisors with territories:

    锦绣花园 building 3: tech_a, tech_b, super_b · building 5: tech_c · building 7: nobody
    阳光水岸 building 3: tech_d · super_c belongs to 锦绣花园 without a territory.
    """
    jx, yg = f.community("锦绣花园"), f.community("阳光水岸")
    w = SimpleNamespace(jx=jx.id, yg=yg.id)
    w.room3 = people.ensure_room(jx.id, "3-2-501")
    w.room5 = people.ensure_room(jx.id, "5-1-101")
    w.room7 = people.ensure_room(jx.id, "7-1-101")
    w.room_yg = people.ensure_room(yg.id, "3-2-501")
    b = {(c, code): Building.get(Building.community == c, Building.code == code).id
         for c, code in ((jx.id, "3"), (jx.id, "5"), (jx.id, "7"), (yg.id, "3"))}
    w.desk = f.staff("desk1", "李娜", "desk").id
    for login, name, role, buildings in (
        ("tech_a", "王建国", "tech", [(jx.id, "3")]),
        ("tech_b", "赵强", "tech", [(jx.id, "3")]),
        ("tech_c", "孙师傅", "tech", [(jx.id, "5")]),
        ("tech_d", "周师傅", "tech", [(yg.id, "3")]),
        ("super_b", "陈静", "supervisor", [(jx.id, "3")]),
        ("super_c", "吴主管", "supervisor", []),
        ("super_x", "郑主管", "supervisor", []),
        ("manager1", "刘志刚", "manager", []),
        ("admin1", "管理员", "admin", []),
    ):
        staff = f.staff(login, name, role)
        setattr(w, login, staff.id)
        for key in buildings:
            Territory.create(staff=staff, building=b[key])
    Staff.update(community=jx.id).where(Staff.id == w.super_c).execute()
    return w


@pytest.fixture
def w(database, monkeypatch) -> SimpleNamespace:
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    return _world()


def new(w, room: int | None, *, community: int | None = None, appointment: dt.datetime | None = None,
        priority: str = "normal", location: str = "") -> wo.OrderView:
    return wo.create_order(
        wo.OrderInput(kind="repair", title="厨房水管漏水", community_id=community or w.jx, room_id=room,
                    priority=priority, appointment_at=appointment, location=location),
        w.desk,
    )


def load(w, login: str, n: int) -> None:
    """Give a technician `n` open work orders (and a closed one, which does not count)."""
    staff_id = getattr(w, login)
    for _i in range(n):
        wo.assign(new(w, w.room5).id, staff_id, w.desk)
    done = wo.assign(new(w, w.room5).id, staff_id, w.desk)  # dispatched, then worked
    done = wo.start(done.id, staff_id)
    wo.resolve(done.id, staff_id, "修好了")


def logins(suggestions: list[dispatch.Suggestion]) -> list[str]:
    return [s.login for s in suggestions]


# --- dispatch --------------------------------------------------------------------------------


def test_technicians_are_the_active_techs_by_login(w):
    Staff.update(active=False).where(Staff.id == w.tech_c).execute()
    assert dispatch.technicians() == [
        (w.tech_a, "tech_a", "王建国"), (w.tech_b, "tech_b", "赵强"), (w.tech_d, "tech_d", "周师傅"),
    ]


def test_the_territory_technician_least_loaded_first(w):
    load(w, "tech_a", 2)
    load(w, "tech_b", 1)
    order = new(w, w.room3)
    found = dispatch.suggest(order.id)
    assert logins(found) == ["tech_b", "tech_a", "tech_c", "tech_d"]
    best = found[0]
    assert (best.staff_id, best.name, best.open_orders, best.in_territory, best.busy) == (
        w.tech_b, "赵强", 1, True, False)
    assert [s.in_territory for s in found] == [True, True, False, False]
    assert "3" in best.reason and "1" in best.reason
    assert dispatch.suggest(order.id, limit=2) == found[:2]
    # Equal loads: by login.
    load(w, "tech_b", 1)
    assert logins(dispatch.suggest(order.id))[:2] == ["tech_a", "tech_b"]


def test_a_technician_booked_at_the_appointment_sorts_after_the_free_ones(w):
    order = new(w, w.room3, appointment=VISIT)
    f.event(Staff.get_by_id(w.tech_a), VISIT + dt.timedelta(minutes=30), VISIT + dt.timedelta(hours=2),
            title="上门维修：5-1-101")
    load(w, "tech_b", 3)
    found = dispatch.suggest(order.id)
    assert logins(found) == ["tech_b", "tech_c", "tech_d", "tech_a"]
    assert found[-1].busy and found[-1].in_territory
    assert "上门维修" in found[-1].reason and "14:30" in found[-1].reason
    assert "14:00" in found[0].reason  # free at the visit time
    # Without an appointment nobody is busy.
    assert not any(s.busy for s in dispatch.suggest(new(w, w.room3).id))


def test_an_event_ending_when_the_visit_starts_does_not_book(w):
    order = new(w, w.room3, appointment=VISIT)
    f.event(Staff.get_by_id(w.tech_a), VISIT - dt.timedelta(hours=1), VISIT)
    f.event(Staff.get_by_id(w.tech_a), VISIT + dt.timedelta(hours=1), VISIT + dt.timedelta(hours=2))
    f.event(Staff.get_by_id(w.tech_a), VISIT - dt.timedelta(hours=3), VISIT + dt.timedelta(hours=3),
            kind="memo", title="本周五电梯年检")
    assert not dispatch.suggest(order.id)[0].busy
    assert dispatch.suggest(order.id)[0].login == "tech_a"


def test_the_orders_own_appointment_does_not_make_its_technician_busy(w):
    order = new(w, w.room3, appointment=VISIT)
    ev = f.event(Staff.get_by_id(w.tech_a), VISIT, VISIT + dt.timedelta(hours=1))
    Event.update(work_order=order.id).where(Event.id == ev.id).execute()
    assert not dispatch.suggest(order.id)[0].busy


def test_a_weekly_recurring_inspection_books_the_technician(w):
    first_monday = dt.datetime(2026, 10, 5, 13, 30)
    series = f.event(Staff.get_by_id(w.tech_a), first_monday, first_monday + dt.timedelta(hours=1, minutes=30),
                     kind="inspection", title="每周安全巡查", rrule="FREQ=WEEKLY;BYDAY=MO")
    order = new(w, w.room3, appointment=VISIT)
    found = {s.login: s for s in dispatch.suggest(order.id)}
    assert found["tech_a"].busy and "每周安全巡查" in found["tech_a"].reason
    assert logins(dispatch.suggest(order.id))[0] == "tech_b"
    # Not on Tuesdays.
    tuesday = new(w, w.room3, appointment=VISIT + dt.timedelta(days=1))
    assert not {s.login: s for s in dispatch.suggest(tuesday.id)}["tech_a"].busy
    # This Monday's round cancelled: free again.
    occurrence = dt.datetime(2026, 11, 30, 13, 30)
    Event.create(uid="x1@test", kind="inspection", title="每周安全巡查", start=occurrence,
                 end=occurrence + dt.timedelta(hours=1, minutes=30), series=series,
                 recurrence_id=occurrence, cancelled=True)
    assert not {s.login: s for s in dispatch.suggest(order.id)}["tech_a"].busy
    # Moved to 15:00 the same day (an exception row with its own attendee): busy again.
    Event.delete().where(Event.uid == "x1@test").execute()
    moved = Event.create(uid="x2@test", kind="inspection", title="每周安全巡查（改期）",
                         start=VISIT + dt.timedelta(minutes=45), end=VISIT + dt.timedelta(hours=2),
                         series=series, recurrence_id=occurrence)
    EventAttendee.create(event=moved, staff=w.tech_a)
    assert "改期" in {s.login: s for s in dispatch.suggest(order.id)}["tech_a"].reason
    # Moved away from the visit: free.
    Event.update(start=VISIT + dt.timedelta(hours=3), end=VISIT + dt.timedelta(hours=4)).where(
        Event.id == moved.id).execute()
    assert not {s.login: s for s in dispatch.suggest(order.id)}["tech_a"].busy


def test_nobody_covers_the_building_falls_back_to_the_community_then_everyone(w):
    found = dispatch.suggest(new(w, w.room7).id)
    assert logins(found) == ["tech_a", "tech_b", "tech_c", "tech_d"]
    assert not any(s.in_territory for s in found)
    assert "锦绣花园" in found[0].reason
    third = f.community("滨江一号")
    room = people.ensure_room(third.id, "1-1-101")
    load(w, "tech_d", 0)
    load(w, "tech_c", 1)
    found = dispatch.suggest(new(w, room, community=third.id).id)
    assert logins(found) == ["tech_a", "tech_b", "tech_d", "tech_c"]
    assert not any(s.in_territory for s in found) and "滨江一号" in found[0].reason


def test_a_public_place_uses_the_communitys_technicians(w):
    order = new(w, None, location="小区东门道闸")
    found = dispatch.suggest(order.id)
    assert logins(found) == ["tech_a", "tech_b", "tech_c", "tech_d"]
    assert [s.in_territory for s in found] == [True, True, True, False]


def test_suggest_for_an_unknown_order(w):
    from data.errors import NotFoundError

    with pytest.raises(NotFoundError):
        dispatch.suggest(99999)


# --- escalation ------------------------------------------------------------------------------


def escalations(order_id: int) -> list[WorkOrderHistory]:
    return list(WorkOrderHistory.select().where(
        WorkOrderHistory.work_order == order_id, WorkOrderHistory.action == "escalate"))


def told(order_id: int) -> list[tuple[str, str]]:
    """(login, dedupe key) of every escalation notification about the order."""
    rows = (Notification.select(Notification, Staff.login).join(Staff)
            .where(Notification.entity_id == order_id, Notification.kind == "escalation")
            .order_by(Notification.dedupe_key).objects())
    return [(n.login, n.dedupe_key) for n in rows]


def test_a_missed_response_goes_to_the_buildings_supervisor(w):
    order = new(w, w.room3)  # normal repair: respond by 09:30, resolve by 09:00 tomorrow
    assert escalation.sweep(T0 + dt.timedelta(minutes=30)) == []  # due, not yet missed
    done = escalation.sweep(T0 + dt.timedelta(minutes=31))
    assert done == [escalation.Escalation(order.id, order.number, 1, ("super_b",))]
    [note] = Notification.select().where(Notification.entity_id == order.id)
    assert (note.staff_id, note.kind, note.entity, note.dedupe_key) == (
        w.super_b, "escalation", "work_order", f"escalation:{order.id}:1:{w.super_b}")
    assert order.number in note.title and "厨房水管漏水" in note.title
    assert _(escalation.DEADLINES["response"]) in note.title
    [row] = escalations(order.id)
    assert "1" in row.note and row.staff_id is None
    assert wo.get_order(order.id).escalation_level == 1
    # Idempotent: nothing more until level 2 is due.
    assert escalation.sweep(T0 + dt.timedelta(hours=20)) == []
    assert len(told(order.id)) == 1 and len(escalations(order.id)) == 1


def test_level_2_goes_to_the_manager_after_half_the_span_again(w):
    order = new(w, w.room3)
    wo.start(order.id, w.tech_a)  # answered: no response escalation
    due = order.resolution_due  # 24 h after creation
    assert escalation.sweep(due) == []
    assert [e.level for e in escalation.sweep(due + dt.timedelta(minutes=1))] == [1]
    assert escalation.sweep(due + dt.timedelta(hours=12)) == []  # exactly half: not more
    done = escalation.sweep(due + dt.timedelta(hours=12, minutes=1))
    assert done == [escalation.Escalation(order.id, order.number, 2, ("manager1",))]
    assert [login for login, _key in told(order.id)] == ["super_b", "manager1"]
    assert _(escalation.DEADLINES["resolution"]) in Notification.get(
        Notification.staff == w.manager1).title
    assert len(escalations(order.id)) == 2
    assert escalation.sweep(due + dt.timedelta(days=30)) == []


def test_a_late_sweep_climbs_both_levels_at_once(w):
    order = new(w, w.room3)
    done = escalation.sweep(T0 + dt.timedelta(days=3))
    assert [(e.level, e.notified) for e in done] == [(1, ("super_b",)), (2, ("manager1",))]
    assert len(escalations(order.id)) == 2


def test_recipients_fall_back(w):
    community_wide = new(w, w.room5)  # no supervisor on building 5: the community's
    elsewhere = new(w, w.room_yg, community=w.yg)  # none in 阳光水岸: every supervisor
    public = new(w, None, location="东门道闸")
    at = T0 + dt.timedelta(minutes=45)
    got = {e.order_id: e.notified for e in escalation.sweep(at)}
    assert got[community_wide.id] == ("super_c",)
    assert got[elsewhere.id] == ("super_b", "super_c", "super_x")
    assert got[public.id] == ("super_c",)
    # No manager: the administrators.
    Staff.update(active=False).where(Staff.id == w.manager1).execute()
    got = {e.order_id: e.notified for e in escalation.sweep(T0 + dt.timedelta(days=3))
           if e.level == 2}
    assert got[community_wide.id] == ("admin1",)


def test_on_hold_resolved_and_closed_orders_never_escalate(w, monkeypatch):
    held = wo.start(new(w, w.room3).id, w.tech_a)
    wo.hold(held.id, w.tech_a, "等配件")
    resolved = wo.resolve(wo.start(new(w, w.room3).id, w.tech_b).id, w.tech_b, "好了")
    cancelled = wo.cancel(new(w, w.room3).id, w.super_b, "重复")
    assert escalation.sweep(T0 + dt.timedelta(days=60)) == []
    for order in (held, resolved, cancelled):
        assert not escalations(order.id) and not told(order.id)


def test_an_answered_order_waits_for_its_resolution_deadline(w):
    order = wo.start(new(w, w.room3).id, w.tech_a)
    assert escalation.sweep(T0 + dt.timedelta(hours=5)) == []
    assert escalation.due_level(WorkOrder.get_by_id(order.id), T0 + dt.timedelta(hours=5)) == 0


def test_a_reopened_order_escalates_again_without_telling_anyone_twice(w):
    order = new(w, w.room3)
    escalation.sweep(T0 + dt.timedelta(hours=1))
    wo.start(order.id, w.tech_a)
    wo.resolve(order.id, w.tech_a, "好了")
    wo.reopen(order.id, w.desk, "又漏了")
    again = escalation.sweep(T0 + dt.timedelta(hours=25))
    assert [(e.level, e.notified) for e in again] == [(1, ())]
    assert len(told(order.id)) == 1


def _overdue_orders(w, n: int) -> list[int]:
    return [new(w, (w.room3, w.room5, w.room_yg)[i % 3],
                community=w.yg if i % 3 == 2 else w.jx).id for i in range(n)]


def _assert_each_told_once(order_ids: list[int]) -> None:
    keys = [n.dedupe_key for n in Notification.select(Notification.dedupe_key)]
    assert len(keys) == len(set(keys))
    for order_id in order_ids:
        assert len(escalations(order_id)) == 2  # one history row per level
        per_level: dict[int, list[str]] = {}
        for login, key in told(order_id):
            per_level.setdefault(int(key.split(":")[2]), []).append(login)
        assert set(per_level) == {1, 2}
        assert per_level[1] and len(per_level[1]) == len(set(per_level[1]))
        assert per_level[2] == ["manager1"]
    assert WorkOrder.select().where(WorkOrder.escalation_level != 2).count() == 0


def test_concurrent_sweeps_in_threads_tell_each_person_once(w):
    """Four sweeps at once, each thread on its own connection (SQLite and PostgreSQL)."""
    ids = _overdue_orders(w, 12)
    at = T0 + dt.timedelta(days=3)
    results: list[list[escalation.Escalation]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def sweeper() -> None:
        try:
            barrier.wait()
            results.append(escalation.sweep(at))
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            close_database()

    threads = [threading.Thread(target=sweeper) for _i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    done = [e for r in results for e in r]
    assert sorted((e.order_id, e.level) for e in done) == sorted((i, lv) for i in ids for lv in (1, 2))
    _assert_each_told_once(ids)


def _sweep_in_process(path: str, at: str, barrier, out) -> None:
    """Run in a child process: its own connection to the same SQLite file."""
    open_database(path)
    try:
        barrier.wait()
        out.put([(e.order_id, e.level) for e in escalation.sweep(dt.datetime.fromisoformat(at))])
    finally:
        close_database()


def test_concurrent_sweeps_in_processes_tell_each_person_once(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(sqlite_url)
    world = _world()
    ids = _overdue_orders(world, 12)
    close_database()
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    at = (T0 + dt.timedelta(days=3)).isoformat()
    procs = [ctx.Process(target=_sweep_in_process, args=(sqlite_url, at, barrier, out)) for _i in range(2)]
    for p in procs:
        p.start()
    got = [out.get(timeout=60) for _p in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sorted(x for r in got for x in r) == sorted((i, lv) for i in ids for lv in (1, 2))
    open_database(sqlite_url)
    _assert_each_told_once(ids)


def test_a_sweep_that_loses_the_race_writes_nothing(w, monkeypatch):
    """Another sweep raised the level between this one's read and its UPDATE (what READ
    COMMITTED allows on PostgreSQL): the conditional UPDATE changes no row, so this sweep
    neither notifies nor writes history."""
    order = new(w, w.room3)
    real = escalation.due_level

    def raced(row, at):
        WorkOrder.update(escalation_level=1).where(WorkOrder.id == row.id).execute()
        return real(row, at)

    monkeypatch.setattr(escalation, "due_level", raced)
    assert escalation.sweep(T0 + dt.timedelta(hours=1)) == []
    assert not escalations(order.id) and not told(order.id)


def test_a_notification_already_there_is_not_an_error(w):
    """Another process may have inserted the same dedupe key: ON CONFLICT DO NOTHING."""
    order = new(w, w.room3)
    Notification.create(staff=w.super_b, kind="escalation", title="x",
                        dedupe_key=f"escalation:{order.id}:1:{w.super_b}")
    [done] = escalation.sweep(T0 + dt.timedelta(hours=1))
    assert done.level == 1 and done.notified == ()
    assert Notification.select().count() == 1 and len(escalations(order.id)) == 1


# --- missed deadlines ------------------------------------------------------------------------


def test_missed_deadlines_of_a_month(w):
    nov = lambda day, hour=9: dt.datetime(2026, 11, day, hour)  # noqa: E731
    by = Staff.get_by_id(w.desk)
    comm = f.community("报表小区")

    def order(assignee: str, status: str, response_due, resolution_due, *, responded=None,
              resolved=None, created=None, merged_into=None) -> WorkOrder:
        o = f.work_order(by, comm, status=status, assignee=Staff.get_by_id(getattr(w, assignee)),
                         response_due=response_due, resolution_due=resolution_due,
                         created_at=created or response_due - dt.timedelta(minutes=30))
        WorkOrder.update(responded_at=responded, resolved_at=resolved, merged_into=merged_into).where(
            WorkOrder.id == o.id).execute()
        return o

    # tech_a: 2 responses, 2 resolutions missed → 4, flagged.
    order("tech_a", "closed", nov(3), nov(4), responded=nov(3, 10), resolved=nov(3, 15))
    order("tech_a", "resolved", nov(5), nov(6), responded=nov(5, 8), resolved=nov(7))
    order("tech_a", "assigned", nov(28), nov(29))  # unanswered at the report time
    order("tech_a", "in_progress", dt.datetime(2026, 10, 31, 9), nov(2), responded=nov(1))
    cancelled = order("tech_a", "cancelled", nov(8), nov(9))
    order("tech_a", "cancelled", nov(8), nov(9), merged_into=cancelled.id)
    order("tech_a", "in_progress", nov(29), nov(30, 12), responded=nov(29, 8))  # not due yet
    order("tech_a", "assigned", dt.datetime(2026, 12, 1, 9), dt.datetime(2026, 12, 2, 9))
    # tech_b: a late answer, a late resolution; on hold past its deadline does not count.
    order("tech_b", "on_hold", nov(9), nov(10), responded=nov(9, 11))
    order("tech_b", "closed", nov(19), nov(20), responded=nov(19, 8), resolved=nov(21))
    # tech_c: exactly three → flagged.
    for day in (11, 12, 13):
        order("tech_c", "visited", nov(day), nov(day, 18), responded=nov(day, 8), resolved=nov(day, 19))
    # tech_d met every deadline.
    order("tech_d", "closed", nov(14), nov(15), responded=nov(14, 8), resolved=nov(14, 12))

    rows = escalation.missed_deadlines(2026, 11, at=nov(28, 12))
    assert [(r.login, r.response_missed, r.resolution_missed, r.total, r.flagged) for r in rows] == [
        ("tech_a", 2, 2, 4, True),
        ("tech_c", 0, 3, 3, True),
        ("tech_b", 1, 1, 2, False),
    ]
    assert rows[0].staff_id == w.tech_a and rows[0].name == "王建国"
    # Earlier in the month fewer deadlines had passed.
    early = {r.login: r.total for r in escalation.missed_deadlines(2026, 11, at=nov(4, 12))}
    assert early == {"tech_a": 2}  # the late answer of the 3rd and the open one of the 2nd
    assert escalation.missed_deadlines(2026, 10, at=nov(28, 12)) == [
        escalation.MissedRow(w.tech_a, "tech_a", "王建国", 1, 0, 1, False)]
    assert escalation.missed_deadlines(2026, 12, at=nov(28, 12)) == []

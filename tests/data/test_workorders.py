"""Work orders in data/: every transition, numbering, SLA with holds and the severe-weather
stretch, callback, merge, link, costs, optimistic versions and bad input."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest

from data import people, schema, sla
from data import workorders as wo
from data.db import close_database, db, open_database
from data.errors import NotFoundError, ValidationError
from data.models import (
    AuditLog,
    Category,
    CostLine,
    DailyCounter,
    Room,
    Setting,
    SlaPolicy,
    Territory,
    WorkOrder,
    WorkOrderHistory,
)
from data.sla import DEFAULT_SLA
from data.vocab import WORK_ORDER_STATUSES, label
from tests import factories as f
from tests.conftest import _drop_pg_schema, _pg_schema_url

NOW = "2026-11-27 09:00"
T0 = dt.datetime(2026, 11, 27, 9, 0)


def _world() -> SimpleNamespace:
    """A community with one room, a desk clerk, two technicians and a supervisor."""
    comm = f.community("锦绣花园")
    room_id = people.ensure_room(comm.id, "3-2-501")
    tech, tech2 = f.staff("tech1", "王建国", "tech"), f.staff("tech2", "赵师傅", "tech")
    building = Room.get_by_id(room_id).building_id
    for technician in (tech, tech2):  # both look after 3号楼: they may work its orders
        Territory.create(staff=technician, building=building)
    return SimpleNamespace(
        community_id=comm.id,
        room_id=room_id,
        desk=f.staff("desk1", "李娜", "desk").id,
        tech=tech.id,
        tech2=tech2.id,
        sup=f.staff("super1", "陈静", "supervisor").id,
        leak=Category.get(Category.code == "plumbing.leak").id,
    )


@pytest.fixture
def w(database, monkeypatch) -> SimpleNamespace:
    """A fresh database on each backend with the clock pinned at NOW."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    return _world()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def _matrix_url(request, tmp_path_factory):
    """One migrated database per backend for the whole transition matrix (each case makes its
    own work orders), so that 88 cases cost one set-up, not 88."""
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("matrix") / "frontdesk.db")
        open_database(url, create=True)
        schema.migrate()
        world = _world()
        close_database()
        yield url, world
        return
    base = request.getfixturevalue("pg_database_url")
    url, schema_name = _pg_schema_url(base)
    open_database(url)
    schema.migrate()
    world = _world()
    close_database()
    try:
        yield url, world
    finally:
        close_database()
        _drop_pg_schema(base, schema_name)


@pytest.fixture
def mw(_matrix_url, monkeypatch) -> SimpleNamespace:
    url, world = _matrix_url
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(url)
    yield world
    close_database()


def new(w: SimpleNamespace, *, kind: str = "repair", priority: str = "normal",
        category: int | None = None, title: str = "厨房水管漏水") -> wo.OrderView:
    return wo.create_order(
        wo.OrderInput(kind=kind, title=title, community_id=w.community_id, room_id=w.room_id,
                    category_id=category, priority=priority),
        w.desk,
    )


def in_status(w: SimpleNamespace, status: str) -> wo.OrderView:
    """A new work order forced into `status`, assigned to the first technician."""
    view = new(w)
    WorkOrder.update(
        status=status, assignee=w.tech,
        hold_since=T0 - dt.timedelta(hours=1) if status == "on_hold" else None,
        responded_at=None if status in ("new", "assigned") else T0 - dt.timedelta(hours=2),
    ).where(WorkOrder.id == view.id).execute()
    return wo.get_order(view.id)


def history_rows(order_id: int) -> list[WorkOrderHistory]:
    return list(WorkOrderHistory.select().where(WorkOrderHistory.work_order == order_id)
                .order_by(WorkOrderHistory.id))


def set_clock(monkeypatch, text: str) -> dt.datetime:
    monkeypatch.setenv("FRONTDESK_NOW", text)
    return dt.datetime.fromisoformat(text)


# --- the status machine ----------------------------------------------------------------------

#: How each action is called, and the note its history row must carry.
ACTIONS = {
    "assign": lambda w, o: wo.assign(o.id, w.tech, w.desk),
    "reassign": lambda w, o: wo.assign(o.id, w.tech2, w.sup, reason="王师傅请假"),
    "start": lambda w, o: wo.start(o.id, w.tech, note="已到现场"),
    "hold": lambda w, o: wo.hold(o.id, w.tech, "等配件"),
    "resume": lambda w, o: wo.resume(o.id, w.tech, note="配件到了"),
    "resolve": lambda w, o: wo.resolve(o.id, w.tech, "换了角阀"),
    "callback": lambda w, o: wo.record_callback(o.id, w.desk, 5, "很满意"),
    "close": lambda w, o: wo.close(o.id, w.desk, note="归档"),
    "reopen": lambda w, o: wo.reopen(o.id, w.desk, "业主说还在漏"),
    "cancel": lambda w, o: wo.cancel(o.id, w.sup, "业主自己修好了"),
    "merge": lambda w, o: wo.merge(o.id, new(w, title="同一处漏水").id, w.sup),
}
NOTE_HAS = {
    "assign": "王建国", "reassign": "王师傅请假", "start": "已到现场", "hold": "等配件",
    "resume": "配件到了", "resolve": "换了角阀", "callback": "很满意", "close": "归档",
    "reopen": "业主说还在漏", "cancel": "业主自己修好了", "merge": "-",
}
ACTORS = {"assign": "desk", "reassign": "sup", "start": "tech", "hold": "tech", "resume": "tech",
          "resolve": "tech", "callback": "desk", "close": "desk", "reopen": "desk",
          "cancel": "sup", "merge": "sup"}


def test_every_action_has_a_way_to_call_it():
    assert set(ACTIONS) == set(wo.TRANSITIONS)


@pytest.mark.parametrize("status", list(WORK_ORDER_STATUSES))
@pytest.mark.parametrize("action", list(wo.TRANSITIONS))
def test_transition(mw, action, status):
    order = in_status(mw, status)
    before = history_rows(order.id)
    allowed, to = wo.TRANSITIONS[action]
    if status in allowed:
        after = ACTIONS[action](mw, order)
        # A reassigned order in progress waits for its new technician (已派单).
        expected = (wo.REASSIGN_TO.get(status) if action == "reassign" else None) or to or status
        assert after.status == expected
        assert after.version == order.version + 1
        rows = history_rows(order.id)
        assert len(rows) == len(before) + 1
        row = rows[-1]
        assert (row.action, row.from_status, row.to_status) == (action, status, expected)
        assert row.staff_id == getattr(mw, ACTORS[action])
        assert row.at == T0
        assert NOTE_HAS[action] in row.note
        stored = WorkOrder.get_by_id(order.id)
        assert stored.status == expected and stored.updated_at == T0
    else:
        with pytest.raises(ValidationError) as refused:
            ACTIONS[action](mw, order)
        message = str(refused.value)
        assert order.number in message
        assert label(WORK_ORDER_STATUSES, status) in message
        same = wo.get_order(order.id)
        assert (same.status, same.version, same.assignee_id) == (status, order.version, order.assignee_id)
        assert len(history_rows(order.id)) == len(before)


def test_side_effects_of_the_lifecycle(mw, monkeypatch):
    w = mw
    order = new(w)
    assert order.status == "new" and order.version == 1
    [created] = history_rows(order.id)
    assert (created.action, created.to_status, created.staff_id) == ("create", "new", w.desk)
    order = wo.assign(order.id, w.tech, w.desk)
    assert order.assignee_id == w.tech and order.responded_at is None
    set_clock(monkeypatch, "2026-11-27 09:20")
    order = wo.start(order.id, w.tech)
    assert order.responded_at == dt.datetime(2026, 11, 27, 9, 20)
    set_clock(monkeypatch, "2026-11-27 11:00")
    order = wo.resolve(order.id, w.tech, "换了角阀")
    assert order.resolved_at == dt.datetime(2026, 11, 27, 11, 0)
    order = wo.close(order.id, w.desk)
    assert order.closed_at == dt.datetime(2026, 11, 27, 11, 0) and not order.is_open
    order = wo.reopen(order.id, w.desk, "又漏了")
    assert (order.status, order.resolved_at, order.closed_at) == ("in_progress", None, None)
    assert order.assignee_id == w.tech and order.responded_at is not None


def test_start_assigns_an_unassigned_order_to_whoever_starts_it(mw):
    w = mw
    order = wo.start(new(w).id, w.tech2)
    assert order.assignee_id == w.tech2


def test_reassigning_needs_a_reason_and_names_both(mw):
    w = mw
    order = wo.assign(new(w).id, w.tech, w.desk)
    with pytest.raises(ValidationError) as refused:
        wo.assign(order.id, w.tech2, w.sup)
    assert refused.value.field == "reason"
    assert wo.get_order(order.id).assignee_id == w.tech
    order = wo.assign(order.id, w.tech2, w.sup, reason="请假")
    note = history_rows(order.id)[-1].note
    assert "王建国" in note and "赵师傅" in note and "请假" in note


def test_assigning_to_an_unknown_or_inactive_staff_member_is_refused(w):
    from data.models import Staff

    order = new(w)
    Staff.update(active=False).where(Staff.id == w.tech2).execute()
    with pytest.raises(NotFoundError):
        wo.assign(order.id, w.tech2, w.sup)
    with pytest.raises(NotFoundError):
        wo.assign(order.id, 99999, w.desk)
    assert wo.get_order(order.id).status == "new"


def test_reasons_are_required(mw):
    w = mw
    order = wo.start(new(w).id, w.tech)
    for call in (lambda: wo.hold(order.id, w.tech, "  "), lambda: wo.resolve(order.id, w.tech, ""),
                 lambda: wo.cancel(order.id, w.tech, "")):
        with pytest.raises(ValidationError):
            call()
    assert wo.get_order(order.id).version == order.version


def test_get_order_by_id_or_number(mw):
    w = mw
    order = new(w)
    assert wo.get_order(order.id).number == order.number
    assert wo.get_order(order.number.lower()).id == order.id
    assert wo.get_order(f" {order.id} ").id == order.id
    with pytest.raises(NotFoundError) as missing:
        wo.get_order("BX-20991231-0001")
    assert "BX-20991231-0001" in str(missing.value)


# --- numbering -------------------------------------------------------------------------------


def test_numbers_per_kind_and_day(w, monkeypatch):
    kinds = {"repair": "BX", "complaint": "TS", "inquiry": "ZX", "suggestion": "JY"}
    for kind, prefix in kinds.items():
        assert new(w, kind=kind).number == f"{prefix}-20261127-0001"
    assert new(w).number == "BX-20261127-0002"
    set_clock(monkeypatch, "2026-11-28 00:01")
    assert new(w).number == "BX-20261128-0001"
    assert new(w, kind="complaint").number == "TS-20261128-0001"


def test_a_new_order_is_audited_with_its_number_and_has_its_create_row(w):
    """On PostgreSQL the order, its number and its first history row are one statement
    (data.numbering): the audit trigger still sees the real number, the history its row."""
    order = new(w)
    audit = AuditLog.get((AuditLog.entity == "work_order") & (AuditLog.entity_id == order.id)
                         & (AuditLog.action == "create"))
    assert audit.new_value == order.number == "BX-20261127-0001"
    assert [(h.action, h.to_status) for h in wo.history(order.id)] == [("create", "new")]
    assert wo.get_order(order.id).version == 1


def test_numbers_past_9999_keep_counting(w):
    new(w)
    DailyCounter.update(last=9999).where(DailyCounter.prefix == "BX-20261127-").execute()
    assert new(w).number == "BX-20261127-10000"
    assert new(w).number == "BX-20261127-10001"


def test_numbering_continues_after_numbers_written_without_the_counter(w):
    """The demo generator and its date shift write numbers directly: a day with no counter
    row starts after the highest number stored (longest first: 10000 > 9999), and a number
    that meets one written behind the counter's back skips past it."""
    first, second = new(w), new(w)
    WorkOrder.update(number="BX-20261127-9999").where(WorkOrder.id == first.id).execute()
    WorkOrder.update(number="BX-20261127-10000").where(WorkOrder.id == second.id).execute()
    DailyCounter.delete().execute()
    assert new(w).number == "BX-20261127-10001"
    third = new(w)
    assert third.number == "BX-20261127-10002"
    WorkOrder.update(number="BX-20261127-10003").where(WorkOrder.id == third.id).execute()
    assert new(w).number == "BX-20261127-10004"  # 10003 was taken: resynced, no repeat
    assert DailyCounter.get_by_id("BX-20261127-").last == 10004


def test_migration_0042_seeds_the_counters_from_the_stored_numbers(w):
    """Run again on a database whose counters are gone, 0042 counts on after the highest
    number of each day stored (not the latest made), and numbering continues from there."""
    orders = [new(w) for _i in range(3)]
    WorkOrder.update(number="TS-20261101-0042").where(WorkOrder.id == orders[1].id).execute()
    db.execute_sql("DROP TABLE daily_counter")
    db.execute_sql(f"DELETE FROM {schema.HISTORY_TABLE} WHERE name = '0042_daily_counter'")
    assert "0042_daily_counter" in schema.migrate()
    counters = {c.prefix: c.last for c in DailyCounter.select()}
    assert counters == {"BX-20261127-": 3, "TS-20261101-": 42}
    assert new(w).number == "BX-20261127-0004"


def test_numbers_stay_unique_under_concurrent_creation(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    world = _world()
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def clerk() -> None:
        try:
            start.wait()
            for _i in range(8):
                view = new(world)
                with lock:
                    numbers.append(view.number)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            close_database()

    threads = [threading.Thread(target=clerk) for _i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"BX-20261127-{n:04d}" for n in range(1, 33)]
    assert WorkOrder.select().count() == 32


# --- SLA -------------------------------------------------------------------------------------


def test_deadlines_follow_the_default_table(mw):
    w = mw
    for (kind, priority), target in DEFAULT_SLA.items():
        order = new(w, kind=kind, priority=priority)
        assert order.response_due == T0 + dt.timedelta(minutes=target.response_minutes), (kind, priority)
        assert order.resolution_due == T0 + dt.timedelta(minutes=target.resolution_minutes)
    # A priority the kind has no row for falls back to the kind's normal one.
    complaint = new(w, kind="complaint", priority="urgent")
    assert complaint.resolution_due == T0 + dt.timedelta(minutes=DEFAULT_SLA["complaint", "normal"].resolution_minutes)


def test_a_category_policy_overrides_the_default(w):
    SlaPolicy.create(category=w.leak, kind="repair", priority="normal", response_minutes=10,
                     resolution_minutes=240)
    order = new(w, category=w.leak)
    assert order.response_due == T0 + dt.timedelta(minutes=10)
    assert order.resolution_due == T0 + dt.timedelta(hours=4)
    # Its siblings keep the default, its parent's policy covers the other children.
    drain = Category.get(Category.code == "plumbing.drain").id
    assert new(w, category=drain).resolution_due == T0 + dt.timedelta(minutes=1440)
    SlaPolicy.create(category=Category.get(Category.code == "plumbing").id, kind="repair",
                     priority="normal", response_minutes=20, resolution_minutes=600)
    assert new(w, category=drain).resolution_due == T0 + dt.timedelta(minutes=600)
    assert new(w, category=w.leak).resolution_due == T0 + dt.timedelta(hours=4)


def test_hold_across_midnight_shifts_both_deadlines_by_the_pause(mw, monkeypatch):
    w = mw
    set_clock(monkeypatch, "2026-11-27 23:30")
    order = new(w)
    due = (order.response_due, order.resolution_due)
    set_clock(monkeypatch, "2026-11-27 23:40")
    wo.start(order.id, w.tech)
    set_clock(monkeypatch, "2026-11-27 23:50")
    held = wo.hold(order.id, w.tech, "等业主回家")
    assert held.hold_since == dt.datetime(2026, 11, 27, 23, 50)
    assert (held.response_due, held.resolution_due) == due  # nothing moves while on hold
    assert not held.overdue(dt.datetime(2026, 12, 31))  # the clock is stopped
    set_clock(monkeypatch, "2026-11-28 00:35")
    resumed = wo.resume(order.id, w.tech)
    shift = dt.timedelta(minutes=45)
    assert (resumed.response_due, resumed.resolution_due) == (due[0] + shift, due[1] + shift)
    assert resumed.held_minutes == 45 and resumed.hold_since is None


def test_holds_over_several_days_add_up(mw, monkeypatch):
    w = mw
    order = wo.start(new(w).id, w.tech)
    due = order.resolution_due
    set_clock(monkeypatch, "2026-11-27 10:00")
    wo.hold(order.id, w.tech, "等配件")
    set_clock(monkeypatch, "2026-11-30 09:15")  # 2 days 23 h 15 min later
    first = wo.resume(order.id, w.tech)
    assert first.held_minutes == 2 * 1440 + 23 * 60 + 15
    set_clock(monkeypatch, "2026-11-30 12:00")
    wo.hold(order.id, w.tech, "再等配件")
    set_clock(monkeypatch, "2026-12-02 12:30")
    second = wo.resume(order.id, w.tech)
    total = first.held_minutes + 2 * 1440 + 30
    assert second.held_minutes == total
    assert second.resolution_due == due + dt.timedelta(minutes=total)
    assert second.response_due == order.response_due + dt.timedelta(minutes=total)


def test_severe_weather_stretch(w, monkeypatch):
    normal, quick, low = new(w), new(w, priority="quick"), new(w, priority="low")
    urgent = new(w, priority="urgent")
    done = wo.start(new(w).id, w.tech)
    done = wo.resolve(done.id, w.tech, "修好了")
    held = wo.start(new(w).id, w.tech)
    set_clock(monkeypatch, "2026-11-27 09:30")
    wo.hold(held.id, w.tech, "等配件")
    set_clock(monkeypatch, "2026-11-27 10:30")
    held = wo.resume(held.id, w.tech)  # 60 minutes held
    before = {o.id: wo.get_order(o.id) for o in (normal, quick, low, urgent, done, held)}

    assert sla.set_severe_weather(True, w.sup) == 4
    assert sla.stretch_active()
    setting = Setting.get_by_id(sla.STRETCH_SETTING)
    assert (setting.value, setting.updated_by_id) == ("on", w.sup)
    for o in (normal, quick, low):
        target = DEFAULT_SLA["repair", o.priority]
        now = wo.get_order(o.id)
        assert now.response_due == T0 + dt.timedelta(minutes=target.response_minutes * 1.5)
        assert now.resolution_due == T0 + dt.timedelta(minutes=target.resolution_minutes * 1.5)
        row = history_rows(o.id)[-1]
        assert (row.action, row.staff_id) == ("stretch", w.sup)
    stretched_held = wo.get_order(held.id)
    assert stretched_held.resolution_due == T0 + dt.timedelta(minutes=1440 * 1.5 + 60)
    assert wo.get_order(urgent.id).resolution_due == before[urgent.id].resolution_due
    assert wo.get_order(done.id).resolution_due == before[done.id].resolution_due
    # Created while it is on: stretched from the start.
    assert new(w).resolution_due == dt.datetime(2026, 11, 27, 10, 30) + dt.timedelta(minutes=2160)

    sla.set_severe_weather(False, w.sup)
    assert not sla.stretch_active()
    assert Setting.get_by_id(sla.STRETCH_SETTING).updated_by_id == w.sup
    for o in (normal, quick, low, urgent, done, held):
        after = wo.get_order(o.id)
        assert (after.response_due, after.resolution_due) == (
            before[o.id].response_due, before[o.id].resolution_due), o.priority


def test_set_priority_recomputes_the_deadlines(mw, monkeypatch):
    w = mw
    order = new(w)
    set_clock(monkeypatch, "2026-11-27 09:05")
    urgent = wo.set_priority(order.id, "urgent", w.sup)
    assert urgent.response_due == T0 + dt.timedelta(minutes=15)
    assert urgent.resolution_due == T0 + dt.timedelta(minutes=120)
    assert history_rows(order.id)[-1].action == "priority"
    with pytest.raises(ValidationError):
        wo.set_priority(order.id, "whenever", w.sup)
    closed = wo.cancel(new(w).id, w.sup, "重复")
    with pytest.raises(ValidationError):
        wo.set_priority(closed.id, "urgent", w.sup)


# --- callback, merge, link, costs ------------------------------------------------------------


def _resolved(w) -> wo.OrderView:
    order = wo.start(new(w).id, w.tech)
    return wo.resolve(order.id, w.tech, "换了角阀")


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5, "4"])
def test_callback_ratings(mw, rating):
    w = mw
    order = wo.record_callback(_resolved(w).id, w.desk, rating, "师傅很细心")
    assert (order.status, order.rating, order.callback_comment) == ("visited", int(rating), "师傅很细心")
    stored = WorkOrder.get_by_id(order.id)
    assert stored.callback_by_id == w.desk and stored.callback_at == T0


@pytest.mark.parametrize("rating", [0, 6, -1, "x", "", None])
def test_callback_refuses_a_rating_outside_1_to_5(mw, rating):
    w = mw
    order = _resolved(w)
    with pytest.raises(ValidationError) as refused:
        wo.record_callback(order.id, w.desk, rating)
    assert refused.value.field == "rating"
    after = wo.get_order(order.id)
    assert (after.status, after.rating, after.version) == ("resolved", None, order.version)


def test_an_unhappy_owner_reopens_in_one_step(mw):
    w = mw
    order = wo.record_callback(_resolved(w).id, w.desk, 1, "还在滴水", reopen_if_unhappy=True)
    assert order.status == "in_progress" and order.rating == 1
    assert [h.action for h in history_rows(order.id)][-2:] == ["callback", "reopen"]
    assert "还在滴水" in history_rows(order.id)[-1].note
    happy = wo.record_callback(_resolved(w).id, w.desk, 4, reopen_if_unhappy=True)
    assert happy.status == "visited"


def test_merge_keeps_the_pointer_and_the_history(mw):
    w = mw
    target, dup = new(w, title="3号楼漏水"), new(w, title="楼上漏水")
    wo.assign(dup.id, w.tech, w.desk)
    merged = wo.merge(dup.id, target.id, w.sup)
    assert merged.status == "cancelled" and merged.merged_into == target.number
    assert [h.action for h in history_rows(dup.id)] == ["create", "assign", "merge"]
    assert target.number in history_rows(dup.id)[-1].note
    assert history_rows(target.id)[-1].action == "merge"
    assert dup.number in history_rows(target.id)[-1].note
    assert (dup.id, dup.number, "楼上漏水", "cancelled") in wo.linked_orders(target.id)
    assert WorkOrder.get_by_id(dup.id).merged_into_id == target.id


def test_merge_refuses_itself_a_closed_order_and_a_merged_one(mw):
    w = mw
    a, b = new(w), new(w)
    with pytest.raises(ValidationError):
        wo.merge(a.id, a.id, w.sup)
    closed = wo.close(_resolved(w).id, w.desk)
    with pytest.raises(ValidationError) as refused:
        wo.merge(a.id, closed.id, w.sup)
    assert closed.number in str(refused.value)
    wo.merge(b.id, a.id, w.sup)
    with pytest.raises(ValidationError):
        wo.merge(a.id, b.id, w.sup)  # b is merged (cancelled) now
    assert wo.get_order(a.id).status == "new"


def test_link(mw):
    w = mw
    a, b = new(w), new(w)
    wo.link(a.id, b.id, w.desk)
    assert [x[0] for x in wo.linked_orders(a.id)] == [b.id]
    assert [x[0] for x in wo.linked_orders(b.id)] == [a.id]
    assert history_rows(a.id)[-1].action == "link" and b.number in history_rows(a.id)[-1].note
    assert a.number in history_rows(b.id)[-1].note
    with pytest.raises(ValidationError):
        wo.link(b.id, a.id, w.desk)  # already linked, either way round
    with pytest.raises(ValidationError):
        wo.link(a.id, a.id, w.desk)
    with pytest.raises(NotFoundError):
        wo.link(a.id, 99999, w.desk)


def test_cost_lines(mw):
    w = mw
    order = new(w)
    wo.add_cost(order.id, w.tech, "material", "角阀", "2", "12.5", "owner")
    wo.add_cost(order.id, w.tech, "labour", "人工", Decimal("1.5"), Decimal("80"), "company")
    wo.add_cost(order.id, w.tech, "material", "生料带", "1", "¥3.333", "owner")
    lines = wo.costs(order.id)
    assert [(c.kind, c.description, c.amount, c.payer) for c in lines] == [
        ("material", "角阀", Decimal("25.00"), "owner"),
        ("labour", "人工", Decimal("120.00"), "company"),
        ("material", "生料带", Decimal("3.33"), "owner"),
    ]
    assert all(isinstance(c.quantity, Decimal) and isinstance(c.unit_price, Decimal) for c in lines)
    assert history_rows(order.id)[-1].action == "cost"


@pytest.mark.parametrize(
    ("kind", "description", "quantity", "price", "payer", "field"),
    [
        ("tools", "扳手", "1", "1", "owner", "kind"),
        ("material", "角阀", "1", "1", "tenant", "payer"),
        ("material", " ", "1", "1", "owner", "description"),
        ("material", "角阀\x1b[2J", "1", "1", "owner", "description"),
        ("material", "角阀", "0", "1", "owner", "quantity"),
        ("material", "角阀", "-2", "1", "owner", "quantity"),
        ("material", "角阀", "两个", "1", "owner", "quantity"),
        ("material", "角阀", "1", "-5", "owner", "unit_price"),
        ("material", "角阀", "1", "NaN", "owner", "unit_price"),
        ("material", "角阀", "1", "Infinity", "owner", "unit_price"),
        ("material", "角阀", "1", "123456789", "owner", "unit_price"),
    ],
)
def test_cost_line_validation(mw, kind, description, quantity, price, payer, field):
    w = mw
    order = new(w)
    with pytest.raises(ValidationError) as refused:
        wo.add_cost(order.id, w.tech, kind, description, quantity, price, payer)
    assert refused.value.field == field and refused.value.message
    assert CostLine.select().where(CostLine.work_order == order.id).count() == 0
    assert len(history_rows(order.id)) == 1


# --- versions and bad input ------------------------------------------------------------------


def test_a_stale_version_is_a_conflict_and_changes_nothing(mw):
    w = mw
    order = wo.assign(new(w).id, w.tech, w.desk)  # version 2
    calls = [
        lambda: wo.start(order.id, w.tech, expected_version=1),
        lambda: wo.assign(order.id, w.tech2, w.sup, reason="换人", expected_version=1),
        lambda: wo.cancel(order.id, w.sup, "重复", expected_version=1),
        lambda: wo.add_note(order.id, w.desk, "业主来电催", expected_version=1),
        lambda: wo.set_priority(order.id, "urgent", w.desk, expected_version=1),
    ]
    for call in calls:
        with pytest.raises(wo.ConflictError) as conflict:
            call()
        assert conflict.value.current_version == 2
        assert order.number in str(conflict.value)
    after = wo.get_order(order.id)
    assert (after.status, after.version, after.assignee_id, after.priority) == (
        "assigned", 2, w.tech, "normal")
    assert len(history_rows(order.id)) == 2
    assert wo.start(order.id, w.tech, expected_version=2).version == 3


def test_notes_refuse_control_characters(mw):
    w = mw
    order = wo.start(new(w).id, w.tech)
    for bad in ("等\x1b[31m配件", "响铃\x07", "\x00"):
        with pytest.raises(ValidationError) as refused:
            wo.hold(order.id, w.tech, bad)
        assert "U+00" in refused.value.message
        with pytest.raises(ValidationError):
            wo.add_note(order.id, w.tech, bad)
    assert wo.get_order(order.id).version == order.version
    assert len(history_rows(order.id)) == 2
    note = wo.add_note(order.id, w.tech, "第一行\n\t第二行 [red]不是标记[/red]")
    assert history_rows(note.id)[-1].note == "第一行\n\t第二行 [red]不是标记[/red]"


def test_new_order_validation(w):
    base = dict(kind="repair", title="漏水", community_id=w.community_id, room_id=w.room_id)
    for changes, field in [
        ({"kind": "wish"}, "kind"), ({"priority": "asap"}, "priority"),
        ({"channel": "pigeon"}, "channel"), ({"title": "", "description": ""}, "title"),
        ({"title": "漏\x1b水"}, "title"), ({"room_id": None}, "room"),
    ]:
        with pytest.raises(ValidationError) as refused:
            wo.create_order(wo.OrderInput(**{**base, **changes}), w.desk)
        assert refused.value.field == field
    other = f.community("阳光水岸")
    with pytest.raises(ValidationError):
        wo.create_order(wo.OrderInput(**{**base, "community_id": other.id}), w.desk)
    assert WorkOrder.select().count() == 0
    public = wo.create_order(wo.OrderInput(**{**base, "room_id": None, "location": "2号楼电梯"}), w.desk)
    assert public.location == "2号楼电梯" and public.building_id is None

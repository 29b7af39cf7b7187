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


def _slow_statement(seconds: float) -> None:
    """A statement that runs `seconds` or more on either database."""
    from data.db import db, is_sqlite

    if is_sqlite():  # counts to a number the progress handler never lets it reach
        db.execute_sql("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
                       "WHERE x < 1000000000) SELECT count(*) FROM n").fetchone()
    else:
        db.execute_sql("SELECT pg_sleep(%s)", (seconds,)).fetchone()


def test_the_first_read_is_given_up_when_slow_and_the_connection_reads_on(database, monkeypatch):
    """The home screen's first read on the UI thread (home_first): the counts and the list
    when quick; None when slower than it is given, stopped at once, and the same connection
    reads on afterwards (no handler or transaction left behind)."""
    import time

    me, comm = f.staff("desk1"), f.community()
    f.work_order(me, comm, title="楼道灯不亮")
    counts, rows = overview.home_first(me.id, "new_orders", within_s=5)
    assert counts.new_orders == 1 and [r.title for r in rows] == ["楼道灯不亮"]

    quick = overview.home_counts
    monkeypatch.setattr(overview, "home_counts",
                        lambda staff_id, at=None: _slow_statement(3) or quick(staff_id, at))
    started = time.monotonic()
    assert overview.home_first(me.id, "new_orders", within_s=0.1) is None
    assert time.monotonic() - started < 2  # stopped at its time, not after 3 s (or hours)
    # A database error (a table gone, a server restarted): None too — the worker's read meets
    # it again after the first paint; the app does not fail before its first screen.
    from peewee import OperationalError

    def broken(staff_id, at=None):
        raise OperationalError("no such table: work_order")

    monkeypatch.setattr(overview, "home_counts", broken)
    assert overview.home_first(me.id, "new_orders", within_s=5) is None
    monkeypatch.undo()
    f.work_order(me, comm, title="厨房水管漏水")  # a write on the same connection works
    counts, rows = overview.home_first(me.id, "new_orders", within_s=5)
    assert counts.new_orders == 2 and len(rows) == 2


def test_the_first_read_waits_for_a_lock_no_longer_than_it_is_given(database):
    """A lock held by another connection (PostgreSQL: a table locked by a migration; SQLite:
    the busy timeout is the read's time while it runs, the usual one after): the UI thread's
    first read gives up within its time — a worker reads after the first paint, waiting as
    long as reads do."""
    import time

    from data.db import BUSY_TIMEOUT_S, db, is_sqlite, time_limited_read

    me = f.staff("desk1")
    if is_sqlite():
        with time_limited_read(0.2):
            assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 200
        assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_S * 1000
        return
    import psycopg2

    other = psycopg2.connect(dbname=db.database, **db.connect_params)
    try:
        other.cursor().execute("LOCK TABLE work_order IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        assert overview.home_first(me.id, "new_orders", within_s=0.2) is None
        assert time.monotonic() - started < 2
    finally:
        other.rollback()
        other.close()
    counts, _rows = overview.home_first(me.id, "new_orders", within_s=5)
    assert counts.new_orders == 0


def test_no_statement_starts_past_the_first_reads_deadline(database):
    """The limit holds over the read's many statements (each a round trip to a distant
    server), not only for each: past the deadline the next statement is not started, and the
    connection reads and writes on afterwards, no transaction left open."""
    import time

    import pytest

    from data.db import ReadTooSlow, db, time_limited_read

    me = f.staff("desk1")
    with pytest.raises(ReadTooSlow), time_limited_read(0.05):
        db.execute_sql("SELECT 1").fetchone()
        time.sleep(0.1)  # a slow link: the deadline passes between two statements
        db.execute_sql("SELECT 2").fetchone()
    assert not db.in_transaction()
    f.work_order(me, f.community(), title="楼道灯不亮")
    counts, _rows = overview.home_first(me.id, "new_orders", within_s=5)
    assert counts.new_orders == 1


def test_the_overdue_list_shows_the_deadline_that_is_late(database):
    """An order nobody responded to by its response deadline is late though its resolution is
    days away: the list shows (and orders by) the response deadline; a responded order shows
    its resolution deadline."""
    me, comm = f.staff("desk1"), f.community()
    unanswered = f.work_order(me, comm, status="new", title="保安脱岗",
                              response_due=NOW - dt.timedelta(days=3), resolution_due=NOW + dt.timedelta(days=3))
    late = f.work_order(me, comm, status="assigned", title="电梯异响",
                        resolution_due=NOW - dt.timedelta(hours=1))
    rows = overview.overdue_orders(NOW)
    assert [(r.number, r.due) for r in rows] == [
        (unanswered.number, NOW - dt.timedelta(days=3)), (late.number, NOW - dt.timedelta(hours=1))]

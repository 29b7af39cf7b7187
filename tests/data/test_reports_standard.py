"""The standard reports (issue 20): every figure against hand-computed values on a small
constructed database, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from data import access
from data.errors import PermissionDenied, ValidationError
from data.models import Call, Category, Setting, WorkOrder
from data.reports import parse_period, parse_scope, run_report
from tests import factories as f

AT = dt.datetime(2027, 2, 10, 12, 0)
JAN = parse_period("month:2027-01")


def D(day: str, hm: str = "08:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day} {hm}")


@pytest.fixture
def estate(database):
    """Seven orders (see the module of data.reports.workorders for the definitions):

    o6 (Dec, room 1, 水电, 2 h, on time) is the earlier order that makes o1 a 返修;
    o1 (Jan 3, room 1, 水电, tech1): on time, 4 h, rated 5;
    o2 (Jan 20, room 1, 水电, tech1): both late, 26 h, rated 3 (a 返修 of o1);
    o3 (Jan 10, room 2, 门窗, tech2): never answered, not done (both deadlines missed);
    o4 (Jan 15, room 2, 水电, tech2): on time, 10 h, no callback;
    o5 (Jan 25, room 1, 水电): cancelled, left out.
    """
    comm = f.community("锦绣花园", code="JX")
    r1 = f.room(comm, building="1", entrance="1", number="101")
    r2 = f.room(comm, building="2", entrance="1", number="101")
    desk = f.staff("desk1")
    t1 = f.staff("tech1", "张工", "tech")
    t2 = f.staff("tech2", "王工", "tech")
    boss = f.staff("super1", "赵主管", "supervisor")
    water = Category.create(code="T_WATER", name="水电测试")
    door = Category.create(code="T_DOOR", name="门窗测试")
    n = iter(range(1, 100))

    def order(room, cat, tech, created, *, status="visited", responded=None, resolved=None,
              rating=None, callback=False, resp_h=1, res_h=24):
        return WorkOrder.create(
            number=f"BX-T-{next(n):04d}", kind="repair", title="测试", community=comm, room=room,
            building=room.building, category=cat, assignee=tech, created_by=desk, status=status,
            created_at=created, response_due=created + dt.timedelta(hours=resp_h),
            resolution_due=created + dt.timedelta(hours=res_h), responded_at=responded,
            resolved_at=resolved, rating=rating,
            callback_at=(resolved + dt.timedelta(days=1)) if callback else None)

    order(r1, water, t1, D("2026-12-28"), responded=D("2026-12-28", "08:20"),
          resolved=D("2026-12-28", "10:00"))
    order(r1, water, t1, D("2027-01-03"), responded=D("2027-01-03", "08:30"),
          resolved=D("2027-01-03", "12:00"), rating=5, callback=True)
    order(r1, water, t1, D("2027-01-20"), responded=D("2027-01-20", "10:00"),
          resolved=D("2027-01-21", "10:00"), rating=3, callback=True)
    order(r2, door, t2, D("2027-01-10"), status="in_progress")
    order(r2, water, t2, D("2027-01-15"), status="resolved", responded=D("2027-01-15", "08:10"),
          resolved=D("2027-01-15", "18:00"))
    order(r1, water, None, D("2027-01-25"), status="cancelled")
    access.act_as(boss)
    return {"comm": comm, "r2": r2, "t2": t2, "door": door, "order": order}


def _row(report, name):
    [row] = [r for r in report.rows if r[0] == name]
    return dict(zip([c.key for c in report.columns], row, strict=True))


def _dict(report, row):
    return dict(zip([c.key for c in report.columns], row, strict=True))


def test_orders_by_category(estate):
    rep = run_report("orders-category", JAN, parse_scope(), at=AT)
    water = _row(rep, "水电测试")
    assert water["count"] == 3
    assert water["response_on_time"] == pytest.approx(2 / 3)  # o1, o4 of o1, o2, o4
    assert water["resolution_on_time"] == pytest.approx(2 / 3)
    assert water["median_hours"] == pytest.approx(10.0)  # 4, 10, 26
    assert water["repeat_rate"] == pytest.approx(2 / 3)  # o1 (after December's o6) and o2
    assert water["satisfaction_rate"] == pytest.approx(0.5)  # 5 and 3
    assert water["callback_rate"] == pytest.approx(2 / 3)  # o1, o2 of three completed
    door = _row(rep, "门窗测试")
    assert (door["count"], door["response_on_time"], door["resolution_on_time"]) == (1, 0.0, 0.0)
    assert (door["median_hours"], door["satisfaction_rate"], door["callback_rate"]) == (None, None, None)
    assert door["repeat_rate"] == 0.0
    total = _dict(rep, rep.totals)
    assert total["count"] == 4
    assert (total["response_on_time"], total["resolution_on_time"]) == (0.5, 0.5)
    assert total["median_hours"] == pytest.approx(10.0)
    assert (total["repeat_rate"], total["satisfaction_rate"]) == (0.5, 0.5)
    assert total["callback_rate"] == pytest.approx(2 / 3)
    prev = _dict(rep, rep.previous)  # December: o6 alone
    assert prev["count"] == 1 and prev["median_hours"] == pytest.approx(2.0)
    assert (prev["response_on_time"], prev["resolution_on_time"], prev["callback_rate"]) == (1.0, 1.0, 0.0)
    lines = {s.key: s for s in rep.summary}
    assert lines["callback_rate"].value == pytest.approx(2 / 3)
    assert "80" in lines["callback_rate"].note  # below the promised 80 %
    assert lines["mean_rating"].value == pytest.approx(4.0)
    assert rep.as_json()["totals"]["count"] == 4


def test_callback_promise_setting(estate):
    Setting.create(key="callback_promise", value="60")
    rep = run_report("orders-category", JAN, parse_scope(), at=AT)
    note = {s.key: s for s in rep.summary}["callback_rate"].note
    assert "60" in note


def test_orders_by_technician_and_building(estate):
    rep = run_report("orders-technician", JAN, parse_scope(), at=AT)
    t1, t2 = _row(rep, "张工"), _row(rep, "王工")
    assert t1["count"] == 2 and t1["median_hours"] == pytest.approx(15.0)  # (4 + 26) / 2
    assert t1["response_on_time"] == 0.5 and t1["satisfaction_rate"] == 0.5
    assert t2["count"] == 2 and t2["median_hours"] == pytest.approx(10.0)
    assert t2["response_on_time"] == 0.5 and t2["callback_rate"] == 0.0
    rep = run_report("orders-building", JAN, parse_scope(), at=AT)
    assert {r[0]: r[1] for r in rep.rows} == {"锦绣花园 1": 2, "锦绣花园 2": 2}
    one = run_report("orders-category", JAN, parse_scope("JX", "1"), at=AT)
    assert _dict(one, one.totals)["count"] == 2
    assert [r[0] for r in one.rows] == ["水电测试"]
    assert _dict(one, one.totals)["repeat_rate"] == 1.0


def test_staff_report_flags_three_missed(estate):
    rep = run_report("staff", JAN, parse_scope(), at=AT)
    t1, t2 = _row(rep, "张工"), _row(rep, "王工")
    assert (t1["orders"], t1["resolved"], t1["rated"], t1["mean_rating"], t1["missed"], t1["flagged"]) == (
        2, 2, 2, 4.0, 2, "")  # o2 answered late and done late
    assert (t2["orders"], t2["resolved"], t2["missed"], t2["flagged"]) == (2, 1, 2, "")  # o3 both
    # A fourth order for tech2 never answered: four misses in January, flagged.
    estate["order"](estate["r2"], estate["door"], estate["t2"], D("2027-01-28"), status="assigned")
    rep = run_report("staff", JAN, parse_scope(), at=AT)
    t2 = _row(rep, "王工")
    assert t2["missed"] == 4 and t2["flagged"] == "是"
    assert rep.rows[0][0] == "王工"  # the flagged first
    assert {s.key: s.value for s in rep.summary}["flagged"] == 1


def test_calls_report(estate):
    desk = access.current()
    mk = dict(staff=desk.id, number="13800138000")
    Call.create(direction="in", started_at=D("2027-01-05", "09:10"), outcome="", duration_s=60, **mk)
    Call.create(direction="in", started_at=D("2027-01-05", "09:40"), outcome="missed", **mk)
    Call.create(direction="out", started_at=D("2027-01-06", "14:00"), outcome="", duration_s=30,
                callback_due=D("2027-01-06", "18:00"), callback_done_at=D("2027-01-06", "17:00"), **mk)
    Call.create(direction="in", started_at=D("2027-01-07", "14:05"), outcome="",
                callback_due=D("2027-01-07", "18:00"), **mk)  # never called back
    Call.create(direction="in", started_at=D("2026-12-07", "14:05"), outcome="", **mk)
    rep = run_report("calls", JAN, parse_scope(), at=AT)
    assert len(rep.rows) == 31
    assert rep.rows[4] == ("2027-01-05", 2, 2, 0)
    assert rep.totals[1:] == (4, 3, 1) and rep.previous[1:] == (1, 1, 0)
    lines = {s.key: s for s in rep.summary}
    assert lines["answered_rate"].value == pytest.approx(3 / 4)  # the missed call counts
    assert lines["callbacks_kept"].value == pytest.approx(1 / 2)
    hours = run_report("calls-hours", JAN, parse_scope(), at=AT)
    assert {r[0]: r[1] for r in hours.rows if r[1]} == {"09:00": 2, "14:00": 2}
    assert hours.totals[1:] == (4, 1)


def test_other_reports_run_on_an_empty_estate(estate):
    for name in ("fees", "fees-ageing", "leads", "surveys"):
        rep = run_report(name, JAN, parse_scope("JX"), at=AT)
        assert rep.title and rep.columns


def test_refusals(estate):
    access.act_as(f.staff("desk9", role="desk"))
    with pytest.raises(PermissionDenied):
        run_report("orders-category", JAN, parse_scope(), at=AT)
    access.act_as(None)
    with pytest.raises(ValidationError, match="orders-category"):
        run_report("nope", JAN, parse_scope(), at=AT)

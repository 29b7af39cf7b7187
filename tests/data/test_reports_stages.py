"""The service stage report (阶段报告, issue 20 item 1) on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from data import access
from data.errors import NotFoundError, PermissionDenied
from data.i18n import _
from data.models import WorkOrder, WorkOrderHistory
from data.reports.stages import open_stages, stage_report
from tests import factories as f
from tests.data.test_reports_standard import D, estate  # noqa: F401 - the fixture

AT = dt.datetime(2027, 1, 10, 18, 0)


@pytest.fixture
def door_history(estate):  # noqa: F811
    """Two earlier 门窗 orders of room 2 (10 h rated 4, then 30 h rated 2, a 返修), and o3's
    history: created 08:00, assigned 09:00, started 12:00."""
    o = estate["order"]
    o(estate["r2"], estate["door"], estate["t2"], D("2026-12-01"), resolved=D("2026-12-01", "18:00"), rating=4)
    o(estate["r2"], estate["door"], estate["t2"], D("2026-12-20"), resolved=D("2026-12-21", "14:00"), rating=2)
    o3 = WorkOrder.get(WorkOrder.number == "BX-T-0004")
    for when, frm, to in (("09:00", "new", "assigned"), ("12:00", "assigned", "in_progress")):
        WorkOrderHistory.create(work_order=o3, at=D("2027-01-10", when), action="x", from_status=frm, to_status=to)
    WorkOrderHistory.create(work_order=o3, at=D("2027-01-10", "12:30"), action="note")  # no status change
    return o3


def test_stage_report_of_an_open_order(door_history):
    view = stage_report(door_history.id, at=AT)
    assert view.status == "in_progress" and view.stage == _("In progress")
    assert [(s.status, s.hours) for s in view.spans] == [("new", 1.0), ("assigned", 3.0), ("in_progress", 6.0)]
    assert view.in_stage_hours == pytest.approx(6.0)
    assert view.elapsed_hours == pytest.approx(10.0)
    assert view.expected_total_hours == pytest.approx(20.0)  # median of 10 h and 30 h
    assert view.remaining_hours == pytest.approx(10.0)
    assert view.similar_closed == 2
    assert (view.building_orders, view.building_repeats) == (3, 2)
    assert view.building_mean_rating == pytest.approx(3.0)


def test_supervisors_list(door_history):
    rows = open_stages(at=AT)
    assert [(r.number, r.stage) for r in rows] == [("BX-T-0004", _("In progress"))]
    row = rows[0]
    assert row.in_stage_hours == pytest.approx(6.0) and row.remaining_hours == pytest.approx(10.0)
    assert not row.overdue
    assert open_stages(at=D("2027-01-12"))[0].overdue
    access.act_as(f.staff("desk9", role="desk"))
    with pytest.raises(PermissionDenied):
        open_stages(at=AT)


def test_unknown_order(estate):  # noqa: F811
    with pytest.raises(NotFoundError):
        stage_report(99999)

"""The service stage report (阶段报告, issue 20 item 1): for an open work order, the stage
it is in, the time it spent in each stage (from its status history), the time it likely
still needs (the median time to complete of the closed orders of its category and
priority over the last year), and the building's history of that category (mean rating,
返修 within 30 days); and a supervisor's list of open orders with their stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from data import access
from data.clock import now as clock_now
from data.errors import NotFoundError
from data.i18n import _
from data.models import WorkOrder, WorkOrderHistory
from data.reports.periods import Scope
from data.reports.workorders import _count_if, _hours_to_resolve, _repeat
from data.vocab import OPEN_STATUSES, WORK_ORDER_STATUSES

#: Closed orders older than this do not count towards the expected time (a bounded read).
HISTORY_DAYS = 365
#: Rows of the supervisor's list.
LIST_LIMIT = 200


@dataclass(frozen=True)
class StageSpan:
    """Time spent in one status, in hours (summed over every visit)."""

    status: str
    label: str
    hours: float


@dataclass(frozen=True)
class StageView:
    """The stage report of one work order."""

    order_id: int
    number: str
    status: str
    stage: str  # the status's label
    in_stage_hours: float
    spans: tuple[StageSpan, ...]
    elapsed_hours: float
    expected_total_hours: float | None  # median of like orders; None without any
    remaining_hours: float | None  # expected total − elapsed, at least 0
    similar_closed: int
    building_orders: int  # this category in this building over the last year
    building_mean_rating: float | None
    building_repeats: int  # 返修 among them

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class StageRow:
    """A line of the supervisor's list of open orders."""

    order_id: int
    number: str
    title: str
    stage: str
    in_stage_hours: float
    elapsed_hours: float
    remaining_hours: float | None
    overdue: bool


def _hours(delta: dt.timedelta) -> float:
    return max(0.0, delta.total_seconds() / 3600)


def expected_hours(category_id: int | None, priority: str, at: dt.datetime) -> tuple[float | None, int]:
    """(median hours to complete, how many) of the orders of this category and priority
    completed in the HISTORY_DAYS before `at` (the (category, resolved_at) index)."""
    from data.db import is_sqlite

    hours = _hours_to_resolve()
    where = (WorkOrder.resolved_at.is_null(False) & (WorkOrder.resolved_at >= at - dt.timedelta(days=HISTORY_DAYS))
             & (WorkOrder.resolved_at <= at) & (WorkOrder.priority == priority)
             & (WorkOrder.category.is_null() if category_id is None else WorkOrder.category == category_id))
    n = WorkOrder.select(fn.COUNT(WorkOrder.id)).where(where).scalar() or 0
    if not n:
        return None, 0
    if not is_sqlite():
        from peewee import SQL, NodeList

        median = NodeList((SQL("percentile_cont(0.5) WITHIN GROUP (ORDER BY"), hours, SQL(")")))
        value = WorkOrder.select(median).where(where).scalar()
        return (float(value) if value is not None else None), int(n)
    middle = [float(h) for (h,) in WorkOrder.select(hours).where(where).order_by(hours)
              .limit(2 - n % 2).offset((n - 1) // 2).tuples()]
    return (sum(middle) / len(middle) if middle else None), int(n)


def _spans(order: WorkOrder, at: dt.datetime) -> tuple[list[StageSpan], float]:
    """Hours per status from the order's history (creation opens 待派单), and the hours in
    the current status."""
    changes = [(order.created_at, "new")]
    for when, to in (WorkOrderHistory.select(WorkOrderHistory.at, WorkOrderHistory.to_status)
                     .where(WorkOrderHistory.work_order == order.id, WorkOrderHistory.to_status != "")
                     .order_by(WorkOrderHistory.at, WorkOrderHistory.id).limit(500).tuples()):
        if to != changes[-1][1]:
            changes.append((when, to))
    spent: dict[str, float] = {}
    for (start, status), (end, _next) in zip(changes, [*changes[1:], (at, "")], strict=True):
        spent[status] = spent.get(status, 0.0) + _hours(end - start)
    current = _hours(at - changes[-1][0]) if changes[-1][1] == order.status else 0.0
    order_of = list(WORK_ORDER_STATUSES)
    spans = [StageSpan(s, _(WORK_ORDER_STATUSES.get(s, s)), h)
             for s, h in sorted(spent.items(), key=lambda kv: order_of.index(kv[0]) if kv[0] in order_of else 99)]
    return spans, current


def stage_report(order_id: int, at: dt.datetime | None = None, *, staff_id: int | None = None) -> StageView:
    """The stage report of a work order (anyone who may see the order: a technician only
    their own and their territory's, data.territory)."""
    from data.territory import check_order_visible

    at = at or clock_now()
    order = WorkOrder.get_or_none(WorkOrder.id == order_id)
    if order is None:
        raise NotFoundError(_("There is no work order {id}.").format(id=order_id))
    check_order_visible(order, staff_id)
    spans, current = _spans(order, at)
    end = order.resolved_at if order.resolved_at and order.status not in OPEN_STATUSES else at
    elapsed = _hours(end - order.created_at)
    expected, similar = expected_hours(order.category_id, order.priority, at)
    remaining = max(0.0, expected - elapsed) if expected is not None and order.status in OPEN_STATUSES else None
    b_orders, b_rating, b_repeats = 0, None, 0
    if order.building_id is not None:
        since = at - dt.timedelta(days=HISTORY_DAYS)
        where = ((WorkOrder.building == order.building_id) & (WorkOrder.created_at >= since)
                 & (WorkOrder.status != "cancelled")
                 & (WorkOrder.category.is_null() if order.category_id is None
                    else WorkOrder.category == order.category_id))
        n, rated, total, repeats = WorkOrder.select(
            fn.COUNT(WorkOrder.id), _count_if(WorkOrder.rating.is_null(False)), fn.SUM(WorkOrder.rating),
            _count_if(WorkOrder.room.is_null(False) & _repeat())).where(where).tuples().first()
        b_orders, b_repeats = int(n or 0), int(repeats or 0)
        b_rating = int(total or 0) / int(rated) if rated else None
    return StageView(order.id, order.number, order.status, _(WORK_ORDER_STATUSES.get(order.status, order.status)),
                     current, tuple(spans), elapsed, expected, remaining, similar, b_orders, b_rating, b_repeats)


def open_stages(scope: Scope | None = None, *, at: dt.datetime | None = None,
                limit: int = LIST_LIMIT, staff_id: int | None = None) -> list[StageRow]:
    """The open orders of `scope` (most urgent deadline first, at most `limit`) with their
    stage, hours in it and expected remaining hours — a supervisor's list."""
    access.require("reports", staff_id)
    at = at or clock_now()
    scope = scope or Scope()
    where = WorkOrder.status.in_(OPEN_STATUSES)
    if scope.community_id is not None:
        where &= WorkOrder.community == scope.community_id
    if scope.building_id is not None:
        where &= WorkOrder.building == scope.building_id
    orders = list(WorkOrder.select().where(where)
                  .order_by(WorkOrder.resolution_due.is_null(), WorkOrder.resolution_due, WorkOrder.id)
                  .limit(max(1, min(limit, LIST_LIMIT))))
    medians: dict[tuple, float | None] = {}
    rows = []
    for o in orders:
        key = (o.category_id, o.priority)
        if key not in medians:
            medians[key] = expected_hours(o.category_id, o.priority, at)[0]
        last = (WorkOrderHistory.select(fn.MAX(WorkOrderHistory.at))
                .where(WorkOrderHistory.work_order == o.id, WorkOrderHistory.to_status == o.status).scalar())
        since = last if isinstance(last, dt.datetime) else o.created_at
        if isinstance(last, str):
            since = dt.datetime.fromisoformat(last)
        elapsed = _hours(at - o.created_at)
        expected = medians[key]
        rows.append(StageRow(o.id, o.number, o.title, _(WORK_ORDER_STATUSES.get(o.status, o.status)),
                             _hours(at - since), elapsed,
                             max(0.0, expected - elapsed) if expected is not None else None,
                             o.resolution_due is not None and o.resolution_due < at))
    return rows

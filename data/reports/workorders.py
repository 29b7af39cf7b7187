"""The work-order reports (by category, building, technician) and the staff report, as
SQL aggregates grouped on indexed columns: a period's orders are read through the
created_at index, counted and summed by the database, never loaded row by row.

Definitions (for orders created in the period, cancelled ones left out):
- 响应及时率: of the orders whose response deadline has passed or that were answered,
  those answered by the deadline; 完成及时率 the same for the resolution deadline;
- time to resolve: creation to completion, in hours (the median: PostgreSQL's
  percentile_cont; on SQLite one ordered, LIMIT 2 read per group);
- 返修率: of the repairs of a room with a category, those following another order of the
  same room and category created within the 30 days before;
- 满意率: of the 回访 with a rating, those rated 4 or 5;
- 回访率: of the completed orders, those called back — shown against the promised rate
  (setting ``callback_promise``, SPEC §11: 70 % to 90 %+).
"""

from __future__ import annotations

import datetime as dt

from peewee import SQL, Case, NodeList, fn

from data.clock import now as clock_now
from data.db import db, is_sqlite
from data.escalation import FLAG_AT, missed_deadlines
from data.i18n import _
from data.models import Building, Category, Community, Setting, Staff, WorkOrder
from data.reports.periods import Period, Scope
from data.reports.values import ReportColumn, SummaryLine

#: A repair of the same room and category within this many days is a 返修.
REPEAT_DAYS = 30
#: The promised 回访率 when the setting is not given (SPEC §11: 70 % to 90 %+).
DEFAULT_CALLBACK_PROMISE = 80
CALLBACK_PROMISE_SETTING = "callback_promise"

GROUPS = ("category", "building", "technician")


def callback_promise() -> int:
    """The promised 回访率 in percent (the `callback_promise` setting, default 80)."""
    row = Setting.get_or_none(Setting.key == CALLBACK_PROMISE_SETTING)
    try:
        value = int(row.value) if row is not None and row.value.strip() else DEFAULT_CALLBACK_PROMISE
    except ValueError:
        return DEFAULT_CALLBACK_PROMISE
    return value if 1 <= value <= 100 else DEFAULT_CALLBACK_PROMISE


def _count_if(cond):
    return fn.SUM(Case(None, ((cond, 1),), 0))


def _hours_to_resolve():
    """Creation to completion in hours, as each database computes it."""
    if is_sqlite():
        return (fn.julianday(WorkOrder.resolved_at) - fn.julianday(WorkOrder.created_at)) * 24.0
    return NodeList((SQL("EXTRACT(EPOCH FROM ("), WorkOrder.resolved_at, SQL("-"),
                     WorkOrder.created_at, SQL("))")), glue="") / 3600.0


def _where(period: Period, scope: Scope):
    where = ((WorkOrder.created_at >= period.since) & (WorkOrder.created_at < period.until)
             & (WorkOrder.status != "cancelled"))
    if scope.community_id is not None:
        where &= WorkOrder.community == scope.community_id
    if scope.building_id is not None:
        where &= WorkOrder.building == scope.building_id
    return where


def _repeat():
    """EXISTS an earlier, not cancelled order of the same room and category within
    REPEAT_DAYS before this one (the (room, created_at) index)."""
    Earlier = WorkOrder.alias("earlier")
    if is_sqlite():
        window = fn.datetime(WorkOrder.created_at, f"-{REPEAT_DAYS} days")
    else:
        window = NodeList((WorkOrder.created_at, SQL(f"- INTERVAL '{REPEAT_DAYS} days'")))
    sub = (Earlier.select(SQL("1")).where(
        Earlier.room == WorkOrder.room, Earlier.category == WorkOrder.category,
        Earlier.id != WorkOrder.id, Earlier.status != "cancelled",
        Earlier.created_at <= WorkOrder.created_at, Earlier.created_at >= window))
    return fn.EXISTS(sub)


def _key(group: str | None):
    return {"category": WorkOrder.category, "building": WorkOrder.building,
            "technician": WorkOrder.assignee, None: None}[group]


def _measures(where, key, at: dt.datetime) -> dict[object, list]:
    """key value → [count, resp_counted, resp_ok, res_counted, res_ok, resolved,
    called_back, rated, satisfied, repairs, repeats, rating_sum] for the orders `where`."""
    resp_counted = WorkOrder.response_due.is_null(False) & (
        WorkOrder.responded_at.is_null(False) | (WorkOrder.response_due < at))
    res_counted = WorkOrder.resolution_due.is_null(False) & (
        WorkOrder.resolved_at.is_null(False) | (WorkOrder.resolution_due < at))
    repair = (WorkOrder.kind == "repair") & WorkOrder.room.is_null(False) & WorkOrder.category.is_null(False)
    fields = [
        fn.COUNT(WorkOrder.id),
        _count_if(resp_counted),
        _count_if(resp_counted & (WorkOrder.responded_at <= WorkOrder.response_due)),
        _count_if(res_counted),
        _count_if(res_counted & (WorkOrder.resolved_at <= WorkOrder.resolution_due)),
        _count_if(WorkOrder.resolved_at.is_null(False)),
        _count_if(WorkOrder.resolved_at.is_null(False) & WorkOrder.callback_at.is_null(False)),
        _count_if(WorkOrder.rating.is_null(False)),
        _count_if(WorkOrder.rating >= 4),
        _count_if(repair),
        _count_if(repair & _repeat()),
        fn.SUM(WorkOrder.rating),
    ]
    query = WorkOrder.select(*([key] if key is not None else []), *fields).where(where)
    if key is not None:
        query = query.group_by(key)
    out: dict[object, list] = {}
    for row in query.tuples():
        values = [int(v or 0) for v in (row[1:] if key is not None else row)]
        if key is None and values[0] == 0:
            continue
        out[row[0] if key is not None else None] = values
    return out


def _medians(where, key, counts: dict[object, int]) -> dict[object, float | None]:
    """The median hours to resolve per key value (None where nothing was resolved)."""
    hours = _hours_to_resolve()
    resolved = where & WorkOrder.resolved_at.is_null(False)
    if not is_sqlite():
        median = NodeList((SQL("percentile_cont(0.5) WITHIN GROUP (ORDER BY"), hours, SQL(")")))
        query = WorkOrder.select(*([key] if key is not None else []), median).where(resolved)
        if key is not None:
            query = query.group_by(key)
        out: dict[object, float | None] = {}
        for row in query.tuples():
            k, value = (row[0], row[1]) if key is not None else (None, row[0])
            out[k] = float(value) if value is not None else None
        return out
    # SQLite: every group's middle one or two in one ordered pass over the period's
    # completed orders (window functions), not one ordered read per group.
    rank = fn.ROW_NUMBER().over(partition_by=[key] if key is not None else None, order_by=[hours])
    size = fn.COUNT(WorkOrder.id).over(partition_by=[key] if key is not None else None)
    inner = WorkOrder.select((key if key is not None else SQL("NULL")).alias("k"), hours.alias("h"),
                             rank.alias("rn"), size.alias("cnt")).where(resolved)
    sql, params = inner.sql()
    found = {k: float(h) for k, h in db.execute_sql(
        f"SELECT k, AVG(h) FROM ({sql}) WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2) GROUP BY k", params).fetchall()
        if h is not None}
    return {k: (found.get(k) if n > 0 else None) for k, n in counts.items()}


def _group_and_total_medians(where, key, counts: dict[object, int]) -> tuple[dict[object, float | None], float | None]:
    """`_medians` per key value and of all the orders `where`: on SQLite in one ordered pass
    (each row's rank in its group and overall; the middle one or two of each read back)."""
    total = sum(counts.values())
    if not is_sqlite():
        return _medians(where, key, counts), _medians(where, None, {None: total})[None]
    hours = _hours_to_resolve()
    inner = WorkOrder.select(
        key.alias("k"), hours.alias("h"),
        fn.ROW_NUMBER().over(partition_by=[key], order_by=[hours]).alias("rn"),
        fn.COUNT(WorkOrder.id).over(partition_by=[key]).alias("cnt"),
        fn.ROW_NUMBER().over(order_by=[hours]).alias("rn_all"),
        fn.COUNT(WorkOrder.id).over().alias("cnt_all"),
    ).where(where & WorkOrder.resolved_at.is_null(False))
    sql, params = inner.sql()
    group_middle: dict[object, list[float]] = {}
    total_middle: list[float] = []
    for k, h, in_group, in_total in db.execute_sql(
            f"SELECT k, h, rn IN ((cnt + 1) / 2, (cnt + 2) / 2), rn_all IN ((cnt_all + 1) / 2, (cnt_all + 2) / 2) "
            f"FROM ({sql}) WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2) "
            "OR rn_all IN ((cnt_all + 1) / 2, (cnt_all + 2) / 2)", params).fetchall():
        if h is None:
            continue
        if in_group:
            group_middle.setdefault(k, []).append(float(h))
        if in_total:
            total_middle.append(float(h))
    found = {k: sum(v) / len(v) for k, v in group_middle.items()}
    return ({k: (found.get(k) if n > 0 else None) for k, n in counts.items()},
            (sum(total_middle) / len(total_middle)) if total and total_middle else None)


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def _figures(m: list, median: float | None) -> tuple:
    count, resp_n, resp_ok, res_n, res_ok, resolved, called, rated, satisfied, repairs, repeats, _s = m
    return (count, _rate(resp_ok, resp_n), _rate(res_ok, res_n), median, _rate(repeats, repairs),
            _rate(satisfied, rated), _rate(called, resolved))


def _names(group: str, ids: list) -> dict[object, str]:
    ids = [i for i in ids if i is not None] or [0]
    if group == "category":
        return dict(Category.select(Category.id, Category.name).where(Category.id.in_(ids)).tuples())
    if group == "technician":
        return dict(Staff.select(Staff.id, Staff.name).where(Staff.id.in_(ids)).tuples())
    return {b: (f"{c} {n or code}" if c else (n or code)) for b, code, n, c in
            Building.select(Building.id, Building.code, Building.name, Community.name)
            .join(Community).where(Building.id.in_(ids)).tuples()}


def _totals(period: Period, scope: Scope, at: dt.datetime) -> tuple[tuple | None, list | None]:
    where = _where(period, scope)
    m = _measures(where, None, at).get(None)
    if m is None:
        return None, None
    median = _medians(where, None, {None: m[5]})[None]
    return _figures(m, median), m


WO_COLUMNS = ("count", "response_on_time", "resolution_on_time", "median_hours", "repeat_rate",
              "satisfaction_rate", "callback_rate")


def order_columns(group: str) -> tuple[ReportColumn, ...]:
    heading = {"category": _("Category"), "building": _("Building"), "technician": _("Repair technician")}[group]
    return (ReportColumn(group, heading, "text"), ReportColumn("count", _("Orders")),
            ReportColumn("response_on_time", _("Response on time"), "rate"),
            ReportColumn("resolution_on_time", _("Done on time"), "rate"),
            ReportColumn("median_hours", _("Median hours"), "hours"),
            ReportColumn("repeat_rate", _("Repeat repairs"), "rate"),
            ReportColumn("satisfaction_rate", _("Satisfied"), "rate"),
            ReportColumn("callback_rate", _("Called back"), "rate"))


def order_report_parts(group: str, period: Period, scope: Scope, at: dt.datetime | None = None):
    """(columns, rows, totals, previous totals, summary) of the work orders of `period` in
    `scope` grouped by category, building or technician (busiest first)."""
    at = at or clock_now()
    where = _where(period, scope)
    key = _key(group)
    groups = _measures(where, key, at)
    medians, total_median = _group_and_total_medians(where, key, {k: m[5] for k, m in groups.items()})
    names = _names(group, list(groups))
    rows = [(names.get(k, "—") if k is not None else "—", *_figures(m, medians.get(k)))
            for k, m in groups.items()]
    rows.sort(key=lambda r: (-r[1], r[0]))
    # Every measure but the median adds up: the totals are the groups' sums (one pass fewer).
    tm = [sum(column) for column in zip(*groups.values(), strict=True)] if groups else None
    totals = _figures(tm, total_median) if tm else None
    previous, pm = _totals(period.previous(), scope, at)
    total_row = (_("Total"), *totals) if totals else None
    prev_row = (_("The previous period"), *previous) if previous else None
    promise = callback_promise()
    rate = total_row[7] if total_row else None
    below = rate is not None and rate * 100 < promise
    summary = (
        SummaryLine("callback_rate", _("Callback rate (回访率)"), rate, prev_row[7] if prev_row else None,
                    "rate", (_("below the promised {promise}%") if below else _("promised {promise}%"))
                    .format(promise=promise)),
        SummaryLine("satisfaction_rate", _("Satisfied (满意率)"), total_row[6] if total_row else None,
                    prev_row[6] if prev_row else None),
        SummaryLine("mean_rating", _("Mean rating"), (tm[11] / tm[7]) if tm and tm[7] else None,
                    (pm[11] / pm[7]) if pm and pm[7] else None, "number"),
    )
    return order_columns(group), tuple(rows), total_row, prev_row, summary


# --- staff -------------------------------------------------------------------------------------


def _missed(period: Period, at: dt.datetime) -> tuple[dict[int, int], set[int]]:
    """Missed deadlines per staff id over the months the period touches, and who was
    flagged (FLAG_AT or more in one month, SPEC §11)."""
    missed: dict[int, int] = {}
    flagged: set[int] = set()
    for month in period.months():
        year, mon = int(month[:4]), int(month[5:])
        for row in missed_deadlines(year, mon, at=at):
            missed[row.staff_id] = missed.get(row.staff_id, 0) + row.total
            if row.flagged:
                flagged.add(row.staff_id)
    return missed, flagged


def staff_columns() -> tuple[ReportColumn, ...]:
    return (ReportColumn("staff", _("Staff"), "text"), ReportColumn("orders", _("Orders")),
            ReportColumn("resolved", _("Completed")), ReportColumn("rated", _("Rated")),
            ReportColumn("mean_rating", _("Mean rating"), "number"),
            ReportColumn("missed", _("Missed deadlines")),
            ReportColumn("flagged", _("Flagged for review"), "text"))


def _staff_rows(period: Period, scope: Scope, at: dt.datetime) -> tuple[dict[int, tuple], int, int]:
    where = _where(period, scope) & WorkOrder.assignee.is_null(False)
    counts = {sid: (int(n or 0), int(r or 0), int(k or 0), int(s or 0)) for sid, n, r, k, s in
              WorkOrder.select(WorkOrder.assignee, fn.COUNT(WorkOrder.id),
                               _count_if(WorkOrder.resolved_at.is_null(False)),
                               _count_if(WorkOrder.rating.is_null(False)), fn.SUM(WorkOrder.rating))
              .where(where).group_by(WorkOrder.assignee).tuples()}
    missed, flagged = _missed(period, at)
    if not scope.everything:
        # Missed deadlines are the staff member's, wherever: shown for those working here.
        missed = {k: v for k, v in missed.items() if k in counts}
    return {sid: (*counts.get(sid, (0, 0, 0, 0)), missed.get(sid, 0), sid in flagged)
            for sid in set(counts) | set(missed)}, len(flagged), sum(missed.values())


def staff_report_parts(period: Period, scope: Scope, at: dt.datetime | None = None):
    """(columns, rows, totals, previous totals, summary) of the staff report."""
    at = at or clock_now()
    per, n_flagged, n_missed = _staff_rows(period, scope, at)
    names = _names("technician", list(per))
    rows = []
    for sid, (orders, resolved, rated, rating_sum, missed, flag) in per.items():
        rows.append((names.get(sid, "—"), orders, resolved, rated,
                     rating_sum / rated if rated else None, missed, _("yes") if flag else ""))
    rows.sort(key=lambda r: (r[6] == "", -r[5], -r[1], r[0]))

    def total(values: dict[int, tuple]) -> tuple:
        orders = sum(v[0] for v in values.values())
        rated = sum(v[2] for v in values.values())
        rating_sum = sum(v[3] for v in values.values())
        return (orders, sum(v[1] for v in values.values()), rated,
                rating_sum / rated if rated else None, sum(v[4] for v in values.values()),
                str(sum(1 for v in values.values() if v[5])))

    prev, p_flagged, p_missed = _staff_rows(period.previous(), scope, at)
    summary = (SummaryLine("flagged", _("Flagged (≥ {n} missed in a month)").format(n=FLAG_AT),
                           n_flagged, p_flagged, "int"),
               SummaryLine("missed", _("Missed deadlines"), n_missed, p_missed, "int"))
    return (staff_columns(), tuple(rows), (_("Total"), *total(per)) if per else None,
            (_("The previous period"), *total(prev)) if prev else None, summary)

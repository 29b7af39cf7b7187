"""The standard reports (issue 20): their names, and `run_report`, which checks the
permission once and builds a Report of a period and scope with the previous period's
figures. Work orders and staff are data.reports.workorders; calls, fees, leads and
surveys reuse the figures their own modules compute (data.calls.statistics,
data.fees.rates, data.leads.statistics, data.surveys.results)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from peewee import fn

from data import access
from data.clock import now as clock_now
from data.db import is_sqlite
from data.errors import ValidationError
from data.i18n import N_, _
from data.models import Bill, Call, Survey
from data.reports import workorders as wo
from data.reports.periods import Period, Scope
from data.reports.values import Report, ReportColumn, SummaryLine

Parts = tuple[tuple[ReportColumn, ...], tuple[tuple, ...], tuple | None, tuple | None, tuple[SummaryLine, ...]]


@dataclass(frozen=True)
class ReportKind:
    """A standard report: its name (CLI), title, and what builds it."""

    name: str
    title: str  # N_() text
    build: Callable[[Period, Scope, dt.datetime], Parts]
    chart: int = 1
    notes: tuple[str, ...] = ()


# --- calls ------------------------------------------------------------------------------------


def _calls_by_day(period: Period, scope: Scope, at: dt.datetime) -> Parts:
    from data.calls.statistics import call_stats

    place = dict(community_id=scope.community_id, building_id=scope.building_id)
    now_stats = call_stats(period.start, period.end, at=at, **place)
    before = call_stats(period.previous().start, period.previous().end, at=at, **place)
    columns = (ReportColumn("day", _("Day"), "text"), ReportColumn("calls", _("Calls")),
               ReportColumn("inbound", _("Inbound")), ReportColumn("outbound", _("Outbound")))
    rows = tuple((d.isoformat(), i + o, i, o) for d, i, o in now_stats.by_day)

    def total(s) -> tuple:
        return (_("Total"), s.total, s.inbound, s.outbound)

    summary = (
        SummaryLine("answered_rate", _("Answered (missed calls counted)"),
                    now_stats.answered_rate if now_stats.needed_answer else None,
                    before.answered_rate if before.needed_answer else None, "rate",
                    _("{answered} of {needed}").format(answered=now_stats.answered,
                                                       needed=now_stats.needed_answer)),
        SummaryLine("callbacks_kept", _("Callbacks kept on time"),
                    now_stats.callbacks_on_time_rate if now_stats.callbacks_due else None,
                    before.callbacks_on_time_rate if before.callbacks_due else None, "rate",
                    _("{kept} of {due}").format(kept=now_stats.callbacks_on_time, due=now_stats.callbacks_due)),
    )
    return columns, rows, total(now_stats), total(before), summary


def _hour():
    if is_sqlite():
        return fn.strftime("%H", Call.started_at)
    return fn.date_part("hour", Call.started_at)


def _calls_by_hour(period: Period, scope: Scope, at: dt.datetime) -> Parts:
    from data.calls.statistics import place_where

    def hours(p: Period) -> dict[int, int]:
        hour = _hour()
        where = (Call.started_at >= p.since) & (Call.started_at < p.until)
        place = place_where(p.start, p.end, scope.community_id, scope.building_id)
        if place is not None:
            where &= place
        return {int(h): int(n) for h, n in Call.select(hour, fn.COUNT(Call.id)).where(where)
                .group_by(hour).tuples()}

    now_h, before_h = hours(period), hours(period.previous())
    columns = (ReportColumn("hour", _("Hour"), "text"), ReportColumn("calls", _("Calls")),
               ReportColumn("previous", _("The previous period")))
    rows = tuple((f"{h:02d}:00", now_h.get(h, 0), before_h.get(h, 0)) for h in range(24))
    total = (_("Total"), sum(now_h.values()), sum(before_h.values()))
    return columns, rows, total, (_("The previous period"), sum(before_h.values()), None), ()


# --- fees -------------------------------------------------------------------------------------


def _fee_rates(period: Period, scope: Scope, at: dt.datetime) -> Parts:
    from data.fees.rates import collection_rates
    from data.models import Building

    building_code = ""
    if scope.building_id is not None:
        building_code = Building.get_by_id(scope.building_id).code

    def rates(p: Period) -> list:
        out = []
        for month in p.months():
            cutoff = min(p.end, at.date())
            month_end = dt.date(int(month[:4]), int(month[5:]), 1)
            if cutoff < month_end:
                continue  # a month not begun yet
            for r in collection_rates(month, community_id=scope.community_id, cutoff=cutoff,
                                      by_building=scope.community_id is not None):
                if scope.building_id is not None and r.building != building_code:
                    continue
                out.append(r)
        return out

    columns = (ReportColumn("month", _("Month"), "text"), ReportColumn("where", _("Community / building"), "text"),
               ReportColumn("billed", _("Billed"), "fen"), ReportColumn("collected", _("Money collected"), "fen"),
               ReportColumn("collection_rate", _("Collection rate (收缴率)"), "rate"),
               ReportColumn("arrears_start", _("Arrears at start"), "fen"),
               ReportColumn("arrears_collected", _("Arrears collected"), "fen"),
               ReportColumn("arrears_rate", _("Arrears rate (清欠率)"), "rate"))

    def row(r) -> tuple:
        # Fractions from the fen (RateRow's own rates are percentages, rounded).
        return (r.period, f"{r.community} {r.building}".strip(), r.billed_fen, r.collected_fen,
                _ratio(r.collected_fen, r.billed_fen), r.arrears_start_fen, r.arrears_collected_fen,
                _ratio(r.arrears_collected_fen, r.arrears_start_fen))

    def total(rs: list, first_month: str) -> tuple | None:
        # One line per month and place: the company's (or community's, building's) own lines.
        top = [r for r in rs if (not r.building) == (scope.building_id is None)]
        if not top:
            return None
        billed, coll = sum(r.billed_fen for r in top), sum(r.collected_fen for r in top)
        # 清欠率 of the whole period: the arrears at its start and what was collected on them
        # by the cut-off — the first month's line. A later month's line counts the same
        # payments again (its "earlier bills" include the period's first months).
        first = [r for r in top if r.period == first_month]
        start = sum(r.arrears_start_fen for r in first)
        back = sum(r.arrears_collected_fen for r in first)
        return (_("Total"), "", billed, coll, _ratio(coll, billed), start, back, _ratio(back, start))

    now_rows, before_rows = rates(period), rates(period.previous())
    return (columns, tuple(row(r) for r in now_rows), total(now_rows, period.months()[0]),
            total(before_rows, period.previous().months()[0]), ())


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


#: Arrears ageing buckets: (key, months old from, to) — as data.fees.arrears buckets them.
AGEING = (("0-3", 0, 2), ("3-6", 3, 5), ("6-12", 6, 11), ("12+", 12, None))


def _ageing(period: Period, scope: Scope, at: dt.datetime) -> Parts:
    """What is still unpaid now, by the age of its bill's period at the period's end."""
    from data.fees.deposits import refundable_items

    def buckets(p: Period) -> dict[str, list[int]]:
        end_month = p.end.year * 12 + p.end.month - 1
        where = (Bill.period <= f"{p.end:%Y-%m}") & Bill.item.not_in(refundable_items())
        if scope.community_id is not None:
            where &= Bill.community == scope.community_id
        if scope.building_id is not None:
            where &= Bill.building == scope.building_id
        due = Bill.amount_fen - Bill.paid_fen - Bill.waived_fen
        out = {key: [0, 0] for key, _a, _b in AGEING}
        for month, fen, rooms in (Bill.select(Bill.period, fn.SUM(due), fn.COUNT(fn.DISTINCT(Bill.room)))
                                  .where(where, due > 0).group_by(Bill.period).tuples()):
            age = end_month - (int(month[:4]) * 12 + int(month[5:7]) - 1)
            for key, low, high in AGEING:
                if age >= low and (high is None or age <= high):
                    out[key][0] += int(fen or 0)
                    out[key][1] += int(rooms or 0)
        return out

    now_b, before_b = buckets(period), buckets(period.previous())
    columns = (ReportColumn("age", _("Months overdue"), "text"), ReportColumn("due", _("Unpaid"), "fen"),
               ReportColumn("bills", _("Room-months")), ReportColumn("previous", _("The previous period"), "fen"))
    rows = tuple((key, now_b[key][0], now_b[key][1], before_b[key][0]) for key, _a, _b in AGEING)
    total = (_("Total"), sum(v[0] for v in now_b.values()), sum(v[1] for v in now_b.values()),
             sum(v[0] for v in before_b.values()))
    return columns, rows, total, None, ()


# --- leads and surveys -------------------------------------------------------------------------


def _leads(period: Period, scope: Scope, at: dt.datetime) -> Parts:
    from data.leads.statistics import funnel
    from data.leads.values import LEAD_SOURCES, LEAD_STAGES, PIPELINE
    from data.vocab import label

    def run(p: Period):
        return funnel("source", p.start, p.end, community_id=scope.community_id)

    columns = (ReportColumn("source", _("Source"), "text"), ReportColumn("leads", _("Leads")),
               *(ReportColumn(f"reached_{s}", _("Reached {stage}").format(stage=_(LEAD_STAGES[s])))
                 for s in PIPELINE[1:-1]),
               ReportColumn("won", _("Won")), ReportColumn("lost", _("Lost")),
               ReportColumn("win_rate", _("Won of leads"), "rate"))

    def row(key: str, r) -> tuple:
        return (key, r.total, *(r.reached.get(s, 0) for s in PIPELINE[1:-1]), r.won, r.lost,
                r.won / r.total if r.total else None)

    now_f, before_f = run(period), run(period.previous())
    return (columns, tuple(row(label(LEAD_SOURCES, r.key) if r.key else "—", r) for r in now_f.rows),
            row(_("Total"), now_f.total) if now_f.total.total else None,
            row(_("The previous period"), before_f.total) if before_f.total.total else None, ())


def _surveys(period: Period, scope: Scope, at: dt.datetime) -> Parts:
    from types import SimpleNamespace

    from data.models import Room, SurveyAnswer, SurveyHousehold
    from data.surveys.results import _index
    from data.surveys.results import _results as results

    def found(p: Period) -> list:
        where = (Survey.created_at >= p.since) & (Survey.created_at < p.until)
        if scope.community_id is not None:
            where &= Survey.community == scope.community_id
        return [results(sid) for (sid,) in Survey.select(Survey.id).where(where)
                .order_by(Survey.created_at, Survey.id).limit(200).tuples()]

    columns = (ReportColumn("survey", _("Survey"), "text"), ReportColumn("answered", _("Answered")),
               ReportColumn("households", _("Households")),
               ReportColumn("index", _("Satisfaction index"), "number"))

    def total(rs: list) -> tuple | None:
        scored = [(r.index, r.answered) for r in rs if r.index is not None and r.answered]
        weight = sum(n for _i, n in scored)
        if not rs:
            return None
        return (_("Total"), sum(r.answered for r in rs), sum(r.households for r in rs),
                sum(i * n for i, n in scored) / weight if weight else None)

    def in_building(p: Period) -> list:
        """A building's report: its households of each survey, the index of their answers."""
        where = (Survey.created_at >= p.since) & (Survey.created_at < p.until)
        where &= Survey.community == scope.community_id
        out = []
        for sid, name in (Survey.select(Survey.id, Survey.name).where(where)
                          .order_by(Survey.created_at, Survey.id).limit(200).tuples()):
            of = (SurveyHousehold.survey == sid) & (Room.building == scope.building_id)
            sample, answered = SurveyHousehold.select(
                fn.COUNT(SurveyHousehold.id), fn.COUNT(SurveyHousehold.answered_at)).join(Room).where(of) \
                .tuples().get()
            score, n = (SurveyAnswer.select(fn.SUM(SurveyAnswer.score), fn.COUNT(SurveyAnswer.score))
                        .join(SurveyHousehold).join(Room).where(of).tuples().get())
            if sample:
                out.append(SimpleNamespace(survey=SimpleNamespace(name=name), answered=int(answered or 0),
                                           households=int(sample), index=_index(score, n)))
        return out

    read = found if scope.building_id is None else in_building
    now_r, before_r = read(period), read(period.previous())
    rows = tuple((r.survey.name, r.answered, r.households, r.index) for r in now_r)
    return columns, rows, total(now_r), total(before_r), ()


# --- the list ----------------------------------------------------------------------------------


#: How the calls of a community or building are told apart (data.calls.statistics.place_where).
CALLS_PLACE = N_("A community's or building's calls: those about its work orders and those from people "
                 "living there; calls from unknown numbers count for the whole company only.")


def _orders(group: str) -> Callable[[Period, Scope, dt.datetime], Parts]:
    return lambda period, scope, at: wo.order_report_parts(group, period, scope, at)


REPORTS: dict[str, ReportKind] = {k.name: k for k in (
    ReportKind("orders-category", N_("Work orders by category"), _orders("category")),
    ReportKind("orders-building", N_("Work orders by building"), _orders("building")),
    ReportKind("orders-technician", N_("Work orders by technician"), _orders("technician")),
    ReportKind("staff", N_("Staff: orders, ratings, missed deadlines"),
               lambda p, s, at: wo.staff_report_parts(p, s, at), chart=5),
    ReportKind("calls", N_("Calls by day"), _calls_by_day, notes=(CALLS_PLACE,)),
    ReportKind("calls-hours", N_("Calls by hour"), _calls_by_hour, notes=(CALLS_PLACE,)),
    ReportKind("fees", N_("Fee collection (收缴率, 清欠率)"), _fee_rates, chart=4),
    ReportKind("fees-ageing", N_("Arrears ageing"), _ageing),
    ReportKind("leads", N_("Leads funnel"), _leads),
    ReportKind("surveys", N_("Surveys (satisfaction index)"), _surveys, chart=3),
)}


def report_names() -> list[tuple[str, str]]:
    """(name, translated title) of every standard report, in menu order."""
    return [(k.name, _(k.title)) for k in REPORTS.values()]


def run_report(name: str, period: Period, scope: Scope, *, at: dt.datetime | None = None,
               staff_id: int | None = None) -> Report:
    """Run the standard report `name` for `period` and `scope` (with the previous period's
    figures). Supervisors, managers, administrators and the service account (cron)."""
    access.require("report.run", staff_id)
    kind = REPORTS.get(name)
    if kind is None:
        raise ValidationError("report", _("There is no report “{name}”: use one of {names}.").format(
            name=name[:40], names=", ".join(REPORTS)))
    at = at or clock_now()
    actor = access.actor_for(staff_id)
    # Permission is checked above; the modules reused check their own actions (fees.view,
    # lead.manage, reports), which the service account does not hold: read as the system.
    with access.acting(None):
        columns, rows, totals, previous, summary = kind.build(period, scope, at)
    if previous is not None and columns[0].kind == "text":  # never a second "Total" line
        previous = (_("The previous period"), *previous[1:])
    return Report(name=kind.name, title=_(kind.title), period=period, scope=scope, columns=columns,
                  rows=rows, totals=totals, previous=previous, summary=summary,
                  notes=tuple(_(n) for n in kind.notes), chart=kind.chart,
                  generated_at=at, generated_by=actor.login if actor else "system")

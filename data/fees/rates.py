"""The rates a manager is judged by (SPEC §12), for a period as of a cut-off date (default:
the period's last day), per community and per building:

- 当期收缴率 = collected by the cut-off for the period's bills ÷ the period's bills (less
  what was waived on them by the cut-off);
- 清欠率 = collected between the period's first day and the cut-off on earlier periods'
  bills ÷ those bills' arrears at the period's start.

"Collected" counts every settlement: payments, prepaid balances used, and (negative) voids.
Refundable items (装修押金) are left out: money held is neither income nor arrears."""

from __future__ import annotations

import datetime as dt

from peewee import fn

from data import access
from data.clock import today
from data.errors import ValidationError
from data.fees.deposits import refundable_items
from data.fees.values import RateRow, add_months, parse_period, period_start
from data.i18n import _
from data.models import Allocation, Bill, Building, Community, Waiver


def _sums(query, key_fields) -> dict[tuple, int]:
    return {tuple(row[:-1]): int(row[-1] or 0) for row in query.group_by(*key_fields).tuples()}


def collection_rates(period: str, *, community_id: int | None = None, cutoff: dt.date | None = None,
                     by_building: bool = True, staff_id: int | None = None) -> list[RateRow]:
    """当期收缴率 and 清欠率 per community (building "") and, when `by_building`, per building."""
    access.require("fees.view", staff_id)
    period = parse_period(period)
    start = period_start(period)
    cutoff = cutoff or (add_months(start, 1) - dt.timedelta(days=1))
    if cutoff < start:
        raise ValidationError("cutoff", _("The cut-off date cannot be before the period starts."))
    until = dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time())
    since = dt.datetime.combine(start, dt.time())
    keys = (Bill.community, Bill.building)

    def scoped(query):
        # Deposits held (refundable items, data.fees.deposits) are neither billed income nor arrears.
        query = query.where(Bill.item.not_in(refundable_items()))
        return query.where(Bill.community == community_id) if community_id is not None else query

    billed = _sums(scoped(Bill.select(*keys, fn.SUM(Bill.amount_fen)).where(Bill.period == period)), keys)
    waived = _sums(scoped(Waiver.select(*keys, fn.SUM(Waiver.amount_fen)).join(Bill)
                          .where(Bill.period == period, Waiver.at < until)), keys)
    collected = _sums(scoped(Allocation.select(*keys, fn.SUM(Allocation.amount_fen)).join(Bill)
                             .where(Bill.period == period, Allocation.at < until)), keys)
    old_billed = _sums(scoped(Bill.select(*keys, fn.SUM(Bill.amount_fen)).where(Bill.period < period)), keys)
    old_paid = _sums(scoped(Allocation.select(*keys, fn.SUM(Allocation.amount_fen)).join(Bill)
                            .where(Bill.period < period, Allocation.at < since)), keys)
    old_waived = _sums(scoped(Waiver.select(*keys, fn.SUM(Waiver.amount_fen)).join(Bill)
                              .where(Bill.period < period, Waiver.at < since)), keys)
    old_collected = _sums(scoped(Allocation.select(*keys, fn.SUM(Allocation.amount_fen)).join(Bill)
                                 .where(Bill.period < period, Allocation.at >= since, Allocation.at < until)),
                          keys)
    groups = set(billed) | set(old_billed)
    names = dict(Community.select(Community.id, Community.name).tuples())
    bnames = dict(Building.select(Building.id, Building.code).where(
        Building.id.in_([b for _c, b in groups if b is not None] or [0])).tuples())
    totals: dict[tuple[int, int | None], list[int]] = {}

    def add(key, values):
        acc = totals.setdefault(key, [0, 0, 0, 0])
        for i, v in enumerate(values):
            acc[i] += v

    for key in groups:
        values = [billed.get(key, 0) - waived.get(key, 0), collected.get(key, 0),
                  old_billed.get(key, 0) - old_paid.get(key, 0) - old_waived.get(key, 0),
                  old_collected.get(key, 0)]
        add((key[0], None), values)
        if by_building and key[1] is not None:
            add(key, values)
    rows = [RateRow(names.get(c, ""), bnames.get(b, "") if b is not None else "", period, cutoff, *v)
            for (c, b), v in totals.items()]
    rows.sort(key=lambda r: (r.community, r.building != "", r.building))
    return rows


def monthly_rates(community_id: int, *, months: int = 12, last: str | None = None,
                  staff_id: int | None = None) -> list[RateRow]:
    """当期收缴率 and 清欠率 of one community for `months` months up to `last` (default the
    current month; each month as of its last day, or today for the current one), oldest
    first — one query set per month (the rates chart of the fees screen)."""
    access.require("fees.view", staff_id)
    if not 1 <= months <= 36:
        raise ValidationError("months", _("Give between 1 and 36 months."))
    current = today()
    end = period_start(parse_period(last)) if last else dt.date(current.year, current.month, 1)
    name = Community.select(Community.name).where(Community.id == community_id).scalar()
    if name is None:
        raise ValidationError("community", _("There is no community with id {id}.").format(id=community_id))
    out = []
    for i in range(months - 1, -1, -1):
        start = add_months(end, -i)
        period = start.strftime("%Y-%m")
        month_end = add_months(start, 1) - dt.timedelta(days=1)
        cutoff = min(month_end, current) if start <= current else month_end
        rows = [r for r in collection_rates(period, community_id=community_id, cutoff=cutoff, by_building=False,
                                            staff_id=staff_id) if not r.building]
        out.append(rows[0] if rows else RateRow(name, "", period, cutoff, 0, 0, 0, 0))
    return out

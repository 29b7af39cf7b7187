"""Funnel statistics of leads (issue 17 item 2), by source or by interest, for the leads
created in a period: how many are in each stage now, how many reached each stage of the
pipeline, the conversion rate won ÷ (won + lost), the median days the leads spent in each
stage they left, and why the lost ones were lost."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from data import access
from data.clock import now as clock_now
from data.errors import ValidationError
from data.i18n import _
from data.leads.values import LEAD_INTERESTS, LEAD_SOURCES, LEAD_STAGES, OPEN_STAGES, PIPELINE
from data.models import Lead, LeadEvent

#: The default period of the statistics, in days back from today.
STATS_DAYS = 365
#: What the statistics may be grouped by.
GROUPS = {"source": LEAD_SOURCES, "interest": LEAD_INTERESTS}


@dataclass(frozen=True)
class FunnelRow:
    """The funnel of one group (a source or an interest; "" for all leads)."""

    key: str
    total: int
    stages: dict[str, int]  # stage → leads in it now
    reached: dict[str, int]  # pipeline stage → leads that reached it (at any time)
    won: int
    lost: int
    median_days: dict[str, float | None]  # open stage → median days spent in it by those who left it
    lost_reasons: tuple[tuple[str, int], ...] = ()

    @property
    def conversion(self) -> float | None:
        """won ÷ (won + lost); None while no lead of the group has closed."""
        closed = self.won + self.lost
        return self.won / closed if closed else None

    def as_json(self) -> dict:
        return {
            "key": self.key or None, "total": self.total, "stages": self.stages,
            "reached": self.reached, "won": self.won, "lost": self.lost,
            "conversion": None if self.conversion is None else round(self.conversion, 4),
            "median_days": self.median_days, "lost_reasons": dict(self.lost_reasons),
        }


@dataclass(frozen=True)
class FunnelStats:
    """The funnels of a period: one row per group that has leads (in the vocabulary's
    order), and the total."""

    by: str
    since: dt.date
    until: dt.date
    rows: tuple[FunnelRow, ...]
    total: FunnelRow
    groups: tuple[str, ...] = field(default=())


@dataclass
class _Lead:
    key: str
    stage: str
    lost_reason: str
    created_at: dt.datetime
    visited: set[str] = field(default_factory=set)
    days: list[tuple[str, float]] = field(default_factory=list)  # (stage left, days in it)


def _days(a: dt.datetime, b: dt.datetime) -> float:
    return max(0.0, (b - a).total_seconds() / 86400)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _row(key: str, members: list[_Lead]) -> FunnelRow:
    stages = {code: 0 for code in LEAD_STAGES}
    reached = {code: 0 for code in PIPELINE}
    spent: dict[str, list[float]] = {code: [] for code in OPEN_STAGES}
    reasons: Counter[str] = Counter()
    for lead in members:
        stages[lead.stage] = stages.get(lead.stage, 0) + 1
        furthest = max(PIPELINE.index(s) for s in lead.visited if s in PIPELINE)
        for code in PIPELINE[: furthest + 1]:
            reached[code] += 1
        for stage, days in lead.days:
            spent[stage].append(days)
        if lead.stage == "lost":
            reasons[lead.lost_reason or "other"] += 1
    return FunnelRow(
        key=key, total=len(members), stages=stages, reached=reached, won=stages["won"],
        lost=stages["lost"], median_days={code: _median(v) for code, v in spent.items()},
        lost_reasons=tuple(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def funnel(by: str = "source", since: dt.date | None = None, until: dt.date | None = None, *,
           community_id: int | None = None, owner_id: int | None = None,
           staff_id: int | None = None) -> FunnelStats:
    """The funnels of the leads created from `since` to `until` (both days included; by
    default the last STATS_DAYS days), grouped by "source" or "interest"."""
    access.require("lead.manage", staff_id)
    if by not in GROUPS:
        raise ValidationError("by", _("Group by source or by interest."))
    until = until or clock_now().date()
    since = since or until - dt.timedelta(days=STATS_DAYS - 1)
    if since > until:
        raise ValidationError("since", _("The first day must not be after the last."))
    column = Lead.source if by == "source" else Lead.interest
    where = (Lead.created_at >= dt.datetime.combine(since, dt.time.min)) & (
        Lead.created_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    if community_id is not None:
        where &= Lead.community == community_id
    if owner_id is not None:
        where &= Lead.owner == owner_id
    found: dict[int, _Lead] = {}
    for row in (Lead.select(Lead.id, column.alias("key"), Lead.stage, Lead.lost_reason, Lead.created_at)
                .where(where).objects()):
        found[row.id] = _Lead(row.key, row.stage, row.lost_reason, row.created_at, {"new", row.stage})
    # Every stage change of those leads, in order: the passages through the stages.
    entered: dict[int, dt.datetime] = {i: lead.created_at for i, lead in found.items()}
    ids = Lead.select(Lead.id).where(where)
    for ev in (LeadEvent.select(LeadEvent.lead, LeadEvent.at, LeadEvent.from_value, LeadEvent.to_value)
               .where(LeadEvent.kind == "stage", LeadEvent.lead.in_(ids))
               .order_by(LeadEvent.lead, LeadEvent.at, LeadEvent.id)):
        lead = found.get(ev.lead_id)
        if lead is None:
            continue
        lead.visited.add(ev.to_value)
        if ev.from_value in OPEN_STAGES:
            lead.days.append((ev.from_value, _days(entered[ev.lead_id], ev.at)))
        entered[ev.lead_id] = ev.at
    groups: dict[str, list[_Lead]] = {}
    for lead in found.values():
        groups.setdefault(lead.key, []).append(lead)
    order = list(GROUPS[by])
    keys = sorted(groups, key=lambda k: (order.index(k) if k in order else len(order), k))
    return FunnelStats(by, since, until, tuple(_row(k, groups[k]) for k in keys),
                       _row("", list(found.values())), tuple(order))

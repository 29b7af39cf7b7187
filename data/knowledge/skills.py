"""服务技能的查询 (skill lookup): for a work-order category, who resolved most such orders,
with their median time to resolution and the average rating owners gave at the callback —
shown in the knowledge base and beside each technician when dispatching (data.dispatch).

The work orders' history holds it: an order resolved (and not reopened since) has its
`resolved_at`, its assignee is who did the work, `rating` the callback's 1–5. The time is
from opening the order to its resolution less the time on hold (the SLA clock's own
measure). Read through the (category, resolved_at) index over a window of the last year,
at most MAX_ORDERS orders."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable

from data import access
from data.clock import now as clock_now
from data.knowledge.articles import category_family
from data.knowledge.values import SkillRow
from data.models import Staff, WorkOrder

#: The window of history read, in days.
SKILL_DAYS = 365
#: The most recent resolved orders of a category read at most.
MAX_ORDERS = 20_000


def resolution_minutes(created: dt.datetime, resolved: dt.datetime, held_minutes: int) -> float:
    """Minutes from opening to resolution, the time on hold left out (never below zero)."""
    return max(0.0, (resolved - created).total_seconds() / 60 - (held_minutes or 0))


def skills_for_category(category_id: int, *, staff_ids: Iterable[int] | None = None,
                        days: int = SKILL_DAYS, limit: int = 10,
                        at: dt.datetime | None = None) -> list[SkillRow]:
    """Who resolved most work orders of the category (its sub-categories too) in the last
    `days`, most first (then the quicker median, then login); only `staff_ids` when given
    (the technicians a dispatcher chooses from), at most `limit` of them."""
    access.require("kb.read")
    return category_skills(category_id, staff_ids=staff_ids, days=days, limit=limit, at=at)


def category_skills(category_id: int, *, staff_ids: Iterable[int] | None = None,
                    days: int = SKILL_DAYS, limit: int = 10,
                    at: dt.datetime | None = None) -> list[SkillRow]:
    """`skills_for_category` without asking the role: for a rule that shows the figures as
    part of something the caller may do already (data.dispatch: dispatching)."""
    since = (at or clock_now()) - dt.timedelta(days=days)
    query = (WorkOrder.select(WorkOrder.assignee, WorkOrder.created_at, WorkOrder.resolved_at,
                              WorkOrder.held_minutes, WorkOrder.rating)
             .where(WorkOrder.category.in_(category_family(category_id)),
                    WorkOrder.resolved_at >= since, WorkOrder.assignee.is_null(False)))
    if staff_ids is not None:
        wanted = list(staff_ids)
        if not wanted:
            return []
        query = query.where(WorkOrder.assignee.in_(wanted))
    times: dict[int, list[float]] = {}
    ratings: dict[int, list[int]] = {}
    for assignee, created, resolved, held, rating in (
            query.order_by(WorkOrder.resolved_at.desc()).limit(MAX_ORDERS).tuples()):
        times.setdefault(assignee, []).append(resolution_minutes(created, resolved, held))
        if rating is not None:
            ratings.setdefault(assignee, []).append(rating)
    if not times:
        return []
    people = {s.id: s for s in Staff.select(Staff.id, Staff.login, Staff.name).where(Staff.id.in_(list(times)))}
    rows = []
    for staff_id, spans in times.items():
        person = people.get(staff_id)
        if person is None:
            continue
        rated = ratings.get(staff_id, [])
        rows.append(SkillRow(
            staff_id=staff_id, login=person.login, name=person.name, solved=len(spans),
            median_minutes=round(statistics.median(spans), 1),
            avg_rating=round(statistics.fmean(rated), 2) if rated else None, rated=len(rated)))
    rows.sort(key=lambda r: (-r.solved, r.median_minutes if r.median_minutes is not None else 1e12, r.login))
    return rows[:max(1, limit)]

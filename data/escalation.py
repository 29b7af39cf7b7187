"""Escalation of missed deadlines (issue 4 §3) and the month's missed-deadline report.

The same sweep escalates the reply deadline of a complaint forwarded by the 12345 citizen
hotline (data.hotline): a reply not recorded by the hotline's deadline goes to level 1 (the
building's supervisor) once, whatever the order's status; `hotline_order.escalated_at` is
set by a conditional UPDATE in the same way.

`sweep` is idempotent and safe to run from cron every minute and from several sessions at
once: a level is raised by a conditional UPDATE (`… WHERE escalation_level = <old>`), and
only the process whose UPDATE changed the row writes the history entry; notifications carry
a unique `dedupe_key` and are inserted with ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from data.clock import now as clock_now
from data.db import transaction
from data.i18n import N_, _
from data.models import (
    HotlineOrder,
    Notification,
    Staff,
    Territory,
    WorkOrder,
    WorkOrderHistory,
)
from data.vocab import WORK_ORDER_STATUSES

#: Statuses whose deadlines run (on hold the clock is stopped; closed ones are done).
RUNNING_STATUSES = ("new", "assigned", "in_progress")
#: Statuses in which the first response may still be missing.
UNANSWERED_STATUSES = ("new", "assigned")
#: The highest level: 1 = the building's supervisor, 2 = the manager.
TOP_LEVEL = 2
#: Missed deadlines in a month from which a technician is flagged for review (SPEC §11).
FLAG_AT = 3
#: Orders looked at per sweep query: a backlog is worked off over a few runs.
SWEEP_BATCH = 500

DEADLINES = {"response": N_("response"), "resolution": N_("resolution")}
#: `Escalation.deadline` of a missed reply to the 12345 hotline (SLA levels leave it "").
HOTLINE_REPLY = "hotline_reply"


@dataclass(frozen=True)
class Escalation:
    """One level reached by one work order in a sweep, and who was told."""

    order_id: int
    number: str
    level: int
    notified: tuple[str, ...]  # logins
    deadline: str = ""  # "" for the SLA's deadlines, HOTLINE_REPLY for the hotline's


@dataclass(frozen=True)
class MissedRow:
    """A staff member's missed deadlines in a month."""

    staff_id: int
    login: str
    name: str
    response_missed: int
    resolution_missed: int
    total: int
    flagged: bool  # total >= FLAG_AT (SPEC §11)


# --- the sweep -------------------------------------------------------------------------------


def due_level(order: WorkOrder, at: dt.datetime) -> int:
    """The level a running work order should be at, at `at`.

    1 once the response deadline passed unanswered or the resolution deadline passed;
    2 once the resolution deadline is overdue by more than half its own span again.
    """
    if order.status not in RUNNING_STATUSES:
        return 0
    level = 0
    if order.resolution_due is not None and order.resolution_due < at:
        level = 1
        span = order.resolution_due - order.created_at
        if at > order.resolution_due + span / 2:
            level = 2
    elif (
        order.status in UNANSWERED_STATUSES
        and order.responded_at is None
        and order.response_due is not None
        and order.response_due < at
    ):
        level = 1
    return level


def _candidates(at: dt.datetime) -> list[int]:
    """Ids of running orders that may need a higher level, through bounded, indexed reads:
    (status, resolution_due) for overdue resolutions, and the small set of unanswered
    new/assigned orders for missed responses."""
    def overdue(level: int):
        # Per level, so that orders waiting at level 1 never crowd out fresh ones.
        return (
            WorkOrder.select(WorkOrder.id)
            .where(
                WorkOrder.status.in_(RUNNING_STATUSES),
                WorkOrder.resolution_due < at,
                WorkOrder.escalation_level == level,
            )
            .order_by(WorkOrder.resolution_due)
            .limit(SWEEP_BATCH)
        )

    unanswered = (
        WorkOrder.select(WorkOrder.id)
        .where(
            WorkOrder.status.in_(UNANSWERED_STATUSES),
            WorkOrder.responded_at.is_null(),
            WorkOrder.response_due < at,
            WorkOrder.escalation_level == 0,
        )
        .limit(SWEEP_BATCH)
    )
    ids = {row.id for row in overdue(0)} | {row.id for row in overdue(1)}
    ids |= {row.id for row in unanswered}
    return sorted(ids)


def sweep(at: dt.datetime | None = None) -> list[Escalation]:
    """Raise every running work order whose deadline passed to its level, notifying each
    level's people once. Returns what this call escalated (nothing on a second run)."""
    at = at or clock_now()
    done: list[Escalation] = []
    for order_id in _candidates(at):
        done.extend(_escalate(order_id, at))
    for hotline_id in _overdue_replies(at):
        done.extend(_escalate_reply(hotline_id, at))
    return done


def _escalate(order_id: int, at: dt.datetime) -> list[Escalation]:
    with transaction():
        order = WorkOrder.get_or_none(WorkOrder.id == order_id)
        if order is None:
            return []
        old, new = order.escalation_level, due_level(order, at)
        if new <= old:
            return []
        won = (
            WorkOrder.update(escalation_level=new)
            .where(WorkOrder.id == order_id, WorkOrder.escalation_level == old)
            .execute()
        )
        if won != 1:  # another sweep raised it first: it notifies, not us
            return []
        out = []
        for level in range(old + 1, new + 1):
            deadline = _missed_deadline(order, at, level)
            people = _recipients(order, level)
            notified = _notify(order, level, deadline, people, at)
            WorkOrderHistory.create(
                work_order=order_id, staff=None, at=at, action="escalate",
                from_status=order.status, to_status=order.status,
                note=_("level {level}: {deadline} deadline missed; told {people}").format(
                    level=level, deadline=_(DEADLINES[deadline]),
                    people="、".join(s.name for s in people) or _("nobody (no such staff)")),
            )
            out.append(Escalation(order_id, order.number, level, tuple(notified)))
    return out


def _overdue_replies(at: dt.datetime) -> list[int]:
    """Ids of hotline orders whose reply deadline passed unreplied and not escalated yet
    (the (replied_at, reply_due) index)."""
    return [row.id for row in HotlineOrder.select(HotlineOrder.id).where(
        HotlineOrder.replied_at.is_null(), HotlineOrder.reply_due < at,
        HotlineOrder.escalated_at.is_null(),
    ).order_by(HotlineOrder.reply_due).limit(SWEEP_BATCH)]


def _escalate_reply(hotline_id: int, at: dt.datetime) -> list[Escalation]:
    """Escalate one missed reply to the hotline: level 1's people told once, the order's
    history says it. A reply recorded meanwhile, or another sweep first, does nothing."""
    with transaction():
        won = (HotlineOrder.update(escalated_at=at)
               .where(HotlineOrder.id == hotline_id, HotlineOrder.escalated_at.is_null(),
                      HotlineOrder.replied_at.is_null(), HotlineOrder.reply_due < at)
               .execute())
        if won != 1:
            return []
        row = HotlineOrder.get_by_id(hotline_id)
        order = WorkOrder.get_by_id(row.work_order_id)
        people = _recipients(order, 1)
        notified = _notify_reply(order, row, people, at)
        WorkOrderHistory.create(
            work_order=order.id, staff=None, at=at, action="escalate",
            from_status=order.status, to_status=order.status,
            note=_("12345 {ref}: reply deadline {due} missed; told {people}").format(
                ref=row.ref, due=f"{row.reply_due:%Y-%m-%d %H:%M}",
                people="、".join(s.name for s in people) or _("nobody (no such staff)")),
        )
    return [Escalation(order.id, order.number, 1, tuple(notified), HOTLINE_REPLY)]


def _notify_reply(order: WorkOrder, row: HotlineOrder, people: list[Staff],
                  at: dt.datetime) -> list[str]:
    """One notification per person (dedupe key hotline:ORDER:STAFF). Returns the logins
    newly told."""
    if not people:
        return []
    keys = {s.id: f"hotline:{order.id}:{s.id}" for s in people}
    told_before = {
        n.dedupe_key
        for n in Notification.select(Notification.dedupe_key).where(
            Notification.dedupe_key.in_(list(keys.values())))
    }
    from data.notifications import order_subject

    title = _("{subject}: 12345 reply deadline missed").format(subject=order_subject(order.id))
    body = _("{number}: the reply to the 12345 hotline ({ref}) was due {due}.").format(
        number=order.number, ref=row.ref, due=f"{row.reply_due:%Y-%m-%d %H:%M}")
    Notification.insert_many([
        {"staff": s.id, "kind": "escalation", "title": title[:200], "body": body,
         "entity": "work_order", "entity_id": order.id, "dedupe_key": keys[s.id],
         "created_at": at}
        for s in people
    ]).on_conflict_ignore().execute()
    return [s.login for s in people if keys[s.id] not in told_before]


def _missed_deadline(order: WorkOrder, at: dt.datetime, level: int) -> str:
    if level >= 2 or (order.resolution_due is not None and order.resolution_due < at):
        return "resolution"
    return "response"


def _active(role: str):
    return Staff.select().where(Staff.role == role, Staff.active == True)  # noqa: E712


def _recipients(order: WorkOrder, level: int) -> list[Staff]:
    """Level 1: the building's supervisors, else the community's, else every supervisor.
    Level 2: the managers, else the administrators."""
    if level == 1:
        choices = []
        if order.building_id is not None:
            choices.append(_active("supervisor").join(Territory).where(
                Territory.building == order.building_id))
        choices.append(_active("supervisor").where(Staff.community == order.community_id))
        choices.append(_active("supervisor"))
    else:
        choices = [_active("manager"), _active("admin")]
    for query in choices:
        people = list(query.distinct().order_by(Staff.login).limit(50))
        if people:
            return people
    return []


def _notify(order: WorkOrder, level: int, deadline: str, people: list[Staff],
            at: dt.datetime) -> list[str]:
    """One notification per person and level (ON CONFLICT DO NOTHING on the dedupe key).
    Returns the logins newly told."""
    if not people:
        return []
    keys = {s.id: f"escalation:{order.id}:{level}:{s.id}" for s in people}
    told_before = {
        n.dedupe_key
        for n in Notification.select(Notification.dedupe_key).where(
            Notification.dedupe_key.in_(list(keys.values())))
    }
    from data.notifications import order_subject

    title = _("{subject}: {deadline} deadline missed (level {level})").format(
        level=level, subject=order_subject(order.id), deadline=_(DEADLINES[deadline]))
    due = order.resolution_due if deadline == "resolution" else order.response_due
    body = _("{number} ({status}) was due {due}.").format(
        number=order.number, status=_(WORK_ORDER_STATUSES[order.status]),
        due=f"{due:%Y-%m-%d %H:%M}" if due else "")
    rows = [
        {
            "staff": s.id, "kind": "escalation", "title": title[:200], "body": body,
            "entity": "work_order", "entity_id": order.id, "dedupe_key": keys[s.id],
            "created_at": at,
        }
        for s in people
    ]
    Notification.insert_many(rows).on_conflict_ignore().execute()
    return [s.login for s in people if keys[s.id] not in told_before]


# --- missed deadlines per month --------------------------------------------------------------


def _month(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month, 1)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1)
    return start, end


def missed_deadlines(year: int, month: int, at: dt.datetime | None = None) -> list[MissedRow]:
    """Who missed how many deadlines that fell in the month, worst first.

    A response deadline is missed when answered late, or still unanswered after it; a
    resolution deadline when resolved late, or still unresolved in a running status after
    it. Only deadlines before `at` count (a report on a past month reads as it stood), and
    cancelled and merged work orders do not count. Only assignees with a miss appear.
    """
    at = at or clock_now()
    start, end = _month(year, month)
    counted = [s for s in WORK_ORDER_STATUSES if s != "cancelled"]
    # Both deadlines lie on or before the resolution deadline, which is indexed with the
    # status: reading from the month's start onwards bounds the scan to recent orders.
    base = WorkOrder.select(WorkOrder.assignee, fn.COUNT(WorkOrder.id)).where(
        WorkOrder.status.in_(counted),
        WorkOrder.resolution_due >= start,
        WorkOrder.assignee.is_null(False),
        # Merged orders are cancelled, so the status list leaves them out already; a
        # merged_into IS NULL test would steer SQLite onto that (useless) index.
    )
    response = base.where(
        WorkOrder.response_due >= start,
        WorkOrder.response_due < end,
        WorkOrder.response_due < at,
        (WorkOrder.responded_at > WorkOrder.response_due) | WorkOrder.responded_at.is_null(),
    ).group_by(WorkOrder.assignee).tuples()
    resolution = base.where(
        WorkOrder.resolution_due < end,
        WorkOrder.resolution_due < at,
        (WorkOrder.resolved_at > WorkOrder.resolution_due)
        | (WorkOrder.resolved_at.is_null() & WorkOrder.status.in_(RUNNING_STATUSES)),
    ).group_by(WorkOrder.assignee).tuples()
    counts: dict[int, list[int]] = {}
    for staff_id, n in response:
        counts.setdefault(staff_id, [0, 0])[0] = n
    for staff_id, n in resolution:
        counts.setdefault(staff_id, [0, 0])[1] = n
    if not counts:
        return []
    staff = {s.id: s for s in Staff.select(Staff.id, Staff.login, Staff.name).where(
        Staff.id.in_(list(counts)))}
    rows = [
        MissedRow(sid, staff[sid].login, staff[sid].name, r, s, r + s, r + s >= FLAG_AT)
        for sid, (r, s) in counts.items()
        if sid in staff
    ]
    rows.sort(key=lambda m: (-m.total, -m.resolution_missed, m.login))
    return rows

"""Service levels (SLA) of work orders: the default table and the editable policies,
the deadlines they give an order (calendar or working time, data.holidays), holds that stop
the clock, and the severe-weather stretch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from peewee import JOIN

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ValidationError
from data.holidays import add_working_minutes, working_minutes_between
from data.i18n import _
from data.models import Category, Setting, SlaPolicy, WorkOrder, WorkOrderHistory
from data.vocab import OPEN_STATUSES, PRIORITIES, WORK_ORDER_KINDS

#: Severe-weather stretch of ordinary deadlines (SPEC §11: commonly by half).
STRETCH_FACTOR = 1.5
STRETCH_SETTING = "severe_weather_stretch"


class SlaMinutes(NamedTuple):
    """Minutes to the first response and to resolution."""

    response_minutes: int
    resolution_minutes: int


#: The default SLA table (SPEC §11), per (work-order kind, priority). A critical repair
#: is handled continuously until safe; two hours is the target it is measured against.
DEFAULT_SLA: dict[tuple[str, str], SlaMinutes] = {
    ("repair", "critical"): SlaMinutes(5, 120),
    ("repair", "urgent"): SlaMinutes(15, 120),
    ("repair", "quick"): SlaMinutes(45, 1440),
    ("repair", "normal"): SlaMinutes(30, 1440),
    ("repair", "low"): SlaMinutes(60, 2880),  # complex or non-urgent: 48 h (SPEC §11)
    ("complaint", "normal"): SlaMinutes(1440, 10080),
    ("inquiry", "normal"): SlaMinutes(240, 2880),
    ("suggestion", "normal"): SlaMinutes(240, 2880),
    ("committee", "normal"): SlaMinutes(240, 4320),
}


class SlaTarget(SlaMinutes):
    """Minutes to the first response and to resolution, and whether they count working time
    (working hours on working days, data.holidays) rather than calendar time.

    Still a (response, resolution) `SlaMinutes` pair, so a calendar-time target compares
    equal to its pair; a working-time one never does."""

    working_time: bool

    def __new__(cls, response_minutes: int, resolution_minutes: int, working_time: bool = False):
        self = super().__new__(cls, response_minutes, resolution_minutes)
        self.working_time = bool(working_time)
        return self

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, tuple):
            return NotImplemented
        return tuple.__eq__(self, other) and self.working_time == bool(
            getattr(other, "working_time", False))

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((tuple(self), self.working_time))

    def __repr__(self) -> str:
        return (f"SlaTarget(response_minutes={self.response_minutes}, resolution_minutes="
                f"{self.resolution_minutes}, working_time={self.working_time})")


def sla_for(kind: str, category_id: int | None, priority: str) -> SlaTarget:
    """The SLA of a kind × category × priority: the category's own policy, else its parent's,
    else the kind's default for that priority, else the kind's normal one (SPEC §11)."""
    chain: list[int | None] = []
    current = category_id
    while current is not None and len(chain) < 5:
        chain.append(current)
        current = Category.select(Category.parent).where(Category.id == current).scalar()
    for cat in chain + [None]:
        policy = SlaPolicy.get_or_none(
            (SlaPolicy.kind == kind)
            & (SlaPolicy.priority == priority)
            & (SlaPolicy.category.is_null() if cat is None else SlaPolicy.category == cat)
        )
        if policy is not None:
            return SlaTarget(policy.response_minutes, policy.resolution_minutes,
                             policy.working_time)
    default = DEFAULT_SLA.get((kind, priority)) or DEFAULT_SLA.get((kind, "normal")) or (30, 1440)
    return SlaTarget(*default)


@dataclass(frozen=True)
class SlaRow:
    """One policy of the SLA table (category "" = the default of its kind and priority)."""

    id: int
    kind: str
    category: str
    category_code: str
    priority: str
    response_minutes: int
    resolution_minutes: int
    working_time: bool = False  # counts working hours on working days, not calendar time


def sla_table() -> list[SlaRow]:
    """The whole SLA table: defaults first, then category policies."""
    rows = (
        SlaPolicy.select(SlaPolicy, Category.name, Category.code)
        .join(Category, JOIN.LEFT_OUTER)
        .order_by(SlaPolicy.category.is_null(False), SlaPolicy.kind, SlaPolicy.priority, SlaPolicy.id)
        .objects()
    )
    return [
        SlaRow(r.id, r.kind, getattr(r, "name", None) or "", getattr(r, "code", None) or "", r.priority,
               r.response_minutes, r.resolution_minutes, bool(r.working_time))
        for r in rows
    ]


def set_sla(kind: str, priority: str, response_minutes: int, resolution_minutes: int,
            category_id: int | None = None, working_time: bool | None = None) -> SlaRow:
    """Set (add or change) a policy. New work orders use it; open ones keep their deadlines.
    `working_time` True counts the minutes in working hours on working days, False in
    calendar time; None keeps what the policy had (calendar time for a new one)."""
    access.require("sla.manage")
    if kind not in WORK_ORDER_KINDS:
        raise ValidationError("kind", _("Unknown kind “{kind}”: use one of {kinds}.").format(
            kind=kind, kinds=", ".join(WORK_ORDER_KINDS)))
    if priority not in PRIORITIES:
        raise ValidationError("priority", _("Unknown priority “{p}”: use one of {ps}.").format(
            p=priority, ps=", ".join(PRIORITIES)))
    for field_name, value in (("response", response_minutes), ("resolution", resolution_minutes)):
        if not isinstance(value, int) or value <= 0:
            raise ValidationError(field_name, _("Give the minutes as a whole number above 0."))
    if resolution_minutes < response_minutes:
        raise ValidationError("resolution", _("The resolution deadline cannot come before the response."))
    with transaction():
        where = (SlaPolicy.kind == kind) & (SlaPolicy.priority == priority) & (
            SlaPolicy.category.is_null() if category_id is None else SlaPolicy.category == category_id)
        policy = SlaPolicy.get_or_none(where)
        values = {"response_minutes": response_minutes, "resolution_minutes": resolution_minutes}
        if working_time is not None:
            values["working_time"] = bool(working_time)
        if policy is None:
            SlaPolicy.create(kind=kind, priority=priority, category=category_id, **values)
        else:
            SlaPolicy.update(**values).where(SlaPolicy.id == policy.id).execute()
    return next(r for r in sla_table() if r.kind == kind and r.priority == priority and (
        (r.category_code == "") if category_id is None else
        r.category_code == Category.get_by_id(category_id).code))


def stretch_active() -> bool:
    """Whether the severe-weather stretch is switched on."""
    row = Setting.get_or_none(Setting.key == STRETCH_SETTING)
    return bool(row and row.value == "on")


def deadlines(created: dt.datetime, target: SlaTarget, held_minutes: int, stretched: bool,
               priority: str) -> tuple[dt.datetime, dt.datetime]:
    """(response due, resolution due) of an order created at `created` that has been on hold
    `held_minutes` (working minutes when the target counts working time: see `resume`)."""
    factor = STRETCH_FACTOR if stretched and priority in ("quick", "normal", "low") else 1.0
    spans = (target.response_minutes * factor + held_minutes,
             target.resolution_minutes * factor + held_minutes)
    if getattr(target, "working_time", False):
        return add_working_minutes(created, spans[0]), add_working_minutes(created, spans[1])
    return created + dt.timedelta(minutes=spans[0]), created + dt.timedelta(minutes=spans[1])


def held_shift(order: WorkOrder, until: dt.datetime) -> tuple[int, dt.datetime | None,
                                                                 dt.datetime | None]:
    """Resuming at `until`: the minutes the hold stopped the clock for, and both deadlines
    moved by them. Under a working-time policy only the working time on hold counts, and
    each deadline moves by that much working time — the same as computing it afresh with
    the held working minutes added (adding working time is additive), and it keeps a
    deadline restarted at a reopen."""
    if order.hold_since is None:
        return 0, order.response_due, order.resolution_due
    target = sla_for(order.kind, order.category_id, order.priority)
    if target.working_time:
        minutes = working_minutes_between(order.hold_since, until)
        return minutes, *(add_working_minutes(due, minutes) if due else None
                          for due in (order.response_due, order.resolution_due))
    minutes = int((until - order.hold_since).total_seconds() // 60)
    shift = dt.timedelta(minutes=minutes)
    return minutes, *(due + shift if due else None
                      for due in (order.response_due, order.resolution_due))


def set_severe_weather(on: bool, staff_id: int) -> int:
    """Switch the severe-weather stretch on or off; open ordinary deadlines × 1.5 while on.
    Records who switched it (setting and each order's history). Returns orders changed."""
    access.require("sla.manage", staff_id)
    changed = 0
    with transaction():
        Setting.insert(key=STRETCH_SETTING, value="on" if on else "off", updated_by=staff_id,
                       updated_at=clock_now()).on_conflict(
            conflict_target=[Setting.key],
            update={Setting.value: "on" if on else "off", Setting.updated_by: staff_id,
                    Setting.updated_at: clock_now()},
        ).execute()
        # Read them all first: on SQLite, updating resolution_due while a cursor walks the
        # (status, resolution_due) index makes the cursor meet the moved rows again.
        orders = list(WorkOrder.select().where(
            WorkOrder.status.in_(OPEN_STATUSES), WorkOrder.priority.in_(("quick", "normal", "low"))
        ))
        for order in orders:
            # On hold, the current pause is not in held_minutes yet: resume() adds it then.
            target = sla_for(order.kind, order.category_id, order.priority)
            response_due, resolution_due = deadlines(order.created_at, target, order.held_minutes,
                                                     on, order.priority)
            WorkOrder.update(response_due=response_due, resolution_due=resolution_due,
                             version=WorkOrder.version + 1).where(WorkOrder.id == order.id).execute()
            WorkOrderHistory.create(
                work_order=order.id, staff=staff_id, at=clock_now(), action="stretch",
                from_status=order.status, to_status=order.status,
                note=_("Severe-weather stretch on (deadlines × 1.5)") if on
                else _("Severe-weather stretch off"),
            )
            changed += 1
    return changed

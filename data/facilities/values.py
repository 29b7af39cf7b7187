"""The facilities register's and inspection routes' codes and the dataclasses they return."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from data.i18n import N_

#: Facility kinds (设施设备类别).
KINDS = {
    "elevator": N_("Elevator"),  # 电梯
    "pump": N_("Water pump"),  # 水泵
    "fire": N_("Fire hydrants and extinguishers"),  # 消防栓和灭火器
    "cctv": N_("CCTV"),  # 监控
    "access": N_("Access control"),  # 门禁
    "power": N_("Power room"),  # 配电房
    "light": N_("Street lights"),  # 路灯
    "play": N_("Play equipment"),  # 游乐设施
}
#: The inspection the law requires of a kind, yearly: (name, months between).
LEGAL_CHECKS = {
    "elevator": (N_("Periodic inspection (定期检验)"), 12),
    "fire": (N_("Yearly fire testing (年度检测)"), 12),
}
#: Kinds of a route's checklist item.
ITEM_KINDS = {
    "check": N_("OK / not OK"),
    "reading": N_("Reading"),
    "note": N_("Note"),
}
#: The state of a scheduled occurrence of a route.
RUN_STATES = {
    "upcoming": N_("Upcoming"),
    "due": N_("Due now"),
    "running": N_("In progress"),
    "done": N_("Done"),
    "late": N_("Late"),
    "missed": N_("Missed"),
}
#: Reminders of a periodic inspection go out this many days before it is due.
REMIND_DAYS = 30


@dataclass(frozen=True)
class CheckView:
    """A periodic inspection of a facility: when last done, when next due."""

    id: int
    facility_id: int
    name: str
    legal: bool
    interval_months: int
    last_done: dt.date | None
    next_due: dt.date


@dataclass(frozen=True)
class FacilityRow:
    """A line of the register: the facility and its nearest periodic inspection."""

    id: int
    kind: str
    name: str
    community: str
    building: str  # code, "" when not in a building
    place: str
    next_due: dt.date | None
    check_name: str
    responsible: str  # login


@dataclass(frozen=True)
class FacilityView:
    id: int
    community_id: int
    community: str
    building_id: int | None
    building: str
    kind: str
    name: str
    place: str
    maker: str
    model: str
    installed_on: dt.date | None
    contractor: str
    contract: str
    responsible: str  # login, "" when none
    active: bool
    checks: tuple[CheckView, ...]


@dataclass(frozen=True)
class FacilityInput:
    """What `facilities add` or the form says. `legal_due`: when the kind's legal inspection
    (LEGAL_CHECKS) is next due — required for those kinds."""

    community_id: int
    kind: str
    name: str
    building_id: int | None = None
    place: str = ""
    maker: str = ""
    model: str = ""
    installed_on: dt.date | None = None
    contractor: str = ""
    contract: str = ""
    responsible_id: int | None = None
    legal_due: dt.date | None = None
    legal_last: dt.date | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a facility's history: a work order, a periodic inspection done, or a
    route's answer about it."""

    at: dt.datetime
    kind: str  # order | check | inspection
    text: str
    ok: bool | None
    ref: str  # the order number, the route name


@dataclass(frozen=True)
class CheckDue:
    """A periodic inspection due within the reminder window, or overdue."""

    check_id: int
    facility_id: int
    facility: str
    kind: str
    community: str
    building: str
    name: str
    next_due: dt.date
    overdue: bool
    days: int  # days until due (negative: overdue)


@dataclass(frozen=True)
class CheckReminder:
    check_id: int
    facility: str
    next_due: dt.date
    logins: tuple[str, ...]


@dataclass(frozen=True)
class ItemInput:
    """A checklist item as typed: `low`/`high`/`unit` for a reading only."""

    text: str
    kind: str = "check"
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str = ""
    facility_id: int | None = None
    place: str = ""


@dataclass(frozen=True)
class RouteInput:
    """A new route: the first occurrence `start`, each lasting `minutes`, repeating by
    `rrule` (FREQ=DAILY, FREQ=WEEKLY;BYDAY=MO…)."""

    name: str
    community_id: int
    assignee_id: int
    start: dt.datetime
    minutes: int
    rrule: str
    items: tuple[ItemInput, ...]
    grace_minutes: int = 60


@dataclass(frozen=True)
class ItemView:
    id: int
    seq: int
    text: str
    kind: str
    low: Decimal | None
    high: Decimal | None
    unit: str
    facility_id: int | None
    facility: str
    place: str


@dataclass(frozen=True)
class RouteRow:
    id: int
    name: str
    community: str
    community_id: int
    assignee: str  # login
    rrule: str
    start: dt.datetime | None  # the series' first occurrence
    minutes: int
    grace_minutes: int
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class Slot:
    """A scheduled occurrence of a route and what became of it."""

    route_id: int
    route: str
    assignee: str
    start: dt.datetime  # the original start (the occurrence's identity)
    end: dt.datetime
    state: str  # RUN_STATES
    run_id: int | None
    started_at: dt.datetime | None
    ended_at: dt.datetime | None


@dataclass(frozen=True)
class AnswerView:
    item_id: int
    ok: bool
    reading: Decimal | None
    note: str
    work_order: str  # number, "" when none
    answered_at: dt.datetime


@dataclass(frozen=True)
class RunView:
    id: int
    route_id: int
    route: str
    community_id: int
    occurrence: dt.datetime | None
    staff: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    items: tuple[ItemView, ...]
    answers: dict[int, AnswerView]  # item id → answer
    #: The end of the scheduled occurrence it answers (None off the schedule).
    planned_end: dt.datetime | None = None
    #: What became of that occurrence (RUN_STATES): running, done, or late when the run was
    #: started more than the route's grace after the occurrence's start; '' off the schedule.
    state: str = ""

    @property
    def next_item(self) -> ItemView | None:
        """The first item not answered yet, None when all are."""
        return next((i for i in self.items if i.id not in self.answers), None)


@dataclass(frozen=True)
class ResultRow:
    """One run's result (per route) or one answer (per facility) over time."""

    run_id: int
    route: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    staff: str
    ok: int
    not_ok: int
    text: str = ""  # the item (per facility)
    reading: Decimal | None = None
    work_order: str = ""

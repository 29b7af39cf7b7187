"""Reading work orders: the `OrderView` screens and the CLI show, its history, costs and links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from peewee import JOIN

from data import territory
from data.clock import now as clock_now
from data.db import Prepared, Slot
from data.errors import NotFoundError
from data.hotline import CHANNEL as HOTLINE
from data.hotline import HotlineView, hotline_view
from data.i18n import _
from data.models import (
    Category,
    Community,
    CostLine,
    Person,
    Room,
    Staff,
    WorkOrder,
    WorkOrderHistory,
    WorkOrderLink,
)
from data.vocab import (
    OPEN_STATUSES,
)

#: Statuses whose deadlines still run (on hold the clock is stopped).
RUNNING_STATUSES = ("new", "assigned", "in_progress")


@dataclass(frozen=True)
class OrderView:
    """A work order as screens and the CLI show it."""

    id: int
    number: str
    kind: str
    category: str
    category_id: int | None
    priority: str
    channel: str
    status: str
    title: str
    description: str
    community: str
    community_id: int
    room: str
    room_id: int | None
    building_id: int | None
    location: str
    person: str
    person_id: int | None
    contact_phone: str
    assignee: str
    assignee_login: str
    assignee_id: int | None
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    appointment_at: dt.datetime | None
    response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    hold_since: dt.datetime | None
    held_minutes: int
    escalation_level: int
    rating: int | None
    callback_comment: str
    merged_into: str
    version: int
    #: The 12345 hotline's reference, reply deadline and reply (channel "hotline" only).
    hotline: HotlineView | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, at: dt.datetime | None = None) -> bool:
        """A running deadline has passed (never while on hold: the clock is stopped)."""
        at = at or clock_now()
        if self.status not in RUNNING_STATUSES:
            return False
        if self.resolution_due and self.resolution_due < at:
            return True
        return bool(self.responded_at is None and self.response_due and self.response_due < at)

    def next_deadline(self) -> dt.datetime | None:
        """The deadline the clerk should watch: response until answered, then resolution."""
        if self.status not in OPEN_STATUSES:
            return None
        if self.responded_at is None and self.response_due:
            return self.response_due
        return self.resolution_due

    def as_json(self, at: dt.datetime | None = None) -> dict:
        """The JSON object of the CLI (issue contract: id … version)."""
        return {
            "id": self.id, "number": self.number, "kind": self.kind, "category": self.category,
            "priority": self.priority, "channel": self.channel, "status": self.status,
            "title": self.title, "room": self.room, "community": self.community,
            "location": self.location, "person": self.person, "person_id": self.person_id,
            "assignee": self.assignee_login, "created": _iso(self.created_at),
            "respond_due": _iso(self.response_due), "resolve_due": _iso(self.resolution_due),
            "overdue": self.overdue(at), "escalation_level": self.escalation_level,
            "rating": self.rating, "version": self.version,
            **(self.hotline.as_json() if self.hotline is not None else {}),
            **({"reply_overdue": self.hotline.reply_overdue(at)} if self.hotline is not None else {}),
        }


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    staff: str
    action: str
    from_status: str
    to_status: str
    note: str


@dataclass(frozen=True)
class CostView:
    id: int
    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    payer: str

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None


# --- reading ---------------------------------------------------------------------------------


def _view_query():
    assignee, creator, target = Staff.alias(), Staff.alias(), WorkOrder.alias()
    return (
        WorkOrder.select(
            WorkOrder,
            Category.name.alias("category_name"),
            Community.name.alias("community_name"),
            Room.code.alias("room_code"),
            Person.name.alias("person_name"),
            assignee.name.alias("assignee_name"),
            assignee.login.alias("assignee_login"),
            creator.name.alias("creator_name"),
            target.number.alias("merged_number"),
        )
        .join(Community, on=(WorkOrder.community == Community.id))
        .switch(WorkOrder)
        .join(Category, JOIN.LEFT_OUTER, on=(WorkOrder.category == Category.id))
        .switch(WorkOrder)
        .join(Room, JOIN.LEFT_OUTER, on=(WorkOrder.room == Room.id))
        .switch(WorkOrder)
        .join(Person, JOIN.LEFT_OUTER, on=(WorkOrder.person == Person.id))
        .switch(WorkOrder)
        .join(assignee, JOIN.LEFT_OUTER, on=(WorkOrder.assignee == assignee.id))
        .switch(WorkOrder)
        .join(creator, JOIN.LEFT_OUTER, on=(WorkOrder.created_by == creator.id))
        .switch(WorkOrder)
        .join(target, JOIN.LEFT_OUTER, on=(WorkOrder.merged_into == target.id))
    )


def view_from_row(row) -> OrderView:
    """An OrderView of a row selected through `_view_query()` (with `.objects()`)."""
    return OrderView(
        id=row.id, number=row.number, kind=row.kind, category=row.category_name or "",
        category_id=row.category_id, priority=row.priority, channel=row.channel,
        status=row.status, title=row.title, description=row.description,
        community=row.community_name or "", community_id=row.community_id,
        room=row.room_code or "", room_id=row.room_id, building_id=row.building_id,
        location=row.location, person=row.person_name or "", person_id=row.person_id,
        contact_phone=row.contact_phone, assignee=row.assignee_name or "",
        assignee_login=row.assignee_login or "", assignee_id=row.assignee_id,
        created_by=row.creator_name or "", created_at=row.created_at, updated_at=row.updated_at,
        appointment_at=row.appointment_at, response_due=row.response_due,
        resolution_due=row.resolution_due, responded_at=row.responded_at,
        resolved_at=row.resolved_at, closed_at=row.closed_at, hold_since=row.hold_since,
        held_minutes=row.held_minutes, escalation_level=row.escalation_level, rating=row.rating,
        callback_comment=row.callback_comment, merged_into=row.merged_number or "",
        version=row.version,
    )


#: `_view_query()` by id and by number, compiled once (every write ends with a get_order).
_BY_ID = Prepared(lambda: _view_query().where(WorkOrder.id == Slot("ref")).limit(1).objects())
_BY_NUMBER = Prepared(lambda: _view_query().where(WorkOrder.number == Slot("ref")).limit(1)
                      .objects())


def get_order(ref: int | str) -> OrderView:
    """A work order by id or by number (BX-20261127-0001); NotFoundError otherwise."""
    text = str(ref).strip()
    if text.isdigit():
        row = _BY_ID.first(ref=int(text))
    else:
        row = _BY_NUMBER.first(ref=text.upper())
    if row is None:
        raise NotFoundError(_("No work order {ref}.").format(ref=text))
    territory.check_order_visible(row)
    view = view_from_row(row)
    if view.channel == HOTLINE:
        view = replace(view, hotline=hotline_view(view.id))
    return view


def history(order_id: int, limit: int = 200) -> list[HistoryRow]:
    """The history of a work order, oldest first."""
    rows = (
        WorkOrderHistory.select(WorkOrderHistory, Staff.name)
        .join(Staff, JOIN.LEFT_OUTER)
        .where(WorkOrderHistory.work_order == order_id)
        .order_by(WorkOrderHistory.at, WorkOrderHistory.id)
        .limit(limit)
        .objects()
    )
    return [
        HistoryRow(r.at, getattr(r, "name", None) or "", r.action, r.from_status, r.to_status, r.note)
        for r in rows
    ]


def costs(order_id: int) -> list[CostView]:
    return [
        CostView(c.id, c.kind, c.description, c.quantity, c.unit_price, c.payer)
        for c in CostLine.select().where(CostLine.work_order == order_id).order_by(CostLine.id)
    ]


def linked_orders(order_id: int) -> list[tuple[int, str, str, str]]:
    """(id, number, title, status) of every work order linked to or merged with this one."""
    links = WorkOrderLink.select(WorkOrderLink.source, WorkOrderLink.target).where(
        (WorkOrderLink.source == order_id) | (WorkOrderLink.target == order_id)
    )
    ids = {lk.source_id for lk in links} | {lk.target_id for lk in links}
    merged = WorkOrder.select(WorkOrder.id).where(WorkOrder.merged_into == order_id)
    ids |= {m.id for m in merged}
    ids.discard(order_id)
    rows = WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.title, WorkOrder.status).where(
        WorkOrder.id.in_(list(ids))
    )
    return sorted((r.id, r.number, r.title, r.status) for r in rows) if ids else []

"""Work orders: categories, SLA policies, orders, their history, links and cost lines."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel
from data.models.facilities import Facility
from data.models.people import Building, Community, Person, Room
from data.models.staff import Staff

# --- work orders -----------------------------------------------------------------------


class Category(BaseModel):
    """A node of the work-order category tree (水电 › 水管漏水)."""

    id = AutoField()
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    code = CharField(max_length=30, unique=True)
    name = CharField(max_length=40)
    name_en = CharField(max_length=60, default="")
    kind = CharField(max_length=12, default="repair")  # default work-order kind
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class SlaPolicy(BaseModel):
    """Response and resolution deadlines for a category × priority (NULL category = default)."""

    id = AutoField()
    category = ForeignKeyField(Category, null=True, backref="sla_policies", on_delete="CASCADE")
    kind = CharField(max_length=12, default="repair")
    priority = CharField(max_length=12)  # data.vocab.PRIORITIES
    response_minutes = IntegerField()
    resolution_minutes = IntegerField()
    working_time = BooleanField(default=False)  # count working hours over the holiday calendar

    class Meta:
        indexes = ((("kind", "category", "priority"), True),)


class WorkOrder(BaseModel):
    """工单: a repair, complaint, inquiry or suggestion, with its deadlines and state."""

    id = AutoField()
    number = CharField(max_length=24, unique=True)  # BX-20261127-0001
    kind = CharField(max_length=12)  # repair | complaint | inquiry | suggestion
    category = ForeignKeyField(Category, null=True, backref="work_orders", on_delete="RESTRICT")
    priority = CharField(max_length=12, default="normal")
    channel = CharField(max_length=12, default="phone")  # phone | visit | wechat | patrol
    status = CharField(max_length=12, default="new")
    title = CharField(max_length=120)
    description = TextField(default="")
    community = ForeignKeyField(Community, backref="work_orders", on_delete="RESTRICT")
    building = ForeignKeyField(Building, null=True, backref="work_orders", on_delete="RESTRICT")
    room = ForeignKeyField(Room, null=True, backref="work_orders", on_delete="RESTRICT")
    location = CharField(max_length=120, default="")  # public place when no room
    person = ForeignKeyField(Person, null=True, backref="work_orders", on_delete="SET NULL")
    contact_phone = CharField(max_length=30, default="")
    assignee = ForeignKeyField(Staff, null=True, backref="assigned_orders", on_delete="SET NULL")
    created_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now, index=True)
    updated_at = DateTimeField(default=now)
    appointment_at = DateTimeField(null=True)
    response_due = DateTimeField(null=True)
    resolution_due = DateTimeField(null=True)
    responded_at = DateTimeField(null=True)
    resolved_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    hold_since = DateTimeField(null=True)
    held_minutes = IntegerField(default=0)  # clock stopped this long while on hold
    escalation_level = IntegerField(default=0)
    rating = IntegerField(null=True)  # 1–5 from the callback
    callback_comment = TextField(default="")
    callback_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    callback_at = DateTimeField(null=True)
    merged_into = ForeignKeyField("self", null=True, backref="merged", on_delete="SET NULL")
    version = IntegerField(default=1)
    # Migration 0039: the facility the order is about (an inspection finding, a repair of
    # an elevator): the facility's history lists it.
    facility = ForeignKeyField(Facility, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = (
            (("status", "resolution_due", "id"), False),  # open queue by deadline, keyset
            (("status", "response_due", "id"), False),  # 待派单 by its response deadline
            (("assignee", "status", "resolution_due"), False),  # 我的
            (("building", "status"), False),
            (("community", "status", "resolution_due"), False),
            (("person", "created_at"), False),  # owner timeline
            (("room", "created_at"), False),  # room card
            (("category", "resolved_at"), False),  # who solves a category (data.knowledge, 0021)
            # The monthly work-order reports read a period from this index alone (0041).
            (("created_at", "status", "kind", "category", "building", "assignee", "community", "room",
              "response_due", "responded_at", "resolution_due", "resolved_at", "callback_at", "rating"), False),
            (("room", "category", "created_at", "status"), False),  # 返修: an earlier order (0041)
        )


class WorkOrderHistory(BaseModel):
    """One change of a work order: who, when, what, note."""

    id = AutoField()
    work_order = ForeignKeyField(WorkOrder, backref="history", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    at = DateTimeField(default=now)
    action = CharField(max_length=20)  # create, assign, start, hold, resume, resolve, …
    from_status = CharField(max_length=12, default="")
    to_status = CharField(max_length=12, default="")
    note = TextField(default="")

    class Meta:
        indexes = ((("work_order", "at"), False),)


class WorkOrderLink(BaseModel):
    """Two related work orders (same leak seen from two flats)."""

    id = AutoField()
    source = ForeignKeyField(WorkOrder, backref="links_out", on_delete="CASCADE")
    target = ForeignKeyField(WorkOrder, backref="links_in", on_delete="CASCADE")
    kind = CharField(max_length=12, default="related")

    class Meta:
        indexes = ((("source", "target"), True),)


class CostLine(BaseModel):
    """Materials or labour on a work order, paid by the owner or the company."""

    id = AutoField()
    work_order = ForeignKeyField(WorkOrder, backref="cost_lines", on_delete="CASCADE")
    kind = CharField(max_length=12)  # material | labour
    description = CharField(max_length=120)
    quantity = DecimalField(max_digits=10, decimal_places=2, default=1)
    unit_price = DecimalField(max_digits=10, decimal_places=2)
    payer = CharField(max_length=12, default="owner")  # owner | company
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

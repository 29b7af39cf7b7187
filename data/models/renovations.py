"""Renovation permits (装修登记, issue 16 item 2): the permit of a room, its contractor's
workers, the inspections during the works and the permit's own history. Migration 0015."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel
from data.models.people import Community, Person, Room
from data.models.staff import Staff
from data.models.workorders import WorkOrder


class Renovation(BaseModel):
    """装修许可: an owner's application to renovate a room, from application to the refund
    of the deposit (statuses in data.renovations.STATUSES)."""

    id = AutoField()
    number = CharField(max_length=24, unique=True)  # ZXXK-20260301-0001
    community = ForeignKeyField(Community, backref="renovations", on_delete="RESTRICT")
    room = ForeignKeyField(Room, backref="renovations", on_delete="RESTRICT")
    applicant = ForeignKeyField(Person, null=True, backref="renovations", on_delete="SET NULL")
    contractor = CharField(max_length=100)  # 施工单位
    contractor_phone = CharField(max_length=30, default="")
    scope = TextField(default="")  # 施工内容
    start_date = DateField()
    end_date = DateField()
    # Permitted hours as "08:00-12:00,14:00-18:00": on working days, and on rest days
    # (weekends that are no 调休 working day; "" = none). Never on public holidays.
    workday_hours = CharField(max_length=60, default="08:00-12:00,14:00-18:00")
    rest_day_hours = CharField(max_length=60, default="")
    deposit = DecimalField(max_digits=10, decimal_places=2, default=0)  # 装修押金, yuan
    deposit_received_at = DateTimeField(null=True)
    deposit_received_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    rules_acknowledged = BooleanField(default=False)  # 装修管理规定 signed
    rules_acknowledged_at = DateTimeField(null=True)
    status = CharField(max_length=20, default="applied")
    applied_at = DateTimeField(default=now)
    applied_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    approved_at = DateTimeField(null=True)
    approved_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    acceptance_result = CharField(max_length=10, default="")  # passed | failed | ""
    acceptance_notes = TextField(default="")
    accepted_at = DateTimeField(null=True)
    accepted_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    refunded_amount = DecimalField(max_digits=10, decimal_places=2, null=True)
    deduction_reason = TextField(default="")
    refunded_at = DateTimeField(null=True)
    refunded_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    closed_reason = TextField(default="")  # why rejected or cancelled
    room_state_before = CharField(max_length=12, default="")  # put back after acceptance
    # The fees side of the deposit (migration 0030): the receipts of the payment taking it
    # and of the refund paying it back (data.fees.deposits).
    deposit_receipt = CharField(max_length=20, default="")
    refund_receipt = CharField(max_length=20, default="")
    updated_at = DateTimeField(default=now)
    version = IntegerField(default=1)

    class Meta:
        indexes = (
            (("room", "status"), False),  # the room's permits; the noise rule
            (("status", "start_date"), False),  # rooms under renovation on a day
            (("community", "status", "start_date"), False),  # the register by community
        )


class RenovationWorker(BaseModel):
    """A worker of the contractor on a permit: name, phone, the tail of the ID number."""

    id = AutoField()
    renovation = ForeignKeyField(Renovation, backref="workers", on_delete="CASCADE")
    name = CharField(max_length=60)
    phone = CharField(max_length=30, default="")
    id_tail = CharField(max_length=4, default="")  # last 4 characters of the ID number


class RenovationInspection(BaseModel):
    """装修巡查: one inspection during the works; a violation or a finding that needs a
    repair opened `work_order`."""

    id = AutoField()
    renovation = ForeignKeyField(Renovation, backref="inspections", on_delete="CASCADE")
    at = DateTimeField(default=now)
    inspector = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    findings = TextField(default="")
    result = CharField(max_length=12)  # ok | warning | violation
    needs_repair = BooleanField(default=False)
    work_order = ForeignKeyField(WorkOrder, null=True, backref="+", on_delete="SET NULL")
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("renovation", "at"), False),)


class RenovationEvent(BaseModel):
    """One step of a permit: who, when, which action, from and to which status, note."""

    id = AutoField()
    renovation = ForeignKeyField(Renovation, backref="events", on_delete="CASCADE")
    at = DateTimeField(default=now)
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    action = CharField(max_length=20)
    from_status = CharField(max_length=20, default="")
    to_status = CharField(max_length=20, default="")
    note = TextField(default="")

    class Meta:
        indexes = ((("renovation", "at"), False),)

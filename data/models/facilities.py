"""Facilities (设施设备台账, issue 20 item 6): the equipment register with the legally
required inspections of each item. Migration 0039 (with data.models.inspections).

The maintenance contractor's contract is text: data.contracts holds the company's contracts
with owners and customers, not its suppliers'."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel
from data.models.people import Building, Community
from data.models.staff import Staff


class Facility(BaseModel):
    """One piece of equipment or shared facility (data.facilities.KINDS): where it is, who
    made and maintains it, who answers for it (its reminders go to them)."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    building = ForeignKeyField(Building, null=True, backref="+", on_delete="RESTRICT")
    kind = CharField(max_length=12)
    name = CharField(max_length=60)  # 3号楼1号电梯
    place = CharField(max_length=120, default="")  # 3号楼东侧电梯井, 地下一层泵房
    maker = CharField(max_length=60, default="")
    model = CharField(max_length=60, default="")
    installed_on = DateField(null=True)
    contractor = CharField(max_length=60, default="")  # 维保单位
    contract = CharField(max_length=120, default="")  # 维保合同: number and period, as text
    responsible = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("community", "kind"), False),)


class FacilityCheck(BaseModel):
    """A legally required (or chosen) periodic inspection of a facility — an elevator's
    yearly 定期检验, the fire equipment's yearly testing: when it was last done and when it
    is next due; `reminded_for` is the due date whose 30-day reminder was sent (once)."""

    id = AutoField()
    facility = ForeignKeyField(Facility, backref="checks", on_delete="CASCADE")
    name = CharField(max_length=60)
    legal = BooleanField(default=True)
    interval_months = IntegerField(default=12)
    last_done = DateField(null=True)
    next_due = DateField(index=True)
    reminded_for = DateField(null=True)


class FacilityCheckRecord(BaseModel):
    """One time a periodic inspection was done: on which day, passed or not, by whom
    (the inspecting body or the technician), a note (certificate number, findings)."""

    id = AutoField()
    check = ForeignKeyField(FacilityCheck, backref="records", on_delete="CASCADE")
    done_on = DateField()
    passed = BooleanField(default=True)
    note = TextField(default="")
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

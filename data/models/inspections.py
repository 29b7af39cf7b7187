"""Inspection routes (巡查路线, issue 20 item 7): checklists walked on the schedule of a
recurring calendar event, their runs and each item's answer. Migration 0039."""

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
from data.models.calendar import Event
from data.models.facilities import Facility
from data.models.people import Community
from data.models.staff import Staff
from data.models.workorders import WorkOrder


class InspectionRoute(BaseModel):
    """巡查路线: a checklist walked on the schedule of its calendar series (`event`, kind
    inspection, the assigned staff attending); a run that starts more than `grace_minutes`
    after its occurrence is late."""

    id = AutoField()
    name = CharField(max_length=60)
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    assignee = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    event = ForeignKeyField(Event, null=True, backref="+", on_delete="SET NULL")
    grace_minutes = IntegerField(default=60)
    active = BooleanField(default=True)
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)


class RouteItem(BaseModel):
    """One checklist item of a route, in `seq` order: `kind` check (正常/异常), reading (a
    number expected between `low` and `high`, in `unit`) or note (free text); optionally
    about a facility and at a place."""

    id = AutoField()
    route = ForeignKeyField(InspectionRoute, backref="items", on_delete="CASCADE")
    seq = IntegerField()
    text = CharField(max_length=120)
    kind = CharField(max_length=8, default="check")
    low = DecimalField(max_digits=12, decimal_places=3, null=True)
    high = DecimalField(max_digits=12, decimal_places=3, null=True)
    unit = CharField(max_length=12, default="")
    facility = ForeignKeyField(Facility, null=True, backref="+", on_delete="SET NULL")
    place = CharField(max_length=120, default="")


class InspectionRun(BaseModel):
    """One walk of a route: the occurrence it answers (the original start of the series'
    occurrence; NULL for a walk off the schedule), who walked it, when it started and ended."""

    id = AutoField()
    route = ForeignKeyField(InspectionRoute, backref="runs", on_delete="CASCADE")
    occurrence = DateTimeField(null=True)
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    started_at = DateTimeField()
    ended_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("route", "occurrence"), True), (("route", "started_at"), False))


class RunAnswer(BaseModel):
    """The answer to one item in one run: ok or not (a reading outside its range is not ok),
    the reading, a note, and the work order the finding opened."""

    id = AutoField()
    run = ForeignKeyField(InspectionRun, backref="answers", on_delete="CASCADE")
    item = ForeignKeyField(RouteItem, backref="+", on_delete="CASCADE")
    ok = BooleanField()
    reading = DecimalField(max_digits=12, decimal_places=3, null=True)
    note = TextField(default="")
    work_order = ForeignKeyField(WorkOrder, null=True, backref="+", on_delete="SET NULL")
    answered_at = DateTimeField(default=now)

    class Meta:
        table_name = "run_answer"
        indexes = ((("run", "item"), True), (("item", "answered_at"), False))

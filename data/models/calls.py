"""Calls: incidents (outages), the call log, and the phone service's call lists, attempts
and scripts."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel
from data.models.people import Building, Person, Room
from data.models.staff import Staff
from data.models.workorders import WorkOrder

# --- calls -------------------------------------------------------------------------------


class Incident(BaseModel):
    """An outage (停水, 停电, 电梯停运, 燃气检修) declared for some buildings and a time range,
    with the script the desk reads to callers while it lasts."""

    id = AutoField()
    kind = CharField(max_length=12)  # data.vocab.INCIDENT_KINDS
    title = CharField(max_length=120)
    script = TextField(default="")
    starts = DateTimeField()
    ends = DateTimeField()
    declared_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)
    ended_at = DateTimeField(null=True)  # ended early by hand

    class Meta:
        indexes = ((("ended_at", "ends"), False),)  # the active ones: not ended, not over


class IncidentBuilding(BaseModel):
    """A building an incident affects."""

    id = AutoField()
    incident = ForeignKeyField(Incident, backref="buildings", on_delete="CASCADE")
    building = ForeignKeyField(Building, backref="incidents", on_delete="CASCADE")

    class Meta:
        indexes = ((("incident", "building"), True),)


class Call(BaseModel):
    """A phone call in or out, matched to a person or staff member when the number is known."""

    id = AutoField()
    direction = CharField(max_length=3)  # in | out
    number = CharField(max_length=30, index=True)  # normalised
    person = ForeignKeyField(Person, null=True, backref="calls", on_delete="SET NULL")
    caller_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    staff = ForeignKeyField(Staff, backref="calls", on_delete="RESTRICT")
    started_at = DateTimeField(default=now, index=True)
    duration_s = IntegerField(default=0)
    category = CharField(max_length=12, default="other")
    summary = TextField(default="")
    outcome = CharField(max_length=12, default="")
    callback_due = DateTimeField(null=True, index=True)
    callback_assignee = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    callback_done_at = DateTimeField(null=True)
    work_order = ForeignKeyField(WorkOrder, null=True, backref="calls", on_delete="SET NULL")
    recording = CharField(max_length=300, default="")
    # The outage this call was about (migration 0005).
    incident = ForeignKeyField(Incident, null=True, backref="calls", on_delete="SET NULL")

    class Meta:
        indexes = ((("person", "started_at"), False), (("staff", "started_at"), False))


class Ring(BaseModel):
    """来电弹屏 (issue 16 item 10): a call the phone system reported — answered at an extension
    (its staff member's session pops it up), or rung and never answered (logged as a missed
    call) — with its end, the recording reference, and the Call the clerk logged for it."""

    id = AutoField()
    number = CharField(max_length=30, default="")  # normalised; "" when the caller withheld it
    extension = CharField(max_length=12, default="")
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL", index=False)
    rang_at = DateTimeField(default=now)
    answered = BooleanField(default=True)
    hung_up_at = DateTimeField(null=True)
    recording = CharField(max_length=300, default="")
    call = ForeignKeyField(Call, null=True, backref="+", on_delete="SET NULL")
    pbx_call_id = CharField(max_length=64, default="")  # the phone system's own id of the call

    class Meta:
        # A session's watcher reads its staff member's newest rings; a hang-up finds the
        # extension's latest; a retried report finds its call id.
        indexes = (
            (("staff", "id"), False),
            (("extension", "id"), False),
            (("pbx_call_id",), False),
        )


# --- phone service: call lists and scripts (issue 5) ---------------------------------------


class CallList(BaseModel):
    """外呼任务: a list of numbers to call — the 回访 list of resolved work orders, or one
    built from a search or a file."""

    id = AutoField()
    name = CharField(max_length=60)
    kind = CharField(max_length=12)  # data.vocab.CALL_LIST_KINDS: callback | adhoc
    assignee = ForeignKeyField(Staff, null=True, backref="call_lists", on_delete="SET NULL")
    created_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)
    closed_at = DateTimeField(null=True)  # set when the last item is done

    class Meta:
        indexes = ((("closed_at", "kind"), False),)


class CallListItem(BaseModel):
    """One number of a call list, with its attempts so far."""

    id = AutoField()
    call_list = ForeignKeyField(CallList, backref="items", on_delete="CASCADE")
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    number = CharField(max_length=30)  # normalised (data.calls.normalize_number)
    work_order = ForeignKeyField(WorkOrder, null=True, backref="+", on_delete="SET NULL")
    # The room a 催缴 (arrears) item is about (migration 0025): its script is filled from it.
    room = ForeignKeyField(Room, null=True, backref="+", on_delete="SET NULL")
    status = CharField(max_length=10, default="pending")  # pending | done
    attempts = IntegerField(default=0)
    last_outcome = CharField(max_length=12, default="")  # data.vocab.LIST_OUTCOMES
    retry_at = DateTimeField(null=True)  # "later": not before this time
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("call_list", "status", "retry_at"), False),)


class CallAttempt(BaseModel):
    """One dialling of a call-list item and how it went (the Call row it logged)."""

    id = AutoField()
    item = ForeignKeyField(CallListItem, backref="attempt_rows", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    at = DateTimeField(default=now)
    outcome = CharField(max_length=12)
    note = TextField(default="")
    call = ForeignKeyField(Call, null=True, backref="+", on_delete="SET NULL")


class Script(BaseModel):
    """话术: a text the desk reads, by call category, with {姓名}-style placeholders."""

    id = AutoField()
    category = CharField(max_length=12)  # data.vocab.CALL_CATEGORIES
    title = CharField(max_length=60)
    body = TextField(default="")
    updated_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    updated_at = DateTimeField(null=True)  # NULL: a default shipped with FrontDesk, unedited

    class Meta:
        indexes = ((("category", "title"), True),)

"""Leads (潜在客户, issue 17): people or companies who may buy a service — their phones, the
rooms or parking spaces they are interested in, the timeline of every contact and stage
change, and the assignment rules by interest. Migration 0020."""

from __future__ import annotations

from peewee import (
    AutoField,
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
from data.models.calls import Call
from data.models.people import Community, ParkingSpace, Person, Room
from data.models.staff import Staff
from data.models.workorders import WorkOrder


class Lead(BaseModel):
    """A lead: who (name, company), how they came (source, the referring owner), what they
    want (interest, budget), where it stands (stage), who follows it up (owner) and when
    next (next_followup, with the calendar task it made), and what it became once won."""

    id = AutoField()
    name = CharField(max_length=60)
    company = CharField(max_length=100, default="")
    source = CharField(max_length=12)  # data.leads.values.LEAD_SOURCES
    referrer = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")  # 业主推荐
    interest = CharField(max_length=12)  # data.leads.values.LEAD_INTERESTS
    budget = DecimalField(max_digits=12, decimal_places=2, null=True)  # yuan
    community = ForeignKeyField(Community, null=True, backref="+", on_delete="SET NULL")
    stage = CharField(max_length=12, default="new", index=True)  # data.leads.values.LEAD_STAGES
    stage_since = DateTimeField(default=now)
    lost_reason = CharField(max_length=12, default="")  # data.leads.values.LOST_REASONS
    lost_note = TextField(default="")
    owner = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    assigned_by = CharField(max_length=12, default="")  # interest | round_robin | hand | creator
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")  # known or new
    next_followup = DateTimeField(null=True, index=True)
    followup_event = ForeignKeyField(Event, null=True, backref="+", on_delete="SET NULL")
    call = ForeignKeyField(Call, null=True, backref="+", on_delete="SET NULL")  # it came from
    note = TextField(default="")
    converted_to = CharField(max_length=12, default="")  # tenant | parking | work_order
    work_order = ForeignKeyField(WorkOrder, null=True, backref="+", on_delete="SET NULL")
    converted_at = DateTimeField(null=True)
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now, index=True)
    updated_at = DateTimeField(default=now)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("owner", "next_followup"), False),)


class LeadPhone(BaseModel):
    """A phone of a lead, normalised (data.validators.normalize_phone): the duplicate check
    and the match with known people look it up."""

    id = AutoField()
    lead = ForeignKeyField(Lead, backref="phones", on_delete="CASCADE")
    number = CharField(max_length=30, index=True)

    class Meta:
        table_name = "lead_phone"
        indexes = ((("lead", "number"), True),)


class LeadInterest(BaseModel):
    """A room or a parking space a lead is interested in (vacant when it was chosen)."""

    id = AutoField()
    lead = ForeignKeyField(Lead, backref="interests", on_delete="CASCADE")
    room = ForeignKeyField(Room, null=True, backref="+", on_delete="CASCADE")
    parking_space = ForeignKeyField(ParkingSpace, null=True, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "lead_interest"


class LeadEvent(BaseModel):
    """One line of a lead's timeline: created, a contact (call, visit, message, note), a
    stage change, an assignment, a follow-up set, a conversion — with who and when."""

    id = AutoField()
    lead = ForeignKeyField(Lead, backref="events", on_delete="CASCADE")
    at = DateTimeField(default=now)
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    kind = CharField(max_length=12)  # data.leads.values.EVENT_KINDS
    # What qualifies the line: a contact's channel (CONTACT_CHANNELS), a loss's reason
    # (LOST_REASONS), how an owner was chosen (ASSIGNED_BY), what a conversion made (CONVERTED_TO).
    code = CharField(max_length=12, default="")
    from_value = CharField(max_length=40, default="")
    to_value = CharField(max_length=40, default="")
    note = TextField(default="")

    class Meta:
        table_name = "lead_event"
        indexes = ((("lead", "at"), False),)


class LeadRule(BaseModel):
    """Assignment by interest: new leads of `interest` (in `community`, or anywhere when it
    is NULL) go to `staff`."""

    id = AutoField()
    interest = CharField(max_length=12)
    community = ForeignKeyField(Community, null=True, backref="+", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "lead_rule"
        indexes = ((("interest", "community"), False),)

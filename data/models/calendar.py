"""The calendar: events and their attendees."""

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
from data.models.people import Person, Room
from data.models.staff import Staff
from data.models.workorders import WorkOrder

# --- calendar ----------------------------------------------------------------------------


class Event(BaseModel):
    """A calendar entry: appointment, meeting, inspection, activity, call, memo or task.

    A recurring series has an RFC 5545 `rrule`; an exception (one occurrence moved or
    cancelled) is a row with `series` set and `recurrence_id` the original start.
    """

    id = AutoField()
    uid = CharField(max_length=80, unique=True)  # stable iCalendar UID
    kind = CharField(max_length=12)  # data.vocab.EVENT_KINDS
    title = CharField(max_length=120)
    description = TextField(default="")
    location = CharField(max_length=120, default="")
    organiser = ForeignKeyField(Staff, null=True, backref="organised_events", on_delete="SET NULL")
    start = DateTimeField(index=True)
    end = DateTimeField()
    all_day = BooleanField(default=False)
    rrule = CharField(max_length=300, null=True)
    tzid = CharField(max_length=64, null=True)  # own zone of an imported series (data.recurrence)
    series_until = DateTimeField(null=True, index=True)  # last occurrence end, NULL = open
    series = ForeignKeyField("self", null=True, backref="exceptions", on_delete="CASCADE")
    recurrence_id = DateTimeField(null=True)
    cancelled = BooleanField(default=False)
    person = ForeignKeyField(Person, null=True, backref="events", on_delete="SET NULL")
    room = ForeignKeyField(Room, null=True, backref="events", on_delete="SET NULL")
    work_order = ForeignKeyField(WorkOrder, null=True, backref="events", on_delete="SET NULL")
    reminder_minutes = IntegerField(null=True)
    due = DateTimeField(null=True)  # tasks
    done = BooleanField(default=False)  # tasks
    transparent = BooleanField(default=False)  # iCalendar TRANSP:TRANSPARENT: never busy
    created_at = DateTimeField(default=now)
    version = IntegerField(default=1)


class EventAttendee(BaseModel):
    id = AutoField()
    event = ForeignKeyField(Event, backref="attendees", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="attending", on_delete="CASCADE")

    class Meta:
        indexes = ((("event", "staff"), True), (("staff", "event"), False))

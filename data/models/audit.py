"""Notifications, reminder deliveries, the audit trail, saved filters, settings, daily
number counters and holidays."""

from __future__ import annotations

from peewee import (
    AutoField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel
from data.models.calendar import Event
from data.models.staff import Staff

# --- notifications, audit, settings ------------------------------------------------------


class Notification(BaseModel):
    """A message to one staff member; `dedupe_key` makes senders idempotent."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=20)  # assigned, escalation, reminder, callback, mention
    title = CharField(max_length=200)
    body = TextField(default="")
    entity = CharField(max_length=20, default="")
    entity_id = IntegerField(null=True)
    dedupe_key = CharField(max_length=120, null=True, unique=True)
    created_at = DateTimeField(default=now)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("staff", "read_at", "created_at"), False),)


class ReminderDelivery(BaseModel):
    """One calendar reminder delivered through one channel — the staff member's inbox, or
    the `remind --hook` command (SMS): each channel keeps its own record, so a session
    filling the inbox never uses up the hook's delivery. A hook delivery is `sent` only
    when the hook succeeded; `failed` and stale `pending` ones are tried again."""

    id = AutoField()
    key = CharField(max_length=120)  # the reminder's dedupe key (event, occurrence, staff)
    channel = CharField(max_length=10)  # inbox | hook
    staff = ForeignKeyField(Staff, backref="+", on_delete="CASCADE")
    event = ForeignKeyField(Event, backref="+", on_delete="CASCADE")
    occurrence = DateTimeField()  # the start of the occurrence reminded of
    state = CharField(max_length=10)  # sent | pending | failed
    attempts = IntegerField(default=0)
    error = CharField(max_length=200, default="")
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("key", "channel"), True),)


class AuditLog(BaseModel):
    """Append-only trail: who changed which field of which record, from what to what."""

    id = AutoField()
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    at = DateTimeField(default=now, index=True)
    action = CharField(max_length=10)  # create | update | delete | reveal
    entity = CharField(max_length=30)
    entity_id = IntegerField()
    field = CharField(max_length=40, default="")
    old_value = TextField(null=True)
    new_value = TextField(null=True)
    parent_entity = CharField(max_length=30, default="")  # the record this row belongs to
    parent_id = IntegerField(null=True)

    class Meta:
        indexes = (
            (("entity", "entity_id", "at"), False),
            (("staff", "at"), False),
            (("parent_entity", "parent_id", "at"), False),
        )


class SavedFilter(BaseModel):
    """A staff member's named work-order queue filter (JSON of data.queue.QueueFilter)."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="saved_filters", on_delete="CASCADE")
    name = CharField(max_length=40)
    spec = TextField()
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("staff", "name"), True),)


class Setting(BaseModel):
    """Company-wide settings (severe-weather stretch, callback promise, …)."""

    key = CharField(max_length=60, primary_key=True)
    value = TextField(default="")
    updated_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    updated_at = DateTimeField(default=now)


class DailyCounter(BaseModel):
    """The last number given in one day's series, by its prefix ("BX-20261127-"): work
    orders, release passes and renovation permits (data.numbering). Taken by an UPDATE in
    the transaction that creates the record, so numbers have no gaps and no repeats, and
    on PostgreSQL the row lock is held only from there to the commit."""

    prefix = CharField(max_length=24, primary_key=True)
    last = IntegerField(default=0)


class Holiday(BaseModel):
    """A public holiday (放假) or a 调休 make-up working day (kind "workday"), one per date.
    Editable and importable per year (data.holidays)."""

    id = AutoField()
    day = DateField(unique=True)
    name = CharField(max_length=40)
    kind = CharField(max_length=8, default="holiday")  # holiday | workday

"""Shift handovers (交接班, issue 16 item 7): what one shift hands to the next, and who took
it over."""

from __future__ import annotations

from peewee import (
    AutoField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel
from data.models.people import Community
from data.models.staff import Staff


class Handover(BaseModel):
    """One shift's handover: the drafted items as they stood when it was submitted (JSON in
    `items`, the same as plain lines in `body` for searching), the clerk's notes, and the
    next shift's acknowledgement (by someone else) with their notes."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    shift = CharField(max_length=12)  # data.duty.SHIFTS
    created_at = DateTimeField(default=now, index=True)
    items = TextField(default="[]")  # [{"name", "title", "items": [{"text", "ref", …}]}]
    body = TextField(default="")  # the items as text, one a line
    notes = TextField(default="")
    acked_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")
    acked_at = DateTimeField(null=True)
    ack_notes = TextField(default="")
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("acked_at", "created_at"), False), (("staff", "created_at"), False))


class HandoverCommunity(BaseModel):
    """A community a handover covers (none: the whole company)."""

    id = AutoField()
    handover = ForeignKeyField(Handover, backref="communities", on_delete="CASCADE")
    community = ForeignKeyField(Community, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("handover", "community"), True), (("community", "handover"), False))

"""Messages to owners (SMS or WeChat through the configured command, data.messaging)."""

from __future__ import annotations

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from data.clock import now
from data.db import BaseModel
from data.models.people import Person
from data.models.staff import Staff


class OutboundMessage(BaseModel):
    """One message the `message_command` was run for: `sent` when it exited 0, else `failed`
    with the first line it printed. Nothing is recorded when no command is configured."""

    id = AutoField()
    number = CharField(max_length=30)  # normalised (data.validators.normalize_phone)
    text = TextField()
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    about = CharField(max_length=20, default="")  # parcel, visitor, notice, order, …
    about_id = IntegerField(null=True)
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    state = CharField(max_length=10)  # sending (recorded, the command not yet run) | sent | failed
    error = CharField(max_length=200, default="")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "outbound_message"
        indexes = ((("about", "about_id"), False), (("created_at",), False))

"""Custom reports (用户可定制报告, issue 20 item 3): a definition saved under a name by its
owner, shared with the other supervisors or not."""

from __future__ import annotations

from peewee import AutoField, BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from data.clock import now
from data.db import BaseModel
from data.models.staff import Staff


class CustomReport(BaseModel):
    """A saved custom report: its name (unique per owner), the owner, whether the other
    supervisors see it, and the definition as JSON (data.reports.custom checks it on load)."""

    id = AutoField()
    name = CharField(max_length=40)
    owner = ForeignKeyField(Staff, backref="+", on_delete="CASCADE")
    shared = BooleanField(default=False)
    definition = TextField()
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    class Meta:
        table_name = "custom_report"
        indexes = ((("owner", "name"), True),)

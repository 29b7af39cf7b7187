"""Retention (个人信息保护法): the record of every purge of personal data past its period."""

from __future__ import annotations

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField

from data.clock import now
from data.db import BaseModel
from data.models.staff import Staff


class PurgeRun(BaseModel):
    """One purger's part of one `frontdesk purge` run: when, what (the purger's name), the
    period applied and the cut-off it gave, how many records were purged, and by which
    account (an administrator or a service account)."""

    id = AutoField()
    at = DateTimeField(default=now, index=True)
    name = CharField(max_length=40)  # data.retention.REGISTRY key: recordings, visitors, …
    days = IntegerField()  # the retention period applied
    cutoff = DateTimeField()  # records from before this were purged
    purged = IntegerField(default=0)
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "purge_run"

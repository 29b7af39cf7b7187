"""12345 citizen-hotline complaints (市民热线): the hotline's reference and reply deadline of
a work order taken on the `hotline` channel, and the reply the company sent back."""

from __future__ import annotations

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, TextField

from data.clock import now
from data.db import BaseModel
from data.models.staff import Staff
from data.models.workorders import WorkOrder


class HotlineOrder(BaseModel):
    """One work order forwarded by the 12345 hotline: its reference (工单编号 of the hotline),
    the reply deadline the hotline set (independent of the SLA's), and the reply.

    Once `replied_at` is set the reply deadline stops counting; `escalated_at` is when the
    sweep escalated a missed reply deadline (once: data.escalation)."""

    id = AutoField()
    work_order = ForeignKeyField(WorkOrder, unique=True, backref="hotline", on_delete="CASCADE")
    ref = CharField(max_length=40, unique=True)
    reply_due = DateTimeField()
    replied_at = DateTimeField(null=True)
    reply_text = TextField(default="")
    replied_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    escalated_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "hotline_order"
        # The sweep's and the queue's "reply overdue": unreplied, by deadline.
        indexes = ((("replied_at", "reply_due"), False),)

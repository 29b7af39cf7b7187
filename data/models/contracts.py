"""Proposals and service contracts (建议书和服务合同, issue 17 item 4): the company's own
Word templates (kept in the database, never as a path), the contract register with its
history, and the per-year counters that number it without gaps. Migration 0022."""

from __future__ import annotations

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel
from data.models.calls import Call
from data.models.people import Community, Person, Room
from data.models.staff import Staff
from data.models.workorders import WorkOrder


class ContractTemplate(BaseModel):
    """A company's own .docx template of one kind (data.contracts.KINDS), its placeholders
    checked when it was registered. The file itself is `content`: nothing refers to a path."""

    id = AutoField()
    kind = CharField(max_length=16)
    name = CharField(max_length=60)
    content = BlobField()
    size = IntegerField()
    sha256 = CharField(max_length=64)
    placeholders = TextField(default="")  # the placeholders it uses, "、"-separated
    active = BooleanField(default=True)
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("kind", "name"), True),)


class ContractCounter(BaseModel):
    """The last number given in one series (HT, BJ, JY) and year: updated in the transaction
    that creates the contract, so numbers have no gaps even when many desks create at once."""

    id = AutoField()
    series = CharField(max_length=4)
    year = IntegerField()
    last_number = IntegerField(default=0)

    class Meta:
        indexes = ((("series", "year"), True),)


class Contract(BaseModel):
    """One proposal, quote or contract: number, kind, parties, amount, period, status
    (data.contracts.STATUSES), the file last generated, and the renewal reminder sent."""

    id = AutoField()
    number = CharField(max_length=20, unique=True)  # HT-2027-0001
    kind = CharField(max_length=16)
    status = CharField(max_length=12, default="draft")
    template = ForeignKeyField(ContractTemplate, null=True, backref="+", on_delete="SET NULL")
    community = ForeignKeyField(Community, null=True, backref="+", on_delete="RESTRICT")
    room = ForeignKeyField(Room, null=True, backref="+", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    party_name = CharField(max_length=60, default="")  # the other party as named on the paper
    party_phone = CharField(max_length=30, default="")
    work_order = ForeignKeyField(WorkOrder, null=True, backref="+", on_delete="SET NULL")
    subject = TextField(default="")  # 服务内容: what is provided, leased or quoted
    # JSON: the cost lines (明细) of a quote, a proposal's interest and rooms, and "lead": the id
    # of the lead (潜在客户) it was drafted for (whose timeline names it: data.leads.deals).
    details = TextField(default="")
    amount = DecimalField(max_digits=12, decimal_places=2, default=0)
    start_date = DateField()
    end_date = DateField()
    signed_on = DateField(null=True)
    owner_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    closed_reason = TextField(default="")  # why it was terminated
    file_name = CharField(max_length=120, default="")
    file_sha256 = CharField(max_length=64, default="")
    rendered_at = DateTimeField(null=True)
    renewal_for = DateField(null=True)  # the end date whose renewal reminder was sent
    renewal_call = ForeignKeyField(Call, null=True, backref="+", on_delete="SET NULL")
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    version = IntegerField(default=1)

    class Meta:
        indexes = (
            (("status", "end_date"), False),  # expiring contracts; the status sweep
            (("kind", "status"), False),
            (("created_at",), False),  # the register, newest first
        )


class ContractEvent(BaseModel):
    """One step of a contract: who, when, which action, from and to which status, note."""

    id = AutoField()
    contract = ForeignKeyField(Contract, backref="events", on_delete="CASCADE")
    at = DateTimeField(default=now)
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    action = CharField(max_length=16)
    from_status = CharField(max_length=12, default="")
    to_status = CharField(max_length=12, default="")
    note = TextField(default="")

    class Meta:
        indexes = ((("contract", "at"), False),)

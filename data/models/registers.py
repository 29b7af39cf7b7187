"""The front desk's registers (issue 16): visitors (访客登记) and release passes (物品放行条)."""

from __future__ import annotations

from peewee import AutoField, CharField, DateField, DateTimeField, ForeignKeyField, TextField

from data.clock import now
from data.db import BaseModel
from data.models.calls import Call
from data.models.people import Community, Person, Room
from data.models.staff import Staff


class Visitor(BaseModel):
    """One visit: who came (name, phone, ID number, plate), to which room, why, when they
    came in and went out, and whether someone of the room confirmed it on the phone.
    Retention blanks the ID number and the plate of old visits (`purged_at`); the visit
    itself is kept."""

    id = AutoField()
    name = CharField(max_length=60)
    phone = CharField(max_length=30, default="", index=True)  # normalised, "" if not given
    id_number = CharField(max_length=18, null=True)  # GB 11643, upper-case X
    plate = CharField(max_length=12, default="", index=True)  # normalised like Vehicle.plate
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    purpose = CharField(max_length=100, default="")
    time_in = DateTimeField(index=True)
    time_out = DateTimeField(null=True)
    staff = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")  # who registered it
    signed_out_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    # "Call the owner to confirm": when, who at the desk or gate recorded it, who said yes.
    confirmed_at = DateTimeField(null=True)
    confirmed_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    confirmed_person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    confirmed_name = CharField(max_length=60, default="")
    purged_at = DateTimeField(null=True)  # ID number and plate blanked by retention
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("time_out", "time_in"), False),)


class ReleasePass(BaseModel):
    """放行条: things carried out of the estate from a room, with the owner's consent; the
    gate checks it by `number` (FX-20261206-003) and marks it used, once."""

    id = AutoField()
    number = CharField(max_length=20, unique=True)
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    items = TextField()
    carrier_name = CharField(max_length=60)
    carrier_phone = CharField(max_length=30, default="")
    carrier_plate = CharField(max_length=12, default="")
    valid_from = DateField()
    valid_until = DateField(index=True)
    consent_how = CharField(max_length=12)  # data.vocab.PASS_CONSENT
    consent_person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    consent_name = CharField(max_length=60)  # the owner's name when they consented
    consent_call = ForeignKeyField(Call, null=True, backref="+", on_delete="SET NULL")
    consent_note = CharField(max_length=200, default="")
    issued_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    issued_at = DateTimeField(index=True)
    used_at = DateTimeField(null=True)
    used_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    cancelled_at = DateTimeField(null=True)
    cancelled_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    cancel_reason = CharField(max_length=200, default="")

    class Meta:
        table_name = "release_pass"

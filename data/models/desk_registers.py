"""The front desk's registers (issue 16 items 3, 4, 6): keys and access cards left with the
desk (钥匙寄存) with who may collect them and every hand-out, parcels held for a room
(代收), and lost and found (失物招领). Migration 0018."""

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
from data.models.people import Community, Person, Room
from data.models.staff import Staff

# --- keys (钥匙寄存) ------------------------------------------------------------------------


class KeyDeposit(BaseModel):
    """Keys or access cards of a room left with the desk: what, how many, left by whom and
    when. `state` is `held` (at the desk), `out` (handed to an authorised person) or
    `closed` (given back to the owner for good)."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    description = CharField(max_length=100)
    quantity = IntegerField(default=1)
    owner = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    left_by = CharField(max_length=60)  # the owner's name, or the named person who left them
    deposited_at = DateTimeField(default=now)
    deposited_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    state = CharField(max_length=10, default="held")  # held | out | closed
    note = TextField(default="")
    closed_at = DateTimeField(null=True)
    closed_to = CharField(max_length=60, default="")
    closed_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "key_deposit"
        indexes = ((("room", "state"), False), (("community", "state"), False))


class KeyAuthorisation(BaseModel):
    """A person who may collect a deposit's keys: a name and the last 4 digits of a phone
    or the last 4–6 characters of an ID number (and the Person, when they are one)."""

    id = AutoField()
    deposit = ForeignKeyField(KeyDeposit, backref="authorised", on_delete="CASCADE")
    name = CharField(max_length=60)
    phone_tail = CharField(max_length=4, default="")
    id_tail = CharField(max_length=6, default="")
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    added_at = DateTimeField(default=now)
    added_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    revoked_at = DateTimeField(null=True)
    revoked_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")


class KeyLoan(BaseModel):
    """One hand-out of a deposit's keys and its return: to whom (the authorised person
    matched), by which staff member and when; `returned_at` is NULL while they are out."""

    id = AutoField()
    deposit = ForeignKeyField(KeyDeposit, backref="loans", on_delete="CASCADE")
    authorisation = ForeignKeyField(KeyAuthorisation, null=True, backref="+", on_delete="SET NULL")
    handed_to = CharField(max_length=60)
    out_at = DateTimeField(default=now)
    out_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    note = CharField(max_length=200, default="")
    returned_at = DateTimeField(null=True)
    returned_by = CharField(max_length=60, default="")
    returned_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "key_loan"
        indexes = ((("returned_at", "out_at"), False),)


# --- parcels (代收) -----------------------------------------------------------------------


class Parcel(BaseModel):
    """A parcel or item held at the desk for a room: the carrier, tracking number, what and
    where it is; whether the occupant was told (and why not); who collected it and when.
    `state` is `waiting` or `collected`."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    room = ForeignKeyField(Room, backref="+", on_delete="RESTRICT")
    carrier = CharField(max_length=30)
    tracking = CharField(max_length=40, default="", index=True)
    description = CharField(max_length=100, default="")
    size = CharField(max_length=10, default="small")  # small | medium | large
    shelf = CharField(max_length=20, default="")
    received_at = DateTimeField(default=now)
    received_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    pickup_code = CharField(max_length=10, default="")
    notified_person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    notified = BooleanField(default=False)
    notice = CharField(max_length=300, default="")  # what sending said (why not, when not sent)
    message_id = IntegerField(null=True)
    state = CharField(max_length=10, default="waiting")  # waiting | collected
    collected_at = DateTimeField(null=True)
    collected_by = CharField(max_length=60, default="")
    collected_how = CharField(max_length=10, default="")  # resident | code | note
    collected_note = CharField(max_length=200, default="")
    collected_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    note = TextField(default="")

    class Meta:
        indexes = ((("room", "state"), False), (("state", "received_at"), False))


# --- lost and found (失物招领) -------------------------------------------------------------


class FoundItem(BaseModel):
    """An item found in a community: what, where and when, found by whom, stored where;
    claimed by whom (name, phone, ID tail) and handed over by which staff member, or,
    unclaimed after 90 days, disposed of. `state` is `held`, `claimed` or `disposed`."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    description = CharField(max_length=100)
    place = CharField(max_length=100)
    found_at = DateTimeField()
    found_by = CharField(max_length=60)  # a person's name, or the staff member's
    found_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    stored_at = CharField(max_length=60, default="")
    registered_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    note = TextField(default="")
    state = CharField(max_length=10, default="held")  # held | claimed | disposed
    claimed_by = CharField(max_length=60, default="")
    claimed_phone = CharField(max_length=30, default="")  # normalised; shown masked
    claimed_id_tail = CharField(max_length=6, default="")
    claimed_note = CharField(max_length=200, default="")
    claimed_at = DateTimeField(null=True)
    claimed_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    disposal = CharField(max_length=10, default="")  # police | donated | discarded
    disposal_note = CharField(max_length=200, default="")
    disposed_at = DateTimeField(null=True)
    disposed_staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "found_item"
        indexes = ((("community", "state"), False), (("state", "found_at"), False))

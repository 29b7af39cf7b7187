"""Staff and access: accounts, territories, notes on people, and form drafts."""

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
from data.models.people import Building, Community, Person

# --- staff ---------------------------------------------------------------------------


class Staff(BaseModel):
    """A staff account: desk, tech, supervisor, manager or admin."""

    id = AutoField()
    login = CharField(max_length=40, unique=True)
    name = CharField(max_length=60)
    role = CharField(max_length=12)  # data.vocab.STAFF_ROLES
    phone = CharField(max_length=30, default="")
    community = ForeignKeyField(Community, null=True, backref="staff", on_delete="SET NULL")
    os_login = CharField(max_length=40, null=True, unique=True)  # SSH login mapped to it
    # The phone extension (分机) calls are answered at: the caller-ID pop-up (data.calls.ringing)
    # finds whose session to open by it (migration 0017); unique when set.
    extension = CharField(max_length=12, null=True, unique=True)
    password_hash = CharField(max_length=200, null=True)
    must_change_password = BooleanField(default=False)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)


class Territory(BaseModel):
    """A building in a staff member's territory (地域)."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="territories", on_delete="CASCADE")
    building = ForeignKeyField(Building, backref="territories", on_delete="CASCADE")
    since = DateTimeField(default=now)

    class Meta:
        indexes = ((("staff", "building"), True),)


class PersonNote(BaseModel):
    """A note on a person's timeline, by a staff member."""

    id = AutoField()
    person = ForeignKeyField(Person, backref="notes", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    text = TextField()
    created_at = DateTimeField(default=now, index=True)


# --- drafts (issue 8) ------------------------------------------------------------------------


class Draft(BaseModel):
    """A form's typed but unsaved values, kept when the session hung up (SIGHUP) and offered
    back at the staff member's next sign-in (data.drafts). `values` and `context` are JSON."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="+", on_delete="CASCADE")
    form_key = CharField(max_length=40)  # which form: "person.edit", "workorder.new", …
    title = CharField(max_length=200)
    values = TextField(default="{}")  # field name → typed text
    context = TextField(default="{}")  # what reopening the form needs (a person id, …)
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("staff", "created_at"), False),)

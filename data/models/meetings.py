"""Owners' meetings (业主大会: a meeting, its proposals and the ballots the desk enters twice
or imports) and the owners' committee (业委会: members with terms, its own meetings with
minutes). Migration 0035."""

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
from data.models.people import Community, ParkingSpace, Person, Room
from data.models.staff import Staff


class Meeting(BaseModel):
    """An owners' meeting of a community, convened by the owners' committee and recorded by
    the desk on its behalf: the day, the place ("" when held in writing, 书面征求意见),
    announced on `announced_on` (at least 15 days before, 物业管理条例 art. 14)."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    title = CharField(max_length=100)
    held_on = DateField()
    place = CharField(max_length=100, default="")
    announced_on = DateField()
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)


class Proposal(BaseModel):
    """A proposal put to a meeting, an ordinary (`other`) or a major matter (SPEC §13)."""

    id = AutoField()
    meeting = ForeignKeyField(Meeting, backref="proposals", on_delete="CASCADE")
    seq = IntegerField()
    title = CharField(max_length=200)
    matter = CharField(max_length=8, default="other")


class BallotEntry(BaseModel):
    """One entry of a room's written ballot: `entry` 1 and 2 are two different clerks'
    entries of the same paper (only agreeing entries count), 0 an imported ballot. `choices`
    is JSON {proposal id: yes|no|abstain}. The paper is entered under a room, or under a
    titled parking space (`space`, migration 0036) for a holder who owns no room: exactly
    one of the two is set."""

    id = AutoField()
    meeting = ForeignKeyField(Meeting, backref="+", on_delete="CASCADE", index=False)
    room = ForeignKeyField(Room, null=True, backref="+", on_delete="RESTRICT")
    space = ForeignKeyField(ParkingSpace, null=True, backref="+", on_delete="RESTRICT")
    entry = IntegerField()
    choices = TextField(default="{}")
    entered_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    entered_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("meeting", "room", "entry"), True), (("meeting", "space", "entry"), True))


class CommitteeMember(BaseModel):
    """A member of a community's owners' committee: role director 主任, deputy 副主任 or
    member 委员, and the term."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    person = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    role = CharField(max_length=10, default="member")
    term_start = DateField()
    term_end = DateField()
    created_at = DateTimeField(default=now)


class CommitteeMeeting(BaseModel):
    """A meeting of the owners' committee: on the calendar (`event`), with its minutes."""

    id = AutoField()
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    event = ForeignKeyField(Event, null=True, backref="+", on_delete="SET NULL")
    starts_at = DateTimeField()
    topic = CharField(max_length=100)
    minutes = TextField(default="")
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

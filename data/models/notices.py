"""Notices (公告) to households and community activities (社区活动), issue 19 items 1 and 5:
a notice's targets, the per-household record of who was told how and when, and an
activity's sign-ups by room."""

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
from data.models.calls import CallList, CallListItem, Incident
from data.models.people import Community, Person, Room
from data.models.staff import Staff


class Notice(BaseModel):
    """公告: a text made from a template (data.notices.templates) for some households, with
    when it is published and when it expires. `status` is draft | scheduled | published |
    withdrawn; a published notice past `expires_at` reads as expired."""

    id = AutoField()
    template = CharField(max_length=16)  # data.notices.templates.TEMPLATES
    title = CharField(max_length=120)
    body = TextField()
    community = ForeignKeyField(Community, null=True, backref="+", on_delete="SET NULL")
    status = CharField(max_length=12, default="draft")
    publish_at = DateTimeField(null=True)  # None: when published
    expires_at = DateTimeField(null=True)
    published_at = DateTimeField(null=True)
    withdrawn_at = DateTimeField(null=True)
    incident = ForeignKeyField(Incident, null=True, backref="+", on_delete="SET NULL")
    call_list = ForeignKeyField(CallList, null=True, backref="+", on_delete="SET NULL")
    created_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("status", "publish_at"), False),)


class NoticeTarget(BaseModel):
    """Who a notice is for: a community, a building, an entrance (单元) or a tag on people."""

    id = AutoField()
    notice = ForeignKeyField(Notice, backref="targets", on_delete="CASCADE")
    kind = CharField(max_length=10)  # community | building | entrance | tag
    ref_id = IntegerField()
    label = CharField(max_length=80, default="")


class NoticeDelivery(BaseModel):
    """One household (room) a published notice is for: whom to tell, by which channel,
    and when (and how) they were reached; `reached_at` None means not yet told."""

    id = AutoField()
    notice = ForeignKeyField(Notice, backref="deliveries", on_delete="CASCADE")
    room = ForeignKeyField(Room, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    channel = CharField(max_length=10)  # message | call | none
    number = CharField(max_length=30, default="")
    how = CharField(max_length=10, default="")  # message | call | visit | desk
    reached_at = DateTimeField(null=True)
    call_item = ForeignKeyField(CallListItem, null=True, backref="+", on_delete="SET NULL")
    note = CharField(max_length=200, default="")
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("notice", "room"), True), (("notice", "reached_at"), False))


class Activity(BaseModel):
    """社区活动: an event (运动会, 文化节, 健康讲座) with a date, place and capacity (people)."""

    id = AutoField()
    kind = CharField(max_length=12)  # data.vocab.ACTIVITY_KINDS
    title = CharField(max_length=120)
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    place = CharField(max_length=120, default="")
    starts_at = DateTimeField()
    capacity = IntegerField()
    notice = ForeignKeyField(Notice, null=True, backref="+", on_delete="SET NULL")
    created_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)


class ActivitySignup(BaseModel):
    """A household's sign-up for an activity: how many people, and whether they came."""

    id = AutoField()
    activity = ForeignKeyField(Activity, backref="signups", on_delete="CASCADE")
    room = ForeignKeyField(Room, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    people = IntegerField(default=1)
    attended = BooleanField(default=False)
    signed_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("activity", "room"), True),)

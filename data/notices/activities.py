"""Community activities (社区活动, issue 19 item 5): an event (运动会, 文化节, 健康讲座) with a
date, place and capacity, announced by a 活动通知 notice; sign-ups by household (room),
the capacity enforced, and attendance marked."""

from __future__ import annotations

import datetime as dt

from peewee import JOIN, IntegrityError, fn

from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import Activity, ActivitySignup, Community, Occupancy, Person, Room
from data.notices.notices import _staff, create_notice
from data.notices.templates import when_text
from data.notices.values import ActivityView, SignupRow
from data.validators import clean_text
from data.vocab import ACTIVITY_KINDS

#: The most people one household may sign up.
MAX_PER_HOUSEHOLD = 10
MAX_CAPACITY = 5000


def _activity(activity_id: int) -> Activity:
    row = Activity.get_or_none(Activity.id == activity_id)
    if row is None:
        raise NotFoundError(_("No activity with id {id}.").format(id=activity_id))
    return row


def create_activity(kind: str, title: str, community_id: int, place: str, starts_at: dt.datetime,
                    capacity: int, staff_id: int | None = None, *, announce: bool = True) -> ActivityView:
    """An activity; with `announce`, its draft 活动通知 notice to the whole community."""
    sid = _staff(staff_id)
    if kind not in ACTIVITY_KINDS:
        raise ValidationError("kind", _("Unknown kind of activity: {kind}; use {kinds}.").format(
            kind=str(kind)[:20], kinds=", ".join(ACTIVITY_KINDS)))
    title = clean_text(title, "title", max_length=120)
    if not title:
        raise ValidationError("title", _("Give the activity a name, such as 邻里运动会."))
    place = clean_text(place, "place", max_length=120)
    if not isinstance(starts_at, dt.datetime):
        raise ValidationError("starts_at", _("Give the date and time of the activity."))
    if starts_at <= clock_now():
        raise ValidationError("starts_at", _("The activity must be in the future."))
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError("capacity", _("The capacity is a number of people from 1 to {max}.").format(
            max=MAX_CAPACITY))
    if Community.get_or_none(Community.id == community_id) is None:
        raise NotFoundError(_("No community with id {id}.").format(id=community_id))
    with transaction():
        notice_id = None
        if announce:
            notice_id = create_notice("activity", community_id, [("community", community_id)], {
                "活动": title, "开始时间": when_text(starts_at), "地点": place or "物业服务中心",
                "名额": str(capacity)}, sid, expires_at=starts_at).id
        row = Activity.create(kind=kind, title=title, community=community_id, place=place, starts_at=starts_at,
                              capacity=capacity, notice=notice_id, created_by=sid, created_at=clock_now())
    return get_activity(row.id)


def _views(rows: list[Activity], with_signups: bool = False) -> list[ActivityView]:
    ids = [r.id for r in rows]
    sums = {aid: (int(people or 0), int(homes), int(came or 0)) for aid, people, homes, came in
            ActivitySignup.select(ActivitySignup.activity, fn.SUM(ActivitySignup.people), fn.COUNT(ActivitySignup.id),
                                  fn.SUM(ActivitySignup.attended.cast("integer")))
            .where(ActivitySignup.activity.in_(ids)).group_by(ActivitySignup.activity).tuples()} if ids else {}
    names = dict(Community.select(Community.id, Community.name).tuples())
    out = []
    for r in rows:
        people, homes, came = sums.get(r.id, (0, 0, 0))
        signups: tuple[SignupRow, ...] = ()
        if with_signups:
            signups = tuple(
                SignupRow(s.room_id, s.room_code, s.person_name or "", s.people, s.attended, s.signed_at)
                for s in ActivitySignup.select(ActivitySignup, Room.code.alias("room_code"),
                                               Person.name.alias("person_name"))
                .join(Room, on=(ActivitySignup.room == Room.id)).switch(ActivitySignup)
                .join(Person, JOIN.LEFT_OUTER, on=(ActivitySignup.person == Person.id))
                .where(ActivitySignup.activity == r.id).order_by(Room.code).objects())
        out.append(ActivityView(r.id, r.kind, r.title, names.get(r.community_id, ""), r.place, r.starts_at,
                                r.capacity, people, homes, came, r.notice_id, signups))
    return out


def get_activity(activity_id: int) -> ActivityView:
    return _views([_activity(activity_id)], with_signups=True)[0]


def list_activities(limit: int = 200) -> list[ActivityView]:
    """Activities, the latest first."""
    return _views(list(Activity.select().order_by(Activity.starts_at.desc(), Activity.id.desc())
                       .limit(max(1, min(limit, 1000)))))


def _room(activity: Activity, room: str | int) -> int:
    value = str(room).strip()
    row = Room.get_or_none(Room.community == activity.community_id, Room.code == value)
    if row is None and value.isdigit():
        row = Room.get_or_none(Room.community == activity.community_id, Room.id == int(value))
    if row is None:
        raise ValidationError("room", _("No room {room} in this activity's community.").format(room=value[:40]))
    return row.id


def sign_up(activity_id: int, room: str | int, people: int = 1, staff_id: int | None = None) -> ActivityView:
    """Sign up a household (room code such as 3-2-501) for `people`; refused when the
    activity is full or the household has signed up already."""
    _staff(staff_id)
    if not isinstance(people, int) or not 1 <= people <= MAX_PER_HOUSEHOLD:
        raise ValidationError("people", _("A household signs up 1 to {max} people.").format(max=MAX_PER_HOUSEHOLD))
    with transaction():
        act = _activity(activity_id)
        if act.starts_at <= clock_now():
            raise ValidationError("activity", _("This activity has begun already: sign-ups are closed."))
        room_id = _room(act, room)
        taken = int(ActivitySignup.select(fn.SUM(ActivitySignup.people))
                    .where(ActivitySignup.activity == activity_id).scalar() or 0)
        if taken + people > act.capacity:
            raise ValidationError("people", _("The activity is full: {taken} of {capacity} places taken, {left} left.").format(
                taken=taken, capacity=act.capacity, left=act.capacity - taken))
        person = (Occupancy.select(Occupancy.person).where(Occupancy.room == room_id, Occupancy.end_date.is_null())
                  .order_by(Occupancy.is_primary_contact.desc(), Occupancy.id).scalar())
        try:
            with transaction():
                ActivitySignup.create(activity=activity_id, room=room_id, person=person, people=people,
                                      signed_at=clock_now())
        except IntegrityError:
            raise ValidationError("room", _("Room {room} has signed up already.").format(room=str(room)[:40])) from None
    return get_activity(activity_id)


def mark_attended(activity_id: int, room: str | int, attended: bool = True,
                  staff_id: int | None = None) -> ActivityView:
    """Mark whether a signed-up household came."""
    _staff(staff_id)
    with transaction():
        room_id = _room(_activity(activity_id), room)
        done = ActivitySignup.update(attended=attended).where(
            ActivitySignup.activity == activity_id, ActivitySignup.room == room_id).execute()
    if not done:
        raise ValidationError("room", _("Room {room} did not sign up for this activity.").format(room=str(room)[:40]))
    return get_activity(activity_id)

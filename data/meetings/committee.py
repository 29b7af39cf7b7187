"""The owners' committee (业委会, issue 19 item 4): members with their role and term, the
terms ending soon, and the committee's own meetings on the calendar with their minutes. Its
requests are work orders of their own kind ("committee", data.vocab)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from data import access
from data.clock import now as clock_now
from data.clock import today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import (
    CommitteeMeeting,
    CommitteeMember,
    Community,
    Event,
    Notification,
    Person,
    Staff,
    WorkOrder,
)
from data.validators import clean_text

ROLES = {"director": "主任", "deputy": "副主任", "member": "委员"}
ROLE_WORDS = {zh: code for code, zh in ROLES.items()}
#: Terms ending within this many days are listed as expiring (time to organise an election).
EXPIRY_DAYS = 60


@dataclass(frozen=True)
class MemberRow:
    id: int
    community: str
    person_id: int
    name: str
    role: str
    term_start: dt.date
    term_end: dt.date

    @property
    def role_text(self) -> str:
        return ROLES.get(self.role, self.role)

    def as_json(self) -> dict:
        return asdict(self) | {"role_text": self.role_text, "term_start": self.term_start.isoformat(),
                               "term_end": self.term_end.isoformat()}


@dataclass(frozen=True)
class CommitteeMeetingRow:
    id: int
    community: str
    starts_at: dt.datetime
    topic: str
    minutes: str
    event_id: int | None

    def as_json(self) -> dict:
        return asdict(self) | {"starts_at": self.starts_at.isoformat(sep=" ", timespec="minutes")}


@dataclass(frozen=True)
class RequestRow:
    """A request of the committee still being worked on: a work order of kind "committee"."""

    id: int
    number: str
    title: str
    status: str
    created_at: dt.datetime


def _community(community_id: int) -> Community:
    row = Community.get_or_none(Community.id == community_id)
    if row is None:
        raise NotFoundError(_("No such community."))
    return row


def add_member(community_id: int, person_id: int, role: str, term_start: dt.date, term_end: dt.date,
               staff_id: int | None = None) -> MemberRow:
    """Record a member of a community's committee for a term."""
    access.require("meetings.record", staff_id)
    _community(community_id)
    role = _role(role)
    if Person.get_or_none(Person.id == person_id) is None:
        raise NotFoundError(_("No such person."))
    _check_term(term_start, term_end)
    if CommitteeMember.select().where(
            CommitteeMember.community == community_id, CommitteeMember.person == person_id,
            CommitteeMember.term_end >= today()).exists():
        raise ValidationError("person", _("{name} is a member of this committee already: change their role or "
                                          "term instead (e).").format(
            name=Person.select(Person.name).where(Person.id == person_id).scalar()))
    with transaction():
        row = CommitteeMember.create(community=community_id, person=person_id, role=role, term_start=term_start,
                                     term_end=term_end)
    return _members(CommitteeMember.id == row.id)[0]


def _role(role: str) -> str:
    role = ROLE_WORDS.get(role, role)
    if role not in ROLES:
        raise ValidationError("role", _("A member is 主任, 副主任 or 委员."))
    return role


#: The longest term of a committee (业委会每届任期不超过5年).
MAX_TERM_YEARS = 5


def _check_term(term_start: dt.date | None, term_end: dt.date | None) -> None:
    if term_start is None:
        raise ValidationError("term_start", _("Give the first day of the term as YYYY-MM-DD."))
    if term_end is None:
        raise ValidationError("term_end", _("Give the last day of the term as YYYY-MM-DD."))
    if term_end <= term_start:
        raise ValidationError("term_end", _("The term must end after it starts."))
    if term_end > _years_later(term_start, MAX_TERM_YEARS):  # 业主大会议事规则: a term is at most 5 years
        raise ValidationError("term_end", _(
            "A committee term is at most {years} years: from {start} it ends by {last} at the latest.").format(
            years=MAX_TERM_YEARS, start=f"{term_start:%Y-%m-%d}",
            last=f"{_years_later(term_start, MAX_TERM_YEARS):%Y-%m-%d}"))


def _years_later(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February: 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _member(member_id: int) -> CommitteeMember:
    row = CommitteeMember.get_or_none(CommitteeMember.id == member_id)
    if row is None:
        raise NotFoundError(_("No such committee member: removed meanwhile?"))
    return row


def change_member(member_id: int, role: str, term_start: dt.date, term_end: dt.date,
                  staff_id: int | None = None) -> MemberRow:
    """A member's role or term changed (an election re-elected them, a 委员 became 副主任)."""
    access.require("meetings.record", staff_id)
    row = _member(member_id)
    role = _role(role)
    _check_term(term_start, term_end)
    with transaction():
        CommitteeMember.update(role=role, term_start=term_start, term_end=term_end).where(
            CommitteeMember.id == row.id).execute()
    return _members(CommitteeMember.id == row.id)[0]


def end_member(member_id: int, staff_id: int | None = None) -> str:
    """A membership ended today (resigned, moved away): the term ends yesterday, so the
    member is no longer listed; a term that had not started yet is removed. Returns the
    member's name."""
    access.require("meetings.record", staff_id)
    row = _member(member_id)
    name = Person.select(Person.name).where(Person.id == row.person_id).scalar() or ""
    yesterday = today() - dt.timedelta(days=1)
    with transaction():
        if row.term_start > yesterday:
            CommitteeMember.delete().where(CommitteeMember.id == row.id).execute()
        elif row.term_end > yesterday:
            CommitteeMember.update(term_end=yesterday).where(CommitteeMember.id == row.id).execute()
    return name


def _members(*where) -> list[MemberRow]:
    order = {code: n for n, code in enumerate(ROLES)}
    rows = [MemberRow(m.id, m.cname, m.person_id, m.pname, m.role, m.term_start, m.term_end)
            for m in CommitteeMember.select(CommitteeMember, Community.name.alias("cname"), Person.name.alias("pname"))
            .join(Community, on=(CommitteeMember.community == Community.id))
            .switch(CommitteeMember).join(Person, on=(CommitteeMember.person == Person.id))
            .where(*where).objects()]
    return sorted(rows, key=lambda r: (r.community, order.get(r.role, 9), r.name))


def members(community_id: int | None = None, staff_id: int | None = None) -> list[MemberRow]:
    """The committee's members whose term has not ended, 主任 first."""
    access.require("meetings.view", staff_id)
    where = [CommitteeMember.term_end >= today()]
    if community_id is not None:
        where.append(CommitteeMember.community == community_id)
    return _members(*where)


def expiring(community_id: int | None = None, days: int = EXPIRY_DAYS, staff_id: int | None = None) -> list[MemberRow]:
    """Members whose term ends within `days` (60) from today: the committee must prepare an
    election (the reminder the screen and `committee expiring` show)."""
    access.require("meetings.view", staff_id)
    where = [CommitteeMember.term_end >= today(), CommitteeMember.term_end <= today() + dt.timedelta(days=days)]
    if community_id is not None:
        where.append(CommitteeMember.community == community_id)
    return sorted(_members(*where), key=lambda r: r.term_end)


def record_meeting(community_id: int, starts_at: dt.datetime, topic: str, minutes: str = "", *,
                   staff_id: int) -> CommitteeMeetingRow:
    """A committee meeting: booked on the calendar (a 会议 of two hours, the clerk recording it
    attending for the desk) with its minutes."""
    from data.calendar import create_event
    from data.events import EventInput

    access.require("meetings.record", staff_id)
    community = _community(community_id)
    topic = clean_text(topic, "topic", max_length=100)
    if not topic:
        raise ValidationError("topic", _("Give the meeting's topic."))
    minutes = clean_text(minutes or "", "minutes", multiline=True, max_length=10000)
    with transaction():
        event_id, _conflicts = create_event(EventInput(
            kind="meeting", title=f"业委会会议：{topic}"[:120], start=starts_at,
            end=starts_at + dt.timedelta(hours=2), attendee_ids=[staff_id], location=community.name,
            description=minutes), staff_id, force=True)
        row = CommitteeMeeting.create(community=community_id, event=event_id, starts_at=starts_at, topic=topic,
                                      minutes=minutes, created_by=staff_id)
    return CommitteeMeetingRow(row.id, community.name, starts_at, topic, minutes, event_id)


def committee_meetings(community_id: int | None = None, staff_id: int | None = None) -> list[CommitteeMeetingRow]:
    """The committee's meetings, the latest first."""
    access.require("meetings.view", staff_id)
    query = (CommitteeMeeting.select(CommitteeMeeting, Community.name.alias("cname"))
             .join(Community, on=(CommitteeMeeting.community == Community.id)))
    if community_id is not None:
        query = query.where(CommitteeMeeting.community == community_id)
    return [CommitteeMeetingRow(r.id, r.cname, r.starts_at, r.topic, r.minutes, r.event_id)
            for r in query.order_by(CommitteeMeeting.starts_at.desc()).limit(200).objects()]


def get_committee_meeting(meeting_id: int, staff_id: int | None = None) -> CommitteeMeetingRow:
    """One committee meeting with its minutes."""
    access.require("meetings.view", staff_id)
    rows = [CommitteeMeetingRow(r.id, r.cname, r.starts_at, r.topic, r.minutes, r.event_id)
            for r in CommitteeMeeting.select(CommitteeMeeting, Community.name.alias("cname"))
            .join(Community, on=(CommitteeMeeting.community == Community.id))
            .where(CommitteeMeeting.id == meeting_id).objects()]
    if not rows:
        raise NotFoundError(_("No such committee meeting."))
    return rows[0]


def save_minutes(meeting_id: int, minutes: str, *, staff_id: int | None = None) -> CommitteeMeetingRow:
    """The minutes of a committee meeting written (or corrected): kept with the meeting and
    as its calendar entry's description."""
    access.require("meetings.record", staff_id)
    row = CommitteeMeeting.get_or_none(CommitteeMeeting.id == meeting_id)
    if row is None:
        raise NotFoundError(_("No such committee meeting."))
    minutes = clean_text(minutes or "", "minutes", multiline=True, max_length=10000)
    with transaction():
        CommitteeMeeting.update(minutes=minutes).where(CommitteeMeeting.id == row.id).execute()
        if row.event_id is not None:
            Event.update(description=minutes, version=Event.version + 1).where(Event.id == row.event_id).execute()
    return get_committee_meeting(meeting_id, staff_id)


#: A committee request is still open in these statuses (not yet closed or cancelled).
REQUEST_DONE = ("closed", "cancelled")


def committee_requests(community_id: int, staff_id: int | None = None, limit: int = 100) -> list[RequestRow]:
    """The committee's requests (work orders of kind "committee") not yet closed, oldest first."""
    access.require("meetings.view", staff_id)
    query = (WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.title, WorkOrder.status, WorkOrder.created_at)
             .where(WorkOrder.kind == "committee", WorkOrder.community == community_id,
                    WorkOrder.status.not_in(REQUEST_DONE))
             .order_by(WorkOrder.created_at, WorkOrder.id).limit(max(1, min(limit, 500))))
    return [RequestRow(o.id, o.number, o.title, o.status, o.created_at) for o in query]


def notify_expiring_terms(days: int = EXPIRY_DAYS) -> int:
    """Tell the desk that a committee member's term ends within `days` (60): one notification
    of kind "committee" to each active desk account of the community (or of every
    community), once per member, term and account — its dedupe key names the term's end, so
    a new term is told again when it too nears its end. Safe to run every minute from
    several sessions (the session sweep, `frontdesk remind`). Returns how many were sent."""
    from data.access import DESK

    start = today()
    ending = _members(CommitteeMember.term_end >= start,
                      CommitteeMember.term_end <= start + dt.timedelta(days=days))
    if not ending:
        return 0
    rows = {m.id: m for m in ending}
    community_of = {m.id: m.community_id for m in CommitteeMember.select(
        CommitteeMember.id, CommitteeMember.community).where(CommitteeMember.id.in_(list(rows)))}
    desk = list(Staff.select(Staff.id, Staff.community).where(Staff.role == DESK, Staff.active == True))  # noqa: E712
    wanted: dict[str, dict] = {}
    at = clock_now()
    for member_id, m in rows.items():
        for s in desk:
            if s.community_id is not None and s.community_id != community_of[member_id]:
                continue
            key = f"committee:{member_id}:{m.term_end:%Y%m%d}:{s.id}"
            wanted[key] = {
                "staff": s.id, "kind": "committee",
                "title": _("Committee term ending: {community} {role} {name}, on {date} ({days} days left)").format(
                    community=m.community, role=m.role_text, name=m.name, date=f"{m.term_end:%Y-%m-%d}",
                    days=(m.term_end - start).days)[:200],
                "body": _("Time to prepare the committee's election (业委会换届)."),
                "entity": "committee", "entity_id": community_of[member_id], "dedupe_key": key, "created_at": at,
            }
    if not wanted:
        return 0
    with transaction():
        told = {n.dedupe_key for n in Notification.select(Notification.dedupe_key).where(
            Notification.dedupe_key.in_(list(wanted)))}
        new = [v for k, v in wanted.items() if k not in told]
        if new:
            Notification.insert_many(new).on_conflict_ignore().execute()
    return len(new)

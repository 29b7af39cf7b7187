"""The owners' committee (业委会, issue 19 item 4): members with their role and term, the
terms ending soon, and the committee's own meetings on the calendar with their minutes. Its
requests are work orders of their own kind ("committee", data.vocab)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from data import access
from data.clock import today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import CommitteeMeeting, CommitteeMember, Community, Person
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
    role = ROLE_WORDS.get(role, role)
    if role not in ROLES:
        raise ValidationError("role", _("A member is 主任, 副主任 or 委员."))
    if Person.get_or_none(Person.id == person_id) is None:
        raise NotFoundError(_("No such person."))
    if term_end <= term_start:
        raise ValidationError("term_end", _("The term must end after it starts."))
    with transaction():
        row = CommitteeMember.create(community=community_id, person=person_id, role=role, term_start=term_start,
                                     term_end=term_end)
    return _members(CommitteeMember.id == row.id)[0]


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

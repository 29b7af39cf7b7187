"""访客登记: visitors registered at the gate or the desk — who (name, phone, ID number,
plate), the room visited, why, when in and out; the owner called to confirm; the day's list
with those still inside first; a plate or phone seen before fills the rest; and the
retention purge of old visits' ID numbers and plates.

ID numbers are never handed out in full by a list: views carry them masked, and only a
role that may see ID numbers gets one in full through `reveal_visitors`, recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from peewee import JOIN, Case, fn

from data import access, audit
from data.clock import now as clock_now
from data.clock import today as clock_today
from data.db import transaction
from data.dialout import DialResult, dial, dial_command
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.idnumbers import mask_id_number, validate_id_number
from data.models import AuditLog, Community, Person, Room, Staff, Visitor
from data.property.contacts import call_numbers
from data.registers.common import (
    STALE_AFTER,
    RoomRef,
    folded,
    optional_phone,
    optional_plate,
    resolve_one_room,
    room_people,
    room_ref,
    shown_plate,
)
from data.search_gate import count_whole_search, phone_match
from data.validators import clean_text, mask_phone, parse_plate_query

if TYPE_CHECKING:
    from data.handover import HandoverItem

#: Visitors a page of the day's list holds.
PAGE = 50
#: Look-ups of whom to call to confirm a visit (`person_to_call`) one account may make in
#: an hour: a guard cannot build a directory of owners' numbers from them.
CONFIRM_LOOKUPS_PER_HOUR = 30
#: The audit trail's field of those look-ups (what the limit counts).
CONFIRM_FIELD = "confirm_call"


@dataclass(frozen=True)
class VisitorInput:
    """What the visitor form or `visitors in` says. `room_id`: a room a picker already
    chose (the typed code in two communities); else `room` in `community`."""

    name: str
    room: str = ""
    community: int | str | None = None
    phone: str = ""
    id_number: str = ""
    plate: str = ""
    purpose: str = ""
    time_in: dt.datetime | None = None
    room_id: int | None = None


@dataclass(frozen=True)
class VisitorView:
    """One visit as lists and cards show it; the ID number only masked."""

    id: int
    name: str
    phone: str  # normalised, in full: shown masked (data.privacy) unless revealed
    id_masked: str  # "" when none was given (or purged)
    plate: str  # normalised, "" when none
    community_id: int
    community: str
    room_id: int
    room: str
    purpose: str
    time_in: dt.datetime
    time_out: dt.datetime | None
    staff: str
    signed_out_by: str
    confirmed_at: dt.datetime | None
    confirmed_by: str
    confirmed_name: str
    purged_at: dt.datetime | None
    #: Never signed out and in for longer than STALE_AFTER: 未签退, not inside.
    not_signed_out: bool = False

    @property
    def inside(self) -> bool:
        return self.time_out is None and not self.not_signed_out

    @property
    def place(self) -> str:
        return f"{self.community} {self.room}"

    @property
    def plate_shown(self) -> str:
        return shown_plate(self.plate)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    def as_json(self, *, phone: str | None = None, id_number: str | None = None) -> dict:
        """The visit for `--json`: phone and ID number masked unless given in full."""
        return {
            "id": self.id, "name": self.name,
            "phone": phone if phone is not None else self.phone_masked,
            "id_number": id_number if id_number is not None else self.id_masked,
            "plate": self.plate_shown, "community": self.community, "room": self.room,
            "purpose": self.purpose, "time_in": _stamp(self.time_in),
            "time_out": _stamp(self.time_out), "inside": self.inside,
            "not_signed_out": self.not_signed_out, "registered_by": self.staff,
            "signed_out_by": self.signed_out_by or None,
            "confirmed_at": _stamp(self.confirmed_at), "confirmed_by": self.confirmed_by or None,
            "confirmed_name": self.confirmed_name or None, "purged": self.purged_at is not None,
        }


@dataclass(frozen=True)
class VisitorPage:
    rows: list[VisitorView]
    next_cursor: tuple | None  # pass as `after` for the next page; None on the last page
    inside: int  # of the whole list (every page), still inside


@dataclass(frozen=True)
class VisitorPrefill:
    """What a plate or phone seen before fills in: the last visit's name, phone, room."""

    visit_id: int
    name: str
    phone: str
    plate: str
    room_id: int
    room: str
    community_id: int
    community: str
    purpose: str
    last_seen: dt.datetime

    @property
    def phone_masked(self) -> str:
        """The phone as a role without reveal.phone sees it in the form."""
        return mask_phone(self.phone) if self.phone else ""


@dataclass(frozen=True)
class PersonToCall:
    """Whom to call about a visit: someone of the room and the number to dial (theirs, or
    their chosen contact's) — masked for a role that may not reveal numbers (the gate):
    `call_to_confirm` dials the whole number without handing it out."""

    person_id: int
    name: str
    role: str
    number: str
    masked: bool = False


@dataclass(frozen=True)
class ConfirmCall:
    """Whom `call_to_confirm` called, and how running the dial command went (None: no
    dial command is configured)."""

    person: PersonToCall
    result: DialResult | None


@dataclass(frozen=True)
class ConfirmLookup:
    """Whom to call to confirm a visit, looked up (recorded, counted: `look_up_to_confirm`):
    `person` as the account may see them; the whole number to dial stays inside, for
    `dial_to_confirm` (never shown, never in a repr)."""

    person: PersonToCall
    _number: str = field(repr=False)


@dataclass(frozen=True)
class RevealedVisitor:
    phone: str
    id_number: str


def _stamp(value: dt.datetime | None) -> str | None:
    return f"{value:%Y-%m-%d %H:%M}" if value else None


# --- reading -----------------------------------------------------------------------------------


def _query():
    staff, out_by, confirmed_by = Staff.alias(), Staff.alias(), Staff.alias()
    return (
        Visitor.select(Visitor, Room.code.alias("room_code"), Community.name.alias("community_name"),
                       staff.name.alias("staff_name"), out_by.name.alias("out_name"),
                       confirmed_by.name.alias("confirmed_staff"))
        .join(Room, on=(Visitor.room == Room.id))
        .switch(Visitor).join(Community, on=(Visitor.community == Community.id))
        .switch(Visitor).join(staff, JOIN.LEFT_OUTER, on=(Visitor.staff == staff.id))
        .switch(Visitor).join(out_by, JOIN.LEFT_OUTER, on=(Visitor.signed_out_by == out_by.id))
        .switch(Visitor).join(confirmed_by, JOIN.LEFT_OUTER, on=(Visitor.confirmed_by == confirmed_by.id))
    )


def _view(row, now: dt.datetime | None = None) -> VisitorView:
    stale_before = (now or clock_now()) - STALE_AFTER
    return VisitorView(
        id=row.id, name=row.name, phone=row.phone,
        id_masked=mask_id_number(row.id_number) if row.id_number else "",
        plate=row.plate, community_id=row.community_id, community=row.community_name,
        room_id=row.room_id, room=row.room_code, purpose=row.purpose, time_in=row.time_in,
        time_out=row.time_out, staff=row.staff_name or "", signed_out_by=row.out_name or "",
        confirmed_at=row.confirmed_at, confirmed_by=row.confirmed_staff or "",
        confirmed_name=row.confirmed_name, purged_at=row.purged_at,
        not_signed_out=row.time_out is None and row.time_in < stale_before,
    )


def get_visitor(visit_id: int) -> VisitorView:
    """One visit; NotFoundError when there is none."""
    access.require("visitor.register")
    row = _query().where(Visitor.id == visit_id).objects().first()
    if row is None:
        raise NotFoundError(_("No visitor record #{id}.").format(id=visit_id))
    return _view(row)


def _still_inside(now: dt.datetime):
    """Not signed out, and in for less than STALE_AFTER (older ones are 未签退)."""
    return Visitor.time_out.is_null() & (Visitor.time_in >= now - STALE_AFTER)


def _inside(now: dt.datetime):
    return Case(None, [(_still_inside(now), 1)], 0)


def _phone_where(query: str, *, count: bool):
    """The phone part of a search (data.search_gate.phone_match): typed digits (spaces and
    hyphens allowed) match the last 4 digits or the whole number; a longer tail only for
    roles that may reveal numbers. A hyphenated text is a room code too (3-2-501): short
    of a tail or a whole number it searches no phone, without refusing."""
    text = folded(query)
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits or len(digits) != len(text.replace(" ", "").replace("-", "")):
        return None
    return phone_match(Visitor.phone, digits, count=count, refuse="-" not in text)


def _day_where(day: dt.date, inside_only: bool, community_id: int | None, query: str,
               now: dt.datetime, phone=None):
    start = dt.datetime.combine(day, dt.time())
    end = start + dt.timedelta(days=1)
    on_day = (Visitor.time_in >= start) & (Visitor.time_in < end)
    if day == clock_today():
        # Today's list also holds whoever came in earlier and is still inside (one not
        # signed out for a day is 未签退 in the list of the day they came).
        on_day = on_day | (_still_inside(now) & (Visitor.time_in < end))
    where = on_day
    if inside_only:
        where = where & _still_inside(now)
    if community_id is not None:
        where = where & (Visitor.community == community_id)
    text = folded(query)
    if text:
        match = Visitor.name.contains(text) | Room.code.startswith(text)
        if phone is not None:
            match = match | phone
        plate = parse_plate_query(text)
        if plate and len(plate) >= 3:
            match = match | Visitor.plate.contains(plate)
        where = where & match
    return where


def visitors_day(day: dt.date | None = None, *, inside_only: bool = False, query: str = "",
                 community_id: int | None = None, after: tuple | None = None,
                 limit: int = PAGE) -> VisitorPage:
    """The day's visitors (today by default), those still inside first, then the latest in
    first; a keyset page of `limit` at a time (`after`: the page's `next_cursor`). `query`
    narrows by name, room code, phone digits or plate: the last 4 digits or the whole
    number (counted, as an owner search's), a longer tail only for roles that may reveal
    numbers (else ValidationError)."""
    access.require("visitor.register")
    day = day or clock_today()
    now = clock_now()
    phone = _phone_where(query, count=after is None)
    where = _day_where(day, inside_only, community_id, query, now, phone)
    inside = _inside(now)
    rows_query = _query().where(where)
    if after is not None:
        flag, time_in, last_id = after
        rows_query = rows_query.where(
            (inside < flag)
            | ((inside == flag) & ((Visitor.time_in < time_in)
                                   | ((Visitor.time_in == time_in) & (Visitor.id < last_id)))))
    rows = list(rows_query.order_by(inside.desc(), Visitor.time_in.desc(), Visitor.id.desc())
                .limit(limit + 1).objects())
    more = len(rows) > limit
    views = [_view(r, now) for r in rows[:limit]]
    cursor = None
    if more and views:
        last = views[-1]
        cursor = (1 if last.inside else 0, last.time_in, last.id)
    count = (Visitor.select(fn.COUNT(Visitor.id)).join(Room, on=(Visitor.room == Room.id))
             .where(_day_where(day, True, community_id, query, now, phone)).scalar())
    return VisitorPage(views, cursor, int(count or 0))


def handover_items(now: dt.datetime, community_ids: list[int] | None) -> list[HandoverItem]:
    """The shift handover's section (data.handover registers it): visitors still inside in
    the communities, the longest inside first — who and where, never a plate or an ID
    number (the handover is kept, retention never reaches it); a visit not signed out for
    STALE_AFTER is not inside. Nothing for a role that may not keep the register."""
    if not access.can("visitor.register"):
        return []
    from data.handover import MAX_ITEMS, MORE, HandoverItem, place

    where = _still_inside(now) & (Visitor.time_in <= now)
    if community_ids is not None:
        where = where & Visitor.community.in_(community_ids)
    total = Visitor.select().where(where).count()
    rows = list(_query().where(where).order_by(Visitor.time_in, Visitor.id).limit(MAX_ITEMS).objects())
    items = []
    for r in rows:
        came = f"{r.time_in:%H:%M}" if r.time_in.date() == now.date() else f"{r.time_in:%m-%d %H:%M}"
        parts = [_("in since {at}").format(at=came), r.name,
                 place(r.community_name, r.room_code, community_ids), " ".join(r.purpose.split())[:20]]
        items.append(HandoverItem(" · ".join(p for p in parts if p),
                                  _("visit #{id}").format(id=r.id), "visitor", r.id))
    if total > len(items):
        items.append(HandoverItem(_("… and {count} more").format(count=total - len(items)), entity=MORE))
    return items


def _prefill(where) -> VisitorPrefill | None:
    row = (_query().where(where & Visitor.purged_at.is_null())
           .order_by(Visitor.time_in.desc(), Visitor.id.desc()).limit(1).objects().first())
    if row is None:
        return None
    return VisitorPrefill(row.id, row.name, row.phone, row.plate, row.room_id, row.room_code,
                          row.community_id, row.community_name, row.purpose, row.time_in)


def visitor_by_plate(plate: str) -> VisitorPrefill | None:
    """The last visit of a car with this plate (name, phone, room visited), or None: a
    plate seen before fills the rest of the form. A plate that is not one is None."""
    access.require("visitor.register")
    try:
        value = optional_plate(plate)
    except ValidationError:
        return None
    if not value:
        return None
    return _prefill(Visitor.plate == value)


def visitor_by_phone(phone: str) -> VisitorPrefill | None:
    """The last visit of someone with this phone number, or None. Only for roles that may
    reveal numbers (the gate, seeing numbers masked, could otherwise guess the hidden
    digits of a masked number one try at a time and learn which one is a visitor's), and
    counted like a whole-number search (ValidationError beyond the limit)."""
    access.require("visitor.register")
    if not access.can("reveal.phone"):
        return None
    try:
        value = optional_phone(phone)
    except ValidationError:
        return None
    if not value:
        return None
    actor = access.actor_for(None)
    if actor is not None:
        refused = count_whole_search(actor.id)
        if refused:
            raise ValidationError("phone", refused)
    return _prefill(Visitor.phone == value)


def reveal_prefill_phone(visit_id: int, staff_id: int | None = None) -> None:
    """A phone seen before filled into the new-visitor form in full: recorded in the audit
    trail as a reveal of that visit's phone (as the owner card's reveal is)."""
    access.require("reveal.phone", staff_id)
    with transaction():
        audit.record("reveal", "visitor", visit_id, "phone", staff_id=staff_id)


def reveal_visitors(visit_ids: list[int], staff_id: int | None = None) -> dict[int, RevealedVisitor]:
    """The phones and ID numbers of some visits in full, for a role that may see ID
    numbers; each visit shown is recorded in the audit trail as a reveal."""
    access.require("reveal.id", staff_id)
    wanted = list(dict.fromkeys(visit_ids))
    if not wanted:
        return {}
    found = {row.id: RevealedVisitor(row.phone, row.id_number or "")
             for row in Visitor.select(Visitor.id, Visitor.phone, Visitor.id_number)
             .where(Visitor.id.in_(wanted))}
    with transaction():
        for visit_id in wanted:
            if visit_id in found:
                audit.record("reveal", "visitor", visit_id, "id_number", staff_id=staff_id)
    return found


# --- writing -----------------------------------------------------------------------------------


def _actor(staff_id: int | None) -> int:
    actor = staff_id if staff_id is not None else access.current_id()
    if actor is None:
        raise ValidationError("staff", _("A visitor is registered by a staff member: sign in first."))
    return actor


def register_visitor(data: VisitorInput, staff_id: int | None = None) -> VisitorView:
    """Register a visitor coming in. Name and room are needed; the phone, ID number
    (GB 11643, checked) and plate are checked when given. A room code that is in several
    communities is refused naming them (the screen asks which)."""
    access.require("visitor.register", staff_id)
    name = clean_text(data.name or "", "name", max_length=60)
    if not name:
        raise ValidationError("name", _("Give the visitor's name."))
    phone = optional_phone(data.phone)
    id_text = clean_text(data.id_number or "", "id_number", max_length=30)
    id_number = validate_id_number(id_text) if id_text else None
    plate = optional_plate(data.plate)
    purpose = clean_text(data.purpose or "", "purpose", max_length=100)
    room: RoomRef = resolve_one_room(data.room, data.community, data.room_id)
    at = data.time_in or clock_now()
    if at > clock_now() + dt.timedelta(minutes=5):
        raise ValidationError("time_in", _("A visitor cannot come in later than now."))
    actor = _actor(staff_id)
    with transaction():
        row = Visitor.create(name=name, phone=phone, id_number=id_number, plate=plate,
                             community=room.community_id, room=room.id, purpose=purpose,
                             time_in=at.replace(second=0, microsecond=0), staff=actor,
                             created_at=clock_now())
    return get_visitor(row.id)


def sign_out(visit_id: int, staff_id: int | None = None, at: dt.datetime | None = None) -> VisitorView:
    """The visitor goes out now (or `at`); refused when they went out already."""
    access.require("visitor.register", staff_id)
    actor = _actor(staff_id)
    with transaction():
        row = Visitor.get_or_none(Visitor.id == visit_id)
        if row is None:
            raise NotFoundError(_("No visitor record #{id}.").format(id=visit_id))
        if row.time_out is not None:
            raise ValidationError("time_out", _("{name} went out already, at {time}.").format(
                name=row.name, time=f"{row.time_out:%m-%d %H:%M}"))
        out = (at or clock_now()).replace(second=0, microsecond=0)
        if out < row.time_in:
            raise ValidationError("time_out", _("The time out cannot be before the time in ({time}).").format(
                time=f"{row.time_in:%m-%d %H:%M}"))
        Visitor.update(time_out=out, signed_out_by=actor).where(Visitor.id == visit_id).execute()
    return get_visitor(visit_id)


def _record_confirm_lookup(staff_id: int | None, person_id: int, visit_id: int, whole: bool) -> None:
    """Record a look-up of whom to call (a reveal when the number is given in full), or
    refuse it (recorded) when the account made CONFIRM_LOOKUPS_PER_HOUR in the last hour,
    saying when one is possible again. The count is the audit trail's, so parallel
    processes share it."""
    actor = access.actor_for(staff_id)
    times: list[dt.datetime] = []
    with transaction():
        if actor is not None:
            since = clock_now() - dt.timedelta(hours=1)
            times = [row.at for row in AuditLog.select(AuditLog.at).where(
                (AuditLog.staff == actor.id) & (AuditLog.field == CONFIRM_FIELD)
                & AuditLog.action.in_(("reveal", "lookup")) & (AuditLog.at > since))]
        if len(times) >= CONFIRM_LOOKUPS_PER_HOUR:
            audit.record("refused", "person", 0, CONFIRM_FIELD, staff_id=actor.id if actor else None)
        else:
            audit.record("reveal" if whole else "lookup", "person", person_id, CONFIRM_FIELD,
                         staff_id=staff_id, new=_("to confirm visitor #{id}").format(id=visit_id))
            return
    again = min(times) + dt.timedelta(hours=1)
    raise ValidationError("visitor", _(
        "More than {count} look-ups of whom to call about visitors in an hour: the next is "
        "possible at {time}. (This is recorded.)").format(
        count=CONFIRM_LOOKUPS_PER_HOUR, time=f"{again:%H:%M}"))


def _person_to_call(visit_id: int, staff_id: int | None) -> tuple[PersonToCall, str]:
    """(whom to call, as the account may see it; the whole number to dial)."""
    access.require("visitor.register", staff_id)
    row = Visitor.get_or_none(Visitor.id == visit_id)
    if row is None:
        raise NotFoundError(_("No visitor record #{id}.").format(id=visit_id))
    people = room_people(row.room_id)
    numbers = call_numbers(p.person_id for p in people)
    for person in people:
        number = numbers.get(person.person_id, "")
        if number:
            whole = access.can("reveal.phone", staff_id)
            _record_confirm_lookup(staff_id, person.person_id, visit_id, whole)
            shown = number if whole else mask_phone(number)
            return PersonToCall(person.person_id, person.name, person.role, shown, not whole), number
    where = room_ref(row.room_id).label
    if not people:
        raise NotFoundError(_("Nobody is on record for {room}: the visit cannot be confirmed by phone.").format(
            room=where))
    raise NotFoundError(_("Nobody of {room} has a phone on record: ask the visitor to call them.").format(
        room=where))


def person_to_call(visit_id: int, staff_id: int | None = None) -> PersonToCall:
    """Whom to call to confirm a visit, and the number to dial: the room's owner (then a
    tenant, then family) who has a phone, or their chosen contact's phone — in full only
    for a role that may reveal numbers, masked for the gate. Each look-up is recorded in
    the audit trail and counted: CONFIRM_LOOKUPS_PER_HOUR an hour per account."""
    return _person_to_call(visit_id, staff_id)[0]


def look_up_to_confirm(visit_id: int, staff_id: int | None = None) -> ConfirmLookup:
    """Whom to call to confirm a visit, as `person_to_call` (recorded, counted: a write,
    which may wait for another desk), for `dial_to_confirm` to dial once it is recorded."""
    person, number = _person_to_call(visit_id, staff_id)
    return ConfirmLookup(person, number)


def dial_to_confirm(lookup: ConfirmLookup) -> ConfirmCall:
    """Run the configured dial command with the whole number `lookup` holds (it may take
    seconds; nothing is written): the gate is shown it masked, what the dial says too."""
    person = lookup.person
    command = dial_command()
    if not command:
        return ConfirmCall(person, None)
    result = dial(command, lookup._number)
    if person.masked:  # what the dial says ("Dialling 13800138000 …") names it masked too
        result = DialResult(result.ok, _mask_digit_runs(result.message, person.number))
    return ConfirmCall(person, result)


def call_to_confirm(visit_id: int, staff_id: int | None = None) -> ConfirmCall:
    """Look up whom to call to confirm a visit (as `person_to_call`: recorded, counted) and
    run the configured dial command with their whole number, which stays here: the gate
    is shown it masked. (A screen does the two apart: `look_up_to_confirm`, a write, then
    `dial_to_confirm`, the command, each in its own worker.)"""
    return dial_to_confirm(look_up_to_confirm(visit_id, staff_id))


#: A run of digits the dial command may print a number as: +86 138 0013 8000, 0571-8888-1234,
#: 156  0647  3775, 156/0647/3775, (0571) 8888 1234… — up to three separators between two digits.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s./\\\-()_,:]{0,3}\d){6,}")


def _mask_digit_runs(text: str, masked: str) -> str:
    """`text` with every run of 7 or more digits (up to three spaces, hyphens, dots, slashes, brackets… between two)
    written as `masked`: however the dial command prints the number, the gate does not
    learn it."""
    return _DIGIT_RUN.sub(lambda _m: masked, text)


def confirm_visit(visit_id: int, staff_id: int | None = None, *, person_id: int | None = None,
                  by_name: str = "") -> VisitorView:
    """Record that someone of the room confirmed the visit (on the phone, usually): who
    said yes (`person_id`, or a name as told, else the room's first owner) and who at the
    gate or desk recorded it, when. Refused when confirmed already."""
    access.require("visitor.register", staff_id)
    actor = _actor(staff_id)
    by_name = clean_text(by_name or "", "by", max_length=60)
    with transaction():
        row = Visitor.get_or_none(Visitor.id == visit_id)
        if row is None:
            raise NotFoundError(_("No visitor record #{id}.").format(id=visit_id))
        if row.confirmed_at is not None:
            raise ValidationError("confirmed", _("Confirmed already, at {time} by {name}.").format(
                time=f"{row.confirmed_at:%m-%d %H:%M}", name=row.confirmed_name or "—"))
        people = room_people(row.room_id)
        chosen = None
        if person_id is not None:
            chosen = next((p for p in people if p.person_id == person_id), None)
            if chosen is None:
                person = Person.get_or_none(Person.id == person_id)
                if person is None:
                    raise NotFoundError(_("No owner #{id}.").format(id=person_id))
                raise ValidationError("by", _("{name} does not live in {room}.").format(
                    name=person.name, room=room_ref(row.room_id).label))
        elif by_name:
            chosen = next((p for p in people if p.name == by_name), None)
        elif people:
            chosen = people[0]
        name = chosen.name if chosen is not None else by_name
        if not name:
            raise ValidationError("by", _("Say who confirmed the visit."))
        Visitor.update(confirmed_at=clock_now().replace(microsecond=0), confirmed_by=actor,
                       confirmed_person=chosen.person_id if chosen else None,
                       confirmed_name=name).where(Visitor.id == visit_id).execute()
    return get_visitor(visit_id)


def purge_visitor_details(before: dt.datetime, staff_id: int | None = None) -> int:
    """Retention (个人信息保护法): blank the ID numbers and plates of the visits that ended
    before `before` — or, never signed out, came in before it; the visits themselves are
    kept. Each blanked visit is recorded in the audit trail (that the values changed, never
    what they were). Returns how many were blanked."""
    access.require("visitor.purge", staff_id)
    stale = (((Visitor.time_out < before)
              | (Visitor.time_out.is_null() & (Visitor.time_in < before)))
             & (Visitor.id_number.is_null(False) | (Visitor.plate != "")))
    with transaction():
        return Visitor.update(id_number=None, plate="", purged_at=clock_now().replace(microsecond=0)).where(
            stale).execute()

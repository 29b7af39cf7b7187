"""物品放行条: release passes. Furniture or appliances leave the estate only with the consent
of an owner of the room (业主 or 共有人: a tenant moving out needs the owner's yes), taken by
the desk by phone (linked to the call when there is one), in person or as a written note.
The desk issues a numbered pass (FX-20261206-003) for a day or a few; the gate checks it by
number — valid, not valid yet, already used, expired, cancelled or unknown, each said with
what the pass covers — and marks it used, once; the desk may cancel it until it is used.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from peewee import JOIN, IntegrityError

from data import access, numbering
from data.clock import now as clock_now
from data.clock import today as clock_today
from data.db import transaction
from data.errors import FrontDeskError, NotFoundError, ValidationError
from data.i18n import _
from data.models import Call, Community, ReleasePass, Room, Staff
from data.registers.common import (
    OWNER_ROLES,
    RoomPerson,
    folded,
    optional_phone,
    optional_plate,
    resolve_one_room,
    room_people,
    shown_plate,
)
from data.validators import clean_text, fold_width, mask_phone, parse_plate_query
from data.vocab import OCCUPANCY_ROLES, PASS_CONSENT, label

#: Pass numbers: FX (放行) - the day issued - the day's sequence.
PREFIX = "FX"
#: A pass is for a move, not a season: at most this many days from first to last.
MAX_DAYS = 31
#: A call with the owner this recent is linked as the consent when none is named.
CALL_LINK_DAYS = 3
PAGE = 50

#: A list's narrowing by state.
LIST_STATES = ("open", "used", "expired", "cancelled")

_NUMBER_RE = re.compile(r"(?:([A-Z]{2})-?)?([0-9]{8})-?([0-9]{1,6})")


class PassRefused(FrontDeskError):
    """The gate may not let the pass through (used, expired, cancelled, unknown …):
    `check` says why and what the pass covers."""

    def __init__(self, check: PassCheck):
        super().__init__(check.message)
        self.check = check


@dataclass(frozen=True)
class PassInput:
    """What the pass form or `passes issue` says. `consent_person_id` (a form's choice) or
    `consent_owner` (a name as typed) names the owner who consented; with neither, the
    room's one owner. `room_id`: a room a picker already chose."""

    room: str = ""
    community: int | str | None = None
    items: str = ""
    carrier_name: str = ""
    carrier_phone: str = ""
    carrier_plate: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    consent_how: str = ""
    consent_person_id: int | None = None
    consent_owner: str = ""
    call_id: int | None = None
    consent_note: str = ""
    room_id: int | None = None


@dataclass(frozen=True)
class PassView:
    id: int
    number: str
    community_id: int
    community: str
    room_id: int
    room: str
    items: str
    carrier_name: str
    carrier_phone: str  # normalised, in full: shown masked
    carrier_plate: str
    valid_from: dt.date
    valid_until: dt.date
    consent_how: str
    consent_person_id: int | None
    consent_name: str
    consent_call_id: int | None
    consent_note: str
    issued_by: str
    issued_at: dt.datetime
    used_at: dt.datetime | None
    used_by: str
    cancelled_at: dt.datetime | None
    cancelled_by: str
    cancel_reason: str

    @property
    def place(self) -> str:
        return f"{self.community} {self.room}"

    @property
    def plate_shown(self) -> str:
        return shown_plate(self.carrier_plate)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.carrier_phone) if self.carrier_phone else ""

    def state(self, day: dt.date | None = None) -> str:
        """valid, not_yet, used, expired or cancelled on `day` (today by default)."""
        day = day or clock_today()
        if self.cancelled_at is not None:
            return "cancelled"
        if self.used_at is not None:
            return "used"
        if day > self.valid_until:
            return "expired"
        if day < self.valid_from:
            return "not_yet"
        return "valid"

    @property
    def validity(self) -> str:
        """``12-06`` or ``12-06 – 12-08``."""
        if self.valid_from == self.valid_until:
            return f"{self.valid_from:%Y-%m-%d}"
        return f"{self.valid_from:%Y-%m-%d} – {self.valid_until:%Y-%m-%d}"

    @property
    def carrier(self) -> str:
        """Who carries it out: name, masked phone, plate."""
        return " ".join(p for p in (self.carrier_name, self.phone_masked, self.plate_shown) if p)

    @property
    def covers(self) -> str:
        """What the pass covers, in one line: the room, the things, who carries them, when."""
        return _("{place}: {items} · carried out by {carrier} · valid {validity} · consent: {how}, {owner}").format(
            place=self.place, items=" ".join(self.items.split()), carrier=self.carrier,
            validity=self.validity, how=label(PASS_CONSENT, self.consent_how), owner=self.consent_name)

    def as_json(self, *, reveal: bool = False) -> dict:
        return {
            "number": self.number, "state": self.state(), "community": self.community,
            "room": self.room, "items": self.items, "carrier": self.carrier_name,
            "carrier_phone": self.carrier_phone if reveal else self.phone_masked,
            "plate": self.plate_shown, "valid_from": f"{self.valid_from:%Y-%m-%d}",
            "valid_until": f"{self.valid_until:%Y-%m-%d}", "consent": self.consent_how,
            "consent_owner": self.consent_name, "consent_call": self.consent_call_id,
            "consent_note": self.consent_note, "issued_by": self.issued_by,
            "issued_at": f"{self.issued_at:%Y-%m-%d %H:%M}",
            "used_at": f"{self.used_at:%Y-%m-%d %H:%M}" if self.used_at else None,
            "used_by": self.used_by or None,
            "cancelled_at": f"{self.cancelled_at:%Y-%m-%d %H:%M}" if self.cancelled_at else None,
            "cancelled_by": self.cancelled_by or None, "cancel_reason": self.cancel_reason or None,
        }


@dataclass(frozen=True)
class PassCheck:
    """What the gate's check of a number found: `state` (data.vocab.PASS_STATES, or
    "used_now" when this check marked it used), `message` to read out, `view` (None when
    unknown)."""

    number: str
    state: str
    message: str
    view: PassView | None

    @property
    def ok(self) -> bool:
        return self.state in ("valid", "used_now")

    def as_json(self) -> dict:
        return {"number": self.number, "state": self.state, "ok": self.ok, "message": self.message,
                "pass": self.view.as_json() if self.view else None}


@dataclass(frozen=True)
class PassPage:
    rows: list[PassView]
    next_cursor: tuple | None


@dataclass(frozen=True)
class OwnerChoice:
    """An owner of a room who may consent, for the form's choice."""

    person_id: int
    name: str
    role: str


# --- reading -----------------------------------------------------------------------------------


def _query():
    issued, used, cancelled = Staff.alias(), Staff.alias(), Staff.alias()
    return (
        ReleasePass.select(ReleasePass, Room.code.alias("room_code"),
                           Community.name.alias("community_name"), issued.name.alias("issued_name"),
                           used.name.alias("used_name"), used.login.alias("used_login"),
                           cancelled.name.alias("cancelled_name"))
        .join(Room, on=(ReleasePass.room == Room.id))
        .switch(ReleasePass).join(Community, on=(ReleasePass.community == Community.id))
        .switch(ReleasePass).join(issued, JOIN.LEFT_OUTER, on=(ReleasePass.issued_by == issued.id))
        .switch(ReleasePass).join(used, JOIN.LEFT_OUTER, on=(ReleasePass.used_by == used.id))
        .switch(ReleasePass).join(cancelled, JOIN.LEFT_OUTER, on=(ReleasePass.cancelled_by == cancelled.id))
    )


def _view(row) -> PassView:
    used_by = ""
    if row.used_by_id is not None:
        used_by = f"{row.used_name}({row.used_login})" if row.used_name else ""
    return PassView(
        id=row.id, number=row.number, community_id=row.community_id, community=row.community_name,
        room_id=row.room_id, room=row.room_code, items=row.items, carrier_name=row.carrier_name,
        carrier_phone=row.carrier_phone, carrier_plate=row.carrier_plate,
        valid_from=_date(row.valid_from), valid_until=_date(row.valid_until),
        consent_how=row.consent_how, consent_person_id=row.consent_person_id,
        consent_name=row.consent_name, consent_call_id=row.consent_call_id,
        consent_note=row.consent_note, issued_by=row.issued_name or "", issued_at=row.issued_at,
        used_at=row.used_at, used_by=used_by, cancelled_at=row.cancelled_at,
        cancelled_by=row.cancelled_name or "", cancel_reason=row.cancel_reason,
    )


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def normalize_number(text: str) -> str:
    """A pass number as typed (``fx20261206003``, full-width, spaces, without the prefix:
    ``20261206-003``) in its stored form
    ``FX-20261206-003``; what is not a pass number is returned cleaned, to be reported
    unknown."""
    value = re.sub(r"\s+", "", fold_width(text or "")).upper()
    match = _NUMBER_RE.fullmatch(value)
    if match is None:
        return value[:30]
    prefix, day, seq = match.groups()
    return f"{prefix or PREFIX}-{day}-{int(seq):03d}"


def get_pass(number_or_id: str | int) -> PassView:
    """One pass by number (or id); NotFoundError when there is none."""
    access.require("pass.check")
    if isinstance(number_or_id, int):
        where = ReleasePass.id == number_or_id
        shown = f"#{number_or_id}"
    else:
        shown = normalize_number(number_or_id)
        where = ReleasePass.number == shown
    row = _query().where(where).objects().first()
    if row is None:
        raise NotFoundError(_("No release pass {number}.").format(number=shown))
    return _view(row)


def _check_of(view: PassView | None, number: str, day: dt.date) -> PassCheck:
    if view is None:
        return PassCheck(number, "unknown", _(
            "Unknown: there is no release pass {number}. Check the number on the slip, or call "
            "the desk; do not let the things out.").format(number=number or "—"), None)
    state = view.state(day)
    if state == "valid":
        message = _("Valid: {number} may go out today.").format(number=view.number)
    elif state == "used":
        message = _("Already used: {number} went out at {time}, checked by {guard}. Do not let it "
                    "out again.").format(number=view.number, time=f"{view.used_at:%Y-%m-%d %H:%M}",
                                         guard=view.used_by or "—")
    elif state == "expired":
        message = _("Expired: {number} was valid until {date}. The owner must ask the desk for a "
                    "new pass.").format(number=view.number, date=f"{view.valid_until:%Y-%m-%d}")
    elif state == "not_yet":
        message = _("Not valid yet: {number} is valid from {date}.").format(
            number=view.number, date=f"{view.valid_from:%Y-%m-%d}")
    else:
        message = _("Cancelled: {number} was cancelled at {time} by {who}{reason}. Do not let the "
                    "things out.").format(
            number=view.number, time=f"{view.cancelled_at:%Y-%m-%d %H:%M}", who=view.cancelled_by or "—",
            reason=_(" ({reason})").format(reason=view.cancel_reason) if view.cancel_reason else "")
    return PassCheck(view.number, state, message, view)


def check_pass(number: str) -> PassCheck:
    """The gate's check of a pass number: valid, not valid yet, already used (when, by
    whom), expired, cancelled or unknown, each with what the pass covers. Reads only."""
    access.require("pass.check")
    shown = normalize_number(number)
    row = _query().where(ReleasePass.number == shown).objects().first() if shown else None
    return _check_of(_view(row) if row is not None else None, shown, clock_today())


def _state_where(state: str | None, day: dt.date):
    if state is None or state == "":
        return None
    if state == "open":
        return (ReleasePass.used_at.is_null() & ReleasePass.cancelled_at.is_null()
                & (ReleasePass.valid_until >= day))
    if state == "used":
        return ReleasePass.used_at.is_null(False)
    if state == "expired":
        return (ReleasePass.used_at.is_null() & ReleasePass.cancelled_at.is_null()
                & (ReleasePass.valid_until < day))
    if state == "cancelled":
        return ReleasePass.cancelled_at.is_null(False)
    raise ValidationError("state", _("Unknown state “{state}”: use one of {choices}.").format(
        state=state, choices=", ".join(LIST_STATES)))


def passes_page(query: str = "", *, state: str | None = None, after: tuple | None = None,
                limit: int = PAGE) -> PassPage:
    """Passes, the latest issued first, a keyset page at a time; `query` narrows by
    number, room code, carrier's name or plate; `state` by open, used, expired, cancelled."""
    access.require("pass.check")
    select = _query()
    where = _state_where(state, clock_today())
    if where is not None:
        select = select.where(where)
    text = folded(query)
    if text:
        match = (ReleasePass.number.contains(text.upper()) | Room.code.startswith(text)
                 | ReleasePass.carrier_name.contains(text) | ReleasePass.items.contains(text))
        plate = parse_plate_query(text)
        if plate and len(plate) >= 3:
            match = match | ReleasePass.carrier_plate.contains(plate)
        select = select.where(match)
    if after is not None:
        issued_at, last_id = after
        select = select.where((ReleasePass.issued_at < issued_at)
                              | ((ReleasePass.issued_at == issued_at) & (ReleasePass.id < last_id)))
    rows = list(select.order_by(ReleasePass.issued_at.desc(), ReleasePass.id.desc())
                .limit(limit + 1).objects())
    views = [_view(r) for r in rows[:limit]]
    cursor = (views[-1].issued_at, views[-1].id) if len(rows) > limit and views else None
    return PassPage(views, cursor)


def room_owners(room_id: int) -> list[OwnerChoice]:
    """The owners and co-owners of a room now: who may consent to a pass."""
    return [OwnerChoice(p.person_id, p.name, p.role) for p in room_people(room_id) if p.role in OWNER_ROLES]


# --- writing -----------------------------------------------------------------------------------


def _prefix(day: dt.date) -> str:
    """What the pass numbers of `day` start with (FX-20261127-): numbered from a counter
    row, as work orders (data.numbering)."""
    return f"{PREFIX}-{day:%Y%m%d}-"


def _role_word(role: str) -> str:
    return label(OCCUPANCY_ROLES, role)


def _consenting_owner(room_label: str, people: list[RoomPerson], person_id: int | None,
                      owner_text: str) -> RoomPerson:
    """The owner whose consent the pass records; refused, saying why, when the one named
    is not an owner of the room (a tenant, say) or when none is named and the room has
    several owners or none."""
    owners = [p for p in people if p.role in OWNER_ROLES]
    owner_names = "、".join(p.name for p in owners)
    named: RoomPerson | None = None
    if person_id is not None:
        named = next((p for p in people if p.person_id == person_id), None)
        if named is None:
            raise ValidationError("owner", _("That person does not live in or own {room}.").format(room=room_label))
    elif owner_text:
        matches = [p for p in people if p.name == owner_text]
        if not matches:
            raise ValidationError("owner", _(
                "Nobody called {name} lives in or owns {room}. Its owners: {owners}.").format(
                name=owner_text, room=room_label, owners=owner_names or _("none on record")))
        named = next((p for p in matches if p.role in OWNER_ROLES), matches[0])
    if named is not None:
        if named.role not in OWNER_ROLES:
            raise ValidationError("owner", _(
                "{name} is the {role} of {room}, not an owner: things leave the estate only with "
                "the consent of an owner ({owners}). Ask the owner, then issue the pass.").format(
                name=named.name, role=_role_word(named.role), room=room_label,
                owners=owner_names or _("none on record")))
        return named
    if not owners:
        raise ValidationError("owner", _(
            "{room} has no owner on record: a release pass needs an owner's consent. Record the "
            "owner on the owner card first.").format(room=room_label))
    if len(owners) > 1:
        raise ValidationError("owner", _("Say which owner consented: {owners}.").format(owners=owner_names))
    return owners[0]


def _consent_call(how: str, call_id: int | None, person_id: int) -> int | None:
    """The call the consent was given in: the one named (it must exist), else for a phone
    consent the latest call with that owner in the last days, if any."""
    if call_id is not None:
        call = Call.get_or_none(Call.id == call_id)
        if call is None:
            raise ValidationError("call", _("No call with id {id}.").format(id=call_id))
        return call.id
    if how != "phone":
        return None
    since = clock_now() - dt.timedelta(days=CALL_LINK_DAYS)
    return (Call.select(Call.id).where((Call.person == person_id) & (Call.started_at >= since))
            .order_by(Call.started_at.desc(), Call.id.desc()).limit(1).scalar())


def issue_pass(data: PassInput, staff_id: int | None = None) -> PassView:
    """Issue a numbered release pass for a room's things. Refused, with what to do, without
    an owner's consent: how it was given (by phone, in person, a written note) and by an
    owner or co-owner of that room — a tenant's word is not enough."""
    access.require("pass.issue", staff_id)
    items = clean_text(data.items or "", "items", multiline=True, max_length=500)
    if not items:
        raise ValidationError("items", _("Say what is carried out, such as 旧沙发一套、冰箱一台."))
    carrier = clean_text(data.carrier_name or "", "carrier_name", max_length=60)
    if not carrier:
        raise ValidationError("carrier_name", _("Say who carries the things out (a name the gate can check)."))
    phone = optional_phone(data.carrier_phone, "carrier_phone")
    plate = optional_plate(data.carrier_plate, "carrier_plate")
    how = (data.consent_how or "").strip()
    if not how:
        raise ValidationError("consent", _(
            "A release pass needs the owner's consent: say how the owner gave it (by phone, in "
            "person at the desk, or a written note). Without it no pass is issued."))
    if how not in PASS_CONSENT:
        raise ValidationError("consent", _("Unknown value “{value}”: use one of {choices}.").format(
            value=how, choices=", ".join(PASS_CONSENT)))
    note = clean_text(data.consent_note or "", "note", max_length=200)
    owner_text = clean_text(data.consent_owner or "", "owner", max_length=60)
    today = clock_today()
    first = data.valid_from or today
    last = data.valid_until or first
    if first < today:
        raise ValidationError("valid_from", _("A pass cannot start in the past ({date}).").format(
            date=f"{first:%Y-%m-%d}"))
    if last < first:
        raise ValidationError("valid_until", _("The last day is before the first ({date}).").format(
            date=f"{first:%Y-%m-%d}"))
    if (last - first).days >= MAX_DAYS:
        raise ValidationError("valid_until", _("A pass is valid for {days} days at most.").format(days=MAX_DAYS))
    room = resolve_one_room(data.room, data.community, data.room_id)
    actor = staff_id if staff_id is not None else access.current_id()
    if actor is None:
        raise ValidationError("staff", _("A pass is issued by a staff member: sign in first."))
    for attempt in range(5):
        try:
            with transaction():
                owner = _consenting_owner(room.label, room_people(room.id), data.consent_person_id,
                                          owner_text)
                call = _consent_call(how, data.call_id, owner.person_id)
                at = clock_now().replace(microsecond=0)
                row = numbering.create_numbered(ReleasePass.number, _prefix(at.date()), 3, dict(
                    community=room.community_id, room=room.id, items=items, carrier_name=carrier,
                    carrier_phone=phone, carrier_plate=plate, valid_from=first, valid_until=last,
                    consent_how=how, consent_person=owner.person_id, consent_name=owner.name,
                    consent_call=call, consent_note=note, issued_by=actor, issued_at=at),
                    resync=attempt > 0)
            return get_pass(row.id)
        except IntegrityError:
            continue  # the number was written without the counter: resync and take the next
    raise FrontDeskError(_("Could not number the pass; please try again."))


def use_pass(number: str, staff_id: int | None = None) -> PassCheck:
    """The gate lets the things out: the pass is marked used now, by this guard — once.
    Anything but a valid pass is refused (PassRefused, saying why: a second use names the
    time and guard of the first)."""
    access.require("pass.check", staff_id)
    actor = staff_id if staff_id is not None else access.current_id()
    shown = normalize_number(number)
    today = clock_today()
    with transaction():
        # One conditional UPDATE: of two guards marking it at once, one wins.
        marked = ReleasePass.update(used_at=clock_now().replace(microsecond=0), used_by=actor).where(
            (ReleasePass.number == shown) & ReleasePass.used_at.is_null()
            & ReleasePass.cancelled_at.is_null() & (ReleasePass.valid_from <= today)
            & (ReleasePass.valid_until >= today)).execute()
    check = check_pass(shown)
    if not marked:
        raise PassRefused(check)
    assert check.view is not None
    return PassCheck(check.number, "used_now", _("Let out: {number} is marked used at {time}.").format(
        number=check.number, time=f"{check.view.used_at:%H:%M}"), check.view)


def cancel_pass(number: str, reason: str = "", staff_id: int | None = None) -> PassView:
    """The desk cancels a pass not used yet (the owner changed their mind, a mistake)."""
    access.require("pass.issue", staff_id)
    reason = clean_text(reason or "", "reason", max_length=200)
    actor = staff_id if staff_id is not None else access.current_id()
    shown = normalize_number(number)
    with transaction():
        row = ReleasePass.get_or_none(ReleasePass.number == shown)
        if row is None:
            raise NotFoundError(_("No release pass {number}.").format(number=shown))
        if row.cancelled_at is not None:
            raise ValidationError("number", _("{number} was cancelled already, at {time}.").format(
                number=shown, time=f"{row.cancelled_at:%Y-%m-%d %H:%M}"))
        if row.used_at is not None:
            raise ValidationError("number", _(
                "{number} was used at {time}: the things are out, it cannot be cancelled.").format(
                number=shown, time=f"{row.used_at:%Y-%m-%d %H:%M}"))
        ReleasePass.update(cancelled_at=clock_now().replace(microsecond=0), cancelled_by=actor,
                           cancel_reason=reason).where(ReleasePass.id == row.id).execute()
    return get_pass(shown)


__all__ = ["LIST_STATES", "PassCheck", "PassInput", "PassPage", "PassRefused", "PassView", "OwnerChoice",
           "cancel_pass", "check_pass", "get_pass", "issue_pass", "normalize_number", "passes_page",
           "room_owners", "use_pass"]

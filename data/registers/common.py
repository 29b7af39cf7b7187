"""What the registers share: the room a record is about (a typed code resolved, a code in
two communities asked about), the people of a room, and small text helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import Community, Occupancy, Person, Room
from data.rooms_lookup import RoomCandidate, RoomMatch, community_id_for, resolve_room
from data.validators import clean_text, fold_width, normalize_phone, normalize_plate

#: A visit not signed out this long after its time in is no longer counted as inside: the
#: visitor left without the gate seeing it (未签退), shown so and not handed over as inside.
STALE_AFTER = dt.timedelta(hours=24)

#: Roles whose consent lets things leave a room (业主, 共有人).
OWNER_ROLES = ("owner", "co_owner")
#: Who is asked about a room first: owners, then tenants, then family.
_ROLE_RANK = {"owner": 0, "co_owner": 1, "tenant": 2, "family": 3}


@dataclass(frozen=True)
class RoomRef:
    """The room a record is about."""

    id: int
    code: str
    community_id: int
    community: str

    @property
    def label(self) -> str:
        return f"{self.community} {self.code}"


@dataclass(frozen=True)
class RoomPerson:
    """Someone who lives in (or owns) a room now."""

    person_id: int
    name: str
    role: str  # data.vocab.OCCUPANCY_ROLES
    primary: bool


def room_match(text: str, community: int | str | None = None) -> RoomMatch:
    """The rooms a typed code may name (never parking spaces: nobody visits a car park
    space), within `community` when given. The screens ask which one when there are several."""
    text = clean_text(text or "", "room", max_length=60)
    if not text:
        raise ValidationError("room", _("Give the room, such as 3-2-501."))
    community = community.strip() if isinstance(community, str) else community
    try:
        found = resolve_room(text, community or None)
    except NotFoundError as exc:  # an unknown community: said under its field
        raise ValidationError("community", exc.message) from None
    return RoomMatch(found.text, found.parsed, found.rooms)


def resolve_one_room(text: str, community: int | str | None = None,
                     room_id: int | None = None) -> RoomRef:
    """The one room meant: `room_id` when a picker chose it, else the typed code in the
    community given. A code found nowhere, or in several communities, is a ValidationError
    on "room" that says so (naming the candidates)."""
    if room_id is not None:
        return room_ref(room_id)
    match = room_match(text, community)
    if not match.candidates:
        where = ""
        if community:
            cid = community_id_for(community)
            name = Community.get_or_none(Community.id == cid)
            where = f"{name.name} " if name is not None else ""
        raise ValidationError("room", _("There is no room {where}{code}.").format(
            where=where, code=match.parsed.code))
    candidate: RoomCandidate = match.one("room")
    return RoomRef(candidate.id, candidate.code, candidate.community_id, candidate.community)


def room_ref(room_id: int) -> RoomRef:
    row = (Room.select(Room.id, Room.code, Room.community, Community.name)
           .join(Community).where(Room.id == room_id).objects().first())
    if row is None:
        raise NotFoundError(_("This room no longer exists."))
    return RoomRef(row.id, row.code, row.community_id, row.name)


def room_people(room_id: int) -> list[RoomPerson]:
    """The people of a room now, owners first (the primary contact first among equals)."""
    rows = (Occupancy.select(Occupancy.person, Occupancy.role, Occupancy.is_primary_contact,
                             Occupancy.id, Person.name)
            .join(Person)
            .where(Occupancy.room == room_id, Occupancy.end_date.is_null())
            .limit(100).objects())
    found = sorted(rows, key=lambda o: (_ROLE_RANK.get(o.role, 9), not o.is_primary_contact, o.id))
    seen: set[int] = set()
    people: list[RoomPerson] = []
    for occ in found:
        if occ.person_id in seen:
            continue
        seen.add(occ.person_id)
        people.append(RoomPerson(occ.person_id, occ.name, occ.role, bool(occ.is_primary_contact)))
    return people


def optional_phone(text: str, field: str = "phone") -> str:
    """A phone number normalised, or "" when none is given."""
    text = clean_text(text or "", field, max_length=40)
    if not text:
        return ""
    try:
        return normalize_phone(text).number
    except ValidationError as exc:
        raise ValidationError(field, exc.message) from None


def optional_plate(text: str, field: str = "plate") -> str:
    """A plate normalised (沪A12345), or "" when none is given."""
    text = clean_text(text or "", field, max_length=20)
    if not text:
        return ""
    try:
        return normalize_plate(text)
    except ValidationError as exc:
        raise ValidationError(field, exc.message) from None


def shown_plate(plate: str) -> str:
    """A stored plate the way it is painted (沪A·12345); "" stays ""."""
    if not plate:
        return ""
    return f"{plate[:2]}·{plate[2:]}"


def folded(text: str) -> str:
    """Typed text for a search: full-width folded, spaces collapsed."""
    return " ".join(fold_width(text or "").split())

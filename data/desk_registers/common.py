"""What the three registers share: the room a record is for (resolved like every room code),
names and tails as typed, coded choices, pages, and who is acting."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from data import access
from data.clock import now as clock_now
from data.errors import NotFoundError, ValidationError
from data.i18n import _, in_language
from data.models import Community, Occupancy, Person, Phone, Room, Staff
from data.rooms_lookup import community_by_name, resolve_room
from data.validators import clean_text, fold_width
from data.vocab import label

#: Rows a page holds unless the caller asks for another size; the most it may ask for.
PAGE = 50
MAX_PAGE = 500
#: The longest name stored (a collector, a claimant, whoever left the keys).
NAME_LENGTH = 60

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a register's list: the rows, how many match in all, where it starts."""

    rows: tuple[T, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.rows) < self.total


@dataclass(frozen=True)
class RoomRef:
    """The room a record is for, as lists show it."""

    id: int
    community_id: int
    community: str
    code: str

    @property
    def label(self) -> str:
        return f"{self.community} {self.code}"


def moved(model, record_id: int, before: str, values: dict) -> None:
    """Move a record out of state `before`, only if it is still in it: a second desk acting
    on the same record at the same moment is refused instead of writing twice."""
    if not model.update(**values).where(model.id == record_id, model.state == before).execute():
        raise ValidationError("state", _("Someone else changed this record a moment ago: look "
                                         "at it again."))


def one(model, record_id: int, message: str):
    """The `model` row with this id, or NotFoundError with `message` (given `{id}`)."""
    found = model.get_or_none(model.id == record_id)
    if found is None:
        raise NotFoundError(message.format(id=record_id))
    return found


def page_bounds(limit: int, offset: int) -> tuple[int, int]:
    """A page's size and start, checked: 1–500 rows from 0 on."""
    if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise ValidationError("limit", _("A page holds 1 to {max} rows.").format(max=MAX_PAGE))
    if not isinstance(offset, int) or offset < 0:
        raise ValidationError("offset", _("The offset is a whole number from 0 on."))
    return limit, offset


def acting_id(staff_id: int | None) -> int | None:
    """The staff member a write is attributed to: the one given, else the signed-in one."""
    return staff_id if staff_id is not None else access.current_id()


def moment(at: dt.datetime | None) -> dt.datetime:
    """`at`, or the clock now."""
    return at if at is not None else clock_now()


def resolve_room_ref(room_id: int | None, room: str, community: int | str | None,
                     field: str = "room") -> RoomRef:
    """The room of a record: by id, else the code as typed (``3-2-501``,
    ``锦绣花园3-2-501``), within `community` (an id or a name) when given. A code that
    several communities have is refused naming them; so is one no community has."""
    if room_id is not None:
        row = (Room.select(Room.id, Room.code, Room.community, Community.name).join(Community)
               .where(Room.id == room_id).objects().first())
        if row is None:
            raise NotFoundError(_("This room no longer exists."))
        return RoomRef(row.id, row.community_id, row.name, row.code)
    text = (room or "").strip()
    if not text:
        raise ValidationError(field, _("Say which room, such as 3-2-501."))
    match = resolve_room(text, community if community not in ("", None) else None)
    rooms = match.rooms
    if not rooms:
        raise ValidationError(field, _("There is no room {code}.").format(code=match.parsed.code))
    if len(rooms) > 1:
        raise ValidationError(field, _(
            "Room {room} exists in several communities: {names}. Say which community."
        ).format(room=match.parsed.code, names="、".join(r.community for r in rooms)))
    one = rooms[0]
    return RoomRef(one.id, one.community_id, one.community, one.code)


def community_ref(community: int | str | None, field: str = "community") -> tuple[int, str]:
    """(id, name) of a community given by id, name or code; refused when missing or unknown."""
    if community is None or community == "":
        raise ValidationError(field, _("Say which community."))
    if isinstance(community, int):
        row = Community.get_or_none(Community.id == community)
        if row is None:
            raise NotFoundError(_("This community no longer exists."))
        return row.id, row.name
    found = community_by_name(community)
    return found.id, found.name


def community_filter(community: int | str | None) -> int | None:
    """A list filter's community id (None: every community)."""
    if community is None or community == "":
        return None
    return community_ref(community)[0]


def clean_name(value: str | None, field: str, *, required: bool = True) -> str:
    """A person's name as typed: one line, spaces collapsed, at most 60 characters."""
    text = " ".join(clean_text(fold_width(value or ""), field, max_length=NAME_LENGTH * 2).split())
    if len(text) > NAME_LENGTH:
        raise ValidationError(field, _("At most {limit} characters are allowed here; this text has "
                                       "{length}.").format(limit=NAME_LENGTH, length=len(text)))
    if required and not text:
        raise ValidationError(field, _("Give the person's name."))
    if text and not any(ch.isalpha() for ch in text):
        raise ValidationError(field, _("A name has letters, such as 张晓明."))
    return text


def name_key(name: str) -> str:
    """A name as compared: width-folded, without spaces or dots, case-folded (“张 晓明” is
    “张晓明”, “Li Na” is “lina”)."""
    return re.sub(r"[\s·・.]", "", fold_width(name)).casefold()


def line(value: str | None, field: str, limit: int, *, required: str = "") -> str:
    """One line of text (a description, a place, a shelf): `required` is the message when
    it may not be empty."""
    text = clean_text(value or "", field, max_length=limit)
    if required and not text:
        raise ValidationError(field, required)
    return text


def note(value: str | None, field: str = "note", limit: int = 500) -> str:
    return clean_text(value or "", field, multiline=True, max_length=limit)


_PHONE_TAIL_RE = re.compile(r"\d{4}")
_ID_TAIL_RE = re.compile(r"\d{3,5}[\dX]")


def phone_tail(value: str | None, field: str = "phone_tail") -> str:
    """The last 4 digits of a phone number ("" when none given)."""
    text = fold_width(value or "").strip()
    if text and not _PHONE_TAIL_RE.fullmatch(text):
        raise ValidationError(field, _("A phone tail is the last 4 digits of the number, such as 8000."))
    return text


def id_tail(value: str | None, field: str = "id_tail") -> str:
    """The last 4–6 characters of a resident ID number ("" when none given)."""
    text = fold_width(value or "").strip().upper()
    if text and not _ID_TAIL_RE.fullmatch(text):
        raise ValidationError(field, _(
            "An ID tail is the last 4 to 6 characters of the ID number, such as 12345X."))
    return text


def any_tail(value: str | None, field: str = "tail") -> str:
    """A tail the collector says: 4 digits of their phone, or 4–6 characters of their ID."""
    text = fold_width(value or "").strip().upper()
    if not text:
        raise ValidationError(field, _(
            "Give the last 4 digits of the collector's phone or the last 4 to 6 characters of "
            "their ID number."))
    if not _ID_TAIL_RE.fullmatch(text):
        raise ValidationError(field, _(
            "A tail is the last 4 digits of a phone or the last 4 to 6 characters of an ID "
            "number, such as 8000 or 12345X."))
    return text


def tails_match(said: str, phone: str, id_tail_: str) -> bool:
    """Does the tail a collector said match a stored phone tail or ID tail? An ID tail
    matches on the characters both have (at least 4)."""
    if phone and said == phone:
        return True
    if len(id_tail_) >= 4:
        return id_tail_.endswith(said) or said.endswith(id_tail_)
    return False


def choice(value: str | None, codes: dict[str, str], words: dict[str, str], field: str) -> str:
    """A code from what was typed: the code, its label in either language, or a known word."""
    text = " ".join(fold_width(value or "").split())
    if text in codes:
        return text
    if text in words:
        return words[text]
    for code, message in codes.items():
        if text.lower() in (message.lower(), _(message).lower(), in_language(message, "zh")):
            return code
    raise ValidationError(field, _("“{value}” is not one of: {choices}.").format(
        value=text[:20], choices="、".join(label(codes, c) for c in codes)))


def staff_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Id → name of the staff members given, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(Staff.select(Staff.id, Staff.name).where(Staff.id.in_(wanted)).tuples())


def person_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(Person.select(Person.id, Person.name).where(Person.id.in_(wanted)).tuples())


def room_refs(ids: Iterable[int]) -> dict[int, RoomRef]:
    """Id → RoomRef of the rooms given, in one query."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = (Room.select(Room.id, Room.code, Room.community, Community.name).join(Community)
            .where(Room.id.in_(wanted)).objects())
    return {r.id: RoomRef(r.id, r.community_id, r.name, r.code) for r in rows}


#: Who is told first about a room: the primary contact, then owners, co-owners, tenants.
_ROLE_RANK = {"owner": 0, "co_owner": 1, "tenant": 2, "family": 3}


def occupants(room_id: int) -> list[tuple[int, str]]:
    """(person id, name) of the people living in a room now, the one to tell first first."""
    rows = list(Occupancy.select(Occupancy.id, Occupancy.person, Occupancy.role,
                                 Occupancy.is_primary_contact, Person.name)
                .join(Person).where(Occupancy.room == room_id, Occupancy.end_date.is_null())
                .limit(50).objects())
    rows.sort(key=lambda o: (not o.is_primary_contact, _ROLE_RANK.get(o.role, 9), o.id))
    return [(o.person_id, o.name) for o in rows]


def mobile_of(person_ids: list[int]) -> tuple[int, str] | None:
    """(person id, number) of the first of these people who has a mobile phone."""
    if not person_ids:
        return None
    phones = (Phone.select(Phone.person, Phone.number)
              .where(Phone.person.in_(person_ids), Phone.kind == "mobile")
              .order_by(Phone.is_primary.desc(), Phone.id).tuples())
    first: dict[int, str] = {}
    for pid, number in phones:
        first.setdefault(pid, number)
    for pid in person_ids:
        if pid in first:
            return pid, first[pid]
    return None


def person_tails(person_id: int) -> tuple[str, str]:
    """(phone tail, ID tail) of a registered person: their first mobile's last 4 digits and
    their ID number's last 4 characters ("" where they have none)."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFoundError(_("There is no person #{id}.").format(id=person_id))
    mobile = mobile_of([person_id])
    return (mobile[1][-4:] if mobile else "", (person.id_number or "")[-4:])

"""Whom to call: each person's first phone, the number to call for them, and the people to
call about a room, best first."""

from __future__ import annotations

from collections.abc import Iterable

from data.errors import NotFoundError
from data.i18n import _
from data.models import (
    Occupancy,
    Person,
    Phone,
    Room,
)
from data.property.values import ContactRow, person_refs


def first_phones(person_ids: Iterable[int]) -> dict[int, str]:
    """Each person's first phone (the primary one first)."""
    ids = list({i for i in person_ids if i is not None})
    out: dict[int, str] = {}
    for i in range(0, len(ids), 500):
        rows = (Phone.select(Phone.person, Phone.number).where(Phone.person.in_(ids[i:i + 500]))
                .order_by(Phone.is_primary.desc(), Phone.id).tuples())
        for pid, number in rows:
            out.setdefault(pid, number)
    return out


def call_numbers(person_ids: Iterable[int]) -> dict[int, str]:
    """The number to call for each person: their chosen contact person's first phone when
    they have one (the son of an elderly owner), else their own first phone."""
    ids = list({i for i in person_ids if i is not None})
    contacts: dict[int, int] = {}
    for i in range(0, len(ids), 500):
        contacts.update(Person.select(Person.id, Person.contact_person)
                        .where(Person.id.in_(ids[i:i + 500]), Person.contact_person.is_null(False)).tuples())
    phones = first_phones([*ids, *contacts.values()])
    out: dict[int, str] = {}
    for pid in ids:
        number = phones.get(contacts.get(pid), "") or phones.get(pid, "")
        if number:
            out[pid] = number
    return out


def room_contacts(room_id: int) -> list[ContactRow]:
    """Whom to call about a room, best first: the room's chosen contact, its emergency
    contact, then the primary occupant's chosen contact, the occupant, and the occupant's
    emergency contact. Each person once, with their first phone ("" if none)."""
    room = Room.get_or_none(Room.id == room_id)
    if room is None:
        raise NotFoundError(_("This room no longer exists."))
    rank = {"owner": 0, "co_owner": 1, "tenant": 2, "family": 3}
    occupants = list(Occupancy.select(Occupancy.person, Occupancy.role, Occupancy.is_primary_contact,
                                      Occupancy.id)
                     .where(Occupancy.room == room_id, Occupancy.end_date.is_null()).limit(100))
    occupants.sort(key=lambda o: (not o.is_primary_contact, rank.get(o.role, 9), o.id))
    order: list[tuple[int | None, str]] = [(room.contact_person_id, "room_contact"),
                                           (room.emergency_contact_id, "room_emergency")]
    if occupants:
        first = Person.get_by_id(occupants[0].person_id)
        order += [(first.contact_person_id, "owner_contact"), (first.id, "occupant"),
                  (first.emergency_contact_id, "owner_emergency")]
    refs = person_refs(pid for pid, _w in order)
    phones = first_phones(refs)
    lines: list[ContactRow] = []
    seen: set[int] = set()
    for pid, why in order:
        if pid is None or pid in seen or pid not in refs:
            continue
        seen.add(pid)
        lines.append(ContactRow(pid, refs[pid].name, phones.get(pid, ""), why))
    return lines

"""People and their rooms, phones, vehicles, tags and notes: every write, validated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from data import access
from data.clock import now, today
from data.db import transaction
from data.errors import ConflictError, NotFoundError, ValidationError
from data.i18n import _
from data.idnumbers import id_birth_date, id_gender, mask_id_number, validate_id_number
from data.models import (
    Building,
    Community,
    Entrance,
    Occupancy,
    Person,
    PersonNameKey,
    PersonNote,
    PersonTag,
    Phone,
    Room,
    Staff,
    Tag,
    Vehicle,
)
from data.pinyin import name_readings
from data.rooms import ParsedRoom, RoomCode
from data.rooms_lookup import community_by_name, room_in_community
from data.validators import clean_text, normalize_phone, normalize_plate, plate_tail
from data.vocab import OCCUPANCY_ROLES


@dataclass
class PersonInput:
    """What a form or an import row says about a person (raw text, validated on save)."""

    name: str
    gender: str = ""
    id_number: str = ""
    note: str = ""
    phones: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Duplicate:
    """An existing person who may be the one being entered."""

    person_id: int
    name: str
    reason: str  # "id_number" | "name_phone"


def _clean_person(data: PersonInput) -> dict:
    name = clean_text(data.name, "name", max_length=60)
    if not name:
        raise ValidationError("name", _("Enter the person's name."))
    id_number = data.id_number.strip()
    values: dict = {
        "name": name,
        "note": clean_text(data.note, "note", multiline=True, max_length=2000),
        "gender": data.gender if data.gender in ("M", "F") else "",
        "id_number": None,
        "id_number_rev": None,
        "birth_date": None,
    }
    if data.gender and data.gender not in ("M", "F", ""):
        raise ValidationError("gender", _("Gender is M (male), F (female) or empty."))
    if id_number:
        number = validate_id_number(id_number)
        values.update(
            id_number=number,
            id_number_rev=number[::-1],
            birth_date=id_birth_date(number),
            gender=values["gender"] or id_gender(number),
        )
    return values


def search_key_values(name: str) -> dict[str, str]:
    """The pinyin columns of a person called `name` (surname-aware, with the other reading)."""
    readings = name_readings(name)
    main = readings[0] if readings else []
    alt = readings[1] if len(readings) > 1 else []
    return {
        "name_pinyin": "".join(main),
        "name_initials": "".join(s[0] for s in main if s),
        "name_pinyin_alt": "".join(alt),
        "name_initials_alt": "".join(s[0] for s in alt if s),
    }


def name_suffixes(name: str) -> list[str]:
    """The proper suffixes of a name, the keys that make any part of it findable."""
    compact = "".join(name.split())
    return [compact[i:] for i in range(1, len(compact))]


def name_key_rows(person_id: int, name: str) -> list[dict]:
    """The PersonNameKey rows of a person called `name`."""
    return [{"key": key, "person": person_id} for key in dict.fromkeys(name_suffixes(name))]


def _write_name_keys(person_id: int, name: str) -> None:
    PersonNameKey.delete().where(PersonNameKey.person == person_id).execute()
    rows = name_key_rows(person_id, name)
    if rows:
        PersonNameKey.insert_many(rows).execute()


def person_values(data: PersonInput) -> dict:
    """The columns `create_person` stores for `data` (validated, with the search keys), for
    an import that inserts many people in one statement. ValidationError as it would."""
    values = _clean_person(data)
    values.update(search_key_values(values["name"]))
    return values


def find_duplicates(data: PersonInput, *, exclude_id: int | None = None) -> list[Duplicate]:
    """People who may already be this one: same ID number, or same name and a same phone."""
    found: dict[int, Duplicate] = {}
    if data.id_number.strip():
        try:
            number = validate_id_number(data.id_number)
        except ValidationError:
            number = None
        if number:
            for p in Person.select(Person.id, Person.name).where(Person.id_number == number):
                found[p.id] = Duplicate(p.id, p.name, "id_number")
    numbers = []
    for raw in data.phones:
        try:
            numbers.append(normalize_phone(raw).number)
        except ValidationError:
            continue
    name = " ".join(data.name.split())
    if numbers and name:
        query = (
            Person.select(Person.id, Person.name)
            .join(Phone)
            .where(Person.name == name, Phone.number.in_(numbers))
            .distinct()
        )
        for p in query:
            found.setdefault(p.id, Duplicate(p.id, p.name, "name_phone"))
    found.pop(exclude_id, None)
    return sorted(found.values(), key=lambda d: d.person_id)


def create_person(data: PersonInput) -> int:
    """Create a person with their phones; returns the new id. Validation errors change nothing."""
    access.require("person.create")
    values = _clean_person(data)
    phones = [normalize_phone(raw) for raw in data.phones if raw.strip()]
    with transaction():
        person = Person.create(**values, **search_key_values(values["name"]))
        _write_name_keys(person.id, values["name"])
        for i, phone in enumerate(dict.fromkeys(phones)):
            _insert_phone(person.id, phone, primary=(i == 0))
    return person.id


def update_person(person_id: int, data: PersonInput, *, expected_version: int | None = None) -> None:
    """Save a person's name, gender, ID number and note (phones are edited one by one).
    The masked ID number a form showed (`data.privacy`), sent back as it was, keeps the
    stored one."""
    access.require("person.update")
    stored = Person.select(Person.id_number).where(Person.id == person_id).scalar()
    if stored and data.id_number.strip() == mask_id_number(stored):
        data = replace(data, id_number=stored)
    values = _clean_person(data)
    with transaction():
        person = _person(person_id)
        if expected_version is not None and person.version != expected_version:
            raise ConflictError(
                _("Someone else changed this person meanwhile; reload to see their change."),
                person.version,
            )
        values.update(search_key_values(values["name"]))
        values["updated_at"] = now()
        values["version"] = person.version + 1
        rows = Person.update(**values).where(Person.id == person_id,
                                             Person.version == person.version).execute()
        if rows != 1:  # changed between our read and write (PostgreSQL read committed)
            raise ConflictError(
                _("Someone else changed this person meanwhile; reload to see their change."),
                None,
            )
        if values["name"] != person.name:
            _write_name_keys(person_id, values["name"])


def _person(person_id: int) -> Person:
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFoundError(_("No person with id {id}.").format(id=person_id))
    return person


def phone_values(person_id: int, phone, *, primary: bool = False, label: str = "") -> dict:
    """The Phone columns of a normalised phone (`normalize_phone`) of a person."""
    return {"person": person_id, "number": phone.number, "digits_rev": phone.digits[::-1],
            "kind": phone.kind, "label": label, "is_primary": primary}


def _insert_phone(person_id: int, phone, *, primary: bool = False, label: str = "") -> Phone:
    return Phone.create(**phone_values(person_id, phone, primary=primary, label=label))


def add_phone(person_id: int, raw: str, label: str = "") -> int:
    """Add a phone number to a person; refuses a number they already have."""
    access.require("person.update")
    phone = normalize_phone(raw)
    label = clean_text(label, "label", max_length=20)
    with transaction():
        _person(person_id)
        if Phone.select().where(Phone.person == person_id, Phone.number == phone.number).exists():
            raise ValidationError(
                "phone", _("{number} is already one of this person's numbers.").format(number=phone.number)
            )
        first = not Phone.select().where(Phone.person == person_id).exists()
        return _insert_phone(person_id, phone, primary=first, label=label).id


def update_phone(phone_id: int, raw: str, label: str | None = None) -> None:
    """Change a stored number (validated and normalised like a new one)."""
    access.require("person.update")
    phone = normalize_phone(raw)
    with transaction():
        row = Phone.get_or_none(Phone.id == phone_id)
        if row is None:
            raise NotFoundError(_("That phone number no longer exists."))
        clash = Phone.select().where(
            Phone.person == row.person_id, Phone.number == phone.number, Phone.id != phone_id
        )
        if clash.exists():
            raise ValidationError(
                "phone", _("{number} is already one of this person's numbers.").format(number=phone.number)
            )
        changes = {"number": phone.number, "digits_rev": phone.digits[::-1], "kind": phone.kind}
        if label is not None:
            changes["label"] = clean_text(label, "label", max_length=20)
        Phone.update(**changes).where(Phone.id == phone_id).execute()


def remove_phone(phone_id: int) -> None:
    access.require("person.update")
    with transaction():
        Phone.delete().where(Phone.id == phone_id).execute()


def add_vehicle(person_id: int, raw_plate: str, description: str = "", parking_space: str = "") -> int:
    """Register a vehicle; the plate is validated and stored without separator."""
    access.require("person.update")
    plate = normalize_plate(raw_plate)
    with transaction():
        _person(person_id)
        if Vehicle.select().where(Vehicle.person == person_id, Vehicle.plate == plate).exists():
            raise ValidationError("plate", _("This person already has the plate {plate}.").format(plate=plate))
        return Vehicle.create(
            person=person_id,
            plate=plate,
            plate_tail=plate_tail(plate),
            description=clean_text(description, "description", max_length=60),
            parking_space=clean_text(parking_space, "parking_space", max_length=30),
        ).id


def update_vehicle(vehicle_id: int, raw_plate: str, description: str = "", parking_space: str = "") -> None:
    """Change a vehicle's plate, description or parking space."""
    access.require("person.update")
    plate = normalize_plate(raw_plate)
    with transaction():
        row = Vehicle.get_or_none(Vehicle.id == vehicle_id)
        if row is None:
            raise NotFoundError(_("That vehicle no longer exists."))
        clash = Vehicle.select().where(
            Vehicle.person == row.person_id, Vehicle.plate == plate, Vehicle.id != vehicle_id
        )
        if clash.exists():
            raise ValidationError("plate", _("This person already has the plate {plate}.").format(plate=plate))
        Vehicle.update(
            plate=plate,
            plate_tail=plate_tail(plate),
            description=clean_text(description, "description", max_length=60),
            parking_space=clean_text(parking_space, "parking_space", max_length=30),
        ).where(Vehicle.id == vehicle_id).execute()


def remove_vehicle(vehicle_id: int) -> None:
    access.require("person.update")
    with transaction():
        Vehicle.delete().where(Vehicle.id == vehicle_id).execute()


def set_tags(person_id: int, names: Iterable[str]) -> list[str]:
    """Replace a person's tags by `names` (new tags are created); returns them, sorted."""
    access.require("person.update")
    cleaned = []
    for raw in names:
        name = clean_text(raw, "tags", max_length=30)
        if name and name not in cleaned:
            cleaned.append(name)
    with transaction():
        _person(person_id)
        PersonTag.delete().where(PersonTag.person == person_id).execute()
        for name in cleaned:
            tag, _created = Tag.get_or_create(name=name)
            PersonTag.create(person=person_id, tag=tag)
    return sorted(cleaned)


def add_note(person_id: int, staff_id: int, text: str) -> int:
    """Add a note to a person's timeline."""
    body = clean_text(text, "note", multiline=True, max_length=2000)
    if not body:
        raise ValidationError("note", _("The note is empty."))
    from data import notifications

    with transaction():
        person = _person(person_id)
        note_id = PersonNote.create(person=person_id, staff=staff_id, text=body, created_at=now()).id
        who = " ".join(p for p in (person.name, notifications.person_place(person_id)) if p)
        writer = Staff.get_or_none(Staff.id == staff_id) if staff_id else None
        notifications.send_mentions(body, _("{who} mentioned you in a note on {name}").format(
            who=writer.name if writer else _("someone"), name=who),
                                    by=staff_id, entity="person", entity_id=person_id)
        return note_id


def delete_person(person_id: int, staff_id: int | None = None) -> str:
    """Delete a person with their phones, vehicles, tags, notes and occupancies (supervisors
    and administrators; desk staff may not). Work orders, calls and events keep their
    text and lose the link. Returns the name, for the message. The audit trail keeps
    what was deleted."""
    access.require("person.delete", staff_id)
    with transaction():
        person = _person(person_id)
        Person.delete().where(Person.id == person_id).execute()
    return person.name


# --- rooms and occupancy --------------------------------------------------------------------


def ensure_room(community_id: int, code: ParsedRoom | RoomCode | str) -> int:
    """The id of a room, creating its building, entrance and room when missing.

    The room is looked up by every code that names it (`data.rooms_lookup.find_rooms`):
    ``1-101`` lands on a room stored as ``1-1-101`` and the other way round; a new room
    without an entrance is stored under the default entrance, with its canonical code."""
    from data.rooms import PARKING, parse_room, room_code_error

    if isinstance(code, ParsedRoom):
        parsed = code
    else:
        parsed = parse_room(code if isinstance(code, str) else code.code)
    if parsed.kind == PARKING:
        raise room_code_error(parsed.code)
    existing = room_in_community(community_id, parsed)
    if existing is not None:
        return existing
    with transaction():
        building, _b = Building.get_or_create(community=community_id, code=parsed.building_code)
        entrance, _e = Entrance.get_or_create(building=building, code=parsed.stored_entrance)
        return Room.create(
            community=community_id, building=building, entrance=entrance,
            number=parsed.number, code=parsed.code, floor=parsed.derived_floor,
        ).id


def move_in(person_id: int, room_id: int, role: str, start: dt.date | None = None) -> int:
    """Record that a person lives in (or owns) a room from `start`; returns the occupancy id."""
    access.require("person.update")
    if role not in OCCUPANCY_ROLES:
        raise ValidationError(
            "role", _("Unknown role “{role}”: use one of {roles}.").format(role=role, roles=", ".join(OCCUPANCY_ROLES))
        )
    with transaction():
        _person(person_id)
        current = Occupancy.select().where(
            Occupancy.person == person_id, Occupancy.room == room_id, Occupancy.end_date.is_null()
        )
        if current.exists():
            raise ValidationError("room", _("This person is already recorded in that room."))
        return Occupancy.create(
            person=person_id, room=room_id, role=role, start_date=start or today()
        ).id


def move_out(occupancy_id: int, end: dt.date | None = None) -> None:
    """End an occupancy (moving out, selling): it stays in the history."""
    access.require("person.update")
    end = end or today()
    with transaction():
        occ = Occupancy.get_or_none(Occupancy.id == occupancy_id)
        if occ is None:
            raise NotFoundError(_("That occupancy no longer exists."))
        if occ.end_date is not None:
            raise ValidationError("end_date", _("This person has already moved out."))
        if occ.start_date and end < occ.start_date:
            raise ValidationError(
                "end_date", _("Moving out ({end}) cannot be before moving in ({start}).").format(
                    end=end, start=occ.start_date)
            )
        Occupancy.update(end_date=end).where(Occupancy.id == occupancy_id).execute()


def change_owner(room_id: int, new_owner_ids: list[int], on: dt.date | None = None) -> None:
    """A sale: current owners and co-owners of the room move out, the new owners move in.
    The first new owner is the owner, others co-owners; tenants and family stay as they are."""
    access.require("person.update")
    if not new_owner_ids:
        raise ValidationError("owner", _("Name at least one new owner."))
    on = on or today()
    with transaction():
        Occupancy.update(end_date=on).where(
            Occupancy.room == room_id,
            Occupancy.end_date.is_null(),
            Occupancy.role.in_(("owner", "co_owner")),
        ).execute()
        for i, person_id in enumerate(new_owner_ids):
            _person(person_id)
            Occupancy.create(
                person=person_id, room=room_id, role="owner" if i == 0 else "co_owner", start_date=on
            )


def find_or_create_person(data: PersonInput) -> int:
    """The person `data` names: someone already known (same ID number, or same name and
    phone; the first of them) or, when nobody is, a new person with those phones."""
    existing = find_duplicates(data)
    return existing[0].person_id if existing else create_person(data)


def add_resident(room_id: int, data: PersonInput, role: str = "owner", start: dt.date | None = None) -> int:
    """A new resident of a room: the person `data` names (found, or created with a first
    phone) moves in with `role` from `start`, in one transaction; returns the person's id.
    A refusal of either step saves neither."""
    with transaction():
        person_id = find_or_create_person(data)
        move_in(person_id, room_id, role or "owner", start)
    return person_id


def sell_room(room_id: int, data: PersonInput, on: dt.date | None = None) -> int:
    """A sale: the current owners and co-owners move out on `on` and the new owner `data`
    names (found, or created) moves in, in one transaction; returns the new owner's id."""
    with transaction():
        person_id = find_or_create_person(data)
        change_owner(room_id, [person_id], on)
    return person_id


def find_building(code: str, community: str | None = None, *, option: str = "building") -> tuple[int, int]:
    """(community_id, building_id) of a building code ("3", "3号楼", "3栋"); a code found in
    several communities needs the community (name or code)."""

    from data.rooms import parse_room_prefix

    parts = parse_room_prefix(code) or parse_room_prefix(code.strip() + "-")
    if parts is not None and len(parts) == 1:
        text = parts[0]  # "3栋", "3号楼", "三栋", "1期3栋", "A座"
    else:
        text = code.strip().upper()
        if text.isdigit():
            text = text.lstrip("0") or "0"
    query = (
        Building.select(Building.id, Building.community, Community.name)
        .join(Community)
        .where(Building.code == text)
        .order_by(Community.name)
        .limit(50)
    )
    if community:
        query = query.where(Building.community == community_by_name(community).id)
    rows = list(query.objects())
    if not rows:
        raise NotFoundError(_("No building {building}.").format(building=code))
    if len(rows) > 1:
        raise ValidationError(option, _(
            "Building {building} exists in several communities: {names}. Say which with --community."
        ).format(building=code, names="、".join(r.name for r in rows)))
    return rows[0].community_id, rows[0].id

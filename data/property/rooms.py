"""Rooms with their areas, types and states, and the contact
people chosen for a room or a person."""

from __future__ import annotations

from decimal import Decimal

from data import access
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import (
    Building,
    Community,
    Entrance,
    Person,
    Room,
)
from data.property.communities import get_community
from data.property.values import (
    ROOM_PAGE,
    PersonRef,
    RoomInput,
    RoomRow,
    RoomView,
    parse_area,
    parse_room_state,
    parse_room_type,
    person_ref,
    person_refs,
    stored_decimal,
)
from data.rooms import RoomCode, parse_room_code
from data.validators import (
    parse_date,
)


def _room_values(data: RoomInput, current: Room | None) -> dict:
    """The columns `data` changes, validated (ValidationError names the field)."""
    values: dict = {}
    if data.area is not None:
        values["area_m2"] = parse_area(data.area, "area")
    if data.inner_area is not None:
        values["inner_area_m2"] = parse_area(data.inner_area, "inner_area")
    if data.room_type is not None and data.room_type.strip():
        values["room_type"] = parse_room_type(data.room_type)
    if data.state is not None and data.state.strip():
        values["state"] = parse_room_state(data.state)
    if data.delivery_date is not None:
        values["delivery_date"] = parse_date(data.delivery_date, "delivery_date")
    if data.developer_held is not None:
        values["developer_held"] = bool(data.developer_held)
    if data.contact is not None:
        values["contact_person"] = person_ref(data.contact, "contact")
    if data.emergency is not None:
        values["emergency_contact"] = person_ref(data.emergency, "emergency")
    area = values.get("area_m2", current.area_m2 if current else None)
    inner = values.get("inner_area_m2", current.inner_area_m2 if current else None)
    if area is not None and inner is not None and Decimal(inner) > Decimal(area):
        raise ValidationError("inner_area", _(
            "The inner area ({inner} m²) cannot be larger than the floor area ({area} m²).").format(
            inner=f"{Decimal(inner):.2f}", area=f"{Decimal(area):.2f}"))
    return values


def save_room(community_id: int, code: RoomCode | str, data: RoomInput, *,
              phase: str = "") -> tuple[int, bool, bool]:
    """Create the room `code` of a community (with its building and entrance), or update
    it, with the facts of `data` (administrators). Returns (room id, created, changed):
    saving the same facts twice changes nothing."""
    access.require("property.manage")
    rc = parse_room_code(code) if isinstance(code, str) else code
    with transaction():
        get_community(community_id)
        room = Room.get_or_none((Room.community == community_id) & (Room.code == rc.code))
        values = _room_values(data, room)
        if room is None:
            building = Building.get_or_none(community=community_id, code=rc.building)
            if building is None:
                building = Building.create(community=community_id, code=rc.building, phase=phase)
            entrance, _e = Entrance.get_or_create(building=building, code=rc.entrance)
            floor = int(rc.number) // 100 if rc.number.isdigit() and len(rc.number) >= 3 else 0
            room = Room.create(community=community_id, building=building, entrance=entrance,
                               number=rc.number, code=rc.code, floor=floor, **values)
            return room.id, True, True
        changed = {k: v for k, v in values.items() if _stored(room, k) != v}
        if changed:
            Room.update(**changed).where(Room.id == room.id).execute()
        return room.id, False, bool(changed)


def _stored(room: Room, column: str):
    value = getattr(room, column + "_id") if column in ("contact_person", "emergency_contact") \
        else getattr(room, column)
    if isinstance(value, Decimal | float | int) and column.endswith("_m2"):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return value


def update_room(room_id: int, data: RoomInput) -> RoomView:
    """Change a room's areas, type, state, delivery date, developer flag and contact people
    (administrators). Returns the room as now stored."""
    access.require("property.manage")
    with transaction():
        room = Room.get_or_none(Room.id == room_id)
        if room is None:
            raise NotFoundError(_("This room no longer exists."))
        values = _room_values(data, room)
        if values:
            Room.update(**values).where(Room.id == room_id).execute()
    return room_view(room_id)


def set_room_contacts(room_id: int, contact: str | None, emergency: str | None) -> RoomView:
    """Choose whom to call first about a room and in an emergency (the desk may: it is
    what owners ask for on the phone). None leaves one as it is; "" clears it."""
    access.require("person.update")
    with transaction():
        if not Room.select().where(Room.id == room_id).exists():
            raise NotFoundError(_("This room no longer exists."))
        values = _room_values(RoomInput(contact=contact, emergency=emergency), None)
        if values:
            Room.update(**values).where(Room.id == room_id).execute()
    return room_view(room_id)


def set_person_contacts(person_id: int, contact: str | None, emergency: str | None) -> None:
    """An owner's chosen contact person (联系人, e.g. the son of an elderly owner) and
    emergency contact; None leaves one as it is, "" clears it. Not the person themself."""
    access.require("person.update")
    with transaction():
        if not Person.select().where(Person.id == person_id).exists():
            raise NotFoundError(_("This person no longer exists."))
        values = {}
        for key, field, text in (("contact_person", "contact", contact),
                                 ("emergency_contact", "emergency", emergency)):
            if text is None:
                continue
            ref = person_ref(text, field)
            if ref == person_id:
                raise ValidationError(field, _("A person cannot be their own contact."))
            values[key] = ref
        if values:
            Person.update(**values).where(Person.id == person_id).execute()


def person_contacts(person_id: int) -> tuple[PersonRef | None, PersonRef | None]:
    """(chosen contact, emergency contact) of a person."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFoundError(_("This person no longer exists."))
    refs = person_refs((person.contact_person_id, person.emergency_contact_id))
    return refs.get(person.contact_person_id), refs.get(person.emergency_contact_id)


def room_view(room_id: int) -> RoomView:
    """One room with its facts and contact people."""
    room = (Room.select(Room, Community.name.alias("community_name"), Community.developer)
            .join(Community).where(Room.id == room_id).objects().first())
    if room is None:
        raise NotFoundError(_("This room no longer exists."))
    refs = person_refs((room.contact_person_id, room.emergency_contact_id))
    return RoomView(
        room.id, room.community_id, room.community_name, room.building_id, room.code, room.floor,
        stored_decimal(room.area_m2), stored_decimal(room.inner_area_m2), room.room_type, room.state,
        room.delivery_date, bool(room.developer_held), room.developer,
        refs.get(room.contact_person_id), refs.get(room.emergency_contact_id),
    )


def find_room(community_id: int, code: str) -> int:
    """The id of a community's room `code` (any form people type)."""
    rc = parse_room_code(code)
    room = Room.get_or_none((Room.community == community_id) & (Room.code == rc.code))
    if room is None:
        raise NotFoundError(_("No room {code} in this community.").format(code=rc.code))
    return room.id


def rooms(building_id: int, *, after: str | None = None, limit: int = ROOM_PAGE) -> list[RoomRow]:
    """A page of a building's rooms, by code; pass the last code as `after` for the next."""
    query = Room.select().where(Room.building == building_id)
    if after is not None:
        query = query.where(Room.code > after)
    return [
        RoomRow(r.id, r.code, r.number, r.floor, stored_decimal(r.area_m2), stored_decimal(r.inner_area_m2),
                r.room_type, r.state, bool(r.developer_held))
        for r in query.order_by(Room.code).limit(limit)
    ]

"""The property structure (SPEC §6, issue 14): communities, buildings, entrances and rooms
with their areas, types and states, parking spaces, and whom to call first about a room.

Communities and the building/room structure are an administrator's (`property.manage`);
parking spaces and contact people are front-desk work. Every write is one function
owning its transaction; screens and the CLI get plain dataclasses back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from peewee import fn

from data import access
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import (
    Building,
    Community,
    Entrance,
    Occupancy,
    ParkingSpace,
    Person,
    Phone,
    Room,
)
from data.pinyin import initials
from data.rooms import RoomCode, parse_room_code
from data.validators import (
    clean_text,
    fold_width,
    normalize_phone,
    normalize_plate,
    parse_date,
)
from data.vocab import (
    PARKING_KIND_WORDS,
    PARKING_KINDS,
    ROOM_STATE_WORDS,
    ROOM_STATES,
    ROOM_TYPE_WORDS,
    ROOM_TYPES,
    label,
)

#: Rooms a building's room list shows at most at once (a page; `after` gives the next).
ROOM_PAGE = 200
#: Parking spaces a list shows at most at once.
PARKING_PAGE = 500
#: The largest area stored (DecimalField max_digits=8, 2 places).
MAX_AREA = Decimal("999999.99")

_CODE_RE = re.compile(r"[0-9A-Z][0-9A-Z_-]{0,19}")
_PARKING_CODE_RE = re.compile(r"[0-9A-Z]{1,6}(?:-[0-9A-Z]{1,6}){0,2}")
_AREA_UNITS = ("平方米", "平米", "㎡", "m²", "m2", "M2", "平")


# --- values ---------------------------------------------------------------------------------


@dataclass
class CommunityInput:
    """What a form or the CLI says about a community (raw text, validated on save)."""

    name: str
    code: str = ""  # "" when adding: derived from the name's pinyin initials
    address: str = ""
    phone: str = ""
    developer: str = ""  # 建设单位


@dataclass(frozen=True)
class CommunityRow:
    id: int
    name: str
    code: str
    address: str
    phone: str
    developer: str
    buildings: int
    rooms: int


@dataclass(frozen=True)
class BuildingRow:
    id: int
    community_id: int
    code: str
    phase: str
    name: str
    kind: str
    floors: int
    rooms: int

    @property
    def shown(self) -> str:
        """The building as people name it: its name, else its (phase and) code."""
        return self.name or f"{self.phase}{self.code}"


@dataclass(frozen=True)
class CommunityView:
    id: int
    name: str
    code: str
    address: str
    phone: str
    developer: str
    created_at: dt.datetime
    buildings: tuple[BuildingRow, ...]


@dataclass
class RoomInput:
    """A room's editable facts as typed (text); None leaves a fact as it is."""

    area: str | None = None  # 建筑面积, m²
    inner_area: str | None = None  # 套内面积, m²
    room_type: str | None = None  # a code of ROOM_TYPES or a word (住宅, 商铺…)
    state: str | None = None  # a code of ROOM_STATES or a word (自住, 出租…)
    delivery_date: str | None = None  # YYYY-MM-DD, "" clears
    developer_held: bool | None = None
    contact: str | None = None  # a person: "#12", a phone number; "" clears
    emergency: str | None = None


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str


@dataclass(frozen=True)
class RoomRow:
    id: int
    code: str
    number: str
    floor: int
    area_m2: Decimal | None
    inner_area_m2: Decimal | None
    room_type: str
    state: str
    developer_held: bool


@dataclass(frozen=True)
class RoomView:
    id: int
    community_id: int
    community: str
    building_id: int
    code: str
    floor: int
    area_m2: Decimal | None
    inner_area_m2: Decimal | None
    room_type: str
    state: str
    delivery_date: dt.date | None
    developer_held: bool
    developer: str  # the community's developer (建设单位), who holds it when developer_held
    contact: PersonRef | None
    emergency: PersonRef | None

    def as_json(self) -> dict:
        return {
            "id": self.id, "community": self.community, "code": self.code, "floor": self.floor,
            "area_m2": _num(self.area_m2), "inner_area_m2": _num(self.inner_area_m2),
            "type": self.room_type, "state": self.state,
            "delivery_date": self.delivery_date.isoformat() if self.delivery_date else None,
            "developer_held": self.developer_held,
            "contact": self.contact.name if self.contact else None,
            "emergency_contact": self.emergency.name if self.emergency else None,
        }


@dataclass
class ParkingSpaceInput:
    """A parking space as typed. `holder` is a person ("#12" or a phone number, "" none)."""

    code: str
    kind: str = "rented"
    area: str = ""
    holder: str = ""
    plate: str = ""
    note: str = ""


@dataclass(frozen=True)
class ParkingSpaceView:
    id: int
    community_id: int
    community: str
    code: str
    kind: str
    area_m2: Decimal | None
    holder: PersonRef | None
    plate: str
    note: str

    def as_json(self) -> dict:
        return {
            "id": self.id, "community": self.community, "code": self.code, "kind": self.kind,
            "area_m2": _num(self.area_m2), "holder": self.holder.name if self.holder else None,
            "plate": self.plate, "note": self.note,
        }


@dataclass(frozen=True)
class ContactLine:
    """Someone to call about a room, best first. `why`: room_contact, room_emergency,
    owner_contact (the occupant's chosen contact), occupant, owner_emergency."""

    person_id: int
    name: str
    number: str  # "" when the person has no phone
    why: str


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# --- parsing what was typed -------------------------------------------------------------------


def parse_area(text: str, field: str) -> Decimal | None:
    """An area in m² ("89.5", "89.50㎡", "120.36 平米") as a Decimal of 2 places, or None when
    empty; refused unless above zero, with at most two decimals."""
    value = fold_width(text or "").strip()
    for unit in _AREA_UNITS:
        value = value.removesuffix(unit).strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(field, _("An area is a number of square metres, such as 89.50.")) from None
    if not number.is_finite() or number <= 0:
        raise ValidationError(field, _("An area must be more than 0 m²."))
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError(field, _("An area has at most two decimals, such as 89.50."))
    if number > MAX_AREA:
        raise ValidationError(field, _("An area can be at most {max} m².").format(max=MAX_AREA))
    return number.quantize(Decimal("0.01"))


def _word(value: str, codes: dict[str, str], words: dict[str, str], field: str) -> str:
    from data.i18n import in_language

    text = " ".join(fold_width(value or "").split())
    if text in codes:
        return text
    if text in words:
        return words[text]
    for code, message in codes.items():
        if text.lower() in (message.lower(), _(message).lower(), in_language(message, "zh")):
            return code
    choices = "、".join(label(codes, c) for c in codes)
    raise ValidationError(field, _("“{value}” is not one of: {choices}.").format(
        value=text[:20], choices=choices))


def parse_room_type(value: str, field: str = "room_type") -> str:
    """A room type code from a code or a word (住宅, 商铺, 车库, 储藏室, 别墅, 办公)."""
    return _word(value, ROOM_TYPES, ROOM_TYPE_WORDS, field)


def parse_room_state(value: str, field: str = "state") -> str:
    """A room state code from a code or a word (未交付, 空置, 自住, 出租, 装修中)."""
    return _word(value, ROOM_STATES, ROOM_STATE_WORDS, field)


def parse_parking_kind(value: str, field: str = "kind") -> str:
    """A parking space kind from a code or a word (产权, 租赁, 临时)."""
    return _word(value, PARKING_KINDS, PARKING_KIND_WORDS, field)


def parse_parking_code(text: str, field: str = "code") -> str:
    """A parking space code normalised: " b2 034 " → "B2-034"."""
    value = fold_width(text or "").strip().upper()
    value = re.sub(r"[\s_—–－]+", "-", value)
    if not _PARKING_CODE_RE.fullmatch(value):
        raise ValidationError(field, _(
            "A parking space code is letters and digits in up to three parts, such as B2-034."))
    return value


def person_ref(text: str | None, field: str) -> int | None:
    """The person a field names: "#12" (an id, as the forms show "#12 张三"), or a phone
    number of exactly one person; "" is nobody."""
    value = fold_width(text or "").strip()
    if not value:
        return None
    found = re.fullmatch(r"#\s*(\d{1,12})(?:\s.*)?", value, flags=re.S)
    if found:
        person = Person.get_or_none(Person.id == int(found.group(1)))
        if person is None:
            raise ValidationError(field, _("There is no person #{id}.").format(id=found.group(1)))
        return person.id
    try:
        number = normalize_phone(value).number
    except ValidationError:
        raise ValidationError(field, _(
            "Name the person by their phone number, or as #id (the number on their card).")) from None
    ids = list({p.person_id for p in Phone.select(Phone.person).where(Phone.number == number).limit(5)})
    if not ids:
        raise ValidationError(field, _("Nobody has the phone number {number}; register the person first.")
                              .format(number=number))
    if len(ids) > 1:
        raise ValidationError(field, _("Several people share {number}; name the person as #id.")
                              .format(number=number))
    return ids[0]


def shown_person(ref: PersonRef | None) -> str:
    """How a form shows a person field: "#12 张三" (what `person_ref` reads back)."""
    return f"#{ref.id} {ref.name}" if ref else ""


# --- communities ----------------------------------------------------------------------------


def _derived_code(name: str, exclude_id: int | None = None) -> str:
    base = re.sub(r"[^0-9A-Z]", "", fold_width(initials(name)).upper())[:16] or "C"
    code, n = base, 1
    while True:
        query = Community.select().where(Community.code == code)
        if exclude_id is not None:
            query = query.where(Community.id != exclude_id)
        if not query.exists():
            return code
        n += 1
        code = f"{base}{n}"


def _clean_community(data: CommunityInput, exclude_id: int | None) -> dict:
    name = " ".join(clean_text(data.name or "", "name", max_length=100).split())
    if not name:
        raise ValidationError("name", _("Enter the community's name."))
    clash = Community.select().where(Community.name == name)
    if exclude_id is not None:
        clash = clash.where(Community.id != exclude_id)
    if clash.exists():
        raise ValidationError("name", _("A community called “{name}” already exists.").format(name=name))
    code = fold_width(clean_text(data.code or "", "code", max_length=20)).upper()
    if code:
        if not _CODE_RE.fullmatch(code):
            raise ValidationError("code", _(
                "A community code is up to 20 letters, digits, - or _, such as JXHY."))
        taken = Community.select(Community.name).where(Community.code == code)
        if exclude_id is not None:
            taken = taken.where(Community.id != exclude_id)
        other = taken.first()
        if other is not None:
            raise ValidationError("code", _("The code {code} is already used by {name}.").format(
                code=code, name=other.name))
    else:
        code = _derived_code(name, exclude_id)
    phone_text = clean_text(data.phone or "", "phone", max_length=30)
    phone = normalize_phone(phone_text).number if phone_text else ""
    return {
        "name": name, "code": code, "phone": phone,
        "address": clean_text(data.address or "", "address", max_length=200),
        "developer": clean_text(data.developer or "", "developer", max_length=100),
    }


def add_community(data: CommunityInput) -> int:
    """Add a community (administrators); the code is derived from the name's pinyin
    initials (锦绣花园 → JXHY) when not given. Returns its id."""
    access.require("property.manage")
    with transaction():
        values = _clean_community(data, None)
        return Community.create(**values).id


def update_community(community_id: int, data: CommunityInput) -> None:
    """Change a community's name, code, address, phone or developer (administrators)."""
    access.require("property.manage")
    with transaction():
        _community(community_id)
        values = _clean_community(data, community_id)
        Community.update(**values).where(Community.id == community_id).execute()


def _community(community_id: int) -> Community:
    found = Community.get_or_none(Community.id == community_id)
    if found is None:
        raise NotFoundError(_("This community no longer exists."))
    return found


def find_community(text: str) -> int:
    """The id of the community named (or coded) `text`; NotFoundError says how to add it."""
    value = " ".join(fold_width(text or "").split())
    found = Community.get_or_none((Community.name == value) | (Community.code == value.upper()))
    if found is None:
        raise NotFoundError(_(
            "No community called “{name}”. Add it first: frontdesk community add {name}"
        ).format(name=value[:40]))
    return found.id


def list_communities() -> list[CommunityRow]:
    """Every community with its building and room counts, by name."""
    buildings = dict(Building.select(Building.community, fn.COUNT(Building.id))
                     .group_by(Building.community).tuples())
    rooms = dict(Room.select(Room.community, fn.COUNT(Room.id))
                 .group_by(Room.community).tuples())
    return [
        CommunityRow(c.id, c.name, c.code, c.address, c.phone, c.developer,
                     buildings.get(c.id, 0), rooms.get(c.id, 0))
        for c in Community.select().order_by(Community.name)
    ]


def community_view(community_id: int) -> CommunityView:
    """One community with its buildings."""
    c = _community(community_id)
    return CommunityView(c.id, c.name, c.code, c.address, c.phone, c.developer, c.created_at,
                         tuple(buildings(community_id)))


# --- buildings, entrances, rooms ------------------------------------------------------------


def buildings(community_id: int) -> list[BuildingRow]:
    """A community's buildings (phase, then code in number order) with their room counts."""
    counts = dict(Room.select(Room.building, fn.COUNT(Room.id)).where(Room.community == community_id)
                  .group_by(Room.building).tuples())
    rows = [
        BuildingRow(b.id, b.community_id, b.code, b.phase, b.name, b.kind, b.floors, counts.get(b.id, 0))
        for b in Building.select().where(Building.community == community_id)
    ]
    rows.sort(key=lambda b: (b.phase, b.code.isdigit() is False, b.code.zfill(6)))
    return rows


def ensure_building(community_id: int, code: str, *, phase: str = "", name: str | None = None,
                    kind: str | None = None) -> int:
    """The id of a community's building `code`, created when missing (administrators); a
    given name or kind is stored on it."""
    access.require("property.manage")
    code = fold_width(clean_text(code or "", "building", max_length=20)).upper()
    if not re.fullmatch(r"[0-9A-Z]{1,4}", code):
        raise ValidationError("building", _("A building code is 1–4 letters or digits, such as 3 or A."))
    code = (code.lstrip("0") or "0") if code.isdigit() else code
    values: dict = {}
    if name is not None:
        values["name"] = clean_text(name, "building_name", max_length=40)
    if kind is not None:
        values["kind"] = parse_room_type(kind, "kind")
    with transaction():
        _community(community_id)
        building, created = Building.get_or_create(
            community=community_id, code=code,
            defaults={"phase": clean_text(phase or "", "phase", max_length=10), **values})
        if not created and values:
            Building.update(**values).where(Building.id == building.id).execute()
        return building.id


def ensure_entrance(building_id: int, code: str) -> int:
    """The id of a building's entrance `code`, created when missing (administrators)."""
    access.require("property.manage")
    code = fold_width(clean_text(code or "", "entrance", max_length=20)).upper()
    if not re.fullmatch(r"[0-9A-Z]{1,3}", code):
        raise ValidationError("entrance", _("An entrance code is 1–3 letters or digits, such as 2."))
    code = (code.lstrip("0") or "0") if code.isdigit() else code
    with transaction():
        return Entrance.get_or_create(building=building_id, code=code)[0].id


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
        _community(community_id)
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


def _refs(ids: Iterable[int | None]) -> dict[int, PersonRef]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {p.id: PersonRef(p.id, p.name) for p in Person.select(Person.id, Person.name).where(Person.id.in_(wanted))}


def person_contacts(person_id: int) -> tuple[PersonRef | None, PersonRef | None]:
    """(chosen contact, emergency contact) of a person."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFoundError(_("This person no longer exists."))
    refs = _refs((person.contact_person_id, person.emergency_contact_id))
    return refs.get(person.contact_person_id), refs.get(person.emergency_contact_id)


def room_view(room_id: int) -> RoomView:
    """One room with its facts and contact people."""
    room = (Room.select(Room, Community.name.alias("community_name"), Community.developer)
            .join(Community).where(Room.id == room_id).objects().first())
    if room is None:
        raise NotFoundError(_("This room no longer exists."))
    refs = _refs((room.contact_person_id, room.emergency_contact_id))
    return RoomView(
        room.id, room.community_id, room.community_name, room.building_id, room.code, room.floor,
        _dec(room.area_m2), _dec(room.inner_area_m2), room.room_type, room.state,
        room.delivery_date, bool(room.developer_held), room.developer,
        refs.get(room.contact_person_id), refs.get(room.emergency_contact_id),
    )


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


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
        RoomRow(r.id, r.code, r.number, r.floor, _dec(r.area_m2), _dec(r.inner_area_m2),
                r.room_type, r.state, bool(r.developer_held))
        for r in query.order_by(Room.code).limit(limit)
    ]


# --- parking spaces ---------------------------------------------------------------------------


def _parking_values(data: ParkingSpaceInput) -> dict:
    kind = parse_parking_kind(data.kind or "rented")
    area = parse_area(data.area or "", "area")
    if area is not None and kind != "titled":
        raise ValidationError("area", _("Only a titled (产权) parking space has an area of its own."))
    plate_text = fold_width(data.plate or "").strip()
    return {
        "code": parse_parking_code(data.code),
        "kind": kind,
        "area_m2": area,
        "holder": person_ref(data.holder, "holder"),
        "plate": normalize_plate(plate_text) if plate_text else "",
        "note": clean_text(data.note or "", "note", multiline=True, max_length=500),
    }


def add_parking_space(community_id: int, data: ParkingSpaceInput) -> int:
    """Add a parking space (车位) to a community; its code is unique there."""
    access.require("parking.manage")
    with transaction():
        _community(community_id)
        values = _parking_values(data)
        if ParkingSpace.select().where(ParkingSpace.community == community_id,
                                       ParkingSpace.code == values["code"]).exists():
            raise ValidationError("code", _("Parking space {code} already exists in this community.")
                                  .format(code=values["code"]))
        return ParkingSpace.create(community=community_id, **values).id


def update_parking_space(space_id: int, data: ParkingSpaceInput) -> ParkingSpaceView:
    """Change a parking space's code, kind, area, holder, plate or note."""
    access.require("parking.manage")
    with transaction():
        space = ParkingSpace.get_or_none(ParkingSpace.id == space_id)
        if space is None:
            raise NotFoundError(_("This parking space no longer exists."))
        values = _parking_values(data)
        if ParkingSpace.select().where(ParkingSpace.community == space.community_id,
                                       ParkingSpace.code == values["code"],
                                       ParkingSpace.id != space_id).exists():
            raise ValidationError("code", _("Parking space {code} already exists in this community.")
                                  .format(code=values["code"]))
        ParkingSpace.update(**values).where(ParkingSpace.id == space_id).execute()
    return _parking_views(ParkingSpace.id == space_id)[0]


def _parking_views(where, limit: int = PARKING_PAGE) -> list[ParkingSpaceView]:
    rows = list(ParkingSpace.select(ParkingSpace, Community.name.alias("community_name"))
                .join(Community).where(where).order_by(Community.name, ParkingSpace.code)
                .limit(limit).objects())
    refs = _refs(r.holder_id for r in rows)
    return [ParkingSpaceView(r.id, r.community_id, r.community_name, r.code, r.kind, _dec(r.area_m2),
                             refs.get(r.holder_id), r.plate, r.note) for r in rows]


def parking_spaces(community_id: int | None = None, *, kind: str | None = None,
                   limit: int = PARKING_PAGE) -> list[ParkingSpaceView]:
    """Parking spaces (of one community, of one kind), by community and code."""
    where = ParkingSpace.id.is_null(False)
    if community_id is not None:
        where &= ParkingSpace.community == community_id
    if kind:
        where &= ParkingSpace.kind == parse_parking_kind(kind)
    return _parking_views(where, limit)


def find_parking_space(community_id: int, code: str) -> ParkingSpaceView:
    """A community's parking space by its code ("b2 034" finds B2-034)."""
    found = _parking_views((ParkingSpace.community == community_id)
                           & (ParkingSpace.code == parse_parking_code(code)), 1)
    if not found:
        raise NotFoundError(_("No parking space {code} in this community.").format(
            code=fold_width(code).strip()[:20]))
    return found[0]


# --- whom to call -----------------------------------------------------------------------------


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


def room_contacts(room_id: int) -> list[ContactLine]:
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
    refs = _refs(pid for pid, _w in order)
    phones = first_phones(refs)
    lines: list[ContactLine] = []
    seen: set[int] = set()
    for pid, why in order:
        if pid is None or pid in seen or pid not in refs:
            continue
        seen.add(pid)
        lines.append(ContactLine(pid, refs[pid].name, phones.get(pid, ""), why))
    return lines

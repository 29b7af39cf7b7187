"""The values of the property structure (inputs, rows, views) and the parsers of what was
typed: areas, room types and states, parking kinds and codes, person references."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from data.errors import ValidationError
from data.i18n import _
from data.models import (
    Person,
    Phone,
)
from data.validators import (
    fold_width,
    normalize_phone,
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
class ContactRow:
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
        return _person_by_name(value, field)
    ids = list({p.person_id for p in Phone.select(Phone.person).where(Phone.number == number).limit(5)})
    if not ids:
        raise ValidationError(field, _("Nobody has the phone number {number}; register the person first.")
                              .format(number=number))
    if len(ids) > 1:
        raise ValidationError(field, _("Several people share {number}; name the person as #id.")
                              .format(number=number))
    return ids[0]


def _person_by_name(value: str, field: str) -> int:
    """The one person called `value` (their full name, as on their card)."""
    name = " ".join(value.split())
    if len(name) > 40 or not any(ch.isalpha() for ch in name):
        raise ValidationError(field, _(
            "Name the person by their name, their phone number, or as #id (the number on their card)."))
    ids = [p.id for p in Person.select(Person.id).where(Person.name == name).limit(5)]
    if not ids:
        raise ValidationError(field, _("Nobody is called {name}; type their phone number, or register "
                                       "the person first.").format(name=name[:20]))
    if len(ids) > 1:
        raise ValidationError(field, _("Several people are called {name}; type their phone number or "
                                       "#id instead.").format(name=name[:20]))
    return ids[0]


def shown_person(ref: PersonRef | None) -> str:
    """How a form shows a person field: "#12 张三" (what `person_ref` reads back)."""
    return f"#{ref.id} {ref.name}" if ref else ""


def person_refs(ids: Iterable[int | None]) -> dict[int, PersonRef]:
    """Id → PersonRef of the given people (None ids skipped), in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {p.id: PersonRef(p.id, p.name) for p in Person.select(Person.id, Person.name).where(Person.id.in_(wanted))}


def stored_decimal(value) -> Decimal | None:
    """A stored area as a Decimal with two places (None stays None)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))

"""Communities (小区) and their buildings and entrances: adding, editing, finding and listing
them (`property.manage`)."""

from __future__ import annotations

import re

from peewee import fn

from data import access
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import (
    Building,
    Community,
    Entrance,
    Room,
)
from data.pinyin import initials
from data.property.values import (
    BuildingRow,
    CommunityInput,
    CommunityRow,
    CommunityView,
    parse_room_type,
)
from data.validators import (
    clean_text,
    fold_width,
    normalize_phone,
)

_CODE_RE = re.compile(r"[0-9A-Z][0-9A-Z_-]{0,19}")


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
        get_community(community_id)
        values = _clean_community(data, community_id)
        Community.update(**values).where(Community.id == community_id).execute()


def get_community(community_id: int) -> Community:
    """The community row, or NotFoundError when it no longer exists."""
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
    c = get_community(community_id)
    return CommunityView(c.id, c.name, c.code, c.address, c.phone, c.developer, c.created_at,
                         tuple(buildings(community_id)))


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
        get_community(community_id)
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

"""Parking spaces (车位): adding, editing, listing and finding them."""

from __future__ import annotations

from data import access
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import (
    Community,
    ParkingSpace,
    Person,
)
from data.property.communities import get_community
from data.property.values import (
    PARKING_PAGE,
    ParkingSpaceInput,
    ParkingSpaceView,
    parse_area,
    parse_parking_code,
    parse_parking_kind,
    person_ref,
    person_refs,
    stored_decimal,
)
from data.validators import (
    clean_text,
    fold_width,
    normalize_plate,
)


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
        get_community(community_id)
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
    refs = person_refs(r.holder_id for r in rows)
    return [ParkingSpaceView(r.id, r.community_id, r.community_name, r.code, r.kind, stored_decimal(r.area_m2),
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


def set_parking_holder(space_id: int, person_id: int | None) -> int:
    """Make a person the holder (owner or tenant) of a parking space; returns its id."""
    access.require("parking.manage")
    with transaction():
        if not ParkingSpace.select().where(ParkingSpace.id == space_id).exists():
            raise NotFoundError(_("This parking space no longer exists."))
        if person_id is not None and not Person.select().where(Person.id == person_id).exists():
            raise NotFoundError(_("This person no longer exists."))
        ParkingSpace.update(holder=person_id).where(ParkingSpace.id == space_id).execute()
    return space_id


def parking_of_people(person_ids) -> list[ParkingSpaceView]:
    """The parking spaces these people hold (a room card's occupants), by community and code."""
    ids = list({i for i in person_ids if i is not None})
    if not ids:
        return []
    return _parking_views(ParkingSpace.holder.in_(ids))

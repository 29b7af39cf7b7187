"""The scopes a reports screen offers: the communities, and the buildings of one (or of
every community), bounded, as Scope values with their labels."""

from __future__ import annotations

from peewee import fn

from data.models import Building, Community
from data.reports.periods import Scope

#: At most this many choices in a picker.
CHOICES_LIMIT = 500


def community_scopes() -> list[Scope]:
    """Every community, by name."""
    return [Scope(cid, None, name) for cid, name in
            Community.select(Community.id, Community.name).order_by(Community.name)
            .limit(CHOICES_LIMIT).tuples()]


def building_scopes(community_id: int | None = None) -> list[Scope]:
    """The buildings of a community (of every community when None), in code order."""
    query = (Building.select(Building.id, Building.code, Building.name, Community.id, Community.name)
             .join(Community).order_by(Community.name, fn.LENGTH(Building.code), Building.code)
             .limit(CHOICES_LIMIT))
    if community_id is not None:
        query = query.where(Building.community == community_id)
    return [Scope(cid, bid, f"{cname} {name or code}") for bid, code, name, cid, cname in query.tuples()]

"""Incidents (停水, 停电 …): outages declared for some buildings, shown on calls from them
and counting the calls tagged to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from peewee import fn

from data.calls.log import CallView, active_staff, call_row, check_code, get_call
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.i18n import _
from data.models import Building, Call, Community, Incident, IncidentBuilding, Room, Staff
from data.validators import clean_text
from data.vocab import INCIDENT_KINDS, label

#: Staff roles that may declare and end incidents.
INCIDENT_ROLES = ("supervisor", "manager", "admin")


@dataclass(frozen=True)
class IncidentView:
    """An outage and how many calls it brought."""

    id: int
    kind: str  # data.vocab.INCIDENT_KINDS
    title: str
    script: str
    starts: dt.datetime
    ends: dt.datetime
    buildings: tuple[str, ...]  # "锦绣花园 3栋"
    calls: int  # calls tagged to it
    callers: int  # distinct people (unknown numbers counted by number)
    ended_at: dt.datetime | None = None
    building_ids: tuple[int, ...] = ()
    declared_by: str = ""

    def active(self, at: dt.datetime | None = None) -> bool:
        at = at or clock_now()
        return self.ended_at is None and self.starts <= at < self.ends


def _incident_views(rows: list[Incident]) -> list[IncidentView]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    buildings: dict[int, list[tuple[int, str]]] = {}
    query = (
        IncidentBuilding.select(IncidentBuilding.incident, Building.id, Building.code, Community.name)
        .join(Building)
        .join(Community)
        .where(IncidentBuilding.incident.in_(ids))
        .order_by(Community.name, fn.LENGTH(Building.code), Building.code)
        .tuples()
    )
    for incident_id, building_id, code, community in query:
        buildings.setdefault(incident_id, []).append(
            (building_id, _("{community} building {code}").format(community=community, code=code)))
    calls = dict(
        Call.select(Call.incident, fn.COUNT(Call.id)).where(Call.incident.in_(ids))
        .group_by(Call.incident).tuples()
    )
    people = dict(
        Call.select(Call.incident, fn.COUNT(Call.person.distinct()))
        .where(Call.incident.in_(ids), Call.person.is_null(False))
        .group_by(Call.incident).tuples()
    )
    numbers = dict(
        Call.select(Call.incident, fn.COUNT(Call.number.distinct()))
        .where(Call.incident.in_(ids), Call.person.is_null())
        .group_by(Call.incident).tuples()
    )
    staff = dict(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_({r.declared_by_id for r in rows})).tuples())
    return [
        IncidentView(
            id=r.id, kind=r.kind, title=r.title, script=r.script, starts=r.starts, ends=r.ends,
            buildings=tuple(name for _b, name in buildings.get(r.id, [])),
            calls=calls.get(r.id, 0), callers=people.get(r.id, 0) + numbers.get(r.id, 0),
            ended_at=r.ended_at, building_ids=tuple(b for b, _n in buildings.get(r.id, [])),
            declared_by=staff.get(r.declared_by_id, ""),
        )
        for r in rows
    ]


def get_incident(incident_id: int) -> IncidentView:
    row = Incident.get_or_none(Incident.id == incident_id)
    if row is None:
        raise NotFoundError(_("No incident with id {id}.").format(id=incident_id))
    return _incident_views([row])[0]


def _active_where(at: dt.datetime):
    return Incident.ended_at.is_null() & (Incident.starts <= at) & (Incident.ends > at)


def incident_for_buildings(building_ids: Iterable[int], at: dt.datetime) -> IncidentView | None:
    ids = list(dict.fromkeys(building_ids))
    if not ids:
        return None
    row = (
        Incident.select()
        .join(IncidentBuilding)
        .where(IncidentBuilding.building.in_(ids), _active_where(at))
        .order_by(Incident.starts.desc(), Incident.id.desc())
        .first()
    )
    return _incident_views([row])[0] if row is not None else None


def _supervisor(staff_id: int) -> Staff:
    staff = active_staff(staff_id)
    if staff.role not in INCIDENT_ROLES:
        raise PermissionDenied(_(
            "Only a supervisor, manager or administrator may declare or end an incident; "
            "ask your supervisor."))
    return staff


def declare_incident(kind: str, title: str, building_ids: list[int], starts: dt.datetime | None,
                     ends: dt.datetime | None, script: str, staff_id: int) -> IncidentView:
    """Declare an outage for some buildings from `starts` to `ends`, with the script the desk
    reads to callers. Supervisors, managers and administrators only (PermissionDenied)."""
    _supervisor(staff_id)
    check_code(kind, INCIDENT_KINDS, "kind")
    title = clean_text(title, "title", max_length=120) or label(INCIDENT_KINDS, kind)
    script = clean_text(script, "script", multiline=True, max_length=4000)
    ids = list(dict.fromkeys(int(b) for b in building_ids or ()))
    if not ids:
        raise ValidationError("buildings", _("Choose at least one affected building."))
    known = {b for (b,) in Building.select(Building.id).where(Building.id.in_(ids)).tuples()}
    missing = [b for b in ids if b not in known]
    if missing:
        raise ValidationError("buildings", _("No building with id {ids}.").format(
            ids=", ".join(map(str, missing))))
    if not isinstance(starts, dt.datetime) or not isinstance(ends, dt.datetime):
        raise ValidationError("starts", _("Give the start and the end as a date and time."))
    if ends <= starts:
        raise ValidationError("ends", _("The end ({ends}) must come after the start ({starts}).").format(
            ends=f"{ends:%Y-%m-%d %H:%M}", starts=f"{starts:%Y-%m-%d %H:%M}"))
    at = clock_now()
    if ends <= at:
        raise ValidationError("ends", _("The end ({ends}) has passed already: the incident would be over.").format(
            ends=f"{ends:%Y-%m-%d %H:%M}"))
    with transaction():
        row = Incident.create(kind=kind, title=title, script=script, starts=starts, ends=ends,
                              declared_by=staff_id, created_at=at)
        IncidentBuilding.insert_many([{"incident": row.id, "building": b} for b in ids]).execute()
    return get_incident(row.id)


def active_incidents(at: dt.datetime | None = None) -> list[IncidentView]:
    """Incidents going on at `at`, soonest start first."""
    at = at or clock_now()
    rows = list(Incident.select().where(_active_where(at)).order_by(Incident.starts, Incident.id).limit(200))
    return _incident_views(rows)


def incident_for_room(room_id: int, at: dt.datetime | None = None) -> IncidentView | None:
    """The active incident on the room's building, if any (the latest declared)."""
    building = Room.select(Room.building).where(Room.id == room_id).scalar()
    return incident_for_buildings([building] if building else [], at or clock_now())


def tag_call(call_id: int, incident_id: int, staff_id: int) -> CallView:
    """Tag a call as being about an incident (it then counts in the incident's calls)."""
    active_staff(staff_id)
    with transaction():
        call_row(call_id)
        if not Incident.select().where(Incident.id == incident_id).exists():
            raise NotFoundError(_("No incident with id {id}.").format(id=incident_id))
        Call.update(incident=incident_id).where(Call.id == call_id).execute()
    return get_call(call_id)


def end_incident(incident_id: int, staff_id: int, at: dt.datetime | None = None) -> IncidentView:
    """End an incident now (water back early): it stops showing on calls."""
    _supervisor(staff_id)
    at = at or clock_now()
    with transaction():
        row = Incident.get_or_none(Incident.id == incident_id)
        if row is None:
            raise NotFoundError(_("No incident with id {id}.").format(id=incident_id))
        if row.ended_at is not None:
            raise ValidationError("incident", _("This incident was ended already ({at}).").format(
                at=f"{row.ended_at:%Y-%m-%d %H:%M}"))
        Incident.update(ended_at=at).where(Incident.id == incident_id).execute()
    return get_incident(incident_id)

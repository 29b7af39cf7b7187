"""Territories (地域, issue 7): the buildings each technician looks after. Dispatch suggests
the building's technician; a technician sees and changes only the work orders assigned
to them or in their territory. Reassigning a territory is one step: the buildings and
the open work in them move together, and each moved order's history says so."""

from __future__ import annotations

from typing import NamedTuple

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.i18n import _
from data.models import Building, Community, Staff, Territory, WorkOrder, WorkOrderHistory

#: Statuses whose orders move with a territory (the work not finished yet).
MOVING_STATUSES = ("new", "assigned", "in_progress", "on_hold")


class TerritoryLine(NamedTuple):
    login: str
    name: str
    community: str
    building: str
    building_id: int


class MoveResult(NamedTuple):
    buildings: int
    orders: tuple[str, ...]  # numbers of the work orders that moved


def _tech(login: str, option: str = "staff") -> Staff:
    row = Staff.get_or_none(Staff.login == (login or "").strip())
    if row is None or not row.active:
        raise NotFoundError(_("No active staff member with the login “{login}”.").format(login=login))
    return row


def _buildings(codes: list[str], community: str | None) -> list[int]:
    from data.people import find_building

    if not codes:
        raise ValidationError("buildings", _("Name at least one building, such as 3 or 3号楼."))
    return [find_building(code, community)[0] for code in codes]


def territory_building_ids(staff_id: int) -> list[int]:
    """The buildings in a staff member's territory."""
    return [t.building_id for t in Territory.select(Territory.building).where(Territory.staff == staff_id)]


def list_territories(login: str | None = None) -> list[TerritoryLine]:
    """Who looks after which building (one staff member's, or everyone's)."""
    query = (Territory.select(Staff.login, Staff.name, Community.name.alias("community"),
                              Building.code, Building.id.alias("building_id"))
             .join(Staff).switch(Territory).join(Building).join(Community)
             .order_by(Staff.login, Community.name, Building.code))
    if login:
        query = query.where(Staff.login == login)
    return [TerritoryLine(r["login"], r["name"], r["community"], r["code"], r["building_id"])
            for r in query.dicts()]


def assign_buildings(login: str, codes: list[str], *, community: str | None = None,
                     by: int | None = None) -> int:
    """Add buildings to a staff member's territory (administrators). Returns how many
    were new to it; a building already theirs is left as it is."""
    access.require("territory.manage", by)
    staff = _tech(login)
    ids = _buildings(codes, community)
    added = 0
    with transaction():
        have = set(territory_building_ids(staff.id))
        for building_id in dict.fromkeys(ids):
            if building_id not in have:
                Territory.create(staff=staff.id, building=building_id, since=clock_now())
                added += 1
    return added


def remove_buildings(login: str, codes: list[str], *, community: str | None = None,
                     by: int | None = None) -> int:
    """Take buildings out of a staff member's territory (administrators)."""
    access.require("territory.manage", by)
    staff = _tech(login)
    ids = _buildings(codes, community)
    with transaction():
        return Territory.delete().where(Territory.staff == staff.id,
                                        Territory.building.in_(ids)).execute()


def move_territory(from_login: str, to_login: str, *, codes: list[str] | None = None,
                   community: str | None = None, by: int | None = None) -> MoveResult:
    """Hand `from_login`'s territory (or only the named buildings of it) to `to_login` in
    one transaction: the buildings, and every open work order of theirs in them. Each
    moved order's history records the move and who made it."""
    access.require("territory.manage", by)
    source, target = _tech(from_login), _tech(to_login, "to")
    if source.id == target.id:
        raise ValidationError("to", _("The territory already belongs to {login}.").format(login=to_login))
    owned = set(territory_building_ids(source.id))
    ids = set(_buildings(codes, community)) if codes else owned
    missing = ids - owned
    if missing:
        names = ", ".join(b.code for b in Building.select().where(Building.id.in_(missing)))
        raise ValidationError("buildings", _("{login} does not look after building(s) {names}.").format(
            login=from_login, names=names))
    if not ids:
        raise ValidationError("from", _("{login} has no territory to move.").format(login=from_login))
    actor = by if by is not None else access.current_id()
    at = clock_now()
    with transaction():
        have = set(territory_building_ids(target.id))
        Territory.delete().where(Territory.staff == source.id, Territory.building.in_(ids)).execute()
        for building_id in sorted(ids - have):
            Territory.create(staff=target.id, building=building_id, since=at)
        orders = list(WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.status)
                      .where(WorkOrder.assignee == source.id, WorkOrder.building.in_(ids),
                             WorkOrder.status.in_(MOVING_STATUSES)).order_by(WorkOrder.id))
        if orders:
            WorkOrder.update(assignee=target.id, updated_at=at, version=WorkOrder.version + 1).where(
                WorkOrder.id.in_([o.id for o in orders])).execute()
            note = _("territory moved: {old} → {new}").format(old=source.name, new=target.name)
            WorkOrderHistory.insert_many([
                {"work_order": o.id, "staff": actor, "at": at, "action": "reassign",
                 "from_status": o.status, "to_status": o.status, "note": note} for o in orders
            ]).execute()
    return MoveResult(len(ids), tuple(o.number for o in orders))


# --- visibility ---------------------------------------------------------------------------------


def order_visibility(staff_id: int | None = None):
    """A WHERE clause limiting work orders to what the account may see, or None for all.
    Technicians see the orders assigned to them and those in their territory."""
    who = access.actor_for(staff_id)
    if who is None or access.can("order.see_all", who.id):
        return None
    return (WorkOrder.assignee == who.id) | WorkOrder.building.in_(
        Territory.select(Territory.building).where(Territory.staff == who.id))


def visible_only(query, staff_id: int | None = None):
    """`query` of work orders narrowed to what the account (default: the acting one) may
    see; unchanged for roles that see every order."""
    visible = order_visibility(staff_id)
    return query if visible is None else query.where(visible)


def check_order_visible(order: WorkOrder, staff_id: int | None = None) -> None:
    """PermissionDenied unless the account may see and change this order."""
    who = access.actor_for(staff_id)
    if who is None or access.can("order.see_all", who.id) or order.assignee_id == who.id:
        return
    if order.building_id is not None and order.building_id in territory_building_ids(who.id):
        return
    raise PermissionDenied(_("{number} is neither assigned to you nor in your territory.").format(
        number=order.number))

"""The shift handover's sections about renovations (data.handover registers them by path):
inspections due or whose findings are still open, and renovations found working outside
their permitted hours today. A role that may not read the register gets nothing."""

from __future__ import annotations

import datetime as dt

from peewee import fn

from data import access
from data.handover import MAX_ITEMS, MORE, NEXT_SHIFT, HandoverItem, place
from data.i18n import _
from data.models import Community, Renovation, RenovationInspection, Room, WorkOrder
from data.renovations.hours import day_kind, is_noise_category, nearby_permits
from data.renovations.values import RESULTS, describe_hours
from data.vocab import OPEN_STATUSES, WORK_ORDER_STATUSES, label

#: A renovation in progress is inspected at least this often (物业每周巡查).
INSPECTION_EVERY = dt.timedelta(days=7)
#: The permission that reads the register (technicians on their rounds read it too).
READ = "renovation.inspect"


def _one_line(text: str, width: int = 40) -> str:
    words = " ".join((text or "").split())
    return words if len(words) <= width else words[: width - 1] + "…"


def _more(items: list[HandoverItem], total: int) -> list[HandoverItem]:
    if total > len(items):
        items.append(HandoverItem(_("… and {count} more").format(count=total - len(items)), entity=MORE))
    return items


def inspection_items(now: dt.datetime, community_ids: list[int] | None) -> list[HandoverItem]:
    """Renovations in progress not inspected for a week by the end of the next shift (the
    longest waiting first), then inspections whose findings opened a work order that is
    still open."""
    if not access.can(READ):
        return []
    last = (RenovationInspection.select(RenovationInspection.renovation,
                                        fn.MAX(RenovationInspection.at).alias("last_at"))
            .group_by(RenovationInspection.renovation))
    where = [Renovation.status == "in_progress"]
    if community_ids is not None:
        where.append(Renovation.community.in_(community_ids))
    rows = list(Renovation.select(Renovation.id, Renovation.number, Renovation.started_at,
                                  Renovation.applied_at, Renovation.contractor,
                                  Room.code.alias("room_code"), Community.name.alias("community_name"))
                .join(Room, on=(Renovation.room == Room.id))
                .switch(Renovation).join(Community, on=(Renovation.community == Community.id))
                .where(*where).limit(2000).objects())
    seen = {r.renovation_id: r.last_at for r in last.where(
        RenovationInspection.renovation.in_([r.id for r in rows] or [0])).objects()}
    due = []
    for r in rows:
        inspected = _as_datetime(seen.get(r.id))
        since = inspected or r.started_at or r.applied_at
        when = since + INSPECTION_EVERY
        if when < now + NEXT_SHIFT:
            due.append((when, r, inspected))
    due.sort(key=lambda d: (d[0], d[1].id))
    items = []
    for when, r, inspected in due[:MAX_ITEMS]:
        head = (_("inspection overdue since {at}") if when < now else _("inspection due {at}")).format(
            at=f"{when:%m-%d %H:%M}")
        last_seen = (_("last inspected {at}").format(at=f"{inspected:%m-%d}") if inspected else
                     _("not inspected since the works started {at}").format(
                         at=f"{(r.started_at or r.applied_at):%m-%d}"))
        text = " · ".join((head, place(r.community_name, r.room_code, community_ids),
                           _one_line(r.contractor, 20), last_seen))
        items.append(HandoverItem(text, r.number, "renovation", r.id))
    items = _more(items, len(due))

    open_where = [WorkOrder.status.in_(OPEN_STATUSES)]
    if community_ids is not None:
        open_where.append(Renovation.community.in_(community_ids))
    found = list(RenovationInspection
                 .select(RenovationInspection.at, RenovationInspection.result,
                         RenovationInspection.findings, Renovation.number.alias("permit_number"),
                         Room.code.alias("room_code"), Community.name.alias("community_name"),
                         WorkOrder.id.alias("order_id"),
                         WorkOrder.number.alias("order_number"), WorkOrder.status.alias("order_status"))
                 .join(Renovation, on=(RenovationInspection.renovation == Renovation.id))
                 .join(Room, on=(Renovation.room == Room.id))
                 .switch(Renovation).join(Community, on=(Renovation.community == Community.id))
                 .switch(RenovationInspection)
                 .join(WorkOrder, on=(RenovationInspection.work_order == WorkOrder.id))
                 .where(*open_where)
                 .order_by(RenovationInspection.at, RenovationInspection.id)
                 .limit(MAX_ITEMS + 1).objects())
    for r in found[:MAX_ITEMS]:
        text = " · ".join((
            _("{result} found {at}, still open").format(result=label(RESULTS, r.result),
                                                       at=f"{_as_datetime(r.at):%m-%d}"),
            place(r.community_name, r.room_code, community_ids), r.permit_number, _one_line(r.findings),
            label(WORK_ORDER_STATUSES, r.order_status)))
        items.append(HandoverItem(text, r.order_number, "work_order", r.order_id))
    if len(found) > MAX_ITEMS:
        items.append(HandoverItem(_("… and more open findings: see the renovation register"), entity=MORE))
    return items


def outside_hours_items(now: dt.datetime, community_ids: list[int] | None) -> list[HandoverItem]:
    """Renovations working outside their permitted hours today, as today's noise complaints
    about them (or about a neighbour's room) show: one line per permit, naming the first
    complaint and counting the others."""
    if not access.can(READ):
        return []
    start = dt.datetime.combine(now.date(), dt.time())
    where = [WorkOrder.kind == "complaint", WorkOrder.room.is_null(False),
             WorkOrder.created_at >= start, WorkOrder.created_at <= now,
             WorkOrder.category.is_null(False)]
    if community_ids is not None:
        where.append(WorkOrder.community.in_(community_ids))
    complaints = list(WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.room,
                                       WorkOrder.category, WorkOrder.created_at)
                      .where(*where).order_by(WorkOrder.created_at, WorkOrder.id).limit(500))
    noise: dict[int, bool] = {}
    by_permit: dict[int, list] = {}
    for order in complaints:
        if order.category_id not in noise:
            noise[order.category_id] = is_noise_category(order.category_id)
        if not noise[order.category_id]:
            continue
        for nearby in nearby_permits(order.room_id, order.created_at):
            if not nearby.permitted:
                by_permit.setdefault(nearby.permit.id, []).append((order, nearby))
    items = []
    kind = day_kind(now.date())
    names = dict(Community.select(Community.id, Community.name).tuples()) if by_permit else {}
    for found in by_permit.values():
        order, nearby = found[0]
        permit = nearby.permit
        hours = describe_hours(permit.workday_hours, permit.rest_day_hours, kind)
        text = _("{room}: noise complaint at {time}, outside its hours ({hours})").format(
            room=place(names.get(permit.community_id, ""), nearby.room_code, community_ids),
            time=f"{_as_datetime(order.created_at):%H:%M}", hours=hours)
        if len(found) > 1:
            text += " · " + _("{count} complaints today").format(count=len(found))
        text += " · " + permit.number
        items.append(HandoverItem(text, order.number, "work_order", order.id))
    return items


def _as_datetime(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value)[:19])


__all__ = ["INSPECTION_EVERY", "inspection_items", "outside_hours_items"]

"""Dispatch suggestions: which technician should take a work order (issue 4 §4).

The rule: the active technician whose territory holds the order's building, least loaded,
not booked on the calendar at the appointment time, on duty (值班, data.duty). Busy
technicians sort after free ones; then those on duty when the work is to be done (at the
appointment, else at the moment of dispatch) before those on call (备班), before those
off duty; then territory before the rest (same community before other communities), then
the number of open orders, then login. Beside each, the technician's record on the order's
category (服务技能: resolved, median time, rating; data.knowledge.skills), for the dispatcher
to weigh. Technicians are few (tens), so they are loaded whole;
work orders and events are only read through bounded, indexed queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from data.appointments import appointment_event
from data.clock import now as clock_now
from data.duty import on_duty_ids
from data.errors import NotFoundError
from data.events import conflicts_for
from data.i18n import _
from data.knowledge import SkillRow, category_skills, skill_text
from data.models import Building, Category, Community, Staff, Territory, WorkOrder
from data.vocab import OPEN_STATUSES

#: How long a home visit is assumed to take when checking the calendar.
VISIT_LENGTH = dt.timedelta(hours=1)

# Tiers of closeness to the work order, best first.
_TERRITORY, _COMMUNITY, _ELSEWHERE = 0, 1, 2


@dataclass(frozen=True)
class Suggestion:
    """A technician who could take the work order, with why (for the dispatcher)."""

    staff_id: int
    login: str
    name: str
    open_orders: int
    in_territory: bool
    busy: bool
    reason: str
    #: On duty (值班) when the work is to be done; on_call: only on call (备班) then.
    on_duty: bool = False
    on_call: bool = False
    #: 服务技能 (data.knowledge.skills): work orders of the order's category this technician
    #: resolved in the last year, the median time to resolution in minutes, the average
    #: callback rating. Shown beside the reason; the order of the list does not use them.
    solved: int = 0
    median_minutes: float | None = None
    avg_rating: float | None = None
    #: The order's category ("" when it has none: no figures then).
    category: str = ""

    @property
    def skill(self) -> str:
        """"水管漏水: 12 done · 2.5h · ★4.6" ("none yet" when none resolved); "" without a
        category."""
        if not self.category:
            return ""
        return _("{category}: {skill}").format(
            category=self.category, skill=skill_text(self.solved, self.median_minutes, self.avg_rating))


@dataclass(frozen=True)
class _Booking:
    start: dt.datetime
    title: str


def technicians() -> list[tuple[int, str, str]]:
    """(id, login, name) of every active technician, by login."""
    rows = (
        Staff.select(Staff.id, Staff.login, Staff.name)
        .where(Staff.role == "tech", Staff.active == True)  # noqa: E712 (peewee expression)
        .order_by(Staff.login)
    )
    return [(s.id, s.login, s.name) for s in rows]


def suggest(order_id: int, at: dt.datetime | None = None, limit: int = 5) -> list[Suggestion]:
    """Technicians for a work order, best first: `[0]` is the suggestion.

    Busy means booked at the order's appointment time (for `VISIT_LENGTH`); without an
    appointment nobody is busy. On duty is at the appointment time, else at `at` (the
    moment of dispatch, now when not given). The load is the open orders as they stand.
    """
    order = WorkOrder.get_or_none(WorkOrder.id == order_id)
    if order is None:
        raise NotFoundError(_("No work order {ref}.").format(ref=order_id))
    techs = technicians()
    if not techs or limit < 1:
        return []
    ids = [t[0] for t in techs]
    tiers = _tiers(order, ids)
    loads = _loads(ids)
    bookings = _bookings(ids, order) if order.appointment_at else {}
    duty = on_duty_ids(order.appointment_at or at or clock_now(), ids)
    building = (
        Building.select(Building.code).where(Building.id == order.building_id).scalar()
        if order.building_id
        else None
    )
    community = Community.select(Community.name).where(Community.id == order.community_id).scalar()
    skills: dict[int, SkillRow] = {}
    category = ""
    if order.category_id is not None:
        category = Category.select(Category.name).where(Category.id == order.category_id).scalar() or ""
        skills = {r.staff_id: r for r in category_skills(order.category_id, staff_ids=ids, limit=len(ids))}

    out = []
    for staff_id, login, name in techs:
        tier = tiers.get(staff_id, _ELSEWHERE)
        booking = bookings.get(staff_id)
        out.append(
            Suggestion(
                staff_id=staff_id,
                login=login,
                name=name,
                open_orders=loads.get(staff_id, 0),
                in_territory=tier == _TERRITORY,
                busy=booking is not None,
                reason=_reason(tier, building, community or "", loads.get(staff_id, 0),
                               order.appointment_at, booking, duty.get(staff_id)),
                on_duty=duty.get(staff_id) is True,
                on_call=duty.get(staff_id) is False,
                solved=skills[staff_id].solved if staff_id in skills else 0,
                median_minutes=skills[staff_id].median_minutes if staff_id in skills else None,
                avg_rating=skills[staff_id].avg_rating if staff_id in skills else None,
                category=category,
            )
        )
    out.sort(key=lambda s: (s.busy, _duty_rank(s), tiers.get(s.staff_id, _ELSEWHERE),
                            s.open_orders, s.login))
    return out[:limit]


def _tiers(order: WorkOrder, tech_ids: list[int]) -> dict[int, int]:
    """Each technician's closeness to the order: its building's territory, its community, or
    elsewhere. A public place (no building) is the territory of the community's technicians."""
    rows = (
        Territory.select(Territory.staff, Territory.building, Building.community)
        .join(Building)
        .where(Territory.staff.in_(tech_ids))
        .tuples()
    )
    tiers: dict[int, int] = {}
    for staff_id, building_id, community_id in rows:
        if order.building_id is not None and building_id == order.building_id:
            tier = _TERRITORY
        elif community_id == order.community_id:
            tier = _TERRITORY if order.building_id is None else _COMMUNITY
        else:
            continue
        tiers[staff_id] = min(tier, tiers.get(staff_id, _ELSEWHERE))
    # A technician attached to the community without a territory still belongs to it.
    for staff_id in Staff.select(Staff.id).where(
        Staff.id.in_(tech_ids), Staff.community == order.community_id
    ).tuples():
        sid = staff_id[0]
        tier = _TERRITORY if order.building_id is None else _COMMUNITY
        tiers[sid] = min(tier, tiers.get(sid, _ELSEWHERE))
    return tiers


def _loads(tech_ids: list[int]) -> dict[int, int]:
    """Open work orders per technician (index assignee + status)."""
    rows = (
        WorkOrder.select(WorkOrder.assignee, fn.COUNT(WorkOrder.id))
        .where(WorkOrder.assignee.in_(tech_ids), WorkOrder.status.in_(OPEN_STATUSES))
        .group_by(WorkOrder.assignee)
        .tuples()
    )
    return {staff_id: count for staff_id, count in rows}


def _bookings(tech_ids: list[int], order: WorkOrder) -> dict[int, _Booking]:
    """The first calendar engagement of each technician overlapping the visit window, as
    the calendar's own conflict check sees it (recurring series expanded, moved and
    cancelled occurrences honoured, memos and tasks never busy). The order's own
    appointment does not make its technician busy for it."""
    window_start = order.appointment_at
    own = appointment_event(order.id)
    clashes = conflicts_for(tech_ids, window_start, window_start + VISIT_LENGTH,
                            ignore_event_id=own.id if own is not None else None)
    ids = {login: sid for sid, login in
           Staff.select(Staff.id, Staff.login).where(Staff.id.in_(tech_ids)).tuples()}
    found: dict[int, _Booking] = {}
    for clash in clashes:  # sorted by start: the first one per technician wins
        staff_id = ids.get(clash.staff_login)
        if staff_id is not None and staff_id not in found:
            found[staff_id] = _Booking(clash.start, clash.title)
    return found


def _duty_rank(suggestion: Suggestion) -> int:
    """On duty first, then on call, then off duty."""
    return 0 if suggestion.on_duty else 1 if suggestion.on_call else 2


def _reason(tier: int, building: str | None, community: str, load: int,
            appointment: dt.datetime | None, booking: _Booking | None,
            duty: bool | None = None) -> str:
    """A short explanation such as "3号楼 in territory · 2 open · free at 14:00"."""
    parts = []
    if tier == _TERRITORY:
        if building:
            parts.append(_("building {building} in territory").format(building=building))
        else:
            parts.append(_("works in {community}").format(community=community))
    elif tier == _COMMUNITY:
        parts.append(_("elsewhere in {community}").format(community=community))
    else:
        parts.append(_("outside {community}").format(community=community))
    if duty is not None:
        parts.append(_("on duty") if duty else _("on call"))
    parts.append(_("{count} open").format(count=load))
    if appointment is not None:
        if booking is None:
            parts.append(_("free at {time}").format(time=f"{appointment:%H:%M}"))
        else:
            parts.append(_("booked at {time}: {title}").format(
                time=f"{booking.start:%H:%M}", title=booking.title))
    return " · ".join(parts)

"""Booking or moving a work order's on-site visit (上门预约) from the order itself: the time,
the technician (the assignee, or the one it is dispatched to now), checked against the
technician's calendar like any booking, and stored as the order's appointment — which
`data.appointments` keeps on the technician's calendar, linked to the order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data import audit, workorders
from data.appointments import APPOINTMENT_MINUTES, appointment_event
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.events import Conflict, ConflictsFound, conflicts_for
from data.i18n import _
from data.models import Event, Staff, WorkOrder
from data.validators import clean_text


@dataclass(frozen=True)
class VisitBooked:
    """A visit booked: when, with whom, the calendar event linked to the order, and the
    clashes booked over (empty unless forced)."""

    order_id: int
    number: str
    start: dt.datetime
    end: dt.datetime
    technician_id: int
    technician_login: str
    technician_name: str
    event_id: int | None
    conflicts: tuple[Conflict, ...] = ()


def _conflict_note(conflicts: list[Conflict], reason: str) -> str:
    what = "; ".join(f"{c.staff_login} “{c.title}” {c.start:%Y-%m-%d %H:%M}" for c in conflicts[:20])
    return _("Booked despite conflicts ({what}). Reason: {reason}").format(
        what=what, reason=reason or _("none given"))


def book_visit(order_id: int, when: dt.datetime, technician_id: int, staff_id: int, *,
               force: bool = False, reason: str = "",
               expected_version: int | None = None) -> VisitBooked:
    """Book (or move) the visit of an open work order at `when` with `technician_id`, in
    one transaction. An unassigned order is dispatched to the technician; an order
    assigned to someone else is refused (reassigning needs a reason: the order's own
    key). ConflictsFound when the technician is busy then and `force` is not given; with
    `force` the clash and `reason` go into the event's description and the audit trail."""
    reason = clean_text(reason or "", "reason", multiline=True)
    if when is None:
        raise ValidationError("appointment", _("Say when the visit is."))
    end = when + dt.timedelta(minutes=APPOINTMENT_MINUTES)
    with transaction():
        order = WorkOrder.get_or_none(WorkOrder.id == order_id)
        if order is None:
            raise NotFoundError(_("There is no work order {id}.").format(id=order_id))
        tech = Staff.get_or_none(Staff.id == technician_id)
        if tech is None:
            raise ValidationError("technician", _("No staff member with id {ids}.").format(
                ids=technician_id))
        if order.assignee_id not in (None, technician_id):
            holder = Staff.select(Staff.name).where(Staff.id == order.assignee_id).scalar()
            raise ValidationError("technician", _(
                "{number} is assigned to {name}: to send someone else, reassign it first (a).").format(
                number=order.number, name=holder or "—"))
        own = appointment_event(order_id)
        conflicts = conflicts_for([technician_id], when, end,
                                  ignore_event_id=own.id if own is not None else None)
        if conflicts and not force:
            raise ConflictsFound(conflicts)
        version = expected_version
        if order.assignee_id is None:
            version = workorders.assign(order_id, technician_id, staff_id,
                                        expected_version=expected_version).version
        workorders.set_appointment(order_id, when, staff_id, expected_version=version)
        event = appointment_event(order_id)
        if conflicts and event is not None:
            note = _conflict_note(conflicts, reason)
            description = f"{event.description or ''}\n\n{note}".strip()
            Event.update(description=description, version=Event.version + 1).where(
                Event.id == event.id).execute()
            audit.record("create", "event", event.id, "conflicts", old=None, new=note,
                         staff_id=staff_id)
    return VisitBooked(order_id, order.number, when, end, technician_id, tech.login, tech.name,
                       event.id if event is not None else None, tuple(conflicts))

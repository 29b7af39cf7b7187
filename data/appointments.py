"""Work-order appointments (上门预约) on the calendar: one event per work order, on its
technician's calendar while the order has an appointment time and an assignee and is not
done (a resolved order keeps a visit that took place, never one still to come)."""

from __future__ import annotations

import datetime as dt

from data.clock import now as clock_now
from data.db import Prepared, Slot
from data.events import event_attendee_ids, new_uid, set_attendees
from data.models import Event, Room, WorkOrder

#: How long a work-order appointment (上门预约) is booked for.
APPOINTMENT_MINUTES = 60
#: Work-order statuses whose appointment is called off.
_ENDED_ORDER_STATUSES = frozenset({"closed", "cancelled"})
#: Work-order statuses whose work is done: a visit still to come is called off, one under
#: way ends now, one that took place stays on the calendar.
_DONE_ORDER_STATUSES = frozenset({"resolved", "visited"})


_EVENT = Prepared(lambda: Event.select().where(
    Event.work_order == Slot("order"), Event.kind == "appointment", Event.series.is_null())
    .order_by(Event.id).limit(1))
_ORDER = Prepared(lambda: WorkOrder.select().where(WorkOrder.id == Slot("id")).limit(1))


def appointment_event(order_id: int) -> Event | None:
    """The calendar event of a work order's appointment (one per work order), or None."""
    return _EVENT.first(order=order_id)


def sync_work_order_appointment(order_id: int, staff_id: int | None) -> int | None:
    """Put a work order's appointment on its technician's calendar, or take it off.

    With an appointment time, an assignee and the order not closed or cancelled, one
    appointment event (an hour, “{number} {title}”, the assignee attending) is created or
    moved to match; otherwise an existing one is cancelled. Once the order is resolved, a
    visit still to come is cancelled, one under way ends now and one past stays. Booked without a conflict check:
    the dispatcher chose the time. Call inside the work order's transaction. Returns the
    event id (None when there is none)."""
    order = _ORDER.first(id=order_id)
    if order is None:
        return None
    event = appointment_event(order_id)
    wanted = (order.appointment_at is not None and order.assignee_id is not None
              and order.status not in _ENDED_ORDER_STATUSES)
    if wanted and order.status in _DONE_ORDER_STATUSES:
        now = clock_now()
        if event is None or event.cancelled or event.start >= now:
            wanted = False  # done before the visit: nobody goes
        else:
            if event.end > now:  # done during the visit: it ends now
                Event.update(end=now, series_until=now, version=Event.version + 1).where(
                    Event.id == event.id).execute()
            return event.id
    if not wanted:
        if event is not None and not event.cancelled:
            Event.update(cancelled=True, version=Event.version + 1).where(
                Event.id == event.id).execute()
        return event.id if event is not None else None
    start = order.appointment_at
    end = start + dt.timedelta(minutes=APPOINTMENT_MINUTES)
    title = f"{order.number} {order.title}"[:120]
    location = order.location or ""
    if order.room_id and not location:
        location = Room.select(Room.code).where(Room.id == order.room_id).scalar() or ""
    values = {"title": title, "start": start, "end": end, "series_until": end,
              "cancelled": False, "room": order.room_id, "person": order.person_id,
              "location": location[:120]}
    if event is None:
        event = Event.create(uid=new_uid(), kind="appointment", organiser=staff_id,
                             work_order=order_id, rrule=None, created_at=clock_now(), **values)
    else:
        changed = {k: v for k, v in values.items()
                   if getattr(event, k if k not in ("room", "person") else f"{k}_id") != v}
        if changed:
            Event.update(**changed, version=Event.version + 1).where(
                Event.id == event.id).execute()
    if event_attendee_ids(event.id) != [order.assignee_id]:
        set_attendees(event.id, [order.assignee_id])
    return event.id

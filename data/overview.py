"""今日概览: the counts and short lists the desk needs first thing in the morning."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from peewee import JOIN, Case, DatabaseError

from data.clock import now as clock_now
from data.db import ReadTooSlow, database_problem, time_limited_read
from data.errors import FrontDeskError
from data.i18n import _
from data.models import Call, Event, EventAttendee, Notification, Person, Room, Staff, WorkOrder
from data.recurrence import occurrences

#: At most this many rows in any list of the home screen.
LIST_LIMIT = 100


class HomeCounts(NamedTuple):
    """The numbers on the home screen."""

    new_orders: int
    overdue_orders: int
    appointments_today: int
    callbacks_due: int
    awaiting_visit: int
    unread_notifications: int


class OrderRow(NamedTuple):
    id: int
    number: str
    title: str
    status: str
    priority: str
    place: str
    assignee: str
    created_at: dt.datetime
    due: dt.datetime | None


class AgendaRow(NamedTuple):
    event_id: int
    start: dt.datetime
    end: dt.datetime
    kind: str
    title: str
    location: str
    all_day: bool = False


class CallbackRow(NamedTuple):
    call_id: int
    due: dt.datetime
    number: str
    person: str
    summary: str


class NotificationRow(NamedTuple):
    id: int
    created_at: dt.datetime
    kind: str
    title: str
    entity: str
    entity_id: int | None


def _day(at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(at.date(), dt.time())
    return start, start + dt.timedelta(days=1)


def _live_orders():
    # Merged orders are cancelled, so the status conditions of each count exclude them;
    # filtering on merged_into IS NULL would only steer SQLite onto the wrong index.
    # A technician's home screen counts and lists only their own and their territory's.
    from data.territory import visible_only

    return visible_only(WorkOrder.select())


def _new_orders_query():
    return _live_orders().where(WorkOrder.status == "new")


def _overdue_query(at: dt.datetime):
    # The queue's 超时/将超时 view, so that the tile's count equals the list behind it; on
    # hold the clock is stopped, so an order on hold is never counted.
    from data.queue_views import view_condition

    return _live_orders().where(view_condition("overdue", 0, at))


def _awaiting_visit_query():
    return _live_orders().where(WorkOrder.status == "resolved")


def _callbacks_query(staff_id: int, at: dt.datetime):
    _, day_end = _day(at)
    return Call.select().where(
        Call.callback_due.is_null(False),
        Call.callback_due < day_end,
        Call.callback_done_at.is_null(),
        (Call.callback_assignee == staff_id) | Call.callback_assignee.is_null(),
    )


def _unread_query(staff_id: int):
    return Notification.select().where(
        Notification.staff == staff_id, Notification.read_at.is_null()
    )


def home_counts(staff_id: int, at: dt.datetime | None = None) -> HomeCounts:
    """Counts for the home screen of `staff_id` at `at` (default: now)."""
    at = at or clock_now()
    return HomeCounts(
        new_orders=_new_orders_query().count(),
        overdue_orders=_overdue_query(at).count(),
        appointments_today=len(my_agenda(staff_id, at)),
        callbacks_due=_callbacks_query(staff_id, at).count(),
        awaiting_visit=_awaiting_visit_query().count(),
        unread_notifications=_unread_query(staff_id).count(),
    )


def _order_rows(query, due=lambda o: o.resolution_due) -> list[OrderRow]:
    assignee = Staff.alias()
    rows = (
        query.select(WorkOrder, Room.code, assignee.name)
        .join(Room, JOIN.LEFT_OUTER, on=(WorkOrder.room == Room.id))
        .switch(WorkOrder)
        .join(assignee, JOIN.LEFT_OUTER, on=(WorkOrder.assignee == assignee.id))
        .limit(LIST_LIMIT)
        .objects()
    )
    result = []
    for row in rows:
        result.append(
            OrderRow(
                id=row.id,
                number=row.number,
                title=row.title,
                status=row.status,
                priority=row.priority,
                place=getattr(row, "code", None) or row.location,
                assignee=getattr(row, "name", None) or "",
                created_at=row.created_at,
                due=due(row),
            )
        )
    return result


def new_orders() -> list[OrderRow]:
    """Work orders waiting to be dispatched, nearest response deadline first (the queue's
    order; the list shows that deadline)."""
    return _order_rows(_new_orders_query().order_by(WorkOrder.response_due, WorkOrder.id),
                       due=lambda o: o.response_due)


def _first_deadline(order) -> dt.datetime | None:
    """The deadline an open order meets first: its response's while nobody has responded
    (when earlier than the resolution's), else its resolution's."""
    pending = [order.resolution_due]
    if order.responded_at is None:
        pending.append(order.response_due)
    return min((d for d in pending if d is not None), default=None)


def overdue_orders(at: dt.datetime | None = None) -> list[OrderRow]:
    """Open work orders past a deadline or due within DUE_SOON_HOURS, most overdue first, each
    with the deadline that puts it on the list (a response not made by its deadline, though
    the resolution's is days away, is late)."""
    at = at or clock_now()
    first = Case(None, [(WorkOrder.responded_at.is_null() & WorkOrder.response_due.is_null(False)
                         & (WorkOrder.resolution_due.is_null() | (WorkOrder.response_due < WorkOrder.resolution_due)),
                         WorkOrder.response_due)], WorkOrder.resolution_due)
    return _order_rows(_overdue_query(at).order_by(first, WorkOrder.id), due=_first_deadline)


def awaiting_visit_orders() -> list[OrderRow]:
    """Resolved work orders whose owner has not been called back yet, by deadline."""
    return _order_rows(_awaiting_visit_query().order_by(WorkOrder.resolution_due, WorkOrder.id))


def my_agenda(staff_id: int, at: dt.datetime | None = None) -> list[AgendaRow]:
    """Every calendar occurrence `staff_id` attends on the day of `at`, by start time."""
    at = at or clock_now()
    day_start, day_end = _day(at)
    mine = Event.select(Event.id).join(EventAttendee).where(EventAttendee.staff == staff_id)
    single = Event.select().where(
        Event.id.in_(mine),
        Event.rrule.is_null(),
        Event.cancelled == False,  # noqa: E712 (peewee expression)
        Event.start < day_end,
        Event.end > day_start,
    )
    series = Event.select().where(
        Event.id.in_(mine),
        Event.rrule.is_null(False),
        Event.start < day_end,
        Event.series_until.is_null() | (Event.series_until >= day_start),
    )
    rows: list[AgendaRow] = [
        AgendaRow(e.id, e.start, e.end, e.kind, e.title, e.location, e.all_day) for e in single
    ]
    for event in series:
        handled = [
            x.recurrence_id
            for x in Event.select(Event.recurrence_id).where(Event.series == event.id)
        ]
        for start, end in occurrences(
            event.start, event.end, event.rrule, day_start, day_end, handled,
            tzid=event.tzid,
        ):
            rows.append(AgendaRow(event.id, start, end, event.kind, event.title, event.location, event.all_day))
    rows.sort(key=lambda r: (r.start, r.event_id))
    return rows[:LIST_LIMIT]


def callbacks_due(staff_id: int, at: dt.datetime | None = None) -> list[CallbackRow]:
    """Callbacks promised for today or earlier and not yet made, mine or unassigned."""
    at = at or clock_now()
    query = (
        _callbacks_query(staff_id, at)
        .select(Call, Person.name)
        .join(Person, JOIN.LEFT_OUTER, on=(Call.person == Person.id))
        .order_by(Call.callback_due, Call.id)
        .limit(LIST_LIMIT)
        .objects()
    )
    return [
        CallbackRow(c.id, c.callback_due, c.number, getattr(c, "name", None) or "", c.summary)
        for c in query
    ]


def unread_notifications(staff_id: int) -> list[NotificationRow]:
    """Unread notifications of `staff_id`, newest first."""
    from data.notifications import shown

    query = _unread_query(staff_id).order_by(Notification.created_at.desc(), Notification.id.desc())
    return [
        NotificationRow(n.id, n.at, n.kind, n.title, n.entity, n.entity_id)
        for n in shown(query.limit(LIST_LIMIT))
    ]


def home_list(panel: str, staff_id: int) -> list:
    """The rows of the home screen's list `panel` (a HomeCounts field) for `staff_id`."""
    if panel == "new_orders":
        return new_orders()
    if panel == "overdue_orders":
        return overdue_orders()
    if panel == "appointments_today":
        return my_agenda(staff_id)
    if panel == "callbacks_due":
        return callbacks_due(staff_id)
    if panel == "awaiting_visit":
        return awaiting_visit_orders()
    if panel == "unread_notifications":
        return unread_notifications(staff_id)
    raise ValueError(f"no home list {panel!r}")


def read_home(staff_id: int, panel: str) -> tuple[HomeCounts, list]:
    """The home screen's counts and its list `panel` (in a worker); a database that fails
    raises FrontDeskError saying why, for the clerk (a file damaged or gone, a server down …)."""
    try:
        return home_counts(staff_id), home_list(panel, staff_id)
    except DatabaseError as exc:
        problem = database_problem(exc)
        reason = problem.message if problem is not None else (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise FrontDeskError(_("The counts could not be read: {error}").format(error=reason)) from exc


def home_first(staff_id: int, panel: str, within_s: float) -> tuple[HomeCounts, list] | None:
    """The counts and the list `panel` for the home screen's first paint, read on the
    caller's thread only if that takes at most `within_s` seconds: else None (the screen
    reads them in a worker after its first paint, as for every later read) — None too when
    the database fails: the worker's read (`read_home`) meets it again and says why."""
    try:
        with time_limited_read(within_s):
            return home_counts(staff_id), home_list(panel, staff_id)
    except (ReadTooSlow, DatabaseError):
        return None


def mark_read(notification_id: int, staff_id: int) -> None:
    """Mark one of `staff_id`'s notifications read (someone else's is left alone)."""
    from data.db import transaction

    with transaction():
        Notification.update(read_at=clock_now()).where(
            Notification.id == notification_id,
            Notification.staff == staff_id,
            Notification.read_at.is_null(),
        ).execute()




class FlagRow(NamedTuple):
    """A line of the supervisor's inspection flags: a route missed or walked late, or a
    legal inspection overdue or due within the reminder window; `target` is the screen
    that shows it (inspections or facilities)."""

    kind: str  # missed | late | overdue | due
    day: dt.date
    text: str
    days: int  # a legal inspection's days left (negative: overdue); 0 for a route
    target: str


#: Missed or late routes are flagged for this many days back.
FLAG_DAYS = 7


def inspection_flags(staff_id: int, at: dt.datetime | None = None) -> list[FlagRow]:
    """For whoever sets up inspection routes (data.access inspections.manage): the routes
    missed or walked late in the last FLAG_DAYS days, newest first, then the legal
    inspections overdue or due within 30 days, soonest first. Empty for everyone else."""
    from data import access

    if not access.can("inspections.manage", staff_id):
        return []  # and the facilities module (and the work orders it needs) stays unloaded
    from data import facilities as fac

    at = at or clock_now()
    # One line per route and state: how many, and the latest.
    grouped: dict[tuple[str, str], list] = {}
    for slot in fac.missed(at - dt.timedelta(days=FLAG_DAYS), at=at, staff_id=staff_id):
        grouped.setdefault((slot.route, slot.state), []).append(slot)
    out = []
    for (route, state), slots in sorted(grouped.items(), key=lambda g: max(s.start for s in g[1]), reverse=True):
        last = max(slots, key=lambda s: s.start)
        times = f" ×{len(slots)}" if len(slots) > 1 else ""
        out.append(FlagRow(state, last.start.date(),
                           f"{route}{times} · {last.start:%m-%d %H:%M} · {last.assignee}", 0, "inspections"))
    out += [FlagRow("overdue" if c.overdue else "due", c.next_due,
                    f"{c.next_due:%Y-%m-%d} {c.facility} {c.name}", c.days, "facilities")
            for c in fac.due_checks(at.date(), staff_id=staff_id)]
    return out[:LIST_LIMIT]

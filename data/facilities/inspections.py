"""Inspection routes (巡查路线): a checklist walked on the schedule of a recurring calendar
event of its assigned staff member; runs with each item's answer (a reading outside its range
is not ok); a finding opening a work order in one call; the scheduled occurrences with what
became of them (done, late, missed); results per route and per facility.

An occurrence is known by its original start (the series' recurrence id), so a run stays
with it when the occurrence is moved. A scheduled occurrence with no run by its end is
missed; a run started more than the route's grace after the occurrence's start is late."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from peewee import JOIN

from data import access
from data.calendar import EventInput, create_event
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.events import expand_slots
from data.facilities.values import (
    ITEM_KINDS,
    AnswerView,
    ItemInput,
    ItemView,
    ResultRow,
    RouteInput,
    RouteRow,
    RunView,
    Slot,
)
from data.i18n import _
from data.models import (
    Community,
    Event,
    Facility,
    InspectionRoute,
    InspectionRun,
    RouteItem,
    RunAnswer,
    Staff,
    WorkOrder,
)
from data.validators import clean_text
from data.workorders import OrderInput, OrderView, create_order

MAX_ITEMS = 100
#: How far back `missed` and `schedule` look at most.
MAX_WINDOW_DAYS = 92


def parse_reading(text: str, field: str = "reading") -> Decimal:
    """A reading as typed ("0.35", "1,2" is refused): a clear message when it is not a number."""
    cleaned = (text or "").strip()
    try:
        # To the thousandth the database keeps (numeric(12, 3)), so the range is judged on
        # the value stored, and 999999999.9999 cannot overflow the column once rounded.
        value = Decimal(cleaned).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) if len(cleaned) <= 40 else None
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or abs(value) >= Decimal("1e9"):
        raise ValidationError(field, _("“{text}” is not a reading: type a number such as 0.35.").format(
            text=cleaned[:40]))
    return value


# --- routes ---------------------------------------------------------------------------------


def _check_item(item: ItemInput, seq: int) -> dict:
    text = clean_text(item.text, "text", max_length=120)
    if not text:
        raise ValidationError("text", _("Item {n} needs a text, such as 消防通道畅通.").format(n=seq))
    if item.kind not in ITEM_KINDS:
        raise ValidationError("kind", _("Unknown item kind “{kind}”: use one of {kinds}.").format(
            kind=item.kind, kinds=", ".join(ITEM_KINDS)))
    low, high = item.low, item.high
    if item.kind == "reading":
        if low is None and high is None:
            raise ValidationError("low", _("Item {n} is a reading: give its range (low, high or both).").format(n=seq))
        if low is not None and high is not None and low > high:
            raise ValidationError("low", _("Item {n}: the low end of the range is above the high end.").format(n=seq))
    else:
        low = high = None
    if item.facility_id is not None and Facility.get_or_none(Facility.id == item.facility_id) is None:
        raise NotFoundError(_("No facility {ref}.").format(ref=item.facility_id))
    return dict(seq=seq, text=text, kind=item.kind, low=low, high=high,
                unit=clean_text(item.unit, "unit", max_length=12) if item.kind == "reading" else "",
                facility=item.facility_id, place=clean_text(item.place, "place", max_length=120))


def create_route(data: RouteInput, staff_id: int | None = None) -> RouteRow:
    """A route and its recurring calendar series (kind inspection, the assignee attending)."""
    access.require("inspections.manage", staff_id)
    name = clean_text(data.name, "name", max_length=60)
    if not name:
        raise ValidationError("name", _("Name the route, such as 夜间秩序巡查."))
    if Community.get_or_none(Community.id == data.community_id) is None:
        raise NotFoundError(_("That community no longer exists."))
    assignee = Staff.get_or_none(Staff.id == data.assignee_id, Staff.active == True)  # noqa: E712
    if assignee is None:
        raise NotFoundError(_("No active staff member to walk the route."))
    if not 5 <= data.minutes <= 24 * 60:
        raise ValidationError("minutes", _("A walk lasts 5 minutes to 24 hours."))
    if not 0 <= data.grace_minutes <= 24 * 60:
        raise ValidationError("grace_minutes", _("The grace is 0 minutes to 24 hours."))
    if not data.items:
        raise ValidationError("items", _("A route needs at least one checklist item."))
    if len(data.items) > MAX_ITEMS:
        raise ValidationError("items", _("A route has at most {n} items.").format(n=MAX_ITEMS))
    items = [_check_item(item, n) for n, item in enumerate(data.items, 1)]
    with transaction():
        event_id, _conflicts = create_event(EventInput(
            kind="inspection", title=_("Inspection: {name}").format(name=name),
            start=data.start, end=data.start + dt.timedelta(minutes=data.minutes),
            attendee_ids=[assignee.id], rrule=data.rrule), staff_id or access.current_id() or assignee.id,
            force=True)
        route = InspectionRoute.create(name=name, community=data.community_id, assignee=assignee.id,
                                       event=event_id, grace_minutes=data.grace_minutes,
                                       created_by=staff_id or access.current_id(), created_at=clock_now())
        for item in items:
            RouteItem.create(route=route.id, **item)
    return get_route(route.id)


def _items(route_id: int) -> tuple[ItemView, ...]:
    rows = (RouteItem.select(RouteItem, Facility.name.alias("fname"), Facility.place.alias("fplace"))
            .join(Facility, join_type=JOIN.LEFT_OUTER, on=(RouteItem.facility == Facility.id))
            .where(RouteItem.route == route_id).order_by(RouteItem.seq, RouteItem.id).objects())
    # The place the walker goes to: the item's own, else its facility's (as the work order
    # a finding opens says).
    return tuple(ItemView(r.id, r.seq, r.text, r.kind, r.low, r.high, r.unit, r.facility_id,
                          r.fname or "", r.place or r.fplace or "") for r in rows)


def _route_row(route: InspectionRoute) -> RouteRow:
    event = Event.get_or_none(Event.id == route.event_id) if route.event_id else None
    who = Staff.get_or_none(Staff.id == route.assignee_id) if route.assignee_id else None
    minutes = int((event.end - event.start).total_seconds() // 60) if event else 0
    return RouteRow(route.id, route.name, Community.get_by_id(route.community_id).name, route.community_id,
                    who.login if who else "", (event.rrule or "") if event else "",
                    event.start if event else None, minutes, route.grace_minutes, _items(route.id))


def _route(route_id: int) -> InspectionRoute:
    row = InspectionRoute.get_or_none(InspectionRoute.id == route_id)
    if row is None:
        raise NotFoundError(_("No inspection route {ref}.").format(ref=route_id))
    return row


def get_route(route_id: int, staff_id: int | None = None) -> RouteRow:
    access.require("inspections.view", staff_id)
    return _route_row(_route(route_id))


def find_route(ref: str, staff_id: int | None = None) -> RouteRow:
    """A route by its id or its exact name."""
    access.require("inspections.view", staff_id)
    ref = (ref or "").strip()
    row = (InspectionRoute.get_or_none(InspectionRoute.id == int(ref)) if ref.isdigit()
           else InspectionRoute.get_or_none(InspectionRoute.name == ref))
    if row is None:
        raise NotFoundError(_("No inspection route “{ref}”.").format(ref=ref))
    return _route_row(row)


def routes(*, community_id: int | None = None, staff_id: int | None = None) -> list[RouteRow]:
    access.require("inspections.view", staff_id)
    query = InspectionRoute.select().where(InspectionRoute.active == True)  # noqa: E712
    if community_id is not None:
        query = query.where(InspectionRoute.community == community_id)
    return [_route_row(r) for r in query.order_by(InspectionRoute.name, InspectionRoute.id)]


# --- the schedule ---------------------------------------------------------------------------


def schedule(start: dt.datetime, end: dt.datetime, *, assignee_id: int | None = None,
             route_id: int | None = None, at: dt.datetime | None = None,
             staff_id: int | None = None) -> list[Slot]:
    """Every scheduled occurrence of the active routes starting in [start, end), with its
    state at `at` (now): upcoming, due (open now, no run), running, done, late or missed."""
    access.require("inspections.view", staff_id)
    at = at or clock_now()
    end = min(end, start + dt.timedelta(days=MAX_WINDOW_DAYS))
    query = InspectionRoute.select().where(InspectionRoute.active == True,  # noqa: E712
                                           InspectionRoute.event.is_null(False))
    if assignee_id is not None:
        query = query.where(InspectionRoute.assignee == assignee_id)
    if route_id is not None:
        query = query.where(InspectionRoute.id == route_id)
    routes_by_event = {r.event_id: r for r in query}
    if not routes_by_event:
        return []
    ids = list(routes_by_event)
    event_ids = Event.select(Event.id).where(Event.id.in_(ids) | Event.series.in_(ids))
    slots = expand_slots(event_ids, start, end)
    logins = {s.id: s.login for s in Staff.select(Staff.id, Staff.login).where(
        Staff.id.in_([r.assignee_id for r in routes_by_event.values() if r.assignee_id]))}
    runs = {(r.route_id, r.occurrence): r for r in InspectionRun.select().where(
        InspectionRun.route.in_([r.id for r in routes_by_event.values()]),
        InspectionRun.occurrence >= start - dt.timedelta(days=1),
        InspectionRun.occurrence < end + dt.timedelta(days=1))}
    out = []
    for slot in slots:
        route = routes_by_event.get(slot.series_id or slot.row.id)
        if route is None or slot.start < start:
            continue
        key = slot.recurrence_id or slot.start
        run = runs.get((route.id, key))
        out.append(Slot(route.id, route.name, logins.get(route.assignee_id, ""), key, slot.end,
                        _state(slot.start, slot.end, run, route.grace_minutes, at),
                        run.id if run else None, run.started_at if run else None,
                        run.ended_at if run else None))
    out.sort(key=lambda s: (s.start, s.route))
    return out


def _state(start: dt.datetime, end: dt.datetime, run: InspectionRun | None, grace: int,
           at: dt.datetime) -> str:
    if run is not None:
        if run.started_at > start + dt.timedelta(minutes=grace):
            return "late"
        return "done" if run.ended_at else "running"
    if at >= end:
        return "missed"
    return "due" if at >= start else "upcoming"


def due_today(staff_id: int, at: dt.datetime | None = None) -> list[Slot]:
    """The staff member's occurrences of today still to walk or being walked (due, upcoming,
    running), by start."""
    at = at or clock_now()
    day = dt.datetime.combine(at.date(), dt.time())
    return [s for s in schedule(day, day + dt.timedelta(days=1), assignee_id=staff_id, at=at,
                                staff_id=staff_id)
            if s.state in ("due", "upcoming", "running")]


def missed(since: dt.datetime, until: dt.datetime | None = None, *, staff_id: int | None = None,
           at: dt.datetime | None = None) -> list[Slot]:
    """Occurrences missed or walked late in [since, until) — for the supervisors."""
    at = at or clock_now()
    until = min(until or at, at)
    return [s for s in schedule(since, until, at=at, staff_id=staff_id) if s.state in ("missed", "late")]


# --- runs -----------------------------------------------------------------------------------


def _run(run_id: int) -> InspectionRun:
    row = InspectionRun.get_or_none(InspectionRun.id == run_id)
    if row is None:
        raise NotFoundError(_("No inspection run {ref}.").format(ref=run_id))
    return row


def start_run(route_id: int, staff_id: int, *, occurrence: dt.datetime | None = None,
              at: dt.datetime | None = None) -> RunView:
    """Start walking a route: the run answers `occurrence` (the original start of one of its
    scheduled occurrences) or, when not given, today's first occurrence not yet walked that
    has not ended (else it is a walk off the schedule)."""
    access.require("inspections.record", staff_id)
    at = at or clock_now()
    route = _route(route_id)
    day = dt.datetime.combine(at.date(), dt.time())
    if occurrence is None:
        open_now = [s for s in schedule(day, day + dt.timedelta(days=1), route_id=route.id, at=at)
                    if s.state in ("due", "upcoming") and s.end > at]
        occurrence = open_now[0].start if open_now else None
    else:
        known = [s for s in schedule(occurrence - dt.timedelta(days=1), occurrence + dt.timedelta(days=1),
                                     route_id=route.id, at=at) if s.start == occurrence]
        if not known:
            raise ValidationError("occurrence", _("{route} is not scheduled at {when}.").format(
                route=route.name, when=f"{occurrence:%Y-%m-%d %H:%M}"))
        if known[0].run_id is not None:
            raise ValidationError("occurrence", _("{route} at {when} was already walked.").format(
                route=route.name, when=f"{occurrence:%Y-%m-%d %H:%M}"))
    with transaction():
        if occurrence is not None and InspectionRun.get_or_none(
                InspectionRun.route == route.id, InspectionRun.occurrence == occurrence) is not None:
            raise ValidationError("occurrence", _("{route} at {when} was already walked.").format(
                route=route.name, when=f"{occurrence:%Y-%m-%d %H:%M}"))
        row = InspectionRun.create(route=route.id, occurrence=occurrence, staff=staff_id, started_at=at)
    return get_run(row.id)


def get_run(run_id: int, staff_id: int | None = None) -> RunView:
    access.require("inspections.view", staff_id)
    row = _run(run_id)
    route = _route(row.route_id)
    who = Staff.get_or_none(Staff.id == row.staff_id) if row.staff_id else None
    answers = {}
    for a in (RunAnswer.select(RunAnswer, WorkOrder.number.alias("wnumber"))
              .join(WorkOrder, join_type=JOIN.LEFT_OUTER, on=(RunAnswer.work_order == WorkOrder.id))
              .where(RunAnswer.run == row.id).objects()):
        answers[a.item_id] = AnswerView(a.item_id, bool(a.ok), a.reading, a.note, a.wnumber or "", a.answered_at)
    slot = _slot_of(row, staff_id)
    return RunView(row.id, route.id, route.name, route.community_id, row.occurrence,
                   who.login if who else "", row.started_at, row.ended_at, _items(route.id), answers,
                   slot.end if slot else None, slot.state if slot else "")


def _slot_of(row: InspectionRun, staff_id: int | None) -> Slot | None:
    """The scheduled occurrence a run answers (None off the schedule, or when it is no longer
    scheduled): its end and its state, late or not, by the rule of `schedule`."""
    if row.occurrence is None:
        return None
    window = dt.timedelta(days=1)
    return next((s for s in schedule(row.occurrence - window, row.occurrence + window, route_id=row.route_id,
                                     at=row.ended_at or clock_now(), staff_id=staff_id)
                 if s.start == row.occurrence), None)


def _open_run(run_id: int, staff_id: int) -> InspectionRun:
    row = _run(run_id)
    if row.ended_at is not None:
        raise ValidationError("run", _("This inspection was finished at {when}: it can no longer change.").format(
            when=f"{row.ended_at:%Y-%m-%d %H:%M}"))
    if row.staff_id != staff_id and not access.can("inspections.manage", staff_id):
        raise ValidationError("run", _("This inspection is being walked by someone else."))
    return row


def record_answer(run_id: int, item_id: int, staff_id: int, *, ok: bool | None = None,
                  reading: Decimal | str | None = None, note: str = "",
                  at: dt.datetime | None = None) -> AnswerView:
    """Answer one item (again, to correct it): a check is ok or not; a reading is typed and
    is not ok outside its range; a note item is ok unless said otherwise."""
    access.require("inspections.record", staff_id)
    note = clean_text(note, "note", multiline=True, max_length=2000)
    at = at or clock_now()
    with transaction():
        run = _open_run(run_id, staff_id)
        item = RouteItem.get_or_none(RouteItem.id == item_id, RouteItem.route == run.route_id)
        if item is None:
            raise NotFoundError(_("No item {ref} on this route.").format(ref=item_id))
        value: Decimal | None = None
        if item.kind == "reading":
            if reading is None or (isinstance(reading, str) and not reading.strip()):
                raise ValidationError("reading", _("Type the reading of “{item}”.").format(item=item.text))
            value = parse_reading(str(reading))  # a Decimal too: bounded, to the thousandth
            in_range = ((item.low is None or value >= item.low) and (item.high is None or value <= item.high))
            ok = in_range if ok is None else (ok and in_range)
        elif item.kind == "check":
            if ok is None:
                raise ValidationError("ok", _("Say whether “{item}” is normal or not.").format(item=item.text))
        else:
            ok = True if ok is None else ok
        existing = RunAnswer.get_or_none(RunAnswer.run == run.id, RunAnswer.item == item.id)
        if existing is None:
            RunAnswer.create(run=run.id, item=item.id, ok=bool(ok), reading=value, note=note, answered_at=at)
        else:
            RunAnswer.update(ok=bool(ok), reading=value, note=note, answered_at=at).where(
                RunAnswer.id == existing.id).execute()
    return get_run(run_id).answers[item_id]


def open_work_order(run_id: int, item_id: int, staff_id: int, *, note: str = "") -> OrderView:
    """The not-ok answer to an item becomes a repair order (channel patrol) in one call: the
    community, the facility, the place and the finding filled in; the answer names it."""
    access.require("inspections.record", staff_id)
    with transaction():
        run = _run(run_id)
        answer = RunAnswer.get_or_none(RunAnswer.run == run.id, RunAnswer.item == item_id)
        if answer is None:
            raise ValidationError("item", _("Answer the item before opening a work order for it."))
        if answer.ok:
            raise ValidationError("item", _("The item was found normal: there is nothing to repair."))
        if answer.work_order_id:
            raise ValidationError("item", _("This finding already has its work order."))
        item = RouteItem.get_by_id(item_id)
        route = _route(run.route_id)
        facility = Facility.get_or_none(Facility.id == item.facility_id) if item.facility_id else None
        place = item.place or (facility.place if facility else "") or (facility.name if facility else "") \
            or route.name
        finding = [_("Inspection {route}, {when}: {item} — not normal.").format(
            route=route.name, when=f"{answer.answered_at:%Y-%m-%d %H:%M}", item=item.text)]
        if answer.reading is not None:
            finding.append(_("Reading {value} {unit} (expected {low}–{high}).").format(
                value=f"{answer.reading.normalize():f}", unit=item.unit,
                low="" if item.low is None else f"{item.low.normalize():f}",
                high="" if item.high is None else f"{item.high.normalize():f}").replace(" )", ")"))
        for text in (answer.note, clean_text(note, "note", multiline=True, max_length=2000)):
            if text:
                finding.append(text)
        title = f"{facility.name}：{item.text}" if facility else item.text
        access.require("order.create", staff_id)
        # Who found it may open it though it is outside their territory (a technician on a
        # round): the order's read-back is the system's, the order is still theirs.
        with access.acting(None):
            order = create_order(OrderInput(
                kind="repair", title=title[:120], community_id=route.community_id, channel="patrol",
                description="\n".join(finding), location=place[:120]), staff_id)
        building = facility.building_id if facility else None
        WorkOrder.update(facility=facility.id if facility else None,
                         building=building).where(WorkOrder.id == order.id).execute()
        RunAnswer.update(work_order=order.id).where(RunAnswer.id == answer.id).execute()
    return order


def finish_run(run_id: int, staff_id: int, *, at: dt.datetime | None = None) -> RunView:
    """End the walk: every item must have its answer; the end time is recorded."""
    access.require("inspections.record", staff_id)
    at = at or clock_now()
    with transaction():
        run = _open_run(run_id, staff_id)
        view = get_run(run.id)
        missing = [i for i in view.items if i.id not in view.answers]
        if missing:
            raise ValidationError("run", _("Answer every item first; still to answer: {items}.").format(
                items="、".join(f"{i.seq}. {i.text}" for i in missing[:5])))
        InspectionRun.update(ended_at=max(at, run.started_at)).where(InspectionRun.id == run.id).execute()
    return get_run(run_id)


# --- results --------------------------------------------------------------------------------


def results(*, route_id: int | None = None, facility_id: int | None = None,
            since: dt.datetime | None = None, until: dt.datetime | None = None,
            staff_id: int | None = None, limit: int = 500) -> list[ResultRow]:
    """Per route: each run with its counts of ok and not-ok answers, newest first. Per
    facility: each answer about it, newest first."""
    access.require("inspections.view", staff_id)
    query = (RunAnswer.select(RunAnswer, InspectionRun.started_at.alias("rstart"),
                              InspectionRun.ended_at.alias("rend"), InspectionRoute.name.alias("rname"),
                              Staff.login.alias("login"), RouteItem.text.alias("itext"),
                              WorkOrder.number.alias("wnumber"))
             .join(InspectionRun, on=(RunAnswer.run == InspectionRun.id))
             .join(InspectionRoute, on=(InspectionRun.route == InspectionRoute.id))
             .switch(InspectionRun).join(Staff, join_type=JOIN.LEFT_OUTER, on=(InspectionRun.staff == Staff.id))
             .switch(RunAnswer).join(RouteItem, on=(RunAnswer.item == RouteItem.id))
             .switch(RunAnswer).join(WorkOrder, join_type=JOIN.LEFT_OUTER, on=(RunAnswer.work_order == WorkOrder.id)))
    if route_id is not None:
        query = query.where(InspectionRun.route == route_id)
    if facility_id is not None:
        query = query.where(RouteItem.facility == facility_id)
    if since is not None:
        query = query.where(InspectionRun.started_at >= since)
    if until is not None:
        query = query.where(InspectionRun.started_at < until)
    rows = list(query.order_by(InspectionRun.started_at.desc(), RouteItem.seq).objects())
    if facility_id is not None:
        return [ResultRow(a.run_id, a.rname, a.rstart, a.rend, a.login or "", int(bool(a.ok)),
                          int(not a.ok), a.itext, a.reading, a.wnumber or "") for a in rows[:limit]]
    by_run: dict[int, list] = {}
    for a in rows:
        by_run.setdefault(a.run_id, []).append(a)
    out = []
    for run_id, answers in by_run.items():
        first = answers[0]
        ok = sum(1 for a in answers if a.ok)
        out.append(ResultRow(run_id, first.rname, first.rstart, first.rend, first.login or "", ok,
                             len(answers) - ok, "", None,
                             "、".join(a.wnumber for a in answers if a.wnumber)))
    return out[:limit]

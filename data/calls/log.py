"""The call log: logging a call, linking it to a work order, callbacks promised, made and
notified, attaching an unknown number to a person, and the paged call history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from data.calls.numbers import matching_staff, normalize_number, unique_person
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import (
    Call,
    CallListItem,
    Incident,
    Notification,
    Person,
    Phone,
    Ring,
    Staff,
    WorkOrder,
)
from data.search_gate import count_whole_search
from data.validators import clean_text, mask_phone, normalize_phone
from data.vocab import CALL_CATEGORIES, CALL_DIRECTIONS, CALL_OUTCOMES

#: The longest call the log accepts, seconds.
MAX_DURATION_S = 12 * 3600


#: Callbacks looked at per notification run (the most recently due first).
NOTIFY_BATCH = 500


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None


@dataclass(frozen=True)
class CallView:
    """A logged call as screens and the CLI show it."""

    id: int
    direction: str  # in | out
    number: str
    person_id: int | None
    person: str
    staff_id: int
    staff: str
    started_at: dt.datetime
    duration_s: int
    category: str  # data.vocab.CALL_CATEGORIES
    summary: str
    outcome: str  # data.vocab.CALL_OUTCOMES or ""
    callback_due: dt.datetime | None
    callback_assignee_id: int | None
    callback_assignee: str
    callback_done_at: dt.datetime | None
    work_order_id: int | None
    work_order_number: str
    incident_id: int | None
    recording: str
    caller_staff_id: int | None = None  # a colleague calling the desk
    caller_staff: str = ""
    incident_title: str = ""

    @property
    def callback_open(self) -> bool:
        """A callback is promised and not yet made."""
        return self.callback_due is not None and self.callback_done_at is None

    def callback_overdue(self, at: dt.datetime | None = None) -> bool:
        return self.callback_open and self.callback_due < (at or clock_now())

    def as_json(self) -> dict:
        """The JSON object of the CLI."""
        return {
            "id": self.id, "direction": self.direction, "number": self.number,
            "person_id": self.person_id, "person": self.person or None,
            "caller_staff": self.caller_staff or None, "staff": self.staff,
            "started_at": _iso(self.started_at), "duration_s": self.duration_s,
            "category": self.category, "summary": self.summary, "outcome": self.outcome,
            "callback_due": _iso(self.callback_due),
            "callback_assignee": self.callback_assignee or None,
            "callback_done_at": _iso(self.callback_done_at),
            "work_order": self.work_order_number or None, "incident_id": self.incident_id,
            "recording": self.recording,
        }


@dataclass
class CallInput:
    """What the call form or `calls log` says (codes, not labels)."""

    direction: str
    number: str
    category: str = "other"
    summary: str = ""
    outcome: str = ""
    duration_s: int = 0
    started_at: dt.datetime | None = None
    person_id: int | None = None
    callback_due: dt.datetime | None = None
    callback_assignee_id: int | None = None
    work_order_id: int | None = None
    incident_id: int | None = None
    recording: str = ""
    #: The ring (data.calls.ringing) this call popped up from: linked to it when logged,
    #: taking its recording reference when the phone system reported one.
    ring_id: int | None = None


@dataclass
class CallFilter:
    """Narrowing of the call history; dates are inclusive."""

    direction: str | None = None
    category: str | None = None
    staff_id: int | None = None
    person_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    number: str | None = None


@dataclass
class CallPage:
    rows: list[CallView]
    next_cursor: tuple | None  # pass as `after` for the next page; None on the last page


def call_query():
    staff, assignee, caller = Staff.alias(), Staff.alias(), Staff.alias()
    return (
        Call.select(
            Call,
            Person.name.alias("person_name"),
            staff.name.alias("staff_name"),
            assignee.name.alias("assignee_name"),
            caller.name.alias("caller_name"),
            WorkOrder.number.alias("order_number"),
            Incident.title.alias("incident_name"),
        )
        .join(Person, JOIN.LEFT_OUTER, on=(Call.person == Person.id))
        .switch(Call)
        .join(staff, JOIN.LEFT_OUTER, on=(Call.staff == staff.id))
        .switch(Call)
        .join(assignee, JOIN.LEFT_OUTER, on=(Call.callback_assignee == assignee.id))
        .switch(Call)
        .join(caller, JOIN.LEFT_OUTER, on=(Call.caller_staff == caller.id))
        .switch(Call)
        .join(WorkOrder, JOIN.LEFT_OUTER, on=(Call.work_order == WorkOrder.id))
        .switch(Call)
        .join(Incident, JOIN.LEFT_OUTER, on=(Call.incident == Incident.id))
    )


def _view(row) -> CallView:
    return CallView(
        id=row.id, direction=row.direction, number=row.number, person_id=row.person_id,
        person=row.person_name or "", staff_id=row.staff_id, staff=row.staff_name or "",
        started_at=row.started_at, duration_s=row.duration_s, category=row.category,
        summary=row.summary, outcome=row.outcome, callback_due=row.callback_due,
        callback_assignee_id=row.callback_assignee_id, callback_assignee=row.assignee_name or "",
        callback_done_at=row.callback_done_at, work_order_id=row.work_order_id,
        work_order_number=row.order_number or "", incident_id=row.incident_id,
        recording=row.recording, caller_staff_id=row.caller_staff_id,
        caller_staff=row.caller_name or "", incident_title=row.incident_name or "",
    )


def call_views(query) -> list[CallView]:
    return [_view(row) for row in query.objects()]


def get_call(call_id: int) -> CallView:
    """A logged call; NotFoundError when there is none."""
    row = call_query().where(Call.id == call_id).objects().first()
    if row is None:
        raise NotFoundError(_("No call with id {id}.").format(id=call_id))
    return _view(row)


def _calls_by_ids(ids: list[int]) -> list[CallView]:
    if not ids:
        return []
    by_id = {v.id: v for v in call_views(call_query().where(Call.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def active_staff(staff_id: int | None, field: str = "staff") -> Staff:
    staff = Staff.get_or_none(Staff.id == staff_id) if staff_id is not None else None
    if staff is None or not staff.active:
        raise ValidationError(field, _("No active staff member with id {id}.").format(id=staff_id))
    return staff


def check_code(value: str, table: dict[str, str], field: str) -> str:
    if value not in table:
        raise ValidationError(field, _("Unknown value “{value}”: use one of {choices}.").format(
            value=value, choices=", ".join(table)))
    return value


def check_duration(value: object, field: str = "duration_s") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            raise ValidationError(field, _("Give the duration in whole seconds, such as 95.")) from None
    if value < 0:
        raise ValidationError(field, _("The duration cannot be negative."))
    if value > MAX_DURATION_S:
        raise ValidationError(field, _("A call lasts at most {hours} hours.").format(
            hours=MAX_DURATION_S // 3600))
    return value


def _future(value: dt.datetime, at: dt.datetime, field: str) -> dt.datetime:
    """`value` unless it lies before the current minute."""
    if value < at.replace(second=0):
        raise ValidationError(field, _(
            "{time} has passed already; give a time from now on."
        ).format(time=f"{value:%Y-%m-%d %H:%M}"))
    return value


def lookup_refusal(number: str, staff_id: int) -> str:
    """Count looking up who has the whole `number` (the caller match of `calls log
    --number`) like a whole-number owner search (data.search_gate): empty when it may run,
    else why not. An empty number looks nothing up."""
    return count_whole_search(staff_id) if (number or "").strip() else ""


def log_call(data: CallInput, staff_id: int, *, lookup: bool = True) -> CallView:
    """Log a call taken or made by `staff_id`.

    Validates everything first: direction in/out, a number (`normalize_number`; an empty
    one is accepted for a caller who withheld it), category and outcome codes, the summary
    (`clean_text`), a duration of 0–12 h, a start not in the future, a callback time not in
    the past (its assignee defaults to `staff_id`). Without `person_id` the person is matched
    by the number when exactly one person has it; a colleague's number is noted too. A
    callback makes the outcome "callback", a linked work order "ticket", unless one is given.
    Without `lookup` (the whole-number lookup was refused: `lookup_refusal`) the call is
    logged with neither person nor colleague matched. With `ring_id` (the call popped up
    from the phone system's ring at `staff_id`'s extension) the ring is linked to the call,
    which keeps the ring's recording reference.
    """
    at = clock_now()
    active_staff(staff_id)
    direction = (data.direction or "").strip().lower()
    if direction not in CALL_DIRECTIONS:
        raise ValidationError("direction", _("The direction is in (a call to us) or out (a call we made)."))
    number = normalize_number(data.number) if (data.number or "").strip() else ""
    category = check_code(data.category or "other", CALL_CATEGORIES, "category")
    outcome = check_code(data.outcome, CALL_OUTCOMES, "outcome") if data.outcome else ""
    summary = clean_text(data.summary, "summary", multiline=True, max_length=4000)
    duration = check_duration(data.duration_s)
    started = data.started_at or at
    if started > at + dt.timedelta(minutes=1):
        raise ValidationError("started_at", _("A call cannot start in the future."))
    recording = clean_text(data.recording, "recording", max_length=300)
    due, assignee = data.callback_due, data.callback_assignee_id
    if due is not None:
        _future(due, at, "callback_due")
        assignee = assignee if assignee is not None else staff_id
        active_staff(assignee, "callback_assignee")
        outcome = outcome or "callback"
    elif assignee is not None:
        raise ValidationError("callback_due", _("Say when to call back."))
    if data.person_id is not None and not Person.select().where(Person.id == data.person_id).exists():
        raise NotFoundError(_("No person with id {id}.").format(id=data.person_id))
    if data.work_order_id is not None and not WorkOrder.select().where(
            WorkOrder.id == data.work_order_id).exists():
        raise NotFoundError(_("No work order {ref}.").format(ref=data.work_order_id))
    if data.incident_id is not None and not Incident.select().where(
            Incident.id == data.incident_id).exists():
        raise NotFoundError(_("No incident with id {id}.").format(id=data.incident_id))
    if data.work_order_id is not None:
        outcome = outcome or "ticket"
    person_id, caller_staff = data.person_id, None
    if number and lookup:
        if person_id is None:
            person_id = unique_person(number)
        staff = matching_staff(number)
        caller_staff = staff.id if staff else None
    with transaction():
        ring = _ring_to_link(data.ring_id, staff_id) if data.ring_id is not None else None
        call = Call.create(
            direction=direction, number=number, person=person_id, caller_staff=caller_staff,
            staff=staff_id, started_at=started, duration_s=duration, category=category,
            summary=summary, outcome=outcome, callback_due=due,
            callback_assignee=assignee if due is not None else None,
            work_order=data.work_order_id, incident=data.incident_id,
            recording=recording or (ring.recording if ring is not None else ""),
        )
        if ring is not None:
            linked = Ring.update(call=call.id).where(Ring.id == ring.id, Ring.call.is_null()).execute()
            if not linked:  # logged by a second save that raced this one
                raise ValidationError("ring", _("This call is logged already."))
    return get_call(call.id)


def _ring_to_link(ring_id: int, staff_id: int) -> Ring:
    """The ring a call being logged popped up from: at `staff_id`'s extension, answered,
    not logged yet."""
    ring = Ring.get_or_none(Ring.id == ring_id)
    if ring is None:
        raise NotFoundError(_("No ring with id {id}.").format(id=ring_id))
    if ring.staff_id != staff_id or not ring.answered:
        raise ValidationError("ring", _("This call was answered at another extension."))
    if ring.call_id is not None:
        raise ValidationError("ring", _("This call is logged already (call {id}).").format(id=ring.call_id))
    return ring


def call_row(call_id: int) -> Call:
    call = Call.get_or_none(Call.id == call_id)
    if call is None:
        raise NotFoundError(_("No call with id {id}.").format(id=call_id))
    return call


def link_work_order(call_id: int, order_id: int, staff_id: int) -> CallView:
    """Link a call to the work order it led to (outcome "ticket" unless one was given)."""
    active_staff(staff_id)
    with transaction():
        call = call_row(call_id)
        if not WorkOrder.select().where(WorkOrder.id == order_id).exists():
            raise NotFoundError(_("No work order {ref}.").format(ref=order_id))
        Call.update(work_order=order_id, outcome=call.outcome or "ticket").where(
            Call.id == call_id).execute()
    return get_call(call_id)


def schedule_callback(call_id: int, due: dt.datetime, assignee_id: int, staff_id: int) -> CallView:
    """Promise a callback (or move it): due not in the past, an active assignee."""
    active_staff(staff_id)
    _future(due, clock_now(), "callback_due")
    active_staff(assignee_id, "callback_assignee")
    with transaction():
        call = call_row(call_id)
        Call.update(
            callback_due=due, callback_assignee=assignee_id, callback_done_at=None,
            outcome=call.outcome if call.outcome not in ("", "resolved", "info") else "callback",
        ).where(Call.id == call_id).execute()
    return get_call(call_id)


def complete_callback(call_id: int, staff_id: int, note: str = "") -> CallView:
    """The promised callback was made: stamped now, and who made it (with the note) is
    added to the call's summary."""
    staff = active_staff(staff_id)
    note = clean_text(note, "note", multiline=True, max_length=2000)
    at = clock_now()
    with transaction():
        call = call_row(call_id)
        if call.callback_due is None:
            raise ValidationError("callback", _("No callback was promised on this call."))
        if call.callback_done_at is not None:
            raise ValidationError("callback", _("This callback was made already ({at}).").format(
                at=f"{call.callback_done_at:%Y-%m-%d %H:%M}"))
        line = _("Called back {at} by {name}").format(at=f"{at:%m-%d %H:%M}", name=staff.name)
        if note:
            line = _("{line}: {note}").format(line=line, note=note)
        summary = f"{call.summary}\n{line}" if call.summary else line
        Call.update(callback_done_at=at, summary=summary).where(Call.id == call_id).execute()
    return get_call(call_id)


def callbacks(staff_id: int | None = None, *, overdue_only: bool = False,
              at: dt.datetime | None = None, limit: int = 100,
              unassigned: bool = False) -> list[CallView]:
    """Open callbacks (promised, not made) by due time; `staff_id` keeps that assignee's
    (and, with `unassigned`, those assigned to nobody: calls a queue missed, which anyone
    may make), `overdue_only` those already due."""
    at = at or clock_now()
    query = call_query().where(Call.callback_due.is_null(False), Call.callback_done_at.is_null())
    if staff_id is not None:
        mine = Call.callback_assignee == staff_id
        query = query.where(mine | Call.callback_assignee.is_null() if unassigned else mine)
    if overdue_only:
        query = query.where(Call.callback_due < at)
    return call_views(query.order_by(Call.callback_due, Call.id).limit(max(1, min(limit, 1000))))


def notify_due_callbacks(at: dt.datetime | None = None) -> int:
    """Tell each open callback's assignee (else who took the call) once it is due: one
    notification of kind "callback" per call and due time (a moved callback is told
    again), inserted with ON CONFLICT DO NOTHING on its dedupe key — safe to run every
    minute from several sessions. Returns how many were sent."""
    from data.notifications import mask_numbers, order_subject, person_place

    at = at or clock_now()
    rows = list(
        Call.select(Call.id, Call.callback_due, Call.callback_assignee, Call.staff, Call.number,
                    Call.summary, Call.person, Call.work_order, Person.name.alias("person_name"))
        .join(Person, JOIN.LEFT_OUTER, on=(Call.person == Person.id))
        .where(Call.callback_due.is_null(False), Call.callback_done_at.is_null(),
               Call.callback_due <= at)
        .order_by(Call.callback_due.desc(), Call.id.desc())
        .limit(NOTIFY_BATCH)
        .objects()
    )
    if not rows:
        return 0
    keys = {r.id: f"callback:{r.id}:{r.callback_due:%Y%m%d%H%M}" for r in rows}
    with transaction():
        told = {
            n.dedupe_key for n in Notification.select(Notification.dedupe_key).where(
                Notification.dedupe_key.in_(list(keys.values())))
        }
        new = []
        for r in rows:
            if keys[r.id] in told:
                continue
            number = mask_phone(r.number) if r.number else ""
            who = r.person_name or number or _("unknown caller")
            about = (order_subject(r.work_order_id) if r.work_order_id
                     else person_place(r.person_id))
            new.append({
                "staff": r.callback_assignee_id or r.staff_id, "kind": "callback",
                "title": mask_numbers(_("Call back {who} ({number}) {about}, due {due}").format(
                    who=who, number=number, about=about,
                    due=f"{r.callback_due:%m-%d %H:%M}").replace("  ", " "))[:200],
                "body": mask_numbers(r.summary[:1000]), "entity": "call", "entity_id": r.id,
                "dedupe_key": keys[r.id], "created_at": at,
            })
        if new:
            Notification.insert_many(new).on_conflict_ignore().execute()
    return len(new)


def attach_number(number: str, person_id: int, staff_id: int) -> int:
    """An unknown number turns out to be `person_id`'s: it becomes one of their phones
    (when it is a mainland number they do not have yet; service, foreign and area-code-less
    numbers cannot be stored as phones), and the earlier calls and call-list items from it
    that had no person get this one. Returns how many calls were updated."""
    from data.people import add_phone

    active_staff(staff_id)
    normalised = normalize_number(number)
    if not Person.select().where(Person.id == person_id).exists():
        raise NotFoundError(_("No person with id {id}.").format(id=person_id))
    try:
        phone = normalize_phone(normalised)
    except ValidationError:
        phone = None
    with transaction():
        if phone is not None and not Phone.select().where(
                Phone.person == person_id, Phone.number == phone.number).exists():
            add_phone(person_id, phone.number)
        updated = Call.update(person=person_id).where(
            Call.number == normalised, Call.person.is_null()).execute()
        CallListItem.update(person=person_id).where(
            CallListItem.number == normalised, CallListItem.person.is_null()).execute()
    return updated


def call_history(flt: CallFilter | None = None, after: tuple | None = None,
                 limit: int = 50) -> CallPage:
    """One page of calls, newest first, keyset-paged on (started_at, id): pass the page's
    `next_cursor` as `after` for the next one."""
    flt = flt or CallFilter()
    limit = max(1, min(limit, 500))
    query = Call.select(Call.id, Call.started_at)
    if flt.direction:
        query = query.where(Call.direction == check_code(flt.direction, CALL_DIRECTIONS, "direction"))
    if flt.category:
        query = query.where(Call.category == check_code(flt.category, CALL_CATEGORIES, "category"))
    if flt.staff_id is not None:
        query = query.where(Call.staff == flt.staff_id)
    if flt.person_id is not None:
        query = query.where(Call.person == flt.person_id)
    if flt.since is not None:
        query = query.where(Call.started_at >= dt.datetime.combine(flt.since, dt.time()))
    if flt.until is not None:
        query = query.where(Call.started_at < dt.datetime.combine(flt.until, dt.time())
                            + dt.timedelta(days=1))
    if flt.number:
        query = query.where(Call.number == normalize_number(flt.number))
    if after is not None:
        started, last_id = after
        query = query.where((Call.started_at < started)
                            | ((Call.started_at == started) & (Call.id < last_id)))
    rows = list(query.order_by(Call.started_at.desc(), Call.id.desc()).limit(limit + 1).tuples())
    more = len(rows) > limit
    rows = rows[:limit]
    views = _calls_by_ids([r[0] for r in rows])
    cursor = (views[-1].started_at, views[-1].id) if more and views else None
    return CallPage(views, cursor)

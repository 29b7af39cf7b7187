"""Work orders (工单): numbering, the status machine, hold, callback; their SLA
deadlines come from data.sla.

Every change goes through `apply_change`, which checks the transition, bumps the version
(optimistic concurrency), stamps `updated_at` and writes a history row — all in one
write transaction. Screens and the CLI get plain `OrderView` values back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import IntegrityError

from data import access, errors, hotline, numbering, territory
from data.appointments import sync_work_order_appointment
from data.clock import now as clock_now
from data.db import Prepared, Slot, transaction
from data.errors import FrontDeskError, NotFoundError, ValidationError
from data.i18n import N_, _
from data.models import (
    Room,
    Staff,
    WorkOrder,
    WorkOrderHistory,
)
from data.renovations.hours import flag_noise_complaint
from data.sla import deadlines, held_shift, sla_for, stretch_active
from data.validators import clean_text, normalize_phone
from data.vocab import (
    CHANNELS,
    OPEN_STATUSES,
    PRIORITIES,
    WORK_ORDER_KINDS,
    WORK_ORDER_PREFIXES,
    WORK_ORDER_STATUSES,
    label,
)
from data.workorders.views import OrderView, get_order

#: action → (statuses it may start from, status it leads to; None = stays).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "assign": (("new", "assigned"), "assigned"),
    # A reassigned order waits for its new technician (已派单) — who starts it with `s`; the
    # first response stays recorded, so the response deadline is not run again. On hold it
    # stays on hold (the clock stays stopped until the new technician resumes): see `assign`.
    "reassign": (("assigned", "in_progress", "on_hold"), None),  # REASSIGN_TO
    "start": (("new", "assigned"), "in_progress"),
    "hold": (("in_progress",), "on_hold"),
    "resume": (("on_hold",), "in_progress"),
    "resolve": (("in_progress",), "resolved"),
    "callback": (("resolved",), "visited"),
    "close": (("resolved", "visited"), "closed"),
    "reopen": (("resolved", "visited", "closed"), "in_progress"),
    "cancel": (("new", "assigned", "on_hold"), "cancelled"),
    "merge": (("new", "assigned", "in_progress", "on_hold"), "cancelled"),
}

#: Where a reassignment leads from each status (else it stays): see TRANSITIONS["reassign"].
REASSIGN_TO = {"in_progress": "assigned"}

ACTION_LABELS = {
    "create": N_("Opened"),
    "assign": N_("Assigned"),
    "reassign": N_("Reassigned"),
    "start": N_("Started"),
    "hold": N_("Put on hold"),
    "resume": N_("Resumed"),
    "resolve": N_("Resolved"),
    "callback": N_("Called back"),
    "close": N_("Closed"),
    "reopen": N_("Reopened"),
    "cancel": N_("Cancelled"),
    "merge": N_("Merged"),
    "link": N_("Linked"),
    "note": N_("Note"),
    "priority": N_("Priority changed"),
    "cost": N_("Cost added"),
    "stretch": N_("Deadline stretched"),
    "escalate": N_("Escalated"),
    "appointment": N_("Appointment set"),
    "renovation": N_("Under renovation"),
    "hotline_reply": N_("Replied to 12345"),
    "quote": N_("Quote made"),  # a paid-repair quote made from its costs (data.contracts.create_quote)
}

#: The actions as verb phrases, for refusals ("you cannot {start it} now").
ACTION_VERBS = {
    "assign": N_("assign it"),
    "reassign": N_("reassign it"),
    "start": N_("start it"),
    "hold": N_("put it on hold"),
    "resume": N_("resume it"),
    "resolve": N_("resolve it"),
    "callback": N_("record its callback"),
    "close": N_("close it"),
    "reopen": N_("reopen it"),
    "cancel": N_("cancel it"),
    "merge": N_("merge it"),
}

#: A rating at or below this is an unhappy owner: the callback offers to reopen.
UNHAPPY_RATING = 2


class ConflictError(errors.ConflictError):
    """The work order changed since the version the user saw."""

    def __init__(self, message: str, current_version: int):
        super().__init__(message, current_version)



# --- creating --------------------------------------------------------------------------------


def _prefix(kind: str, day: dt.date) -> str:
    """What the numbers of `kind` taken on `day` start with: BX-20261127-."""
    return f"{WORK_ORDER_PREFIXES[kind]}-{day:%Y%m%d}-"


@dataclass
class OrderInput:
    """What the new-order form or `tickets new` says (codes, not labels)."""

    kind: str
    title: str
    community_id: int
    room_id: int | None = None
    person_id: int | None = None
    category_id: int | None = None
    priority: str = "normal"
    channel: str = "phone"
    description: str = ""
    location: str = ""
    contact_phone: str = ""
    appointment_at: dt.datetime | None = None
    #: Channel "hotline" only: the 12345 hotline's reference and the reply deadline it set.
    hotline_ref: str = ""
    reply_due: dt.datetime | None = None


def _hotline_input(data: OrderInput, created: dt.datetime) -> tuple[str, dt.datetime] | None:
    """The checked (reference, reply deadline) of an order from the 12345 hotline; None for
    another channel, which takes neither."""
    if data.channel != hotline.CHANNEL:
        if (data.hotline_ref or "").strip() or data.reply_due is not None:
            raise ValidationError("hotline_ref", _(
                "Only an order from the 12345 hotline has a hotline reference and reply "
                "deadline: choose the channel {channel}.").format(
                    channel=label(CHANNELS, hotline.CHANNEL)))
        return None
    ref = hotline.clean_ref(data.hotline_ref)
    if data.reply_due is None:
        raise ValidationError("reply_due", _("Give the reply deadline the 12345 hotline set, such "
                                             "as 明天 17:00, 12-10 or 周五下午."))
    hotline.check_reply_due(data.reply_due, created)
    return ref, data.reply_due


def create_order(data: OrderInput, staff_id: int) -> OrderView:
    """Open a work order: validated, numbered, deadlines from the SLA, history 'create'."""
    access.require("order.create", staff_id)
    if data.kind not in WORK_ORDER_KINDS:
        raise ValidationError("kind", _("Unknown kind “{kind}”: use one of {kinds}.").format(
            kind=data.kind, kinds=", ".join(WORK_ORDER_KINDS)))
    if data.priority not in PRIORITIES:
        raise ValidationError("priority", _("Unknown priority “{p}”: use one of {ps}.").format(
            p=data.priority, ps=", ".join(PRIORITIES)))
    if data.channel not in CHANNELS:
        raise ValidationError("channel", _("Unknown channel “{c}”: use one of {cs}.").format(
            c=data.channel, cs=", ".join(CHANNELS)))
    title = clean_text(data.title, "title", max_length=120)
    description = clean_text(data.description, "description", multiline=True, max_length=4000)
    location = clean_text(data.location, "location", max_length=120)
    contact_phone = (normalize_phone(data.contact_phone).number
                     if data.contact_phone.strip() else "")
    if not title:
        title = description.splitlines()[0][:60] if description else ""
    if not title:
        raise ValidationError("title", _("Say in a few words what is wrong, such as 厨房水管漏水."))
    if data.room_id is None and not location:
        raise ValidationError("room", _("Give the room, or the public place (such as 2号楼电梯)."))
    building_id = None
    if data.room_id is not None:
        room = Room.get_or_none(Room.id == data.room_id)
        if room is None:
            raise NotFoundError(_("That room no longer exists."))
        if room.community_id != data.community_id:
            raise ValidationError("room", _("The room is not in that community."))
        building_id = room.building_id
    created = clock_now()
    from_hotline = _hotline_input(data, created)
    target = sla_for(data.kind, data.category_id, data.priority)
    response_due, resolution_due = deadlines(created, target, 0, stretch_active(), data.priority)
    note = "" if from_hotline is None else _("12345 {ref}, reply due {due}").format(
        ref=from_hotline[0], due=f"{from_hotline[1]:%Y-%m-%d %H:%M}")
    values = dict(kind=data.kind, category=data.category_id, priority=data.priority,
                  channel=data.channel, status="new", title=title, description=description,
                  community=data.community_id, building=building_id, room=data.room_id,
                  location=location, person=data.person_id, contact_phone=contact_phone,
                  created_by=staff_id, created_at=created, updated_at=created,
                  appointment_at=data.appointment_at, response_due=response_due,
                  resolution_due=resolution_due)
    p = numbering.param()
    # The history's "create" row, in the same statement as the order (PostgreSQL): the
    # numbered INSERT is then the transaction's last statement for an order from the
    # phone or the counter, and the day's counter row is locked only until the commit.
    history = (f'INSERT INTO work_order_history (work_order_id, staff_id, "at", action, '
               f"from_status, to_status, note) SELECT id, {p}, {p}, 'create', '', 'new', {p} FROM o",
               [staff_id, WorkOrderHistory.at.db_value(created), note])
    for attempt in range(5):
        try:
            with transaction():
                order = numbering.create_numbered(
                    WorkOrder.number, _prefix(data.kind, created.date()), 4, values,
                    resync=attempt > 0, then=(history,))
                if from_hotline is not None:
                    hotline.attach(order.id, *from_hotline, created)
                flag_noise_complaint(order, staff_id)  # a noise complaint about a renovation
                # No sync_work_order_appointment here: a new order has no assignee, so it
                # has no appointment on anyone's calendar yet (assigning puts it there).
            return get_order(order.id)
        except IntegrityError:
            continue  # the number was written without the counter: resync and take the next
    raise FrontDeskError(_("Could not number the work order; please try again."))


# --- changing --------------------------------------------------------------------------------


_ORDER = Prepared(lambda: WorkOrder.select().where(WorkOrder.id == Slot("id")).limit(1))


def load_for_change(order_id: int, expected_version: int | None) -> WorkOrder:
    order = _ORDER.first(id=order_id)
    if order is None:
        raise NotFoundError(_("No work order {ref}.").format(ref=order_id))
    if expected_version is not None and order.version != expected_version:
        raise ConflictError(
            _("{number} was changed by someone else (now version {current}, you had {seen}); "
              "look at it again before changing it.").format(
                number=order.number, current=order.version, seen=expected_version),
            order.version,
        )
    return order


def refusal(number: str, status: str, action: str) -> str | None:
    """Why `action` is not possible for an order in `status`, or None when it is. Screens ask
    first, so a clerk is told before typing a reason rather than after."""
    allowed, _to = TRANSITIONS[action]
    if status in allowed:
        return None
    return _("{number} is {status}: you cannot {action} now (possible from: {allowed}).").format(
        number=number,
        status=label(WORK_ORDER_STATUSES, status),
        action=_(ACTION_VERBS[action]),
        allowed="、".join(label(WORK_ORDER_STATUSES, s) for s in allowed),
    )


def _check(order: WorkOrder, action: str) -> str | None:
    message = refusal(order.number, order.status, action)
    if message:
        raise ValidationError("status", message)
    return TRANSITIONS[action][1]


def apply_change(
    order_id: int,
    staff_id: int | None,
    action: str,
    *,
    note: str = "",
    expected_version: int | None = None,
    to_status: str | None = None,
    **fields,
) -> OrderView:
    """Apply one action: transition check, field updates, version bump, history row."""
    note = clean_text(note, "note", multiline=True, max_length=2000)
    at = clock_now()
    with transaction():
        order = load_for_change(order_id, expected_version)
        territory.check_order_visible(order, staff_id)
        access.require(ACTION_PERMISSIONS.get(action, "order.update"), staff_id)
        if action in INDEPENDENT_ACTIONS:
            _check_independent(order, staff_id, action)
        if action in TRANSITIONS:
            to_status = _check(order, action) or to_status or order.status
        to_status = to_status or order.status
        updates = {"status": to_status, "updated_at": at, "version": order.version + 1, **fields}
        rows = (
            WorkOrder.update(**updates)
            .where(WorkOrder.id == order_id, WorkOrder.version == order.version)
            .execute()
        )
        if rows != 1:  # changed between our read and write (PostgreSQL read committed)
            raise ConflictError(_("The work order was changed meanwhile; please try again."), order.version)
        WorkOrderHistory.create(work_order=order_id, staff=staff_id, at=at, action=action,
                                from_status=order.status, to_status=to_status, note=note)
        _notify(order, staff_id, fields.get("assignee"), note)
        # The technician's calendar follows the order (assignee, appointment, status).
        sync_work_order_appointment(order_id, staff_id)
    return get_order(order_id)


#: What each action needs beyond "order.update" (data.access.RULES).
ACTION_PERMISSIONS = {"assign": "order.dispatch", "reassign": "order.reassign",
                      "merge": "order.merge", "cancel": "order.cancel",
                      "callback": "order.callback", "close": "order.close"}

#: Actions of the people who do the work: whoever took one of them on an order may not
#: record its callback or close it (an independent 回访), even after a change of role.
WORK_ACTIONS = ("start", "resume", "hold", "resolve")
#: Actions that must be done by someone other than who worked the order.
INDEPENDENT_ACTIONS = ("callback", "close")


def worked_on(order_id: int, staff_id: int | None) -> bool:
    """Did `staff_id` work this order (its assignee, or started, held, resumed or resolved it)?"""
    if staff_id is None:
        return False
    order = WorkOrder.select(WorkOrder.assignee).where(WorkOrder.id == order_id).first()
    if order is not None and order.assignee_id == staff_id:
        return True
    return WorkOrderHistory.select().where(
        WorkOrderHistory.work_order == order_id, WorkOrderHistory.staff == staff_id,
        WorkOrderHistory.action.in_(WORK_ACTIONS)).exists()


def may_record_callback(order_id: int, staff_id: int | None = None) -> bool:
    """May `staff_id` (else the signed-in account) record the 回访 of this order, or close it?
    Screens ask before offering the keys; `_change` enforces it."""
    if not access.can("order.callback", staff_id):
        return False
    who = staff_id if staff_id is not None else access.current_id()
    return not worked_on(order_id, who)


def _check_independent(order: WorkOrder, staff_id: int | None, action: str) -> None:
    if staff_id is None or not worked_on(order.id, staff_id):
        return
    raise errors.PermissionDenied(
        _("{number}: you worked on this order, so you may not {action}: the desk or a "
          "supervisor asks the owner independently.").format(
            number=order.number, action=_(ACTION_VERBS[action])))


def _notify(order: WorkOrder, staff_id: int | None, assignee: int | None, note: str) -> None:
    """Tell the new assignee (unless they assigned it themselves) and whoever a note
    mentions with @login — in the transaction of the change."""
    from data import notifications

    if assignee and assignee != staff_id and assignee != order.assignee_id:
        notifications.send(assignee, "assigned", _("{subject}: assigned to you").format(
            subject=notifications.order_subject(order.id)), entity="work_order", entity_id=order.id)
    if note and ("@" in note or "＠" in note):
        # Who wrote it and on which order, first: a toast's start is what is read.
        writer = Staff.get_or_none(Staff.id == staff_id) if staff_id else None
        notifications.send_mentions(note, _("{who} mentioned you on {subject}").format(
            who=writer.name if writer else _("someone"),
            subject=notifications.order_subject(order.id) or order.number), by=staff_id,
            entity="work_order", entity_id=order.id)


def _staff(staff_id: int) -> Staff:
    staff = Staff.get_or_none(Staff.id == staff_id)
    if staff is None or not staff.active:
        raise NotFoundError(_("No active staff member with id {id}.").format(id=staff_id))
    return staff


def staff_by_login(login: str) -> Staff:
    staff = Staff.get_or_none(Staff.login == login.strip())
    if staff is None or not staff.active:
        raise NotFoundError(_("No active staff member with the login “{login}”.").format(login=login))
    return staff


def assign(order_id: int, assignee_id: int, staff_id: int, *, reason: str = "",
           expected_version: int | None = None) -> OrderView:
    """Dispatch to a technician (or reassign: a reason is then required)."""
    order = load_for_change(order_id, expected_version)
    assignee = _staff(assignee_id)
    if order.assignee_id not in (None, assignee_id):
        if not reason.strip():
            raise ValidationError("reason", _("Say why the work order goes to someone else."))
        return apply_change(order_id, staff_id, "reassign",
                       note=_("{old} → {new}: {reason}").format(
                           old=_staff_name(order.assignee_id), new=assignee.name, reason=reason),
                       expected_version=expected_version, assignee=assignee_id,
                       to_status=REASSIGN_TO.get(order.status))
    note = reason or _("to {name}").format(name=assignee.name)
    return apply_change(order_id, staff_id, "assign", note=note, expected_version=expected_version,
                   assignee=assignee_id)


def set_appointment(order_id: int, when: dt.datetime | None, staff_id: int, *,
                    expected_version: int | None = None) -> OrderView:
    """Set (or with None clear) the on-site appointment (上门预约) of an open work order; the
    assignee's calendar follows. A history row records the change."""
    order = load_for_change(order_id, expected_version)
    if order.status not in OPEN_STATUSES:
        raise ValidationError("appointment", _("Only an open work order takes an appointment."))
    old = f"{order.appointment_at:%Y-%m-%d %H:%M}" if order.appointment_at else "—"
    new = f"{when:%Y-%m-%d %H:%M}" if when else "—"
    return apply_change(order_id, staff_id, "appointment", note=f"{old} → {new}",
                   expected_version=expected_version, appointment_at=when)


def _staff_name(staff_id: int | None) -> str:
    return Staff.select(Staff.name).where(Staff.id == staff_id).scalar() or ""


def _require(text: str, field: str) -> str:
    if not text or not text.strip():
        raise ValidationError(field, _("Give a reason."))
    return text


def start(order_id: int, staff_id: int, *, note: str = "", expected_version: int | None = None) -> OrderView:
    """The technician starts work (the first response, if none yet)."""
    order = load_for_change(order_id, expected_version)
    fields = {}
    if order.responded_at is None:
        fields["responded_at"] = clock_now()
    if order.assignee_id is None:
        fields["assignee"] = staff_id
    return apply_change(order_id, staff_id, "start", note=note, expected_version=expected_version, **fields)


def hold(order_id: int, staff_id: int, reason: str, *, expected_version: int | None = None) -> OrderView:
    """Put on hold (waiting for the owner or parts): the SLA clock stops."""
    return apply_change(order_id, staff_id, "hold", note=_require(reason, "reason"),
                   expected_version=expected_version, hold_since=clock_now())


def resume(order_id: int, staff_id: int, *, note: str = "", expected_version: int | None = None) -> OrderView:
    """Resume work: the time on hold is added to both deadlines (under a working-time SLA,
    the working time on hold, added as working time: nights and holidays on hold do not
    count twice)."""
    order = load_for_change(order_id, expected_version)
    minutes, response_due, resolution_due = held_shift(order, clock_now())
    return apply_change(
        order_id, staff_id, "resume", note=note, expected_version=expected_version,
        hold_since=None, held_minutes=order.held_minutes + minutes,
        response_due=response_due, resolution_due=resolution_due,
    )


def resolve(order_id: int, staff_id: int, note: str, *, expected_version: int | None = None) -> OrderView:
    """Work done: what was done is required."""
    return apply_change(order_id, staff_id, "resolve", note=_require(note, "note"),
                   expected_version=expected_version, resolved_at=clock_now())


def record_callback(order_id: int, staff_id: int, rating: int | str, comment: str = "", *,
                    reopen_if_unhappy: bool = False, expected_version: int | None = None) -> OrderView:
    """回访: the owner's rating 1–5 and comment; an unhappy owner may reopen it in one step."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ValidationError("rating", _("The rating is a number from 1 to 5.")) from None
    if not 1 <= rating <= 5:
        raise ValidationError("rating", _("The rating is a number from 1 to 5."))
    comment = clean_text(comment, "comment", multiline=True, max_length=2000)
    with transaction():
        # Not `.rstrip(": ")` of one message: a translation may use a full-width colon.
        note = (_("rating {rating}: {comment}").format(rating=rating, comment=comment) if comment
                else _("rating {rating}").format(rating=rating))
        view = apply_change(
            order_id, staff_id, "callback", note=note,
            expected_version=expected_version, rating=rating, callback_comment=comment,
            callback_by=staff_id, callback_at=clock_now(),
        )
        if reopen_if_unhappy and rating <= UNHAPPY_RATING:
            view = reopen(order_id, staff_id, _("Owner unhappy at the callback: {comment}").format(
                comment=comment or rating))
    return view


def close(order_id: int, staff_id: int, *, note: str = "", expected_version: int | None = None) -> OrderView:
    return apply_change(order_id, staff_id, "close", note=note, expected_version=expected_version,
                   closed_at=clock_now())


def reopen(order_id: int, staff_id: int, reason: str, *, expected_version: int | None = None) -> OrderView:
    """Back to work: resolution and callback are cleared, the same technician keeps it, and
    the resolution clock starts again from now (the SLA's span, stretched if the weather
    stretch is on) — otherwise a reopened order would be overdue, and escalate, at once."""
    order = load_for_change(order_id, expected_version)
    target = sla_for(order.kind, order.category_id, order.priority)
    _response, resolution_due = deadlines(clock_now(), target, 0, stretch_active(), order.priority)
    return apply_change(order_id, staff_id, "reopen", note=_require(reason, "reason"),
                   expected_version=expected_version, resolved_at=None, closed_at=None,
                   escalation_level=0, resolution_due=resolution_due)


def cancel(order_id: int, staff_id: int, reason: str, *, expected_version: int | None = None) -> OrderView:
    return apply_change(order_id, staff_id, "cancel", note=_require(reason, "reason"),
                   expected_version=expected_version, closed_at=clock_now(), hold_since=None)


def set_priority(order_id: int, priority: str, staff_id: int, *,
                 expected_version: int | None = None) -> OrderView:
    """Change the priority: the deadlines follow the new SLA (from the creation time)."""
    if priority not in PRIORITIES:
        raise ValidationError("priority", _("Unknown priority “{p}”: use one of {ps}.").format(
            p=priority, ps=", ".join(PRIORITIES)))
    order = load_for_change(order_id, expected_version)
    if order.status not in OPEN_STATUSES:
        raise ValidationError("priority", _("Only an open work order changes priority."))
    target = sla_for(order.kind, order.category_id, priority)
    response_due, resolution_due = deadlines(order.created_at, target, order.held_minutes,
                                              stretch_active(), priority)
    return apply_change(order_id, staff_id, "priority",
                   note=f"{label(PRIORITIES, order.priority)} → {label(PRIORITIES, priority)}",
                   expected_version=expected_version, priority=priority,
                   response_due=response_due, resolution_due=resolution_due)


def add_note(order_id: int, staff_id: int, text: str, *,
             expected_version: int | None = None) -> OrderView:
    """A note in the history (any status); bumps the version like every change."""
    return apply_change(order_id, staff_id, "note", note=_require(text, "note"),
                   expected_version=expected_version)

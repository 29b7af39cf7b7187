"""Renovation permits (装修登记): registering one, its status machine (approve, start,
finish, acceptance, deposit refund, reject, cancel), inspections during the works, and
reading the register.

Every step is one function owning its transaction: it checks the role (data.access RULES
"renovation.*"), the status, bumps the version, stamps who and when on the permit and
writes a history row (RenovationEvent); the audit triggers record the field changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from peewee import JOIN, IntegrityError, fn

from data import access, numbering
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ConflictError, FrontDeskError, NotFoundError, ValidationError
from data.i18n import N_, _
from data.models import (
    Community,
    Occupancy,
    Person,
    Renovation,
    RenovationEvent,
    RenovationInspection,
    RenovationWorker,
    Room,
    Staff,
    WorkOrder,
)
from data.renovations.values import (
    ACTIVE_STATUSES,
    DEFAULT_WORKDAY_HOURS,
    MAX_PERIOD_DAYS,
    MAX_WORKERS,
    OPEN_STATUSES,
    PAGE,
    RESULTS,
    STATUSES,
    EventRow,
    InspectionInput,
    InspectionView,
    RenovationFilter,
    RenovationInput,
    RenovationPage,
    RenovationRow,
    RenovationView,
    WorkerInput,
    WorkerView,
    format_hours,
    mask_tail,
    money,
    parse_amount,
    parse_hours,
    parse_id_tail,
)
from data.validators import clean_text, fold_code, mask_phone, normalize_phone
from data.vocab import label

#: The permit number's prefix: ZXXK-20260301-0001 (装修许可).
NUMBER_PREFIX = "ZXXK"

#: action → (statuses it may start from, status it leads to; None = decided by the step).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "approve": (("applied",), "approved"),
    "reject": (("applied",), "rejected"),
    "deposit": (OPEN_STATUSES, None),
    "rules": (OPEN_STATUSES, None),
    "start": (("approved",), "in_progress"),
    "inspect": (("in_progress", "awaiting_acceptance"), None),
    "finish": (("in_progress",), "awaiting_acceptance"),
    "accept": (("awaiting_acceptance",), None),  # passed → accepted, failed → in_progress
    "refund": (("accepted", "cancelled"), None),  # accepted → refunded; cancelled stays
    "cancel": (("applied", "approved"), "cancelled"),
}

#: The permission of data.access.RULES each step needs.
PERMISSIONS = {
    "apply": "renovation.register", "deposit": "renovation.register",
    "rules": "renovation.register", "start": "renovation.register",
    "finish": "renovation.register", "cancel": "renovation.register",
    "approve": "renovation.approve", "reject": "renovation.approve",
    "inspect": "renovation.inspect", "accept": "renovation.accept",
    "refund": "renovation.refund",
}

#: The steps as verb phrases, for refusals ("you cannot {approve it} now").
ACTION_VERBS = {
    "approve": N_("approve it"),
    "reject": N_("reject it"),
    "deposit": N_("record its deposit"),
    "rules": N_("record that the rules were acknowledged"),
    "start": N_("record that the works started"),
    "inspect": N_("record an inspection"),
    "finish": N_("record that the works are finished"),
    "accept": N_("record its acceptance"),
    "refund": N_("refund its deposit"),
    "cancel": N_("cancel it"),
}


# --- refusals ---------------------------------------------------------------------------------


def refusal(number: str, status: str, action: str) -> str | None:
    """Why `action` is not possible for a permit in `status`, or None when it is. Screens ask
    first, so a clerk is told before typing."""
    allowed, _to = TRANSITIONS[action]
    if status in allowed:
        return None
    shown = label(STATUSES, status)
    if action == "refund":
        return _("{number} is {status}: the deposit is refunded only after the works passed "
                 "their acceptance (验收).").format(number=number, status=shown)
    return _("{number} is {status}: you cannot {action} now (possible when: {allowed}).").format(
        number=number, status=shown, action=_(ACTION_VERBS[action]),
        allowed="、".join(label(STATUSES, s) for s in allowed))


def may(action: str, staff_id: int | None = None) -> bool:
    """May the account (else the signed-in one) take this step? Screens hide what not."""
    return access.can(PERMISSIONS[action], staff_id)


# --- numbering ----------------------------------------------------------------------------------


def _prefix(day: dt.date) -> str:
    """What the permit numbers of `day` start with (ZXXK-20261127-): numbered from a counter
    row (data.numbering)."""
    return f"{NUMBER_PREFIX}-{day:%Y%m%d}-"


# --- registering --------------------------------------------------------------------------------


def _phone(text: str, field_name: str, *, required: bool) -> str:
    if not (text or "").strip():
        if required:
            raise ValidationError(field_name, _("Give the contractor's contact phone."))
        return ""
    try:
        return normalize_phone(text).number
    except ValidationError as exc:
        raise ValidationError(field_name, exc.message) from None


def _owner_of(room: Room) -> int:
    """The room's owner: a current owner (the primary contact first), else a co-owner."""
    row = (Occupancy.select(Occupancy.person)
           .where(Occupancy.room == room.id, Occupancy.end_date.is_null(),
                  Occupancy.role.in_(("owner", "co_owner")))
           .order_by((Occupancy.role == "owner").desc(), Occupancy.is_primary_contact.desc(),
                     Occupancy.id)
           .first())
    if row is None:
        raise ValidationError("applicant", _(
            "{room} has no owner on record: register the owner first (a renovation is applied "
            "for by the owner).").format(room=room.code))
    return row.person_id


def _check_applicant(person_id: int, room: Room) -> int:
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise ValidationError("applicant", _("There is no person #{id}.").format(id=person_id))
    owns = Occupancy.select().where(
        Occupancy.room == room.id, Occupancy.person == person_id, Occupancy.end_date.is_null(),
        Occupancy.role.in_(("owner", "co_owner"))).exists()
    if not owns:
        raise ValidationError("applicant", _(
            "{name} is not an owner of {room}: a renovation is applied for by the owner.").format(
            name=person.name, room=room.code))
    return person.id


def _workers(workers: list[WorkerInput]) -> list[dict]:
    if len(workers) > MAX_WORKERS:
        raise ValidationError("workers", _("At most {max} workers per permit.").format(max=MAX_WORKERS))
    out = []
    for n, worker in enumerate(workers, start=1):
        where = _("Worker {n}").format(n=n)
        try:
            name = clean_text(worker.name, "workers", max_length=60)
            if not name:
                raise ValidationError("workers", _("the name is missing."))
            phone = _phone(worker.phone, "workers", required=False)
            tail = parse_id_tail(worker.id_tail, "workers")
        except ValidationError as exc:
            raise ValidationError("workers", _("{where}: {problem}").format(
                where=where, problem=exc.message)) from None
        out.append({"name": name, "phone": phone, "id_tail": tail})
    return out


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError("end_date", _("The works end ({end}) before they start ({start}).")
                              .format(end=end, start=start))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError("end_date", _("A permit covers at most {days} days; apply again "
                                            "for the rest.").format(days=MAX_PERIOD_DAYS))


def _check_no_overlap(room: Room, start: dt.date, end: dt.date) -> None:
    other = (Renovation.select(Renovation.number, Renovation.status, Renovation.start_date,
                               Renovation.end_date)
             .where(Renovation.room == room.id, Renovation.status.in_(OPEN_STATUSES),
                    Renovation.start_date <= end, Renovation.end_date >= start)
             .first())
    if other is not None:
        raise ValidationError("start_date", _(
            "{room} already has permit {number} ({status}, {start} – {end}) for these days.").format(
            room=room.code, number=other.number, status=label(STATUSES, other.status),
            start=other.start_date, end=other.end_date))


def register(data: RenovationInput, staff_id: int | None) -> RenovationView:
    """Register an owner's application (装修申请): validated whole, numbered, its workers,
    history "apply"; nothing is saved when anything is wrong."""
    access.require(PERMISSIONS["apply"], staff_id)
    room = Room.get_or_none(Room.id == data.room_id)
    if room is None:
        raise NotFoundError(_("That room no longer exists."))
    applicant = (_owner_of(room) if data.applicant_id is None
                 else _check_applicant(data.applicant_id, room))
    contractor = clean_text(data.contractor, "contractor", max_length=100)
    if not contractor:
        raise ValidationError("contractor", _("Name the contractor (施工单位), such as 美家装饰公司."))
    contractor_phone = _phone(data.contractor_phone, "contractor_phone", required=True)
    scope = clean_text(data.scope, "scope", multiline=True, max_length=2000)
    if not isinstance(data.start_date, dt.date) or not isinstance(data.end_date, dt.date):
        raise ValidationError("start_date", _("Give the first and the last day of the works."))
    _check_period(data.start_date, data.end_date)
    workday = format_hours(parse_hours(data.workday_hours or DEFAULT_WORKDAY_HOURS, "workday_hours"))
    if not workday:
        raise ValidationError("workday_hours", _("Give the permitted hours on working days, such "
                                                 "as 08:00-12:00,14:00-18:00."))
    rest_day = format_hours(parse_hours(data.rest_day_hours, "rest_day_hours"))
    deposit = parse_amount(data.deposit, "deposit")
    workers = _workers(data.workers)
    at = clock_now()
    for attempt in range(5):
        try:
            with transaction():
                _check_no_overlap(room, data.start_date, data.end_date)
                permit = numbering.create_numbered(Renovation.number, _prefix(at.date()), 4, dict(
                    community=room.community_id, room=room.id,
                    applicant=applicant, contractor=contractor, contractor_phone=contractor_phone,
                    scope=scope, start_date=data.start_date, end_date=data.end_date,
                    workday_hours=workday, rest_day_hours=rest_day, deposit=deposit,
                    deposit_received_at=at if data.deposit_received else None,
                    deposit_received_by=staff_id if data.deposit_received else None,
                    rules_acknowledged=bool(data.rules_acknowledged),
                    rules_acknowledged_at=at if data.rules_acknowledged else None,
                    status="applied", applied_at=at, applied_by=staff_id, updated_at=at,
                ), resync=attempt > 0)
                for worker in workers:
                    RenovationWorker.create(renovation=permit.id, **worker)
                notes = [f"{data.start_date} – {data.end_date}", contractor]
                if data.deposit_received:
                    receipt = _take_deposit(permit, deposit, staff_id, at)
                    if receipt:
                        Renovation.update(deposit_receipt=receipt).where(Renovation.id == permit.id).execute()
                    notes.append(_("deposit {amount} received").format(amount=money(deposit)))
                if data.rules_acknowledged:
                    notes.append(_("rules acknowledged"))
                RenovationEvent.create(renovation=permit.id, at=at, staff=staff_id, action="apply",
                                       from_status="", to_status="applied", note=" · ".join(notes))
            return get_permit(permit.id)
        except IntegrityError:
            continue  # the number was written without the counter: resync and take the next
    raise FrontDeskError(_("Could not number the permit; please try again."))


# --- changing -----------------------------------------------------------------------------------


def _load(ref: int | str) -> Renovation:
    text = str(ref).strip()
    if text.isdigit():
        permit = Renovation.get_or_none(Renovation.id == int(text))
    else:
        permit = Renovation.get_or_none(Renovation.number == fold_code(text))
    if permit is None:
        raise NotFoundError(_("No renovation permit {ref}.").format(ref=text[:40]))
    return permit


def _change(ref: int | str, staff_id: int | None, action: str, *, note: str = "",
            expected_version: int | None = None, to_status: str | None = None,
            check=None, **fields) -> RenovationView:
    """One step: role, status, `check(permit)` for the step's own rules, field updates,
    version bump, history row — in one transaction."""
    note = clean_text(note, "note", multiline=True, max_length=2000)
    at = clock_now()
    with transaction():
        permit = _load(ref)
        access.require(PERMISSIONS[action], staff_id)
        if expected_version is not None and permit.version != expected_version:
            raise ConflictError(_(
                "{number} was changed by someone else (now version {current}, you had {seen}); "
                "look at it again before changing it.").format(
                number=permit.number, current=permit.version, seen=expected_version), permit.version)
        message = refusal(permit.number, permit.status, action)
        if message:
            raise ValidationError("status", message)
        if check is not None:
            extra = check(permit, at)
            if extra:
                fields.update(extra)
        # A step whose next status depends on the permit as read here says so through its check.
        new_status = (fields.pop("to_status", None) or to_status or TRANSITIONS[action][1]
                      or permit.status)
        rows = (Renovation.update(status=new_status, updated_at=at, version=permit.version + 1, **fields)
                .where(Renovation.id == permit.id, Renovation.version == permit.version).execute())
        if rows != 1:
            raise ConflictError(_("The permit was changed meanwhile; please try again."), permit.version)
        RenovationEvent.create(renovation=permit.id, at=at, staff=staff_id, action=action,
                               from_status=permit.status, to_status=new_status, note=note)
    return get_permit(permit.id)


def _reason(text: str, field_name: str = "reason") -> str:
    value = clean_text(text or "", field_name, multiline=True, max_length=2000)
    if not value:
        raise ValidationError(field_name, _("Give a reason."))
    return value


def approve(ref: int | str, staff_id: int | None, *, note: str = "",
            expected_version: int | None = None) -> RenovationView:
    """批准: the application is approved (leads)."""
    return _change(ref, staff_id, "approve", note=note, expected_version=expected_version,
                   approved_at=clock_now(), approved_by=staff_id)


def reject(ref: int | str, staff_id: int | None, reason: str, *,
           expected_version: int | None = None) -> RenovationView:
    """不予批准: the application is refused, with the reason (leads)."""
    reason = _reason(reason)
    return _change(ref, staff_id, "reject", note=reason, expected_version=expected_version,
                   closed_reason=reason)


def _take_deposit(permit: Renovation, amount: Decimal, staff_id: int | None, at: dt.datetime) -> str:
    """The deposit as a payment of the 装修押金 fee item on the permit's room (inside the
    step's transaction); its receipt number ("" for no deposit)."""
    from data.fees import deposits  # data.fees.values imports data.renovations: not at import time

    fen = int(Decimal(str(amount)) * 100)
    if fen <= 0:
        return ""
    payer = Person.select(Person.name).where(Person.id == permit.applicant_id).scalar() or ""
    return deposits.take_deposit(permit.room_id, fen, payer, staff_id, at)


def record_deposit(ref: int | str, staff_id: int | None, amount: Decimal | str | None = None, *,
                   expected_version: int | None = None) -> RenovationView:
    """The deposit (装修押金) was taken: when, by whom; `amount` changes it when given."""
    value = parse_amount(amount, "deposit") if amount is not None and str(amount).strip() else None

    def check(permit: Renovation, at: dt.datetime) -> dict:
        if permit.deposit_received_at is not None:
            raise ValidationError("deposit", _("The deposit of {number} was received on {when}.")
                                  .format(number=permit.number, when=f"{permit.deposit_received_at:%Y-%m-%d}"))
        if (value is not None and permit.approved_at is not None and value != Decimal(str(permit.deposit))
                and not access.can("renovation.approve", staff_id)):
            raise ValidationError("deposit", _(
                "{number} was approved with a deposit of {amount} yuan: only a lead may change it.").format(
                number=permit.number, amount=money(permit.deposit)))
        amount = value if value is not None else Decimal(str(permit.deposit))
        receipt = _take_deposit(permit, amount, staff_id, at)
        return ({"deposit": value} if value is not None else {}) | {"deposit_receipt": receipt}

    permit = _load(ref)
    shown = money(value if value is not None else permit.deposit)
    return _change(ref, staff_id, "deposit", note=_("{amount} yuan").format(amount=shown),
                   expected_version=expected_version, check=check,
                   deposit_received_at=clock_now(), deposit_received_by=staff_id)


def acknowledge_rules(ref: int | str, staff_id: int | None, *,
                      expected_version: int | None = None) -> RenovationView:
    """The owner (and contractor) signed the renovation rules (装修管理规定)."""
    def check(permit: Renovation, at: dt.datetime) -> dict:
        if permit.rules_acknowledged:
            raise ValidationError("rules", _("{number}: the rules were acknowledged already.")
                                  .format(number=permit.number))
        return {}

    return _change(ref, staff_id, "rules", expected_version=expected_version, check=check,
                   rules_acknowledged=True, rules_acknowledged_at=clock_now())


def start(ref: int | str, staff_id: int | None, *, note: str = "",
          expected_version: int | None = None) -> RenovationView:
    """The works started (进场施工): only within the period, with the deposit taken and the
    rules acknowledged. The room's state becomes 装修中 (put back after acceptance)."""
    def check(permit: Renovation, at: dt.datetime) -> dict:
        today = at.date()
        if today < permit.start_date:
            raise ValidationError("status", _("{number}: the works may start from {date}.").format(
                number=permit.number, date=permit.start_date))
        if today > permit.end_date:
            raise ValidationError("status", _(
                "{number}: the permit's period ended on {date}; register a new application.").format(
                number=permit.number, date=permit.end_date))
        if permit.deposit > 0 and permit.deposit_received_at is None:
            raise ValidationError("deposit", _(
                "{number}: take the deposit ({amount} yuan) before the works start.").format(
                number=permit.number, amount=money(permit.deposit)))
        if not permit.rules_acknowledged:
            raise ValidationError("rules", _(
                "{number}: the owner must acknowledge the renovation rules before the works start.")
                .format(number=permit.number))
        room = Room.get(Room.id == permit.room_id)
        before = permit.room_state_before
        if room.state != "renovating":
            before = room.state
            Room.update(state="renovating").where(Room.id == room.id).execute()
        return {"started_at": at, "room_state_before": before}

    return _change(ref, staff_id, "start", note=note, expected_version=expected_version, check=check)


def finish(ref: int | str, staff_id: int | None, *, note: str = "",
           expected_version: int | None = None) -> RenovationView:
    """The works are finished: the permit waits for its acceptance (待验收)."""
    return _change(ref, staff_id, "finish", note=note, expected_version=expected_version,
                   finished_at=clock_now())


def _state_after(permit: Renovation) -> str:
    """The room's state once the works are over: what it was, else from who lives there
    (as data.property derives it: 出租 with a tenant, 自住 with anyone else, else 空置)."""
    if permit.room_state_before and permit.room_state_before != "renovating":
        return permit.room_state_before
    roles = {row.role for row in Occupancy.select(Occupancy.role).where(
        Occupancy.room == permit.room_id, Occupancy.end_date.is_null())}
    if "tenant" in roles:
        return "rented"
    return "occupied" if roles else "vacant"


def accept(ref: int | str, staff_id: int | None, passed: bool, notes: str = "", *,
           expected_version: int | None = None) -> RenovationView:
    """验收: passed (the deposit may be refunded; the room's state is put back) or failed
    (what is wrong, required: back to the works to put it right)."""
    notes = clean_text(notes or "", "notes", multiline=True, max_length=2000)
    if not passed and not notes:
        raise ValidationError("notes", _("Say what failed the acceptance, so the owner can put it right."))

    def check(permit: Renovation, at: dt.datetime) -> dict:
        if passed:
            Room.update(state=_state_after(permit)).where(
                Room.id == permit.room_id, Room.state == "renovating").execute()
        return {}

    result = "passed" if passed else "failed"
    note = (_("passed") if passed else _("failed")) + (f": {notes}" if notes else "")
    return _change(ref, staff_id, "accept", note=note, expected_version=expected_version,
                   to_status="accepted" if passed else "in_progress", check=check,
                   acceptance_result=result, acceptance_notes=notes, accepted_at=clock_now(),
                   accepted_by=staff_id)


def refund(ref: int | str, staff_id: int | None, amount: Decimal | str | None = None,
           reason: str = "", *, expected_version: int | None = None) -> RenovationView:
    """退押金: the deposit back after a passed acceptance (or of a cancelled permit), in full
    (`amount` None) or with deductions, whose reason is required. The permit is closed."""
    reason = clean_text(reason or "", "reason", multiline=True, max_length=2000)
    value = parse_amount(amount, "amount") if amount is not None and str(amount).strip() else None

    def check(permit: Renovation, at: dt.datetime) -> dict:
        if permit.refunded_at is not None:
            raise ValidationError("amount", _("The deposit of {number} was refunded on {when}.")
                                  .format(number=permit.number, when=f"{permit.refunded_at:%Y-%m-%d}"))
        still_open = open_orders(permit.id)
        if still_open:
            raise ValidationError("amount", _(
                "Work order {orders} from an inspection of {number} is still open: refund the "
                "deposit once it is closed (the cost may be kept back).").format(
                    orders="、".join(still_open), number=permit.number))
        deposit = Decimal(str(permit.deposit))
        if deposit > 0 and permit.deposit_received_at is None:
            raise ValidationError("amount", _("{number}: no deposit was received, so there is "
                                              "nothing to refund.").format(number=permit.number))
        back = deposit if value is None else value
        if back > deposit:
            raise ValidationError("amount", _(
                "The refund ({amount}) is more than the deposit ({deposit}).").format(
                amount=money(back), deposit=money(deposit)))
        if back < deposit and not reason:
            raise ValidationError("reason", _(
                "Say why {deduction} yuan is kept back from the deposit.").format(
                deduction=money(deposit - back)))
        from data.fees import deposits  # not at import time (see _take_deposit)

        fen = int(back * 100)
        receipt = (deposits.refund_deposit(permit.room_id, fen, permit.number, staff_id, at)
                   if fen > 0 and permit.deposit_receipt else "")
        return {"refunded_amount": back, "refund_receipt": receipt,
                "to_status": "refunded" if permit.status == "accepted" else permit.status}

    def note_for(permit: Renovation) -> str:
        deposit = Decimal(str(permit.deposit))
        back = deposit if value is None else value
        text = _("{amount} of {deposit} yuan refunded").format(amount=money(back), deposit=money(deposit))
        return f"{text}: {reason}" if reason else text

    return _change(ref, staff_id, "refund", note=note_for(_load(ref)),
                   expected_version=expected_version, check=check, deduction_reason=reason,
                   refunded_at=clock_now(), refunded_by=staff_id)


def cancel(ref: int | str, staff_id: int | None, reason: str, *,
           expected_version: int | None = None) -> RenovationView:
    """撤销: the owner withdraws before the works start (a deposit taken is then refunded)."""
    reason = _reason(reason)
    return _change(ref, staff_id, "cancel", note=reason, expected_version=expected_version,
                   closed_reason=reason)


# --- inspections ---------------------------------------------------------------------------------


def open_orders(permit_id: int) -> list[str]:
    """The numbers of the work orders the permit's inspections opened that are not closed."""
    from data.vocab import OPEN_STATUSES as ORDER_OPEN

    rows = (WorkOrder.select(WorkOrder.id, WorkOrder.number)
            .join(RenovationInspection, on=(RenovationInspection.work_order == WorkOrder.id))
            .where(RenovationInspection.renovation == permit_id, WorkOrder.status.in_(ORDER_OPEN))
            .order_by(WorkOrder.id).distinct())  # PostgreSQL: DISTINCT's ORDER BY must be selected
    return [r.number for r in rows]


def permit_open_orders(ref: int | str, staff_id: int | None = None) -> list[str]:
    """open_orders for the screen (the acceptance's warning), by permit id or number."""
    access.require(PERMISSIONS["inspect"], staff_id)
    return open_orders(_load(ref).id)


def _inspection_order(permit: Renovation, data: InspectionInput, findings: str,
                      staff_id: int | None) -> int:
    """The work order a violation or a finding that needs a repair opens (巡查, the room)."""
    from data.workorders import OrderInput, create_order

    head = _("Renovation violation") if data.result == "violation" else _("Renovation inspection")
    first = findings.splitlines()[0] if findings else ""
    title = f"{head} {permit.number}: {first}" if first else f"{head} {permit.number}"
    title = title if len(title) <= 120 else title[:119] + "…"
    description = "\n".join((findings, _("Renovation permit {number}, room {room}.").format(
        number=permit.number, room=Room.get(Room.id == permit.room_id).code)))
    order = create_order(OrderInput(
        kind="repair", title=title, community_id=permit.community_id, room_id=permit.room_id,
        person_id=permit.applicant_id, category_id=data.category_id, priority=data.priority,
        channel="patrol", description=description), staff_id)
    return order.id


def inspect(ref: int | str, data: InspectionInput, staff_id: int | None) -> InspectionView:
    """巡查: record an inspection during the works. A warning is kept on the permit; a
    violation, or a finding that needs a repair, also opens a work order for the room,
    linked to the permit — all in one transaction."""
    if data.result not in RESULTS:
        raise ValidationError("result", _("Unknown result “{value}”: use one of {choices}.").format(
            value=str(data.result)[:20], choices="、".join(_(v) for v in RESULTS.values())))
    findings = clean_text(data.findings or "", "findings", multiline=True, max_length=2000)
    if not findings and (data.result != "ok" or data.needs_repair):
        raise ValidationError("findings", _("Say what was found."))
    at = data.at or clock_now()
    if at > clock_now() + dt.timedelta(minutes=5):
        raise ValidationError("at", _("An inspection cannot be in the future."))
    inspector_id = data.inspector_id if data.inspector_id is not None else staff_id
    if inspector_id is not None:
        inspector = Staff.get_or_none(Staff.id == inspector_id)
        if inspector is None or not inspector.active:
            raise ValidationError("inspector", _("No active staff member with id {id}.").format(
                id=inspector_id))
    # The inspector's choice stands (a violation put right on the spot needs no order);
    # left open (None), a violation opens one.
    opens = data.result == "violation" if data.needs_repair is None else data.needs_repair
    with transaction():
        permit = _load(ref)
        access.require(PERMISSIONS["inspect"], staff_id)
        message = refusal(permit.number, permit.status, "inspect")
        if message:
            raise ValidationError("status", message)
        order_id = _inspection_order(permit, data, findings, staff_id) if opens else None
        row = RenovationInspection.create(
            renovation=permit.id, at=at, inspector=inspector_id, findings=findings,
            result=data.result, needs_repair=bool(data.needs_repair), work_order=order_id,
            created_by=staff_id, created_at=clock_now())
        note = f"{label(RESULTS, data.result)}: {findings}" if findings else label(RESULTS, data.result)
        if order_id is not None:
            number = WorkOrder.select(WorkOrder.number).where(WorkOrder.id == order_id).scalar()
            note += " → " + number
        Renovation.update(version=permit.version + 1, updated_at=clock_now()).where(
            Renovation.id == permit.id).execute()
        RenovationEvent.create(renovation=permit.id, at=clock_now(), staff=staff_id,
                               action="inspect", from_status=permit.status,
                               to_status=permit.status, note=note)
    return next(i for i in _inspections(permit.id) if i.id == row.id)


# --- reading ------------------------------------------------------------------------------------


def _staff_names(ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {s.id: s.name for s in Staff.select(Staff.id, Staff.name).where(Staff.id.in_(wanted))}


def _inspections(permit_id: int) -> list[InspectionView]:
    inspector = Staff.alias()
    rows = (RenovationInspection
            .select(RenovationInspection, inspector.name.alias("inspector_name"),
                    WorkOrder.number.alias("order_number"))
            .join(inspector, JOIN.LEFT_OUTER, on=(RenovationInspection.inspector == inspector.id))
            .switch(RenovationInspection)
            .join(WorkOrder, JOIN.LEFT_OUTER, on=(RenovationInspection.work_order == WorkOrder.id))
            .where(RenovationInspection.renovation == permit_id)
            .order_by(RenovationInspection.at, RenovationInspection.id)
            .objects())
    return [InspectionView(r.id, r.at, r.inspector_name or "", r.findings, r.result,
                           bool(r.needs_repair), r.work_order_id, r.order_number or "")
            for r in rows]


def get_permit(ref: int | str, staff_id: int | None = None) -> RenovationView:
    """A permit by id or number with its workers (phones masked; ID tails only for roles that
    may see ID numbers), inspections and history."""
    permit = _load(ref)
    room = Room.get(Room.id == permit.room_id)
    community = Community.select(Community.name).where(Community.id == permit.community_id).scalar()
    applicant = (Person.select(Person.name).where(Person.id == permit.applicant_id).scalar()
                 if permit.applicant_id else None)
    names = _staff_names({permit.applied_by_id, permit.approved_by_id, permit.accepted_by_id,
                          permit.refunded_by_id, permit.deposit_received_by_id})
    see_ids = access.can("reveal.id", staff_id)  # as data.privacy: technicians see no ID numbers
    workers = tuple(
        WorkerView(w.id, w.name, mask_phone(w.phone) if w.phone else "",
                   mask_tail(w.id_tail) if see_ids and w.id_tail else None)
        for w in RenovationWorker.select().where(RenovationWorker.renovation == permit.id)
        .order_by(RenovationWorker.id))
    events = (RenovationEvent.select(RenovationEvent, Staff.name.alias("staff_name"))
              .join(Staff, JOIN.LEFT_OUTER, on=(RenovationEvent.staff == Staff.id))
              .where(RenovationEvent.renovation == permit.id)
              .order_by(RenovationEvent.at, RenovationEvent.id).objects())

    def name(staff_id_: int | None) -> str:
        return names.get(staff_id_, "") if staff_id_ is not None else ""

    return RenovationView(
        id=permit.id, number=permit.number, status=permit.status,
        community_id=permit.community_id, community=community or "", room_id=room.id,
        room=room.code, applicant_id=permit.applicant_id, applicant=applicant or "",
        contractor=permit.contractor,
        contractor_phone=mask_phone(permit.contractor_phone) if permit.contractor_phone else "",
        scope=permit.scope, start_date=permit.start_date, end_date=permit.end_date,
        workday_hours=permit.workday_hours, rest_day_hours=permit.rest_day_hours,
        deposit=Decimal(money(permit.deposit)), deposit_received_at=permit.deposit_received_at,
        deposit_received_by=name(permit.deposit_received_by_id),
        rules_acknowledged=bool(permit.rules_acknowledged),
        rules_acknowledged_at=permit.rules_acknowledged_at, applied_at=permit.applied_at,
        applied_by=name(permit.applied_by_id), approved_at=permit.approved_at,
        approved_by=name(permit.approved_by_id), started_at=permit.started_at,
        finished_at=permit.finished_at, acceptance_result=permit.acceptance_result,
        acceptance_notes=permit.acceptance_notes, accepted_at=permit.accepted_at,
        accepted_by=name(permit.accepted_by_id),
        refunded_amount=(Decimal(money(permit.refunded_amount))
                         if permit.refunded_amount is not None else None),
        deduction_reason=permit.deduction_reason, refunded_at=permit.refunded_at,
        refunded_by=name(permit.refunded_by_id), closed_reason=permit.closed_reason,
        deposit_receipt=permit.deposit_receipt, refund_receipt=permit.refund_receipt,
        version=permit.version, workers=workers, inspections=tuple(_inspections(permit.id)),
        events=tuple(EventRow(e.at, e.staff_name or "", e.action, e.from_status, e.to_status, e.note)
                     for e in events),
    )


def _row_query():
    return (Renovation
            .select(Renovation.id, Renovation.number, Renovation.status, Renovation.community,
                    Renovation.room, Renovation.contractor, Renovation.start_date,
                    Renovation.end_date, Renovation.deposit, Renovation.applied_at,
                    Renovation.workday_hours, Renovation.rest_day_hours,
                    Community.name.alias("community_name"), Room.code.alias("room_code"),
                    Person.name.alias("applicant_name"))
            .join(Room, on=(Renovation.room == Room.id))
            .switch(Renovation)
            .join(Community, on=(Renovation.community == Community.id))
            .switch(Renovation)
            .join(Person, JOIN.LEFT_OUTER, on=(Renovation.applicant == Person.id)))


def _rows(query) -> list[RenovationRow]:
    found = list(query.objects())
    ids = [r.id for r in found]
    counts: dict[tuple[int, str], int] = {}
    if ids:
        for c in (RenovationInspection
                  .select(RenovationInspection.renovation, RenovationInspection.result,
                          fn.COUNT(RenovationInspection.id).alias("n"))
                  .where(RenovationInspection.renovation.in_(ids),
                         RenovationInspection.result.in_(("warning", "violation")))
                  .group_by(RenovationInspection.renovation, RenovationInspection.result)):
            counts[(c.renovation_id, c.result)] = c.n
    return [RenovationRow(r.id, r.number, r.status, r.community_id, r.community_name or "",
                          r.room_id, r.room_code or "", r.applicant_name or "", r.contractor,
                          r.start_date, r.end_date, Decimal(money(r.deposit)),
                          counts.get((r.id, "warning"), 0), counts.get((r.id, "violation"), 0),
                          r.workday_hours, r.rest_day_hours)
            for r in found]


def list_permits(flt: RenovationFilter | None = None, *, limit: int = 50,
                 offset: int = 0) -> RenovationPage:
    """A page of the register, newest application first: `limit` rows (at most PAGE) from
    `offset`, filtered by status, community and text (room code prefix or permit number)."""
    flt = flt or RenovationFilter()
    limit = max(1, min(int(limit), PAGE))
    offset = max(0, int(offset))
    query = _row_query()
    if flt.status:
        if flt.status not in STATUSES:
            raise ValidationError("status", _("Unknown status “{value}”: use one of {choices}.").format(
                value=flt.status[:20], choices="、".join(_(v) for v in STATUSES.values())))
        query = query.where(Renovation.status == flt.status)
    if flt.community_id is not None:
        query = query.where(Renovation.community == flt.community_id)
    text = fold_code(flt.text or "").replace(" ", "")
    if text:
        if text.startswith(NUMBER_PREFIX):
            query = query.where(Renovation.number.startswith(text))
        else:
            query = query.where(Room.code.startswith(text))
    rows = _rows(query.order_by(Renovation.applied_at.desc(), Renovation.id.desc())
                 .limit(limit + 1).offset(offset))
    return RenovationPage(tuple(rows[:limit]), offset, limit, len(rows) > limit)


def rooms_under_renovation(day: dt.date, community_id: int | None = None) -> list[RenovationRow]:
    """The permits under which works may go on on `day` (approved or in progress, the day in
    their period): the rooms under renovation, by community and room."""
    query = _row_query().where(Renovation.status.in_(ACTIVE_STATUSES),
                               Renovation.start_date <= day, Renovation.end_date >= day)
    if community_id is not None:
        query = query.where(Renovation.community == community_id)
    return _rows(query.order_by(Community.name, Room.code).limit(PAGE * 5))


def room_permits(room_id: int, limit: int = 20) -> list[RenovationRow]:
    """A room's permits, newest first (for the room card)."""
    return _rows(_row_query().where(Renovation.room == room_id)
                 .order_by(Renovation.applied_at.desc(), Renovation.id.desc()).limit(limit))

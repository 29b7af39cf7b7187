"""The contract register: numbering without gaps, drafting a contract (or a quote from a
work order's cost lines, or a proposal for a prospective customer), signing, terminating,
the statuses that follow the calendar, generating the Word file, and the renewal reminders
of contracts about to end.

Every step is one function owning its transaction: the role (data.access RULES
"contract.*"), the status, the version, a history row (ContractEvent); the audit triggers
record the field changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from peewee import JOIN, fn

from data import access, audit
from data.clock import now as clock_now
from data.contracts.amounts import amount_in_words
from data.contracts.documents import builtin_template, render_docx, text_value
from data.contracts.values import (
    KINDS,
    OPEN_STATUSES,
    PAGE,
    PLACEHOLDERS,
    QUOTE_VALID_DAYS,
    RUNNING_STATUSES,
    SERIES,
    STATUSES,
    TERM_KINDS,
    ContractFilter,
    ContractInput,
    ContractPage,
    ContractRow,
    ContractView,
    EventRow,
    LineView,
    ProposalInput,
    RenderResult,
    RenewalNotice,
    money,
)
from data.db import transaction
from data.errors import ConflictError, NotFoundError, ValidationError
from data.i18n import N_, _
from data.models import (
    Call,
    Community,
    Contract,
    ContractCounter,
    ContractEvent,
    ContractTemplate,
    Lead,
    Person,
    Phone,
    Room,
    Setting,
    Staff,
    WorkOrder,
    WorkOrderHistory,
)
from data.territory import check_order_visible
from data.validators import clean_text, fold_code, fold_width, mask_phone
from data.vocab import label

#: The permission of data.access.RULES each step needs (a quote's own where it differs).
PERMISSIONS = {
    "read": "contract.read", "create": "contract.create", "quote": "contract.quote",
    "sign": "contract.sign", "terminate": "contract.terminate", "template": "contract.template",
}
#: action → (statuses it may start from, status it leads to).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "sign": (("draft",), "signed"),
    "terminate": (OPEN_STATUSES, "terminated"),
}
ACTION_VERBS = {"sign": N_("record that it was signed"), "terminate": N_("terminate it")}

#: The company_name setting (公司名称 on every document), and what documents say without it
#: (documents are in Chinese whatever the interface language).
COMPANY_SETTING = "company_name"
COMPANY_FALLBACK = "物业服务企业"
#: Words of the documents (Chinese, as the documents are).
LINE_KIND_WORDS = {"material": "材料", "labour": "人工"}
PAYER_WORDS = {"owner": "业主", "company": "公司"}
#: A contract runs at most this long.
MAX_TERM_DAYS = 366 * 10
#: How many contracts one sweep moves or reminds at most (the next run does the rest).
SWEEP_BATCH = 500


def may(action: str, staff_id: int | None = None) -> bool:
    """May the account (else the signed-in one) take this step? Screens hide what not."""
    return access.can(PERMISSIONS[action], staff_id)


def _create_permission(kind: str) -> str:
    return PERMISSIONS["quote"] if kind == "quote" else PERMISSIONS["create"]


# --- small parsers --------------------------------------------------------------------------


def parse_kind(text: str, field_name: str = "kind") -> str:
    """A kind from its code, its label in either language, or a word (车位, 家政 …)."""
    from data.contracts.values import KIND_WORDS
    from data.i18n import in_language

    value = " ".join(fold_width(text or "").split())
    words = {code: code for code in KINDS} | KIND_WORDS
    for code, message in KINDS.items():
        words[message.lower()] = code
        words[in_language(message, "zh")] = code
    found = words.get(value) or words.get(value.lower())
    if found is None:
        raise ValidationError(field_name, _("Unknown kind “{value}”: use one of {choices}.").format(
            value=value[:20], choices="、".join(_(m) for m in KINDS.values())))
    return found


def parse_status(text: str, field_name: str = "status") -> str:
    from data.contracts.values import STATUS_WORDS
    from data.i18n import in_language

    value = " ".join(fold_width(text or "").split())
    words = {code: code for code in STATUSES} | STATUS_WORDS
    for code, message in STATUSES.items():
        words[message.lower()] = code
        words[in_language(message, "zh")] = code
    found = words.get(value) or words.get(value.lower())
    if found is None:
        raise ValidationError(field_name, _("Unknown status “{value}”: use one of {choices}.").format(
            value=value[:20], choices="、".join(_(m) for m in STATUSES.values())))
    return found


def parse_money(value: Decimal | int | str | None, field_name: str = "amount") -> Decimal:
    """An amount of yuan ("12345.67", "12,345", "¥800", "800元"), 0 to MAX_AMOUNT."""
    from data.contracts.values import MAX_AMOUNT
    from data.renovations import parse_amount

    return parse_amount("" if value is None else value, field_name, maximum=MAX_AMOUNT)


def company_name() -> str:
    row = Setting.get_or_none(Setting.key == COMPANY_SETTING)
    return row.value.strip() if row is not None and row.value.strip() else COMPANY_FALLBACK


# --- numbering ----------------------------------------------------------------------------------


def _next_number(kind: str, year: int) -> str:
    """The next number of `kind`'s series in `year`; call inside the transaction that uses it.

    The counter row is updated in that transaction: on PostgreSQL the UPDATE takes the row's
    lock, so a second creator waits for the first to commit (or roll back) and then counts
    on from what it left; on SQLite the write transaction is exclusive anyway. A rolled-back
    creation gives its number back: numbers have no gaps."""
    series = SERIES[kind]
    ContractCounter.insert(series=series, year=year, last_number=0).on_conflict_ignore().execute()
    (ContractCounter.update(last_number=ContractCounter.last_number + 1)
     .where(ContractCounter.series == series, ContractCounter.year == year).execute())
    last = (ContractCounter.select(ContractCounter.last_number)
            .where(ContractCounter.series == series, ContractCounter.year == year).scalar())
    return f"{series}-{year}-{last:04d}"


# --- the other party ------------------------------------------------------------------------------


def _first_phone(person_id: int) -> str:
    row = (Phone.select(Phone.number).where(Phone.person == person_id)
           .order_by(Phone.is_primary.desc(), Phone.id).first())
    return row.number if row is not None else ""


def _party(data: ContractInput) -> dict:
    """community, room, person, party_name, party_phone of the input, checked."""
    from data.registers.common import resolve_one_room, room_people
    from data.rooms_lookup import community_id_for

    out: dict = {"community": None, "room": None, "person": None}
    room_text = (data.room or "").strip()
    if data.room_id is not None or room_text:
        ref = resolve_one_room(room_text, data.community or None, data.room_id)
        out["community"], out["room"] = ref.community_id, ref.id
        people = room_people(ref.id)
        if data.person_id is not None:
            person = Person.get_or_none(Person.id == data.person_id)
            if person is None:
                raise ValidationError("owner", _("There is no person #{id}.").format(id=data.person_id))
            out["person"] = person.id
        elif (data.owner or "").strip():
            wanted = clean_text(data.owner, "owner", max_length=60)
            match = [p for p in people if p.name == wanted]
            if not match:
                raise ValidationError("owner", _("{name} does not live in {room}: its people are {names}.").format(
                    name=wanted, room=ref.code, names="、".join(p.name for p in people) or "—"))
            out["person"] = match[0].person_id
        else:
            owners = [p for p in people if p.role in ("owner", "co_owner")] or people
            out["person"] = owners[0].person_id if owners else None
    elif data.community_id is not None:
        if not Community.select().where(Community.id == data.community_id).exists():
            raise ValidationError("community", _("No community with id {id}.").format(id=data.community_id))
        out["community"] = data.community_id
    elif (data.community or "").strip():
        from data.errors import NotFoundError as _NotFound

        try:
            out["community"] = community_id_for(data.community.strip())
        except _NotFound as exc:
            raise ValidationError("community", exc.message) from None
    if out["person"] is None and data.person_id is not None:  # a known person without a room
        if not Person.select().where(Person.id == data.person_id).exists():
            raise ValidationError("owner", _("There is no person #{id}.").format(id=data.person_id))
        out["person"] = data.person_id
    name = clean_text(data.party_name or "", "party_name", max_length=60)
    phone_text = clean_text(data.party_phone or "", "party_phone", max_length=40)
    phone = ""
    if phone_text:
        from data.registers.common import optional_phone

        phone = optional_phone(phone_text, "party_phone")
    if out["person"] is not None:
        person_name = Person.select(Person.name).where(Person.id == out["person"]).scalar()
        name = name or person_name or ""
        phone = phone or _first_phone(out["person"])
    if not name:
        if out["room"] is not None:
            raise ValidationError("owner", _("The room has no one on record: name the other party."))
        raise ValidationError("party_name", _(
            "Name the other party: give a room (its owner signs), or a name and phone."))
    out["party_name"], out["party_phone"] = name, phone
    return out


def _template_for(kind: str, template_id: int | None) -> int | None:
    """The template a new contract uses: the one named (active, of its kind), else the
    company's newest of the kind, else None (the built-in one)."""
    if template_id is not None:
        row = ContractTemplate.get_or_none(ContractTemplate.id == template_id)
        if row is None or not row.active:
            raise ValidationError("template", _("There is no template #{id}.").format(id=template_id))
        if row.kind != kind:
            raise ValidationError("template", _("Template #{id} is for {kind}, not {wanted}.").format(
                id=template_id, kind=label(KINDS, row.kind), wanted=label(KINDS, kind)))
        return row.id
    row = (ContractTemplate.select(ContractTemplate.id)
           .where(ContractTemplate.kind == kind, ContractTemplate.active == True)  # noqa: E712
           .order_by(ContractTemplate.created_at.desc(), ContractTemplate.id.desc()).first())
    return row.id if row is not None else None


def _owner_staff(staff_id: int | None, wanted: int | None) -> int | None:
    chosen = wanted if wanted is not None else staff_id
    if chosen is None:
        return None
    row = Staff.get_or_none(Staff.id == chosen)
    if row is None or not row.active:
        raise ValidationError("owner_staff", _("No active staff member with id {id}.").format(id=chosen))
    return row.id


# --- creating ---------------------------------------------------------------------------------------


def _lines(lines: list[dict]) -> list[dict]:
    out = []
    for n, line in enumerate(lines[:200], start=1):
        try:
            quantity = Decimal(str(line.get("quantity", "1")))
            price = Decimal(str(line.get("unit_price", "0")))
        except Exception:
            raise ValidationError("lines", _("Line {n}: the quantity and the price are numbers.").format(n=n)) from None
        out.append({"description": clean_text(str(line.get("description", "")), "lines", max_length=120),
                    "kind": str(line.get("kind", ""))[:12], "quantity": str(quantity),
                    "unit_price": money(price), "payer": str(line.get("payer", "owner"))[:12]})
    return out


def create_contract(data: ContractInput, staff_id: int | None, *, extra: dict | None = None) -> ContractView:
    """Draft a contract (草拟): checked whole, numbered in its series for this year, its
    history "create"; nothing is saved when anything is wrong. `extra` goes into the
    details (a proposal's interest and rooms)."""
    kind = parse_kind(data.kind)
    access.require(_create_permission(kind), staff_id)
    amount = parse_money(data.amount)
    today = clock_now().date()
    start = data.start_date
    end = data.end_date
    if kind in ("quote", "proposal"):
        start = start or today
        end = end or start + dt.timedelta(days=QUOTE_VALID_DAYS)
    if not isinstance(start, dt.date):
        raise ValidationError("start_date", _("Give the first day, such as 2027-01-01."))
    if not isinstance(end, dt.date):
        raise ValidationError("end_date", _("Give the last day, such as 2027-12-31."))
    if end < start:
        raise ValidationError("end_date", _("It ends ({end}) before it starts ({start}).").format(
            end=end, start=start))
    if (end - start).days > MAX_TERM_DAYS:
        raise ValidationError("end_date", _("A contract runs at most ten years."))
    subject = clean_text(data.subject or "", "subject", multiline=True, max_length=2000)
    party = _party(data)
    template_id = _template_for(kind, data.template_id)
    owner_staff = _owner_staff(staff_id, data.owner_staff_id)
    if data.work_order_id is not None and not WorkOrder.select().where(
            WorkOrder.id == data.work_order_id).exists():
        raise NotFoundError(_("No work order {ref}.").format(ref=data.work_order_id))
    details: dict = dict(extra or {})
    if data.lines:
        details["lines"] = _lines(data.lines)
    note = f"{label(KINDS, kind)} {money(amount)}"
    if data.lead_id is not None:
        lead_name = Lead.select(Lead.name).where(Lead.id == data.lead_id).scalar()
        if lead_name is None:
            raise ValidationError("lead", _("There is no lead #{id}.").format(id=data.lead_id))
        details["lead"] = data.lead_id
        note += " · " + _("for lead #{id} {name}").format(id=data.lead_id, name=lead_name)
    at = clock_now()
    with transaction():
        number = _next_number(kind, at.year)
        row = Contract.create(
            number=number, kind=kind, status="draft", template=template_id,
            community=party["community"], room=party["room"], person=party["person"],
            party_name=party["party_name"], party_phone=party["party_phone"],
            work_order=data.work_order_id, subject=subject,
            details=json.dumps(details, ensure_ascii=False) if details else "",
            amount=amount, start_date=start, end_date=end, owner_staff=owner_staff,
            created_by=staff_id, created_at=at, updated_at=at)
        ContractEvent.create(contract=row.id, at=at, staff=staff_id, action="create",
                             from_status="", to_status="draft", note=note)
    return get_contract(row.id, staff_id, _checked=True)


def quote_lines(order_id: int) -> list[dict]:
    """The owner-paid cost lines of a work order, as a quote lists them."""
    from data.workorders import costs

    return [{"description": c.description, "kind": c.kind, "quantity": str(c.quantity),
             "unit_price": money(c.unit_price), "payer": c.payer}
            for c in costs(order_id) if c.payer == "owner"]


def create_quote(order_id: int, staff_id: int | None, *, valid_days: int = QUOTE_VALID_DAYS,
                 subject: str = "") -> ContractView:
    """有偿维修报价单: a quote from the work order's owner-paid cost lines (fixed as they are
    now), for the order's room and person; the amount is their total."""
    order = WorkOrder.get_or_none(WorkOrder.id == order_id)
    if order is None:
        raise NotFoundError(_("No work order {ref}.").format(ref=order_id))
    check_order_visible(order, staff_id)  # a technician quotes their own or their territory's
    lines = quote_lines(order_id)
    if not lines:
        raise ValidationError("lines", _(
            "{number} has no cost lines the owner pays: add them (c on the work order) first.").format(
            number=order.number))
    total = sum((Decimal(li["quantity"]) * Decimal(li["unit_price"])).quantize(Decimal("0.01"))
                for li in lines)
    if not 1 <= int(valid_days) <= 365:
        raise ValidationError("valid_days", _("A quote is valid for 1 to 365 days."))
    today = clock_now().date()
    party_name = ""
    if order.person_id is None and order.room_id is None:
        party_name = "客户"
    with transaction():
        version = Contract.select().where(Contract.work_order == order.id, Contract.kind == "quote").count() + 1
        view = create_contract(ContractInput(
            kind="quote", amount=total, start_date=today,
            end_date=today + dt.timedelta(days=int(valid_days)), room_id=order.room_id,
            person_id=order.person_id, party_name=party_name, party_phone=order.contact_phone or "",
            subject=subject or order.title, work_order_id=order.id, lines=lines), staff_id)
        # The order's history names every quote made from it (and its version).
        current = WorkOrder.get_by_id(order.id)
        WorkOrderHistory.create(work_order=order.id, staff=staff_id, at=clock_now(), action="quote",
                                from_status=current.status, to_status=current.status,
                                note=_("{number}, version {version}: {amount} yuan").format(
                                    number=view.number, version=version, amount=money(view.amount)))
    return view


def quotes_of_order(order_id: int, staff_id: int | None = None) -> list[ContractRow]:
    """The quotes made from a work order, the newest first (for `q`: a new version, or
    open the last one)."""
    if not access.can(PERMISSIONS["quote"], staff_id):
        access.require(PERMISSIONS["read"], staff_id)
    query = (_row_query().where(Contract.work_order == order_id, Contract.kind == "quote")
             .order_by(Contract.created_at.desc(), Contract.id.desc()))
    return _rows(query)


def create_proposal(data: ProposalInput, staff_id: int | None) -> ContractView:
    """增值服务建议书 for a prospective customer (a lead: name, phone, interest, rooms of
    interest, the amount proposed), valid 30 days."""
    interest = clean_text(data.interest or "", "interest", max_length=60)
    rooms = clean_text(data.rooms or "", "rooms", max_length=200)
    subject = clean_text(data.subject or "", "subject", multiline=True, max_length=2000)
    return create_contract(ContractInput(
        kind="proposal", amount=data.amount, start_date=None, end_date=None,
        community=data.community, community_id=data.community_id, party_name=data.name,
        party_phone=data.phone, subject=subject or interest, lead_id=data.lead_id), staff_id,
        extra={"interest": interest, "rooms": rooms})


# --- changing -----------------------------------------------------------------------------------------


def _load(ref: int | str) -> Contract:
    text = str(ref).strip()
    if text.isdigit():
        row = Contract.get_or_none(Contract.id == int(text))
    else:
        row = Contract.get_or_none(Contract.number == fold_code(text))
    if row is None:
        raise NotFoundError(_("No contract {ref}.").format(ref=text[:40]))
    return row


def refusal(number: str, status: str, action: str) -> str | None:
    """Why `action` is not possible in `status`, or None when it is."""
    allowed, _to = TRANSITIONS[action]
    if status in allowed:
        return None
    return _("{number} is {status}: you cannot {action} now (possible when: {allowed}).").format(
        number=number, status=label(STATUSES, status), action=_(ACTION_VERBS[action]),
        allowed="、".join(label(STATUSES, s) for s in allowed))


def _step(row: Contract, staff_id: int | None, action: str, to_status: str, note: str,
          at: dt.datetime, **fields) -> None:
    """Move `row` (read in this transaction) to `to_status` with `fields`, history row."""
    done = (Contract.update(status=to_status, updated_at=at, version=row.version + 1, **fields)
            .where(Contract.id == row.id, Contract.version == row.version).execute())
    if done != 1:
        raise ConflictError(_("{number} was changed meanwhile; please try again.").format(
            number=row.number), row.version)
    ContractEvent.create(contract=row.id, at=at, staff=staff_id, action=action,
                         from_status=row.status, to_status=to_status, note=note)
    row.status, row.version = to_status, row.version + 1


def _check_version(row: Contract, expected: int | None) -> None:
    if expected is not None and row.version != expected:
        raise ConflictError(_(
            "{number} was changed by someone else (now version {current}, you had {seen}); look "
            "at it again before changing it.").format(number=row.number, current=row.version,
                                                     seen=expected), row.version)


def sign(ref: int | str, staff_id: int | None, signed_on: dt.date | None = None, *,
         expected_version: int | None = None) -> ContractView:
    """已签: the contract was signed (on `signed_on`, default today, not in the future). One
    whose term has begun is then in force (履行中) at once; one already over cannot be signed."""
    at = clock_now()
    today = at.date()
    day = signed_on or today
    if day > today:
        raise ValidationError("signed_on", _("A contract cannot be signed in the future."))
    with transaction():
        row = _load(ref)
        access.require(PERMISSIONS["sign"], staff_id)
        _check_version(row, expected_version)
        message = refusal(row.number, row.status, "sign")
        if message:
            raise ValidationError("status", message)
        if row.end_date < today:
            raise ValidationError("status", _(
                "{number} ended on {date}: draft a new one rather than sign this.").format(
                number=row.number, date=row.end_date))
        _step(row, staff_id, "sign", "signed", f"{day:%Y-%m-%d}", at, signed_on=day)
        if row.start_date <= today:
            _step(row, staff_id, "start", "active", "", at)
    return get_contract(row.id, staff_id, _checked=True)


def terminate(ref: int | str, staff_id: int | None, reason: str, *,
              expected_version: int | None = None) -> ContractView:
    """终止: ended before its term (or a draft abandoned), with the reason (leads)."""
    reason = clean_text(reason or "", "reason", multiline=True, max_length=2000)
    if not reason:
        raise ValidationError("reason", _("Give the reason for terminating it."))
    at = clock_now()
    with transaction():
        row = _load(ref)
        access.require(PERMISSIONS["terminate"], staff_id)
        _check_version(row, expected_version)
        message = refusal(row.number, row.status, "terminate")
        if message:
            raise ValidationError("status", message)
        _step(row, staff_id, "terminate", "terminated", reason, at, closed_reason=reason)
    return get_contract(row.id, staff_id, _checked=True)


def advance_statuses(today: dt.date | None = None) -> int:
    """Statuses that follow the calendar: a signed contract whose term began is in force,
    one whose term ended is 到期. Each move is guarded by the status it moves from, so
    several sweeps at once move each contract once. Returns how many moved."""
    today = today or clock_now().date()
    at = clock_now()
    moved = 0
    due = list(Contract.select(Contract.id, Contract.status, Contract.start_date, Contract.end_date)
               .where(Contract.status.in_(RUNNING_STATUSES),
                      (Contract.end_date < today)
                      | ((Contract.status == "signed") & (Contract.start_date <= today)))
               .order_by(Contract.id).limit(SWEEP_BATCH))
    for row in due:
        to = "expired" if row.end_date < today else "active"
        with transaction():
            done = (Contract.update(status=to, updated_at=at, version=Contract.version + 1)
                    .where(Contract.id == row.id, Contract.status == row.status).execute())
            if done == 1:
                ContractEvent.create(contract=row.id, at=at, staff=None,
                                     action="expire" if to == "expired" else "start",
                                     from_status=row.status, to_status=to, note="")
                moved += 1
    return moved


# --- the renewal reminder -------------------------------------------------------------------------------


def _recipient(row: Contract) -> Staff | None:
    """Who hears about a contract ending: the staff member responsible, else who drafted it
    (if still active), else the first active supervisor or manager."""
    for staff_id in (row.owner_staff_id, row.created_by_id):
        if staff_id is not None:
            staff = Staff.get_or_none(Staff.id == staff_id)
            if staff is not None and staff.active:
                return staff
    return (Staff.select().where(Staff.active == True, Staff.role.in_(("supervisor", "manager")))  # noqa: E712
            .order_by(Staff.id).first())


def _callback_due(at: dt.datetime, end: dt.date) -> dt.datetime:
    """The renewal call: the next morning at 10:00, not after the last day's 10:00, never
    in the past."""
    due = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(10, 0))
    due = min(due, dt.datetime.combine(end, dt.time(10, 0)))
    return max(due, at.replace(second=0, microsecond=0))


def remind_expiring(at: dt.datetime | None = None, days: int = 30) -> list[RenewalNotice]:
    """Contracts in force (or signed) ending within `days`: their responsible staff member
    is notified once per end date (a notification of kind "contract", deduplicated), and a
    renewal callback (a call to the other party with a callback due, data.calls) is put on
    their list. Claimed row by row with a guarded UPDATE, so sweeps running at once in
    several sessions remind each contract once. Returns what this run sent."""
    from data import notifications

    at = at or clock_now()
    today = at.date()
    horizon = today + dt.timedelta(days=days)
    candidates = list(
        Contract.select(Contract.id).where(
            Contract.status.in_(RUNNING_STATUSES), Contract.kind.in_(TERM_KINDS),
            Contract.end_date >= today, Contract.end_date <= horizon,
            Contract.renewal_for.is_null() | (Contract.renewal_for != Contract.end_date))
        .order_by(Contract.end_date, Contract.id).limit(SWEEP_BATCH))
    sent: list[RenewalNotice] = []
    for candidate in candidates:
        with transaction():
            row = Contract.get_or_none(Contract.id == candidate.id)
            if row is None:
                continue
            claimed = (Contract.update(renewal_for=row.end_date)
                       .where(Contract.id == row.id, Contract.status.in_(RUNNING_STATUSES),
                              Contract.renewal_for.is_null() | (Contract.renewal_for != row.end_date))
                       .execute())
            if claimed != 1:
                continue  # another sweep reminded it first
            staff = _recipient(row)
            if staff is None:
                continue
            left = (row.end_date - today).days
            room = (Room.select(Room.code).where(Room.id == row.room_id).scalar()
                    if row.room_id else "")
            title = _("Contract {number} ({kind}) with {party} {room} ends on {date} ({days} days): "
                      "call about renewing it").format(
                number=row.number, kind=label(KINDS, row.kind), party=row.party_name,
                room=room or "", date=f"{row.end_date:%Y-%m-%d}", days=left).replace("  ", " ")
            notifications.send(staff.id, "contract", title,
                               body=_("Amount {amount} yuan, {start} – {end}.").format(
                                   amount=money(row.amount), start=row.start_date, end=row.end_date),
                               entity="contract", entity_id=row.id,
                               dedupe_key=f"contract-renewal:{row.id}:{row.end_date:%Y%m%d}")
            call = Call.create(
                direction="out", number=row.party_phone or "", person=row.person_id,
                staff=staff.id, started_at=at, duration_s=0, category="callback",
                summary=_("Renewal of contract {number} ({kind}), ending {date}.").format(
                    number=row.number, kind=label(KINDS, row.kind), date=f"{row.end_date:%Y-%m-%d}"),
                outcome="callback", callback_due=_callback_due(at, row.end_date),
                callback_assignee=staff.id)
            Contract.update(renewal_call=call.id).where(Contract.id == row.id).execute()
            ContractEvent.create(contract=row.id, at=at, staff=None, action="remind",
                                 from_status=row.status, to_status=row.status,
                                 note=_("{name} notified; callback #{call}").format(
                                     name=staff.name, call=call.id))
            sent.append(RenewalNotice(row.id, row.number, row.end_date, staff.login, call.id))
    return sent


def sweep(at: dt.datetime | None = None, days: int = 30) -> tuple[int, list[RenewalNotice]]:
    """What `frontdesk remind` (and each session's background sweep) does for contracts:
    statuses that follow the calendar, then the renewal reminders. Idempotent."""
    at = at or clock_now()
    moved = advance_statuses(at.date())
    return moved, remind_expiring(at, days)


# --- reading ------------------------------------------------------------------------------------------


def _details(row: Contract) -> dict:
    if not row.details:
        return {}
    try:
        value = json.loads(row.details)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _line_views(details: dict) -> tuple[LineView, ...]:
    out = []
    for line in details.get("lines", []) or []:
        try:
            out.append(LineView(str(line.get("description", "")), str(line.get("kind", "")),
                                Decimal(str(line.get("quantity", "1"))),
                                Decimal(str(line.get("unit_price", "0"))), str(line.get("payer", ""))))
        except Exception:  # a hand-edited row: show what can be shown
            continue
    return tuple(out)


def _check_order_of(row: Contract, staff_id: int | None) -> None:
    """A document of a work order (a quote) follows the order's visibility: PermissionDenied
    unless the account may see the order (data.territory.check_order_visible)."""
    if row.work_order_id is None:
        return
    order = WorkOrder.get_or_none(WorkOrder.id == row.work_order_id)
    if order is not None:
        check_order_visible(order, staff_id)


def get_contract(ref: int | str, staff_id: int | None = None, *, _checked: bool = False) -> ContractView:
    """A contract in full, by id or number, with its history (the phone masked)."""
    row = _load(ref)
    if not _checked and not (access.can(PERMISSIONS["read"], staff_id)
                             or (row.kind == "quote" and access.can(PERMISSIONS["quote"], staff_id))):
        access.require(PERMISSIONS["read"], staff_id)
    _check_order_of(row, staff_id)
    community = (Community.select(Community.name).where(Community.id == row.community_id).scalar()
                 if row.community_id else "")
    room = Room.select(Room.code).where(Room.id == row.room_id).scalar() if row.room_id else ""
    order = (WorkOrder.select(WorkOrder.number).where(WorkOrder.id == row.work_order_id).scalar()
             if row.work_order_id else "")
    names = {s.id: s.name for s in Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_([i for i in (row.owner_staff_id, row.created_by_id) if i is not None] or [0]))}
    template = ""
    if row.template_id:
        template = ContractTemplate.select(ContractTemplate.name).where(
            ContractTemplate.id == row.template_id).scalar() or ""
    if not template:
        from data.contracts.documents import BUILTIN_NAMES

        template = _("{name} (built in)").format(name=BUILTIN_NAMES.get(row.kind, row.kind))
    events = (ContractEvent.select(ContractEvent, Staff.name.alias("staff_name"))
              .join(Staff, JOIN.LEFT_OUTER, on=(ContractEvent.staff == Staff.id))
              .where(ContractEvent.contract == row.id)
              .order_by(ContractEvent.at, ContractEvent.id).objects())
    details = _details(row)
    lead_id = details.get("lead") if isinstance(details.get("lead"), int) else None
    lead = Lead.select(Lead.name).where(Lead.id == lead_id).scalar() if lead_id is not None else None
    return ContractView(
        id=row.id, number=row.number, kind=row.kind, status=row.status, template=template,
        community=community or "", room_id=row.room_id, room=room or "", person_id=row.person_id,
        party=row.party_name, party_phone=mask_phone(row.party_phone) if row.party_phone else "",
        work_order_id=row.work_order_id, work_order=order or "", subject=row.subject,
        lines=_line_views(details), amount=Decimal(money(row.amount)), start_date=row.start_date,
        end_date=row.end_date, signed_on=row.signed_on, owner_staff_id=row.owner_staff_id,
        owner_staff=names.get(row.owner_staff_id, "") if row.owner_staff_id else "",
        closed_reason=row.closed_reason, file_name=row.file_name, file_sha256=row.file_sha256,
        rendered_at=row.rendered_at,
        created_by=names.get(row.created_by_id, "") if row.created_by_id else "",
        created_at=row.created_at, version=row.version,
        events=tuple(EventRow(e.at, e.staff_name or "", e.action, e.from_status, e.to_status, e.note)
                     for e in events),
        interest=str(details.get("interest", "")), rooms_of_interest=str(details.get("rooms", "")),
        lead_id=lead_id if lead is not None else None, lead=lead or "")


def _row_query():
    owner = Staff.alias()
    return (Contract
            .select(Contract.id, Contract.number, Contract.kind, Contract.status,
                    Contract.party_name, Contract.amount, Contract.start_date, Contract.end_date,
                    Community.name.alias("community_name"), Room.code.alias("room_code"),
                    owner.name.alias("owner_name"))
            .join(Community, JOIN.LEFT_OUTER, on=(Contract.community == Community.id))
            .switch(Contract)
            .join(Room, JOIN.LEFT_OUTER, on=(Contract.room == Room.id))
            .switch(Contract)
            .join(owner, JOIN.LEFT_OUTER, on=(Contract.owner_staff == owner.id)))


def _rows(query) -> list[ContractRow]:
    return [ContractRow(r.id, r.number, r.kind, r.status, r.party_name, r.community_name or "",
                        r.room_code or "", Decimal(money(r.amount)), r.start_date, r.end_date,
                        r.owner_name or "")
            for r in query.objects()]


def _expiring_where(query, days: int, today: dt.date):
    return query.where(Contract.status.in_(RUNNING_STATUSES), Contract.kind.in_(TERM_KINDS),
                       Contract.end_date >= today,
                       Contract.end_date <= today + dt.timedelta(days=days))


def list_contracts(flt: ContractFilter | None = None, *, limit: int = 50, offset: int = 0,
                   staff_id: int | None = None) -> ContractPage:
    """A page of the register, newest first (ending soonest first when only the expiring are
    asked for): filtered by status, kind, expiring within N days and text (the number's
    beginning, the party's name, the room code's beginning)."""
    access.require(PERMISSIONS["read"], staff_id)
    flt = flt or ContractFilter()
    limit = max(1, min(int(limit), PAGE))
    offset = max(0, int(offset))
    query = _row_query()
    if flt.status:
        query = query.where(Contract.status == parse_status(flt.status))
    if flt.kind:
        query = query.where(Contract.kind == parse_kind(flt.kind))
    if flt.expiring_days is not None:
        days = int(flt.expiring_days)
        if not 0 <= days <= 3660:
            raise ValidationError("days", _("Give the days ahead, from 0 to 3660."))
        query = _expiring_where(query, days, clock_now().date())
    text = clean_text(flt.text or "", "text", max_length=60)
    if text:
        code = fold_code(text).replace(" ", "")
        if code[:2] in set(SERIES.values()) and (len(code) == 2 or code[2:3] == "-"):
            query = query.where(Contract.number.startswith(code))
        else:
            query = query.where(Contract.party_name.contains(text) | Room.code.startswith(code))
    if flt.expiring_days is not None:
        query = query.order_by(Contract.end_date, Contract.id)
    else:
        query = query.order_by(Contract.created_at.desc(), Contract.id.desc())
    rows = _rows(query.limit(limit + 1).offset(offset))
    return ContractPage(tuple(rows[:limit]), offset, limit, len(rows) > limit)


def expiring(days: int = 30, *, staff_id: int | None = None, limit: int = PAGE) -> list[ContractRow]:
    """Contracts in force (or signed) ending within `days` days, the soonest first."""
    return list(list_contracts(ContractFilter(expiring_days=days), limit=limit, staff_id=staff_id).rows)


def status_counts(staff_id: int | None = None) -> dict[str, int]:
    """How many contracts are in each status."""
    access.require(PERMISSIONS["read"], staff_id)
    return {r.status: r.n for r in Contract.select(Contract.status, fn.COUNT(Contract.id).alias("n"))
            .group_by(Contract.status)}


# --- the document -------------------------------------------------------------------------------------


def _day(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 2, 1.5 (PostgreSQL gives 1.50, SQLite 1.5)


def context_of(view: ContractView, staff_id: int | None = None) -> dict[str, object]:
    """The values a template is rendered with: every placeholder, as text (see
    `documents.text_value`); 明细 as rows of text. The party's phone is in full only for
    an account that may reveal numbers (`render_contract` records that as a reveal)."""
    from data.i18n import in_language

    rows = [{"序号": str(n), "项目": text_value(li.description),
             "类别": LINE_KIND_WORDS.get(li.kind, text_value(li.kind)),
             "数量": _number_text(li.quantity), "单价": money(li.unit_price), "金额": money(li.amount),
             "付款方": PAYER_WORDS.get(li.payer, text_value(li.payer))}
            for n, li in enumerate(view.lines, start=1)]
    raw_phone = Contract.select(Contract.party_phone).where(Contract.id == view.id).scalar() or ""
    if raw_phone and not access.can("reveal.phone", staff_id):
        raw_phone = mask_phone(raw_phone)
    values: dict[str, object] = {
        "业主姓名": view.party, "联系电话": raw_phone, "房号": view.room, "小区": view.community,
        "金额": money(view.amount), "金额大写": amount_in_words(view.amount),
        "合同编号": view.number, "合同类型": in_language(KINDS[view.kind], "zh"),
        "开始日期": _day(view.start_date), "结束日期": _day(view.end_date),
        "签订日期": _day(view.signed_on or clock_now().date()), "公司名称": company_name(),
        "服务内容": view.subject, "工单编号": view.work_order, "意向": view.interest,
        "意向房源": view.rooms_of_interest, "负责人": view.owner_staff,
    }
    context = {key: text_value(values.get(key, "")) for key in PLACEHOLDERS if key != "明细"}
    context["明细"] = rows
    return context


def template_bytes_of(row: Contract) -> bytes:
    if row.template_id:
        content = ContractTemplate.select(ContractTemplate.content).where(
            ContractTemplate.id == row.template_id).scalar()
        if content is not None:
            return bytes(content)
    return builtin_template(row.kind)


def render_contract(ref: int | str, staff_id: int | None) -> RenderResult:
    """Generate the contract's Word file from its template into the export folder (the only
    way files leave the app, data.exports); the register keeps the file's name and sha256."""
    from data.exports import write_export

    row = _load(ref)
    access.require(_create_permission(row.kind), staff_id)
    view = get_contract(row.id, staff_id, _checked=True)  # checks the work order's visibility
    document = render_docx(template_bytes_of(row), context_of(view, staff_id))
    revealed = bool(row.party_phone) and access.can("reveal.phone", staff_id)
    path = write_export(row.number.replace("-", "_"), "docx", document)
    digest = hashlib.sha256(document).hexdigest()
    at = clock_now()
    with transaction():
        Contract.update(file_name=path.name, file_sha256=digest, rendered_at=at,
                        updated_at=at).where(Contract.id == row.id).execute()
        ContractEvent.create(contract=row.id, at=at, staff=staff_id, action="render",
                             from_status=row.status, to_status=row.status, note=path.name)
        if revealed:  # the document carries the party's phone in full, as a reveal would
            audit.record("reveal", "contract", row.id, "party_phone", staff_id=staff_id, new=path.name)
    return RenderResult(row.id, row.number, str(path), path.name, digest)

"""A lead's documents (issue 17 items 1, 4): a won lead converted in one step into a service
contract of the kind its interest calls for, and a value-added service proposal (增值服务建议书)
rendered from the lead's own data into the export folder.

The link goes both ways without a column of its own: the contract keeps the lead's id in its
details (data.contracts: the register and the contract screen show the lead), and the lead's
timeline names the contract's number (a "convert" line with the code "contract", or a
"proposal" line), which is how `reading.contracts_of` finds them. Each step is one
transaction: the contract, its number, the timeline line and the stage — or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from data import access
from data.clock import now as clock_now
from data.contracts import (
    KINDS,
    ContractInput,
    ContractView,
    ProposalInput,
    create_contract,
    create_proposal,
    get_contract,
    money,
    parse_kind,
    parse_money,
    render_contract,
)
from data.db import transaction
from data.errors import ValidationError
from data.i18n import _, in_language
from data.leads.pipeline import move_stage
from data.leads.reading import contracts_of, get_lead, lead_row, phones_of, places_of
from data.leads.timeline import event
from data.leads.values import LEAD_INTERESTS, LEAD_STAGES, LeadView
from data.models import Lead, Occupancy, Room
from data.vocab import label

#: The contract a won lead's interest calls for (车位租售 → 车位租赁, 家政保洁 → 家政服务,
#: 装修 → 装修管理服务协议); for the other interests the clerk chooses.
INTEREST_KINDS = {"parking": "parking", "cleaning": "housekeeping", "renovation": "renovation"}
#: The kinds a won lead may become (a quote comes from a work order, a proposal is `make_proposal`).
CONTRACT_KINDS = ("parking", "housekeeping", "renovation", "other")
#: Stages a proposal moves on to 已报价.
BEFORE_QUOTED = ("new", "contacted", "interested")


@dataclass(frozen=True)
class LeadDeal:
    """What a lead's document step made: the lead as it is now, the contract or proposal,
    and the Word file written (a proposal's; "" when none was)."""

    lead: LeadView
    contract: ContractView
    path: str = ""


def contract_kind_for(interest: str) -> str | None:
    """The kind of contract a lead's interest calls for, or None when the clerk chooses."""
    return INTEREST_KINDS.get(interest)


def one_year(start: dt.date) -> dt.date:
    """The last day of a one-year term from `start`."""
    try:
        return start.replace(year=start.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def _interest_words(interest: str) -> str:
    """The interest as the documents say it (in Chinese, whatever the interface language)."""
    return in_language(LEAD_INTERESTS.get(interest, "") or interest, "zh") if interest else ""


def default_subject(lead_id: int, interest: str, note: str) -> str:
    """服务内容 of a lead's contract or proposal: the parking spaces it takes (a lease), else
    the first line of what the lead wants, else its interest."""
    places = places_of(lead_id)
    if interest == "parking":
        spaces = [p.code for p in places if p.kind == "parking"]
        if spaces:
            return "、".join(spaces)
    first = next((line.strip() for line in (note or "").splitlines() if line.strip()), "")
    return first[:200] or _interest_words(interest)


def _choices() -> str:
    return "、".join(label(KINDS, k) for k in CONTRACT_KINDS)


def _room_of(lead: Lead) -> int | None:
    """The room the lead's person lives in now: one of its rooms of interest (the room it
    took as a tenant), else one in its community, else their first."""
    if lead.person_id is None:
        return None
    rows: list[tuple[int, int]] = list(
        Occupancy.select(Occupancy.room, Room.community)
        .join(Room, on=(Occupancy.room == Room.id))
        .where(Occupancy.person == lead.person_id, Occupancy.end_date.is_null())
        .order_by(Occupancy.id).tuples())
    if not rows:
        return None
    wanted = {p.id for p in places_of(lead.id) if p.kind == "room"}
    for room, _community in rows:
        if room in wanted:
            return room
    for room, community in rows:
        if community == lead.community_id:
            return room
    return rows[0][0]


def _amount(value: Decimal | str | None, budget: Decimal | None, lead_id: int, *,
            required: bool) -> Decimal:
    if value is not None and str(value).strip():
        return parse_money(value, "amount")
    if budget is not None:
        return parse_money(budget, "amount")
    if required:
        raise ValidationError("amount", _("Lead #{id} has no budget: give the contract's amount.").format(
            id=lead_id))
    return Decimal("0.00")


def contract_refusal(lead_id: int) -> str | None:
    """Why this lead cannot become a contract now (it is not won), or None when it can."""
    lead = lead_row(lead_id)
    if lead.stage != "won":
        return _("Lead #{id} is {stage}: only a won lead (成交) becomes a contract.").format(
            id=lead.id, stage=label(LEAD_STAGES, lead.stage))
    return None


def convert_to_contract(lead_id: int, staff_id: int, *, kind: str | None = None,
                        amount: Decimal | str | None = None, start: dt.date | None = None,
                        end: dt.date | None = None, subject: str | None = None,
                        template_id: int | None = None) -> LeadDeal:
    """A won lead becomes a contract (草拟), in one step: of `kind` (default: the one its
    interest calls for — 车位租赁, 家政服务, 装修管理服务协议; other interests must say), the
    lead as its party (its person and room when it is a known person or became a tenant),
    `amount` (default: its budget), from `start` (today) to `end` (a year), `subject`
    (default: its parking spaces or what it wants). The contract keeps the lead; the lead's
    timeline names the contract. A lead that is not won is refused, and so is a second
    contract of the same kind while the first is not terminated."""
    access.require("lead.manage", staff_id)
    with transaction():
        lead = lead_row(lead_id)
        refusal = contract_refusal(lead_id)
        if refusal:
            raise ValidationError("stage", refusal)
        if kind is not None and kind.strip():
            code = parse_kind(kind, "kind")
            if code not in CONTRACT_KINDS:
                raise ValidationError("kind", _("A won lead becomes a service contract: {choices}.").format(
                    choices=_choices()))
        else:
            found = contract_kind_for(lead.interest)
            if found is None:
                raise ValidationError("kind", _("Lead #{id} wants {interest}: choose the contract — {choices}.").format(
                    id=lead.id, interest=label(LEAD_INTERESTS, lead.interest), choices=_choices()))
            code = found
        for row in contracts_of(lead_id):
            if row.kind == code and row.status != "terminated":
                raise ValidationError("kind", _(
                    "Lead #{id} has {number} already ({kind}); terminate it before drafting another.").format(
                    id=lead.id, number=row.number, kind=label(KINDS, row.kind)))
        value = _amount(amount, lead.budget, lead.id, required=True)
        first = start or clock_now().date()
        last = end or one_year(first)
        room = _room_of(lead)
        phones = phones_of(lead_id)
        text = subject if subject is not None and subject.strip() else default_subject(
            lead_id, lead.interest, lead.note)
        contract = create_contract(ContractInput(
            kind=code, amount=value, start_date=first, end_date=last, room_id=room,
            # A company's lead: the company is the party (the lead's name is its contact).
            person_id=lead.person_id,
            party_name=lead.company or ("" if lead.person_id is not None else lead.name),
            party_phone=phones[0] if phones else "",
            community_id=lead.community_id if room is None else None, subject=text,
            template_id=template_id, lead_id=lead.id), staff_id)
        at = clock_now()
        values: dict = {"updated_at": at, "version": Lead.version + 1}
        if not lead.converted_to:
            values.update(converted_to="contract", converted_at=at)
        Lead.update(**values).where(Lead.id == lead_id).execute()
        event(lead_id, staff_id, "convert", code="contract", to_value=contract.number,
              note=label(KINDS, code))
    return LeadDeal(get_lead(lead_id), contract)


def make_proposal(lead_id: int, staff_id: int, *, amount: Decimal | str | None = None,
                  subject: str | None = None, to_quoted: bool = True) -> LeadDeal:
    """增值服务建议书 for a lead, rendered into the export folder: the built-in proposal (or
    the company's own) filled with the lead's name, its phone in full (the document goes to
    the lead; writing it out is recorded in the audit trail as a reveal), its interest, rooms
    of interest and `amount` (default: its budget). The lead's timeline names it, and a lead
    before 已报价 moves there unless `to_quoted` is False. A lost lead gets none."""
    from data import audit

    access.require("lead.manage", staff_id)
    with transaction():
        lead = lead_row(lead_id)
        if lead.stage == "lost":
            raise ValidationError("stage", _(
                "Lead #{id} is lost: < reopens it before a proposal is made.").format(id=lead.id))
        value = _amount(amount, lead.budget, lead.id, required=False)
        phones = phones_of(lead_id)
        rooms = "、".join(p.code for p in places_of(lead_id))
        text = subject if subject is not None and subject.strip() else default_subject(
            lead_id, lead.interest, lead.note)
        contract = create_proposal(ProposalInput(
            name=lead.name, phone=phones[0] if phones else "", interest=_interest_words(lead.interest),
            rooms=rooms, amount=value, subject=text, community_id=lead.community_id,
            lead_id=lead.id), staff_id)
        if phones:
            audit.record("reveal", "lead", lead.id, "phones", new=contract.number, staff_id=staff_id)
        event(lead_id, staff_id, "proposal", to_value=contract.number,
              note=_("{amount} yuan").format(amount=money(value)))
        if to_quoted and lead.stage in BEFORE_QUOTED:
            move_stage(lead, "quoted", staff_id)
        else:
            Lead.update(updated_at=clock_now(), version=Lead.version + 1).where(Lead.id == lead_id).execute()
        result = render_contract(contract.id, staff_id)  # last: a failure leaves nothing behind
    return LeadDeal(get_lead(lead_id), get_contract(contract.id, staff_id, _checked=True), result.path)

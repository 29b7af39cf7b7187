"""The values of leads: their vocabularies (sources, interests, stages, lost reasons, contact
channels), what a form or the CLI gives (`LeadInput`, `LeadFilter`), what screens get back
(`LeadRow`, `LeadView`, `TimelineRow`, `LeadPage`), and the parsers of what was typed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _, in_language
from data.validators import fold_width

#: Where a lead came from (来电, 到访, 转介绍, 线上, 业主推荐 naming the referring owner).
LEAD_SOURCES = {
    "phone": N_("Called in"),
    "visit": N_("Walked in"),
    "referral": N_("Referral"),
    "online": N_("Online"),
    "owner": N_("Owner referral"),
}
#: What the lead wants.
LEAD_INTERESTS = {
    "rent": N_("Renting a home"),
    "buy": N_("Buying a home"),
    "parking": N_("Parking space to rent or buy"),
    "cleaning": N_("Housekeeping and cleaning"),
    "renovation": N_("Renovation"),
    "letting": N_("Letting on the owner's behalf"),
    "shop": N_("Shop letting"),
    "other": N_("Other need"),
}
#: The pipeline, in order; a lead ends won or lost.
LEAD_STAGES = {
    "new": N_("New lead"),
    "contacted": N_("Contacted"),
    "interested": N_("Interested"),
    "quoted": N_("Quoted"),
    "won": N_("Won"),
    "lost": N_("Lost"),
}
#: Short names of the stages (and of "every open stage") where a line holds them all at
#: 80 columns: the leads screen's stage strip, the funnel's column headers.
STAGE_SHORT = {
    "open": N_("Active"),
    "new": N_("Fresh"),
    "contacted": N_("Reached"),
    "interested": N_("Keen"),
    "quoted": N_("Quoted"),
    "won": N_("Won"),
    "lost": N_("Lost"),
}
#: The stages a lead moves through with `>` (lost is beside them).
PIPELINE = ("new", "contacted", "interested", "quoted", "won")
OPEN_STAGES = ("new", "contacted", "interested", "quoted")
CLOSED_STAGES = ("won", "lost")
#: Why a lead was lost.
LOST_REASONS = {
    "price": N_("Price too high"),
    "elsewhere": N_("Chose someone else"),
    "place": N_("Nothing suitable on offer"),
    "no_need": N_("No longer needed"),
    "unreachable": N_("Could not be reached"),
    "timing": N_("Bad timing"),
    "other": N_("Another reason"),
}
#: How a lead was contacted (every contact goes into its timeline).
CONTACT_CHANNELS = {
    "call": N_("Phone call"),
    "visit": N_("In person"),
    "message": N_("SMS or WeChat"),
    "note": N_("Note only"),
}
#: The lines of a lead's timeline.
EVENT_KINDS = {
    "create": N_("Lead created"),
    "stage": N_("Stage changed"),
    "contact": N_("Contact"),
    "assign": N_("Owner set"),
    "followup": N_("Follow-up set"),
    "convert": N_("Converted"),
    "edit": N_("Edited"),
    "proposal": N_("Proposal"),
}
#: How the owner of a lead was chosen.
ASSIGNED_BY = {
    "interest": N_("by the interest rule"),
    "round_robin": N_("in turn among the community's desk"),
    "hand": N_("by hand"),
    "creator": N_("to whoever took it"),
}
#: What a won lead became.
CONVERTED_TO = {
    "tenant": N_("a tenant"),
    "parking": N_("a parking space holder"),
    "work_order": N_("a paid work order"),
    "contract": N_("a contract"),
}

#: The fields an edit line of the timeline names (its note: the codes, comma-separated).
EDITED_FIELDS = {
    "name": N_("Name"), "company": N_("Company"), "source": N_("Source"),
    "referrer": N_("Referred by"), "interest": N_("Interest"), "budget": N_("Budget"),
    "community": N_("Community"), "note": N_("Note"), "phones": N_("Phones"),
    "places": N_("Rooms and spaces"),
}

#: Words people type for the codes (Chinese as said at the desk), besides the labels.
SOURCE_WORDS = {"来电": "phone", "电话": "phone", "到访": "visit", "来访": "visit",
                "转介绍": "referral", "介绍": "referral", "线上": "online", "网络": "online",
                "业主推荐": "owner", "推荐": "owner"}
INTEREST_WORDS = {"租房": "rent", "买房": "buy", "购房": "buy", "车位": "parking",
                  "车位租售": "parking", "家政": "cleaning", "保洁": "cleaning",
                  "家政保洁": "cleaning", "装修": "renovation", "托管": "letting",
                  "房屋托管": "letting", "商铺": "shop", "商铺招商": "shop", "招商": "shop",
                  "其他": "other"}
STAGE_WORDS = {"新线索": "new", "已联系": "contacted", "有意向": "interested",
               "已报价": "quoted", "成交": "won", "流失": "lost"}
REASON_WORDS = {"价格": "price", "价格不合适": "price", "选择他家": "elsewhere",
                "房源不合适": "place", "不需要": "no_need", "联系不上": "unreachable",
                "时间不合适": "timing", "其他": "other"}
CHANNEL_WORDS = {"电话": "call", "来电": "call", "去电": "call", "面谈": "visit",
                 "到访": "visit", "上门": "visit", "短信": "message", "微信": "message",
                 "备注": "note"}

#: Leads a list shows at most at once (a page; the next one continues after the last row).
LEAD_PAGE = 100
#: The largest budget stored (DecimalField max_digits=12, 2 places): under 10 000 000 000 yuan.
MAX_BUDGET = Decimal("9999999999.99")
#: Rooms and parking spaces one lead may be interested in.
MAX_PLACES = 20
#: Phones one lead may have.
MAX_PHONES = 5
#: A follow-up's calendar task reminds its owner this many minutes before it is due.
FOLLOWUP_REMINDER_MINUTES = 15


def code_of(value: str, codes: dict[str, str], words: dict[str, str], field_name: str) -> str:
    """The code of what was typed: the code itself, its English or Chinese label, or a word
    of `words`; a ValidationError on `field_name` lists the choices."""
    text = " ".join(fold_width(value or "").split())
    table = {code: code for code in codes}
    for code, message in codes.items():
        table[message.lower()] = code
        table[in_language(message, "zh")] = code
    table.update(words)
    found = table.get(text) or table.get(text.lower())
    if found is None:
        choices = "、".join(in_language(message, "zh") for message in codes.values())
        raise ValidationError(field_name, _("Unknown value “{value}”: use one of {choices}.").format(
            value=text[:30], choices=choices))
    return found


_BUDGET_RE = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>万|千|k|w)?")


def parse_budget(text: str | Decimal | None, field_name: str = "budget") -> Decimal | None:
    """A budget in yuan: "3500", "3,500", "¥3500元", "1.2万" (12 000); "" is none. Refused:
    negative, not a number, more than MAX_BUDGET."""
    if isinstance(text, Decimal):
        value: Decimal | None = text
    else:
        raw = fold_width(text or "").strip().lower()
        for ch in ("¥", "￥", "元", "rmb", ",", "，", " "):
            raw = raw.replace(ch, "")
        if not raw:
            return None
        found = _BUDGET_RE.fullmatch(raw)
        if found is None:
            raise ValidationError(field_name, _(
                "Write the budget in yuan, such as 3500 or 1.2万."))
        try:
            value = Decimal(found["number"])
        except InvalidOperation:
            raise ValidationError(field_name, _(
                "Write the budget in yuan, such as 3500 or 1.2万.")) from None
        value *= {"万": 10000, "w": 10000, "千": 1000, "k": 1000}.get(found["unit"] or "", 1)
    assert value is not None
    if not value.is_finite() or value < 0:
        raise ValidationError(field_name, _("Write the budget in yuan, such as 3500 or 1.2万."))
    if value > MAX_BUDGET:
        raise ValidationError(field_name, _("A budget is at most {limit} yuan.").format(limit=MAX_BUDGET))
    return value.quantize(Decimal("0.01"))


def budget_text(value: Decimal | None) -> str:
    """A budget as shown: "3500", "12000.50", "" for none."""
    if value is None:
        return ""
    return f"{value:.2f}".removesuffix(".00")


# --- inputs ---------------------------------------------------------------------------------


@dataclass
class LeadInput:
    """What the new-lead form or `leads add` says (raw text, validated on save). `owner_id`
    None assigns by rule; `places` are room and parking-space codes of the lead's
    community (vacant ones), `room_ids` and `space_ids` places picked from a list."""

    name: str
    phones: list[str]
    source: str
    interest: str
    company: str = ""
    referrer: str = ""  # 业主推荐: the referring owner, as a phone number, #id or name
    budget: str = ""
    community_id: int | None = None
    places: str = ""
    room_ids: list[int] = field(default_factory=list)
    space_ids: list[int] = field(default_factory=list)
    note: str = ""
    owner_id: int | None = None
    call_id: int | None = None
    next_followup: dt.datetime | None = None
    #: The known person the clerk links the lead to (one of those its phones match); with
    #: None, `link_known` links the only person the phones match, if there is just one.
    person_id: int | None = None
    link_known: bool = True


@dataclass(frozen=True)
class LeadFilter:
    """What a list shows: one stage ("open": every open stage; None: all), and the filters
    (source, interest, owner, community, a text: name, company, phone digits or note)."""

    stage: str | None = "open"
    source: str | None = None
    interest: str | None = None
    owner_id: int | None = None
    community_id: int | None = None
    text: str = ""
    due_only: bool = False  # follow-up due by the end of today


# --- what screens get ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownPerson:
    """A known person a lead's phone belongs to (an owner, a tenant …), with their rooms."""

    id: int
    name: str
    number: str
    rooms: tuple[str, ...] = ()

    def text(self) -> str:
        rooms = " ".join(self.rooms[:3])
        return f"{self.name} {rooms}".strip()


@dataclass(frozen=True)
class Place:
    """A room or a parking space a lead is interested in."""

    kind: str  # room | parking
    id: int
    code: str
    community: str
    state: str  # a room's state (data.vocab.ROOM_STATES); "vacant" or "held" for a space
    area_m2: Decimal | None = None


@dataclass(frozen=True)
class LeadRow:
    """One lead in a list."""

    id: int
    name: str
    company: str
    phone: str  # the first, normalised (screens mask it)
    source: str
    interest: str
    stage: str
    owner_id: int | None
    owner: str
    community: str
    next_followup: dt.datetime | None
    budget: Decimal | None
    created_at: dt.datetime
    person_id: int | None

    def due(self, at: dt.datetime) -> bool:
        """Is a follow-up due by the end of `at`'s day?"""
        end = dt.datetime.combine(at.date(), dt.time.max)
        return self.next_followup is not None and self.next_followup <= end

    def overdue(self, at: dt.datetime) -> bool:
        return self.next_followup is not None and self.next_followup < at

    def as_json(self) -> dict:
        return {
            "id": self.id, "name": self.name, "company": self.company, "phone": self.phone,
            "source": self.source, "interest": self.interest, "stage": self.stage,
            "owner": self.owner or None, "community": self.community or None,
            "next_followup": self.next_followup.isoformat(sep=" ", timespec="minutes")
            if self.next_followup else None,
            "budget": budget_text(self.budget) or None,
            "created_at": self.created_at.isoformat(sep=" ", timespec="minutes"),
            "person_id": self.person_id,
        }


@dataclass(frozen=True)
class TimelineRow:
    """One line of a lead's timeline."""

    at: dt.datetime
    staff: str
    kind: str
    code: str  # a contact's channel, a loss's reason, an assignment's rule, a conversion's kind
    from_value: str
    to_value: str
    note: str

    def as_json(self) -> dict:
        return {"at": self.at.isoformat(sep=" ", timespec="minutes"), "staff": self.staff or None,
                "kind": self.kind, "code": self.code or None,
                "from": self.from_value or None, "to": self.to_value or None, "note": self.note}


@dataclass(frozen=True)
class LeadContract:
    """A contract drafted for the lead (its conversion) or a proposal sent to it."""

    id: int
    number: str
    kind: str  # data.contracts.KINDS
    status: str  # data.contracts.STATUSES
    amount: Decimal
    file_name: str

    def as_json(self) -> dict:
        return {"id": self.id, "number": self.number, "kind": self.kind, "status": self.status,
                "amount": f"{self.amount:.2f}", "file": self.file_name or None}


@dataclass(frozen=True)
class LeadView:
    """A lead with everything its card shows."""

    id: int
    name: str
    company: str
    phones: tuple[str, ...]
    source: str
    referrer_id: int | None
    referrer: str
    interest: str
    budget: Decimal | None
    community_id: int | None
    community: str
    stage: str
    stage_since: dt.datetime
    lost_reason: str
    lost_note: str
    owner_id: int | None
    owner: str
    assigned_by: str
    person_id: int | None
    person: str
    next_followup: dt.datetime | None
    followup_event_id: int | None
    call_id: int | None
    note: str
    converted_to: str
    work_order_id: int | None
    work_order: str
    converted_at: dt.datetime | None
    created_by: str
    created_at: dt.datetime
    version: int
    places: tuple[Place, ...] = ()
    known: tuple[KnownPerson, ...] = ()
    timeline: tuple[TimelineRow, ...] = ()
    contracts: tuple[LeadContract, ...] = ()  # its contract and proposals, oldest first

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def contract(self) -> LeadContract | None:
        """The contract it was converted into (the newest not terminated), if any."""
        for row in reversed(self.contracts):
            if row.kind not in ("proposal", "quote") and row.status != "terminated":
                return row
        return None

    @property
    def result(self) -> str:
        """What it became, as the card says: the work order, the contract or the person."""
        if self.converted_to == "contract" and self.contract is not None:
            return self.contract.number
        return self.work_order or self.person

    def as_json(self) -> dict:
        return {
            "id": self.id, "name": self.name, "company": self.company, "phones": list(self.phones),
            "source": self.source, "referrer": self.referrer or None, "interest": self.interest,
            "budget": budget_text(self.budget) or None, "community": self.community or None,
            "stage": self.stage, "stage_since": self.stage_since.isoformat(sep=" ", timespec="minutes"),
            "lost_reason": self.lost_reason or None, "lost_note": self.lost_note or None,
            "owner": self.owner or None, "assigned_by": self.assigned_by or None,
            "person_id": self.person_id, "person": self.person or None,
            "next_followup": self.next_followup.isoformat(sep=" ", timespec="minutes")
            if self.next_followup else None,
            "call_id": self.call_id, "note": self.note,
            "converted_to": self.converted_to or None, "work_order": self.work_order or None,
            "places": [{"kind": p.kind, "code": p.code, "community": p.community, "state": p.state}
                       for p in self.places],
            "known": [{"person_id": k.id, "name": k.name, "number": k.number, "rooms": list(k.rooms)}
                      for k in self.known],
            "timeline": [t.as_json() for t in self.timeline],
            "contracts": [c.as_json() for c in self.contracts],
        }


@dataclass(frozen=True)
class LeadPage:
    """A page of a lead list: its rows and the key of the next page (None at the end)."""

    rows: tuple[LeadRow, ...]
    after: tuple | None


class DuplicateLead(FrontDeskError):
    """An open lead already has one of the phones: shown, and saved only when asked again
    (`force`). `leads` are (id, name, stage, owner) of those leads."""

    def __init__(self, leads: list[tuple[int, str, str, str]]) -> None:
        shown = "；".join(
            _("#{id} {name} ({stage}, {owner})").format(
                id=i, name=name, stage=_(LEAD_STAGES.get(stage, stage)), owner=owner or _("nobody"))
            for i, name, stage, owner in leads[:5])
        super().__init__(_("An open lead already has this phone: {leads}.").format(leads=shown))
        self.leads = leads

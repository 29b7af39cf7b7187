"""The values of proposals and contracts: kinds, statuses, the placeholders a template may
use, inputs, rows and views."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from data.i18n import N_

#: What a document is (合同类型). Quotes and proposals are numbered in series of their own.
KINDS = {
    "quote": N_("Paid-repair quote"),  # 有偿维修报价单
    "proposal": N_("Service proposal"),  # 增值服务建议书
    "renovation": N_("Renovation management agreement"),  # 装修管理服务协议
    "parking": N_("Parking space lease"),  # 车位租赁合同
    "housekeeping": N_("Housekeeping service contract"),  # 家政服务合同
    "other": N_("Other service contract"),  # 其他服务合同
}
#: A kind in a narrow list column (报价, 建议书, 装修, 车位, 家政, 其他).
KIND_SHORT = {
    "quote": N_("Quote"),
    "proposal": N_("Proposal"),
    "renovation": N_("Renovation"),
    "parking": N_("Parking"),
    "housekeeping": N_("Housekeeping"),
    "other": N_("Other"),
}
#: Words the CLI and forms take for a kind besides the codes and labels.
KIND_WORDS = {
    "报价": "quote", "报价单": "quote", "维修报价": "quote", "有偿维修报价单": "quote",
    "建议书": "proposal", "增值服务建议书": "proposal", "方案": "proposal",
    "装修": "renovation", "装修协议": "renovation", "装修管理服务协议": "renovation",
    "车位": "parking", "车位租赁": "parking", "车位租赁合同": "parking",
    "家政": "housekeeping", "保洁": "housekeeping", "家政服务": "housekeeping",
    "家政服务合同": "housekeeping", "其他": "other", "其他服务合同": "other",
}
#: The number series of each kind: HT-2027-0001 (合同), BJ-… (报价), JY-… (建议).
SERIES = {"quote": "BJ", "proposal": "JY", "renovation": "HT", "parking": "HT",
          "housekeeping": "HT", "other": "HT"}
#: Kinds that run for a term and are renewed (the expiring reminder is about these).
TERM_KINDS = ("renovation", "parking", "housekeeping", "other")

#: A contract's statuses in the order of its life: 草拟 → 已签 → 履行中 → 到期 | 终止.
STATUSES = {
    "draft": N_("Drafted"),  # 草拟
    "signed": N_("Signed"),  # 已签
    "active": N_("In force"),  # 履行中
    "expired": N_("Term ended"),  # 到期
    "terminated": N_("Terminated"),  # 终止
}
STATUS_WORDS = {"草拟": "draft", "草稿": "draft", "已签": "signed", "已签订": "signed",
                "签订": "signed", "履行中": "active", "生效": "active", "执行中": "active",
                "到期": "expired", "已到期": "expired", "终止": "terminated", "已终止": "terminated",
                "解除": "terminated"}
#: Statuses a contract can still be terminated from; and those still running.
OPEN_STATUSES = ("draft", "signed", "active")
RUNNING_STATUSES = ("signed", "active")

#: What each step is called in the history.
ACTION_LABELS = {
    "create": N_("Drafted"),
    "render": N_("Document generated"),
    "sign": N_("Signed"),
    "start": N_("In force"),
    "expire": N_("Term ended"),
    "terminate": N_("Terminated"),
    "remind": N_("Renewal reminder"),
}

#: The placeholders a template may use (`{{ 业主姓名 }}` …), with what each holds.
PLACEHOLDERS = {
    "业主姓名": N_("the other party: the owner's (or customer's) name"),
    "联系电话": N_("the other party's phone"),
    "房号": N_("the room code, such as 3-2-501"),
    "小区": N_("the community"),
    "金额": N_("the amount, such as 12345.67"),
    "金额大写": N_("the amount in Chinese capitals, such as 壹万贰仟叁佰肆拾伍元陆角柒分"),
    "合同编号": N_("the number, such as HT-2027-0001"),
    "合同类型": N_("the kind, such as 车位租赁合同"),
    "开始日期": N_("the first day, such as 2027年1月1日"),
    "结束日期": N_("the last day"),
    "签订日期": N_("the day it was signed (else today)"),
    "公司名称": N_("the company's name (the company_name setting)"),
    "服务内容": N_("what is provided, leased or quoted"),
    "工单编号": N_("the work order a quote is for"),
    "意向": N_("what a proposal's customer is interested in"),
    "意向房源": N_("the rooms or spaces a proposal is about"),
    "负责人": N_("the staff member responsible"),
    "明细": N_("the cost lines, for a table row loop: {%tr for 行 in 明细 %}"),
}
#: The fields of one cost line (`{{ 行.项目 }}` inside the loop over 明细).
LINE_FIELDS = ("序号", "项目", "类别", "数量", "单价", "金额", "付款方")
#: Attributes of jinja's `loop` a template may read inside a loop.
LOOP_FIELDS = ("index", "index0", "revindex", "revindex0", "first", "last", "length")

#: Rows a register page shows at most; what "expiring" means by default.
PAGE = 200
EXPIRING_DAYS = 30
#: The largest amount (the register's DECIMAL(12, 2)).
MAX_AMOUNT = Decimal("9999999999.99")
#: A template file's largest size, the most its parts may unpack to, and their count.
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_TEMPLATE_PARTS = 2000
#: A quote is valid this long (报价有效期) unless the form says otherwise.
QUOTE_VALID_DAYS = 30


# --- inputs ---------------------------------------------------------------------------------


@dataclass
class ContractInput:
    """A new proposal or contract as the form or `contracts new` says it (raw values,
    checked on save). The other party is a room (its owner by default, or `person_id`, or
    the owner named `owner`), else a name and phone (a lead's: `lead_id` links it)."""

    kind: str
    amount: Decimal | str
    start_date: dt.date | None
    end_date: dt.date | None
    room: str = ""
    community: str = ""
    room_id: int | None = None
    person_id: int | None = None
    owner: str = ""  # a name among the room's people, when not the owner on record
    party_name: str = ""
    party_phone: str = ""
    subject: str = ""
    template_id: int | None = None  # None: the company's own of the kind, else the built-in
    owner_staff_id: int | None = None  # the staff member responsible; None = who creates it
    work_order_id: int | None = None
    lines: list[dict] = field(default_factory=list)
    community_id: int | None = None  # the community, when there is no room (a lead's)
    lead_id: int | None = None  # the lead (潜在客户) it was drafted for (data.leads.deals)


@dataclass
class ProposalInput:
    """A value-added service proposal for a prospective customer (a lead): a plain mapping
    of name, phone, interest, rooms of interest and the amount proposed."""

    name: str
    phone: str = ""
    interest: str = ""
    rooms: str = ""
    amount: Decimal | str = "0"
    subject: str = ""
    community: str = ""
    community_id: int | None = None
    lead_id: int | None = None  # the lead it is for (data.leads.deals.make_proposal)


@dataclass
class ContractFilter:
    """What the register shows: a status, a kind, only those ending within `expiring_days`,
    and text matching the number, the party's name or the room code."""

    status: str | None = None
    kind: str | None = None
    expiring_days: int | None = None
    text: str = ""


# --- views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    """A template as lists show it: a built-in one has no id."""

    id: int | None
    kind: str
    name: str
    builtin: bool
    placeholders: tuple[str, ...]
    size: int
    sha256: str
    created_by: str
    created_at: dt.datetime | None
    active: bool = True

    @property
    def ref(self) -> str:
        """How the CLI names it: its id, or builtin:KIND."""
        return str(self.id) if self.id is not None else f"builtin:{self.kind}"

    def as_json(self) -> dict:
        return {"id": self.id, "ref": self.ref, "kind": self.kind, "name": self.name,
                "builtin": self.builtin, "placeholders": list(self.placeholders),
                "size": self.size, "sha256": self.sha256, "created_by": self.created_by or None,
                "created_at": f"{self.created_at:%Y-%m-%d %H:%M}" if self.created_at else None,
                "active": self.active}


@dataclass(frozen=True)
class LineView:
    """One cost line of a quote (明细)."""

    description: str
    kind: str
    quantity: Decimal
    unit_price: Decimal
    payer: str

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ContractRow:
    """A contract in a register list."""

    id: int
    number: str
    kind: str
    status: str
    party: str
    community: str
    room: str
    amount: Decimal
    start_date: dt.date
    end_date: dt.date
    owner_staff: str

    def days_left(self, today: dt.date) -> int:
        return (self.end_date - today).days

    def as_json(self) -> dict:
        return {"id": self.id, "number": self.number, "kind": self.kind, "status": self.status,
                "party": self.party, "community": self.community, "room": self.room,
                "amount": money(self.amount), "start": self.start_date.isoformat(),
                "end": self.end_date.isoformat(), "owner": self.owner_staff}


@dataclass(frozen=True)
class ContractPage:
    rows: tuple[ContractRow, ...]
    offset: int
    limit: int
    has_more: bool


@dataclass(frozen=True)
class EventRow:
    at: dt.datetime
    staff: str
    action: str
    from_status: str
    to_status: str
    note: str


@dataclass(frozen=True)
class ContractView:
    """A contract in full, as screens and the CLI show it (the party's phone masked)."""

    id: int
    number: str
    kind: str
    status: str
    template: str
    community: str
    room_id: int | None
    room: str
    person_id: int | None
    party: str
    party_phone: str
    work_order_id: int | None
    work_order: str
    subject: str
    lines: tuple[LineView, ...]
    amount: Decimal
    start_date: dt.date
    end_date: dt.date
    signed_on: dt.date | None
    owner_staff_id: int | None
    owner_staff: str
    closed_reason: str
    file_name: str
    file_sha256: str
    rendered_at: dt.datetime | None
    created_by: str
    created_at: dt.datetime
    version: int
    events: tuple[EventRow, ...] = ()
    interest: str = ""  # a proposal's: what the customer is interested in
    rooms_of_interest: str = ""  # a proposal's: the rooms or spaces it is about
    lead_id: int | None = None  # the lead (潜在客户) it was drafted for
    lead: str = ""  # that lead's name

    def days_left(self, today: dt.date) -> int:
        return (self.end_date - today).days

    def as_json(self) -> dict:
        def when(value: dt.datetime | None) -> str | None:
            return f"{value:%Y-%m-%d %H:%M}" if value else None

        return {
            "id": self.id, "number": self.number, "kind": self.kind, "status": self.status,
            "template": self.template, "community": self.community, "room": self.room,
            "party": self.party, "party_phone": self.party_phone,
            "work_order": self.work_order or None, "subject": self.subject,
            "lines": [{"item": li.description, "kind": li.kind, "quantity": str(li.quantity),
                       "unit_price": money(li.unit_price), "amount": money(li.amount),
                       "payer": li.payer} for li in self.lines],
            "amount": money(self.amount), "start": self.start_date.isoformat(),
            "end": self.end_date.isoformat(),
            "signed_on": self.signed_on.isoformat() if self.signed_on else None,
            "owner": self.owner_staff, "closed_reason": self.closed_reason,
            "file": self.file_name or None, "sha256": self.file_sha256 or None,
            "rendered_at": when(self.rendered_at), "created_by": self.created_by,
            "created_at": when(self.created_at), "version": self.version,
            "interest": self.interest or None, "rooms_of_interest": self.rooms_of_interest or None,
            "lead": {"id": self.lead_id, "name": self.lead} if self.lead_id is not None else None,
            "history": [{"at": when(e.at), "staff": e.staff, "action": e.action,
                         "from": e.from_status, "to": e.to_status, "note": e.note}
                        for e in self.events],
        }


@dataclass(frozen=True)
class RenderResult:
    """A document written to the export folder: where, and the hash the register keeps."""

    contract_id: int
    number: str
    path: str
    file_name: str
    sha256: str


@dataclass(frozen=True)
class RenewalNotice:
    """A contract whose renewal reminder the sweep sent: to whom, and the callback made."""

    contract_id: int
    number: str
    end_date: dt.date
    staff_login: str
    call_id: int | None


def money(value: Decimal | int | str | None) -> str:
    """An amount with two decimals whatever the backend returned ("2" on SQLite)."""
    return str(Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01")))

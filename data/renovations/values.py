"""The values of renovation permits: statuses, inputs, rows and views, and the parsers of
what was typed (amounts, permitted hours, ID tails)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from data.errors import ValidationError
from data.i18n import N_, _
from data.idnumbers import validate_id_number
from data.validators import fold_code, fold_width

#: A permit's statuses, in the order of its life (装修登记的状态).
STATUSES = {
    "applied": N_("Applied"),  # 已申请
    "approved": N_("Approved"),  # 已批准
    "in_progress": N_("Works in progress"),  # 施工中
    "awaiting_acceptance": N_("Awaiting acceptance"),  # 待验收
    "accepted": N_("Accepted"),  # 已验收
    "refunded": N_("Deposit refunded"),  # 押金已退
    "rejected": N_("Not approved"),  # 未批准
    "cancelled": N_("Withdrawn"),  # 已撤销
}
#: Words the CLI takes for a status besides the codes and labels.
STATUS_WORDS = {
    "申请": "applied", "已申请": "applied", "待审批": "applied", "批准": "approved",
    "已批准": "approved", "施工中": "in_progress", "装修中": "in_progress",
    "待验收": "awaiting_acceptance", "已验收": "accepted", "已退押金": "refunded",
    "押金已退": "refunded", "已关闭": "refunded", "驳回": "rejected", "未批准": "rejected",
    "已驳回": "rejected", "撤销": "cancelled", "已撤销": "cancelled", "已取消": "cancelled",
}
#: Permits under which works may go on (the noise rule and `rooms_under_renovation`).
ACTIVE_STATUSES = ("approved", "in_progress")
#: Permits still open: a room has at most one of these for any day.
OPEN_STATUSES = ("applied", "approved", "in_progress", "awaiting_acceptance")

#: An inspection's result (巡查结果).
RESULTS = {
    "ok": N_("In order"),  # 正常
    "warning": N_("Warning"),  # 警告
    "violation": N_("Violation"),  # 违规
}
RESULT_WORDS = {"正常": "ok", "合格": "ok", "警告": "warning", "提醒": "warning",
                "违规": "violation", "违章": "violation"}

#: What the permit's history calls each step.
ACTION_LABELS = {
    "apply": N_("Registered"),
    "approve": N_("Approved"),
    "reject": N_("Not approved"),
    "deposit": N_("Deposit received"),
    "rules": N_("Rules acknowledged"),
    "start": N_("Works started"),
    "inspect": N_("Inspected"),
    "finish": N_("Works finished"),
    "accept": N_("Acceptance"),
    "refund": N_("Deposit refunded"),
    "cancel": N_("Withdrawn"),
}

#: The permitted hours unless a permit says otherwise: 工作日 8:00–12:00 and 14:00–18:00.
DEFAULT_WORKDAY_HOURS = "08:00-12:00,14:00-18:00"
#: Rest days (weekends that are no make-up working day): no works unless a permit says so.
DEFAULT_REST_DAY_HOURS = ""

#: Rows a register page shows at most.
PAGE = 200
#: The longest renovation a permit covers.
MAX_PERIOD_DAYS = 366
#: The largest deposit stored (DecimalField max_digits=10, 2 places), and a sane cap.
MAX_DEPOSIT = Decimal("1000000.00")
#: Workers one permit lists at most.
MAX_WORKERS = 50

Window = tuple[dt.time, dt.time]


# --- inputs ---------------------------------------------------------------------------------


@dataclass
class WorkerInput:
    """A worker of the contractor as typed: name, phone, ID number or its last 4 characters."""

    name: str
    phone: str = ""
    id_tail: str = ""


@dataclass
class RenovationInput:
    """What the registration form or `renovations new` says (raw values, validated on save).
    `applicant_id` None means the room's owner (its primary contact among the owners)."""

    room_id: int
    contractor: str
    contractor_phone: str
    start_date: dt.date
    end_date: dt.date
    scope: str = ""
    applicant_id: int | None = None
    workday_hours: str = ""  # "" = DEFAULT_WORKDAY_HOURS
    rest_day_hours: str = ""  # "" = none
    deposit: Decimal | str = "0"
    deposit_received: bool = False
    rules_acknowledged: bool = False
    workers: list[WorkerInput] = field(default_factory=list)


@dataclass
class InspectionInput:
    """One inspection (巡查) as recorded: when, who, what was found and the result; a
    finding that needs a repair (or any violation) opens a work order."""

    findings: str
    result: str = "ok"  # ok | warning | violation
    at: dt.datetime | None = None  # None = now
    inspector_id: int | None = None  # None = whoever records it
    #: Open a work order? True, False (not even for a violation: the inspector's choice),
    #: None: only for a violation.
    needs_repair: bool | None = None
    category_id: int | None = None  # of the work order opened
    priority: str = "normal"


@dataclass
class RenovationFilter:
    """What a register list shows: a status, a community, and text matching the room code
    (its beginning: "3-2" finds 3-2-501) or the permit number."""

    status: str | None = None
    community_id: int | None = None
    text: str = ""


# --- views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenovationRow:
    """A permit in a register list."""

    id: int
    number: str
    status: str
    community_id: int
    community: str
    room_id: int
    room: str
    applicant: str
    contractor: str
    start_date: dt.date
    end_date: dt.date
    deposit: Decimal
    warnings: int
    violations: int
    #: The permitted hours (data.renovations.hours_today reads today's from them).
    workday_hours: str = ""
    rest_day_hours: str = ""

    def as_json(self) -> dict:
        return {"id": self.id, "number": self.number, "status": self.status,
                "community": self.community, "room": self.room, "applicant": self.applicant,
                "contractor": self.contractor, "start": self.start_date.isoformat(),
                "end": self.end_date.isoformat(), "deposit": money(self.deposit),
                "warnings": self.warnings, "violations": self.violations}


@dataclass(frozen=True)
class RenovationPage:
    """One page of the register (`limit` rows from `offset`)."""

    rows: tuple[RenovationRow, ...]
    offset: int
    limit: int
    has_more: bool


@dataclass(frozen=True)
class WorkerView:
    """A worker as lists show them: the phone masked, the ID tail only for roles that may see
    ID numbers (None otherwise)."""

    id: int
    name: str
    phone: str
    id_tail: str | None


@dataclass(frozen=True)
class InspectionView:
    id: int
    at: dt.datetime
    inspector: str
    findings: str
    result: str
    needs_repair: bool
    work_order_id: int | None
    work_order_number: str


@dataclass(frozen=True)
class EventRow:
    """One step of a permit's history."""

    at: dt.datetime
    staff: str
    action: str
    from_status: str
    to_status: str
    note: str


@dataclass(frozen=True)
class RenovationView:
    """A permit with its workers, inspections and history, as screens and the CLI show it
    (phones masked)."""

    id: int
    number: str
    status: str
    community_id: int
    community: str
    room_id: int
    room: str
    applicant_id: int | None
    applicant: str
    contractor: str
    contractor_phone: str
    scope: str
    start_date: dt.date
    end_date: dt.date
    workday_hours: str
    rest_day_hours: str
    deposit: Decimal
    deposit_received_at: dt.datetime | None
    deposit_received_by: str
    rules_acknowledged: bool
    rules_acknowledged_at: dt.datetime | None
    applied_at: dt.datetime
    applied_by: str
    approved_at: dt.datetime | None
    approved_by: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    acceptance_result: str
    acceptance_notes: str
    accepted_at: dt.datetime | None
    accepted_by: str
    refunded_amount: Decimal | None
    deduction_reason: str
    refunded_at: dt.datetime | None
    refunded_by: str
    closed_reason: str
    version: int
    workers: tuple[WorkerView, ...] = ()
    inspections: tuple[InspectionView, ...] = ()
    events: tuple[EventRow, ...] = ()
    deposit_receipt: str = ""  # the fees receipt of the deposit taken (data.fees.deposits)
    refund_receipt: str = ""  # and of its refund

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.inspections if i.result == "warning")

    @property
    def deduction(self) -> Decimal | None:
        """What was kept of the deposit (None until refunded)."""
        if self.refunded_amount is None:
            return None
        return self.deposit - self.refunded_amount

    def as_json(self) -> dict:
        def when(value: dt.datetime | None) -> str | None:
            return f"{value:%Y-%m-%d %H:%M}" if value else None

        return {
            "id": self.id, "number": self.number, "status": self.status,
            "community": self.community, "room": self.room, "applicant": self.applicant,
            "contractor": self.contractor, "contractor_phone": self.contractor_phone,
            "scope": self.scope, "start": self.start_date.isoformat(),
            "end": self.end_date.isoformat(), "workday_hours": self.workday_hours,
            "rest_day_hours": self.rest_day_hours, "deposit": money(self.deposit),
            "deposit_received_at": when(self.deposit_received_at),
            "deposit_received_by": self.deposit_received_by or None,
            "deposit_receipt": self.deposit_receipt or None, "refund_receipt": self.refund_receipt or None,
            "rules_acknowledged": self.rules_acknowledged,
            "rules_acknowledged_at": when(self.rules_acknowledged_at),
            "applied_at": when(self.applied_at), "applied_by": self.applied_by or None,
            "approved_at": when(self.approved_at), "approved_by": self.approved_by or None,
            "started_at": when(self.started_at), "finished_at": when(self.finished_at),
            "acceptance": self.acceptance_result or None,
            "acceptance_notes": self.acceptance_notes,
            "accepted_at": when(self.accepted_at), "accepted_by": self.accepted_by or None,
            "refunded_amount": money(self.refunded_amount) if self.refunded_amount is not None else None,
            "deduction_reason": self.deduction_reason,
            "refunded_at": when(self.refunded_at), "refunded_by": self.refunded_by or None,
            "closed_reason": self.closed_reason, "warnings": self.warnings,
            "version": self.version,
            "workers": [{"name": w.name, "phone": w.phone, "id_tail": w.id_tail}
                        for w in self.workers],
            "inspections": [{"at": when(i.at), "inspector": i.inspector, "result": i.result,
                             "findings": i.findings, "needs_repair": i.needs_repair,
                             "work_order": i.work_order_number or None}
                            for i in self.inspections],
            "history": [{"at": when(e.at), "staff": e.staff, "action": e.action,
                         "from": e.from_status, "to": e.to_status, "note": e.note}
                        for e in self.events],
        }


# --- parsers --------------------------------------------------------------------------------


def money(value: Decimal | int | str | None) -> str:
    """An amount with two decimals whatever the backend returned ("2" on SQLite)."""
    return str(Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01")))


_AMOUNT_JUNK = re.compile(r"[\s¥￥元]|RMB|CNY", re.IGNORECASE)
#: Plain digits with one decimal point, or thousands groups of three ("1,000.50"): no
#: exponent (1e3), underscore (1_000) or misplaced separator (1,0.5) that Decimal() takes.
_AMOUNT_RE = re.compile(r"^-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?$|^-?\.\d+$")


def strict_decimal(text: str) -> Decimal | None:
    """The number `text` writes in plain digits ("1234.5", "1,234.50", "-3"), None for anything
    else Decimal() would still take: an exponent (1e3), underscores (1_000), NaN, Infinity."""
    if not text or not text.isascii() or not _AMOUNT_RE.match(text):
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_amount(value: Decimal | int | str, field_name: str, *,
                 maximum: Decimal = MAX_DEPOSIT) -> Decimal:
    """An amount of yuan: "2000", "2,000.00", "¥2000", "2000元" (full-width digits too), at
    most two decimals, from 0 to `maximum`. ValidationError names `field_name`."""
    amount = strict_decimal(_AMOUNT_JUNK.sub("", fold_width(
        format(value, "f") if isinstance(value, Decimal) else str(value))))
    if amount is None:
        raise ValidationError(field_name, _("Give the amount in yuan, such as 2000 or 2000.00."))
    if amount < 0:
        raise ValidationError(field_name, _("The amount cannot be negative."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(field_name, _("An amount has at most two decimals (fen)."))
    if amount > maximum:
        raise ValidationError(field_name, _("At most {max} yuan.").format(max=money(maximum)))
    return amount.quantize(Decimal("0.01"))


_WINDOW_RE = re.compile(r"(\d{1,2})[:：](\d{2})\s*(?:-|~|～|–|—|至|到)\s*(\d{1,2})[:：](\d{2})")
_WINDOW_SEPARATORS = re.compile(r"[,，、;；/]+|\s{2,}")
#: Words meaning "no works at all" in an hours field.
_NONE_WORDS = ("无", "不施工", "none", "-", "—")


def parse_hours(text: str, field_name: str) -> tuple[Window, ...]:
    """Permitted hours typed as "08:00-12:00,14:00-18:00" (also "8:00~12:00、14:00至18:00",
    full-width colons); "" or 无 is none. Windows are sorted and may not overlap.
    ValidationError names `field_name`."""
    value = fold_width(text or "").strip()
    if not value or value.lower() in _NONE_WORDS:
        return ()
    example = _("Give the hours as HH:MM-HH:MM, several separated by commas, such as "
                "08:00-12:00,14:00-18:00.")
    windows: list[Window] = []
    for part in _WINDOW_SEPARATORS.split(value):
        part = part.strip()
        if not part:
            continue
        found = _WINDOW_RE.fullmatch(part)
        if not found:
            raise ValidationError(field_name, example)
        h1, m1, h2, m2 = (int(x) for x in found.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise ValidationError(field_name, example)
        begin = dt.time(h1, m1)
        end = dt.time.max if h2 == 24 else dt.time(h2, m2)
        if end <= begin:
            raise ValidationError(field_name, _("{window}: the time ends before it starts.").format(
                window=part))
        windows.append((begin, end))
    windows.sort()
    for (_b1, e1), (b2, _e2) in zip(windows, windows[1:], strict=False):
        if b2 < e1:
            raise ValidationError(field_name, _("The times overlap: {hours}.").format(hours=value))
    return tuple(windows)


def format_hours(windows: tuple[Window, ...]) -> str:
    """Windows as stored: "08:00-12:00,14:00-18:00" ("" for none)."""
    return ",".join(f"{b:%H:%M}-{'24:00' if e == dt.time.max else f'{e:%H:%M}'}"
                    for b, e in windows)


def describe_hours(workday_hours: str, rest_day_hours: str, day_kind: str | None = None) -> str:
    """The permitted hours in words: "working days 08:00-12:00, 14:00-18:00; none on rest
    days; none on public holidays" — or only those of one kind of day ("working", "rest",
    "holiday": data.renovations.day_kind)."""
    sep = _(", ")

    def shown(stored: str) -> str:
        return sep.join(stored.split(","))

    parts = {
        "working": (_("working days {hours}").format(hours=shown(workday_hours)) if workday_hours
                    else _("none on working days")),
        "rest": (_("rest days {hours}").format(hours=shown(rest_day_hours)) if rest_day_hours
                 else _("none on rest days")),
        "holiday": _("none on public holidays"),
    }
    if day_kind is not None:
        return parts[day_kind]
    return _("; ").join(parts.values())


_TAIL_RE = re.compile(r"\d{3}[\dX]")


def parse_id_tail(text: str, field_name: str) -> str:
    """The last 4 characters of an ID number, from the tail itself ("123X") or from a whole
    number (validated, only its tail kept); "" when left empty."""
    value = fold_code(text or "").replace(" ", "")
    if not value:
        return ""
    if len(value) == 4 and _TAIL_RE.fullmatch(value):
        return value
    if len(value) in (15, 18):
        try:
            return validate_id_number(value)[-4:]
        except ValidationError as exc:
            raise ValidationError(field_name, exc.message) from None
    raise ValidationError(field_name, _(
        "Give the last 4 characters of the ID number (such as 123X), or the whole number."))


def mask_tail(tail: str) -> str:
    """An ID tail as lists show ID numbers: the last 4 characters after stars."""
    return f"**************{tail}" if tail else ""

"""Money helpers of the fees (integer fen in the database, Decimal in arithmetic, rounded
half up to the fen once per bill line; amounts in words for receipts) and the plain values
the fees functions hand to screens and the CLI."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from data.contracts.amounts import amount_in_words as _yuan_in_words
from data.errors import ValidationError
from data.i18n import _
from data.renovations.values import parse_amount

FEN = Decimal("0.01")
#: The largest single payment, waiver or price (yuan) the desk may type.
MAX_AMOUNT = Decimal("10000000")


def round_fen(yuan: Decimal) -> int:
    """`yuan` rounded half up to the fen, as integer fen (the one rounding of a bill line)."""
    return int((yuan * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


#: The audit action a printed written reminder (催缴函) is recorded with (data.fees.documents).
REMIND_ACTION = "remind"


def fen_of(value: Decimal | int | str, field_name: str, *, maximum: Decimal = MAX_AMOUNT) -> int:
    """Integer fen from an amount of yuan as typed ("1,234.50", "¥20", "20元"), at most two
    decimals. ValidationError names `field_name`."""
    amount = parse_amount(value, field_name, maximum=maximum)
    return int(amount * 100)


def yuan(fen: int) -> Decimal:
    """Fen as a Decimal of yuan with two decimals."""
    return (Decimal(int(fen)) / 100).quantize(FEN)


def money_text(fen: int) -> str:
    """Fen as yuan text: 1234.56, -5.00."""
    return str(yuan(fen))


def amount_in_words(fen: int) -> str:
    """Integer fen in Chinese capitals (大写): 壹仟贰佰叁拾肆元伍角陆分, 壹万零伍元整, 壹佰元零伍分."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("amount_in_words takes integer fen")
    return _yuan_in_words(Decimal(fen) / 100)


_PERIOD_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


def parse_period(text: str, field_name: str = "period") -> str:
    """A month as "2027-01" (also 2027-1, 2027/01, 2027年1月)."""
    match = _PERIOD_RE.match(str(text or ""))
    if match is None or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2200:
        raise ValidationError(field_name, _("Give the period as a month, such as 2027-01."))
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def period_start(period: str) -> dt.date:
    """The first day of a period "2027-01"."""
    return dt.date(int(period[:4]), int(period[5:7]), 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class FeeItemRow:
    id: int
    community_id: int
    community: str
    name: str
    basis: str
    cycle: str
    active: bool

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class StandardRow:
    id: int
    item_id: int
    item: str
    room_type: str
    unit_price_fen: int
    starts_on: dt.date

    def as_json(self) -> dict:
        return {**asdict(self), "unit_price": money_text(self.unit_price_fen),
                "starts_on": self.starts_on.isoformat()}


@dataclass(frozen=True)
class BillingResult:
    """What one `bill_period` run issued."""

    period: str
    bills: int
    amount_fen: int
    buildings: int
    prepaid_used_fen: int
    missing_readings: int = 0  # metered rooms without a reading for the period (not billed)
    # Readings whose line would exceed MAX_AMOUNT ("3-1-101 水费"): not billed, to be checked.
    bad_readings: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {**asdict(self), "amount": money_text(self.amount_fen),
                "prepaid_used": money_text(self.prepaid_used_fen)}


@dataclass(frozen=True)
class BillRow:
    id: int
    room_id: int
    room: str
    item: str
    period: str
    starts_on: dt.date
    ends_on: dt.date
    payer_kind: str
    payer: str
    amount_fen: int
    paid_fen: int
    waived_fen: int
    order: str = ""  # the work order number of a paid repair (有偿维修)

    @property
    def due_fen(self) -> int:
        return self.amount_fen - self.paid_fen - self.waived_fen

    def as_json(self) -> dict:
        return {**asdict(self), "starts_on": self.starts_on.isoformat(), "ends_on": self.ends_on.isoformat(),
                "amount": money_text(self.amount_fen), "due": money_text(self.due_fen)}


@dataclass(frozen=True)
class PaymentView:
    id: int
    number: str
    community: str
    room_id: int
    room: str
    kind: str
    method: str
    reference: str
    payer_name: str
    amount_fen: int
    taken_at: dt.datetime
    reason: str = ""
    voids: str = ""  # the receipt number a void cancels
    voided_by: str = ""  # the void's receipt number, when this payment was voided
    settled: tuple[tuple[int, str, int], ...] = ()  # (bill id, "物业服务费 2027-01", fen)
    prepaid_fen: int = 0  # what went to (or, negative, came from) the prepaid balance
    invoice: str = ""  # 待开票 or 已开票 No.12345678 once an invoice was asked for

    @property
    def amount_in_words(self) -> str:
        return amount_in_words(abs(self.amount_fen))

    def as_json(self) -> dict:
        out = asdict(self)
        out.update(taken_at=self.taken_at.isoformat(sep=" ", timespec="seconds"),
                   amount=money_text(self.amount_fen), amount_in_words=self.amount_in_words,
                   settled=[{"bill": b, "what": w, "amount": money_text(a)} for b, w, a in self.settled],
                   prepaid=money_text(self.prepaid_fen))
        return out


@dataclass(frozen=True)
class WaiverView:
    id: int
    bill_id: int
    amount_fen: int
    reason: str

    def as_json(self) -> dict:
        return {**asdict(self), "amount": money_text(self.amount_fen)}


#: Ageing buckets of arrears (months since the first month a bill covers).
BUCKETS = ("0-3", "3-6", "6-12", "12+")


def bucket_of(age_months: int) -> str:
    if age_months < 3:
        return "0-3"
    if age_months < 6:
        return "3-6"
    if age_months < 12:
        return "6-12"
    return "12+"


@dataclass(frozen=True)
class ArrearsRow:
    room_id: int
    community: str
    building: str
    room: str
    owner: str
    due_fen: int
    oldest_period: str
    bucket: str  # the bucket of the oldest unpaid bill
    by_bucket: dict[str, int] = field(default_factory=dict)
    # The oldest unpaid bill is older than 2 years 6 months and no dated reminder, contact
    # or promise since (the three-year limitation is close: data.fees.collection).
    limitation: bool = False

    def as_json(self) -> dict:
        return {**asdict(self), "due": money_text(self.due_fen),
                "by_bucket": {k: money_text(v) for k, v in self.by_bucket.items()}}


@dataclass(frozen=True)
class ArrearsPage:
    rows: tuple[ArrearsRow, ...]
    total_rooms: int
    total_fen: int
    more: bool
    # (due fen, room id) of the last row: `arrears_page(after=…)` continues from there.
    next_after: tuple[int, int] | None = None


@dataclass(frozen=True)
class RateRow:
    """当期收缴率 and 清欠率 of a community (building "" ) or one of its buildings."""

    community: str
    building: str
    period: str
    cutoff: dt.date
    billed_fen: int
    collected_fen: int
    arrears_start_fen: int
    arrears_collected_fen: int

    @property
    def collection_rate(self) -> Decimal | None:
        return _ratio(self.collected_fen, self.billed_fen)

    @property
    def arrears_rate(self) -> Decimal | None:
        return _ratio(self.arrears_collected_fen, self.arrears_start_fen)

    def as_json(self) -> dict:
        out = asdict(self)
        out.update(cutoff=self.cutoff.isoformat(),
                   collection_rate=None if self.collection_rate is None else str(self.collection_rate),
                   arrears_rate=None if self.arrears_rate is None else str(self.arrears_rate))
        return out


def _ratio(part: int, whole: int) -> Decimal | None:
    """A percentage with two decimals (half up), None when there is nothing to divide by."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Statement:
    """A room's account: bills and payments newest first, what is due and the prepaid balance."""

    room_id: int
    room: str
    community: str
    bills: tuple[BillRow, ...]
    payments: tuple[PaymentView, ...]
    due_fen: int
    prepaid_fen: int

    def as_json(self) -> dict:
        return {"room_id": self.room_id, "room": self.room, "community": self.community,
                "due": money_text(self.due_fen), "prepaid": money_text(self.prepaid_fen),
                "bills": [b.as_json() for b in self.bills],
                "payments": [p.as_json() for p in self.payments]}


def rate_bar(rate: Decimal | None, width: int = 20) -> str:
    """A percentage as a bar of block characters `width` cells wide (eighths for the last
    cell; over 100 % is drawn full), an empty track when there is no rate."""
    if rate is None:
        return "·" * width
    eighths = int(min(max(rate, Decimal(0)), Decimal(100)) * width * 8 / 100)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return bar + "·" * (width - len(bar))


def rate_text(rate: Decimal | None) -> str:
    """"85.2%" (one decimal), "—" when there is nothing to divide by."""
    return "—" if rate is None else f"{rate.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"

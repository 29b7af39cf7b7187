"""Late fees (滞纳金; issue 18 item 3): off unless a community turns them on with a daily rate
(such as 0.0005, 万分之五 a day) from a start date. When on, each `bill_period` run issues
per room one 滞纳金 line for the previous month: for every bill of the room overdue in that
month (an unpaid balance past its due date, the last day of the bill's period month), the
rate × the balance still unpaid × the days it was overdue within that month and not before
the start date, summed and rounded half up to the fen once per line. Late fees themselves
bear none. A rerun issues nothing new (one line per room and month)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from peewee import fn

from data import access
from data.clock import now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.items import builtin_item
from data.fees.values import add_months, period_start
from data.i18n import _
from data.models import Bill, Community, Occupancy, Room, Setting
from data.renovations.values import strict_decimal
from data.validators import fold_width

#: The setting holding each community's late-fee terms: "JX=0.0005@2027-01-01, HY=…"
#: (community code, daily rate, first day); a community not named has none.
LATE_FEE_SETTING = "fee_late_fee"
#: The item's name on bills and statements.
LATE_FEE_ITEM = "滞纳金"
#: The highest daily rate accepted (1 % a day is already far beyond what courts uphold).
MAX_RATE = Decimal("0.01")
#: The lowest daily rate accepted (0.001 % a day): anything below is a typing slip, not terms.
MIN_RATE = Decimal("0.00001")
#: The most decimals a daily rate may have (0.000123).
RATE_DECIMALS = 6


def daily_rate_text(rate: Decimal) -> str:
    """A daily rate in fixed point without trailing zeros ("0.0005"), never an exponent ("5E-4")."""
    text = format(rate, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class LateFeeTerms:
    community_id: int
    community: str
    rate: Decimal
    starts_on: dt.date

    @property
    def rate_text(self) -> str:
        return daily_rate_text(self.rate)

    def as_json(self) -> dict:
        return {"community": self.community, "rate": self.rate_text, "from": self.starts_on.isoformat()}


def _parse(value: str) -> dict[str, tuple[Decimal, dt.date]]:
    out: dict[str, tuple[Decimal, dt.date]] = {}
    for part in value.replace("，", ",").split(","):
        code, sep, terms = part.partition("=")
        rate, sep2, day = terms.partition("@")
        if not (sep and sep2):
            continue
        try:
            out[code.strip()] = (Decimal(rate.strip()), dt.date.fromisoformat(day.strip()))
        except (InvalidOperation, ValueError):
            continue
    return out


def _stored() -> dict[str, tuple[Decimal, dt.date]]:
    row = Setting.get_or_none(Setting.key == LATE_FEE_SETTING)
    return _parse(row.value) if row is not None else {}


def late_fee_terms(community_id: int) -> LateFeeTerms | None:
    """A community's late-fee terms, None when late fees are off (the default)."""
    community = Community.get_or_none(Community.id == community_id)
    if community is None:
        return None
    found = _stored().get(community.code)
    if found is None:
        return None
    return LateFeeTerms(community.id, community.name, found[0], found[1])


def set_late_fee(community_id: int, rate: str | None, starts_on: dt.date | None = None,
                 staff_id: int | None = None) -> LateFeeTerms | None:
    """Turn a community's late fees on (a daily rate from a first day) or off (rate None).
    Supervisors only. Returns the terms now in force."""
    access.require("fees.manage", staff_id)
    community = Community.get_or_none(Community.id == community_id)
    if community is None:
        raise NotFoundError(_("No such community."))
    if not community.code:
        raise ValidationError("community", _("Give the community a code first: the setting names it by its code."))
    terms: tuple[Decimal, dt.date] | None = None
    if rate is not None:
        # Plain digits only: Decimal() would take 1e-10, which would read "1E-10" afterwards.
        value = strict_decimal(fold_width(format(rate, "f") if isinstance(rate, Decimal) else str(rate)).strip())
        if value is None or not MIN_RATE <= value <= MAX_RATE:
            raise ValidationError("rate", _("Give the daily rate as a fraction from {least} to {most}, "
                                            "such as 0.0005 (万分之五 a day).").format(
                least=daily_rate_text(MIN_RATE), most=daily_rate_text(MAX_RATE)))
        if value != value.quantize(Decimal(1).scaleb(-RATE_DECIMALS)):
            raise ValidationError("rate", _("A daily rate has at most {n} decimals, such as 0.0005.").format(
                n=RATE_DECIMALS))
        if starts_on is None:
            raise ValidationError("from", _("Give the first day late fees are charged for."))
        terms = (Decimal(daily_rate_text(value)), starts_on)
    with transaction():
        stored = _stored()
        stored.pop(community.code, None)
        if terms is not None:
            stored[community.code] = terms
        text = ", ".join(f"{code}={daily_rate_text(r)}@{d.isoformat()}" for code, (r, d) in sorted(stored.items()))
        Setting.insert(key=LATE_FEE_SETTING, value=text, updated_by=staff_id, updated_at=now()).on_conflict(
            conflict_target=[Setting.key],
            update={Setting.value: text, Setting.updated_by: staff_id, Setting.updated_at: now()}).execute()
    return late_fee_terms(community_id)


def late_lines(community_id: int, period: str) -> list[dict]:
    """The 滞纳金 lines `bill_period(period)` issues for the previous month (none when late
    fees are off or the month is before their start); lines already issued are left out."""
    terms = late_fee_terms(community_id)
    if terms is None:
        return []
    end = period_start(period)  # the day after the month charged for
    start = add_months(end, -1)
    first = max(start, terms.starts_on)
    if first >= end:
        return []
    month = f"{start.year:04d}-{start.month:02d}"
    item = builtin_item(community_id, LATE_FEE_ITEM)
    done = {r for (r,) in Bill.select(Bill.room).where(
        Bill.community == community_id, Bill.item == item.id, Bill.period == period).tuples()}
    exact: dict[int, Decimal] = {}
    where = (Bill.community == community_id, Bill.item != item.id, Bill.period < month,
             Bill.amount_fen - Bill.paid_fen - Bill.waived_fen > 0)
    for room_id, bill_period_, due_fen in (Bill.select(Bill.room, Bill.period,
                                                       Bill.amount_fen - Bill.paid_fen - Bill.waived_fen)
                                           .where(*where).tuples()):
        if room_id in done:
            continue
        overdue_from = max(add_months(period_start(bill_period_), 1), first)  # the day after the due date
        days = (end - overdue_from).days
        if days > 0:
            exact[room_id] = exact.get(room_id, Decimal(0)) + terms.rate * Decimal(due_fen) * days
    if not exact:
        return []
    buildings = dict(Room.select(Room.id, Room.building).where(Room.id.in_(list(exact))).tuples())
    owners = dict(Occupancy.select(Occupancy.room, fn.MIN(Occupancy.person))
                  .where(Occupancy.room.in_(list(exact)), Occupancy.role == "owner", Occupancy.end_date.is_null())
                  .group_by(Occupancy.room).tuples())
    issued_at = now()
    lines = []
    for room_id, amount in sorted(exact.items()):
        fen = int(amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        if fen <= 0:
            continue
        person = owners.get(room_id)
        lines.append(dict(
            community=community_id, building=buildings[room_id], room=room_id, space=None, space_key=0,
            item=item.id, standard=None, period=period, starts_on=start, ends_on=end - dt.timedelta(days=1),
            payer_kind="owner" if person else "developer", person=person, quantity=Decimal(1),
            unit_price_fen=fen, rate_pct=100, amount_fen=fen, paid_fen=0, waived_fen=0, issued_at=issued_at))
    return lines

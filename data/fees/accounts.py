"""The public accounts of the fees (公示, issue 18 item 6; SPEC §12): what each community's
fees were spent on per month by category (支出), the shared-facility income (公共收益:
广告位, 场地租赁, 停车, 其他) with its reasonable costs and its use, the fee standards board
(收费标准公示), the quarterly income and expenditure statement (收支情况) and the
half-yearly shared-facility statement (公共收益收支情况).

Income of the quarterly statement is what was collected in the quarter per fee item: the
allocations dated in it (payments settling bills, prepaid balances used, minus voids taken
back). Under Civil Code art. 282 the income from the owners' shared parts, less the
reasonable costs, belongs to the owners: the half-yearly statement shows it and what was
done with it. Leads enter entries (`fees.accounts`); whoever reads fees reads them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from peewee import JOIN, fn

from data import access
from data.clock import now, today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.fund import fund_disclosure
from data.fees.values import add_months, fen_of, parse_period, period_start
from data.i18n import N_, _
from data.models import (
    Allocation,
    Bill,
    Community,
    FeeExpense,
    FeeItem,
    FeeStandard,
    Setting,
    SharedEntry,
    Staff,
)
from data.validators import clean_text

#: Expenditure categories (支出类别), in the statement's order.
CATEGORIES = {
    "labour": N_("staff costs"),  # 人工
    "cleaning": N_("cleaning"),  # 保洁
    "greening": N_("greening"),  # 绿化
    "security": N_("order and security"),  # 秩序维护
    "repairs": N_("repairs and upkeep"),  # 维修养护
    "energy": N_("shared energy"),  # 公共能耗
    "admin": N_("management costs"),  # 管理费用
    "other": N_("other spending"),  # 其他
}
CATEGORY_ZH = {"labour": "人工", "cleaning": "保洁", "greening": "绿化", "security": "秩序维护",
               "repairs": "维修养护", "energy": "公共能耗", "admin": "管理费用", "other": "其他"}
CATEGORY_WORDS = {zh: code for code, zh in CATEGORY_ZH.items()} | {"人工费": "labour", "保安": "security"}
#: Shared-facility income kinds (公共收益).
SHARED_KINDS = {
    "ads": N_("advertising space"),  # 广告位
    "venue": N_("venue rental"),  # 场地租赁
    "parking": N_("parking"),  # 停车
    "other_in": N_("other income"),  # 其他
}
#: What is taken from it: the reasonable costs (合理成本) and its uses.
SHARED_USES = {
    "cost": N_("reasonable costs"),  # 合理成本
    "fund": N_("to the maintenance fund"),  # 补充专项维修资金
    "repair": N_("repairs of shared parts"),  # 共用部位、共用设施设备维修
    "other_use": N_("other use decided by the owners"),  # 业主共同决定的其他用途
}
SHARED_ZH = {"ads": "广告位", "venue": "场地租赁", "parking": "停车", "other_in": "其他收入",
             "cost": "合理成本", "fund": "补充专项维修资金", "repair": "共用部位设施维修",
             "other_use": "业主共同决定的其他用途"}
SHARED_WORDS = {zh: code for code, zh in SHARED_ZH.items()} | {
    "广告": "ads", "场地": "venue", "其他": "other_in", "成本": "cost", "维修资金": "fund", "维修": "repair"}
#: The complaints phone setting printed on the board (data.settings).
PHONE_SETTING = "complaints_phone"
#: How the board says an item is computed, and its unit.
BASIS_ZH = {"area": ("按建筑面积计收", "元/m²·月"), "space": ("按车位计收", "元/个·月"),
            "room": ("按户计收", "元/户·月"), "once": ("一次性收取", "元"),
            "meter": ("按表计量计收", "元/吨(度)")}
CYCLE_ZH = {"monthly": "按月", "quarterly": "按季", "yearly": "按年", "once": "一次"}
ROOM_TYPE_ZH = {"": "全部", "residential": "住宅", "shop": "商铺", "garage": "车库", "storage": "储藏室",
                "villa": "别墅", "office": "办公"}
#: Most entries a list returns.
MAX_LIST = 500

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-\s]?\s*[Qq季]\s*([1-4])\s*$")
_HALF = re.compile(r"^\s*(\d{4})\s*[-\s]?\s*[Hh]\s*([12])\s*$")


@dataclass(frozen=True)
class EntryRow:
    """An expenditure or shared-facility entry."""

    id: int
    community: str
    month: str
    kind: str  # the category or the shared kind (a code)
    amount_fen: int
    note: str
    by: str
    at: dt.datetime

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class BoardLine:
    """A line of the fee standards board: an item's standard for a room type."""

    item: str
    basis: str  # code (BASES)
    cycle: str  # code (CYCLES)
    room_type: str  # code ("" = every type)
    unit_price_fen: int
    starts_on: dt.date
    current: bool  # False: announced, from a later day


@dataclass(frozen=True)
class Board:
    community: str
    day: dt.date
    company: str
    phone: str
    lines: list[BoardLine] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Accounts:
    """The quarterly income and expenditure statement of a community."""

    community: str
    quarter: str  # "2026Q4"
    first_month: str
    last_month: str
    income: list[tuple[str, int]]  # (fee item, fen collected)
    expenditure: list[tuple[str, int]]  # (category code, fen), every category
    income_fen: int
    expenditure_fen: int
    # 专项维修资金使用情况 (art. 943): (project, fen used or approved, rooms concerned, status)
    # of the requests approved or used in the quarter, and the fund's total on its last day.
    fund_uses: list[tuple[str, int, str, str]] = field(default_factory=list)
    fund_total_fen: int = 0
    fund_day: dt.date | None = None

    @property
    def balance_fen(self) -> int:
        return self.income_fen - self.expenditure_fen

    def as_json(self) -> dict:
        return asdict(self) | {"balance_fen": self.balance_fen}


@dataclass(frozen=True)
class SharedStatement:
    """The half-yearly shared-facility statement of a community (art. 282)."""

    community: str
    half: str  # "2026H2"
    first_month: str
    last_month: str
    income: list[tuple[str, int]]  # (kind code, fen), every kind
    costs_fen: int
    uses: list[tuple[str, int]]  # (use code, fen) without the costs
    income_fen: int

    @property
    def owners_fen(self) -> int:
        """What belongs to the owners: the income less its reasonable costs."""
        return self.income_fen - self.costs_fen

    @property
    def used_fen(self) -> int:
        return sum(fen for _code, fen in self.uses)

    @property
    def remaining_fen(self) -> int:
        """The owners' part not yet used (carried forward)."""
        return self.owners_fen - self.used_fen

    def as_json(self) -> dict:
        return asdict(self) | {"owners_fen": self.owners_fen, "used_fen": self.used_fen,
                               "remaining_fen": self.remaining_fen}


# --- periods ----------------------------------------------------------------------------------


def parse_quarter(text: str, field_name: str = "quarter") -> tuple[str, list[str]]:
    """("2026Q4", its three months) from 2026Q4, 2026-Q4, 2026 q4 or 2026季4."""
    match = _QUARTER.match(str(text or ""))
    if match is None or not 2000 <= int(match.group(1)) <= 2200:
        raise ValidationError(field_name, _("Give the quarter as a year and Q1 to Q4, such as 2026Q4."))
    year, q = int(match.group(1)), int(match.group(2))
    return f"{year}Q{q}", [f"{year:04d}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


def parse_half(text: str, field_name: str = "half") -> tuple[str, list[str]]:
    """("2026H2", its six months) from 2026H2 or 2026-H2."""
    match = _HALF.match(str(text or ""))
    if match is None or not 2000 <= int(match.group(1)) <= 2200:
        raise ValidationError(field_name, _("Give the half-year as a year and H1 or H2, such as 2026H2."))
    year, h = int(match.group(1)), int(match.group(2))
    return f"{year}H{h}", [f"{year:04d}-{m:02d}" for m in range(6 * h - 5, 6 * h + 1)]


def last_quarter(day: dt.date | None = None) -> str:
    """The last quarter finished by `day` (today): 2026Q4 on any day of 2027Q1."""
    day = day or today()
    q = (day.month - 1) // 3  # this quarter's index 0..3: the one before it is finished
    return f"{day.year - 1}Q4" if q == 0 else f"{day.year}Q{q}"


def last_half(day: dt.date | None = None) -> str:
    """The last half-year finished by `day` (today): 2026H2 on any day of 2027H1."""
    day = day or today()
    return f"{day.year - 1}H2" if day.month <= 6 else f"{day.year}H1"


def _community(community_id: int | None) -> Community:
    if community_id is None:
        raise ValidationError("community", _("Say which community."))
    community = Community.get_or_none(Community.id == community_id)
    if community is None:
        raise NotFoundError(_("No such community."))
    return community


# --- entries ----------------------------------------------------------------------------------


def _entry_fields(month: str, amount: str | int, note: str) -> tuple[str, int, str]:
    month = parse_period(month, "month")
    if period_start(month) > today():
        raise ValidationError("month", _("{month} has not begun: enter what was spent or earned once it has.").format(
            month=month))
    fen = fen_of(amount, "amount")
    if fen <= 0:
        raise ValidationError("amount", _("The amount must be above zero."))
    return month, fen, clean_text(note or "", "note", max_length=200)


def add_expense(community_id: int, month: str, category: str, amount: str | int, note: str = "",
                staff_id: int | None = None) -> EntryRow:
    """Record what a community's fees paid for in a month (a category of CATEGORIES)."""
    access.require("fees.accounts", staff_id)
    community = _community(community_id)
    if category not in CATEGORIES:
        raise ValidationError("category", _("Unknown category “{value}”: use one of {choices}.").format(
            value=str(category)[:20], choices="、".join(CATEGORY_ZH.values())))
    month, fen, note = _entry_fields(month, amount, note)
    with transaction():
        row = FeeExpense.create(community=community.id, month=month, category=category, amount_fen=fen,
                                note=note, created_by=staff_id, created_at=now())
    return _entry(row, community.name)


def add_shared(community_id: int, month: str, kind: str, amount: str | int, note: str = "",
               staff_id: int | None = None) -> EntryRow:
    """Record shared-facility income of a month (SHARED_KINDS) or what was taken from it
    (SHARED_USES: its reasonable costs or a use)."""
    access.require("fees.accounts", staff_id)
    community = _community(community_id)
    if kind not in SHARED_KINDS and kind not in SHARED_USES:
        raise ValidationError("kind", _("Unknown kind “{value}”: use one of {choices}.").format(
            value=str(kind)[:20], choices="、".join(SHARED_ZH.values())))
    month, fen, note = _entry_fields(month, amount, note)
    if kind in SHARED_USES and not note:
        raise ValidationError("note", _("Say what the money was used for (a note)."))
    with transaction():
        row = SharedEntry.create(community=community.id, month=month, kind=kind, amount_fen=fen,
                                 note=note, created_by=staff_id, created_at=now())
    return _entry(row, community.name)


def _entry(row, community: str, by: str | None = None) -> EntryRow:
    if by is None:
        by = (Staff.select(Staff.name).where(Staff.id == row.created_by_id).scalar() or "") if row.created_by_id else ""
    kind = row.category if isinstance(row, FeeExpense) else row.kind
    return EntryRow(row.id, community, row.month, kind, row.amount_fen, row.note, by, row.created_at)


def _list(model, community_id: int | None, first: str | None, last: str | None,
          staff_id: int | None) -> list[EntryRow]:
    access.require("fees.view", staff_id)
    query = (model.select(model, Community.name.alias("cname"), Staff.name.alias("sname"))
             .join(Community, on=(model.community == Community.id)).switch(model)
             .join(Staff, join_type=JOIN.LEFT_OUTER, on=(model.created_by == Staff.id))
             .order_by(Community.name, model.month, model.id).limit(MAX_LIST))
    if community_id is not None:
        query = query.where(model.community == community_id)
    if first:
        query = query.where(model.month >= parse_period(first, "from"))
    if last:
        query = query.where(model.month <= parse_period(last, "to"))
    return [_entry(r, r.cname, r.sname or "") for r in query.objects()]


def list_expenses(community_id: int | None = None, first: str | None = None, last: str | None = None,
                  staff_id: int | None = None) -> list[EntryRow]:
    """Expenditure entries, of one community or all, months `first`..`last`, by month."""
    return _list(FeeExpense, community_id, first, last, staff_id)


def list_shared(community_id: int | None = None, first: str | None = None, last: str | None = None,
                staff_id: int | None = None) -> list[EntryRow]:
    """Shared-facility entries, of one community or all, months `first`..`last`, by month."""
    return _list(SharedEntry, community_id, first, last, staff_id)


# --- the board and the statements ---------------------------------------------------------------


def complaints_phone() -> str:
    row = Setting.get_or_none(Setting.key == PHONE_SETTING)
    return clean_text(row.value, PHONE_SETTING, max_length=40) if row is not None else ""


def _company() -> str:
    from data.contracts.register import company_name

    return company_name()


def board(community_id: int, day: dt.date | None = None, staff_id: int | None = None) -> Board:
    """The fee standards board of a community on `day` (today): every active item, for
    each room type the standard in force, and any announced to start later."""
    access.require("fees.view", staff_id)
    community = _community(community_id)
    day = day or today()
    lines: list[BoardLine] = []
    items = list(FeeItem.select().where(FeeItem.community == community.id, FeeItem.active)
                 .order_by(FeeItem.id))
    standards = list(FeeStandard.select().where(FeeStandard.item.in_([i.id for i in items]))
                     .order_by(FeeStandard.item, FeeStandard.room_type, FeeStandard.starts_on))
    for item in items:
        mine = [s for s in standards if s.item_id == item.id]
        for room_type in dict.fromkeys(s.room_type for s in mine):
            kinds = [s for s in mine if s.room_type == room_type]
            current = [s for s in kinds if s.starts_on <= day]
            shown = current[-1:] + [s for s in kinds if s.starts_on > day]
            for s in shown:
                lines.append(BoardLine(item.name, item.basis, item.cycle, room_type, s.unit_price_fen,
                                       s.starts_on, s.starts_on <= day))
    return Board(community.name, day, _company(), complaints_phone(), lines)


def _months_range(months: list[str]) -> tuple[dt.datetime, dt.datetime]:
    start = period_start(months[0])
    end = add_months(period_start(months[-1]), 1)
    return dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())


def quarter_accounts(community_id: int, quarter: str, staff_id: int | None = None) -> Accounts:
    """The income and expenditure statement of a community's quarter: income by fee item
    (collected in the quarter), expenditure by category, totals and balance."""
    access.require("fees.view", staff_id)
    community = _community(community_id)
    name, months = parse_quarter(quarter)
    start, end = _months_range(months)
    collected = (Allocation.select(FeeItem.name, fn.SUM(Allocation.amount_fen))
                 .join(Bill, on=(Allocation.bill == Bill.id))
                 .join(FeeItem, on=(Bill.item == FeeItem.id))
                 .where(Bill.community == community.id, Allocation.at >= start, Allocation.at < end,
                        FeeItem.refundable == False)  # noqa: E712 — deposits held are not income
                 .group_by(FeeItem.id, FeeItem.name).order_by(FeeItem.id).tuples())
    income = [(item, int(fen or 0)) for item, fen in collected]
    spent = dict(FeeExpense.select(FeeExpense.category, fn.SUM(FeeExpense.amount_fen))
                 .where(FeeExpense.community == community.id, FeeExpense.month.in_(months))
                 .group_by(FeeExpense.category).tuples())
    expenditure = [(code, int(spent.get(code) or 0)) for code in CATEGORIES]
    uses, fund_total, fund_day = fund_disclosure(community.id, start, end)
    return Accounts(community.name, name, months[0], months[-1], income, expenditure,
                    sum(f for _i, f in income), sum(f for _c, f in expenditure),
                    [(u.project, u.amount_fen, u.rooms, u.status) for u in uses], fund_total, fund_day)


def shared_statement(community_id: int, half: str, staff_id: int | None = None) -> SharedStatement:
    """The shared-facility statement of a community's half-year: income by kind, its
    reasonable costs, what belongs to the owners (art. 282), its uses and what remains."""
    access.require("fees.view", staff_id)
    community = _community(community_id)
    name, months = parse_half(half)
    sums = dict(SharedEntry.select(SharedEntry.kind, fn.SUM(SharedEntry.amount_fen))
                .where(SharedEntry.community == community.id, SharedEntry.month.in_(months))
                .group_by(SharedEntry.kind).tuples())
    income = [(code, int(sums.get(code) or 0)) for code in SHARED_KINDS]
    uses = [(code, int(sums.get(code) or 0)) for code in SHARED_USES if code != "cost"]
    return SharedStatement(community.name, name, months[0], months[-1], income, int(sums.get("cost") or 0),
                           uses, sum(f for _k, f in income))


__all__ = [
    "CATEGORIES", "CATEGORY_WORDS", "CATEGORY_ZH", "SHARED_KINDS", "SHARED_USES", "SHARED_WORDS", "SHARED_ZH",
    "Accounts", "Board", "BoardLine", "EntryRow", "SharedStatement",
    "add_expense", "add_shared", "board", "complaints_phone", "list_expenses", "list_shared",
    "last_half", "last_quarter", "parse_half", "parse_quarter", "quarter_accounts", "shared_statement",
]

"""Staff commissions (服务佣金, issue 18 item 9): rules give a role a share of a source, in
one community or all, from a date on; a month's statement per staff member lists what each
line was earned on, and a supervisor or manager approves it — from then on the stored
lines are the statement, whatever the rules or the records say later.

Sources, each line dated by its event and priced by the rule in force that day (the
community's own rule before the one for all communities):

- ``labour``: owner-paid labour (cost lines kind=labour, payer=owner) of the work orders the
  technician (the order's assignee) completed (resolved) in the month. FrontDesk has no
  link from a repair bill back to its work order yet, so the completion month counts.
- ``arrears``: what a payment taken in the month settled on bills whose period is more than
  six months before the payment's month (清欠), credited to the staff member who took the
  payment (the desk's own work; the last contact's recorder may be someone else). Voided
  payments and refundable items (deposits) do not count.
- ``contracts``: contracts signed in the month that were drafted for a lead (data.leads
  deals) and carry an amount, credited to the lead's owner, else the contract's owner."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from peewee import fn

from data import access
from data.clock import now, today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.deposits import refundable_items
from data.fees.values import add_months, money_text, parse_period, period_start
from data.i18n import N_, _
from data.models import (
    Allocation,
    Bill,
    CommissionLine,
    CommissionRule,
    CommissionStatement,
    Community,
    Contract,
    CostLine,
    Lead,
    Payment,
    Staff,
    WorkOrder,
)
from data.vocab import STAFF_ROLES

SOURCES = {
    "labour": N_("paid labour on work orders"),  # 有偿维修人工费
    "arrears": N_("arrears older than six months collected"),  # 清欠
    "contracts": N_("contracts signed from leads"),  # 签约
}
SOURCE_WORDS = {"人工": "labour", "有偿维修": "labour", "维修": "labour", "清欠": "arrears", "欠费": "arrears",
                "催缴": "arrears", "合同": "contracts", "签约": "contracts"}
ROLE_WORDS = {"前台": "desk", "客服": "desk", "维修工": "tech", "技工": "tech", "主管": "supervisor", "经理": "manager"}
#: Bills must be more than this many months older than the payment for 清欠.
ARREARS_MONTHS = 6
MAX_PERCENT = Decimal("100")


@dataclass(frozen=True)
class RuleRow:
    id: int
    community: str  # "" = every community
    role: str
    source: str
    percent: Decimal
    starts_on: dt.date

    def as_json(self) -> dict:
        return {**asdict(self), "percent": str(self.percent), "starts_on": self.starts_on.isoformat()}


@dataclass(frozen=True)
class LineRow:
    source: str
    ref: str
    note: str
    base_fen: int
    percent: Decimal
    amount_fen: int

    def as_json(self) -> dict:
        return {**asdict(self), "percent": str(self.percent), "base": money_text(self.base_fen),
                "amount": money_text(self.amount_fen)}


@dataclass(frozen=True)
class StatementView:
    """A staff member's commissions of a month (approved: as stored; draft: as computed now)."""

    staff_id: int
    staff: str
    role: str
    month: str
    status: str  # draft | approved
    lines: tuple[LineRow, ...]
    total_fen: int
    approved_by: str = ""
    approved_at: dt.datetime | None = None

    def as_json(self) -> dict:
        return {"staff_id": self.staff_id, "staff": self.staff, "role": self.role, "month": self.month,
                "status": self.status, "total": money_text(self.total_fen), "total_fen": self.total_fen,
                "approved_by": self.approved_by or None,
                "approved_at": self.approved_at.isoformat(timespec="minutes") if self.approved_at else None,
                "lines": [line.as_json() for line in self.lines]}


# --- rules -------------------------------------------------------------------------------------


def _percent(value: Decimal | str) -> Decimal:
    text = str(value).strip().rstrip("%％").strip()
    try:
        pct = Decimal(text)
    except InvalidOperation:
        raise ValidationError("percent", _("Give the share as a percentage, such as 5 or 2.5.")) from None
    if not pct.is_finite() or pct <= 0 or pct > MAX_PERCENT or pct != pct.quantize(Decimal("0.01")):
        raise ValidationError("percent", _("The share must be above 0 and at most 100 percent, "
                                           "with at most two decimals."))
    return pct.quantize(Decimal("0.01"))


def add_rule(role: str, source: str, percent: Decimal | str, starts_on: dt.date,
             community_id: int | None = None, staff_id: int | None = None) -> RuleRow:
    """A commission rule: `percent` of `source` for staff of `role` (in one community or
    all) from `starts_on` on. A rule is never edited: a later one replaces it."""
    access.require("fees.manage", staff_id)
    if role not in STAFF_ROLES or role == "service":
        raise ValidationError("role", _("Unknown role “{value}”: use one of {choices}.").format(
            value=str(role)[:20], choices=", ".join(STAFF_ROLES)))
    if source not in SOURCES:
        raise ValidationError("source", _("Unknown source “{value}”: use one of {choices}.").format(
            value=str(source)[:20], choices=", ".join(SOURCES)))
    pct = _percent(percent)
    community = ""
    if community_id is not None:
        row = Community.get_or_none(Community.id == community_id)
        if row is None:
            raise NotFoundError(_("No such community."))
        community = row.name
    with transaction():
        rule = CommissionRule.create(community=community_id, role=role, source=source, percent=pct,
                                     starts_on=starts_on, created_by=staff_id, created_at=now())
    return RuleRow(rule.id, community, role, source, pct, starts_on)


def list_rules(staff_id: int | None = None) -> list[RuleRow]:
    """Every commission rule, by role, source and start."""
    access.require("fees.commissions", staff_id)
    names = dict(Community.select(Community.id, Community.name).tuples())
    return [RuleRow(r.id, names.get(r.community_id, "") if r.community_id else "", r.role, r.source,
                    Decimal(str(r.percent)), r.starts_on)
            for r in CommissionRule.select().order_by(CommissionRule.role, CommissionRule.source,
                                                      CommissionRule.starts_on, CommissionRule.id)]


def _rule_percent(rules: list[CommissionRule], role: str, source: str, community_id: int | None,
                  day: dt.date) -> Decimal | None:
    """The share in force on `day`: the community's own rule, else the one for all."""
    for wanted in ((community_id, None) if community_id is not None else (None,)):
        found = [r for r in rules if r.role == role and r.source == source and r.community_id == wanted
                 and r.starts_on <= day]
        if found:
            best = max(found, key=lambda r: (r.starts_on, r.id))
            return Decimal(str(best.percent))
    return None


# --- computing -------------------------------------------------------------------------------------


def _cost_fen(quantity, unit_price) -> Decimal:
    return Decimal(str(quantity)) * Decimal(str(unit_price)) * 100


def _events(month: str) -> list[tuple[int, str, int | None, dt.date, str, str, int]]:
    """(staff, source, community, day, ref, note, base fen) of everything in the month."""
    start = period_start(month)
    since = dt.datetime.combine(start, dt.time())
    until = dt.datetime.combine(add_months(start, 1), dt.time())
    out = []
    # Paid labour of the orders completed in the month, to the technician who did them.
    labour: dict[int, Decimal] = {}
    orders = {}
    for line, order in ((c, c.work_order) for c in CostLine.select(CostLine, WorkOrder).join(WorkOrder).where(
            CostLine.kind == "labour", CostLine.payer == "owner", WorkOrder.assignee.is_null(False),
            WorkOrder.status != "cancelled", WorkOrder.resolved_at >= since, WorkOrder.resolved_at < until)):
        labour[order.id] = labour.get(order.id, Decimal(0)) + _cost_fen(line.quantity, line.unit_price)
        orders[order.id] = order
    for order_id, exact in sorted(labour.items()):
        order = orders[order_id]
        out.append((order.assignee_id, "labour", order.community_id, order.resolved_at.date(), order.number,
                    order.title[:60],
                    int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))))
    # 清欠: payments taken in the month on bills more than six months older.
    before = add_months(start, -ARREARS_MONTHS).strftime("%Y-%m")
    voided = Payment.select(Payment.voids).where(Payment.voids.is_null(False))
    for _pid, number, who, community_id, taken_at, fen in (
            Allocation.select(Payment.id, Payment.number, Payment.staff, Payment.community, Payment.taken_at,
                              fn.SUM(Allocation.amount_fen))
            .join(Payment).switch(Allocation).join(Bill)
            .where(Payment.kind == "payment", Payment.taken_at >= since, Payment.taken_at < until,
                   Payment.staff.is_null(False), Payment.id.not_in(voided), Bill.period < before,
                   Bill.item.not_in(refundable_items()))
            .group_by(Payment.id, Payment.number, Payment.staff, Payment.community, Payment.taken_at)
            .order_by(Payment.id).tuples()):
        if fen and fen > 0:
            taken = taken_at if isinstance(taken_at, dt.datetime) else dt.datetime.fromisoformat(str(taken_at))
            out.append((who, "arrears", community_id, taken.date(), number,
                        _("bills before {month}").format(month=before), int(fen)))
    # Contracts signed in the month from a lead, with an amount.
    for c in Contract.select().where(Contract.signed_on >= start, Contract.signed_on < add_months(start, 1),
                                     Contract.status != "draft", Contract.amount > 0):
        try:
            lead_id = json.loads(c.details or "{}").get("lead")
        except (ValueError, AttributeError):
            lead_id = None
        if not lead_id:
            continue
        lead_owner = Lead.select(Lead.owner).where(Lead.id == lead_id).scalar()
        who = lead_owner or c.owner_staff_id
        if who is None:
            continue
        out.append((who, "contracts", c.community_id, c.signed_on, c.number, (c.party_name or "")[:60],
                    int(Decimal(str(c.amount)) * 100)))
    return out


def _computed(month: str) -> dict[int, list[LineRow]]:
    """staff id → the month's lines as the records and rules say now."""
    rules = list(CommissionRule.select())
    roles = dict(Staff.select(Staff.id, Staff.role).tuples())
    out: dict[int, list[LineRow]] = {}
    for who, source, community_id, day, ref, note, base in _events(month):
        pct = _rule_percent(rules, roles.get(who, ""), source, community_id, day)
        if pct is None or base <= 0:
            continue
        amount = int((Decimal(base) * pct / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        out.setdefault(who, []).append(LineRow(source, ref, note, base, pct, amount))
    return out


def _stored(statement: CommissionStatement, names: dict[int, tuple[str, str]]) -> StatementView:
    lines = tuple(LineRow(ln.source, ln.ref, ln.note, ln.base_fen, Decimal(str(ln.percent)), ln.amount_fen)
                  for ln in CommissionLine.select().where(CommissionLine.statement == statement.id)
                  .order_by(CommissionLine.id))
    name, role = names.get(statement.staff_id, ("", ""))
    return StatementView(statement.staff_id, name, role, statement.month, statement.status, lines,
                         statement.total_fen, names.get(statement.approved_by_id, ("", ""))[0]
                         if statement.approved_by_id else "", statement.approved_at)


def _find_staff(ref: str | int) -> Staff:
    text = str(ref).strip()
    staff = (Staff.get_or_none(Staff.id == int(text)) if text.isdigit()
             else Staff.get_or_none(Staff.login == text) or Staff.get_or_none(Staff.name == text))
    if staff is None:
        raise NotFoundError(_("No staff member “{ref}”.").format(ref=text[:40]))
    return staff


def statements(month: str, staff: str | int | None = None, staff_id: int | None = None) -> list[StatementView]:
    """The month's statement of every staff member with commissions (or of one): an
    approved one as stored, the others computed now (draft, not stored)."""
    access.require("fees.commissions", staff_id)
    month = parse_period(month, "month")
    only = _find_staff(staff).id if staff is not None and str(staff).strip() else None
    names = {i: (n, r) for i, n, r in Staff.select(Staff.id, Staff.name, Staff.role).tuples()}
    approved = {s.staff_id: s for s in CommissionStatement.select().where(
        CommissionStatement.month == month, CommissionStatement.status == "approved")}
    computed = _computed(month)
    views = []
    for who in sorted(set(approved) | set(computed)):
        if only is not None and who != only:
            continue
        if who in approved:
            views.append(_stored(approved[who], names))
        else:
            lines = tuple(computed[who])
            name, role = names.get(who, ("", ""))
            views.append(StatementView(who, name, role, month, "draft", lines, sum(x.amount_fen for x in lines)))
    if only is not None and not views:
        name, role = names.get(only, ("", ""))
        views.append(StatementView(only, name, role, month, "draft", (), 0))
    return views


def approve(month: str, staff: str | int, staff_id: int | None = None) -> StatementView:
    """Approve a staff member's statement of a finished month (supervisors and managers):
    its lines as computed now are stored and never change afterwards."""
    access.require("fees.commissions.approve", staff_id)
    month = parse_period(month, "month")
    if add_months(period_start(month), 1) > today():
        raise ValidationError("month", _("{month} is not over yet: approve its commissions once it is.").format(
            month=month))
    who = _find_staff(staff)
    at = now()
    with transaction():
        existing = CommissionStatement.get_or_none(CommissionStatement.staff == who.id,
                                                   CommissionStatement.month == month)
        if existing is not None and existing.status == "approved":
            raise ValidationError("month", _("The commissions of {name} for {month} were approved on {when}: "
                                             "an approved month does not change.").format(
                name=who.name, month=month, when=f"{existing.approved_at:%Y-%m-%d}"))
        lines = _computed(month).get(who.id, [])
        if existing is None:
            existing = CommissionStatement.create(staff=who.id, month=month, computed_at=at)
        CommissionLine.delete().where(CommissionLine.statement == existing.id).execute()
        for line in lines:
            CommissionLine.create(statement=existing.id, source=line.source, ref=line.ref[:40],
                                  note=line.note[:120], base_fen=line.base_fen, percent=line.percent,
                                  amount_fen=line.amount_fen)
        CommissionStatement.update(total_fen=sum(x.amount_fen for x in lines), status="approved",
                                   computed_at=at, approved_by=staff_id, approved_at=at).where(
            CommissionStatement.id == existing.id).execute()
    return statements(month, who.id, staff_id)[0]


SOURCE_ZH = {"labour": "有偿维修人工", "arrears": "清欠", "contracts": "签约"}
STATUS_ZH = {"draft": "草稿", "approved": "已审批"}


def statements_xlsx(month: str, staff: str | int | None = None, staff_id: int | None = None) -> Path:
    """The month's statements as an XLSX workbook in the export folder; its path."""
    from openpyxl import Workbook

    from data.exports import safe_cell, write_export

    views = statements(month, staff, staff_id)
    book = Workbook()
    sheet = book.active
    sheet.title = "服务佣金"
    sheet.append([safe_cell(f"服务佣金 {parse_period(month, 'month')}")])
    sheet.append(["员工", "状态", "来源", "单号", "说明", "基数（元）", "比例（%）", "佣金（元）"])
    for view in views:
        status = STATUS_ZH.get(view.status, view.status)
        for line in view.lines:
            sheet.append([safe_cell(view.staff), status, SOURCE_ZH.get(line.source, line.source),
                          safe_cell(line.ref), safe_cell(line.note), Decimal(money_text(line.base_fen)),
                          line.percent, Decimal(money_text(line.amount_fen))])
        sheet.append([safe_cell(view.staff), status, "合计", "", "", None, None,
                      Decimal(money_text(view.total_fen))])
    out = io.BytesIO()
    book.save(out)
    return write_export(f"commissions_{parse_period(month, 'month')}", "xlsx", out.getvalue())

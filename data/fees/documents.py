"""Printable fee documents (issue 18 items 3 and 4): a payment's receipt (收款收据, A5) and a
room's written reminder (催缴函, A4), as PDF files in the export folder (data.exports: the
app names the file, never the user).

The documents are in Chinese whatever the interface language, set in reportlab's built-in
CID font STSong-Light (no font file needed: PDF readers supply the Song face). Every stored
text — an owner's name, a payer, a reference, an item's name, the company's name — is
hostile: control characters are dropped and the rest is XML-escaped before it becomes a
reportlab Paragraph, so an owner named ``<font size=300>`` prints literally.

A reminder says what is owed and asks the owner to pay or to get in touch; it never
mentions cutting water, electricity, heating or gas (SPEC §12, Civil Code art. 944). Each
reminder printed is recorded in the audit trail (action ``remind`` on the room, with its
date and total): the dated evidence that interrupts the three-year limitation
(Civil Code art. 188, 195)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from peewee import JOIN, fn

from data import access, audit
from data.clock import today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.payments import METHOD_WORDS, find_payment
from data.fees.values import REMIND_ACTION, amount_in_words, money_text
from data.i18n import _
from data.models import (
    Allocation,
    AuditLog,
    Bill,
    Community,
    FeeItem,
    Occupancy,
    Person,
    Room,
    Staff,
)
from data.pdf import FONT, plain
from data.pdf import build as _build
from data.pdf import company as _company
from data.pdf import para as _para
from data.pdf import styles as _styles
from data.pdf import table as _table

#: The audit action and field a printed reminder is recorded with.
REMIND_FIELD = "reminder"
#: What a payer is called on the documents when a bill has no person.
DEVELOPER_WORD = "建设单位"
#: The first Chinese word of each payment method (现金, 银行卡, 微信, 支付宝, 银行转账).
METHOD_ZH = {code: word for word, code in reversed(list(METHOD_WORDS.items()))}
#: Most bills a reminder lists (the rest is summed in one line; the total is always whole).
MAX_REMINDER_LINES = 120
#: Words the reminder must never carry (art. 944: no collection by cutting supplies).
FORBIDDEN_WORDS = ("停水", "停电", "断水", "断电", "停气", "停暖", "限电", "限水")

@dataclass(frozen=True)
class ReminderRecord:
    """A written reminder printed for a room: when, by whom, and what it said it owed."""

    at: dt.datetime
    staff: str
    text: str


def _span(starts_on: dt.date, ends_on: dt.date) -> str:
    return f"{starts_on:%Y.%m.%d}–{ends_on:%Y.%m.%d}"


def _owner_name(room_id: int) -> str:
    return (Occupancy.select(Person.name).join(Person)
            .where(Occupancy.room == room_id, Occupancy.role == "owner", Occupancy.end_date.is_null())
            .order_by(Occupancy.id).scalar()) or ""


# --- the receipt ------------------------------------------------------------------------------


def receipt_pdf(ref: str | int, staff_id: int | None = None, *, community_id: int | None = None,
                room_id: int | None = None) -> Path:
    """Write the receipt of a payment (by receipt number SJ-2027-000123 or id) as an A5 PDF
    into the export folder; its path. Receipt numbers restart per community: `room_id` (a
    room's statement) looks the number up in that room's community. A void or a refund prints as its own voucher; a
    payment since voided says 已作废 with the void's number and reason."""
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    from data.exports import write_export
    from data.models import Payment

    access.require("fees.view", staff_id)
    if room_id is not None and community_id is None:
        community_id = Room.select(Room.community).where(Room.id == room_id).scalar()
    p = find_payment(community_id, ref)
    community = Community.get_by_id(p.community_id).name
    room = Room.get_by_id(p.room_id).code
    cashier = Staff.select(Staff.name).where(Staff.id == p.staff_id).scalar() if p.staff_id else ""
    void = Payment.get_or_none(Payment.voids == p.id)
    original = Payment.get_or_none(Payment.id == p.voids_id) if p.voids_id else None
    lines = list(Allocation.select(FeeItem.name, Bill.period, Bill.starts_on, Bill.ends_on,
                                   fn.SUM(Allocation.amount_fen).alias("fen"))
                 .join(Bill).join(FeeItem).where(Allocation.payment == p.id)
                 .group_by(Allocation.bill, FeeItem.name, Bill.period, Bill.starts_on, Bill.ends_on)
                 .order_by(Allocation.bill).tuples())
    settled = sum(int(fen or 0) for *_rest, fen in lines)

    s = _styles()
    title = {"payment": "收款收据", "void": "作废冲销凭证", "refund": "退款凭证"}.get(p.kind, "收款收据")
    story: list = [_para(plain(_company()), s["company"]), _para(title, s["title"])]
    if void is not None:
        story.append(_para("已作废", s["void"]))
    story.append(Spacer(1, 3 * mm))
    payer = p.payer_name or _owner_name(p.room_id)
    head = [
        f"收据编号：{plain(p.number)}　　日期：{p.taken_at:%Y-%m-%d %H:%M}",
        f"小区房号：{plain(community)} {plain(room)}",
        f"交款人：{plain(payer, 60)}",
    ]
    if original is not None:
        head.append(f"冲销原收据：{plain(original.number)}")
    story += [_para(text, s["body"]) for text in head]
    story.append(Spacer(1, 3 * mm))

    width = A5[0] - 24 * mm
    rows: list[list] = [[_para("收费项目", s["body"]), _para("所属期间", s["body"]),
                         _para("金额（元）", s["right"])]]
    for name, _period, starts_on, ends_on, fen in lines:
        rows.append([_para(plain(name, 60), s["body"]), _para(_span(starts_on, ends_on), s["small"]),
                     _para(money_text(int(fen or 0)), s["right"])])
    rest = p.amount_fen - settled
    if rest:
        word = {"payment": "预存（用于今后账单）", "refund": "退还预存款"}.get(p.kind, "冲回预存款")
        rows.append([_para(word, s["body"]), _para("", s["small"]), _para(money_text(rest), s["right"])])
    story.append(_table(rows, [width * 0.42, width * 0.36, width * 0.22]))
    story.append(Spacer(1, 3 * mm))
    method = METHOD_ZH.get(p.method, plain(p.method, 20))
    if p.reference:
        method += f"（交易流水号：{plain(p.reference, 60)}）"
    tail = [
        f"合计（小写）：¥{money_text(p.amount_fen)}",
        f"合计（大写）：{amount_in_words(p.amount_fen)}",
        f"收款方式：{method}",
    ]
    if p.reason:
        tail.append(f"原因：{plain(p.reason, 200)}")
    if void is not None:
        tail.append(f"已作废：作废凭证 {plain(void.number)}，{void.taken_at:%Y-%m-%d}，原因：{plain(void.reason, 200)}")
    tail.append(f"收款人：{plain(cashier or '', 60)}　　收款单位（盖章）：{plain(_company())}")
    story += [_para(text, s["body"]) for text in tail]
    data = _build(A5, story, f"{title} {p.number}")
    return write_export(f"receipt_{p.number.replace('-', '_')}", "pdf", data)


# --- the written reminder ----------------------------------------------------------------------


def reminder_pdf(room_id: int, staff_id: int | None = None) -> Path:
    """Write a room's written reminder (催缴函) as an A4 PDF into the export folder and record
    it (audit action `remind` on the room, dated, with the total); its path. A room that
    owes nothing gets no reminder (ValidationError)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    from data.exports import write_export

    access.require("fees.pay", staff_id)
    room = Room.get_or_none(Room.id == room_id)
    if room is None:
        raise NotFoundError(_("No such room."))
    community = Community.get_by_id(room.community_id).name
    due = Bill.amount_fen - Bill.paid_fen - Bill.waived_fen
    bills = list(Bill.select(FeeItem.name, Bill.starts_on, Bill.ends_on, Bill.payer_kind,
                             Person.name.alias("payer"), due.alias("due"))
                 .join(FeeItem).switch(Bill)
                 .join(Person, on=(Bill.person == Person.id), join_type=JOIN.LEFT_OUTER)
                 .where(Bill.room == room_id, due > 0)
                 .order_by(Bill.period, Bill.starts_on, Bill.id).tuples())
    if not bills:
        raise ValidationError("room", _("{room} owes nothing: there is no reminder to print.").format(
            room=room.code[:60]))
    total = sum(int(b[5]) for b in bills)
    payers = list(dict.fromkeys(b[4] or (DEVELOPER_WORD if b[3] == "developer" else "") for b in bills))
    addressee = "、".join(plain(name, 60) for name in payers if name) or plain(_owner_name(room_id), 60) or "业主"
    day = today()
    company = plain(_company())

    s = _styles()
    story: list = [_para(company, s["company"]), _para("物业费催缴函", s["title"]), Spacer(1, 5 * mm),
                   _para(f"尊敬的{addressee}：", s["body"]), Spacer(1, 2 * mm),
                   _para(f"　　您名下位于{plain(community)} {plain(room.code)}的房屋，截至{day:%Y年%m月%d日}"
                         f"尚有以下费用未缴纳，合计人民币{money_text(total)}元（大写：{amount_in_words(total)}）：",
                         s["body"]),
                   Spacer(1, 3 * mm)]
    width = A4[0] - 24 * mm
    rows: list[list] = [[_para("序号", s["body"]), _para("收费项目", s["body"]),
                         _para("所属期间", s["body"]), _para("欠费金额（元）", s["right"])]]
    for n, (name, starts_on, ends_on, _kind, _payer, fen) in enumerate(bills[:MAX_REMINDER_LINES], start=1):
        rows.append([_para(str(n), s["body"]), _para(plain(name, 60), s["body"]),
                     _para(_span(starts_on, ends_on), s["body"]), _para(money_text(int(fen)), s["right"])])
    if len(bills) > MAX_REMINDER_LINES:
        rest = bills[MAX_REMINDER_LINES:]
        rows.append([_para("…", s["body"]),
                     _para(f"其余{len(rest)}笔（{rest[0][1]:%Y.%m}起）", s["body"]), _para("", s["body"]),
                     _para(money_text(sum(int(b[5]) for b in rest)), s["right"])])
    rows.append([_para("", s["body"]), _para("合计", s["body"]), _para("", s["body"]),
                 _para(money_text(total), s["right"])])
    story.append(_table(rows, [width * 0.1, width * 0.36, width * 0.32, width * 0.22]))
    story += [
        Spacer(1, 4 * mm),
        _para(f"合计金额（大写）：{amount_in_words(total)}", s["body"]),
        Spacer(1, 3 * mm),
        _para("　　物业服务费用是保障小区日常保洁、绿化、秩序维护和设施设备维修养护的基础。"
              "请您在收到本函之日起十五日内到物业服务中心前台缴纳，或通过微信、支付宝、银行转账等方式缴纳。"
              "如您已经缴纳，请忽略本函；如对费用有疑问，或对我们的服务有意见，欢迎到物业服务中心与我们沟通核对，"
              "我们将认真听取并及时处理。", s["body"]),
        _para("　　感谢您对物业服务工作的理解与支持！", s["body"]),
        Spacer(1, 10 * mm),
        _para(f"{company}（盖章）", s["right"]),
        _para(f"{day:%Y年%m月%d日}", s["right"]),
    ]
    data = _build(A4, story, f"物业费催缴函 {room.code}")
    path = write_export(f"reminder_{room.code}", "pdf", data)
    with transaction():
        audit.record(REMIND_ACTION, "room", room_id, REMIND_FIELD, staff_id=staff_id,
                     new=f"{day.isoformat()} {money_text(total)} {path.name}")
    return path


def reminders_sent(room_id: int, staff_id: int | None = None) -> list[ReminderRecord]:
    """The written reminders printed for a room, newest first (the dated evidence)."""
    access.require("fees.view", staff_id)
    rows = (AuditLog.select(AuditLog.at, AuditLog.new_value, Staff.name)
            .join(Staff, JOIN.LEFT_OUTER, on=(AuditLog.staff == Staff.id))
            .where(AuditLog.entity == "room", AuditLog.entity_id == room_id,
                   AuditLog.action == REMIND_ACTION)
            .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(200).tuples())
    return [ReminderRecord(at, name or "", text or "") for at, text, name in rows]


__all__ = ["FONT", "FORBIDDEN_WORDS", "ReminderRecord", "plain", "receipt_pdf", "reminder_pdf",
           "reminders_sent"]

"""Payments at the desk (收费): a payment for a room settles the bills the payer names
(Civil Code art. 560), else the oldest first; what is left becomes the room's prepaid
balance, which settles the next bills when they are issued. Every payment, void and refund
has a receipt number, gap-free per community and year (SJ-2027-000123). Voids, refunds and
waivers (减免) need a supervisor and a reason; a void is a new record pointing at the payment
it cancels, which stays as it was."""

from __future__ import annotations

from peewee import fn

from data import access
from data.clock import now
from data.db import is_sqlite, transaction
from data.errors import NotFoundError, ValidationError
from data.fees.balances import refresh_rooms
from data.fees.values import PaymentView, Statement, WaiverView, fen_of, money_text
from data.i18n import N_, _
from data.models import (
    Allocation,
    Bill,
    Community,
    FeeAccount,
    FeeItem,
    Invoice,
    Payment,
    ReceiptCounter,
    Room,
    Waiver,
)
from data.validators import clean_text

METHODS = {
    "cash": N_("cash"),  # 现金
    "card": N_("bank card"),  # 银行卡
    "wechat": N_("WeChat Pay"),  # 微信
    "alipay": N_("Alipay"),  # 支付宝
    "transfer": N_("bank transfer"),  # 银行转账
}
METHOD_WORDS = {"现金": "cash", "银行卡": "card", "刷卡": "card", "微信": "wechat", "支付宝": "alipay",
                "银行转账": "transfer", "转账": "transfer"}
#: The receipt series.
SERIES = "SJ"


def _next_receipt(community_id: int, year: int) -> str:
    """The next receipt number of a community in `year`; call inside the transaction that
    uses it. As for contract numbers (data.contracts.register._next_number): the UPDATE
    takes the counter row's lock on PostgreSQL, so a second desk waits for the first to
    commit or roll back and counts on from there; SQLite's write transaction is exclusive.
    A rolled-back payment gives its number back: no gaps."""
    ReceiptCounter.insert(community=community_id, year=year, last_number=0).on_conflict_ignore().execute()
    (ReceiptCounter.update(last_number=ReceiptCounter.last_number + 1)
     .where(ReceiptCounter.community == community_id, ReceiptCounter.year == year).execute())
    last = (ReceiptCounter.select(ReceiptCounter.last_number)
            .where(ReceiptCounter.community == community_id, ReceiptCounter.year == year).scalar())
    return f"{SERIES}-{year}-{last:06d}"


def _add_prepaid(room_id: int, fen: int) -> None:
    FeeAccount.insert(room=room_id, prepaid_fen=0).on_conflict_ignore().execute()
    FeeAccount.update(prepaid_fen=FeeAccount.prepaid_fen + fen).where(FeeAccount.room == room_id).execute()


def _lock_room(room_id: int) -> None:
    """Serialise the money operations on one room (inside the caller's transaction): on
    PostgreSQL every payment, void, refund, waiver and use of the prepaid balance first
    locks the room's account row, so two desks cannot both settle the same open bill; a
    SQLite write transaction is exclusive anyway."""
    FeeAccount.insert(room=room_id, prepaid_fen=0).on_conflict_ignore().execute()
    if not is_sqlite():
        FeeAccount.select(FeeAccount.id).where(FeeAccount.room == room_id).for_update().execute()


def prepaid_balance(room_id: int) -> int:
    """The room's prepaid balance (fen)."""
    return FeeAccount.select(FeeAccount.prepaid_fen).where(FeeAccount.room == room_id).scalar() or 0


def _settle(bill_id: int, fen: int, payment_id: int | None, at) -> None:
    Allocation.create(bill=bill_id, payment=payment_id, amount_fen=fen, at=at)
    Bill.update(paid_fen=Bill.paid_fen + fen).where(Bill.id == bill_id).execute()


def _open_bills(room_id: int):
    """The room's bills with something due, oldest first."""
    return (Bill.select(Bill.id, Bill.amount_fen, Bill.paid_fen, Bill.waived_fen)
            .where(Bill.room == room_id, Bill.amount_fen > Bill.paid_fen + Bill.waived_fen)
            .order_by(Bill.period, Bill.starts_on, Bill.id))


def apply_prepaid(room_id: int) -> int:
    """Settle the room's open bills, oldest first, from its prepaid balance (inside the
    caller's transaction); the fen used."""
    _lock_room(room_id)
    balance = prepaid_balance(room_id)
    used = 0
    at = now()
    for bill in _open_bills(room_id):
        if balance - used <= 0:
            break
        part = min(bill.amount_fen - bill.paid_fen - bill.waived_fen, balance - used)
        _settle(bill.id, part, None, at)
        used += part
    if used:
        _add_prepaid(room_id, -used)
        refresh_rooms([room_id])
    return used


def take_payment(room_id: int, amount: str, method: str, *, reference: str = "",
                 bill_ids: list[int] | None = None, payer_name: str = "",
                 staff_id: int | None = None) -> PaymentView:
    """Take a payment for a room: it settles `bill_ids` in that order when the payer names
    them, else the open bills oldest first; the rest goes to the prepaid balance."""
    access.require("fees.pay", staff_id)
    room = Room.get_or_none(Room.id == room_id)
    if room is None:
        raise NotFoundError(_("No such room."))
    fen = fen_of(amount, "amount")
    if fen <= 0:
        raise ValidationError("amount", _("A payment must be above zero."))
    if method not in METHODS:
        raise ValidationError("method", _("Unknown payment method “{value}”: use one of {choices}.").format(
            value=str(method)[:20], choices="、".join(METHOD_WORDS)))
    reference = clean_text(reference, "reference", max_length=60)
    if method == "transfer" and not reference:
        raise ValidationError("reference", _("A bank transfer needs its reference (交易流水号)."))
    payer_name = clean_text(payer_name, "payer", max_length=60)
    at = now()
    with transaction():
        _lock_room(room_id)
        if bill_ids:
            named = {b.id: b for b in Bill.select(Bill.id, Bill.room, Bill.amount_fen, Bill.paid_fen,
                                                   Bill.waived_fen).where(Bill.id.in_(bill_ids))}
            bills = []
            for bid in dict.fromkeys(bill_ids):
                bill = named.get(bid)
                if bill is None or bill.room_id != room_id:
                    raise ValidationError("bills", _("Bill {id} is not a bill of this room.").format(id=bid))
                if bill.amount_fen - bill.paid_fen - bill.waived_fen <= 0:
                    raise ValidationError("bills", _("Bill {id} has nothing left to pay.").format(id=bid))
                bills.append(bill)
        else:
            bills = list(_open_bills(room_id))
        number = _next_receipt(room.community_id, at.year)
        payment = Payment.create(number=number, community=room.community_id, room=room_id, kind="payment",
                                 method=method, reference=reference, payer_name=payer_name,
                                 amount_fen=fen, staff=staff_id, taken_at=at)
        left = fen
        for bill in bills:
            if left <= 0:
                break
            part = min(bill.amount_fen - bill.paid_fen - bill.waived_fen, left)
            _settle(bill.id, part, payment.id, at)
            left -= part
        if left:
            _add_prepaid(room_id, left)
        refresh_rooms([room_id])
    return get_payment(room.community_id, number, staff_id)


def _reason(reason: str) -> str:
    text = clean_text(reason, "reason", max_length=500)
    if not text:
        raise ValidationError("reason", _("Give the reason."))
    return text


def find_payment(community_id: int | None, ref: str | int) -> Payment:
    """A payment, void or refund by its receipt number (SJ-2027-000123) or id, within a
    community when one is given; NotFoundError when none, ValidationError when the number is
    in several communities. Serves voids, refunds and the printed receipt
    (data.fees.documents)."""
    text = str(ref).strip()
    query = Payment.select()
    if community_id is not None:
        query = query.where(Payment.community == community_id)
    found = list((query.where(Payment.id == int(text)) if text.isdigit()
                  else query.where(Payment.number == text.upper())).limit(2))
    if not found:
        raise NotFoundError(_("No payment “{ref}”.").format(ref=text[:30]))
    if len(found) > 1:
        raise ValidationError("payment", _("Several communities have receipt {ref}: say which community.").format(
            ref=text[:30]))
    return found[0]


def void_payment(community_id: int | None, ref: str | int, reason: str,
                 staff_id: int | None = None) -> PaymentView:
    """Void a payment (作废): a new record with its own receipt number takes back the money
    and what it settled; the payment stays as it was, marked by the void pointing at it. If
    the prepaid balance it fed has since settled bills, those settlements are undone too."""
    access.require("fees.void", staff_id)
    reason = _reason(reason)
    at = now()
    with transaction():
        original = find_payment(community_id, ref)
        _lock_room(original.room_id)
        if original.kind != "payment":
            raise ValidationError("payment", _("Only a payment can be voided."))
        if Payment.select().where(Payment.voids == original.id).exists():
            raise ValidationError("payment", _("Payment {number} is already voided.").format(number=original.number))
        _check_voidable(original)
        number = _next_receipt(original.community_id, at.year)
        void = Payment.create(number=number, community=original.community_id, room=original.room_id,
                              kind="void", method=original.method, reference=original.reference,
                              payer_name=original.payer_name, amount_fen=-original.amount_fen,
                              voids=original.id, reason=reason, staff=staff_id, taken_at=at)
        allocated = 0
        for alloc in (Allocation.select(Allocation.bill, fn.SUM(Allocation.amount_fen).alias("fen"))
                      .where(Allocation.payment == original.id).group_by(Allocation.bill)):
            if alloc.fen:
                _settle(alloc.bill_id, -alloc.fen, void.id, at)
                allocated += alloc.fen
        to_prepaid = original.amount_fen - allocated
        if to_prepaid:
            _add_prepaid(original.room_id, -to_prepaid)
            _cover_negative_prepaid(original.room_id, at)
        refresh_rooms([original.room_id])
    return get_payment(original.community_id, number, staff_id)


def _check_voidable(original: Payment) -> None:
    """Refuse voiding a payment that took a refundable deposit (it comes back only through
    its permit's refund, or it would be paid back twice) or that has an issued invoice (a
    red-letter invoice comes first); a pending invoice request is cancelled with the void."""
    from data.models import Renovation

    refundable = (Allocation.select(Allocation.id).join(Bill).join(FeeItem)
                  .where(Allocation.payment == original.id, FeeItem.refundable == True)  # noqa: E712
                  .exists())
    if refundable:
        permit = (Renovation.select(Renovation.number).where(Renovation.deposit_receipt == original.number)
                  .scalar()) or "?"
        raise ValidationError("payment", _(
            "Payment {number} is the deposit of renovation permit {permit}: it cannot be voided; the "
            "deposit comes back only through the permit's refund.").format(number=original.number, permit=permit))
    invoice = (Invoice.select().where(Invoice.payment == original.id, Invoice.status != "cancelled")
               .order_by(Invoice.id.desc()).first())
    if invoice is not None and invoice.status == "issued":
        raise ValidationError("payment", _(
            "Payment {number} has an issued invoice No.{invoice}: issue a red-letter invoice "
            "(请先开具红字发票/作废发票) and record it before voiding the payment.").format(
            number=original.number, invoice=invoice.number))
    if invoice is not None:
        Invoice.update(status="cancelled").where(Invoice.id == invoice.id).execute()


def _cover_negative_prepaid(room_id: int, at) -> None:
    """A void took back prepaid money the new bills already used: undo those uses, newest first."""
    deficit = -prepaid_balance(room_id)
    if deficit <= 0:
        return
    uses = (Allocation.select(Allocation.bill, fn.SUM(Allocation.amount_fen).alias("fen"),
                              fn.MAX(Allocation.id).alias("last"))
            .join(Bill).where(Bill.room == room_id, Allocation.payment.is_null())
            .group_by(Allocation.bill).order_by(fn.MAX(Allocation.id).desc()))
    for use in uses:
        if deficit <= 0:
            break
        part = min(use.fen, deficit)
        if part <= 0:
            continue
        _settle(use.bill_id, -part, None, at)
        _add_prepaid(room_id, part)
        deficit -= part
    if deficit > 0:
        raise ValidationError("payment", _(
            "{amount} yuan of this payment was already refunded: it cannot be voided.").format(
            amount=money_text(deficit)))


def refund(room_id: int, amount: str, reason: str, *, method: str = "cash", reference: str = "",
           staff_id: int | None = None) -> PaymentView:
    """Pay back (退款) part or all of a room's prepaid balance: money out, with a receipt number."""
    access.require("fees.void", staff_id)
    reason = _reason(reason)
    fen = fen_of(amount, "amount")
    if fen <= 0:
        raise ValidationError("amount", _("A refund must be above zero."))
    if method not in METHODS:
        raise ValidationError("method", _("Unknown payment method “{value}”: use one of {choices}.").format(
            value=str(method)[:20], choices="、".join(METHOD_WORDS)))
    room = Room.get_or_none(Room.id == room_id)
    if room is None:
        raise NotFoundError(_("No such room."))
    at = now()
    with transaction():
        _lock_room(room_id)
        balance = prepaid_balance(room_id)
        if fen > balance:
            raise ValidationError("amount", _("The room's prepaid balance is only {amount} yuan.").format(
                amount=money_text(balance)))
        number = _next_receipt(room.community_id, at.year)
        Payment.create(number=number, community=room.community_id, room=room_id, kind="refund",
                       method=method, reference=clean_text(reference, "reference", max_length=60),
                       amount_fen=-fen, reason=reason, staff=staff_id, taken_at=at)
        _add_prepaid(room_id, -fen)
        refresh_rooms([room_id])
    return get_payment(room.community_id, number, staff_id)


def waive(bill_id: int, amount: str, reason: str, staff_id: int | None = None) -> WaiverView:
    """减免: let go of part (or all) of what is due on a bill, with a reason."""
    access.require("fees.waive", staff_id)
    reason = _reason(reason)
    fen = fen_of(amount, "amount")
    if fen <= 0:
        raise ValidationError("amount", _("A waiver must be above zero."))
    with transaction():
        bill = Bill.get_or_none(Bill.id == bill_id)
        if bill is None:
            raise NotFoundError(_("No bill {id}.").format(id=bill_id))
        _lock_room(bill.room_id)
        bill = Bill.get_by_id(bill_id)  # as it is now that the room is ours
        due = bill.amount_fen - bill.paid_fen - bill.waived_fen
        if fen > due:
            raise ValidationError("amount", _("Only {amount} yuan is due on bill {id}.").format(
                amount=money_text(due), id=bill_id))
        row = Waiver.create(bill=bill_id, amount_fen=fen, reason=reason, staff=staff_id, at=now())
        Bill.update(waived_fen=Bill.waived_fen + fen).where(Bill.id == bill_id).execute()
        refresh_rooms([bill.room_id])
    return WaiverView(row.id, bill_id, fen, reason)


def _view(p: Payment, community: str, room: str) -> PaymentView:
    settled = tuple((a.bill_id, f"{a.item_name} {a.period}", a.fen) for a in (
        Allocation.select(Allocation.bill, FeeItem.name.alias("item_name"), Bill.period,
                          fn.SUM(Allocation.amount_fen).alias("fen"))
        .join(Bill).join(FeeItem).where(Allocation.payment == p.id)
        .group_by(Allocation.bill, FeeItem.name, Bill.period).order_by(Allocation.bill).objects()))
    voids = Payment.select(Payment.number).where(Payment.id == p.voids_id).scalar() if p.voids_id else ""
    voided_by = Payment.select(Payment.number).where(Payment.voids == p.id).scalar() or ""
    to_prepaid = p.amount_fen - sum(f for _b, _w, f in settled)
    return PaymentView(p.id, p.number, community, p.room_id, room, p.kind, p.method, p.reference,
                       p.payer_name, p.amount_fen, p.taken_at, p.reason, voids or "", voided_by,
                       settled, to_prepaid, invoice_states([p.id]).get(p.id, ""))


#: How the statement and a receipt show a payment's invoice (data.fees.invoices).
INVOICE_ZH = {"pending": "待开票", "issued": "已开票", "cancelled": "已取消"}


def invoice_state(status: str, number: str) -> str:
    """待开票, 已开票 No.12345678 or 已取消."""
    if status == "issued":
        return f"已开票 No.{number}"
    return INVOICE_ZH.get(status, status)


def invoice_states(payment_ids: list[int]) -> dict[int, str]:
    """The invoice state of each of these payments that has a request not cancelled."""
    if not payment_ids:
        return {}
    found = (Invoice.select(Invoice.payment, Invoice.status, Invoice.number)
             .where(Invoice.payment.in_(payment_ids), Invoice.status != "cancelled").tuples())
    return {pid: invoice_state(status, number) for pid, status, number in found}


def get_payment(community_id: int | None, ref: str | int, staff_id: int | None = None) -> PaymentView:
    """A payment, void or refund by receipt number (or id), with what it settled."""
    access.require("fees.view", staff_id)
    p = find_payment(community_id, ref)
    community = Community.get_by_id(p.community_id).name
    room = Room.get_by_id(p.room_id).code
    return _view(p, community, room)


def statement(room_id: int, limit: int = 50, staff_id: int | None = None) -> Statement:
    """A room's account: its bills and payments newest first (at most `limit` each), what
    is due and its prepaid balance."""
    from data.fees.arrears import bill_rows

    access.require("fees.view", staff_id)
    room = Room.get_or_none(Room.id == room_id)
    if room is None:
        raise NotFoundError(_("No such room."))
    community = Community.get_by_id(room.community_id).name
    bills = bill_rows(Bill.room == room_id, limit)
    payments = tuple(_view(p, community, room.code) for p in Payment.select().where(Payment.room == room_id)
                     .order_by(Payment.taken_at.desc(), Payment.id.desc()).limit(max(1, min(limit, 500))))
    due = (Bill.select(fn.COALESCE(fn.SUM(Bill.amount_fen - Bill.paid_fen - Bill.waived_fen), 0))
           .where(Bill.room == room_id).scalar())
    return Statement(room_id, room.code, community, bills, payments, int(due or 0), prepaid_balance(room_id))

"""Invoices (发票) against payments (issue 18 item 7): the payer's request — a title (a
person's name, or a company's with its 统一社会信用代码 checked per GB 32100-2015), an email
— and the invoice number (发票号码: 8 digits, or 20 for a 数电发票) recorded once the tax
system issued it. One invoice per payment; a voided payment gets none; a request may be
cancelled while not issued."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from peewee import JOIN

from data import access
from data.clock import now
from data.db import transaction
from data.errors import ValidationError
from data.fees.payments import INVOICE_ZH, find_payment, invoice_state, invoice_states
from data.i18n import N_, _
from data.models import Community, Invoice, Payment, Room, Staff
from data.validators import clean_text, fold_width

STATUSES = {"pending": N_("to issue"), "issued": N_("issued"), "cancelled": N_("cancelled")}
STATUS_ZH = INVOICE_ZH
#: GB 32100-2015: the code's 31 characters (no I, O, S, V, Z) and the check digit's weights.
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
#: A title with these words names an organisation, which needs its tax number.
COMPANY_WORDS = ("公司", "有限", "集团", "企业", "事务所", "中心", "协会", "委员会", "银行", "学校", "医院")
MAX_LIST = 500
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class InvoiceRow:
    """An invoice request and, once issued, its number."""

    id: int
    receipt: str
    community: str
    room: str
    amount_fen: int
    title: str
    tax_no: str
    email: str
    status: str  # STATUSES
    number: str
    requested_at: dt.datetime
    issued_by: str
    issued_at: dt.datetime | None

    @property
    def state_text(self) -> str:
        """待开票, 已开票 No.12345678 or 已取消."""
        return invoice_state(self.status, self.number)

    def as_json(self) -> dict:
        out = asdict(self)
        out.update(requested_at=self.requested_at.isoformat(sep=" ", timespec="seconds"),
                   issued_at=self.issued_at.isoformat(sep=" ", timespec="seconds") if self.issued_at else None,
                   state=self.state_text)
        return out


def check_tax_no(text: str, field_name: str = "tax_no") -> str:
    """The 统一社会信用代码 in capitals, or ValidationError: 18 characters of the code's set
    and the right check digit (GB 32100-2015: 31 − Σ value × weight mod 31)."""
    code = "".join(fold_width(text or "").split()).upper()
    if len(code) != 18:
        raise ValidationError(field_name, _("A tax number (统一社会信用代码) has 18 characters, not {n}.").format(
            n=len(code)))
    bad = [ch for ch in code if ch not in CODE_CHARS]
    if bad:
        raise ValidationError(field_name, _("“{ch}” cannot be in a tax number: it uses the digits and the capitals "
                                            "other than I, O, S, V and Z.").format(ch=bad[0][:1]))
    total = sum(CODE_CHARS.index(ch) * w for ch, w in zip(code, WEIGHTS, strict=False))
    check = CODE_CHARS[(31 - total % 31) % 31]
    if code[17] != check:
        raise ValidationError(field_name, _("Tax number {code} fails its check digit: look for a mistyped "
                                            "character.").format(code=code))
    return code


def _number(text: str) -> str:
    number = "".join(fold_width(text or "").split())
    if not number.isdigit() or not number.isascii() or len(number) not in (8, 20):
        raise ValidationError("number", _("An invoice number (发票号码) is 8 digits, or 20 for an electronic "
                                          "invoice (数电发票)."))
    return number


def _open_invoice(payment_id: int) -> Invoice | None:
    return (Invoice.select().where(Invoice.payment == payment_id, Invoice.status != "cancelled")
            .order_by(Invoice.id.desc()).first())


def request_invoice(payment_ref: str | int, title: str, tax_no: str = "", email: str = "", *,
                    community_id: int | None = None, staff_id: int | None = None) -> InvoiceRow:
    """Ask for an invoice against a payment (its receipt number): a company's title needs
    its tax number, a person's none."""
    access.require("fees.invoice", staff_id)
    title = clean_text(title, "title", max_length=100)
    if not title:
        raise ValidationError("title", _("Give the invoice title (a name or a company)."))
    tax_no = check_tax_no(tax_no) if (tax_no or "").strip() else ""
    if not tax_no and any(word in title for word in COMPANY_WORDS):
        raise ValidationError("tax_no", _("“{title}” is an organisation: give its tax number (统一社会信用代码).").format(
            title=title[:40]))
    email = clean_text(email or "", "email", max_length=120)
    if email and not _EMAIL.match(email):
        raise ValidationError("email", _("“{email}” is not an email address.").format(email=email[:40]))
    with transaction():
        payment = find_payment(community_id, payment_ref)
        if payment.kind != "payment":
            raise ValidationError("payment", _("{number} is not a payment: only payments get invoices.").format(
                number=payment.number))
        if Payment.select().where(Payment.voids == payment.id).exists():
            raise ValidationError("payment", _("Payment {number} was voided: it gets no invoice.").format(
                number=payment.number))
        existing = _open_invoice(payment.id)
        if existing is not None:
            raise ValidationError("payment", _("Payment {number} already has an invoice ({state}).").format(
                number=payment.number, state=invoice_state(existing.status, existing.number)))
        row = Invoice.create(payment=payment.id, community=payment.community_id, title=title, tax_no=tax_no,
                             email=email, requested_by=staff_id, requested_at=now())
    return _rows(Invoice.id == row.id)[0]


def _pending(payment_ref: str | int, community_id: int | None) -> Invoice:
    payment = find_payment(community_id, payment_ref)
    invoice = _open_invoice(payment.id)
    if invoice is None:
        raise ValidationError("payment", _("No invoice was requested for {number}.").format(number=payment.number))
    if invoice.status == "issued":
        raise ValidationError("payment", _("The invoice of {number} is already issued: No.{invoice}.").format(
            number=payment.number, invoice=invoice.number))
    return invoice


def record_invoice(payment_ref: str | int, number: str, staff_id: int | None = None, *,
                   community_id: int | None = None) -> InvoiceRow:
    """Record the invoice number the tax system issued for a payment's request."""
    access.require("fees.invoice", staff_id)
    number = _number(number)
    with transaction():
        invoice = _pending(payment_ref, community_id)
        if Payment.select().where(Payment.voids == invoice.payment_id).exists():
            raise ValidationError("payment", _("The payment was voided: cancel its invoice request instead."))
        used = (Invoice.select(Payment.number).join(Payment, on=(Invoice.payment == Payment.id))
                .where(Invoice.number == number, Invoice.status == "issued").scalar())
        if used:
            raise ValidationError("number", _("Invoice No.{number} is already recorded for payment {receipt}: "
                                              "check the number.").format(number=number, receipt=used))
        (Invoice.update(status="issued", number=number, issued_by=staff_id, issued_at=now())
         .where(Invoice.id == invoice.id).execute())
    return _rows(Invoice.id == invoice.id)[0]


def cancel_invoice(payment_ref: str | int, staff_id: int | None = None, *,
                   community_id: int | None = None) -> InvoiceRow:
    """Cancel a payment's invoice request while it is not issued."""
    access.require("fees.invoice", staff_id)
    with transaction():
        invoice = _pending(payment_ref, community_id)
        Invoice.update(status="cancelled").where(Invoice.id == invoice.id).execute()
    return _rows(Invoice.id == invoice.id)[0]


def _rows(*where, limit: int = MAX_LIST) -> list[InvoiceRow]:
    query = (Invoice.select(Invoice, Payment.number.alias("receipt"), Payment.amount_fen.alias("amount"),
                            Community.name.alias("cname"), Room.code.alias("rcode"), Staff.name.alias("sname"))
             .join(Payment, on=(Invoice.payment == Payment.id))
             .join(Room, on=(Payment.room == Room.id)).switch(Invoice)
             .join(Community, on=(Invoice.community == Community.id)).switch(Invoice)
             .join(Staff, JOIN.LEFT_OUTER, on=(Invoice.issued_by == Staff.id))
             .where(*where).order_by(Invoice.requested_at.desc(), Invoice.id.desc()).limit(limit))
    return [InvoiceRow(r.id, r.receipt, r.cname, r.rcode, r.amount, r.title, r.tax_no, r.email, r.status,
                       r.number, r.requested_at, r.sname or "", r.issued_at) for r in query.objects()]


def invoices(status: str | None = None, community_id: int | None = None,
             staff_id: int | None = None) -> list[InvoiceRow]:
    """Invoice requests, newest first: every one, or those of a status (pending, issued,
    cancelled), of one community or all."""
    access.require("fees.view", staff_id)
    where = [Invoice.id > 0]
    if status:
        if status not in STATUSES:
            raise ValidationError("status", _("Unknown invoice status “{value}”: use one of {choices}.").format(
                value=str(status)[:20], choices="、".join(STATUSES)))
        where.append(Invoice.status == status)
    if community_id is not None:
        where.append(Invoice.community == community_id)
    return _rows(*where)


__all__ = ["STATUSES", "STATUS_ZH", "InvoiceRow", "cancel_invoice", "check_tax_no", "invoice_state",
           "invoice_states", "invoices", "record_invoice", "request_invoice"]

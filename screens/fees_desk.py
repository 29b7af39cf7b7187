"""The fees desk's forms (issue 18 items 6 and 7): the public accounts (公示) written as a PDF or
XLSX into the export folder, and a payment's invoice (发票) — the request, then its number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from data import access, fees
from data.errors import ValidationError
from data.fees import accounts as acc
from data.fees import invoices, notices
from data.i18n import N_, _
from data.property.communities import list_communities
from widgets.form import FormField, FormModal

#: What the public-accounts form writes: (code, label).
NOTICE_KINDS = (
    ("board", N_("Fee standards board (收费标准公示)")),
    ("accounts", N_("Quarterly income and expenditure (季度收支)")),
    ("shared", N_("Half-yearly shared-facility income (公共收益)")),
)
FORMATS = (("pdf", "PDF (A4)"), ("xlsx", "XLSX"))


def may_print_accounts() -> bool:
    """Whoever reads fees prints the public accounts (data.fees.accounts requires fees.view)."""
    return access.can("fees.view")


def write_notice(values: dict[str, str], staff_id: int) -> Path:
    """Write the chosen public statement into the export folder; its path."""
    community = values.get("community", "")
    community_id = int(community) if community.isdigit() else None
    if community_id is None:
        raise ValidationError("community", _("Say which community."))
    fmt = values.get("format") or "pdf"
    what = values.get("what") or "accounts"
    if what == "board":
        return notices.board_file(community_id, fmt, staff_id)
    if what == "shared":
        return notices.shared_file(community_id, values.get("half", ""), fmt, staff_id)
    return notices.accounts_file(community_id, values.get("quarter", ""), fmt, staff_id)


def accounts_form(staff_id: int, community_id: int | None = None) -> FormModal:
    """公示: what, community, the quarter or half (the last finished by default), PDF or XLSX."""
    communities = [(c.name, str(c.id)) for c in list_communities()]
    chosen = str(community_id) if community_id is not None else (communities[0][1] if communities else "")
    fields = [
        FormField("what", _("Statement"), "accounts", kind="select",
                  options=[(_(label), code) for code, label in NOTICE_KINDS]),
        FormField("community", _("Community"), chosen, kind="select", options=communities),
        FormField("quarter", _("Quarter"), acc.last_quarter(), placeholder=_("such as 2026Q4"),
                  shown_when=("what", "accounts")),
        FormField("half", _("Half-year"), acc.last_half(), placeholder=_("such as 2026H2"),
                  shown_when=("what", "shared")),
        FormField("format", _("Format"), "pdf", kind="select",
                  options=[(label, code) for code, label in FORMATS]),
    ]
    return FormModal(_("Public accounts (公示)"), fields, lambda values: write_notice(values, staff_id),
                     save_label=_("Write file"))


def open_accounts_form(screen: Any, community_id: int | None = None) -> None:
    """Open the 公示 form over `screen`; the path written is told in a toast."""
    if not may_print_accounts():
        screen.notify(_("Only desk staff and leads see fees."), severity="error", markup=False)
        return

    def written(path: Path | None) -> None:
        if path is not None:
            screen.app.notify(_("Public statement written to {path}.").format(path=str(path)),
                              markup=False, timeout=15)

    screen.app.push_screen(accounts_form(screen.app.staff.id, community_id), written)


def invoice_form(payment: fees.PaymentView, staff_id: int) -> FormModal | str:
    """`i` on a payment: the request form (title, tax number, email) when it has none, the
    invoice number's form when it waits for one; otherwise why there is nothing to do."""
    if payment.kind != "payment" or payment.voided_by:
        return _("Only a payment that stands gets an invoice.")
    if not access.can("fees.invoice", staff_id):
        return _("Your role does not handle invoices.")
    if not payment.invoice:
        fields = [
            FormField("title", _("Invoice title"), payment.payer_name, placeholder=_("a name or a company (发票抬头)")),
            FormField("tax_no", _("Tax number"), placeholder=_("18 characters, needed for a company (统一社会信用代码)")),
            FormField("email", _("Email"), placeholder=_("where the electronic invoice goes (optional)")),
        ]
        return FormModal(_("Invoice for {number}").format(number=payment.number), fields,
                         lambda v: invoices.request_invoice(payment.id, v["title"], v["tax_no"], v["email"],
                                                            staff_id=staff_id),
                         save_label=_("Request invoice"))
    if payment.invoice == invoices.invoice_state("pending", ""):
        fields = [FormField("number", _("Invoice number"), placeholder=_("8 digits, or 20 for 数电发票"))]
        return FormModal(_("Invoice number for {number}").format(number=payment.number), fields,
                         lambda v: invoices.record_invoice(payment.id, v["number"], staff_id),
                         save_label=_("Record number"))
    return _("{number}: {state}.").format(number=payment.number, state=payment.invoice)


__all__ = ["NOTICE_KINDS", "accounts_form", "invoice_form", "may_print_accounts", "open_accounts_form",
           "write_notice"]

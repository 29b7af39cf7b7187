"""Invoices (发票) against payments: the request with its title and checked tax number, the
number recorded once issued, one per payment, none for a voided payment, cancelling while
not issued, and the state shown on the statement and the receipt lookup."""

from __future__ import annotations

import pytest

from data import fees
from data.errors import PermissionDenied, ValidationError
from data.fees.invoices import (
    cancel_invoice,
    check_tax_no,
    invoices,
    record_invoice,
    request_invoice,
)
from tests.helpers.fees import world

COMPANY_NO = "91350100M000100Y43"  # a valid 统一社会信用代码 (GB 32100-2015 check digit Y43 → 3)


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    w = world()
    fees.bill_period("2027-01")
    w.paid = fees.take_payment(w.rooms["3-1-101"], "195", "wechat", staff_id=w.desk.id)
    return w


def test_a_request_then_its_number_show_on_the_statement_and_the_receipt(w):
    row = request_invoice(w.paid.number, "张晓明", email="zxm@example.com", staff_id=w.desk.id)
    assert (row.status, row.state_text, row.room, row.amount_fen) == ("pending", "待开票", "3-1-101", 19500)
    assert fees.get_payment(None, w.paid.number, w.desk.id).invoice == "待开票"
    assert [p.invoice for p in fees.statement(w.rooms["3-1-101"], staff_id=w.desk.id).payments] == ["待开票"]
    issued = record_invoice(w.paid.number, "０１２３４５６７", w.desk.id)  # full-width digits are folded
    assert (issued.status, issued.number, issued.issued_by, issued.state_text) == (
        "issued", "01234567", "李娜", "已开票 No.01234567")
    assert fees.get_payment(None, w.paid.number, w.desk.id).invoice == "已开票 No.01234567"
    assert [r.receipt for r in invoices("pending", staff_id=w.desk.id)] == []
    assert [r.receipt for r in invoices("issued", w.comm.id, staff_id=w.desk.id)] == [w.paid.number]
    with pytest.raises(ValidationError, match="已开具"):
        record_invoice(w.paid.number, "12345678", w.desk.id)
    with pytest.raises(ValidationError, match="已开具"):
        cancel_invoice(w.paid.number, w.desk.id)


def test_one_invoice_per_payment_and_a_cancelled_request_can_be_asked_again(w):
    request_invoice(w.paid.number, "张晓明", staff_id=w.desk.id)
    with pytest.raises(ValidationError, match="已有发票"):
        request_invoice(w.paid.number, "张晓明", staff_id=w.desk.id)
    assert cancel_invoice(w.paid.number, w.desk.id).status == "cancelled"
    assert fees.get_payment(None, w.paid.number, w.desk.id).invoice == ""
    row = request_invoice(w.paid.number, "厦门某某科技有限公司", COMPANY_NO.lower(), staff_id=w.desk.id)
    assert (row.title, row.tax_no) == ("厦门某某科技有限公司", COMPANY_NO)
    assert [r.status for r in invoices(staff_id=w.desk.id)] == ["pending", "cancelled"]


def test_a_voided_payment_gets_no_invoice_and_a_void_is_not_a_payment(w):
    void = fees.void_payment(None, w.paid.number, "收错房号", w.lead.id)
    with pytest.raises(ValidationError, match="已作废"):
        request_invoice(w.paid.number, "张晓明", staff_id=w.desk.id)
    with pytest.raises(ValidationError, match="不是收款"):
        request_invoice(void.number, "张晓明", staff_id=w.desk.id)
    assert invoices(staff_id=w.desk.id) == []


@pytest.mark.parametrize(("tax_no", "message"), [
    ("91350100M000100Y4", "18 位"),
    ("91350100M000100Y4I", "不能有"),
    ("91350100M000100Y44", "校验位"),
])
def test_tax_numbers_are_checked(w, tax_no, message):
    with pytest.raises(ValidationError, match=message) as info:
        request_invoice(w.paid.number, "某某公司", tax_no, staff_id=w.desk.id)
    assert info.value.field == "tax_no"
    assert invoices(staff_id=w.desk.id) == []


def test_bad_requests_and_numbers_are_named_and_nothing_is_stored(w):
    with pytest.raises(ValidationError, match="单位抬头") as info:
        request_invoice(w.paid.number, "锦绣物业服务有限公司", staff_id=w.desk.id)
    assert info.value.field == "tax_no"
    with pytest.raises(ValidationError) as info:
        request_invoice(w.paid.number, "  ", staff_id=w.desk.id)
    assert info.value.field == "title"
    with pytest.raises(ValidationError) as info:
        request_invoice(w.paid.number, "张晓明", email="not-an-address", staff_id=w.desk.id)
    assert info.value.field == "email"
    assert invoices(staff_id=w.desk.id) == []
    with pytest.raises(ValidationError, match="没有开票申请"):
        record_invoice(w.paid.number, "12345678", w.desk.id)
    request_invoice(w.paid.number, "张晓明", staff_id=w.desk.id)
    for number in ("1234567", "123456789", "1234567a", "１２３４５６７８９０１２３４５６７８９"):
        with pytest.raises(ValidationError, match="8 位数字") as info:
            record_invoice(w.paid.number, number, w.desk.id)
        assert info.value.field == "number"
    assert record_invoice(w.paid.number, "12345678901234567890", w.desk.id).number == "12345678901234567890"


def test_check_digit_of_known_codes_and_who_may_act(w):
    assert check_tax_no("91110000600037341L") == "91110000600037341L"
    with pytest.raises(PermissionDenied):
        request_invoice(w.paid.number, "张晓明", staff_id=w.tech.id)
    with pytest.raises(PermissionDenied):
        invoices(staff_id=w.tech.id)

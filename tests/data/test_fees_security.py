"""The security tester's fee findings (issue 18): wild or far-future meter readings, a
reading deleted by a lead only, a deposit or an invoiced payment that cannot be voided,
invoice numbers recorded once, a deposit locked after approval, fen past 32 bits on both
databases, and amounts only as people write them."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest

from data import fees, renovations
from data.errors import PermissionDenied, ValidationError
from data.fees.invoices import record_invoice, request_invoice
from data.models import AuditLog, Bill, FeeAccount, Invoice, MeterReading, Payment
from data.renovations import RenovationInput
from tests.helpers.fees import world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    w = world()
    w.water = fees.create_item(w.comm.id, "水费", "meter", "monthly")
    fees.add_standard(w.water.id, "3.45", dt.date(2020, 1, 1))
    return w


# --- 1: meter readings ------------------------------------------------------------------------------


def test_a_wild_reading_is_refused_for_the_desk_and_a_lead_may_confirm_it(w):
    room = w.rooms["3-1-101"]
    with pytest.raises(ValidationError) as exc:
        fees.record_reading(room, "水费", "2027-01", "9999999999.99", staff_id=w.desk.id)
    assert exc.value.field == "reading" and "9999999.99" in exc.value.message
    fees.record_reading(room, "水费", "2027-01", "100", staff_id=w.desk.id)
    with pytest.raises(ValidationError) as exc:
        fees.record_reading(room, "水费", "2027-02", "9000000", staff_id=w.desk.id)
    assert exc.value.field == "reading" and "fees.manage" in exc.value.message
    assert MeterReading.select().count() == 1
    row = fees.record_reading(room, "水费", "2027-02", "10100", staff_id=w.lead.id)  # 10 000 t: a lead may
    assert row.consumption == Decimal("10000.00")


def test_a_line_over_the_limit_is_reported_and_the_run_goes_on(w):
    a, b = w.rooms["3-1-101"], w.rooms["5-1-101"]
    for room in (a, b):
        fees.record_reading(room, "水费", "2027-01", "0")
    fees.record_reading(a, "水费", "2027-02", "9000000", staff_id=w.lead.id)  # 31 050 000 yuan
    fees.record_reading(b, "水费", "2027-02", "10")
    result = fees.bill_period("2027-02")
    assert result.bad_readings == ("3-1-101 水费",)
    water = {r: f for r, f in Bill.select(Bill.room, Bill.amount_fen).where(Bill.item == w.water.id).tuples()}
    assert water == {b: 3450}  # the other room is billed; the wild reading is not


def test_a_future_reading_is_refused(w):
    room = w.rooms["3-1-101"]
    with pytest.raises(ValidationError) as exc:
        fees.record_reading(room, "水费", "2200-12", "1")
    assert exc.value.field == "period" and "2200-12" in exc.value.message
    fees.record_reading(room, "水费", "2027-03", "5")  # the current month is fine
    assert MeterReading.select().count() == 1


def test_a_lead_deletes_the_latest_unbilled_reading_audited(w):
    room = w.rooms["3-1-101"]
    fees.record_reading(room, "水费", "2027-01", "100")
    fees.record_reading(room, "水费", "2027-02", "9100", staff_id=w.lead.id)
    with pytest.raises(PermissionDenied):
        fees.delete_reading(room, "水费", "2027-02", w.desk.id)
    with pytest.raises(ValidationError, match="2027-02"):
        fees.delete_reading(room, "水费", "2027-01", w.lead.id)  # not the latest
    row = fees.delete_reading(room, "水费", "2027-02", w.lead.id)
    assert row.reading == Decimal("9100.00")
    assert [r.period for r in MeterReading.select()] == ["2027-01"]
    assert AuditLog.select().where(AuditLog.entity == "meter_reading", AuditLog.action == "delete").count() == 1
    fees.record_reading(room, "水费", "2027-02", "110")
    fees.bill_period("2027-02")
    with pytest.raises(ValidationError) as exc:
        fees.delete_reading(room, "水费", "2027-02", w.lead.id)  # its bill is issued
    assert exc.value.field == "period"
    assert MeterReading.select().count() == 2


def test_a_meter_change_needs_a_note_and_is_audited(w):
    room = w.rooms["3-1-101"]
    fees.record_reading(room, "水费", "2027-01", "500")
    with pytest.raises(ValidationError) as exc:
        fees.record_reading(room, "水费", "2027-02", "3", meter_change=True)
    assert exc.value.field == "note"
    row = fees.record_reading(room, "水费", "2027-02", "3", meter_change=True, note="旧表冻裂")
    entry = AuditLog.get(AuditLog.entity == "meter_reading", AuditLog.entity_id == row.id)
    assert (entry.action, entry.new_value) == ("replace", "旧表冻裂")


# --- 3, 4: voids ----------------------------------------------------------------------------------


def test_a_deposit_payment_cannot_be_voided(w):
    view = renovations.register(RenovationInput(
        room_id=w.rooms["3-1-101"], contractor="美家装饰工程有限公司", contractor_phone="021-5555 1234",
        start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 4, 30), scope="厨卫翻新", deposit="2000",
        deposit_received=True), w.desk.id)
    with pytest.raises(ValidationError) as exc:
        fees.void_payment(None, view.deposit_receipt, "退押金", w.lead.id)
    assert view.number in exc.value.message
    assert Payment.select().where(Payment.kind == "void").count() == 0


def test_an_invoiced_payment_cannot_be_voided_and_a_pending_request_is_cancelled(w):
    room = w.rooms["3-1-101"]
    first = fees.take_payment(room, "100", "cash", staff_id=w.desk.id)
    second = fees.take_payment(room, "50", "cash", staff_id=w.desk.id)
    request_invoice(first.number, "张晓明", staff_id=w.desk.id)
    record_invoice(first.number, "12345678", w.desk.id)
    with pytest.raises(ValidationError, match="红字发票"):
        fees.void_payment(None, first.number, "收错", w.lead.id)
    request_invoice(second.number, "张晓明", staff_id=w.desk.id)
    fees.void_payment(None, second.number, "收错", w.lead.id)
    assert Invoice.get(Invoice.payment == second.id).status == "cancelled"


def test_an_invoice_number_is_recorded_once(w):
    room = w.rooms["3-1-101"]
    first = fees.take_payment(room, "100", "cash", staff_id=w.desk.id)
    second = fees.take_payment(room, "50", "cash", staff_id=w.desk.id)
    for p in (first, second):
        request_invoice(p.number, "张晓明", staff_id=w.desk.id)
    record_invoice(first.number, "12345678", w.desk.id)
    with pytest.raises(ValidationError) as exc:
        record_invoice(second.number, "12345678", w.desk.id)
    assert exc.value.field == "number" and first.number in exc.value.message
    assert Invoice.get(Invoice.payment == second.id).status == "pending"


# --- 5: deposit locked after approval -----------------------------------------------------------------


def test_the_desk_cannot_change_an_approved_deposit(w):
    view = renovations.register(RenovationInput(
        room_id=w.rooms["3-1-101"], contractor="美家装饰工程有限公司", contractor_phone="021-5555 1234",
        start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 4, 30), scope="厨卫翻新", deposit="2000"),
        w.desk.id)
    renovations.approve(view.id, w.lead.id)
    with pytest.raises(ValidationError) as exc:
        renovations.record_deposit(view.id, w.desk.id, "0.01")
    assert exc.value.field == "deposit" and "2000.00" in exc.value.message
    assert renovations.record_deposit(view.id, w.desk.id, "2000").deposit == Decimal("2000.00")  # same: fine


# --- 6: 64-bit fen and strict amounts -------------------------------------------------------------


def test_prepaid_past_32_bits_is_kept(w):
    room = w.rooms["3-1-102"]
    for _n in range(3):
        fees.take_payment(room, "10000000", "transfer", reference="TX", staff_id=w.desk.id)
    assert FeeAccount.get(FeeAccount.room == room).prepaid_fen == 3_000_000_000


@pytest.mark.parametrize("typed", ["1e3", "1E3", "1_000", "1,0.5", "12,34", "1.2.3", "NaN", "Infinity", "٣"])
def test_amounts_only_as_people_write_them(typed):
    with pytest.raises(ValidationError):
        fees.fen_of(typed, "amount")


@pytest.mark.parametrize("typed, fen", [("1,000.50", 100050), ("１２３", 12300), ("¥20", 2000), ("20元", 2000),
                                        ("1,234,567.89", 123456789), ("0.5", 50)])
def test_amounts_people_write_are_taken(typed, fen):
    assert fees.fen_of(typed, "amount") == fen


def test_an_import_refuses_a_fifo_without_hanging(w, tmp_path):
    fifo = tmp_path / "readings.csv"
    os.mkfifo(fifo)
    with pytest.raises(ValidationError, match="readings.csv"):
        fees.import_readings(str(fifo), w.comm.id, "水费", "2027-02")

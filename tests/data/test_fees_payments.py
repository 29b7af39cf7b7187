"""Payments at the desk: oldest first or the bills named, overpayment to the prepaid balance,
gap-free receipt numbers (also under concurrent payments), voids, refunds and waivers by a
supervisor only, with a reason, the original staying visible."""

from __future__ import annotations

import threading

import pytest

from data import fees
from data.db import close_database
from data.errors import PermissionDenied, ValidationError
from data.models import Bill, Payment
from tests.helpers.fees import world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    w = world()
    for period in ("2027-01", "2027-02", "2027-03"):
        fees.bill_period(period)
    return w


def dues(room_id):
    return [(b.period, b.amount_fen - b.paid_fen - b.waived_fen)
            for b in Bill.select().where(Bill.room == room_id).order_by(Bill.period, Bill.item)]


def test_a_payment_settles_the_oldest_bills_first_and_the_rest_is_prepaid(w):
    room = w.rooms["3-1-101"]  # 185.00 + 10.00 a month
    p = fees.take_payment(room, "400", "wechat", payer_name="张晓明", staff_id=w.desk.id)
    assert p.number == "SJ-2027-000001"
    assert p.amount_in_words == "肆佰元整"
    assert dues(room) == [("2027-01", 0), ("2027-01", 0), ("2027-02", 0), ("2027-02", 0),
                          ("2027-03", 17500), ("2027-03", 1000)]
    assert p.prepaid_fen == 0
    p2 = fees.take_payment(room, "190", "cash", staff_id=w.desk.id)
    assert p2.number == "SJ-2027-000002"
    assert fees.room_due(room) == 0
    assert fees.prepaid_balance(room) == 500
    assert p2.prepaid_fen == 500


def test_the_payer_names_the_bills(w):
    room = w.rooms["3-1-101"]
    march = [b.id for b in Bill.select().where(Bill.room == room, Bill.period == "2027-03").order_by(Bill.id)]
    fees.take_payment(room, "195", "alipay", bill_ids=march)
    assert dues(room)[-2:] == [("2027-03", 0), ("2027-03", 0)]
    assert dues(room)[0] == ("2027-01", 18500)
    other = Bill.get(Bill.room == w.rooms["5-1-101"]).id
    with pytest.raises(ValidationError):
        fees.take_payment(room, "10", "cash", bill_ids=[other])
    assert Payment.select().count() == 1


def test_a_bank_transfer_needs_its_reference(w):
    with pytest.raises(ValidationError) as caught:
        fees.take_payment(w.rooms["3-1-101"], "100", "transfer")
    assert caught.value.field == "reference"
    assert fees.take_payment(w.rooms["3-1-101"], "100", "transfer", reference="TX20270305001").number \
        == "SJ-2027-000001"


def test_receipts_count_per_community_and_year(w, monkeypatch):
    from data import people
    from tests import factories as f

    other = f.community("翠湖苑", code="CH")
    rid = people.ensure_room(other.id, "1-1-101")
    assert fees.take_payment(w.rooms["3-1-101"], "1", "cash").number == "SJ-2027-000001"
    assert fees.take_payment(rid, "1", "cash").number == "SJ-2027-000001"
    assert fees.take_payment(w.rooms["3-1-101"], "1", "cash").number == "SJ-2027-000002"
    monkeypatch.setenv("FRONTDESK_NOW", "2028-01-02 09:00")
    assert fees.take_payment(w.rooms["3-1-101"], "1", "cash").number == "SJ-2028-000001"


def test_void_needs_a_supervisor_and_a_reason_and_keeps_the_original(w):
    room = w.rooms["3-1-101"]
    p = fees.take_payment(room, "400", "cash", staff_id=w.desk.id)
    with pytest.raises(PermissionDenied):
        fees.void_payment(w.comm.id, p.number, "收错了", staff_id=w.desk.id)
    with pytest.raises(ValidationError):
        fees.void_payment(w.comm.id, p.number, "  ", staff_id=w.lead.id)
    void = fees.void_payment(w.comm.id, p.number, "收错了", staff_id=w.lead.id)
    assert (void.number, void.kind, void.amount_fen, void.voids) == ("SJ-2027-000002", "void", -40000, p.number)
    original = fees.get_payment(w.comm.id, p.number)
    assert (original.amount_fen, original.voided_by) == (40000, "SJ-2027-000002")
    assert fees.room_due(room) == 3 * 19500
    assert fees.prepaid_balance(room) == 0
    with pytest.raises(ValidationError):
        fees.void_payment(w.comm.id, p.number, "again", staff_id=w.lead.id)


def test_voiding_a_prepayment_already_used_reopens_the_bills(w):
    room = w.rooms["5-1-101"]  # 166.50 + 10 a month
    p = fees.take_payment(room, "1000", "cash")  # 3 × 176.50 = 529.50 settled, 470.50 prepaid
    assert fees.prepaid_balance(room) == 47050
    fees.bill_period("2027-04")
    assert fees.prepaid_balance(room) == 47050 - 17650
    fees.void_payment(w.comm.id, p.number, "假币", staff_id=w.lead.id)
    assert fees.prepaid_balance(room) == 0
    assert fees.room_due(room) == 4 * 17650


def test_refund_and_waiver(w):
    room = w.rooms["3-1-101"]
    fees.take_payment(room, "600", "cash")
    assert fees.prepaid_balance(room) == 600 * 100 - 3 * 19500
    with pytest.raises(PermissionDenied):
        fees.refund(room, "10", "业主要求退回", staff_id=w.desk.id)
    with pytest.raises(ValidationError):
        fees.refund(room, "100", "业主要求退回", staff_id=w.lead.id)
    r = fees.refund(room, "15", "业主要求退回", staff_id=w.lead.id)
    assert (r.kind, r.amount_fen) == ("refund", -1500)
    assert fees.prepaid_balance(room) == 0
    bill = Bill.get(Bill.room == w.rooms["3-1-102"], Bill.period == "2027-01", Bill.item == w.service.id)
    with pytest.raises(PermissionDenied):
        fees.waive(bill.id, "10", "房屋漏水", staff_id=w.desk.id)
    with pytest.raises(ValidationError):
        fees.waive(bill.id, "1000", "房屋漏水", staff_id=w.lead.id)
    fees.waive(bill.id, "48", "房屋漏水", staff_id=w.lead.id)
    assert Bill.get_by_id(bill.id).waived_fen == 4800


def test_receipt_numbers_have_no_gaps_under_concurrent_payments(w):
    """Four desks at once, six payments each, on their own connections: 24 numbers, 1–24."""
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(4)
    rooms = list(w.rooms.values())

    def desk(i: int) -> None:
        try:
            start.wait()
            for _n in range(6):
                view = fees.take_payment(rooms[i], "1.01", "cash")
                with lock:
                    numbers.append(view.number)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            close_database()

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"SJ-2027-{n:06d}" for n in range(1, 25)]


def test_a_payment_partly_refunded_cannot_be_voided(w):
    """Found by the balance property: pay into the prepaid balance, refund part, void."""
    room = w.rooms["3-1-101"]
    p = fees.take_payment(room, "700", "cash")  # 585 settles three months, 115 prepaid
    fees.refund(room, "0.01", "退零头", staff_id=w.lead.id)
    with pytest.raises(ValidationError):
        fees.void_payment(w.comm.id, p.number, "作废", staff_id=w.lead.id)
    assert fees.prepaid_balance(room) == 11499
    assert Payment.select().where(Payment.kind == "void").count() == 0


def test_concurrent_payments_for_one_room_never_overpay_a_bill(w):
    """Four desks take three payments of 100 each for the same room at once: the 585 due is
    settled exactly once, the other 615 is prepaid (the room's account row is locked)."""
    room = w.rooms["3-1-101"]
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def desk() -> None:
        try:
            start.wait()
            for _n in range(3):
                fees.take_payment(room, "100", "cash")
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            close_database()

    threads = [threading.Thread(target=desk) for _i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Bill.select().where(Bill.room == room, Bill.paid_fen != Bill.amount_fen).count() == 0
    assert fees.prepaid_balance(room) == 120000 - 3 * 19500

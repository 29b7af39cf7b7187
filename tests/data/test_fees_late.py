"""Late fees (滞纳金): off by default, a community's daily rate from a start date, one line per
room for the previous month computed by hand, nothing before the start date, reruns issuing
nothing new, and only supervisors turn them on or off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import fees
from data.errors import PermissionDenied, ValidationError
from data.models import Bill, FeeItem
from tests.helpers.fees import world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-05 09:00")
    w = world()
    fees.bill_period("2026-12")
    fees.bill_period("2027-01")
    return w


def late_lines(room_id=None):
    query = (Bill.select(Bill, FeeItem.name).join(FeeItem)
             .where(FeeItem.name == "滞纳金").order_by(Bill.room))
    if room_id is not None:
        query = query.where(Bill.room == room_id)
    return [(b.period, b.starts_on, b.ends_on, b.amount_fen) for b in query]


def test_off_by_default(w):
    assert fees.late_fee_terms(w.comm.id) is None
    fees.bill_period("2027-02")
    assert late_lines() == []


def test_late_fee_hand_computed_and_rerun_issues_nothing(w):
    terms = fees.set_late_fee(w.comm.id, "0.0005", dt.date(2026, 1, 1), w.lead.id)
    assert (terms.rate, terms.starts_on) == (Decimal("0.0005"), dt.date(2026, 1, 1))
    fees.take_payment(w.rooms["5-1-101"], "500", "cash")  # 5-1-101 pays everything it owes
    result = fees.bill_period("2027-02")
    # 3-1-101's December bills (物业服务费 185.00, 垃圾清运费 10.00), due 31 December, unpaid all
    # of January: 0.0005 × (18500 + 1000) × 31 = 302.25 → 302 fen (rounded once for the line,
    # not 287 + 16). January's own bills fall due on 31 January: not overdue in January.
    assert late_lines(w.rooms["3-1-101"]) == [
        ("2027-02", dt.date(2027, 1, 1), dt.date(2027, 1, 31), 302)]
    assert late_lines(w.rooms["5-1-101"]) == []
    assert len(late_lines()) == 3
    again = fees.bill_period("2027-02")
    assert again.bills == 0
    assert len(late_lines()) == 3
    assert result.bills == 8 + 3  # February's 4 rooms × 2 items, and the late fees


def test_nothing_before_the_start_date(w):
    fees.set_late_fee(w.comm.id, "0.0005", dt.date(2027, 1, 20), w.lead.id)
    fees.bill_period("2027-02")
    # 20–31 January: 12 days × 0.0005 × 19500 = 117 fen
    assert late_lines(w.rooms["3-1-101"]) == [("2027-02", dt.date(2027, 1, 1), dt.date(2027, 1, 31), 117)]
    fees.set_late_fee(w.comm.id, "0.0005", dt.date(2027, 2, 1), w.lead.id)
    fees.bill_period("2027-02", w.comm.id)
    assert len(late_lines()) == 4  # nothing new (every room owes December)


def test_a_start_in_the_future_charges_nothing(w):
    fees.set_late_fee(w.comm.id, "0.0005", dt.date(2027, 2, 1), w.lead.id)
    fees.bill_period("2027-02")
    assert late_lines() == []


def test_only_supervisors_and_sane_rates(w):
    with pytest.raises(PermissionDenied):
        fees.set_late_fee(w.comm.id, "0.0005", dt.date(2027, 1, 1), w.desk.id)
    for bad in ("abc", "0", "-0.001", "0.5", "NaN"):
        with pytest.raises(ValidationError) as exc:
            fees.set_late_fee(w.comm.id, bad, dt.date(2027, 1, 1), w.lead.id)
        assert exc.value.field == "rate"
    assert fees.late_fee_terms(w.comm.id) is None
    fees.set_late_fee(w.comm.id, "0.0005", dt.date(2027, 1, 1), w.lead.id)
    assert fees.set_late_fee(w.comm.id, None, staff_id=w.lead.id) is None
    fees.bill_period("2027-02")
    assert late_lines() == []


def test_a_rate_is_at_least_the_minimum_with_at_most_six_decimals_shown_fixed_point(w):
    for bad, said in (("0.0000000001", "0.00001"), ("1e-4", "0.00001"), ("0.0000125", "6"),
                      ("0.000001", "0.00001")):
        with pytest.raises(ValidationError) as exc:
            fees.set_late_fee(w.comm.id, bad, dt.date(2027, 1, 1), w.lead.id)
        assert exc.value.field == "rate" and said in str(exc.value)
    assert fees.late_fee_terms(w.comm.id) is None
    terms = fees.set_late_fee(w.comm.id, "0.00001", dt.date(2027, 1, 1), w.lead.id)
    assert terms.rate_text == "0.00001" and terms.as_json()["rate"] == "0.00001"
    terms = fees.set_late_fee(w.comm.id, "0.000150", dt.date(2027, 1, 1), w.lead.id)
    assert terms.rate_text == "0.00015" and "E" not in fees.late_fee_terms(w.comm.id).rate_text

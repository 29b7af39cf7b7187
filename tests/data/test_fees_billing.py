"""Issuing bills: every room per period, idempotent reruns, owners by days, the developer,
the vacancy rate, dated standards, cycles, and prepaid balances used at billing."""

from __future__ import annotations

import datetime as dt

import pytest

from data import fees, people
from data.errors import PermissionDenied, ValidationError
from data.models import Bill, Occupancy, Setting
from tests.helpers.fees import world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-01-05 09:00")
    return world()


def lines(room_id, item_id=None):
    query = Bill.select().where(Bill.room == room_id).order_by(Bill.period, Bill.starts_on)
    if item_id is not None:
        query = query.where(Bill.item == item_id)
    return [(b.period, b.payer_kind, b.person_id, b.starts_on, b.ends_on, b.amount_fen) for b in query]


def test_billing_issues_every_room_once(w):
    result = fees.bill_period("2027-01")
    # 4 rooms × 2 items
    assert result.bills == 8
    assert lines(w.rooms["3-1-101"], w.service.id) == [
        ("2027-01", "owner", w.owners["3-1-101"], dt.date(2027, 1, 1), dt.date(2027, 1, 31), 18500)]
    # 3-1-103 is unsold: the developer pays in full
    assert lines(w.rooms["3-1-103"], w.service.id) == [
        ("2027-01", "developer", None, dt.date(2027, 1, 1), dt.date(2027, 1, 31), 22200)]
    again = fees.bill_period("2027-01")
    assert again.bills == 0
    assert Bill.select().count() == 8
    # a new room is billed by a rerun, nothing else
    rid = people.ensure_room(w.comm.id, "5-1-102")
    again = fees.bill_period("2027-01", w.comm.id)
    assert again.bills == 1  # no area: only the fixed item
    assert lines(rid) == [("2027-01", "developer", None, dt.date(2027, 1, 1), dt.date(2027, 1, 31), 1000)]


def test_change_of_owner_mid_month_is_billed_by_days(w):
    new_owner = people.create_person(people.PersonInput(name="钱多多", phones=["13700137000"]))
    people.change_owner(w.rooms["3-1-101"], [new_owner], dt.date(2027, 1, 11))
    fees.bill_period("2027-01")
    # 张晓明 1–10 January (10 days), 钱多多 from the 11th (21 days): 18500 × 10/31, × 21/31
    assert lines(w.rooms["3-1-101"], w.service.id) == [
        ("2027-01", "owner", w.owners["3-1-101"], dt.date(2027, 1, 1), dt.date(2027, 1, 10), 5968),
        ("2027-01", "owner", new_owner, dt.date(2027, 1, 11), dt.date(2027, 1, 31), 12532)]


def test_move_out_without_a_new_owner_leaves_the_rest_to_the_developer(w):
    occ_id = Occupancy.get(Occupancy.room == w.rooms["5-1-101"]).id
    people.move_out(occ_id, dt.date(2027, 1, 16))
    fees.bill_period("2027-01")
    # 90 m² × 1.85 = 166.50 a month; 15 days the owner's, 16 the developer's
    assert lines(w.rooms["5-1-101"], w.service.id) == [
        ("2027-01", "owner", w.owners["5-1-101"], dt.date(2027, 1, 1), dt.date(2027, 1, 15), 8056),
        ("2027-01", "developer", None, dt.date(2027, 1, 16), dt.date(2027, 1, 31), 8594)]


def test_empty_owned_room_pays_the_vacancy_rate(w):
    Setting.create(key=fees.VACANCY_SETTING, value="JX=70, 90")
    fees.bill_period("2027-01")
    # 80 m² × 1.85 × 70 % = 103.60; the fixed item too: 7.00
    assert [a for *_x, a in lines(w.rooms["3-1-102"])] == [10360, 700]
    # the developer's empty room pays in full
    assert lines(w.rooms["3-1-103"], w.service.id)[0][-1] == 22200


def test_a_new_standard_applies_from_its_date_and_issued_bills_keep_theirs(w):
    fees.bill_period("2027-01")
    fees.add_standard(w.service.id, "2.00", dt.date(2027, 2, 1), "residential")
    with pytest.raises(ValidationError):
        fees.add_standard(w.service.id, "2.10", dt.date(2027, 1, 1), "residential")
    fees.bill_period("2027-01")
    fees.bill_period("2027-02")
    assert [a for *_x, a in lines(w.rooms["3-1-101"], w.service.id)] == [18500, 20000]


def test_quarterly_items_are_issued_in_the_first_month_of_the_quarter(w):
    parking = fees.create_item(w.comm.id, "电梯费", "room", "quarterly")
    fees.add_standard(parking.id, "15", dt.date(2020, 1, 1))
    fees.bill_period("2027-01")
    fees.bill_period("2027-02")
    fees.bill_period("2027-03")
    fees.bill_period("2027-04")
    assert lines(w.rooms["3-1-101"], parking.id) == [
        ("2027-01", "owner", w.owners["3-1-101"], dt.date(2027, 1, 1), dt.date(2027, 3, 31), 4500),
        ("2027-04", "owner", w.owners["3-1-101"], dt.date(2027, 4, 1), dt.date(2027, 6, 30), 4500)]


def test_prepaid_balance_settles_new_bills(w):
    fees.take_payment(w.rooms["3-1-101"], "300", "cash")
    assert fees.prepaid_balance(w.rooms["3-1-101"]) == 30000
    result = fees.bill_period("2027-01")
    assert result.prepaid_used_fen == 19500
    assert fees.prepaid_balance(w.rooms["3-1-101"]) == 10500
    assert fees.room_due(w.rooms["3-1-101"]) == 0


def test_only_leads_issue_bills(w):
    with pytest.raises(PermissionDenied):
        fees.bill_period("2027-01", staff_id=w.desk.id)
    assert fees.bill_period("2027-01", staff_id=w.lead.id).bills == 8


def test_the_vacancy_rate_is_a_checked_company_setting(w):
    from data.settings import KNOWN, set_setting

    assert KNOWN[fees.VACANCY_SETTING].default == "100"
    for bad in ("abc", "120", "JX=x"):
        with pytest.raises(ValidationError):
            set_setting(fees.VACANCY_SETTING, bad)
    set_setting(fees.VACANCY_SETTING, "50")
    assert fees.vacancy_rate(w.comm.id) == 50
    fees.bill_period("2027-01")
    assert [a for *_x, a in lines(w.rooms["3-1-102"])] == [7400, 500]


def test_one_off_charges(w):
    renovation = fees.create_item(w.comm.id, "装修垃圾清运费", "once", "once")
    fees.add_standard(renovation.id, "300", dt.date(2020, 1, 1))
    bill_id = fees.charge_once(w.rooms["3-1-101"], "装修垃圾清运费")
    assert Bill.get_by_id(bill_id).amount_fen == 30000
    with pytest.raises(ValidationError):
        fees.charge_once(w.rooms["3-1-101"], "装修垃圾清运费")  # the same day twice
    with pytest.raises(ValidationError):
        fees.charge_once(w.rooms["3-1-101"], "物业服务费")
    assert fees.bill_period("2027-01").bills == 8  # one-off items are not billed by period


def test_parking_spaces_are_billed_to_their_holder_on_the_room_they_own(w):
    from data.models import ParkingSpace

    item = fees.create_item(w.comm.id, "车位管理费", "space", "monthly")
    fees.add_standard(item.id, "60", dt.date(2020, 1, 1))
    held = ParkingSpace.create(community=w.comm, code="B2-034", holder=w.owners["3-1-101"])
    ParkingSpace.create(community=w.comm, code="B2-035")  # nobody holds it: not billed
    fees.bill_period("2027-01")
    [line] = Bill.select().where(Bill.item == item.id)
    assert (line.room_id, line.space_id, line.payer_kind, line.person_id, line.amount_fen) == (
        w.rooms["3-1-101"], held.id, "holder", w.owners["3-1-101"], 6000)
    assert fees.bill_period("2027-01").bills == 0

"""当期收缴率 and 清欠率 (SPEC §12) and the arrears list, against hand-computed values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import fees
from data.errors import PermissionDenied
from data.models import Bill, Building
from tests.helpers.fees import world


@pytest.fixture
def w(database, monkeypatch):
    """January: 761.50 billed (3-1-101 195.00, 3-1-102 158.00, 3-1-103 the developer's
    232.00, 5-1-101 176.50); on 20 January 3-1-101 pays 195, 5-1-101 pays 100. February
    billed the same; on 10 February 3-1-102 pays 158 (January's), 5-1-101 pays 300 (76.50
    of January, 176.50 of February, 47 prepaid); on 15 February 22.00 of the developer's
    February 物业服务费 is waived; on 2 March 3-1-101 pays 195 (February's)."""
    def at(when: str) -> None:
        monkeypatch.setenv("FRONTDESK_NOW", when)

    at("2027-01-01 08:00")
    w = world()
    fees.bill_period("2027-01")
    at("2027-01-20 10:00")
    fees.take_payment(w.rooms["3-1-101"], "195", "cash")
    fees.take_payment(w.rooms["5-1-101"], "100", "cash")
    at("2027-02-01 08:00")
    fees.bill_period("2027-02")
    at("2027-02-10 10:00")
    fees.take_payment(w.rooms["3-1-102"], "158", "wechat")
    fees.take_payment(w.rooms["5-1-101"], "300", "alipay")
    at("2027-02-15 10:00")
    dev = Bill.get(Bill.room == w.rooms["3-1-103"], Bill.period == "2027-02", Bill.item == w.service.id)
    fees.waive(dev.id, "22", "交付延期", staff_id=w.lead.id)
    at("2027-03-02 10:00")
    fees.take_payment(w.rooms["3-1-101"], "195", "cash")
    return w


def by_place(rows):
    return {r.building: r for r in rows}


def test_january_collection_rate(w):
    [row, b3, b5] = fees.collection_rates("2027-01")
    assert (row.building, row.billed_fen, row.collected_fen) == ("", 76150, 29500)
    assert row.collection_rate == Decimal("38.74")  # 295 / 761.50
    assert row.arrears_rate is None  # nothing was owed before January
    assert (b3.building, b3.billed_fen, b3.collected_fen) == ("3", 58500, 19500)
    assert (b5.building, b5.collection_rate) == ("5", Decimal("56.66"))  # 100 / 176.50


def test_february_rates_as_of_its_last_day(w):
    rows = by_place(fees.collection_rates("2027-02", community_id=w.comm.id))
    total = rows[""]
    # billed 761.50 less the 22.00 waived; collected 176.50 (5-1-101's February)
    assert (total.billed_fen, total.collected_fen) == (73950, 17650)
    assert total.collection_rate == Decimal("23.87")
    # arrears on 1 February: 761.50 − 295 = 466.50; collected since: 158 + 76.50 = 234.50
    assert (total.arrears_start_fen, total.arrears_collected_fen) == (46650, 23450)
    assert total.arrears_rate == Decimal("50.27")
    assert rows["5"].collection_rate == Decimal("100.00")
    assert rows["5"].arrears_rate == Decimal("100.00")
    assert rows["3"].collection_rate == Decimal("0.00")
    assert rows["3"].arrears_rate == Decimal("40.51")  # 158 / 390


def test_a_later_cutoff_counts_later_payments(w):
    [total] = fees.collection_rates("2027-02", cutoff=dt.date(2027, 3, 5), by_building=False)
    assert total.collected_fen == 37150
    assert total.collection_rate == Decimal("50.24")


def test_arrears_page(w):
    page = fees.arrears_page(as_of=dt.date(2027, 7, 15))
    assert [(r.room, r.due_fen, r.oldest_period, r.bucket) for r in page.rows] == [
        ("3-1-103", 44200, "2027-01", "6-12"),
        ("3-1-102", 15800, "2027-02", "3-6"),
    ]
    assert page.rows[0].by_bucket == {"3-6": 21000, "6-12": 23200}
    assert (page.total_rooms, page.total_fen, page.more) == (2, 60000, False)
    assert [r.room for r in fees.arrears_page(as_of=dt.date(2027, 7, 15), bucket="6-12").rows] == ["3-1-103"]
    assert [r.room for r in fees.arrears_page(as_of=dt.date(2027, 7, 15), min_fen=20000).rows] == ["3-1-103"]
    b5 = Building.get(Building.code == "5").id
    assert fees.arrears_page(building_id=b5).rows == ()
    two = fees.arrears_page(limit=1)
    assert (len(two.rows), two.more) == (1, True)
    assert page.rows[1].owner == "王芳"
    with pytest.raises(PermissionDenied):
        fees.arrears_page(staff_id=w.tech.id)

"""Billing at scale (issue 18 item 12): the set-based path (INSERT … SELECT, integer
arithmetic in SQL) bills exactly what `line_amount` computes, on both databases; the
arrears list pages by keyset over the rooms' running figures."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from data import fees, people
from data.fees.billing import line_amount
from data.fees.items import CYCLE_MONTHS
from data.models import Bill, FeeItem, Room, Setting
from tests import factories as f


@pytest.fixture
def estate(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-01-05 09:00")
    rng = random.Random(18)
    comm = f.community("锦绣花园", code="JX")
    Setting.create(key=fees.VACANCY_SETTING, value="70")
    # (A bill line is at most 2³¹ fen: areas up to 20 000 m².) Areas with every kind of last digit, a few chosen to land exactly on half a fen.
    areas = ["0.50", "0.01", "19999.99", "88.88", "120.05", "60"]
    areas += [str(Decimal(rng.randint(1, 2000000)) / 100) for _ in range(114)]
    owner = people.create_person(people.PersonInput(name="张三"))
    rooms = []
    for n, area in enumerate(areas):
        rid = people.ensure_room(comm.id, f"{n % 4 + 1}-1-{n + 101}")
        Room.update(area_m2=Decimal(area), state=rng.choice(["occupied", "vacant", "undelivered"]),
                    room_type=rng.choice(["residential", "shop"])).where(Room.id == rid).execute()
        if rng.random() < 0.7:
            people.move_in(owner, rid, "owner", dt.date(2020, 1, 1))
        rooms.append(rid)
    for name, basis, cycle in (("物业服务费", "area", "monthly"), ("电梯费", "area", "quarterly"),
                               ("垃圾清运费", "room", "yearly")):
        item = fees.create_item(comm.id, name, basis, cycle)
        fees.add_standard(item.id, str(Decimal(rng.randint(1, 999)) / 100), dt.date(2020, 1, 1))
        fees.add_standard(item.id, str(Decimal(rng.randint(1, 3000)) / 100), dt.date(2020, 1, 1), "shop")
    return comm, rooms


def test_set_based_amounts_equal_line_amount(estate):
    comm, rooms = estate
    result = fees.bill_period("2027-01", comm.id)
    bills = list(Bill.select(Bill, FeeItem.cycle.alias("cycle")).join(FeeItem).objects())
    assert result.bills == len(bills) == 3 * len(rooms)
    assert result.amount_fen == sum(b.amount_fen for b in bills)
    rounded_half = 0
    for bill in bills:
        months = CYCLE_MONTHS[bill.cycle]
        span = (bill.ends_on - bill.starts_on).days + 1
        assert bill.amount_fen == line_amount(bill.unit_price_fen, Decimal(bill.quantity), months, span, span,
                                              bill.rate_pct)
        exact = bill.unit_price_fen * Decimal(bill.quantity) * months * bill.rate_pct / 100
        rounded_half += exact % 1 == Decimal("0.5")
    assert rounded_half  # the half-fen cases were billed, rounded up
    assert {b.rate_pct for b in bills} == {70, 100}  # empty owned rooms at the vacancy rate


def test_arrears_pages_by_keyset_in_the_order_of_the_whole_list(estate):
    comm, rooms = estate
    fees.bill_period("2027-01", comm.id)
    whole = fees.arrears_page(community_id=comm.id, limit=500)
    seen, after = [], None
    while True:
        page = fees.arrears_page(community_id=comm.id, limit=7, after=after)
        seen += [(r.room_id, r.due_fen) for r in page.rows]
        if not page.more:
            break
        after = page.next_after
    assert seen == [(r.room_id, r.due_fen) for r in whole.rows]
    assert len(seen) == len(rooms) == whole.total_rooms
    dues = [d for _r, d in seen]
    assert dues == sorted(dues, reverse=True)
    # A room paid in full leaves the list at once.
    top = next(r for r in whole.rows if r.due_fen < 100_000_000)  # at most 10 million yuan a payment
    fees.take_payment(top.room_id, str(Decimal(top.due_fen) / 100), "cash")
    assert top.room_id not in {r.room_id for r in fees.arrears_page(community_id=comm.id, limit=500).rows}

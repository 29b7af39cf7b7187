"""Property (hypothesis): for any sequence of bills, payments, voids, refunds and waivers,
billed − paid − waived = arrears − prepaid, per room and per community; every bill's paid
part is what was allocated to it; nothing is overpaid and no prepaid balance is negative;
each room's running arrears figures equal a recomputation from its bills."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import fn

from data import fees, people
from data.models import Allocation, Bill, FeeAccount, Payment, Room, Waiver
from tests import factories as f

_codes = itertools.count(1)

operations = st.lists(st.one_of(
    st.tuples(st.just("bill"), st.integers(0, 5)),
    st.tuples(st.just("pay"), st.integers(0, 2), st.integers(1, 60000), st.booleans()),
    st.tuples(st.just("void"), st.integers(0, 20)),
    st.tuples(st.just("refund"), st.integers(0, 2), st.integers(1, 30000)),
    st.tuples(st.just("waive"), st.integers(0, 40), st.integers(1, 20000)),
), max_size=25)


def _estate():
    comm = f.community(f"小区{next(_codes)}", code=f"P{next(_codes)}")
    rooms = []
    for code, area in (("1-1-101", "88.88"), ("1-1-102", "120.5"), ("2-1-101", "60")):
        rid = people.ensure_room(comm.id, code)
        Room.update(area_m2=Decimal(area), state="occupied").where(Room.id == rid).execute()
        rooms.append(rid)
    owner = people.create_person(people.PersonInput(name="张三"))
    people.move_in(owner, rooms[0], "owner", dt.date(2020, 1, 1))
    people.change_owner(rooms[0], [owner], dt.date(2027, 2, 10))  # same owner: two lines in Feb
    other = people.create_person(people.PersonInput(name="李四"))
    people.move_in(other, rooms[1], "owner", dt.date(2027, 3, 17))
    service = fees.create_item(comm.id, "物业服务费", "area", "monthly")
    fees.add_standard(service.id, "1.37", dt.date(2020, 1, 1))
    fees.add_standard(service.id, "1.53", dt.date(2027, 4, 1))
    lift = fees.create_item(comm.id, "电梯费", "room", "quarterly")
    fees.add_standard(lift.id, "33.33", dt.date(2020, 1, 1))
    return comm, rooms


def _apply(op, comm, rooms) -> None:
    kind = op[0]
    try:
        if kind == "bill":
            fees.bill_period(f"2027-{op[1] + 1:02d}", comm.id)
        elif kind == "pay":
            room = rooms[op[1]]
            bills = None
            if op[3]:
                bills = [b for (b,) in Bill.select(Bill.id).where(
                    Bill.room == room, Bill.amount_fen > Bill.paid_fen + Bill.waived_fen)
                    .order_by(Bill.id.desc()).limit(2).tuples()]
            fees.take_payment(room, str(Decimal(op[2]) / 100), "cash", bill_ids=bills or None)
        elif kind == "void":
            payments = list(Payment.select().where(Payment.community == comm.id, Payment.kind == "payment")
                            .order_by(Payment.id))
            if payments:
                fees.void_payment(comm.id, payments[op[1] % len(payments)].number, "作废")
        elif kind == "refund":
            fees.refund(rooms[op[1]], str(Decimal(op[2]) / 100), "退款")
        else:
            bills = list(Bill.select().join(Room).where(Room.community == comm.id).order_by(Bill.id))
            if bills:
                fees.waive(bills[op[1] % len(bills)].id, str(Decimal(op[2]) / 100), "减免")
    except fees_errors():
        pass  # refused (more than is due, already voided …): nothing may have changed


def fees_errors():
    from data.errors import ValidationError

    return ValidationError


def _sum(query) -> int:
    return int(query.scalar() or 0)


def _check(comm, rooms) -> None:
    totals = [0, 0]
    for room in rooms:
        billed = _sum(Bill.select(fn.SUM(Bill.amount_fen)).where(Bill.room == room))
        paid = _sum(Payment.select(fn.SUM(Payment.amount_fen)).where(Payment.room == room))
        waived = _sum(Waiver.select(fn.SUM(Waiver.amount_fen)).join(Bill).where(Bill.room == room))
        arrears = fees.room_due(room)
        prepaid = fees.prepaid_balance(room)
        assert billed - paid - waived == arrears - prepaid
        assert prepaid >= 0
        totals[0] += billed - paid - waived
        totals[1] += arrears - prepaid
    page = fees.arrears_page(community_id=comm.id, limit=500)
    community_prepaid = _sum(FeeAccount.select(fn.SUM(FeeAccount.prepaid_fen)).join(Room)
                             .where(Room.community == comm.id))
    assert totals[0] == totals[1] == page.total_fen - community_prepaid
    # The running figures every writer keeps (data.fees.balances) equal a recomputation
    # from the bills, and the arrears list agrees with them.
    for room in rooms:
        open_bills = Bill.select().where(Bill.room == room, Bill.amount_fen > Bill.paid_fen + Bill.waived_fen)
        due = sum(b.amount_fen - b.paid_fen - b.waived_fen for b in open_bills)
        oldest = min((b.period for b in open_bills), default="")
        account = FeeAccount.get_or_none(FeeAccount.room == room)
        figures = (account.due_fen, account.oldest_period) if account else (0, "")
        assert figures == (due, oldest)
    assert {(r.room_id, r.due_fen, r.oldest_period) for r in page.rows} == {
        (a.room_id, a.due_fen, a.oldest_period) for a in FeeAccount.select().join(Room)
        .where(Room.community == comm.id, FeeAccount.due_fen > 0)}
    for bill in Bill.select().where(Bill.community == comm.id):
        allocated = _sum(Allocation.select(fn.SUM(Allocation.amount_fen)).where(Allocation.bill == bill.id))
        assert bill.paid_fen == allocated
        assert 0 <= bill.paid_fen + bill.waived_fen <= bill.amount_fen


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_every_sum_balances(database, monkeypatch, ops):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-06-30 12:00")
    comm, rooms = _estate()
    for op in ops:
        _apply(op, comm, rooms)
        _check(comm, rooms)

"""Renovation deposits as a refundable fee item (a bill line and a receipt when taken, a
refund payment after the acceptance, the original kept; left out of the rates and the
public accounts) and staff commissions (服务佣金) per source, hand-computed, their approval
freezing a month, desk staff refused — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from data import fees, renovations
from data.errors import PermissionDenied, ValidationError
from data.fees import accounts, commissions
from data.models import Bill, Contract, CostLine, Lead, Payment, Renovation, WorkOrder
from data.renovations import RenovationInput
from tests import factories as f
from tests.helpers.fees import world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    w = world()
    for period in ("2027-01", "2027-02", "2027-03"):
        fees.bill_period(period)
    return w


def permit(w, **changes):
    values = dict(room_id=w.rooms["3-1-101"], contractor="美家装饰工程有限公司", contractor_phone="021-5555 1234",
                  start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 4, 30), scope="厨卫翻新",
                  deposit="2000")
    values.update(changes)
    return renovations.register(RenovationInput(**values), w.desk.id)




def deposit_bills(room_id):
    from data.models import FeeItem

    return [(b.amount_fen, b.paid_fen) for b in Bill.select().join(FeeItem)
            .where(Bill.room == room_id, FeeItem.name == "装修押金").order_by(Bill.id)]


# --- deposits -----------------------------------------------------------------------------------


def test_recording_the_deposit_issues_a_bill_and_a_receipt(w):
    room = w.rooms["3-1-101"]
    due_before = fees.room_due(room)
    view = permit(w)
    assert view.deposit_receipt == ""
    renovations.approve(view.id, w.lead.id)
    view = renovations.record_deposit(view.id, w.desk.id)
    assert view.deposit_receipt == "SJ-2027-000001"
    assert deposit_bills(room) == [(200000, 200000)]
    payment = fees.get_payment(None, view.deposit_receipt)
    assert (payment.kind, payment.amount_fen, payment.payer_name) == ("payment", 200000, "张晓明")
    assert [what for _b, what, _f in payment.settled] == ["装修押金 2027-03"]
    assert fees.room_due(room) == due_before  # held money is not arrears
    assert fees.prepaid_balance(room) == 0


def test_a_deposit_taken_when_applying_has_its_receipt(w):
    view = permit(w, deposit_received=True)
    assert view.deposit_receipt == "SJ-2027-000001"
    assert Renovation.get_by_id(view.id).deposit_receipt == "SJ-2027-000001"


def test_the_refund_waits_for_the_acceptance_and_keeps_the_original(w, monkeypatch):
    room = w.rooms["3-1-101"]
    view = permit(w, deposit_received=True, rules_acknowledged=True)
    renovations.approve(view.id, w.lead.id)
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-08 09:00")
    renovations.start(view.id, w.desk.id)
    with pytest.raises(ValidationError):
        renovations.refund(view.id, w.lead.id)
    assert Payment.select().where(Payment.kind == "refund").count() == 0
    renovations.finish(view.id, w.desk.id)
    monkeypatch.setenv("FRONTDESK_NOW", "2027-05-03 10:00")
    renovations.accept(view.id, w.lead.id, True, "符合要求")
    view = renovations.refund(view.id, w.lead.id, "1800", "墙面损坏修复")
    assert view.refund_receipt == "SJ-2027-000002"
    refund = fees.get_payment(None, view.refund_receipt)
    assert (refund.kind, refund.amount_fen, refund.reason) == ("refund", -180000, f"装修押金退还 {view.number}")
    original = fees.get_payment(None, view.deposit_receipt)
    assert (original.kind, original.amount_fen, original.voided_by) == ("payment", 200000, "")
    assert deposit_bills(room) == [(200000, 200000), (-180000, -180000)]
    statement = fees.statement(room)
    assert [p.number for p in statement.payments][:2] == ["SJ-2027-000002", "SJ-2027-000001"]
    assert fees.prepaid_balance(room) == 0


def test_deposits_are_not_income_in_the_rates_or_the_accounts(w):
    before = fees.collection_rates("2027-03", community_id=w.comm.id, by_building=False)
    view = permit(w, deposit_received=True)
    assert view.deposit_receipt
    after = fees.collection_rates("2027-03", community_id=w.comm.id, by_building=False)
    assert after == before
    income = dict(accounts.quarter_accounts(w.comm.id, "2027Q1").income)
    assert "装修押金" not in income


# --- commissions ----------------------------------------------------------------------------------


def _labour_order(w, tech, resolved: dt.datetime, lines):
    order = f.work_order(w.desk, w.comm, status="resolved", assignee=tech)
    WorkOrder.update(resolved_at=resolved).where(WorkOrder.id == order.id).execute()
    for kind, qty, price, payer in lines:
        CostLine.create(work_order=order.id, kind=kind, description="换水龙头", quantity=Decimal(qty),
                        unit_price=Decimal(price), payer=payer)
    return order


@pytest.fixture
def cw(w, monkeypatch):
    """Rules: technicians 10 % of paid labour; desk 5 % of old arrears; supervisors 1.5 %
    of contracts from leads (锦绣花园 only from March 2027: 2 %)."""
    commissions.add_rule("tech", "labour", "10", dt.date(2027, 1, 1))
    commissions.add_rule("desk", "arrears", "5", dt.date(2027, 1, 1))
    commissions.add_rule("supervisor", "contracts", "1.5", dt.date(2027, 1, 1))
    commissions.add_rule("supervisor", "contracts", "2", dt.date(2027, 3, 1), community_id=w.comm.id)
    return w


def test_commissions_per_source_as_computed_by_hand(cw, monkeypatch):
    w = cw
    # Paid labour: 2 × 45.50 + 30.00 (owner) = 121.00 → 12.10; company labour and material do not count.
    order = _labour_order(w, w.tech, dt.datetime(2027, 2, 10, 15, 0),
                          [("labour", "2", "45.50", "owner"), ("labour", "1", "30", "owner"),
                           ("labour", "1", "80", "company"), ("material", "1", "25", "owner")])
    _labour_order(w, w.tech, dt.datetime(2027, 3, 1, 9, 0), [("labour", "1", "99", "owner")])  # March
    # Old arrears: bills of 2026-07 (more than 6 months before February 2027) and 2027-01.
    room = w.rooms["5-1-101"]
    old = Bill.create(community=w.comm.id, building=Bill.get(Bill.room == room).building_id, room=room,
                      item=w.garbage.id, period="2026-07", starts_on=dt.date(2026, 7, 1),
                      ends_on=dt.date(2026, 7, 31), amount_fen=123457)
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-20 10:00")
    fees.take_payment(room, "1234.57", "cash", bill_ids=[old.id], staff_id=w.desk.id)
    fees.take_payment(room, "10", "cash", staff_id=w.desk.id)  # January's bill: not old
    # A contract signed from a lead in February, 88 000.00 × 1.5 % (the rule for all communities).
    lead = Lead.create(name="华联超市", source="walk_in", interest="shop", owner=w.lead.id, community=w.comm.id)
    Contract.create(number="HT-2027-0001", kind="lease", status="signed", community=w.comm.id,
                    details=json.dumps({"lead": lead.id}), amount=Decimal("88000"), start_date=dt.date(2027, 3, 1),
                    end_date=dt.date(2028, 2, 29), signed_on=dt.date(2027, 2, 25), owner_staff=w.desk.id)
    Contract.create(number="HT-2027-0002", kind="lease", status="signed", community=w.comm.id, details="{}",
                    amount=Decimal("5000"), start_date=dt.date(2027, 3, 1), end_date=dt.date(2028, 2, 29),
                    signed_on=dt.date(2027, 2, 26), owner_staff=w.lead.id)  # not from a lead
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    views = {v.staff: v for v in commissions.statements("2027-02", staff_id=w.lead.id)}
    assert set(views) == {"王建国", "李娜", "陈静"}
    tech = views["王建国"]
    assert [(x.source, x.ref, x.base_fen, x.amount_fen) for x in tech.lines] == [
        ("labour", order.number, 12100, 1210)]
    desk = views["李娜"]
    assert [(x.source, x.base_fen, x.percent, x.amount_fen) for x in desk.lines] == [
        ("arrears", 123457, Decimal("5.00"), 6173)]  # 1234.57 × 5 % = 61.7285 → 61.73
    lead_view = views["陈静"]
    assert [(x.source, x.ref, x.amount_fen) for x in lead_view.lines] == [("contracts", "HT-2027-0001", 132000)]
    assert (tech.status, tech.total_fen) == ("draft", 1210)
    # March: the community's own rule (2 %) applies to its contracts from March on.
    Contract.update(signed_on=dt.date(2027, 3, 2)).where(Contract.number == "HT-2027-0001").execute()
    march = commissions.statements("2027-03", "super1", staff_id=w.lead.id)
    assert [x.amount_fen for x in march[0].lines] == [176000]


def test_approval_freezes_the_month_and_desk_is_refused(cw, monkeypatch):
    w = cw
    _labour_order(w, w.tech, dt.datetime(2027, 2, 10, 15, 0), [("labour", "1", "200", "owner")])
    with pytest.raises(PermissionDenied):
        commissions.approve("2027-02", "tech1", w.desk.id)
    with pytest.raises(PermissionDenied):
        commissions.statements("2027-02", staff_id=w.desk.id)
    with pytest.raises(ValidationError):
        commissions.approve("2027-03", "tech1", w.lead.id)  # not over yet
    view = commissions.approve("2027-02", "tech1", w.lead.id)
    assert (view.status, view.total_fen, view.approved_by) == ("approved", 2000, "陈静")
    # New records and a new rule after the approval change nothing.
    _labour_order(w, w.tech, dt.datetime(2027, 2, 20, 15, 0), [("labour", "1", "500", "owner")])
    commissions.add_rule("tech", "labour", "50", dt.date(2027, 2, 1))
    again = commissions.statements("2027-02", "tech1", staff_id=w.lead.id)[0]
    assert (again.status, again.total_fen, [x.amount_fen for x in again.lines]) == ("approved", 2000, [2000])
    with pytest.raises(ValidationError):
        commissions.approve("2027-02", "tech1", w.lead.id)


def test_rules_refuse_bad_input_and_the_desk(cw):
    w = cw
    with pytest.raises(ValidationError) as caught:
        commissions.add_rule("tech", "labour", "abc", dt.date(2027, 1, 1))
    assert caught.value.field == "percent"
    with pytest.raises(ValidationError):
        commissions.add_rule("tech", "labour", "120", dt.date(2027, 1, 1))
    with pytest.raises(ValidationError) as caught:
        commissions.add_rule("tech", "bonus", "5", dt.date(2027, 1, 1))
    assert caught.value.field == "source"
    with pytest.raises(PermissionDenied):
        commissions.add_rule("tech", "labour", "5", dt.date(2027, 1, 1), staff_id=w.desk.id)
    assert len(commissions.list_rules(w.lead.id)) == 4


# --- the demo database ------------------------------------------------------------------------


def test_the_sample_has_deposit_receipts_and_an_approved_commission_month(tmp_path):
    """Deposits taken have receipts, refunded ones a refund receipt after the acceptance;
    receipts stay gap-free; commission rules and last month's approved statements."""
    import sqlite3

    from data.db import close_database
    from data.sample import generate

    path = tmp_path / "sample.db"
    try:
        generate(str(path), owners=300, seed=3, today=dt.date(2026, 6, 18))
    finally:
        close_database()
    conn = sqlite3.connect(path)
    try:
        taken = conn.execute("SELECT count(*) FROM renovation WHERE deposit_received_at IS NOT NULL "
                             "AND deposit > 0 AND deposit_receipt LIKE 'SJ-%'").fetchone()[0]
        assert taken >= 2
        assert conn.execute("SELECT count(*) FROM renovation WHERE deposit_received_at IS NOT NULL "
                            "AND deposit > 0 AND deposit_receipt = ''").fetchone()[0] == 0
        refunded = conn.execute(
            "SELECT r.number, p.amount_fen, p.reason, r.refunded_amount FROM renovation r JOIN payment p "
            "ON p.number = r.refund_receipt AND p.community_id = r.community_id "
            "WHERE r.status = 'refunded' AND p.kind = 'refund'").fetchall()
        assert refunded
        number, fen, reason, amount = refunded[0]
        assert reason == f"装修押金退还 {number}" and fen == -round(amount * 100)
        for _community, _year, count, last in conn.execute(
                "SELECT community_id, substr(number, 4, 4), count(*), MAX(number) FROM payment "
                "GROUP BY community_id, substr(number, 4, 4)"):
            assert int(last[-6:]) == count  # gap-free with the deposits among them
        assert conn.execute("SELECT count(*) FROM commission_rule").fetchone()[0] == 4
        rows = conn.execute("SELECT s.month, s.status, s.total_fen, (SELECT SUM(amount_fen) FROM commission_line "
                            "WHERE statement_id = s.id) FROM commission_statement s").fetchall()
        assert rows and all(m < "2026-06" and st == "approved" and t == lines for m, st, t, lines in rows)
    finally:
        conn.close()

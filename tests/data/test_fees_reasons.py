"""Arrears reasons (欠费原因) and an owner's arrears over several rooms (issue 18 item 4):
the latest reason is the room's, "对服务不满" shows the owner's open complaints, and an
owner's total, oldest month and ageing match hand-computed sums; the 12 months of rates."""

from __future__ import annotations

import datetime as dt

import pytest

from data import fees, people
from data.errors import PermissionDenied, ValidationError
from data.models import ArrearsReason, WorkOrder
from tests import factories as f
from tests.helpers.fees import world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    w = world()
    for period in ("2027-01", "2027-02", "2027-03"):
        fees.bill_period(period)
    return w


def _complaint(w, title, *, room=None, person=None, status="new"):
    order = f.work_order(w.desk, w.comm, title=title, status=status)
    WorkOrder.update(kind="complaint", room=room, person=person).where(WorkOrder.id == order.id).execute()
    return WorkOrder.get_by_id(order.id).number


def test_the_latest_reason_is_the_rooms_and_each_is_kept(w, monkeypatch):
    room = w.rooms["3-1-102"]
    fees.set_reason(room, "hardship", "失业", w.desk.id)
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-06 10:00")
    view = fees.set_reason(room, "vacant", "", w.desk.id)
    assert view.reason == "vacant" and view.label == "房屋空置" and view.staff == "李娜"
    assert view.at == dt.datetime(2027, 3, 6, 10, 0)
    assert fees.reasons_of([room, w.rooms["3-1-101"]], staff_id=w.desk.id) == {room: view}
    assert [r.reason for r in ArrearsReason.select().order_by(ArrearsReason.id)] == ["hardship", "vacant"]


def test_unhappy_with_service_shows_the_owners_open_complaints(w):
    room = w.rooms["3-1-101"]
    first = _complaint(w, "保安态度差", person=w.owners["3-1-101"])
    second = _complaint(w, "电梯常坏", room=room)
    _complaint(w, "已解决的投诉", room=room, status="closed")
    _complaint(w, "别人的投诉", person=w.owners["5-1-101"])
    view = fees.set_reason(room, "service", "电梯问题没解决", w.desk.id)
    assert [c.number for c in view.complaints] == [first, second]
    assert view.short == "对服务不满 · 2 件投诉未结"
    assert fees.reasons_of([room], staff_id=w.desk.id)[room].as_json()["open_complaints"][1]["title"] == "电梯常坏"
    # other reasons do not list complaints
    assert fees.set_reason(room, "hardship", "", w.desk.id).complaints == ()


def test_a_bad_reason_is_refused_and_nothing_stored(w):
    with pytest.raises(ValidationError, match="经济困难"):
        fees.set_reason(w.rooms["3-1-101"], "lazy", "", w.desk.id)
    with pytest.raises(ValidationError):
        fees.set_reason(w.rooms["3-1-101"], "other", "  ", w.desk.id)
    with pytest.raises(PermissionDenied):
        fees.set_reason(w.rooms["3-1-101"], "vacant", "", w.tech.id)
    assert not ArrearsReason.select().exists()


def test_an_owner_of_two_rooms_owes_their_sum(w, monkeypatch):
    owner = w.owners["3-1-101"]
    people.move_in(owner, w.rooms["5-1-101"], "owner", dt.date(2021, 1, 1))
    fees.take_payment(w.rooms["5-1-101"], "100", "cash", staff_id=w.desk.id)
    monkeypatch.setenv("FRONTDESK_NOW", "2027-06-05 09:00")
    view = fees.owner_arrears(owner, staff_id=w.desk.id)
    # 3-1-101: 100 m² × 1.85 + 10 = 195.00 a month × 3; 5-1-101: 90 × 1.85 + 10 = 176.50 × 3 − 100
    assert [(r.room, r.due_fen) for r in view.rooms] == [("3-1-101", 58500), ("5-1-101", 42950)]
    assert view.due_fen == 58500 + 42950 and view.oldest_period == "2027-01"
    # as of June: January is 5 months old (3-6), February and March 3-4 months (3-6)
    assert view.by_bucket == {"3-6": 101450}
    assert view.rooms[1].by_bucket == {"3-6": 42950}
    with pytest.raises(PermissionDenied):
        fees.owner_arrears(owner, staff_id=w.tech.id)


def test_twelve_months_of_rates_oldest_first(w, monkeypatch):
    fees.take_payment(w.rooms["3-1-101"], "195", "cash", staff_id=w.desk.id)
    rows = fees.monthly_rates(w.comm.id, months=12, staff_id=w.desk.id)
    assert [r.period for r in rows][0] == "2026-04" and rows[-1].period == "2027-03"
    assert all(r.billed_fen == 0 for r in rows[:9])
    jan, mar = rows[9], rows[11]
    # 3-1-101 195.00 + 3-1-102 80 × 1.85 + 10 = 158.00 + 3-1-103 232.00 + 5-1-101 176.50
    assert jan.billed_fen == 19500 + 15800 + 23200 + 17650 and jan.collected_fen == 0
    # paid in March: settles January's bill first, so it counts towards March's 清欠率
    assert mar.arrears_start_fen == 2 * 76150 and mar.arrears_collected_fen == 19500
    with pytest.raises(ValidationError):
        fees.monthly_rates(w.comm.id, months=0, staff_id=w.desk.id)


def test_a_list_contact_records_the_attempt_and_the_promise_or_nothing(w):
    from data import calls
    from data.fees import collection
    from data.models import ArrearsContact, CallAttempt

    list_id = collection.build_arrears_list(community_id=w.comm.id, min_fen=50000, staff_id=w.desk.id)
    item = next(i for i in calls.list_items(list_id) if i.room == "3-1-101")
    with pytest.raises(ValidationError):
        collection.record_list_contact(item.id, "promise", w.desk.id, promised_on="2027-13-01")
    with pytest.raises(ValidationError):
        collection.record_list_contact(item.id, "promise", w.desk.id, promised_on="")
    assert not ArrearsContact.select().exists() and not CallAttempt.select().exists()
    view = collection.record_list_contact(item.id, "promise", w.desk.id, promised_on="2027-03-20", note="月底")
    assert (view.outcome, view.promised_on, view.due_fen, view.note) == ("promise", dt.date(2027, 3, 20), 58500, "月底")
    assert [a.outcome for a in CallAttempt.select()] == ["connected"]
    assert ArrearsContact.select().count() == 1  # the promise alone, no separate "reached"
    assert next(i for i in calls.list_items(list_id) if i.id == item.id).status == "done"

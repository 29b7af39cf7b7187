"""催缴 (issue 18 item 4): a call list from an arrears filter with the script filled per room,
a promise to pay that is missed coming back as a callback for who took it, the limitation
flag and filter, and the one-line balance (hidden from a role without fees.view)."""

from __future__ import annotations

import datetime as dt

import pytest

from data import calls, fees
from data.errors import PermissionDenied, ValidationError
from data.fees import collection
from data.models import ArrearsContact, Call, CallListItem
from tests.helpers.fees import world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    w = world()
    for period in ("2027-01", "2027-02", "2027-03"):
        fees.bill_period(period)
    return w


def test_an_arrears_list_has_one_item_per_room_and_fills_the_script(w):
    list_id = collection.build_arrears_list(community_id=w.comm.id, min_fen=50000, staff_id=w.desk.id)
    lst = next(x for x in calls.call_lists(open_only=False) if x.id == list_id)
    assert lst.kind == "arrears" and lst.total == 2
    items = calls.list_items(list_id)
    # 3-1-101 and 5-1-101 owe over 500; 3-1-103 is the developer's (no owner), 3-1-102 owes less
    assert {i.room for i in items} == {"3-1-101", "5-1-101"}
    item = next(i for i in items if i.room == "3-1-101")
    assert item.number == "13800130000" and item.person_id == w.owners["3-1-101"]
    script = next(s for s in calls.scripts("payment") if s.title == "催缴")
    text = calls.fill_script(script.body, person_id=item.person_id, room_id=item.room_id)
    assert "3-1-101" in text and "585.00" in text and "共3个月" in text and "2027年1月" in text
    assert "{" not in text


def test_the_same_list_built_twice_the_same_day_is_one_list(w):
    """`l` pressed twice (or the same filter again): the owners are not put on two lists."""
    first = collection.build_arrears_list(community_id=w.comm.id, min_fen=50000, staff_id=w.desk.id)
    again = collection.build_arrears_list(community_id=w.comm.id, min_fen=50000, staff_id=w.desk.id)
    assert again == first
    assert len([x for x in calls.call_lists(open_only=False) if x.kind == "arrears"]) == 1
    other = collection.build_arrears_list(community_id=w.comm.id, staff_id=w.desk.id)  # more rooms: a new list
    assert other != first

def test_a_missed_promise_becomes_a_callback_for_who_recorded_it(w, monkeypatch):
    room = w.rooms["3-1-101"]
    promise = collection.record_promise(room, dt.date(2027, 3, 10), w.desk.id, note="月中发工资")
    assert promise.outcome == "promise" and promise.due_fen == 58500 and promise.staff == "李娜"
    assert collection.sweep_missed_promises() == 0  # not due yet
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-11 09:00")
    assert collection.sweep_missed_promises() == 1
    assert collection.sweep_missed_promises() == 0  # once
    open_cb = calls.callbacks(w.desk.id)
    assert len(open_cb) == 1 and "2027-03-10" in open_cb[0].summary
    assert ArrearsContact.get_by_id(promise.id).callback_id == open_cb[0].id


def test_a_kept_promise_makes_no_callback(w, monkeypatch):
    room = w.rooms["3-1-101"]
    collection.record_promise(room, dt.date(2027, 3, 10), w.desk.id)
    fees.take_payment(room, "100", "cash", staff_id=w.desk.id)
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-11 09:00")
    assert collection.sweep_missed_promises() == 0
    assert not Call.select().where(Call.callback_due.is_null(False)).exists()


def test_a_promise_needs_a_date_not_in_the_past(w):
    with pytest.raises(ValidationError, match="不能早于今天"):
        collection.record_promise(w.rooms["3-1-101"], dt.date(2027, 3, 1), w.desk.id)
    with pytest.raises(PermissionDenied):
        collection.record_promise(w.rooms["3-1-101"], dt.date(2027, 3, 9), w.tech.id)


def test_old_arrears_without_dated_evidence_are_flagged(w, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2029-08-05 09:00")  # 2027-01 is 31 months back
    page = fees.arrears_page(staff_id=w.desk.id)
    assert {r.room for r in page.rows if r.limitation} == {"3-1-101", "3-1-102", "3-1-103", "5-1-101"}
    collection.record_contact(w.rooms["3-1-101"], "reached", w.desk.id, note="已电话催缴")
    flagged = fees.arrears_page(staff_id=w.desk.id, limitation_only=True)
    assert {r.room for r in flagged.rows} == {"3-1-102", "3-1-103", "5-1-101"}
    assert all(r.limitation for r in flagged.rows)
    monkeypatch.setenv("FRONTDESK_NOW", "2029-06-05 09:00")  # 29 months: not yet
    assert not fees.arrears_page(staff_id=w.desk.id, limitation_only=True).rows


def test_a_connected_arrears_call_is_dated_evidence(w):
    list_id = collection.build_arrears_list(community_id=w.comm.id, staff_id=w.desk.id)
    item = next(i for i in calls.list_items(list_id) if i.room == "5-1-101")
    calls.record_attempt(item.id, w.desk.id, "connected", "说下周来交")
    (contact,) = collection.contacts(w.rooms["5-1-101"], staff_id=w.desk.id)
    assert contact.outcome == "reached" and contact.note == "说下周来交"
    assert CallListItem.get_by_id(item.id).room_id == w.rooms["5-1-101"]


def test_the_balance_line_is_for_roles_with_fees_view(w):
    owner = w.owners["3-1-101"]
    assert collection.balance_line(owner, w.desk.id) == "欠费 585.00 元（3 个月）"
    assert collection.balance_line(owner, w.tech.id) == ""


def test_a_promise_at_most_90_days_ahead_unless_a_lead_records_it(w):
    room = w.rooms["3-1-101"]
    assert collection.MAX_PROMISE_DAYS == 90
    latest = dt.date(2027, 3, 5) + dt.timedelta(days=90)
    assert collection.record_promise(room, latest, w.desk.id).promised_on == latest
    for far in (latest + dt.timedelta(days=1), dt.date(9999, 12, 31)):
        with pytest.raises(ValidationError) as exc:
            collection.record_promise(room, far, w.desk.id)
        assert exc.value.field == "date" and "90" in str(exc.value) and latest.isoformat() in str(exc.value)
    assert collection.record_promise(room, dt.date(2027, 12, 31), w.lead.id).promised_on == dt.date(2027, 12, 31)

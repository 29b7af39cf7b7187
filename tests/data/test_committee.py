"""The owners' committee beyond its members list: a role or term changed, a membership
ended, the minutes saved with the calendar entry, the open requests, and the reminder that
a term ends within 60 days — once per member, term and desk account, not on every sweep."""

from __future__ import annotations

import datetime as dt

import pytest

from data import meetings, people
from data import workorders as wo
from data.errors import ValidationError
from data.models import Event, Notification
from data.people import PersonInput
from tests import factories as f


@pytest.fixture
def world(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    comm = f.community("和谐家园", code="HX")
    other = f.community("阳光花园", code="YG")
    desk = f.staff("desk1", "李娜", "desk")
    f.staff("desk2", "周敏", "desk")
    f.staff("tech1", "张师傅", "tech")
    pids = [people.create_person(PersonInput(name=n, phones=[f"1370000{i:04d}"])) for i, n in enumerate("甲乙丙")]
    return comm, other, desk, pids


def test_a_role_or_term_changed_and_a_membership_ended(world):
    comm, _other, desk, pids = world
    row = meetings.add_member(comm.id, pids[0], "委员", dt.date(2022, 5, 1), dt.date(2027, 4, 30), staff_id=desk.id)
    with pytest.raises(ValidationError) as refused:  # the same person twice
        meetings.add_member(comm.id, pids[0], "委员", dt.date(2024, 5, 1), dt.date(2029, 4, 30), staff_id=desk.id)
    assert refused.value.field == "person"
    changed = meetings.change_member(row.id, "副主任", dt.date(2022, 5, 1), dt.date(2027, 5, 1), staff_id=desk.id)
    assert (changed.role_text, changed.term_end) == ("副主任", dt.date(2027, 5, 1))  # 5 years to the day
    with pytest.raises(ValidationError) as refused:  # walk19b N7: about 10 years
        meetings.change_member(row.id, "副主任", dt.date(2022, 5, 1), dt.date(2032, 4, 30), staff_id=desk.id)
    assert refused.value.field == "term_end" and "业委会每届任期不超过5年" in refused.value.message
    assert "2027-05-01" in refused.value.message
    with pytest.raises(ValidationError) as refused:
        meetings.change_member(row.id, "副主任", dt.date(2022, 5, 1), dt.date(2021, 4, 30), staff_id=desk.id)
    assert refused.value.field == "term_end"
    assert meetings.end_member(row.id, staff_id=desk.id) == "甲"
    assert meetings.members(comm.id, staff_id=desk.id) == []
    later = meetings.add_member(comm.id, pids[1], "委员", dt.date(2027, 5, 1), dt.date(2032, 4, 30), staff_id=desk.id)
    meetings.end_member(later.id, staff_id=desk.id)  # never started: removed
    assert meetings.members(comm.id, staff_id=desk.id) == []


def test_minutes_saved_with_the_calendar_entry_and_the_open_requests(world):
    comm, other, desk, _pids = world
    held = meetings.record_meeting(comm.id, dt.datetime(2027, 3, 10, 19, 0), "讨论停车收费", staff_id=desk.id)
    saved = meetings.save_minutes(held.id, "同意提交业主大会。", staff_id=desk.id)
    assert saved.minutes == "同意提交业主大会。"
    assert Event.get_by_id(held.event_id).description == "同意提交业主大会。"
    order = wo.create_order(wo.OrderInput(kind="committee", title="公示停车场收支", community_id=comm.id,
                                          location="小区停车场"), desk.id)
    wo.create_order(wo.OrderInput(kind="repair", title="水管漏水", community_id=comm.id, location="1号楼"), desk.id)
    wo.create_order(wo.OrderInput(kind="committee", title="别的小区", community_id=other.id, location="东门"), desk.id)
    assert [(r.number, r.status) for r in meetings.committee_requests(comm.id, staff_id=desk.id)] == [
        (order.number, "new")]


def test_a_term_ending_within_60_days_reaches_each_desk_account_once(world, monkeypatch):
    comm, _other, desk, pids = world
    meetings.add_member(comm.id, pids[0], "主任", dt.date(2022, 5, 1), dt.date(2027, 4, 30), staff_id=desk.id)
    row = meetings.add_member(comm.id, pids[1], "委员", dt.date(2024, 5, 1), dt.date(2029, 4, 30), staff_id=desk.id)
    assert meetings.notify_expiring_terms() == 2  # 甲's term, to desk1 and desk2 (not the technician)
    assert meetings.notify_expiring_terms() == 0  # told already
    notes = list(Notification.select().where(Notification.kind == "committee"))
    assert {n.staff.login for n in notes} == {"desk1", "desk2"}
    assert all("甲" in n.title and "2027-04-30" in n.title and n.entity_id == comm.id for n in notes)
    # 乙's term, changed to end soon, is told once too; the next day changes nothing
    meetings.change_member(row.id, "委员", dt.date(2022, 5, 1), dt.date(2027, 4, 1), staff_id=desk.id)
    assert meetings.notify_expiring_terms() == 2
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-06 09:00")
    assert meetings.notify_expiring_terms() == 0

"""Leads (issue 17 item 1) on both databases: stages and the timeline, assignment in turn and
by interest, reassigning, the duplicate warning, the known-person match, vacant places,
follow-ups as calendar tasks, and conversion to a tenant (found by owner search) or to a
paid work order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import leads, people, search
from data.db import close_database, open_database
from data.errors import PermissionDenied, ValidationError
from data.leads import DuplicateLead, LeadInput
from data.models import (
    Event,
    EventAttendee,
    Lead,
    LeadEvent,
    LeadPhone,
    Notification,
    Occupancy,
    ParkingSpace,
    Person,
    Phone,
    Room,
    WorkOrder,
)
from data.people import PersonInput
from tests import factories as f

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def world(db_url, monkeypatch):
    """Two communities: 锦绣花园 with two desk clerks (the turn goes between them), vacant
    rooms 3-2-502 and 3-2-601, an occupied 3-2-501 with its owner, a free and a held parking
    space; 翠湖苑 with one desk clerk; a supervisor and a technician."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(db_url)
    a, b = f.community("锦绣花园"), f.community("翠湖苑")
    desk1 = f.staff("desk1", "李娜", community=a)
    desk2 = f.staff("desk2", "王芳", community=a)
    desk3 = f.staff("desk3", "赵雪", community=b)
    boss = f.staff("super1", "陈静", "supervisor")
    tech = f.staff("tech1", "李建国", "tech")
    occupied = people.ensure_room(a.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, occupied, "owner", dt.date(2019, 5, 1))
    Room.update(state="occupied").where(Room.id == occupied).execute()
    vacant = people.ensure_room(a.id, "3-2-502")
    vacant2 = people.ensure_room(a.id, "3-2-601")
    free = ParkingSpace.create(community=a, code="B2-034", kind="rented")
    held = ParkingSpace.create(community=a, code="B2-035", kind="rented", holder=owner)
    yield {"a": a.id, "b": b.id, "desk1": desk1.id, "desk2": desk2.id, "desk3": desk3.id,
           "boss": boss.id, "tech": tech.id, "owner": owner, "occupied": occupied,
           "vacant": vacant, "vacant2": vacant2, "free": free.id, "held": held.id}
    close_database()


def at(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setenv("FRONTDESK_NOW", when.isoformat(sep=" "))


def new(w, staff: str = "desk1", **fields) -> leads.LeadView:
    values = {"name": "刘洋", "phones": ["139 1234 5678"], "source": "来电", "interest": "租房",
              "community_id": w["a"]}
    values.update(fields)
    return leads.create_lead(LeadInput(**values), w[staff])


# --- stages and the timeline ---------------------------------------------------------------------


def test_stages_move_forward_back_and_to_lost_and_every_change_is_in_the_timeline(world, monkeypatch):
    w = world
    lead = new(w, owner_id=w["desk1"])
    assert (lead.stage, lead.owner, lead.assigned_by, lead.phones) == ("new", "李娜", "hand", ("13912345678",))
    at(monkeypatch, NOW + dt.timedelta(hours=1))
    assert leads.advance(lead.id, w["desk1"]).stage == "contacted"
    at(monkeypatch, NOW + dt.timedelta(days=2))
    assert leads.advance(lead.id, w["desk1"], "看过房，喜欢南向").stage == "interested"
    assert leads.back(lead.id, w["desk1"]).stage == "contacted"
    at(monkeypatch, NOW + dt.timedelta(days=3))
    lost = leads.lose(lead.id, "价格不合适", w["desk1"], "预算只有3000")
    assert (lost.stage, lost.lost_reason, lost.lost_note) == ("lost", "price", "预算只有3000")
    with pytest.raises(ValidationError) as caught:
        leads.advance(lead.id, w["desk1"])
    assert caught.value.field == "stage"
    reopened = leads.back(lead.id, w["boss"])
    assert (reopened.stage, reopened.lost_reason) == ("contacted", "")  # the stage it was lost from
    assert reopened.stage_since == NOW + dt.timedelta(days=3)
    stages = [(t.from_value, t.to_value, t.staff, t.at) for t in reopened.timeline if t.kind == "stage"]
    assert stages == [
        ("new", "contacted", "李娜", NOW + dt.timedelta(hours=1)),
        ("contacted", "interested", "李娜", NOW + dt.timedelta(days=2)),
        ("interested", "contacted", "李娜", NOW + dt.timedelta(days=2)),
        ("contacted", "lost", "李娜", NOW + dt.timedelta(days=3)),
        ("lost", "contacted", "陈静", NOW + dt.timedelta(days=3)),
    ]
    lost_line = next(t for t in reopened.timeline if t.to_value == "lost")
    assert (lost_line.code, lost_line.note) == ("price", "预算只有3000")
    assert [t.kind for t in reopened.timeline][:2] == ["create", "assign"]


def test_a_lead_is_won_from_quoted_and_lost_needs_a_known_reason(world):
    w = world
    lead = new(w)
    for _ in range(4):
        lead = leads.advance(lead.id, w["desk1"])
    assert lead.stage == "won"
    other = new(w, phones=["13700001111"])
    with pytest.raises(ValidationError) as caught:
        leads.lose(other.id, "不知道", w["desk1"])
    assert caught.value.field == "reason"
    with pytest.raises(ValidationError) as caught:
        leads.lose(other.id, "other", w["desk1"])  # 其他 needs a word of why
    assert caught.value.field == "note"
    assert leads.get_lead(other.id).stage == "new"


def test_a_technician_may_not_work_on_leads(world):
    w = world
    with pytest.raises(PermissionDenied):
        new(w, staff="tech")
    assert Lead.select().count() == 0


# --- assignment --------------------------------------------------------------------------------


def test_new_leads_go_in_turn_to_the_desk_of_their_community(world):
    w = world
    owners = [new(w, phones=[f"1390000000{i}"]).owner_id for i in range(3)]
    assert owners == [w["desk1"], w["desk2"], w["desk1"]]
    other = new(w, phones=["13900000009"], community_id=w["b"])
    assert (other.owner_id, other.assigned_by) == (w["desk3"], "round_robin")
    assert new(w, phones=["13900000008"]).owner_id == w["desk2"]  # community A's turn goes on
    nowhere = new(w, staff="boss", phones=["13900000007"], community_id=None)
    assert (nowhere.owner_id, nowhere.assigned_by) == (w["boss"], "creator")
    # desk2 was given a lead by desk1: told so.
    assert Notification.select().where(Notification.staff == w["desk2"],
                                       Notification.entity == "lead").count() == 2


def test_the_interest_rule_comes_before_the_turn(world):
    w = world
    with pytest.raises(PermissionDenied):
        leads.set_lead_rule("装修", w["desk2"], by=w["desk1"])
    rules = leads.set_lead_rule("装修", w["desk2"], by=w["boss"])
    assert [(r.interest, r.staff_login, r.community) for r in rules] == [("renovation", "desk2", "")]
    leads.set_lead_rule("renovation", w["desk3"], community_id=w["b"], by=w["boss"])
    first = new(w, interest="装修", phones=["13900000001"])
    second = new(w, interest="装修", phones=["13900000002"])
    assert [(x.owner_id, x.assigned_by) for x in (first, second)] == [
        (w["desk2"], "interest"), (w["desk2"], "interest")]
    in_b = new(w, interest="装修", phones=["13900000003"], community_id=w["b"])
    assert in_b.owner_id == w["desk3"]  # the community's own rule wins
    assert new(w, interest="租房", phones=["13900000004"]).assigned_by == "round_robin"
    with pytest.raises(ValidationError):
        leads.set_lead_rule("装修", w["tech"], by=w["boss"])  # a technician does not work leads
    leads.set_lead_rule("装修", None, by=w["boss"])
    assert new(w, interest="装修", phones=["13900000005"]).assigned_by == "round_robin"


def test_reassigning_someone_elses_lead_is_for_leads_only(world):
    w = world
    lead = new(w, owner_id=w["desk1"])
    with pytest.raises(PermissionDenied):
        leads.assign(lead.id, w["desk2"], w["desk2"])  # desk2 may not take desk1's lead
    handed = leads.assign(lead.id, w["desk2"], w["desk1"])  # desk1 hands their own over
    assert (handed.owner_id, handed.assigned_by) == (w["desk2"], "hand")
    moved = leads.assign(lead.id, w["desk1"], w["boss"], note="王芳休假")
    assert moved.owner_id == w["desk1"]
    line = moved.timeline[-1]
    assert (line.kind, line.code, line.from_value, line.to_value, line.staff, line.note) == (
        "assign", "hand", "desk2", "desk1", "陈静", "王芳休假")
    with pytest.raises(ValidationError):
        leads.assign(lead.id, w["tech"], w["boss"])


# --- contact, duplicates, places ------------------------------------------------------------------


def test_an_open_lead_with_the_same_phone_is_a_warning_until_forced(world):
    w = world
    first = new(w, phones=["13912345678"])
    with pytest.raises(DuplicateLead) as caught:
        new(w, name="刘先生", phones=["+86 139-1234-5678"])
    assert caught.value.leads == [(first.id, "刘洋", "new", "李娜")]
    assert f"#{first.id} 刘洋" in caught.value.message
    assert Lead.select().count() == 1
    assert leads.check_duplicates(["139 1234 5678"]) == [(first.id, "刘洋", "new", "李娜")]
    second = leads.create_lead(LeadInput("刘先生", ["+86 139-1234-5678"], "到访", "买房",
                                         community_id=w["a"]), w["desk1"], force=True)
    assert second.timeline[0].from_value == f"#{first.id}"
    leads.lose(first.id, "no_need", w["desk1"])
    leads.lose(second.id, "no_need", w["desk1"])
    assert leads.check_duplicates(["13912345678"]) == []  # a closed lead is no duplicate


def test_bad_contact_input_names_the_field_and_saves_nothing(world):
    w = world
    for fields, field in (
        ({"phones": ["1391234"]}, "phones"),
        ({"phones": []}, "phones"),
        ({"name": "  "}, "name"),
        ({"name": "刘\x1b[31m洋"}, "name"),
        ({"budget": "三千"}, "budget"),
        ({"budget": "-5"}, "budget"),
        ({"source": "电视"}, "source"),
        ({"interest": "养猫"}, "interest"),
        ({"source": "业主推荐"}, "referrer"),  # an owner referral names the owner
        ({"places": "3-2-501"}, "places"),  # occupied
        ({"places": "9-9-999"}, "places"),
        ({"places": "B2-035"}, "places"),  # held
    ):
        with pytest.raises(ValidationError) as caught:
            new(w, **fields)
        assert caught.value.field == field, fields
    assert Lead.select().count() == LeadPhone.select().count() == 0


def test_phones_are_normalised_and_matched_with_known_people(world):
    w = world
    lead = new(w, name="张晓明", phones=["138-0013-8000", "021 5555 1234"], interest="装修",
               budget="1.2万", source="业主推荐", referrer="13800138000")
    assert lead.phones == ("13800138000", "021-55551234")
    assert lead.person_id == w["owner"] and lead.person == "张晓明"
    assert [(k.name, k.rooms) for k in lead.known] == [("张晓明", ("锦绣花园 3-2-501",))]
    assert (lead.referrer, lead.budget) == ("张晓明", Decimal("12000.00"))


def test_rooms_and_spaces_of_interest_are_vacant_ones_of_the_community(world):
    w = world
    lead = new(w, places="3-2-502, B2-034")
    assert [(p.kind, p.code, p.state) for p in lead.places] == [
        ("room", "3-2-502", "vacant"), ("parking", "B2-034", "vacant")]
    offered = leads.vacant_places(w["a"], "rent")
    assert [p.code for p in offered] == ["3-2-502", "3-2-601"]
    assert [p.code for p in leads.vacant_places(w["a"], "parking")] == ["B2-034"]
    more = leads.add_places(lead.id, w["desk1"], room_ids=[w["vacant2"]])
    assert [p.code for p in more.places] == ["3-2-502", "B2-034", "3-2-601"]
    with pytest.raises(ValidationError):
        leads.add_places(lead.id, w["desk1"], room_ids=[w["occupied"]])
    # A room let to someone else since stays on the lead when it is edited.
    Room.update(state="rented").where(Room.id == w["vacant"]).execute()
    edited = leads.update_lead(lead.id, LeadInput("刘洋", ["13912345678"], "来电", "租房",
                                                  community_id=w["a"], places="3-2-502, 3-2-601",
                                                  budget="4500"), w["desk1"])
    assert [p.code for p in edited.places] == ["3-2-502", "3-2-601"]
    assert edited.budget == Decimal("4500.00")
    assert (edited.timeline[-1].kind, edited.timeline[-1].note) == ("edit", "budget,places")


# --- follow-ups and contacts ---------------------------------------------------------------------


def test_a_follow_up_is_a_task_in_the_owners_calendar_and_a_contact_settles_it(world, monkeypatch):
    w = world
    when = NOW + dt.timedelta(days=1, hours=4)
    lead = new(w, owner_id=w["desk2"], next_followup=when)
    assert lead.next_followup == when
    task = Event.get_by_id(lead.followup_event_id)
    assert (task.kind, task.due, task.reminder_minutes, task.done) == ("task", when, 15, False)
    assert f"#{lead.id} 刘洋" in task.title
    assert [a.staff_id for a in EventAttendee.select().where(EventAttendee.event == task.id)] == [w["desk2"]]
    with pytest.raises(ValidationError) as caught:
        leads.set_followup(lead.id, NOW - dt.timedelta(hours=2), w["desk2"])
    assert caught.value.field == "next_followup"
    at(monkeypatch, when + dt.timedelta(minutes=5))
    later = when + dt.timedelta(days=3)
    called = leads.log_contact(lead.id, "电话", "约周六看房", w["desk2"], next_followup=later)
    assert called.stage == "contacted"  # the first contact
    assert Event.get_by_id(task.id).done
    assert Event.get_by_id(called.followup_event_id).due == later
    contact = next(t for t in called.timeline if t.kind == "contact")
    assert (contact.code, contact.note, contact.staff) == ("call", "约周六看房", "王芳")
    # Handed over: the task goes with the lead.
    moved = leads.assign(lead.id, w["desk1"], w["boss"])
    assert [a.staff_id for a in EventAttendee.select().where(
        EventAttendee.event == moved.followup_event_id)] == [w["desk1"]]
    lost = leads.lose(lead.id, "elsewhere", w["desk1"])
    assert lost.next_followup is None and Event.get_by_id(called.followup_event_id).done
    with pytest.raises(ValidationError):
        leads.set_followup(lead.id, later, w["desk1"])


def test_a_contact_needs_words_and_a_note_does_not_count_as_contacting(world):
    w = world
    lead = new(w)
    with pytest.raises(ValidationError) as caught:
        leads.log_contact(lead.id, "call", "  ", w["desk1"])
    assert caught.value.field == "note"
    noted = leads.log_contact(lead.id, "备注", "客户说下周再联系", w["desk1"])
    assert noted.stage == "new"
    visited = leads.log_contact(lead.id, "visit", "到售楼处看了样板间", w["desk1"])
    assert visited.stage == "contacted"
    assert [t.code for t in visited.timeline if t.kind == "contact"] == ["note", "visit"]


# --- lists ------------------------------------------------------------------------------------------


def test_my_leads_due_for_follow_up_come_first(world, monkeypatch):
    w = world
    old = new(w, owner_id=w["desk1"], phones=["13900000001"], next_followup=NOW + dt.timedelta(hours=5))
    other = new(w, owner_id=w["desk2"], phones=["13900000002"], next_followup=NOW + dt.timedelta(hours=1))
    later = new(w, owner_id=w["desk1"], phones=["13900000003"], next_followup=NOW + dt.timedelta(days=2))
    soon = new(w, owner_id=w["desk1"], phones=["13900000004"], next_followup=NOW + dt.timedelta(hours=2))
    plain = new(w, owner_id=w["desk1"], phones=["13900000005"])
    page = leads.leads(leads.LeadFilter(), w["desk1"])
    assert [r.id for r in page.rows] == [soon.id, old.id, plain.id, later.id, other.id]
    assert page.after is None
    first = leads.leads(leads.LeadFilter(), w["desk1"], limit=3)
    second = leads.leads(leads.LeadFilter(), w["desk1"], after=first.after, limit=3)
    assert [r.id for r in first.rows + second.rows] == [r.id for r in page.rows]
    counts = leads.stage_counts(leads.LeadFilter())
    assert (counts["new"], counts["open"]) == (5, 5)
    leads.lose(plain.id, "no_need", w["desk1"])
    assert leads.stage_counts(leads.LeadFilter())["lost"] == 1
    assert [r.id for r in leads.leads(leads.LeadFilter(stage="lost"), w["desk1"]).rows] == [plain.id]
    assert [r.id for r in leads.leads(leads.LeadFilter(text="0004"), w["desk1"]).rows] == [soon.id]
    assert leads.due_count(w["desk1"]) == 2


# --- conversion --------------------------------------------------------------------------------------


def test_a_won_lead_becomes_a_tenant_whom_owner_search_finds(world):
    w = world
    lead = new(w, name="孙悦", phones=["13566667777"], places="3-2-502")
    converted = leads.convert_to_tenant(lead.id, w["desk1"])
    assert (converted.stage, converted.converted_to) == ("won", "tenant")
    person = Person.get_by_id(converted.person_id)
    assert person.name == "孙悦"
    assert [p.number for p in Phone.select().where(Phone.person == person.id)] == ["13566667777"]
    occ = Occupancy.get(Occupancy.person == person.id)
    assert (occ.room_id, occ.role, occ.end_date) == (w["vacant"], "tenant", None)
    assert Room.get_by_id(w["vacant"]).state == "rented"
    assert [t.kind for t in converted.timeline][-2:] == ["stage", "convert"]
    for query in ("孙悦", "13566667777", "3-2-502"):
        hits = search.search(query).hits
        assert [(h.id, h.role) for h in hits] == [(person.id, "tenant")], query
    with pytest.raises(ValidationError):
        leads.convert_to_tenant(lead.id, w["desk1"])  # converted once


def test_conversion_refuses_an_occupied_room_and_a_lost_lead_and_saves_nothing(world):
    w = world
    lead = new(w, name="孙悦", phones=["13566667777"])
    with pytest.raises(ValidationError) as caught:
        leads.convert_to_tenant(lead.id, w["desk1"])  # no room of interest
    assert caught.value.field == "room"
    with pytest.raises(ValidationError):
        leads.convert_to_tenant(lead.id, w["desk1"], room_id=w["occupied"])
    assert Person.select().where(Person.name == "孙悦").count() == 0
    assert leads.get_lead(lead.id).stage == "new"
    leads.lose(lead.id, "timing", w["desk1"])
    with pytest.raises(ValidationError):
        leads.convert_to_tenant(lead.id, w["desk1"], room_id=w["vacant"])


def test_a_parking_lead_becomes_the_holder_of_the_space(world):
    w = world
    lead = new(w, interest="车位", places="B2-034", phones=["13566667777"])
    converted = leads.convert_to_tenant(lead.id, w["desk1"])
    assert converted.converted_to == "parking"
    assert ParkingSpace.get_by_id(w["free"]).holder_id == converted.person_id


def test_a_won_lead_becomes_a_paid_work_order(world):
    w = world
    lead = new(w, name="张晓明", phones=["13800138000"], interest="装修", budget="30000",
               note="厨房翻新，想找物业推荐的施工队")
    converted = leads.convert_to_work_order(lead.id, w["desk1"])
    order = WorkOrder.get_by_id(converted.work_order_id)
    assert (order.person_id, order.room_id, order.community_id) == (w["owner"], w["occupied"], w["a"])
    assert order.contact_phone == "13800138000" and order.status == "new"
    assert "装修" in order.title and "30000" in order.description
    assert (converted.stage, converted.converted_to, converted.work_order) == ("won", "work_order", order.number)
    assert LeadEvent.select().where(LeadEvent.lead == lead.id, LeadEvent.kind == "convert").count() == 1
    unknown = new(w, name="周女士", phones=["13311112222"], interest="家政")
    with pytest.raises(ValidationError) as caught:
        leads.convert_to_work_order(unknown.id, w["desk1"])  # no room known, no place given
    assert caught.value.field == "location"
    done = leads.convert_to_work_order(unknown.id, w["desk1"], location="3号楼2单元大堂")
    assert WorkOrder.get_by_id(done.work_order_id).location == "3号楼2单元大堂"


# --- the demo database ------------------------------------------------------------------------------


def test_the_demo_has_leads_of_every_source_interest_and_stage(tmp_path, monkeypatch):
    import sqlite3

    from data.sample import generate

    today = dt.date(2026, 11, 27)
    path = tmp_path / "demo.db"
    generate(str(path), owners=300, seed=1, today=today)
    close_database()
    conn = sqlite3.connect(path)

    def column(sql: str) -> set:
        return {row[0] for row in conn.execute(sql)}

    assert column("SELECT source FROM lead") == set(leads.LEAD_SOURCES)
    assert column("SELECT interest FROM lead") == set(leads.LEAD_INTERESTS)
    assert column("SELECT stage FROM lead") == set(leads.LEAD_STAGES)
    assert 140 <= conn.execute("SELECT count(*) FROM lead").fetchone()[0] <= 200
    assert column("SELECT lost_reason FROM lead WHERE stage = 'lost'") <= set(leads.LOST_REASONS)
    assert column("SELECT converted_to FROM lead WHERE converted_to != ''") == {"tenant", "work_order", "contract"}
    assert conn.execute("SELECT count(*) FROM lead WHERE source = 'owner' AND referrer_id IS NULL").fetchone() == (0,)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # desk1 has follow-ups overdue and due later today, each a task in their calendar.
    due = conn.execute(
        "SELECT l.next_followup, e.kind, e.due FROM lead l JOIN staff s ON s.id = l.owner_id "
        "JOIN event e ON e.id = l.followup_event_id WHERE s.login = 'desk1'").fetchall()
    assert any(n < "2026-11-27 09:00" for n, _k, _d in due)
    assert any(n.startswith("2026-11-27") and n > "2026-11-27 09:00" for n, _k, _d in due)
    assert all(k == "task" and d == n for n, k, d in due)
    conn.close()
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 09:00")
    open_database(str(path))
    won = Lead.get(Lead.converted_to == "tenant")
    view = leads.get_lead(won.id)
    assert view.stage == "won" and view.person and [t.kind for t in view.timeline][-1] == "convert"
    # Won leads with their contract, quoted ones with a proposal: linked both ways
    # (data/sample_contracts.py).
    from data import contracts as ct

    signed = leads.get_lead(Lead.get(Lead.converted_to == "contract").id)
    assert signed.stage == "won" and signed.contract is not None and signed.result == signed.contract.number
    contract = ct.get_contract(signed.contract.number, _checked=True)
    assert contract.lead_id == signed.id and contract.kind == leads.contract_kind_for(signed.interest)
    quoted = [leads.get_lead(i) for i, in Lead.select(Lead.id).where(Lead.stage == "quoted").tuples()]
    offered = [v for v in quoted if v.contracts]
    assert offered and all(v.contracts[0].kind == "proposal" for v in offered)
    assert ct.get_contract(offered[0].contracts[0].id, _checked=True).lead_id == offered[0].id
    stats = leads.funnel("source")
    assert stats.total.won > 0 and stats.total.lost > 0 and 0 < stats.total.conversion < 1
    close_database()


def test_lead_phones_are_searched_by_the_last_4_digits_or_the_whole_number(world, monkeypatch):
    """Digits no longer match anywhere inside a number: the last 4 or the whole number
    (counted in the audit trail like an owner search's); a longer tail only for roles that
    may reveal numbers."""
    from data import access
    from data.models import AuditLog

    w = world
    lead = new(w, phones=["13912345678"])
    clerk = f.staff("desk9", "孙丽")
    mine = clerk.id
    access.act_as(clerk)

    def found(text: str) -> list[int]:
        return [r.id for r in leads.leads(leads.LeadFilter(stage=None, text=text), mine).rows]

    assert found("5678") == [lead.id]
    assert found("139") == [] and found("1391") == [] and found("12345") == []  # not a tail
    assert found("45678") == [lead.id]  # the desk may reveal numbers: a longer tail
    assert found("139 1234 5678") == [lead.id] and found("13912340000") == []
    assert AuditLog.select().where(AuditLog.action == "search", AuditLog.staff == mine).count() == 2
    # The counts beside the list do not count the same search again.
    leads.stage_counts(leads.LeadFilter(text="13912345678"))
    assert AuditLog.select().where(AuditLog.action == "search", AuditLog.staff == mine).count() == 2
    # A role that may not reveal numbers is refused a longer tail, with the reason.
    monkeypatch.setitem(access.RULES, "reveal.phone", (frozenset({access.SUPERVISOR}), "see full phone numbers"))
    with pytest.raises(ValidationError) as caught:
        found("45678")
    assert "只能按号码的后 4 位或完整号码搜索" in caught.value.message
    assert found("5678") == [lead.id]

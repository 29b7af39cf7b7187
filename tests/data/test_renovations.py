"""Renovation permits (issue 16 item 2): permitted hours with the holiday calendar, the
noise-complaint flag, the status machine and its refusals, inspections opening work
orders, the register's lists — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from data import access, people, renovations
from data import workorders as wo
from data.errors import PermissionDenied, ValidationError
from data.models import (
    AuditLog,
    Category,
    Renovation,
    RenovationEvent,
    RenovationWorker,
    Room,
    WorkOrder,
    WorkOrderHistory,
)
from data.people import PersonInput
from data.renovations import InspectionInput, RenovationFilter, RenovationInput, WorkerInput
from tests import factories as f

MONDAY = dt.date(2026, 3, 2)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def w(database, monkeypatch) -> SimpleNamespace:
    """A community with an owned room 3-2-501 and an empty 5-1-101, desk, tech and a
    supervisor; the clock on Monday 2026-03-02 09:00."""
    monkeypatch.setenv("FRONTDESK_NOW", "2026-03-02 09:00")
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    other = people.ensure_room(comm.id, "3-2-601")
    empty = people.ensure_room(comm.id, "5-1-101")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    Room.update(state="occupied").where(Room.id == room).execute()
    neighbour = people.create_person(PersonInput(name="李芳", phones=["13900139000"]))
    people.move_in(neighbour, other, "owner")
    return SimpleNamespace(
        comm=comm.id, room=room, other=other, empty=empty, owner=owner, neighbour=neighbour,
        desk=f.staff("desk1", "李娜", "desk"), tech=f.staff("tech1", "王建国", "tech"),
        lead=f.staff("super1", "陈静", "supervisor"),
    )


def application(w, **changes) -> RenovationInput:
    values = dict(room_id=w.room, contractor="美家装饰工程有限公司", contractor_phone="021-5555 1234",
                  start_date=MONDAY, end_date=dt.date(2026, 6, 30), scope="厨卫翻新",
                  deposit="2000", workers=[WorkerInput("王师傅", "13700137000", "123x")])
    values.update(changes)
    return RenovationInput(**values)


def running(w, **changes) -> renovations.RenovationView:
    """A permit approved, deposit taken, rules signed and the works started."""
    view = renovations.register(application(w, deposit_received=True, rules_acknowledged=True,
                                            **changes), w.desk.id)
    renovations.approve(view.id, w.lead.id)
    return renovations.start(view.id, w.desk.id)


# --- permitted hours ---------------------------------------------------------------------------


def test_default_hours_on_a_weekday_saturday_public_holiday_and_make_up_day(w):
    permit = running(w)
    # Wednesday: 08:00–12:00 and 14:00–18:00, the start counts, the end does not.
    assert renovations.is_permitted(permit, at("2026-03-04 08:00"))
    assert renovations.is_permitted(permit, at("2026-03-04 11:59"))
    assert not renovations.is_permitted(permit, at("2026-03-04 12:00"))
    assert not renovations.is_permitted(permit, at("2026-03-04 12:30"))  # lunch: no noise
    assert renovations.is_permitted(permit, at("2026-03-04 14:00"))
    assert not renovations.is_permitted(permit, at("2026-03-04 18:00"))
    assert not renovations.is_permitted(permit, at("2026-03-04 07:59"))
    # Saturday: a rest day.
    assert renovations.day_kind(dt.date(2026, 3, 7)) == renovations.REST_DAY
    assert not renovations.is_permitted(permit, at("2026-03-07 10:00"))
    # 劳动节 (Friday 2026-05-01) is a public holiday of the calendar: no works.
    assert renovations.day_kind(dt.date(2026, 5, 1)) == renovations.PUBLIC_HOLIDAY
    assert not renovations.is_permitted(permit, at("2026-05-01 10:00"))
    # Saturday 2026-05-09 is its 调休 make-up working day: works as on a weekday.
    assert renovations.day_kind(dt.date(2026, 5, 9)) == renovations.WORKING_DAY
    assert renovations.is_permitted(permit, at("2026-05-09 10:00"))
    assert not renovations.is_permitted(permit, at("2026-05-09 12:30"))
    # The id works as well as the view.
    assert renovations.is_permitted(permit.id, at("2026-03-04 09:00"))


def test_custom_hours_per_permit_but_never_on_a_public_holiday(w):
    permit = running(w, workday_hours="8:30~11:30、14:00至17:00", rest_day_hours="09:00-12:00")
    assert (permit.workday_hours, permit.rest_day_hours) == ("08:30-11:30,14:00-17:00", "09:00-12:00")
    assert not renovations.is_permitted(permit, at("2026-03-04 08:15"))
    assert not renovations.is_permitted(permit, at("2026-03-04 17:30"))
    assert renovations.is_permitted(permit, at("2026-03-07 10:00"))  # Saturday morning
    assert not renovations.is_permitted(permit, at("2026-03-07 14:30"))
    assert not renovations.is_permitted(permit, at("2026-05-02 10:00"))  # 劳动节, a Saturday
    assert renovations.describe_hours(permit.workday_hours, permit.rest_day_hours) == (
        "工作日 08:30-11:30、14:00-17:00；休息日 09:00-12:00；法定节假日不施工")


def test_hours_only_while_approved_or_in_progress_and_within_the_period(w):
    view = renovations.register(application(w, end_date=dt.date(2026, 3, 31)), w.desk.id)
    assert not renovations.is_permitted(view, at("2026-03-04 09:00"))  # only applied
    approved = renovations.approve(view.id, w.lead.id)
    assert renovations.is_permitted(approved, at("2026-03-04 09:00"))
    assert not renovations.is_permitted(approved, at("2026-04-01 09:00"))  # after its period


@pytest.mark.parametrize(("hours", "problem"), [
    ("18:00-08:00", "结束时间早于开始时间"),
    ("08:00-12:00,11:00-13:00", "时间段重叠"),
    ("早上八点到十二点", "HH:MM-HH:MM"),
    ("25:00-26:00", "HH:MM-HH:MM"),
])
def test_bad_hours_are_refused_naming_the_field(w, hours, problem):
    with pytest.raises(ValidationError) as caught:
        renovations.register(application(w, workday_hours=hours), w.desk.id)
    assert caught.value.field == "workday_hours" and problem in caught.value.message
    assert Renovation.select().count() == 0


# --- the noise rule ------------------------------------------------------------------------------


def _complaint(w, monkeypatch, when: str, *, category: str = "noise.renovation", room=None,
               kind: str = "complaint") -> list[tuple[str, str]]:
    monkeypatch.setenv("FRONTDESK_NOW", when)
    category_id = Category.get(Category.code == category).id
    order = wo.create_order(wo.OrderInput(kind=kind, title="楼上装修太吵", community_id=w.comm,
                                          room_id=room or w.room, category_id=category_id),
                            w.desk.id)
    return [(h.action, h.note) for h in wo.history(order.id)]


def test_a_noise_complaint_outside_the_permitted_hours_is_flagged(w, monkeypatch):
    permit = running(w)
    history = _complaint(w, monkeypatch, "2026-03-04 12:30")
    flags = [note for action, note in history if action == "renovation"]
    assert len(flags) == 1
    assert flags[0].startswith("装修中：超出许可施工时间")
    assert permit.number in flags[0] and "工作日 08:00-12:00、14:00-18:00" in flags[0]
    # What the work-order screen shows on its line.
    assert renovations.renovation_flag(wo.history(WorkOrder.select().order_by(WorkOrder.id.desc())
                                                  .first().id)) == flags[0]
    # The parent category 噪音 counts too, and a Saturday is outside the default hours.
    history = _complaint(w, monkeypatch, "2026-03-07 10:00", category="noise")
    [flag] = [n for a, n in history if a == "renovation"]
    assert flag == f"装修中：超出许可施工时间 · 装修许可 {permit.number} · 休息日不施工"


def test_a_noise_complaint_inside_the_permitted_hours_says_so(w, monkeypatch):
    running(w)
    history = _complaint(w, monkeypatch, "2026-03-04 10:00", category="noise.neighbour")
    flags = [note for action, note in history if action == "renovation"]
    assert len(flags) == 1 and flags[0].startswith("装修中（许可时间内）")
    assert "超出" not in flags[0]


def test_other_orders_are_not_flagged(w, monkeypatch):
    running(w)
    no_flag = [
        _complaint(w, monkeypatch, "2026-03-04 12:30", category="sanitation.rubbish"),  # not noise
        # No permit there nor next to it (3-2-601, upstairs, is flagged as the neighbour:
        # tests/data/test_register_wiring.py).
        _complaint(w, monkeypatch, "2026-03-04 12:30", room=w.empty),
        _complaint(w, monkeypatch, "2026-03-04 12:30", category="plumbing.leak", kind="repair"),
    ]
    for history in no_flag:
        assert [a for a, _n in history] == ["create"]
    assert renovations.renovation_flag([]) is None


def test_no_flag_once_the_works_are_over(w, monkeypatch):
    permit = running(w)
    renovations.finish(permit.id, w.desk.id)
    history = _complaint(w, monkeypatch, "2026-03-04 12:30")
    assert [a for a, _n in history] == ["create"]


# --- the status machine ------------------------------------------------------------------------


def test_the_whole_flow_each_step_attributed(w, monkeypatch):
    view = renovations.register(application(w), w.desk.id)
    assert (view.status, view.applicant, view.number[:14]) == ("applied", "张晓明", "ZXXK-20260302-")
    assert view.contractor_phone == "021-****1234"
    view = renovations.approve(view.id, w.lead.id, note="同意")
    assert (view.status, view.approved_by) == ("approved", "陈静")
    view = renovations.record_deposit(view.number, w.desk.id)
    assert (view.deposit_received_by, view.deposit) == ("李娜", Decimal("2000.00"))
    view = renovations.acknowledge_rules(view.id, w.desk.id)
    assert view.rules_acknowledged
    view = renovations.start(view.id, w.desk.id)
    assert view.status == "in_progress" and view.started_at is not None
    assert Room.get_by_id(w.room).state == "renovating"
    renovations.inspect(view.id, InspectionInput("现场整洁"), w.tech.id)
    view = renovations.finish(view.id, w.desk.id)
    assert view.status == "awaiting_acceptance"
    monkeypatch.setenv("FRONTDESK_NOW", "2026-07-03 10:00")
    view = renovations.accept(view.id, w.lead.id, True, "符合要求")
    assert (view.status, view.acceptance_result, view.accepted_by) == ("accepted", "passed", "陈静")
    assert Room.get_by_id(w.room).state == "occupied"  # what it was before the works
    view = renovations.refund(view.id, w.lead.id)
    assert (view.status, view.refunded_amount, view.refunded_by) == ("refunded", Decimal("2000.00"), "陈静")
    assert [(e.action, e.staff, e.to_status) for e in view.events] == [
        ("apply", "李娜", "applied"), ("approve", "陈静", "approved"), ("deposit", "李娜", "approved"),
        ("rules", "李娜", "approved"), ("start", "李娜", "in_progress"),
        ("inspect", "王建国", "in_progress"), ("finish", "李娜", "awaiting_acceptance"),
        ("accept", "陈静", "accepted"), ("refund", "陈静", "refunded"),
    ]
    assert view.version == 9
    # The audit trail has the permit's changes too (the triggers see the new tables).
    assert AuditLog.select().where(AuditLog.entity == "renovation",
                                   AuditLog.entity_id == view.id).count() >= 9


def test_refund_before_acceptance_is_refused_with_a_clear_message(w):
    permit = running(w)
    with pytest.raises(ValidationError) as caught:
        renovations.refund(permit.id, w.lead.id)
    assert caught.value.message == (
        f"{permit.number} 当前为“施工中”：装修验收通过后才能退还押金。")
    after = renovations.get_permit(permit.id)
    assert (after.status, after.version, after.refunded_at) == ("in_progress", permit.version, None)
    assert renovations.refusal(permit.number, "accepted", "refund") is None


def test_wrong_roles_are_refused(w):
    view = renovations.register(application(w, deposit_received=True, rules_acknowledged=True),
                                w.desk.id)
    with pytest.raises(PermissionDenied) as caught:
        renovations.approve(view.id, w.desk.id)
    assert "审批装修许可" in caught.value.message
    with pytest.raises(PermissionDenied):
        renovations.register(application(w, room_id=w.other, applicant_id=w.neighbour), w.tech.id)
    renovations.approve(view.id, w.lead.id)
    renovations.start(view.id, w.desk.id)
    renovations.inspect(view.id, InspectionInput("正常"), w.tech.id)  # anyone inspects
    renovations.finish(view.id, w.desk.id)
    with pytest.raises(PermissionDenied):
        renovations.accept(view.id, w.desk.id, True)
    renovations.accept(view.id, w.lead.id, True)
    with pytest.raises(PermissionDenied) as caught:
        renovations.refund(view.id, w.tech.id)
    assert "退还装修押金" in caught.value.message
    # The signed-in account counts the same way (the screens ask `may`).
    access.act_as(w.desk)
    assert not renovations.may("refund") and renovations.may("start")
    assert renovations.get_permit(view.id).status == "accepted"


def test_starting_needs_the_period_the_deposit_and_the_rules(w, monkeypatch):
    view = renovations.register(application(w, start_date=dt.date(2026, 3, 9)), w.desk.id)
    renovations.approve(view.id, w.lead.id)
    with pytest.raises(ValidationError) as caught:
        renovations.start(view.id, w.desk.id)
    assert "2026-03-09 起才能开工" in caught.value.message
    monkeypatch.setenv("FRONTDESK_NOW", "2026-03-09 08:00")
    with pytest.raises(ValidationError) as caught:
        renovations.start(view.id, w.desk.id)
    assert caught.value.field == "deposit" and "2000.00" in caught.value.message
    renovations.record_deposit(view.id, w.lead.id, "3000")  # after approval only a lead changes it
    with pytest.raises(ValidationError) as caught:
        renovations.record_deposit(view.id, w.desk.id)
    assert "已于" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        renovations.start(view.id, w.desk.id)
    assert caught.value.field == "rules"
    renovations.acknowledge_rules(view.id, w.desk.id)
    assert renovations.start(view.id, w.desk.id).deposit == Decimal("3000.00")


def test_failed_acceptance_goes_back_to_the_works(w):
    permit = running(w)
    renovations.finish(permit.id, w.desk.id)
    with pytest.raises(ValidationError) as caught:
        renovations.accept(permit.id, w.lead.id, False)
    assert caught.value.field == "notes"
    view = renovations.accept(permit.id, w.lead.id, False, "卫生间闭水试验渗漏")
    assert (view.status, view.acceptance_result) == ("in_progress", "failed")
    assert Room.get_by_id(w.room).state == "renovating"
    with pytest.raises(ValidationError):
        renovations.refund(permit.id, w.lead.id)


def test_refund_with_deductions_needs_a_reason_and_stays_within_the_deposit(w):
    permit = running(w)
    renovations.finish(permit.id, w.desk.id)
    renovations.accept(permit.id, w.lead.id, True)
    with pytest.raises(ValidationError) as caught:
        renovations.refund(permit.id, w.lead.id, "2500")
    assert caught.value.field == "amount"
    with pytest.raises(ValidationError) as caught:
        renovations.refund(permit.id, w.lead.id, "1500")
    assert caught.value.field == "reason" and "500.00" in caught.value.message
    with pytest.raises(ValidationError):
        renovations.refund(permit.id, w.lead.id, "-5", "x")
    view = renovations.refund(permit.id, w.lead.id, "1,500.00", "损坏楼道墙面")
    assert (view.refunded_amount, view.deduction, view.deduction_reason) == (
        Decimal("1500.00"), Decimal("500.00"), "损坏楼道墙面")
    with pytest.raises(ValidationError):
        renovations.refund(permit.id, w.lead.id)


def test_reject_and_cancel_need_a_reason(w):
    first = renovations.register(application(w, end_date=dt.date(2026, 3, 31)), w.desk.id)
    with pytest.raises(ValidationError):
        renovations.reject(first.id, w.lead.id, "  ")
    view = renovations.reject(first.id, w.lead.id, "拆改承重墙")
    assert (view.status, view.closed_reason) == ("rejected", "拆改承重墙")
    second = renovations.register(application(w, start_date=dt.date(2026, 4, 1)), w.desk.id)
    view = renovations.cancel(second.id, w.desk.id, "业主暂缓装修")
    assert view.status == "cancelled"
    with pytest.raises(ValidationError) as caught:
        renovations.approve(second.id, w.lead.id)
    assert "已撤销" in caught.value.message


def test_the_applicant_is_the_owner_and_one_permit_per_room_at_a_time(w):
    with pytest.raises(ValidationError) as caught:
        renovations.register(application(w, applicant_id=w.neighbour), w.desk.id)
    assert caught.value.field == "applicant" and "李芳 不是 3-2-501 的业主" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        renovations.register(application(w, room_id=w.empty), w.desk.id)
    assert caught.value.field == "applicant" and "5-1-101" in caught.value.message
    first = renovations.register(application(w), w.desk.id)
    with pytest.raises(ValidationError) as caught:
        renovations.register(application(w, start_date=dt.date(2026, 6, 1),
                                          end_date=dt.date(2026, 8, 1)), w.desk.id)
    assert caught.value.field == "start_date" and first.number in caught.value.message
    with pytest.raises(ValidationError) as caught:
        renovations.register(application(w, room_id=w.other, end_date=dt.date(2026, 2, 1)), w.desk.id)
    assert caught.value.field == "end_date"
    assert Renovation.select().count() == 1


# --- inspections -------------------------------------------------------------------------------


def test_a_violation_opens_a_work_order_linked_to_the_permit_and_the_room(w, monkeypatch):
    permit = running(w)
    monkeypatch.setenv("FRONTDESK_NOW", "2026-03-04 10:15")
    warning = renovations.inspect(permit.id, InspectionInput("建筑垃圾堆放在楼道", "warning"), w.tech.id)
    assert warning.work_order_id is None
    found = renovations.inspect(permit.id, InspectionInput(
        "擅自破坏卫生间防水层\n楼下天花板渗水", "violation"), w.tech.id)
    order = WorkOrder.get_by_id(found.work_order_id)
    assert found.work_order_number == order.number and order.number.startswith("BX-20260304-")
    assert (order.room_id, order.person_id, order.channel, order.kind) == (
        w.room, w.owner, "patrol", "repair")
    assert order.title == f"装修违规 {permit.number}: 擅自破坏卫生间防水层"
    assert permit.number in order.description
    view = renovations.get_permit(permit.id)
    assert [(i.result, i.inspector) for i in view.inspections] == [("warning", "王建国"), ("violation", "王建国")]
    assert view.warnings == 1
    assert view.events[-1].note.endswith("→ " + order.number)
    [row] = renovations.list_permits().rows
    assert (row.warnings, row.violations) == (1, 1)
    # A finding that needs a repair opens one too; an ordinary note does not.
    repair = renovations.inspect(permit.id, InspectionInput(
        "施工碰坏楼道灯", "ok", needs_repair=True,
        category_id=Category.get(Category.code == "facility.light").id), w.tech.id)
    assert WorkOrder.get_by_id(repair.work_order_id).category.code == "facility.light"
    assert WorkOrder.select().count() == 2


def test_a_violation_with_no_work_order_chosen_opens_none(w, monkeypatch):
    permit = running(w)
    monkeypatch.setenv("FRONTDESK_NOW", "2026-03-04 10:15")
    found = renovations.inspect(permit.id, InspectionInput(
        "阳台堆放建材，已当场清理", "violation", needs_repair=False), w.tech.id)
    assert found.work_order_id is None and WorkOrder.select().count() == 0
    assert renovations.get_permit(permit.id).inspections[0].result == "violation"


def test_the_refund_waits_for_the_violations_work_order(w, monkeypatch):
    permit = running(w)
    monkeypatch.setenv("FRONTDESK_NOW", "2026-03-04 10:15")
    found = renovations.inspect(permit.id, InspectionInput("擅自破坏卫生间防水层", "violation"), w.tech.id)
    renovations.finish(permit.id, w.desk.id)
    assert renovations.permit_open_orders(permit.id, w.lead.id) == [found.work_order_number]
    renovations.accept(permit.id, w.lead.id, True)
    with pytest.raises(ValidationError) as caught:
        renovations.refund(permit.id, w.lead.id)
    assert found.work_order_number in caught.value.message
    assert renovations.get_permit(permit.id).refunded_at is None
    WorkOrder.update(status="closed").where(WorkOrder.id == found.work_order_id).execute()
    assert renovations.refund(permit.id, w.lead.id).status == "refunded"


def test_inspections_are_refused_when_they_make_no_sense(w, monkeypatch):
    view = renovations.register(application(w), w.desk.id)
    with pytest.raises(ValidationError) as caught:
        renovations.inspect(view.id, InspectionInput("正常"), w.tech.id)
    assert caught.value.field == "status"
    permit = running(w, room_id=w.other, applicant_id=w.neighbour)
    with pytest.raises(ValidationError) as caught:
        renovations.inspect(permit.id, InspectionInput("", "violation"), w.tech.id)
    assert caught.value.field == "findings"
    with pytest.raises(ValidationError) as caught:
        renovations.inspect(permit.id, InspectionInput("x", "bad"), w.tech.id)
    assert caught.value.field == "result"
    with pytest.raises(ValidationError) as caught:
        renovations.inspect(permit.id, InspectionInput("x", at=at("2026-03-05 09:00")), w.tech.id)
    assert caught.value.field == "at"
    assert WorkOrder.select().count() == 0


# --- input ------------------------------------------------------------------------------------


def test_hostile_text_is_stored_as_text_and_control_characters_refused(w):
    hostile = "[red]美家[/red] $(id); rm -rf ~"
    view = renovations.register(application(w, contractor=hostile, scope="`reboot` <b>x</b>",
                                            workers=[WorkerInput("[bold]王[/bold]", "", "")]),
                                w.desk.id)
    assert Renovation.get_by_id(view.id).contractor == hostile
    assert view.scope == "`reboot` <b>x</b>" and view.workers[0].name == "[bold]王[/bold]"
    for field_name, changes in (("contractor", {"contractor": "美家\x1b[2J"}),
                                ("scope", {"scope": "厨卫\u202e翻新"})):
        with pytest.raises(ValidationError) as caught:
            renovations.register(application(w, room_id=w.other, applicant_id=w.neighbour,
                                             **changes), w.desk.id)
        assert caught.value.field == field_name
    with pytest.raises(ValidationError) as caught:
        renovations.register(application(w, room_id=w.other, applicant_id=w.neighbour,
                                         contractor_phone="12345"), w.desk.id)
    assert caught.value.field == "contractor_phone"
    with pytest.raises(ValidationError) as caught:
        renovations.register(application(w, room_id=w.other, applicant_id=w.neighbour,
                                         workers=[WorkerInput("赵", "", "12")]), w.desk.id)
    assert caught.value.field == "workers" and "第 1 名施工人员" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        renovations.register(application(w, room_id=w.other, applicant_id=w.neighbour,
                                         deposit="两千"), w.desk.id)
    assert caught.value.field == "deposit"
    assert Renovation.select().count() == 1 and RenovationWorker.select().count() == 1


def test_worker_phones_and_id_tails_are_masked_and_technicians_see_no_id(w):
    view = renovations.register(application(w, workers=[
        WorkerInput("王师傅", "137 0013 7000", "11010519491231002X"),
        WorkerInput("赵师傅", "", "123x")]), w.desk.id)
    stored = [(r.phone, r.id_tail) for r in RenovationWorker.select().order_by(RenovationWorker.id)]
    assert stored == [("13700137000", "002X"), ("", "123X")]  # only the tail is kept
    assert [(x.phone, x.id_tail) for x in view.workers] == [
        ("137****7000", "**************002X"), ("", "**************123X")]
    as_tech = renovations.get_permit(view.id, w.tech.id)
    assert [x.id_tail for x in as_tech.workers] == [None, None]


# --- the register ------------------------------------------------------------------------------


def test_list_filters_pages_and_rooms_under_renovation(w):
    rooms = [people.ensure_room(w.comm, f"7-1-{n}01") for n in range(1, 6)]
    for n, room in enumerate(rooms):
        owner = people.create_person(PersonInput(name=f"业主{n}"))
        people.move_in(owner, room, "owner")
        view = renovations.register(application(w, room_id=room), w.desk.id)
        if n % 2 == 0:
            renovations.approve(view.id, w.lead.id)
    other = f.community("阳光水岸")
    far = people.ensure_room(other.id, "1-1-101")
    people.move_in(people.create_person(PersonInput(name="周杰")), far, "owner")
    renovations.register(application(w, room_id=far), w.desk.id)

    everything = renovations.list_permits()
    assert len(everything.rows) == 6 and not everything.has_more
    page = renovations.list_permits(limit=4)
    assert len(page.rows) == 4 and page.has_more
    rest = renovations.list_permits(limit=4, offset=4)
    assert len(rest.rows) == 2 and not rest.has_more
    assert {r.id for r in page.rows}.isdisjoint(r.id for r in rest.rows)
    approved = renovations.list_permits(RenovationFilter(status="approved"))
    assert sorted(r.room for r in approved.rows) == ["7-1-101", "7-1-301", "7-1-501"]
    assert [r.room for r in renovations.list_permits(RenovationFilter(community_id=other.id)).rows] == ["1-1-101"]
    assert len(renovations.list_permits(RenovationFilter(text="7-1")).rows) == 5
    assert [r.room for r in renovations.list_permits(RenovationFilter(text="７-１-２")).rows] == ["7-1-201"]
    number = everything.rows[0].number
    assert [r.number for r in renovations.list_permits(RenovationFilter(text=number.lower())).rows] == [number]
    with pytest.raises(ValidationError):
        renovations.list_permits(RenovationFilter(status="nonsense"))
    under = renovations.rooms_under_renovation(dt.date(2026, 3, 4))
    assert [r.room for r in under] == ["7-1-101", "7-1-301", "7-1-501"]
    assert renovations.rooms_under_renovation(dt.date(2026, 7, 1)) == []
    assert renovations.rooms_under_renovation(dt.date(2026, 3, 4), other.id) == []
    assert [r.room for r in renovations.room_permits(rooms[0])] == ["7-1-101"]
    assert RenovationEvent.select().count() == 6 + 3
    assert WorkOrderHistory.select().count() == 0


# --- the demo database -----------------------------------------------------------------------


def test_the_sample_has_permits_in_every_state(tmp_path):
    """About 1 % of the rooms have a permit, in every state; every room being renovated has
    its works in progress; one violation opened a work order in the permit's room."""
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
        statuses = {s for (s,) in conn.execute("SELECT DISTINCT status FROM renovation")}
        assert statuses == set(renovations.STATUSES)
        assert conn.execute(
            "SELECT count(*) FROM room WHERE state = 'renovating' AND id NOT IN "
            "(SELECT room_id FROM renovation WHERE status = 'in_progress')").fetchone()[0] == 0
        [(order_room, permit_room)] = conn.execute(
            "SELECT w.room_id, r.room_id FROM renovation_inspection i JOIN renovation r "
            "ON r.id = i.renovation_id JOIN work_order w ON w.id = i.work_order_id "
            "WHERE i.result = 'violation'").fetchall()
        assert order_room == permit_room
        assert conn.execute("SELECT count(*) FROM renovation_inspection WHERE result = 'warning'"
                            ).fetchone()[0] >= 1
        assert conn.execute("SELECT count(*) FROM renovation WHERE status = 'refunded' "
                            "AND refunded_amount IS NOT NULL AND accepted_by_id IS NOT NULL"
                            ).fetchone()[0] >= 1
        # Nothing after the anchor (today 09:00), and no room with two open permits.
        assert conn.execute("SELECT count(*) FROM renovation_event WHERE at > '2026-06-18 09:00:00'"
                            ).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM (SELECT room_id FROM renovation WHERE status IN "
                            "('applied', 'approved', 'in_progress', 'awaiting_acceptance') "
                            "GROUP BY room_id HAVING count(*) > 1)").fetchone()[0] == 0
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()

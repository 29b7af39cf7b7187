"""Facilities (设施设备台账) and inspection routes (巡查): legal inspections with their due dates
and the reminder 30 days ahead (once), an item's history, a route scheduled on the calendar,
a run with a reading out of range, the finding becoming a work order with the facility and
place, missed and late occurrences, results per route and per facility; permissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import facilities as fac
from data.errors import PermissionDenied, ValidationError
from data.facilities import FacilityInput, ItemInput, RouteInput
from data.models import Building, Notification, WorkOrder
from tests import factories as f

TODAY = dt.date(2027, 5, 10)


@pytest.fixture
def team(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-05-10 09:00")
    comm = f.community("锦绣花园", code="JX")
    building, _ = Building.get_or_create(community=comm, code="3")
    return dict(comm=comm, building=building, tech=f.staff("tech1", "王强", "tech"),
                sup=f.staff("super1", "赵敏", "supervisor"), desk=f.staff("desk1", "李娜", "desk"))


def elevator(team, due: dt.date, name: str = "3号楼1号电梯", responsible=None):
    return fac.add_facility(FacilityInput(
        team["comm"].id, "elevator", name, building_id=team["building"].id, place="3号楼东侧电梯井",
        maker="奥的斯", model="GeN2", installed_on=dt.date(2015, 6, 1), contractor="上海奥的斯维保",
        contract="WB-2027-003 2027-01-01至2027-12-31", responsible_id=responsible,
        legal_due=due), staff_id=team["sup"].id)


def test_an_elevator_has_its_yearly_inspection_due_and_overdue_ones_are_listed(team):
    e1 = elevator(team, dt.date(2027, 5, 30))
    elevator(team, dt.date(2027, 4, 30), "3号楼2号电梯")
    elevator(team, dt.date(2027, 9, 1), "3号楼3号电梯")
    assert e1.checks[0].name == "定期检验" or "定期检验" in e1.checks[0].name
    assert e1.contract.startswith("WB-2027-003")
    due = fac.due_checks(TODAY)
    assert [(d.facility, d.overdue, d.days) for d in due] == [
        ("3号楼2号电梯", True, -10), ("3号楼1号电梯", False, 20)]
    assert [d.facility for d in fac.overdue_checks(TODAY)] == ["3号楼2号电梯"]
    rows = fac.facilities(kind="elevator", building_id=team["building"].id)
    assert [(r.name, r.next_due) for r in rows][0] == ("3号楼1号电梯", dt.date(2027, 5, 30))


def test_elevator_without_its_legal_due_date_is_refused_and_desk_may_not_add(team):
    with pytest.raises(ValidationError) as caught:
        fac.add_facility(FacilityInput(team["comm"].id, "elevator", "1号电梯"), staff_id=team["sup"].id)
    assert "电梯" in str(caught.value)
    with pytest.raises(PermissionDenied):
        fac.add_facility(FacilityInput(team["comm"].id, "light", "北门路灯"), staff_id=team["desk"].id)
    # A street light has no legal inspection: nothing is due.
    light = fac.add_facility(FacilityInput(team["comm"].id, "light", "北门路灯"), staff_id=team["sup"].id)
    assert light.checks == ()
    assert fac.facilities(staff_id=team["desk"].id)[0].name == "北门路灯"  # the desk sees


def test_reminder_goes_once_to_the_responsible_else_the_supervisors(team):
    elevator(team, dt.date(2027, 6, 5), responsible=team["tech"].id)
    elevator(team, dt.date(2027, 6, 1), "3号楼2号电梯")
    elevator(team, dt.date(2027, 8, 1), "3号楼3号电梯")  # too far ahead
    sent = fac.remind_due_checks(TODAY)
    assert sorted((r.facility, r.logins) for r in sent) == [
        ("3号楼1号电梯", ("tech1",)), ("3号楼2号电梯", ("super1",))]
    assert fac.remind_due_checks(TODAY) == []  # once
    assert Notification.select().where(Notification.staff == team["tech"].id).count() == 1
    note = Notification.get(Notification.staff == team["sup"].id)
    assert "3号楼2号电梯" in note.title and "2027-06-01" in note.title


def test_recording_the_inspection_moves_the_due_date_and_a_new_reminder_follows(team):
    e = elevator(team, dt.date(2027, 6, 1))
    fac.remind_due_checks(TODAY)
    check = fac.record_check(e.checks[0].id, dt.date(2027, 5, 9), note="合格证 DT-123",
                             staff_id=team["tech"].id)
    assert (check.last_done, check.next_due) == (dt.date(2027, 5, 9), dt.date(2028, 5, 9))
    assert fac.due_checks(TODAY) == []
    hist = fac.history(e.id)
    assert hist[0].kind == "check" and "DT-123" in hist[0].text and hist[0].ok
    with pytest.raises(PermissionDenied):
        fac.record_check(e.checks[0].id, dt.date(2027, 5, 9), staff_id=team["desk"].id)
    assert fac.remind_due_checks(dt.date(2028, 4, 15))[0].next_due == dt.date(2028, 5, 9)


def route(team, pump_id: int | None = None):
    return fac.create_route(RouteInput(
        "设备房巡查", team["comm"].id, team["tech"].id, dt.datetime(2027, 5, 3, 9, 0), 60,
        "FREQ=DAILY", (
            ItemInput("泵房无积水"),
            ItemInput("水泵出口压力", "reading", Decimal("0.3"), Decimal("0.6"), "MPa",
                      facility_id=pump_id, place="2号楼地下泵房"),
            ItemInput("备注", "note"),
        ), grace_minutes=30), staff_id=team["sup"].id)


def test_route_walked_with_a_reading_out_of_range_opens_its_work_order(team):
    pump = fac.add_facility(FacilityInput(team["comm"].id, "pump", "2号楼生活水泵", place="2号楼地下泵房"),
                            staff_id=team["sup"].id)
    r = route(team, pump.id)
    assert [s.state for s in fac.due_today(team["tech"].id)] == ["due"]
    run = fac.start_run(r.id, team["tech"].id)
    assert run.occurrence == dt.datetime(2027, 5, 10, 9, 0)
    items = run.items
    assert fac.record_answer(run.id, items[0].id, team["tech"].id, ok=True).ok
    answer = fac.record_answer(run.id, items[1].id, team["tech"].id, reading="0.15", note="压力偏低")
    assert not answer.ok and answer.reading == Decimal("0.15")
    with pytest.raises(ValidationError):
        fac.finish_run(run.id, team["tech"].id)  # the note item is not answered
    with pytest.raises(ValidationError) as caught:
        fac.record_answer(run.id, items[1].id, team["tech"].id, reading="0,15")
    assert "0,15" in str(caught.value)
    order = fac.open_work_order(run.id, items[1].id, team["tech"].id)
    stored = WorkOrder.get_by_id(order.id)
    assert stored.facility_id == pump.id and stored.location == "2号楼地下泵房"
    assert stored.channel == "patrol" and "0.15" in stored.description and "压力偏低" in stored.description
    with pytest.raises(ValidationError):
        fac.open_work_order(run.id, items[1].id, team["tech"].id)  # once
    with pytest.raises(ValidationError):
        fac.open_work_order(run.id, items[0].id, team["tech"].id)  # normal: nothing to repair
    fac.record_answer(run.id, items[2].id, team["tech"].id)
    done = fac.finish_run(run.id, team["tech"].id, at=dt.datetime(2027, 5, 10, 9, 40))
    assert done.ended_at == dt.datetime(2027, 5, 10, 9, 40)
    assert done.answers[items[1].id].work_order == order.number
    with pytest.raises(ValidationError):
        fac.record_answer(run.id, items[0].id, team["tech"].id, ok=False)  # finished
    per_route = fac.results(route_id=r.id)
    assert [(x.ok, x.not_ok, x.work_order) for x in per_route] == [(2, 1, order.number)]
    per_facility = fac.results(facility_id=pump.id)
    assert [(x.text, x.not_ok, x.reading) for x in per_facility] == [("水泵出口压力", 1, Decimal("0.15"))]
    kinds = {h.kind for h in fac.history(pump.id)}
    assert kinds == {"order", "inspection"}


def test_missed_and_late_occurrences_are_listed_for_supervisors(team):
    r = route(team)
    # 5-03 walked on time, 5-04 late (started 10:00 > 9:00 + 30 min), 5-05…5-09 missed.
    for day, hour in ((3, 9), (4, 10)):
        run = fac.start_run(r.id, team["tech"].id, occurrence=dt.datetime(2027, 5, day, 9, 0),
                            at=dt.datetime(2027, 5, day, hour, 5))
        for item in run.items:
            fac.record_answer(run.id, item.id, team["tech"].id, ok=True,
                              reading="0.4" if item.kind == "reading" else None)
        fac.finish_run(run.id, team["tech"].id, at=dt.datetime(2027, 5, day, hour, 30))
    listed = fac.missed(dt.datetime(2027, 5, 1), staff_id=team["sup"].id)
    assert [(s.start.day, s.state) for s in listed] == [
        (4, "late"), (5, "missed"), (6, "missed"), (7, "missed"), (8, "missed"), (9, "missed")]
    with pytest.raises(ValidationError):
        fac.start_run(r.id, team["tech"].id, occurrence=dt.datetime(2027, 5, 3, 9, 0))  # walked
    with pytest.raises(ValidationError):
        fac.start_run(r.id, team["tech"].id, occurrence=dt.datetime(2027, 5, 3, 10, 0))  # not scheduled
    with pytest.raises(PermissionDenied):
        fac.start_run(r.id, team["desk"].id)
    with pytest.raises(PermissionDenied):
        route_by_desk = RouteInput("x", team["comm"].id, team["tech"].id, dt.datetime(2027, 5, 3, 9),
                                   60, "FREQ=DAILY", (ItemInput("a"),))
        fac.create_route(route_by_desk, staff_id=team["desk"].id)

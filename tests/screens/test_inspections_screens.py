"""巡查 at 60×20 and 设施 at 80×24 (issue 20 items 6, 7): a technician walks today's route
item by item — a reading out of range becomes a work order with the facility and place —
and the run's start and end are stored; the register shows overdue legal inspections
marked; the supervisor's home screen flags missed routes and inspections due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import facilities as fac
from data.facilities import FacilityInput, ItemInput, RouteInput
from data.models import Building, InspectionRun, RunAnswer, WorkOrder
from data.staff import sign_in
from screens.facilities import FacilitiesScreen
from screens.inspections import InspectionsScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp

NOW = dt.datetime(2027, 5, 10, 9, 10)


@pytest.fixture
def team(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-05-10 09:10")
    comm = f.community("锦绣花园", code="JX")
    building, _ = Building.get_or_create(community=comm, code="2")
    tech = f.staff("tech1", "王强", "tech")
    sup = f.staff("super1", "赵敏", "supervisor")
    pump = fac.add_facility(FacilityInput(comm.id, "pump", "2号楼生活水泵", building_id=building.id,
                                          place="2号楼地下泵房", maker="格兰富"), staff_id=sup.id)
    lift = fac.add_facility(FacilityInput(comm.id, "elevator", "2号楼1号电梯", building_id=building.id,
                                          place="2号楼电梯井", legal_due=dt.date(2027, 5, 1)), staff_id=sup.id)
    fac.add_facility(FacilityInput(comm.id, "elevator", "2号楼2号电梯", building_id=building.id,
                                   legal_due=dt.date(2027, 5, 25)), staff_id=sup.id)
    route = fac.create_route(RouteInput(
        "设备房巡查", comm.id, tech.id, dt.datetime(2027, 5, 3, 9, 0), 60, "FREQ=DAILY", (
            ItemInput("泵房无积水", place="2号楼地下泵房"),
            ItemInput("水泵出口压力", "reading", Decimal("0.3"), Decimal("0.6"), "MPa", facility_id=pump.id),
            ItemInput("巡查情况", "note"),
        ), grace_minutes=30), staff_id=sup.id)
    return dict(comm=comm, tech=tech, sup=sup, pump=pump, lift=lift, route=route)


async def test_a_route_walked_at_60x20_a_low_reading_becomes_a_work_order(team):
    app = FrontDeskApp(sign_in("tech1"), "test.db")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        app.action_open_screen("inspections")
        await settle(app, pilot)
        assert isinstance(app.screen, InspectionsScreen)
        text = screen_text(app)
        assert "设备房巡查" in text and "09:00-10:00" in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: "泵房无积水" in screen_text(app))
        assert "1/3" in screen_text(app) and "2号楼地下泵房" in screen_text(app)
        await pilot.press("1")
        await wait_for(pilot, lambda: "水泵出口压力" in screen_text(app))
        text = screen_text(app)
        assert "2/3" in text and "2号楼生活水泵" in text and "0.3–0.6 MPa" in text
        await pilot.press("up")  # back one item: its answer shown
        await wait_for(pilot, lambda: "1/3" in screen_text(app))
        assert "已答：正常" in screen_text(app)
        await pilot.press("1")
        await wait_for(pilot, lambda: "2/3" in screen_text(app))
        await pilot.press("x")  # not a number: said, nothing stored
        await pilot.press("enter")
        await settle(app, pilot)
        assert not RunAnswer.select().where(RunAnswer.reading.is_null(False)).exists()
        await pilot.press("backspace", "0", ".", "1", "8", "enter")
        await wait_for(pilot, lambda: "y 开工单" in screen_text(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: WorkOrder.select().exists())
        [order] = WorkOrder.select()
        assert order.facility_id == team["pump"].id and order.location == "2号楼地下泵房"
        assert order.channel == "patrol" and "0.18" in order.description
        await wait_for(pilot, lambda: "3/3" in screen_text(app))
        await pilot.press(*"ok", "enter")  # the note item
        await wait_for(pilot, lambda: "巡查完成" in screen_text(app))
        text = screen_text(app)
        assert "正常 2 项 · 异常 1 项" in text and order.number in text and "09:10" in text
        assert "补巡" not in text and "晚开始" not in text  # walked within its grace
        [run] = InspectionRun.select()
        assert run.started_at == NOW and run.ended_at == NOW
        assert run.occurrence == dt.datetime(2027, 5, 10, 9, 0)
        answers = {a.item.text: a for a in RunAnswer.select()}
        assert answers["水泵出口压力"].work_order_id == order.id and not answers["水泵出口压力"].ok
        assert answers["巡查情况"].note == "ok"
        await pilot.press("enter")  # back to the list: walked, so nothing left today
        await wait_for(pilot, lambda: "今日没有要巡查的路线" in screen_text(app))


async def test_the_register_at_80x24_marks_overdue_inspections_and_shows_history(team):
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_open_screen("facilities")
        await settle(app, pilot)
        assert isinstance(app.screen, FacilitiesScreen)
        text = screen_text(app)
        assert "2号楼1号电梯" in text and "2027-05-01" in text and "逾期 9 天" in text
        assert "2号楼2号电梯" in text and "2027-05-25" in text and "共 3 项 · 1 项检验逾期" in text
        await pilot.press("k")  # kind: elevators only
        await wait_for(pilot, lambda: "类别：电梯" in screen_text(app))
        assert "生活水泵" not in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "2号楼电梯井" in screen_text(app) and "下次检验 2027-05-01" in screen_text(app)


async def test_the_supervisor_home_flags_missed_routes_and_inspections_due(team, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-05-12 12:00")  # the 10th and 11th walked by nobody
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "漏检" in text and "设备房巡查" in text
        assert "检验逾期" in text and "2号楼1号电梯" in text
        await pilot.press("i", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, InspectionsScreen)
    desk = FrontDeskApp(sign_in("tech1"), "test.db")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(desk, pilot)
        assert "漏检" not in screen_text(desk)


async def test_keys_typed_at_once_on_a_phone_reach_the_next_item(team):
    """A walker types ahead over a slow link: ``1`` (normal) then the next item's reading
    ``0.18 enter`` then ``y`` in one burst — the reading reaches its box (not lost while the
    answer was being stored), the low pump pressure becomes its work order; the item shows
    its facility's place though the item names none."""
    app = FrontDeskApp(sign_in("tech1"), "test.db")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        app.action_open_screen("inspections")
        await settle(app, pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "泵房无积水" in screen_text(app))
        await pilot.press("1", "0", ".", "1", "8", "enter")
        await wait_for(pilot, lambda: "y 开工单" in screen_text(app))
        assert "0.18 MPa" in screen_text(app)
        assert "地点：2号楼地下泵房" in screen_text(app)  # the pump's place
        answers = {a.item.text: a for a in RunAnswer.select()}
        assert answers["泵房无积水"].ok and answers["水泵出口压力"].reading == Decimal("0.18")
        await pilot.press("y")
        await wait_for(pilot, lambda: WorkOrder.select().exists())
        [order] = WorkOrder.select()
        assert order.facility_id == team["pump"].id and order.location == "2号楼地下泵房"
        assert order.building_id == team["pump"].building_id


async def test_a_reading_typed_right_after_y_waits_for_the_work_order_however_slow(team, monkeypatch):
    """``y`` (open the work order) then the next item's reading ``22`` in one burst, on a
    host so loaded that the held keys' own patience runs out while the order is being
    stored (the limits set to nothing here, the store held until the keys came): the keys
    wait for the store the screen's keys act on and both digits reach the reading's box
    (they went to the item still shown, and no reading was stored)."""
    import threading

    from tests.screens.test_typeahead import burst
    from tui import typeahead

    app = FrontDeskApp(sign_in("tech1"), "test.db")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        app.action_open_screen("inspections")
        await settle(app, pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "泵房无积水" in screen_text(app))
        await pilot.press("2")  # abnormal: the work order is offered
        await wait_for(pilot, lambda: "y 开工单" in screen_text(app))
        started, go_on = threading.Event(), threading.Event()
        open_order = fac.open_work_order

        def slow_open(*args, **kwargs):
            started.set()
            go_on.wait(30)
            return open_order(*args, **kwargs)

        monkeypatch.setattr(fac, "open_work_order", slow_open)
        monkeypatch.setattr(typeahead, "MAX_HOLD_S", 0.0)
        monkeypatch.setattr(typeahead, "MAX_WAIT_S", 0.0)
        monkeypatch.setattr(typeahead, "MIN_LOOKS", 0, raising=False)  # (older: none)
        burst(app, "y", "2", "2", "enter")
        await wait_for(pilot, started.is_set)
        for _ in range(20):  # the held keys' turns come and go while the order is stored
            await pilot.pause()
        go_on.set()
        await wait_for(pilot, lambda: RunAnswer.select().where(RunAnswer.reading.is_null(False)).exists())
        await settle(app, pilot)
        answers = {a.item.text: a for a in RunAnswer.select()}
        assert answers["泵房无积水"].work_order_id is not None
        assert answers["水泵出口压力"].reading == Decimal("22")


async def test_the_footer_says_what_enter_does_in_the_list_a_reading_and_the_summary(team):
    app = FrontDeskApp(sign_in("tech1"), "test.db")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        app.action_open_screen("inspections")
        await settle(app, pilot)
        footer = screen_text(app).rstrip().splitlines()[-1]
        assert "开始" in footer and "记录" not in footer
        await pilot.press("enter", "1")
        await wait_for(pilot, lambda: "水泵出口压力" in screen_text(app))
        footer = screen_text(app).rstrip().splitlines()[-1]
        assert "记录" in footer and "开始" not in footer  # enter records the typed reading
        await pilot.press(*"0.45", "enter")
        await wait_for(pilot, lambda: "3/3" in screen_text(app))
        await pilot.press(*"ok", "enter")
        await wait_for(pilot, lambda: "巡查完成" in screen_text(app))
        footer = screen_text(app).rstrip().splitlines()[-1]
        assert "回到列表" in footer and "开始" not in footer


async def _walk_all(app, pilot) -> str:
    """Start the first route of the list, answer its three items, return the summary."""
    await pilot.press("enter")
    await wait_for(pilot, lambda: "1/3" in screen_text(app))
    await pilot.press("1")
    await wait_for(pilot, lambda: "2/3" in screen_text(app))
    await pilot.press(*"0.45", "enter")
    await wait_for(pilot, lambda: "3/3" in screen_text(app))
    await pilot.press(*"ok", "enter")
    await wait_for(pilot, lambda: "巡查完成" in screen_text(app))
    return screen_text(app)


@pytest.mark.parametrize(("at", "said"), [
    ("2027-05-10 11:20", "补巡：计划 09:00–10:00，实际 11:20 开始"),  # after the round's end: missed, walked after
    ("2027-05-10 09:40", "晚开始：计划 09:00–10:00，实际 09:40 开始"),  # past the 30 minutes' grace
])
async def test_the_summary_says_when_a_round_was_walked_late(team, monkeypatch, at, said):
    """Issue 20: a missed round walked later, or one begun past its grace, read as on time."""
    monkeypatch.setenv("FRONTDESK_NOW", at)
    app = FrontDeskApp(sign_in("tech1"), "test.db")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        app.action_open_screen("inspections")
        await settle(app, pilot)
        assert "设备房巡查" in screen_text(app)
        assert said in await _walk_all(app, pilot)
        [run] = InspectionRun.select()
        assert run.occurrence == dt.datetime(2027, 5, 10, 9, 0)

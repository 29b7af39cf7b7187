"""The work-order queue (F3) and the work-order screen at 80×24: views, pages, filters,
marks and bulk actions, and a repair taken from an owner card to closed with keys alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import DataTable, Input, Select, TextArea

from data import i18n, people, queue, sla, workorders
from data.db import close_database, open_database
from data.models import CostLine, Room, Territory, WorkOrder, WorkOrderHistory
from data.people import PersonInput
from data.staff import sign_in
from screens.owner_card import OwnerCardScreen, RoomCardScreen
from screens.queue import QueueScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.conflict import ConflictModal
from widgets.form import FormModal
from widgets.picker import PickerModal

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜")
    tech1 = f.staff("tech1", "赵师傅", "tech")
    tech2 = f.staff("tech2", "钱师傅", "tech")
    f.staff("super1", "陈静", "supervisor")
    room_id = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room_id, "owner", dt.date(2019, 5, 1))
    room = Room.get_by_id(room_id)
    Territory.create(staff=tech1, building=room.building)  # 3号楼 is tech1's
    f.work_order(desk, comm, title="楼道灯不亮", assignee=tech2, status="assigned")  # tech2 is busier
    yield {"comm": comm, "desk": desk, "tech1": tech1, "tech2": tech2, "room": room, "owner": owner}
    close_database()




async def open_queue(app, pilot, view_key: str = "1") -> QueueScreen:
    await settle(app, pilot)
    await pilot.press("f3")
    await settle(app, pilot)
    await pilot.press(view_key)
    await settle(app, pilot)
    assert isinstance(app.screen, QueueScreen)
    return app.screen


def history_actions(order_id: int) -> list[str]:
    rows = WorkOrderHistory.select().where(WorkOrderHistory.work_order == order_id).order_by(WorkOrderHistory.id)
    return [h.action for h in rows]


# --- the whole repair, by keys ----------------------------------------------------------------


async def test_a_repair_from_the_owner_card_to_closed(world):
    pytest.importorskip("data.dispatch")
    i18n.set_language("en")
    category = next(cid for cid, name in queue.categories() if "›" in name)

    # The clerk: owner card → o → the form, prefilled → save → the new order's screen.
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(OwnerCardScreen(world["owner"]))
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        assert form.query_one("#field-room", Input).value == "3-2-501"
        assert form.query_one("#field-community", Input).value == "锦绣花园"
        assert form.query_one("#field-person", Select).value == str(world["owner"])
        assert form.query_one("#field-phone", Input).value == "138****8000"  # masked (issue 7)
        await pilot.press(*"厨房水管漏水")
        form.query_one("#field-category", Select).value = str(category)
        form.query_one("#field-priority", Select).value = "urgent"
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkOrderScreen)
        order = WorkOrder.get(WorkOrder.title == "厨房水管漏水")
        assert order.number == "BX-20261127-0002"  # the factory's order is 0001
        assert (order.person_id, order.room_id, order.priority) == (world["owner"], world["room"].id, "urgent")
        assert (order.category_id, order.status, order.created_by_id) == (category, "new", world["desk"].id)
        assert order.contact_phone == "13800138000"  # the masked prefill saved the number behind it
        text = screen_text(app)
        assert "BX-20261127-0002" in text and "厨房水管漏水" in text and "锦绣花园 3-2-501" in text
        assert "张晓明 138****8000" in text and " New " in text

        # a: the suggestion is the technician whose territory holds building 3; y takes it.
        await pilot.press("a")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, PickerModal)
        assert picker.rows[0].value == world["tech1"].id
        assert "★" in screen_text(app) and "赵师傅 (tech1)" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkOrderScreen)
        order = WorkOrder.get_by_id(order.id)
        assert (order.status, order.assignee_id) == ("assigned", world["tech1"].id)
        assert " Assigned " in screen_text(app) and "Assignee 赵师傅" in screen_text(app)

    # The technician, in their own session: F3 → 2 (mine) → enter → s → r.
    tech = FrontDeskApp(sign_in("tech1"), "phone")
    async with tech.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(tech, pilot, "2")
        assert [r.id for r in screen.rows] == [order.id]
        await pilot.press("enter")
        await settle(tech, pilot)
        assert isinstance(tech.screen, WorkOrderScreen)
        await pilot.press("s")
        await settle(tech, pilot)
        assert WorkOrder.get_by_id(order.id).status == "in_progress"
        assert " In progress " in screen_text(tech)
        await pilot.press("r")
        await settle(tech, pilot)
        form = tech.screen
        assert isinstance(form, FormModal)
        await pilot.press(*"更换角阀")
        form.query_one("#field-description", Input).value = "角阀"
        form.query_one("#field-unit_price", Input).value = "35"
        await pilot.press("f10")
        await settle(tech, pilot)
        assert isinstance(tech.screen, WorkOrderScreen)
        assert WorkOrder.get_by_id(order.id).status == "resolved"
        cost = CostLine.get(CostLine.work_order == order.id)
        assert (cost.description, cost.unit_price, cost.payer) == ("角阀", Decimal("35"), "owner")
        text = screen_text(tech)
        assert " Resolved " in text and "更换角阀" in text and "角阀 1×35.00=35.00(Owner)" in text

    # The clerk again: 5 (to call back) → enter → v rating 5 → z close, confirmed.
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "5")
        assert [r.id for r in screen.rows] == [order.id]
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press("5")
        form.query_one("#field-comment", TextArea).text = "很满意"
        await pilot.press("f10")
        await settle(app, pilot)
        stored = WorkOrder.get_by_id(order.id)
        assert (stored.status, stored.rating, stored.callback_comment) == ("visited", 5, "很满意")
        assert "rated 5/5 “很满意”" in screen_text(app)
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(app, pilot)
        assert WorkOrder.get_by_id(order.id).status == "closed"
        text = screen_text(app)
        assert " Closed " in text
        for action in ("Assigned", "Started", "Resolved", "Called back", "Closed"):
            assert action in text  # history lines
    assert history_actions(order.id) == ["create", "assign", "start", "resolve", "cost", "callback", "close"]
    who = [h.staff.login for h in WorkOrderHistory.select().where(WorkOrderHistory.work_order == order.id)
           .order_by(WorkOrderHistory.id)]
    assert who == ["desk1", "desk1", "tech1", "tech1", "tech1", "desk1", "desk1"]


# --- the queue ----------------------------------------------------------------------------------


async def test_views_switch_and_show_their_rows(world):
    desk, tech1, comm = world["desk"], world["tech1"], world["comm"]
    # In tech1's territory (3号楼): a technician sees it though nobody has dispatched it yet.
    new = f.work_order(desk, comm, title="新单", room_=world["room"],
                       resolution_due=NOW + dt.timedelta(hours=20))
    held = f.work_order(desk, comm, title="等配件", status="on_hold", assignee=tech1,
                        resolution_due=NOW + dt.timedelta(days=2))
    late = f.work_order(desk, comm, title="超时单", status="in_progress", assignee=tech1,
                        resolution_due=NOW - dt.timedelta(hours=3))
    done = f.work_order(desk, comm, title="待回访单", status="resolved", assignee=tech1)
    first = WorkOrder.get(WorkOrder.title == "楼道灯不亮")
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "1")
        assert {r.id for r in screen.rows} == {new.id}
        await pilot.press("2")
        await settle(app, pilot)
        assert {r.id for r in screen.rows} == {held.id, late.id}
        await pilot.press("3")
        await settle(app, pilot)
        assert [r.id for r in screen.rows] == [late.id]
        await pilot.press("right")  # → 4 on hold
        await settle(app, pilot)
        assert screen.view_name == "on_hold" and [r.id for r in screen.rows] == [held.id]
        await pilot.press("l")
        await settle(app, pilot)
        assert [r.id for r in screen.rows] == [done.id]
        await pilot.press("6")
        await settle(app, pilot)
        # Not tech2's order outside tech1's territory: a technician sees only their work.
        assert {r.id for r in screen.rows} == {new.id, held.id, late.id, done.id}
        assert first.id not in {r.id for r in screen.rows}
        await pilot.press("h", "h", "h", "h", "h")  # back round to 1
        await settle(app, pilot)
        assert screen.view_name == "new"
        assert " 1 待派单 " in screen_text(app)  # the tab bar


async def test_overdue_countdown_is_red_and_due_soon_yellow(world):
    desk, comm = world["desk"], world["comm"]
    late = f.work_order(desk, comm, title="超时单", resolution_due=NOW - dt.timedelta(hours=3))
    soon = f.work_order(desk, comm, title="将超时", resolution_due=NOW + dt.timedelta(minutes=40))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "1")
        table = screen.query_one(DataTable)
        ids = [r.id for r in screen.rows]
        due = table.get_column_index("due")
        assert due == len(table.columns) - 1  # the deadline is the last column
        late_due = table.get_cell_at((ids.index(late.id), due))
        soon_due = table.get_cell_at((ids.index(soon.id), due))
        assert late_due.plain == "-3h00m" and "red" in str(late_due.style)
        assert soon_due.plain == "40m" and "yellow" in str(soon_due.style)
        assert "-3h00m" in screen_text(app)


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
async def test_the_title_keeps_ten_characters_at_80_columns_and_the_deadline_always_stays(world, size):
    desk, comm = world["desk"], world["comm"]
    yangguang = f.community("阳光水岸")
    other = Room.get_by_id(people.ensure_room(yangguang.id, "3-2-501"))  # the same room code
    long_title = "卫生间地漏返味楼下天花板渗水发霉"
    leak = f.work_order(desk, comm, room_=world["room"], title=long_title,
                        resolution_due=NOW + dt.timedelta(hours=5))
    WorkOrder.update(priority="urgent").where(WorkOrder.id == leak.id).execute()
    f.work_order(desk, yangguang, room_=other, title="厨房下水道堵塞",
                 resolution_due=NOW + dt.timedelta(hours=8))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=size) as pilot:
        screen = await open_queue(app, pilot, "6")
        table = screen.query_one(DataTable)
        keys = [column.key.value for column in table.ordered_columns]
        header = next(line for line in screen_text(app).splitlines() if "单号" in line)
        text = screen_text(app)
        assert keys[-1] == "due" and "期限" in header  # the deadline always stays
        title = table.ordered_columns[keys.index("title")]
        row = [r.id for r in screen.rows].index(leak.id)
        if size == (120, 40):  # room for everything: whole names, every column
            assert keys == ["mark", "number", "title", "place", "priority", "status", "assignee", "due"]
            assert long_title in text and "锦绣花园 3-2-501" in text and "阳光水岸 3-2-501" in text
            assert "优先级" in header and "状态" in header and "处理人" in header
        elif size == (80, 24):  # a desk: ten characters of the title, the community shortened
            assert title.width >= 20 and long_title[:10] in text and long_title not in text
            assert keys == ["mark", "number", "title", "place", "assignee", "due"]
            assert "锦绣 3-2-501" in text and "阳光 3-2-501" in text and "钱师傅" in text
            # Without the priority column an urgent order's title is bold.
            assert "bold" in str(table.get_cell_at((row, keys.index("title"))).style)
        else:  # a phone: the title gets what is left, the place and deadline stay
            assert keys == ["mark", "number", "title", "place", "due"]
            assert long_title[:5] in text and "锦绣 3-2-501" in text and "阳光 3-2-501" in text
        assert "5h00m" in text


async def test_paging_with_more_than_a_page(world):
    desk, comm = world["desk"], world["comm"]
    for i in range(60):
        f.work_order(desk, comm, title=f"单{i:02d}", resolution_due=NOW + dt.timedelta(hours=1 + i))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "1")
        assert len(screen.rows) == queue.PAGE_SIZE
        assert screen.rows[0].title == "单00"
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert [r.title for r in screen.rows] == [f"单{i:02d}" for i in range(50, 60)]
        assert len(screen.cursors) == 2 and "BX-20261127-0061" in screen_text(app)
        await pilot.press("pagedown")  # the last page: stays
        await settle(app, pilot)
        assert len(screen.rows) == 10
        await pilot.press("pageup")
        await settle(app, pilot)
        assert screen.rows[0].title == "单00" and len(screen.cursors) == 1


async def test_filter_by_priority(world):
    desk, comm = world["desk"], world["comm"]
    urgent = f.work_order(desk, comm, title="爆管")
    WorkOrder.update(priority="urgent").where(WorkOrder.id == urgent.id).execute()
    f.work_order(desk, comm, title="灯不亮")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "1")
        assert len(screen.rows) == 2
        await pilot.press("f")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-priority", Select).value = "urgent"
        await pilot.press("f10")
        await settle(app, pilot)
        assert [r.id for r in screen.rows] == [urgent.id]
        assert screen.filter.priority == "urgent"
        await pilot.press("F")
        await settle(app, pilot)
        assert len(screen.rows) == 2 and screen.filter.is_empty()


async def test_each_view_starts_unfiltered_and_keeps_its_own_filter(world):
    """A filter set in one view does not narrow the next one unseen (issue 17's clerk walk)."""
    desk, comm = world["desk"], world["comm"]
    urgent = f.work_order(desk, comm, title="爆管")
    WorkOrder.update(priority="urgent").where(WorkOrder.id == urgent.id).execute()
    f.work_order(desk, comm, title="灯不亮")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "1")
        await pilot.press("f")
        await settle(app, pilot)
        app.screen.query_one("#field-priority", Select).value = "urgent"
        await pilot.press("f10")
        await settle(app, pilot)
        assert [r.id for r in screen.rows] == [urgent.id]
        assert "无筛选" not in screen_text(app)
        await pilot.press("6")  # 全部: unfiltered, and says so
        await settle(app, pilot)
        assert len(screen.rows) == 3 and "全部 · 无筛选 · 3" in screen_text(app)
        await pilot.press("1")  # back: its filter again, shown
        await settle(app, pilot)
        assert [r.id for r in screen.rows] == [urgent.id] and "无筛选" not in screen_text(app)


async def test_a_bad_date_in_the_filter_keeps_the_form(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "6")
        await pilot.press("f")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#field-created_from", Input).value = "2026-13-01"
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form and "2026-11-27" in screen_text(app)  # "YYYY-MM-DD, such as …"
        assert screen.filter.is_empty()


async def test_saved_filter_round_trip(world):
    desk, comm = world["desk"], world["comm"]
    urgent = f.work_order(desk, comm, title="爆管")
    WorkOrder.update(priority="urgent").where(WorkOrder.id == urgent.id).execute()
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "6")
        await pilot.press("f")
        await settle(app, pilot)
        app.screen.query_one("#field-priority", Select).value = "urgent"
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        await pilot.press(*"急单", "f10")
        await settle(app, pilot)
        assert [name for name, _flt in queue.saved_filters(desk.id)] == ["急单"]
        await pilot.press("F")
        await settle(app, pilot)
        assert screen.filter.is_empty() and len(screen.rows) == 2
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerModal) and "急单" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.filter.priority == "urgent"
        assert [r.id for r in screen.rows] == [urgent.id]


async def test_bulk_close_reports_the_refused(world):
    desk, tech1, comm = world["desk"], world["tech1"], world["comm"]
    resolved = f.work_order(desk, comm, title="已修好", status="resolved", assignee=tech1,
                            resolution_due=NOW + dt.timedelta(hours=1))
    visited = f.work_order(desk, comm, title="已回访", status="visited", assignee=tech1,
                           resolution_due=NOW + dt.timedelta(hours=2))
    working = f.work_order(desk, comm, title="还在修", status="in_progress", assignee=tech1,
                           resolution_due=NOW + dt.timedelta(hours=3))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        screen = await open_queue(app, pilot, "6")
        ids = [r.id for r in screen.rows]
        table = screen.query_one(DataTable)
        for order in (resolved, visited, working):
            table.move_cursor(row=ids.index(order.id))
            await pilot.press("space")
        await pilot.pause()
        assert set(screen.marked) == {resolved.id, visited.id, working.id}
        assert table.get_cell_at((ids.index(working.id), 0)).plain == "✓"
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(app, pilot)
        assert WorkOrder.get_by_id(resolved.id).status == "closed"
        assert WorkOrder.get_by_id(visited.id).status == "closed"
        assert WorkOrder.get_by_id(working.id).status == "in_progress"
        report = shown[-1]
        assert "2" in report.splitlines()[0] and "1" in report.splitlines()[0]
        assert report.splitlines()[1].startswith(working.number + ": ")
        assert not screen.marked


async def test_bulk_assign_and_priority(world):
    pytest.importorskip("data.dispatch")
    desk, tech1, comm = world["desk"], world["tech1"], world["comm"]
    a = f.work_order(desk, comm, title="甲", resolution_due=NOW + dt.timedelta(hours=1))
    b = f.work_order(desk, comm, title="乙", resolution_due=NOW + dt.timedelta(hours=2))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "1")
        await pilot.press("space", "space")
        assert set(screen.marked) == {a.id, b.id}
        await pilot.press("A")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, PickerModal)
        picker.query_one(DataTable).move_cursor(row=[r.value for r in picker.rows].index(tech1.id))
        await pilot.press("enter")
        await settle(app, pilot)
        assert {o.assignee_id for o in WorkOrder.select().where(WorkOrder.id.in_([a.id, b.id]))} == {tech1.id}
        await pilot.press("2")  # assigned: not "to dispatch" any more
        await settle(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        assert screen.rows == []
        await pilot.press("6")
        await settle(app, pilot)
        ids = [r.id for r in screen.rows]
        screen.query_one(DataTable).move_cursor(row=ids.index(a.id))
        await pilot.press("space", "P")
        await settle(app, pilot)
        app.screen.query_one("#field-priority", Select).value = "urgent"
        await pilot.press("f10")
        await settle(app, pilot)
        assert WorkOrder.get_by_id(a.id).priority == "urgent"
        assert WorkOrder.get_by_id(b.id).priority == "normal"


async def test_refresh_keeps_the_cursor_on_the_same_order(world):
    desk, comm = world["desk"], world["comm"]
    orders = [f.work_order(desk, comm, title=f"单{i}", resolution_due=NOW + dt.timedelta(hours=i + 1))
              for i in range(5)]
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "1")
        table = screen.query_one(DataTable)
        table.move_cursor(row=3)
        target = screen.rows[3].id
        # Another session puts a more pressing order at the top of the view.
        f.work_order(desk, comm, title="急", resolution_due=NOW + dt.timedelta(minutes=5))
        screen.refresh_data()
        await settle(app, pilot)
        assert len(screen.rows) == len(orders) + 1
        assert screen.rows[table.cursor_row].id == target


async def test_severe_weather_is_for_supervisors(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        await open_queue(app, pilot)
        await pilot.press("w")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert shown and not sla.stretch_active()
    boss = FrontDeskApp(sign_in("super1"), "demo.db")
    async with boss.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(boss, pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(boss.screen, ConfirmModal)
        await pilot.press("y")
        await settle(boss, pilot)
        assert sla.stretch_active() and screen.stretched


async def test_missed_deadlines_view(world):
    pytest.importorskip("data.escalation")
    desk, tech1, comm = world["desk"], world["tech1"], world["comm"]
    for i in range(3):
        f.work_order(desk, comm, title=f"超时{i}", status="in_progress", assignee=tech1,
                     created_at=NOW - dt.timedelta(days=2),
                     resolution_due=NOW - dt.timedelta(hours=i + 1))
    app = FrontDeskApp(sign_in("super1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        report = app.screen
        assert isinstance(report, PickerModal)
        assert report.rows[0].value == tech1.id and report.rows[0].style == "bold red"
        assert "赵师傅 (tech1)" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


# --- the work-order screen ----------------------------------------------------------------------


async def open_order(app, pilot, order_id: int) -> WorkOrderScreen:
    await settle(app, pilot)
    app.push_screen(WorkOrderScreen(order_id))
    await settle(app, pilot)
    assert isinstance(app.screen, WorkOrderScreen)
    return app.screen


async def test_an_illegal_action_says_why(world):
    i18n.set_language("en")
    order = WorkOrder.get(WorkOrder.title == "楼道灯不亮")  # assigned
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        await open_order(app, pilot, order.id)
        await pilot.press("v")  # a callback before it was resolved
        await settle(app, pilot)
        assert isinstance(app.screen, WorkOrderScreen)  # no form to fill in vain
        assert shown[-1].startswith(f"{order.number} is Assigned: you cannot record its callback now")
        await pilot.press("z")  # close: refused by the data layer as well
        await settle(app, pilot)
        assert "you cannot" in shown[-1]
    assert WorkOrder.get_by_id(order.id).status == "assigned"
    assert history_actions(order.id) == []


async def test_a_concurrent_change_is_not_overwritten(world, monkeypatch):
    i18n.set_language("en")
    # No live refresh in this test: the screen must act on what it showed, not catch up first.
    monkeypatch.setattr(FrontDeskApp, "_poll_changes", lambda self: None)
    order = WorkOrder.get(WorkOrder.title == "楼道灯不亮")  # assigned to tech2
    # A supervisor: cancelling is theirs (desk staff are not offered x at all).
    app = FrontDeskApp(sign_in("super1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        screen = await open_order(app, pilot, order.id)
        seen = screen.view.version
        # Behind the screen's back, the technician starts it.
        workorders.start(order.id, world["tech2"].id)
        await pilot.press("p")  # hold: the screen still thinks it is assigned → refused at once
        await settle(app, pilot)
        assert "you cannot" in shown[-1]
        await pilot.press("x")  # cancel, from what the screen shows (assigned)
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        form = app.screen
        await pilot.press(*"业主取消", "f10")
        await settle(app, pilot)
        # The form stays with the reason; the conflict modal says what happened meanwhile.
        assert isinstance(app.screen, ConflictModal)
        text = screen_text(app)
        assert "Status: 'Assigned' → 'In progress'" in text and "tech2: Started" in text
        await pilot.press("r")  # reload: the order as it is now; the reason stays
        await settle(app, pilot)
        assert app.screen is form and form.values()["reason"] == "业主取消"
        await pilot.press("escape", "y")  # discard what was typed
        await settle(app, pilot)
        assert isinstance(app.screen, WorkOrderScreen)
        assert screen.view.version == seen + 1 and screen.view.status == "in_progress"  # reloaded
    assert WorkOrder.get_by_id(order.id).status == "in_progress"
    assert history_actions(order.id) == ["start"]


async def test_hold_resume_note_priority_and_a_cost(world):
    desk, tech1, comm = world["desk"], world["tech1"], world["comm"]
    order = f.work_order(desk, comm, title="换水龙头", status="in_progress", assignee=tech1,
                         resolution_due=NOW + dt.timedelta(hours=5))
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_order(app, pilot, order.id)
        await pilot.press("p")
        await settle(app, pilot)
        await pilot.press("f10")  # no reason: refused under the field, the form stays
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        await pilot.press(*"等配件", "f10")
        await settle(app, pilot)
        assert WorkOrder.get_by_id(order.id).status == "on_hold"
        await pilot.press("s", "y")  # resume, confirmed
        await settle(app, pilot)
        assert WorkOrder.get_by_id(order.id).status == "in_progress"
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"[b]业主[/b]下午在家", "f10")
        await settle(app, pilot)
        assert "[b]业主[/b]下午在家" in screen_text(app)  # shown as typed
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#field-priority", Select).value = "urgent"
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#field-kind", Select).value = "labour"
        form.query_one("#field-description", Input).value = "人工"
        form.query_one("#field-unit_price", Input).value = "abc"
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form  # a bad price keeps the form and what was typed
        form.query_one("#field-unit_price", Input).value = "50"
        form.query_one("#field-payer", Select).value = "company"
        await pilot.press("f10")
        await settle(app, pilot)
        assert screen.view.priority == "urgent"
    assert history_actions(order.id) == ["hold", "resume", "note", "priority", "cost"]
    cost = CostLine.get(CostLine.work_order == order.id)
    assert (cost.kind, cost.payer, cost.unit_price) == ("labour", "company", Decimal("50"))


async def test_merge_into_another_and_link(world):
    desk, comm = world["desk"], world["comm"]
    first = WorkOrder.get(WorkOrder.title == "楼道灯不亮")
    dup = f.work_order(desk, comm, title="楼道灯又不亮")
    other = f.work_order(desk, comm, title="电梯异响")
    app = FrontDeskApp(sign_in("super1"), "demo.db")  # merging is a supervisor's step
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_order(app, pilot, dup.id)
        await pilot.press("m")
        await settle(app, pilot)
        app.screen.query_one("#field-other", Input).value = "BX-29991231-0001"
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)  # no such order: said under the field
        app.screen.query_one("#field-other", Input).value = first.number.lower()
        await pilot.press("f10")
        await settle(app, pilot)
        assert screen.view.status == "cancelled" and screen.view.merged_into == first.number
        assert first.number in screen_text(app)
        await pilot.press("m")
        await settle(app, pilot)
        app.screen.query_one("#field-mode", Select).value = "link"
        app.screen.query_one("#field-other", Input).value = other.number
        await pilot.press("f10")
        await settle(app, pilot)
        assert other.number in screen_text(app)
    assert WorkOrder.get_by_id(dup.id).merged_into_id == first.id
    assert {o[0] for o in workorders.linked_orders(dup.id)} == {other.id}
    assert {o[0] for o in workorders.linked_orders(first.id)} == {dup.id}


async def test_an_unhappy_callback_reopens(world):
    desk, tech1, comm = world["desk"], world["tech1"], world["comm"]
    order = f.work_order(desk, comm, title="修好了吗", status="resolved", assignee=tech1)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_order(app, pilot, order.id)
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press("7", "f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)  # 1–5 only
        app.screen.query_one("#field-rating", Input).value = "1"
        await pilot.press("f10")
        await settle(app, pilot)
    stored = WorkOrder.get_by_id(order.id)
    assert (stored.status, stored.rating) == ("in_progress", 1)
    assert history_actions(order.id) == ["callback", "reopen"]


# --- the new-order form -------------------------------------------------------------------------


async def test_new_order_from_the_queue_asks_which_community(world):
    desk = world["desk"]
    other = f.community("阳光水岸")
    people.ensure_room(other.id, "3-2-501")  # the same code in a second community
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press(*"门锁坏了")
        form.query_one("#field-room", Input).value = "3栋2单元501室"
        form.query_one("#field-appointment", Input).value = "2026-11-28 09:30"
        await pilot.press("f10")
        await settle(app, pilot)
        # The code is in two communities: a picker asks, naming both candidates.
        picker = app.screen
        assert isinstance(picker, PickerModal)
        assert "锦绣花园" in screen_text(app) and "阳光水岸" in screen_text(app)
        wanted = next(i for i, row in enumerate(picker.rows) if "阳光水岸" in row.cells[0])
        await pilot.press(*["down"] * wanted, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkOrderScreen)
    order = WorkOrder.get(WorkOrder.title == "门锁坏了")
    assert order.community_id == other.id and order.room.code == "3-2-501"
    assert order.appointment_at == dt.datetime(2026, 11, 28, 9, 30)
    assert (order.person_id, order.created_by_id) == (None, desk.id)


async def test_new_order_for_a_public_place_from_the_room_card(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(RoomCardScreen(world["room"].id))
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        form = app.screen
        assert form.query_one("#field-room", Input).value == "3-2-501"
        assert form.values()["person"] == ""  # nobody chosen yet: the residents are offered
        form.query_one("#field-person", Select).value = str(world["owner"])
        form.query_one("#field-room", Input).value = ""
        form.query_one("#field-location", Input).value = "3号楼电梯"
        form.query_one("#field-title", Input).value = "电梯异响"
        form.query_one("#field-appointment", Input).value = "改天"
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form  # the appointment is not a time (明天上午 would be: issue 15)
        form.query_one("#field-appointment", Input).value = ""
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkOrderScreen)
    order = WorkOrder.get(WorkOrder.title == "电梯异响")
    assert (order.room_id, order.location, order.community_id) == (None, "3号楼电梯", world["comm"].id)
    assert order.person_id == world["owner"]

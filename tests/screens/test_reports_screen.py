"""报表 at 80×24 as a supervisor (issue 20): the work-order report of last month with the
previous month's figures and the change, `]` moves to the next month and the figures
follow, `x` writes an XLSX whose header block reads back; 在办工单阶段 lists the open
orders and enter opens one; on a work order `g` shows its stage report."""

from __future__ import annotations

import datetime as dt

import pytest

from data.db import close_database, open_database
from data.exports import EXPORT_DIR_SETTING
from data.models import Category, Setting, WorkOrder, WorkOrderHistory
from data.staff import sign_in
from screens.reports import ReportScreen, ReportsScreen, StagesScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.picker import PickerModal

SIZE = (80, 24)


def D(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def w(sqlite_url, monkeypatch, tmp_path):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-10 12:00")
    open_database(sqlite_url)
    comm = f.community("锦绣花园", code="JX")
    r1 = f.room(comm, building="1", entrance="1", number="101")
    r2 = f.room(comm, building="2", entrance="1", number="101")
    desk = f.staff("desk1")
    tech = f.staff("tech1", "张工", "tech")
    f.staff("super1", "赵主管", "supervisor")
    water = Category.create(code="T_WATER", name="水电测试")
    door = Category.create(code="T_DOOR", name="门窗测试")
    Setting.create(key=EXPORT_DIR_SETTING, value=str(tmp_path / "exports"))
    n = iter(range(1, 100))

    def order(room, cat, created, *, status="visited", resolved_h=None):
        created = D(created)
        return WorkOrder.create(
            number=f"BX-T-{next(n):04d}", kind="repair", title="水管漏水", community=comm, room=room,
            building=room.building, category=cat, assignee=tech, created_by=desk, status=status,
            created_at=created, response_due=created + dt.timedelta(hours=1),
            resolution_due=created + dt.timedelta(hours=24), responded_at=created + dt.timedelta(minutes=30),
            resolved_at=created + dt.timedelta(hours=resolved_h) if resolved_h else None)

    order(r1, water, "2026-12-05 08:00", resolved_h=4)  # December: 1
    order(r1, water, "2027-01-03 08:00", resolved_h=4)  # January: 3 (水电 2, 门窗 1)
    order(r2, water, "2027-01-10 08:00", resolved_h=6)
    order(r2, door, "2027-01-15 08:00", resolved_h=10)
    order(r1, door, "2027-02-02 08:00", resolved_h=8)  # February: 2, one still open
    w = order(r2, water, "2027-02-08 08:00", status="in_progress")
    WorkOrderHistory.create(work_order=w, staff=tech, action="start", from_status="assigned",
                            to_status="in_progress", at=D("2027-02-09 08:00"), note="")
    yield {"open": w, "exports": tmp_path / "exports"}
    close_database()


def _table(app) -> list[list[str]]:
    from textual.widgets import DataTable

    table = app.screen.query_one("#rp-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_work_order_report_next_period_and_xlsx(w):
    from openpyxl import load_workbook

    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("reports")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        text = screen_text(app)
        assert "工单（按类别）" in text and "在办工单阶段" in text
        await pilot.press("enter")  # the first: work orders by category
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen) and app.screen.report is not None)
        await settle(app, pilot)
        rows = _table(app)
        by_name = {r[0]: r for r in rows}
        assert by_name["水电测试"][1] == "2" and by_name["门窗测试"][1] == "1"
        assert by_name["合计"][1] == "3" and by_name["上期"][1] == "1" and by_name["较上期"][1] == "+2"
        text = screen_text(app)
        # The header fits 80 columns: the period, the scope and the period compared with.
        assert "2027-01-01 – 01-31  全公司  对比 2026-12-01 – 12-31" in text
        assert "█" in text  # the chart of the orders
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.screen.report is not None and app.screen.report.period.text == "month:2027-02")
        await settle(app, pilot)
        by_name = {r[0]: r for r in _table(app)}
        assert by_name["合计"][1] == "2" and by_name["上期"][1] == "3" and by_name["较上期"][1] == "-1"
        assert "2027-02-01 – 02-28" in screen_text(app)
        await pilot.press("b")  # the building picker names what it lists
        await settle(app, pilot)
        assert "哪个楼栋的报表" in screen_text(app) and "小区/楼栋" in screen_text(app)
        assert "姓名" not in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: bool(app.screen.last_export))
        book = load_workbook(app.screen.last_export)
        sheet = book.active
        assert sheet["B2"].value == "2027-02-01 – 2027-02-28" and sheet["C2"].value == "month:2027-02"
        assert sheet["B3"].value == "2027-01-01 – 2027-01-31"
        assert (sheet["A2"].value, sheet["A11"].value) == ("报表期间", "上期")  # not 工期, 上一段
        assert sheet["C5"].value == "super1"
        assert str(w["exports"]) in app.screen.last_export


async def test_period_typed_and_refused(w):
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(ReportScreen("orders-building"))
        await wait_for(pilot, lambda: app.screen.report is not None)
        await pilot.press("p")
        await settle(app, pilot)
        await pilot.press(*"2027-13", "f10")
        await settle(app, pilot)
        assert "13" in screen_text(app)  # the month is refused with its reason, the form stays
        await pilot.press(*["backspace"] * 7, *"2026-Q4", "f10")
        await wait_for(pilot, lambda: app.screen.report is not None and app.screen.report.period.text == "quarter:2026-Q4")
        await settle(app, pilot)
        by_name = {r[0]: r for r in _table(app)}
        assert by_name["合计"][1] == "1"


async def test_open_stages_list_and_the_stage_block(w):
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(StagesScreen())
        await settle(app, pilot)
        text = screen_text(app)
        assert w["open"].number in text and "处理中" in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, WorkOrderScreen))
        await settle(app, pilot)
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal))
        await settle(app, pilot)
        text = screen_text(app)
        assert f"阶段报告 {w['open'].number}" in text
        assert "处理中 · 28.0 小时" in text  # in progress since Feb 9 08:00, now Feb 10 12:00
        assert "52.0 小时" in text  # open since Feb 8 08:00


async def test_fee_report_shows_money_whole_and_names_each_bar(w):
    """收费 at 80×24: a sum is never cut (240,617.30, not 240,617.3), the rates are percentages
    (79.1 %, not 7909 %), and two communities' bars of one month say which is which."""
    from data.models import Allocation, Bill, Community, FeeItem, Room

    other = f.community("阳光水岸", code="YG")
    f.room(other, building="1", entrance="1", number="101")
    for room, amount, paid in ((Room.get(Room.community == Community.get(code="JX")), 24061730, 19031330),
                               (Room.get(Room.community == other), 25264550, 20158180)):
        item = FeeItem.create(community=room.community, name="物业费", basis="area")
        Bill.create(community=room.community, building=room.building, room=room, item=item, period="2027-01",
                    starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 1, 31), amount_fen=amount,
                    paid_fen=paid)
        Allocation.create(bill=Bill.select().order_by(Bill.id.desc()).get(), amount_fen=paid,
                          at=dt.datetime(2027, 1, 20, 9))
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(ReportScreen("fees"))
        await wait_for(pilot, lambda: app.screen.report is not None)
        await settle(app, pilot)
        text = screen_text(app)
        assert "240,617.30" in text and "190,313.30" in text and "79.1%" in text
        assert "2027-01 锦绣花园" in text and "2027-01 阳光水岸" in text  # the chart's bars


async def test_f1_on_the_reports_list_and_the_stages_says_what_enter_does(w):
    """Issue 20: F1 of the reports list did not mention enter (it opens the report)."""
    from widgets.key_help import KeyHelpModal, key_groups

    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("reports")
        await settle(app, pilot)
        lines = {line.description: line.keys for _t, group in key_groups(app.screen) for line in group}
        assert lines["打开报表"] == "⏎"  # enter
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, KeyHelpModal) and "打开报表" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        depth = len(app.screen_stack)
        await pilot.press("enter")  # what F1 said: the report under the cursor, once
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen))
        await settle(app, pilot)
        assert len(app.screen_stack) == depth + 1
        app.pop_screen()
        await settle(app, pilot)
        app.push_screen(StagesScreen())
        await settle(app, pilot)
        lines = {line.description: line.keys for _t, group in key_groups(app.screen) for line in group}
        assert lines["打开工单"] == "⏎"

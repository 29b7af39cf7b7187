"""定制报表 at 80×24 (issue 20 item 3): a supervisor builds "complaints by category and
month" with keys only, previews it and saves it; a desk clerk is not offered the screen."""

from __future__ import annotations

import datetime as dt

import pytest

from data.db import close_database, open_database
from data.models import Category, CustomReport, WorkOrder
from data.reports import list_reports
from data.staff import sign_in
from screens.report_builder import ReportBuilderScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp

SIZE = (80, 24)


@pytest.fixture
def estate(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-10 09:00")
    open_database(sqlite_url)
    comm = f.community("锦绣花园", code="JX")
    room = f.room(comm, building="1", entrance="1", number="101")
    desk = f.staff("desk1")
    f.staff("super1", "赵主管", "supervisor")
    noise = Category.create(code="T_NOISE", name="噪音测试")
    for n, day in enumerate((5, 20)):
        WorkOrder.create(number=f"TS-T-{n:04d}", kind="complaint", title="测试", community=comm, room=room,
                         building=room.building, category=noise, created_by=desk, status="closed",
                         created_at=dt.datetime(2027, 1, day, 8))
    yield
    close_database()


async def _choose(pilot, app, text: str) -> None:
    """Highlight the choice whose prompt holds `text`, then Enter."""
    options = app.screen.query_one("#rb-choices")
    for i in range(options.option_count):
        if text in str(options.get_option_at_index(i).prompt):
            options.highlighted = i
            break
    else:
        raise AssertionError(f"no choice {text!r} in {[str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]}")
    await pilot.press("enter")
    await settle(app, pilot)


async def test_build_preview_and_save_complaints_by_category_and_month(estate):
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("report_builder")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportBuilderScreen)
        await _choose(pilot, app, "工单")
        await _choose(pilot, app, "类别")
        await _choose(pilot, app, "月")
        await pilot.press("enter")  # the first line: done, count
        await settle(app, pilot)
        await _choose(pilot, app, "类型")
        await wait_for(pilot, lambda: app.screen.step == "value")
        await _choose(pilot, app, "投诉")  # the kinds are listed, not typed
        assert "类型=投诉" in screen_text(app)
        await _choose(pilot, app, "预览")
        await wait_for(pilot, lambda: "噪音测试" in screen_text(app), timeout=30)
        text = screen_text(app)
        assert "2027-01" in text and "2" in text
        assert "期间：last-month（2027-01-01 – 01-31）" in text  # the days the period stands for
        await pilot.press("s")
        await settle(app, pilot)
        for key in "complaints":
            await pilot.press(key)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.saved_name == "complaints", timeout=30)
        assert CustomReport.select().count() == 1
        await settle(app, pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: CustomReport.get().shared, timeout=30)
        [saved] = list_reports(staff_id=app.staff.id)
        assert saved.name == "complaints" and saved.definition.groups == ("category", "month")
        assert saved.definition.filters == (("kind", "complaint"),)
        assert "complaints" in screen_text(app)


async def test_a_clerk_is_not_offered_the_builder(estate):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("report_builder")
        await settle(app, pilot)
        assert not isinstance(app.screen, ReportBuilderScreen)


def _prompts(app) -> list[str]:
    options = app.screen.query_one("#rb-choices")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_a_filter_of_a_closed_set_lists_its_values(estate):
    """Issue 20: the builder asked for a filter value without saying which are accepted
    (a mistyped priority only failed at the preview). Priorities, staff and buildings are
    chosen from the values there are; Esc goes back to the filters."""
    app = FrontDeskApp(sign_in("super1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("report_builder")
        await settle(app, pilot)
        await _choose(pilot, app, "工单")
        await _choose(pilot, app, "类别")
        await _choose(pilot, app, "不再分组")
        await pilot.press("enter")  # measures: count
        await settle(app, pilot)
        await _choose(pilot, app, "优先级")
        await wait_for(pilot, lambda: app.screen.step == "value")
        assert _prompts(app) == ["特急", "紧急", "急修", "一般", "低"]
        assert "不在" not in screen_text(app) and "Esc" in screen_text(app)
        await pilot.press("escape")  # back to the filters, none added
        await settle(app, pilot)
        assert app.screen.step == "filter" and app.screen.filters == []
        await _choose(pilot, app, "楼栋")
        await wait_for(pilot, lambda: app.screen.step == "value")
        assert _prompts(app) == ["锦绣花园 1"]
        await _choose(pilot, app, "锦绣花园 1")
        await _choose(pilot, app, "优先级")
        await wait_for(pilot, lambda: app.screen.step == "value")
        await _choose(pilot, app, "一般")
        assert app.screen.filters == [("building", "JX/1"), ("priority", "normal")]
        assert "楼栋=锦绣花园 1，优先级=一般" in screen_text(app)
        await _choose(pilot, app, "预览")
        await wait_for(pilot, lambda: app.screen.report is not None, timeout=30)

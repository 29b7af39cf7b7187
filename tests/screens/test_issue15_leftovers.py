"""Issue 15 leftovers found by a new clerk (Pilot, Chinese): the work-order history shows
its action and change whole at 80×24 and 60×20, the form hint line and the calls title stay
at 60×20, a visit after the deadline is asked about, pickers leave service accounts out,
and a recurring booking says it repeats."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from data import i18n
from data import workorders as wo
from data.db import close_database, open_database
from data.models import Event
from data.staff import sign_in, system_account
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle
from tui.app import FrontDeskApp
from widgets.form import FormModal

NOW = dt.datetime(2026, 12, 7, 9, 0)
D = dt.datetime


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    i18n.set_language("zh_CN")
    comm = f.community("锦绣花园")
    room = f.room(comm)
    desk = f.staff("desk1", "李娜", community=comm)
    tech1 = f.staff("tech1", "李建国", "tech")
    f.staff("cron", "定时任务", "service")
    order = wo.create_order(wo.OrderInput(kind="repair", title="厨房水管漏水", community_id=comm.id,
                                        room_id=room.id), desk.id)
    wo.assign(order.id, tech1.id, desk.id)
    wo.set_appointment(order.id, D(2026, 12, 8, 15), desk.id)
    wo.set_appointment(order.id, D(2026, 12, 9, 10), desk.id)
    yield {"desk": desk, "tech1": tech1, "order": order, "comm": comm}
    close_database()
    i18n.set_language("en")


async def open_order(app, pilot, order_id: int) -> WorkOrderScreen:
    await settle(app, pilot)
    app.push_screen(WorkOrderScreen(order_id))
    await settle(app, pilot, 0.1)
    return app.screen


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_history_shows_the_action_and_the_appointment_change_whole(world, size):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=size) as pilot:
        await open_order(app, pilot, world["order"].id)
        history = screen_text(app).split("回车查看完整备注")[-1]
        assert history.count("已预约上门") == 2  # the action, not 已预约上…
        # The change, whole (its note wraps onto a second row where it must).
        assert "2026-12-0815:00→2026-12-0910:00" in "".join(history.split())
        assert "…" not in history


async def test_new_order_form_keeps_its_hint_line_at_60x20(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot, 0.1)
        await pilot.press("n")
        await settle(app, pilot, 0.1)
        assert isinstance(app.screen, FormModal)
        text = screen_text(app)
        assert "F10 保存 · 回车下一项" in text  # the fields scroll, the hint stays
        assert "新建工单" in text


async def test_calls_header_keeps_its_title_at_60_columns_with_a_long_database_path(world):
    app = FrontDeskApp(sign_in("desk1"), "/srv/物业前台/数据/锦绣花园物业服务有限公司.db")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        app.show_unread(13)
        await pilot.press("f5")
        await settle(app, pilot, 0.1)
        header = screen_text(app).splitlines()[0]
        assert "来电/去电" in header and "✉ 13" in header


async def test_a_visit_after_the_resolution_deadline_is_asked_about_then_booked(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_order(app, pilot, world["order"].id)
        await pilot.press("b")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-when", Input).value = "2026-12-10 15:00"  # deadline 12-08 09:00
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form  # not booked yet: the form says why and asks
        text = "".join(screen_text(app).replace("█", "").split())  # the message wraps
        assert "晚于BX-20261207-0001的完成期限（2026-12-0809:00）" in text and "再按F10仍然预约" in text
        assert wo.get_order(world["order"].id).appointment_at == D(2026, 12, 9, 10)
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is screen
        assert wo.get_order(world["order"].id).appointment_at == D(2026, 12, 10, 15)


async def test_a_visit_before_the_deadline_is_booked_without_a_question(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_order(app, pilot, world["order"].id)
        await pilot.press("b")
        await settle(app, pilot)
        app.screen.query_one("#field-when", Input).value = "2026-12-07 15:00"
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is screen
        assert wo.get_order(world["order"].id).appointment_at == D(2026, 12, 7, 15)


async def test_calendar_staff_picker_leaves_out_service_accounts(world):
    system_account()  # the built-in `system` exists
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        text = screen_text(app)
        assert "李建国" in text and "李娜" in text
        assert "定时任务" not in text and "cron" not in text and "系统" not in text


async def test_a_recurring_booking_says_it_repeats(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        shown = record_notifications(app)
        await pilot.press("a")
        await settle(app, pilot)
        app.screen.query_one(Input).value = "每周三 09:00-10:00 2号楼消防巡检"
        await pilot.press("f10")  # the preview
        await settle(app, pilot)
        await pilot.press("f10")  # booked
        await settle(app, pilot)
        assert Event.get(Event.title == "2号楼消防巡检").rrule
        assert any("已预约“2号楼消防巡检” 每周三 09:00 起" in s for s in shown), shown


def test_callback_assignee_choices_leave_out_service_accounts():
    from data.staff import StaffInfo
    from screens.call_forms import callback_form

    staff = [StaffInfo(1, "desk1", "李娜", "desk", "", None), StaffInfo(2, "cron", "定时任务", "service", "", None),
             StaffInfo(3, "system", "系统", "service", "", None)]
    form = callback_form(staff, 1, D(2026, 12, 7, 15))
    [assignee] = [fld for fld in form.fields if fld.name == "assignee"]
    assert assignee.options == [("李娜 (desk1)", "1")]

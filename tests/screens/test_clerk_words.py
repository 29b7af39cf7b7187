"""Words a clerk reads (issue 15 item 10; walk-through problems 13, 16, 19), at 80×24."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.app import App
from textual.widgets import Input, Label

from data import i18n
from data.db import close_database, open_database
from data.errors import ValidationError
from data.models import WorkOrder
from data.staff import sign_in
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from tui.sign_in_app import SignInApp
from widgets.app_header import AppHeader
from widgets.form import FormField, FormModal

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def world(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(db_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜")
    tech = f.staff("tech1", "赵师傅", "tech")
    f.staff("super1", "陈静", "supervisor")
    order = f.work_order(desk, comm, title="楼道灯不亮", assignee=tech, status="in_progress",
                         response_due=dt.datetime(2026, 11, 27, 9, 0),
                         resolution_due=dt.datetime(2026, 11, 28, 8, 0))
    WorkOrder.update(responded_at=dt.datetime(2026, 11, 27, 8, 30), priority="quick").where(
        WorkOrder.id == order.id).execute()
    yield {"order": order, "comm": comm}
    close_database()
    i18n.set_language("zh")


async def open_order(app, pilot, order_id: int) -> None:
    await settle(app, pilot)
    app.push_screen(WorkOrderScreen(order_id))
    await settle(app, pilot)


async def test_the_cancel_dialog_says_void_the_order_and_esc_goes_back(world):
    i18n.set_language("zh")
    WorkOrder.update(status="assigned").where(WorkOrder.id == world["order"].id).execute()
    app = FrontDeskApp(sign_in("super1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_order(app, pilot, world["order"].id)
        assert "x 作废" in screen_text(app)  # the footer's word too
        await pilot.press("x")
        await settle(app, pilot)
        text = screen_text(app)
        assert "作废工单 BX-20261127-0001：原因？" in text
        assert "esc 返回" in text and "esc 取消" not in text


async def test_the_deadline_line_names_each_deadline_and_when_it_was_met(world):
    i18n.set_language("zh")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_order(app, pilot, world["order"].id)
        text = screen_text(app)
        assert "响应期限 09:00（08:30 已响应） · 完成期限 11-28 08:00" in text


async def test_the_call_outcomes_fit_one_line_with_their_key_first(world):
    i18n.set_language("zh")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5", "n")
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
        outcome = next(line for line in lines if "u 结果" in line)
        assert "已解答" in outcome and "需回电" in outcome and "转工单" in outcome
        assert not any(line.strip(" ▏") == "已新建工单" for line in lines)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_english_priority_column_reads_urgent_repair_in_full(world, size):
    i18n.set_language("en")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f3", "6")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Quick" not in text and "Priori " not in text and "Urgent re " not in text
        if size == (120, 40):
            assert "Priority" in text and "Urgent repair" in text
        else:  # at 80 columns the title's twenty cells come first: the whole column is left out
            assert "Priority" not in text and "Urgent" not in text and "楼道灯不亮" in text
        await pilot.press("escape", "5")
        await settle(app, pilot)
        assert "5 Follow-up" in screen_text(app)


async def test_a_refused_new_password_is_cleared_so_retyping_does_not_append(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    f.staff("super1", "陈静", "supervisor", password_hash=f.password_hash("rightpass1"),
            must_change_password=True)
    i18n.set_language("zh")
    app = SignInApp("super1")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press(*"rightpass1", "enter")
            await wait_for(pilot, lambda: "临时密码" in screen_text(app))
            await pilot.press(*"rightpass1", "enter")  # the old one: refused
            await wait_for(pilot, lambda: "新密码不能与旧密码相同" in screen_text(app))
            assert app.screen.query_one("#new-password", Input).value == ""
            await pilot.press(*"brandnew99", "enter", *"brandnew99", "enter")
            await wait_for(pilot, lambda: app.return_value is not None)
        assert app.return_value.login == "super1"
    finally:
        close_database()


class OneForm(App):
    def on_mount(self) -> None:
        def save(values: dict[str, str]) -> str:
            if values["rating"] not in "12345" or not values["rating"]:
                raise ValidationError("rating", "评分为 1 到 5 的数字。")
            return values["rating"]

        self.push_screen(FormModal("回访", [FormField("rating", "评分", "")], save))


async def test_a_field_message_goes_once_the_value_is_changed():
    app = OneForm()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("9", "f10")
        await pilot.pause()
        assert "评分为 1 到 5 的数字。" in screen_text(app)
        await pilot.press("backspace", "5")
        await pilot.pause()
        assert "评分为 1 到 5 的数字。" not in screen_text(app)
        assert str(app.screen.query_one("#error-rating", Label).content) == ""


async def test_a_capped_owner_list_says_how_many_it_shows_plus(world):
    """More people match than the table shows: the status says the rows shown and "+"
    (issue 21: a search loads what the table shows, 17 rows at 80×24, and counts no further)."""
    import re

    from data.models import Person

    for i in range(60):
        Person.create(name=f"张{i:02d}")
    i18n.set_language("zh")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2", "张")
        await settle(app, pilot, 0.4)
        said = re.search(r"找到 (\d+)\+ 人", screen_text(app))
        assert said, screen_text(app)
        shown = app.screen.query_one("#owner-results").row_count
        assert int(said.group(1)) == shown and 10 <= shown < 60


async def test_the_header_is_filled_when_it_is_composed(world):
    i18n.set_language("zh")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        labels = list(AppHeader().compose())  # before any mount or worker
        shown = " ".join(str(label.content) for label in labels)
        assert "李娜(desk1)" in shown and "物业前台" in shown

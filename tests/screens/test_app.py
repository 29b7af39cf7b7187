"""The app shell at 80×24: header, home counts, lists, palette, language, global keys."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from data import i18n
from data.db import close_database, open_database
from data.staff import sign_in
from screens.home import HomeScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.key_help import KeyHelpModal

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(sqlite_url)
    comm, me = f.community(), f.staff("desk1", "李娜")
    tech = f.staff("tech1", "赵师傅", "tech")
    flat = f.room(comm)
    f.work_order(me, comm, room_=flat, title="楼道灯不亮")
    f.work_order(me, comm, title="厨房水管漏水")
    f.work_order(me, comm, status="assigned", assignee=tech, title="电梯异响",
                 resolution_due=NOW - dt.timedelta(hours=2))
    f.call(me, callback_due=NOW - dt.timedelta(hours=1), assignee=me, summary="回电确认维修时间")
    f.notification(me, "[red]x[/red] 新工单")
    yield sqlite_url
    close_database()



async def test_home_shows_the_staff_member_and_live_counts(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await wait_for(pilot, lambda: "楼道灯不亮" in screen_text(app))
        text = screen_text(app)
        assert "李娜(desk1)" in text
        assert "客服" in text
        assert "demo.db" in text
        assert "今日概览" in text
        assert "待派单" in text
        assert app.screen.query_one("#tiles").counts["new_orders"] == 2
        assert app.screen.query_one("#tiles").counts["overdue_orders"] == 1
        assert app.screen.query_one("#tiles").counts["callbacks_due"] == 1
        assert app.screen.query_one("#tiles").counts["unread_notifications"] == 1
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        assert "楼道灯不亮" in text and "3-2-501" in text


async def test_the_home_screen_reads_its_counts_once_at_start(world, monkeypatch):
    """The first push's resume used to read the counts too, while the screen was still being
    laid out, and the read after the first paint read them again (issue 21, cold start)."""
    from data import overview

    reads: list[int] = []
    counts = overview.home_counts
    monkeypatch.setattr(overview, "home_counts", lambda staff_id, at=None: reads.append(staff_id) or counts(staff_id, at))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await wait_for(pilot, lambda: app.screen.query_one("#tiles").counts["new_orders"] == 2)
        await settle(app, pilot)
        assert len(reads) == 1
        await pilot.press("r")  # and a refresh still reads them
        await wait_for(pilot, lambda: len(reads) == 2)


async def test_the_home_screens_first_paint_shows_its_counts(world, monkeypatch):
    """Read on the UI thread when quick, the first counts and list are in the first paint:
    the screen is drawn once, not empty and again after a worker's read (issue 21)."""
    import tui.app

    first_paint: dict[str, object] = {}

    class Watched(HomeScreen):
        def on_mount(self) -> None:  # called after HomeScreen.on_mount
            self.call_after_refresh(lambda: first_paint.update(
                tiles=dict(self.query_one("#tiles").counts),
                rows=self.query_one("#home-list", DataTable).row_count))

    workers: list[str] = []
    monkeypatch.setattr(tui.app, "HomeScreen", Watched)
    monkeypatch.setattr(HomeScreen, "load", lambda self, panel: workers.append(panel))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert first_paint["tiles"]["new_orders"] == 2 and first_paint["rows"] == 2
        assert workers == []  # no second read at start
        assert "楼道灯不亮" in screen_text(app)


async def test_a_slow_first_read_is_read_again_after_the_first_paint(world, monkeypatch):
    """A database too slow for the UI thread's first read (home_first gives up): the counts
    come from the worker after the first paint, as before."""
    from data import overview

    monkeypatch.setattr(overview, "home_first", lambda staff_id, panel, within_s: None)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one("#tiles").counts.get("new_orders") == 2)
        await wait_for(pilot, lambda: "楼道灯不亮" in screen_text(app))


async def test_work_past_its_deadline_reads_red_on_the_home_screen(world):
    """The overdue count, and in the lists a deadline already past, in the error colour (as
    the callbacks list shows a late callback); a deadline still ahead is not."""
    from textual.color import Color
    from textual.coordinate import Coordinate

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        tiles = app.screen.query_one("#tiles")
        error = Color.parse(app.theme_variables["error"]).rich_color
        counts = [seg for seg in tiles.render_line(1) if seg.text.strip().isdigit()]
        assert [(seg.text.strip(), seg.style.color == error) for seg in counts] == [
            ("2", False), ("1", True), ("0", False), ("1", False), ("0", False), ("1", False)]
        await pilot.press("2")  # 电梯异响, due two hours ago
        await wait_for(pilot, lambda: "电梯异响" in screen_text(app))
        table = app.screen.query_one("#home-list", DataTable)
        due = table.get_cell_at(Coordinate(0, table.ordered_columns.index(
            next(c for c in table.ordered_columns if str(c.label) == "期限"))))
        assert "red" in str(due.style) and due.plain == "08:00"
        await pilot.press("4")  # the callback due an hour ago: red too
        await wait_for(pilot, lambda: "回电确认维修时间" in screen_text(app))
        assert "red" in str(table.get_cell_at(Coordinate(0, 0)).style)


async def test_counts_that_cannot_be_read_are_said_not_swallowed(world, monkeypatch):
    """A database failing under the home screen's read (here a table a view breaks): the
    clerk is told why, on the first read and on r, instead of tiles showing … for ever."""
    from peewee import OperationalError

    from data import overview

    def broken(staff_id, at=None):
        raise OperationalError("malformed JSON")

    monkeypatch.setattr(overview, "home_counts", broken)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    shown = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "无法读取首页的计数：malformed JSON" in shown)
        monkeypatch.undo()
        await pilot.press("r")  # the database is back: the counts come
        await wait_for(pilot, lambda: app.screen.query_one("#tiles").counts.get("new_orders") == 2)


async def test_another_home_list_starts_at_its_top_numbers_are_masked_and_i_answers(world):
    """From the clerk's walk: 2 after moving down list 1 started list 2 on the same row (enter
    then opened another order than the top one); the callbacks list showed whole numbers
    (masked everywhere else); i with no inspection reminders did nothing at all."""
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    shown = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#home-list", DataTable)
        await pilot.press("down")
        assert table.cursor_row == 1
        await pilot.press("5", "1")  # another list and back: both start at the top
        await wait_for(pilot, lambda: table.row_count == 2 and table.cursor_row == 0)
        await pilot.press("4")
        await wait_for(pilot, lambda: "回电确认维修时间" in screen_text(app))
        assert "138****8000" in screen_text(app) and "13800138000" not in screen_text(app)
        await pilot.press("i")
        await wait_for(pilot, lambda: "当前没有巡查提醒。" in shown)


async def test_a_callback_picked_on_home_is_the_one_the_callbacks_list_opens_on(world):
    """From the clerk's walk: enter on a callback of home's list 4 opened the callbacks list
    on its first row, someone else (a second enter would have called them back)."""
    from data.models import Staff

    f.call(Staff.get(Staff.login == "desk1"), callback_due=NOW - dt.timedelta(hours=3),
           assignee=Staff.get(Staff.login == "desk1"), summary="询问车位续租", number="13900000001")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await wait_for(pilot, lambda: "回电确认维修时间" in screen_text(app))
        await pilot.press("down", "enter")  # the second: 回电确认维修时间
        await wait_for(pilot, lambda: app.screen.query("#callbacks-table").results(DataTable) and "回电确认维修时间" in screen_text(app))
        pane = app.screen.query_one("#mode-callbacks")
        table = app.screen.query_one("#callbacks-table", DataTable)
        await wait_for(pilot, lambda: len(pane.rows) == 2)
        assert pane.rows[table.cursor_row].summary == "回电确认维修时间"


async def test_an_all_day_item_of_my_day_reads_all_day(world):
    """From the clerk's walk: home's My day showed an all-day item as 00:00-00:00 where F4
    says 全天."""
    from data.models import Event, Staff

    day = dt.datetime.combine(NOW.date(), dt.time())
    notice = f.event(Staff.get(Staff.login == "desk1"), day, day + dt.timedelta(days=1),
                     title="3号楼周四上午停水检修", kind="memo")
    Event.update(all_day=True).where(Event.id == notice.id).execute()
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: "3号楼周四上午停水检修" in screen_text(app))
        assert "全天" in screen_text(app) and "00:00-00:00" not in screen_text(app)


async def test_number_keys_open_the_list_behind_each_count(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        await wait_for(pilot, lambda: "电梯异响" in screen_text(app))
        text = screen_text(app)
        assert "电梯异响" in text and "赵师傅" in text
        assert "楼道灯不亮" not in text
        await pilot.press("4")
        await settle(app, pilot)
        await wait_for(pilot, lambda: "回电确认维修时间" in screen_text(app))
        await pilot.press("6")
        await settle(app, pilot)
        await wait_for(pilot, lambda: "新工单" in screen_text(app))
        # A title that looks like markup is shown as typed, not as red text.
        assert "[red]x[/red] 新工单" in screen_text(app)


async def test_counts_refresh_when_another_session_writes(world):
    import sqlite3

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one("#tiles").counts["new_orders"] == 2
        other = sqlite3.connect(world)
        other.execute(
            "INSERT INTO work_order (number, kind, priority, channel, status, title, description,"
            " community_id, location, contact_phone, created_by_id, created_at, updated_at,"
            " held_minutes, escalation_level, callback_comment, version)"
            " VALUES ('BX-20261127-0999','repair','normal','phone','new','门禁坏了','',1,'','',1,"
            " '2026-11-27 09:00:00','2026-11-27 09:00:00',0,0,'',1)")
        other.commit()
        other.close()
        app._poll_changes()
        await settle(app, pilot)
        assert app.screen.query_one("#tiles").counts["new_orders"] == 3


async def test_english_interface(world):
    i18n.set_language("en")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Desk clerk" in text
        assert "To dispatch" in text
        assert "Quit" in text
        assert "待派单" not in text


async def test_every_function_key_opens_its_screen(world):
    from screens.inbox import InboxScreen

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        assert isinstance(app.screen, InboxScreen)
        await wait_for(pilot, lambda: "新工单" in screen_text(app))


async def test_palette_finds_actions_by_pinyin_initials(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"tc")  # 退出 Quit
        await wait_for(pilot, lambda: "退出 · Quit · tc" in screen_text(app), 10)
        text = screen_text(app)
        assert "退出 · Quit · tc" in text
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0


async def test_f1_shows_the_keys_of_the_screen(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, KeyHelpModal)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_ctrl_q_quits(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_running_sessions_sweep_escalations_and_tell_the_supervisor(world):
    from data.models import Notification

    f.staff("super1", "周主管", "supervisor")
    app = FrontDeskApp(sign_in("super1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.sweep_escalations()
        await settle(app, pilot)
        notes = list(Notification.select().where(Notification.kind == "escalation"))
        assert [n.staff.login for n in notes] == ["super1"]
        assert "BX-20261127-0003" in notes[0].title
        await wait_for(pilot, lambda: any("BX-20261127-0003" in str(n.message) for n in app._notifications))
        app.sweep_escalations()  # a second sweep notifies nobody again
        await settle(app, pilot)
        assert Notification.select().where(Notification.kind == "escalation").count() == 1


async def test_enter_on_a_home_row_opens_the_work_order(world):
    from screens.workorder import WorkOrderScreen

    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await wait_for(pilot, lambda: "楼道灯不亮" in screen_text(app))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkOrderScreen)
        assert "BX-20261127-000" in screen_text(app)


async def test_home_tiles_follow_the_width_and_the_selected_list(world):
    """Boxed tiles side by side on a wide terminal, two rows of three without boxes on a
    narrow one (every label whole), back to boxes when widened again; 3 selects My day."""
    labels = ("1 待派单", "2 超时/将超时", "3 今日日程", "4 待回电", "5 待回访", "6 未读通知")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await wait_for(pilot, lambda: app.screen.query_one("#tiles").counts["new_orders"] == 2)
        text = screen_text(app)
        assert text.count("╭") == 6 and any(all(label in row for label in labels) for row in text.splitlines())
        await pilot.resize_terminal(60, 20)
        await settle(app, pilot)
        rows = screen_text(app).splitlines()
        assert "╭" not in "\n".join(rows)
        assert any(all(label in row for label in labels[:3]) for row in rows)
        assert any(all(label in row for label in labels[3:]) for row in rows)
        await pilot.resize_terminal(120, 30)
        await settle(app, pilot)
        assert screen_text(app).count("╭") == 6
        await pilot.press("3")
        await settle(app, pilot)
        assert app.screen.query_one("#tiles").selected == "appointments_today"
        assert "今日日程：" in screen_text(app)

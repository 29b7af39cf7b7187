"""The shift handover screen (交接班) and today's duty on the home screen, at 80×24 by keys
alone, on both databases: desk1 drafts, types a note and hands over with F10; desk2 (the
next shift) sees it waiting, reads it with a, types a note and acknowledges it; the
history is searched with /."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, TextArea

from data import calendar as cal
from data import i18n
from data.db import close_database, open_database
from data.models import Call, Handover
from data.staff import sign_in
from screens.handover import HandoverModal, HandoverScreen
from screens.home import HomeScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp

NOW = dt.datetime(2026, 11, 30, 15, 30)  # a Monday, near the end of the morning shift


@pytest.fixture
def desk(db_url, monkeypatch):
    """锦绣花园 with desk1 (早班) and desk2 (中班) on the weekly roster, tech1 on call; a
    callback due this evening and an overdue work order."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("zh")
    open_database(db_url)
    comm = f.community("锦绣花园")
    desk1 = f.staff("desk1", "王丽", "desk", community=comm)
    desk2 = f.staff("desk2", "李婷婷", "desk", community=comm)
    tech = f.staff("tech1", "李建国", "tech")
    for who, hour, hours, title in ((desk1, 8, 8, "前台早班"), (desk2, 16, 8, "前台中班"),
                                    (tech, 8, 12, "维修备班")):
        cal.create_event(cal.EventInput(
            kind="duty", title=title, start=dt.datetime(2026, 11, 2, hour),
            end=dt.datetime(2026, 11, 2, hour) + dt.timedelta(hours=hours),
            attendee_ids=[who.id], rrule="FREQ=WEEKLY;BYDAY=MO"), desk1.id)
    Call.create(direction="in", number="13800138000", staff=desk1, summary="询问热水器维修结果",
                started_at=dt.datetime(2026, 11, 30, 9), callback_due=dt.datetime(2026, 11, 30, 18),
                callback_assignee=desk1)
    f.work_order(desk1, comm, title="电梯异响", status="assigned", assignee=tech,
                 resolution_due=dt.datetime(2026, 11, 30, 12))
    yield {"desk1": desk1, "desk2": desk2}
    close_database()


async def open_handover(app, pilot) -> HandoverScreen:
    """ctrl+p, 交接班 by its pinyin initials, enter; the draft read."""
    await settle(app, pilot)
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"jjb")
    await wait_for(pilot, lambda: "交接班 · Shift handover · jjb" in screen_text(app), 10)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.draft_pane.draft is not None)
    return screen


async def test_a_clerk_hands_over_and_the_next_shift_takes_over(desk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_handover(app, pilot)
        text = screen_text(app)
        assert "早班 · 锦绣花园 · 2 项" in text
        assert "【待回电】 1" in text and "询问热水器维修结果" in text
        assert "【已超时或下一班到期的工单】 1" in text and "电梯异响" in text and "BX-20261127-0001" in text
        assert "f10 交班" in text and "a 接班" in text and "/ 查询" in text  # the footer's keys
        # The item under the cursor is shown whole under the list.
        await pilot.press("down")
        await pilot.pause()
        assert "询问热水器维修结果" in str(screen.query_one("#handover-item").render())
        # e: the notes; letters are text there, not keys.
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(screen.focused, TextArea)
        await pilot.press(*"3栋电梯已报市特检院 明早9点来人", "enter", *"dh")
        await pilot.pause()
        assert screen.mode == "draft" and screen.is_dirty
        shown = record_notifications(app)
        await pilot.press("f10")
        await wait_for(pilot, lambda: Handover.select().count() == 1)
        await wait_for(pilot, lambda: any("交接 #" in s and "已提交" in s for s in shown))
        saved = Handover.get()
        assert saved.notes == "3栋电梯已报市特检院 明早9点来人\ndh" and saved.staff_id == desk["desk1"].id
        assert "电梯异响" in saved.body and "询问热水器维修结果" in saved.body
        assert screen.query_one("#handover-notes", TextArea).text == "" and not screen.is_dirty
        # My own handover waits for someone else: a says so instead of acknowledging it.
        assert isinstance(screen.focused, DataTable)  # back on the list after handing over
        await pilot.press("a")
        await wait_for(pilot, lambda: any("没有等你确认接班的交接" in s for s in shown))
    app = FrontDeskApp(sign_in("desk2"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_handover(app, pilot)
        await wait_for(pilot, lambda: "待接班：#" in screen_text(app))
        text = screen_text(app)
        assert "王丽 早班 11-30 15:30，2 项 · a 查看并确认" in text and "1 份待接班（a）" in text
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverModal))
        modal = app.screen
        await wait_for(pilot, lambda: "3栋电梯已报市特检院" in screen_text(app))
        assert "F10 确认接班" in screen_text(app)
        await pilot.press(*"已接班 电梯的事我跟进")
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is screen)
        acked = Handover.get()
        assert (acked.acked_by_id, acked.acked_at, acked.ack_notes) == (
            desk["desk2"].id, NOW, "已接班 电梯的事我跟进")
        assert modal.view.id == acked.id
        await wait_for(pilot, lambda: "待接班：#" not in screen_text(app))
        # The history, searched with /.
        await pilot.press("/")
        await pilot.pause()
        await pilot.press(*"特检院", "enter")
        history = screen.history_pane
        await wait_for(pilot, lambda: [r.id for r in history.rows] == [acked.id]
                       and history.query_.search == "特检院")
        text = screen_text(app)
        assert "“特检院” · 第 1 页" in text and "李婷婷" in text and "王丽" in text
        assert isinstance(screen.focused, DataTable)
        await pilot.press("/", "ctrl+a", "backspace", *"没有这回事", "enter")
        await wait_for(pilot, lambda: history.rows == [] and "没有交接记录。" in screen_text(app))


async def test_a_technician_is_not_offered_the_handover(desk):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not any("交接班" in t for t in titles)
        shown = record_notifications(app)
        app.action_open_handover()
        await pilot.pause()
        assert not isinstance(app.screen, HandoverScreen) and any("只对客服和主管" in s for s in shown)


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (120, 40)])
async def test_the_home_screen_shows_todays_duty(desk, size):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        await wait_for(pilot, lambda: "值班：" in screen_text(app))
        rows = [row for row in screen_text(app).splitlines() if row.strip()]
        at = next(i for i, row in enumerate(rows) if "值班：" in row)
        assert rows[at].strip() == "值班：早班 王丽 李建国（备班） · 中班 李婷婷"
        assert rows[at + 1].strip().startswith("待派单")  # one line, then the list as before


async def test_a_long_roster_is_cut_on_its_line_at_60_columns(desk):
    for n, (title, hour) in enumerate((("维修白班", 8), ("维修白班", 8), ("维修白班", 8), ("维修夜班", 20))):
        tech = f.staff(f"tech{n + 2}", f"欧阳技工{n + 2}号", "tech")
        cal.create_event(cal.EventInput(kind="duty", title=title, start=NOW.replace(hour=hour),
                                        end=NOW.replace(hour=hour) + dt.timedelta(hours=9),
                                        attendee_ids=[tech.id]), tech.id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        await wait_for(pilot, lambda: "值班：" in screen_text(app))
        rows = [row for row in screen_text(app).splitlines() if row.strip()]
        at = next(i for i, row in enumerate(rows) if "值班：" in row)
        assert rows[at].rstrip().endswith("…") and "白班 欧阳技工2号" in rows[at]
        assert rows[at + 1].strip().startswith("待派单")  # one line, then the list as before


async def test_d_on_home_shows_the_whole_duty_roster(desk):
    """The line is cut at 80 columns; D opens every shift, who, hours and phone."""
    for n, (title, hour) in enumerate((("维修白班", 8), ("维修白班", 8), ("维修白班", 8), ("维修夜班", 20))):
        tech = f.staff(f"tech{n + 2}", f"欧阳技工{n + 2}号", "tech", phone=f"1380000000{n}")
        cal.create_event(cal.EventInput(kind="duty", title=title, start=NOW.replace(hour=hour),
                                        end=NOW.replace(hour=hour) + dt.timedelta(hours=9),
                                        attendee_ids=[tech.id]), tech.id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await wait_for(pilot, lambda: "值班：" in screen_text(app))
        assert "欧阳技工5号" not in screen_text(app)  # cut on its one line
        await pilot.press("f1")
        await settle(app, pilot)
        assert "D 值班" in screen_text(app)  # D is in F1
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("D")
        await settle(app, pilot)
        text = screen_text(app)
        assert "今日值班 2026-11-30" in text
        for n in range(4):
            assert f"欧阳技工{n + 2}号" in text
        assert "欧阳技工5号  维修  20:30–05:30  13800000003" in text and "夜班" in text
        assert "李建国（备班）" in text and "李婷婷" in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_jjb_opens_the_shift_handover_from_the_registers_too(desk):
    """From the clerk's walk: on the registers screen the palette offered 交接班 three times
    (the registers' summary tab, the tab's command and the app's own) and jjb enter opened
    the tab. One entry per name: the whole Shift handover screen."""
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.action_open_screen("registers")
        await wait_for(pilot, lambda: app.screen.id == "registers")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"jjb")
        await wait_for(pilot, lambda: "交接班 · Shift handover · jjb" in screen_text(app), 10)
        text = screen_text(app)
        assert text.count("交接班 · ") == 1, text
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen))

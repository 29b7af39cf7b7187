"""The notices screen at 80×24 (issue 19 items 1, 6): a clerk opens 公告 from the palette, drafts a 停水 notice to two
buildings from the palette's 公告 screen, publishes it with p and sees who has not been told;
the calls screen's incident list drafts an incident's notice in one key; the activities tab."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input

from data import calls, people
from data.db import close_database, open_database
from data.people import PersonInput
from data.staff import sign_in
from screens.notices import NoticesScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal

NOW = dt.datetime(2026, 11, 30, 8, 0)


@pytest.fixture
def world(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(db_url)
    comm = f.community("锦绣花园")
    f.staff("desk1", "王丽")
    sup = f.staff("super1", "陈静", "supervisor")
    for code, name, phone in (("3-1-101", "张伟", None), ("3-1-102", "王芳", "010-88886666"),
                              ("5-1-101", "陈静怡", None), ("7-1-101", "孙丽", None)):
        pid = people.create_person(PersonInput(name=name, phones=[phone] if phone else []))
        people.move_in(pid, people.ensure_room(comm.id, code), "owner")
    yield {"comm": comm, "sup": sup}
    close_database()


async def test_a_water_notice_to_two_buildings_shows_who_was_not_told(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")  # the palette finds 公告 by its initials
        await settle(app, pilot)
        await pilot.press(*"gg")
        await settle(app, pilot, 0.3)
        assert "公告" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen))
        assert "还没有公告" in screen_text(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        assert form.values()["community"] == str(world["comm"].id)  # the only community: chosen already
        for name, value in (("targets", "3, 5"), ("starts", "12月1日 9:00"),
                            ("ends", "12月1日 17:00"), ("reason", "水泵检修")):
            form.query_one(f"#field-{name}", Input).value = value
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen))
        await wait_for(pilot, lambda: "关于3栋、5栋临时停水的通知" in screen_text(app))
        assert "草稿" in screen_text(app)
        await pilot.press("p")
        await wait_for(pilot, lambda: "未通知 3 户" in screen_text(app))
        text = screen_text(app)
        assert "3-1-101" in text and "3-1-102" in text and "5-1-101" in text and "7-1-101" not in text
        assert "0/3" in text and "已发布" in text
        said = record_notifications(app)
        screen = app.screen
        await pilot.press("r")  # walk19 #4: focus in the notice list — r marks nobody
        await settle(app, pilot)
        assert app.screen is screen and "未通知 3 户" in screen_text(app)
        assert any("选择住户" in m for m in said)
        screen.query_one("#notice-left").focus()
        await pilot.press("down", "r")  # 3-1-102, on the call list: asked how, enter = 电话
        await wait_for(pilot, lambda: app.screen is not screen)
        assert "3-1-102" in screen_text(app) and "上门" in screen_text(app)
        await pilot.press("2")  # a visit
        await wait_for(pilot, lambda: "未通知 2 户" in screen_text(app))
        assert "1/3" in screen_text(app)
        assert any("3-1-102" in m and "上门" in m for m in said)
        from data import notices

        [told] = [d for d in notices.deliveries(screen.notice_id) if d.reached_at]
        assert (told.room, told.how) == ("3-1-102", "visit")
        # walk19 #6: off the notice's call list — nobody phones them again.
        from data.calls.lists import list_items

        view = notices.get_notice(screen.notice_id)
        pending = [i for i in list_items(view.call_list_id, pending_only=True)]
        assert len(pending) == 0


async def test_an_incident_drafts_its_notice_in_one_key(world):
    calls.declare_incident("water_cut", "水泵检修", [people.find_building("3", "锦绣花园")[1]],
                           NOW, NOW + dt.timedelta(hours=6), "今天停水", world["sup"].id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        app.screen.action_incidents()
        await wait_for(pilot, lambda: "水泵检修" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen))
        await wait_for(pilot, lambda: "关于3栋临时停水的通知" in screen_text(app))
        assert "未通知 2 户" in screen_text(app)


async def test_the_activities_tab(world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(NoticesScreen())
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen))
        said = record_notifications(app)
        await pilot.press("t", "n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        for name, value in (("title", "健康讲座"), ("place", "会所"),
                            ("at", "2026-12-10 14:00"), ("capacity", "30")):
            app.screen.query_one(f"#field-{name}", Input).value = value
        await pilot.press("f10")
        await wait_for(pilot, lambda: "健康讲座" in screen_text(app))
        from data import notices

        [draft] = [r for r in notices.list_notices() if r.template == "活动通知"]
        await wait_for(pilot, lambda: any(f"草稿公告 #{draft.id}" in m for m in said))  # walk19 #17: said, and
        assert not list((Path.home() / ".local" / "share").rglob("*.pdf"))  # no PDF written unasked
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-room", Input).value = "3-1-101"
        app.screen.query_one("#field-people", Input).value = "2"
        await pilot.press("f10")
        await wait_for(pilot, lambda: "2/30" in screen_text(app))
        app.screen.query_one("#notice-left").focus()
        await pilot.press("a")  # walk19 #11: the highlighted sign-up's room, still editable
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        assert app.screen.query_one("#field-room", Input).value == "3-1-101"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen))
        await wait_for(pilot, lambda: "✓" in screen_text(app))


async def test_the_notice_form_shows_examples_as_examples(world):
    """walk19 #10, #15: grey examples starting 例：, labels without braces, 请选择小区 when two
    communities leave the choice open, the other values' hint following the template."""
    f.community("阳光水岸")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(NoticesScreen())
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        await settle(app, pilot)
        form = app.screen
        text = screen_text(app)
        assert "开始时间" in text and "{开始时间}" not in text and "{原因}" not in text
        assert form.query_one("#field-starts", Input).value == ""
        assert form.query_one("#field-starts", Input).placeholder.startswith("例：")
        assert "请选择小区" in text
        help_text = str(form.query_one("#help-more").render())
        assert "无需其他" in help_text and "地点" not in help_text
        form.query_one("#field-template").value = "activity"
        await settle(app, pilot)
        help_text = str(form.query_one("#help-more").render())
        assert "活动=…" in help_text and "地点=…" in help_text and "名额=…" in help_text
        form.query_one("#field-template").value = "water"
        for name, value in (("targets", "3"), ("starts", "9:00"), ("ends", "17:00"), ("reason", "检修")):
            form.query_one(f"#field-{name}", Input).value = value
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)  # kept open, nothing typed lost
        assert "请选择小区" in str(form.query_one("#error-community").render())
        assert form.query_one("#field-reason", Input).value == "检修"


@pytest.fixture
def slow_hook(world, tmp_path):
    """A message command that waits until the test opens its gate: a slow SMS gateway."""
    from data.settings import set_setting

    admin = f.staff("admin1", "管理员", "admin")
    gate = tmp_path / "gate"
    script = tmp_path / "sms"
    script.write_text(f"#!/bin/sh\nwhile [ ! -e '{gate}' ]; do sleep 0.05; done\nexit 0\n")
    script.chmod(0o755)
    set_setting("message_command", str(script), admin.id)
    for code, name, mobile in (("3-1-201", "李雷", "13800000011"), ("3-1-202", "韩梅梅", "13800000012")):
        pid = people.create_person(PersonInput(name=name, phones=[mobile]))
        people.move_in(pid, people.ensure_room(world["comm"].id, code), "owner")
    return gate


async def test_publishing_runs_in_a_worker_and_the_screen_answers_keys(world, slow_hook):
    from data import notices
    from data.models import NoticeDelivery

    water = {"开始时间": "12月1日 9:00", "结束时间": "12月1日 17:00", "原因": "水泵检修"}
    first = notices.create_notice("停水通知", world["comm"].id, "3", water, world["sup"].id)
    second = notices.create_notice("停水通知", world["comm"].id, "5", water, world["sup"].id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(NoticesScreen(first.id))
        await wait_for(pilot, lambda: "关于3栋临时停水的通知" in screen_text(app))
        await pilot.press("p")
        await wait_for(pilot, lambda: "正在发布" in screen_text(app))
        # The messages wait on the gateway; the screen still answers: the other notice is shown.
        ids = [r.id for r in app.screen.rows]
        towards, back = ("up", "down") if ids.index(second.id) < ids.index(first.id) else ("down", "up")
        await pilot.press(towards)
        await wait_for(pilot, lambda: app.screen.notice_id == second.id)
        await wait_for(pilot, lambda: "5栋" in screen_text(app).split("正在发布")[1])
        await pilot.press("p")  # a second p while the first runs does nothing
        await pilot.press(back)
        await wait_for(pilot, lambda: app.screen.notice_id == first.id)
        assert notices.get_notice(second.id).status == "draft"
        assert [w for w in app.workers if w.is_running and w.group == "notice-jobs"]
        slow_hook.touch()  # the gateway answers
        await wait_for(pilot, lambda: "正在发布" not in screen_text(app), timeout=30)
        await settle(app, pilot)
        text = screen_text(app)
        # 3-1-201 and 3-1-202 told by message; 3-1-102 (a landline) on the call list; 3-1-101 has no number.
        assert "已发布到 4 户：短信通知 2 户，待电话通知 1 户" in text, text
        assert "未通知 2 户" in text
    assert notices.get_notice(second.id).status == "draft"
    assert NoticeDelivery.select().where(NoticeDelivery.notice == first.id,
                                         NoticeDelivery.how == "message").count() == 2


async def test_the_pdf_is_written_in_a_worker(world):
    from data import notices

    n = notices.create_notice("停水通知", world["comm"].id, "3", {"开始时间": "9:00", "结束时间": "17:00",
                                                                 "原因": "检修"}, world["sup"].id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(NoticesScreen(n.id))
        await wait_for(pilot, lambda: "关于3栋临时停水的通知" in screen_text(app))
        await pilot.press("w")
        await wait_for(pilot, lambda: "正在生成" not in screen_text(app) and not app.screen.running, timeout=30)
        assert "已写入：" in screen_text(app) and ".pdf" in screen_text(app)


async def test_moving_through_the_activities_and_back_keeps_the_app_answering(world):
    """walk19 #1: j/Down to the second activity froze the app (the list refilled itself from
    its own highlight handler, for ever)."""
    from data import notices

    for day, title in ((10, "健康讲座"), (11, "邻里运动会"), (12, "文化节")):
        notices.create_activity("sports", title, world["comm"].id, "会所", dt.datetime(2026, 12, day, 9, 0), 30,
                                world["sup"].id, announce=False)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(NoticesScreen())
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen))
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "新建公告" in footer and "待派单" not in footer  # walk19 #14
        await pilot.press("t")
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "新建活动" in footer and "新建公告" not in footer and "待派单" not in footer
        screen = app.screen
        first = screen.activity_id
        assert first == screen.activity_rows[0].id
        seen = [screen.activity_id]
        for key in ("j", "down", "k", "up"):
            await pilot.press(key)
            await settle(app, pilot)
            seen.append(screen.activity_id)
        assert seen == [screen.activity_rows[i].id for i in (0, 1, 2, 1, 0)]
        await pilot.press("j")
        await settle(app, pilot)
        assert "邻里运动会 · 12-11 09:00" in screen_text(app)
        await pilot.press("s")  # other keys still work: the sign-up form opens
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_v_shows_who_was_told_how_and_when_and_u_undoes_it(world):
    """walk19 #5 / h103: mark a household told by phone, v shows it among those told with its
    room, 电话, time and who; u (after y) puts it back among those not told."""
    from data import notices

    desk = sign_in("desk1")
    n = notices.create_notice("停水通知", world["comm"].id, "3", {"开始时间": "12月1日 9:00",
                              "结束时间": "12月1日 17:00", "原因": "水泵检修"}, desk.id)
    notices.publish_notice(n.id, desk.id)  # 3-1-101 (no phone: none), 3-1-102 (landline: call)
    app = FrontDeskApp(desk, "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(NoticesScreen(n.id))
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen))
        screen = app.screen
        await wait_for(pilot, lambda: "未通知 2 户（已通知 0 户）" in screen_text(app))
        assert "已通知/未通知" in screen_text(app)  # v in the footer: the notice is published
        screen.query_one("#notice-left").focus()
        await pilot.press("down", "r")  # 3-1-102
        await wait_for(pilot, lambda: app.screen is not screen)
        await pilot.press("1")  # by phone
        await wait_for(pilot, lambda: "未通知 1 户（已通知 1 户）" in screen_text(app))
        await pilot.press("v")
        await wait_for(pilot, lambda: "已通知 1 户（未通知 1 户）" in screen_text(app))
        text = screen_text(app)
        assert "3-1-102" in text and "王芳" in text and "电话" in text and "11-30 08:00" in text
        assert "3-1-101" not in text and "010-****6666" in text and "88886666" not in text
        assert "王丽" in text  # by whom
        assert "撤销已通知" in text  # u in the footer in the told view
        said = record_notifications(app)
        screen.query_one("#notice-left").focus()
        await pilot.press("u")
        await wait_for(pilot, lambda: app.screen is not screen)
        assert "3-1-102" in screen_text(app) and "撤销" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: "已通知 0 户（未通知 2 户）" in screen_text(app))
        assert any("3-1-102 已回到未通知名单" in m for m in said)
        await pilot.press("v")
        await wait_for(pilot, lambda: "未通知 2 户（已通知 0 户）" in screen_text(app))
        assert "3-1-102" in screen_text(app)
    assert [d.room for d in notices.unreached(n.id)] == ["3-1-101", "3-1-102"]


async def test_x_asks_before_withdrawing_and_cancels_the_pending_calls(world):
    """walk19b N1: x asks y/n, saying the notice cannot be published again and the calls not
    made are cancelled; y withdraws it and closes its call list's pending items."""
    from data import notices
    from data.calls.lists import list_items

    desk = sign_in("desk1")
    n = notices.create_notice("停水通知", world["comm"].id, "3", {"开始时间": "12月1日 9:00",
                              "结束时间": "12月1日 17:00", "原因": "水泵检修"}, desk.id)
    notices.publish_notice(n.id, desk.id)
    list_id = notices.get_notice(n.id).call_list_id
    assert list_id is not None and len(list_items(list_id, pending_only=True)) == 1
    app = FrontDeskApp(desk, "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(NoticesScreen(n.id))
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen))
        screen = app.screen
        await wait_for(pilot, lambda: "已发布" in screen_text(app))
        await pilot.press("f1")
        await wait_for(pilot, lambda: "撤回公告" in screen_text(app))
        assert "x 撤销" not in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("x")
        await wait_for(pilot, lambda: app.screen is not screen)
        text = screen_text(app)
        assert "关于3栋临时停水的通知" in text and "撤回公告后不能再发布" in text and "未拨打的电话通知也将取消" in text
        await pilot.press("n")  # no: nothing changes
        await wait_for(pilot, lambda: app.screen is screen)
        assert notices.get_notice(n.id).status == "published"
        said = record_notifications(app)
        await pilot.press("x")
        await wait_for(pilot, lambda: app.screen is not screen)
        await pilot.press("y")
        await wait_for(pilot, lambda: any("公告已撤回" in m for m in said))
    assert notices.get_notice(n.id).status == "withdrawn"
    assert list_items(list_id, pending_only=True) == []


async def test_the_notice_call_list_reads_the_notice_itself(world):
    """walk19b N2: F5 o, Enter on the notice's call list: the script pane shows the notice's
    own title and body (its reason and times), not stock scripts with placeholders."""
    from data import notices
    from screens.calls.call_lists import CallListPane

    desk = sign_in("desk1")
    n = notices.create_notice("停水通知", world["comm"].id, "3", {"开始时间": "12月1日 9:00",
                              "结束时间": "12月1日 17:00", "原因": "水泵检修"}, desk.id)
    notices.publish_notice(n.id, desk.id)  # 3-1-102 (landline) goes on the call list
    app = FrontDeskApp(desk, "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: "关于3栋临时停水" in screen_text(app))
        await pilot.press("enter")
        pane = app.screen.query_one(CallListPane)
        await wait_for(pilot, lambda: pane.item is not None)
        await wait_for(pilot, lambda: "宣读公告" in screen_text(app))
        script = screen_text(app).split("宣读公告")[1]
        assert "王芳" in script and "3-1-102" in script and "水泵检修" in script and "9:00" in script
        assert "待与维修师傅约定" not in screen_text(app)

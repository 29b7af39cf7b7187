"""The knowledge base on screen at 80×24 (issue 17 items 3 and 7): a technician resolves an
order and turns it into a tip in one key, publishes it, and the next order of that category
suggests it under its history, enter opening it; the knowledge screen searches as you type
(two-character words, pinyin initials), opens an article, comments, replies and marks it
helpful; the palette finds it as 知识库 / zsk; the dispatch picker shows each technician's
record on the category."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from data import access, people
from data import knowledge as kb
from data import workorders as wo
from data.db import close_database, open_database
from data.models import Category, KbArticle, KbComment, KbHelpful, WorkOrder
from data.staff import sign_in
from screens.knowledge import ArticleScreen, KnowledgeScreen
from screens.workorder import WorkOrderScreen
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal
from widgets.picker import PickerModal

NOW = dt.datetime(2026, 12, 7, 10, 0)


def cat(code: str) -> int:
    return Category.get(Category.code == code).id


@pytest.fixture
def world(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(db_url)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    other_room = people.ensure_room(comm.id, "5-1-302")
    desk = f.staff("desk1", "王丽")
    tech = f.staff("tech1", "李建国", "tech")
    f.staff("tech2", "王海涛", "tech")
    f.staff("super1", "陈静", "supervisor")
    order = wo.create_order(wo.OrderInput(
        kind="repair", title="卫生间地漏返臭", description="洗澡时地漏往上冒水，有臭味。",
        community_id=comm.id, room_id=room, category_id=cat("plumbing.drain")), desk.id)
    wo.assign(order.id, tech.id, desk.id)
    wo.start(order.id, tech.id)
    yield {"comm": comm, "room": room, "other_room": other_room, "desk": desk, "tech": tech, "order": order}
    close_database()


async def open_order(app, pilot, order_id: int) -> WorkOrderScreen:
    await settle(app, pilot)
    screen = WorkOrderScreen(order_id)
    app.push_screen(screen)
    await wait_for(pilot, lambda: screen.view is not None)
    await settle(app, pilot)
    return screen


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_a_resolved_order_becomes_a_tip_in_one_key_and_the_next_order_suggests_it(world, monkeypatch):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_order(app, pilot, world["order"].id)
        assert "写秘诀" not in footer(app)  # not before the work is done
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press(*"清理地漏头发并加装防臭地漏芯", "f10")
        await wait_for(pilot, lambda: app.screen is screen and screen.view.status == "resolved")
        await settle(app, pilot)
        await wait_for(pilot, lambda: "t 写秘诀" in footer(app), timeout=15)
        await pilot.press("t")  # one key: the article form, filled in from the order
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        assert form.values()["title"] == "卫生间地漏返臭"
        assert form.values()["solution"] == "清理地漏头发并加装防臭地漏芯"
        assert form.values()["problem"] == "洗澡时地漏往上冒水，有臭味。"
        assert form.values()["category"] == str(cat("plumbing.drain"))
        assert form.values()["orders"] == world["order"].number
        assert form.values()["status"] == kb.DRAFT
        text = screen_text(app)
        assert f"由 {world['order'].number} 写秘诀" in text and "卫生间地漏返臭" in text
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleScreen) and app.screen.view is not None)
        await settle(app, pilot)
        article = KbArticle.get()
        assert (article.title, article.status, article.author_id) == ("卫生间地漏返臭", "draft", world["tech"].id)
        text = screen_text(app)
        assert "草稿" in text and "清理地漏头发并加装防臭地漏芯" in text and world["order"].number in text
        await wait_for(pilot, lambda: "p 发布" in footer(app), timeout=15)  # the keys follow the focus
        await pilot.press("p")
        await wait_for(pilot, lambda: app.screen.view is not None and app.screen.view.status == "published")
        await settle(app, pilot)
        await wait_for(pilot, lambda: "p 撤回" in footer(app), timeout=15)
        assert KbArticle.get().status == "published"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)

        # The next order of that category, in another flat: the tip is suggested under its history.
        monkeypatch.setenv("FRONTDESK_NOW", (NOW + dt.timedelta(days=2)).isoformat(sep=" "))
        with access.acting(world["desk"]):  # the desk opens it and dispatches it to him
            nxt = wo.create_order(wo.OrderInput(
                kind="repair", title="厨房下水道堵塞", community_id=world["comm"].id,
                room_id=world["other_room"], category_id=cat("plumbing.drain")), world["desk"].id)
            wo.assign(nxt.id, world["tech"].id, world["desk"].id)
        second = await open_order(app, pilot, nxt.id)
        await wait_for(pilot, lambda: "秘诀 ▸" in screen_text(app))
        await settle(app, pilot)
        text = screen_text(app)
        assert "秘诀 ▸ 卫生间地漏返臭 · 水电 › 下水道堵塞" in text, text
        # The essentials stay on screen at 80×24: number, title, deadlines and the footer keys.
        assert nxt.number in text and "厨房下水道堵塞" in text and "完成期限" in text
        await wait_for(pilot, lambda: "开始" in footer(app), timeout=15)
        await pilot.press("K")
        await wait_for(pilot, lambda: app.focused is second.query_one("#wo-tips", DataTable))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleScreen) and app.screen.view is not None)
        await settle(app, pilot)
        assert app.screen.view.title == "卫生间地漏返臭"
        assert "清理地漏头发" in screen_text(app)


async def test_a_tip_is_refused_before_the_order_is_resolved(world):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_order(app, pilot, world["order"].id)
        shown = record_notifications(app)
        await pilot.press("t")
        await settle(app, pilot)
        assert app.screen is screen
        assert any("处理完成后才能写成秘诀" in text for text in shown), shown
    assert KbArticle.select().count() == 0


@pytest.fixture
def base(world):
    tech, desk = world["tech"], world["desk"]
    leak = kb.create_article(kb.ArticleInput(
        title="卫生间水管漏水的处理", problem="楼下天花板滴水。", solution="关闭总阀，更换PPR管接头。",
        category_id=cat("plumbing.leak"), tags="漏水、PPR", minutes="90", status=kb.PUBLISHED), tech.id)
    kb.create_article(kb.ArticleInput(
        title="跳闸合不上闸的排查", solution="逐路合闸，找出漏水受潮的插座。", category_id=cat("plumbing.power"),
        status=kb.PUBLISHED), tech.id)
    kb.add_comment(leak.id, "这个方法管用。", desk.id)
    return {"leak": leak, **world}


async def open_knowledge(app, pilot) -> KnowledgeScreen:
    await settle(app, pilot)
    app.action_open_screen("knowledge")
    await wait_for(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
    await settle(app, pilot)
    return app.screen


async def test_searching_as_you_type_opening_commenting_replying_and_marking_helpful(base):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_knowledge(app, pilot)
        text = screen_text(app)
        assert "知识库" in text and "卫生间水管漏水的处理" in text and "跳闸合不上闸的排查" in text
        assert "n 新建" not in footer(app)  # letters are text while typing
        await pilot.press(*"漏水")
        await wait_for(pilot, lambda: screen.shown is not None and screen.shown.text == "漏水")
        await settle(app, pilot)
        assert [r.title for r in screen.rows] == ["卫生间水管漏水的处理", "跳闸合不上闸的排查"]  # title hit first
        assert "找到 2 篇" in screen_text(app)
        screen.query_one("#kb-query", Input).value = ""
        await pilot.press(*"tz")
        await wait_for(pilot, lambda: screen.shown is not None and screen.shown.text == "tz")
        assert [r.title for r in screen.rows] == ["跳闸合不上闸的排查"]
        screen.query_one("#kb-query", Input).value = ""
        await pilot.press(*"wsj", "enter")  # enter: to the list
        await wait_for(pilot, lambda: app.focused is screen.query_one("#kb-list", DataTable))
        assert "n 新建" in footer(app) and "f 类别" in footer(app) and "d 草稿" in footer(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleScreen) and app.screen.view is not None)
        await settle(app, pilot)
        article = app.screen
        await wait_for(pilot, lambda: "这个方法管用。" in screen_text(app), timeout=15)  # the comments table paints last
        text = screen_text(app)
        assert "【解决方法】" in text and "关闭总阀，更换PPR管接头。" in text and "约需 1.5小时" in text
        assert "这个方法管用。" in text and "评论（1）" in text
        assert "e 编辑" not in footer(app)  # not hers: she comments
        await pilot.press("plus")
        await wait_for(pilot, lambda: article.view is not None and article.view.marked)
        assert KbHelpful.select().count() == 1
        await pilot.press("r")  # a reply to the highlighted comment
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        assert "回复 王丽" in screen_text(app)
        await pilot.press(*"我也试过", "f10")
        await wait_for(pilot, lambda: app.screen is article and article.view is not None
                       and len(article.view.comments) == 2)
        await settle(app, pilot)
        reply = KbComment.get(KbComment.text == "我也试过")
        assert (reply.depth, reply.parent_id) == (1, KbComment.get(KbComment.text == "这个方法管用。").id)
        assert "└ 我也试过" in screen_text(app)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press(*"<b>[red]标记[/red]", "f10")  # stored text stays text
        await wait_for(pilot, lambda: app.screen is article and len(article.view.comments) == 3)
        await settle(app, pilot)
        assert "[red]标记[/red]" in screen_text(app)


async def test_the_author_edits_and_a_bad_edit_keeps_the_form(base):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ArticleScreen(base["leak"].id))
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleScreen) and app.screen.view is not None)
        await settle(app, pilot)
        await wait_for(pilot, lambda: "e 编辑" in footer(app), timeout=15)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        form.query_one("#field-minutes", Input).value = "半天"
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form and "“半天”不是时长" in screen_text(app)
        form.query_one("#field-minutes", Input).value = "2h"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleScreen))
    assert KbArticle.get_by_id(base["leak"].id).minutes == 120


async def test_the_palette_finds_the_knowledge_base_by_its_initials(base):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"zsk")
        await settle(app, pilot, 0.3)
        assert "知识库" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KnowledgeScreen))


async def test_the_dispatch_picker_shows_each_technicians_record_on_the_category(world):
    done = f.work_order(world["desk"], world["comm"], status="closed", assignee=world["tech"],
                        created_at=NOW - dt.timedelta(days=3))
    WorkOrder.update(category=cat("plumbing.drain"), resolved_at=done.created_at + dt.timedelta(minutes=50),
                     rating=5).where(WorkOrder.id == done.id).execute()
    order = wo.create_order(wo.OrderInput(kind="repair", title="马桶堵塞", community_id=world["comm"].id,
                                          room_id=world["room"], category_id=cat("plumbing.drain")),
                            world["desk"].id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_order(app, pilot, order.id)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal))
        await settle(app, pilot)
        text = screen_text(app)
        assert "下水道堵塞：1单 · 50分钟 · ★5.0" in text, text
        assert "下水道堵塞：暂无" in text


async def test_the_skill_lookup_of_the_highlighted_articles_category(base):
    for minutes, rating in ((50, 5), (70, 4), (120, None)):
        done = f.work_order(base["desk"], base["comm"], status="closed", assignee=base["tech"],
                            created_at=NOW - dt.timedelta(days=3))
        WorkOrder.update(category=cat("plumbing.leak"), rating=rating,
                         resolved_at=done.created_at + dt.timedelta(minutes=minutes)).where(
            WorkOrder.id == done.id).execute()
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_knowledge(app, pilot)
        await pilot.press(*"漏水", "enter")
        await wait_for(pilot, lambda: app.focused is screen.query_one("#kb-list", DataTable))
        await wait_for(pilot, lambda: "s 技能" in footer(app), timeout=15)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal))
        await settle(app, pilot)
        text = screen_text(app)
        assert "服务技能：水电 › 水管漏水（最近 365 天）" in text
        row = next(line for line in text.splitlines() if "李建国 (tech1)" in line)
        assert "3单" in row and "1.2小时" in row and "★4.50 (2)" in row, row


async def test_the_desk_footer_of_a_resolved_order_keeps_f1_with_the_tip_key(world):
    wo.resolve(world["order"].id, world["tech"].id, "已疏通")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_order(app, pilot, world["order"].id)
        line = footer(app)
        assert "v 回访" in line and "t 写秘诀" in line and "f1 帮助" in line, line


async def test_k_on_the_home_screen_opens_the_knowledge_base(base):
    app = FrontDeskApp(sign_in("tech1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
        await settle(app, pilot)
        assert "卫生间水管漏水的处理" in screen_text(app)

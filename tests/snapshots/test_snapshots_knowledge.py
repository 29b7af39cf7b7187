"""SVG snapshots of the knowledge base (issue 17 item 3) at 80×24: the list searched for 漏水
(title hits first, a draft marked), one article with its comment thread, and a work order
with the suggested tips under its history.

In English, so that adding Chinese translations does not change them; the clock pinned.
Regenerate after an intended change of the look:
`.venv/bin/pytest tests/snapshots/test_snapshots_knowledge.py --snapshot-update`, then look
at the SVGs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import i18n, people
from data import knowledge as kb
from data import workorders as wo
from data.db import close_database, open_database
from data.models import Category
from tests import factories as f
from tests.helpers.snapshots import press, settle, snapshot

NOW = dt.datetime(2026, 12, 7, 10, 0)


def _cat(code: str) -> int:
    return Category.get(Category.code == code).id


@pytest.fixture
def base(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("en")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "王丽")
    tech = f.staff("tech1", "李建国", "tech")
    tech2 = f.staff("tech2", "王海涛", "tech")
    room = people.ensure_room(comm.id, "3-2-501")
    leak = kb.create_article(kb.ArticleInput(
        title="厨房水槽下角阀漏水的处理", problem="业主反映厨房水槽下柜子里有水，柜板泡胀。",
        symptoms="角阀与软管连接处滴水，柜底积水。", cause="角阀阀芯老化，或软管垫圈变形。",
        solution="1. 关闭入户总阀，擦干积水。\n2. 更换垫圈或整只角阀，生料带缠8–10圈。\n3. 开阀试水15分钟，确认无渗。",
        parts="角阀（4分）、编织软管、生料带、扳手", minutes="40", tags="漏水、角阀、厨房",
        category_id=_cat("plumbing.leak"), status=kb.PUBLISHED), tech.id)
    kb.create_article(kb.ArticleInput(
        title="卫生间墙内PPR管漏水的判断与维修", problem="楼下天花板滴水。", solution="打压找漏点，热熔更换管件。",
        minutes="3小时", category_id=_cat("plumbing.leak"), status=kb.PUBLISHED), tech2.id)
    kb.create_article(kb.ArticleInput(
        title="跳闸合不上闸的排查", problem="卫生间插座漏水受潮后跳闸。", solution="逐路合闸，找出漏电的一路。",
        category_id=_cat("plumbing.power"), status=kb.PUBLISHED), tech.id)
    kb.create_article(kb.ArticleInput(
        title="阳台洗衣机龙头漏水", solution="更换防脱龙头。", category_id=_cat("plumbing.leak"),
        status=kb.DRAFT), desk.id)
    first = kb.add_comment(leak.id, "这个方法管用，上周在3号楼照着做，一次就好了。", desk.id)
    kb.add_comment(leak.id, "老小区的镀锌管也这样处理吗？", tech2.id)
    kb.add_comment(leak.id, "是的，管件换成镀锌的就行。", tech.id, reply_to=first.id + 1)
    kb.toggle_helpful(leak.id, desk.id)
    kb.toggle_helpful(leak.id, tech2.id)
    order = wo.create_order(wo.OrderInput(
        kind="repair", title="厨房水管漏水", description="水槽下面角阀滴水。", community_id=comm.id,
        room_id=room, category_id=_cat("plumbing.leak")), desk.id)
    yield {"leak": leak.id, "order": order.id}
    close_database()


def test_knowledge_list_searched(base, snap_compare):
    async def search(pilot):
        await press("ctrl+p")(pilot)
        for key in "Knowledge":
            await pilot.press(key)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for key in "漏水":
            await pilot.press(key)
        await settle(pilot)
        await pilot.press("enter")  # to the list
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", search)


def test_knowledge_article_with_its_comment_thread(base, snap_compare):
    async def article(pilot):
        from screens.knowledge import ArticleScreen

        await settle(pilot)
        pilot.app.push_screen(ArticleScreen(base["leak"]))
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", article)


def test_work_order_with_suggested_tips(base, snap_compare):
    async def order(pilot):
        from screens.workorder import WorkOrderScreen

        await settle(pilot)
        pilot.app.push_screen(WorkOrderScreen(base["order"]))
        await settle(pilot)

    assert snapshot(snap_compare, "desk1", order)

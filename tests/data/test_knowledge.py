"""The knowledge base (issue 17 items 3 and 7): two-character words and pinyin initials find
the right articles, title hits ranked first; drafts stay their author's; suggestions for a
work order (same category first, then shared words); the skill lookup against hand-computed
medians and averages, and in the dispatch suggestions; threaded comments; helpful marks
that toggle; the draft tip of a resolved order; bad input refused whole. Both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from data import access, dispatch
from data import knowledge as kb
from data import workorders as wo
from data.errors import FrontDeskError, NotFoundError, PermissionDenied, ValidationError
from data.models import AuditLog, Category, KbArticle, KbComment, KbKey, WorkOrder
from tests import factories as f

NOW = dt.datetime(2026, 12, 7, 10, 0)


def cat(code: str) -> int:
    return Category.get(Category.code == code).id


@pytest.fixture
def world(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    comm = f.community("锦绣花园")
    staff = {
        "desk": f.staff("desk1", "王丽"),
        "tech1": f.staff("tech1", "李建国", "tech"),
        "tech2": f.staff("tech2", "王海涛", "tech"),
        "super": f.staff("super1", "陈静", "supervisor"),
        "guard": f.staff("guard1", "王保安", "guard"),
    }
    return {"comm": comm, **staff}


def article(world, title: str, *, by: str = "tech1", category: str | None = "plumbing.leak",
            solution: str = "关闭总阀后更换配件，试水无渗漏。", problem: str = "", status: str = kb.PUBLISHED,
            **more) -> kb.ArticleView:
    return kb.create_article(kb.ArticleInput(
        title=title, problem=problem, solution=solution, status=status,
        category_id=cat(category) if category else None, **more), world[by].id)


def titles(rows) -> list[str]:
    return [r.title for r in rows]


def at(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setenv("FRONTDESK_NOW", when.isoformat(sep=" "))


# --- search ---------------------------------------------------------------------------------------


def test_a_two_character_word_finds_its_articles_title_hits_first(world, monkeypatch):
    in_title = article(world, "卫生间漏水的处理", solution="找到漏点，更换PPR管件。")
    at(monkeypatch, NOW + dt.timedelta(hours=1))
    in_body = article(world, "热水器接口滴水", problem="业主说热水器下面一直漏水。", by="tech2")
    trip = article(world, "跳闸合不上闸的排查", category="plumbing.power",
                   solution="逐路合闸，找出漏电的电器。")
    # The body hit is newer and has more helpful marks: the title hit still comes first.
    for who in ("desk", "super"):
        kb.toggle_helpful(in_body.id, world[who].id)
    me = world["desk"].id
    assert titles(kb.search("漏水", staff_id=me)) == [in_title.title, in_body.title]
    assert titles(kb.search("跳闸", staff_id=me)) == [trip.title]
    # 漏电 is in the trip article's solution only.
    assert titles(kb.search("漏电", staff_id=me)) == [trip.title]
    assert kb.search("电梯", staff_id=me) == []
    assert kb.search("，。！", staff_id=me) == []  # nothing searchable


def test_among_title_hits_helpful_marks_then_the_newest_rank_first(world, monkeypatch):
    old = article(world, "厨房水管漏水")
    at(monkeypatch, NOW + dt.timedelta(days=1))
    newer = article(world, "阳台水管漏水", by="tech2")
    at(monkeypatch, NOW + dt.timedelta(days=2))
    newest = article(world, "水表前阀门漏水")
    me = world["desk"].id
    assert titles(kb.search("漏水", staff_id=me)) == [newest.title, newer.title, old.title]
    kb.toggle_helpful(old.id, world["desk"].id)
    assert titles(kb.search("漏水", staff_id=me)) == [old.title, newest.title, newer.title]


def test_a_phrase_needs_its_words_and_a_lone_character_searches_titles(world):
    both = article(world, "卫生间地漏返水", solution="清理地漏，加装防臭芯。", category="plumbing.drain")
    other = article(world, "厨房下水道堵塞", solution="用疏通器疏通。", category="plumbing.drain")
    me = world["tech2"].id
    assert titles(kb.search("卫生间地漏", staff_id=me)) == [both.title]
    assert titles(kb.search("地漏 疏通", staff_id=me)) == [both.title, other.title]  # half the words at least
    assert titles(kb.search("堵", staff_id=me)) == [other.title]
    assert titles(kb.search("地漏 芯", staff_id=me)) == [both.title]  # a lone character filters


def test_pinyin_initials_of_titles_from_the_start_first(world, monkeypatch):
    inside = article(world, "卫生间漏水")
    at(monkeypatch, NOW + dt.timedelta(hours=1))
    start = article(world, "漏水点的查找", by="tech2")
    article(world, "跳闸合不上", category="plumbing.power")
    me = world["desk"].id
    assert titles(kb.search("ls", staff_id=me)) == [start.title, inside.title]
    assert titles(kb.search("wsjls", staff_id=me)) == [inside.title]
    assert titles(kb.search("loushui", staff_id=me)) == [start.title, inside.title]
    assert titles(kb.search("TZ", staff_id=me)) == ["跳闸合不上"]
    assert titles(kb.search("ppr", staff_id=me)) == []
    words = article(world, "PPR管热熔接头渗水")
    assert titles(kb.search("ppr", staff_id=me)) == [words.title]  # a word of letters is a key too


def test_initials_of_any_run_of_characters_in_a_title_find_it_ranked(world, monkeypatch):
    """`lsjx` (漏水检修, lòu shuǐ jiǎn xiū — not `lsjs`): the initials of a run of consecutive
    characters in the middle or at the end of a title find it, not only from its start; a
    title starting with the run first, then the more helpful."""
    middle = article(world, "卫生间墙内管道漏水检修")  # wsjqngdlsjx: the run at its end
    at(monkeypatch, NOW + dt.timedelta(hours=1))
    start = article(world, "漏水检修的步骤", by="tech2")  # lsjxdbz: from the start
    inside = article(world, "厨房漏水检修与回访")  # cflsjxyhf: inside
    article(world, "漏电检查", category="plumbing.power")  # ldjc: not a hit
    kb.toggle_helpful(inside.id, world["desk"].id)
    me = world["desk"].id
    assert titles(kb.search("lsjx", staff_id=me)) == [start.title, inside.title, middle.title]
    assert titles(kb.search("gdls", staff_id=me)) == [middle.title]  # 管道漏水, mid-title
    assert titles(kb.search("jxyhf", staff_id=me)) == [inside.title]  # to the end
    assert titles(kb.search("lsjs", staff_id=me)) == []  # 检修 is jiǎn xiū


def test_the_search_keys_follow_an_edit(world):
    view = article(world, "卫生间漏水")
    kb.update_article(view.id, kb.ArticleInput(title="配电箱跳闸", solution="逐路排查。", status=kb.PUBLISHED,
                                               category_id=cat("plumbing.power")), world["tech1"].id)
    me = world["desk"].id
    assert kb.search("漏水", staff_id=me) == []
    assert titles(kb.search("跳闸", staff_id=me)) == ["配电箱跳闸"]
    assert titles(kb.search("pdx", staff_id=me)) == ["配电箱跳闸"]
    assert KbKey.select().where(KbKey.key == "漏水").count() == 0


def test_a_category_narrows_the_list_with_its_sub_categories(world):
    leak = article(world, "水管漏水")
    article(world, "门禁卡刷不开", category="doors.entry")
    assert titles(kb.search(kb.KbQuery(category_id=cat("plumbing")), staff_id=world["desk"].id)) == [leak.title]
    assert [r.category for r in kb.search("漏水", staff_id=world["desk"].id)] == ["水电 › 水管漏水"]


# --- drafts and who may -----------------------------------------------------------------------------


def test_a_draft_is_its_authors_and_the_leads_until_published(world):
    draft = article(world, "电梯困人的处置", category="lift.trapped", status=kb.DRAFT)
    assert titles(kb.search("困人", staff_id=world["tech1"].id)) == [draft.title]
    assert titles(kb.search("困人", staff_id=world["super"].id)) == [draft.title]
    assert kb.search("困人", staff_id=world["tech2"].id) == []
    with pytest.raises(NotFoundError):
        kb.get_article(draft.id, world["tech2"].id)
    with pytest.raises(PermissionDenied):  # not the author, not a lead
        kb.publish(draft.id, world["tech2"].id)
    view = kb.publish(draft.id, world["tech1"].id)
    assert view.status == kb.PUBLISHED and view.published_at == NOW
    assert titles(kb.search("困人", staff_id=world["tech2"].id)) == [draft.title]
    assert not kb.get_article(draft.id, world["tech2"].id).may_edit
    assert kb.get_article(draft.id, world["super"].id).may_edit
    kb.withdraw(draft.id, world["super"].id)  # a lead takes anyone's back
    assert kb.search("困人", staff_id=world["tech2"].id) == []


def test_only_the_author_or_a_lead_edits_and_the_gate_reads_nothing(world):
    view = article(world, "楼道灯不亮", category="facility.light")
    change = kb.ArticleInput(title="楼道感应灯不亮", solution="更换感应开关。", status=kb.PUBLISHED)
    with pytest.raises(PermissionDenied):
        kb.update_article(view.id, change, world["tech2"].id)
    assert kb.update_article(view.id, change, world["super"].id).title == "楼道感应灯不亮"
    with pytest.raises(PermissionDenied):
        kb.search("楼道", staff_id=world["guard"].id)
    with pytest.raises(PermissionDenied):
        kb.create_article(change, world["guard"].id)


def test_an_edit_from_an_old_version_is_a_conflict(world):
    view = article(world, "水管漏水")
    kb.update_article(view.id, kb.ArticleInput(title="水管漏水（更新）", solution="x"), world["tech1"].id,
                      expected_version=view.version)
    with pytest.raises(FrontDeskError) as caught:
        kb.update_article(view.id, kb.ArticleInput(title="别的标题", solution="y"), world["tech1"].id,
                          expected_version=view.version)
    assert "version" in caught.value.message or "版本" in caught.value.message
    assert KbArticle.get_by_id(view.id).title == "水管漏水（更新）"


@pytest.mark.parametrize(("field", "values", "words"), [
    ("title", {"title": "  "}, "标题"),
    ("solution", {"solution": ""}, "解决"),
    ("minutes", {"minutes": "半天"}, "半天"),
    ("minutes", {"minutes": "0"}, "1 分钟"),
    ("tags", {"tags": "漏水、" + "长" * 21}, "20"),
    ("title", {"title": "漏水\x1b[31m"}, "U+001B"),
    ("orders", {"orders": ("BX-20990101-0001",)}, "BX-20990101-0001"),
])
def test_bad_input_names_the_field_and_saves_nothing(world, field, values, words):
    data = {"title": "卫生间漏水", "solution": "更换接头。", **values}
    with pytest.raises(ValidationError) as caught:
        kb.create_article(kb.ArticleInput(**data), world["tech1"].id)
    assert caught.value.field == field
    assert words in caught.value.message, caught.value.message
    assert KbArticle.select().count() == 0 and KbKey.select().count() == 0


def test_typed_minutes_and_tags_are_read_as_people_type_them(world):
    view = article(world, "水管漏水", minutes="1.5小时", tags="漏水， 角阀、#厨房 漏水")
    assert view.minutes == 90 and view.tags == ("漏水", "角阀", "厨房")
    assert kb.parse_minutes("45分钟") == 45 and kb.parse_minutes("2h") == 120 and kb.parse_minutes("") is None


def test_writing_an_article_is_audited_and_attributed(world):
    with access.acting(world["tech1"]):
        view = article(world, "水管漏水")
    row = AuditLog.get(AuditLog.entity == "kb_article", AuditLog.entity_id == view.id)
    assert row.staff_id == world["tech1"].id


# --- suggestions ----------------------------------------------------------------------------------------


def test_suggestions_for_an_order_same_category_first_then_shared_words(world, monkeypatch):
    order = wo.create_order(wo.OrderInput(
        kind="repair", title="厨房水管漏水", description="水槽下面角阀滴水，柜子里都是水。",
        community_id=world["comm"].id, location="1号楼", category_id=cat("plumbing.leak")), world["desk"].id)
    same_plain = article(world, "热水器接口的处理", solution="更换垫圈。")  # same category, no shared words
    at(monkeypatch, NOW + dt.timedelta(hours=1))
    same_words = article(world, "厨房角阀漏水", solution="更换角阀。", by="tech2")
    elsewhere = article(world, "厨房水槽下水管漏水返味", category="plumbing.drain",
                        solution="重新安装下水管并打胶。")
    article(world, "跳闸合不上", category="plumbing.power", solution="逐路合闸。")  # nothing shared
    article(world, "角阀漏水的草稿", status=kb.DRAFT)  # a draft is never suggested
    rows = kb.suggest_for_order(order.id, staff_id=world["desk"].id)
    assert titles(rows) == [same_words.title, same_plain.title, elsewhere.title]
    # An article already linked to the order is not offered to it again.
    kb.link_order(same_words.id, order.number, world["tech2"].id)
    assert titles(kb.suggest_for_order(order.id, staff_id=world["desk"].id)) == [same_plain.title, elsewhere.title]


def test_an_order_without_category_gets_articles_by_words_only(world):
    order = wo.create_order(wo.OrderInput(kind="repair", title="单元门禁卡刷不开", community_id=world["comm"].id, location="3号楼"),
                            world["desk"].id)
    card = article(world, "门禁卡刷不开单元门", category="doors.entry", solution="重新授权。")
    article(world, "电梯困人", category="lift.trapped")
    assert titles(kb.suggest_for_order(order.id, staff_id=world["desk"].id)) == [card.title]


# --- the skill lookup --------------------------------------------------------------------------------------


def resolved(world, who: str, code: str, minutes: int, *, rating: int | None = None, held: int = 0,
             days_ago: int = 3) -> WorkOrder:
    created = NOW - dt.timedelta(days=days_ago)
    order = f.work_order(world["desk"], world["comm"], status="closed", assignee=world[who], created_at=created)
    WorkOrder.update(category=cat(code), resolved_at=created + dt.timedelta(minutes=minutes + held),
                     held_minutes=held, rating=rating).where(WorkOrder.id == order.id).execute()
    return order


def test_the_skill_lookup_counts_medians_and_averages_as_by_hand(world):
    # tech1: 60, 120 (plus 30 on hold, left out), 240 minutes → median 120; rated 5 and 4 → 4.5.
    resolved(world, "tech1", "plumbing.leak", 60, rating=5)
    resolved(world, "tech1", "plumbing.leak", 120, rating=4, held=30)
    resolved(world, "tech1", "plumbing.leak", 240)
    # tech2: 30 and 90 → median 60; rated 3 and 5 → 4.0.
    resolved(world, "tech2", "plumbing.leak", 30, rating=3)
    resolved(world, "tech2", "plumbing.leak", 90, rating=5)
    # Not counted: another category, older than a year, not resolved.
    resolved(world, "tech2", "plumbing.power", 10, rating=1)
    resolved(world, "tech2", "plumbing.leak", 10, rating=1, days_ago=400)
    f.work_order(world["desk"], world["comm"], status="in_progress", assignee=world["tech2"])
    rows = kb.skills_for_category(cat("plumbing.leak"))
    assert [(r.login, r.solved, r.median_minutes, r.avg_rating, r.rated) for r in rows] == [
        ("tech1", 3, 120.0, 4.5, 2), ("tech2", 2, 60.0, 4.0, 2)]
    # The top node stands for its leaves: 水电 counts the power cut too.
    rows = kb.skills_for_category(cat("plumbing"))
    # As many each: the quicker median first.
    assert [(r.login, r.solved, r.median_minutes) for r in rows] == [("tech2", 3, 30.0), ("tech1", 3, 120.0)]
    assert rows[1].summary == "3单 · 2小时 · ★4.5"


def test_dispatching_shows_each_technicians_record_on_the_category(world):
    resolved(world, "tech2", "plumbing.leak", 45, rating=4)
    order = wo.create_order(wo.OrderInput(kind="repair", title="卫生间漏水", community_id=world["comm"].id, location="1号楼",
                                          category_id=cat("plumbing.leak")), world["desk"].id)
    found = {s.login: s for s in dispatch.suggest(order.id)}
    assert (found["tech2"].solved, found["tech2"].median_minutes, found["tech2"].avg_rating) == (1, 45.0, 4.0)
    assert found["tech2"].skill == "水管漏水：1单 · 45分钟 · ★4.0"
    assert found["tech1"].skill == "水管漏水：暂无"


# --- comments and helpful marks ---------------------------------------------------------------------------


def test_comments_thread_under_their_parents_in_reading_order(world, monkeypatch):
    view = article(world, "水管漏水")
    first = kb.add_comment(view.id, "这个方法管用。", world["desk"].id)
    at(monkeypatch, NOW + dt.timedelta(minutes=5))
    second = kb.add_comment(view.id, "老小区镀锌管也这样吗？", world["tech2"].id)
    reply = kb.add_comment(view.id, "是的，一样。", world["tech1"].id, reply_to=second.id)
    deeper = kb.add_comment(view.id, "谢谢！", world["tech2"].id, reply_to=reply.id)
    late = kb.add_comment(view.id, "补充：先拍照。", world["super"].id, reply_to=first.id)
    thread = kb.get_article(view.id, world["desk"].id).comments
    assert [(c.id, c.depth, c.parent_id) for c in thread] == [
        (first.id, 0, None), (late.id, 1, first.id), (second.id, 0, None), (reply.id, 1, second.id),
        (deeper.id, 2, reply.id)]
    assert thread[3].author == "李建国" and thread[3].text == "是的，一样。"
    other = article(world, "跳闸", category="plumbing.power")
    with pytest.raises(ValidationError) as caught:
        kb.add_comment(other.id, "答非所问", world["desk"].id, reply_to=first.id)
    assert caught.value.field == "reply_to"
    with pytest.raises(ValidationError):
        kb.add_comment(view.id, "   ", world["desk"].id)
    assert KbComment.select().count() == 5


def test_replies_stop_nesting_at_the_deepest_level(world):
    view = article(world, "水管漏水")
    parent = kb.add_comment(view.id, "0", world["desk"].id)
    for n in range(1, kb.MAX_DEPTH + 3):
        parent = kb.add_comment(view.id, str(n), world["tech2"].id, reply_to=parent.id)
    depths = [c.depth for c in kb.get_article(view.id, world["desk"].id).comments]
    assert max(depths) == kb.MAX_DEPTH
    assert depths[:kb.MAX_DEPTH + 1] == list(range(kb.MAX_DEPTH + 1))


def test_helpful_marks_toggle_one_per_person_never_ones_own(world):
    view = article(world, "水管漏水")
    assert kb.toggle_helpful(view.id, world["desk"].id) == kb.HelpfulResult(True, 1)
    assert kb.toggle_helpful(view.id, world["tech2"].id) == kb.HelpfulResult(True, 2)
    assert kb.get_article(view.id, world["desk"].id).marked
    assert kb.toggle_helpful(view.id, world["desk"].id) == kb.HelpfulResult(False, 1)
    assert not kb.get_article(view.id, world["desk"].id).marked
    with pytest.raises(ValidationError):
        kb.toggle_helpful(view.id, world["tech1"].id)  # the author's own
    comment = kb.add_comment(view.id, "管用", world["desk"].id)
    assert kb.toggle_helpful(view.id, world["tech1"].id, comment_id=comment.id) == kb.HelpfulResult(True, 1)
    thread = kb.get_article(view.id, world["tech1"].id).comments
    assert (thread[0].helpful, thread[0].marked) == (1, True)
    assert kb.toggle_helpful(view.id, world["tech1"].id, comment_id=comment.id) == kb.HelpfulResult(False, 0)
    with pytest.raises(ValidationError):
        kb.toggle_helpful(view.id, world["desk"].id, comment_id=comment.id)
    assert KbArticle.get_by_id(view.id).helpful_count == 1


# --- a tip from a resolved order ------------------------------------------------------------------------------


def test_a_resolved_order_makes_a_draft_tip_with_its_facts(world, monkeypatch):
    order = wo.create_order(wo.OrderInput(
        kind="repair", title="卫生间地漏返臭", description="洗澡时地漏冒水，有臭味。",
        community_id=world["comm"].id, location="2号楼", category_id=cat("plumbing.drain")), world["desk"].id)
    wo.assign(order.id, world["tech1"].id, world["desk"].id)
    with pytest.raises(FrontDeskError) as caught:
        kb.draft_from_order(order.id, world["tech1"].id)
    assert "已派单" in caught.value.message
    at(monkeypatch, NOW + dt.timedelta(hours=1))
    wo.start(order.id, world["tech1"].id)
    at(monkeypatch, NOW + dt.timedelta(hours=1, minutes=40))
    wo.resolve(order.id, world["tech1"].id, "清理地漏里的头发，加装防臭地漏芯。")
    draft = kb.draft_from_order(order.id, world["tech1"].id)
    assert draft == kb.ArticleInput(
        title="卫生间地漏返臭", problem="洗澡时地漏冒水，有臭味。", solution="清理地漏里的头发，加装防臭地漏芯。",
        minutes="40", category_id=cat("plumbing.drain"), status=kb.DRAFT, orders=(order.number,))
    view = kb.create_article(draft, world["tech1"].id)
    assert view.is_draft and [o.number for o in view.orders] == [order.number] and view.minutes == 40
    assert kb.order_has_tip(order.id)

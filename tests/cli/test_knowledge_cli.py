"""`frontdesk kb add|search|show|suggest|comment|helpful|publish|link|skills` through
tui.cli.main (issue 17 item 5), on both databases: JSON lines, Chinese output, bad input
named by its option, the roles."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from data import workorders as wo
from data.db import close_database, open_database
from data.models import Category, KbArticle, KbComment, WorkOrder
from tests import factories as f
from tests.helpers.cli import json_lines, run

NOW = dt.datetime(2026, 12, 7, 10, 0)


@pytest.fixture
def db(db_url, monkeypatch) -> SimpleNamespace:
    """Desk, two technicians, a guard; a resolved drain order of tech1's, an open leak order,
    and tech1's record on leaks (two resolved: 60 and 120 minutes, rated 5 and 4)."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    open_database(db_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "王丽")
    tech = f.staff("tech1", "李建国", "tech")
    f.staff("tech2", "王海涛", "tech")
    f.staff("guard1", "王保安", "guard")
    leak = Category.get(Category.code == "plumbing.leak").id
    drain = Category.get(Category.code == "plumbing.drain").id
    done = wo.create_order(wo.OrderInput(kind="repair", title="卫生间地漏返臭", location="3号楼",
                                         description="洗澡时地漏冒水。", community_id=comm.id,
                                         category_id=drain), desk.id)
    wo.assign(done.id, tech.id, desk.id)
    wo.start(done.id, tech.id)
    wo.resolve(done.id, tech.id, "清理地漏，加装防臭芯。")
    open_leak = wo.create_order(wo.OrderInput(kind="repair", title="厨房水管漏水", location="5号楼",
                                              community_id=comm.id, category_id=leak), desk.id)
    for minutes, rating in ((60, 5), (120, 4)):
        order = f.work_order(desk, comm, status="closed", assignee=tech, created_at=NOW - dt.timedelta(days=2))
        WorkOrder.update(category=leak, rating=rating,
                         resolved_at=order.created_at + dt.timedelta(minutes=minutes)).where(
            WorkOrder.id == order.id).execute()
    close_database()
    return SimpleNamespace(url=db_url, done=done.number, open_leak=open_leak.number)


def test_add_search_show_and_suggest(db, capsys):
    assert run(db, "kb", "add", "--title", "厨房角阀漏水的处理", "--category", "水管漏水",
               "--problem", "水槽下柜子里有水。", "--solution", "关总阀，更换角阀，试水。",
               "--parts", "角阀、生料带", "--minutes", "40", "--tags", "漏水、角阀", "--publish", "--json",
               user="tech1") == 0
    added = json_lines(capsys)[0]
    assert (added["title"], added["status"], added["minutes"], added["tags"], added["author"]) == (
        "厨房角阀漏水的处理", "published", 40, ["漏水", "角阀"], "李建国")
    assert added["category"] == "水电 › 水管漏水"
    assert run(db, "kb", "search", "漏水", "--json") == 0
    assert [r["title"] for r in json_lines(capsys)] == ["厨房角阀漏水的处理"]
    assert run(db, "kb", "search", "cfjf") == 0  # the pinyin initials of the title
    assert "厨房角阀漏水的处理" in capsys.readouterr().out
    assert run(db, "kb", "search", "电梯") == 0
    assert "没有找到文章。" in capsys.readouterr().out
    assert run(db, "kb", "show", str(added["id"])) == 0
    out = capsys.readouterr().out
    assert "【解决方法】" in out and "关总阀，更换角阀，试水。" in out and "约需 40分钟" in out
    assert run(db, "kb", "suggest", db.open_leak, "--json") == 0
    assert [r["title"] for r in json_lines(capsys)] == ["厨房角阀漏水的处理"]


def test_a_tip_from_a_resolved_order_is_a_draft_linked_to_it(db, capsys):
    assert run(db, "kb", "add", "--from-order", db.done, "--json", user="tech1") == 0
    tip = json_lines(capsys)[0]
    assert (tip["title"], tip["solution"], tip["status"], tip["orders"]) == (
        "卫生间地漏返臭", "清理地漏，加装防臭芯。", "draft", [db.done])
    assert tip["category"] == "水电 › 下水道堵塞"
    assert run(db, "kb", "search", "地漏", "--json", user="tech2") == 0  # a draft is not his
    assert json_lines(capsys) == []
    assert run(db, "kb", "publish", str(tip["id"]), user="tech2") == 2
    assert "只有作者本人或主管可以修改" in capsys.readouterr().err
    assert run(db, "kb", "publish", str(tip["id"]), "--json", user="tech1") == 0
    assert json_lines(capsys)[0]["status"] == "published"
    assert run(db, "kb", "search", "地漏", "--json", user="tech2") == 0
    assert [r["title"] for r in json_lines(capsys)] == ["卫生间地漏返臭"]


def test_comments_replies_and_helpful_marks(db, capsys):
    assert run(db, "kb", "add", "--title", "跳闸合不上", "--solution", "逐路合闸。", "--publish", "--json",
               user="tech1") == 0
    article = json_lines(capsys)[0]["id"]
    assert run(db, "kb", "comment", str(article), "这个方法管用。", "--json") == 0
    first = json_lines(capsys)[0]
    assert run(db, "kb", "comment", str(article), "谢谢！", "--reply-to", str(first["id"]), "--json",
               user="tech1") == 0
    reply = json_lines(capsys)[0]
    assert (reply["parent"], reply["depth"]) == (first["id"], 1)
    assert run(db, "kb", "helpful", str(article), "--json") == 0
    assert json_lines(capsys)[0] == {"id": article, "comment": None, "marked": True, "helpful": 1}
    assert run(db, "kb", "helpful", str(article)) == 0
    assert "已取消“有用”（共 0）。" in capsys.readouterr().out
    assert run(db, "kb", "helpful", str(article), user="tech1") == 2  # his own
    assert "您自己的文章" in capsys.readouterr().err
    assert run(db, "kb", "show", str(article)) == 0
    out = capsys.readouterr().out
    assert f"#{first['id']} 王丽" in out and f"  └ #{reply['id']} 李建国" in out
    assert run(db, "kb", "comment", str(article), "   ") == 2
    assert "TEXT" in capsys.readouterr().err
    assert run(db, "kb", "comment", str(article), "答非所问", "--reply-to", "999") == 2
    assert "--reply-to" in capsys.readouterr().err
    open_database(db.url)
    assert KbComment.select().count() == 2
    close_database()


def test_bad_input_names_the_option_and_saves_nothing(db, capsys):
    assert run(db, "kb", "add", "--title", "水管漏水", user="tech1") == 2
    assert "--solution" in capsys.readouterr().err
    assert run(db, "kb", "add", "--title", "水管漏水", "--solution", "x", "--minutes", "半天", user="tech1") == 2
    assert "--minutes" in capsys.readouterr().err
    assert run(db, "kb", "add", "--title", "水管漏水", "--solution", "x", "--order", "BX-1", user="tech1") == 2
    assert "--order" in capsys.readouterr().err
    assert run(db, "kb", "add", "--title", "水管漏水", "--solution", "x", "--category", "火星", user="tech1") == 2
    assert "火星" in capsys.readouterr().err
    assert run(db, "kb", "add", "--from-order", db.open_leak) == 2
    assert "处理完成后才能写成秘诀" in capsys.readouterr().err
    assert run(db, "kb", "search", "漏水", user="guard1") == 2  # the gate reads no knowledge base
    assert run(db, "kb", "show", "999") == 2
    assert "999" in capsys.readouterr().err
    open_database(db.url)
    assert KbArticle.select().count() == 0
    close_database()


def test_skills_of_a_category_with_median_and_average(db, capsys):
    assert run(db, "kb", "skills", "plumbing.leak", "--json") == 0
    assert json_lines(capsys) == [{"staff": "tech1", "name": "李建国", "solved": 2, "median_minutes": 90.0,
                                   "avg_rating": 4.5, "rated": 2}]
    assert run(db, "kb", "skills", "水管漏水") == 0
    out = capsys.readouterr().out
    assert "李建国(tech1)" in out and "2单" in out and "中位 1.5小时" in out and "★4.50 (2)" in out
    assert run(db, "kb", "skills", "困人") == 0
    assert "这段时间内没有人处理完成过这类工单。" in capsys.readouterr().out

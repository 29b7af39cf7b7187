"""`frontdesk tickets new|list|show|update` and `frontdesk escalate` through tui.cli.main."""

from __future__ import annotations

import json
import unicodedata
from types import SimpleNamespace

import pytest

from data import people, sla
from data import workorders as wo
from data.db import close_database, open_database
from data.i18n import _
from data.models import Notification, WorkOrder, WorkOrderHistory
from data.people import PersonInput
from data.vocab import WORK_ORDER_STATUSES, label
from tests import factories as f
from tests.helpers.cli import json_lines as out_json
from tests.helpers.cli import run
from tui import cli

NOW = "2026-11-27 09:00"
CONTRACT = {"id", "number", "kind", "category", "priority", "status", "room", "person", "assignee",
            "created", "respond_due", "resolve_due", "overdue", "version"}


@pytest.fixture
def db(sqlite_url, monkeypatch) -> SimpleNamespace:
    """A migrated SQLite file with two communities sharing the room code 3-2-501, staff
    and an owner; the clock pinned at NOW."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(sqlite_url)
    jx, yg = f.community("锦绣花园"), f.community("阳光水岸")
    room = people.ensure_room(jx.id, "3-2-501")
    people.ensure_room(yg.id, "3-2-501")
    people.ensure_room(jx.id, "5-1-101")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    f.staff("desk1", "李娜", "desk")
    tech = f.staff("tech1", "王建国", "tech")
    f.staff("tech2", "赵强", "tech")
    f.staff("super1", "陈静", "supervisor")
    f.staff("manager1", "刘志刚", "manager")
    from data.models import Building, Territory

    Territory.create(staff=tech, building=Building.get(Building.community == jx.id, Building.code == "3"))
    close_database()
    return SimpleNamespace(url=sqlite_url, owner=owner, jx=jx.id, yg=yg.id)


def new_ticket(db, capsys, *extra: str, room: str = "3-2-501", user: str = "desk1") -> dict:
    argv = ["tickets", "new", "--kind", "报修", "--room", room, "--community", "锦绣花园",
            "--category", "水管漏水", "--text", "厨房水管漏水", "--json", *extra]
    assert run(db, *argv, user=user) == 0, capsys.readouterr().err
    [order] = out_json(capsys)
    return order


def cells(line: str, text: str) -> int:
    """The terminal column where `text` starts in `line` (CJK characters take two cells)."""
    prefix = line[: line.index(text)]
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in prefix)


def history(order_id: int, db) -> list[str]:
    open_database(db.url)
    try:
        return [h.action for h in WorkOrderHistory.select().where(WorkOrderHistory.work_order == order_id)
                .order_by(WorkOrderHistory.id)]
    finally:
        close_database()


# --- new -------------------------------------------------------------------------------------


def test_new_in_chinese_words(db, capsys):
    assert run(db, "tickets", "new", "--kind", "报修", "--room", "3栋2单元501室", "--community", "锦绣花园",
               "--person", str(db.owner), "--category", "水管漏水", "--priority", "紧急",
               "--channel", "微信", "--text", "厨房水管漏水\n角阀在滴水，楼下天花板有水印", "--json") == 0
    [order] = out_json(capsys)
    assert CONTRACT <= set(order)
    assert {k: order[k] for k in ("number", "kind", "category", "priority", "channel", "status", "room",
                                  "community", "person", "person_id", "assignee", "created",
                                  "respond_due", "resolve_due", "overdue", "version", "title")} == {
        "number": "BX-20261127-0001", "kind": "repair", "category": "水管漏水", "priority": "urgent",
        "channel": "wechat", "status": "new", "room": "3-2-501", "community": "锦绣花园",
        "person": "张晓明", "person_id": db.owner, "assignee": "", "created": "2026-11-27 09:00",
        "respond_due": "2026-11-27 09:15", "resolve_due": "2026-11-27 11:00", "overdue": False,
        "version": 1, "title": "厨房水管漏水",
    }
    assert order["suggested"] == "tech1"
    open_database(db.url)
    assert WorkOrder.get_by_id(order["id"]).description.endswith("楼下天花板有水印")


def test_new_in_english_words_and_codes(db, capsys):
    assert run(db, "tickets", "new", "--kind", "complaint", "--room", "5-1-101", "--category",
               "noise.renovation", "--priority", "low", "--channel", "visit", "--text",
               "楼上装修噪音从早上七点开始，已经持续一周了，周末也不停，希望物业出面协调一下施工时间，谢谢", "--json") == 0
    [order] = out_json(capsys)
    assert (order["number"], order["kind"], order["priority"], order["channel"], order["category"]) == (
        "TS-20261127-0001", "complaint", "low", "visit", "装修噪音")
    assert order["title"].endswith("…") and len(order["title"]) <= 40
    assert run(db, "tickets", "new", "--kind", "inquiry", "--room", "5-1-101", "--category", "物业费咨询",
               "--priority", "normal", "--channel", "phone", "--text", "物业费怎么交", "--json") == 0
    assert out_json(capsys)[0]["number"] == "ZX-20261127-0001"


def test_new_plain_text_names_the_number_and_the_suggestion(db, capsys):
    assert run(db, "tickets", "new", "--kind", "报修", "--room", "3-2-501", "--community", "锦绣花园",
               "--category", "水管漏水", "--text", "漏水") == 0
    out = capsys.readouterr().out
    assert "BX-20261127-0001" in out and "王建国" in out and "tech1" in out


def test_a_room_code_in_several_communities_needs_community(db, capsys):
    assert run(db, "tickets", "new", "--kind", "报修", "--room", "3-2-501", "--category", "水管漏水",
               "--text", "漏水") == 2
    err = capsys.readouterr().err
    assert "锦绣花园" in err and "阳光水岸" in err and "--community" in err
    assert "Traceback" not in err
    open_database(db.url)
    assert WorkOrder.select().count() == 0


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"--room": "9-9-909"}, ["9-9-909", "锦绣花园"]),  # unknown room in a known community
        ({"--community": "不存在小区"}, ["不存在小区", "阳光水岸"]),
        ({"--room": "楼上"}, ["3-2-501"]),
        ({"--kind": "抱怨"}, ["抱怨", "报修"]),
        ({"--priority": "马上"}, ["马上", "紧急"]),
        ({"--channel": "飞鸽"}, ["飞鸽", "微信"]),
        ({"--category": "漏雨"}, ["漏雨", "plumbing.leak"]),
        ({"--person": "99999"}, ["99999"]),
        ({"--text": "漏\x1b[2J水"}, ["U+001B"]),
    ],
)
def test_new_refuses_bad_input_saying_what(db, capsys, changes, says):
    args = {"--kind": "报修", "--room": "3-2-501", "--community": "锦绣花园", "--category": "水管漏水",
            "--text": "漏水", **changes}
    assert run(db, "tickets", "new", *[x for kv in args.items() for x in kv]) == 2
    err = capsys.readouterr().err
    for word in says:
        assert word in err
    open_database(db.url)
    assert WorkOrder.select().count() == 0


def test_an_unknown_user_is_refused(db, capsys):
    assert run(db, "tickets", "list", user="nobody") == 2
    assert "nobody" in capsys.readouterr().err


# --- list and show ---------------------------------------------------------------------------


def test_list_views_and_filters(db, capsys, monkeypatch):
    a = new_ticket(db, capsys, "--priority", "紧急")
    b = new_ticket(db, capsys, room="5-1-101")
    c = new_ticket(db, capsys)
    assert run(db, "tickets", "update", a["number"], "--assignee", "tech1") == 0
    # c is outside tech2's territory: dispatched to them first, then they may work it.
    assert run(db, "tickets", "update", str(c["id"]), "--assignee", "tech2") == 0
    assert run(db, "tickets", "update", str(c["id"]), "--status", "in_progress", user="tech2") == 0
    assert run(db, "tickets", "update", str(c["id"]), "--status", "挂起", "--note", "等配件", user="tech2") == 0
    capsys.readouterr()

    assert run(db, "tickets", "list", "--mine", "--json", user="tech1") == 0
    assert [o["number"] for o in out_json(capsys)] == [a["number"]]
    assert run(db, "tickets", "list", "--status", "挂起", "--json") == 0
    assert [o["id"] for o in out_json(capsys)] == [c["id"]]
    assert run(db, "tickets", "list", "--status", "on_hold", "--json") == 0
    assert [o["id"] for o in out_json(capsys)] == [c["id"]]
    assert run(db, "tickets", "list", "--assignee", "tech2", "--json") == 0
    assert [o["id"] for o in out_json(capsys)] == [c["id"]]
    assert run(db, "tickets", "list", "--json", "--limit", "2") == 0
    assert [o["id"] for o in out_json(capsys)] == [c["id"], b["id"]]  # all: newest first
    assert run(db, "tickets", "list", "--building", "5", "--json") == 0
    assert [o["id"] for o in out_json(capsys)] == [b["id"]]
    # Building 3 exists in both communities.
    assert run(db, "tickets", "list", "--building", "3号楼") == 2
    assert "阳光水岸" in capsys.readouterr().err
    assert run(db, "tickets", "list", "--building", "3", "--community", "锦绣花园", "--json") == 0
    assert {o["id"] for o in out_json(capsys)} == {a["id"], c["id"]}

    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 09:40")  # a's 15 min, b's 30 min passed
    assert run(db, "tickets", "list", "--overdue", "--json") == 0
    overdue = out_json(capsys)
    assert [o["id"] for o in overdue] == [a["id"], b["id"]] and all(o["overdue"] for o in overdue)
    assert run(db, "tickets", "list", "--overdue", "--mine", "--json", user="tech1") == 0
    assert [o["id"] for o in out_json(capsys)] == [a["id"]]

    assert run(db, "tickets", "list", "--overdue") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert a["number"] in lines[0] and "-25m" in lines[0] and "王建国" in lines[0]
    assert label(WORK_ORDER_STATUSES, "assigned") in lines[0]
    assert cells(lines[0], "厨房水管漏水") == cells(lines[1], "厨房水管漏水")  # aligned columns


def test_list_with_nothing_to_show(db, capsys):
    assert run(db, "tickets", "list", "--mine", user="tech1") == 0
    assert capsys.readouterr().out.strip()
    assert run(db, "tickets", "list", "--mine", "--json", user="tech1") == 0
    assert capsys.readouterr().out == ""
    assert run(db, "tickets", "list", "--limit", "0") == 2


def test_show_details_history_and_costs(db, capsys):
    order = new_ticket(db, capsys)
    assert run(db, "tickets", "update", order["number"], "--status", "in_progress", user="tech1") == 0
    open_database(db.url)
    wo.add_cost(order["id"], WorkOrder.get_by_id(order["id"]).assignee_id, "material", "角阀", "2",
                "12.5", "owner")
    close_database()
    capsys.readouterr()
    assert run(db, "tickets", "show", order["number"], "--json") == 0
    [shown] = out_json(capsys)
    assert CONTRACT <= set(shown)
    assert (shown["status"], shown["assignee"], shown["version"]) == ("in_progress", "tech1", 2)
    assert [h["action"] for h in shown["history"]] == ["create", "start", "cost"]
    assert shown["history"][1]["staff"] == "王建国"
    assert shown["costs"] == [{"kind": "material", "description": "角阀", "quantity": "2.00",
                               "unit_price": "12.50", "amount": "25.00", "payer": "owner"}]
    assert run(db, "tickets", "show", str(order["id"])) == 0
    out = capsys.readouterr().out
    for text in (order["number"], "厨房水管漏水", "王建国", "角阀", "25.00", "锦绣花园 3-2-501"):
        assert text in out
    assert run(db, "tickets", "show", "BX-20991231-0001") == 2
    assert "BX-20991231-0001" in capsys.readouterr().err


# --- update ----------------------------------------------------------------------------------


def test_the_whole_lifecycle_from_the_command_line(db, capsys, monkeypatch):
    order = new_ticket(db, capsys)
    number = order["number"]

    def update(*argv: str, user: str = "tech1") -> dict:
        assert run(db, "tickets", "update", number, *argv, "--json", user=user) == 0, capsys.readouterr().err
        [view] = out_json(capsys)
        return view

    assert update("--assignee", "tech1", user="desk1")["status"] == "assigned"
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 09:20")
    view = update("--status", "in_progress", "--if-version", "2")
    assert (view["status"], view["version"]) == ("in_progress", 3)
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 09:30")
    assert update("--status", "on_hold", "--note", "等配件")["status"] == "on_hold"
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 11:30")
    view = update("--status", "处理中", "--note", "配件到了")
    assert view["status"] == "in_progress"
    assert view["resolve_due"] == "2026-11-28 11:00"  # two hours on hold
    assert update("--note", "已关闭总阀")["version"] == 6
    assert update("--status", "resolved", "--note", "更换角阀")["status"] == "resolved"
    view = update("--rating", "5", "--note", "师傅很细心", user="desk1")
    assert (view["status"], view["rating"]) == ("visited", 5)
    assert update("--status", "closed", user="desk1")["status"] == "closed"
    assert history(order["id"], db) == ["create", "assign", "start", "hold", "resume", "note",
                                        "resolve", "callback", "close"]
    # An unhappy owner later: reopened with a reason.
    assert run(db, "tickets", "update", number, "--status", "in_progress", user="desk1") == 2
    assert "--note" in capsys.readouterr().err
    assert update("--status", "in_progress", "--note", "业主说还在漏", user="desk1")["status"] == "in_progress"


def test_reassigning_needs_a_reason(db, capsys):
    order = new_ticket(db, capsys)
    assert run(db, "tickets", "update", order["number"], "--assignee", "tech1") == 0
    assert run(db, "tickets", "update", order["number"], "--assignee", "tech2", user="super1") == 2
    capsys.readouterr()
    # A desk clerk dispatches, but reassigning is a supervisor's step.
    assert run(db, "tickets", "update", order["number"], "--assignee", "tech2", "--note", "请假") == 2
    assert "super" not in capsys.readouterr().out  # refused: nothing printed as done
    assert run(db, "tickets", "update", order["number"], "--assignee", "tech2", "--note", "王师傅请假",
               "--json", user="super1") == 0
    [view] = out_json(capsys)
    assert view["assignee"] == "tech2"
    assert history(order["id"], db)[-1] == "reassign"


def test_if_version_refuses_a_changed_order_with_exit_status_3(db, capsys):
    order = new_ticket(db, capsys)
    assert run(db, "tickets", "update", order["number"], "--assignee", "tech1") == 0  # version 2
    capsys.readouterr()
    assert run(db, "tickets", "update", order["number"], "--status", "in_progress", "--if-version", "1",
               user="tech1") == 3
    captured = capsys.readouterr()
    assert order["number"] in captured.err and "2" in captured.err and captured.out == ""
    assert run(db, "tickets", "update", order["number"], "--note", "催", "--if-version", "1") == 3
    open_database(db.url)
    stored = WorkOrder.get_by_id(order["id"])
    assert (stored.status, stored.version) == ("assigned", 2)


def test_an_illegal_transition_exits_2_with_the_reason(db, capsys):
    order = new_ticket(db, capsys)
    assert run(db, "tickets", "update", order["number"], "--status", "closed") == 2
    err = capsys.readouterr().err
    assert order["number"] in err and label(WORK_ORDER_STATUSES, "new") in err
    assert run(db, "tickets", "update", order["number"], "--status", "resolved", "--note", "x") == 2
    assert run(db, "tickets", "update", order["number"], "--status", "new") == 2
    assert run(db, "tickets", "update", order["number"], "--status", "whatever") == 2
    assert run(db, "tickets", "update", order["number"]) == 2  # nothing to change
    assert run(db, "tickets", "update", order["number"], "--status", "on_hold") == 2
    assert run(db, "tickets", "update", order["number"], "--rating", "9") == 2
    assert run(db, "tickets", "update", order["number"], "--status", "closed", "--rating", "5") == 2
    assert history(order["id"], db) == ["create"]


def test_cancel_needs_a_reason(db, capsys):
    order = new_ticket(db, capsys)
    assert run(db, "tickets", "update", order["number"], "--status", "cancelled", user="super1") == 2
    assert run(db, "tickets", "update", order["number"], "--status", "已取消", "--note", "业主自己修好了",
               "--json", user="super1") == 0
    assert out_json(capsys)[-1]["status"] == "cancelled"


# --- escalate --------------------------------------------------------------------------------


def test_escalate_json(db, capsys, monkeypatch):
    order = new_ticket(db, capsys)
    assert run(db, "escalate", "--json", user="super1") == 0  # cron's or a lead's sweep
    assert capsys.readouterr().out == ""
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-29 09:00")  # both deadlines long gone
    assert run(db, "escalate", "--json", user="super1") == 0
    rows = out_json(capsys)
    assert rows == [
        {"id": order["id"], "number": order["number"], "level": 1, "notified": ["super1"]},
        {"id": order["id"], "number": order["number"], "level": 2, "notified": ["manager1"]},
    ]
    assert run(db, "escalate", user="super1") == 0  # idempotent
    assert capsys.readouterr().out.strip() == _("Nothing to escalate.")
    open_database(db.url)
    assert Notification.select().where(Notification.kind == "escalation").count() == 2


def test_sla_table_is_editable_and_new_orders_follow_it(sqlite_url, capsys):
    open_database(sqlite_url)
    f.staff("super1", "周主管", "supervisor")
    close_database()
    main = cli.main
    assert main(["--db", sqlite_url, "--user", "super1", "sla", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"kind": "repair", "priority": "normal", "category": None,
            "response_minutes": 30, "resolution_minutes": 1440, "working_time": False} in rows
    assert main(["--db", sqlite_url, "--user", "super1", "sla", "set", "报修", "一般",
                 "--response", "20", "--resolution", "720", "--category", "水管漏水"]) == 0
    assert main(["--db", sqlite_url, "--user", "super1", "sla", "set", "报修", "一般",
                 "--response", "60", "--resolution", "30"]) == 2
    assert "resolution" in capsys.readouterr().err
    open_database(sqlite_url)
    from data.models import Category

    leak = Category.get(Category.code == "plumbing.leak").id
    assert sla.sla_for("repair", leak, "normal") == (20, 720)
    assert sla.sla_for("repair", None, "normal") == (30, 1440)
    close_database()

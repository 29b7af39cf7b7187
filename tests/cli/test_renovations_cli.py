"""`frontdesk renovations …` through tui.cli.main, on SQLite and PostgreSQL."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from data import people
from data.db import close_database, open_database
from data.models import Building, Renovation, Room, Territory, WorkOrder
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import json_lines, run

NOW = "2026-03-04 12:30"  # a Wednesday, lunch time


@pytest.fixture
def db(db_url, monkeypatch) -> SimpleNamespace:
    """Two communities sharing the room code 3-2-501 (锦绣花园's owned by 张晓明), desk,
    tech and a supervisor; the clock pinned at NOW."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(db_url)
    jx, yg = f.community("锦绣花园"), f.community("阳光水岸")
    room = people.ensure_room(jx.id, "3-2-501")
    people.ensure_room(yg.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    f.staff("desk1", "李娜", "desk")
    tech = f.staff("tech1", "王建国", "tech")
    f.staff("super1", "陈静", "supervisor")
    # The technician's territory: the orders an inspection opens are in it.
    Territory.create(staff=tech, building=Building.get(Building.community == jx.id, Building.code == "3"))
    close_database()
    return SimpleNamespace(url=db_url, room=room, owner=owner)


def new_permit(db, capsys, *extra: str) -> dict:
    argv = ["renovations", "new", "--community", "锦绣花园", "--room", "3-2-501",
            "--contractor", "美家装饰工程有限公司", "--contractor-phone", "021-55551234",
            "--start", "2026-03-02", "--end", "2026-06-30", "--scope", "厨卫翻新",
            "--deposit", "2000", "--worker", "王师傅,13700137000,123X", "--worker", "赵小龙",
            "--json", *extra]
    assert run(db, *argv) == 0, capsys.readouterr().err
    [permit] = json_lines(capsys)
    return permit


def ok(db, capsys, *argv: str, user: str = "desk1") -> dict:
    assert run(db, *argv, "--json", user=user) == 0, capsys.readouterr().err
    [out] = json_lines(capsys)
    return out


def refused(db, capsys, *argv: str, user: str = "desk1") -> str:
    assert run(db, *argv, user=user) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_new_takes_the_room_as_other_commands_do_and_prints_json(db, capsys):
    permit = new_permit(db, capsys, "--deposit-received", "--rules-acknowledged")
    assert permit["number"].startswith("ZXXK-20260304-")
    assert (permit["status"], permit["community"], permit["room"], permit["applicant"]) == (
        "applied", "锦绣花园", "3-2-501", "张晓明")
    assert (permit["contractor_phone"], permit["deposit"], permit["workday_hours"]) == (
        "021-****1234", "2000.00", "08:00-12:00,14:00-18:00")
    assert permit["deposit_received_by"] == "李娜" and permit["rules_acknowledged"]
    assert permit["workers"] == [
        {"name": "王师傅", "phone": "137****7000", "id_tail": "**************123X"},
        {"name": "赵小龙", "phone": "", "id_tail": None}]
    assert [h["action"] for h in permit["history"]] == ["apply"]
    # Without --community the shared code is refused, naming both communities.
    err = refused(db, capsys, "renovations", "new", "--room", "3-2-501", "--contractor", "x",
                  "--contractor-phone", "13700137000", "--start", "2026-03-02", "--end", "2026-03-30")
    assert "锦绣花园" in err and "阳光水岸" in err


def test_the_flow_by_command_with_a_violation_and_a_partial_refund(db, capsys):
    number = new_permit(db, capsys)["number"]
    assert ok(db, capsys, "renovations", "approve", number, user="super1")["status"] == "approved"
    ok(db, capsys, "renovations", "deposit", number)
    ok(db, capsys, "renovations", "rules", number)
    assert ok(db, capsys, "renovations", "start", number)["status"] == "in_progress"
    out = ok(db, capsys, "renovations", "inspect", number, "--result", "违规",
             "--findings", "擅自破坏卫生间防水层", "--at", "2026-03-04 10:00", user="tech1")
    order = out["inspection"]["work_order"]
    assert order.startswith("BX-20260304-") and out["inspections"][0]["inspector"] == "王建国"
    ok(db, capsys, "renovations", "inspect", number, "--result", "警告", "--findings", "午休时间施工",
       user="tech1")
    assert ok(db, capsys, "renovations", "finish", number)["status"] == "awaiting_acceptance"
    assert ok(db, capsys, "renovations", "accept", number, "--passed", user="super1")["status"] == "accepted"
    # The violation's work order still open: the refund waits for it, saying which.
    err = refused(db, capsys, "renovations", "refund", number, "--amount", "1000",
                  "--reason", "楼下天花板修复", user="super1")
    assert order in err
    WorkOrder.update(status="closed").where(WorkOrder.number == order).execute()
    out = ok(db, capsys, "renovations", "refund", number, "--amount", "1000",
             "--reason", "楼下天花板修复", user="super1")
    assert (out["status"], out["refunded_amount"], out["refunded_by"]) == ("refunded", "1000.00", "陈静")
    assert out["warnings"] == 1
    assert [h["action"] for h in out["history"]] == [
        "apply", "approve", "deposit", "rules", "start", "inspect", "inspect", "finish", "accept",
        "refund"]
    open_database(db.url)
    try:
        opened = WorkOrder.get(WorkOrder.number == order)
        assert (opened.room_id, opened.channel) == (db.room, "patrol")
        assert Room.get_by_id(db.room).state == "vacant"  # what it was before the works
    finally:
        close_database()
    # The plain text of `show` in Chinese.
    assert run(db, "renovations", "show", number) == 0
    text = capsys.readouterr().out
    assert "押金已退" in text and f"违规  擅自破坏卫生间防水层  → {order}" in text
    assert "许可施工时间：工作日 08:00-12:00、14:00-18:00；休息日不施工；法定节假日不施工" in text


def test_refund_before_acceptance_and_wrong_roles_are_refused(db, capsys):
    number = new_permit(db, capsys, "--deposit-received", "--rules-acknowledged")["number"]
    err = refused(db, capsys, "renovations", "approve", number)
    assert "审批装修许可" in err
    ok(db, capsys, "renovations", "approve", number, user="super1")
    ok(db, capsys, "renovations", "start", number)
    err = refused(db, capsys, "renovations", "refund", number, user="super1")
    assert f"{number} 当前为“施工中”：装修验收通过后才能退还押金。" in err
    err = refused(db, capsys, "renovations", "new", "--community", "锦绣花园", "--room", "3-2-501",
                  "--contractor", "x", "--contractor-phone", "13700137000", "--start", "2026-03-02",
                  "--end", "2026-03-30", user="tech1")
    assert "登记装修许可" in err
    err = refused(db, capsys, "renovations", "accept", number, "--passed")
    assert "登记装修验收" in err


def test_a_noise_complaint_at_lunch_time_is_flagged_on_the_ticket(db, capsys):
    number = new_permit(db, capsys, "--deposit-received", "--rules-acknowledged")["number"]
    ok(db, capsys, "renovations", "approve", number, user="super1")
    ok(db, capsys, "renovations", "start", number)
    order = ok(db, capsys, "tickets", "new", "--kind", "投诉", "--community", "锦绣花园",
               "--room", "3-2-501", "--category", "装修噪音", "--text", "中午电钻声很吵")
    assert run(db, "tickets", "show", order["number"]) == 0
    text = capsys.readouterr().out
    assert "装修中  装修中：超出许可施工时间 · 装修许可 " + number in text


def test_list_filters_and_json_lines(db, capsys):
    first = new_permit(db, capsys)["number"]
    ok(db, capsys, "renovations", "cancel", first, "--reason", "业主暂缓装修")
    second = new_permit(db, capsys, "--deposit-received", "--rules-acknowledged")["number"]
    ok(db, capsys, "renovations", "approve", second, user="super1")
    assert run(db, "renovations", "list", "--json") == 0
    rows = json_lines(capsys)
    assert [r["number"] for r in rows] == [second, first]
    assert set(rows[0]) == {"id", "number", "status", "community", "room", "applicant",
                            "contractor", "start", "end", "deposit", "warnings", "violations"}
    assert run(db, "renovations", "list", "--status", "已撤销", "--json") == 0
    assert [r["number"] for r in json_lines(capsys)] == [first]
    assert run(db, "renovations", "list", "--on", "2026-03-04", "--community", "锦绣花园", "--json") == 0
    assert [r["number"] for r in json_lines(capsys)] == [second]
    assert run(db, "renovations", "list", "--room", "9-9", "--json") == 0
    assert json_lines(capsys) == []
    assert run(db, "renovations", "list", "--limit", "1", "--offset", "1") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(first) and "已撤销" in lines[0]
    err = refused(db, capsys, "renovations", "list", "--status", "whatever")
    assert "whatever" in err


def test_hostile_text_is_stored_and_printed_as_text(db, capsys):
    hostile = "[red]美家[/red] $(id); rm -rf ~"
    permit = new_permit(db, capsys, "--contractor", hostile)
    assert permit["contractor"] == hostile
    assert run(db, "renovations", "show", permit["number"]) == 0
    assert hostile in capsys.readouterr().out
    open_database(db.url)
    try:
        assert Renovation.get(Renovation.number == permit["number"]).contractor == hostile
    finally:
        close_database()
    err = refused(db, capsys, "renovations", "cancel", permit["number"], "--reason", "x\x1b[2Jy")
    assert "U+001B" in err
    err = refused(db, capsys, "renovations", "show", "ZXXK-0000'; DROP TABLE renovation;--")
    assert "没有装修许可" in err

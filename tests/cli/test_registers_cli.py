"""`frontdesk visitors …` and `frontdesk passes …` (issue 16): registering, listing (ID
numbers and phones masked unless revealed by a role that may), signing out, confirming; a
pass issued only with the owner's consent, checked and used once at the gate; the guard's
account runs the gate's commands and nothing else. On both databases."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from data import i18n, people
from data.db import close_database, open_database
from data.models import AuditLog, ReleasePass, Visitor
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import json_lines, run

NOW = "2026-12-06 10:00"
ID = "11010519491231002X"


@pytest.fixture
def db(db_url, monkeypatch) -> SimpleNamespace:
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(db_url)
    jx, yg = f.community("锦绣花园"), f.community("阳光水岸")
    room = people.ensure_room(jx.id, "3-2-501")
    people.ensure_room(yg.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    tenant = people.create_person(PersonInput(name="李租客", phones=["13900139000"]))
    people.move_in(owner, room, "owner")
    people.move_in(tenant, room, "tenant")
    f.staff("desk1", "李娜")
    f.staff("guard1", "王保安", "guard")
    f.staff("admin", "周建华", "admin")
    close_database()
    return SimpleNamespace(url=db_url, owner=owner)


def test_the_guard_registers_lists_confirms_and_signs_out_a_visitor(db, capsys):
    assert run(db, "visitors", "in", "--name", "刘访客", "--room", "3-2-501", "--community", "锦绣花园",
               "--phone", "137 0013 7000", "--id-number", ID, "--plate", "沪A·12345",
               "--purpose", "探亲", "--json", user="guard1") == 0
    [made] = json_lines(capsys)
    assert (made["name"], made["room"], made["community"], made["inside"]) == ("刘访客", "3-2-501", "锦绣花园", True)
    assert made["id_number"] == "110***********002X" and made["phone"] == "137****7000"
    assert made["plate"] == "沪A·12345" and made["registered_by"] == "王保安"
    assert run(db, "visitors", "list", user="guard1") == 0
    text = capsys.readouterr().out
    assert "刘访客" in text and "110***********002X" in text and ID not in text and "13700137000" not in text
    assert run(db, "visitors", "confirm", str(made["id"]), "--json", user="guard1") == 0
    [confirmed] = json_lines(capsys)
    assert confirmed["confirmed_name"] == "张晓明" and confirmed["confirmed_by"] == "王保安"
    assert run(db, "visitors", "out", str(made["id"]), user="guard1") == 0
    assert "10:00" in capsys.readouterr().out
    assert run(db, "visitors", "out", str(made["id"]), user="guard1") == 2
    assert "已于 12-06 10:00 离开" in capsys.readouterr().err
    assert run(db, "visitors", "list", "--inside", "--json", user="guard1") == 0
    assert json_lines(capsys) == []


def test_a_plate_seen_before_fills_the_rest_on_the_command_line(db, capsys):
    assert run(db, "visitors", "in", "--name", "刘师傅", "--room", "锦绣花园3-2-501", "--phone", "13700137000",
               "--plate", "沪A12345", user="guard1") == 0
    capsys.readouterr()
    assert run(db, "visitors", "in", "--plate", "沪a 12345", "--json", user="guard1") == 0
    [again] = json_lines(capsys)
    assert (again["name"], again["room"], again["community"]) == ("刘师傅", "3-2-501", "锦绣花园")


def test_a_room_in_two_communities_and_bad_input_are_refused_with_the_field(db, capsys):
    assert run(db, "visitors", "in", "--name", "刘访客", "--room", "3-2-501", user="guard1") == 2
    err = capsys.readouterr().err
    assert "锦绣花园" in err and "阳光水岸" in err
    assert run(db, "visitors", "in", "--name", "刘访客", "--room", "3-2-501", "--community", "锦绣花园",
               "--id-number", "110105194912310021", user="guard1") == 2
    assert "校验" in capsys.readouterr().err  # Chinese by default: the check digit
    open_database(db.url)
    try:
        assert Visitor.select().count() == 0
    finally:
        close_database()


def test_id_numbers_in_full_only_with_reveal_for_a_role_that_may_and_recorded(db, capsys):
    run(db, "visitors", "in", "--name", "刘访客", "--room", "锦绣花园3-2-501", "--id-number", ID,
        "--phone", "13700137000", user="guard1")
    capsys.readouterr()
    assert run(db, "visitors", "list", "--reveal", user="guard1") == 2
    assert "身份证" in capsys.readouterr().err
    assert run(db, "visitors", "list", "--reveal", "--json", user="desk1") == 0
    [shown] = json_lines(capsys)
    assert shown["id_number"] == ID and shown["phone"] == "13700137000"
    assert run(db, "visitors", "list", "--json", user="desk1") == 0
    assert json_lines(capsys)[0]["id_number"] == "110***********002X"
    open_database(db.url)
    try:
        assert AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity == "visitor").count() == 1
    finally:
        close_database()


def test_a_pass_is_issued_with_consent_checked_and_used_once_at_the_gate(db, capsys):
    i18n.set_language("en")
    assert run(db, "passes", "issue", "--room", "3-2-501", "--community", "锦绣花园", "--items", "旧沙发一套",
               "--carrier", "刘师傅", "--plate", "沪B54321", "--consent", "电话", "--owner", "李租客",
               lang="en") == 2
    assert "not an owner" in capsys.readouterr().err
    assert run(db, "passes", "issue", "--room", "3-2-501", "--community", "锦绣花园", "--items", "旧沙发一套",
               "--carrier", "刘师傅", lang="en") == 2
    assert "needs the owner's consent" in capsys.readouterr().err
    assert run(db, "passes", "issue", "--room", "3-2-501", "--community", "锦绣花园", "--items", "旧沙发一套",
               "--carrier", "刘师傅", "--plate", "沪B54321", "--consent", "当面", "--json") == 0
    [issued] = json_lines(capsys)
    assert issued["number"] == "FX-20261206-001" and issued["consent_owner"] == "张晓明"
    assert issued["consent"] == "in_person" and issued["state"] == "valid"
    # The guard may not issue.
    assert run(db, "passes", "issue", "--room", "锦绣花园3-2-501", "--items", "冰箱", "--carrier", "王",
               "--consent", "当面", user="guard1", lang="en") == 2
    assert "issue or cancel release passes" in capsys.readouterr().err
    assert run(db, "passes", "check", "fx-20261206-001", user="guard1", lang="en") == 0
    out = capsys.readouterr().out
    assert "Valid" in out and "旧沙发一套" in out and "沪B·54321" in out
    assert run(db, "passes", "use", "FX-20261206-001", "--json", user="guard1") == 0
    [used] = json_lines(capsys)
    assert used["state"] == "used_now" and used["pass"]["used_by"] == "王保安(guard1)"
    assert run(db, "passes", "use", "FX-20261206-001", user="guard1", lang="en") == 2
    err = capsys.readouterr().err
    assert "Already used" in err and "2026-12-06 10:00" in err and "王保安(guard1)" in err
    assert run(db, "passes", "check", "FX-20261206-001", "--json", user="guard1") == 1
    assert json_lines(capsys)[0]["state"] == "used"
    assert run(db, "passes", "check", "FX-20261206-404", user="guard1", lang="en") == 1
    assert "Unknown" in capsys.readouterr().out
    assert run(db, "passes", "cancel", "FX-20261206-001", lang="en") == 2
    assert "cannot be cancelled" in capsys.readouterr().err
    assert run(db, "passes", "list", "--state", "used", "--json", user="guard1") == 0
    assert [p["number"] for p in json_lines(capsys)] == ["FX-20261206-001"]


def test_the_desk_cancels_a_pass_and_the_gate_is_told(db, capsys):
    run(db, "passes", "issue", "--room", "锦绣花园3-2-501", "--items", "冰箱一台", "--carrier", "王师傅",
        "--consent", "书面", "--note", "书面同意书已留存")
    capsys.readouterr()
    assert run(db, "passes", "cancel", "FX-20261206-001", "--reason", "业主改期", user="desk1", lang="en") == 0
    assert run(db, "passes", "check", "FX-20261206-001", user="guard1", lang="en") == 1
    out = capsys.readouterr().out
    assert "Cancelled" in out and "业主改期" in out
    open_database(db.url)
    try:
        row = ReleasePass.get(ReleasePass.number == "FX-20261206-001")
        assert row.cancelled_at is not None and row.consent_note == "书面同意书已留存"
    finally:
        close_database()


@pytest.mark.parametrize("argv", [
    ("owners", "search", "张晓明"),
    ("tickets", "list"),
    ("calls", "list"),
    ("calendar", "agenda"),
    ("staff", "list"),
    ("audit",),
])
def test_the_guard_runs_nothing_but_the_gates_commands(db, capsys, argv):
    assert run(db, *argv, user="guard1", lang="en") == 2
    err = capsys.readouterr().err
    assert "gate guard's account" in err and "张晓明" not in err


def test_staff_add_makes_a_guard(db, capsys):
    assert run(db, "staff", "add", "guard2", "--name", "赵保安", "--role", "guard", user="admin") == 0
    assert "门岗" in capsys.readouterr().out
    assert run(db, "staff", "list", "--json", user="admin") == 0
    assert {"guard1", "guard2"} <= {s["login"] for s in json_lines(capsys) if s["role"] == "guard"}


def test_the_gate_searches_visitors_phones_by_the_last_4_digits_or_the_whole_number(db, capsys):
    assert run(db, "visitors", "in", "--name", "送水工", "--room", "3-2-501", "--community", "锦绣花园",
               "--phone", "13812345678", user="guard1") == 0
    capsys.readouterr()
    assert run(db, "visitors", "list", "--query", "5678", user="guard1") == 0
    assert "送水工" in capsys.readouterr().out
    # Longer and longer digits would tell the number: refused for the gate.
    assert run(db, "visitors", "list", "--query", "45678", user="guard1") == 2
    captured = capsys.readouterr()
    assert "送水工" not in captured.out and "只能按号码的后 4 位或完整号码搜索" in captured.err
    assert run(db, "visitors", "list", "--query", "13812345678", user="guard1") == 0
    assert "送水工" in capsys.readouterr().out
    open_database(db.url)
    try:
        assert AuditLog.select().where(AuditLog.action == "search").count() == 1
    finally:
        close_database()
    # The desk may reveal numbers: a longer tail searches.
    assert run(db, "visitors", "list", "--query", "45678", user="desk1") == 0
    assert "送水工" in capsys.readouterr().out

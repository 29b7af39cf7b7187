"""`frontdesk calls log|list|callbacks|stats` through tui.cli.main."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from data import people
from data.db import close_database, open_database
from data.models import Call, WorkOrder
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import json_lines as out_json
from tests.helpers.cli import run
from tui import cli

NOW = "2026-11-27 10:00"


@pytest.fixture
def db(sqlite_url, monkeypatch) -> SimpleNamespace:
    """A migrated SQLite file with an owner, an open work order on their room, two desk
    clerks and some calls and callbacks; the clock pinned at NOW."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    desk1 = f.staff("desk1", "李娜", "desk")
    desk2 = f.staff("desk2", "王芳", "desk")
    f.staff("super1", "陈静", "supervisor")
    WorkOrder.create(number="BX-20261126-0001", kind="repair", title="厨房水管漏水",
                     community=comm.id, room=room, person=owner, created_by=desk1,
                     status="assigned", created_at=dt.datetime(2026, 11, 26, 9, 0))
    for day, staff, due, done in (
        (20, desk1, None, None),
        (25, desk2, dt.datetime(2026, 11, 26, 15, 0), None),  # overdue, desk2's
        (26, desk1, dt.datetime(2026, 11, 27, 9, 0), None),  # overdue, desk1's
        (26, desk1, dt.datetime(2026, 11, 27, 16, 0), None),  # later today
        (26, desk1, dt.datetime(2026, 11, 26, 16, 0), dt.datetime(2026, 11, 26, 15, 0)),  # done
    ):
        Call.create(direction="in", number="13800138000", person=owner, staff=staff,
                    started_at=dt.datetime(2026, 11, day, 9, 0), category="inquiry",
                    summary=f"{day}日来电", duration_s=60, outcome="callback" if due else "resolved",
                    callback_due=due, callback_assignee=staff if due else None,
                    callback_done_at=done)
    close_database()
    return SimpleNamespace(url=sqlite_url, owner=owner, desk1=desk1.id, desk2=desk2.id)


def test_log_answers_with_the_matched_person(db, capsys):
    assert run(db, "calls", "log", "--number", "+86 138-0013-8000", "--direction", "in",
               "--category", "报修", "--summary", "卫生间漏水", "--duration", "95", "--json") == 0
    [call] = out_json(capsys)
    assert (call["number"], call["person"], call["person_id"]) == ("13800138000", "张晓明", db.owner)
    assert (call["category"], call["duration_s"], call["staff"], call["summary"]) == (
        "repair", 95, "李娜", "卫生间漏水")
    assert call["rooms"] == [{"id": call["rooms"][0]["id"], "code": "3-2-501", "community": "锦绣花园"}]
    assert [o["number"] for o in call["open_orders"]] == ["BX-20261126-0001"]
    assert call["started_at"] == NOW


def test_log_in_plain_text_and_english_words(db, capsys):
    assert run(db, "--lang", "en", "calls", "log", "--number", "13800138000", "--direction", "out",
               "--category", "callback") == 0
    out = capsys.readouterr().out
    assert "张晓明" in out and "3-2-501" in out and "BX-20261126-0001" in out
    assert run(db, "calls", "log", "--number", "95588", "--direction", "呼入",
               "--category", "other") == 0
    assert "95588" in capsys.readouterr().out
    open_database(db.url)
    try:
        assert Call.select().where(Call.category == "callback", Call.direction == "out").count() == 1
        assert Call.select().where(Call.number == "95588", Call.person.is_null()).count() == 1
    finally:
        close_database()


@pytest.mark.parametrize(("argv", "word"), [
    (["--direction", "sideways"], "--direction"),
    (["--direction", "in", "--category", "八卦"], "--category"),
    (["--direction", "in", "--duration", "long"], "--duration"),
    (["--direction", "in", "--duration", "-5"], "duration"),
    (["--direction", "in", "--number", "abc"], "number"),
])
def test_log_refuses_bad_input_with_exit_status_2(db, capsys, argv, word):
    full = ["calls", "log", "--number", "13800138000", *argv]
    if argv[-2] == "--number":
        full = ["calls", "log", *argv]
    assert run(db, "--lang", "en", *full) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and word in captured.err and captured.err.startswith("frontdesk:")
    open_database(db.url)
    try:
        assert Call.select().count() == 5
    finally:
        close_database()


def test_list_newest_first_mine_since_and_limit(db, capsys):
    assert run(db, "calls", "list", "--json") == 0
    rows = out_json(capsys)
    assert [r["summary"] for r in rows] == ["26日来电"] * 3 + ["25日来电", "20日来电"]
    assert all(set(r) >= {"id", "direction", "number", "person", "staff", "started_at"} for r in rows)
    assert run(db, "calls", "list", "--mine", "--json", user="desk2") == 0
    assert [r["staff"] for r in out_json(capsys)] == ["王芳"]
    assert run(db, "calls", "list", "--since", "2026-11-25", "--limit", "2", "--json") == 0
    assert len(out_json(capsys)) == 2
    assert run(db, "calls", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and "张晓明" in lines[0] and "138****8000" in lines[0]  # masked (issue 7)
    assert "13800138000" not in "\n".join(lines)
    assert run(db, "--lang", "en", "calls", "list", "--since", "27.11.2026") == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_callbacks_mine_and_overdue(db, capsys):
    assert run(db, "calls", "callbacks", "--json") == 0
    rows = out_json(capsys)
    assert [(r["callback_due"], r["overdue"]) for r in rows] == [
        ("2026-11-26 15:00", True), ("2026-11-27 09:00", True), ("2026-11-27 16:00", False)]
    assert run(db, "calls", "callbacks", "--mine", "--json") == 0
    assert [r["callback_due"] for r in out_json(capsys)] == ["2026-11-27 09:00", "2026-11-27 16:00"]
    assert run(db, "calls", "callbacks", "--mine", "--overdue", "--json") == 0
    assert [r["callback_due"] for r in out_json(capsys)] == ["2026-11-27 09:00"]
    assert run(db, "--lang", "en", "calls", "callbacks", "--mine") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "overdue" in lines[0] and "overdue" not in lines[1]


def test_stats_default_range_and_json(db, capsys):
    # Everyone's statistics are a supervisor's report.
    assert run(db, "calls", "stats", "--since", "2026-11-25", "--until", "2026-11-26", "--json",
               user="super1") == 0
    [stats] = out_json(capsys)
    assert (stats["total"], stats["inbound"], stats["outbound"], stats["answered"]) == (4, 4, 0, 4)
    assert stats["by_day"] == [{"day": "2026-11-25", "in": 1, "out": 0},
                               {"day": "2026-11-26", "in": 3, "out": 0}]
    assert stats["by_staff"] == [{"staff": "李娜", "calls": 3, "avg_duration_s": 60.0},
                                 {"staff": "王芳", "calls": 1, "avg_duration_s": 60.0}]
    assert stats["by_category"] == {"inquiry": 4}
    # Callbacks due on the 26th: desk2's (overdue) and desk1's made on time.
    assert (stats["callbacks_due"], stats["callbacks_on_time"]) == (2, 1)
    assert run(db, "calls", "stats", "--json", user="super1") == 0
    [default] = out_json(capsys)
    assert (default["since"], default["until"], default["total"]) == ("2026-10-29", "2026-11-27", 5)
    assert len(default["by_day"]) == 30
    assert run(db, "--lang", "en", "calls", "stats", user="super1") == 0
    out = capsys.readouterr().out
    assert "Calls 2026-10-29 – 2026-11-27: 5 (5 in, 0 out)" in out and "李娜" in out
    assert run(db, "--lang", "en", "calls", "stats", "--since", "2026-11-27", "--until", "2026-11-01") == 2
    assert "after the end date" in capsys.readouterr().err


def test_incidents_declared_listed_and_ended_from_the_cli(sqlite_url, capsys, monkeypatch):
    from data import people
    from data.db import close_database, open_database
    from tests import factories as fx

    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 10:00")
    open_database(sqlite_url)
    comm = fx.community("锦绣花园")
    people.ensure_room(comm.id, "3-1-101")
    fx.staff("super1", "周主管", "supervisor")
    fx.staff("desk1", "李娜", "desk")
    fx.staff("guard1", "王保安", "guard")
    close_database()
    args = ["--db", sqlite_url, "--user", "super1", "calls", "incident", "declare", "--kind", "停水",
            "--title", "3号楼停水", "--buildings", "3", "--from", "2026-11-27 09:00",
            "--until", "2026-11-27 18:00", "--script", "预计18点恢复", "--json"]
    assert cli.main(args) == 0
    declared = json.loads(capsys.readouterr().out)
    assert declared["kind"] == "water_cut" and declared["buildings"] == ["锦绣花园 3 号楼"]
    # Listing signs in like every reading command of the group: nobody, or the gate, is refused.
    assert cli.main(["--db", sqlite_url, "--user", "nobody", "calls", "incident", "list", "--json"]) == 2
    assert capsys.readouterr().out == ""
    assert cli.main(["--db", sqlite_url, "--user", "guard1", "calls", "incident", "list", "--json"]) == 2
    assert capsys.readouterr().out == ""
    assert cli.main(["--db", sqlite_url, "--user", "desk1", "calls", "incident", "list", "--json"]) == 0
    assert [json.loads(x)["title"] for x in capsys.readouterr().out.splitlines()] == ["3号楼停水"]
    assert cli.main(["--db", sqlite_url, "--user", "desk1", "calls", "incident", "end", str(declared["id"])]) == 2
    assert "主管" in capsys.readouterr().err  # desk clerks may not end it
    assert cli.main(["--db", sqlite_url, "--user", "super1", "calls", "incident", "end", str(declared["id"])]) == 0
    capsys.readouterr()
    assert cli.main(["--db", sqlite_url, "--user", "desk1", "calls", "incident", "list", "--json"]) == 0
    assert capsys.readouterr().out == ""

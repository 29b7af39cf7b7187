"""`frontdesk calls ring|hangup`, `staff set-extension` and `phone-gate` (issue 16 item 10) on
SQLite and PostgreSQL: only the phone system's service account reports rings; hostile
numbers, extensions, call ids and recordings are refused with exit status 2 and nothing
stored; the SSH gate runs only the two commands, whatever SSH_ORIGINAL_COMMAND says."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from data import access, i18n, people
from data.db import close_database, open_database
from data.models import Call, Ring, Staff
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import run as cli_run

NOW = "2026-11-27 10:00"
NOBODY = "root-without-account"


@pytest.fixture
def env(db_url, monkeypatch) -> SimpleNamespace:
    """An owner with a mobile; an administrator, two desk clerks (desk1 at extension 801),
    and the phone system's service account `pbx` mapped to the OS login `asterisk`."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    monkeypatch.delenv("FRONTDESK_PASSWORD", raising=False)
    monkeypatch.delenv("SSH_ORIGINAL_COMMAND", raising=False)
    monkeypatch.setattr("data.access.os_login", lambda: NOBODY)
    i18n.set_language("en")
    open_database(db_url)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    f.staff("admin", "周建华", "admin", os_login="adminos")
    f.staff("desk1", "王丽", "desk", os_login="deskos", extension="801")
    f.staff("desk2", "李婷婷", "desk", os_login="desk2os")
    f.staff("pbx", "电话系统", "service", os_login="asterisk", password_hash=None)
    close_database()
    return SimpleNamespace(url=db_url, monkeypatch=monkeypatch)


def run(env, *argv: str, os_login: str = "asterisk") -> int:
    close_database()
    access.act_as(None)
    env.monkeypatch.setattr("data.access.os_login", lambda: os_login)
    try:
        return cli_run(env, *argv, user=None, lang="en")
    finally:
        access.act_as(None)


def table(env, model):
    open_database(env.url)
    try:
        return list(model.select().order_by(model.id))
    finally:
        close_database()


# --- extensions -------------------------------------------------------------------------------


def test_an_administrator_sets_extensions_and_nobody_else(env, capsys):
    assert run(env, "staff", "set-extension", "desk2", "802", os_login="adminos") == 0
    assert "extension 802" in capsys.readouterr().out
    assert run(env, "staff", "set-extension", "desk2", "801", os_login="adminos") == 2
    assert "already 王丽's (desk1)" in capsys.readouterr().err
    assert run(env, "staff", "set-extension", "desk1", "809", os_login="deskos") == 2
    assert "may not manage staff accounts" in capsys.readouterr().err
    assert run(env, "staff", "list", "--json", os_login="adminos") == 0
    listed = {row["login"]: row["extension"] for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert (listed["desk1"], listed["desk2"], listed["admin"]) == ("801", "802", None)
    assert run(env, "staff", "set-extension", "desk2", "--clear", os_login="adminos") == 0
    assert [s.extension for s in table(env, Staff) if s.login == "desk2"] == [None]


# --- ring and hangup --------------------------------------------------------------------------


def test_the_phone_system_rings_and_hangs_up_with_the_recording(env, capsys):
    assert run(env, "calls", "ring", "--number", "13800138000", "--ext", "801", "--call-id",
               "1718680712.42", "--json") == 0
    ring = json.loads(capsys.readouterr().out)
    assert (ring["number"], ring["extension"], ring["staff"], ring["answered"]) == (
        "13800138000", "801", "王丽", True)
    env.monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 10:02")
    assert run(env, "calls", "hangup", "--ext", "801", "--recording", "1718680712.42.wav") == 0
    assert "ended after 120 s; recording 1718680712.42.wav" in capsys.readouterr().out
    (row,) = table(env, Ring)
    assert (row.recording, row.staff_id is not None, row.pbx_call_id) == ("1718680712.42.wav", True, "1718680712.42")


@pytest.mark.parametrize("who", ["deskos", "adminos"])
def test_people_may_not_report_rings(env, capsys, who):
    assert run(env, "calls", "ring", "--number", "13800138000", "--ext", "801", os_login=who) == 2
    assert "may not report ringing and hung-up calls" in capsys.readouterr().err
    assert run(env, "calls", "hangup", "--ext", "801", os_login=who) == 2
    assert table(env, Ring) == []


def test_the_service_account_runs_nothing_else(env, capsys):
    for argv in (("calls", "list"), ("calls", "log", "--number", "13800138000", "--direction", "in"),
                 ("staff", "set-extension", "desk2", "802")):
        assert run(env, *argv) == 2, argv
        assert "“pbx” is a service account" in capsys.readouterr().err


def test_a_missed_call_is_a_callback_on_the_desks_list_and_in_the_stats(env, capsys):
    assert run(env, "calls", "ring", "--missed", "--number", "13800138000", "--ext", "801") == 0
    assert "to be called back" in capsys.readouterr().out
    assert run(env, "calls", "ring", "--missed", "--number", "02162345678") == 0  # a queue's
    capsys.readouterr()
    assert run(env, "calls", "callbacks", "--mine", "--json", os_login="deskos") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["number"], r["outcome"], r["callback_assignee"]) for r in rows] == [
        ("138****8000", "missed", "王丽"), ("021-****5678", "missed", None)]
    assert run(env, "calls", "stats", "--json", os_login="adminos") == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["answered"], stats["needed_answer"], stats["by_outcome"]) == (0, 2, {"missed": 2})


@pytest.mark.parametrize("number", ["13800138000; rm -rf ~", "$(id)", "138\x1b[2J", "`id`", "138 0013 8000 x"])
def test_hostile_numbers_are_refused_with_status_2(env, capsys, number):
    assert run(env, "calls", "ring", "--number", number, "--ext", "801") == 2
    err = capsys.readouterr().err
    assert "number" in err and "\x1b" not in err
    assert run(env, "calls", "ring", "--missed", "--number", number, "--ext", "801") == 2
    assert table(env, Ring) == [] and table(env, Call) == []


def test_an_unknown_extension_says_how_to_set_it(env, capsys):
    assert run(env, "calls", "ring", "--number", "13800138000", "--ext", "809") == 2
    assert "frontdesk staff set-extension LOGIN 809" in capsys.readouterr().err
    assert run(env, "calls", "ring", "--number", "13800138000") == 2
    assert "--ext" in capsys.readouterr().err


# --- the SSH gate -----------------------------------------------------------------------------


def gate(env, command: str | None) -> int:
    if command is None:
        env.monkeypatch.delenv("SSH_ORIGINAL_COMMAND", raising=False)
    else:
        env.monkeypatch.setenv("SSH_ORIGINAL_COMMAND", command)
    return run(env, "phone-gate")


def test_the_gate_runs_ring_and_hangup(env, capsys):
    assert gate(env, "frontdesk calls ring --number=13800138000 --ext=801 --call-id=1718680712.42") == 0
    assert gate(env, "calls ring --number '' --ext 801") == 0  # a withheld number
    assert gate(env, "calls hangup --ext 801 --recording=https://pbx.example.com/r/42.wav") == 0
    assert gate(env, "calls ring --missed --number=13800138000 --ext=801") == 0
    rings = table(env, Ring)
    assert [(r.number, r.answered, r.recording) for r in rings] == [
        ("13800138000", True, ""), ("", True, "https://pbx.example.com/r/42.wav"), ("13800138000", False, "")]


@pytest.mark.parametrize("command", [
    None,
    "",
    "bash",
    "tickets list",
    "calls list",
    "calls log --number 13800138000 --direction in",
    "staff set-extension desk2 802",
    "calls ring --number 13800138000 --ext 801; touch {sentinel}",
    "calls ring --number 13800138000 --ext 801 && touch {sentinel}",
    "calls ring --number '13800138000; touch {sentinel}' --ext 801",
    "calls ring --number $(touch {sentinel}) --ext 801",
    "calls ring --number `touch {sentinel}` --ext 801",
    "calls ring --number 13800138000 --ext 801 --call-id $(touch${{IFS}}{sentinel})",
    "calls ring --number 13800138000 --ext 801 | touch {sentinel}",
    "calls ring --number 13800138000 --ext 801\ntouch {sentinel}",
    "calls ring --number 13800138000 --ext 801 --db /tmp/other.db",
    "--db /tmp/other.db calls ring --number 13800138000 --ext 801",
    "calls ring --number 13800138000 --ext 801 --user admin",
    "calls ring --number 13800138000 --ext 801 --ext 802",
    "calls ring --number --ext 801",
    "calls ring --ext 801",
    "calls ring --number 13800138000 --ext 801 extra",
    "calls ring --number 13800138000 --ext '801",
    "calls ring --number 13800138000 --ext 801 --missed=yes",
    "calls hangup --ext 801 --recording file:///etc/passwd",
    "calls hangup --ext 801 --recording ../../../etc/shadow",
    "calls hangup --recording x.wav",
    "calls ring --number 1380013\x1b[2J8000 --ext 801",
    "calls ring --number 13800138000 --ext 801 " + "x" * 1000,
])
def test_the_gate_refuses_everything_else(env, capsys, tmp_path, command):
    sentinel = tmp_path / "pwned"
    assert gate(env, None if command is None else command.format(sentinel=sentinel)) == 2
    err = capsys.readouterr().err
    assert err.startswith("frontdesk: ") and "\x1b" not in err
    assert not sentinel.exists()
    assert table(env, Ring) == [] and table(env, Call) == []


# --- the bench --------------------------------------------------------------------------------


def test_the_bench_measures_rings_from_other_processes_reaching_a_watcher(sqlite_url):
    """`frontdesk bench` reports the delay (never asserted: figures only)."""
    from tui.bench import bench_ring

    open_database(sqlite_url)
    desk = f.staff("desk1", "王丽", "desk", extension="801")
    close_database()
    figures = bench_ring(sqlite_url, runs=2)
    assert figures["rings"] == 2 and figures["poll_ms"] == 250
    assert set(figures) >= {"commit_to_seen_p50_ms", "commit_to_seen_p95_ms", "spawn_to_seen_p95_ms"}
    open_database(sqlite_url)
    assert [(r.staff_id, r.number) for r in Ring.select()] == [(desk.id, "13800138000")] * 2

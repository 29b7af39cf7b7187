"""The `frontdesk` command line: help, sign-in refusal, migrate, staff, owners search, run."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from data import people
from data.db import close_database, open_database
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import frontdesk
from tui import cli, paths

run = frontdesk


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in ("sample", "migrate", "staff", "owners", "import", "bench"):
        assert command in out


def test_help_in_english(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--lang", "en", "--help"])
    assert "write a realistic demo database" in capsys.readouterr().out


def test_unknown_login_is_refused_with_how_to_add_it(sqlite_url, capsys):
    assert run("--db", sqlite_url, "--user", "nobody") == 2
    err = capsys.readouterr().err
    assert "nobody" in err and "frontdesk staff add nobody" in err


def test_staff_add_and_list(sqlite_url, capsys, monkeypatch):
    monkeypatch.setattr("data.access.os_login", lambda: "wangfang")
    assert run("--db", sqlite_url, "staff", "add", "wangfang", "--name", "王芳", "--role", "desk",
               "--os-login", "wangfang") == 0
    assert run("--db", sqlite_url, "staff", "add", "wangfang", "--name", "王芳", "--role", "desk") == 2
    assert "wangfang" in capsys.readouterr().err
    assert run("--db", sqlite_url, "staff", "add", "x1", "--name", "某", "--role", "boss") == 2
    assert "boss" in capsys.readouterr().err
    assert run("--db", sqlite_url, "staff", "list", "--json") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [{"login": "wangfang", "name": "王芳", "role": "desk", "phone": "",
                     "os_login": "wangfang", "active": True, "locked_until": None,
                     "must_change_password": False, "extension": None}]


def test_migrate_a_new_database(tmp_path, capsys):
    target = str(tmp_path / "new.db")
    assert run("--db", target, "migrate") == 0
    assert "0001_initial" in capsys.readouterr().out
    assert run("--db", target, "migrate") == 0
    out = capsys.readouterr().out
    assert target in out and "0001" not in out


def _signed_in(monkeypatch, role: str = "desk") -> None:
    """An account of `role` mapped to the (pretended) OS login of the test run."""
    f.staff(f"{role}9", "测试", role, os_login="fdtest")
    monkeypatch.setattr("data.access.os_login", lambda: "fdtest")


def test_owners_search_json(sqlite_url, capsys, monkeypatch):
    open_database(sqlite_url)
    _signed_in(monkeypatch)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    pid = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(pid, room, "owner")
    people.add_vehicle(pid, "沪A12345")
    assert run("--db", sqlite_url, "owners", "search", "--json", "zxm", "3-2-501") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["zxm", "3-2-501"]
    hit = lines[0]["hits"][0]
    assert hit == {
        "id": pid, "name": "张晓明", "role": "owner", "current": True, "rooms": ["3-2-501"],
        "communities": ["锦绣花园"], "phones": ["138****8000"], "plates": ["沪A12345"],
        "tags": [], "matched": "initials",
    }
    assert lines[1]["hits"][0]["matched"] == "room"


def test_owners_search_reads_queries_from_stdin(sqlite_url, capsys, monkeypatch):
    import io

    open_database(sqlite_url)
    _signed_in(monkeypatch, "supervisor")  # a batch is a supervisor's
    comm = f.community()
    pid = people.create_person(PersonInput(name="单田芳", phones=["13600002222"]))
    people.move_in(pid, people.ensure_room(comm.id, "1-1-101"), "owner")
    monkeypatch.setattr(sys, "stdin", io.StringIO("stf\n2222\n\n"))
    assert run("--db", sqlite_url, "owners", "search", "--json", "--limit", "5", "-") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["query"], line["hits"][0]["name"]) for line in lines] == [("stf", "单田芳"), ("2222", "单田芳")]


def test_json_output_is_not_ascii_escaped(sqlite_url, capsys, monkeypatch):
    open_database(sqlite_url)
    _signed_in(monkeypatch)
    people.create_person(PersonInput(name="曾国藩"))
    assert run("--db", sqlite_url, "owners", "search", "--json", "zgf") == 0
    assert "曾国藩" in capsys.readouterr().out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.skipif(not paths.SAMPLE_DB.exists(), reason="sample.db is not generated yet")
def test_first_run_copies_sample_db_and_never_writes_it(tmp_path, monkeypatch):
    """`make run` opens the user's copy; the tracked sample.db keeps its bytes."""
    import sqlite3

    from data import access

    before = _digest(paths.SAMPLE_DB)
    target = paths.default_database()
    assert Path(target).parent == paths.data_dir()
    copy, sample = sqlite3.connect(target), sqlite3.connect(f"file:{paths.SAMPLE_DB}?immutable=1", uri=True)
    count = "SELECT count(*) FROM person"
    assert copy.execute(count).fetchone() == sample.execute(count).fetchone()  # a faithful copy
    # … in which the OS login opens as desk1 without a password (`make run`)
    mapped = "SELECT login FROM staff WHERE os_login IS NOT NULL"
    assert copy.execute(mapped).fetchall() == [("desk1",)]
    assert copy.execute("SELECT os_login FROM staff WHERE login = 'desk1'").fetchone() == (access.os_login(),)
    assert sample.execute(mapped).fetchall() == []
    copy.close()
    sample.close()
    assert not Path(target + "-wal").exists()
    open_database(target)
    from data.schema import check

    check()
    people.create_person(PersonInput(name="测试写入"))  # the app writes to the copy
    close_database()
    assert _digest(paths.SAMPLE_DB) == before
    assert not Path(str(paths.SAMPLE_DB) + "-wal").exists()


def test_the_console_command_is_installed():
    command = Path(sys.executable).parent / "frontdesk"
    result = subprocess.run([str(command), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "owners" in result.stdout

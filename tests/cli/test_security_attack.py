"""Issue 12, the attack on the security fixes: the ways around them a tester found, each
replayed as the tester ran it (through the CLI where they used it, on SQLite and
PostgreSQL where a database is involved) and shown closed."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from data import clock, people, schema, search_gate
from data.db import close_database, open_database
from data.models import AuditLog, Call, Setting, Staff
from data.people import PersonInput
from data.sample import SampleError, generate
from data.validators import MixedEncodingError, decode_text
from tests import factories as f
from tests.helpers.cli import frontdesk, json_lines
from tests.helpers.cli import run as cli_run

PHONE = "13562540911"
FAKE_NOW = "2031-01-01 00:01"
LIMIT = 3


@pytest.fixture
def env(db_url, monkeypatch) -> SimpleNamespace:
    """tech1 and desk1 (signing in by password) and an owner with PHONE; the search limit
    is LIMIT a minute."""
    monkeypatch.setattr(search_gate, "WHOLE_SEARCHES_PER_MINUTE", LIMIT)
    open_database(db_url)
    f.staff("admin", "周建华", "admin")
    f.staff("tech1", "李建国", "tech")
    f.staff("desk1", "王丽", "desk")
    room = people.ensure_room(f.community("锦绣花园").id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=[PHONE]))
    people.move_in(owner, room, "owner")
    close_database()
    return SimpleNamespace(url=db_url, owner=owner)


def set_marks(env, **marks: str | None) -> None:
    """Write (a value) or remove (None) the database's clock marks."""
    open_database(env.url)
    try:
        for key, value in marks.items():
            Setting.delete().where(Setting.key == key).execute()
            if value is not None:
                Setting.create(key=key, value=value)
    finally:
        close_database()


def searches(env) -> list[tuple[str, dt.datetime]]:
    open_database(env.url)
    try:
        return [(r.action, r.at) for r in AuditLog.select().where(
            AuditLog.action.in_(["search", "refused"])).order_by(AuditLog.id)]
    finally:
        close_database()


def real_now() -> dt.datetime:
    return dt.datetime.now(clock.TZ).replace(tzinfo=None)


def run(env, *argv: str, user: str = "tech1") -> int:
    return cli_run(env, *argv, user=user, lang="en")


# --- B: FRONTDESK_NOW is honoured only on a demo or test database --------------------------------


def test_attack_fake_clock_is_ignored_on_a_company_database(env, monkeypatch, capsys):
    """`FRONTDESK_NOW="2031-01-01 00:01" frontdesk --user tech1 owners search 13562540911`
    repeated, a minute later each time: on a company database (no demo or test mark) the
    limit holds and the audit trail has the real time, not 2031."""
    set_marks(env, **{schema.TEST_MARK: None, schema.DEMO_MARK: None})
    before = real_now() - dt.timedelta(seconds=1)
    codes = []
    for minute in range(LIMIT + 2):
        monkeypatch.setenv("FRONTDESK_NOW", f"2031-01-01 00:{minute * 2 + 1:02d}")
        codes.append(run(env, "owners", "search", PHONE))
        assert clock.pinned_allowed() is False
    assert codes == [0] * LIMIT + [2, 2]
    assert "More than 3 searches by a whole phone or ID number in a minute" in capsys.readouterr().err
    rows = searches(env)
    assert [action for action, _at in rows] == ["search"] * LIMIT + ["refused"] * 2
    after = real_now() + dt.timedelta(seconds=1)
    assert all(before <= at <= after for _action, at in rows), rows


@pytest.mark.parametrize("mark", [schema.DEMO_MARK, schema.TEST_MARK])
def test_attack_fake_clock_still_pins_a_demo_or_test_database(env, monkeypatch, capsys, mark):
    """A demo database (the generator's mark) and a test database (the suite's) keep the
    pinned clock: the audit trail has the pinned time, and a pinned minute later the
    count starts again."""
    other = schema.TEST_MARK if mark == schema.DEMO_MARK else schema.DEMO_MARK
    set_marks(env, **{mark: "1", other: None})
    monkeypatch.setenv("FRONTDESK_NOW", FAKE_NOW)
    for _ in range(LIMIT):
        assert run(env, "owners", "search", PHONE) == 0
    assert clock.pinned_allowed() is True
    assert run(env, "owners", "search", PHONE) == 2
    monkeypatch.setenv("FRONTDESK_NOW", "2031-01-01 00:03")
    assert run(env, "owners", "search", PHONE) == 0
    capsys.readouterr()
    rows = searches(env)
    assert [a for a, _at in rows] == ["search"] * LIMIT + ["refused", "search"]
    assert [at for _a, at in rows] == [dt.datetime(2031, 1, 1, 0, 1)] * (LIMIT + 1) + [
        dt.datetime(2031, 1, 1, 0, 3)]


def test_attack_fake_clock_needs_the_mark_set_to_one(env, monkeypatch):
    """Only the value 1 marks a database: a test mark of 0 is a company database."""
    set_marks(env, **{schema.TEST_MARK: "0", schema.DEMO_MARK: None})
    monkeypatch.setenv("FRONTDESK_NOW", FAKE_NOW)
    open_database(env.url)
    try:
        schema.check()
        assert clock.pinned_allowed() is False
        assert clock.now().year != 2031
    finally:
        close_database()
    set_marks(env, **{schema.TEST_MARK: "1"})
    open_database(env.url)
    try:
        schema.check()
        assert clock.now() == dt.datetime(2031, 1, 1, 0, 1)
    finally:
        close_database()


def test_attack_fake_clock_is_off_in_a_fresh_process(monkeypatch):
    """Until a database allows it the process ignores FRONTDESK_NOW (the default)."""
    import subprocess
    import sys

    code = "from data import clock; print(clock.now().year)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"FRONTDESK_NOW": FAKE_NOW, "PATH": "/usr/bin:/bin"},
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == str(real_now().year)


# --- C: `calls log --number` is a counted whole-number lookup -------------------------------------


def test_attack_calls_log_number_lookups_are_counted_and_limited(env, capsys):
    """`calls log --number <whole number>` names who has the number: it counts like a
    whole-number owner search; above the limit the call is still logged, unmatched."""
    for _ in range(LIMIT):
        assert run(env, "calls", "log", "--number", PHONE, "--direction", "in", "--json",
                   user="desk1") == 0
        [logged] = json_lines(capsys)
        assert logged["person_id"] == env.owner and "lookup_refused" not in logged
    assert run(env, "calls", "log", "--number", PHONE, "--direction", "in", "--json",
               user="desk1") == 0
    captured = capsys.readouterr()
    assert "张晓明" not in captured.out
    assert "who has the number was not looked up: More than 3 searches" in captured.err
    assert run(env, "calls", "log", "--number", PHONE, "--direction", "in", user="desk1") == 0
    captured = capsys.readouterr()
    assert "Logged call" in captured.out and "张晓明" not in captured.out
    assert "Caller:" not in captured.out
    assert [a for a, _at in searches(env)] == ["search"] * LIMIT + ["refused"] * 2
    open_database(env.url)
    try:
        calls = list(Call.select().order_by(Call.id))
        assert [(c.number, c.person_id) for c in calls] == (
            [(PHONE, env.owner)] * LIMIT + [(PHONE, None)] * 2)
    finally:
        close_database()


def test_attack_calls_log_without_a_number_is_not_counted(env):
    """A caller who withheld the number (the call form) looks nothing up, counts nothing."""
    from data import calls

    open_database(env.url)
    try:
        desk1 = Staff.get(Staff.login == "desk1").id
        for _ in range(LIMIT + 1):
            assert calls.lookup_refusal("", desk1) == ""
            calls.log_call(calls.CallInput(direction="in", number=""), desk1)
    finally:
        close_database()
    assert searches(env) == []


# --- D: a GBK start with UTF-8 lines later ----------------------------------------------------------


def test_attack_gbk_header_with_utf8_body_names_the_line():
    data = "小区,房号,姓名\n".encode("gbk") + "锦绣花园,3-2-501,张晓明\n".encode()
    with pytest.raises(MixedEncodingError) as caught:
        decode_text(data)
    assert caught.value.line == 2
    assert str(caught.value) == "文件开头是 GBK 编码，但第 2 行是 UTF-8 文本：请把整个文件另存为 UTF-8（或 GBK）。"
    # A UTF-8 line further down, after GBK ones, is named too.
    data = "小区,姓名\n锦绣花园,张三\n".encode("gbk") + b"a,b\n" + "碧水湾,李四\n".encode()
    with pytest.raises(MixedEncodingError) as caught:
        decode_text(data)
    assert caught.value.line == 4


def test_attack_plain_gbk_and_utf8_files_still_read():
    text = "小区,房号,姓名\n锦绣花园,3-2-501,张晓明\n碧水湾,1-1-101,欧阳娜娜\n"
    assert decode_text(text.encode("gbk")) == text
    assert decode_text(text.encode()) == text
    assert decode_text(b"\xef\xbb\xbf" + text.encode()) == text


def test_attack_gbk_header_with_utf8_body_is_refused_by_the_roster_import(env, tmp_path, capsys):
    """Through the import a user runs: the message names the line, nothing is imported."""
    path = tmp_path / "roster.csv"
    path.write_bytes("小区,楼栋,单元,房号,姓名,电话\n".encode("gbk")
                     + "锦绣花园,3,2,501,张晓明,13800138000\n".encode())
    assert run(env, "import", "owners", str(path), user="admin") == 2
    assert "line 2 is UTF-8 text although the start of the file is GBK" in capsys.readouterr().err


# --- E: an empty file is no database ---------------------------------------------------------------


def test_attack_empty_file_as_db_is_refused_and_stays_empty(tmp_path, capsys):
    """`: > empty.db; frontdesk --db empty.db tickets list` → exit 2 with the migrate hint."""
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert frontdesk("--db", str(empty), "--lang", "en", "tickets", "list") == 2
    err = capsys.readouterr().err
    assert "is an empty file, not a database" in err
    assert f"frontdesk --db {empty} migrate" in err
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]  # no -wal, no -shm
    # migrate makes it a database, as it would a missing file.
    assert frontdesk("--db", str(empty), "--lang", "en", "migrate") == 0
    assert empty.stat().st_size > 0


# --- F: `sample --force` replaces only a demo database; ASCII logins -----------------------------


@pytest.mark.parametrize("kind", ["notes", "empty", "other-sqlite", "company"])
def test_attack_sample_force_refuses_what_is_not_a_demo_database(tmp_path, capsys, kind):
    target = tmp_path / "target.db"
    if kind == "notes":
        target.write_text("物业前台交接班记录\n")
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "other-sqlite":
        conn = sqlite3.connect(target)
        conn.execute("CREATE TABLE recipe (name TEXT)")
        conn.execute("INSERT INTO recipe VALUES ('红烧肉')")
        conn.commit()
        conn.close()
    else:
        assert frontdesk("--db", str(target), "migrate") == 0
    before = target.read_bytes()
    assert frontdesk("--lang", "en", "sample", "--out", str(target), "--owners", "5",
                     "--force") == 2
    err = capsys.readouterr().err
    assert "--force replaces only demo databases" in err and "Nothing was changed" in err
    assert target.read_bytes() == before
    assert not (tmp_path / "target.db.partial").exists()


def test_attack_sample_force_still_replaces_a_demo_database(tmp_path):
    target = tmp_path / "demo.db"
    generate(str(target), owners=5, today=dt.date(2025, 6, 18))
    generate(str(target), owners=6, today=dt.date(2025, 6, 19), force=True)
    close_database()
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("SELECT value FROM setting WHERE key = 'demo_anchor'").fetchone() == (
            "2025-06-19",)
    finally:
        conn.close()
    with pytest.raises(SampleError):
        generate(str(target), owners=5, today=dt.date(2025, 6, 18))  # still needs --force


@pytest.mark.parametrize("login", ["s\u0443stem", "d\u0435sk9", "ｄｅｓｋ9", "desk\u00b9", "désk9"])
def test_attack_look_alike_logins_are_refused(env, capsys, login):
    """`staff add "sуstem"` (Cyrillic у) and other non-ASCII look-alikes: refused."""
    assert run(env, "staff", "add", login, "--name", "冒充", "--role", "desk", user="admin") == 2
    assert "A login is Latin letters (a–z, A–Z), digits" in capsys.readouterr().err
    open_database(env.url)
    try:
        assert not Staff.select().where(Staff.name == "冒充").exists()
    finally:
        close_database()


def test_attack_ascii_logins_are_still_accepted(env, capsys):
    assert run(env, "staff", "add", "Desk.9_b-2", "--name", "新人", "--role", "desk",
               user="admin") == 0
    open_database(env.url)
    try:
        assert Staff.get(Staff.login == "Desk.9_b-2").name == "新人"
    finally:
        close_database()

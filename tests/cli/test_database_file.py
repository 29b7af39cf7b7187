"""The database file (security review, issue 12): shared by a group, never silently
replaced or created, and a broken file is a message naming it, never a traceback.

Findings 5, 11, 12, 13 and 21 (its `sample` part), each reproduced as it was found."""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest

from data import audit
from data.db import DatabaseFileError, close_database, db, open_database, transaction
from data.models import Staff
from data.sample import generate
from tests import factories as f
from tests.helpers.cli import frontdesk

ROOT = Path(__file__).resolve().parents[2]
TODAY = __import__("datetime").date(2026, 11, 27)


run = partial(frontdesk, "--lang", "en")


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err


# --- finding 5: a database shared by a group -----------------------------------------------------


def test_finding05_lock_file_takes_the_database_group_mode_whatever_the_umask(sqlite_url):
    os.chmod(sqlite_url, 0o660)
    old = os.umask(0o022)
    try:
        open_database(sqlite_url)
        with audit.suspended(), transaction():
            f.staff("desk1")
    finally:
        os.umask(old)
        close_database()
    lock = Path(sqlite_url + "-txlock")
    assert stat.S_IMODE(lock.stat().st_mode) == 0o660
    assert lock.stat().st_gid == Path(sqlite_url).stat().st_gid


def test_finding05_a_lock_file_made_by_an_older_version_is_repaired_by_its_owner(sqlite_url):
    os.chmod(sqlite_url, 0o660)
    lock = Path(sqlite_url + "-txlock")
    lock.touch(mode=0o640)
    os.chmod(lock, 0o640)  # what the umask made of it before
    open_database(sqlite_url)
    with audit.suspended(), transaction():
        f.staff("desk1")
    close_database()
    assert stat.S_IMODE(lock.stat().st_mode) == 0o660


def test_finding05_the_lock_file_is_closed_with_the_connection(sqlite_url):
    open_database(sqlite_url)
    with audit.suspended(), transaction():
        f.staff("desk1")
    fds = set(os.listdir("/proc/self/fd"))
    close_database()
    assert len(fds - set(os.listdir("/proc/self/fd"))) >= 1  # the -txlock fd went with it


def _world_reachable(path: Path) -> bool:
    """Can any user reach (execute or read) `path`: every folder above it is searchable."""
    path = path.resolve()
    return all(p.stat().st_mode & 0o001 for p in path.parents) and bool(path.stat().st_mode & 0o005)


def _python_for_others() -> tuple[str, str] | None:
    """An interpreter other users may run, and the PYTHONPATH that gives it this checkout
    and its packages (the venv may live under a private home)."""
    site = sysconfig.get_paths()
    paths = [str(ROOT), site["purelib"], site["platlib"]]
    if not all(_world_reachable(Path(p)) for p in paths):
        return None
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (sys.executable, os.path.realpath(sys.executable), f"/usr/bin/python{version}"):
        if Path(candidate).exists() and _world_reachable(Path(candidate)):
            return candidate, os.pathsep.join(dict.fromkeys(paths))
    return None


def _why_no_shared_test() -> str | None:
    if os.geteuid() != 0:
        return "needs root: it creates two throwaway OS users in one group"
    for tool in ("setpriv", "useradd", "groupadd", "userdel", "groupdel"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if _python_for_others() is None:
        return "no Python interpreter and checkout that other users may run"
    return None


@pytest.fixture
def group_users() -> Iterator[SimpleNamespace]:
    """Two throwaway OS users in one throwaway group, and a folder they may reach; removed
    afterwards."""
    why = _why_no_shared_test()
    if why:
        pytest.skip(why)
    tag = uuid.uuid4().hex[:6]
    group, users = f"fdg{tag}", [f"fda{tag}", f"fdb{tag}"]
    base = Path(tempfile.mkdtemp(prefix="fd-shared-"))
    made: list[str] = []
    try:
        subprocess.run(["groupadd", group], check=True)
        for user in users:
            subprocess.run(["useradd", "--no-create-home", "--user-group", "--shell",
                            "/usr/sbin/nologin", "--groups", group, user], check=True)
            made.append(user)
        os.chmod(base, 0o711)
        python, pythonpath = _python_for_others()
        yield SimpleNamespace(
            group=group, gid=grp.getgrnam(group).gr_gid, users=users,
            ids=[pwd.getpwnam(u) for u in users], base=base, python=python,
            pythonpath=pythonpath)
    finally:
        for user in made:
            subprocess.run(["userdel", user], check=False)
        subprocess.run(["groupdel", group], check=False, stderr=subprocess.DEVNULL)
        shutil.rmtree(base, ignore_errors=True)


def _as_user(env: SimpleNamespace, index: int, *argv: str) -> subprocess.CompletedProcess:
    """`frontdesk ARGV` run as the group's user `index` with umask 022, as sshd would run it."""
    user = env.ids[index]
    child_env = {
        "PATH": "/usr/bin:/bin", "PYTHONPATH": env.pythonpath, "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": str(env.base), "LOGNAME": user.pw_name, "USER": user.pw_name,
        "XDG_DATA_HOME": str(env.base / "xdg"), "LANG": "C.UTF-8",
    }
    command = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}",
               f"--groups={env.gid}", "sh", "-c", 'umask 022; exec "$@"', "sh", env.python,
               "-c", "import sys; from tui.cli import main; sys.exit(main())", "--lang", "en",
               *argv]
    return subprocess.run(command, capture_output=True, text=True, env=child_env, timeout=120,
                          cwd=env.base)


def _database_for(env: SimpleNamespace, path: Path, template: str) -> None:
    """A migrated database at `path` whose two desk accounts are the two OS users."""
    shutil.copyfile(template, path)
    open_database(str(path))
    with audit.suspended(), transaction():
        for i, user in enumerate(env.users):
            f.staff(f"desk{i + 1}", "李娜", "desk", os_login=user)
    close_database()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    Path(f"{path}-txlock").unlink()  # the first desk user's write makes it, as in the finding


def _calls_log(env: SimpleNamespace, index: int, db_path: Path, summary: str):
    return _as_user(env, index, "--db", str(db_path), "calls", "log", "--number", "13800138000",
                    "--direction", "in", "--category", "报修", "--summary", summary)


def test_finding05_two_users_of_one_group_both_write_a_shared_database(group_users, sqlite_url):
    env = group_users
    shared = env.base / "shared"
    shared.mkdir()
    os.chown(shared, 0, env.gid)
    os.chmod(shared, 0o2770)
    company = shared / "company.db"
    _database_for(env, company, sqlite_url)
    os.chown(company, 0, env.gid)
    os.chmod(company, 0o660)

    a = _calls_log(env, 0, company, "A")
    assert a.returncode == 0, a.stderr
    lock = Path(str(company) + "-txlock")
    info = lock.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_gid, info.st_uid) == (0o660, env.gid, env.ids[0].pw_uid)
    b = _calls_log(env, 1, company, "B")
    assert b.returncode == 0, b.stderr
    again = _calls_log(env, 0, company, "A2")
    assert again.returncode == 0, again.stderr
    with contextlib.closing(sqlite3.connect(company)) as conn:
        rows = conn.execute("SELECT c.summary, s.login FROM call c JOIN staff s ON s.id = c.staff_id "
                            "ORDER BY c.id").fetchall()
    assert rows == [("A", "desk1"), ("B", "desk2"), ("A2", "desk1")]


def test_finding05_a_lock_file_the_group_may_not_write_is_a_message(group_users, sqlite_url):
    env = group_users
    shared = env.base / "shared"
    shared.mkdir()
    os.chown(shared, 0, env.gid)
    os.chmod(shared, 0o2770)
    company = shared / "company.db"
    _database_for(env, company, sqlite_url)
    os.chown(company, 0, env.gid)
    os.chmod(company, 0o660)
    lock = Path(str(company) + "-txlock")  # as an older FrontDesk left it: 0640, user A's
    lock.touch()
    os.chown(lock, env.ids[0].pw_uid, env.gid)
    os.chmod(lock, 0o640)
    b = _calls_log(env, 1, company, "B")
    assert b.returncode == 2
    assert "Traceback" not in b.stderr
    assert f"{lock}" in b.stderr and "rw-rw----" in b.stderr and env.group in b.stderr


# --- finding 11: `sample --force` never replaces live data -----------------------------------------

HOLDER = textwrap.dedent("""
    import sys
    from data import audit
    from data.db import open_database, transaction
    from data.models import Staff

    open_database(sys.argv[1])
    with audit.suspended(), transaction():
        Staff.update(phone="13900000001").where(Staff.login == "desk1").execute()
    print("first", flush=True)
    sys.stdin.readline()  # the connection stays open meanwhile, as a desk session's does
    with audit.suspended(), transaction():
        Staff.update(phone="13900000002").where(Staff.login == "desk2").execute()
    print("second", flush=True)
""")


def _phones(path: Path) -> dict[str, str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return dict(conn.execute("SELECT login, phone FROM staff WHERE login IN ('desk1', 'desk2')"))


def _company(sqlite_url: str) -> Path:
    """A company database (not demo data) with two desk clerks."""
    open_database(sqlite_url)
    with audit.suspended(), transaction():
        f.staff("desk1", phone="13811110001")
        f.staff("desk2", "王芳", phone="13811110002")
    close_database()
    return Path(sqlite_url)


def _demo(path: Path) -> Path:
    generate(str(path), owners=20, today=TODAY)
    close_database()
    return path


@pytest.mark.parametrize("kind", ["company", "demo"])
def test_finding11_sample_force_refuses_a_database_a_session_has_open(kind, sqlite_url, tmp_path, capsys):
    live = _company(sqlite_url) if kind == "company" else _demo(tmp_path / "live.db")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(live)], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "first"
        assert run("sample", "--out", str(live), "--owners", "20", "--force") == 2
        err = _one_line_error(capsys)
        assert f"{live} is open in a FrontDesk session or another program" in err
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "second"
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert _phones(live) == {"desk1": "13900000001", "desk2": "13900000002"}  # nothing lost
    assert not list(tmp_path.glob("*.partial*"))


def test_finding11_sample_force_refuses_a_company_database_nobody_has_open(sqlite_url, capsys):
    live = _company(sqlite_url)
    before = live.read_bytes()
    files = sorted(p.name for p in live.parent.iterdir())
    assert run("sample", "--out", str(live), "--owners", "20", "--force") == 2
    err = _one_line_error(capsys)
    assert "not demo data" in err and str(live) in err
    assert live.read_bytes() == before
    assert _phones(live) == {"desk1": "13811110001", "desk2": "13811110002"}
    assert sorted(p.name for p in live.parent.iterdir()) == files


def test_finding11_sample_force_replaces_a_demo_database_and_leaves_no_stray_files(tmp_path, capsys):
    demo = _demo(tmp_path / "live.db")
    os.chmod(demo, 0o640)
    with contextlib.closing(sqlite3.connect(demo)) as conn:
        conn.execute("UPDATE staff SET phone = '13900000009' WHERE login = 'desk1'")
        conn.commit()
    assert run("sample", "--out", str(demo), "--owners", "20", "--force", "--today", "2026-11-27") == 0
    assert "Wrote" in capsys.readouterr().out
    assert _phones(demo)["desk1"] != "13900000009"  # demo data again
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.db"]  # no live.db.partial-txlock
    assert stat.S_IMODE(demo.stat().st_mode) == 0o640  # the replaced file's mode is kept
    with contextlib.closing(sqlite3.connect(demo)) as conn:
        assert conn.execute("SELECT value FROM setting WHERE key = 'demo_database'").fetchone() == ("1",)


def test_finding11_sample_force_refuses_a_file_that_is_no_database(tmp_path):
    # The attack on the fixes: --force replaced any file that was not a FrontDesk database.
    junk = tmp_path / "notes.db"
    junk.write_text("not a database")
    assert run("sample", "--out", str(junk), "--owners", "20", "--force") == 2
    assert junk.read_text() == "not a database"


# --- finding 12: a broken database file is a message, never a traceback -----------------------------


def _faults(tmp_path: Path, sqlite_url: str) -> dict[str, Path]:
    folder = tmp_path / "faults"
    folder.mkdir()
    rand = folder / "rand.db"
    rand.write_bytes(os.urandom(8192))
    text = folder / "text.db"
    text.write_text("id,name\n1,张晓明\n" * 100)
    trunc = folder / "trunc.db"
    trunc.write_bytes(Path(sqlite_url).read_bytes()[:200_000])
    return {"rand": rand, "text": text, "trunc": trunc, "folder": folder}


@pytest.mark.parametrize("command", [["tickets", "list"], ["migrate"], ["staff", "list"],
                                     ["owners", "search", "张"], ["calls", "list"],
                                     ["backup", "x.bak"]])
@pytest.mark.parametrize("fault", ["rand", "text", "trunc", "folder"])
def test_finding12_a_broken_database_file_is_one_sentence_and_exit_2(fault, command, sqlite_url,
                                                                        tmp_path, capsys):
    path = _faults(tmp_path, sqlite_url)[fault]
    before = sorted(p.name for p in path.parent.iterdir())
    assert run("--db", str(path), *command) == 2
    err = _one_line_error(capsys)
    assert err.startswith(f"frontdesk: {path} is ") or f" {path}" in err
    expected = {"rand": "is not a FrontDesk database", "text": "is not a FrontDesk database",
                "trunc": "is damaged", "folder": "is a folder, not a database file"}[fault]
    if fault == "trunc" and command[0] in ("backup",):
        expected = "is damaged"
    assert expected in err
    assert sorted(p.name for p in path.parent.iterdir()) == before  # nothing made beside it


def test_finding12_a_newer_schema_names_the_database(db_url, capsys):
    open_database(db_url)
    db.execute_sql("INSERT INTO schema_migration (name, applied) VALUES ('0099_future', '2030-01-01')")
    name = db.obj.database
    close_database()
    for command in (["tickets", "list"], ["migrate"], ["staff", "list"]):
        assert run("--db", db_url, *command) == 2
        err = _one_line_error(capsys)
        assert f"{name} was written by a newer FrontDesk" in err and "0099_future" in err


def test_finding12_a_read_only_database_serves_reads_and_refuses_writes_clearly(group_users, sqlite_url):
    env = group_users
    folder = env.base / "ro"
    folder.mkdir()
    company = folder / "company.db"
    _database_for(env, company, sqlite_url)
    open_database(str(company))
    with audit.suspended(), transaction():
        comm = f.community()
        f.work_order(Staff.get(Staff.login == "desk1"), comm, title="楼道灯不亮")
    close_database()
    with contextlib.closing(sqlite3.connect(company)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    Path(f"{company}-txlock").unlink()
    os.chmod(company, 0o444)
    os.chmod(folder, 0o555)
    listed = _as_user(env, 0, "--db", str(company), "tickets", "list")
    assert listed.returncode == 0, listed.stderr
    assert "楼道灯不亮" in listed.stdout
    logged = _calls_log(env, 0, company, "A")
    assert logged.returncode == 2
    assert "Traceback" not in logged.stderr
    assert f"{company} is read-only for you" in logged.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["company.db"]
    # In a folder the user may write, a read-only file is still read (SQLite makes its -shm).
    os.chmod(folder, 0o777)
    listed = _as_user(env, 0, "--db", str(company), "tickets", "list")
    assert listed.returncode == 0, listed.stderr
    assert "楼道灯不亮" in listed.stdout


def test_finding12_a_read_only_file_is_opened_read_only_in_data(sqlite_url, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: not mode & os.W_OK)
    real = open_database(sqlite_url)
    assert real.read_only
    assert Staff.select().count() == 0
    with pytest.raises(DatabaseFileError, match="只读"), transaction():
        f.staff("desk1")


# --- finding 13: a wrong --db path is an error, not a new database ----------------------------------


def test_finding13_a_missing_database_is_an_error_and_nothing_is_created(tmp_path, capsys):
    target = tmp_path / "no" / "such" / "dir" / "company.db"
    assert run("--db", str(target), "tickets", "list") == 2
    err = _one_line_error(capsys)
    assert err == (f"frontdesk: No database at {target} — check the path, or create one with "
                   f"`frontdesk --db {target} migrate`.\n")
    assert list(tmp_path.iterdir()) == []


def test_finding13_migrate_makes_the_file_but_never_its_folders(tmp_path, capsys):
    target = tmp_path / "no" / "company.db"
    assert run("--db", str(target), "migrate") == 2
    assert "The folder" in _one_line_error(capsys) and not (tmp_path / "no").exists()
    target = tmp_path / "company.db"
    assert run("--db", str(target), "migrate") == 0
    assert target.exists()
    capsys.readouterr()
    # The new database is usable: the first administrator can be added without an account.
    assert run("--db", str(target), "staff", "add", "admin", "--name", "周建华", "--role", "admin") == 0


def test_finding13_a_missing_file_is_refused_in_data_unless_created(tmp_path):
    with pytest.raises(DatabaseFileError, match="migrate"):
        open_database(str(tmp_path / "typo.db"))
    assert list(tmp_path.iterdir()) == []


# --- finding 21: the `sample` message ---------------------------------------------------------------


def test_finding21_sample_message_is_one_clear_sentence(tmp_path, capsys):
    live = tmp_path / "live.db"
    live.write_text("keep me")
    assert run("sample", "--out", str(live), "--owners", "5") == 2
    assert capsys.readouterr().err == f"frontdesk: {live} already exists; pass --force to replace it.\n"
    assert live.read_text() == "keep me"

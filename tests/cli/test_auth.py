"""Signing in (issue 7): OS-login mapping, passwords, the delay after wrong ones, first-use change, the
administrator's account actions — in `data.auth` on both databases, and through the CLI."""

from __future__ import annotations

import io
import json
import sys
from functools import partial

import pytest

from data import access, auth, i18n
from data.db import close_database, open_database
from data.errors import AuthError, NotFoundError, PermissionDenied, ValidationError
from data.models import Staff
from data.staff import add_staff
from tests import factories as f
from tests.helpers.cli import run as cli_run

NOW = "2026-11-27 10:00"


@pytest.fixture
def staff(database, monkeypatch):
    """An administrator, a supervisor and two desk clerks (password f.TEST_PASSWORD); the
    clock pinned at NOW; messages in English."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    return {
        "admin": f.staff("admin", "周建华", "admin"),
        "super1": f.staff("super1", "陈静", "supervisor"),
        "desk1": f.staff("desk1", "王丽", "desk", os_login="wangli"),
        "desk2": f.staff("desk2", "李婷婷", "desk"),
    }


def _row(login: str) -> Staff:
    return Staff.get(Staff.login == login)


# --- who a session is ----------------------------------------------------------------------------


def test_the_mapped_os_login_signs_in_without_a_password(staff):
    info, needs = auth.resolve_session("wangli", None)
    assert (info.login, needs) == ("desk1", False)
    assert auth.resolve_session("wangli", "desk1")[1] is False
    assert auth.resolve_session("wangli", "wangli")[1] is False


def test_any_other_account_needs_its_password(staff):
    info, needs = auth.resolve_session("wangli", "super1")  # desk1's SSH login asks for super1
    assert (info.login, needs) == ("super1", True)
    assert auth.resolve_session("root", "desk1")[1] is True  # another OS login asks for desk1
    info, needs = auth.resolve_session("desk2", None)  # named like the OS login, not mapped
    assert (info.login, needs) == ("desk2", True)


def test_unknown_and_disabled_accounts_are_refused_clearly(staff):
    with pytest.raises(NotFoundError) as unknown:
        auth.resolve_session("root", "nobody")
    assert "frontdesk staff add nobody" in unknown.value.message
    auth.disable("desk1", staff["admin"].id)
    for os_login, requested in (("wangli", None), ("root", "desk1")):
        with pytest.raises(AuthError) as refused:
            auth.resolve_session(os_login, requested)
        assert "“desk1” is disabled" in refused.value.message
    with pytest.raises(AuthError, match="disabled"):
        auth.authenticate("desk1", f.TEST_PASSWORD)
    auth.enable("desk1", staff["admin"].id)
    assert auth.authenticate("desk1", f.TEST_PASSWORD).login == "desk1"


# --- passwords and the lock ------------------------------------------------------------------------


def test_the_right_password_signs_in_and_resets_the_count(staff):
    for _ in range(2):
        with pytest.raises(AuthError):
            auth.authenticate("super1", "wrong password")
    assert _row("super1").failed_logins == 2
    info = auth.authenticate("super1", f.TEST_PASSWORD)
    assert (info.login, info.role, info.must_change_password) == ("super1", "supervisor", False)
    assert _row("super1").failed_logins == 0


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The delays a password check waits, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(auth, "_sleep", slept.append)
    return slept


def test_wrong_passwords_slow_the_answers_down_and_lock_nobody(staff, waits):
    for _ in range(3):  # the first three are answered at once
        with pytest.raises(AuthError) as wrong:
            auth.authenticate("super1", "wrong password")
        assert "locked" not in wrong.value.message
    assert waits == []
    assert "the next answer waits 1 s" in wrong.value.message
    for _ in range(5):
        with pytest.raises(AuthError):
            auth.authenticate("super1", "wrong password")
    assert waits == [1, 2, 4, 8, 16]
    row = _row("super1")
    assert row.failed_logins == 8 and row.locked_until is None
    # The right password still signs in (after the wait, capped at 30 s) and resets the count.
    assert auth.authenticate("super1", f.TEST_PASSWORD).login == "super1"
    assert waits[-1] == 30
    assert _row("super1").failed_logins == 0
    assert [a.state for a in auth.accounts() if a.login == "super1"] == [""]


def test_each_wrong_password_is_in_the_audit_trail(staff, waits):
    from data.models import AuditLog

    for _ in range(2):
        with pytest.raises(AuthError):
            auth.authenticate("desk2", "wrong password")
    rows = list(AuditLog.select().where((AuditLog.action == "failed") & (AuditLog.entity == "staff")))
    assert [(r.entity_id, r.field) for r in rows] == [(staff["desk2"].id, "password")] * 2


def test_the_count_adds_up_across_sessions(staff):
    """The count is an UPDATE … SET failed_logins = failed_logins + 1, not read-modify-write:
    a row read before another session's failures does not reset theirs."""
    stale = _row("desk2")
    Staff.update(failed_logins=3).where(Staff.id == stale.id).execute()  # another session
    error = auth._record_failure(stale)
    assert _row("desk2").failed_logins == 4 and "the next answer waits 2 s" in error.message
    auth._record_failure(stale)
    assert _row("desk2").failed_logins == 5 and _row("desk2").locked_until is None


def test_an_account_without_a_password_is_told_whom_to_ask(staff):
    Staff.update(password_hash=None).where(Staff.login == "desk2").execute()
    with pytest.raises(AuthError) as refused:
        auth.authenticate("desk2", "anything at all")
    assert "frontdesk staff passwd desk2" in refused.value.message
    assert "map-login desk2" in refused.value.message


def test_a_temporary_password_must_be_changed_first(staff):
    temp = auth.set_password("desk2", "Temp-pass-1", by_staff_id=staff["admin"].id)
    assert temp.must_change_password
    info = auth.authenticate("desk2", "Temp-pass-1")
    assert info.must_change_password
    changed = auth.change_password(info.id, "Temp-pass-1", "my-own-secret-9")
    assert not changed.must_change_password and not _row("desk2").must_change_password
    assert auth.authenticate("desk2", "my-own-secret-9").must_change_password is False
    with pytest.raises(AuthError, match="Wrong password"):
        auth.authenticate("desk2", "Temp-pass-1")


def test_a_password_free_session_is_not_asked_to_change(staff):
    auth.set_password("desk1", "Temp-pass-1", by_staff_id=staff["admin"].id)
    info, needs = auth.resolve_session("wangli", None)
    assert needs is False and info.must_change_password is False


@pytest.mark.parametrize(("new", "says"), [
    ("short1", "at least 8 characters"),
    ("desk2", "at least 8 characters"),
    ("x" * 129, "at most 128 characters"),
    ("tab\tinside-it", "control characters"),
    (f.TEST_PASSWORD, "differ from the old one"),
])
def test_password_rules(staff, new, says):
    with pytest.raises(ValidationError) as refused:
        auth.change_password(staff["desk2"].id, f.TEST_PASSWORD, new)
    assert refused.value.field == "password" and says in refused.value.message


def test_a_password_may_not_be_the_login(staff):
    add_staff("longlogin1", "张三", "desk", by=staff["admin"].id)
    with pytest.raises(ValidationError, match="may not be the login"):
        auth.set_password("longlogin1", "LongLogin1", by_staff_id=staff["admin"].id)


def test_changing_needs_the_current_password(staff):
    with pytest.raises(AuthError, match="Wrong password"):
        auth.change_password(staff["desk2"].id, "not my password", "brand-new-pass")
    assert _row("desk2").failed_logins == 1
    # An account signed in by its OS login without any password sets its first one.
    Staff.update(password_hash=None).where(Staff.login == "desk1").execute()
    auth.change_password(staff["desk1"].id, None, "first-password-1")
    assert auth.authenticate("desk1", "first-password-1").login == "desk1"


def test_hashes_are_argon2id_and_never_the_password(staff):
    auth.set_password("desk2", "Temp-pass-1", by_staff_id=staff["admin"].id)
    stored = _row("desk2").password_hash
    assert stored.startswith("$argon2id$") and "Temp-pass-1" not in stored
    assert auth.hash_password("abc", salt=b"0123456789abcdef") == auth.hash_password("abc", salt=b"0123456789abcdef")


# --- the administrator's actions ---------------------------------------------------------------------


def test_map_login_refuses_an_os_login_mapped_to_another_account(staff):
    admin = staff["admin"].id
    with pytest.raises(ValidationError) as taken:
        auth.map_login("desk2", "wangli", admin)
    assert "already mapped to 王丽 (desk1)" in taken.value.message
    assert "map-login desk1 --clear" in taken.value.message
    with pytest.raises(ValidationError, match="up to 32 letters"):
        auth.map_login("desk2", "wang li", admin)
    auth.map_login("desk1", None, admin)
    assert auth.map_login("desk2", "wangli", admin).login == "desk2"
    assert auth.resolve_session("wangli", None)[0].login == "desk2"


def test_only_an_administrator_manages_accounts(staff):
    sup = staff["super1"].id
    for attempt in (
        lambda: add_staff("desk9", "新人", "desk", by=sup),
        lambda: auth.disable("desk2", sup),
        lambda: auth.enable("desk2", sup),
        lambda: auth.set_password("desk2", "Temp-pass-1", by_staff_id=sup),
        lambda: auth.map_login("desk2", "lity", sup),
    ):
        with pytest.raises(PermissionDenied) as denied:
            attempt()
        assert "may not manage staff accounts" in denied.value.message
        assert "Administrator" in denied.value.message
    with access.acting(staff["desk2"]):  # no `by`: the acting account is checked
        with pytest.raises(PermissionDenied):
            add_staff("desk9", "新人", "desk")
    assert not Staff.select().where(Staff.login == "desk9").exists()


def test_an_administrator_adds_a_mapped_account_with_a_temporary_password(staff):
    info = add_staff("desk9", "新人", "desk", by=staff["admin"].id, os_login="xinren",
                     password="Welcome-2026")
    assert info.must_change_password
    assert auth.resolve_session("xinren", None)[0].login == "desk9"
    assert auth.authenticate("desk9", "Welcome-2026").must_change_password
    with pytest.raises(ValidationError, match="already mapped"):
        add_staff("desk8", "又一个", "desk", by=staff["admin"].id, os_login="xinren")
    assert not Staff.select().where(Staff.login == "desk8").exists()  # nothing half-saved


def test_an_administrator_cannot_disable_themselves(staff):
    with pytest.raises(ValidationError, match="your own account"):
        auth.disable("admin", staff["admin"].id)
    assert _row("admin").active


# --- the command line ------------------------------------------------------------------------


run = partial(cli_run, user=None, lang="en")


@pytest.fixture
def cli_db(sqlite_url, monkeypatch) -> str:
    """A SQLite file with the accounts of `staff`, closed; the OS login is "wangli"."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    monkeypatch.setattr("data.access.os_login", lambda: "wangli")
    open_database(sqlite_url)
    f.staff("admin", "周建华", "admin")
    f.staff("super1", "陈静", "supervisor")
    f.staff("desk1", "王丽", "desk", os_login="wangli")
    f.staff("desk2", "李婷婷", "desk")
    close_database()
    return sqlite_url


def test_cli_wrong_password_exits_2_saying_so(cli_db, capsys, monkeypatch):
    monkeypatch.setenv("FRONTDESK_PASSWORD", "not the password")
    assert run(cli_db, "tickets", "list", user="super1") == 2
    err = capsys.readouterr().err
    assert "Wrong password for “super1”" in err and "locked" not in err
    monkeypatch.delenv("FRONTDESK_PASSWORD")
    assert run(cli_db, "tickets", "list", user="super1") == 2  # no terminal to ask on
    assert "set FRONTDESK_PASSWORD" in capsys.readouterr().err


def test_cli_mapped_os_login_needs_no_password(cli_db, capsys, monkeypatch):
    monkeypatch.delenv("FRONTDESK_PASSWORD")
    assert run(cli_db, "tickets", "list") == 0
    assert run(cli_db, "tickets", "list", user="desk1") == 0
    monkeypatch.setenv("FRONTDESK_USER", "desk1")
    assert run(cli_db, "tickets", "list") == 0


def test_cli_temporary_password_allows_only_staff_passwd(cli_db, capsys, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NEW_PASSWORD", "Temp-pass-1")
    assert run(cli_db, "staff", "passwd", "desk2", user="admin") == 0
    assert "temporary password for desk2" in capsys.readouterr().out
    monkeypatch.setenv("FRONTDESK_PASSWORD", "Temp-pass-1")
    assert run(cli_db, "tickets", "list", user="desk2") == 2
    err = capsys.readouterr().err
    assert "temporary" in err and "frontdesk --user desk2 staff passwd desk2" in err
    monkeypatch.setenv("FRONTDESK_NEW_PASSWORD", "short")
    assert run(cli_db, "staff", "passwd", "desk2", user="desk2") == 2
    assert "at least 8 characters" in capsys.readouterr().err
    monkeypatch.setenv("FRONTDESK_NEW_PASSWORD", "my-own-secret-9")
    assert run(cli_db, "staff", "passwd", "desk2", user="desk2") == 0
    assert "Password changed for desk2" in capsys.readouterr().out
    monkeypatch.setenv("FRONTDESK_PASSWORD", "my-own-secret-9")
    assert run(cli_db, "tickets", "list", user="desk2") == 0


def test_cli_staff_disable_map_login_and_list(cli_db, capsys, monkeypatch, waits):
    assert run(cli_db, "staff", "disable", "desk2", user="admin") == 0
    assert run(cli_db, "tickets", "list", user="desk2") == 2
    assert "“desk2” is disabled" in capsys.readouterr().err
    assert run(cli_db, "staff", "map-login", "super1", "wangli", user="admin") == 2
    assert "already mapped to 王丽 (desk1)" in capsys.readouterr().err
    assert run(cli_db, "staff", "map-login", "desk1", "--clear", user="admin") == 0
    assert run(cli_db, "staff", "map-login", "super1", "chenjing", user="admin") == 0
    monkeypatch.setenv("FRONTDESK_PASSWORD", "wrong password")
    for _ in range(5):
        run(cli_db, "tickets", "list", user="desk1")
    monkeypatch.setenv("FRONTDESK_PASSWORD", f.TEST_PASSWORD)
    capsys.readouterr()
    assert run(cli_db, "staff", "list", "--json", user="admin") == 0
    rows = {r["login"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["desk2"]["active"] is False
    assert rows["super1"]["os_login"] == "chenjing" and rows["desk1"]["os_login"] is None
    assert rows["desk1"]["locked_until"] is None  # wrong passwords lock nobody out
    assert run(cli_db, "staff", "list", user="admin") == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["desk2"].endswith("disabled")
    assert "locked" not in lines["desk1"]
    assert "chenjing" in lines["super1"] and "Supervisor" in lines["super1"]
    # The phone system's extension is listed (what `calls ring --ext` is given).
    assert run(cli_db, "staff", "set-extension", "desk1", "801", user="admin") == 0
    capsys.readouterr()
    assert run(cli_db, "staff", "list", user="admin") == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "ext 801" in lines["desk1"] and "ext" not in lines["desk2"]


def test_cli_non_admin_cannot_add_or_disable_staff(cli_db, capsys):
    assert run(cli_db, "staff", "add", "desk9", "--name", "新人", "--role", "desk", user="super1") == 2
    assert "may not manage staff accounts" in capsys.readouterr().err
    assert run(cli_db, "staff", "disable", "desk2", user="desk1") == 2
    assert "may not manage staff accounts" in capsys.readouterr().err


def test_cli_first_administrator_then_signed_in_staff_add(sqlite_url, capsys, monkeypatch):
    """On a new database staff commands run as the system until an administrator exists."""
    monkeypatch.setattr("data.access.os_login", lambda: "zhoujh")
    monkeypatch.setattr(sys, "stdin", io.StringIO("First-admin-1\n"))
    assert run(sqlite_url, "staff", "add", "admin", "--name", "周建华", "--role", "admin",
               "--os-login", "zhoujh", "--password-stdin") == 0
    # Now there is one: the OS login zhoujh is the administrator, without a password.
    monkeypatch.delenv("FRONTDESK_PASSWORD")
    monkeypatch.setattr(sys, "stdin", io.StringIO("Welcome-2026\n"))
    assert run(sqlite_url, "staff", "add", "desk1", "--name", "王丽", "--role", "desk",
               "--password-stdin") == 0
    monkeypatch.setattr("data.access.os_login", lambda: "someone")
    assert run(sqlite_url, "staff", "add", "desk2", "--name", "李婷婷", "--role", "desk") == 2
    assert "frontdesk staff add someone" in capsys.readouterr().err
    monkeypatch.setenv("FRONTDESK_PASSWORD", "Welcome-2026")
    assert run(sqlite_url, "staff", "add", "desk2", "--name", "李婷婷", "--role", "desk",
               user="desk1") == 2
    assert "temporary" in capsys.readouterr().err


# --- the demo data ---------------------------------------------------------------------------


def test_the_demo_copy_opens_as_desk1_and_other_accounts_need_the_demo_password(tmp_path, monkeypatch):
    import datetime as dt_

    from data.sample import SAMPLE_PASSWORD, generate
    from tui import paths

    sample = tmp_path / "sample.db"
    generate(str(sample), owners=30, today=dt_.date(2026, 11, 27))
    monkeypatch.setenv("FRONTDESK_SAMPLE", str(sample))
    monkeypatch.setattr("data.access.os_login", lambda: "wangli")
    copy = paths.default_database()
    open_database(copy)
    info, needs = auth.resolve_session("wangli", None)
    assert (info.login, needs) == ("desk1", False)  # `make run`
    info, needs = auth.resolve_session("wangli", "super1")  # `frontdesk --user super1`
    assert needs and auth.authenticate("super1", SAMPLE_PASSWORD).must_change_password
    people = [a for a in auth.accounts() if a.role != "service"]
    assert all(a.has_password and a.must_change_password for a in people)
    # The demo's service account (cron) has no password: it signs in by its OS login only.
    assert [(a.login, a.has_password) for a in auth.accounts() if a.role == "service"] == [
        ("cron", False)]
    close_database()
    # A login some account already has is left alone.
    again = tmp_path / "again.db"
    again.write_bytes(sample.read_bytes())
    paths.map_os_login(again, "wangli", "tech1")
    paths.map_os_login(again, "wangli", "desk1")
    open_database(str(again))
    assert [(a.login, a.os_login) for a in auth.accounts() if a.os_login] == [("tech1", "wangli")]


def test_cli_on_a_terminal_asks_for_the_password_and_a_new_one(cli_db, capsys, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NEW_PASSWORD", "Temp-pass-1")
    assert run(cli_db, "staff", "passwd", "desk2", user="admin") == 0
    monkeypatch.delenv("FRONTDESK_NEW_PASSWORD")
    monkeypatch.delenv("FRONTDESK_PASSWORD")
    monkeypatch.setattr("tui.session.interactive", lambda: True)
    typed = iter(["Temp-pass-1", "short", "new-secret-9", "typo", "new-secret-9", "new-secret-9"])
    prompts: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompts.append(prompt) or next(typed))
    assert run(cli_db, "tickets", "list", user="desk2") == 0
    assert prompts[0] == "Password for desk2: " and prompts[1] == "New password for desk2: "
    err = capsys.readouterr().err
    assert "temporary" in err and "at least 8 characters" in err and "differ" in err
    open_database(cli_db)
    assert auth.authenticate("desk2", "new-secret-9").must_change_password is False


def test_the_tui_signs_in_on_its_sign_in_screen(cli_db, monkeypatch):
    from argparse import Namespace

    from tui.session import open_session
    from tui.sign_in_app import SignInApp

    monkeypatch.delenv("FRONTDESK_PASSWORD")
    asked: list[str] = []
    monkeypatch.setattr(SignInApp, "run", lambda app: asked.append(app.login))  # escape: None
    open_database(cli_db)
    with pytest.raises(AuthError, match="未登录"):
        open_session(Namespace(user="super1"), tui=True)
    assert asked == ["super1"]
    assert open_session(Namespace(user=None), tui=True).staff.login == "desk1"  # mapped: no screen
    assert asked == ["super1"] and access.current().login == "desk1"

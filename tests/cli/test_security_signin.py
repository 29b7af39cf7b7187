"""Issue 12 (security review findings 3, 4, 7 and 18), each attack replayed through the CLI
as the review ran it, on SQLite and PostgreSQL: who runs a command comes from the kernel,
not LOGNAME; every command signs in (service accounts run only unattended work); the
owner search is no oracle for masked numbers; wrong passwords slow down, never lock."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from types import SimpleNamespace

import pytest

from data import access, auth, i18n, people, search, search_gate
from data.db import close_database, open_database
from data.idnumbers import make_id_number
from data.models import AuditLog, Event, Holiday, Staff
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import run as cli_run
from tui import cli

NOW = "2026-11-27 10:00"
ID_NUMBER = make_id_number("310115", dt.date(1944, 11, 1), 408)
PHONE = "13800138000"
#: The OS login the test run pretends to have (the kernel's answer, data.access.os_login).
NOBODY = "root-without-account"


@pytest.fixture
def env(db_url, monkeypatch) -> SimpleNamespace:
    """Accounts mapped to OS logins (adminos, superos, deskos, techos, cronuser), one owner
    with a phone and an ID number; the process runs as an OS user no account is mapped to."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    monkeypatch.delenv("FRONTDESK_PASSWORD", raising=False)
    monkeypatch.setattr("data.access.os_login", lambda: NOBODY)
    monkeypatch.setattr(auth, "_sleep", lambda seconds: None)
    i18n.set_language("en")
    open_database(db_url)
    comm = f.community("锦绣花园")
    accounts = {
        "admin": f.staff("admin", "周建华", "admin", os_login="adminos"),
        "super1": f.staff("super1", "陈静", "supervisor", os_login="superos"),
        "desk1": f.staff("desk1", "王丽", "desk", os_login="deskos"),
        "desk2": f.staff("desk2", "李婷婷", "desk"),
        "tech1": f.staff("tech1", "李建国", "tech", os_login="techos"),
        "cron": f.staff("cron", "定时任务", "service", os_login="cronuser", password_hash=None),
    }
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=[PHONE], id_number=ID_NUMBER))
    people.move_in(owner, room, "owner")
    close_database()
    return SimpleNamespace(url=db_url, owner=owner, ids={k: v.id for k, v in accounts.items()})


def run(env, *argv: str, os_login: str = NOBODY, user: str | None = None, monkeypatch=None) -> int:
    """The CLI as the OS user `os_login` (the kernel's name for it)."""
    close_database()
    access.act_as(None)
    if monkeypatch is not None:
        monkeypatch.setattr("data.access.os_login", lambda: os_login)
    try:
        return cli_run(env, *argv, user=user, lang="en")
    finally:
        access.act_as(None)


def rows(env, model, *where):
    open_database(env.url)
    try:
        return list(model.select().where(*where)) if where else list(model.select())
    finally:
        close_database()


def audit_rows(env, action: str | None = None) -> list[tuple[str, str, int, str, str]]:
    open_database(env.url)
    try:
        query = AuditLog.select().order_by(AuditLog.id)
        if action:
            query = query.where(AuditLog.action == action)
        return [(r.action, r.entity, r.entity_id, r.field, r.staff.login if r.staff else "")
                for r in query]
    finally:
        close_database()


# --- finding 3: the OS login is the kernel's, not LOGNAME ------------------------------------------


def test_finding03_os_login_is_the_effective_uids_passwd_name_not_logname(monkeypatch):
    import os
    import pwd

    monkeypatch.setenv("LOGNAME", "adminos")
    monkeypatch.setenv("USER", "adminos")
    assert access.os_login() == pwd.getpwuid(os.geteuid()).pw_name != "adminos"

    def no_entry(uid):
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    assert access.os_login() is None


def test_finding03_spoofed_logname_of_an_admin_is_refused_and_writes_nothing(env, monkeypatch, capsys):
    """`LOGNAME=adminos frontdesk staff add evil --role admin --password-stdin` by an OS user
    with no account: refused; no account, no audit row, no password changed."""
    monkeypatch.setenv("LOGNAME", "adminos")
    monkeypatch.setenv("USER", "adminos")
    before = audit_rows(env)
    monkeypatch.setattr(sys, "stdin", io.StringIO("Evilpass-123\n"))
    assert run(env, "staff", "add", "evil", "--name", "坏人", "--role", "admin",
               "--password-stdin") == 2
    assert f"No staff account for login “{NOBODY}”" in capsys.readouterr().err
    monkeypatch.setenv("FRONTDESK_NEW_PASSWORD", "Takeover-123")
    assert run(env, "staff", "passwd", "desk2") == 2
    capsys.readouterr()
    assert rows(env, Staff, Staff.login == "evil") == []
    assert rows(env, Staff, Staff.login == "desk2")[0].must_change_password is False
    assert audit_rows(env) == before


def test_finding03_a_uid_without_a_passwd_entry_needs_user_and_password(env, monkeypatch, capsys):
    monkeypatch.setattr("data.access.os_login", lambda: None)
    monkeypatch.setenv("LOGNAME", "adminos")
    close_database()
    assert cli.main(["--lang", "en", "--db", env.url, "tickets", "list"]) == 2
    assert "has no login name" in capsys.readouterr().err
    monkeypatch.setenv("FRONTDESK_PASSWORD", f.TEST_PASSWORD)
    assert cli.main(["--lang", "en", "--db", env.url, "--user", "desk2", "tickets", "list"]) == 0


# --- finding 7: every command signs in; service accounts only run unattended work --------------------


def test_finding07_holiday_import_needs_a_supervisor(env, monkeypatch, tmp_path, capsys):
    csv = tmp_path / "hol.csv"
    csv.write_text("日期,名称,类型\n2026-12-08,黑客节,放假\n", encoding="utf-8")
    assert run(env, "calendar", "holidays", "--import", str(csv), monkeypatch=monkeypatch) == 2
    assert "No staff account" in capsys.readouterr().err
    assert run(env, "calendar", "holidays", "--import", str(csv), os_login="techos",
               monkeypatch=monkeypatch) == 2
    assert "may not edit the holiday calendar" in capsys.readouterr().err
    assert rows(env, Holiday, Holiday.name == "黑客节") == []
    assert run(env, "calendar", "holidays", "--import", str(csv), os_login="superos",
               monkeypatch=monkeypatch) == 0
    assert ("create", "holiday", rows(env, Holiday, Holiday.name == "黑客节")[0].id, "", "super1") in [
        (a, e, i, "", who) for a, e, i, _f, who in audit_rows(env, "create")]


def test_finding07_calendar_of_another_is_not_for_an_unsigned_or_desk_user(env, monkeypatch, tmp_path, capsys):
    ics = tmp_path / "evil.ics"
    ics.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VEVENT\r\n"
                   "UID:forged-1@example.org\r\nDTSTART:20261208T090000\r\nDTEND:20261208T100000\r\n"
                   "SUMMARY:总经理约谈\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    out = tmp_path / "s.ics"
    for argv in (("calendar", "import", str(ics), "--staff", "super1"),
                 ("calendar", "export", "--staff", "super1", "--out", str(out)),
                 ("calendar", "agenda", "--staff", "super1")):
        assert run(env, *argv, monkeypatch=monkeypatch) == 2, argv
        assert "No staff account" in capsys.readouterr().err
    assert not out.exists()
    assert run(env, "calendar", "import", str(ics), "--staff", "super1", os_login="deskos",
               monkeypatch=monkeypatch) == 2
    assert "may not delete other people's events" in capsys.readouterr().err
    assert rows(env, Event) == []
    # A signed-in clerk reads anyone's agenda, as the calendar screen shows it.
    assert run(env, "calendar", "agenda", "--staff", "super1", os_login="deskos",
               monkeypatch=monkeypatch) == 0


@pytest.mark.parametrize("argv", [
    ("owners", "search", "张晓明"), ("escalate",), ("remind",), ("sla", "list"),
    ("sla", "hours"), ("calendar", "holidays"), ("backup", "x.db"), ("migrate",),
    ("staff", "list"), ("audit",), ("territory", "list"), ("tickets", "list"),
])
def test_finding07_no_command_runs_for_an_os_user_without_an_account(env, monkeypatch, capsys, argv, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert run(env, *argv, monkeypatch=monkeypatch) == 2
    assert f"No staff account for login “{NOBODY}”" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_finding07_cron_runs_escalate_and_remind_as_its_service_account_and_nothing_else(env, monkeypatch, capsys):
    assert run(env, "escalate", os_login="cronuser", monkeypatch=monkeypatch) == 0
    assert run(env, "remind", os_login="cronuser", monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    for argv in (("tickets", "list"), ("owners", "search", "张晓明"), ("staff", "list"), ()):
        assert run(env, *argv, os_login="cronuser", monkeypatch=monkeypatch) == 2, argv
        assert "“cron” is a service account" in capsys.readouterr().err
    # It never signs in by password, and the desk may not run the sweeps by hand.
    monkeypatch.setenv("FRONTDESK_PASSWORD", f.TEST_PASSWORD)
    assert run(env, "escalate", user="cron", monkeypatch=monkeypatch) == 2
    assert "signs in only by its mapped OS login" in capsys.readouterr().err
    assert run(env, "escalate", os_login="deskos", monkeypatch=monkeypatch) == 2
    assert "may not run the escalation sweep" in capsys.readouterr().err


def test_finding07_an_administrator_adds_the_service_account(env, monkeypatch, capsys):
    assert run(env, "staff", "add", "cron2", "--name", "定时任务2", "--role", "service",
               "--os-login", "cronuser2", os_login="adminos", monkeypatch=monkeypatch) == 0
    assert run(env, "remind", os_login="cronuser2", monkeypatch=monkeypatch) == 0


def test_finding07_sweeps_act_as_the_builtin_system_account_which_never_signs_in(env, monkeypatch, capsys):
    from data.staff import system_account

    open_database(env.url)
    system = system_account()
    assert (system.login, system.role) == ("system", "service")
    assert system_account().id == system.id  # made once
    with access.acting(system):
        assert access.current().login == "system"
        assert not access.can("order.update") and access.can("escalate")
    close_database()
    monkeypatch.setenv("FRONTDESK_PASSWORD", "anything")
    assert run(env, "tickets", "list", user="system", monkeypatch=monkeypatch) == 2
    assert "cannot sign in" in capsys.readouterr().err
    assert run(env, "staff", "map-login", "system", "sysos", os_login="adminos",
               monkeypatch=monkeypatch) == 2
    assert "cannot be changed" in capsys.readouterr().err


def test_finding07_migrate_and_backup_of_a_database_with_an_admin_are_an_admins(env, monkeypatch, tmp_path, capsys):
    assert run(env, "migrate", os_login="deskos", monkeypatch=monkeypatch) == 2
    assert "may not back up, restore, copy or migrate" in capsys.readouterr().err
    target = tmp_path / "b.db"
    if env.url.startswith("postgresql"):
        return
    assert run(env, "backup", str(target), os_login="deskos", monkeypatch=monkeypatch) == 2
    assert not target.exists()
    assert run(env, "backup", str(target), os_login="adminos", monkeypatch=monkeypatch) == 0
    assert target.exists()


def test_finding07_migrate_of_a_new_database_needs_no_account(tmp_path, monkeypatch):
    monkeypatch.setattr("data.access.os_login", lambda: NOBODY)
    assert cli.main(["--db", str(tmp_path / "new.db"), "migrate"]) == 0


# --- finding 4: the owner search is no oracle for masked numbers ------------------------------------


def _search_json(env, monkeypatch, capsys, query: str, os_login: str) -> tuple[int, list[dict]]:
    code = run(env, "owners", "search", "--json", "--limit", "500", query, os_login=os_login,
               monkeypatch=monkeypatch)
    out = capsys.readouterr().out
    hits = [h for line in out.splitlines() for h in json.loads(line)["hits"]]
    return code, hits


def test_finding04_a_technician_cannot_search_by_id_number(env, monkeypatch, capsys):
    """`LOGNAME=techos frontdesk owners search 014089 --json` answered `matched: id_number`."""
    for tail in (ID_NUMBER[-4:], ID_NUMBER[-6:], ID_NUMBER[-10:]):
        code, hits = _search_json(env, monkeypatch, capsys, tail, "techos")
        assert all(h["matched"] != "id_number" for h in hits), tail
        assert env.owner not in [h["id"] for h in hits]
    assert run(env, "owners", "search", ID_NUMBER, os_login="techos", monkeypatch=monkeypatch) == 2
    assert "may not search by ID number" in capsys.readouterr().err
    # A clerk, who may see ID numbers, finds the owner by the ID tail.
    code, hits = _search_json(env, monkeypatch, capsys, ID_NUMBER[-4:], "deskos")
    assert [(h["id"], h["matched"]) for h in hits] == [(env.owner, "id_number")]


def test_finding04_a_longer_phone_tail_is_a_recorded_reveal(env, monkeypatch, capsys):
    code, hits = _search_json(env, monkeypatch, capsys, PHONE[-4:], "techos")
    assert [h["id"] for h in hits] == [env.owner]
    assert audit_rows(env, "reveal") == []  # 4 digits: an ordinary search
    code, hits = _search_json(env, monkeypatch, capsys, PHONE[-7:], "techos")
    assert code == 0 and [h["id"] for h in hits] == [env.owner]
    assert audit_rows(env, "reveal") == [("reveal", "person", env.owner, "phones", "tech1")]
    # A role that may not reveal numbers is told so, and nothing is searched.
    open_database(env.url)
    result = search.search(PHONE[-7:], staff_id=env.ids["cron"])
    close_database()
    assert result.hits == [] and "not by a longer part of it" in result.refused


def test_finding04_whole_number_searches_are_counted_and_limited(env, monkeypatch, capsys):
    monkeypatch.setattr(search_gate, "WHOLE_SEARCHES_PER_MINUTE", 3)
    for _ in range(3):
        code, hits = _search_json(env, monkeypatch, capsys, PHONE, "deskos")
        assert code == 0 and [h["id"] for h in hits] == [env.owner]
    assert run(env, "owners", "search", PHONE, os_login="deskos", monkeypatch=monkeypatch) == 2
    assert "More than 3 searches by a whole phone or ID number in a minute" in capsys.readouterr().err
    assert [r[0] for r in audit_rows(env) if r[0] in ("search", "refused")] == ["search"] * 3 + ["refused"]
    # Another account has its own count; a minute later the clerk may search again.
    assert run(env, "owners", "search", PHONE, os_login="superos", monkeypatch=monkeypatch) == 0
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 10:02")
    assert run(env, "owners", "search", PHONE, os_login="deskos", monkeypatch=monkeypatch) == 0


def test_finding04_batch_search_is_for_supervisors_and_recorded(env, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("0001\n0002\n0003\n"))
    assert run(env, "owners", "search", "--json", "-", os_login="techos", monkeypatch=monkeypatch) == 2
    assert "may not search many owners at once" in capsys.readouterr().err
    many = [f"{n:04d}" for n in range(10)]
    assert run(env, "owners", "search", *many, os_login="deskos", monkeypatch=monkeypatch) == 2
    capsys.readouterr()
    assert audit_rows(env, "batch") == []
    monkeypatch.setattr(sys, "stdin", io.StringIO("张晓明\n8000\n"))
    assert run(env, "owners", "search", "--json", "-", os_login="superos", monkeypatch=monkeypatch) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert audit_rows(env, "batch") == [("batch", "person", 0, "search", "super1")]


# --- finding 18: wrong passwords slow down, they lock nobody out -----------------------------------


def test_finding18_nobody_can_lock_the_admin_out(env, monkeypatch, capsys):
    """As an OS user with no account: `FRONTDESK_PASSWORD=wrong fdn --user admin tickets list`
    five times (and more) no longer locks the administrator."""
    waits: list[float] = []
    monkeypatch.setattr(auth, "_sleep", waits.append)
    monkeypatch.setenv("FRONTDESK_PASSWORD", "wrong")
    for _ in range(8):
        assert run(env, "tickets", "list", user="admin", monkeypatch=monkeypatch) == 2
    assert "locked" not in capsys.readouterr().err
    assert waits == [1, 2, 4, 8, 16]  # none for the first three, then growing
    assert len(audit_rows(env, "failed")) == 8
    # The right password still gets in (after at most 30 s), and the mapped login at once.
    waits.clear()
    assert run(env, "tickets", "list", os_login="adminos", monkeypatch=monkeypatch) == 0
    assert waits == []
    monkeypatch.setenv("FRONTDESK_PASSWORD", f.TEST_PASSWORD)
    assert run(env, "tickets", "list", user="admin", monkeypatch=monkeypatch) == 0
    assert waits == [30]
    assert rows(env, Staff, Staff.login == "admin")[0].failed_logins == 0

"""Files leaving the app (issue 12; security review findings 1, 2 and 20): the export folder,
app-named files, never the database, formula-safe spreadsheet cells, printing without a
shell, and the administrators' `frontdesk settings`."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from data import access, i18n
from data.db import close_database, open_database
from data.exports import (
    ExportError,
    default_export_dir,
    export_dir,
    print_file,
    safe_cell,
    write_export,
    write_text_export,
)
from data.models import Event, Person, Setting
from data.roster import import_owners
from data.staff import sign_in
from tests import factories as f
from tests.screen_text import record_notifications, settle
from tests.screens.test_calendar_screen import open_calendar, press
from tui.app import FrontDeskApp
from tui.cli import main

NOW = "2026-11-27 10:00"
STAMP = "20261127-100000"
HEADER = "小区,房号,姓名,身份,手机,证件号码,车牌,标签,备注"
FORMULAS = ["=1+1", "-2+3+cmd|' /C calc'!A0", "@x", "+x"]


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")


@pytest.fixture
def clerk(database, monkeypatch):
    """A desk clerk signed in (the acting account) on a fresh database, the clock pinned."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    desk = f.staff("desk1", "李娜")
    access.act_as(desk)
    return desk


def set_setting(key: str, value: str) -> None:
    """Store a setting as it is (unchecked: as if edited by hand)."""
    Setting.delete().where(Setting.key == key).execute()
    Setting.create(key=key, value=value)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- data/exports ----------------------------------------------------------------------------------


def test_export_folder_defaults_to_the_user_data_dir_and_is_created_0750(clerk):
    old = os.umask(0o077)  # a strict umask must not make the folder unreadable to the share group
    try:
        folder = export_dir()
    finally:
        os.umask(old)
    assert folder == Path(os.environ["XDG_DATA_HOME"]) / "frontdesk" / "exports"
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o750


def test_export_dir_setting_is_per_login(clerk, tmp_path):
    set_setting("export_dir", str(tmp_path / "exports" / "{login}"))
    path = write_export("calendar", "ics", b"x")
    assert path == tmp_path / "exports" / "desk1" / f"calendar-desk1-{STAMP}.ics"
    assert path.read_bytes() == b"x" and (path.stat().st_mode & 0o777) == 0o640


def test_a_per_login_folder_keeps_the_group_of_a_setgid_exports_root(clerk, tmp_path):
    shared = tmp_path / "exports"
    shared.mkdir()
    shared.chmod(0o3770)  # README: the root the read-only share serves
    set_setting("export_dir", str(shared / "{login}"))
    path = write_export("calendar", "ics", b"x")
    assert (path.parent.stat().st_mode & 0o7777) == 0o2750
    assert path.stat().st_gid == shared.stat().st_gid


def test_a_relative_export_dir_setting_is_refused(clerk):
    set_setting("export_dir", "exports/{login}")
    with pytest.raises(ExportError, match="must be an absolute folder"):
        export_dir()


def test_the_file_name_is_ascii_and_never_a_dotfile_whatever_the_login_or_kind(clerk, monkeypatch):
    monkeypatch.setattr(access, "_current", access.Actor(9, "../.ssh/rc 李", "desk"))
    path = write_text_export("../.bashrc", "ics/../../rc", "BEGIN:VCALENDAR")
    assert path.parent == default_export_dir()
    assert path.name == f"bashrc-ssh_rc-{STAMP}.ics_rc"
    assert path.name.isascii() and not path.name.startswith(".")


def test_an_export_never_overwrites_or_follows_a_link(clerk, tmp_path):
    folder = export_dir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (folder / f"calendar-desk1-{STAMP}.ics").symlink_to(victim)
    (folder / f"calendar-desk1-{STAMP}-1.ics").write_text("an earlier export", encoding="utf-8")
    path = write_export("calendar", "ics", b"new")
    assert path.name == f"calendar-desk1-{STAMP}-2.ics" and path.read_bytes() == b"new"
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert (folder / f"calendar-desk1-{STAMP}-1.ics").read_text(encoding="utf-8") == "an earlier export"


def test_an_export_folder_that_is_a_symlink_is_refused(clerk, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "exports"
    link.symlink_to(elsewhere)
    set_setting("export_dir", str(link))
    with pytest.raises(ExportError, match="is a symbolic link"):
        write_export("calendar", "ics", b"x")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the folder to another user")
def test_an_export_folder_of_another_user_is_refused(clerk, tmp_path):
    folder = tmp_path / "theirs"
    folder.mkdir()
    os.chown(folder, 4242, 4242)
    set_setting("export_dir", str(folder))
    with pytest.raises(ExportError, match="belongs to another user"):
        write_export("calendar", "ics", b"x")


def test_safe_cell_shows_escape_sequences_as_pictures():
    """Text stored before validation (or by another program) with a terminal escape sequence:
    the cell reads it literally, as the screens show it, so a CSV printed to a terminal cannot
    clear it or set its clipboard; tab and newline stay, a formula start is still quoted."""
    assert safe_cell("张\x1b[2J晓明") == "张␛[2J晓明"
    assert safe_cell("\x1b]52;c;SGk=\x07x") == "␛]52;c;SGk=␇x"
    assert safe_cell("=1\x1b[0m") == "'=1␛[0m"
    assert safe_cell("第一行\n第二行\t备注") == "第一行\n第二行\t备注"


def test_safe_cell_writes_formulas_as_text_and_leaves_the_rest():
    for cell in [*FORMULAS, "\tx", "\rx"]:
        assert safe_cell(cell) == "'" + cell
    for cell in ["张晓明", "13800138000", "", "a=b", "'quoted", 3, -2, None]:
        assert safe_cell(cell) == cell


# --- finding 1: the calendar export cannot write a dotfile or outside the export folder ------------


@pytest.fixture
def desk_world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(sqlite_url)
    i18n.set_language("en")
    desk = f.staff("desk1", "李娜")
    yield {"desk": desk, "db": Path(sqlite_url)}
    close_database()


async def test_finding01_the_calendar_export_cannot_write_ssh_rc_or_a_dotfile(desk_world):
    """As found: a clerk books `$(touch ./pwned_rc)`, presses E and types ~/.ssh/rc. Now E
    asks for nothing: the file is app-named, in the export folder, and ~/.ssh/rc is never
    written, even when an administrator points the export folder at the home directory."""
    home = Path.home()
    (home / ".ssh").mkdir()
    f.event(desk_world["desk"], dt.datetime(2026, 11, 28, 14), dt.datetime(2026, 11, 28, 15),
            title="$(touch ./pwned_rc)")
    app = FrontDeskApp(sign_in("desk1"), "company.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        shown = record_notifications(app)
        await press(app, pilot, "E")
        assert app.screen is screen  # no path to type
        path = default_export_dir() / f"calendar-desk1-{STAMP}.ics"
        assert "SUMMARY:$(touch ./pwned_rc)" in path.read_text(encoding="utf-8")
        assert any(path.name in s and str(path.parent) in s for s in shown)
        for folder in ("~", "~/.ssh"):  # a careless setting: still no dotfile, no rc
            set_setting("export_dir", folder)
            await press(app, pilot, "E")
        assert not (home / ".ssh" / "rc").exists()
        written = sorted(p.name for p in [*home.iterdir(), *(home / ".ssh").iterdir()] if p.is_file())
        assert written == [f"calendar-desk1-{STAMP}.ics"] * 2
        assert not any(name.startswith(".") for name in written)


async def test_finding01_the_tui_roster_rejects_go_to_the_export_folder(sqlite_url, tmp_path, monkeypatch):
    from screens.roster_import import ImportScreen

    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(sqlite_url)
    i18n.set_language("en")
    f.community("锦绣花园")
    f.staff("admin", "周建华", "admin")
    roster = tmp_path / "roster.csv"
    roster.write_text(f"{HEADER}\n锦绣花园,1-1-101,=1+1,业主,123,,,,\n", encoding="utf-8")
    app = FrontDeskApp(sign_in("admin"), "company.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ImportScreen(str(roster), "", True))
        await settle(app, pilot, 0.2)
        summary = app.screen.query_one("#import-result").text
    close_database()
    rejects = default_export_dir() / f"rejects-admin-{STAMP}.csv"
    assert str(rejects) in summary
    assert "'=1+1" in rejects.read_text(encoding="utf-8-sig")
    assert not (tmp_path / "roster.rejects.csv").exists()


# --- finding 2: an export can never overwrite the database or a sidecar ----------------------------


def test_finding02_a_symlink_in_the_export_folder_never_reaches_the_database(sqlite_database, monkeypatch):
    """As found: the export overwrote the --db file. Now a link named like the next export,
    pointing at the database or a sidecar, is refused and the database keeps every byte."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    access.act_as(f.staff("desk1", "李娜"))
    live = Path(sqlite_database.database)
    before = digest(live)
    folder = export_dir()
    link = folder / f"calendar-desk1-{STAMP}.ics"
    for target in [live, *(live.with_name(live.name + s) for s in ("-wal", "-shm", "-journal", "-txlock"))]:
        link.symlink_to(target)
        with pytest.raises(ExportError, match="is the database itself: give the file another name"):
            write_export("calendar", "ics", b"BEGIN:VCALENDAR")
        link.unlink()
    assert digest(live) == before
    assert Event.select().count() == 0  # the database still opens and answers
    assert write_export("calendar", "ics", b"x") == link  # the link gone, the name is free


def test_finding02_the_database_or_a_link_to_its_folder_as_export_folder_is_refused(sqlite_database, tmp_path):
    access.act_as(f.staff("desk1", "李娜"))
    live = Path(sqlite_database.database)
    for folder in (live, live.with_name(live.name + "-wal")):
        set_setting("export_dir", str(folder))
        with pytest.raises(ExportError, match="is the database itself"):
            write_export("calendar", "ics", b"x")
    link = tmp_path / "link-to-db-folder"
    link.symlink_to(live.parent)
    set_setting("export_dir", str(link))
    with pytest.raises(ExportError, match="symbolic link"):
        write_export("calendar", "ics", b"x")


def test_finding02_a_database_named_like_the_export_is_refused(tmp_path, _sqlite_template, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    folder = tmp_path / "exports"
    folder.mkdir()
    live = folder / f"calendar-desk1-{STAMP}.ics"
    live.write_bytes(Path(_sqlite_template).read_bytes())
    open_database(str(live))
    access.act_as(f.staff("desk1", "李娜"))
    set_setting("export_dir", str(folder))
    before = digest(live)
    with pytest.raises(ExportError, match="is the database itself"):
        write_export("calendar", "ics", b"x")
    assert digest(live) == before


@pytest.fixture
def cli_db(sqlite_url):
    open_database(sqlite_url)
    f.community("锦绣花园")
    f.staff("admin", "周建华", "admin")
    f.staff("desk1", "李娜")
    close_database()
    return sqlite_url


def test_finding02_cli_calendar_export_refuses_the_database_and_its_sidecars(cli_db, tmp_path, capsys):
    live = Path(cli_db)
    link = tmp_path / "innocent.ics"
    link.symlink_to(live)
    for out in (live, live.with_name(live.name + "-wal"), link):
        before = digest(live)
        argv = ["--db", cli_db, "--user", "desk1", "--lang", "en", "calendar", "export",
                "--staff", "desk1", "--out", str(out)]
        assert main(argv) == 2
        assert f"{out} is the database itself: give the file another name." in capsys.readouterr().err
        assert digest(live) == before
    assert sqlite3.connect(live).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_finding02_cli_import_rejects_refuse_the_database(cli_db, tmp_path, capsys):
    live = Path(cli_db)
    roster = tmp_path / "roster.csv"
    roster.write_text(f"{HEADER}\n锦绣花园,1-1-101,甲,业主,123,,,,\n", encoding="utf-8")
    for out in (live, live.with_name(live.name + "-shm")):
        before = digest(live)
        argv = ["--db", cli_db, "--user", "admin", "--lang", "en", "import", "owners", str(roster),
                "--skip-invalid", "--rejects", str(out)]
        assert main(argv) == 2
        assert "is the database itself" in capsys.readouterr().err
        assert digest(live) == before


def test_backup_still_refuses_the_database_with_the_same_message(cli_db, capsys):
    assert main(["--db", cli_db, "--lang", "en", "--user", "admin", "backup", cli_db, "--force"]) == 2
    assert f"{cli_db} is the database itself: give the file another name." in capsys.readouterr().err


# --- finding 20: spreadsheet formulas in the rejects file -------------------------------------------


def _rejects_cells(path: str) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))[1:]


def test_finding20_rejects_csv_writes_formula_cells_as_text(database, tmp_path):
    f.community("锦绣花园")
    rows = [f"锦绣花园,1-1-{101 + i},\"{cell}\",业主,123,,,,\"{cell}\"" for i, cell in enumerate(FORMULAS)]
    roster = tmp_path / "formula.csv"
    roster.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    report = import_owners(str(roster), skip_invalid=True, rejects_path=str(tmp_path / "formula.rejects.csv"))
    cells = _rejects_cells(report.rejects_path)
    assert [row[2] for row in cells] == ["'" + c for c in FORMULAS]
    assert [row[8] for row in cells] == ["'" + c for c in FORMULAS]
    assert Person.select().count() == 0


def test_finding20_rejects_of_an_xlsx_roster_write_formula_cells_as_text(database, tmp_path):
    from openpyxl import Workbook, load_workbook

    f.community("锦绣花园")
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for i, cell in enumerate(FORMULAS):
        sheet.append(["锦绣花园", f"1-1-{101 + i}", "甲", "业主", "123", "", "", cell, cell])
    for ref in ("H2", "I2"):  # text cells that read "=1+1", as Excel stores '=1+1 typed in
        sheet[ref].data_type = "s"
    roster = tmp_path / "formula.xlsx"
    book.save(roster)
    assert load_workbook(roster).active["H2"].value == "=1+1"
    report = import_owners(str(roster), skip_invalid=True)
    cells = _rejects_cells(report.rejects_path)
    assert [row[7] for row in cells] == ["'" + c for c in FORMULAS]
    assert [row[8] for row in cells] == ["'" + c for c in FORMULAS]


# --- printing ---------------------------------------------------------------------------------------


@pytest.fixture
def printer(clerk, tmp_path):
    """A stand-in for lp that writes each argument it gets on a line of its own."""
    log = tmp_path / "argv.txt"
    script = tmp_path / "fakelp"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\necho "lp: $1" >&2\nexit "${{FAIL:-0}}"\n',
                      encoding="utf-8")
    script.chmod(0o755)
    return {"script": script, "log": log}


def test_print_runs_the_command_as_an_argument_list_with_a_hostile_file_name(printer, tmp_path, monkeypatch):
    folder = export_dir()
    hostile = folder / "-o x; touch pwned $(touch pwned2) `id` {file}.ics"
    hostile.write_text("x", encoding="utf-8")
    set_setting("print_command", f"{printer['script']} -d '前台 打印机' {{file}}")
    monkeypatch.chdir(tmp_path)
    result = print_file(hostile)
    assert result.ok, result.message
    assert printer["log"].read_text(encoding="utf-8").splitlines() == ["-d", "前台 打印机", str(hostile)]
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


def test_print_appends_the_file_when_the_command_has_no_placeholder(printer):
    path = write_export("calendar", "ics", b"x")
    set_setting("print_command", str(printer["script"]))
    assert print_file(path).message == f"Sent {path.name} to the printer."
    assert printer["log"].read_text(encoding="utf-8").splitlines() == [str(path)]


def test_print_only_prints_regular_files_of_the_export_folder(printer, tmp_path):
    set_setting("print_command", str(printer["script"]))
    outside = tmp_path / "secret.txt"
    outside.write_text("x", encoding="utf-8")
    folder = export_dir()
    (folder / "link.ics").symlink_to(outside)
    (folder / ".hidden").write_text("x", encoding="utf-8")
    for path in (outside, folder / "link.ics", folder / ".hidden", folder / ".." / "x"):
        result = print_file(path)
        assert not result.ok and "can be printed" in result.message, path
    assert not print_file(folder / "missing.ics").ok
    assert not printer["log"].exists()


def test_print_failures_are_messages_not_tracebacks(printer, monkeypatch):
    path = write_export("calendar", "ics", b"x")
    assert "No print command is configured" in print_file(path).message
    set_setting("print_command", "/no/such/lp {file}")
    assert print_file(path).message == "Printing failed: command not found: /no/such/lp."
    set_setting("print_command", "lp 'unclosed")
    assert "is not a valid command line" in print_file(path).message
    set_setting("print_command", f"{printer['script']} {{file}}")
    monkeypatch.setenv("FAIL", "3")
    result = print_file(path)
    assert not result.ok and result.message.startswith("Printing failed: ")
    assert result.message.endswith(f"fakelp exited with status 3. lp: {path}")


# --- frontdesk settings -----------------------------------------------------------------------------


def test_cli_settings_set_and_get_are_for_administrators_and_known_keys(cli_db, capsys):
    base = ["--db", cli_db, "--lang", "en"]
    assert main([*base, "--user", "admin", "settings", "set", "print_command", "lp -d 前台 {file}"]) == 0
    assert "print_command is now: lp -d 前台 {file}" in capsys.readouterr().out
    assert main([*base, "--user", "admin", "settings", "get", "print_command"]) == 0
    assert capsys.readouterr().out == "lp -d 前台 {file}\n"
    assert main([*base, "--user", "desk1", "settings", "set", "print_command", "sh -c evil"]) == 2
    assert "may not read or change the company settings" in capsys.readouterr().err
    assert main([*base, "--user", "desk1", "settings", "get", "print_command"]) == 2
    capsys.readouterr()
    assert main([*base, "--user", "admin", "settings", "set", "password_hash", "x"]) == 2
    assert "Unknown setting “password_hash”" in capsys.readouterr().err
    assert main([*base, "--user", "admin", "settings", "set", "print_command", "lp 'x"]) == 2
    assert "not a valid command line" in capsys.readouterr().err
    assert main([*base, "--user", "admin", "settings", "set", "export_dir", "rel/{login}"]) == 2
    assert "absolute folder" in capsys.readouterr().err
    open_database(cli_db)
    assert Setting.get(Setting.key == "print_command").value == "lp -d 前台 {file}"


def test_finding02_a_hard_link_to_the_database_is_refused_like_the_database(tmp_path):
    """Found by the attack on the fixes: a hard link named as --out passed the path check and
    the export overwrote the live database in place."""
    import os

    from data.backup import BackupError, refuse_live_database
    from data.db import close_database, open_database

    live = tmp_path / "live.db"
    open_database(str(live), create=True)
    try:
        os.link(live, tmp_path / "hard.db")
        with pytest.raises(BackupError, match="database itself"):
            refuse_live_database(tmp_path / "hard.db")
        refuse_live_database(tmp_path / "other.db")  # a new name is fine
    finally:
        close_database()

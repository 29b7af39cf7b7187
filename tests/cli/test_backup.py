"""Backups (issue 8): online copies while others write, checked restores, the automatic
backup before a migration, pg_dump on PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

from data import backup, i18n, schema
from data.backup import BackupError
from data.db import close_database, db, open_database, transaction
from data.models import Person, Phone
from tests import factories as f
from tui.cli import main


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        conn.close()


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _add_pair(n: int) -> None:
    """One transaction, two rows: a person and their phone."""
    with transaction():
        person = Person.create(name=f"写入{n}")
        Phone.create(person=person, number=f"1380000{n:04d}", digits_rev=f"{n:04d}0000831")


# --- backup --------------------------------------------------------------------------------------


def test_backup_while_another_thread_writes_is_consistent(sqlite_database, tmp_path):
    stop = threading.Event()
    written = [0]
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                _add_pair(written[0])
                written[0] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            close_database()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = []
        for i in range(4):
            while written[0] < 20 * (i + 1):  # let the writer get ahead between copies
                threading.Event().wait(0.005)
            copies.append(Path(backup.backup(tmp_path / f"copy{i}.db").path))
    finally:
        stop.set()
        thread.join()
    assert not failures
    counts = []
    for copy in copies:
        assert _integrity(copy) == "ok"
        people, phones = _count(copy, "person"), _count(copy, "phone")
        assert people == phones  # never half of a transaction
        counts.append(people)
        assert not Path(str(copy) + ".partial").exists()
        assert not Path(str(copy) + "-wal").exists()
    assert counts == sorted(counts) and counts[-1] >= 80
    backup.check_backup(copies[-1])  # a FrontDesk database that restore accepts


def test_backup_skips_a_transaction_still_open_and_does_not_wait_for_it(sqlite_database, tmp_path):
    _add_pair(1)
    inside, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with transaction():
            person = Person.create(name="未提交")
            Phone.create(person=person, number="13900000000", digits_rev="00000000931")
            inside.set()
            release.wait(10)
        close_database()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    try:
        assert inside.wait(10)
        result = backup.backup(tmp_path / "during.db")  # the write lock is held meanwhile
    finally:
        release.set()
        thread.join()
    assert _count(Path(result.path), "person") == 1
    assert Person.select().count() == 2


def test_backup_refuses_an_existing_file_unless_forced(sqlite_url, tmp_path, capsys):
    target = tmp_path / "b.db"
    target.write_text("old")
    assert main(["--lang", "en", "--db", sqlite_url, "backup", str(target)]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert target.read_text() == "old"
    assert main(["--lang", "en", "--db", sqlite_url, "backup", str(target), "--force"]) == 0
    assert "Backed up" in capsys.readouterr().out
    assert _integrity(target) == "ok"
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    conn.close()


def test_backup_names_a_missing_folder(sqlite_url, tmp_path, capsys):
    assert main(["--lang", "en", "--db", sqlite_url, "backup", str(tmp_path / "nowhere" / "b.db")]) == 2
    assert "does not exist" in capsys.readouterr().err


# --- restore -------------------------------------------------------------------------------------


@pytest.fixture
def good_backup(sqlite_url, tmp_path) -> Path:
    open_database(sqlite_url)
    f.person("备份前")
    path = Path(backup.backup(tmp_path / "good.bak").path)
    close_database()
    return path


def test_restore_refuses_a_damaged_file(good_backup, sqlite_url, tmp_path, capsys):
    damaged = tmp_path / "damaged.bak"
    data = bytearray(good_backup.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    for offset in (2 * page, 4 * page):  # garbage over two b-tree pages' headers
        data[offset:offset + 400] = bytes((i * 37 + 11) % 256 for i in range(400))
    damaged.write_bytes(bytes(data))
    before = Path(sqlite_url).read_bytes()
    assert main(["--lang", "en", "--db", sqlite_url, "restore", str(damaged), "--force"]) == 2
    err = capsys.readouterr().err
    assert "cannot be restored" in err and "damaged" in err and "Nothing was changed" in err
    assert Path(sqlite_url).read_bytes() == before
    assert not Path(sqlite_url + ".partial").exists()


def test_restore_refuses_what_is_not_a_frontdesk_database(sqlite_url, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, just some notes\n" * 100)
    with pytest.raises(BackupError, match="not a SQLite database"):
        backup.restore(text, sqlite_url, force=True)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="not a FrontDesk database"):
        backup.restore(other, sqlite_url, force=True)
    with pytest.raises(BackupError, match="no file"):
        backup.restore(tmp_path / "missing.bak", sqlite_url, force=True)


def test_restore_refuses_a_newer_schema_and_dangling_references(good_backup, sqlite_url, tmp_path):
    newer = tmp_path / "newer.bak"
    shutil.copyfile(good_backup, newer)
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_migration (name, applied) VALUES ('0999_future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="newer FrontDesk"):
        backup.restore(newer, sqlite_url, force=True)
    dangling = tmp_path / "dangling.bak"
    shutil.copyfile(good_backup, dangling)
    conn = sqlite3.connect(dangling)
    conn.execute("INSERT INTO phone (person_id, number, digits_rev, kind, label, is_primary) "
                 "VALUES (99999, '13800138000', '00083100831', 'mobile', '', 0)")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="refer to records that do not exist"):
        backup.restore(dangling, sqlite_url, force=True)


def test_restore_replaces_the_database_and_keeps_the_old_one(good_backup, sqlite_url, capsys):
    open_database(sqlite_url)
    f.person("备份后")  # only in the live database
    close_database()
    Path(sqlite_url + "-shm").write_bytes(b"stale")  # a crashed session's leftovers
    assert main(["--lang", "en", "--db", sqlite_url, "restore", str(good_backup)]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert main(["--lang", "en", "--db", sqlite_url, "restore", str(good_backup), "--force"]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and ".before-restore-" in out
    assert not Path(sqlite_url + "-shm").exists() or Path(sqlite_url + "-shm").read_bytes() != b"stale"
    open_database(sqlite_url)
    assert schema.check().is_current
    assert [p.name for p in Person.select()] == ["备份前"]
    close_database()
    kept = list(Path(sqlite_url).parent.glob("frontdesk.db.before-restore-*.bak"))
    assert len(kept) == 1
    assert _count(kept[0], "person") == 2


def test_restore_refuses_a_database_that_is_open(good_backup, sqlite_url):
    open_database(sqlite_url)
    Person.select().count()  # an idle session with the file open
    before = Person.select().count()
    with pytest.raises(BackupError, match="open in another FrontDesk session"):
        backup.restore(good_backup, sqlite_url, force=True)
    assert Person.select().count() == before
    close_database()
    assert not list(Path(sqlite_url).parent.glob("*.before-restore-*"))


def test_restore_into_a_new_path_needs_no_force(good_backup, tmp_path):
    target = tmp_path / "new.db"
    result = backup.restore(good_backup, target)
    assert result.previous is None
    assert _count(target, "person") == 1


def test_restore_of_an_older_schema_says_to_migrate(sqlite_url, tmp_path, capsys):
    from playhouse.migrations import Runner

    old = tmp_path / "old.db"
    open_database(str(old), create=True)
    Runner(db.obj, str(schema.MIGRATIONS_DIR), table_name=schema.HISTORY_TABLE).up(target="0001_initial")
    close_database()
    assert main(["--lang", "en", "--db", str(tmp_path / "target.db"), "restore", str(old)]) == 0
    assert "frontdesk migrate" in capsys.readouterr().out


# --- the backup before a migration ---------------------------------------------------------------


def _old_database(path: Path) -> None:
    """A database of the first migration only, with somebody in it."""
    from playhouse.migrations import Runner

    open_database(str(path), create=True)
    Runner(db.obj, str(schema.MIGRATIONS_DIR), table_name=schema.HISTORY_TABLE).up(target="0001_initial")
    db.execute_sql(
        "INSERT INTO person (name, name_pinyin, name_initials, gender, note, created_at,"
        " updated_at, version) VALUES ('单田芳', 'shantianfang', 'stf', 'M', '',"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)")


def test_migrate_backs_up_a_database_with_pending_migrations(tmp_path):
    path = tmp_path / "company.db"
    _old_database(path)
    told = []
    applied = schema.migrate(backed_up=told.append)
    assert applied[0] == "0002_search_keys"
    close_database()
    baks = list(tmp_path.glob("company.db.before-0002_search_keys-*.bak"))
    assert len(baks) == 1 and told == baks
    assert _integrity(baks[0]) == "ok"
    assert _count(baks[0], "person") == 1
    conn = sqlite3.connect(baks[0])
    assert [n for (n,) in conn.execute("SELECT name FROM schema_migration")] == ["0001_initial"]
    conn.close()


def test_migrate_command_reports_the_backup(tmp_path, capsys):
    path = tmp_path / "company.db"
    _old_database(path)
    close_database()
    assert main(["--lang", "en", "--db", str(path), "migrate"]) == 0
    out = capsys.readouterr().out
    assert "before migrating" in out and ".before-0002_search_keys-" in out
    assert main(["--lang", "en", "--db", str(path), "migrate"]) == 0  # nothing pending: no second backup
    assert len(list(tmp_path.glob("*.bak"))) == 1


def test_a_new_database_is_migrated_without_a_backup(tmp_path):
    open_database(str(tmp_path / "new.db"), create=True)
    schema.migrate()
    close_database()
    assert not list(tmp_path.glob("*.bak"))


# --- PostgreSQL ----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_pg_backup_with_pg_dump(pg_database_url, tmp_path, capsys):
    from tests.conftest import _drop_pg_schema, _pg_schema_url

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    url, name = _pg_schema_url(pg_database_url)
    try:
        open_database(url)
        schema.migrate()
        f.person("备份")
        close_database()
        target = tmp_path / "pg.dump"
        assert main(["--lang", "en", "--db", url, "backup", str(target)]) == 0
        assert "Backed up" in capsys.readouterr().out
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True,
                                 text=True, check=True).stdout
        assert f"TABLE {name} work_order" in listing
        assert f"TABLE DATA {name} person" in listing
    finally:
        close_database()
        _drop_pg_schema(pg_database_url, name)


@pytest.mark.postgres
def test_pg_backup_without_pg_dump_says_what_to_install(pg_database_url, tmp_path, monkeypatch):
    open_database(pg_database_url)
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    with pytest.raises(BackupError, match="pg_dump was not found on PATH"):
        backup.backup(tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()


def test_restore_into_postgresql_points_at_pg_restore(good_backup):
    with pytest.raises(BackupError, match="pg_restore"):
        backup.restore(good_backup, "postgresql://u@h/db", force=True)


def test_backup_refuses_to_overwrite_the_database_itself(sqlite_url, capsys):
    before = Path(sqlite_url).read_bytes()
    assert main(["--lang", "en", "--db", sqlite_url, "backup", sqlite_url, "--force"]) == 2
    assert "is the database itself" in capsys.readouterr().err
    assert Path(sqlite_url).read_bytes() == before


def test_restore_refuses_a_live_database_copied_with_its_wal(sqlite_url, tmp_path):
    open_database(sqlite_url)
    f.person("活的")  # committed into the -wal, not yet into the main file
    with pytest.raises(BackupError, match="database in use"):
        backup.restore(sqlite_url, tmp_path / "elsewhere.db")
    close_database()

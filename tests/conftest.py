"""Shared fixtures: isolated user dirs, a fresh database per test on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from data import access, audit, clock, i18n, schema
from data.db import close_database, db, open_database
from tests.factories import TEST_PASSWORD

PG_URL = os.environ.get("FRONTDESK_TEST_PG", "")
PG_SKIP_REASON = "FRONTDESK_TEST_PG is not set: no PostgreSQL server to test against"


#: Fixtures that change the machine itself (OS users and groups): their tests run alone.
SERIAL_FIXTURES = {"group_users"}


def pytest_collection_modifyitems(items) -> None:
    """Tests using a fixture of SERIAL_FIXTURES are `serial`, like the files marked so."""
    for item in items:
        if SERIAL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.serial)


@pytest.fixture(autouse=True)
def _isolate_user_dirs(tmp_path_factory, monkeypatch):
    """Keep every test away from the real user's config, data and database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    for name in ("FRONTDESK_DB", "FRONTDESK_LANG", "FRONTDESK_USER", "FRONTDESK_NOW",
                 "FRONTDESK_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    # The accounts tests make (tests.factories.staff) have this password: the CLI signs in
    # with it when `--user` names an account the OS login is not mapped to.
    monkeypatch.setenv("FRONTDESK_PASSWORD", TEST_PASSWORD)
    i18n.set_language("zh")
    access.act_as(None)
    # Tests pin the clock with FRONTDESK_NOW; in production only a demo or test database
    # allows it (data.schema.check decides again for each database the CLI or app opens).
    clock.allow_pinned(True)
    yield
    close_database()
    access.act_as(None)
    i18n.set_language("zh")


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A PostgreSQL database made for this test run, dropped at its end."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    import psycopg2

    name = f"frontdesk_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    parsed = urlparse(PG_URL)
    url = parsed._replace(path="/" + name).geturl()
    try:
        yield url
    finally:
        close_database()
        cur = admin.cursor()
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def _pg_schema_url(base_url: str) -> tuple[str, str]:
    """A fresh schema inside the run's database, as a URL whose search_path points at it."""
    import psycopg2

    schema_name = f"t_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(base_url)
    conn.autocommit = True
    conn.cursor().execute(f'CREATE SCHEMA "{schema_name}"')
    conn.close()
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}options=-csearch_path%3D{schema_name}", schema_name


def _drop_pg_schema(base_url: str, schema_name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(base_url)
    conn.autocommit = True
    conn.cursor().execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
    conn.close()


def mark_test_database() -> None:
    """Mark the open, migrated database as a test database: FRONTDESK_NOW pins its clock
    (data.schema.allow_clock_pin), as it never does on a company database."""
    from data.models import Setting

    with audit.suspended():
        Setting.insert(key=schema.TEST_MARK, value="1").on_conflict_ignore().execute()


class _PgShared:
    """One migrated schema for the run's PostgreSQL tests, put back to its just-migrated
    content before each test (TRUNCATE and re-insert the reference rows: about a tenth of
    what creating and migrating a schema per test costs). Falls back to a fresh schema
    if the reset cannot take its locks in time."""

    def __init__(self, base_url: str) -> None:
        import psycopg2

        self.base_url = base_url
        self.url, self.schema_name = _pg_schema_url(base_url)
        open_database(self.url)
        schema.migrate()
        mark_test_database()
        close_database()
        self.conn = psycopg2.connect(base_url)
        self.conn.autocommit = True
        cur = self.conn.cursor()
        cur.execute(f'SET search_path TO "{self.schema_name}"')
        # Every table of the schema, the migration history too: a test that writes a future
        # migration into it must not make the next tests' databases "newer than FrontDesk".
        cur.execute("SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
                    (self.schema_name,))
        self.tables = [name for (name,) in cur.fetchall()]
        self.rows: dict[str, tuple[list[str], list[tuple]]] = {}
        for table in self.tables:
            cur.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cur.description]
            order = "id" if "id" in columns else columns[0]
            cur.execute(f'SELECT * FROM "{table}" ORDER BY "{order}"')
            self.rows[table] = (columns, cur.fetchall())

    def reset(self) -> None:
        cur = self.conn.cursor()
        cur.execute("BEGIN")
        try:
            cur.execute("SET LOCAL lock_timeout = '5s'")
            cur.execute("SET LOCAL frontdesk.audit = 'off'")
            cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in self.tables)
                        + " RESTART IDENTITY CASCADE")
            for table in self.tables:
                columns, rows = self.rows[table]
                if not rows:
                    continue
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cur.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
                if "id" in columns:
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                f'(SELECT max(id) FROM "{table}"))')
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise


@pytest.fixture(scope="session")
def _pg_shared(pg_database_url) -> Iterator[_PgShared]:
    shared = _PgShared(pg_database_url)
    yield shared
    shared.conn.close()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> str:
    """One migrated SQLite file per test session, checkpointed into a single file: each
    test gets a copy (a file copy costs milliseconds, a migration a few hundred)."""
    path = tmp_path_factory.mktemp("template") / "frontdesk.db"
    open_database(str(path), create=True)
    schema.migrate()
    mark_test_database()
    close_database()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return str(path)


def _fresh_sqlite(template: str, path) -> str:
    shutil.copyfile(template, path)
    return str(path)


@pytest.fixture
def sqlite_url(tmp_path, _sqlite_template) -> str:
    """Path of a fresh, migrated SQLite file (not opened in this thread)."""
    return _fresh_sqlite(_sqlite_template, tmp_path / "frontdesk.db")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    """A fresh, migrated database on each backend: yields its URL or path."""
    if request.param == "sqlite":
        yield _fresh_sqlite(request.getfixturevalue("_sqlite_template"), tmp_path / "frontdesk.db")
        return
    shared = request.getfixturevalue("_pg_shared")
    try:
        shared.reset()
    except Exception:  # a connection of an earlier test still holds a lock: a schema of its own
        base = request.getfixturevalue("pg_database_url")
        url, schema_name = _pg_schema_url(base)
        open_database(url)
        schema.migrate()
        mark_test_database()
        close_database()
        try:
            yield url
        finally:
            close_database()
            _drop_pg_schema(base, schema_name)
        return
    try:
        yield shared.url
    finally:
        close_database()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url_unmigrated(request, tmp_path) -> Iterator[str]:
    """The shared handle opened on a new, empty database on each backend."""
    if request.param == "sqlite":
        open_database(str(tmp_path / "empty.db"), create=True)
        yield str(tmp_path / "empty.db")
        close_database()
        return
    base = request.getfixturevalue("pg_database_url")
    url, schema_name = _pg_schema_url(base)
    open_database(url)
    try:
        yield url
    finally:
        close_database()
        _drop_pg_schema(base, schema_name)


@pytest.fixture
def database(db_url):
    """The shared handle opened on a fresh, migrated database (SQLite and PostgreSQL)."""
    real = open_database(db_url)
    yield real
    close_database()


@pytest.fixture
def sqlite_database(sqlite_url):
    """The shared handle opened on a fresh, migrated SQLite file only."""
    real = open_database(sqlite_url)
    yield real
    close_database()


__all__ = ["db"]

"""Shared fixtures: isolated user dirs, a fresh database per test on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from data import access, i18n, schema
from data.db import close_database, db, open_database
from tests.factories import TEST_PASSWORD

PG_URL = os.environ.get("FRONTDESK_TEST_PG", "")
PG_SKIP_REASON = "FRONTDESK_TEST_PG is not set: no PostgreSQL server to test against"


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


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """Path of a fresh, migrated SQLite file (not opened in this thread)."""
    path = tmp_path / "frontdesk.db"
    open_database(str(path))
    schema.migrate()
    close_database()
    return str(path)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    """A fresh, migrated database on each backend: yields its URL or path."""
    if request.param == "sqlite":
        path = tmp_path / "frontdesk.db"
        open_database(str(path))
        schema.migrate()
        close_database()
        yield str(path)
        return
    base = request.getfixturevalue("pg_database_url")
    url, schema_name = _pg_schema_url(base)
    open_database(url)
    schema.migrate()
    close_database()
    try:
        yield url
    finally:
        close_database()
        _drop_pg_schema(base, schema_name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url_unmigrated(request, tmp_path) -> Iterator[str]:
    """The shared handle opened on a new, empty database on each backend."""
    if request.param == "sqlite":
        open_database(str(tmp_path / "empty.db"))
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

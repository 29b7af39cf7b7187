"""The one database handle: opening SQLite or PostgreSQL, pragmas, and write transactions."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from peewee import Database, DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase

#: Every model is bound to this proxy; `open_database` points it at a real database once.
db = DatabaseProxy()

#: SQLite busy timeout, seconds (SPEC §4: at least 5 s).
BUSY_TIMEOUT_S = 10

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("busy_timeout", BUSY_TIMEOUT_S * 1000),
    ("synchronous", "normal"),
    ("cache_size", -32_000),  # 32 MB page cache per connection
    ("temp_store", "memory"),
)


class BaseModel(Model):
    """Base of every FrontDesk model: bound to the shared handle, snake_case table names."""

    class Meta:
        database = db
        legacy_table_names = False


#: Files SQLite (and the writers' queue below) keep beside a database file.
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal", "-txlock")


def sidecars(path: Path) -> list[Path]:
    """The sidecar files of the SQLite database at `path` (whether they exist or not)."""
    return [path.with_name(path.name + suffix) for suffix in SIDECAR_SUFFIXES]


_lock_files = threading.local()  # database path → this thread's fd of its write-lock file


class FrontDeskSqlite(SqliteDatabase):
    """SQLite with the audit trail's TEMP triggers on every connection that writes (data.audit;
    every write runs in `transaction()`, whose BEGIN installs them first), and writers
    queued fairly.

    SQLite's busy handler lets a newcomer take the write lock ahead of a writer that has
    been waiting for seconds (the waiters sleep in growing steps), so with thirty writers
    some waited past the busy timeout ("database is locked"). Every write transaction
    first takes an exclusive `flock` on `<database>-txlock`: the kernel hands the lock
    from writer to writer, nobody starves, and a killed process releases it at once.
    The wait has no timeout of its own: a writer waits as long as the transactions ahead
    of it take (milliseconds each); only a process stopped inside a transaction (SIGSTOP)
    would hold the others, as a stopped PostgreSQL session holding row locks would.
    """

    def _lock_fd(self) -> int | None:
        if self.database == ":memory:" or not self.database:
            return None
        fds = getattr(_lock_files, "fds", None)
        if fds is None:
            fds = _lock_files.fds = {}
        fd = fds.get(self.database)
        if fd is None:
            path = self.database + "-txlock"
            try:  # the database file's permissions: every desk user may write both
                mode = os.stat(self.database).st_mode & 0o666
            except OSError:
                mode = 0o644
            fd = fds[self.database] = os.open(path, os.O_RDWR | os.O_CREAT, mode)
        return fd

    def begin(self, lock_type=None):
        from data.audit import install_sqlite, installed_sqlite

        conn = self.connection()
        if not installed_sqlite(conn):  # the audit triggers, before this connection's first write
            install_sqlite(conn)
        fd = self._lock_fd()
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            super().begin(lock_type)
        except BaseException:
            self._unlock()
            raise

    def _unlock(self) -> None:
        fd = getattr(_lock_files, "fds", {}).get(self.database)
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def commit(self):
        try:
            super().commit()
        finally:
            self._unlock()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._unlock()


def is_postgres_url(target: str) -> bool:
    """True when `target` names a PostgreSQL server rather than a SQLite file."""
    return urlparse(target).scheme in ("postgres", "postgresql", "postgresext")


def make_database(target: str) -> Database:
    """Build (without connecting) a peewee database for a SQLite path or a PostgreSQL URL."""
    if is_postgres_url(target):
        # Imported here: playhouse.db_url loads every driver it knows (~10 ms).
        from playhouse.db_url import parse as parse_url

        params = parse_url(target)
        name = params.pop("database")
        return PostgresqlDatabase(name, **params)
    path = target.removeprefix("sqlite:///") if target.startswith("sqlite:") else target
    if path != ":memory:":
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # lock_type makes every transaction BEGIN IMMEDIATE: writers queue on the busy
    # timeout instead of failing with "database is locked" on lock upgrade.
    return FrontDeskSqlite(
        os.path.expanduser(path),
        pragmas=SQLITE_PRAGMAS,
        timeout=BUSY_TIMEOUT_S,
        lock_type="IMMEDIATE",
    )


def open_database(target: str) -> Database:
    """Point the shared handle at `target` and connect. Returns the real database."""
    if not db.is_closed() if db.obj is not None else False:
        db.close()
    real = make_database(target)
    db.initialize(real)
    real.connect(reuse_if_open=True)
    return real


def close_database() -> None:
    """Close this thread's connection, if any."""
    if db.obj is not None and not db.is_closed():
        db.close()


@contextlib.contextmanager
def transaction() -> Iterator[object]:
    """A write transaction (BEGIN IMMEDIATE on SQLite); nests as a savepoint. On
    PostgreSQL it hands the audit triggers the acting staff member and the clock."""
    with db.atomic() as txn:
        if not is_sqlite():
            from data.audit import pg_transaction_settings

            pg_transaction_settings()
        yield txn


def is_sqlite() -> bool:
    """True when the shared handle points at SQLite."""
    return isinstance(db.obj, SqliteDatabase)


def change_token() -> object | None:
    """A value that changes whenever another connection commits, for cheap polling:
    SQLite's data_version, PostgreSQL's LISTEN/NOTIFY count (data.changes)."""
    if not is_sqlite():
        from data.changes import pg_token

        return pg_token()
    conn = db.connection()
    (version,) = conn.execute("PRAGMA data_version").fetchone()
    return (version, conn.total_changes)

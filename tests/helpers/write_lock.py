"""Another process holding a database's write lock, for as long as a test wants.

`held_write_lock(path, how)`: "sqlite" holds SQLite's own write lock (BEGIN IMMEDIATE, as
another program or a backup would), "txlock" the `<database>-txlock` every FrontDesk writer
takes first (as another desk inside a transaction would); "pg" (the path a PostgreSQL URL)
locks the audit trail's table against writes (every FrontDesk write adds audit lines), as
another desk's long transaction would. The context returns once the lock is held; leaving
it releases the lock (the process is told on its stdin, never timed).

`write_world` (a fixture, SQLite and PostgreSQL) is the desk these tests write from: a
community, a desk clerk 李娜 (desk1), an owner 张晓明 in 3-2-501 with a phone and a billed
fee, the waiting notice after a moment instead of 5 s; `world` is the same on SQLite only.
`held_lock(world)` holds the lock of its database the way that database's writers wait.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

import pytest

HOLDER = """
import fcntl, os, sqlite3, sys
path, how = sys.argv[1], sys.argv[2]
if how == "sqlite":
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
elif how == "pg":
    import psycopg2
    conn = psycopg2.connect(path)
    conn.cursor().execute("LOCK TABLE " + sys.argv[3] + " IN EXCLUSIVE MODE")
else:
    fd = os.open(path + "-txlock", os.O_RDWR | os.O_CREAT, 0o660)
    fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
if how == "sqlite":
    conn.execute("ROLLBACK")
elif how == "pg":
    conn.rollback()
"""


class HeldLock:
    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process

    def release(self) -> None:
        """Let the lock go (and wait for the process to end)."""
        if self.process.poll() is None:
            assert self.process.stdin is not None
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.write("go\n")
                self.process.stdin.flush()
            self.process.wait(timeout=30)


@contextlib.contextmanager
def held_write_lock(path: str, how: str = "sqlite", tables: tuple = ()) -> Iterator[HeldLock]:
    """`tables` (models; on PostgreSQL): the tables locked against writes, the audit trail's
    by default."""
    args = [sys.executable, "-c", HOLDER, path, how]
    if how == "pg":
        from data.models import AuditLog

        args.append(", ".join(f'"{model._meta.table_name}"' for model in tables or (AuditLog,)))
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    held = HeldLock(process)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "held"
        yield held
    finally:
        held.release()
        if process.poll() is None:
            process.kill()
            process.wait()


def held_lock(world: dict, *tables) -> contextlib.AbstractContextManager[HeldLock]:
    """The write lock of `world`'s database, held the way its writers wait: another desk's
    transaction (the -txlock) on SQLite; on PostgreSQL `tables` (models) locked against
    writes, as another desk's transaction writing them would hold them — the audit trail's
    by default, which most writes add to."""
    return held_write_lock(world["path"], "txlock" if world["sqlite"] else "pg", tables)


def _desk(url: str, monkeypatch) -> Iterator[dict]:
    import datetime as dt

    from data import fees, people
    from data.db import close_database, is_sqlite, open_database
    from data.people import PersonInput
    from tests import factories as f
    from widgets import saving

    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-01 09:00")
    monkeypatch.setattr(saving, "WAIT_NOTICE_S", 0.05)
    open_database(url)
    comm = f.community("锦绣花园")
    f.staff("desk1", "李娜")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    item = fees.create_item(comm.id, "垃圾清运费", "room", "monthly")
    fees.add_standard(item.id, "25.50", dt.date(2026, 1, 1))
    fees.bill_period("2027-02", comm.id)
    yield {"path": url, "room": room, "owner": owner, "community": comm.id, "sqlite": is_sqlite()}
    close_database()


@pytest.fixture
def world(sqlite_url, monkeypatch) -> Iterator[dict]:
    yield from _desk(sqlite_url, monkeypatch)


@pytest.fixture
def write_world(db_url, monkeypatch) -> Iterator[dict]:
    yield from _desk(db_url, monkeypatch)

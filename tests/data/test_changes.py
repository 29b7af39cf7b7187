"""Live updates: a commit anywhere else changes this session's change token — SQLite's
data_version, PostgreSQL's current snapshot — at once, and nothing changes it without a
write (on PostgreSQL the snapshot is the whole server's: other databases' writes move it
too, so "nothing happened" is looked for in a quiet moment)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from data.changes import change_token
from data.db import db, is_sqlite, transaction
from data.models import Person
from data.ring_watch import connection_token

WRITE_IN_A_PROCESS = """
import sys
from data.db import open_database, transaction
from data.models import Person
open_database(sys.argv[1])
with transaction():
    Person.create(name=sys.argv[2])
"""


def _write_elsewhere(name: str) -> None:
    """Commit from another connection (another thread opens its own)."""
    def run() -> None:
        from data.db import close_database

        try:
            with transaction():
                Person.create(name=name)
        finally:
            close_database()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()


def _quiet(token) -> bool:
    """Whether `token` stays the same over some reads, in one of several tries (on a
    server other runs write to, a quiet moment)."""
    for _attempt in range(50):
        first = token()
        Person.select().count()
        list(Person.select().limit(5))
        if token() == first:
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("token", [change_token, connection_token], ids=["session", "thread"])
def test_a_commit_on_another_connection_changes_the_token_at_once(database, token):
    before = token()
    assert before is not None
    _write_elsewhere("张晓明")
    assert token() != before  # no waiting: the commit is over when the writer returns
    assert Person.select().where(Person.name == "张晓明").exists()


def test_a_commit_in_another_process_changes_the_token(database, db_url):
    before = change_token()
    subprocess.run([sys.executable, "-c", WRITE_IN_A_PROCESS, db_url, "李四"], check=True,
                   timeout=120)
    assert change_token() != before
    assert Person.select().where(Person.name == "李四").exists()


def test_reads_leave_the_token_alone(database):
    assert _quiet(change_token)
    assert _quiet(connection_token)


def test_a_rolled_back_transaction_breaks_nothing(database):
    """A transaction rolled back need not refresh anything, but the token still reads, the
    session's connection still works, and the next commit elsewhere is seen."""
    with pytest.raises(RuntimeError):
        with transaction():
            Person.create(name="王五")
            raise RuntimeError("given up")
    after = change_token()
    assert after is not None
    assert not Person.select().where(Person.name == "王五").exists()
    _write_elsewhere("赵六")
    assert change_token() != after


def _notify_triggers() -> list[str]:
    return [name for (name,) in db.execute_sql(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND t.tgname = 'fd_changed'")]


def test_migration_0043_takes_the_notify_triggers_away_on_postgresql(database):
    """A database migrated before 0043 carried a trigger on every table sending a
    notification at commit (each took the server's notify-queue lock); 0043 takes them and
    their function away, and a commit still changes the token."""
    import importlib

    if is_sqlite():
        pytest.skip("PostgreSQL's triggers")
    migration = importlib.import_module("data.migrations.0043_drop_change_notify")
    assert _notify_triggers() == []  # a database made now never has them
    migration.down(None, db.obj)  # as 0042 left it
    assert "person" in _notify_triggers()
    migration.up(None, db.obj)
    assert _notify_triggers() == []
    assert db.execute_sql("SELECT count(*) FROM pg_proc WHERE proname = 'fd_changed' "
                          "AND pronamespace = current_schema()::regnamespace").fetchone() == (0,)
    before = change_token()
    _write_elsewhere("孙七")
    assert change_token() != before

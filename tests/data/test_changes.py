"""Live updates: another connection's commit changes this session's change token — SQLite's
data_version, PostgreSQL's LISTEN/NOTIFY — and nothing changes it without a commit."""

from __future__ import annotations

import threading

from data.changes import change_token
from data.db import close_database, open_database, transaction
from data.models import Person


def _write_elsewhere(url: str, name: str) -> None:
    """Commit from another connection (another thread opens its own)."""
    def run() -> None:
        from data.db import db

        with db.connection_context():
            with transaction():
                Person.create(name=name)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()


def test_a_commit_elsewhere_changes_the_token(database, db_url):
    first = change_token()
    assert change_token() == first  # nothing happened
    _write_elsewhere(db_url, "张晓明")
    import time

    deadline = time.monotonic() + 5
    while change_token() == first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert change_token() != first
    settled = change_token()
    assert change_token() == settled
    close_database()
    open_database(db_url)


def test_one_notification_per_transaction_on_postgresql(database, db_url):
    """A transaction touching several tables, statement after statement, queues one
    notification (the payload is the schema alone: PostgreSQL folds identical ones)."""
    import time

    import pytest

    from data.db import is_sqlite
    from data.models import Community

    if is_sqlite():
        pytest.skip("PostgreSQL's LISTEN/NOTIFY")
    from data.changes import PgListener

    listener = PgListener()
    try:
        before = listener.poll()
        with transaction():
            Person.create(name="张晓明")
            Person.create(name="李四")
            Community.create(name="通知小区", code="TZ")
        deadline = time.monotonic() + 5
        while listener.poll() == before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        assert listener.poll() == before + 1
    finally:
        listener.close()

"""A write the clerk may cancel (data.waits): it waits behind another process's write lock
without a timeout of its own, gives up when cancelled (nothing written), and goes through
once the lock is released — on SQLite behind SQLite's own lock and behind the -txlock, on
PostgreSQL behind a table lock held by another connection."""

from __future__ import annotations

import threading

import pytest

from data import people
from data.db import close_database, is_sqlite, make_database, open_database
from data.models import Person
from data.people import PersonInput
from data.waits import WriteCancelled, WriteWait, cancellable, current_wait
from tests.helpers.write_lock import held_write_lock


class Writer(threading.Thread):
    """Creates a person in a cancellable write, on its own thread (its own connection)."""

    def __init__(self, name: str) -> None:
        super().__init__(daemon=True)
        self.person_name = name
        self.wait = WriteWait()
        self.result: object = None
        self.error: BaseException | None = None
        self.started_write = threading.Event()

    def run(self) -> None:
        try:
            with cancellable(self.wait):
                self.started_write.set()
                self.result = people.create_person(PersonInput(name=self.person_name))
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.error = exc
        finally:
            close_database()


def names() -> set[str]:
    return {p.name for p in Person.select()}


@pytest.mark.parametrize("how", ["sqlite", "txlock"])
def test_a_cancelled_write_behind_another_process_writes_nothing(sqlite_url, how):
    open_database(sqlite_url)
    try:
        with held_write_lock(sqlite_url, how):
            writer = Writer("等候者")
            writer.start()
            writer.started_write.wait(30)
            writer.wait.cancel()
            writer.join(30)
            assert not writer.is_alive()
            assert isinstance(writer.error, WriteCancelled)
            assert "F10" in writer.error.message
        assert "等候者" not in names()
        # the lock gone, the same write goes through
        people.create_person(PersonInput(name="之后"))
        assert "之后" in names()
    finally:
        close_database()


@pytest.mark.parametrize("how", ["sqlite", "txlock"])
def test_a_waiting_write_goes_through_once_the_lock_is_released(sqlite_url, how):
    open_database(sqlite_url)
    try:
        with held_write_lock(sqlite_url, how) as held:
            writer = Writer("耐心者")
            writer.start()
            writer.started_write.wait(30)
            assert "耐心者" not in names()
            held.release()
            writer.join(60)
        assert writer.error is None and not writer.is_alive()
        assert "耐心者" in names()
    finally:
        close_database()


def test_the_wait_belongs_to_its_thread_and_block():
    wait = WriteWait()
    assert current_wait() is None
    with cancellable(wait):
        assert current_wait() is wait
        seen: list[object] = []
        other = threading.Thread(target=lambda: seen.append(current_wait()))
        other.start()
        other.join()
        assert seen == [None]
    assert current_wait() is None
    wait.cancel()
    with pytest.raises(WriteCancelled):
        wait.check()


def test_a_cancelled_write_does_not_start(database):
    wait = WriteWait()
    wait.cancel()
    with cancellable(wait), pytest.raises(WriteCancelled):
        people.create_person(PersonInput(name="从未"))
    assert "从未" not in names()


@pytest.mark.postgres
def test_postgres_a_write_waiting_on_a_table_lock_is_cancelled(db_url):
    open_database(db_url)
    if is_sqlite():
        close_database()
        pytest.skip("the PostgreSQL half")
    holder = make_database(db_url)
    holder.connect()
    try:
        conn = holder.connection()
        conn.autocommit = False
        cursor = conn.cursor()
        cursor.execute(f"LOCK TABLE {Person._meta.table_name} IN EXCLUSIVE MODE")
        writer = Writer("等候者")
        writer.start()
        writer.started_write.wait(30)
        writer.wait.cancel()
        writer.join(30)
        assert not writer.is_alive()
        assert isinstance(writer.error, WriteCancelled)
        conn.rollback()
        assert "等候者" not in names()

        cursor.execute(f"LOCK TABLE {Person._meta.table_name} IN EXCLUSIVE MODE")
        writer = Writer("耐心者")
        writer.start()
        writer.started_write.wait(30)
        conn.rollback()  # released
        writer.join(60)
        assert writer.error is None and "耐心者" in names()
    finally:
        holder.close()
        close_database()

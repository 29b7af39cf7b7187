"""SQLite writers queue for the -txlock in ticket order (data.db): many writers at once all
get through and lose nothing, a writer killed while it waits in the queue holds nobody up,
a killed writer loses nothing it committed, and the WAL is checkpointed by the writers
(after they let the next one in) so it does not grow without bound."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import data.db as db_module
from data import people
from data.db import close_database, open_database, transaction
from data.models import Person, Setting
from data.people import PersonInput
from data.soak import COUNTER_KEY, increment_counter
from tests.helpers.write_lock import held_write_lock

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def tickets_drawn(path: str) -> int:
    """How many places in the writers' queue have been taken (the -txlock's count)."""
    with open(path + "-txlock", "rb") as handle:
        return int.from_bytes(handle.read(8).ljust(8, b"\0"), "little")


def until(condition, what: str, limit_s: float = 60) -> None:
    """Wait for `condition()` (another process's progress); fail naming `what` if it never comes."""
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_writers_on_many_threads_all_get_through_and_lose_no_increment(sqlite_url):
    open_database(sqlite_url)
    with transaction():
        Setting.create(key=COUNTER_KEY, value="0")
    close_database()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            open_database_in_thread(sqlite_url)
            for _n in range(30):
                increment_counter()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            errors.append(exc)
        finally:
            close_database()

    threads = [threading.Thread(target=work, daemon=True) for _i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a writer never got its turn"
    assert errors == []
    open_database(sqlite_url)
    try:
        assert Setting.get(Setting.key == COUNTER_KEY).value == "180"
    finally:
        close_database()


def open_database_in_thread(path: str) -> None:
    """The shared handle is process-wide; each thread has its own connection and -txlock fd."""
    if db_module.db.obj is None or db_module.db.obj.database != path:
        open_database(path)


WAITER = """
import sys
from data.db import open_database
from data import people
from data.people import PersonInput
open_database(sys.argv[1])
print("ready", flush=True)
people.create_person(PersonInput(name="被杀的等候者"))
"""


def test_a_writer_killed_while_it_waits_in_the_queue_holds_nobody_up(sqlite_url):
    open_database(sqlite_url)
    try:
        with held_write_lock(sqlite_url, "txlock") as held:
            drawn = tickets_drawn(sqlite_url)
            waiter = subprocess.Popen([sys.executable, "-c", WAITER, sqlite_url], cwd=ROOT,
                                      stdout=subprocess.PIPE, text=True)
            try:
                assert waiter.stdout is not None and waiter.stdout.readline().strip() == "ready"
                until(lambda: tickets_drawn(sqlite_url) > drawn, "the other writer never queued")
                done = threading.Event()
                errors: list[BaseException] = []

                def write() -> None:
                    try:
                        people.create_person(PersonInput(name="后来者"))
                    except BaseException as exc:  # noqa: BLE001
                        errors.append(exc)
                    finally:
                        close_database()
                        done.set()

                threading.Thread(target=write, daemon=True).start()
                until(lambda: tickets_drawn(sqlite_url) > drawn + 1, "this writer never queued")
                waiter.send_signal(signal.SIGKILL)  # killed in the queue, before its turn
                waiter.wait(30)
                held.release()
                assert done.wait(60), "the write behind a killed writer never went through"
                assert errors == []
            finally:
                if waiter.poll() is None:
                    waiter.kill()
                    waiter.wait()
        names = {p.name for p in Person.select()}
        assert "后来者" in names and "被杀的等候者" not in names
    finally:
        close_database()


COMMITTER = """
import os, signal, sys
from data.db import open_database
from data import people
from data.people import PersonInput
open_database(sys.argv[1])
for n in range(40):
    people.create_person(PersonInput(name=f"已提交{n}"))
os.kill(os.getpid(), signal.SIGKILL)  # no close, no checkpoint: killed after its commits
"""


def test_a_killed_writer_loses_nothing_it_committed(sqlite_url):
    process = subprocess.run([sys.executable, "-c", COMMITTER, sqlite_url], cwd=ROOT, timeout=120)
    assert process.returncode == -signal.SIGKILL
    open_database(sqlite_url)
    try:
        names = {p.name for p in Person.select()}
        assert {f"已提交{n}" for n in range(40)} <= names
    finally:
        close_database()


def test_the_writers_checkpoint_the_wal_so_it_stays_bounded(sqlite_url):
    open_database(sqlite_url)
    try:
        db_module.db.execute_sql("CREATE TABLE blob_test (x BLOB)")
        for _n in range(2500):  # about 2 500 pages of 4 KB: well past CHECKPOINT_PAGES
            with transaction():
                db_module.db.execute_sql("INSERT INTO blob_test VALUES (randomblob(3000))")
        # Without the writers' own checkpoints SQLite's (at 10 000 pages) would not have
        # run yet and the WAL would hold all 2 500 pages (10 MB).
        assert os.path.getsize(sqlite_url + "-wal") < 6 * 1024 * 1024
        assert db_module.db.execute_sql("SELECT count(*) FROM blob_test").fetchone()[0] == 2500
    finally:
        close_database()

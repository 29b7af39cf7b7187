"""The one database handle: opening SQLite or PostgreSQL, pragmas, and write transactions."""

from __future__ import annotations

import contextlib
import fcntl
import grp
import itertools
import os
import re
import sqlite3
import stat
import struct
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlparse

from peewee import Database, DatabaseProxy, Model, Node, PostgresqlDatabase, SqliteDatabase
from peewee import DatabaseError as PeeweeDatabaseError

from data.errors import FrontDeskError
from data.i18n import _
from data.waits import WriteCancelled, WriteWait, current_wait

#: Every model is bound to this proxy; `open_database` points it at a real database once.
db = DatabaseProxy()

#: What runs before a SQLite connection's first write transaction, with the sqlite3
#: connection (each hook checks cheaply whether it already ran on it), and at the start of
#: every PostgreSQL write transaction. The handle knows no rule: the audit trail registers
#: its triggers here (data/__init__.py wires it, so every process using data/ has them).
_sqlite_write_hooks: list[Callable[[sqlite3.Connection], None]] = []
_pg_transaction_hooks: list[Callable[[], None]] = []


def before_sqlite_write(hook: Callable[[sqlite3.Connection], None]) -> None:
    """Run `hook(conn)` at the BEGIN of every SQLite write transaction, before it writes."""
    if hook not in _sqlite_write_hooks:
        _sqlite_write_hooks.append(hook)


def before_pg_write(hook: Callable[[], None]) -> None:
    """Run `hook()` first thing in every PostgreSQL write transaction (`transaction()`)."""
    if hook not in _pg_transaction_hooks:
        _pg_transaction_hooks.append(hook)

#: SQLite busy timeout, seconds (SPEC §4: at least 5 s).
BUSY_TIMEOUT_S = 10

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("busy_timeout", BUSY_TIMEOUT_S * 1000),
    ("synchronous", "normal"),
    ("cache_size", -32_000),  # 32 MB page cache per connection
    ("temp_store", "memory"),
    # SQLite checkpoints the WAL inside the COMMIT that crosses this many pages — while the
    # -txlock is held, so every writer queued behind waited for it (20–80 ms, on a
    # busy machine longer). `FrontDeskSqlite.commit` checkpoints after the -txlock is
    # released instead, from CHECKPOINT_PAGES on; this is the safety net should it not.
    ("wal_autocheckpoint", 10_000),
)
#: A database file larger than this is read through a memory map (SQLITE_MAP_PRAGMA): at a
#: million owners a search reads a few hundred pages that are in the OS cache but not in
#: the page cache, one read() call each without the map (about a fifth of the search).
#: A smaller file is mostly in the page cache: mapping it only adds the resident pages the
#: kernel maps around each one touched (7 MB on the 2 000-owner demo at start-up).
SQLITE_MAP_ABOVE = 256 * 1024 * 1024
#: Address space only (pages count once touched); SQLite's largest map, 2 GB.
SQLITE_MAP_PRAGMA = ("mmap_size", 0x7FFF0000)
#: WAL pages not yet copied into the database after which a committing writer checkpoints
#: (PASSIVE: it waits for nobody), once it has let the next writer in.
CHECKPOINT_PAGES = 1000
#: A database this user may only read: no pragma that writes the file (journal_mode).
SQLITE_READ_ONLY_PRAGMAS = tuple(p for p in SQLITE_PRAGMAS if p[0] != "journal_mode")

#: The first bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseFileError(FrontDeskError):
    """The database file cannot be used as it is: missing, not a database, damaged, or not
    readable or writable for this user. The message names the file and what to do."""


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


def _mode_text(mode: int) -> str:
    return stat.filemode(stat.S_IFREG | (mode & 0o777))[1:]


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def share_like(fd: int, database: str | Path) -> None:
    """Give the open file `fd` (a file FrontDesk made beside a database: the writers' lock,
    a backup, a new demo file) the database file's group and permission bits, whatever
    the umask: in a shared deployment every member of the group may use it. Best effort:
    only the file's owner may change them, and only to a group the owner is in."""
    try:
        want = os.stat(database)
        have = os.fstat(fd)
    except OSError:
        return
    if have.st_uid != os.geteuid() and os.geteuid() != 0:
        return
    if have.st_gid != want.st_gid:
        with contextlib.suppress(OSError):
            os.fchown(fd, -1, want.st_gid)
    if have.st_mode & 0o777 != want.st_mode & 0o666:
        with contextlib.suppress(OSError):
            os.fchmod(fd, want.st_mode & 0o666)


def _open_lock_file(database: str) -> int:
    """Open (creating it if need be) `<database>-txlock` with the database's group and mode."""
    path = database + "-txlock"
    flags = os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            fd = os.open(path, flags)
    except OSError as exc:
        try:
            info = os.stat(database)
            mode, group = _mode_text(info.st_mode & 0o666), _group_name(info.st_gid)
        except OSError:
            mode, group = "rw-rw----", "?"
        raise DatabaseFileError(_(
            "Cannot open the lock file {path} for writing ({reason}): like the database it "
            "needs mode {mode} and group {group}, in a folder the group may write."
        ).format(path=path, reason=exc.strerror or exc, mode=mode, group=group)) from exc
    share_like(fd, database)
    return fd


#: This thread's deadline under `time_limited_read` (time.monotonic()), or none.
_read_deadline = threading.local()


class _Deadlined:
    """A database whose statements are not started past this thread's `time_limited_read`
    deadline: the limit holds over a read's many statements, not only for each (on a
    distant PostgreSQL server each round trip counts)."""

    def execute_sql(self, sql, params=None):
        deadline = getattr(_read_deadline, "at", None)
        if deadline is not None and time.monotonic() > deadline:
            raise ReadTooSlow()
        return super().execute_sql(sql, params)  # type: ignore[misc]


class FrontDeskPostgres(_Deadlined, PostgresqlDatabase):
    """The PostgreSQL database (`_Deadlined`)."""


class FrontDeskSqlite(_Deadlined, SqliteDatabase):
    """SQLite with the audit trail's TEMP triggers on every connection that writes (data.audit,
    through `before_sqlite_write`; every write runs in `transaction()`, whose BEGIN installs
    them first), and writers queued fairly.

    SQLite's busy handler lets a newcomer take the write lock ahead of a writer that has
    been waiting for seconds (the waiters sleep in growing steps), so with thirty writers
    some waited past the busy timeout ("database is locked"). Every write transaction
    first takes an exclusive `flock` on `<database>-txlock`, queued in ticket order (the
    writers' queue below: flock alone wakes every waiter and lets the fastest, usually
    the one that just unlocked, win), and a killed process releases both at once.
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
            # The database file's group and mode, umask or not: every desk user may write both.
            fd = fds[self.database] = _open_lock_file(self.database)
        return fd

    #: Opened read-only (this user may not write the file): how SQLite is asked to open it.
    read_only: str | None = None

    def _connect(self):
        if not self.read_only:
            return super()._connect()
        uri = f"file:{quote(os.path.abspath(self.database))}?{self.read_only}"
        conn = sqlite3.connect(uri, uri=True, timeout=self._timeout, isolation_level=None,
                               **self.connect_params)
        try:
            self._add_conn_hooks(conn)
        except Exception:
            conn.close()
            raise
        return conn

    def _close(self, conn):
        try:
            super()._close(conn)
        finally:  # the lock file's fd lives as long as this thread's connection
            for name in ("fds", "shm"):
                fd = getattr(_lock_files, name, {}).pop(self.database, None)
                if fd is not None:
                    os.close(fd)

    def begin(self, lock_type=None):
        if self.read_only:
            raise DatabaseFileError(read_only_message(self.database))
        conn = self.connection()
        for hook in _sqlite_write_hooks:  # the audit triggers, before this connection's first write
            hook(conn)
        fd = self._lock_fd()
        wait = current_wait()  # a write the clerk may cancel (data.waits): waits in slices
        if fd is not None:
            _take_write_turn(fd, wait)
        try:
            if wait is None:
                super().begin(lock_type)
            else:
                self._begin_cancellable(lock_type, wait)
        except BaseException:
            self._unlock()
            raise

    def _begin_cancellable(self, lock_type, wait: WriteWait) -> None:
        """BEGIN IMMEDIATE behind a transaction that holds the write lock without the
        -txlock (another program, a backup): SQLite's busy handler is given a slice at a
        time, the cancel flag checked between slices; no overall timeout (the clerk sees
        that the desk waits, and may cancel)."""
        conn = self.connection()
        conn.execute(f"PRAGMA busy_timeout = {int(wait.SLICE_S * 1000)}")
        try:
            while True:
                wait.check()
                try:
                    super().begin(lock_type)
                    return
                except (sqlite3.OperationalError, PeeweeDatabaseError) as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                wait.sleep(0.005)  # (a busy answered at once would spin)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")

    def _unlock(self) -> None:
        fd = getattr(_lock_files, "fds", {}).get(self.database)
        if fd is not None:
            _give_write_turn(fd)

    def commit(self):
        try:
            super().commit()
        finally:
            self._unlock()
        self._checkpoint_if_due()

    def _checkpoint_if_due(self) -> None:
        """Checkpoint the WAL (PASSIVE) when CHECKPOINT_PAGES of it are not yet in the
        database: after the commit, outside the -txlock, so it delays this writer alone
        (the others go on writing to the WAL meanwhile). How far the WAL is ahead is read
        from the wal-index header in the -shm file (sqlite.org/walformat.html: mxFrame at
        byte 16, nBackfill at byte 96, native byte order), a read of 100 bytes."""
        fd = self._shm_fd()
        if fd is None:
            return
        try:
            header = os.pread(fd, 100, 0)
        except OSError:
            return
        if len(header) < 100:
            return
        last_frame, backfilled = struct.unpack_from("=I", header, 16)[0], struct.unpack_from(
            "=I", header, 96)[0]
        if last_frame - backfilled < CHECKPOINT_PAGES:
            return
        with contextlib.suppress(sqlite3.Error, PeeweeDatabaseError):  # the net remains
            self.connection().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _shm_fd(self) -> int | None:
        """This thread's read-only fd of the database's -shm file (opened with its -txlock)."""
        fds = getattr(_lock_files, "shm", None)
        if fds is None:
            fds = _lock_files.shm = {}
        fd = fds.get(self.database)
        if fd is None and self.database in getattr(_lock_files, "fds", {}):
            with contextlib.suppress(OSError):
                fd = fds[self.database] = os.open(self.database + "-shm",
                                                  os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        return fd

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._unlock()


# --- the writers' queue ------------------------------------------------------------------------
#
# flock alone is not fair: an unlock wakes every waiter and the first one scheduled wins,
# which on a busy machine is nearly always the process that just unlocked and runs on to
# its next transaction. With 32 writers on 2 cores half the transactions took the lock at
# once and a few waited 0.5–1 s behind newcomers (the soak's p99). So writers first queue
# in ticket order on single-byte open-file-description locks in the same file: a writer
# draws ticket t (the file's first 8 bytes count them, drawn under a lock on byte 0),
# holds byte TICKETS + t until it holds the flock, and before taking the flock waits for
# byte TICKETS + t - 1, which its predecessor holds until it has the flock. Each byte has
# one waiter, woken alone: first come, first served; the next in line wakes while the
# transaction ahead runs (see `_flock_next`). These locks are the kernel's: a killed or
# cancelled writer's byte is freed at once and the one behind it goes on to the flock,
# which remains the lock itself (the queue orders writers, never lets two in; a FrontDesk
# without the queue, or a test holding the flock, still excludes and is still excluded).

_OFD_SETLK: int | None = getattr(fcntl, "F_OFD_SETLK", None)  # Linux ≥ 3.15
_OFD_SETLKW: int | None = getattr(fcntl, "F_OFD_SETLKW", None)
#: Byte locked while a ticket is drawn; ticket t is the byte at _TICKETS + t.
_GUARD = 0
_TICKETS = 1 << 32
#: Longest pause between two looks at the lock for a write the clerk may cancel: the
#: queue waits for such a writer to notice its turn, so it looks often.
_POLL_MAX_S = 0.01


def _range_lock(fd: int, command: int, kind: int, start: int) -> None:
    """One open-file-description lock (`kind`: F_WRLCK, F_RDLCK, F_UNLCK) on the byte `start`."""
    fcntl.fcntl(fd, command, struct.pack("hhqqi4x", kind, os.SEEK_SET, start, 1, 0))


def _poll(attempt: Callable[[], None], wait: WriteWait) -> None:
    """Call `attempt` (a non-blocking lock) until it succeeds, checking the cancel flag
    between tries: first every few milliseconds, then every `_POLL_MAX_S`."""
    delay = 0.001
    while True:
        wait.check()
        try:
            attempt()
            return
        except (BlockingIOError, PermissionError):  # EWOULDBLOCK/EAGAIN, or EACCES (fcntl)
            wait.sleep(delay)
            delay = min(delay * 2, _POLL_MAX_S, wait.SLICE_S)


def _draw_ticket(fd: int, wait: WriteWait | None) -> int | None:
    """Join the writers' queue: the next ticket, its byte held. None without the queue
    (no OFD locks on this system, or the file refuses them): the flock alone serves."""
    global _OFD_SETLKW
    if _OFD_SETLKW is None or _OFD_SETLK is None:
        return None
    setlk, setlkw = _OFD_SETLK, _OFD_SETLKW
    try:
        if wait is None:
            _range_lock(fd, setlkw, fcntl.F_WRLCK, _GUARD)
        else:
            _poll(lambda: _range_lock(fd, setlk, fcntl.F_WRLCK, _GUARD), wait)
    except OSError as exc:
        if isinstance(exc, BlockingIOError | PermissionError):
            raise
        _OFD_SETLKW = None  # EINVAL and the like: no byte-range locks here; flock only
        return None
    try:
        raw = os.pread(fd, 8, 0)
        ticket = int.from_bytes(raw, "little") if len(raw) == 8 else 0
        os.pwrite(fd, (ticket + 1).to_bytes(8, "little"), 0)
        try:
            _range_lock(fd, setlk, fcntl.F_WRLCK, _TICKETS + ticket)
        except OSError:
            return None  # the byte is taken (the count was reset under a live writer): flock only
    finally:
        _range_lock(fd, setlk, fcntl.F_UNLCK, _GUARD)
    return ticket


def _take_write_turn(fd: int, wait: WriteWait | None) -> None:
    """Take the flock on `<database>-txlock`: at once if it is free this instant, else
    after queueing behind the writers ahead. Without a cancellable `wait` both waits block;
    with one they poll, and a cancel (WriteCancelled) leaves the queue at once.

    A writer on a CPU that finds the flock free takes it: strictly first come, first
    served left the flock idle after every transaction until the scheduler ran the writer
    next in line (the soak: 630 → 380 transactions/s at load 7). The one in line keeps
    trying while it waits, so it loses only when it is not running: the lock never idles
    for it, and it never waits behind more than the few writers that found it free."""
    if wait is None:
        try:  # free this instant (nobody in line is ready for it): take it, no queueing
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
    ticket = _draw_ticket(fd, wait)
    try:
        if ticket:  # ticket 0 has no predecessor
            before = _TICKETS + ticket - 1
            assert _OFD_SETLK is not None and _OFD_SETLKW is not None
            setlk, setlkw = _OFD_SETLK, _OFD_SETLKW
            if wait is None:
                _range_lock(fd, setlkw, fcntl.F_RDLCK, before)
            else:
                _poll(lambda: _range_lock(fd, setlk, fcntl.F_RDLCK, before), wait)
            _range_lock(fd, setlk, fcntl.F_UNLCK, before)
        if wait is not None:
            _poll(lambda: fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB), wait)
        elif ticket is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            _flock_next(fd)
    finally:
        # Holding the flock (or giving up): the writer behind is next, and wakes now, while
        # this transaction runs, so that it is on a CPU when the flock comes free.
        if ticket is not None and _OFD_SETLK is not None:
            _range_lock(fd, _OFD_SETLK, fcntl.F_UNLCK, _TICKETS + ticket)


#: How long the writer next in line keeps trying for the flock before it sleeps in it,
#: seconds: several transactions' time (a writer that finds the flock free takes it
#: without queueing, so the one in line may lose it a few times to a writer on a CPU).
_SPIN_S = 0.02


def _flock_next(fd: int) -> None:
    """The flock, for the writer next in line: tried again and again (yielding the CPU in
    between) while the transaction ahead runs, then waited for. A writer woken from a
    blocking flock is handed the lock only when the scheduler next runs it — milliseconds
    on a busy machine, during which nobody writes; one that keeps trying takes it at once."""
    deadline = time.perf_counter() + _SPIN_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.perf_counter() > deadline:
                break
            os.sched_yield()
    fcntl.flock(fd, fcntl.LOCK_EX)


def _give_write_turn(fd: int) -> None:
    """Release the flock: the writer next in line takes it."""
    fcntl.flock(fd, fcntl.LOCK_UN)


def is_postgres_url(target: str) -> bool:
    """True when `target` names a PostgreSQL server rather than a SQLite file."""
    return urlparse(target).scheme in ("postgres", "postgresql", "postgresext")


def read_only_message(path: str) -> str:
    """Why a write to the SQLite file `path` cannot happen, and what it needs."""
    folder = os.path.dirname(os.path.abspath(path))
    return _(
        "{path} is read-only for you, so this command cannot change it: writing needs write "
        "permission on the file (mode rw-rw---- for the desk users' group) and on its folder {folder}."
    ).format(path=path, folder=folder)


def _writable(path: str) -> bool:
    """May this user write the SQLite file `path` in WAL mode (the file, and its -wal and
    -shm beside it, which SQLite creates in the folder when they are missing)?"""
    if not os.access(path, os.R_OK | os.W_OK):
        return False
    folder = os.path.dirname(os.path.abspath(path))
    if os.access(folder, os.W_OK | os.X_OK):
        return True
    return all(os.access(path + s, os.R_OK | os.W_OK) for s in ("-wal", "-shm"))


def check_sqlite_file(path: str, *, create: bool = False) -> str | None:
    """Check the SQLite file `path` before it is opened; raise DatabaseFileError naming the
    file and what to do when it cannot be. Returns how to open it read-only (a URI query)
    when this user may read but not write it, else None.

    Without `create` a missing or empty (0-byte) file is an error (a mistyped path must not
    silently become a new, empty database); with it the file may be made, but never its
    folders."""
    file = Path(path)
    if not file.exists():
        if not create:
            raise DatabaseFileError(_(
                "No database at {path} — check the path, or create one with "
                "`frontdesk --db {path} migrate`."
            ).format(path=path))
        if not file.parent.is_dir():
            raise DatabaseFileError(_(
                "The folder {folder} does not exist: create it first (migrate makes the "
                "database file, not its folders)."
            ).format(folder=file.parent))
        return None
    if file.is_dir():
        raise DatabaseFileError(_(
            "{path} is a folder, not a database file: give the path of the database file."
        ).format(path=path))
    try:
        with open(file, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
        size = file.stat().st_size
    except OSError as exc:
        info = _safe_stat(path)
        raise DatabaseFileError(_(
            "Cannot read {path} ({reason}): the desk users need read and write permission "
            "on it (mode rw-rw----, group {group})."
        ).format(path=path, reason=exc.strerror or exc,
                 group=_group_name(info.st_gid) if info else "?")) from exc
    if not size and not create:  # an empty file is no database: only migrate makes one
        raise DatabaseFileError(_(
            "{path} is an empty file, not a database — check the path, or create one with "
            "`frontdesk --db {path} migrate`."
        ).format(path=path))
    if size and head != SQLITE_MAGIC:
        raise DatabaseFileError(_(
            "{path} is not a FrontDesk database (not even a SQLite file): check the path."
        ).format(path=path))
    if _writable(path):
        return None
    if os.path.exists(path + "-shm") or os.access(os.path.dirname(os.path.abspath(path)),
                                                  os.W_OK | os.X_OK):
        return "mode=ro"
    # A WAL database needs its -shm, which cannot be made here; nobody has the file open
    # (an open WAL database always has one), so it is read as the unchanging file it is.
    return "mode=ro&immutable=1"


def _safe_stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def make_database(target: str, *, create: bool = False) -> Database:
    """Build (without connecting) a peewee database for a SQLite path or a PostgreSQL URL.

    A SQLite file is checked first (`check_sqlite_file`): it must exist unless `create`,
    and one this user may only read is opened read-only."""
    if is_postgres_url(target):
        # Imported here: playhouse.db_url loads every driver it knows (~10 ms).
        from playhouse.db_url import parse as parse_url

        params = parse_url(target)
        name = params.pop("database")
        return FrontDeskPostgres(name, **params)
    path = target.removeprefix("sqlite:///") if target.startswith("sqlite:") else target
    path = os.path.expanduser(path)
    read_only = None if path == ":memory:" else check_sqlite_file(path, create=create)
    # lock_type makes every transaction BEGIN IMMEDIATE: writers queue on the busy
    # timeout instead of failing with "database is locked" on lock upgrade.
    pragmas = SQLITE_READ_ONLY_PRAGMAS if read_only else SQLITE_PRAGMAS
    stat = None if path == ":memory:" else _safe_stat(path)
    if stat is not None and stat.st_size > SQLITE_MAP_ABOVE:
        pragmas = (*pragmas, SQLITE_MAP_PRAGMA)
    real = FrontDeskSqlite(
        path,
        pragmas=pragmas,
        timeout=BUSY_TIMEOUT_S,
        lock_type="IMMEDIATE",
    )
    real.read_only = read_only
    return real


def open_database(target: str, *, create: bool = False) -> Database:
    """Point the shared handle at `target` and connect. Returns the real database.

    A SQLite file must exist unless `create` (`frontdesk migrate`, a new demo or test
    file); a file that cannot be used raises DatabaseFileError naming it."""
    if not db.is_closed() if db.obj is not None else False:
        db.close()
    real = make_database(target, create=create)
    db.initialize(real)
    try:
        real.connect(reuse_if_open=True)
    except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:
        problem = database_problem(exc)
        if problem is None:
            raise
        raise problem from exc
    return real


def database_problem(exc: BaseException) -> DatabaseFileError | None:
    """What a SQLite error raised while using the shared handle says about its file, as a
    message naming the file and what to do; None for any other error."""
    if not is_sqlite() or not isinstance(exc, sqlite3.DatabaseError | PeeweeDatabaseError):
        return None
    path = db.obj.database
    text = str(exc).lower()
    if "file is not a database" in text:
        message = _("{path} is not a FrontDesk database (not even a SQLite file): check the path.")
    elif "disk image is malformed" in text or "malformed database schema" in text or "database corrupt" in text:
        # (not any "malformed": SQLite's json() says "malformed JSON" of a bad value)
        message = _("{path} is damaged (SQLite: database disk image is malformed): restore the "
                    "last backup with `frontdesk --db {path} restore BACKUP`.")
    elif "readonly" in text or "read-only" in text:
        return DatabaseFileError(read_only_message(path))
    elif "unable to open" in text:
        message = _("SQLite cannot open {path}: the desk users need read and write permission "
                    "on the file and on its folder {folder}.")
    elif "disk i/o error" in text:
        message = _("Reading or writing {path} failed (disk I/O error): check the disk and the "
                    "permissions of the file, its -wal and -shm files and its folder {folder}.")
    elif "database or disk is full" in text:
        message = _("The disk holding {path} is full: free some space, then try again.")
    else:
        return None
    folder = os.path.dirname(os.path.abspath(path))
    return DatabaseFileError(message.format(path=path, folder=folder))


def close_database() -> None:
    """Close this thread's connection, if any."""
    if db.obj is not None and not db.is_closed():
        db.close()


@contextlib.contextmanager
def transaction() -> Iterator[object]:
    """A write transaction (BEGIN IMMEDIATE on SQLite); nests as a savepoint. On
    PostgreSQL it first runs the `before_pg_write` hooks (the audit trail hands its
    triggers the acting staff member and the clock)."""
    wait = current_wait()
    if wait is None or is_sqlite():
        with db.atomic() as txn:
            if not is_sqlite():
                for hook in _pg_transaction_hooks:
                    hook()
            yield txn
        return
    # PostgreSQL, a write the clerk may cancel (data.waits): cancelling stops the statement
    # waiting for a lock; the transaction rolls back and says so.
    conn = db.connection()
    try:
        with wait.on_cancel(conn.cancel):
            wait.check()  # after the hook is in place: a cancel now either sees it or is seen
            with db.atomic() as txn:
                for hook in _pg_transaction_hooks:
                    hook()
                yield txn
    except PeeweeDatabaseError as exc:
        if wait.cancelled:
            raise WriteCancelled() from exc
        raise


class ReadTooSlow(Exception):
    """A read under `time_limited_read` took longer than it was given (for its caller to
    catch: never said to the clerk)."""


@contextlib.contextmanager
def time_limited_read(seconds: float) -> Iterator[None]:
    """Reads on this thread's connection that give up after `seconds` (ReadTooSlow): for a
    read the UI thread may afford only when it is quick. No statement starts past the deadline
    (`_Deadlined`); SQLite: a progress handler stops the statement running at the deadline,
    and a lock is waited for `seconds` at most; PostgreSQL: the reads run in a transaction
    whose statements (lock waits included) each time out after `seconds` — the read ends by
    the deadline and one statement's time at most (a server that stops answering is waited
    for, as by every read).
    """
    if is_sqlite():
        conn = db.connection()
        deadline = time.monotonic() + seconds
        conn.set_progress_handler(lambda: time.monotonic() > deadline, 2000)
        # A lock (another process holding the file) is waited for no longer than the read may take.
        conn.execute(f"PRAGMA busy_timeout = {max(1, round(seconds * 1000))}")
        _read_deadline.at = deadline
        try:
            yield
        except PeeweeDatabaseError as exc:
            if time.monotonic() > deadline or "locked" in str(exc):
                raise ReadTooSlow() from exc
            raise
        finally:
            _read_deadline.at = None
            conn.set_progress_handler(None, 0)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        return
    deadline = time.monotonic() + seconds
    try:
        with db.atomic():
            db.execute_sql(f"SET LOCAL statement_timeout = {max(1, round(seconds * 1000))}")
            _read_deadline.at = deadline
            try:
                yield
            finally:
                _read_deadline.at = None  # before the transaction's end, which must run
    except PeeweeDatabaseError as exc:
        if time.monotonic() > deadline or "statement timeout" in str(exc):
            raise ReadTooSlow() from exc
        raise


def is_sqlite() -> bool:
    """True when the shared handle points at SQLite."""
    return isinstance(db.obj, SqliteDatabase)



# --- queries compiled once ----------------------------------------------------------------------


class Slot(Node):
    """A parameter of a `Prepared` query, named, filled in each time the query runs. The
    value is passed to the driver as given (no field conversion): ints, text, None."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __sql__(self, ctx):
        ctx._values.append(self)
        return ctx.literal(ctx.state.param or "?")


#: The prepared statements made on each PostgreSQL connection (they live as long as it).
_PG_PREPARED: weakref.WeakKeyDictionary[object, set[str]] = weakref.WeakKeyDictionary()
_PREPARED_IDS = itertools.count(1)
#: psycopg2's placeholder, and its escaped percent sign (kept: psycopg2 still formats).
_PG_PLACEHOLDER = re.compile(r"%%|%s")


class Prepared:
    """A read query whose SQL is compiled once per kind of database and then run with new
    values for its `Slot`s. Peewee rebuilds the SQL text of every query it runs (for a
    work order with its joins, about a millisecond of CPU: most of what a transaction
    costs under many writers); the hot reads of the write paths are compiled once here.

    `build()` returns the peewee query, with `Slot("name")` where a value goes; `run(**values)`
    returns what iterating the query would (model instances, tuples…, as built)."""

    def __init__(self, build: Callable[[], object]) -> None:
        self._build = build
        self._compiled: dict[tuple, tuple[object, str, list]] = {}
        self._pg_id = next(_PREPARED_IDS)
        self._pg_unpreparable = False

    def _compile(self, database: Database) -> tuple[object, str, list]:
        key = (type(database), database.param, database.quote)
        compiled = self._compiled.get(key)
        if compiled is None:
            query = self._build()
            sql, params = database.get_sql_context().sql(query).query()
            compiled = self._compiled[key] = (query, sql, list(params))
        return compiled

    def run(self, **values: object):
        database = db.obj
        query, sql, params = self._compile(database)
        args = [values[p.name] if isinstance(p, Slot) else p for p in params]
        name = self._pg_prepared(database, sql) if isinstance(database, PostgresqlDatabase) else None
        if name is not None:
            sql = f"EXECUTE {name}({', '.join(['%s'] * len(args))})" if args else f"EXECUTE {name}"
        cursor = database.execute_sql(sql, args)
        return query._get_cursor_wrapper(cursor)  # type: ignore[attr-defined]

    def _pg_prepared(self, database: Database, sql: str) -> str | None:
        """The name of this query's server-side prepared statement on the current
        PostgreSQL connection, made on first use; None when it cannot be prepared (then the
        SQL is sent as text). Planning a work order's eight-table join costs about 10 ms of
        CPU on every run; a prepared statement is planned once per connection (PostgreSQL
        keeps its generic plan after five runs)."""
        if self._pg_unpreparable:
            return None
        conn = database.connection()
        made = _PG_PREPARED.get(conn)
        if made is None:
            made = _PG_PREPARED[conn] = set()
        name = f"fd_prepared_{self._pg_id}"
        if name in made:
            return name
        numbers = iter(range(1, 10_000))
        text = _PG_PLACEHOLDER.sub(lambda m: m.group(0) if m.group(0) == "%%" else f"${next(numbers)}",
                                   sql)
        try:
            with database.atomic():  # a savepoint inside a transaction: a failure leaves it usable
                database.execute_sql(f"PREPARE {name} AS {text}")
        except PeeweeDatabaseError:
            self._pg_unpreparable = True  # a parameter whose type PostgreSQL cannot infer
            return None
        made.add(name)
        return name

    def first(self, **values: object):
        """The first row, or None (build the query with `.limit(1)`: every row is read)."""
        rows = list(self.run(**values))
        return rows[0] if rows else None

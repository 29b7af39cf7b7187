"""Backups (issue 8): an online, consistent copy of the database while others write, a
checked restore, and the copy taken automatically before a migration changes a file.

- SQLite: SQLite's online backup API (`Connection.backup`) copies every page in one step
  inside one read transaction. In WAL mode that read never blocks the writers, and it sees
  exactly the transactions committed before it started — never half of one. The copy is
  written to ``PATH.partial``, switched out of WAL mode (one self-contained file), fsynced
  and only then renamed to PATH, so a crash leaves either no backup or a whole one.
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot by design), restored with
  `pg_restore`.

A restore checks the file before anything is replaced (it is a SQLite file, it passes
`PRAGMA integrity_check` and `PRAGMA foreign_key_check`, it is a FrontDesk database this
program knows — never a newer schema), refuses while a session has the database open,
keeps the current file beside it as a backup, and swaps the new one in with one rename.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from peewee import DatabaseError

from data.db import SQLITE_MAGIC, db, is_postgres_url, is_sqlite, share_like, sidecars
from data.errors import FrontDeskError
from data.i18n import _
from data.migrations import HISTORY_TABLE, shipped

#: How many integrity problems a refusal names at most.
SHOW_PROBLEMS = 3


class BackupError(FrontDeskError):
    """A backup or restore could not be made, or a file is not fit to restore."""


@dataclass(frozen=True)
class BackupResult:
    """What `backup` wrote."""

    path: str
    size: int  # bytes
    seconds: float


@dataclass(frozen=True)
class BackupCheck:
    """What `check_backup` found in a SQLite file: it passed every check."""

    path: str
    applied: tuple[str, ...]
    pending: tuple[str, ...]  # an older schema: `frontdesk migrate` after the restore


@dataclass(frozen=True)
class RestoreResult:
    """What `restore` did."""

    target: str
    check: BackupCheck
    previous: str | None  # where the replaced database was kept, if there was one


# --- small file helpers ------------------------------------------------------------------------


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _share_like(path: Path, database: str | Path) -> None:
    """`path` (a copy of a database) gets the database file's group and mode, umask or not:
    never readable by more people than the database, and usable by the same group."""
    fd = os.open(path, os.O_RDONLY)
    try:
        share_like(fd, database)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _discard(path: Path) -> None:
    for p in [path, *sidecars(path)]:
        p.unlink(missing_ok=True)


def _prepare_target(path: str | Path, force: bool) -> tuple[Path, Path]:
    target = Path(path).expanduser()
    if target.is_dir():
        raise BackupError(_("{path} is a directory: give the backup a file name, such as "
                            "{path}/frontdesk-backup.db.").format(path=target))
    if target.exists() and not force:
        raise BackupError(_("{path} already exists; pass --force to replace it.").format(path=target))
    if not target.parent.is_dir():
        raise BackupError(_("The folder {folder} does not exist.").format(folder=target.parent))
    partial = target.with_name(target.name + ".partial")
    _discard(partial)
    return target, partial


# --- taking a backup -------------------------------------------------------------------------------


def copy_sqlite(source: sqlite3.Connection, target: str | Path, *, force: bool = False) -> Path:
    """Copy the database behind the open connection `source` to `target`, consistently,
    while other connections keep writing (SQLite's online backup API, in one step)."""
    path, partial = _prepare_target(target, force)
    try:
        dest = sqlite3.connect(partial, isolation_level=None)
        try:
            # pages=-1: all pages in one step, inside one read transaction of `source`: a
            # snapshot of the last commit. Copying in several steps would restart whenever
            # another connection commits in between, and could starve under a busy desk.
            source.backup(dest, pages=-1)
            # One self-contained file: readable without creating -wal/-shm beside it
            # (read-only media, another machine). A restored file goes back to WAL on open.
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        live = next((row[2] for row in source.execute("PRAGMA database_list") if row[1] == "main"), "")
        if live:
            _share_like(partial, live)
        _fsync_file(partial)
        os.replace(partial, path)
        _fsync_dir(path.parent)
    except sqlite3.Error as exc:
        _discard(partial)
        raise BackupError(_("Could not write the backup {path}: {reason}").format(
            path=path, reason=exc)) from exc
    except OSError as exc:
        _discard(partial)
        raise BackupError(_("Could not write the backup {path}: {reason}").format(
            path=path, reason=exc.strerror or exc)) from exc
    return path


def refuse_live_database(target: str | Path, *, error: type[FrontDeskError] = BackupError) -> None:
    """Raise `error` when `target` (symbolic links followed) is the open SQLite database or
    one of its sidecars: a backup, an export or a rejects file must never overwrite them."""
    if db.obj is None or not is_sqlite() or db.obj.database in ("", ":memory:"):
        return
    live = Path(db.obj.database).expanduser().resolve()
    wanted = Path(target).expanduser().resolve()
    guarded = [live, *sidecars(live)]
    if wanted in guarded or _same_file(wanted, guarded):
        raise error(_("{path} is the database itself: give the file another name.")
                    .format(path=target))


def _same_file(target: Path, guarded: list[Path]) -> bool:
    """True when `target` is one of `guarded` under another name (a hard link)."""
    try:
        mine = target.stat()
    except OSError:
        return False  # nothing there yet: no link to anything
    for path in guarded:
        try:
            theirs = path.stat()
        except OSError:
            continue
        if (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino):
            return True
    return False


def backup(target: str | Path, *, force: bool = False) -> BackupResult:
    """Back up the database the shared handle is open on to `target` (a file)."""
    started = time.perf_counter()
    if db.obj is None:
        raise BackupError(_("No database is open."))
    if is_sqlite():
        if db.obj.database == ":memory:":
            raise BackupError(_("An in-memory database cannot be backed up."))
        refuse_live_database(target)
        if db.in_transaction():
            # The backup API cannot read through a connection that is writing (it would
            # wait for itself): back up between transactions.
            raise BackupError(_("A backup cannot be taken inside a write transaction."))
        path = copy_sqlite(db.connection(), target, force=force)
    else:
        path = _pg_dump(target, force=force)
    return BackupResult(str(path), path.stat().st_size, time.perf_counter() - started)


def before_migration(first_pending: str) -> Path | None:
    """The automatic backup before a migration changes a SQLite file: written beside it as
    ``<db>.before-<first pending migration>-<timestamp>.bak``. None when there is no file."""
    if not is_sqlite() or db.obj.database in ("", ":memory:"):
        return None
    source = Path(db.obj.database)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.name}.before-{first_pending}-{stamp}.bak")
    return copy_sqlite(db.connection(), target, force=True)


# --- PostgreSQL ------------------------------------------------------------------------------------


def _pg_environment(real) -> dict[str, str]:
    """libpq's variables for the database the shared handle is open on: pg_dump reaches
    the same server, database and schema, and a password never shows on a command line."""
    params = real.connect_params
    env = dict(os.environ)
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"),
                     ("password", "PGPASSWORD"), ("options", "PGOPTIONS")):
        if params.get(key) not in (None, ""):
            env[var] = str(params[key])
    env["PGDATABASE"] = real.database
    return env


def _pg_schema(options: str | None) -> str | None:
    """The schema `-csearch_path=…` in the connection options points at, if any (one
    schema per company, or per test): the dump is limited to it."""
    for part in (options or "").split():
        if part.startswith("-csearch_path="):
            first = part.split("=", 1)[1].split(",")[0].strip().strip('"')
            if first and first != "public":
                return first
    return None


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(_(
            "{tool} was not found on PATH: install the PostgreSQL client tools (Debian/Ubuntu: "
            "apt install postgresql-client) matching the server's version, then try again."
        ).format(tool=name))
    return found


def _pg_dump(target: str | Path, *, force: bool) -> Path:
    real = db.obj
    tool = _tool("pg_dump")
    path, partial = _prepare_target(target, force)
    command = [tool, "--format=custom", f"--file={partial}"]
    schema = _pg_schema(real.connect_params.get("options"))
    if schema:
        command.append(f"--schema={schema}")
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env=_pg_environment(real))
    if done.returncode != 0:
        _discard(partial)
        raise BackupError(_("pg_dump failed: {reason}").format(
            reason=(done.stderr or done.stdout).strip() or done.returncode))
    _fsync_file(partial)
    os.replace(partial, path)
    _fsync_dir(path.parent)
    return path


# --- checking and restoring ------------------------------------------------------------------------

#: What reading a damaged file through the shared handle raises (restoring over it is the way out).
DAMAGED_FILE_ERRORS: tuple[type[Exception], ...] = (DatabaseError,)


def existing_sqlite_file(target: str) -> Path | None:
    """The file `target` names when it is an existing file that starts like a SQLite
    database; None for a PostgreSQL URL, a missing file or any other file."""
    file = Path(target.removeprefix("sqlite:///")).expanduser()
    if is_postgres_url(target) or not file.is_file():
        return None
    with open(file, "rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            return None
    return file


def _problem(path: Path, reason: str) -> BackupError:
    return BackupError(_("{path} cannot be restored: {reason} Nothing was changed.").format(
        path=path, reason=reason))


def check_backup(path: str | Path) -> BackupCheck:
    """Check a SQLite file before it replaces a database: a SQLite file, undamaged
    (`integrity_check`), no dangling references (`foreign_key_check`), and a FrontDesk
    database of a schema this program knows. Raises BackupError saying what is wrong."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise BackupError(_("There is no file {path}.").format(path=file))
    with open(file, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise _problem(file, _("it is not a SQLite database."))
    # immutable=1: read the file as it is, take no locks and create no -wal/-shm beside it
    # (the caller checks a private copy, or a backup nobody writes).
    uri = f"file:{file.resolve()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise _problem(file, _("SQLite cannot open it ({reason}).").format(reason=exc)) from exc
    try:
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(10)")]
        except sqlite3.DatabaseError as exc:
            raise _problem(file, _("the file is damaged ({reason}).").format(reason=exc)) from exc
        if problems != ["ok"]:
            raise _problem(file, _("the file is damaged ({problems}).").format(
                problems="; ".join(problems[:SHOW_PROBLEMS])))
        tables = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if HISTORY_TABLE not in tables or "work_order" not in tables:
            raise _problem(file, _("it is not a FrontDesk database."))
        dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            table, rowid, parent, _fk = dangling[0]
            raise _problem(file, _(
                "{count} row(s) refer to records that do not exist (first: {table} row {rowid} "
                "→ {parent})."
            ).format(count=len(dangling), table=table, rowid=rowid, parent=parent))
        done = {name for (name,) in conn.execute(f'SELECT name FROM "{HISTORY_TABLE}"')}
    except sqlite3.DatabaseError as exc:
        raise _problem(file, _("the file is damaged ({reason}).").format(reason=exc)) from exc
    finally:
        conn.close()
    ours = shipped()
    unknown = sorted(done - set(ours))
    if unknown:
        raise _problem(file, _(
            "it was written by a newer FrontDesk (unknown migrations: {names}); upgrade "
            "FrontDesk first."
        ).format(names=", ".join(unknown)))
    return BackupCheck(str(file), tuple(n for n in ours if n in done),
                       tuple(n for n in ours if n not in done))


@contextlib.contextmanager
def exclusive_access(path: Path) -> Iterator[sqlite3.Connection | None]:
    """Hold SQLite's exclusive lock on the existing database file `path` for a block and
    yield that connection; BackupError if anyone has the file open (restore and
    `sample --force` replace a file only when nobody has it open). In WAL mode every open connection
    keeps a shared lock on the file, so an idle session counts too (it would go on writing
    into the replaced file). Yields None when `path` is not a SQLite database at all."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        try:
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise BackupError(_(
                    "{path} is open in another FrontDesk session or program: close every "
                    "session on it, then restore again. Nothing was changed."
                ).format(path=path)) from exc
            raise
        except sqlite3.DatabaseError:
            yield None  # not a database (damaged, or something else): nothing to lock
            return
        # In EXCLUSIVE locking mode the lock outlives the transaction; ending it lets this
        # connection be the source of a backup (a writing source makes backup_step LOCKED).
        conn.execute("COMMIT")
        yield conn
    finally:
        conn.close()  # folds any -wal into the old file and removes it


def restore(source: str | Path, target: str | Path, *, force: bool = False) -> RestoreResult:
    """Replace the SQLite database `target` with the backup `source`, atomically.

    The backup is copied beside the target first and the copy is checked (`check_backup`),
    so what is checked is what goes live. An existing target needs `force`, must not be
    open anywhere, and is kept as ``<target>.before-restore-<timestamp>.bak``.
    """
    if is_postgres_url(str(target)):
        raise BackupError(_(
            "restore replaces SQLite files. For PostgreSQL, restore a pg_dump backup into a "
            "new, empty database with: pg_restore --no-owner --dbname=URL PATH"))
    src = Path(source).expanduser()
    dest = Path(str(target).removeprefix("sqlite:///")).expanduser()
    if not src.is_file():
        raise BackupError(_("There is no file {path}.").format(path=src))
    if dest.exists() and src.resolve() == dest.resolve():
        raise BackupError(_("{path} is the database itself: give a backup file.").format(path=src))
    wal = src.with_name(src.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        # A live database copied with cp: its last commits are in the -wal beside it, and a
        # copy of the main file alone would silently lose them.
        raise BackupError(_(
            "{path} is a database in use (its -wal file holds recent changes), not a backup: "
            "make one with `frontdesk --db {path} backup NEW_PATH` and restore that."
        ).format(path=src))
    check_backup(src)  # refuse early, before anything is copied
    if dest.exists() and not force:
        raise BackupError(_(
            "{path} exists and would be replaced by the backup; pass --force to replace it "
            "(the current database is kept beside it as a .bak file)."
        ).format(path=dest))
    if not dest.parent.is_dir():
        raise BackupError(_("The folder {folder} does not exist.").format(folder=dest.parent))
    partial = dest.with_name(dest.name + ".partial")
    _discard(partial)
    try:
        shutil.copyfile(src, partial)
        _fsync_file(partial)
        checked = check_backup(partial)  # what goes live is what was checked
        previous = None
        if dest.exists():
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            keep = dest.with_name(f"{dest.name}.before-restore-{stamp}.bak")
            with exclusive_access(dest) as conn:
                if conn is not None:
                    previous = copy_sqlite(conn, keep, force=True)
                else:
                    shutil.copyfile(dest, keep)
                    previous = keep
        # Sidecars of the old file must not meet the new one: SQLite would replay an old
        # -wal into it. Releasing the lock above folded and removed them; this is for the
        # leftovers of a crashed process.
        for sidecar in sidecars(dest):
            sidecar.unlink(missing_ok=True)
        if dest.exists():
            _share_like(partial, dest)  # the desk users' group may go on writing it
        os.replace(partial, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        _discard(partial)
        raise
    return RestoreResult(str(dest), checked, str(previous) if previous else None)

"""Schema versioning on Peewee's migration runner: status, the start-up check, and migrate."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from data import clock
from data.db import db
from data.errors import FrontDeskError
from data.i18n import _
from data.migrations import HISTORY_TABLE, MIGRATIONS_DIR, shipped
from data.migrations import order as _order

log = logging.getLogger(__name__)

#: The `setting` row the sample generator writes on a demo database.
DEMO_MARK = "demo_database"
#: The `setting` row the tests write on their databases (tests/conftest.py).
TEST_MARK = "pinned_clock_allowed"


class SchemaError(FrontDeskError):
    """The database's schema does not match this program's."""


class SchemaStatus(NamedTuple):
    """Where a database stands against this program's migrations."""

    applied: tuple[str, ...]
    pending: tuple[str, ...]
    unknown: tuple[str, ...]  # applied by a newer FrontDesk: this program must not touch it

    @property
    def is_empty(self) -> bool:
        return not self.applied and not self.unknown

    @property
    def is_current(self) -> bool:
        return not self.pending and not self.unknown


def _runner():
    # Imported here: the runner pulls in playhouse.migrate and argparse, which every
    # start-up would pay for; the check below only reads the history table.
    from playhouse.migrations import Runner

    return Runner(db.obj, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE)


def status() -> SchemaStatus:
    """Compare the database's migration history (the runner's table) with the migrations
    shipped here."""
    done: set[str] = set()
    if HISTORY_TABLE in db.get_tables():
        done = {name for (name,) in db.execute_sql(f'SELECT name FROM "{HISTORY_TABLE}"').fetchall()}
    ours = shipped()
    return SchemaStatus(
        applied=tuple(n for n in ours if n in done),
        pending=tuple(n for n in ours if n not in done),
        unknown=tuple(sorted(done - set(ours), key=_order)),
    )


def migrate(*, backed_up: Callable[[Path], None] | None = None) -> list[str]:
    """Apply every pending migration in order, then make sure the reference data (category
    tree, default SLA table, tags) is there; refuse a database of a newer schema.

    A SQLite file that holds tables is first copied beside itself when migrations are
    pending (`data.backup.before_migration`); `backed_up(path)` is told where."""
    from data.backup import before_migration
    from data.seed import ensure_reference_data

    current = status()
    if current.unknown:
        raise SchemaError(_newer_message(current))
    if current.pending and _has_tables():
        saved = before_migration(current.pending[0])
        if saved is not None:
            log.info("backed up %s before migrating", saved)
            if backed_up is not None:
                backed_up(saved)
    from data.audit import install

    applied = _runner().up()
    install()  # the audit triggers see the migrated tables
    ensure_reference_data()
    return applied


def check() -> SchemaStatus:
    """The start-up check: raise SchemaError unless the database is exactly current.

    A database with no tables at all is set up on the spot (there is nothing to lose);
    an older one is migrated only when asked (`frontdesk migrate`).

    Also decides whether FRONTDESK_NOW may pin the clock (`allow_clock_pin`).
    """
    clock.allow_pinned(False)  # until the database is known to allow it
    current = status()
    if current.unknown:
        raise SchemaError(_newer_message(current))
    if current.is_empty and not _has_tables():
        migrate()
        return status()  # a new database is nobody's demo: the real clock
    if current.pending:
        raise SchemaError(
            _(
                "This database uses an older schema ({count} migration(s) pending: {names}). "
                "Back it up, then run `frontdesk migrate`."
            ).format(count=len(current.pending), names=", ".join(current.pending))
        )
    allow_clock_pin()
    return current


def allow_clock_pin() -> bool:
    """Let FRONTDESK_NOW pin the clock (data.clock) only when the open database says it is
    a demo database (DEMO_MARK) or a test database (TEST_MARK); never on a company
    database, whatever the environment says. Returns what was decided."""
    allowed = False
    if "setting" in db.get_tables():
        marks = (DEMO_MARK, TEST_MARK)
        allowed = bool(db.execute_sql(
            f"SELECT 1 FROM setting WHERE key IN ('{marks[0]}', '{marks[1]}') AND value = '1'"
        ).fetchone())
    clock.allow_pinned(allowed)
    return allowed


def _has_tables() -> bool:
    return bool([t for t in db.get_tables() if t != HISTORY_TABLE])


def _newer_message(current: SchemaStatus) -> str:
    return _(
        "{db} was written by a newer FrontDesk (unknown migrations: {names}): upgrade "
        "FrontDesk before opening it; nothing was changed."
    ).format(db=_database_name(), names=", ".join(current.unknown))


def _database_name() -> str:
    """The open database as a message names it: the SQLite file, or the PostgreSQL
    database's name (never a URL with its password)."""
    return str(db.obj.database) if db.obj is not None else "?"

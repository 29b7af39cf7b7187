"""Cheap change detection for live updates (issue 8): open screens refresh when another
session commits, without re-querying everything on a timer.

- SQLite: `PRAGMA data_version` changes whenever another connection commits.
- PostgreSQL: the server's current snapshot (`pg_current_snapshot()`, read on this thread's
  own connection). A transaction that writes gets a transaction id; until it commits it is
  in the snapshot's in-progress list or at or above its xmax, and its commit takes it out
  of the list or moves xmax past it. So a look after any commit differs from every look
  before it (nothing committed since a look: the same snapshot), and the commit itself
  does nothing for it — no trigger, no NOTIFY (whose queue lock every notifying commit
  held: issue 21 item 4), no counter row. Reads get no transaction id and move nothing.

  It is the whole server's: a write to another database or schema, or to the audit trail
  alone, also moves it (a refresh that shows nothing new: since issue 21 it draws nothing,
  it costs the screen's queries).
"""

from __future__ import annotations

from data.db import db, is_sqlite


def pg_token() -> tuple[str, str] | None:
    """The server's current snapshot (PostgreSQL), read on this thread's connection; None
    when the server cannot be asked (the caller then refreshes on a slow timer)."""
    from peewee import DatabaseError, InterfaceError

    try:
        (snapshot,) = db.execute_sql("SELECT pg_current_snapshot()::text").fetchone()
    except (DatabaseError, InterfaceError):
        return None
    return ("pg", snapshot)


def change_token() -> object | None:
    """A value that changes whenever a connection commits, for cheap polling, safe in any
    thread: SQLite's data_version (another connection's commits) and this connection's
    own changes, PostgreSQL's current snapshot (`pg_token`)."""
    if not is_sqlite():
        return pg_token()
    conn = db.connection()
    (version,) = conn.execute("PRAGMA data_version").fetchone()
    return (version, conn.total_changes)

"""The owner-search benchmark database (`frontdesk bench --only search`, issue 21 item 3):
`owners` households drawn exactly as the demo draws them — the demo generator's own passes
for communities, buildings and rooms, staff, and people (names with their pinyin, initials
and name keys, phones, ID numbers, occupancies with co-owners, tenants, family and past
occupants, plates, tags) — and nothing else: no work orders, calls, fees or registers,
which search never reads and which made a million-owner demo take hours. Rows are bulk
inserted with the indexes dropped and rebuilt at the end, then ANALYZEd, as the demo does.

Every search column is filled by the functions the app's writes call (data.people
`search_key_values`, `name_suffixes`; reversed digits and plate tails as `add_phone` and
`add_vehicle` store them): tests/data/test_search_bench.py checks that the bench's queries
find the same people here as in a database written through data.people."""

from __future__ import annotations

import datetime as dt

from data import audit
from data.db import db
from data.seed import ensure_reference_data

#: The day the bench's people are drawn for (fixed: the same file for the same size).
TODAY = dt.date(2026, 12, 1)


def build(owners: int, seed: int = 7, say=lambda text: None) -> None:
    """Fill the open, freshly migrated SQLite database with `owners` households (see the
    module docstring)."""
    from data.sample import _Builder, _Times

    with audit.suspended():  # bench data: no audit rows, as the demo
        ensure_reference_data()
        conn = db.connection()
        builder = _Builder(conn, owners, seed, _Times(TODAY), say)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -400000")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name NOT IN ('schema_migration', 'category', 'sla_policy', 'tag') "
            "ORDER BY rowid").fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("BEGIN")
        builder.places()
        builder.staff()
        builder.people()
        conn.execute("COMMIT")
        say("indexes")
        for _name, sql in indexes:
            conn.execute(sql)
        say("analyze")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")

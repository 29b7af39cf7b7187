"""The schema migrations this program ships (applied by data.schema with Peewee's runner),
and the table where a database keeps the names of those applied to it."""

from __future__ import annotations

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent
HISTORY_TABLE = "schema_migration"


def shipped() -> tuple[str, ...]:
    """Names of the migrations this program carries, in order."""
    return tuple(sorted((p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py")), key=order))


def order(name: str) -> tuple[int, str]:
    """The sort key of a migration name: its number first."""
    digits = name.split("_", 1)[0]
    return (int(digits) if digits.isdigit() else -1, name)

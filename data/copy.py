"""Copying a SQLite database into PostgreSQL (issue 8): the way from one host to scale-out.

The source is read inside one read transaction (a consistent snapshot even while desk
sessions keep writing to it). The target is migrated, then every table is copied in
`ALL_MODELS` order in batches, ids kept, inside one transaction with the audit triggers
off (the copied audit trail is the record; a copy is not something a person did). Each
PostgreSQL sequence is then moved past the highest id, and every table is verified: the
same number of rows and the same checksum on both sides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from peewee import AutoField, Database, DateField, DateTimeField, OperationalError, SqliteDatabase

from data import access, audit, schema
from data.db import close_database, db, is_postgres_url, open_database, transaction
from data.errors import FrontDeskError
from data.i18n import _
from data.models import ALL_MODELS

#: Rows per INSERT (fewer for wide tables: PostgreSQL takes at most 65 535 parameters).
BATCH = 1000
MAX_PARAMETERS = 60_000
#: Tables a freshly migrated database already fills (migrations and reference data): a
#: target holding rows only there counts as empty, and they are replaced by the source's.
REFERENCE_TABLES = frozenset({"category", "sla_policy", "tag", "script", "holiday", "audit_log"})


class CopyError(FrontDeskError):
    """The copy was refused or could not be made."""


@dataclass(frozen=True)
class TableCheck:
    """One table after the copy: rows and checksums on both sides."""

    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


@dataclass(frozen=True)
class CopyReport:
    """What `copy_database` did."""

    source: str
    tables: tuple[TableCheck, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.target_rows for t in self.tables)


# --- checksums ------------------------------------------------------------------------------------


def _value(field, value: object) -> object:
    """A value as both databases can agree on it: datetimes in ISO form with a space,
    booleans 0/1, decimals without trailing zeros (SQLite keeps 12.5, PostgreSQL 12.50)."""
    if value is None:
        return None
    if isinstance(field, DateTimeField | DateField) and isinstance(value, str):
        # A text SQLite held that peewee did not parse: compare what it means.
        try:
            value = (dt.datetime if isinstance(field, DateTimeField) else dt.date).fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, bytes | memoryview):  # a blob: SQLite gives bytes, psycopg2 a memoryview
        return hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Checksum:
    """Rows and a checksum of one table, independent of row order: the sum of each row's
    sha256 (mod 2**256). Order-independent because SQLite and PostgreSQL sort text keys
    (settings) differently; the primary key is part of every row, so no row can hide."""

    def __init__(self, fields: list) -> None:
        self.fields = fields
        self.rows = 0
        self.total = 0

    def add(self, row: Iterable[object]) -> None:
        values = [_value(f, v) for f, v in zip(self.fields, row, strict=True)]
        digest = hashlib.sha256(
            json.dumps(values, ensure_ascii=False, default=str, separators=(",", ":")).encode()
        ).digest()
        self.total = (self.total + int.from_bytes(digest, "big")) % (1 << 256)
        self.rows += 1

    @property
    def hexdigest(self) -> str:
        return f"{self.total:064x}"


#: Rows read per query: pages by primary key keep memory flat on a million-owner database
#: (psycopg2 would otherwise hold a whole table in memory).
READ_PAGE = 10_000


def _rows(model, database: Database | None) -> tuple[list, Iterator[tuple]]:
    """The model's fields and all its rows as tuples, by primary key, page by page."""
    fields = model._meta.sorted_fields
    pk = model._meta.primary_key
    at = fields.index(pk)

    def pages() -> Iterator[tuple]:
        last = None
        while True:
            query = model.select(*fields).order_by(pk).limit(READ_PAGE).tuples()
            if last is not None:
                query = query.where(pk > last)
            page = list(query.execute(database))
            yield from page
            if len(page) < READ_PAGE:
                return
            last = page[-1][at]

    return fields, pages()


def _checksum(model, database: Database | None) -> _Checksum:
    fields, rows = _rows(model, database)
    summed = _Checksum(fields)
    for row in rows:
        summed.add(row)
    return summed


# --- the source and the target ------------------------------------------------------------------


def _open_source(path: str) -> SqliteDatabase:
    file = Path(path).expanduser()
    if is_postgres_url(path):
        raise CopyError(_("--from takes a SQLite file; to copy between PostgreSQL servers use "
                          "pg_dump and pg_restore."))
    if not file.is_file():
        raise CopyError(_("There is no file {path}.").format(path=file))
    with open(file, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise CopyError(_("{path} is not a SQLite database.").format(path=file))
    # Read-only: the source is never written, not even by accident.
    source = SqliteDatabase(f"file:{file.resolve()}?mode=ro", uri=True, timeout=10)
    source.connect()
    tables = set(source.get_tables())
    if schema.HISTORY_TABLE not in tables:
        source.close()
        raise CopyError(_("{path} is not a FrontDesk database.").format(path=file))
    done = {name for (name,) in source.execute_sql(f'SELECT name FROM "{schema.HISTORY_TABLE}"')}
    ours = schema.shipped()
    if done - set(ours):
        source.close()
        raise CopyError(_("{path} was written by a newer FrontDesk (unknown migrations: {names}): "
                          "upgrade FrontDesk first.").format(
            path=file, names=", ".join(sorted(done - set(ours)))))
    pending = [n for n in ours if n not in done]
    if pending:
        source.close()
        raise CopyError(_("{path} uses an older schema ({names} pending): back it up and run "
                          "`frontdesk --db {path} migrate` first.").format(
            path=file, names=", ".join(pending)))
    known = {m._meta.table_name for m in ALL_MODELS} | {schema.HISTORY_TABLE}
    strange = sorted(t for t in tables - known if not t.startswith("sqlite_"))
    if strange:
        source.close()
        raise CopyError(_("{path} holds tables this FrontDesk does not know ({names}): nothing "
                          "would copy them.").format(path=file, names=", ".join(strange)))
    return source


def _occupied_tables() -> list[str]:
    """FrontDesk tables of the open target holding rows that a fresh migration does not make."""
    present = set(db.get_tables())
    busy = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        if table in present and table not in REFERENCE_TABLES and model.select().limit(1).exists():
            busy.append(table)
    return busy


def _copy_table(model, source: Database, checks: dict[str, _Checksum]) -> int:
    fields, rows = _rows(model, source)
    summed = checks[model._meta.table_name] = _Checksum(fields)
    pk = model._meta.primary_key
    pk_index = fields.index(pk)
    # Self-references (a category's parent, a merged order, an occurrence's series) may
    # point forward: such a value is written after the whole table is in.
    selfrefs = [(i, f) for i, f in enumerate(fields)
                if getattr(f, "rel_model", None) is model and f is not pk]
    later: list[tuple[object, object, object]] = []
    size = max(1, min(BATCH, MAX_PARAMETERS // len(fields)))
    batch: list[tuple] = []

    def flush() -> None:
        if batch:
            model.insert_many(batch, fields=fields).as_rowcount().execute()
            batch.clear()

    for row in rows:
        summed.add(row)
        if selfrefs:
            row = list(row)
            for i, field in selfrefs:
                if row[i] is not None and row[i] >= row[pk_index]:
                    later.append((row[pk_index], field, row[i]))
                    row[i] = None
            row = tuple(row)
        batch.append(row)
        if len(batch) >= size:
            flush()
    flush()
    for key, field, value in later:
        model.update({field: value}).where(pk == key).execute()
    return summed.rows


def _reset_sequence(model) -> None:
    pk = model._meta.primary_key
    if not isinstance(pk, AutoField):
        return
    table = model._meta.table_name
    column = pk.column_name
    db.execute_sql(
        f"SELECT setval(pg_get_serial_sequence(%s, %s), "
        f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)',
        (f'"{table}"', column))


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


# --- the copy -----------------------------------------------------------------------------------


def copy_database(source_path: str, target_url: str, *,
                  progress: Callable[[str, int], None] | None = None) -> CopyReport:
    """Copy the SQLite database at `source_path` into the PostgreSQL database `target_url`
    and verify it. Refuses a target that holds FrontDesk data. The shared handle is left
    open on the target."""
    started = time.perf_counter()
    if not is_postgres_url(target_url):
        raise CopyError(_("--to takes a postgresql://… URL; to copy a SQLite file use "
                          "`frontdesk backup`."))
    source = _open_source(source_path)
    try:
        try:
            open_database(target_url)
        except OperationalError as exc:
            raise CopyError(_("Cannot reach the target database {url}: {reason}").format(
                url=_without_password(target_url), reason=str(exc).strip())) from exc
        busy = _occupied_tables()
        if busy:
            raise CopyError(_(
                "The target database already holds FrontDesk data (rows in {tables}): copy only "
                "into a new, empty database or schema. Nothing was changed."
            ).format(tables=", ".join(busy[:5]) + (" …" if len(busy) > 5 else "")))
        # A copy is not something a person did on the target, whose accounts do not exist
        # yet: nobody acts there (the signed-in administrator is the source's).
        with access.acting(None):
            schema.migrate()
        checks: dict[str, _Checksum] = {}
        # One read transaction on the source: every table from the same moment.
        with source.atomic(), access.acting(None):
            with audit.suspended(), transaction():
                present = [m._meta.table_name for m in ALL_MODELS]
                # What migrate put there (holidays, categories, …) makes way for the
                # source's own rows; TRUNCATE fires no row triggers (the audit trail
                # refuses DELETE) and restarts the sequences.
                db.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in present)
                               + " RESTART IDENTITY CASCADE")
                for model in ALL_MODELS:
                    count = _copy_table(model, source, checks)
                    _reset_sequence(model)
                    if progress:
                        progress(model._meta.table_name, count)
    finally:
        source.close()
    results = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        mine = _checksum(model, None)
        theirs = checks[table]
        results.append(TableCheck(table, theirs.rows, mine.rows, theirs.hexdigest, mine.hexdigest))
    return CopyReport(str(source_path), tuple(results), time.perf_counter() - started)


def compare(source_path: str, target: str) -> list[TableCheck]:
    """Row counts and checksums of every table on both sides (after a copy, or later while
    nobody writes). Leaves the shared handle closed."""
    source = _open_source(source_path)
    try:
        with source.atomic():
            theirs = {m._meta.table_name: _checksum(m, source) for m in ALL_MODELS}
    finally:
        source.close()
    open_database(target)
    try:
        out = []
        for model in ALL_MODELS:
            table = model._meta.table_name
            mine = _checksum(model, None)
            out.append(TableCheck(table, theirs[table].rows, mine.rows,
                                  theirs[table].hexdigest, mine.hexdigest))
        return out
    finally:
        close_database()

"""Gap-free daily numbers (BX-20261127-0001, FX-20261127-001, ZXXK-20261127-0001) from a
counter row per prefix (`DailyCounter`), for work orders, release passes and renovation
permits.

Call `next_number` inside the transaction that stores the number, as late as the record
allows: the UPDATE of the counter row takes its row lock (PostgreSQL) and keeps it until
the commit, so another desk numbering the same day waits only for what follows the
UPDATE — not for the whole transaction, as the advisory lock taken first used to make it.
On SQLite the write transaction (BEGIN IMMEDIATE) serialises writers already.

The counter is the source of the next number; the table's highest number is read only
when a prefix has no counter row yet (its first number of the day, or numbers written
before the counter existed) and on `resync`: a caller whose INSERT met a number written
without the counter (the demo generator, the demo date shift) retries with `resync=True`,
and numbering continues after the highest number in the table.
"""

from __future__ import annotations

from peewee import Field, fn

from data.db import db, is_sqlite


def highest(field: Field, prefix: str) -> int:
    """The highest sequence number under `prefix` in the column `field` (0 when none).
    Longest first: past 9999 a sequence grows a digit, and "…-9999" > "…-10000" as text."""
    model = field.model
    last = (model.select(field)
            .where((field >= prefix) & (field < prefix + "~"))
            .order_by(fn.LENGTH(field).desc(), field.desc())
            .limit(1).scalar())
    if not last:
        return 0
    tail = last[len(prefix):]
    return int(tail) if tail.isdigit() else 0


def _bump(prefix: str) -> int | None:
    """Add one to the counter row of `prefix` and return it (None when there is none)."""
    if is_sqlite():  # no RETURNING before SQLite 3.35; the transaction is exclusive anyway
        cursor = db.execute_sql("UPDATE daily_counter SET last = last + 1 WHERE prefix = ?",
                                (prefix,))
        if cursor.rowcount != 1:
            return None
        return db.execute_sql("SELECT last FROM daily_counter WHERE prefix = ?",
                              (prefix,)).fetchone()[0]
    row = db.execute_sql("UPDATE daily_counter SET last = last + 1 WHERE prefix = %s "
                         "RETURNING last", (prefix,)).fetchone()
    return row[0] if row else None


def _start(prefix: str, first: int) -> int:
    """Make the counter row of `prefix` at `first`; a session that made it meanwhile (it
    waits for that one's commit on the unique key) counts on from there."""
    param = "?" if is_sqlite() else "%s"
    sql = (f"INSERT INTO daily_counter (prefix, last) VALUES ({param}, {param}) "
           "ON CONFLICT (prefix) DO UPDATE SET last = daily_counter.last + 1")
    if is_sqlite():
        db.execute_sql(sql, (prefix, first))
        return db.execute_sql("SELECT last FROM daily_counter WHERE prefix = ?",
                              (prefix,)).fetchone()[0]
    return db.execute_sql(sql + " RETURNING last", (prefix, first)).fetchone()[0]


def _set(prefix: str, value: int) -> None:
    param = "?" if is_sqlite() else "%s"
    db.execute_sql(f"UPDATE daily_counter SET last = {param} WHERE prefix = {param}",
                   (value, prefix))


def next_number(prefix: str, width: int, field: Field, *, resync: bool = False) -> str:
    """The next number under `prefix` ("BX-20261127-"), zero-padded to `width` digits;
    `field` is the column the numbers are stored in. Call inside the transaction that
    stores it, as late as the record allows (see the module's note)."""
    seq = _bump(prefix)
    if seq is None:
        seq = _start(prefix, highest(field, prefix) + 1)
    elif resync:  # the row is locked now: the table cannot move under us
        top = highest(field, prefix)
        if top >= seq:
            seq = top + 1
            _set(prefix, seq)
    return f"{prefix}{seq:0{width}d}"


def create_numbered(field: Field, prefix: str, width: int, values: dict, *,
                    resync: bool = False, then: tuple[tuple[str, list], ...] = ()):
    """`field.model.create(**values)` with the next number under `prefix` in `field`; call
    inside the transaction that stores it, as its last write (see the module's note).

    On PostgreSQL the number is taken inside the INSERT itself (`fd_next_number`, migration
    0042), so the counter row is locked from that statement to the commit only; `then` are
    INSERT … SELECT … FROM o statements run in the same statement, `o` being the new row
    (its id and number): a work order's first history row. On SQLite (or with `resync`)
    they run one after the other, with `o` given as the new row's id."""
    model = field.model
    if is_sqlite() or resync:
        row = model.create(**{field.name: next_number(prefix, width, field, resync=resync)}, **values)
        for sql, params in then:
            db.execute_sql(f"WITH o AS (SELECT {param()} AS id) {sql}", [row.id, *params])
        return row
    key = model._meta.primary_key
    number = fn.fd_next_number(prefix, width, model._meta.table_name, field.column_name)
    insert_sql, insert_params = (model.insert(**{field.name: number}, **values)
                                 .returning(key, field).sql())
    ctes = [f"o AS ({insert_sql})"]
    params = list(insert_params)
    for n, (sql, extra) in enumerate(then):
        ctes.append(f"t{n} AS ({sql})")
        params += extra
    row_id, text = db.execute_sql(f"WITH {', '.join(ctes)} SELECT * FROM o", params).fetchone()
    return model(**{key.name: row_id, field.name: text}, **values)


def param() -> str:
    """The driver's placeholder for a value in SQL given to `create_numbered(then=…)`."""
    return "?" if is_sqlite() else "%s"

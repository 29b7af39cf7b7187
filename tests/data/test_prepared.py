"""Prepared reads (data.db.Prepared): compiled once, and on PostgreSQL run as a server-side
prepared statement per connection — the same rows as the plain query, after a rollback too,
with a literal percent sign kept and a fallback when the statement cannot be prepared."""

from __future__ import annotations

from peewee import Value

from data.db import Prepared, Slot, close_database, db, is_sqlite, open_database, transaction
from data.models import Person


def test_a_prepared_read_gives_the_rows_of_the_plain_query(database, db_url):
    with transaction():
        Person.create(name="张晓明")
        Person.create(name="李100%")
    by_name = Prepared(lambda: Person.select(Person.id, Person.name)
                       .where(Person.name == Slot("name")).limit(1))
    percent = Prepared(lambda: Person.select(Person.name).where(Person.name.contains("100%"))
                       .limit(1))
    for _ in range(7):  # past PostgreSQL's five custom plans
        assert by_name.first(name="张晓明").name == "张晓明"
        assert by_name.first(name="王") is None
        assert percent.first().name == "李100%"
    try:
        with transaction():
            assert by_name.first(name="张晓明").name == "张晓明"
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert by_name.first(name="张晓明").name == "张晓明"  # the statement outlives a rollback
    if not is_sqlite():
        prepared = {name for (name,) in db.execute_sql("SELECT name FROM pg_prepared_statements")}
        assert len(prepared) == 2
    # A new connection prepares again.
    close_database()
    open_database(db_url)
    assert by_name.first(name="张晓明").name == "张晓明"


def test_a_read_postgresql_cannot_prepare_is_sent_as_text(database):
    untyped = Prepared(lambda: Person.select((Value(Slot("x")) + Value(Slot("y"))).alias("x")).limit(1))
    with transaction():
        Person.create(name="张晓明")
        # Two untyped parameters added (unknown + unknown): PREPARE fails inside the transaction,
        # which goes on.
        assert untyped.first(x=1, y=2) is not None
        Person.create(name="李四")
    assert Person.select().count() == 2

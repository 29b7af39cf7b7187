"""Migrations from the first one up, on both backends; the start-up schema check."""

from __future__ import annotations

import pytest
from peewee import SqliteDatabase
from playhouse.schema_diff import diff_models

from data import schema
from data.db import close_database, db, open_database
from data.models import ALL_MODELS

#: Partial indexes the migrations create by SQL (not on any model).
PARTIAL_INDEXES = {"invoice_number_once"}


def _pattern_index_columns() -> set[tuple[str, tuple[str, ...]]]:
    """(table, columns) of the PostgreSQL-only text_pattern_ops indexes of migration 0002."""
    import importlib.util

    path = schema.MIGRATIONS_DIR / "0002_search_keys.py"
    spec = importlib.util.spec_from_file_location("m0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {
        (table, tuple(c.split()[0] for c in columns.split(",")))
        for table, columns in module.PATTERN_INDEXES.values()
    }


def test_migrations_build_exactly_the_models(database):
    assert schema.status().is_current
    diff = diff_models(database, list(ALL_MODELS))
    assert not diff.create_tables and not diff.add_columns and not diff.drop_columns
    assert not diff.add_indexes
    # PostgreSQL has extra pattern-ops twins of some indexes for LIKE 'prefix%'; both have the
    # partial unique index of invoice numbers (migration 0032: peewee models cannot declare a
    # WHERE, and the introspection gives it no columns); nothing else.
    extra = {(i.table, tuple(i.columns)) for i in diff.drop_indexes if i.name not in PARTIAL_INDEXES}
    assert extra <= _pattern_index_columns()
    if isinstance(database, SqliteDatabase):
        assert not extra


def test_migrate_is_idempotent(database):
    assert schema.migrate() == []
    shipped = sorted(p.stem for p in schema.MIGRATIONS_DIR.glob("[0-9]*.py"))
    assert list(schema.status().applied) == shipped


def test_check_sets_up_an_empty_database(tmp_path):
    open_database(str(tmp_path / "new.db"), create=True)
    current = schema.check()
    assert current.is_current
    assert "person" in db.get_tables()


def test_check_refuses_a_newer_schema_and_changes_nothing(sqlite_url):
    open_database(sqlite_url)
    db.execute_sql("INSERT INTO schema_migration (name, applied) VALUES ('0999_future', '2030-01-01')")
    with pytest.raises(schema.SchemaError) as caught:
        schema.check()
    assert "0999_future" in str(caught.value)
    with pytest.raises(schema.SchemaError):
        schema.migrate()
    close_database()


def test_check_refuses_an_older_schema_until_migrated(sqlite_url):
    open_database(sqlite_url)
    db.execute_sql("DELETE FROM schema_migration")
    # The tables are there but the history says nothing was applied: an older schema.
    with pytest.raises(schema.SchemaError) as caught:
        schema.check()
    assert "frontdesk migrate" in str(caught.value)


def test_an_older_database_keeps_its_data_when_migrated(db_url_unmigrated):
    """Migrate from the first migration up with people in the database: nothing is lost,
    and the later search keys are filled in for the people already there."""
    from playhouse.migrations import Runner

    from data.models import Person, PersonNameKey

    runner = Runner(db.obj, str(schema.MIGRATIONS_DIR), table_name=schema.HISTORY_TABLE)
    runner.up(target="0001_initial")
    db.execute_sql(
        "INSERT INTO person (name, name_pinyin, name_initials, gender, note, created_at,"
        " updated_at, version) VALUES ('单田芳', 'shantianfang', 'stf', 'M', '',"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
    )
    with pytest.raises(schema.SchemaError):
        schema.check()
    applied = schema.migrate()
    assert applied and applied[0] == "0002_search_keys"
    person = Person.get(Person.name == "单田芳")
    assert person.name_pinyin_alt == "dantianfang"
    assert person.name_initials_alt == "dtf"
    keys = sorted(k.key for k in PersonNameKey.select().where(PersonNameKey.person == person))
    assert keys == ["田芳", "芳"]
    assert schema.status().is_current

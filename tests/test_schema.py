"""Migrations from the first one up, on both backends; the start-up schema check."""

from __future__ import annotations

import pytest
from playhouse.schema_diff import diff_models

from data import schema
from data.db import close_database, db, open_database
from data.models import ALL_MODELS


def test_migrations_build_exactly_the_models(database):
    assert schema.status().is_current
    assert str(diff_models(database, list(ALL_MODELS))) == ""


def test_migrate_is_idempotent(database):
    assert schema.migrate() == []
    assert schema.status().applied == ("0001_initial",)


def test_check_sets_up_an_empty_database(tmp_path):
    open_database(str(tmp_path / "new.db"))
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

"""0043: live updates on PostgreSQL no longer NOTIFY (issue 21 item 4): the statement
triggers `fd_changed` that every FrontDesk table carried (installed after each migration by
data.changes until now) and their function go; sessions compare the server's snapshot
instead (data.changes). Every notifying commit held PostgreSQL's notify-queue lock.
Nothing to do on SQLite."""
from peewee import *

#: Frozen copy of the trigger function as data.changes installed it (for `down`).
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION fd_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('frontdesk_changes', current_schema());
  RETURN NULL;
END $$;
"""
QUIET_TABLES = ("audit_log", "migratehistory", "schema_migration", "daily_counter")


def _tables(db):
    return [name for (name,) in db.execute_sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE'")]


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    for table in _tables(db):
        db.execute_sql(f'DROP TRIGGER IF EXISTS fd_changed ON "{table}"')
    db.execute_sql('DROP FUNCTION IF EXISTS fd_changed()')


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    db.execute_sql(PG_FUNCTION)
    for table in _tables(db):
        if table not in QUIET_TABLES:
            db.execute_sql(f'CREATE TRIGGER fd_changed AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                           "FOR EACH STATEMENT EXECUTE FUNCTION fd_changed()")

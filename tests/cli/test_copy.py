"""`frontdesk copy` (issue 8): a SQLite database into PostgreSQL, ids kept, verified table by
table, refused into a target that holds data; the copy answers searches and queues alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data import access, i18n
from data.copy import CopyError, compare, copy_database
from data.db import close_database, db, open_database
from data.models import ALL_MODELS, AuditLog, Person, Staff, WorkOrder
from tui.cli import main

AT = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> str:
    """A small demo database (50 households) with some audit rows of its own."""
    from data.sample import generate
    from data.workorders import add_note

    path = tmp_path_factory.mktemp("copy") / "source.db"
    generate(str(path), owners=50, seed=1, today=AT.date())
    open_database(str(path))
    try:
        staff = Staff.get(Staff.login == "super1")
        access.act_as(staff)
        order = WorkOrder.select().order_by(WorkOrder.id).first()
        add_note(order.id, staff.id, "复制前的备注 — with “quotes” and\ta tab")
        person = Person.select().order_by(Person.id).first()
        Person.update(note="多行\n备注").where(Person.id == person.id).execute()
        assert AuditLog.select().count() > 0
    finally:
        access.act_as(None)
        close_database()
    # `copy` is an administrator's: this OS user signs in as the demo's admin.
    from tui.paths import map_os_login

    map_os_login(path, access.os_login(), "admin")
    return str(path)


@pytest.fixture
def pg_target(pg_database_url):
    from tests.conftest import _drop_pg_schema, _pg_schema_url

    url, name = _pg_schema_url(pg_database_url)
    yield url
    close_database()
    _drop_pg_schema(pg_database_url, name)


pytestmark = pytest.mark.postgres


def test_copy_matches_every_table_and_refuses_a_second_time(pg_target, source):
    report = copy_database(source, pg_target)
    assert report.ok, [t for t in report.tables if not t.ok]
    tables = {t.table: t for t in report.tables}
    assert set(tables) == {m._meta.table_name for m in ALL_MODELS}
    assert tables["person"].target_rows > 50
    assert tables["audit_log"].target_rows > 0
    assert tables["work_order_history"].source_sum == tables["work_order_history"].target_sum
    # No audit rows of the copy itself: the trail is the source's, row for row.
    assert AuditLog.select().count() == tables["audit_log"].source_rows
    close_database()
    with pytest.raises(CopyError, match="already holds FrontDesk data"):
        copy_database(source, pg_target)
    assert all(t.ok for t in compare(source, pg_target))


def test_a_freshly_migrated_target_counts_as_empty(pg_target, source):
    from data import schema

    open_database(pg_target)
    schema.migrate()  # holidays, categories, SLAs, scripts … and their audit rows
    close_database()
    assert copy_database(source, pg_target).ok


def test_sequences_continue_after_the_copied_ids(pg_target, source):
    copy_database(source, pg_target)
    highest = Person.select(Person.id).order_by(Person.id.desc()).scalar()
    assert Person.create(name="复制后").id == highest + 1
    assert AuditLog.select(AuditLog.id).order_by(AuditLog.id.desc()).scalar() > 0


def test_search_and_queue_answer_the_same_on_both(pg_target, source):
    from data.queue import queue_page
    from data.search import search

    def answers() -> tuple:
        staff = Staff.get(Staff.login == "super1")
        people = list(Person.select().order_by(Person.id).limit(5))
        rooms = [r for (r,) in db.execute_sql("SELECT code FROM room ORDER BY id LIMIT 3")]
        phones = [n for (n,) in db.execute_sql("SELECT number FROM phone ORDER BY id LIMIT 3")]
        queries = ([p.name for p in people] + [p.name_initials for p in people if p.name_initials]
                   + rooms + [n[-4:] for n in phones] + ["3-", "张"])
        found = {q: [(h.id, h.name, h.rooms, h.phones, h.matched) for h in search(q, limit=20).hits]
                 for q in queries}
        pages = {}
        for view in ("all", "new", "overdue", "on_hold", "callback"):
            page = queue_page(view, staff.id, at=AT, limit=50)
            pages[view] = ([(r.id, r.number, r.status, r.deadline, r.version) for r in page.rows],
                           page.total, page.next_cursor)
        return found, pages

    open_database(source)
    before = answers()
    close_database()
    copy_database(source, pg_target)
    after = answers()
    assert any(hits for hits in before[0].values())
    assert before == after


def test_copy_command_prints_the_table(pg_target, source, capsys):
    assert main(["--lang", "en", "copy", "--from", source, "--to", pg_target]) == 0
    out = capsys.readouterr().out
    assert "work_order" in out and "MISMATCH" not in out and "Copied" in out
    assert main(["--lang", "en", "copy", "--from", source, "--to", pg_target]) == 2
    assert "already holds FrontDesk data" in capsys.readouterr().err


def test_copy_compare_command_checks_without_copying(pg_target, source, capsys):
    copy_database(source, pg_target)
    close_database()
    assert main(["--lang", "en", "copy", "--compare", "--from", source, "--to", pg_target]) == 0
    out = capsys.readouterr().out
    assert "work_order" in out and "Both sides match" in out and "Copied" not in out
    open_database(pg_target)
    db.execute_sql("UPDATE person SET note = note || '!' WHERE id = (SELECT MIN(id) FROM person)")
    close_database()
    assert main(["--lang", "en", "copy", "--compare", "--from", source, "--to", pg_target]) == 2
    assert "MISMATCH" in capsys.readouterr().out


def test_compare_sees_a_changed_row(pg_target, source):
    copy_database(source, pg_target)
    db.execute_sql("UPDATE person SET note = note || '!' WHERE id = (SELECT MIN(id) FROM person)")
    close_database()
    bad = [t.table for t in compare(source, pg_target) if not t.ok]
    assert bad == ["person", "audit_log"]  # the change, and the trail's row about it


@pytest.mark.parametrize("kind", ["sqlite_target", "missing", "not_sqlite", "older"])
def test_copy_refuses_bad_arguments(kind, pg_target, source, tmp_path):
    if kind == "sqlite_target":
        args, message = (source, str(tmp_path / "x.db")), "--to takes a postgresql://"
    elif kind == "missing":
        args, message = (str(tmp_path / "nope.db"), pg_target), "There is no file"
    elif kind == "not_sqlite":
        text = tmp_path / "t.db"
        text.write_text("hello")
        args, message = (str(text), pg_target), "is not a SQLite database"
    else:
        older = tmp_path / "older.db"
        Path(older).write_bytes(Path(source).read_bytes())
        import sqlite3

        conn = sqlite3.connect(older)
        conn.execute("DELETE FROM schema_migration WHERE name = (SELECT MAX(name) FROM schema_migration)")
        conn.commit()
        conn.close()
        args, message = (str(older), pg_target), "older schema"
    with pytest.raises(CopyError, match=message):
        copy_database(*args)

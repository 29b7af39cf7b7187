"""Models and constraints, on SQLite and PostgreSQL; SQLite's pragmas and write locking."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from peewee import IntegrityError

from data.db import db, transaction
from data.models import Community, Occupancy, Person, PersonTag, Phone, Tag, WorkOrder
from tests import factories as f


def test_room_code_is_unique_within_a_community_only(database):
    a, b = f.community("锦绣花园"), f.community("阳光水岸")
    f.room(a, "3", "2", "501")
    f.room(b, "3", "2", "501")  # the same code in another community is a different flat
    with pytest.raises(IntegrityError), transaction():
        f.room(a, "3", "2", "501")


def test_a_community_with_buildings_cannot_be_deleted(database):
    comm = f.community()
    f.room(comm)
    with pytest.raises(IntegrityError), transaction():
        Community.delete_by_id(comm.id)
    assert Community.select().count() == 1


def test_deleting_a_person_removes_their_phones_and_occupancies_but_not_the_room(database):
    comm = f.community()
    flat = f.room(comm)
    who = f.person()
    Occupancy.create(person=who, room=flat, role="owner")
    Phone.create(person=who, number="13800138000", digits_rev="00083100831")
    tag, _created = Tag.get_or_create(name="业委会委员")  # a default tag: migrate seeds it
    PersonTag.create(person=who, tag=tag)
    with transaction():
        Person.delete_by_id(who.id)
    assert Occupancy.select().count() == 0
    assert Phone.select().count() == 0
    assert PersonTag.select().count() == 0
    assert flat.__class__.select().count() == 1


def test_one_person_holds_several_rooms_and_a_room_several_people(database):
    comm = f.community()
    r1, r2 = f.room(comm, number="501"), f.room(comm, number="502")
    owner, tenant = f.person("王芳"), f.person("李雷")
    Occupancy.create(person=owner, room=r1, role="owner")
    Occupancy.create(person=owner, room=r2, role="owner")
    Occupancy.create(person=tenant, room=r2, role="tenant")
    assert owner.occupancies.count() == 2
    assert r2.occupancies.count() == 2


def test_work_order_numbers_are_unique(database):
    comm, clerk = f.community(), f.staff()
    order = f.work_order(clerk, comm)
    with pytest.raises(IntegrityError), transaction():
        WorkOrder.create(number=order.number, kind="repair", title="x", community=comm,
                         created_by=clerk)


def test_text_that_looks_like_markup_is_stored_as_it_is(database):
    name = "[red]x[/red] [link=https://example.com]退款[/link] [/"
    who = f.person(name)
    assert Person.get_by_id(who.id).name == name


def test_sqlite_pragmas(sqlite_database):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_write_transactions_take_the_write_lock_at_begin(sqlite_url, sqlite_database):
    """BEGIN IMMEDIATE: while one session's transaction is open, another cannot start one."""
    entered, release = threading.Event(), threading.Event()

    def writer():
        with transaction():
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=writer)
    thread.start()
    assert entered.wait(5)
    other = sqlite3.connect(sqlite_url, timeout=0.1, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        release.set()
        thread.join()
        other.close()

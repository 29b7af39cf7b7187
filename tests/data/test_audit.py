"""The audit trail: who changed which field of which record, from what to what — written by
triggers in the same transaction as the change, masked where privacy asks, append-only."""

from __future__ import annotations

import pytest
from peewee import DatabaseError

from data import access, audit, i18n
from data.db import transaction
from data.errors import PermissionDenied
from data.models import AuditLog, Person, Staff, WorkOrder
from data.people import PersonInput, add_phone, create_person, update_person
from tests import factories as f


@pytest.fixture
def staff(database):
    desk = f.staff("desk1", "李娜", "desk")
    boss = f.staff("super1", "王强", "supervisor")
    tech = f.staff("tech1", "赵师傅", "tech")
    with access.acting(desk):
        yield {"desk": desk, "super": boss, "tech": tech}


def _rows(**where) -> list[AuditLog]:
    query = AuditLog.select().order_by(AuditLog.id)
    for key, value in where.items():
        query = query.where(getattr(AuditLog, key) == value)
    return list(query)


def test_a_created_person_is_recorded_with_who_and_what(staff):
    pid = create_person(PersonInput(name="张晓明", id_number="11010519491231002X"))
    (row,) = _rows(entity="person", entity_id=pid, action="create")
    assert row.staff_id == staff["desk"].id
    assert row.new_value == "张晓明"


def test_an_update_records_each_changed_field_old_and_new(staff):
    pid = create_person(PersonInput(name="张晓明"))
    update_person(pid, PersonInput(name="张小明", note="怕吵"))
    changes = {r.field: (r.old_value, r.new_value)
               for r in _rows(entity="person", entity_id=pid, action="update")}
    assert changes["name"] == ("张晓明", "张小明")
    assert changes["note"] == ("", "怕吵")
    assert "name_pinyin" not in changes  # derived columns are not worth a row
    assert "version" not in changes


def test_bulk_updates_are_recorded_too(staff):
    comm = f.community()
    orders = [f.work_order(staff["desk"], comm, title=f"漏水{i}") for i in range(3)]
    with transaction():
        WorkOrder.update(priority="urgent").where(WorkOrder.id.in_([o.id for o in orders])).execute()
    rows = _rows(entity="work_order", field="priority")
    assert sorted(r.entity_id for r in rows) == sorted(o.id for o in orders)
    assert {(r.old_value, r.new_value) for r in rows} == {("normal", "urgent")}
    assert {r.staff_id for r in rows} == {staff["desk"].id}


def test_phones_and_id_numbers_are_masked_and_passwords_never_stored(staff):
    pid = create_person(PersonInput(name="张晓明"))
    add_phone(pid, "13800138000")
    update_person(pid, PersonInput(name="张晓明", id_number="11010519491231002X"))
    (phone,) = _rows(entity="phone", action="create")
    assert phone.new_value == "138****8000"
    assert (phone.parent_entity, phone.parent_id) == ("person", pid)
    (id_row,) = _rows(entity="person", field="id_number")
    assert id_row.new_value == "110***********002X"
    with transaction():
        Staff.update(password_hash="$argon2id$secret").where(Staff.id == staff["tech"].id).execute()
    (secret,) = _rows(entity="staff", field="password_hash")
    assert secret.new_value == "***"
    assert "argon2" not in str([(r.old_value, r.new_value) for r in _rows()])


def test_a_rolled_back_change_leaves_no_audit_row(staff):
    before = AuditLog.select().count()
    with pytest.raises(RuntimeError), transaction():
        Person.create(name="回滚")
        raise RuntimeError("the form was refused")
    assert AuditLog.select().count() == before


def test_the_trail_is_append_only(staff):
    pid = create_person(PersonInput(name="张晓明"))
    (row,) = _rows(entity="person", entity_id=pid)
    with pytest.raises(DatabaseError, match="append-only"), transaction():
        AuditLog.update(new_value="forged").where(AuditLog.id == row.id).execute()
    with pytest.raises(DatabaseError, match="append-only"), transaction():
        AuditLog.delete().where(AuditLog.id == row.id).execute()
    assert AuditLog.get_by_id(row.id).new_value == "张晓明"


def test_history_shows_the_record_and_its_parts_to_supervisors_only(staff):
    i18n.set_language("en")
    pid = create_person(PersonInput(name="张晓明"))
    add_phone(pid, "13900139000")
    with pytest.raises(PermissionDenied, match="audit trail"):
        audit.history("person", pid)
    with access.acting(staff["super"]):
        entries = audit.history("person", pid)
    assert [(e.entity, e.action) for e in entries] == [("phone", "create"), ("person", "create")]
    assert entries[0].login == "desk1"


def test_search_by_staff_entity_and_since(staff):
    pid = create_person(PersonInput(name="张晓明"))
    with access.acting(staff["super"]):
        update_person(pid, PersonInput(name="张小明"))
        mine = audit.search(login="super1")
        people = audit.search(entity="person", entity_id=pid)
    assert [(e.field, e.old, e.new) for e in mine] == [("name", "张晓明", "张小明")]
    assert {e.action for e in people} == {"create", "update"}


def test_suspended_writes_leave_no_rows(staff):
    with audit.suspended(), transaction():
        Person.create(name="样例")
    assert not _rows(entity="person")

"""Privacy on the command line (issue 7): numbers masked in `tickets show`, `calls list`,
`calls callbacks` and `owners search`; `--reveal` prints them in full after the role check
and records each record shown; `frontdesk audit` for supervisors, refused to the desk."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from data import access, people
from data.db import close_database, open_database
from data.models import AuditLog, Call, WorkOrder
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import run

NOW = "2026-11-27 10:00"


@pytest.fixture
def db(sqlite_url, monkeypatch) -> SimpleNamespace:
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜", "desk")
    tech = f.staff("tech1", "王建国", "tech")
    f.staff("super1", "陈静", "supervisor")
    room = people.ensure_room(comm.id, "3-2-501")
    with access.acting(desk):
        owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
        people.move_in(owner, room, "owner")
        people.update_person(owner, PersonInput(name="张晓明", note="怕吵"))
        order = f.work_order(desk, comm, status="assigned", assignee=tech)  # a technician sees his own
        WorkOrder.update(contact_phone="13800138000", person=owner).where(WorkOrder.id == order.id).execute()
        calls = [Call.create(direction="in", number=number, person=owner, staff=desk,
                             started_at=dt.datetime(2026, 11, 26, 9, i), summary="来电",
                             callback_due=dt.datetime(2026, 11, 27, 16, 0), callback_assignee=desk)
                 for i, number in enumerate(("13800138000", "021-62345678"))]
    access.act_as(None)
    close_database()
    return SimpleNamespace(url=sqlite_url, owner=owner, order=order.number, order_id=order.id,
                           calls=[c.id for c in calls])


def reveals(db, entity: str) -> list[tuple[int, str, str]]:
    open_database(db.url)
    try:
        rows = AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity == entity).order_by(AuditLog.id)
        return [(r.entity_id, r.field, r.staff.login) for r in rows]
    finally:
        close_database()


def test_tickets_show_masks_the_contact_phone(db, capsys):
    assert run(db, "tickets", "show", db.order) == 0
    out = capsys.readouterr().out
    assert "138****8000" in out and "13800138000" not in out
    assert run(db, "tickets", "show", db.order, "--json") == 0
    assert json.loads(capsys.readouterr().out)["contact_phone"] == "138****8000"
    assert reveals(db, "work_order") == []


def test_tickets_show_reveal_prints_it_in_full_and_records_it(db, capsys):
    assert run(db, "tickets", "show", db.order, "--reveal", user="tech1") == 0
    assert "张晓明 13800138000" in capsys.readouterr().out
    assert run(db, "tickets", "show", db.order, "--reveal", "--json") == 0
    assert json.loads(capsys.readouterr().out)["contact_phone"] == "13800138000"
    assert reveals(db, "work_order") == [(db.order_id, "contact_phone", "tech1"),
                                         (db.order_id, "contact_phone", "desk1")]


def test_calls_list_and_callbacks_mask_numbers_unless_revealed(db, capsys):
    for command in ("list", "callbacks"):
        assert run(db, "calls", command) == 0
        out = capsys.readouterr().out
        assert "138****8000" in out and "021-****5678" in out
        assert "13800138000" not in out and "62345678" not in out
        assert run(db, "calls", command, "--json") == 0
        numbers = {json.loads(line)["number"] for line in capsys.readouterr().out.splitlines()}
        assert numbers == {"138****8000", "021-****5678"}
    assert reveals(db, "call") == []
    assert run(db, "calls", "list", "--reveal", "--json") == 0
    numbers = {json.loads(line)["number"] for line in capsys.readouterr().out.splitlines()}
    assert numbers == {"13800138000", "021-62345678"}
    assert sorted(reveals(db, "call")) == sorted((i, "number", "desk1") for i in db.calls)
    assert run(db, "calls", "list", "--reveal", "--limit", "1") == 0
    assert "021-62345678" in capsys.readouterr().out  # the newest call only
    assert len(reveals(db, "call")) == 3  # one more: only the call shown


def test_owners_search_reveal_records_each_person_shown(db, capsys):
    assert run(db, "owners", "search", "张晓明") == 0
    assert "138****8000" in capsys.readouterr().out
    assert run(db, "owners", "search", "张晓明", "--reveal", "--json") == 0
    [result] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert result["hits"][0]["phones"] == ["13800138000"]
    assert reveals(db, "person") == [(db.owner, "phones", "desk1")]


def test_audit_json_for_a_supervisor(db, capsys):
    assert run(db, "audit", "--entity", "person", "--id", str(db.owner), "--json", user="super1") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all(r["entity"] == "person" and r["id"] == db.owner for r in rows)
    assert {"at", "staff", "action", "entity", "id", "field", "old", "new", "parent"} <= set(rows[0])
    assert ("update", "note", "", "怕吵", "desk1") in {
        (r["action"], r["field"], r["old"], r["new"], r["staff"]) for r in rows}
    assert run(db, "audit", "--staff", "desk1", "--since", "2026-11-27", "--limit", "2", "--json",
               user="super1") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2 and {r["staff"] for r in rows} == {"desk1"}
    assert rows[0]["at"] >= rows[1]["at"]  # newest first
    assert run(db, "--lang", "en", "audit", "--entity", "work_order", user="super1") == 0
    out = capsys.readouterr().out
    assert f"work_order#{db.order_id}" in out and "13800138000" not in out


def test_audit_shows_reveals_and_is_refused_to_the_desk(db, capsys):
    assert run(db, "tickets", "show", db.order, "--reveal") == 0
    capsys.readouterr()
    assert run(db, "audit", "--entity", "work_order", "--json", user="super1") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert ("reveal", "contact_phone", "desk1") in {(r["action"], r["field"], r["staff"]) for r in rows}
    assert run(db, "--lang", "en", "audit", "--json") == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "may not read the audit trail" in captured.err


@pytest.mark.parametrize(("argv", "word"), [
    (["--entity", "owners"], "--entity"),
    (["--since", "27.11.2026"], "--since"),
    (["--staff", "nobody"], "nobody"),
    (["--limit", "0"], "--limit"),
])
def test_audit_refuses_bad_options(db, capsys, argv, word):
    assert run(db, "--lang", "en", "audit", *argv, user="super1") == 2
    captured = capsys.readouterr()
    assert captured.out == "" and word in captured.err

"""`frontdesk fees commissions|commission-rules …` and the deposit's receipt on
`renovations show`, through tui.cli.main: rules added by a lead, a month's draft, the
approval refused for desk staff and frozen once given, the XLSX export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from data.db import close_database, open_database
from data.models import CostLine, Staff, WorkOrder
from tests import factories as f
from tests.helpers.cli import json_lines, run
from tests.helpers.fees import world


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-05 09:00")
    open_database(db_url)
    w = world()
    order = f.work_order(w.desk, w.comm, status="resolved", assignee=w.tech, room_=None)
    WorkOrder.update(resolved_at=dt.datetime(2027, 1, 20, 10, 0)).where(WorkOrder.id == order.id).execute()
    CostLine.create(work_order=order.id, kind="labour", description="疏通下水道", quantity=Decimal("1.5"),
                    unit_price=Decimal("80"), payer="owner")
    close_database()
    return db_url


def ok(db, capsys, *argv: str, user: str = "super1") -> list[dict]:
    assert run(db, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def refused(db, capsys, *argv: str, user: str = "desk1") -> str:
    assert run(db, *argv, user=user) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_rules_statement_approval_and_export(db, capsys, tmp_path, monkeypatch):
    refused(db, capsys, "fees", "commission-rules", "add", "--role", "tech", "--source", "人工",
            "--percent", "10", "--from", "2027-01-01")
    assert "提成比例" in refused(db, capsys, "fees", "commission-rules", "add", "--role", "tech", "--source", "人工",
                                "--percent", "ten", "--from", "2027-01-01", user="super1")
    [rule] = ok(db, capsys, "fees", "commission-rules", "add", "--role", "tech", "--source", "人工",
                "--percent", "10", "--from", "2027-01-01")
    assert (rule["role"], rule["source"], rule["percent"]) == ("tech", "labour", "10.00")
    assert [r["id"] for r in ok(db, capsys, "fees", "commission-rules", "list")] == [rule["id"]]
    [draft] = ok(db, capsys, "fees", "commissions", "--month", "2027-01")
    assert (draft["staff"], draft["status"], draft["total"]) == ("王建国", "draft", "12.00")  # 120.00 × 10 %
    refused(db, capsys, "fees", "commissions", "approve", "--month", "2027-01", "--staff", "tech1")
    [approved] = ok(db, capsys, "fees", "commissions", "approve", "--month", "2027-01", "--staff", "tech1")
    assert (approved["status"], approved["approved_by"], approved["total"]) == ("approved", "陈静", "12.00")
    # A new rule afterwards changes nothing in the approved month.
    ok(db, capsys, "fees", "commission-rules", "add", "--role", "tech", "--source", "labour",
       "--percent", "50", "--from", "2027-01-10")
    [again] = ok(db, capsys, "fees", "commissions", "--month", "2027-01", "--staff", "tech1")
    assert (again["status"], again["total"]) == ("approved", "12.00")
    assert "已审批的月份不再改变" in refused(db, capsys, "fees", "commissions", "approve", "--month", "2027-01",
                                      "--staff", "tech1", user="super1")
    assert run(db, "fees", "commissions", "--month", "2027-01", user="super1") == 0
    out = capsys.readouterr().out
    assert "王建国" in out and "12.00" in out
    [written] = ok(db, capsys, "fees", "commissions", "--month", "2027-01", "--xlsx")
    path = Path(written["path"])
    assert path.suffix == ".xlsx" and path.exists()
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(path).active.iter_rows(values_only=True) for c in row if c is not None]
    assert "王建国" in cells and Decimal("12.00") in [Decimal(str(c)) for c in cells if isinstance(c, (int, float))]


def test_the_desk_does_not_see_commissions(db, capsys):
    assert "查看服务佣金" in refused(db, capsys, "fees", "commissions", "--month", "2027-01")
    assert "--month" in refused(db, capsys, "fees", "commissions", user="super1")


def test_a_deposit_shows_its_receipt(db, capsys):
    open_database(db)
    from data import renovations
    from data.models import Room
    from data.renovations import RenovationInput

    room = Room.get(Room.code == "3-1-101").id
    desk = Staff.get(Staff.login == "desk1").id
    view = renovations.register(RenovationInput(
        room_id=room, contractor="美家装饰", contractor_phone="021-5555 1234", start_date=dt.date(2027, 2, 8),
        end_date=dt.date(2027, 3, 30), deposit="3000", deposit_received=True), desk)
    close_database()
    assert run(db, "renovations", "show", view.number, user="desk1") == 0
    assert "SJ-2027-000001" in capsys.readouterr().out
    [shown] = ok(db, capsys, "fees", "statement", "--room", "3-1-101", user="desk1")
    assert [p["number"] for p in shown["payments"]] == ["SJ-2027-000001"]

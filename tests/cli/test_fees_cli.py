"""`frontdesk fees …` through tui.cli.main: items and standards, billing, a payment with its
receipt, the statement, arrears and rates; void and waive refused for desk staff and done by
a supervisor; nothing for the technician."""

from __future__ import annotations

import pytest

from data.db import close_database, open_database
from data.models import AuditLog, Bill, Payment
from tests.helpers.cli import json_lines, run
from tests.helpers.fees import world


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-05 09:00")
    open_database(db_url)
    world()
    close_database()
    return db_url


def ok(db, capsys, *argv: str, user: str = "desk1") -> list[dict]:
    assert run(db, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def refused(db, capsys, *argv: str, user: str = "desk1") -> str:
    assert run(db, *argv, user=user) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_a_month_at_the_desk(db, capsys):
    assert "开具账期账单" in refused(db, capsys, "fees", "bill", "--period", "2027-01")
    [result] = ok(db, capsys, "fees", "bill", "--period", "2027-01", user="super1")
    assert (result["bills"], result["amount"]) == (8, "761.50")
    [result] = ok(db, capsys, "fees", "bill", "--period", "2027-01", user="super1")
    assert result["bills"] == 0
    [paid] = ok(db, capsys, "fees", "pay", "--room", "3-1-101", "--amount", "200", "--method", "微信")
    assert (paid["number"], paid["amount_in_words"], paid["prepaid"]) == ("SJ-2027-000001", "贰佰元整", "5.00")
    assert "交易流水号" in refused(db, capsys, "fees", "pay", "--room", "3-1-101", "--amount", "1",
                                  "--method", "银行转账")
    [statement] = ok(db, capsys, "fees", "statement", "--room", "3-1-101")
    assert (statement["due"], statement["prepaid"]) == ("0.00", "5.00")
    rows = ok(db, capsys, "fees", "arrears")
    assert [r["room"] for r in rows] == ["3-1-103", "5-1-101", "3-1-102"]
    rates = ok(db, capsys, "fees", "rates", "--period", "2027-01", "--community", "锦绣花园",
               "--cutoff", "2027-02-28")
    assert rates[0]["collection_rate"] == "25.61"  # 195 / 761.50
    assert run(db, "fees", "arrears", user="desk1") == 0
    assert "3-1-103" in capsys.readouterr().out


def test_desk_staff_may_not_void_or_waive(db, capsys):
    ok(db, capsys, "fees", "bill", "--period", "2027-01", user="super1")
    ok(db, capsys, "fees", "pay", "--room", "3-1-101", "--amount", "195", "--method", "现金")
    open_database(db)
    bill = str(Bill.select(Bill.id).order_by(Bill.id.desc()).scalar())
    close_database()
    assert "作废收款" in refused(db, capsys, "fees", "void", "SJ-2027-000001", "--reason", "收错")
    assert "减免费用" in refused(db, capsys, "fees", "waive", bill, "--amount", "1", "--reason", "漏水")
    [void] = ok(db, capsys, "fees", "void", "SJ-2027-000001", "--reason", "收错", user="super1")
    assert (void["number"], void["voids"], void["amount"]) == ("SJ-2027-000002", "SJ-2027-000001", "-195.00")
    [waiver] = ok(db, capsys, "fees", "waive", bill, "--amount", "1", "--reason", "漏水", user="super1")
    assert waiver["amount"] == "1.00"
    open_database(db)
    assert Payment.select().count() == 2
    # the trail names who took and who voided each (payments are audited; bills are not)
    made = {(a.entity_id, a.staff.login) for a in AuditLog.select().where(
        AuditLog.entity == "payment", AuditLog.action == "create")}
    assert made == {(p.id, "desk1" if p.kind == "payment" else "super1") for p in Payment.select()}
    assert not AuditLog.select().where(AuditLog.entity == "bill").exists()
    close_database()


def test_the_technician_sees_no_fees(db, capsys):
    refused(db, capsys, "fees", "arrears", user="tech1")
    refused(db, capsys, "fees", "pay", "--room", "3-1-101", "--amount", "1", "--method", "现金", user="tech1")


def test_items_and_standards(db, capsys):
    assert "设置收费项目和标准" in refused(db, capsys, "fees", "items", "add", "--community", "JX",
                                     "--name", "电梯费", "--basis", "户", "--cycle", "季")
    [item] = ok(db, capsys, "fees", "items", "add", "--community", "JX", "--name", "电梯费", "--basis", "户",
                "--cycle", "季", user="super1")
    assert (item["basis"], item["cycle"]) == ("room", "quarterly")
    [std] = ok(db, capsys, "fees", "standards", "add", "--community", "锦绣花园", "--item", "电梯费",
               "--price", "15", "--from", "2027-01-01", user="super1")
    assert (std["unit_price"], std["starts_on"]) == ("15.00", "2027-01-01")
    assert "追溯" in refused(db, capsys, "fees", "standards", "add", "--community", "JX", "--item", "电梯费",
                           "--price", "16", "--from", "2026-12-01", user="super1")
    names = [r["name"] for r in ok(db, capsys, "fees", "items")]
    assert names == ["物业服务费", "垃圾清运费", "电梯费"]
    assert len(ok(db, capsys, "fees", "standards", "--community", "JX")) == 3
    assert run(db, "fees", "standards") == 0
    assert "2027-01-01" in capsys.readouterr().out

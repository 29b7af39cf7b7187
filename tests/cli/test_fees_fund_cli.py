"""`frontdesk fees invoice request|issue|cancel|list` and `fees fund import|list|request|
requests|vote|ballot|close|use`: the desk handles invoices, a lead the fund and its vote; bad
input is named and stores nothing."""

from __future__ import annotations

import pytest

from data import fees
from data.db import close_database, open_database
from data.models import Room
from tests.helpers.cli import json_lines, run
from tests.helpers.fees import world

C = ("--community", "锦绣花园")


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(db_url)
    w = world()
    Room.update(developer_held=True).where(Room.id == w.rooms["3-1-103"]).execute()
    fees.bill_period("2027-01")
    w.receipt = fees.take_payment(w.rooms["3-1-101"], "195", "cash", staff_id=w.desk.id).number
    close_database()
    return db_url, w


def ok(url, capsys, *argv: str, user: str = "desk1") -> list[dict]:
    assert run(url, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def refused(url, capsys, *argv: str, user: str = "desk1") -> str:
    assert run(url, *argv, user=user) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_an_invoice_from_request_to_number(db, capsys):
    url, w = db
    [row] = ok(url, capsys, "fees", "invoice", "request", w.receipt, "--title", "某某科技有限公司",
               "--tax-no", "91350100M000100Y43", "--email", "cw@example.com")
    assert (row["state"], row["tax_no"], row["room"]) == ("待开票", "91350100M000100Y43", "3-1-101")
    assert "统一社会信用代码" in refused(url, capsys, "fees", "invoice", "request", w.receipt, "--title", "某公司",
                                   "--tax-no", "91350100M000100Y44")
    [pending] = ok(url, capsys, "fees", "invoice", "list", "--pending")
    assert pending["receipt"] == w.receipt
    assert "8" in refused(url, capsys, "fees", "invoice", "issue", w.receipt, "123")
    [issued] = ok(url, capsys, "fees", "invoice", "issue", w.receipt, "44556677")
    assert issued["state"] == "已开票 No.44556677"
    assert ok(url, capsys, "fees", "invoice", "list", "--pending") == []
    assert run(url, "fees", "statement", *C, "--room", "3-1-101") == 0
    assert "已开票 No.44556677" in capsys.readouterr().out
    [statement] = ok(url, capsys, "fees", "statement", *C, "--room", "3-1-101")
    assert statement["payments"][0]["invoice"] == "已开票 No.44556677"
    assert run(url, "fees", "invoice", "list", user="tech1") == 2  # the technician sees no fees
    capsys.readouterr()


def test_the_fund_from_import_to_use(db, capsys, tmp_path):
    url, w = db
    good = tmp_path / "fund.csv"
    good.write_text("房号,余额,日期\n3-1-101,5000,2026-12-31\n3-1-102,4000,2026-12-31\n3-1-103,6000,2026-12-31\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("3-1-101,5100,2027-01-31\n3-9-999,1,2027-01-31\n", encoding="utf-8")
    assert "主管" in refused(url, capsys, "fees", "fund", "import", str(good), *C)  # the desk may not
    err = refused(url, capsys, "fees", "fund", "import", str(bad), *C, user="super1")
    assert "2" in err and "--skip-bad" in err
    assert ok(url, capsys, "fees", "fund", "import", str(good), *C, user="super1") == [{"stored": 3, "bad": []}]
    [result] = ok(url, capsys, "fees", "fund", "import", str(bad), *C, "--skip-bad", user="super1")
    assert (result["stored"], [b["line"] for b in result["bad"]]) == (1, [2])
    rows = ok(url, capsys, "fees", "fund", "list", *C)
    assert [(r["room"], r["balance"]) for r in rows] == [("3-1-101", "5100.00"), ("3-1-102", "4000.00"),
                                                        ("3-1-103", "6000.00")]
    assert run(url, "fees", "fund", "list", *C) == 0
    assert "15100.00" in capsys.readouterr().out

    [req] = ok(url, capsys, "fees", "fund", "request", *C, "--project", "3号楼电梯维修", "--budget", "8000",
               "--building", "3", "--reason", "电梯主板故障", user="super1")
    assert (req["status_text"], len(req["rooms"])) == ("草稿", 3)
    rid = str(req["id"])
    assert ok(url, capsys, "fees", "fund", "vote", rid, user="super1")[0]["status_text"] == "表决中"
    assert "主管" in refused(url, capsys, "fees", "fund", "ballot", rid, "3-1-101", "同意")
    assert "同意" in refused(url, capsys, "fees", "fund", "ballot", rid, "3-1-101", "也许", user="super1")
    ok(url, capsys, "fees", "fund", "ballot", rid, "3-1-101", "同意", user="super1")
    ok(url, capsys, "fees", "fund", "ballot", rid, "3-1-102", "反对", user="super1")
    ok(url, capsys, "fees", "fund", "ballot", rid, "3-1-103", "同意", user="super1")
    assert run(url, "fees", "fund", "close", rid, user="super1") == 0
    out = capsys.readouterr().out
    # 300 of 300 m², 3 of 3 heads; 同意 220 m² and 2 heads: more than half of both.
    assert "通过" in out and "300" in out and "220" in out
    [used] = ok(url, capsys, "fees", "fund", "use", rid, "--amount", "7800", user="super1")
    assert (used["status_text"], used["used_fen"]) == ("已使用", 780000)
    [listed] = ok(url, capsys, "fees", "fund", "requests", *C)
    assert listed["count"]["yes_area"] == "220.00"


def test_a_fund_request_names_its_rooms(db, capsys):
    url, _w = db
    assert "--building" in refused(url, capsys, "fees", "fund", "request", *C, "--project", "x", "--budget", "1",
                                   "--reason", "y", user="super1")
    [req] = ok(url, capsys, "fees", "fund", "request", *C, "--project", "监控更换", "--budget", "300",
               "--rooms", "3-1-101，5-1-101", "--reason", "老化", user="super1")
    assert req["scope"] == "3-1-101、5-1-101"

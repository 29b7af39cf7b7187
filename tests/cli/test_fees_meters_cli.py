"""`frontdesk fees read|readings|import-readings|repair-bill|late-fee`: readings through the
CLI (a lower one refused, a meter change accepted), the import's bad lines by number, the
missing readings in the bill's output, a repair bill with its order on the statement, and
late fees set by a supervisor only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import fees
from data.db import close_database, open_database
from data.models import CostLine, MeterReading, Room
from tests import factories as f
from tests.helpers.cli import json_lines, run
from tests.helpers.fees import world


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-05 09:00")
    open_database(db_url)
    w = world()
    water = fees.create_item(w.comm.id, "水费", "meter", "monthly")
    fees.add_standard(water.id, "3.45", dt.date(2020, 1, 1))
    order = f.work_order(w.tech, w.comm, room_=Room.get_by_id(w.rooms["3-1-101"]), status="resolved")
    CostLine.create(work_order=order, kind="labour", description="换龙头", quantity=1,
                    unit_price=Decimal("45.5"), payer="owner")
    close_database()
    return db_url


def ok(db, capsys, *argv: str, user: str = "desk1") -> list[dict]:
    assert run(db, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def test_readings_and_their_bill(db, capsys, tmp_path):
    ok(db, capsys, "fees", "read", "3-1-101", "水费", "2026-12", "100")
    assert run(db, "fees", "read", "3-1-101", "水费", "2027-01", "90") == 2
    assert "低于该房间上次读数 100.00" in capsys.readouterr().err
    [row] = ok(db, capsys, "fees", "read", "3-1-101", "水费", "2027-01", "6", "--meter-change", "--note", "旧表损坏")
    assert (row["consumption"], row["meter_change"]) == ("6.00", True)
    ok(db, capsys, "fees", "read", "5-1-101", "水费", "2026-12", "10")
    csv = tmp_path / "jan.csv"
    csv.write_text("房号,读数\n3-1-102,5\n7-7-777,1\n5-1-101,8\n", encoding="utf-8")
    assert run(db, "fees", "import-readings", str(csv), "--item", "水费", "--period", "2027-01",
               "--community", "锦绣花园") == 1
    out = capsys.readouterr().out
    assert "已保存 1 条读数，2 行未导入" in out
    assert "第 3 行：没有房间“7-7-777”" in out and "第 4 行：8.00 低于该房间上次读数 10.00" in out
    rows = ok(db, capsys, "fees", "readings", "--period", "2027-01", "--community", "锦绣花园")
    assert [(r["room"], r["reading"]) for r in rows] == [("3-1-101", "6.00"), ("3-1-102", "5.00")]
    assert run(db, "fees", "bill", "--period", "2027-01", user="super1") == 0
    out = capsys.readouterr().out
    assert "缺少 1 条抄表读数" in out  # 5-1-101's meter was read in December, not in January
    [result] = ok(db, capsys, "fees", "bill", "--period", "2027-01", user="super1")
    assert (result["bills"], result["missing_readings"]) == (0, 1)
    [statement] = ok(db, capsys, "fees", "statement", "--room", "3-1-101")
    water = [b for b in statement["bills"] if b["item"] == "水费"]
    assert [(b["amount"]) for b in water] == ["20.70"]  # 6 t × 3.45


def test_import_refuses_a_directory(db, capsys, tmp_path):
    assert run(db, "fees", "import-readings", str(tmp_path), "--item", "水费", "--period", "2027-01",
               "--community", "锦绣花园") == 2
    assert str(tmp_path) in capsys.readouterr().err
    open_database(db)
    assert MeterReading.select().count() == 0
    close_database()


def test_repair_bill_once_with_the_order_on_the_statement(db, capsys):
    assert run(db, "fees", "repair-bill", "BX-20261127-0001") == 2  # desk staff may not bill
    capsys.readouterr()
    [bill] = ok(db, capsys, "fees", "repair-bill", "BX-20261127-0001", user="super1")
    assert (bill["item"], bill["amount"], bill["order"]) == ("有偿维修", "45.50", "BX-20261127-0001")
    assert run(db, "fees", "repair-bill", "BX-20261127-0001", user="super1") == 2
    assert "工单 BX-20261127-0001 已开过账单" in capsys.readouterr().err
    assert run(db, "fees", "statement", "--room", "3-1-101") == 0
    assert "BX-20261127-0001" in capsys.readouterr().out


def test_late_fee_setting(db, capsys):
    [terms] = ok(db, capsys, "fees", "late-fee", "--community", "锦绣花园")
    assert terms == {"rate": None}
    assert run(db, "fees", "late-fee", "--community", "锦绣花园", "--rate", "0.0005", "--from", "2027-01-01") == 2
    capsys.readouterr()
    [terms] = ok(db, capsys, "fees", "late-fee", "--community", "锦绣花园", "--rate", "0.0005",
                 "--from", "2027-01-01", user="super1")
    assert terms == {"community": "锦绣花园", "rate": "0.0005", "from": "2027-01-01"}
    [terms] = ok(db, capsys, "fees", "late-fee", "--community", "锦绣花园", "--off", user="super1")
    assert terms == {"rate": None}

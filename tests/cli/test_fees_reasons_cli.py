"""`frontdesk fees reason ROOM REASON` records why a room's arrears are unpaid and `fees
arrears` shows it; `fees arrears --owner` totals an owner's rooms; `fees rates --months`
draws the last months as bars."""

from __future__ import annotations

import pytest

from data.db import close_database, open_database
from tests.helpers.cli import json_lines, run
from tests.helpers.fees import world


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(db_url)
    world()
    close_database()
    for period in ("2027-01", "2027-02", "2027-03"):
        assert run(db_url, "fees", "bill", "--period", period, "--json", user="super1") == 0
    return db_url


def ok(db, capsys, *argv: str, user: str = "desk1") -> list[dict]:
    assert run(db, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def test_a_reason_is_recorded_and_listed(db, capsys):
    capsys.readouterr()
    [view] = ok(db, capsys, "fees", "reason", "3-1-102", "房屋空置", "--note", "常年在外地")
    assert view["reason"] == "vacant" and view["staff"] == "李娜"
    rows = ok(db, capsys, "fees", "arrears")
    by_room = {r["room"]: r for r in rows}
    assert by_room["3-1-102"]["reason"]["label"] == "房屋空置"
    assert by_room["3-1-101"]["reason"] is None
    assert run(db, "fees", "arrears") == 0
    assert "房屋空置" in capsys.readouterr().out
    assert run(db, "fees", "reason", "3-1-101", "不想交") == 2
    assert "经济困难" in capsys.readouterr().err
    assert run(db, "fees", "reason", "3-1-101", "经济困难", user="tech1") == 2


def test_an_owners_arrears_by_phone(db, capsys):
    capsys.readouterr()
    [view] = ok(db, capsys, "fees", "arrears", "--owner", "13800130000")
    assert view["name"] == "张晓明" and view["due"] == "585.00" and view["oldest_period"] == "2027-01"
    assert run(db, "fees", "arrears", "--owner", "张晓明") == 0
    assert "张晓明 名下 1 套房屋共欠费 585.00 元" in capsys.readouterr().out


def test_the_rates_of_the_last_months(db, capsys):
    capsys.readouterr()
    assert run(db, "fees", "pay", "--room", "3-1-101", "--amount", "195", "--method", "现金") == 0
    capsys.readouterr()
    assert run(db, "fees", "rates", "--months", "3", "--community", "锦绣花园") == 0
    out = capsys.readouterr().out.splitlines()
    assert "当期收缴率" in out[0] and len(out) == 4
    assert out[3].startswith("2027-03") and "12.8%" in out[3]  # 195 of 1523.00 arrears at March's start
    rows = ok(db, capsys, "fees", "rates", "--months", "12", "--community", "锦绣花园")
    assert len(rows) == 12 and rows[-1]["period"] == "2027-03"
    assert run(db, "fees", "rates", "--months", "3") == 2

"""The security tester's fee findings through the CLI (issue 18): a far-future reading
refused, `fees read --delete` for leads only, a deposit's payment that `fees void` refuses,
and `renovations deposit --amount` refused for the desk after approval."""

from __future__ import annotations

import datetime as dt

import pytest

from data import fees, renovations
from data.db import close_database, open_database
from data.models import MeterReading, Payment, Renovation
from data.renovations import RenovationInput
from tests.helpers.cli import json_lines, run
from tests.helpers.fees import world


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(db_url)
    w = world()
    water = fees.create_item(w.comm.id, "水费", "meter", "monthly")
    fees.add_standard(water.id, "3.45", dt.date(2020, 1, 1))
    view = renovations.register(RenovationInput(
        room_id=w.rooms["3-1-101"], contractor="美家装饰工程有限公司", contractor_phone="021-5555 1234",
        start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 4, 30), scope="厨卫翻新", deposit="2000"),
        w.desk.id)
    renovations.approve(view.id, w.lead.id)
    close_database()
    return db_url


def ok(db, capsys, *argv: str, user: str = "desk1") -> list[dict]:
    assert run(db, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def refused(db, capsys, *argv: str, user: str = "desk1") -> str:
    assert run(db, *argv, user=user) != 0
    return capsys.readouterr().err


def test_a_far_future_reading_is_refused_and_a_lead_deletes_a_wrong_one(db, capsys):
    assert "2200-12 尚未到来" in refused(db, capsys, "fees", "read", "3-1-101", "水费", "2200-12", "1")
    ok(db, capsys, "fees", "read", "3-1-101", "水费", "2027-02", "100")
    assert "主管" in refused(db, capsys, "fees", "read", "3-1-101", "水费", "2027-03", "90000")
    ok(db, capsys, "fees", "read", "3-1-101", "水费", "2027-03", "10100", user="super1")
    assert run(db, "fees", "read", "--delete", "3-1-101", "水费", "2027-03", user="desk1") != 0
    capsys.readouterr()
    assert run(db, "fees", "read", "--delete", "3-1-101", "水费", "2027-03", user="super1") == 0
    assert "已删除 3-1-101 水费 2027-03 的读数 10100.00" in capsys.readouterr().out
    ok(db, capsys, "fees", "read", "3-1-101", "水费", "2027-03", "112")
    open_database(db)
    try:
        assert [int(r.reading) for r in MeterReading.select().order_by(MeterReading.period)] == [100, 112]
    finally:
        close_database()


def test_the_desk_cannot_change_an_approved_deposit_and_its_payment_cannot_be_voided(db, capsys):
    err = refused(db, capsys, "renovations", "deposit", "1", "--amount", "0.01")
    assert "只有主管可以更改押金金额" in err
    [view] = ok(db, capsys, "renovations", "deposit", "1")
    receipt = view["deposit_receipt"]
    err = refused(db, capsys, "fees", "void", receipt, "--reason", "退押金", user="super1")
    open_database(db)
    try:
        number = Renovation.get_by_id(1).number
        assert Payment.select().where(Payment.kind == "void").count() == 0
    finally:
        close_database()
    assert f"是装修许可证 {number} 的押金，不能作废" in err

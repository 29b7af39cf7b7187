"""`frontdesk fees collect` builds a 催缴 call list from an arrears filter (its name and
count), `frontdesk fees promise ROOM --date D` records a promise to pay; a technician is
refused both, and a date in the past is named."""

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
    return db_url


def ok(db, capsys, *argv: str, user: str = "desk1") -> list[dict]:
    assert run(db, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def test_collect_and_promise(db, capsys):
    for period in ("2027-01", "2027-02", "2027-03"):
        ok(db, capsys, "fees", "bill", "--period", period, user="super1")
    assert run(db, "fees", "collect", "--community", "锦绣花园", "--min", "500", "--name", "三月催缴") == 0
    out = capsys.readouterr().out
    assert "外呼任务“三月催缴”：2 户待拨打" in out
    [made] = ok(db, capsys, "fees", "collect", "--building", "5", "--community", "锦绣花园")
    assert made["count"] == 1
    [promise] = ok(db, capsys, "fees", "promise", "3-1-101", "--date", "2027-03-15", "--note", "发工资后")
    assert promise["room"] == "3-1-101" and promise["promised_on"] == "2027-03-15"
    assert promise["due"] == "585.00" and promise["staff"] == "李娜"
    assert run(db, "fees", "promise", "3-1-101", "--date", "2027-03-01") == 2
    assert "承诺缴费日期不能早于今天" in capsys.readouterr().err
    [short] = ok(db, capsys, "fees", "promise", "3-1-101", "--date", "+7")  # the desk's short forms
    assert short["promised_on"] == "2027-03-12"  # FRONTDESK_NOW 2027-03-05 + 7 days
    assert run(db, "fees", "collect", user="tech1") == 2
    assert run(db, "fees", "promise", "3-1-101", "--date", "2027-03-15", user="tech1") == 2

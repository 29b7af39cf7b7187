"""`frontdesk fees spend|shared add|list`, `fees board`, `fees accounts --quarter` and
`fees shared-statement --half`: leads enter, the desk lists and prints (PDF, XLSX), the
technician gets nothing, bad input is named."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from data.db import close_database, open_database
from tests.helpers.cli import json_lines, run
from tests.helpers.fees import world


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-05 09:00")
    open_database(db_url)
    w = world()
    close_database()
    return db_url, w


def ok(db, capsys, *argv: str, user: str = "desk1") -> list[dict]:
    assert run(db, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def refused(db, capsys, *argv: str, user: str = "desk1") -> str:
    assert run(db, *argv, user=user) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_entries_statements_and_files_from_the_command_line(db, capsys):
    url, _w = db
    c = ("--community", "锦绣花园")
    [row] = ok(url, capsys, "fees", "spend", "add", *c, "--month", "2027-01", "--category", "保洁",
               "--amount", "1000", "--note", "保洁外包", user="super1")
    assert (row["kind"], row["amount_fen"], row["by"]) == ("cleaning", 100000, "陈静")
    ok(url, capsys, "fees", "shared", "add", *c, "--month", "2027-01", "--kind", "广告位", "--amount", "1200",
       user="super1")
    ok(url, capsys, "fees", "shared", "add", *c, "--month", "2027-02", "--kind", "合理成本", "--amount", "200",
       "--note", "维护", user="super1")
    assert "主管" in refused(url, capsys, "fees", "spend", "add", *c, "--month", "2027-01", "--category", "保洁",
                            "--amount", "1")  # the desk may not enter
    assert "聚餐" in refused(url, capsys, "fees", "spend", "add", *c, "--month", "2027-01", "--category", "聚餐",
                             "--amount", "1", user="super1")
    assert [r["amount_fen"] for r in ok(url, capsys, "fees", "spend", "list", *c)] == [100000]
    assert [r["kind"] for r in ok(url, capsys, "fees", "shared", *c)] == ["ads", "cost"]
    [accounts] = ok(url, capsys, "fees", "accounts", "--quarter", "2027Q1", *c)
    assert accounts["expenditure_fen"] == 100000 and accounts["balance_fen"] == -100000
    [shared] = ok(url, capsys, "fees", "shared-statement", "--half", "2027H1", *c)
    assert (shared["income_fen"], shared["owners_fen"]) == (120000, 100000)
    assert run(url, "fees", "accounts", "--quarter", "2027Q1", *c, user="desk1") == 0
    assert "-1000.00" in capsys.readouterr().out
    assert "quarter" in refused(url, capsys, "fees", "accounts", "--quarter", "2027Q5", *c)
    assert "--community" in refused(url, capsys, "fees", "board")
    assert refused(url, capsys, "fees", "board", *c, user="tech1")

    [made] = ok(url, capsys, "fees", "board", *c, "--pdf")
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(made["path"]).pages)
    assert "收费标准公示" in text and "1.85元/m²·月" in text
    assert run(url, "fees", "shared-statement", "--half", "2027H1", *c, "--xlsx", user="desk1") == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.suffix == ".xlsx"
    values = [v for row in load_workbook(str(path)).active.iter_rows(values_only=True) for v in row]
    assert "归全体业主所有的收益" in values and 1000 in values

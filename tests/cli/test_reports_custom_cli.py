"""`frontdesk report save|list|show|run|share|delete` for saved custom reports (issue 20
items 3, 4, 8) on both databases: a supervisor saves "complaints by category and month",
cron (the service account) runs it to an XLSX read back with openpyxl."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from data.db import open_database
from data.models import Category, WorkOrder
from tests import factories as f
from tests.helpers.cli import json_lines, run


@pytest.fixture
def env(db_url, monkeypatch, tmp_path) -> SimpleNamespace:
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-10 12:00")
    open_database(db_url)
    comm = f.community("锦绣花园", code="JX")
    room = f.room(comm, building="1", entrance="1", number="101")
    desk = f.staff("desk1")
    f.staff("super1", "赵主管", "supervisor")
    f.staff("super2", "钱主管", "supervisor")
    f.staff("cron", "定时任务", "service", os_login="cronuser", password_hash=None)
    noise = Category.create(code="T_NOISE", name="=HYPERLINK(\"http://x\")")
    water = Category.create(code="T_WATER", name="水电测试")
    for n, (cat, day, kind) in enumerate(((noise, 3, "complaint"), (noise, 20, "complaint"),
                                          (water, 9, "complaint"), (water, 12, "repair"))):
        WorkOrder.create(number=f"TS-T-{n:04d}", kind=kind, title="测试", community=comm, room=room,
                         building=room.building, category=cat, created_by=desk, status="closed",
                         created_at=dt.datetime(2027, 1, day, 8))
    return SimpleNamespace(url=db_url, tmp=tmp_path, monkeypatch=monkeypatch)


def test_save_list_show_and_cron_run(env, capsys):
    assert run(env, "report", "save", "投诉分析", "--subject", "orders", "--group", "category", "--group", "month",
               "--measure", "count", "--filter", "kind=complaint", "--filter", "community=JX", "--share",
               user="super1") == 0
    assert "投诉分析" in capsys.readouterr().out
    assert run(env, "report", "list", "--json", user="super2") == 0
    saved = [r for r in json_lines(capsys) if r["kind"] == "saved"]
    assert [(r["name"], r["shared"]) for r in saved] == [("super1/投诉分析", True)]
    assert run(env, "report", "show", "投诉分析", "--period", "month:2027-01", "--json", user="super2") == 0
    [rep] = json_lines(capsys)
    assert [(r["category"], r["month"], r["count"]) for r in rep["rows"]] == [
        ('=HYPERLINK("http://x")', "2027-01", 2), ("水电测试", "2027-01", 1)]
    assert rep["totals"]["count"] == 3 and rep["filters"] == [["类型", "complaint"], ["小区", "JX"]]

    out = env.tmp / "complaints.xlsx"
    env.monkeypatch.setattr("data.access.os_login", lambda: "cronuser")
    env.monkeypatch.delenv("FRONTDESK_PASSWORD", raising=False)
    assert run(env, "report", "run", "投诉分析", "--period", "last-month", "--out", str(out), user=None) == 0
    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "投诉分析"
    assert values[1][1] == "2027-01-01 – 2027-01-31"
    assert values[4][2] == "cron"
    assert ["筛选", "类型", "complaint"] in [v[:3] for v in values] or ["Filter", "类型", "complaint"] in [
        v[:3] for v in values]
    header = next(i for i, v in enumerate(values) if v[2] == "数量" or v[2] == "Count")
    assert values[header + 1][:3] == ["'=HYPERLINK(\"http://x\")", "2027-01", 2]  # text, never a formula
    assert values[header + 2][:3] == ["水电测试", "2027-01", 1]


def test_saved_report_rules(env, capsys):
    assert run(env, "report", "save", "mine", "--subject", "orders", "--group", "title", user="super1") != 0
    assert "title" in capsys.readouterr().err
    assert run(env, "report", "save", "mine", "--subject", "orders", "--group", "status", user="desk1") != 0
    assert run(env, "report", "save", "mine", "--subject", "orders", "--group", "status", user="super1") == 0
    assert run(env, "report", "show", "mine", "--period", "month:2027-01", user="super2") != 0  # not shared
    assert run(env, "report", "delete", "mine", user="super2") != 0
    assert run(env, "report", "share", "mine", user="super1") == 0
    assert run(env, "report", "show", "mine", "--period", "month:2027-01", user="super2") == 0
    assert run(env, "report", "share", "mine", "--off", user="super1") == 0
    assert run(env, "report", "delete", "mine", user="super1") == 0
    assert run(env, "report", "show", "mine", user="super1") != 0

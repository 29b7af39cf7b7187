"""`frontdesk report list|show|run` (issue 20) on both databases: what a supervisor reads,
the file cron writes, --send run without a shell, and who may do what."""

from __future__ import annotations

import datetime as dt
import sys
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
    f.staff("admin1", "周建华", "admin")
    f.staff("cron", "定时任务", "service", os_login="cronuser", password_hash=None)
    cat = Category.create(code="T_WATER", name="=cmd|' /C calc'!A0")
    for day, rating in ((3, 5), (20, 3)):
        created = dt.datetime(2027, 1, day, 8)
        WorkOrder.create(number=f"BX-T-{day:04d}", kind="repair", title="测试", community=comm, room=room,
                         building=room.building, category=cat, created_by=desk, status="visited",
                         created_at=created, resolved_at=created + dt.timedelta(hours=4), rating=rating,
                         callback_at=created + dt.timedelta(days=1))
    return SimpleNamespace(url=db_url, tmp=tmp_path, monkeypatch=monkeypatch)


def test_list_and_show(env, capsys):
    assert run(env, "report", "list", "--json", user="super1") == 0
    names = [r["name"] for r in json_lines(capsys)]
    assert names[:3] == ["orders-category", "orders-building", "orders-technician"]
    assert run(env, "report", "show", "orders-category", "--period", "last-month", "--community", "JX",
               "--building", "1", "--json", user="super1") == 0
    [rep] = json_lines(capsys)
    assert rep["period"] == "month:2027-01" and rep["totals"]["count"] == 2
    assert rep["rows"][0]["satisfaction_rate"] == 0.5 and rep["generated_by"] == "super1"
    assert run(env, "report", "show", "orders-category", "--period", "month:2027-01", user="super1") == 0
    out = capsys.readouterr().out
    assert "50.0%" in out and "month:2026-12" in out


def test_run_to_a_file_and_send(env, capsys):
    out = env.tmp / "jan.xlsx"
    env.monkeypatch.setattr("data.access.os_login", lambda: "cronuser")
    env.monkeypatch.delenv("FRONTDESK_PASSWORD", raising=False)
    marker = env.tmp / "sent.txt"
    send = f"{sys.executable} -c \"import sys, pathlib; pathlib.Path('{marker}').write_text(sys.argv[1])\""
    assert run(env, "report", "run", "orders-category", "--period", "last-month", "--out", str(out),
               "--send", send, user=None) == 0
    sheet = load_workbook(out).active
    assert sheet.cell(row=8, column=1).value == "'=cmd|' /C calc'!A0"  # text, not a formula
    assert sheet.cell(row=5, column=3).value == "cron"
    assert marker.read_text() == str(out.resolve())
    capsys.readouterr()
    csv_out = env.tmp / "jan.csv"
    assert run(env, "report", "run", "calls", "--out", str(csv_out), user=None) == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_default_goes_to_the_export_folder(env, capsys):
    assert run(env, "report", "run", "staff", "--format", "csv", user="super1") == 0
    said = capsys.readouterr().out
    assert "exports" in said and "report_staff-super1-" in said


def test_refusals(env, capsys):
    assert run(env, "report", "list", user="desk1") != 0  # a clerk runs no reports
    assert capsys.readouterr().err.strip()
    link = env.tmp / "link.xlsx"
    link.symlink_to(env.tmp / "elsewhere.xlsx")
    assert run(env, "report", "run", "staff", "--out", str(link), user="super1") != 0
    assert not (env.tmp / "elsewhere.xlsx").exists()
    assert run(env, "report", "run", "staff", "--out", str(env.tmp / "x.xlsx"), "--send", "true",
               user="super1") != 0  # --send: administrators and the service account only
    assert run(env, "report", "show", "staff", "--period", "month:2027-13", user="super1") != 0
    err = capsys.readouterr().err
    assert "month:2027-13" in err or "13" in err
    assert run(env, "report", "run", "staff", "--out", str(env.tmp / "x.pdf"), user="super1") != 0


def test_out_replaces_a_file_whole_and_refuses_links_folders_and_fifos(env, capsys):
    """--out: the file cron names each month is replaced; a symbolic link on the way (a
    folder's), a folder, a FIFO are refused with the reason, nothing written."""
    import os

    target = env.tmp / "monthly.xlsx"
    target.write_bytes(b"last month")
    assert run(env, "report", "run", "staff", "--out", str(target), user="super1") == 0
    assert load_workbook(target).active.cell(row=1, column=1).value  # a workbook now
    assert not [p for p in env.tmp.iterdir() if p.name.startswith(".report-")]  # no leftover
    real = env.tmp / "real"
    real.mkdir()
    (env.tmp / "via").symlink_to(real, target_is_directory=True)
    capsys.readouterr()
    assert run(env, "report", "run", "staff", "--out", str(env.tmp / "via" / "x.xlsx"), user="super1") != 0
    assert "符号链接" in capsys.readouterr().err and not list(real.iterdir())
    folder = env.tmp / "folder.xlsx"
    folder.mkdir()
    assert run(env, "report", "run", "staff", "--out", str(folder), user="super1") != 0
    assert "不是普通文件" in capsys.readouterr().err
    fifo = env.tmp / "pipe.csv"
    os.mkfifo(fifo)
    assert run(env, "report", "run", "staff", "--out", str(fifo), user="super1") != 0  # never blocks
    assert "不是普通文件" in capsys.readouterr().err


def test_send_refused_before_anything_is_written(env, capsys):
    out = env.tmp / "never.xlsx"
    assert run(env, "report", "run", "staff", "--out", str(out), "--send", "true", user="super1") != 0
    assert "--send" in capsys.readouterr().err and not out.exists()


def test_tech_and_desk_see_no_report_nor_shared_definition(env, capsys):
    f.staff("tech1", "王工", "tech")
    assert run(env, "report", "save", "投诉", "--subject", "orders", "--group", "category", "--share",
               user="super1") == 0
    for who in ("tech1", "desk1"):
        for argv in (("report", "list"), ("report", "show", "super1/投诉"), ("report", "show", "staff"),
                     ("report", "run", "super1/投诉", "--out", str(env.tmp / f"{who}.csv"))):
            assert run(env, *argv, user=who) != 0
        assert not (env.tmp / f"{who}.csv").exists()
    err = capsys.readouterr().err
    assert "无权运行报表" in err and "定时" not in err  # says what was refused: reports, not only cron's


def test_show_prints_large_sums_whole(env, capsys):
    """report show: a column as wide as its widest figure (it cut 1,480,009.62 to 1,480,009.)."""
    from data.models import Bill, FeeItem, Room

    room = Room.get()
    item = FeeItem.create(community=room.community, name="物业费", basis="area")
    Bill.create(community=room.community, building=room.building, room=room, item=item, period="2027-01",
                starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 1, 31), amount_fen=148000962)
    assert run(env, "report", "show", "fees", "--period", "month:2027-01", "--community", "JX",
               user="super1") == 0
    out = capsys.readouterr().out
    assert "1,480,009.62" in out and "0.0%" in out and "上期" not in out.split("合计")[0]

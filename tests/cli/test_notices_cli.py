"""`frontdesk notices …` and `frontdesk activities …`: a 停水 notice to two buildings drafted,
published and its households not yet told listed; the PDF path; a placeholder the app does
not know refused; an activity's sign-ups up to its capacity."""

from __future__ import annotations

from pathlib import Path

import pytest

from data import people
from data.db import close_database, open_database
from data.exports import default_export_dir
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import json_lines, run


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-30 08:00")
    open_database(db_url)
    comm = f.community("锦绣花园")
    f.staff("desk1", "李娜", "desk")
    f.staff("tech1", "王建国", "tech")
    for code, phone in (("3-1-101", "13800000001"), ("3-1-102", None), ("5-1-101", "13800000004")):
        pid = people.create_person(PersonInput(name="业主" + code, phones=[phone] if phone else []))
        people.move_in(pid, people.ensure_room(comm.id, code), "owner")
    close_database()
    return db_url


def test_a_water_notice_from_the_command_line(db, capsys):
    assert run(db, "notices", "new", "停水", "--community", "锦绣花园", "--to", "3,5", "--set", "原因=水泵检修",
               "--set", "开始时间=12月1日 9:00", "--set", "结束时间=12月1日 17:00", "--json") == 0
    [made] = json_lines(capsys)
    assert made["households"] == 3 and made["status"] == "draft"
    assert run(db, "notices", "publish", str(made["id"]), "--json") == 0
    [published] = json_lines(capsys)
    assert published["status"] == "published"
    assert run(db, "notices", "unreached", str(made["id"]), "--json") == 0
    # No message command is configured: nobody was told yet; the two with a phone are to call.
    assert sorted((d["room"], d["channel"]) for d in json_lines(capsys)) == [
        ("3-1-101", "call"), ("3-1-102", "none"), ("5-1-101", "call")]
    assert run(db, "notices", "reached", str(made["id"]), "3-1-102", "--how", "visit") == 0
    capsys.readouterr()
    assert run(db, "notices", "unreached", str(made["id"]), "--json") == 0
    assert [d["room"] for d in json_lines(capsys)] == ["3-1-101", "5-1-101"]
    assert run(db, "notices", "pdf", str(made["id"])) == 0
    path = Path(capsys.readouterr().out.strip().split(" ", 1)[-1].split("：", 1)[-1])
    assert path.parent == default_export_dir() and path.suffix == ".pdf"
    assert run(db, "notices", "list") == 0
    assert "1/3" in capsys.readouterr().out


def test_refusals(db, capsys):
    assert run(db, "notices", "new", "温馨提示", "--community", "锦绣花园", "--to", "3", "--body", "{停车场}") == 2
    assert "{停车场}" in capsys.readouterr().err
    assert run(db, "notices", "list", user="tech1") == 2
    capsys.readouterr()


def test_activity_signups_stop_at_capacity(db, capsys):
    assert run(db, "activities", "new", "健康讲座", "--kind", "health", "--community", "锦绣花园",
               "--at", "2026-12-10 14:00", "--capacity", "2", "--json") == 0
    [act] = json_lines(capsys)
    assert run(db, "activities", "signup", str(act["id"]), "3-1-101", "--people", "2") == 0
    capsys.readouterr()
    assert run(db, "activities", "signup", str(act["id"]), "5-1-101") == 2
    assert "名额已满" in capsys.readouterr().err
    assert run(db, "activities", "attend", str(act["id"]), "3-1-101", "--json") == 0
    [view] = json_lines(capsys)
    assert (view["signed"], view["attended"]) == (2, 1)

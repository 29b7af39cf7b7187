"""The 12345 hotline and retention from the command line (issue 16 items 13 and 14):
`tickets new --channel hotline --hotline-ref R --reply-due DT`, `tickets reply ID --text T`,
`tickets list --hotline --overdue-reply`, `escalate` telling the reply apart, and
`frontdesk purge [--dry-run] [--json]` as cron's service account — on both databases."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from data import people
from data.db import close_database, open_database
from data.models import Call, HotlineOrder, PurgeRun, Staff, WorkOrder
from tests import factories as f
from tests.helpers.cli import json_lines, run

NOW = "2026-12-07 10:00"
T0 = dt.datetime(2026, 12, 7, 10, 0)


@pytest.fixture
def db(db_url, monkeypatch) -> SimpleNamespace:
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    monkeypatch.setattr("data.access.os_login", lambda: "nobody-here")
    open_database(db_url)
    comm = f.community("锦绣花园")
    people.ensure_room(comm.id, "3-2-501")
    desk = f.staff("desk1", "李娜")
    f.staff("tech1", "王建国", "tech")
    f.staff("super1", "陈静", "supervisor")
    f.staff("admin1", "管理员", "admin")
    f.staff("cron", "定时任务", "service", os_login="cronuser", password_hash=None)
    for days_ago in (400, 30):
        Call.create(direction="in", number="13800138000", staff=desk, summary=f"{days_ago}",
                    started_at=T0 - dt.timedelta(days=days_ago), recording=f"rec/{days_ago}.mp3")
    close_database()
    return SimpleNamespace(url=db_url)


def new_hotline(db, capsys, *extra: str, ref: str = "SZ-2026-004711", due: str = "后天 17:00") -> dict:
    assert run(db, "tickets", "new", "--kind", "投诉", "--room", "3-2-501", "--category", "装修噪音",
               "--text", "楼上装修噪音扰民", "--channel", "12345", "--hotline-ref", ref,
               "--reply-due", due, "--json", *extra) == 0, capsys.readouterr().err
    [order] = json_lines(capsys)
    return order


def stored(db, model, *where):
    open_database(db.url)
    try:
        return list(model.select().where(*where)) if where else list(model.select())
    finally:
        close_database()


def test_new_takes_the_hotline_channel_reference_and_reply_deadline(db, capsys):
    order = new_hotline(db, capsys)
    assert (order["channel"], order["hotline_ref"], order["reply_due"], order["replied_at"],
            order["reply_overdue"]) == ("hotline", "SZ-2026-004711", "2026-12-09 17:00", None, False)
    assert run(db, "tickets", "show", order["number"]) == 0
    out = capsys.readouterr().out
    assert "12345热线" in out and "SZ-2026-004711" in out and "2026-12-09 17:00" in out
    assert "还剩 2d7h" in out


@pytest.mark.parametrize("extra, option, words", [
    (["--hotline-ref", "SZ 2026"], "--hotline-ref", "字母、数字和连字符"),
    (["--reply-due", "下辈子"], "--reply-due", "答复期限请写成"),
    (["--reply-due", "昨天"], "--reply-due", "已过"),
])
def test_bad_hotline_input_names_the_option_and_saves_nothing(db, capsys, extra, option, words):
    argv = {"--hotline-ref": "SZ-1", "--reply-due": "明天 17:00"}
    argv.update(dict(zip(extra[::2], extra[1::2], strict=True)))
    assert run(db, "tickets", "new", "--kind", "投诉", "--room", "3-2-501", "--category", "装修噪音",
               "--text", "噪音", "--channel", "hotline",
               *(x for pair in argv.items() for x in pair)) == 2
    err = capsys.readouterr().err
    assert option in err and words in err
    assert stored(db, WorkOrder) == []


def test_the_hotline_channel_needs_both_and_another_channel_neither(db, capsys):
    base = ["tickets", "new", "--kind", "投诉", "--room", "3-2-501", "--category", "装修噪音",
            "--text", "噪音"]
    assert run(db, *base, "--channel", "12345热线", "--reply-due", "明天 17:00") == 2
    assert "--hotline-ref" in capsys.readouterr().err
    assert run(db, *base, "--channel", "12345", "--hotline-ref", "SZ-1") == 2
    assert "--reply-due" in capsys.readouterr().err
    assert run(db, *base, "--channel", "电话", "--hotline-ref", "SZ-1") == 2
    assert "12345热线" in capsys.readouterr().err
    assert stored(db, WorkOrder) == []


def test_reply_records_text_who_and_when_once(db, capsys, monkeypatch):
    order = new_hotline(db, capsys)
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-08 16:20")
    assert run(db, "tickets", "reply", order["number"], "--text", "已约谈装修户，业主表示满意",
               "--json") == 0, capsys.readouterr().err
    [after] = json_lines(capsys)
    assert (after["replied_at"], after["replied_by"], after["reply_text"], after["reply_overdue"]) == (
        "2026-12-08 16:20", "李娜", "已约谈装修户，业主表示满意", False)
    assert run(db, "tickets", "reply", str(order["id"]), "--text", "再答一次") == 2
    assert "已记录过" in capsys.readouterr().err
    assert run(db, "tickets", "show", order["number"]) == 0
    assert "由 李娜 答复：已约谈装修户" in capsys.readouterr().out


def test_reply_refusals(db, capsys):
    order = new_hotline(db, capsys)
    assert run(db, "tickets", "reply", order["number"], "--text", "已处理", user="tech1") == 2
    assert "客服" in capsys.readouterr().err
    assert run(db, "tickets", "reply", order["number"], "--text", "  ") == 2
    assert "--text" in capsys.readouterr().err
    assert run(db, "tickets", "reply", order["number"], "--text", "已处理",
               "--if-version", str(order["version"] + 5)) == 3
    capsys.readouterr()
    assert stored(db, HotlineOrder)[0].replied_at is None


def test_list_hotline_and_overdue_reply(db, capsys, monkeypatch):
    soon = new_hotline(db, capsys, ref="R-1", due="今天 12:00")
    later = new_hotline(db, capsys, ref="R-2", due="后天 17:00")
    assert run(db, "tickets", "new", "--kind", "投诉", "--room", "3-2-501", "--category", "装修噪音",
               "--text", "电话投诉", "--json") == 0
    other = json_lines(capsys)[0]
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-07 13:00")
    assert run(db, "tickets", "list", "--hotline", "--json") == 0
    assert {o["number"] for o in json_lines(capsys)} == {soon["number"], later["number"]}
    assert run(db, "tickets", "list", "--overdue-reply", "--json") == 0
    [late] = json_lines(capsys)
    assert (late["number"], late["reply_overdue"]) == (soon["number"], True)
    assert run(db, "tickets", "list", "--hotline") == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(soon["number"] in line and "答复 -1h00m" in line for line in lines)
    assert any(later["number"] in line and "答复 2d4h" in line for line in lines)
    assert not any(other["number"] in line for line in lines)


def test_escalate_tells_a_missed_reply_once(db, capsys, monkeypatch):
    order = new_hotline(db, capsys, due="今天 12:00")
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-07 12:01")
    assert run(db, "escalate", "--json", user="super1") == 0
    lines = json_lines(capsys)
    assert [(e["number"], e["deadline"], e["notified"]) for e in lines] == [
        (order["number"], "hotline_reply", ["super1"])]
    assert run(db, "escalate", "--json", user="super1") == 0
    assert json_lines(capsys) == []


def test_purge_as_cron_dry_run_then_for_real(db, capsys, monkeypatch):
    monkeypatch.setattr("data.access.os_login", lambda: "cronuser")
    assert run(db, "purge", "--dry-run", "--json", user=None) == 0, capsys.readouterr().err
    # The visitors' purger runs too (nothing to purge here): the recordings' line.
    [dry] = [line for line in json_lines(capsys) if line["name"] == "recordings"]
    assert (dry["name"], dry["days"], dry["purged"], dry["dry_run"]) == ("recordings", 365, 1, True)
    assert sorted(c.recording for c in stored(db, Call)) == ["rec/30.mp3", "rec/400.mp3"]
    assert stored(db, PurgeRun) == []
    assert run(db, "purge", user=None) == 0
    out = capsys.readouterr().out
    assert "通话录音索引：已清除 1 条（超过 365 天" in out
    assert sorted(c.recording for c in stored(db, Call)) == ["", "rec/30.mp3"]
    [record] = [r for r in stored(db, PurgeRun) if r.name == "recordings"]
    cron = stored(db, Staff, Staff.login == "cron")[0]
    assert (record.purged, record.staff_id) == (1, cron.id)
    assert run(db, "purge", "--history", user=None) == 0
    assert "recordings" in capsys.readouterr().out


@pytest.mark.parametrize("user", ["desk1", "super1"])
def test_purge_is_refused_to_people_other_than_administrators(db, capsys, user):
    assert run(db, "purge", user=user) == 2
    assert "清除超过保存期限的个人信息" in capsys.readouterr().err
    assert stored(db, PurgeRun) == []


def test_purge_by_an_administrator_and_the_period_setting(db, capsys):
    assert run(db, "settings", "set", "retention_recording_days", "10", user="admin1") == 0
    assert run(db, "settings", "set", "retention_recording_days", "十天", user="admin1") == 2
    capsys.readouterr()
    assert run(db, "settings", "list", user="admin1") == 0
    listing = capsys.readouterr().out
    assert "retention_visitor_days = " in listing and "（默认：180）" in listing
    assert run(db, "purge", "--json", user="admin1") == 0
    [result] = [line for line in json_lines(capsys) if line["name"] == "recordings"]
    assert (result["days"], result["purged"]) == (10, 2)

"""`frontdesk duty` and `frontdesk handover draft|submit|ack|list|show` through tui.cli.main,
on both databases."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from data import calendar as cal
from data.db import close_database, open_database
from data.models import AuditLog, Call, Handover, Staff
from tests import factories as f
from tests.helpers.cli import json_lines, run

NOW = "2026-11-30 15:30"  # a Monday


@pytest.fixture
def db(db_url, monkeypatch) -> SimpleNamespace:
    """Two desk clerks of 锦绣花园 and a technician, on the Monday roster; a callback due
    this evening and an overdue work order."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(db_url)
    comm = f.community("锦绣花园")
    desk1 = f.staff("desk1", "王丽", "desk", phone="13911112222", community=comm)
    desk2 = f.staff("desk2", "李婷婷", "desk", community=comm)
    tech = f.staff("tech1", "李建国", "tech", phone="13822223333")
    for who, hour, hours, title in ((desk1, 8, 8, "前台早班"), (desk2, 16, 8, "前台中班"),
                                    (tech, 20, 12, "维修夜班备班")):
        cal.create_event(cal.EventInput(
            kind="duty", title=title, start=dt.datetime(2026, 11, 2, hour),
            end=dt.datetime(2026, 11, 2, hour) + dt.timedelta(hours=hours),
            attendee_ids=[who.id], rrule="FREQ=WEEKLY;BYDAY=MO"), desk1.id)
    Call.create(direction="in", number="13800138000", staff=desk1, summary="询问热水器维修结果",
                started_at=dt.datetime(2026, 11, 30, 9), callback_due=dt.datetime(2026, 11, 30, 18),
                callback_assignee=desk1)
    f.work_order(desk1, comm, title="电梯异响", status="assigned", assignee=tech,
                 resolution_due=dt.datetime(2026, 11, 30, 12))
    close_database()
    return SimpleNamespace(url=db_url)


def test_duty_lists_the_days_roster_by_shift(db, capsys):
    assert run(db, "duty", "--json") == 0
    rows = json_lines(capsys)
    assert [(r["shift"], r["login"], r["on_call"], r["phone"]) for r in rows] == [
        ("morning", "desk1", False, "13911112222"), ("middle", "desk2", False, ""),
        ("night", "tech1", True, "13822223333")]
    assert rows[0]["shift_label"] == "早班" and rows[0]["role_label"] == "客服"
    assert rows[2]["start"] == "2026-11-30 20:00" and rows[2]["end"] == "2026-12-01 08:00"
    assert run(db, "duty", "--date", "2026-12-07") == 0  # next Monday: the series repeats
    out = capsys.readouterr().out
    assert "2026-12-07 值班表" in out and "早班" in out and "王丽" in out and "（备班）" in out
    assert run(db, "duty", "--date", "2026-12-01") == 0
    assert "当天没有值班安排。" in capsys.readouterr().out
    assert run(db, "duty", "--date", "12/01") == 2
    assert "--date" in capsys.readouterr().err


def test_handover_from_draft_to_acknowledgement(db, capsys):
    assert run(db, "handover", "draft", "--json") == 0
    [draft] = json_lines(capsys)
    assert draft["shift"] == "morning" and draft["communities"] == ["锦绣花园"]
    sections = {s["name"]: s for s in draft["sections"]}
    assert "询问热水器维修结果" in sections["callbacks"]["items"][0]["text"]
    assert sections["work_orders"]["items"][0]["ref"] == "BX-20261127-0001"
    assert run(db, "handover", "submit", "--note", "东门道闸抬杆故障，已报修", "--json") == 0
    [saved] = json_lines(capsys)
    assert saved["notes"] == "东门道闸抬杆故障，已报修" and saved["acked_by"] is None
    assert saved["items"] == 2 and saved["staff"] == "desk1"
    # Nobody acknowledges their own; a technician may not; the next clerk does.
    assert run(db, "handover", "ack", str(saved["id"])) == 2
    assert "你自己提交的" in capsys.readouterr().err
    assert run(db, "handover", "ack", str(saved["id"]), user="tech1") == 2
    capsys.readouterr()
    assert run(db, "handover", "list", "--pending", "--json", user="desk2") == 0
    assert [r["id"] for r in json_lines(capsys)] == [saved["id"]]
    assert run(db, "handover", "ack", str(saved["id"]), "--note", "已接班", "--json", user="desk2") == 0
    [acked] = json_lines(capsys)
    assert (acked["acked_by"], acked["acked_at"], acked["ack_notes"]) == ("李婷婷", NOW, "已接班")
    assert run(db, "handover", "list", "--search", "道闸", "--json", user="desk2") == 0
    assert [r["id"] for r in json_lines(capsys)] == [saved["id"]]
    assert run(db, "handover", "list", "--search", "没有这回事", "--json") == 0
    assert json_lines(capsys) == []
    assert run(db, "handover", "show", str(saved["id"])) == 0
    shown = capsys.readouterr().out
    assert "东门道闸抬杆故障" in shown and "李婷婷 于 2026-11-30 15:30 确认接班" in shown
    assert "【待回电】" in shown and "BX-20261127-0001" in shown
    # Both writes are in the audit trail, attributed to who did them.
    open_database(db.url)
    try:
        trail = {(a.action, a.field, a.staff_id) for a in AuditLog.select().where(
            AuditLog.entity == "handover", AuditLog.entity_id == saved["id"])}
        desk1, desk2 = (Staff.get(Staff.login == login).id for login in ("desk1", "desk2"))
        assert ("create", "", desk1) in trail and ("update", "acked_by_id", desk2) in trail
    finally:
        close_database()


def test_handover_refuses_bad_input_and_changes_nothing(db, capsys):
    assert run(db, "handover", "submit", "--note", "x\x1b[2Jy") == 2
    assert "notes" in capsys.readouterr().err
    assert run(db, "handover", "ack", "999") == 2
    assert "没有交接 #999" in capsys.readouterr().err
    assert run(db, "handover", "list", "--since", "2026-11-30", "--until", "2026-11-01") == 2
    assert "早于开始日期" in capsys.readouterr().err
    assert run(db, "handover", "draft", user="tech1") == 2
    capsys.readouterr()
    open_database(db.url)
    try:
        assert Handover.select().count() == 0
    finally:
        close_database()

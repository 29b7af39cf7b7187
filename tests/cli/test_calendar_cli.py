"""`frontdesk calendar add|agenda` and `frontdesk remind` through tui.cli.main."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from data import calendar as cal
from data.db import close_database, open_database
from data.models import Event, Notification
from tests import factories as f
from tests.helpers.cli import json_lines as lines
from tests.helpers.cli import run

NOW = "2026-11-30 08:00"  # a Monday


@pytest.fixture
def db(sqlite_url, monkeypatch) -> SimpleNamespace:
    """Two technicians and a desk clerk; tech1 has a weekly Monday inspection 09:00–11:00."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(sqlite_url)
    tech1 = f.staff("tech1", "王师傅", "tech")
    f.staff("tech2", "刘师傅", "tech")
    desk = f.staff("desk1", "李娜", "desk")
    series, _ = cal.create_event(cal.EventInput(
        "inspection", "每周巡查", dt.datetime(2026, 11, 30, 9), dt.datetime(2026, 11, 30, 11),
        [tech1.id], rrule="FREQ=WEEKLY;BYDAY=MO", reminder_minutes=30), desk.id)
    close_database()
    return SimpleNamespace(url=sqlite_url, series=series)


def count_events(db) -> int:
    open_database(db.url)
    try:
        return Event.select().count()
    finally:
        close_database()


def test_add_reports_conflict_and_exits_2(db, capsys):
    argv = ["calendar", "add", "--staff", "tech1,tech2", "--title", "上门维修 3-2-501",
            "--start", "2026-12-07 10:00", "--end", "2026-12-07 11:30", "--kind", "上门预约"]
    assert run(db, *argv) == 2
    err = capsys.readouterr().err
    assert "每周巡查" in err and "2026-12-07 09:00" in err and "tech1" in err
    assert count_events(db) == 1
    assert run(db, *argv, "--json") == 2
    assert lines(capsys) == [{"booked": False, "conflicts": [{
        "login": "tech1", "name": "王师傅", "title": "每周巡查", "start": "2026-12-07 09:00",
        "end": "2026-12-07 11:00", "event_id": db.series}]}]
    assert run(db, *argv, "--force", "--reason", "业主只有周一在家", "--json") == 0
    out = lines(capsys)[0]
    assert out["booked"] is True and len(out["conflicts"]) == 1
    open_database(db.url)
    row = Event.get_by_id(out["id"])
    assert row.kind == "appointment" and "业主只有周一在家" in row.description
    close_database()


def test_add_without_conflict_and_bad_input(db, capsys):
    assert run(db, "calendar", "add", "--staff", "tech2", "--title", "业委会会议", "--kind", "meeting",
               "--start", "2026-12-01 14:00", "--end", "2026-12-01 15:00",
               "--rrule", "FREQ=WEEKLY;COUNT=2") == 0
    assert "业委会会议" in capsys.readouterr().out
    assert run(db, "calendar", "add", "--staff", "nobody", "--title", "x",
               "--start", "2026-12-01 14:00", "--end", "2026-12-01 15:00") == 2
    assert "nobody" in capsys.readouterr().err
    assert run(db, "calendar", "add", "--staff", "tech2", "--title", "x",
               "--start", "2026-12-01 14:00", "--end", "2026-12-01 13:00") == 2
    assert run(db, "calendar", "add", "--staff", "tech2", "--title", "x", "--kind", "party",
               "--start", "2026-12-01 14:00", "--end", "2026-12-01 15:00") == 2
    assert run(db, "calendar", "add", "--staff", "tech2", "--title", "x", "--rrule", "FREQ=NEVER",
               "--start", "2026-12-01 14:00", "--end", "2026-12-01 15:00") == 2
    assert count_events(db) == 2


def test_agenda(db, capsys):
    assert run(db, "calendar", "agenda", "--staff", "tech1", "--days", "14", "--json") == 0
    rows = lines(capsys)
    assert [r["start"] for r in rows] == ["2026-11-30 09:00", "2026-12-07 09:00"]
    assert rows[0]["series_id"] == db.series and rows[0]["attendees"] == ["tech1"]
    assert run(db, "calendar", "agenda", user="tech1") == 0  # default: me, 7 days
    out = capsys.readouterr().out
    assert "每周巡查" in out and out.count("\n") == 1
    assert run(db, "calendar", "agenda") == 0  # desk1 has nothing
    assert "7" in capsys.readouterr().out


def test_remind_is_idempotent(db, capsys, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-30 08:40")
    open_database(db.url)
    f.staff("super1", "陈静", "supervisor")
    close_database()
    assert run(db, "remind", "--json", user="super1") == 0  # people's reminders: cron's or a lead's
    assert lines(capsys) == [{"sent": 1}]
    # The inbox delivery does not use up the hook's: a failing hook exits 1 and is tried
    # again (issue 12, finding 15), until it succeeds once.
    assert run(db, "remind", "--json", "--hook", "false {login}", user="super1") == 1
    assert lines(capsys) == [{"sent": 0, "hooked": 0, "failed": 1}]
    assert run(db, "remind", "--json", "--hook", "true {login}", user="super1") == 0
    assert lines(capsys) == [{"sent": 0, "hooked": 1, "failed": 0}]
    assert run(db, "remind", "--json", "--hook", "true {login}", user="super1") == 0
    assert lines(capsys) == [{"sent": 0, "hooked": 0, "failed": 0}]
    open_database(db.url)
    assert Notification.select().where(Notification.kind == "reminder").count() == 1
    close_database()

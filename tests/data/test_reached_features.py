"""Data functions that only tests reached, now given a command (issue 13 item 6): saved
filters listed and deleted, free time on working days, tagging a call to an incident, call
lists from a search or a file, script editing with checked placeholders, the holiday check
and `copy --compare`'s refusals."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from data import calendar as cal
from data import calls, people, queue
from data.db import close_database, open_database
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.i18n import set_language
from data.models import Building, Call, CallList, Script
from data.people import PersonInput
from data.queue import QueueFilter
from tests import factories as f
from tui import cli

D = dt.datetime
NOW = "2026-11-30 08:00"  # a Monday


@pytest.fixture
def en():
    set_language("en")


@pytest.fixture
def world(database, monkeypatch) -> SimpleNamespace:
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "5-1-101")
    li = people.create_person(PersonInput(name="李芳", gender="F", phones=["13700001111"]))
    people.move_in(li, room, "owner")
    desk = f.staff("desk1", "李娜", "desk")
    sup = f.staff("super1", "陈静", "supervisor")
    tech = f.staff("tech1", "王建国", "tech")
    b5 = Building.get(Building.community == comm.id, Building.code == "5")
    return SimpleNamespace(comm=comm, li=li, desk=desk, sup=sup, tech=tech, b5=b5.id)


# --- data, on both databases ---------------------------------------------------------------


def test_deleting_a_saved_filter_removes_only_that_ones_of_that_person(world, en):
    queue.save_filter(world.desk.id, "紧急", QueueFilter(priority="urgent"))
    queue.save_filter(world.desk.id, "已派", QueueFilter(status="assigned"))
    queue.save_filter(world.sup.id, "紧急", QueueFilter(priority="urgent"))
    queue.delete_filter(world.desk.id, " 紧急 ")
    assert [n for n, _f in queue.saved_filters(world.desk.id)] == ["已派"]
    assert [n for n, _f in queue.saved_filters(world.sup.id)] == ["紧急"]
    with pytest.raises(NotFoundError, match="No saved filter “紧急”"):
        queue.delete_filter(world.desk.id, "紧急")


def test_free_slots_are_the_gaps_on_working_days_within_the_hours(world):
    f.event(world.tech, D(2026, 12, 1, 10), D(2026, 12, 1, 11, 30))
    f.event(world.tech, D(2026, 12, 1, 7), D(2026, 12, 1, 9))  # starts before opening
    # Mon 11-30 … Sun 12-06: the weekend is not offered.
    free = cal.free_slots([world.tech.id, world.desk.id], dt.date(2026, 11, 30), 7)
    tech_days = sorted({a.date() for a, _b in free[world.tech.id]})
    assert tech_days == [dt.date(2026, 11, 30) + dt.timedelta(days=i) for i in range(5)]
    assert [s for s in free[world.tech.id] if s[0].date() == dt.date(2026, 12, 1)] == [
        (D(2026, 12, 1, 9), D(2026, 12, 1, 10)), (D(2026, 12, 1, 11, 30), D(2026, 12, 1, 17, 30))]
    assert free[world.desk.id][0] == (D(2026, 11, 30, 8, 30), D(2026, 11, 30, 17, 30))
    morning = cal.free_slots([world.tech.id], dt.date(2026, 12, 1), 1, (dt.time(9), dt.time(12)))
    assert morning[world.tech.id] == [(D(2026, 12, 1, 9), D(2026, 12, 1, 10)),
                                      (D(2026, 12, 1, 11, 30), D(2026, 12, 1, 12))]
    with pytest.raises(ValidationError):
        cal.free_slots([world.tech.id], dt.date(2026, 12, 1), 0)


def test_a_holiday_has_no_free_time(world):
    free = cal.free_slots([world.desk.id], dt.date(2026, 10, 1), 1)  # 国庆节
    assert free[world.desk.id] == []


def test_an_edited_script_with_an_unknown_placeholder_is_refused_naming_it(world, en):
    calls.ensure_default_scripts()
    script = calls.find_script("停水通知")
    with pytest.raises(ValidationError) as caught:
        calls.save_script(script.category, script.title, "{称呼}您好，{房间号}将于{时间}停水",
                          world.sup.id, script_id=script.id)
    assert "{房间号}" in str(caught.value) and "{时间}" in str(caught.value)
    assert "{称呼}" not in str(caught.value).split(":")[0]
    assert Script.get_by_id(script.id).body == script.body
    calls.save_script(script.category, script.title, "{称呼}您好，{房号}将于{预约时间}停水",
                      world.sup.id, script_id=script.id)
    assert calls.find_script("停水通知").body == "{称呼}您好，{房号}将于{预约时间}停水"


def test_desk_staff_may_not_edit_scripts(world):
    calls.ensure_default_scripts()
    script = calls.find_script("通用开场")
    with pytest.raises(PermissionDenied):
        calls.save_script(script.category, script.title, "您好", world.desk.id, script_id=script.id)


def test_a_call_list_from_a_file_is_for_supervisors_and_found_in_the_export_folder(world, tmp_path):
    from data.exports import configured_export_dir

    folder = configured_export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "名单.csv").write_text("电话\n13700001111\n13900000000\n", encoding="utf-8")
    with pytest.raises(PermissionDenied):
        calls.build_list_from_file("名单.csv", world.desk.id)
    items = calls.list_items(calls.build_list_from_file("名单.csv", world.sup.id))
    assert [(i.number, i.person_id) for i in items] == [("13700001111", world.li), ("13900000000", None)]


# --- the commands (SQLite) ------------------------------------------------------------------


@pytest.fixture
def db(sqlite_url, monkeypatch) -> SimpleNamespace:
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "5-1-101")
    li = people.create_person(PersonInput(name="李芳", gender="F", phones=["13700001111"]))
    people.move_in(li, room, "owner")
    desk = f.staff("desk1", "李娜", "desk")
    sup = f.staff("super1", "陈静", "supervisor")
    tech = f.staff("tech1", "王建国", "tech")
    f.event(tech, D(2026, 12, 1, 10), D(2026, 12, 1, 11, 30))
    call = f.call(desk, number="13700001111")
    b5 = Building.get(Building.community == comm.id, Building.code == "5")
    incident = calls.declare_incident("water_cut", "5号楼停水", [b5.id], D(2026, 11, 30, 7),
                                      D(2026, 11, 30, 18), "", sup.id)
    queue.save_filter(desk.id, "紧急", QueueFilter(priority="urgent"))
    calls.ensure_default_scripts()
    close_database()
    return SimpleNamespace(url=sqlite_url, call=call.id, incident=incident.id, li=li)


def run(db, *argv: str, user: str = "desk1") -> int:
    close_database()
    try:
        return cli.main(["--db", db.url, "--user", user, "--lang", "en", *argv])
    finally:
        close_database()


def test_tickets_filters_lists_and_deletes_my_saved_filter(db, capsys):
    assert run(db, "tickets", "filters", "list") == 0
    out = capsys.readouterr().out
    assert "紧急" in out and "Urgent" in out
    assert run(db, "tickets", "filters", "delete", "紧急") == 0
    assert "deleted" in capsys.readouterr().out
    assert run(db, "tickets", "filters", "delete", "紧急") == 2
    assert "No saved filter “紧急”" in capsys.readouterr().err
    assert run(db, "tickets", "filters", "list") == 0
    assert "No saved filters yet." in capsys.readouterr().out


def test_calendar_freebusy_prints_free_time_per_day(db, capsys):
    assert run(db, "calendar", "freebusy", "--staff", "tech1", "--days", "2", "--hours", "9:00-12:00") == 0
    out = capsys.readouterr().out
    assert "王建国 (tech1)" in out
    assert "2026-11-30 Mon  09:00–12:00" in out
    assert "2026-12-01 Tue  09:00–10:00  11:30–12:00" in out
    assert run(db, "calendar", "freebusy", "--staff", "tech1", "--days", "1", "--json") == 0
    line = json.loads(capsys.readouterr().out)
    assert line["free"] == [["2026-11-30 08:30", "2026-11-30 17:30"]]
    assert run(db, "calendar", "freebusy", "--staff", "nobody") == 2
    assert run(db, "calendar", "freebusy", "--hours", "12:00-9:00") == 2
    assert "--hours" in capsys.readouterr().err


def test_calendar_holidays_says_whether_a_day_is_a_working_day(db, capsys):
    assert run(db, "calendar", "holidays", "--is-working-day", "2026-10-01") == 0
    assert "2026-10-01 is not a working day. 国庆节" in capsys.readouterr().out
    assert run(db, "calendar", "holidays", "--is-working-day", "2026-10-10", "--json") == 0
    assert json.loads(capsys.readouterr().out)["working_day"] is True
    assert run(db, "calendar", "holidays", "--is-working-day", "tomorrowish") == 2


def test_calls_incident_tag_counts_the_call_in_the_incident(db, capsys):
    assert run(db, "calls", "incident", "tag", str(db.call), str(db.incident)) == 0
    assert "5号楼停水" in capsys.readouterr().out
    open_database(db.url)
    assert Call.get_by_id(db.call).incident_id == db.incident
    close_database()
    assert run(db, "calls", "incident", "tag", str(db.call), "999") == 2


def test_calls_lists_new_from_a_search_and_from_a_file(db, capsys, tmp_path):
    assert run(db, "calls", "lists", "new", "--from-search", "5-1", "--name", "5号楼通知") == 0
    assert "“5号楼通知”: 1 numbers" in capsys.readouterr().out
    path = tmp_path / "n.txt"
    path.write_text("13700001111\n13900000000\n", encoding="utf-8")
    assert run(db, "calls", "lists", "new", "--from-file", str(path)) == 2  # desk staff
    assert "build call lists from a file" in capsys.readouterr().err
    assert run(db, "calls", "lists", "new", "--from-file", str(path), user="super1") == 0
    assert "2 numbers" in capsys.readouterr().out
    assert run(db, "calls", "lists", "list", user="super1") == 0
    assert "5号楼通知" in capsys.readouterr().out
    open_database(db.url)
    assert CallList.select().count() == 2
    close_database()


def test_calls_scripts_list_and_edit_with_checked_placeholders(db, capsys):
    assert run(db, "calls", "scripts", "list") == 0
    assert "停水通知" in capsys.readouterr().out
    assert run(db, "calls", "scripts", "edit", "停水通知", "--text", "{称呼}您好，{楼号}停水") == 2  # desk
    assert run(db, "calls", "scripts", "edit", "停水通知", "--text", "{称呼}您好，{楼号}停水",
               user="super1") == 2
    assert "{楼号}" in capsys.readouterr().err
    assert run(db, "calls", "scripts", "edit", "停水通知", "--text", "{称呼}您好，明天停水",
               user="super1") == 0
    open_database(db.url)
    assert calls.find_script("停水通知").body == "{称呼}您好，明天停水"
    close_database()
    assert run(db, "calls", "scripts", "edit", "没有这个", "--text", "x", user="super1") == 2


def test_copy_compare_needs_both_sides(db, capsys, tmp_path):
    # Without a PostgreSQL target the comparison is refused with a message, never a traceback.
    code = run(db, "copy", "--compare", "--from", str(tmp_path / "missing.db"), "--to", "postgresql://x@127.0.0.1:1/none")
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err

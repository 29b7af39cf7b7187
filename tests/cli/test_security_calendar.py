"""Security review (issue 12), calendar findings 6, 8, 9, 14, 15, 16 and 17, reproduced as
they were found — CLI runs with .ics files written here, a hook script that dumps its
argv — on SQLite and PostgreSQL, asserting the refusal or the right outcome."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import stat
import time
from functools import partial
from types import SimpleNamespace

import pytest

from data import appointments, i18n, ical, reminders, schema
from data import calendar as cal
from data import workorders as wo
from data.calendar import ConflictsFound, EventInput
from data.db import close_database, db, open_database
from data.dialout import dial
from data.errors import ValidationError
from data.models import Event, EventAttendee, Notification, ReminderDelivery
from data.recurrence import MAX_OCCURRENCES
from tests import factories as f
from tests.helpers.cli import run as cli_run

D = dt.datetime
NOW = "2026-12-07 09:00"  # a Monday


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English wording."""
    i18n.set_language("en")
    yield
    i18n.set_language(None)


run = partial(cli_run, lang="en")


def argdump(tmp_path) -> SimpleNamespace:
    """A hook program that appends its arguments, each in brackets, one run a line."""
    out = tmp_path / "argv.txt"
    path = tmp_path / "argdump.sh"
    path.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "[%s]" "$a"; done >> "{out}"\necho >> "{out}"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)

    def runs() -> list[str]:
        return out.read_text(encoding="utf-8").splitlines() if out.exists() else []

    return SimpleNamespace(path=str(path), runs=runs)


def ics(*events: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *events,
                        "END:VCALENDAR", ""])


def vevent(uid: str, summary: str, *lines: str, start: str = "DTSTART:20261215T090000",
           end: str = "DTEND:20261215T100000") -> str:
    return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261201T000000Z", start, end,
                        f"SUMMARY:{summary}", *lines, "END:VEVENT"])


@pytest.fixture
def office(db_url, monkeypatch) -> SimpleNamespace:
    """The review's setting: manager1's monthly meeting series (one occurrence moved), a
    work-order appointment desk2 booked for tech2, and tech1, who imports."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(db_url)
    comm = f.community()
    manager = f.staff("manager1", "周经理", "manager")
    desk2 = f.staff("desk2", "赵敏", "desk")
    tech1 = f.staff("tech1", "王师傅", "tech")
    tech2 = f.staff("tech2", "杨勇", "tech")
    f.staff("desk1")
    f.staff("super1", "陈静", "supervisor")
    series, _ = cal.create_event(EventInput(
        "meeting", "月度工作例会", D(2026, 12, 10, 14), D(2026, 12, 10, 16),
        [manager.id, tech1.id], rrule="FREQ=MONTHLY;BYMONTHDAY=10"), manager.id)
    cal.move_occurrence(series, D(2027, 1, 10, 14), D(2027, 1, 11, 14), D(2027, 1, 11, 16),
                        manager.id, force=True)
    order = wo.create_order(wo.OrderInput(kind="repair", title="厨房水管漏水", community_id=comm.id,
                                        room_id=f.room(comm).id,
                                        appointment_at=D(2026, 12, 9, 10)), desk2.id)
    wo.assign(order.id, tech2.id, desk2.id)
    appointment = appointments.appointment_event(order.id)
    out = SimpleNamespace(url=db_url, series=series, series_uid=Event.get_by_id(series).uid,
                          appointment=appointment.id, appointment_uid=appointment.uid,
                          tech1=tech1.id, manager=manager.id)
    close_database()
    yield out
    close_database()


def hijack(office) -> str:
    """The review's hijack.ics: cancel the series (no RRULE, STATUS:CANCELLED), move the
    appointment to 2027-01-15 — with the real UIDs, as if they had been guessed — and one
    event of tech1's own."""
    return ics(
        vevent(office.series_uid, "月度工作例会", "STATUS:CANCELLED",
               start="DTSTART:20261210T140000", end="DTEND:20261210T160000"),
        vevent(office.appointment_uid, "BX 厨房水管漏水",
               start="DTSTART:20270115T090000", end="DTEND:20270115T100000"),
        vevent("own-1@phone", "自己的备忘"))


# --- finding 6: an import rewrites only what the importing account may change --------------------


def test_finding06_import_cannot_cancel_or_move_others_events(office, tmp_path, capsys):
    path = tmp_path / "hijack.ics"
    path.write_text(hijack(office), encoding="utf-8")
    assert run(office.url, "calendar", "import", str(path), user="tech1") == 2
    captured = capsys.readouterr()
    assert "1 new, 0 updated" in captured.out
    assert "Line 5: event “月度工作例会”" in captured.err and "someone else's event" in captured.err
    assert "work order" in captured.err and "Traceback" not in captured.err
    open_database(office.url)
    series = Event.get_by_id(office.series)
    assert not series.cancelled and series.rrule == "FREQ=MONTHLY;BYMONTHDAY=10"
    assert Event.select().where(Event.series == office.series).count() == 1
    appointment = Event.get_by_id(office.appointment)
    assert appointment.start == D(2026, 12, 9, 10) and not appointment.cancelled
    assert Event.get(Event.uid == "own-1@phone").organiser_id == office.tech1


def test_finding06_a_supervisor_may_update_but_never_a_work_order_appointment(office):
    open_database(office.url)
    boss = f.staff("super2", "钱主管", "supervisor")
    result = ical.import_ics(hijack(office), boss.id, actor_id=boss.id)
    assert (result.created, result.updated, len(result.refused)) == (1, 1, 1)
    assert "work order" in result.refused[0]
    assert Event.get_by_id(office.series).cancelled  # a lead may (event.delete_any)
    assert Event.get_by_id(office.appointment).start == D(2026, 12, 9, 10)


def test_finding06_event_uids_are_random_and_old_counter_uids_import_as_new(office):
    open_database(office.url)
    uids = [e.uid for e in Event.select().where(Event.series.is_null())]
    assert all(re.fullmatch(r"[0-9a-f]{32}@frontdesk", uid) for uid in uids)
    text = ics(vevent(f"{office.series}@frontdesk", "月度工作例会", "STATUS:CANCELLED"))
    assert ical.import_ics(text, office.tech1, actor_id=office.tech1).created == 1
    assert not Event.get_by_id(office.series).cancelled


def test_finding06_migration_0010_replaces_counter_uids(database):
    desk = f.staff("desk1")
    first = Event.create(uid="5@frontdesk", kind="meeting", title="例会", organiser=desk.id,
                         start=D(2026, 12, 10, 14), end=D(2026, 12, 10, 15),
                         rrule="FREQ=WEEKLY", created_at=D(2026, 12, 1))
    moved = Event.create(uid="5@frontdesk#20261217T140000", kind="meeting", title="例会",
                         organiser=desk.id, start=D(2026, 12, 18, 14), end=D(2026, 12, 18, 15),
                         series=first.id, recurrence_id=D(2026, 12, 17, 14),
                         created_at=D(2026, 12, 1))
    counted = Event.create(uid="7@frontdesk", kind="meeting", title="例会", organiser=desk.id,
                           start=D(2026, 12, 25, 14), end=D(2026, 12, 25, 15), series=first.id,
                           recurrence_id=D(2026, 12, 24, 14), created_at=D(2026, 12, 1))
    foreign = Event.create(uid="abc@phone", kind="meeting", title="外来", organiser=desk.id,
                           start=D(2026, 12, 10, 9), end=D(2026, 12, 10, 10), created_at=D(2026, 12, 1))
    spec = importlib.util.spec_from_file_location(
        "m0010", schema.MIGRATIONS_DIR / "0010_event_uid_reminder_delivery.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.up(None, db)  # again on a migrated database: only the UIDs change
    new = Event.get_by_id(first.id).uid
    assert re.fullmatch(r"[0-9a-f]{32}@frontdesk", new)
    assert Event.get_by_id(moved.id).uid == f"{new}#20261217T140000"
    assert re.fullmatch(r"[0-9a-f]{32}@frontdesk", Event.get_by_id(counted.id).uid)
    assert Event.get_by_id(foreign.id).uid == "abc@phone"


# --- finding 8: no reminder floods ---------------------------------------------------------------


def test_finding08_minutely_rule_and_a_long_reminder_are_refused(office, capsys):
    base = ["calendar", "add", "--staff", "desk1", "--title", "sec", "--start", "2026-12-08 09:00",
            "--end", "2026-12-08 09:01", "--force", "--reason", "x"]
    assert run(office.url, *base, "--rrule", "FREQ=MINUTELY", "--reminder", "10000") == 2
    assert "at most hourly" in capsys.readouterr().err
    assert run(office.url, *base, "--rrule", "FREQ=HOURLY;BYMINUTE=0,30") == 2
    assert "at most 24 occurrences a day" in capsys.readouterr().err
    assert run(office.url, *base, "--rrule", "FREQ=HOURLY", "--reminder", "20000") == 2
    assert "0 to 10080 minutes" in capsys.readouterr().err
    open_database(office.url)
    assert Event.select().where(Event.title == "sec").count() == 0
    close_database()
    # Hourly patrol rounds are real: allowed.
    assert run(office.url, *base, "--rrule", "FREQ=HOURLY;INTERVAL=2", "--reminder", "10080") == 0


def test_finding08_an_hourly_series_reminds_each_person_once_per_run(office, tmp_path):
    open_database(office.url)
    hook = argdump(tmp_path)
    cal.create_event(EventInput("inspection", "夜间巡逻", D(2026, 12, 7, 10), D(2026, 12, 7, 10, 30),
                                [office.tech1, office.manager], rrule="FREQ=HOURLY",
                                reminder_minutes=7 * 24 * 60), office.manager, force=True)
    at = D(2026, 12, 7, 9)
    assert reminders.run_reminders(at, hook=hook.path) == reminders.ReminderRun(sent=2, hooked=2)
    assert sorted(hook.runs()) == ["[--][manager1][夜间巡逻][2026-12-07 10:00]",
                                   "[--][tech1][夜间巡逻][2026-12-07 10:00]"]
    assert reminders.run_reminders(at + dt.timedelta(minutes=1), hook=hook.path) == reminders.ReminderRun(0)
    # Once that round has started, the next one is the one reminded of.
    assert reminders.run_reminders(D(2026, 12, 7, 10, 1), hook=hook.path) == reminders.ReminderRun(2, 2)
    assert len(hook.runs()) == 4
    assert Notification.select().where(Notification.kind == "reminder").count() == 4


def test_finding08_many_hourly_series_each_remind_despite_the_expansion_cap(office):
    open_database(office.url)
    # 40 hourly series with 7-day reminders: 40 × 168 occurrences, more than one query's
    # cap; each still reminds of its next round.
    for i in range(40):
        row = Event.create(uid=f"round{i}@x", kind="inspection", title=f"巡逻{i}",
                           organiser=office.manager, start=D(2026, 12, 7, 10), rrule="FREQ=HOURLY",
                           end=D(2026, 12, 7, 10, 10), series_until=None,
                           reminder_minutes=7 * 24 * 60, created_at=D(2026, 12, 1))
        EventAttendee.create(event=row.id, staff=office.tech1)
    assert 40 * 168 > MAX_OCCURRENCES
    due = reminders.due_reminders(D(2026, 12, 7, 9))
    assert len(due) == 40 and {r.start for r in due} == {D(2026, 12, 7, 10)}


def test_finding08_the_edit_forms_refuse_a_minutely_rule_too(office):
    open_database(office.url)
    with pytest.raises(ValidationError) as err:
        cal.edit_series(office.series, {"rrule": "FREQ=MINUTELY"}, office.manager)
    assert err.value.field == "rrule" and "at most hourly" in err.value.message
    assert Event.get_by_id(office.series).rrule == "FREQ=MONTHLY;BYMONTHDAY=10"


# --- finding 9: bounded expansion ----------------------------------------------------------------


def test_finding09_a_secondly_ics_is_refused(office, tmp_path, capsys):
    path = tmp_path / "secondly.ics"
    path.write_text(ics(vevent("sec@x", "秒级", "RRULE:FREQ=SECONDLY;COUNT=1000000000",
                               start="DTSTART:20261208T090000", end="DTEND:20261208T090001")),
                    encoding="utf-8")
    assert run(office.url, "calendar", "import", str(path), user="tech1") == 2
    err = capsys.readouterr().err
    assert "Line 10: event “秒级”" in err and "at most hourly" in err and "Traceback" not in err
    open_database(office.url)
    assert Event.get_or_none(Event.uid == "sec@x") is None


def test_finding09_expansion_of_a_stored_secondly_rule_is_capped(office, capsys):
    open_database(office.url)
    # A rule stored before the check (written straight into the table).
    row = Event.create(uid="old@x", kind="meeting", title="旧规则", organiser=office.tech1,
                       start=D(2026, 12, 8, 9), end=D(2026, 12, 8, 9, 0, 1),
                       rrule="FREQ=SECONDLY;COUNT=1000000000", series_until=None,
                       created_at=D(2026, 12, 1))
    EventAttendee.create(event=row.id, staff=office.tech1)
    started = time.monotonic()
    occs = cal.agenda([office.tech1], D(2026, 12, 7), D(2026, 12, 14))
    assert len(occs) <= MAX_OCCURRENCES + 10
    assert time.monotonic() - started < 30
    assert run(office.url, "calendar", "agenda", "--days", "100000", user="tech1") == 2
    assert "--days must be 1 to 400" in capsys.readouterr().err


def test_finding09_a_booking_inside_an_hourly_series_is_a_conflict(office):
    open_database(office.url)
    cal.create_event(EventInput("inspection", "巡逻", D(2026, 12, 8, 9), D(2026, 12, 8, 9, 30),
                                [office.tech1], rrule="FREQ=HOURLY;COUNT=1000000"), office.tech1,
                     force=True)
    with pytest.raises(ConflictsFound) as found:
        cal.create_event(EventInput("appointment", "上门", D(2026, 12, 15, 9), D(2026, 12, 15, 10),
                                    [office.tech1]), office.manager)
    assert found.value.conflicts[0].title == "巡逻"
    assert found.value.conflicts[0].start == D(2026, 12, 15, 9)


# --- finding 14: ICS hygiene ---------------------------------------------------------------------


@pytest.mark.parametrize(("lines", "expected"), [
    ({"start": "DTSTART:20260230T090000"}, "Line 14: event “坏日期”: DTSTART: not a valid value"),
    ({"start": "DTSTART;TZID=Mars/Olympus:20261208T090000"},
     "Line 14: event “坏日期”: DTSTART: unknown time zone “Mars/Olympus”"),
    ({"start": "DTSTART:00010101T090000", "end": "DTEND:00010101T100000"},
     "Line 14: event “坏日期”: DTSTART: the year 1 is outside 1900–2200"),
    ({"start": "DTSTART:99990101T090000", "end": "DTEND:99990101T100000"},
     "Line 14: event “坏日期”: DTSTART: the year 9999 is outside 1900–2200"),
])
def test_finding14_a_bad_date_names_the_event_and_line(office, tmp_path, capsys, lines, expected):
    path = tmp_path / "bad.ics"
    # The second event's DTSTART is on line 14 (3 header lines, 7 of the first event, 3 more).
    path.write_text(ics(vevent("ok@x", "好"), vevent("bad@x", "坏日期", **lines)), encoding="utf-8")
    assert run(office.url, "calendar", "import", str(path), user="tech1") == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    open_database(office.url)
    assert Event.get_or_none(Event.uid == "ok@x") is None  # all or nothing


def test_finding14_a_file_that_does_not_parse_names_its_line(office, tmp_path, capsys):
    path = tmp_path / "garbage.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\ngarbage\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    assert run(office.url, "calendar", "import", str(path), user="tech1") == 2
    err = capsys.readouterr().err
    assert "Line 3: not an iCalendar file" in err and "Traceback" not in err


def test_finding14_big_and_crowded_files_are_refused_before_parsing(office, tmp_path, capsys,
                                                                    monkeypatch):
    def never(*_args, **_kw):
        raise AssertionError("parsed a file that should have been refused first")

    monkeypatch.setattr("icalendar.Calendar.from_ical", never)
    big = tmp_path / "big.ics"
    with open(big, "wb") as out:
        out.truncate(ical.MAX_ICS_BYTES + 1)
    assert run(office.url, "calendar", "import", str(big), user="tech1") == 2
    assert "larger than 5 MB" in capsys.readouterr().err
    crowded = tmp_path / "crowded.ics"
    crowded.write_text(ics(*(vevent(f"e{i}@x", f"活动{i}") for i in range(ical.MAX_ICS_EVENTS + 1))),
                       encoding="utf-8")
    assert run(office.url, "calendar", "import", str(crowded), user="tech1") == 2
    assert "2001 events; at most 2000" in capsys.readouterr().err


# --- findings 15, 16, 17: reminders that are not lost, hooks that get safe arguments ---------------


@pytest.fixture
def reminded(office):
    """tech1's appointment at 09:30 with a 30-minute reminder (now 09:00)."""
    open_database(office.url)
    cal.create_event(EventInput("appointment", "--output=./hook/owned $(touch x) {login}",
                                D(2026, 12, 7, 9, 30), D(2026, 12, 7, 10), [office.tech1],
                                reminder_minutes=30), office.manager)
    close_database()
    return office


def test_finding15_a_session_sweep_leaves_the_hook_delivery(reminded, tmp_path, capsys):
    hook = argdump(tmp_path)
    open_database(reminded.url)
    assert reminders.send_reminders() == 1  # what FrontDeskApp.sweep_escalations runs
    assert run(reminded.url, "remind", "--hook", hook.path + " {login}", user="super1") == 0
    assert "0 reminders sent" in capsys.readouterr().out  # the inbox has it already
    assert hook.runs() == ["[tech1]"]  # but the hook ran all the same
    open_database(reminded.url)
    assert {(d.channel, d.state) for d in ReminderDelivery.select()} == {("inbox", "sent"),
                                                                         ("hook", "sent")}


def test_finding15_a_failed_hook_exits_nonzero_and_is_retried(reminded, tmp_path, capsys):
    hook = argdump(tmp_path)
    assert run(reminded.url, "remind", "--hook", "/nonexistent/sms-gateway {login} {title}", user="super1") == 1
    captured = capsys.readouterr()
    assert "1 reminders sent" in captured.out
    assert "the reminder hook failed for tech1" in captured.err
    assert "command not found: /nonexistent/sms-gateway" in captured.err
    assert run(reminded.url, "remind", "--hook", hook.path + " {login}", user="super1") == 0
    assert hook.runs() == ["[tech1]"]
    assert run(reminded.url, "remind", "--hook", hook.path + " {login}", user="super1") == 0
    assert hook.runs() == ["[tech1]"]  # sent once it succeeded, never again


def test_finding16_a_hook_without_placeholders_gets_login_title_start(reminded, tmp_path):
    hook = argdump(tmp_path)
    assert run(reminded.url, "remind", "--hook", hook.path, user="super1") == 0
    assert hook.runs() == ["[--][tech1][--output=./hook/owned $(touch x) {login}][2026-12-07 09:30]"]


def test_finding17_titles_stay_one_literal_argument_after_placeholders(reminded, tmp_path):
    hook = argdump(tmp_path)
    assert run(reminded.url, "remind", "--hook", hook.path + " sms {login} {title}", user="super1") == 0
    # One argument, as typed: no shell, and the {login} inside the title is not expanded.
    assert hook.runs() == ["[sms][tech1][--output=./hook/owned $(touch x) {login}]"]


def test_finding17_dial_gets_the_normalised_number_or_nothing(tmp_path):
    hook = argdump(tmp_path)
    refused = dial(hook.path + " call {number}", "--1380013800")
    assert not refused.ok and "Not dialled" in refused.message
    assert hook.runs() == []
    assert dial(hook.path + " call {number}", "+86 138 0013 8000").ok
    assert dial(hook.path + " call", "138-0013-8000").ok
    assert hook.runs() == ["[call][13800138000]", "[call][--][13800138000]"]


def test_import_limits_are_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "5 MB" in readme and "2 000" in readme and "1900–2200" in readme


def test_finding14_a_missing_file_is_a_message(office, tmp_path):
    open_database(office.url)
    with pytest.raises(ValidationError) as err:
        ical.import_ics_file(str(tmp_path / "missing.ics"), office.tech1)
    assert err.value.field == "file" and "missing.ics" in err.value.message

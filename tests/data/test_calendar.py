"""data.calendar on SQLite and PostgreSQL: recurrence with exceptions, this-and-following
edits, conflicts (recurring ones too), free/busy and reminders."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from data import access, reminders
from data import calendar as cal
from data.calendar import ConflictsFound, EventInput
from data.errors import NotFoundError, ValidationError
from data.models import AuditLog, Event, Notification
from tests import factories as f
from tests.helpers.cli import run as cli_run

D = dt.datetime
MON = D(2026, 11, 30, 9, 0)  # a Monday


@pytest.fixture
def staff(database):
    return f.staff("tech1", "王师傅", "tech"), f.staff("tech2", "刘师傅", "tech"), f.staff("desk1")


def ev(attendees, start, end, *, title="上门维修", kind="appointment", rrule=None, **kw):
    return EventInput(kind=kind, title=title, start=start, end=end,
                      attendee_ids=[s.id for s in attendees], rrule=rrule, **kw)


def starts(occs):
    return [o.start for o in occs]


def test_weekly_count_and_until_and_monthly(staff):
    tech1, tech2, desk = staff
    weekly, _ = cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=1), title="巡查",
                                    kind="inspection", rrule="RRULE:FREQ=WEEKLY;COUNT=3"), desk.id)
    row = Event.get_by_id(weekly)
    assert row.rrule == "FREQ=WEEKLY;COUNT=3"
    assert row.series_until == D(2026, 12, 14, 10, 0)
    occs = cal.agenda([tech1.id], D(2026, 11, 1), D(2027, 1, 1))
    assert starts(occs) == [MON, D(2026, 12, 7, 9), D(2026, 12, 14, 9)]
    assert occs[0].series_id == weekly and occs[0].recurrence_id == MON
    assert occs[0].attendees == ("tech1",)

    until, _ = cal.create_event(ev([tech2], MON, MON + dt.timedelta(hours=1),
                                   rrule="FREQ=DAILY;UNTIL=20261202T235959"), desk.id)
    assert Event.get_by_id(until).series_until == D(2026, 12, 2, 10, 0)
    assert len(cal.agenda([tech2.id], D(2026, 11, 1), D(2027, 1, 1))) == 3

    monthly, _ = cal.create_event(ev([desk], D(2026, 1, 15, 14), D(2026, 1, 15, 16), title="业主大会",
                                     kind="meeting", rrule="FREQ=MONTHLY;BYMONTHDAY=15"), desk.id)
    assert Event.get_by_id(monthly).series_until is None  # open-ended
    occs = cal.agenda([desk.id], D(2026, 11, 1), D(2027, 2, 1))
    assert starts(occs) == [D(2026, 11, 15, 14), D(2026, 12, 15, 14), D(2027, 1, 15, 14)]
    # Only attendees' events: tech1's series is not desk's.
    assert all(o.event_id == monthly for o in occs)


def test_validation(staff):
    tech1, _, desk = staff
    with pytest.raises(ValidationError) as err:
        cal.create_event(ev([tech1], MON, MON), desk.id)
    assert err.value.field == "end"
    with pytest.raises(ValidationError) as err:
        cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=1), kind="party"), desk.id)
    assert err.value.field == "kind"
    with pytest.raises(ValidationError) as err:
        cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=1), rrule="FREQ=SOMETIMES"), desk.id)
    assert err.value.field == "rrule"
    with pytest.raises(ValidationError) as err:
        cal.create_event(EventInput("meeting", "x", MON, MON + dt.timedelta(hours=1), [99999]), desk.id)
    assert err.value.field == "attendees"
    assert Event.select().count() == 0


def test_moved_and_cancelled_occurrences(staff):
    tech1, _, desk = staff
    series, _ = cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=1), title="巡查",
                                    kind="inspection", rrule="FREQ=WEEKLY;COUNT=4"), desk.id)
    second, third = D(2026, 12, 7, 9), D(2026, 12, 14, 9)
    moved = cal.move_occurrence(series, second, D(2026, 12, 8, 15), D(2026, 12, 8, 16), desk.id)
    cal.cancel_occurrence(series, third, desk.id)
    row = Event.get_by_id(moved)
    assert (row.series_id, row.recurrence_id) == (series, second)
    occs = cal.agenda([tech1.id], D(2026, 11, 1), D(2027, 1, 1))
    assert starts(occs) == [MON, D(2026, 12, 8, 15), D(2026, 12, 21, 9)]
    assert occs[1].event_id == moved and occs[1].series_id == series
    assert occs[1].attendees == ("tech1",) and occs[1].rrule == "FREQ=WEEKLY;COUNT=4"
    with_cancelled = cal.agenda([tech1.id], D(2026, 11, 1), D(2027, 1, 1), include_cancelled=True)
    assert [o.cancelled for o in with_cancelled] == [False, False, True, False]
    # Moving the moved one again updates its exception row.
    assert cal.move_occurrence(moved, second, D(2026, 12, 9, 9), D(2026, 12, 9, 10), desk.id) == moved
    assert D(2026, 12, 9, 9) in starts(cal.agenda([tech1.id], D(2026, 12, 1), D(2026, 12, 31)))
    # Not an occurrence of the rule.
    with pytest.raises(ValidationError):
        cal.cancel_occurrence(series, D(2026, 12, 1, 9), desk.id)
    # Deleting the series takes its exceptions with it.
    cal.delete_event(series, desk.id)
    assert Event.select().count() == 0
    assert cal.agenda([tech1.id], D(2026, 11, 1), D(2027, 1, 1)) == []


def test_this_and_following(staff):
    tech1, tech2, desk = staff
    series, _ = cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=1), title="巡查",
                                    kind="inspection", rrule="FREQ=WEEKLY;COUNT=6"), desk.id)
    fifth = D(2026, 12, 28, 9)
    moved = cal.move_occurrence(series, fifth, D(2026, 12, 29, 9), D(2026, 12, 29, 10), desk.id)
    third = D(2026, 12, 14, 9)
    new = cal.edit_series(series, {"title": "消防巡查", "start": D(2026, 12, 14, 14),
                                   "attendee_ids": [tech2.id]}, desk.id, from_start=third)
    old, rest = Event.get_by_id(series), Event.get_by_id(new)
    assert "COUNT" not in old.rrule and "UNTIL=20261214T085959" in old.rrule
    assert old.series_until == D(2026, 12, 7, 10)
    assert rest.rrule == "FREQ=WEEKLY;COUNT=4" and rest.series_until == D(2027, 1, 4, 15)
    assert rest.uid != old.uid
    first = cal.agenda(None, D(2026, 11, 1), D(2027, 2, 1))
    assert [(o.start, o.title) for o in first] == [
        (MON, "巡查"), (D(2026, 12, 7, 9), "巡查"),
        (D(2026, 12, 14, 14), "消防巡查"), (D(2026, 12, 21, 14), "消防巡查"),
        (D(2026, 12, 29, 9), "消防巡查"),  # the moved one went along, re-anchored
        (D(2027, 1, 4, 14), "消防巡查"),
    ]
    assert Event.get_by_id(moved).series_id == new
    assert Event.get_by_id(moved).recurrence_id == D(2026, 12, 28, 14)
    assert cal.agenda([tech1.id], D(2026, 12, 10), D(2027, 2, 1)) == []  # now tech2's

    # Whole series: a new location everywhere, the moved occurrence's time kept.
    cal.edit_series(new, {"location": "3号楼"}, desk.id)
    later = cal.agenda([tech2.id], D(2026, 12, 10), D(2027, 2, 1))
    assert {o.location for o in later} == {"3号楼"}
    assert D(2026, 12, 29, 9) in starts(later)
    # The whole series moved two hours later: the moved one keeps its own time.
    cal.edit_series(new, {"start": D(2026, 12, 14, 16)}, desk.id)
    assert starts(cal.agenda([tech2.id], D(2026, 12, 10), D(2027, 2, 1))) == [
        D(2026, 12, 14, 16), D(2026, 12, 21, 16), D(2026, 12, 29, 9), D(2027, 1, 4, 16)]


def test_conflicts_recurring_inspection_vs_appointment(staff):
    tech1, tech2, desk = staff
    inspection, _ = cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=2), title="每周巡查",
                                        kind="inspection", rrule="FREQ=WEEKLY;BYDAY=MO"), desk.id)
    visit = ev([tech1, tech2], D(2026, 12, 14, 10), D(2026, 12, 14, 11))  # a Monday, 10–11
    with pytest.raises(ConflictsFound) as err:
        cal.create_event(visit, desk.id)
    assert [(c.staff_login, c.title, c.start, c.event_id) for c in err.value.conflicts] == [
        ("tech1", "每周巡查", D(2026, 12, 14, 9), inspection)]
    assert "王师傅" in str(err.value) and "2026-12-14 09:00" in str(err.value)
    assert Event.select().count() == 1
    # Touching ends do not collide; the cancelled occurrence does not either.
    assert cal.conflicts_for([tech1.id], D(2026, 12, 14, 11), D(2026, 12, 14, 12)) == []
    cal.cancel_occurrence(inspection, D(2026, 12, 14, 9), desk.id)
    assert cal.conflicts_for([tech1.id], visit.start, visit.end) == []
    # A recurring booking against a one-off.
    one_off, _ = cal.create_event(ev([tech2], D(2027, 1, 6, 15), D(2027, 1, 6, 16)), desk.id)
    found = cal.conflicts_for([tech2.id], D(2026, 12, 2, 15, 30), D(2026, 12, 2, 16, 30),
                              "FREQ=WEEKLY;BYDAY=WE")
    assert [(c.event_id, c.start) for c in found] == [(one_off, D(2027, 1, 6, 15))]
    # Memos never block.
    cal.create_event(ev([tech2], D(2027, 2, 1, 9), D(2027, 2, 1, 10), kind="memo"), desk.id)
    assert cal.conflicts_for([tech2.id], D(2027, 2, 1, 9), D(2027, 2, 1, 10)) == []


def test_force_with_reason_and_move_conflict(staff):
    tech1, _, desk = staff
    first, _ = cal.create_event(ev([tech1], D(2026, 12, 1, 9), D(2026, 12, 1, 10)), desk.id)
    second, conflicts = cal.create_event(ev([tech1], D(2026, 12, 1, 9, 30), D(2026, 12, 1, 10, 30)),
                                         desk.id, force=True, reason="业主只有这个时间")
    assert [c.event_id for c in conflicts] == [first]
    assert "业主只有这个时间" in Event.get_by_id(second).description
    audit = AuditLog.get(AuditLog.entity == "event", AuditLog.entity_id == second,
                         AuditLog.field == "conflicts")
    assert "业主只有这个时间" in audit.new_value and audit.staff_id == desk.id
    series, _ = cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=1), kind="inspection",
                                    rrule="FREQ=DAILY;COUNT=5"), desk.id, force=True)
    with pytest.raises(ConflictsFound):
        cal.move_occurrence(series, D(2026, 12, 2, 9), D(2026, 12, 1, 9), D(2026, 12, 1, 10),
                            desk.id)
    # Its own series never conflicts with the moved occurrence.
    cal.move_occurrence(series, D(2026, 12, 2, 9), D(2026, 12, 2, 8), D(2026, 12, 2, 9, 30), desk.id)


def test_free_busy(staff):
    tech1, tech2, desk = staff
    cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=2), kind="inspection",
                        rrule="FREQ=DAILY;COUNT=3"), desk.id)
    cal.create_event(ev([tech1], D(2026, 12, 1, 10), D(2026, 12, 1, 12)), desk.id, force=True)
    busy = cal.free_busy([tech1.id, tech2.id], D(2026, 12, 1), D(2026, 12, 2, 10))
    assert busy == {
        tech1.id: [(D(2026, 12, 1, 9), D(2026, 12, 1, 12)), (D(2026, 12, 2, 9), D(2026, 12, 2, 10))],
        tech2.id: [],
    }


def test_reminders_fire_once(staff, tmp_path):
    tech1, tech2, desk = staff
    series, _ = cal.create_event(ev([tech1, tech2], MON, MON + dt.timedelta(hours=1), kind="meeting",
                                    rrule="FREQ=DAILY;COUNT=3", reminder_minutes=30), desk.id)
    cal.create_event(ev([desk], MON, MON + dt.timedelta(hours=1), kind="meeting"), desk.id)
    assert reminders.due_reminders(D(2026, 11, 30, 8, 0)) == []
    due = reminders.due_reminders(D(2026, 11, 30, 8, 45))
    assert sorted(r.login for r in due) == ["tech1", "tech2"]
    out = tmp_path / "hook.txt"
    hook = f"{sys.executable} -c \"import sys; open({str(out)!r}, 'a').write(' '.join(sys.argv[1:]) + chr(10))\" {{login}} {{start}}"
    assert reminders.send_reminders(D(2026, 11, 30, 8, 45), hook=hook) == 2
    assert reminders.send_reminders(D(2026, 11, 30, 8, 50), hook=hook) == 0  # idempotent
    assert sorted(out.read_text().splitlines()) == ["tech1 2026-11-30 09:00", "tech2 2026-11-30 09:00"]
    assert Notification.select().where(Notification.kind == "reminder").count() == 2
    # The next day's occurrence has its own reminder.
    assert reminders.send_reminders(D(2026, 12, 1, 8, 31)) == 2
    # A moved occurrence reminds at its new time.
    cal.move_occurrence(series, D(2026, 12, 2, 9), D(2026, 12, 2, 14), D(2026, 12, 2, 15), desk.id)
    assert reminders.send_reminders(D(2026, 12, 2, 8, 45)) == 0
    assert reminders.send_reminders(D(2026, 12, 2, 13, 45)) == 2


def test_failing_hook_is_logged_not_raised(staff, caplog):
    tech1, _, desk = staff
    cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=1), reminder_minutes=10), desk.id)
    assert reminders.send_reminders(D(2026, 11, 30, 8, 55), hook="/nonexistent/sms-gateway {login}") == 1
    assert "reminder hook" in caplog.text
    assert reminders.send_reminders(D(2026, 11, 30, 8, 56), hook="false") == 0


def test_hook_runs_without_a_shell(staff):
    # The hook runs without a shell: shell syntax is passed through as plain arguments.
    tech1, _, desk = staff
    cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=1), title="a;b",
                        reminder_minutes=10), desk.id)
    calls = []
    real = subprocess.run

    def spy(args, **kw):
        calls.append((args, kw.get("shell", False)))
        return real(["true"], **kw)

    import data.reminders as module
    module.subprocess.run = spy
    try:
        reminders.send_reminders(D(2026, 11, 30, 8, 55), hook="echo {title} {login}")
    finally:
        module.subprocess.run = real
    assert calls == [(["echo", "a;b", "tech1"], False)]


# --- tasks -----------------------------------------------------------------------------------------


def audits(event_id: int, field: str) -> list[tuple[str | None, str | None, int | None]]:
    """(old, new, staff) of the event's audit rows for `field`."""
    return [(a.old_value, a.new_value, a.staff_id) for a in AuditLog.select().where(
        AuditLog.entity == "event", AuditLog.entity_id == event_id, AuditLog.field == field)]


def test_tasks_with_a_due_time_and_done(staff):
    tech1, tech2, desk = staff
    due = D(2026, 12, 1, 17)
    task, _ = cal.create_event(EventInput("task", "整理回访记录", None, None, [desk.id], due=due),
                               desk.id)
    row = Event.get_by_id(task)
    assert (row.start, row.end, row.due, row.done) == (due, due + dt.timedelta(minutes=30), due, False)
    # A task with a start and an end is due at its end; tasks never make anyone busy.
    later, _ = cal.create_event(ev([desk], D(2026, 12, 2, 9), D(2026, 12, 2, 10), title="核对资料",
                                   kind="task"), desk.id)
    assert Event.get_by_id(later).due == D(2026, 12, 2, 10)
    cal.create_event(ev([tech1], D(2026, 11, 30, 9), D(2026, 11, 30, 10), title="检查消防通道",
                        kind="task"), desk.id)
    assert cal.conflicts_for([desk.id], due, due + dt.timedelta(minutes=30)) == []
    occ = cal.agenda([desk.id], D(2026, 12, 1), D(2026, 12, 2))[0]
    assert (occ.event_id, occ.due, occ.done) == (task, due, False)
    assert [o.title for o in cal.tasks([desk.id])] == ["整理回访记录", "核对资料"]
    assert [o.title for o in cal.tasks(None)] == ["检查消防通道", "整理回访记录", "核对资料"]

    with access.acting(desk):  # the session's account: the audit trail names it
        cal.set_task_done(task, True, desk.id)
    row = Event.get_by_id(task)
    assert row.done and row.version == 2
    assert ("0", "1", desk.id) in audits(task, "done")
    assert [o.title for o in cal.tasks([desk.id])] == ["核对资料"]
    done = cal.tasks([desk.id], include_done=True)
    assert [(o.title, o.done) for o in done] == [("整理回访记录", True), ("核对资料", False)]
    assert cal.agenda([desk.id], D(2026, 12, 1), D(2026, 12, 2))[0].done
    cal.set_task_done(task, True, desk.id)  # already done: nothing changes
    assert Event.get_by_id(task).version == 2
    cal.set_task_done(task, False, tech2.id)
    assert not Event.get_by_id(task).done and Event.get_by_id(task).version == 3


def test_task_input_is_checked(staff):
    tech1, _, desk = staff
    meeting, _ = cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=1), kind="meeting"),
                                  desk.id)
    with pytest.raises(ValidationError) as err:
        cal.set_task_done(meeting, True, desk.id)
    assert err.value.field == "kind" and "上门维修" in err.value.message
    with pytest.raises(ValidationError) as err:
        cal.create_event(EventInput("task", "无期限", None, None, [desk.id]), desk.id)
    assert err.value.field == "due"
    with pytest.raises(ValidationError) as err:
        cal.create_event(ev([desk], MON, MON + dt.timedelta(hours=1), kind="meeting",
                            due=MON), desk.id)
    assert err.value.field == "due"
    with pytest.raises(ValidationError) as err:
        cal.edit_series(meeting, {"due": MON}, desk.id)
    assert err.value.field == "due"
    with pytest.raises(NotFoundError):
        cal.set_task_done(999999, True, desk.id)
    assert Event.select().count() == 1


def test_cli_done_and_undo(sqlite_url, capsys):
    import getpass

    from data.db import close_database, open_database
    from data.models import Staff

    open_database(sqlite_url)
    desk = f.staff("desk1")
    Staff.update(os_login=getpass.getuser()).where(Staff.id == desk.id).execute()  # signs in as it
    task, _ = cal.create_event(EventInput("task", "整理回访记录", None, None, [desk.id],
                                          due=D(2026, 12, 1, 17)), desk.id)
    meeting, _ = cal.create_event(ev([desk], MON, MON + dt.timedelta(hours=1), kind="meeting"),
                                  desk.id)
    close_database()

    def run(*argv: str) -> int:
        return cli_run(sqlite_url, *argv, user=None)

    assert run("calendar", "done", str(task), "--json") == 0
    assert capsys.readouterr().out.strip() == f'{{"id": {task}, "done": true}}'
    assert run("calendar", "done", str(task), "--undo") == 0
    assert str(task) in capsys.readouterr().out
    assert run("calendar", "done", str(meeting)) == 2
    assert "kind" in capsys.readouterr().err
    open_database(sqlite_url)
    assert not Event.get_by_id(task).done


# --- editing with conflicts ------------------------------------------------------------------------


@pytest.fixture
def booked(staff, monkeypatch):
    """tech2 has a one-off visit Tuesday 1 Dec 10–11; tech1 a weekly Monday inspection 9–10."""
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 09:00")
    tech1, tech2, desk = staff
    visit, _ = cal.create_event(ev([tech2], D(2026, 12, 1, 10), D(2026, 12, 1, 11)), desk.id)
    weekly, _ = cal.create_event(ev([tech1], MON, MON + dt.timedelta(hours=1), title="巡查",
                                    kind="inspection", rrule="FREQ=WEEKLY;COUNT=6"), desk.id)
    return tech1, tech2, desk, visit, weekly


def test_edit_series_checks_conflicts(booked):
    tech1, tech2, desk, visit, weekly = booked
    # Moving the whole series onto Tuesdays 10:00 with tech2: clashes with the visit.
    change = {"rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=6", "start": D(2026, 12, 1, 10),
              "attendee_ids": [tech1.id, tech2.id]}
    with pytest.raises(ConflictsFound) as err:
        cal.edit_series(weekly, change, desk.id)
    assert [(c.staff_login, c.event_id, c.start) for c in err.value.conflicts] == [
        ("tech2", visit, D(2026, 12, 1, 10))]
    assert Event.get_by_id(weekly).start == MON  # nothing changed
    assert cal.edit_series(weekly, change, desk.id, force=True, reason="巡查改到周二") == weekly
    assert Event.get_by_id(weekly).start == D(2026, 12, 1, 10)
    [(_old, note, by)] = audits(weekly, "conflicts")
    assert "巡查改到周二" in note and "tech2" in note and by == desk.id
    # Its own occurrences never clash with it, and changes that book no time are not checked.
    cal.edit_series(weekly, {"start": D(2026, 12, 1, 10, 30)}, desk.id, force=True)
    cal.edit_series(weekly, {"title": "消防巡查", "location": "2号楼"}, desk.id)
    assert Event.get_by_id(weekly).title == "消防巡查"


def test_edit_series_checks_added_attendees_and_this_and_following(booked):
    tech1, tech2, desk, visit, weekly = booked
    one_off, _ = cal.create_event(ev([tech1], D(2026, 12, 1, 10), D(2026, 12, 1, 11),
                                     title="业主回访"), desk.id)
    with pytest.raises(ConflictsFound):  # tech2 added: busy with the visit
        cal.edit_series(one_off, {"attendee_ids": [tech1.id, tech2.id]}, desk.id)
    # A memo keeps no one busy, so turning it into one books nothing.
    cal.edit_series(one_off, {"kind": "memo", "attendee_ids": [tech1.id, tech2.id]}, desk.id)
    # This and following: from 14 Dec, Tuesdays at 10:00 — tech2's visit is before that.
    other, _ = cal.create_event(ev([tech1], D(2026, 12, 15, 10), D(2026, 12, 15, 11),
                                   title="业委会"), desk.id)
    change = {"rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=3", "start": D(2026, 12, 15, 10, 30)}
    with pytest.raises(ConflictsFound) as err:
        cal.edit_series(weekly, change, desk.id, from_start=D(2026, 12, 14, 9))
    assert [c.event_id for c in err.value.conflicts] == [other]
    assert "UNTIL" not in Event.get_by_id(weekly).rrule  # not cut
    new = cal.edit_series(weekly, change, desk.id, from_start=D(2026, 12, 14, 9), force=True,
                          reason="业委会改期")
    assert "业委会改期" in audits(new, "conflicts")[0][1]


def test_edit_one_occurrence(booked):
    tech1, tech2, desk, visit, weekly = booked
    second = D(2026, 12, 7, 9)
    with access.acting(desk):
        row_id = cal.edit_occurrence(weekly, second, {"title": "巡查（加查电梯）", "location": "电梯机房",
                                                      "description": "带上钥匙"}, desk.id)
    row = Event.get_by_id(row_id)
    assert (row.series_id, row.recurrence_id, row.start) == (weekly, second, second)
    occs = cal.agenda([tech1.id], D(2026, 11, 1), D(2027, 1, 31))
    assert [(o.start, o.title) for o in occs][:3] == [
        (MON, "巡查"), (second, "巡查（加查电梯）"), (D(2026, 12, 14, 9), "巡查")]
    assert occs[1].location == "电梯机房" and occs[1].event_id == row_id
    assert ("巡查", "巡查（加查电梯）", desk.id) in audits(row_id, "title")
    # Editing it again updates the same exception row: new time and attendees.
    again = cal.edit_occurrence(weekly, second, {"start": D(2026, 12, 8, 14),
                                                 "attendee_ids": [tech2.id]}, desk.id)
    assert again == row_id
    row = Event.get_by_id(row_id)
    assert (row.start, row.end, row.series_until) == (
        D(2026, 12, 8, 14), D(2026, 12, 8, 15), D(2026, 12, 8, 15))
    assert [o.title for o in cal.agenda([tech2.id], D(2026, 12, 8), D(2026, 12, 9))] == ["巡查（加查电梯）"]
    assert cal.agenda([tech1.id], D(2026, 12, 8), D(2026, 12, 9)) == []
    # Naming the exception row itself works too.
    assert cal.edit_occurrence(row_id, second, {"kind": "meeting"}, desk.id) == row_id
    assert Event.get_by_id(row_id).kind == "meeting" and Event.get_by_id(weekly).kind == "inspection"


def test_edit_one_occurrence_conflicts_and_bad_input(booked):
    tech1, tech2, desk, visit, weekly = booked
    first = MON
    with pytest.raises(ConflictsFound) as err:  # onto tech2's visit, with tech2
        cal.edit_occurrence(weekly, first, {"start": D(2026, 12, 1, 10),
                                            "attendee_ids": [tech1.id, tech2.id]}, desk.id)
    assert [c.event_id for c in err.value.conflicts] == [visit]
    assert Event.select().where(Event.series == weekly).count() == 0  # no exception left
    row_id = cal.edit_occurrence(weekly, first, {"start": D(2026, 12, 1, 10),
                                                 "attendee_ids": [tech1.id, tech2.id]}, desk.id,
                                 force=True, reason="一起去")
    assert "一起去" in audits(row_id, "conflicts")[0][1]
    with pytest.raises(ValidationError) as err:
        cal.edit_occurrence(weekly, D(2026, 12, 7, 9), {"rrule": "FREQ=DAILY"}, desk.id)
    assert err.value.field == "rrule"
    with pytest.raises(ValidationError) as err:
        cal.edit_occurrence(weekly, D(2026, 12, 8, 9), {"title": "x"}, desk.id)
    assert err.value.field == "start"  # not an occurrence
    with pytest.raises(ValidationError) as err:
        cal.edit_occurrence(weekly, D(2026, 12, 7, 9), {"end": D(2026, 12, 7, 8)}, desk.id)
    assert err.value.field == "end"
    with pytest.raises(ValidationError) as err:
        cal.edit_occurrence(weekly, D(2026, 12, 7, 9), {"title": "  "}, desk.id)
    assert err.value.field == "title"
    cal.cancel_occurrence(weekly, D(2026, 12, 14, 9), desk.id)
    with pytest.raises(ValidationError):
        cal.edit_occurrence(weekly, D(2026, 12, 14, 9), {"title": "x"}, desk.id)
    # A one-off is edited as a whole, with the same conflict check.
    with pytest.raises(ConflictsFound):
        cal.edit_occurrence(visit, D(2026, 12, 1, 10), {"attendee_ids": [tech1.id, tech2.id]},
                            desk.id)
    assert cal.edit_occurrence(visit, D(2026, 12, 1, 10), {"title": "上门换表"}, desk.id) == visit
    assert Event.get_by_id(visit).title == "上门换表"


def test_a_task_due_time_moves_with_it(staff):
    _tech1, _tech2, desk = staff
    task, _ = cal.create_event(EventInput("task", "整理回访记录", None, None, [desk.id],
                                          due=D(2026, 12, 1, 17)), desk.id)
    cal.move_occurrence(task, D(2026, 12, 1, 17), D(2026, 12, 2, 10), D(2026, 12, 2, 10, 30), desk.id)
    assert Event.get_by_id(task).due == D(2026, 12, 2, 10)
    cal.edit_series(task, {"start": D(2026, 12, 3, 9)}, desk.id)
    assert Event.get_by_id(task).due == D(2026, 12, 3, 9)
    cal.edit_series(task, {"due": D(2026, 12, 4, 12)}, desk.id)
    assert Event.get_by_id(task).due == D(2026, 12, 4, 12)
    # A daily task: each occurrence's own due time, and done one by one.
    daily, _ = cal.create_event(ev([desk], MON, MON + dt.timedelta(minutes=30), title="巡楼登记",
                                   kind="task", rrule="FREQ=DAILY;COUNT=3"), desk.id)
    second = cal.edit_occurrence(daily, D(2026, 12, 1, 9), {"start": D(2026, 12, 1, 11)}, desk.id)
    assert Event.get_by_id(second).due == D(2026, 12, 1, 11, 30)
    cal.set_task_done(second, True, desk.id)
    occs = cal.agenda([desk.id], MON, D(2026, 12, 3))
    assert [(o.title, o.done, o.due) for o in occs if o.title == "巡楼登记"] == [
        ("巡楼登记", False, MON + dt.timedelta(minutes=30)),
        ("巡楼登记", True, D(2026, 12, 1, 11, 30)),
        ("巡楼登记", False, D(2026, 12, 2, 9, 30))]
    cal.edit_series(daily, {"title": "巡楼登记表"}, desk.id)
    assert Event.get_by_id(second).due == D(2026, 12, 1, 11, 30)  # kept its own

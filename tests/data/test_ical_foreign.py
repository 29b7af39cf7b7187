"""Calendars from other tools (issue 14 items 5 and 7): the .ics files in tests/ics — as
khal, calcurse, Google and Outlook write them — imported and shown at the times an
independent expansion (recurring-ical-events, used only here) gives, re-imported after an
export with no change, and the holiday feeds (holiday-cn JSON, ICS of 休/班 days)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import x_wr_timezone

from data import calendar as cal
from data import holidays, ical
from data.calendar import ConflictsFound, EventInput
from data.db import close_database, open_database
from data.errors import ValidationError
from data.models import Event, Holiday
from tests import factories as f
from tui import cli

D = dt.datetime
SH = ZoneInfo("Asia/Shanghai")
ICS = Path(__file__).parent / "ics"
WINDOW = (D(2026, 10, 1), D(2027, 2, 1))


def expected(name: str) -> list[tuple]:
    """(start, end, title, all_day) of every occurrence in WINDOW, Shanghai time, as
    recurring-ical-events expands the file (floating times: X-WR-TIMEZONE, else Shanghai)."""
    calendar = x_wr_timezone.to_standard(icalendar.Calendar.from_ical((ICS / name).read_text()))
    out = []
    for c in recurring_ical_events.of(calendar).between(*WINDOW):
        start, end = c["DTSTART"].dt, c["DTEND"].dt if "DTEND" in c else None
        if type(start) is dt.date:
            first = D.combine(start, dt.time())
            out.append((first, D.combine(end, dt.time()) if end else first + dt.timedelta(days=1),
                        " ".join(str(c["SUMMARY"]).split()), True))
            continue

        def shanghai(value):
            if value.tzinfo is None:
                return value
            return value.astimezone(SH).replace(tzinfo=None)
        end = end if end is not None else start + c["DURATION"].dt
        out.append((shanghai(start), shanghai(end), " ".join(str(c["SUMMARY"]).split()), False))
    return sorted(out)


def shown(staff_id: int) -> list[tuple]:
    return sorted((o.start, o.end, o.title, o.all_day)
                  for o in cal.agenda([staff_id], *WINDOW) if not o.cancelled)


@pytest.fixture
def desk(database):
    return f.staff("desk1")


FILES = ["khal_no_uid.ics", "google_wr_timezone.ics", "outlook_berlin_dst.ics",
         "newyork_byday.ics", "rdate.ics", "thisandfuture.ics", "allday_transparent.ics"]


@pytest.mark.parametrize("name", FILES)
def test_foreign_file_shows_the_occurrences_an_independent_expansion_gives(desk, name):
    result = ical.import_ics((ICS / name).read_text(), desk.id)
    assert result.refused == ()
    assert shown(desk.id) == expected(name)


@pytest.mark.parametrize("name", FILES + ["vtodo.ics"])
def test_reimporting_the_file_or_its_export_changes_nothing(desk, name):
    text = (ICS / name).read_text()
    first = ical.import_ics(text, desk.id)
    before = shown(desk.id)
    again = ical.import_ics(text, desk.id)
    assert (again.created, again.updated) == (0, 0) and again.skipped == first.created
    exported = ical.export_ics(desk.id)
    back = ical.import_ics(exported, desk.id)
    assert (back.created, back.updated, back.skipped) == (0, 0, first.created)
    assert shown(desk.id) == before


def test_berlin_series_keeps_its_own_hour_across_the_clock_change(desk):
    ical.import_ics((ICS / "outlook_berlin_dst.ics").read_text(), desk.id)
    occs = [(o.start, o.title) for o in cal.agenda([desk.id], *WINDOW) if not o.cancelled]
    # 09:00 Berlin is 15:00 in Shanghai in summer time and 16:00 after 25 October; the
    # occurrence of 26 October is cancelled (EXDATE) and that of 2 November moved to 11:00.
    assert occs == [(D(2026, 10, 12, 15), "Berlin weekly"), (D(2026, 10, 19, 15), "Berlin weekly"),
                    (D(2026, 11, 2, 18), "Berlin weekly (moved)"),
                    (D(2026, 11, 9, 16), "Berlin weekly"), (D(2026, 11, 16, 16), "Berlin weekly")]
    series = Event.get(Event.uid == "040000008200E00074C5B7101A82E008-berlin")
    assert series.tzid == "Europe/Berlin"


def test_new_york_evenings_land_on_the_next_day_in_shanghai(desk):
    ical.import_ics((ICS / "newyork_byday.ics").read_text(), desk.id)
    starts = [o.start for o in cal.agenda([desk.id], *WINDOW)]
    # Monday and Thursday 20:00 in New York: Tuesday and Friday mornings in Shanghai, an
    # hour later after New York's clocks go back on 1 November.
    assert {s.weekday() for s in starts} == {1, 4}
    assert starts[:4] == [D(2026, 10, 23, 8), D(2026, 10, 27, 8), D(2026, 10, 30, 8),
                          D(2026, 11, 3, 9)]


def test_items_without_uid_get_stable_ones_and_text_fields_are_kept(desk):
    text = (ICS / "khal_no_uid.ics").read_text()
    assert ical.import_ics(text, desk.id).created == 3
    uids = sorted(e.uid for e in Event.select())
    assert ical.import_ics(text, desk.id).skipped == 3
    assert sorted(e.uid for e in Event.select()) == uids
    meeting = Event.get(Event.title == "业委会会议 第二次")  # a two-line title: one line
    assert meeting.description == "议程：\n1. 物业费\n2. 停车位" and meeting.location == ""
    moment = Event.get(Event.title == "提醒：交水费")
    assert moment.start == moment.end == D(2026, 12, 3, 8)


def test_all_day_items_are_shown_by_date_and_transparent_ones_never_block(desk, capsys):
    ical.import_ics((ICS / "allday_transparent.ics").read_text(), desk.id)
    occs = {o.title: o for o in cal.agenda([desk.id], *WINDOW)}
    assert occs["停水检修"].all_day and occs["电梯年检"].all_day
    assert not occs["可选培训"].all_day
    booking = EventInput(kind="meeting", title="例会", start=D(2026, 12, 15, 10),
                         end=D(2026, 12, 15, 11), attendee_ids=[desk.id])
    assert cal.create_event(booking, desk.id)[1] == []  # over the transparent training
    assert cal.free_busy([desk.id], D(2026, 12, 15), D(2026, 12, 16))[desk.id] == [
        (D(2026, 12, 15, 10), D(2026, 12, 15, 11))]
    with pytest.raises(ConflictsFound):  # the elevator inspection is not transparent
        cal.create_event(EventInput(kind="meeting", title="x", start=D(2026, 12, 11, 10),
                                    end=D(2026, 12, 11, 11), attendee_ids=[desk.id]), desk.id)


def test_cli_agenda_shows_all_day_items_by_date(sqlite_url, capsys, monkeypatch):
    open_database(sqlite_url)
    desk = f.staff("desk1")
    ical.import_ics((ICS / "allday_transparent.ics").read_text(), desk.id)
    close_database()
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-09 08:00")
    try:
        assert cli.main(["--db", sqlite_url, "--user", "desk1", "calendar", "agenda",
                         "--days", "7", "--json"]) == 0
        rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        assert cli.main(["--db", sqlite_url, "--user", "desk1", "calendar", "agenda",
                         "--days", "7"]) == 0
        text = capsys.readouterr().out
    finally:
        close_database()
    check = next(r for r in rows if r["title"] == "电梯年检")
    assert (check["start"], check["end"], check["all_day"]) == ("2026-12-10", "2026-12-11", True)
    training = next(r for r in rows if r["title"] == "可选培训")
    assert (training["start"], training["all_day"]) == ("2026-12-15 09:00", False)
    assert "00:00" not in text and "2026-12-10 – 2026-12-11" in text


def test_vtodos_are_tasks_and_an_undated_one_is_named(desk):
    result = ical.import_ics((ICS / "vtodo.ics").read_text(), desk.id)
    assert result.created == 2 and len(result.notes) == 1 and "以后再说" in result.notes[0]
    one = Event.get(Event.uid == "todo-1@x")
    assert (one.kind, one.due, one.start, one.done) == ("task", D(2026, 12, 4, 17),
                                                        D(2026, 12, 4, 17), False)
    two = Event.get(Event.uid == "todo-2@x")
    assert (two.start, two.end, two.due, two.done) == (D(2026, 12, 5, 9), D(2026, 12, 5, 11),
                                                       D(2026, 12, 5, 11), True)
    assert [t.title for t in cal.tasks([desk.id])] == ["整理回访记录"]


def test_rdate_and_this_and_future(desk):
    ical.import_ics((ICS / "rdate.ics").read_text(), desk.id)
    ical.import_ics((ICS / "thisandfuture.ics").read_text(), desk.id)
    drills = [o.start for o in cal.agenda([desk.id], *WINDOW) if o.title == "消防演练"]
    assert drills == [D(2026, 12, 1, 10), D(2026, 12, 2, 10), D(2026, 12, 3, 10),
                      D(2026, 12, 10, 10), D(2026, 12, 12, 15)]
    meetings = [(o.start, o.title) for o in cal.agenda([desk.id], *WINDOW) if "周例会" in o.title]
    assert meetings == [(D(2026, 12, 1, 9), "周例会"), (D(2026, 12, 8, 9), "周例会（特别）"),
                        (D(2026, 12, 15, 9), "周例会"), (D(2026, 12, 22, 14), "周例会（下午）"),
                        (D(2026, 12, 29, 14), "周例会（下午）"), (D(2027, 1, 5, 14), "周例会（下午）")]


def test_a_malformed_task_names_the_item_and_line(desk):
    text = (ICS / "vtodo.ics").read_text().replace("DUE:20261204T170000", "DUE:20261304T170000")
    with pytest.raises(ValidationError) as err:
        ical.import_ics(text, desk.id)
    message = str(err.value)
    assert "\n" not in message and " 6 " in message  # the DUE line, in either language
    assert "整理回访记录" in message and "DUE" in message and "20261304T170000" in message
    assert Event.select().count() == 0


# --- holiday feeds -------------------------------------------------------------------------

HOLIDAY_CN = {"year": 2027, "papers": [], "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": True},
    {"name": "春节", "date": "2027-02-06", "isOffDay": False},
    {"name": "春节", "date": "2027-02-07", "isOffDay": True}]}

HOLIDAY_ICS = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//holiday//CN",
    "BEGIN:VEVENT", "UID:h1", "DTSTART;VALUE=DATE:20280126", "DTEND;VALUE=DATE:20280129",
    "SUMMARY:春节 休", "END:VEVENT",
    "BEGIN:VEVENT", "UID:h2", "DTSTART;VALUE=DATE:20280122", "SUMMARY:春节 补班", "END:VEVENT",
    "BEGIN:VEVENT", "UID:h3", "DTSTART;VALUE=DATE:20280214", "SUMMARY:情人节", "END:VEVENT",
    "END:VCALENDAR", ""])


def test_holiday_cn_json_and_ics_feeds_import(desk, tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(HOLIDAY_CN, ensure_ascii=False), encoding="utf-8")
    assert holidays.import_holidays(str(path)) == 3
    assert not holidays.is_working_day(dt.date(2027, 1, 1))
    assert holidays.is_working_day(dt.date(2027, 2, 6))  # a 调休 Saturday
    assert holidays.import_holidays(HOLIDAY_ICS) == 4
    days = holidays.holidays_between(dt.date(2028, 1, 1), dt.date(2028, 12, 31))
    assert [(h.day, h.name, h.kind) for h in days] == [
        (dt.date(2028, 1, 22), "春节", "workday"), (dt.date(2028, 1, 26), "春节", "holiday"),
        (dt.date(2028, 1, 27), "春节", "holiday"), (dt.date(2028, 1, 28), "春节", "holiday")]
    before = Holiday.select().count()
    bad = json.dumps({"days": [{"name": "元旦", "date": "2029-02-30", "isOffDay": True}]})
    with pytest.raises(ValidationError):
        holidays.import_holidays(bad)
    with pytest.raises(ValidationError):
        holidays.import_holidays('{"year": 2029}')
    assert Holiday.select().count() == before


def test_an_occurrence_of_a_berlin_series_is_cancelled_at_its_shanghai_time(desk):
    ical.import_ics((ICS / "outlook_berlin_dst.ics").read_text(), desk.id)
    series = Event.get(Event.uid == "040000008200E00074C5B7101A82E008-berlin")
    cal.cancel_occurrence(series.id, D(2026, 11, 9, 16), desk.id)  # 09:00 Berlin, winter time
    with pytest.raises(ValidationError):  # 15:00 was the summer-time hour: no occurrence then
        cal.cancel_occurrence(series.id, D(2026, 11, 16, 15), desk.id)
    starts = [o.start for o in cal.agenda([desk.id], *WINDOW) if not o.cancelled]
    assert D(2026, 11, 9, 16) not in starts and D(2026, 11, 16, 16) in starts


def test_cli_holidays_import_takes_a_holiday_cn_file(sqlite_url, tmp_path, capsys):
    open_database(sqlite_url)
    f.staff("super1", "陈静", "supervisor")
    close_database()
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(HOLIDAY_CN, ensure_ascii=False), encoding="utf-8")
    try:
        assert cli.main(["--db", sqlite_url, "--user", "super1", "calendar", "holidays",
                         "--year", "2027", "--import", str(path), "--json"]) == 0
    finally:
        close_database()
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rows[:2] == [{"date": "2027-01-01", "name": "元旦", "kind": "holiday"},
                        {"date": "2027-02-06", "name": "春节", "kind": "workday"}]

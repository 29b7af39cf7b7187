"""iCalendar export/import (issue 6 §8): RFC 5545 output parsed back with the icalendar
package, stable UIDs, and a series with a cancelled and a moved occurrence round-tripping
into a fresh database."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest

from data import calendar as cal
from data import ical, schema
from data.calendar import EventInput
from data.db import close_database, open_database
from data.errors import ValidationError
from data.models import Event
from tests import factories as f
from tests.helpers.cli import run as cli_run

D = dt.datetime
MON = D(2026, 11, 30, 9, 0)  # a Monday
RANGE = (D(2026, 11, 1), D(2027, 2, 1))


def occ_key(occs):
    return [(o.start, o.end, o.title, o.kind, o.location, o.cancelled) for o in occs]


def book(tech, desk):
    series, _ = cal.create_event(EventInput(
        kind="inspection", title="消防巡查", start=MON, end=MON + dt.timedelta(hours=1),
        attendee_ids=[tech.id], rrule="FREQ=WEEKLY;COUNT=6", location="2号楼",
        description="检查灭火器\n和消防通道"), desk.id)
    cal.cancel_occurrence(series, D(2026, 12, 7, 9), desk.id)
    cal.move_occurrence(series, D(2026, 12, 14, 9), D(2026, 12, 15, 14), D(2026, 12, 15, 15),
                        desk.id)
    single, _ = cal.create_event(EventInput(
        kind="appointment", title="上门维修 3-2-501", start=D(2026, 12, 2, 10),
        end=D(2026, 12, 2, 11, 30), attendee_ids=[tech.id]), desk.id)
    return series, single


@pytest.fixture
def people(database):
    return f.staff("tech1", "王师傅", "tech"), f.staff("desk1")


def test_export_is_valid_and_uids_are_stable(people):
    tech, desk = people
    series, single = book(tech, desk)
    first, second = ical.export_ics(tech.id), ical.export_ics(tech.id)
    parsed = icalendar.Calendar.from_ical(first)
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = parsed.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert uids == [str(e["UID"]) for e in icalendar.Calendar.from_ical(second).walk("VEVENT")]
    series_uid = Event.get_by_id(series).uid
    assert sorted(uids) == sorted([series_uid, series_uid, Event.get_by_id(single).uid])
    master = next(e for e in events if str(e["UID"]) == series_uid and "RECURRENCE-ID" not in e)
    assert master["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert master["DTSTART"].dt == MON.replace(tzinfo=ical.TZ)
    assert master["RRULE"]["FREQ"] == ["WEEKLY"] and master["RRULE"]["COUNT"] == [6]
    assert [d.dt for d in master["EXDATE"].dts] == [D(2026, 12, 7, 9, tzinfo=ical.TZ)]
    assert str(master["SUMMARY"]) == "消防巡查" and str(master["LOCATION"]) == "2号楼"
    assert "DTSTAMP" in master and "DESCRIPTION" in master
    moved = next(e for e in events if "RECURRENCE-ID" in e)
    assert moved["RECURRENCE-ID"].dt == D(2026, 12, 14, 9, tzinfo=ical.TZ)
    assert moved["DTSTART"].dt == D(2026, 12, 15, 14, tzinfo=ical.TZ)


def test_round_trip_into_a_fresh_database(people, tmp_path):
    tech, desk = people
    book(tech, desk)
    before = occ_key(cal.agenda([tech.id], *RANGE))
    text = ical.export_ics(tech.id)
    close_database()
    open_database(str(tmp_path / "fresh.db"), create=True)  # a fresh, migrated SQLite database
    schema.migrate()
    other = f.staff("tech9", "赵师傅", "tech")
    assert ical.import_ics(text, other.id) == ical.ImportResult(created=2, updated=0, skipped=0)
    assert occ_key(cal.agenda([other.id], *RANGE)) == before
    assert ical.import_ics(text, other.id) == ical.ImportResult(created=0, updated=0, skipped=2)
    assert ical.export_ics(other.id).count("BEGIN:VEVENT") == text.count("BEGIN:VEVENT")


def test_import_updates_by_uid_and_adds_the_importer(people):
    tech, desk = people
    series, _single = book(tech, desk)
    text = ical.export_ics(tech.id).replace("SUMMARY:消防巡查", "SUMMARY:消防检查")
    assert ical.import_ics(text, desk.id) == ical.ImportResult(created=0, updated=2, skipped=0)
    assert Event.get_by_id(series).title == "消防检查"
    assert {o.title for o in cal.agenda([desk.id], *RANGE)} == {"消防检查", "上门维修 3-2-501"}
    assert len(cal.agenda([tech.id], *RANGE)) == len(cal.agenda([desk.id], *RANGE))


def test_import_of_a_foreign_calendar_with_utc_until(people):
    _tech, desk = people
    text = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//phone//EN",
        "BEGIN:VEVENT", "UID:abc-1@phone", "DTSTAMP:20261120T000000Z",
        "DTSTART:20261201T020000Z", "DTEND:20261201T030000Z",
        "RRULE:FREQ=DAILY;UNTIL=20261203T020000Z", "SUMMARY:晨会",
        "END:VEVENT", "END:VCALENDAR", ""])
    assert ical.import_ics(text, desk.id).created == 1
    occs = cal.agenda([desk.id], *RANGE)
    assert [o.start for o in occs] == [D(2026, 12, 1, 10), D(2026, 12, 2, 10), D(2026, 12, 3, 10)]
    assert occs[0].kind == ical.DEFAULT_KIND


def test_import_is_all_or_nothing(people):
    _tech, desk = people
    good = ("BEGIN:VEVENT\r\nUID:ok@x\r\nDTSTAMP:20261120T000000Z\r\nDTSTART:20261201T100000\r\n"
            "DTEND:20261201T110000\r\nSUMMARY:好\r\nEND:VEVENT\r\n")
    bad = ("BEGIN:VEVENT\r\nUID:bad@x\r\nDTSTAMP:20261120T000000Z\r\nDTSTART:20261201T100000\r\n"
           "DTEND:20261201T090000\r\nSUMMARY:坏\r\nEND:VEVENT\r\n")
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{good}{bad}END:VCALENDAR\r\n"
    with pytest.raises(ValidationError):
        ical.import_ics(text, desk.id)
    assert Event.select().count() == 0
    with pytest.raises(ValidationError):
        ical.import_ics("this is not a calendar", desk.id)


def test_cli_export_and_import(sqlite_url, tmp_path, capsys):
    open_database(sqlite_url)
    tech = f.staff("tech1", "王师傅", "tech")
    desk = f.staff("desk1")
    book(tech, desk)
    close_database()
    out = tmp_path / "tech1.ics"

    def run(*argv: str) -> int:
        return cli_run(sqlite_url, *argv, user="desk1")

    assert run("calendar", "export", "--staff", "tech1", "--out", str(out)) == 0
    assert len(icalendar.Calendar.from_ical(out.read_text(encoding="utf-8")).walk("VEVENT")) == 3
    capsys.readouterr()
    assert run("calendar", "import", str(out), "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"created": 0, "updated": 2, "skipped": 0,
                                                    "refused": 0}
    assert run("calendar", "import", str(out), "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"created": 0, "updated": 0, "skipped": 2,
                                                    "refused": 0}
    assert run("calendar", "export", "--staff", "nobody", "--out", str(out)) != 0
    assert run("calendar", "import", str(tmp_path / "missing.ics")) != 0


def all_day_events(tech, desk):
    """A one-day memo, a two-day inspection, and a weekly all-day series until 21 Dec with
    its second day cancelled and its third moved to the Wednesday."""
    memo, _ = cal.create_event(EventInput(
        kind="memo", title="3号楼停水检修", start=D(2026, 12, 3), end=D(2026, 12, 4),
        attendee_ids=[tech.id], all_day=True), desk.id)
    check, _ = cal.create_event(EventInput(
        kind="inspection", title="电梯年检", start=D(2026, 12, 10), end=D(2026, 12, 12),
        attendee_ids=[tech.id], all_day=True), desk.id)
    weekly, _ = cal.create_event(EventInput(
        kind="memo", title="值班", start=MON.replace(hour=0), end=MON.replace(hour=0) + dt.timedelta(days=1),
        attendee_ids=[tech.id], all_day=True, rrule="FREQ=WEEKLY;UNTIL=20261221T235959"), desk.id)
    cal.cancel_occurrence(weekly, D(2026, 12, 7), desk.id)
    cal.move_occurrence(weekly, D(2026, 12, 14), D(2026, 12, 16), D(2026, 12, 17), desk.id,
                        force=True)
    return memo, check, weekly


def test_all_day_events_export_as_dates_and_round_trip(people, tmp_path):
    tech, desk = people
    memo, check, weekly = all_day_events(tech, desk)
    before = occ_key(cal.agenda([tech.id], *RANGE))
    text = ical.export_ics(tech.id)
    parsed = icalendar.Calendar.from_ical(text)
    by_uid: dict[str, list] = {}
    for e in parsed.walk("VEVENT"):
        by_uid.setdefault(str(e["UID"]), []).append(e)
    [one] = by_uid[Event.get_by_id(memo).uid]
    assert type(one["DTSTART"].dt) is dt.date and one["DTSTART"].dt == dt.date(2026, 12, 3)
    assert one["DTEND"].dt == dt.date(2026, 12, 4)  # exclusive: the day after
    assert "DTSTART;VALUE=DATE:20261203" in text and "TZID" not in one["DTSTART"].params
    [two] = by_uid[Event.get_by_id(check).uid]
    assert (two["DTSTART"].dt, two["DTEND"].dt) == (dt.date(2026, 12, 10), dt.date(2026, 12, 12))
    master, moved = sorted(by_uid[Event.get_by_id(weekly).uid], key=lambda e: "RECURRENCE-ID" in e)
    assert master["DTSTART"].dt == dt.date(2026, 11, 30)
    assert master["RRULE"]["UNTIL"] == [dt.date(2026, 12, 21)]
    assert [d.dt for d in master["EXDATE"].dts] == [dt.date(2026, 12, 7)]
    assert moved["RECURRENCE-ID"].dt == dt.date(2026, 12, 14)
    assert (moved["DTSTART"].dt, moved["DTEND"].dt) == (dt.date(2026, 12, 16), dt.date(2026, 12, 17))
    # Timed events stay timed.
    cal.create_event(EventInput(kind="meeting", title="例会", start=D(2026, 12, 2, 9),
                                end=D(2026, 12, 2, 10), attendee_ids=[tech.id]), desk.id)
    timed = next(e for e in icalendar.Calendar.from_ical(ical.export_ics(tech.id)).walk("VEVENT")
                 if str(e["SUMMARY"]) == "例会")
    assert timed["DTSTART"].dt == D(2026, 12, 2, 9, tzinfo=ical.TZ)

    close_database()
    open_database(str(tmp_path / "fresh.db"), create=True)
    schema.migrate()
    other = f.staff("tech9", "赵师傅", "tech")
    assert ical.import_ics(text, other.id) == ical.ImportResult(created=3, updated=0, skipped=0)
    assert occ_key(cal.agenda([other.id], *RANGE)) == before
    assert all(row.all_day for row in Event.select())
    assert ical.import_ics(text, other.id).skipped == 3


def test_import_of_a_foreign_all_day_event(people):
    _tech, desk = people
    text = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//phone//EN",
        "BEGIN:VEVENT", "UID:holiday-1@phone", "DTSTAMP:20261120T000000Z",
        "DTSTART;VALUE=DATE:20261224", "SUMMARY:平安夜活动",  # no DTEND: one day
        "END:VEVENT", "END:VCALENDAR", ""])
    assert ical.import_ics(text, desk.id).created == 1
    row = Event.get(Event.uid == "holiday-1@phone")
    assert (row.start, row.end, row.all_day) == (D(2026, 12, 24), D(2026, 12, 25), True)

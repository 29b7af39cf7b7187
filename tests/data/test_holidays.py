"""The holiday calendar (issue 6 §5): shipped 2026 defaults, working days over a holiday
and a 调休 Saturday, CSV import (all or nothing) and `frontdesk calendar holidays`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from data import holidays
from data.db import close_database, open_database
from data.errors import ValidationError
from data.models import Holiday
from tests import factories as f
from tests.helpers.cli import run as cli_run

d = dt.date


def test_2026_defaults_are_seeded_by_the_migration(database):
    assert Holiday.select().count() == len(holidays.DEFAULTS)
    new_year = holidays.holidays_between(d(2026, 1, 1), d(2026, 1, 4))
    assert [(h.day, h.name, h.kind) for h in new_year] == [
        (d(2026, 1, 1), "元旦", "holiday"), (d(2026, 1, 2), "元旦", "holiday"),
        (d(2026, 1, 3), "元旦", "holiday"), (d(2026, 1, 4), "元旦调休", "workday")]
    spring = [h for h in holidays.holidays_between(d(2026, 2, 1), d(2026, 2, 28))
              if h.kind == "holiday"]
    assert (spring[0].day, spring[-1].day, len(spring)) == (d(2026, 2, 15), d(2026, 2, 23), 9)


def test_working_days_over_a_holiday_and_a_make_up_saturday(database):
    assert holidays.is_working_day(d(2026, 11, 30))  # an ordinary Monday
    assert not holidays.is_working_day(d(2026, 11, 28))  # an ordinary Saturday
    assert not holidays.is_working_day(d(2026, 10, 1))  # 国庆节, a Thursday
    assert holidays.is_working_day(d(2026, 10, 10))  # 调休 Saturday
    assert holidays.is_working_day(dt.datetime(2026, 2, 14, 9))  # 调休 Saturday, as a datetime
    assert not holidays.is_working_day(d(2026, 2, 16))  # 春节 Monday


def test_import_adds_replaces_and_is_all_or_nothing(database, tmp_path):
    text = "日期,名称,类型\n2027-01-01,元旦,放假\n2027/1/4,元旦调休,上班\n2026-10-10,国庆节调休,放假\n"
    assert holidays.import_holidays(text) == 3
    assert not holidays.is_working_day(d(2027, 1, 1))
    assert holidays.holidays_between(d(2027, 1, 4), d(2027, 1, 4))[0].kind == "workday"
    assert not holidays.is_working_day(d(2026, 10, 10))  # replaced
    path = tmp_path / "2028.csv"
    path.write_text("2028-01-01,元旦,holiday\n", encoding="utf-8")
    assert holidays.import_holidays(str(path)) == 1
    before = Holiday.select().count()
    for bad in ("2029-01-01,元旦,放假\n2029-13-01,坏,放假\n", "2029-01-01,元旦,休息日\n",
                "2029-01-01\n"):
        with pytest.raises(ValidationError):
            holidays.import_holidays(bad)
    assert Holiday.select().count() == before


def test_cli_lists_and_imports(sqlite_url, tmp_path, capsys):
    open_database(sqlite_url)
    f.staff("super1", "陈静", "supervisor")  # importing holidays is a supervisor's step
    close_database()

    def run(*argv: str) -> int:
        return cli_run(sqlite_url, *argv, user="super1")

    assert run("calendar", "holidays", "--year", "2026", "--json") == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(holidays.DEFAULTS)
    assert rows[0] == {"date": "2026-01-01", "name": "元旦", "kind": "holiday"}
    path = tmp_path / "2027.csv"
    path.write_text("日期,名称,类型\n2027-01-01,元旦,放假\n", encoding="utf-8")
    assert run("calendar", "holidays", "--year", "2027", "--import", str(path)) == 0
    out = capsys.readouterr().out
    assert "2027-01-01" in out and "元旦" in out
    assert run("calendar", "holidays", "--import", str(tmp_path / "missing.csv")) != 0
    open_database(sqlite_url)
    try:
        assert Holiday.select().where(Holiday.day == d(2027, 1, 1)).count() == 1
    finally:
        close_database()


def _days(first: str, last: str = "") -> list[dt.date]:
    day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last or first)
    return [day + dt.timedelta(days=n) for n in range((end - day).days + 1)]


def test_2026_defaults_match_the_state_council_notice():
    """国办发明电〔2025〕7号: every 放假 date and every 调休 working day of 2026."""
    off = (_days("2026-01-01", "2026-01-03") + _days("2026-02-15", "2026-02-23")
           + _days("2026-04-04", "2026-04-06") + _days("2026-05-01", "2026-05-05")
           + _days("2026-06-19", "2026-06-21") + _days("2026-09-25", "2026-09-27")
           + _days("2026-10-01", "2026-10-07"))
    on = [d(2026, 1, 4), d(2026, 2, 14), d(2026, 2, 28), d(2026, 5, 9), d(2026, 9, 20),
          d(2026, 10, 10)]
    assert sorted(day for day, _n, kind in holidays.DEFAULTS if kind == "holiday") == off
    assert sorted(day for day, _n, kind in holidays.DEFAULTS if kind == "workday") == on
    assert all(day.weekday() >= 5 for day in on)  # make-up days are weekend days
    assert len(off) == 3 + 9 + 3 + 5 + 3 + 3 + 7

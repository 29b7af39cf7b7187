"""SVG snapshots of the calendar (F4) at 80×24: the month and the week of 2026's National
Day holiday (国庆节, 休) and its make-up working day (调休, 班).

In English, so that adding Chinese translations does not change them; the clock is pinned.
Regenerate after an intended change of the look:
`.venv/bin/pytest tests/snapshots/test_snapshots_calendar.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import i18n
from data.db import close_database, open_database
from tests import factories as f
from tests.helpers.snapshots import press, snapshot

NOW = dt.datetime(2026, 10, 8, 10, 0)  # a Thursday, the day after the holiday


@pytest.fixture
def october(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("en")
    open_database(sqlite_url)
    tech = f.staff("tech1", "赵师傅", "tech")
    f.event(tech, dt.datetime(2026, 9, 7, 9), dt.datetime(2026, 9, 7, 10), title="消防巡查",
            kind="inspection", rrule="FREQ=WEEKLY;BYDAY=MO,TH")
    f.event(tech, dt.datetime(2026, 10, 2, 14), dt.datetime(2026, 10, 2, 15), title="节日值班")
    f.event(tech, dt.datetime(2026, 10, 8, 14), dt.datetime(2026, 10, 8, 15), title="更换水表 3-2-501")
    f.event(tech, dt.datetime(2026, 10, 8, 16), dt.datetime(2026, 10, 8, 17), title="业主大会筹备",
            kind="meeting")
    f.event(tech, dt.datetime(2026, 10, 10, 11), dt.datetime(2026, 10, 10, 11, 30), title="提交月报",
            kind="task")
    yield
    close_database()


def test_calendar_month_view(october, snap_compare):
    assert snapshot(snap_compare, "tech1", press("f4", "m"))


def test_calendar_week_view_with_holidays(october, snap_compare):
    assert snapshot(snap_compare, "tech1", press("f4"))

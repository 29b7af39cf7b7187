"""The calls screen as a host with one pane per mode: each pane's keys are the footer's
while it has the focus, after the tabs' keys, as they were on the single screen; the
tabs' keys work from every pane and are hidden during a call."""

from __future__ import annotations

import datetime as dt

import pytest

from data import i18n, people
from data.db import close_database, open_database
from data.people import PersonInput
from data.staff import sign_in
from screens import calls as calls_screen
from screens.calls import CallsScreen
from tests import factories as f
from tests.screen_text import screen_text, settle
from tui.app import FrontDeskApp

NOW = dt.datetime(2026, 11, 27, 10, 0)
TABS = "n New callo Listsh Historyt Statsc Callbacks"


@pytest.fixture
def desk(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    monkeypatch.setattr(calls_screen, "monotonic", lambda: 1000.0)
    i18n.set_language("en")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    me = f.staff("desk1", "李娜")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    f.call(me, number="13700001111", callback_due=NOW + dt.timedelta(hours=1), assignee=me)
    yield
    close_database()


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_each_pane_shows_its_keys_after_the_tabs_keys(desk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        assert footer(app).startswith(TABS + "^q Quit")  # no call: the tabs' keys only
        for key, keys in (("o", "g Build 回访"), ("h", "f Filterr Reveal"), ("t", "[ Earlier] Later"),
                          ("c", "d Dialr Reveal")):
            await pilot.press(key)
            await settle(app, pilot, 0.1)
            # The pane's keys whole after the tabs' keys, F1 last (^q quit only when it fits).
            line = footer(app).rstrip()
            assert line.startswith(TABS + keys) and line.endswith("f1 Help"), (key, line)
        await pilot.press("t", "left_square_bracket")  # the statistics pane's own key works
        await settle(app, pilot, 0.1)
        assert "2026-09-29 – 2026-10-28" in screen_text(app)
        await pilot.press("h")  # and a tab's key from the statistics pane
        await settle(app, pilot, 0.1)
        assert screen.mode == "history" and "all calls · page 1" in screen_text(app)


async def test_during_a_call_the_footer_is_the_calls_keys_and_the_tabs_still_work(desk):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("n", *"13800138000", "enter")
        await settle(app, pilot, 0.2)
        assert footer(app).startswith("f10 Savew Work orderb Call back latera Callerd Diall Lead^q Quit")
        await pilot.press("c")  # hidden, but still a key
        await settle(app, pilot, 0.1)
        assert screen.mode == "callbacks" and "● 00:00" in screen_text(app)  # the call goes on
        assert footer(app).startswith(TABS + "d Dialr Reveal")
        await pilot.press("escape")  # back to the call in progress
        await settle(app, pilot)
        assert screen.mode == "call" and screen.draft is not None
        assert screen.query_one("#call-number").value == "13800138000"

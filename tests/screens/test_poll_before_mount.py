"""The change poll, and the header's notification count, reaching a screen just pushed but
not yet mounted (a busy host runs the app's timer before the screen's compose and on_mount):
the screen reads its data in its own on_mount, and no table is filled before its columns
are there. The poll is run by hand at the one moment the race needs, so nothing here waits
on the clock."""

from __future__ import annotations

import pytest

from data.db import close_database, open_database
from data.staff import sign_in
from tests.helpers.surveys import world
from tests.screen_text import screen_text, settle, wait_for
from tui.app import SCREENS, FrontDeskApp
from widgets.desk import DeskScreen


@pytest.fixture
def w(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(sqlite_url)
    yield world()
    close_database()


async def test_a_change_polled_before_a_screen_mounted_waits_for_its_on_mount(w):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        home = app.screen
        opened = []
        for entry in SCREENS:
            if entry.name == "home" or not app.may_open(entry.name):
                continue
            app.action_open_screen(entry.name)
            screen = app.screen
            if screen is home or not isinstance(screen, DeskScreen):
                continue
            assert not screen.is_mounted  # pushed: compose and on_mount are still to run
            app._last_token = "stale"  # another session committed something
            app._poll_changes()
            app.show_unread(app.unread)  # a notification check answering at that moment
            await wait_for(pilot, lambda screen=screen: screen.is_mounted)
            await settle(app, pilot)
            assert app.screen is screen and app.is_running, entry.name
            assert "李娜(desk1)" in screen_text(app), entry.name  # the header is filled
            opened.append(entry.name)
            app.action_open_screen("home")
            await wait_for(pilot, lambda: app.screen is home)
        assert "surveys" in opened and "calls" in opened

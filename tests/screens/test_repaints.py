"""Painted once (issue 21): a search result replaces the owners table in one go, the same
result again (another desk's change elsewhere, coming back to the screen) leaves the table,
the status line and the header alone; the queue likewise, and writes a changed row in place. Over SSH
each of those repaints was a whole table (16–20 KB); tests/screens/test_bytes_pty.py counts
the bytes themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Label

from data import people
from data.db import close_database, open_database
from data.models import WorkOrder
from data.people import PersonInput
from data.staff import sign_in
from screens.owners import OwnersScreen
from screens.queue import QueueScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.app_header import AppHeader


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 10:00")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜")
    room = people.ensure_room(comm.id, "3-2-501")
    for name, phone in (("张晓明", "13800138000"), ("张伟", "13800138001"), ("王芳", "13800138002")):
        pid = people.create_person(PersonInput(name=name, phones=[phone]))
        people.move_in(pid, room, "owner", dt.date(2019, 5, 1))
    for title in ("楼道灯不亮", "厨房漏水"):
        f.work_order(desk, comm, title=title)
    yield
    close_database()


class Paints:
    """Counts a DataTable's clears and row additions and the updates of some labels."""

    def __init__(self, monkeypatch, table: DataTable, *labels: Label) -> None:
        self.clears = self.rows = self.labels = 0

        def counted(method, counter):
            def call(*args, **kwargs):
                setattr(self, counter, getattr(self, counter) + 1)
                return method(*args, **kwargs)
            return call

        monkeypatch.setattr(table, "clear", counted(table.clear, "clears"))
        monkeypatch.setattr(table, "add_row", counted(table.add_row, "rows"))
        for label in labels:
            monkeypatch.setattr(label, "update", counted(label.update, "labels"))


async def test_owners_one_result_one_fill_and_the_same_result_none(world, monkeypatch):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, OwnersScreen)
        table = screen.query_one(DataTable)
        labels = [screen.query_one("#owner-status", Label), *screen.query_one(AppHeader).query(Label)]
        paints = Paints(monkeypatch, table, *labels)
        await pilot.press(*"张")
        await wait_for(pilot, lambda: table.row_count == 2)
        await settle(app, pilot)
        assert (paints.clears, paints.rows) == (1, 2)  # one clear, then the two rows

        paints.clears = paints.rows = paints.labels = 0
        screen.refresh_data()  # another desk committed something: the same two rows
        await settle(app, pilot, 0.3)
        app.show_unread(app.unread)  # the unread count read again, unchanged
        await settle(app, pilot)
        assert (paints.clears, paints.rows, paints.labels) == (0, 0, 0)
        assert "张晓明" in screen_text(app) and "张伟" in screen_text(app)

        screen.query_one(Input).value = "王"  # one new query (typed keys may search on the way)
        await wait_for(pilot, lambda: table.row_count == 1 and "王芳" in screen_text(app))
        await settle(app, pilot)
        assert paints.clears == 1 and paints.rows == 1


async def test_queue_refreshed_unchanged_leaves_the_table(world, monkeypatch):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        paints = Paints(monkeypatch, table, screen.query_one("#queue-status", Label))
        screen.refresh_data()
        await settle(app, pilot, 0.3)
        assert (paints.clears, paints.rows, paints.labels) == (0, 0, 0)
        assert "楼道灯不亮" in screen_text(app)

        # One order changed (as a countdown ticks, or another desk edits it): its row is
        # written in place, the table is neither cleared nor refilled.
        WorkOrder.update(title="楼道灯坏了").where(WorkOrder.title == "楼道灯不亮").execute()
        screen.refresh_data()
        await wait_for(pilot, lambda: "楼道灯坏了" in screen_text(app))
        await settle(app, pilot)
        assert (paints.clears, paints.rows) == (0, 0)
        assert table.row_count == 2 and "厨房漏水" in screen_text(app) and "楼道灯不亮" not in screen_text(app)

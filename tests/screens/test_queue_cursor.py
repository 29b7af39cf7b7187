"""The queue starts every new result (a view, a filter, a page) on its first row; a live
refresh of the same view keeps the cursor on the same order (issue 15 item 2)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable

from data.staff import sign_in
from tests import factories as f
from tests.screen_text import settle
from tests.screens.test_queue_screen import NOW, open_queue, world  # noqa: F401 (fixture)
from tui.app import FrontDeskApp


async def test_a_new_view_starts_on_its_first_row_even_after_a_refresh_was_asked(world):  # noqa: F811
    desk, comm = world["desk"], world["comm"]
    for i in range(5):
        f.work_order(desk, comm, title=f"单{i}", resolution_due=NOW + dt.timedelta(hours=i + 1))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(app, pilot, "1")
        table = screen.query_one(DataTable)
        table.move_cursor(row=3)
        screen.refresh_data()  # a live refresh on its way …
        screen.action_view(screen.view_name)  # … and F3's view chosen anew: a new result
        await settle(app, pilot)
        assert table.cursor_row == 0 and screen.rows[0].id == screen.rows[table.cursor_row].id
        table.move_cursor(row=2)
        kept = screen.rows[2].id
        screen.refresh_data()  # the same query again: the same order
        await settle(app, pilot)
        assert screen.rows[table.cursor_row].id == kept

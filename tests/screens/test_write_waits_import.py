"""The roster import behind another desk (issue 21 item 5), on SQLite and PostgreSQL, with
another process holding the write lock (tests.helpers.write_lock): its one transaction
waits; the line under the progress bar says "正在等待其他工位" once no row has been
written for a while, and esc gives the import up — nothing imported, the summary says so,
esc again closes. Run again and released, it imports.

The waiting notice comes after 5 s in use; here after a moment (WAIT_NOTICE_S)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label, TextArea

from data.models import Occupancy, Person, Room
from data.staff import sign_in
from screens.roster_import import ImportScreen
from tests import factories as f
from tests.helpers import write_lock
from tests.helpers.write_lock import held_lock
from tests.screen_text import settle, wait_for
from tui.app import FrontDeskApp

write_world = write_lock.write_world  # the desk these tests write from, on both databases

ROSTER = Path(__file__).resolve().parents[1] / "files" / "roster_good.csv"


async def _start_import(app, pilot) -> ImportScreen:
    app.action_import_roster()
    await wait_for(pilot, lambda: app.screen.query("#field-path"))
    app.screen.query_one("#field-path", Input).value = str(ROSTER)
    await pilot.press("f10")
    await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen))
    return app.screen


def _waiting_line(screen: ImportScreen) -> str:
    return str(screen.query_one("#import-waiting", Label).render())


async def test_a_roster_import_behind_another_desk_says_it_waits_and_esc_gives_it_up(write_world):
    f.community("阳光水岸")
    f.staff("admin1", "孙管理", "admin")
    people = Person.select().count()
    app = FrontDeskApp(sign_in("admin1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        with held_lock(write_world, Person, Room, Occupancy) as held:
            screen = await _start_import(app, pilot)
            await wait_for(pilot, lambda: "正在等待其他工位" in _waiting_line(screen), timeout=30)
            assert screen.running and screen.waits
            await pilot.press("escape")  # gives the import up
            await wait_for(pilot, lambda: not screen.running, timeout=30)
            assert "未导入" in screen.query_one(TextArea).text
            assert _waiting_line(screen) == ""
            assert Person.select().count() == people  # nothing imported
            await pilot.press("escape")  # now it closes
            await wait_for(pilot, lambda: not isinstance(app.screen, ImportScreen))

            screen = await _start_import(app, pilot)  # again, still behind the other desk
            await wait_for(pilot, lambda: "正在等待其他工位" in _waiting_line(screen), timeout=30)
            held.release()
            await wait_for(pilot, lambda: not screen.running, timeout=30)
        assert "已导入" in screen.query_one(TextArea).text
        assert _waiting_line(screen) == ""
        assert Person.select().count() > people

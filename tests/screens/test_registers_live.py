"""Live registers (issue 16, the clerk's walk-through): an open register tab, and the room
card's register lines, show what another session wrote — within the app's own change poll
(SQLite's data_version, PostgreSQL's current snapshot), the cursor kept on its record — on
both databases. The other session is a thread with a connection of its own, writing
through data/ as another clerk."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest

from data import access, handover, i18n, people, renovations
from data import desk_registers as desk
from data import registers as reg
from data.db import close_database, db, open_database
from data.people import PersonInput
from data.renovations import RenovationInput
from data.staff import sign_in
from screens.owner_card import RoomCardScreen
from screens.registers import RegistersScreen
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp

NOW = "2026-12-07 10:00"  # a Monday
T = dt.datetime(2026, 12, 7, 10, 0)
SIZE = (80, 24)
#: The app polls every 2 s; a loaded machine gets some slack.
POLL_WAIT = 15.0


@pytest.fixture
def world(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    open_database(db_url)
    jx = f.community("锦绣花园")
    room = people.ensure_room(jx.id, "3-2-501")
    other = people.ensure_room(jx.id, "5-1-101")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    clerk = f.staff("desk1", "李娜")
    colleague = f.staff("desk2", "王芳")
    lead = f.staff("super1", "陈静", "supervisor")
    with access.acting(clerk):
        visits = [reg.register_visitor(reg.VisitorInput(name=f"访客{i}", room="5-1-101", purpose="探亲",
                                                        time_in=T.replace(hour=8, minute=i)))
                  for i in range(4)]
    yield {"room": room, "other": other, "owner": owner, "desk": clerk, "desk2": colleague,
           "lead": lead, "visits": visits}
    close_database()


def as_another_clerk(who, work: Callable[[], object]) -> None:
    """Run `work()` as `who` in a thread with a connection of its own: another session."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            with db.connection_context(), access.acting(who):
                work()
        except BaseException as exc:  # reported in the test's own thread
            failed.append(exc)

    thread = threading.Thread(target=run, name="other-clerk")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def table_lines(app) -> list[str]:
    return screen_text(app).splitlines()[5:-1]


async def test_every_register_tab_shows_what_another_clerk_wrote(world):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    other, room = world["desk2"], world["room"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RegistersScreen)
        tab = screen.tab()
        await wait_for(pilot, lambda: len(tab.rows) == 4)
        # Visitors: the cursor on 访客1 (third from the top); another clerk signs 访客3
        # (on top) out: 访客3 goes down among those gone, the cursor stays on 访客1.
        await pilot.press("down", "down")
        await settle(app, pilot)
        assert tab.selected.name == "访客1"
        as_another_clerk(other, lambda: reg.sign_out(world["visits"][3].id, at=T))
        await wait_for(pilot, lambda: "3 still inside" in screen_text(app), timeout=POLL_WAIT)
        assert [r.name for r in tab.rows] == ["访客2", "访客1", "访客0", "访客3"]
        assert tab.selected.name == "访客1"
        lines = [line for line in table_lines(app) if line.strip()]
        assert "访客3" in lines[-1] and "10:00" in lines[-1], lines

        # Each other tab, open: a record another clerk adds appears on it.
        writes: dict[str, tuple[Callable[[], object], str]] = {
            "passes": (lambda: reg.issue_pass(reg.PassInput(
                room="3-2-501", community="锦绣花园", items="旧沙发一套", carrier_name="刘师傅",
                consent_how="in_person")), "旧沙发"),
            "keys": (lambda: desk.deposit_key(desk.KeyDepositInput(
                description="信箱钥匙", room="3-2-501", community="锦绣花园", left_by="张晓明")), "信箱钥匙"),
            "parcels": (lambda: desk.receive_parcel(desk.ParcelInput(
                carrier="顺丰", room="3-2-501", community="锦绣花园"), notify=False), "顺丰"),
            "found": (lambda: desk.add_found(desk.FoundInput(
                description="黑色雨伞", place="大堂", community="锦绣花园")), "黑色雨伞"),
            "renovations": (lambda: renovations.register(RenovationInput(
                room_id=room, contractor="美家装饰", contractor_phone="021-5555 1234",
                start_date=dt.date(2026, 12, 14), end_date=dt.date(2027, 1, 30), scope="厨卫翻新",
                deposit="2000", deposit_received=True, rules_acknowledged=True), other.id), "12-14–01-30"),
            "handover": (lambda: handover.submit_handover(other.id, "电梯明早维保"), "王芳"),
        }
        names = [cls.NAME for cls in screen.tabs]
        assert set(writes) <= set(names)
        for name, (write, seen) in writes.items():
            await pilot.press(str(names.index(name) + 1))
            await settle(app, pilot)
            assert screen.current == name
            assert seen not in screen_text(app)
            as_another_clerk(other, write)
            try:
                await wait_for(pilot, lambda seen=seen: seen in screen_text(app), timeout=POLL_WAIT)
            except AssertionError:
                raise AssertionError(f"the {name} tab does not show {seen}:\n{screen_text(app)}") from None


async def test_the_room_card_shows_a_parcel_another_clerk_received(world):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(RoomCardScreen(world["room"]))
        await wait_for(pilot, lambda: "3-2-501" in screen_text(app))
        await settle(app, pilot)
        assert "Parcels:" not in screen_text(app)
        as_another_clerk(world["desk2"], lambda: desk.receive_parcel(desk.ParcelInput(
            carrier="顺丰", room="3-2-501", community="锦绣花园"), notify=False))
        await wait_for(pilot, lambda: "Parcels: 1 waiting" in screen_text(app), timeout=POLL_WAIT)

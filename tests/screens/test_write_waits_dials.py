"""A dial never waits unseen (issue 21 item 5), on SQLite and PostgreSQL, with another
process holding the write lock (tests.helpers.write_lock): `d` on a parcel no message told
of, and `d` on a visit to confirm, first record the look-up of whom to phone (a write: it
says "拨号前正在等待其他工位" while it waits, esc gives it up — nothing recorded, nothing
dialled, the list stays), and only once that is committed run the dial command, in a
worker of its own. Released, the same `d` records the look-up once and dials.

The waiting notice comes after 5 s in use; here after a moment (WAIT_NOTICE_S). `settle`
is not used while the lock is held: it waits for every worker, the waiting one among them."""

from __future__ import annotations

import stat

from data import access
from data import desk_registers as desk
from data import registers as reg
from data.dialout import DIAL_ENV
from data.models import AuditLog, Staff
from data.staff import sign_in
from screens.registers import RegistersScreen
from screens.registers.parcels import ParcelModal
from screens.registers.visitors import VisitorModal
from tests.helpers import write_lock
from tests.helpers.write_lock import held_lock
from tests.screen_text import record_notifications, settle, wait_for
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal

write_world = write_lock.write_world  # the desk these tests write from, on both databases

WAITING = "拨号前正在等待其他工位"
GIVEN_UP = "未拨号"


def _since(shown: list[str], start: int, words: str) -> int:
    return sum(words in m for m in shown[start:])


def _softphone(tmp_path, monkeypatch):
    """A dial command that writes the number it was given to a file (the file: dialled)."""
    out = tmp_path / "dialled"
    softphone = tmp_path / "softphone"
    softphone.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{out}"\n')
    softphone.chmod(softphone.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(DIAL_ENV, f"{softphone} {{number}}")
    return out


def _looked_up(person_id: int) -> int:
    return AuditLog.select().where(AuditLog.action.in_(("reveal", "lookup")),
                                   AuditLog.entity_id == person_id).count()


async def _registers(app, pilot, tab: str) -> RegistersScreen:
    await settle(app, pilot)
    await pilot.press("d")  # the desk opens the registers from home
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, RegistersScreen)
    await pilot.press(str([cls.NAME for cls in screen.tabs].index(tab) + 1))
    await settle(app, pilot)
    assert screen.current == tab
    return screen


async def test_phoning_the_owner_of_a_parcel_waits_esc_gives_it_up_undialled_then_it_dials(
        write_world, tmp_path, monkeypatch):
    dialled = _softphone(tmp_path, monkeypatch)
    owner = write_world["owner"]
    clerk = Staff.get(Staff.login == "desk1")
    with access.acting(clerk):
        desk.receive_parcel(desk.ParcelInput("顺丰", room_id=write_world["room"]), notify=False)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(100, 30)) as pilot:
        shown = record_notifications(app)
        screen = await _registers(app, pilot, "parcels")
        with held_lock(write_world) as held:
            start = len(shown)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ParcelModal))
            await pilot.press("d")
            await wait_for(pilot, lambda: _since(shown, start, WAITING) >= 1)
            assert app.screen is screen and screen.writing
            await pilot.press("escape")  # gives the look-up up, not the registers
            await wait_for(pilot, lambda: _since(shown, start, GIVEN_UP) == 1)
            await wait_for(pilot, lambda: screen._desk_write.over, timeout=30)
            assert app.screen is screen
            assert _looked_up(owner) == 0 and not dialled.exists()
            again = len(shown)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ParcelModal))
            await pilot.press("d")
            await wait_for(pilot, lambda: _since(shown, again, WAITING) >= 1)
            assert not dialled.exists()  # nothing dialled before the look-up is recorded
            held.release()
            await wait_for(pilot, lambda: dialled.exists() and dialled.read_text() == "13800138000", timeout=30)
            await wait_for(pilot, lambda: _since(shown, again, "13800138000") >= 1, timeout=30)
        assert app.screen is screen
        await settle(app, pilot)
    assert _looked_up(owner) == 1


async def test_calling_to_confirm_a_visit_waits_esc_gives_it_up_undialled_then_it_dials(
        write_world, tmp_path, monkeypatch):
    dialled = _softphone(tmp_path, monkeypatch)
    owner = write_world["owner"]
    clerk = Staff.get(Staff.login == "desk1")
    with access.acting(clerk):
        reg.register_visitor(reg.VisitorInput(name="刘访客", room="锦绣花园3-2-501"))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(100, 30)) as pilot:
        shown = record_notifications(app)
        screen = await _registers(app, pilot, "visitors")
        with held_lock(write_world) as held:
            start = len(shown)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, VisitorModal))
            await pilot.press("d")
            await wait_for(pilot, lambda: _since(shown, start, WAITING) >= 1)
            assert app.screen is screen and screen.writing
            await pilot.press("escape")
            await wait_for(pilot, lambda: _since(shown, start, GIVEN_UP) == 1)
            await wait_for(pilot, lambda: screen._desk_write.over, timeout=30)
            assert app.screen is screen
            assert _looked_up(owner) == 0 and not dialled.exists()
            again = len(shown)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, VisitorModal))
            await pilot.press("d")
            await wait_for(pilot, lambda: _since(shown, again, WAITING) >= 1)
            assert not dialled.exists()
            held.release()
            await wait_for(pilot, lambda: dialled.exists() and dialled.read_text() == "13800138000", timeout=30)
            # then asked whether they confirmed, as before
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), timeout=30)
        await pilot.press("n")
        await settle(app, pilot)
    assert _looked_up(owner) == 1

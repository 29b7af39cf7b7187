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
from screens.registers.parcels import ParcelModal
from screens.registers.visitors import VisitorModal
from tests.helpers import write_lock
from tests.helpers.write_lock import held_lock
from tests.screen_text import record_notifications, settle, wait_for
from tests.screens.test_desk_register_tabs import open_tab
from tests.screens.test_write_waits_more_screens import _since
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal

write_world = write_lock.write_world  # the desk these tests write from, on both databases

WAITING = "拨号前正在等待其他工位"
GIVEN_UP = "未拨号"


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


async def _give_up_then_dial(app, pilot, shown: list[str], screen, modal: type, held, dialled,
                             owner: int) -> int:
    """On the tab on top, lock held: enter, `d` in the record's modal — it says it waits;
    esc gives it up (nothing recorded, nothing dialled, the list stays); enter, `d` again,
    then the lock released: it dials. Returns where the notifications of the second try
    start."""
    start = len(shown)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, modal))
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
    await wait_for(pilot, lambda: isinstance(app.screen, modal))
    await pilot.press("d")
    await wait_for(pilot, lambda: _since(shown, again, WAITING) >= 1)
    assert not dialled.exists()  # nothing dialled before the look-up is recorded
    held.release()
    await wait_for(pilot, lambda: dialled.exists() and dialled.read_text() == "13800138000", timeout=30)
    return again


async def test_phoning_the_owner_of_a_parcel_waits_esc_gives_it_up_undialled_then_it_dials(
        write_world, tmp_path, monkeypatch):
    dialled = _softphone(tmp_path, monkeypatch)
    owner = write_world["owner"]
    with access.acting(Staff.get(Staff.login == "desk1")):
        desk.receive_parcel(desk.ParcelInput("顺丰", room_id=write_world["room"]), notify=False)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(100, 30)) as pilot:
        shown = record_notifications(app)
        screen = await open_tab(app, pilot, "parcels")
        with held_lock(write_world) as held:
            again = await _give_up_then_dial(app, pilot, shown, screen, ParcelModal, held, dialled, owner)
            # what the dial says, with the pickup code, as before
            await wait_for(pilot, lambda: _since(shown, again, "13800138000") >= 1, timeout=30)
        assert app.screen is screen
        await settle(app, pilot)
    assert _looked_up(owner) == 1


async def test_calling_to_confirm_a_visit_waits_esc_gives_it_up_undialled_then_it_dials(
        write_world, tmp_path, monkeypatch):
    dialled = _softphone(tmp_path, monkeypatch)
    owner = write_world["owner"]
    with access.acting(Staff.get(Staff.login == "desk1")):
        reg.register_visitor(reg.VisitorInput(name="刘访客", room="锦绣花园3-2-501"))
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(100, 30)) as pilot:
        shown = record_notifications(app)
        screen = await open_tab(app, pilot, "visitors")
        with held_lock(write_world) as held:
            await _give_up_then_dial(app, pilot, shown, screen, VisitorModal, held, dialled, owner)
            # then asked whether they confirmed, as before
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), timeout=30)
        await pilot.press("n")
        await settle(app, pilot)
    assert _looked_up(owner) == 1

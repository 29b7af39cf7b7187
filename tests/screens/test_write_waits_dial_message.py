"""A dial or a message never waits unseen (issue 21 item 5), on SQLite and PostgreSQL, with
another process holding the write lock (tests.helpers.write_lock): `d` on a parcel no
message told of, and `d` on a visit to confirm, first record the look-up of whom to phone
(a write: it says "拨号前正在等待其他工位" while it waits, esc gives it up — nothing
recorded, nothing dialled, the list stays), and only once that is committed run the dial
command, in a worker of its own. Released, the same `d` records the look-up once and
dials. `m` on a parcel (message again) records the message as being sent first, the same
way ("发送消息前正在等待其他工位"; esc: nothing recorded, nothing sent), then sends it.

The waiting notice comes after 5 s in use; here after a moment (WAIT_NOTICE_S). `settle`
is not used while the lock is held: it waits for every worker, the waiting one among them."""

from __future__ import annotations

import stat
from pathlib import Path

from data import access
from data import desk_registers as desk
from data import registers as reg
from data.dialout import DIAL_ENV
from data.models import AuditLog, OutboundMessage, Parcel, Staff
from data.staff import sign_in
from screens.registers.parcels import ParcelModal
from screens.registers.visitors import VisitorModal
from tests import factories as f
from tests.helpers import write_lock
from tests.helpers.write_lock import held_lock
from tests.screen_text import record_notifications, settle, wait_for
from tests.screens.test_desk_register_tabs import configure_messages, fake_sender, open_tab
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


async def _give_up_then_go(app, pilot, shown: list[str], screen, modal: type, key: str, held,
                           recorded, gone, waiting: str = WAITING, given_up: str = GIVEN_UP) -> int:
    """On the tab on top, lock held: enter, `key` in the record's modal — it says it waits;
    esc gives it up (nothing `recorded()`, nothing `gone()`: dialled or sent; the list
    stays); enter, `key` again, then the lock released: it goes. Returns where the
    notifications of the second try start."""
    start = len(shown)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, modal))
    await pilot.press(key)
    await wait_for(pilot, lambda: _since(shown, start, waiting) >= 1)
    assert app.screen is screen and screen.writing
    await pilot.press("escape")  # gives the write up, not the registers
    await wait_for(pilot, lambda: _since(shown, start, given_up) == 1)
    await wait_for(pilot, lambda: screen._desk_write.over, timeout=30)
    assert app.screen is screen
    assert recorded() == 0 and not gone()
    again = len(shown)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, modal))
    await pilot.press(key)
    await wait_for(pilot, lambda: _since(shown, again, waiting) >= 1)
    assert not gone()  # nothing goes out before the write is committed
    held.release()
    await wait_for(pilot, gone, timeout=30)
    return again


def _dialled(out):
    return lambda: out.exists() and out.read_text() == "13800138000"


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
            again = await _give_up_then_go(app, pilot, shown, screen, ParcelModal, "d", held,
                                           lambda: _looked_up(owner), _dialled(dialled))
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
            await _give_up_then_go(app, pilot, shown, screen, VisitorModal, "d", held,
                                   lambda: _looked_up(owner), _dialled(dialled))
            # then asked whether they confirmed, as before
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), timeout=30)
        await pilot.press("n")
        await settle(app, pilot)
    assert _looked_up(owner) == 1


async def test_messaging_a_parcel_again_waits_esc_gives_it_up_unsent_then_it_is_sent(write_world, tmp_path):
    f.staff("admin1", "孙管理", "admin")
    with access.acting(Staff.get(Staff.login == "desk1")):
        parcel = desk.receive_parcel(desk.ParcelInput("顺丰", room_id=write_world["room"]), notify=False)
    script, out = fake_sender(tmp_path)
    configure_messages(script)
    sent = Path(out)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(100, 30)) as pilot:
        shown = record_notifications(app)
        screen = await open_tab(app, pilot, "parcels")
        with held_lock(write_world, OutboundMessage, Parcel) as held:
            await _give_up_then_go(app, pilot, shown, screen, ParcelModal, "m", held,
                                   lambda: OutboundMessage.select().count(), sent.exists,
                                   waiting="发送消息前正在等待其他工位", given_up="未发送消息")
            await wait_for(pilot, lambda: Parcel.get_by_id(parcel.id).notified, timeout=30)
        await settle(app, pilot)
    assert "13800138000" in sent.read_text()
    assert [m.state for m in OutboundMessage.select()] == ["sent"]


async def test_a_second_message_behind_one_that_waits_is_sent_after_it_never_dropped(write_world, tmp_path):
    """The attack of the tenth session: `m` on one parcel waited for another desk, `m` on a
    second parcel was dropped (the screen's one write slot: "still waiting", nothing recorded,
    nothing sent). It now waits its turn: released, both owners are messaged."""
    f.staff("admin1", "孙管理", "admin")
    with access.acting(Staff.get(Staff.login == "desk1")):
        first = desk.receive_parcel(desk.ParcelInput("顺丰", room_id=write_world["room"]), notify=False)
        second = desk.receive_parcel(desk.ParcelInput("京东", room_id=write_world["room"]), notify=False)
    script, out = fake_sender(tmp_path)
    configure_messages(script)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(100, 30)) as pilot:
        shown = record_notifications(app)
        screen = await open_tab(app, pilot, "parcels")
        with held_lock(write_world, OutboundMessage, Parcel) as held:
            start = len(shown)
            for move in ((), ("down",)):
                await pilot.press(*move, "enter")
                await wait_for(pilot, lambda: isinstance(app.screen, ParcelModal))
                await pilot.press("m")
                await wait_for(pilot, lambda: app.screen is screen)
            await wait_for(pilot, lambda: _since(shown, start, "发送消息前正在等待其他工位") >= 1)
            assert OutboundMessage.select().count() == 0 and not Path(out).exists()
            held.release()
            await wait_for(pilot, lambda: Parcel.get_by_id(first.id).notified and Parcel.get_by_id(second.id).notified,
                           timeout=30)
        await settle(app, pilot)
    assert sorted(m.about_id for m in OutboundMessage.select()) == sorted([first.id, second.id])
    assert [m.state for m in OutboundMessage.select()] == ["sent", "sent"]
    assert len(Path(out).read_text().splitlines()) == 2

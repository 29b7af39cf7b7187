"""A parcel no message told of (no message command configured), at 80×24 by keys: the line
above the list says so in a few words (the administrator's command is in F1/README, not in
the clerk's banner); the parcel shows its pickup code to read out and `d` dials the owner
(no dial command: the number large, with the code); the line goes once it is collected."""

from __future__ import annotations

from data.models import AuditLog, Parcel
from screens.call_forms import BigNumberModal
from screens.registers.parcels import ParcelModal
from tests.screen_text import screen_text, settle, wait_for
from tests.screens.test_desk_register_tabs import (
    SIZE,
    app_for,
    flat,
    open_tab,
    receive_by_keys,
    type_in,
)
from tests.screens.test_desk_register_tabs import desk_db as desk_db  # the fixture


async def test_no_message_sent_the_desk_phones_the_owner_with_the_code(desk_db):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tab(app, pilot, "parcels")
        await receive_by_keys(app, pilot)
        await wait_for(pilot, lambda: "nothing was sent: tell the owner by phone" in flat(app))
        text = screen_text(app)
        assert "settings set" not in text and "message_command" not in text
        banner = next(line for line in text.splitlines() if "Parcel #1" in line)
        assert "tell the owner by phone" in flat(app) and not banner.rstrip().endswith(("fr", "-"))
        code = Parcel.get().pickup_code

        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ParcelModal)
        text = flat(app)
        assert f"Pickup code: {code} (read it to the owner on the phone: d dials)" in text
        assert "d Call the owner" in text
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, BigNumberModal))
        text = flat(app)
        assert "张晓明(Owner)" in text and "138 0013 8000" in text
        assert f"Pickup code {code}: read it to them." in text
        assert AuditLog.select().where(AuditLog.action == "reveal").count() == 1
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen

        await pilot.press("enter", "c")
        await settle(app, pilot)
        await type_in(pilot, "张晓明")
        await pilot.press("f10")
        await wait_for(pilot, lambda: Parcel.get().state == "collected" and app.screen is screen)
        await wait_for(pilot, lambda: "tell the owner by phone" not in flat(app))
        assert "Parcel #1" not in flat(app)


async def test_a_collected_or_messaged_parcel_shows_no_code_and_no_dial(desk_db, tmp_path):
    from tests.screens.test_desk_register_tabs import configure_messages, fake_sender

    script, _out = fake_sender(tmp_path)
    configure_messages(script)
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "parcels")
        await receive_by_keys(app, pilot)
        await wait_for(pilot, lambda: "Message sent to 138****8000" in flat(app))
        await pilot.press("enter")
        await settle(app, pilot)
        text = flat(app)
        assert Parcel.get().pickup_code not in text and "Call the owner" not in text

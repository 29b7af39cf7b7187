"""The registers screen (issue 16 items 1, 5, 11) at 80×24, by keys alone: a guard lands on
it with only the visitors and passes tabs, registers a visitor (a plate seen before fills
the rest, a room code in two communities is asked about) and signs them out; the desk issues
a release pass with the owner's consent, the guard checks it by number and lets it out, and a
second use is refused naming the first. The guard reaches no owners, orders, calls or
calendar by keys or palette; typing in a filter never switches tabs."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from data import access, i18n, people
from data import registers as reg
from data.db import close_database, open_database
from data.models import ReleasePass, Visitor
from data.people import PersonInput
from data.staff import sign_in
from screens.registers import RegistersScreen
from screens.registers.passes import PassModal
from screens.registers.visitors import VisitorModal
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal
from widgets.key_help import key_groups
from widgets.picker import PickerModal

NOW = "2026-12-06 10:00"
SIZE = (80, 24)


@pytest.fixture
def gate(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    open_database(sqlite_url)
    jx, yg = f.community("锦绣花园"), f.community("阳光水岸")
    room = people.ensure_room(jx.id, "3-2-501")
    people.ensure_room(yg.id, "3-2-501")
    people.ensure_room(jx.id, "5-1-101")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    tenant = people.create_person(PersonInput(name="李租客", phones=["13900139000"]))
    people.move_in(owner, room, "owner")
    people.move_in(tenant, room, "tenant")
    desk = f.staff("desk1", "李娜")
    guard = f.staff("guard1", "王保安", "guard")
    f.staff("tech1", "赵师傅", "tech")
    yield {"room": room, "owner": owner, "desk": desk, "guard": guard}
    close_database()


def app_for(login: str) -> FrontDeskApp:
    return FrontDeskApp(sign_in(login), "test.db")


def registers(app) -> RegistersScreen:
    screen = app.screen
    assert isinstance(screen, RegistersScreen)
    return screen


async def type_in(pilot, text: str) -> None:
    await pilot.press(*text)


async def test_a_guard_lands_on_the_registers_with_only_visitors_and_passes(gate):
    app = app_for("guard1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = registers(app)
        assert [cls.NAME for cls in screen.tabs] == ["visitors", "passes"]
        text = screen_text(app)
        assert "1 Visitors" in text and "2 Release passes" in text
        assert "Gate guard" in text  # the header says who is signed in
        # The footer offers the tab's keys, never a key the guard may not use.
        footer = text.splitlines()[-1]
        assert "New visitor" in footer and "Next tab" in footer
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert screen.current == "passes"
        footer = screen_text(app).splitlines()[-1]
        assert "Check a pass" in footer and "New pass" not in footer
        await pilot.press("n")  # the guard may not issue a pass: nothing opens
        await settle(app, pilot)
        assert app.screen is screen


async def test_the_guard_reaches_no_owners_orders_calendar_calls_or_inbox(gate):
    app = app_for("guard1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = registers(app)
        for key in ("f2", "f3", "f4", "f5", "f6", "escape"):
            await pilot.press(key)
            await settle(app, pilot)
            assert app.screen is screen, key
        for name in ("owners", "tickets", "calendar", "calls", "inbox"):
            app.action_open_screen(name)
            await settle(app, pilot)
            assert app.screen is screen, name
        titles = " ".join(c.title for c in app.get_system_commands(screen))
        for word in ("Owners", "Work orders", "Calendar", "Calls", "Notifications", "New work order", "Today"):
            assert f"· {word} ·" not in titles, word
        assert "· Visitors ·" in titles and "· Check a release pass ·" in titles
        assert "· New release pass ·" not in titles
        # F1 lists the keys the guard may use: no F2–F6 (a desk clerk's lists them all).
        keys = {line.keys for _title, lines in key_groups(screen) for line in lines}
        assert not keys & {"f2", "f3", "f4", "f5", "f6"} and {"]", "/", "f1"} <= keys


async def test_a_technician_is_not_offered_the_registers(gate):
    app = app_for("tech1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Registers" not in screen_text(app).splitlines()[-1]
        await pilot.press("d")
        await settle(app, pilot)
        assert not isinstance(app.screen, RegistersScreen)
        titles = " ".join(c.title for c in app.get_system_commands(app.screen))
        assert "· Registers ·" not in titles


async def test_the_desk_opens_the_registers_from_home_with_d(gate):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "d Registers" in screen_text(app).splitlines()[-1]
        await pilot.press("d")
        await settle(app, pilot)
        assert [cls.NAME for cls in registers(app).tabs][:2] == ["visitors", "passes"]
        keys = {line.keys for _title, lines in key_groups(app.screen) for line in lines}
        assert {"f2", "f3", "f4", "f5", "f6"} <= keys
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, RegistersScreen)


async def test_the_guard_registers_a_visitor_by_keys_and_signs_them_out(gate):
    with access.acting(gate["guard"]):  # a car seen before: its plate fills the rest
        seen = reg.register_visitor(reg.VisitorInput(
            name="刘师傅", room="5-1-101", phone="13700137000", plate="沪A12345",
            time_in=dt.datetime(2026, 12, 1, 9, 0)))
        reg.sign_out(seen.id, at=dt.datetime(2026, 12, 1, 10, 0))
    app = app_for("guard1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        await type_in(pilot, "沪a12345")
        await pilot.press("enter")  # the plate looked up: name, phone and room filled
        await settle(app, pilot)
        values = form.values()
        # The guard may not see full phones: the one seen before is filled in masked.
        assert (values["name"], values["phone"], values["room"], values["community"]) == (
            "刘师傅", "137****7000", "5-1-101", "锦绣花园")
        assert "13700137000" not in screen_text(app)
        assert "Seen before: 刘师傅" in screen_text(app)
        await pilot.press("f10")
        await settle(app, pilot)
        screen = registers(app)
        assert app.screen is screen
        row = Visitor.select().order_by(Visitor.id.desc()).first()
        assert (row.name, row.plate, row.time_out, row.phone) == ("刘师傅", "沪A12345", None, "13700137000")
        await wait_for(pilot, lambda: "1 still inside" in screen_text(app))
        assert "刘师傅" in screen_text(app)
        # enter: the visit, then o signs them out.
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VisitorModal)
        assert "still inside" in screen_text(app) and "o Sign out" in screen_text(app)
        await pilot.press("o")
        await wait_for(pilot, lambda: Visitor.get_by_id(row.id).time_out is not None)
        assert Visitor.get_by_id(row.id).signed_out_by_id == gate["guard"].id
        await wait_for(pilot, lambda: "0 still inside" in screen_text(app))


async def test_a_room_code_in_two_communities_is_asked_about_in_the_form(gate):
    app = app_for("guard1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        await pilot.press("tab", "tab")  # past the plate and the phone
        await type_in(pilot, "王访客")
        await pilot.press("tab", "tab")  # the community left empty
        await type_in(pilot, "3-2-501")
        await pilot.press("f10")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerModal)
        text = screen_text(app)
        assert "锦绣花园 3-2-501" in text and "阳光水岸 3-2-501" in text
        await pilot.press("down", "enter")  # the second: 阳光水岸
        await settle(app, pilot)
        assert app.screen is not form
        row = Visitor.get(Visitor.name == "王访客")
        assert row.community.name == "阳光水岸"


async def test_typing_in_the_filter_never_switches_tabs(gate):
    with access.acting(gate["guard"]):
        reg.register_visitor(reg.VisitorInput(name="刘访客", room="5-1-101"))
        reg.register_visitor(reg.VisitorInput(name="王快递", room="锦绣花园3-2-501"))
    app = app_for("guard1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = registers(app)
        await pilot.press("slash")
        await type_in(pilot, "2]王")
        await settle(app, pilot, 0.3)
        assert screen.current == "visitors"
        assert screen.tab().filter_line.value == "2]王"
        footer = screen_text(app).splitlines()[-1]
        assert "Next tab" not in footer and "New visitor" not in footer
        await pilot.press("ctrl+a", "ctrl+k")  # cleared: the filter line is empty again
        await type_in(pilot, "王")
        await wait_for(pilot, lambda: [v.name for v in screen.tab().rows] == ["王快递"])
        await pilot.press("enter")  # back to the list
        await settle(app, pilot)
        assert not isinstance(app.focused, Input)
        await pilot.press("slash")  # the filter again: ↓ goes back to the list too (as on F2)
        await settle(app, pilot)
        assert isinstance(app.focused, Input) and "↓" in screen_text(app).splitlines()[-1]
        await pilot.press("down")
        await settle(app, pilot)
        assert not isinstance(app.focused, Input) and screen.tab().filter_line.value == "王"
        await pilot.press("2")
        await settle(app, pilot)
        assert screen.current == "passes"


async def _issue_by_keys(app, pilot) -> None:
    """On the passes tab: n, the fields, the consent chosen, F10."""
    await pilot.press("n")
    await settle(app, pilot)
    form = app.screen
    assert isinstance(form, FormModal)
    await type_in(pilot, "锦绣花园")
    await pilot.press("tab")
    await type_in(pilot, "3-2-501")
    await pilot.press("tab")
    await type_in(pilot, "旧沙发一套")
    await pilot.press("tab")
    await type_in(pilot, "刘师傅")
    await pilot.press("tab", "tab")
    await type_in(pilot, "沪B54321")
    await pilot.press("f10")  # no consent chosen: refused, the form stays
    await settle(app, pilot)
    assert app.screen is form and "needs the owner's consent" in screen_text(app)
    assert ReleasePass.select().count() == 0
    form.query_one("#field-consent").focus()
    await pilot.press("down")  # opens the list
    await settle(app, pilot)
    await pilot.press("down", "enter")  # the first choice: by phone
    await settle(app, pilot)
    assert form.values()["consent"] == "phone"
    await pilot.press("f10")
    await settle(app, pilot)
    assert app.screen is not form


async def test_a_pass_issued_at_the_desk_is_checked_and_used_once_by_the_guard(gate):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert registers(app).current == "passes"
        await _issue_by_keys(app, pilot)
        row = ReleasePass.get()
        assert (row.number, row.consent_name, row.consent_how, row.carrier_plate) == (
            "FX-20261206-001", "张晓明", "phone", "沪B54321")
        await wait_for(pilot, lambda: "FX-20261206-001" in screen_text(app))

    app = app_for("guard1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("right_square_bracket", "c")
        await settle(app, pilot)
        await type_in(pilot, "fx-20261206-001")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PassModal)
        text = screen_text(app)
        assert "Valid: FX-20261206-001 may go out today" in text and "旧沙发一套" in text
        assert "u Let out" in text
        await pilot.press("u")
        await wait_for(pilot, lambda: ReleasePass.get().used_at is not None)
        assert ReleasePass.get().used_by_id == gate["guard"].id
        await settle(app, pilot)
        # A second time: refused, naming the first use.
        await pilot.press("c")
        await settle(app, pilot)
        await type_in(pilot, "FX-20261206-001")
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Already used" in text and "2026-12-06 10:00" in text and "王保安(guard1)" in text
        assert "u Let out" not in text
        used_at = ReleasePass.get().used_at
        await pilot.press("u")  # not offered: nothing happens
        await settle(app, pilot)
        assert ReleasePass.get().used_at == used_at
        # The list says so too.
        await pilot.press("escape")
        await wait_for(pilot, lambda: "Used" in screen_text(app))


async def test_d_dials_the_rooms_owner_and_the_answer_is_recorded(gate, tmp_path, monkeypatch):
    import stat

    from data.dialout import DIAL_ENV
    from widgets.confirm import ConfirmModal

    out = tmp_path / "dialled"
    softphone = tmp_path / "softphone"
    softphone.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{out}"\n')
    softphone.chmod(softphone.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(DIAL_ENV, f"{softphone} {{number}}")
    with access.acting(gate["guard"]):
        view = reg.register_visitor(reg.VisitorInput(name="刘访客", room="锦绣花园3-2-501"))
    app = app_for("guard1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "d Call the owner" in screen_text(app)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert out.read_text() == "13800138000"  # the owner's phone, never the tenant's
        assert "Did 张晓明 confirm the visit of 刘访客?" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: Visitor.get_by_id(view.id).confirmed_at is not None)
        row = Visitor.get_by_id(view.id)
        assert (row.confirmed_name, row.confirmed_person_id, row.confirmed_by_id) == (
            "张晓明", gate["owner"], gate["guard"].id)
        # The list reads it again: the visit shows as confirmed.
        await wait_for(pilot, lambda: registers(app).tab().rows[0].confirmed_at is not None)


async def test_without_a_dial_command_the_gate_sees_the_number_masked_and_nothing_to_dial(gate):
    from screens.call_forms import BigNumberModal

    with access.acting(gate["guard"]):
        reg.register_visitor(reg.VisitorInput(name="刘访客", room="锦绣花园3-2-501"))
    app = app_for("guard1")
    async with app.run_test(size=SIZE) as pilot:
        said = record_notifications(app)
        await settle(app, pilot)
        await pilot.press("enter", "d")
        await wait_for(pilot, lambda: any("138****8000" in m for m in said))
        assert "ask the visitor to call 张晓明" in said[-1]
        assert "13800138000" not in screen_text(app) and "138 0013 8000" not in screen_text(app)
        assert not isinstance(app.screen, BigNumberModal)


async def test_without_a_dial_command_the_owners_number_is_shown_to_dial_by_hand(gate):
    from screens.call_forms import BigNumberModal

    with access.acting(gate["guard"]):
        reg.register_visitor(reg.VisitorInput(name="刘访客", room="锦绣花园3-2-501"))
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")  # the desk opens the registers from home
        await settle(app, pilot)
        await pilot.press("enter", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, BigNumberModal))
        assert "138 0013 8000" in screen_text(app) and "张晓明" in screen_text(app)
        await pilot.press("escape")  # dialled by hand: then asked whether they confirmed
        await settle(app, pilot)
        assert "Did 张晓明 confirm" in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert Visitor.get().confirmed_at is None


async def test_page_keys_turn_the_pages_of_the_list(gate):
    with access.acting(gate["guard"]):
        for n in range(55):
            reg.register_visitor(reg.VisitorInput(
                name=f"访客{n:02d}", room="5-1-101", time_in=dt.datetime(2026, 12, 6, 8, 0) + dt.timedelta(minutes=n)))
    app = app_for("guard1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        tab = registers(app).tab()
        await wait_for(pilot, lambda: len(tab.rows) == 50)
        assert tab.rows[0].name == "访客54" and "pgdn more" in screen_text(app)
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: len(tab.rows) == 5)
        assert [v.name for v in tab.rows] == ["访客04", "访客03", "访客02", "访客01", "访客00"]
        assert "page 2" in screen_text(app)
        await pilot.press("pageup")
        await wait_for(pilot, lambda: len(tab.rows) == 50)


async def test_the_palette_opens_a_register_by_its_own_name_from_any_screen(gate):
    """walk (tenth session): ctrl+p 代收 / 快递 / 访客 found nothing outside the registers: each
    register is a palette entry of its own (its name, its other names), opening the registers at it."""
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_in(pilot, "kd")  # 快递, another name of 代收, by its pinyin initials
        await wait_for(pilot, lambda: "代收 · Parcels · ds · 快递 kd" in screen_text(app), 10)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen))
        await settle(app, pilot)
        assert registers(app).current == "parcels"
        await pilot.press("f2")  # another screen, then a register that is already open
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_in(pilot, "fk")  # 访客
        await wait_for(pilot, lambda: "访客 · Visitors · fk" in screen_text(app), 10)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen))
        await settle(app, pilot)
        assert registers(app).current == "visitors"
        assert len([s for s in app.screen_stack if isinstance(s, RegistersScreen)]) == 1

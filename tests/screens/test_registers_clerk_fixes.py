"""What a new clerk found walking the registers at 80×24: after a save the cursor is on the
new record; room codes and reference numbers are never cut; a plate seen before does not
show the full phone; any pending handover can be taken over; and the smaller fixes."""

from __future__ import annotations

import datetime as dt

from data import access
from data import registers as reg
from screens.registers.visitors import VisitorModal
from tests.screen_text import screen_text, settle, wait_for
from tests.screens.test_registers_screen import app_for, gate, registers  # noqa: F401
from widgets.form import FormModal

SIZE = (80, 24)


async def test_after_a_save_enter_opens_the_new_record(gate):  # noqa: F811
    with access.acting(gate["desk"]):  # someone already inside, on top of the list
        reg.register_visitor(reg.VisitorInput(name="老访客", room="5-1-101", time_in=dt.datetime(2026, 12, 6, 9, 0)))
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        screen = registers(app)
        await wait_for(pilot, lambda: "老访客" in screen_text(app))
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        form._set_value("name", "新来客")
        form._set_value("room", "5-1-101")
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is screen and "新来客" in screen_text(app))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VisitorModal)
        assert "Visitor 新来客" in screen_text(app)


async def test_a_room_code_is_never_cut_the_community_is_shortened(gate):  # noqa: F811
    from data import people
    from tests import factories as f

    long = f.community("锦绣花园二期东区")
    people.ensure_room(long.id, "3-2-1601")
    with access.acting(gate["desk"]):
        reg.register_visitor(reg.VisitorInput(name="长门牌", room="3-2-1601", community="锦绣花园二期东区",
                                              time_in=dt.datetime(2026, 12, 6, 9, 0)))
        reg.register_visitor(reg.VisitorInput(name="短门牌", room="5-1-101", community="锦绣花园",
                                              time_in=dt.datetime(2026, 12, 6, 9, 30)))
    app = app_for("desk1")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: "长门牌" in screen_text(app))
        text = screen_text(app)
        # Two communities sharing "锦绣花园": each by the shortest head that tells them apart.
        assert "锦绣花园二 3-2-1601" in text and "锦绣花园 5-1-101" in text, text


def test_free_text_is_cut_with_an_ellipsis_and_codes_keep_their_forms():
    from screens.registers.tab import Code, _code_forms, _fit_cell, short_names

    assert _fit_cell("一二三四五六七八", 8).plain == "一二三…"
    short = short_names(["阳光水岸", "锦绣花园"])
    assert _code_forms(Code("3-2-1601", "阳光水岸"), short, True) == ["阳光水岸 3-2-1601", "阳光 3-2-1601"]
    assert _code_forms(Code("3-2-1601", "阳光水岸"), short, False)[-1] == "3-2-1601"
    assert Code.place("锦绣花园 5-1-302") == Code("5-1-302", "锦绣花园")


async def test_the_tab_line_uses_short_names_before_numbers_and_f1_names_each_tab(gate):  # noqa: F811
    from data import i18n
    from widgets.key_help import key_groups

    app = app_for("desk1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: "Passes" in screen_text(app))
        line = next(x for x in screen_text(app).splitlines() if " 1 " in x)
        assert "1 Visitors" in line and "2 Passes" in line and "5 Finds" in line and "7 Handover" in line, line
        descriptions = {kl.keys: kl.description for _t, lines in key_groups(app.screen) for kl in lines}
        assert descriptions.get("1") == "Visitors" and descriptions.get("2") == "Release passes", descriptions
    i18n.set_language("zh")
    app = app_for("desk1")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: "放行" in screen_text(app))
        line = next(x for x in screen_text(app).splitlines() if " 1 " in x)
        assert "1 访客" in line and "2 放行" in line and "5 失物" in line and "6 装修" in line, line
    i18n.set_language("en")


async def test_an_enter_typed_for_the_number_box_never_confirms_the_visit(gate):  # noqa: F811
    from data.models import Visitor
    from screens.call_forms import BigNumberModal
    from widgets.confirm import ConfirmModal

    with access.acting(gate["guard"]):
        reg.register_visitor(reg.VisitorInput(name="刘访客", room="锦绣花园3-2-501"))
    app = app_for("desk1")  # the desk sees the whole number in the box (the gate only masked)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")  # the registers screen, on the visitors tab
        await settle(app, pilot)
        await pilot.press("enter", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, BigNumberModal))
        await pilot.press("enter")  # closes the box
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("enter")  # a second enter: not a yes
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal) and Visitor.get().confirmed_at is None
        assert "y: yes" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: Visitor.get().confirmed_at is not None)


async def test_keys_left_by_blank_means_the_owner_when_someone_else_may_collect(db_url, monkeypatch):
    from data.models import KeyDeposit
    from tests.screens.test_desk_register_tabs import app_for as desk_app
    from tests.screens.test_desk_register_tabs import desk_db as _fixture  # noqa: F401
    from tests.screens.test_desk_register_tabs import open_tab

    gen = _fixture.__wrapped__(db_url, monkeypatch)
    next(gen)
    try:
        app = desk_app("desk1")
        async with app.run_test(size=SIZE) as pilot:
            await open_tab(app, pilot, "keys")
            await pilot.press("n")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, FormModal)
            for name, value in (("community", "锦绣花园"), ("room", "3-2-501"), ("description", "入户门钥匙"),
                                ("name", "王阿姨"), ("phone_tail", "1234")):
                form._set_value(name, value)
            await pilot.press("f10")
            await wait_for(pilot, lambda: not isinstance(app.screen, FormModal) or "name" in screen_text(app))
            assert not isinstance(app.screen, FormModal), screen_text(app)
            assert KeyDeposit.select().get().left_by == "张晓明"
    finally:
        next(gen, None)


def test_a_pass_number_is_found_without_its_prefix_and_in_full_width_digits():
    from data.registers.passes import normalize_number

    assert normalize_number("20261207-004") == "FX-20261207-004"
    assert normalize_number("２０２６１２０７－００４") == "FX-20261207-004"
    assert normalize_number("202612074") == "FX-20261207-004"
    assert normalize_number("fx-20261207-004") == "FX-20261207-004"


async def test_the_check_form_says_f10_checks(gate):  # noqa: F811
    app = app_for("guard1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        text = screen_text(app)
        assert "F10 Check" in text and "F10 save" not in text, text


async def test_dispose_is_offered_only_after_90_days_and_a_blank_choice_is_named(gate):  # noqa: F811
    import pytest

    from data import desk_registers as desk
    from data.errors import ValidationError
    from screens.registers.found import FoundModal

    with access.acting(gate["desk"]):
        young = desk.add_found(desk.FoundInput(description="黑色雨伞", place="大堂", community="锦绣花园",
                                               found_at="2026-11-25 09:00"))
        old = desk.add_found(desk.FoundInput(description="旧钱包", place="大堂", community="锦绣花园",
                                             found_at="2026-08-01 09:00"))
        with pytest.raises(ValidationError) as refused:
            desk.dispose_found(old.id, "", "派出所")
        assert refused.value.message == "Choose how it was disposed of."
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(FoundModal(desk.get_found(young.id)))
        await wait_for(pilot, lambda: isinstance(app.screen, FoundModal))
        assert "Dispose" not in screen_text(app)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, FoundModal)  # x does nothing on an 11-day-old item
        await pilot.press("escape")
        app.push_screen(FoundModal(desk.get_found(old.id)))
        await wait_for(pilot, lambda: "x Dispose of" in screen_text(app))


async def test_the_newest_handover_waits_first_and_any_waiting_one_is_taken_over_from_the_history(
        sqlite_url, monkeypatch):
    from data import handover
    from data.models import Handover
    from screens.handover import HandoverModal, HandoverScreen
    from tests import factories as f
    from tests.screens.test_renovation_handover_tabs import T
    from tests.screens.test_renovation_handover_tabs import app_for as world_app
    from tests.screens.test_renovation_handover_tabs import world as _world

    gen = _world.__wrapped__(sqlite_url, monkeypatch)
    world = next(gen)
    try:
        desk3 = f.staff("desk3", "赵六")
        night = handover.submit_handover(desk3.id, "夜班", at=T.replace(hour=23, minute=55))
        latest = handover.submit_handover(world["desk2"].id, "刚交的班", at=T.replace(hour=9))
        assert [row.id for row in handover.pending_handovers(world["desk"].id)] == [latest.id, night.id]
        app = world_app("desk1")
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.push_screen(HandoverScreen())
            await wait_for(pilot, lambda: f"To take over: #{latest.id}" in screen_text(app))
            await pilot.press("h")
            await wait_for(pilot, lambda: "刚交的班" in screen_text(app))
            screen = app.screen
            rows = screen.history_pane.rows
            await pilot.press(*["down"] * [r.id for r in rows].index(latest.id))
            await pilot.press("enter")  # a waiting one opens to be taken over, not read-only
            await wait_for(pilot, lambda: isinstance(app.screen, HandoverModal))
            assert app.screen.ack
            await pilot.press("f10")
            await wait_for(pilot, lambda: Handover.get_by_id(latest.id).acked_by_id == world["desk"].id)
    finally:
        next(gen, None)


async def test_a_plate_seen_before_fills_the_phone_in_full_for_the_desk_as_a_recorded_reveal(gate):  # noqa: F811
    from data.models import AuditLog

    with access.acting(gate["guard"]):
        seen = reg.register_visitor(reg.VisitorInput(
            name="刘师傅", room="5-1-101", phone="13700137000", plate="沪A12345",
            time_in=dt.datetime(2026, 12, 1, 9, 0)))
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press(*"沪a12345", "enter")
        await wait_for(pilot, lambda: app.screen.values()["phone"] != "")
        assert app.screen.values()["phone"] == "13700137000"
        reveal = AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity_id == seen.id).first()
        assert reveal is not None and reveal.staff_id == gate["desk"].id

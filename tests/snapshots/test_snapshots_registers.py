"""SVG snapshots of the registers screen (issue 16 item 11) as the gate guard sees it: the
visitors tab (those still inside first) and the release passes tab (every state), at 80×24,
60×20 and 120×40; and the visitor and pass details at 80×24.

In English, so that adding Chinese translations does not change them; the clock pinned.
Regenerate after an intended change of the look:
`.venv/bin/pytest tests/snapshots/test_snapshots_registers.py --snapshot-update`, then look
at the SVGs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import access, i18n, people
from data import registers as reg
from data.db import close_database, open_database
from data.people import PersonInput
from data.staff import sign_in
from tests import factories as f
from tests.helpers.snapshots import press
from tui.app import FrontDeskApp

NOW = dt.datetime(2026, 12, 6, 10, 0)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((60, 20), id="60x20"),
         pytest.param((120, 40), id="120x40")]


@pytest.fixture
def gate(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("en")
    open_database(sqlite_url)
    jx = f.community("锦绣花园")
    room = people.ensure_room(jx.id, "3-2-501")
    people.ensure_room(jx.id, "5-1-101")
    people.ensure_room(jx.id, "12-1-1203")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    desk = f.staff("desk1", "李娜")
    guard = f.staff("guard1", "王保安", "guard")
    at = NOW.replace
    with access.acting(guard):
        for name, where, phone, plate, purpose, came, left in (
            ("刘访客", "3-2-501", "13700137000", "沪A12345", "探亲", at(hour=9, minute=40), None),
            ("王快递", "5-1-101", "13912345678", "", "快递", at(hour=9, minute=12), at(hour=9, minute=20)),
            ("赵师傅", "12-1-1203", "13600136000", "苏E54321", "装修", at(hour=8, minute=2), None),
            ("陈阿姨", "3-2-501", "", "", "家政保洁", at(hour=7, minute=30), at(hour=9, minute=55)),
        ):
            view = reg.register_visitor(reg.VisitorInput(
                name=name, room=where, phone=phone, plate=plate, purpose=purpose, time_in=came,
                id_number="11010519491231002X" if name == "刘访客" else ""))
            if left is not None:
                reg.sign_out(view.id, at=left)
        first = reg.register_visitor(reg.VisitorInput(name="刘访客", room="3-2-501", time_in=at(hour=8)))
        reg.confirm_visit(first.id)
        reg.sign_out(first.id, at=at(hour=8, minute=30))
    with access.acting(desk):
        for items, carrier, plate, until in (
            ("旧沙发一套、餐桌一张", "刘师傅", "沪B54321", None),
            ("冰箱一台（以旧换新）", "家电回收 吴师傅", "", NOW.date() + dt.timedelta(days=1)),
            ("钢琴一架", "王师傅", "沪C11111", None),
        ):
            reg.issue_pass(reg.PassInput(room="3-2-501", items=items, carrier_name=carrier,
                                         carrier_plate=plate, consent_how="phone", valid_until=until))
        reg.cancel_pass("FX-20261206-003", "业主改期")
    with access.acting(guard):
        reg.use_pass("FX-20261206-001")
    yield
    close_database()


def _app() -> FrontDeskApp:
    return FrontDeskApp(sign_in("guard1"), "demo.db")


@pytest.mark.parametrize("size", SIZES)
def test_visitors_tab_at_three_sizes(gate, snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=press())


@pytest.mark.parametrize("size", SIZES)
def test_passes_tab_at_three_sizes(gate, snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=press("right_square_bracket"))


def test_a_visit_in_full(gate, snap_compare):
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=press("enter"))


def test_a_used_pass_checked_again(gate, snap_compare):
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=press("right_square_bracket", "down", "down",
                                                                         "enter"))

"""SVG snapshots of the registers screen (issue 16 item 11) as the gate guard sees it: the
visitors tab (those still inside first) and the release passes tab (every state), at 80×24,
60×20 and 120×40; and the visitor and pass details at 80×24. As a desk clerk sees them, at
80×24: the keys tab (out longer than a day first), the parcels tab (waiting over 7 days
first, the owner not messaged), the lost-and-found tab (unclaimed first, one kept 90 days)
and a deposit of keys out longer than a day in full. As the desk sees them at
80×24: the renovations tab (permits in every state, today's hours, works permitted now or
not) and the handover tab (the handover waiting, the draft's sections from the registers).

In English, so that adding Chinese translations does not change them; the clock pinned.
Regenerate after an intended change of the look:
`.venv/bin/pytest tests/snapshots/test_snapshots_registers.py --snapshot-update`, then look
at the SVGs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import access, handover, i18n, people
from data import desk_registers as desk_reg
from data import registers as reg
from data import renovations as rn
from data import workorders as wo
from data.db import close_database, open_database
from data.models import Category
from data.people import PersonInput
from data.staff import sign_in
from tests import factories as f
from tests.helpers.snapshots import press, settle
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


@pytest.fixture
def desk(sqlite_url, monkeypatch):
    """The desk of 锦绣花园 at 10:00 on Sunday 2026-12-06 (a rest day: no works permitted):
    permits in every state, a key out since yesterday, a parcel waiting nine days, a
    visitor inside, and the night shift's handover waiting to be taken over."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("en")
    open_database(sqlite_url)
    jx = f.community("锦绣花园")
    clerk = f.staff("desk1", "李娜")
    night = f.staff("desk2", "王芳")
    lead = f.staff("super1", "陈静", "supervisor")
    tech = f.staff("tech1", "王建国", "tech")
    names = ("张晓明", "李芳", "王强", "赵敏", "刘洋", "陈刚", "周杰", "吴磊")
    rooms = {}
    for n, name in enumerate(names):
        code = f"{3 + n // 4}-{1 + n % 2}-{(n % 4 + 3) * 100 + 1}"
        rooms[name] = people.ensure_room(jx.id, code)
        people.move_in(people.create_person(PersonInput(name=name)), rooms[name], "owner")

    def permit(name: str, start: dt.date, end: dt.date, **kw) -> rn.RenovationView:
        return rn.register(rn.RenovationInput(
            room_id=rooms[name], contractor="美家装饰", contractor_phone="13700137000",
            start_date=start, end_date=end, deposit="2000", **kw), clerk.id)

    day = NOW.date()
    with access.acting(clerk):
        monkeypatch.setenv("FRONTDESK_NOW", "2026-11-02 09:00")
        done = permit("张晓明", dt.date(2026, 11, 2), dt.date(2026, 11, 20), deposit_received=True,
                      rules_acknowledged=True)
        rn.approve(done.id, lead.id)
        rn.start(done.id, clerk.id)
        monkeypatch.setenv("FRONTDESK_NOW", "2026-11-20 16:00")
        rn.finish(done.id, clerk.id)
        rn.accept(done.id, lead.id, True)
        rn.refund(done.id, lead.id)
        monkeypatch.setenv("FRONTDESK_NOW", "2026-11-25 09:00")
        busy = permit("李芳", dt.date(2026, 11, 25), dt.date(2027, 1, 31), deposit_received=True,
                      rules_acknowledged=True, rest_day_hours="09:00-12:00")
        rn.approve(busy.id, lead.id)
        rn.start(busy.id, clerk.id)
        quiet = permit("王强", dt.date(2026, 11, 25), dt.date(2027, 2, 28), deposit_received=True,
                       rules_acknowledged=True, workday_hours="08:30-11:30,14:00-17:30")
        rn.approve(quiet.id, lead.id)
        rn.start(quiet.id, clerk.id)
        monkeypatch.setenv("FRONTDESK_NOW", "2026-12-01 10:00")
        rn.inspect(quiet.id, rn.InspectionInput(findings="楼道堆放建筑垃圾", result="violation"), tech.id)
        monkeypatch.setenv("FRONTDESK_NOW", "2026-11-16 09:00")
        finished = permit("赵敏", dt.date(2026, 11, 16), dt.date(2026, 12, 4), deposit_received=True,
                          rules_acknowledged=True)
        rn.approve(finished.id, lead.id)
        rn.start(finished.id, clerk.id)
        monkeypatch.setenv("FRONTDESK_NOW", "2026-12-04 17:00")
        rn.finish(finished.id, clerk.id)
        rejected = permit("刘洋", day + dt.timedelta(days=3), day + dt.timedelta(days=40))
        rn.reject(rejected.id, lead.id, "方案涉及拆改承重墙")
        monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
        rn.approve(permit("陈刚", day + dt.timedelta(days=2), day + dt.timedelta(days=60)).id, lead.id)
        permit("周杰", day + dt.timedelta(days=7), day + dt.timedelta(days=90))
        keys = desk_reg.deposit_key(desk_reg.KeyDepositInput(
            description="入户门钥匙", room_id=rooms["吴磊"], quantity=2,
            authorised=[desk_reg.AuthorisedInput("王阿姨", phone_tail="6688")], left_by="吴磊"),
            at=NOW - dt.timedelta(days=3))
        desk_reg.hand_out_key(keys.id, "王阿姨", "6688", at=NOW - dt.timedelta(hours=27))
        desk_reg.receive_parcel(desk_reg.ParcelInput(carrier="顺丰", room_id=rooms["赵敏"], shelf="A3"),
                                notify=False, at=NOW - dt.timedelta(days=9))
        reg.register_visitor(reg.VisitorInput(name="刘访客", room_id=rooms["李芳"], room="3-2-401",
                                              purpose="探亲", time_in=NOW.replace(hour=8, minute=40)))
        # 李芳 (3-2-401) complains of the drilling upstairs: 王强's 3-1-501 works on rest days
        # not at all.
        wo.create_order(wo.OrderInput(
            kind="complaint", title="楼上电钻声", community_id=jx.id, room_id=rooms["李芳"],
            category_id=Category.get(Category.code == "noise.renovation").id), clerk.id)
    handover.submit_handover(night.id, "3号楼电梯周一上午维保，已贴通知", at=NOW.replace(hour=7, minute=55))
    yield
    close_database()


async def _tab(pilot, name: str) -> None:
    """From the desk's home: d, then the register's number (whatever tabs there are)."""
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    await pilot.press(str([cls.NAME for cls in pilot.app.screen.tabs].index(name) + 1))
    await settle(pilot)


def _desk_app() -> FrontDeskApp:
    return FrontDeskApp(sign_in("desk1"), "demo.db")


def test_renovations_tab(desk, snap_compare):
    async def run_before(pilot) -> None:
        await _tab(pilot, "renovations")

    assert snap_compare(_desk_app(), terminal_size=(80, 24), run_before=run_before)


def test_handover_tab(desk, snap_compare):
    async def run_before(pilot) -> None:
        await _tab(pilot, "handover")

    assert snap_compare(_desk_app(), terminal_size=(80, 24), run_before=run_before)


# --- the desk's registers: keys, parcels, lost and found (issue 16 items 3, 4, 6) ---------------


@pytest.fixture
def desk_registers(sqlite_url, monkeypatch):
    """Keys out longer than a day, out today and at the desk; parcels waiting (one over 7 days,
    its owner not told: no message command) and collected; found items unclaimed (one for
    over 90 days) and claimed."""
    from data import desk_registers as desk

    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    i18n.set_language("en")
    open_database(sqlite_url)
    jx = f.community("锦绣花园")
    room = people.ensure_room(jx.id, "3-2-501")
    people.ensure_room(jx.id, "5-1-101")
    people.ensure_room(jx.id, "12-1-1203")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"],
                                             id_number="11010519491231002X"))
    people.move_in(owner, room, "owner")
    clerk = f.staff("desk1", "李娜")
    day = NOW.replace
    with access.acting(clerk):
        late = desk.deposit_key(desk.KeyDepositInput(
            description="入户门钥匙", quantity=2, room="3-2-501", owner=owner,
            authorised=[desk.AuthorisedInput("王阿姨", phone_tail="6688")]), at=day(day=1, hour=9))
        desk.hand_out_key(late.id, "王阿姨", "6688", note="保洁", at=day(day=4, hour=16, minute=20))
        card = desk.deposit_key(desk.KeyDepositInput(
            description="门禁卡", room="5-1-101", left_by="李先生",
            authorised=[desk.AuthorisedInput("李先生", id_tail="12345X")]), at=day(day=2, hour=11))
        desk.hand_out_key(card.id, "李先生", "12345X", at=day(hour=9, minute=15))
        desk.deposit_key(desk.KeyDepositInput(
            description="信箱钥匙", room="12-1-1203", left_by="赵女士",
            authorised=[desk.AuthorisedInput("赵女士", phone_tail="1203")]), at=day(day=5, hour=18))
        desk.receive_parcel(desk.ParcelInput(carrier="顺丰", room="3-2-501", tracking="SF1234567890",
                                             description="一箱水果", size="large", shelf="A-3"),
                            at=dt.datetime(2026, 11, 27, 14, 5))
        desk.receive_parcel(desk.ParcelInput(carrier="京东", room="5-1-101", description="文件袋",
                                             shelf="B-1"), notify=False, at=day(hour=9, minute=40))
        done = desk.receive_parcel(desk.ParcelInput(carrier="中通", room="12-1-1203", description="鞋盒",
                                                    size="medium", shelf="C-2"), notify=False,
                                   at=day(day=4, hour=10))
        desk.collect_parcel(done.id, "赵女士", note="业主电话同意", at=day(day=5, hour=19))
        desk.add_found(desk.FoundInput(description="黑色钱包", place="3号楼大堂", community="锦绣花园",
                                       found_at=day(day=5, hour=20), stored_at="前台抽屉"), at=NOW)
        desk.add_found(desk.FoundInput(description="儿童自行车", place="儿童游乐区", community="锦绣花园",
                                       found_at=dt.datetime(2026, 8, 20, 17, 0), found_by="保洁 王阿姨",
                                       stored_at="物业仓库"), at=NOW)
        umbrella = desk.add_found(desk.FoundInput(description="蓝色雨伞", place="5号楼电梯", community="锦绣花园",
                                                  found_at=day(day=1, hour=8)), at=NOW)
        desk.claim_found(umbrella.id, desk.ClaimInput(name="刘失主", phone="13700137000"), at=day(day=2, hour=9))
    yield
    close_database()


def test_keys_tab(desk_registers, snap_compare):
    async def run_before(pilot) -> None:
        await _tab(pilot, "keys")

    assert snap_compare(_desk_app(), terminal_size=(80, 24), run_before=run_before)


def test_parcels_tab(desk_registers, snap_compare):
    async def run_before(pilot) -> None:
        await _tab(pilot, "parcels")

    assert snap_compare(_desk_app(), terminal_size=(80, 24), run_before=run_before)


def test_lost_and_found_tab(desk_registers, snap_compare):
    async def run_before(pilot) -> None:
        await _tab(pilot, "found")

    assert snap_compare(_desk_app(), terminal_size=(80, 24), run_before=run_before)


def test_keys_out_longer_than_a_day_in_full(desk_registers, snap_compare):
    async def run_before(pilot) -> None:
        await _tab(pilot, "keys")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_desk_app(), terminal_size=(80, 24), run_before=run_before)

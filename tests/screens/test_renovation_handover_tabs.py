"""The registers' renovations and handover tabs and the cards' register lines, at 80×24 by
keys alone (issue 16): the desk registers an owner's application (the owner filled in from
the room, a refusal shown in the form with nothing lost), takes the deposit and the signed
rules; a supervisor approves it, the works start, an inspection finds a violation (the work
order it opened named), the works finish, pass their acceptance and the deposit is refunded
less a deduction (its reason asked in the form); the handover tab shows the draft and the
handover waiting, and opens the handover screen; the room and owner cards list keys,
renovation and parcels for the roles that may read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import access, handover, i18n, people
from data import desk_registers as desk
from data import registers as reg
from data import renovations as rn
from data.db import close_database, open_database
from data.models import Renovation, RenovationInspection, WorkOrder
from data.people import PersonInput
from data.staff import sign_in
from screens.handover import HandoverModal, HandoverScreen
from screens.owner_card import OwnerCardScreen, RoomCardScreen
from screens.registers import RegistersScreen
from screens.registers.handover import HandoverTab
from screens.registers.renovations import PermitModal, RenovationsTab
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal

NOW = "2026-03-04 10:00"  # a Wednesday morning: works permitted
T = dt.datetime(2026, 3, 4, 10, 0)
SIZE = (80, 24)


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    rooms = {code: people.ensure_room(comm.id, code) for code in ("3-2-501", "3-2-601")}
    owners = {}
    for code, name, phone in (("3-2-501", "张晓明", "13800138000"), ("3-2-601", "李芳", "13900139000")):
        owners[code] = people.create_person(PersonInput(name=name, phones=[phone]))
        people.move_in(owners[code], rooms[code], "owner")
    staff = {"desk": f.staff("desk1", "李娜"), "desk2": f.staff("desk2", "王芳"),
             "lead": f.staff("super1", "陈静", "supervisor"), "tech": f.staff("tech1", "王建国", "tech")}
    yield {"comm": comm, "rooms": rooms, "owners": owners, **staff}
    close_database()


def app_for(login: str) -> FrontDeskApp:
    return FrontDeskApp(sign_in(login), "test.db")


async def open_tab(app, pilot, name: str) -> RegistersScreen:
    """From home: d opens the registers, the tab's number key puts it on top."""
    await pilot.press("d")
    await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen))
    screen = app.screen
    await pilot.press(str([cls.NAME for cls in screen.tabs].index(name) + 1))
    await settle(app, pilot)
    assert screen.current == name
    return screen


async def type_in(pilot, text: str) -> None:
    await pilot.press(*text)


async def field(app, pilot, name: str, text: str) -> None:
    """Focus a form field, clear it and type."""
    app.screen.query_one(f"#field-{name}").focus()
    await pilot.press("ctrl+a", "ctrl+k")
    await type_in(pilot, text)


def permit_shown(app, note: str = "") -> bool:
    """the permit is on top (saying `note`: its title, or the note on top of it)"""
    screen = app.screen
    if not isinstance(screen, PermitModal):
        return False
    return note in screen.note or note in screen.record_title


async def take(app, pilot, key: str, note: str) -> None:
    """In the permit: a step's key; then the permit again, saying what was done."""
    await pilot.press(key)
    await wait_for(pilot, lambda: permit_shown(app, note))


async def test_a_renovation_from_application_to_refund_by_keys(world):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_tab(app, pilot, "renovations")
        assert "n New application" in screen_text(app).splitlines()[-1]
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        assert form.values()["workday_hours"] == "08:00-12:00,14:00-18:00"  # the default, shown
        # The end date is empty, its grey example said to be one (not a value already there).
        assert form.values()["end_date"] == ""
        assert form.query_one("#field-end_date").placeholder == "such as 2026-05-03 (the last day of the works)"
        await type_in(pilot, "锦绣花园")
        await pilot.press("tab")
        await type_in(pilot, "3-2-601")
        await pilot.press("tab")  # leaving the room fills its owner
        await wait_for(pilot, lambda: form.values()["applicant"] == "李芳")
        assert "Owner of 锦绣花园 3-2-601: 李芳." in screen_text(app)
        await field(app, pilot, "contractor", "美家装饰工程有限公司")
        await field(app, pilot, "contractor_phone", "021-5555 1234")
        await field(app, pilot, "workers", "王师傅,13700137000,123X;李师傅,13900139001")
        await field(app, pilot, "scope", "厨卫翻新")
        await field(app, pilot, "end_date", "2026-06-30")
        await pilot.press("f10")  # no deposit typed: refused under its field, nothing lost
        await settle(app, pilot)
        assert app.screen is form and "Give the amount in yuan" in screen_text(app)
        assert Renovation.select().count() == 0
        assert form.values()["contractor"] == "美家装饰工程有限公司"
        await field(app, pilot, "deposit", "2000")
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is screen)
        permit = Renovation.get()
        assert (permit.status, permit.applicant.name, permit.workday_hours) == (
            "applied", "李芳", "08:00-12:00,14:00-18:00")
        assert [w.name for w in permit.workers] == ["王师傅", "李师傅"]
        await wait_for(pilot, lambda: "锦绣花园 3-2-601" in screen_text(app))
        # enter: the permit; the desk takes the deposit and the signed rules, not the approval.
        await pilot.press("enter")
        await wait_for(pilot, lambda: permit_shown(app, permit.number))
        keys = screen_text(app)
        assert "p Deposit taken" in keys and "r Rules signed" in keys and "a Approve" not in keys
        await pilot.press("a")  # not offered to the desk: nothing happens
        await settle(app, pilot)
        assert Renovation.get().status == "applied"
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        assert app.screen.values()["deposit"] == "2000.00"
        await pilot.press("f10")
        await wait_for(pilot, lambda: permit_shown(app, "deposit of 2000.00 yuan received"))
        await take(app, pilot, "r", "Rules acknowledged")
        assert Renovation.get().rules_acknowledged

    app = app_for("super1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_tab(app, pilot, "renovations")
        await pilot.press("enter")
        await wait_for(pilot, lambda: permit_shown(app, permit.number))
        await take(app, pilot, "a", "Approved.")
        assert "now Approved" not in app.screen.note  # not "approved, now approved"
        await take(app, pilot, "s", "now Works in progress")
        assert Renovation.get().status == "in_progress"
        # A violation put right on the spot, "no work order" chosen: none is opened.
        assert "o Work order" not in screen_text(app)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        form.query_one("#field-result").focus()
        await pilot.press("down")
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        await field(app, pilot, "findings", "阳台堆放建材，已当场清理")
        assert form.values()["result"] == "violation" and form.values()["needs_repair"] == "no"
        await pilot.press("f10")
        await wait_for(pilot, lambda: permit_shown(app, "Inspection recorded: Violation."))
        assert WorkOrder.select().count() == 0
        # An inspection finding a violation that needs a repair: it opens a work order, named.
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        form.query_one("#field-result").focus()
        await pilot.press("down")  # opens the list
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")  # ok → warning → violation
        await settle(app, pilot)
        assert form.values()["result"] == "violation"
        await field(app, pilot, "findings", "擅自拆改卫生间防水层")
        form.query_one("#field-needs_repair").focus()
        await pilot.press("down")
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert form.values()["needs_repair"] == "yes"
        await pilot.press("f10")
        await wait_for(pilot, lambda: permit_shown(app, "it opened work order"))
        order = WorkOrder.get()
        inspection = RenovationInspection.select().order_by(RenovationInspection.id.desc()).get()
        assert (inspection.result, inspection.work_order_id) == ("violation", order.id)
        text = screen_text(app)
        assert order.number in text and "Violation" in text
        # o: the work order it opened.
        assert "o Work order" in text
        await pilot.press("o")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "WorkOrderScreen")
        assert order.number in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: permit_shown(app, permit.number))
        await take(app, pilot, "f", "now Awaiting acceptance")
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        await settle(app, pilot)
        assert "remarks" in screen_text(app)  # its own words: not the handover's "notes"
        await pilot.press("f10")  # passed, the default: the open work order is warned of first
        await wait_for(pilot, lambda: f"Work order {order.number} from an inspection is still open"
                       in screen_text(app).replace("\n", " ") or order.number in screen_text(app))
        assert app.screen is form and Renovation.get().status == "awaiting_acceptance"
        await pilot.press("f10")  # all the same
        await wait_for(pilot, lambda: permit_shown(app, "now Accepted"))
        # The refund waits for the work order: refused, naming it.
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form and order.number in screen_text(app)
        assert "still open" in screen_text(app) and Renovation.get().refunded_at is None
        await pilot.press("escape")
        await wait_for(pilot, lambda: permit_shown(app, permit.number))
        WorkOrder.update(status="closed").where(WorkOrder.id == order.id).execute()
        # The refund, less 500 yuan: the reason is asked for in the form, the amount kept.
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        await field(app, pilot, "amount", "1500")
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form and "Say why 500.00 yuan is kept back" in screen_text(app)
        assert form.values()["amount"] == "1500" and Renovation.get().refunded_at is None
        await field(app, pilot, "reason", "破坏防水层，楼下天花板修复")
        await pilot.press("f10")
        await wait_for(pilot, lambda: permit_shown(app, "1500.00 yuan refunded"))
        done = Renovation.get()
        assert (done.status, Decimal(str(done.refunded_amount)), done.refunded_by_id) == (
            "refunded", Decimal("1500"), world["lead"].id)
        await pilot.press("escape")
        tab = app.screen.tab()
        await wait_for(pilot, lambda: tab.rows and tab.rows[0].row.status == "refunded")
        assert "Deposit back" in screen_text(app)  # the list's status word, whole


async def test_a_step_refused_says_why_in_the_permit(world):
    view = rn.register(rn.RenovationInput(
        room_id=world["rooms"]["3-2-601"], contractor="美家装饰", contractor_phone="13700137000",
        start_date=T.date(), end_date=dt.date(2026, 6, 30), deposit="2000"), world["desk"].id)
    rn.approve(view.id, world["lead"].id)
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        tab = (await open_tab(app, pilot, "renovations")).tab()
        assert isinstance(tab, RenovationsTab)
        await pilot.press("enter")
        await wait_for(pilot, lambda: permit_shown(app, view.number))
        await take(app, pilot, "s", "take the deposit (2000.00 yuan) before the works start")
        assert "take the deposit" in screen_text(app)  # said on top of the permit
        assert Renovation.get().status == "approved"


async def test_the_handover_tab_shows_the_draft_and_opens_the_handover(world):
    with access.acting(world["desk"]):
        reg.register_visitor(reg.VisitorInput(name="刘访客", room="3-2-501", purpose="探亲",
                                              time_in=T.replace(hour=9)))
    waiting = handover.submit_handover(world["desk2"].id, "3号楼电梯明早维保", at=T.replace(hour=8))
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_tab(app, pilot, "handover")
        tab = screen.tab()
        assert isinstance(tab, HandoverTab)
        await wait_for(pilot, lambda: "Visitors still inside" in screen_text(app))
        text = screen_text(app)
        assert f"To take over: #{waiting.id} 王芳" in text
        assert "in since 09:00 · 刘访客" in text  # the first item, cut to the column
        assert [r.first for r in tab.rows if r.key == "visitors"] == ["in since 09:00 · 刘访客 · 锦绣花园 3-2-501 · 探亲"]
        assert "o Full handover" in text.splitlines()[-1]
        # o: the handover screen itself; escape comes back to the tab.
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen))
        await wait_for(pilot, lambda: "刘访客" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        # enter on the handover waiting: read it to take it over.
        assert tab.rows[0].kind == "pending"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverModal))
        assert app.screen.view.id == waiting.id and app.screen.ack
        assert f"Handover #{waiting.id}" in screen_text(app)
        await pilot.press("f10")
        await wait_for(pilot, lambda: handover.get_handover(waiting.id).acked_by == "李娜")


async def test_the_filter_narrows_the_handover_tab(world):
    with access.acting(world["desk"]):
        for name in ("刘访客", "王快递"):
            reg.register_visitor(reg.VisitorInput(name=name, room="3-2-501", time_in=T.replace(hour=9)))
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        tab = (await open_tab(app, pilot, "handover")).tab()
        await wait_for(pilot, lambda: any(r.key == "visitors" and r.count == 2 for r in tab.rows))
        await pilot.press("slash")
        await type_in(pilot, "王快递")
        await wait_for(pilot, lambda: [(r.key, r.count) for r in tab.rows] == [("visitors", 1)])


@pytest.fixture
def held(world):
    """Keys of 3-2-501 out for 26 hours, a parcel waiting 9 days; 3-2-601 under renovation."""
    with access.acting(world["desk"]):
        keys = desk.deposit_key(desk.KeyDepositInput(
            description="入户门钥匙", room="3-2-501", community="锦绣花园", quantity=2,
            owner=world["owners"]["3-2-501"], authorised=[desk.AuthorisedInput("王阿姨", phone_tail="6688")]),
            at=T - dt.timedelta(days=3))
        desk.hand_out_key(keys.id, "王阿姨", "6688", at=T - dt.timedelta(hours=26))
        desk.receive_parcel(desk.ParcelInput(carrier="顺丰", room="3-2-501", community="锦绣花园"),
                            notify=False, at=T - dt.timedelta(days=9))
    view = rn.register(rn.RenovationInput(
        room_id=world["rooms"]["3-2-601"], contractor="美家装饰", contractor_phone="13700137000",
        start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 6, 30), deposit="2000",
        deposit_received=True, rules_acknowledged=True), world["desk"].id)
    rn.approve(view.id, world["lead"].id)
    rn.start(view.id, world["desk"].id)
    return world


async def test_the_room_card_lists_keys_and_parcels_for_the_desk(held):
    app = app_for("desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(RoomCardScreen(held["rooms"]["3-2-501"]))
        await wait_for(pilot, lambda: "Keys:" in screen_text(app))
        lines = screen_text(app).splitlines()
        keys = next(line for line in lines if "Keys:" in line)
        assert "入户门钥匙×2 out to 王阿姨 since 03-03 08:00 overdue" in keys
        parcels = next(line for line in lines if "Parcels:" in line)
        assert "1 waiting, the first since 02-23 (9 days)" in parcels and "1 waiting too long" in parcels
        assert not any("Renovation:" in line for line in lines)
        assert "张晓明" in screen_text(app)  # the people list still shows at 80×24
        assert max(len(line) for line in lines) <= 80


async def test_the_owner_card_shows_the_renovation_and_a_technician_no_keys(held):
    app = app_for("tech1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(RoomCardScreen(held["rooms"]["3-2-501"]))
        await wait_for(pilot, lambda: "张晓明" in screen_text(app))
        assert "Keys:" not in screen_text(app) and "Parcels:" not in screen_text(app)
        app.push_screen(OwnerCardScreen(held["owners"]["3-2-601"]))
        await wait_for(pilot, lambda: "Renovation:" in screen_text(app))
        line = next(x for x in screen_text(app).splitlines() if "Renovation:" in x)
        assert "3-2-601 Works in progress 03-02–06-30" in line
        assert line.rstrip().endswith("· today 8-12,14-18 · ✓ now")

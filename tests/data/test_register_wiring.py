"""The registers wired into one product (issue 16): the shift handover's sections from the
registers (keys out, visitors still inside, parcels waiting too long, renovation
inspections due or open, renovations working outside their hours today), each empty for a
role that may not read its register; the retention purge of visitors' ID numbers and
plates; the room and owner cards' lines from the registers; a noise complaint flagged
about a NEIGHBOUR's renovation; the sample's violation with a work order of its own — on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sqlite3
from types import SimpleNamespace

import pytest

from data import access, cards, handover, people, renovations, retention
from data import desk_registers as desk
from data import registers as reg
from data import workorders as wo
from data.db import close_database, open_database
from data.desk_registers import keys as key_register
from data.desk_registers import parcels as parcel_register
from data.models import Category, PurgeRun, Visitor
from data.people import PersonInput
from data.registers import visitors as visitor_register
from data.renovations import InspectionInput, RenovationInput, sections
from tests import factories as f
from tests.helpers.cli import json_lines, run

NOW = "2026-03-04 12:30"  # a Wednesday, lunch time: no renovation works permitted
T = dt.datetime(2026, 3, 4, 12, 30)
ID = "11010519491231002X"


def _at(monkeypatch, when: str) -> None:
    monkeypatch.setenv("FRONTDESK_NOW", when)


def _running(w, monkeypatch, room: int, since: str) -> renovations.RenovationView:
    """A permit for `room` whose works started on `since` (the clock set back for it)."""
    _at(monkeypatch, f"{since} 09:00")
    start = dt.date.fromisoformat(since)
    view = renovations.register(RenovationInput(
        room_id=room, contractor="美家装饰工程有限公司", contractor_phone="021-5555 1234",
        start_date=start, end_date=dt.date(2026, 6, 30), scope="厨卫翻新", deposit="2000",
        deposit_received=True, rules_acknowledged=True), w.desk.id)
    renovations.approve(view.id, w.lead.id)
    started = renovations.start(view.id, w.desk.id)
    _at(monkeypatch, NOW)
    return started


@pytest.fixture
def w(database, monkeypatch) -> SimpleNamespace:
    """锦绣花园 building 3 (3-2-401 … 3-2-701) and building 5; owners; the desk, a
    technician, a lead, the gate and an administrator; a renovation of 3-2-601 started on
    02-20 and never inspected, one of 5-1-601 whose inspection yesterday found a violation;
    keys, visitors and parcels of 3-2-501. The clock: Wednesday 2026-03-04 12:30."""
    _at(monkeypatch, NOW)
    comm = f.community("锦绣花园")
    rooms = {code: people.ensure_room(comm.id, code)
             for code in ("3-2-401", "3-2-501", "3-2-601", "3-2-602", "3-2-701", "5-1-501", "5-1-601")}
    owners = {}
    for code, name, phone in (("3-2-401", "赵敏", "13600136000"), ("3-2-501", "张晓明", "13800138000"),
                              ("3-2-601", "李芳", "13900139000"), ("5-1-601", "王强", "13700137000")):
        owners[code] = people.create_person(PersonInput(name=name, phones=[phone]))
        people.move_in(owners[code], rooms[code], "owner")
    w = SimpleNamespace(
        comm=comm.id, rooms=rooms, owners=owners,
        desk=f.staff("desk1", "李娜", "desk"), tech=f.staff("tech1", "王建国", "tech"),
        lead=f.staff("super1", "陈静", "supervisor"), guard=f.staff("guard1", "王保安", "guard"),
        admin=f.staff("admin1", "管理员", "admin"))
    w.upstairs = _running(w, monkeypatch, rooms["3-2-601"], "2026-02-20")
    w.other = _running(w, monkeypatch, rooms["5-1-601"], "2026-02-25")
    _at(monkeypatch, "2026-03-03 10:00")
    w.violation = renovations.inspect(w.other.id, InspectionInput(
        findings="擅自拆改卫生间防水层", result="violation"), w.tech.id)
    _at(monkeypatch, NOW)
    # Keys of 3-2-501: one set out for 26 hours, one at the desk; a card of 3-2-602 out 2 hours.
    out_long = desk.deposit_key(desk.KeyDepositInput(
        description="入户门钥匙", room="3-2-501", community="锦绣花园", quantity=2,
        owner=owners["3-2-501"], authorised=[desk.AuthorisedInput("王阿姨", phone_tail="6688")]),
        staff_id=w.desk.id, at=T - dt.timedelta(days=3))
    desk.hand_out_key(out_long.id, "王阿姨", "6688", staff_id=w.desk.id, at=T - dt.timedelta(hours=26))
    desk.deposit_key(desk.KeyDepositInput(description="信箱钥匙", room="3-2-501", community="锦绣花园",
                                          left_by="张晓明"), staff_id=w.desk.id, at=T - dt.timedelta(days=3))
    card = desk.deposit_key(desk.KeyDepositInput(
        description="门禁卡", room="3-2-602", community="锦绣花园", left_by="赵先生",
        authorised=[desk.AuthorisedInput("赵先生", phone_tail="1234")]), staff_id=w.desk.id,
        at=T - dt.timedelta(days=1))
    desk.hand_out_key(card.id, "赵先生", "1234", staff_id=w.desk.id, at=T - dt.timedelta(hours=2))
    # Visitors: one still inside, one gone.
    reg.register_visitor(reg.VisitorInput(name="刘访客", room="3-2-501", purpose="探亲",
                                          time_in=T.replace(hour=9, minute=0)), w.desk.id)
    gone = reg.register_visitor(reg.VisitorInput(name="王快递", room="3-2-501", purpose="快递",
                                                 time_in=T.replace(hour=8, minute=0)), w.desk.id)
    reg.sign_out(gone.id, w.desk.id, at=T.replace(hour=8, minute=10))
    # Parcels of 3-2-501: one waiting 9 days, one since yesterday.
    for days, carrier in ((9, "顺丰"), (1, "京东")):
        desk.receive_parcel(desk.ParcelInput(carrier=carrier, room="3-2-501", community="锦绣花园",
                                             description="小件"), notify=False, staff_id=w.desk.id,
                            at=T - dt.timedelta(days=days))
    return w


def _complaint(w, room: str, when: str = NOW) -> str | None:
    """A noise complaint filed about `room` at `when`: the renovation flag on its order."""
    import os

    before = os.environ.get("FRONTDESK_NOW")
    os.environ["FRONTDESK_NOW"] = when
    try:
        order = wo.create_order(wo.OrderInput(
            kind="complaint", title="装修太吵", community_id=w.comm, room_id=w.rooms[room],
            category_id=Category.get(Category.code == "noise.renovation").id), w.desk.id)
    finally:
        os.environ["FRONTDESK_NOW"] = before or NOW
    return renovations.renovation_flag(wo.history(order.id))


# --- the handover -------------------------------------------------------------------------------


def test_a_drafted_handover_lists_what_the_registers_hold(w):
    complaint_flag = _complaint(w, "3-2-501")  # downstairs of the renovation, at lunch time
    assert complaint_flag is not None
    draft = handover.draft_handover(w.desk.id, T)
    sections_ = {s.name: s for s in draft.sections}
    assert list(sections_)[:3] == ["callbacks", "incidents", "work_orders"]

    keys = [i.text for i in sections_["keys"].items]
    assert keys == ["已超时 · 锦绣花园 3-2-501 · 入户门钥匙×2 · 借给 王阿姨，03-03 10:30 起（26 小时）",
                    "锦绣花园 3-2-602 · 门禁卡 · 借给 赵先生，03-04 10:30 起（2 小时）"]
    assert sections_["keys"].title == "借出未还的钥匙"

    [visitor] = sections_["visitors"].items
    assert visitor.text == "09:00 起在内 · 刘访客 · 锦绣花园 3-2-501 · 探亲" and visitor.entity == "visitor"

    [parcel] = sections_["parcels"].items
    assert parcel.text.startswith("锦绣花园 3-2-501 · 顺丰 小件 · 已等 9 天，02-23 起")
    assert "京东" not in " ".join(i.text for i in sections_["parcels"].items)

    inspections = sections_["renovation_inspections"].items
    assert [i.ref for i in inspections] == [w.upstairs.number, w.violation.work_order_number]
    assert inspections[0].text == "巡查已超期（02-27 09:00 起） · 锦绣花园 3-2-601 · 美家装饰工程有限公司 · 02-20 开工后未巡查"
    assert inspections[1].entity == "work_order" and "5-1-601" in inspections[1].text
    assert "违规" in inspections[1].text and "擅自拆改卫生间防水层" in inspections[1].text

    [outside] = sections_["renovation_hours"].items
    assert outside.text.startswith("锦绣花园 3-2-601：12:30 有噪音投诉，超出许可施工时间")
    assert w.upstairs.number in outside.text and outside.entity == "work_order"

    # The shift's own community (a desk of 锦绣花园): the rooms by their codes alone.
    [only] = visitor_register.handover_items(T, [w.comm])
    assert only.text == "09:00 起在内 · 刘访客 · 3-2-501 · 探亲"
    # The next shift finds the same lines in the handover as it was submitted.
    saved = handover.submit_handover(w.desk.id, at=T)
    kept = {s.name: [i.text for i in s.items] for s in handover.get_handover(saved.id).sections}
    assert kept["keys"] == keys and kept["visitors"] == [visitor.text]
    assert kept["renovation_hours"] == [outside.text]
    assert handover.handovers(handover.HandoverQuery(search="刘访客")).rows[0].id == saved.id


def test_a_renovation_inspected_lately_is_not_due_and_a_closed_finding_is_not_open(w, monkeypatch):
    _at(monkeypatch, "2026-03-04 10:00")
    renovations.inspect(w.upstairs.id, InspectionInput(findings="现场整洁"), w.tech.id)
    _at(monkeypatch, NOW)
    wo.cancel(w.violation.work_order_id, w.lead.id, "施工方已整改，楼下确认不再渗水")
    assert sections.inspection_items(T, None) == []
    assert sections.outside_hours_items(T, None) == []  # no noise complaint today


def test_each_section_is_empty_for_a_role_that_may_not_read_its_register(w):
    _complaint(w, "3-2-501")
    providers = {
        "keys": key_register.handover_items, "visitors": visitor_register.handover_items,
        "parcels": parcel_register.handover_items, "inspections": sections.inspection_items,
        "hours": sections.outside_hours_items,
    }
    with access.acting(w.guard):  # the gate keeps the visitors' register, and reads no other
        found = {name: p(T, None) for name, p in providers.items()}
        assert [i.text for i in found.pop("visitors")] == ["09:00 起在内 · 刘访客 · 锦绣花园 3-2-501 · 探亲"]
        assert found == dict.fromkeys(found, [])
    with access.acting(w.tech):  # a technician reads the renovations, not the desk's registers
        found = {name: p(T, None) for name, p in providers.items()}
        assert found["keys"] == found["visitors"] == found["parcels"] == []
        assert found["inspections"] and found["hours"]
        # Drafted whole, nothing fails (a failing section would say so in its one line).
        drafted = handover.draft_sections(T, None)
        assert not any("无法读取" in i.text for s in drafted for i in s.items)
    with access.acting(w.desk):
        assert all(p(T, None) for p in providers.values())


def test_sections_keep_to_the_communities_of_the_shift(w):
    elsewhere = f.community("阳光水岸")
    for provider in (key_register.handover_items, visitor_register.handover_items,
                     parcel_register.handover_items, sections.inspection_items):
        assert provider(T, [elsewhere.id]) == []
        assert provider(T, [w.comm]) != []


# --- retention -------------------------------------------------------------------------------------


def _visits(w) -> tuple[int, int]:
    old = reg.register_visitor(reg.VisitorInput(
        name="老访客", room="3-2-501", id_number=ID, plate="沪A12345",
        time_in=dt.datetime(2025, 8, 1, 9, 0)), w.desk.id)
    reg.sign_out(old.id, w.desk.id, at=dt.datetime(2025, 8, 1, 10, 0))
    recent = reg.register_visitor(reg.VisitorInput(
        name="新访客", room="3-2-501", id_number=ID, plate="沪B54321",
        time_in=dt.datetime(2026, 3, 1, 9, 0)), w.desk.id)
    reg.sign_out(recent.id, w.desk.id, at=dt.datetime(2026, 3, 1, 10, 0))
    return old.id, recent.id


def test_the_purge_blanks_old_visitors_id_numbers_and_plates_and_is_recorded(w):
    assert retention.REGISTRY["visitors"].setting == "retention_visitor_days"
    old, recent = _visits(w)
    with access.acting(w.admin):
        results = {r.name: r for r in retention.purge()}
    assert results["visitors"].purged == 1 and results["visitors"].days == 180
    row = Visitor.get_by_id(old)
    assert (row.id_number, row.plate, row.name) == (None, "", "老访客") and row.purged_at is not None
    row = Visitor.get_by_id(recent)
    assert (row.id_number, row.plate) == (ID, "沪B54321")
    run_ = PurgeRun.get(PurgeRun.name == "visitors")
    assert (run_.purged, run_.staff_id, run_.days) == (1, w.admin.id, 180)


def test_frontdesk_purge_purges_visitors_too(w, db_url, capsys):
    old, recent = _visits(w)
    assert run(db_url, "purge", "--json", user="admin1") == 0, capsys.readouterr().err
    lines = {line["name"]: line for line in json_lines(capsys)}
    assert (lines["visitors"]["purged"], lines["visitors"]["days"]) == (1, 180)
    open_database(db_url)
    assert Visitor.get_by_id(old).id_number is None and Visitor.get_by_id(old).plate == ""
    assert Visitor.get_by_id(recent).plate == "沪B54321"
    assert PurgeRun.get(PurgeRun.name == "visitors").purged == 1


# --- the cards ---------------------------------------------------------------------------------------


def test_the_room_card_lists_keys_renovation_and_parcels_for_who_may_read_them(w):
    card = cards.room_card(w.rooms["3-2-501"])
    keys = {(k.description, k.out_to, k.overdue) for k in card.concerns.keys}
    assert keys == {("入户门钥匙", "王阿姨", True), ("信箱钥匙", "", False)}
    [parcels] = card.concerns.parcels
    assert (parcels.count, parcels.overdue, parcels.days_waiting) == (2, 1, 9)
    assert card.concerns.renovations == ()
    upstairs = cards.room_card(w.rooms["3-2-601"]).concerns
    [permit] = upstairs.renovations
    assert (permit.number, permit.status, permit.hours_today) == (
        w.upstairs.number, "in_progress", "08:00-12:00,14:00-18:00")
    assert permit.active and not permit.permitted_now  # 12:30: lunch
    with access.acting(w.tech):
        seen = cards.room_card(w.rooms["3-2-501"]).concerns
        assert seen.keys == () and seen.parcels == ()
        assert cards.room_card(w.rooms["3-2-601"]).concerns.renovations
    with access.acting(w.guard):
        assert not cards.concerns([w.rooms["3-2-501"], w.rooms["3-2-601"]])


def test_the_owner_card_lists_them_for_the_rooms_the_owner_has(w):
    card = cards.owner_card(w.owners["3-2-501"])
    assert {k.room for k in card.concerns.keys} == {"3-2-501"}
    assert card.concerns.parcels[0].room == "3-2-501"
    assert cards.owner_card(w.owners["3-2-601"]).concerns.renovations[0].room == "3-2-601"


# --- the noise flag ------------------------------------------------------------------------------------


def test_a_noise_complaint_by_the_neighbour_names_the_renovating_room(w):
    number = w.upstairs.number
    hours = "工作日 08:00-12:00、14:00-18:00"
    # Downstairs, at lunch time: outside the permitted hours.
    assert _complaint(w, "3-2-501") == f"装修中：3-2-601 超出许可施工时间 · 装修许可 {number} · {hours}"
    # The same floor and the floor above count too; within the hours it says so.
    assert _complaint(w, "3-2-602").startswith("装修中：3-2-601 超出许可施工时间")
    assert _complaint(w, "3-2-701", "2026-03-04 10:00").startswith(f"装修中：3-2-601（许可时间内） · 装修许可 {number}")
    # Two floors down, or another building: no flag.
    assert _complaint(w, "3-2-401") is None
    assert _complaint(w, "5-1-501").startswith("装修中：5-1-601 超出许可施工时间")
    # The room itself keeps its own words.
    assert _complaint(w, "3-2-601").startswith(f"装修中：超出许可施工时间 · 装修许可 {number}")


def test_a_complaint_next_to_two_renovations_names_the_others_too(w, monkeypatch):
    below = _running(w, monkeypatch, w.rooms["3-2-401"], "2026-03-02")
    flag = _complaint(w, "3-2-501")
    assert flag.startswith("装修中：3-2-601 超出许可施工时间")
    assert flag.endswith("附近另有装修：3-2-401（超出许可时间）")
    assert below.number not in flag.split(" · 附近")[0]


# --- the sample ----------------------------------------------------------------------------------------


def test_the_samples_violation_opened_a_work_order_of_its_own(tmp_path):
    from data.sample import generate

    path = tmp_path / "s.db"
    try:
        generate(str(path), owners=50, seed=1, today=dt.date(2025, 6, 18))
    finally:
        close_database()
    conn = sqlite3.connect(path)
    try:
        [(order, title, channel, status, room, created_by)] = conn.execute(
            "SELECT w.id, w.title, w.channel, w.status, w.room_id, w.created_by_id FROM "
            "renovation_inspection i JOIN work_order w ON w.id = i.work_order_id "
            "WHERE i.result = 'violation'").fetchall()
        assert title.startswith("装修违规 ZXXK-") and (channel, status) == ("patrol", "closed")
        # Its own: the last order written before the facilities' sample (whose inspection
        # finding opens one more), in the renovated room, opened by the inspector.
        assert order == conn.execute("SELECT max(id) FROM work_order WHERE id NOT IN "
                                     "(SELECT work_order_id FROM run_answer WHERE work_order_id IS NOT NULL)"
                                     ).fetchone()[0]
        permit_room, inspector = conn.execute(
            "SELECT r.room_id, i.inspector_id FROM renovation_inspection i JOIN renovation r "
            "ON r.id = i.renovation_id WHERE i.result = 'violation'").fetchone()
        assert (room, created_by) == (permit_room, inspector)
        actions = [a for (a,) in conn.execute(
            "SELECT action FROM work_order_history WHERE work_order_id = ? ORDER BY id", (order,))]
        assert actions == ["create", "assign", "start", "resolve", "callback", "close"]
        assert conn.execute("SELECT count(*) FROM work_order WHERE title LIKE '装修违规%'").fetchone()[0] == 1
    finally:
        conn.close()

"""Metered items (水, 电) and paid repairs: readings refused when lower unless a meter change,
the consumption × the standard exact to the fen, missing readings reported, reruns issuing
nothing new, the CSV import's bad lines, and repair bills from owner-paid lines only, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import fees
from data.errors import PermissionDenied, ValidationError
from data.models import Bill, CostLine, MeterReading
from tests import factories as f
from tests.helpers.fees import world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-05 09:00")
    w = world()
    w.water = fees.create_item(w.comm.id, "水费", "meter", "monthly")
    fees.add_standard(w.water.id, "3.45", dt.date(2020, 1, 1))
    return w


def water_lines(room_id):
    return [(b.period, Decimal(str(b.quantity)), b.unit_price_fen, b.amount_fen, b.person_id)
            for b in Bill.select().where(Bill.room == room_id, Bill.item == w_item(room_id)).order_by(Bill.period)]


def w_item(room_id):
    return MeterReading.get(MeterReading.room == room_id).item_id


def test_lower_reading_is_refused_and_nothing_stored(w):
    room = w.rooms["3-1-101"]
    fees.record_reading(room, "水费", "2026-12", "100")
    fees.record_reading(room, "水费", "2027-01", "112.5")
    with pytest.raises(ValidationError) as exc:
        fees.record_reading(room, "水费", "2027-02", "99")
    assert exc.value.field == "reading"
    assert "112.50" in str(exc.value) and "99.00" in str(exc.value)
    assert MeterReading.select().count() == 2
    # entering a period twice replaces nothing
    with pytest.raises(ValidationError) as exc:
        fees.record_reading(room, "水费", "2027-01", "130")
    assert exc.value.field == "period"
    assert [str(r.reading) for r in fees.readings("2027-01", room_id=room)] == ["112.50"]


def test_meter_change_starts_the_new_meter_at_zero(w):
    room = w.rooms["3-1-101"]
    fees.record_reading(room, "水费", "2026-12", "500")
    row = fees.record_reading(room, "水费", "2027-01", "7.3", meter_change=True, note="旧表损坏，换新表")
    assert (row.meter_change, row.previous, row.consumption) == (True, Decimal("0.00"), Decimal("7.30"))
    fees.bill_period("2027-01")
    # 7.3 t × 3.45 = 25.185 yuan → 2519 fen (rounded half up once)
    assert water_lines(room) == [("2027-01", Decimal("7.30"), 345, 2519, w.owners["3-1-101"])]


def test_consumption_times_price_exact_missing_readings_and_rerun(w):
    a, b = w.rooms["3-1-101"], w.rooms["5-1-101"]
    for room, dec in ((a, "100"), (b, "50")):
        fees.record_reading(room, "水费", "2026-12", dec)
    fees.record_reading(a, "水费", "2027-01", "112.37")  # 12.37 t × 3.45 = 42.6765 → 42.68
    result = fees.bill_period("2027-01")
    assert result.missing_readings == 1  # 5-1-101's meter was read before but not in January
    assert water_lines(a) == [("2027-01", Decimal("12.37"), 345, 4268, w.owners["3-1-101"])]
    assert Bill.select().where(Bill.room == b, Bill.item == w.water.id).count() == 0
    again = fees.bill_period("2027-01")
    assert again.bills == 0 and again.missing_readings == 1
    # the late reading is billed by a rerun, nothing else
    fees.record_reading(b, "水费", "2027-01", "60")
    again = fees.bill_period("2027-01")
    assert (again.bills, again.amount_fen, again.missing_readings) == (1, 3450, 0)


def test_first_reading_is_the_starting_point(w):
    fees.record_reading(w.rooms["3-1-101"], "水费", "2027-01", "321")
    fees.bill_period("2027-01")
    assert Bill.select().where(Bill.item == w.water.id).count() == 0


def test_reading_checks(w):
    room = w.rooms["3-1-101"]
    with pytest.raises(ValidationError) as exc:
        fees.record_reading(room, "物业服务费", "2027-01", "1")
    assert exc.value.field == "item"
    for bad in ("abc", "-1", "1.234", "NaN"):
        with pytest.raises(ValidationError):
            fees.record_reading(room, "水费", "2027-01", bad)
    with pytest.raises(ValidationError):
        fees.create_item(w.comm.id, "电费", "meter", "quarterly")
    with pytest.raises(PermissionDenied):
        fees.record_reading(room, "水费", "2027-01", "1", staff_id=w.guard.id)
    assert MeterReading.select().count() == 0


def test_import_stores_good_lines_and_reports_bad_ones(w, tmp_path):
    fees.record_reading(w.rooms["3-1-102"], "水费", "2026-12", "40")
    path = tmp_path / "jan.csv"
    path.write_text("房号,读数\n3-1-101,20\n9-9-999,5\n3-1-102,30\n\n5-1-101,abc\n3-1-103,8\n", encoding="utf-8")
    result = fees.import_readings(str(path), w.comm.id, "水费", "2027-01")
    assert result.stored == 2
    assert [n for n, _reason in result.bad] == [3, 4, 6]
    assert "9-9-999" in result.bad[0][1] and "40.00" in result.bad[1][1]
    assert {r.room for r in fees.readings("2027-01", community_id=w.comm.id)} == {"3-1-101", "3-1-103"}


def test_import_refuses_anything_but_a_regular_file(w, tmp_path):
    with pytest.raises(ValidationError) as exc:
        fees.import_readings(str(tmp_path), w.comm.id, "水费", "2027-01")
    assert exc.value.field == "file"
    with pytest.raises(ValidationError):
        fees.import_readings(str(tmp_path / "none.csv"), w.comm.id, "水费", "2027-01")


def cost(order, payer, qty, price):
    CostLine.create(work_order=order, kind="material", description="阀门", quantity=Decimal(qty),
                    unit_price=Decimal(price), payer=payer)


def test_repair_bill_from_owner_paid_lines_once(w):
    from data.models import Room

    room = Room.get_by_id(w.rooms["3-1-101"])
    order = f.work_order(w.tech, w.comm, room_=room, status="resolved")
    cost(order, "owner", "2", "35.50")
    cost(order, "owner", "1.5", "80.333")  # 120.4995 yuan
    cost(order, "company", "1", "500")
    row = fees.bill_repair(order.number, w.lead.id)
    assert (row.item, row.amount_fen, row.order, row.payer) == ("有偿维修", 19150, order.number, "张晓明")
    with pytest.raises(ValidationError) as exc:
        fees.bill_repair(order.id, w.lead.id)
    assert exc.value.field == "order" and order.number in str(exc.value)
    assert Bill.select().where(Bill.work_order == order.id).count() == 1
    # the statement shows the order number on that line
    assert [b.order for b in fees.statement(room.id).bills if b.item == "有偿维修"] == [order.number]
    # a second repair of the same room on the same day is its own bill
    other = f.work_order(w.tech, w.comm, room_=room, status="closed")
    cost(other, "owner", "1", "10")
    assert fees.bill_repair(other.number).amount_fen == 1000


def test_repair_without_owner_paid_lines_is_refused(w):
    from data.models import Room

    order = f.work_order(w.tech, w.comm, room_=Room.get_by_id(w.rooms["3-1-101"]), status="resolved")
    cost(order, "company", "1", "500")
    with pytest.raises(ValidationError) as exc:
        fees.bill_repair(order.number)
    assert exc.value.field == "order" and order.number in str(exc.value)
    with pytest.raises(PermissionDenied):
        fees.bill_repair(order.number, w.desk.id)
    assert Bill.select().count() == 0


def test_missing_readings_counts_rooms_read_before_but_not_this_period(w):
    fees.record_reading(w.rooms["3-1-101"], "水费", "2026-12", "100")
    fees.record_reading(w.rooms["3-1-102"], "水费", "2026-12", "50")
    assert fees.missing_readings(w.comm.id, "2027-01") == 2
    fees.record_reading(w.rooms["3-1-101"], "水费", "2027-01", "110")
    assert fees.missing_readings(w.comm.id, "2027-01") == 1
    assert fees.missing_readings(w.comm.id, "2026-12") == 0  # nothing read before: nothing missing
    with pytest.raises(PermissionDenied):
        fees.missing_readings(w.comm.id, "2027-01", w.tech.id)


def test_an_unfinished_order_is_not_billed_and_says_its_status(w):
    from data.models import Room

    order = f.work_order(w.tech, w.comm, room_=Room.get_by_id(w.rooms["3-1-101"]))  # status new
    cost(order, "owner", "1", "35")
    for ask in (fees.repair_amount, fees.bill_repair):
        with pytest.raises(ValidationError) as exc:
            ask(order.number, w.lead.id)
        assert exc.value.field == "order" and "待派单" in str(exc.value) and order.number in str(exc.value)
    assert not Bill.select().where(Bill.work_order == order.id).exists()
    order.status = "resolved"
    order.save()
    assert fees.repair_amount(order.number, w.lead.id) == 3500
    assert not Bill.select().where(Bill.work_order == order.id).exists()  # asking bills nothing
    assert fees.bill_repair(order.number, w.lead.id).amount_fen == 3500


def test_readings_refuse_exponents_and_underscores(w):
    room = w.rooms["3-1-101"]
    for bad in ("1e3", "1E2", "1_000", "Infinity", "0x10", "1,0.5"):
        with pytest.raises(ValidationError) as exc:
            fees.record_reading(room, "水费", "2027-01", bad)
        assert exc.value.field == "reading"
    assert MeterReading.select().count() == 0
    assert fees.record_reading(room, "水费", "2027-01", "1,234.5").reading == Decimal("1234.50")
    assert fees.record_reading(room, "水费", "2027-02", "１２４０").reading == Decimal("1240.00")  # full width

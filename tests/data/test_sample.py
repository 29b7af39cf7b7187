"""The demo-database generator: reproducible, realistic, complete; and the reference data."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from data import schema
from data.db import close_database, db, open_database
from data.idnumbers import validate_id_number
from data.models import Category, SlaPolicy, Tag
from data.pinyin import COMPOUND_SURNAMES as COMPOUND_READINGS
from data.pinyin import SURNAME_READINGS
from data.sample import (
    COMPOUND_SURNAMES,
    POLYPHONIC_SURNAMES,
    SampleError,
    SampleStats,
    dump,
    generate,
)
from data.seed import CATEGORY_TREE, DEFAULT_TAGS, ensure_reference_data
from data.sla import DEFAULT_SLA
from data.validators import normalize_phone, normalize_plate
from data.vocab import OPEN_STATUSES, WORK_ORDER_PREFIXES, WORK_ORDER_STATUSES

TODAY = dt.date(2025, 6, 18)  # a Wednesday, safely in the past of the real clock
ANCHOR = "2025-06-18 09:00:00"


def _generate(path: Path, owners: int, seed: int = 1) -> SampleStats:
    try:
        return generate(str(path), owners=owners, seed=seed, today=TODAY)
    finally:
        close_database()


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> sqlite3.Connection:
    """A 300-household sample, read through a plain read-only connection."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    stats = _generate(path, owners=300)
    assert stats.counts["person"] > 300
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    yield conn
    conn.close()


def _one(conn: sqlite3.Connection, sql: str, *args) -> object:
    return conn.execute(sql, args).fetchone()[0]


def _gb11643_ok(number: str) -> bool:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return len(number) == 18 and "10X98765432"[total % 11] == number[17]


# --- reproducibility ----------------------------------------------------------------------


def test_same_seed_and_day_give_the_same_database(tmp_path):
    _generate(tmp_path / "a.db", owners=150)
    _generate(tmp_path / "b.db", owners=150)
    _generate(tmp_path / "c.db", owners=150, seed=2)
    first = dump(str(tmp_path / "a.db"))
    assert first == dump(str(tmp_path / "b.db"))
    assert first != dump(str(tmp_path / "c.db"))
    assert 'INSERT INTO "work_order"' in first


def test_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "demo.db"
    target.write_text("keep me")
    with pytest.raises(SampleError):
        _generate(target, owners=50)
    assert target.read_text() == "keep me"
    with pytest.raises(SampleError):  # --force replaces only a demo database
        generate(str(target), owners=50, today=TODAY, force=True)
    assert target.read_text() == "keep me"
    _generate(target.with_name("other.db"), owners=5)
    target.with_name("other.db").replace(target)
    stats = generate(str(target), owners=50, today=TODAY, force=True)
    close_database()
    assert stats.path == str(target)
    # 1.5 orders per household (75), and the one a renovation inspection's violation opened
    # (data.sample_renovations adds it), and the one an inspection's low pump pressure opened
    # (data.sample_facilities).
    assert stats.counts["work_order"] == 77
    assert stats.seconds > 0
    assert not (tmp_path / "demo.db.partial").exists()
    conn = sqlite3.connect(target)
    assert _one(conn, "PRAGMA journal_mode") == "wal"
    conn.close()


def test_progress_is_reported(tmp_path):
    messages: list[str] = []
    generate(str(tmp_path / "p.db"), owners=50, today=TODAY, progress=messages.append)
    close_database()
    assert messages[-1] == "done"
    assert any(m.startswith("people") for m in messages)


# --- the generated database ------------------------------------------------------------------


def test_schema_is_current_and_references_hold(sample, tmp_path):
    assert sample.execute("PRAGMA foreign_key_check").fetchall() == []
    path = sample.execute("PRAGMA database_list").fetchone()[2]
    copy = tmp_path / "copy.db"
    with sqlite3.connect(copy) as dst:
        sample.backup(dst)
    open_database(str(copy))
    try:
        assert schema.check().is_current
    finally:
        close_database()
    assert path


def test_staff_accounts(sample):
    staff = dict(sample.execute("SELECT login, role FROM staff"))
    expected = {"admin": "admin", "super1": "supervisor", "manager1": "manager"}
    expected |= {f"desk{i}": "desk" for i in range(1, 6)}
    expected |= {f"tech{i}": "tech" for i in range(1, 9)}
    expected |= {"cron": "service"}  # unattended work: no password, signs in by an OS login
    expected |= {"guard1": "guard"}  # the gate (data.sample_registers): visitors and passes only
    assert staff == expected
    assert _one(sample, "SELECT password_hash FROM staff WHERE login = 'cron'") is None
    for (phone,) in sample.execute("SELECT phone FROM staff WHERE role <> 'service'"):
        assert re.fullmatch(r"1[3-9]\d{9}", phone)
    assert _one(sample, "SELECT community_id FROM staff WHERE login = 'desk1'") == 1


def test_every_building_has_exactly_one_technician(sample):
    counts = sample.execute(
        "SELECT b.id, count(t.id) FROM building b LEFT JOIN territory t ON t.building_id = b.id "
        "AND t.staff_id IN (SELECT id FROM staff WHERE role = 'tech') GROUP BY b.id"
    ).fetchall()
    assert counts and all(n == 1 for _b, n in counts)
    first_community = {b for (b,) in sample.execute("SELECT id FROM building WHERE community_id = 1")}
    supervised = {
        b for (b,) in sample.execute(
            "SELECT building_id FROM territory JOIN staff ON staff.id = staff_id "
            "WHERE login = 'super1'"
        )
    }
    assert supervised == first_community


def test_addresses(sample):
    assert _one(sample, "SELECT count(*) FROM community") == 2
    codes = [c for (c,) in sample.execute("SELECT code FROM room")]
    assert all(re.fullmatch(r"\d+-[1-3]-\d{3,4}", c) for c in codes)
    bad = _one(sample, "SELECT count(*) FROM room r JOIN building b ON b.id = r.building_id "
                       "JOIN entrance e ON e.id = r.entrance_id "
                       "WHERE r.code != b.code || '-' || e.code || '-' || r.number "
                       "OR r.floor * 100 > CAST(r.number AS INTEGER)")
    assert bad == 0
    rooms = _one(sample, "SELECT count(*) FROM room")
    occupied = _one(sample, "SELECT count(DISTINCT room_id) FROM occupancy WHERE end_date IS NULL")
    assert 0.03 < 1 - occupied / rooms < 0.3  # some vacant rooms, not too many


def test_work_order_statuses_and_deadlines(sample):
    statuses = {s for (s,) in sample.execute("SELECT DISTINCT status FROM work_order")}
    assert statuses == set(WORK_ORDER_STATUSES)
    open_list = ",".join(f"'{s}'" for s in OPEN_STATUSES)
    overdue = _one(sample, f"SELECT count(*) FROM work_order WHERE status IN ({open_list}) "
                           "AND resolution_due < ?", ANCHOR)
    assert overdue >= 1
    assert _one(sample, "SELECT count(*) FROM work_order WHERE status = 'on_hold' "
                        "AND hold_since IS NOT NULL") >= 1
    assert _one(sample, "SELECT count(*) FROM work_order WHERE status = 'on_hold' "
                        "AND hold_since IS NULL") == 0
    assert _one(sample, "SELECT count(*) FROM work_order WHERE created_at > ? OR updated_at > ? "
                        "OR resolved_at > ? OR closed_at > ?", ANCHOR, ANCHOR, ANCHOR, ANCHOR) == 0
    assert _one(sample, "SELECT count(*) FROM work_order WHERE status = 'new' "
                        "AND created_at >= '2025-06-18'") == 10
    # Times follow the status path.
    assert _one(sample, "SELECT count(*) FROM work_order WHERE responded_at < created_at "
                        "OR resolved_at < responded_at OR callback_at < resolved_at "
                        "OR closed_at < callback_at OR response_due < created_at") == 0
    assert _one(sample, "SELECT count(*) FROM work_order WHERE status IN ('visited', 'closed') "
                        "AND (rating IS NULL OR callback_at IS NULL)") == 0
    assert _one(sample, "SELECT count(*) FROM work_order WHERE status IN ('assigned', "
                        "'in_progress', 'on_hold', 'resolved', 'visited', 'closed') "
                        "AND assignee_id IS NULL") == 0
    assert _one(sample, "SELECT count(*) FROM work_order w JOIN staff s ON s.id = w.assignee_id "
                        "JOIN territory t ON t.building_id = w.building_id AND t.staff_id = s.id "
                        "WHERE w.kind = 'repair'") == _one(
        sample, "SELECT count(*) FROM work_order WHERE kind = 'repair' AND assignee_id IS NOT NULL")
    assert _one(sample, "SELECT count(*) FROM work_order WHERE room_id IS NULL "
                        "AND location != ''") >= 1


def test_work_order_numbers_and_history(sample):
    prefixes = "|".join(WORK_ORDER_PREFIXES.values())
    rows = sample.execute("SELECT number, kind, created_at FROM work_order").fetchall()
    for number, kind, created in rows:
        assert re.fullmatch(rf"({prefixes})-\d{{8}}-\d{{4}}", number)
        assert number.startswith(WORK_ORDER_PREFIXES[kind])
        assert number[3:11] == created[:10].replace("-", "")
    # Each order's history starts with "create" and ends in the order's status.
    last = dict(sample.execute(
        "SELECT work_order_id, to_status FROM work_order_history h WHERE id = "
        "(SELECT max(id) FROM work_order_history WHERE work_order_id = h.work_order_id)"
    ))
    for wid, status in sample.execute("SELECT id, status FROM work_order"):
        assert last[wid] == status
    assert _one(sample, "SELECT count(*) FROM work_order w WHERE NOT EXISTS (SELECT 1 FROM "
                        "work_order_history h WHERE h.work_order_id = w.id AND h.action = 'create')") == 0
    assert _one(sample, "SELECT count(*) FROM cost_line") >= 1


def test_people_names_and_pinyin(sample):
    owners = sample.execute(
        "SELECT DISTINCT p.name, p.name_pinyin, p.name_initials FROM person p "
        "JOIN occupancy o ON o.person_id = p.id WHERE o.role = 'owner'"
    ).fetchall()
    for surname in POLYPHONIC_SURNAMES:
        mine = [(n, py) for n, py, _i in owners if n[0] == surname and n[:2] not in COMPOUND_READINGS]
        assert mine, surname
        assert all(py.startswith(SURNAME_READINGS[surname]) for _n, py in mine), mine
    assert any(n.startswith("单") and py.startswith("shan") for n, py, _i in owners)
    for compound in COMPOUND_SURNAMES:
        assert any(n.startswith(compound) for n, _py, _i in owners), compound
    lengths = {len(n) for (n,) in sample.execute("SELECT name FROM person")}
    assert {2, 3, 4} <= lengths
    for name, pinyin, initials in owners:
        assert pinyin.isascii() and pinyin.islower() and len(initials) == len(name)


def test_id_numbers_phones_and_plates(sample):
    people = sample.execute("SELECT id_number, id_number_rev, birth_date, gender FROM person").fetchall()
    with_id = [p for p in people if p[0] is not None]
    assert 0.6 < len(with_id) / len(people) < 0.8
    for number, rev, birth, gender in with_id:
        assert _gb11643_ok(number), number
        assert validate_id_number(number) == number
        assert rev == number[::-1]
        assert number[6:14] == birth.replace("-", "")
        assert int(number[16]) % 2 == (1 if gender == "M" else 0)
    assert len({p[0] for p in with_id}) == len(with_id)
    for number, digits_rev, kind in sample.execute("SELECT number, digits_rev, kind FROM phone"):
        assert normalize_phone(number).number == number
        assert digits_rev == re.sub(r"\D", "", number)[::-1]
        assert kind == ("mobile" if number.startswith("1") else "landline")
    plates = sample.execute("SELECT plate, plate_tail FROM vehicle").fetchall()
    assert plates
    for plate, tail in plates:
        assert normalize_plate(plate) == plate
        assert tail == plate[1:]
    assert any(len(plate) == 8 for plate, _t in plates)


def test_occupancies(sample):
    roles = dict(sample.execute("SELECT role, count(*) FROM occupancy GROUP BY role"))
    assert set(roles) == {"owner", "co_owner", "tenant", "family"}
    assert _one(sample, "SELECT count(*) FROM occupancy WHERE end_date IS NOT NULL") >= 1
    assert _one(sample, "SELECT count(*) FROM occupancy WHERE end_date < start_date") == 0
    two_rooms = _one(sample, "SELECT count(*) FROM (SELECT person_id FROM occupancy WHERE "
                             "role = 'owner' AND end_date IS NULL GROUP BY person_id "
                             "HAVING count(*) = 2)")
    assert two_rooms >= 1
    # Every occupied room has exactly one current primary contact.
    assert _one(sample, "SELECT count(*) FROM (SELECT room_id FROM occupancy WHERE end_date IS NULL "
                        "GROUP BY room_id HAVING sum(is_primary_contact) != 1)") == 0
    assert _one(sample, "SELECT count(*) FROM person_tag") >= 1
    assert _one(sample, "SELECT count(*) FROM person_note") >= 1


def test_calls(sample):
    total = _one(sample, "SELECT count(*) FROM call")
    missed = _one(sample, "SELECT count(*) FROM call WHERE outcome = 'missed'")  # data/sample_phone.py
    assert total == 600 + missed and missed >= 1
    linked = _one(sample, "SELECT count(*) FROM call WHERE work_order_id IS NOT NULL")
    assert 0.15 * total < linked < 0.45 * total
    assert _one(sample, "SELECT count(*) FROM call c JOIN work_order w ON w.id = c.work_order_id "
                        "WHERE c.person_id IS NOT w.person_id") == 0
    assert _one(sample, "SELECT count(*) FROM call WHERE person_id IS NULL") >= 1
    desk1 = _one(sample, "SELECT id FROM staff WHERE login = 'desk1'")
    overdue = _one(sample, "SELECT count(*) FROM call WHERE callback_due < ? AND "
                           "callback_done_at IS NULL AND callback_assignee_id = ?", ANCHOR, desk1)
    due_today = _one(sample, "SELECT count(*) FROM call WHERE callback_due >= ? AND "
                             "callback_due < '2025-06-19' AND callback_done_at IS NULL "
                             "AND callback_assignee_id = ?", ANCHOR, desk1)
    assert overdue >= 1 and due_today >= 1
    assert _one(sample, "SELECT count(*) FROM call WHERE started_at > ?", ANCHOR) == 0


def test_calendar(sample):
    weekly = sample.execute(
        "SELECT id, start FROM event WHERE kind = 'inspection' AND rrule = 'FREQ=WEEKLY;BYDAY=MO'"
    ).fetchall()
    assert len(weekly) == 2  # one per community
    assert all(dt.datetime.fromisoformat(start).weekday() == 0 for _i, start in weekly)
    assert _one(sample, "SELECT count(*) FROM event WHERE series_id IS NOT NULL") >= 1
    assert _one(sample, "SELECT count(*) FROM event WHERE rrule = 'FREQ=MONTHLY;BYMONTHDAY=1'") == 1
    tech1 = _one(sample, "SELECT id FROM staff WHERE login = 'tech1'")
    today = _one(sample, "SELECT count(*) FROM event e JOIN event_attendee a ON a.event_id = e.id "
                         "WHERE e.kind = 'appointment' AND a.staff_id = ? AND e.start >= '2025-06-18' "
                         "AND e.start < '2025-06-19' AND e.work_order_id IS NOT NULL "
                         "AND e.room_id IS NOT NULL", tech1)
    assert today >= 3
    kinds = {k for (k,) in sample.execute("SELECT DISTINCT kind FROM event")}
    assert {"appointment", "meeting", "inspection", "activity", "memo", "task"} <= kinds
    uids = [u for (u,) in sample.execute("SELECT uid FROM event ORDER BY id")]
    # Random-looking, not counters anyone can guess (issue 12, finding 6); unique.
    assert all(re.fullmatch(r"[0-9a-f]{32}@frontdesk", uid) for uid in uids)
    assert len(set(uids)) == len(uids)
    assert _one(sample, "SELECT count(*) FROM event e WHERE NOT EXISTS "
                        "(SELECT 1 FROM event_attendee a WHERE a.event_id = e.id)") == 0


def test_notifications_and_settings(sample):
    for login in ("desk1", "tech1"):
        unread = _one(sample, "SELECT count(*) FROM notification n JOIN staff s ON s.id = n.staff_id "
                              "WHERE s.login = ? AND n.read_at IS NULL", login)
        assert unread >= 2, login
    assert _one(sample, "SELECT value FROM setting WHERE key = 'callback_target_percent'") == "80"


# --- reference data ----------------------------------------------------------------------------


def test_reference_data_is_idempotent(sqlite_database):
    ensure_reference_data()
    counts = (Category.select().count(), SlaPolicy.select().count(), Tag.select().count())
    ensure_reference_data()
    assert (Category.select().count(), SlaPolicy.select().count(), Tag.select().count()) == counts
    assert counts[1] == len(DEFAULT_SLA)
    assert counts[2] == len(DEFAULT_TAGS)
    assert counts[0] == sum(1 + len(top.children) for top in CATEGORY_TREE)
    leak = Category.get(Category.code == "plumbing.leak")
    assert (leak.parent.code, leak.name, leak.kind) == ("plumbing", "水管漏水", "repair")
    assert Category.get(Category.code == "noise").kind == "complaint"
    for top in CATEGORY_TREE:
        assert 2 <= len(top.children) <= 5
    urgent = SlaPolicy.get(SlaPolicy.kind == "repair", SlaPolicy.priority == "urgent",
                           SlaPolicy.category.is_null())
    assert (urgent.response_minutes, urgent.resolution_minutes) == (15, 120)


def test_reference_data_fills_in_what_is_missing(sqlite_database):
    ensure_reference_data()
    Tag.delete().where(Tag.name == "VIP").execute()
    SlaPolicy.delete().where(SlaPolicy.kind == "complaint").execute()
    ensure_reference_data()
    assert Tag.select().where(Tag.name == "VIP").count() == 1
    complaint = SlaPolicy.get(SlaPolicy.kind == "complaint")
    assert (complaint.response_minutes, complaint.resolution_minutes) == (1440, 10080)
    assert db.obj is not None


def test_default_sla_table_matches_the_spec():
    assert DEFAULT_SLA[("repair", "critical")] == (5, 120)
    assert DEFAULT_SLA[("repair", "quick")] == (45, 1440)
    assert DEFAULT_SLA[("repair", "normal")] == (30, 1440)
    assert DEFAULT_SLA[("inquiry", "normal")] == (240, 2880)
    assert DEFAULT_SLA[("suggestion", "normal")].resolution_minutes == 2880


def test_rooms_have_areas_states_and_the_car_park_its_spaces(sample):
    states = dict(sample.execute("SELECT state, count(*) FROM room GROUP BY state").fetchall())
    assert states["occupied"] > states.get("rented", 0) > 0
    assert states.get("vacant", 0) + states.get("renovating", 0) + states.get("undelivered", 0) > 0
    assert sample.execute("SELECT count(*) FROM room WHERE state = 'undelivered' AND NOT developer_held"
                          ).fetchone() == (0,)
    assert sample.execute("SELECT count(*) FROM room WHERE inner_area_m2 IS NULL OR inner_area_m2 >= area_m2"
                          ).fetchone() == (0,)
    kinds = dict(sample.execute("SELECT kind, count(*) FROM parking_space GROUP BY kind").fetchall())
    assert set(kinds) == {"titled", "rented", "temporary"}
    assert sample.execute("SELECT count(*) FROM parking_space WHERE (kind = 'titled') != (area_m2 IS NOT NULL)"
                          ).fetchone() == (0,)
    assert sample.execute(
        "SELECT count(*) FROM person p JOIN person_tag pt ON pt.person_id = p.id JOIN tag t ON t.id = pt.tag_id"
        " WHERE t.name = '独居老人' AND p.contact_person_id IS NOT NULL").fetchone()[0] > 0


def test_fees_a_year_of_bills_payments_and_arrears(sample):
    """13 months of bills for every room with an area; most paid, with receipts numbered
    1..n per community and year and counters that continue from them; arrears in every
    ageing bucket; billed − paid = what the rooms owe (no prepaid balances in the demo)."""
    assert _one(sample, "SELECT COUNT(DISTINCT period) FROM bill") == 13
    assert _one(sample, "SELECT COUNT(*) FROM room WHERE area_m2 > 0 AND id NOT IN "
                        "(SELECT room_id FROM bill)") == 0
    for community, year, count, top, last in sample.execute(
            "SELECT community_id, substr(number, 4, 4), COUNT(*), MAX(CAST(substr(number, 9) AS INTEGER)), "
            "(SELECT last_number FROM receipt_counter c WHERE c.community_id = p.community_id "
            " AND c.year = CAST(substr(p.number, 4, 4) AS INTEGER)) FROM payment p GROUP BY 1, 2"):
        assert count == top == last, (community, year)
    owed = _one(sample, "SELECT SUM(amount_fen - paid_fen - waived_fen) FROM bill")
    assert _one(sample, "SELECT SUM(amount_fen) FROM bill") - _one(sample, "SELECT SUM(amount_fen) FROM payment") == owed
    assert _one(sample, "SELECT COUNT(*) FROM bill b WHERE paid_fen != (SELECT COALESCE(SUM(amount_fen), 0) "
                        "FROM allocation a WHERE a.bill_id = b.id)") == 0
    # every room's running arrears figures (what the arrears list reads) agree with its bills
    assert _one(sample, "SELECT COUNT(*) FROM fee_account") == _one(sample, "SELECT COUNT(DISTINCT room_id) FROM bill")
    assert _one(sample, "SELECT COUNT(*) FROM fee_account a WHERE a.due_fen != (SELECT COALESCE(SUM("
                        "amount_fen - paid_fen - waived_fen), 0) FROM bill b WHERE b.room_id = a.room_id) "
                        "OR a.oldest_period != (SELECT COALESCE(MIN(period), '') FROM bill b "
                        "WHERE b.room_id = a.room_id AND amount_fen > paid_fen + waived_fen)") == 0
    assert _one(sample, "SELECT SUM(due_fen) FROM fee_account") == owed
    # the oldest unpaid months of owing rooms reach more than a year back (every bucket)
    def index(period: str) -> int:
        return int(period[:4]) * 12 + int(period[5:7])

    latest = index(_one(sample, "SELECT MAX(period) FROM bill"))
    ages = {latest - index(row[0]) for row in sample.execute(
        "SELECT MIN(period) FROM bill WHERE amount_fen > paid_fen GROUP BY room_id")}
    assert {age < 3 for age in ages} == {True, False}
    assert any(3 <= age < 6 for age in ages) and any(6 <= age < 12 for age in ages)
    assert max(ages) >= 12
    assert {row[0] for row in sample.execute("SELECT DISTINCT method FROM payment")} == {
        "wechat", "alipay", "cash", "card", "transfer"}
    assert _one(sample, "SELECT COUNT(*) FROM payment WHERE method = 'transfer' AND reference = ''") == 0


def test_fees_arrears_are_collected_in_most_months(sample):
    """Some rooms pay a month's bill one to three months late, so most of the last twelve
    months collect arrears (清欠: a settlement in a month on an earlier period's bill) and the
    rates chart's 清欠率 is not 0 % there."""
    latest = _one(sample, "SELECT MAX(period) FROM bill")
    months = {row[0] for row in sample.execute(
        "SELECT DISTINCT substr(a.at, 1, 7) FROM allocation a JOIN bill b ON b.id = a.bill_id "
        "WHERE substr(a.at, 1, 7) > b.period AND substr(a.at, 1, 7) <= ?", (latest,))}
    last_twelve = sorted({row[0] for row in sample.execute("SELECT DISTINCT period FROM bill")})[-12:]
    assert len(months & set(last_twelve)) >= 10, sorted(months)


def test_fees_water_readings_repairs_and_no_late_fees(sample):
    """Water readings for the demo rooms with one meter change, each month's water bill the
    consumption × 3.45 exactly, a few owner-paid repairs billed with their order, and late
    fees off."""
    assert _one(sample, "SELECT COUNT(*) FROM meter_reading") > 0
    assert _one(sample, "SELECT COUNT(*) FROM meter_reading WHERE meter_change") == 1
    assert _one(sample, "SELECT COUNT(*) FROM meter_reading WHERE NOT meter_change AND reading < previous") == 0
    water = sample.execute(
        "SELECT b.quantity, b.amount_fen, m.reading - m.previous FROM bill b JOIN fee_item i ON i.id = b.item_id "
        "JOIN meter_reading m ON m.room_id = b.room_id AND m.item_id = i.id AND m.period = b.period "
        "WHERE i.name = '水费'").fetchall()
    assert water
    for quantity, amount, used in water:
        assert abs(float(quantity) - used) < 1e-9
        exact = Decimal(str(quantity)) * 345
        assert amount == int(exact.quantize(Decimal("1"), rounding="ROUND_HALF_UP"))
    repairs = sample.execute("SELECT b.amount_fen, w.number FROM bill b JOIN work_order w ON w.id = b.work_order_id")
    assert len(repairs.fetchall()) >= 2
    assert _one(sample, "SELECT COUNT(*) FROM setting WHERE key = 'fee_late_fee'") == 0


def test_fees_arrears_reasons_on_owing_rooms(sample):
    """欠费原因 on rooms that owe: 对服务不满 only where the owner has an open complaint,
    房屋空置 on rooms nobody lives in, 经济困难 too, each by a desk clerk with a note."""
    by_reason = dict(sample.execute("SELECT reason, COUNT(*) FROM arrears_reason GROUP BY reason").fetchall())
    assert by_reason.get("service", 0) >= 1 and by_reason.get("vacant", 0) >= 1 and by_reason.get("hardship", 0) >= 1
    assert _one(sample, "SELECT COUNT(*) FROM arrears_reason a WHERE a.room_id NOT IN (SELECT room_id FROM bill "
                        "GROUP BY room_id HAVING SUM(amount_fen - paid_fen - waived_fen) > 0)") == 0
    assert _one(sample, "SELECT COUNT(*) FROM arrears_reason a WHERE a.reason = 'service' AND NOT EXISTS ("
                        "SELECT 1 FROM occupancy o JOIN work_order w ON w.person_id = o.person_id "
                        "WHERE o.room_id = a.room_id AND o.role = 'owner' AND o.end_date IS NULL "
                        "AND w.kind = 'complaint' AND w.status IN ('new', 'assigned', 'in_progress', 'on_hold'))") == 0
    assert _one(sample, "SELECT COUNT(*) FROM arrears_reason a WHERE a.reason = 'vacant' AND EXISTS ("
                        "SELECT 1 FROM occupancy o WHERE o.room_id = a.room_id AND o.end_date IS NULL "
                        "AND o.role != 'owner')") == 0  # nobody lives in an empty room
    assert _one(sample, "SELECT COUNT(*) FROM arrears_reason a JOIN staff s ON s.id = a.staff_id "
                        "WHERE s.role = 'desk' AND a.note != ''") == _one(sample, "SELECT COUNT(*) FROM arrears_reason")


def test_the_maintenance_fund_and_invoices(sample):
    """Every room with an area has its fund balance at two dates; one request voted,
    approved and used (its stored figures are the counting rule's) and one being voted on;
    invoice requests against payments, two issued, company titles with valid tax numbers."""
    from decimal import Decimal

    from data.fees.invoices import check_tax_no
    from data.votes.counting import Unit, count_votes

    assert _one(sample, "SELECT COUNT(*) FROM room WHERE area_m2 > 0 AND id NOT IN "
                        "(SELECT room_id FROM fund_balance)") == 0
    assert _one(sample, "SELECT COUNT(DISTINCT as_of) FROM fund_balance") == 2
    assert {s for (s,) in sample.execute("SELECT status FROM fund_request")} == {"used", "voting"}
    rid, result, used, budget = sample.execute(
        "SELECT id, result, used_fen, budget_fen FROM fund_request WHERE status = 'used'").fetchone()
    assert 0 < used <= budget
    rooms = sample.execute(
        "SELECT r.id, r.area_m2, r.developer_held, (SELECT MIN(person_id) FROM occupancy o WHERE o.room_id = r.id "
        "AND o.role = 'owner' AND o.end_date IS NULL), fr.ballot FROM fund_request_room fr "
        "JOIN room r ON r.id = fr.room_id WHERE fr.request_id = ?", (rid,)).fetchall()
    count = count_votes([Unit(r, Decimal(str(a)), str(o) if o else None, bool(d)) for r, a, d, o, _b in rooms],
                        {r: b for r, _a, _d, _o, b in rooms if b})
    assert count.approved and json.loads(result) == count.as_json()
    statuses = [s for (s,) in sample.execute("SELECT status FROM invoice ORDER BY id")]
    assert statuses.count("issued") == 2 and "pending" in statuses
    for tax_no, number, status in sample.execute("SELECT tax_no, number, status FROM invoice"):
        assert not tax_no or check_tax_no(tax_no) == tax_no
        assert (len(number) in (8, 20)) if status == "issued" else number == ""

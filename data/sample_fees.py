"""Fees of the demo database (issue 18): per community 物业服务费 (by room type, per m² of
floor area per month, residential raised five months ago), 垃圾清运费 (per room per month)
and 车位管理费 (per parking space held, per month); a year of monthly bills up to the
anchor's month, set-based; most rooms paid each month soon after the bill (微信, 支付宝,
现金, 银行卡, 银行转账 with a reference), with gap-free receipt numbers per community and
year and the counters new payments continue from; some rooms owe one to twelve months (so
every ageing bucket has rooms). The renovation permits' deposits (装修押金, a refundable
one-off item) are bill lines paid with a receipt, the refunded ones paid back by a refund
with its own receipt and a credit line (data.fees.deposits). Deterministic (from room ids and the seed).

Called by data.sample's `_Builder.run()` with the builder: raw SQL on `b.conn`, the anchor
day `b.t.today`."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from data.fees.balances import FIGURES_ALL_SQL, OPEN_ALL_SQL
from data.sample_fund import fund

#: (item, basis) per community, and the standards: (item, room type, 元 in fen, months before the anchor's month)
_ITEMS = (("物业服务费", "area"), ("垃圾清运费", "room"), ("车位管理费", "space"), ("水费", "meter"))
_STANDARDS = (
    ("物业服务费", "residential", 185, None), ("物业服务费", "residential", 198, 5),
    ("物业服务费", "villa", 350, None), ("物业服务费", "shop", 420, None),
    ("物业服务费", "office", 380, None), ("物业服务费", "", 150, None),
    ("垃圾清运费", "", 1000, None), ("车位管理费", "", 6000, None), ("水费", "", 345, None),
)
#: Rooms per community whose water meters are read (the first owned rooms), and the room
#: (the first of them) whose meter was replaced this many months before the anchor's month.
METERED_ROOMS = 10
METER_CHANGE_BACK = 5
#: Owner-paid repairs billed (有偿维修): the most recent orders with owner-paid cost lines.
REPAIRS_BILLED = 3
#: Months of bills up to the anchor's month (13: the oldest are 12 months old, the 12+ bucket).
MONTHS = 13


def _month(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def fees(b) -> None:
    conn = b.conn
    today: dt.date = b.t.today
    stamp = b.anchor
    seed = int(b.seed) % 97
    for name, basis in _ITEMS:
        conn.execute("INSERT INTO fee_item (community_id, name, basis, cycle, active, refundable, created_at) "
                     "SELECT id, ?, ?, 'monthly', 1, 0, ? FROM community", (name, basis, stamp))
    for name, room_type, fen, back in _STANDARDS:
        start = dt.date(2020, 1, 1) if back is None else _month(today, back)
        conn.execute("INSERT INTO fee_standard (item_id, room_type, unit_price_fen, starts_on, created_at) "
                     "SELECT id, ?, ?, ?, ? FROM fee_item WHERE name = ?",
                     (room_type, fen, start.isoformat(), stamp, name))
    # The current owner of each room (the first, if several), else the developer.
    conn.execute("CREATE TEMP TABLE fee_owner AS SELECT room_id, MIN(person_id) AS person_id "
                 "FROM occupancy WHERE role = 'owner' AND end_date IS NULL GROUP BY room_id")
    conn.execute("CREATE INDEX temp.fee_owner_room ON fee_owner (room_id)")
    for back in range(MONTHS - 1, -1, -1):
        start = _month(today, back)
        end = _month(today, back - 1) - dt.timedelta(days=1)
        period = start.strftime("%Y-%m")
        issued = f"{start.isoformat()} 08:00:00"
        args = (period, start.isoformat(), end.isoformat(), issued)
        # 物业服务费: the room type's standard in force on the first day, else the general one.
        conn.execute(
            "INSERT INTO bill (community_id, building_id, room_id, space_id, space_key, item_id, standard_id, "
            "period, starts_on, ends_on, payer_kind, person_id, quantity, unit_price_fen, rate_pct, amount_fen, "
            "paid_fen, waived_fen, issued_at) "
            "SELECT r.community_id, r.building_id, r.id, NULL, 0, i.id, s.id, ?, ?, ?, "
            "CASE WHEN o.person_id IS NULL OR r.developer_held THEN 'developer' ELSE 'owner' END, "
            "CASE WHEN r.developer_held THEN NULL ELSE o.person_id END, r.area_m2, s.unit_price_fen, 100, "
            "CAST(ROUND(s.unit_price_fen * r.area_m2) AS INTEGER), 0, 0, ? "
            "FROM room r JOIN fee_item i ON i.community_id = r.community_id AND i.name = '物业服务费' "
            "JOIN fee_standard s ON s.id = (SELECT s2.id FROM fee_standard s2 WHERE s2.item_id = i.id "
            "  AND s2.room_type IN (r.room_type, '') AND s2.starts_on <= ? "
            "  ORDER BY s2.room_type = '' , s2.starts_on DESC LIMIT 1) "
            "LEFT JOIN fee_owner o ON o.room_id = r.id WHERE r.area_m2 > 0",
            (*args, start.isoformat()))
        conn.execute(
            "INSERT INTO bill (community_id, building_id, room_id, space_id, space_key, item_id, standard_id, "
            "period, starts_on, ends_on, payer_kind, person_id, quantity, unit_price_fen, rate_pct, amount_fen, "
            "paid_fen, waived_fen, issued_at) "
            "SELECT r.community_id, r.building_id, r.id, NULL, 0, i.id, s.id, ?, ?, ?, "
            "CASE WHEN o.person_id IS NULL OR r.developer_held THEN 'developer' ELSE 'owner' END, "
            "CASE WHEN r.developer_held THEN NULL ELSE o.person_id END, 1, s.unit_price_fen, 100, "
            "s.unit_price_fen, 0, 0, ? "
            "FROM room r JOIN fee_item i ON i.community_id = r.community_id AND i.name = '垃圾清运费' "
            "JOIN fee_standard s ON s.item_id = i.id LEFT JOIN fee_owner o ON o.room_id = r.id", args)
        # 车位管理费: the holder's space, on the room the holder owns in the community.
        conn.execute(
            "INSERT INTO bill (community_id, building_id, room_id, space_id, space_key, item_id, standard_id, "
            "period, starts_on, ends_on, payer_kind, person_id, quantity, unit_price_fen, rate_pct, amount_fen, "
            "paid_fen, waived_fen, issued_at) "
            "SELECT p.community_id, r.building_id, r.id, p.id, p.id, i.id, s.id, ?, ?, ?, 'holder', p.holder_id, "
            "1, s.unit_price_fen, 100, s.unit_price_fen, 0, 0, ? "
            "FROM parking_space p JOIN fee_item i ON i.community_id = p.community_id AND i.name = '车位管理费' "
            "JOIN fee_standard s ON s.item_id = i.id "
            "JOIN room r ON r.id = (SELECT MIN(o.room_id) FROM fee_owner o JOIN room r2 ON r2.id = o.room_id "
            "  WHERE o.person_id = p.holder_id AND r2.community_id = p.community_id) "
            "WHERE p.holder_id IS NOT NULL", args)
    _water(b)
    # Who pays: a room owes its last `owed` months (0 for most; 1–13 for about one in nine,
    # so every ageing bucket has rooms); the developer's rooms owe two to eleven.
    conn.execute(
        "CREATE TEMP TABLE fee_room AS SELECT id AS room_id, community_id, "
        f"CASE WHEN (id * 7 + {seed}) % 9 = 0 THEN 1 + (id * 5 + {seed}) % 13 "
        f"WHEN developer_held THEN 2 + id % 10 ELSE 0 END AS owed FROM room")
    # One payment per room and month paid, on a day 1–25 after the bill, at the desk's hours;
    # receipts numbered in order of time within each community and year.
    anchor_month = today.year * 12 + today.month - 1
    last_day = today.isoformat()
    conn.execute(
        "CREATE TEMP TABLE fee_pay AS SELECT b.room_id, b.community_id, b.period, SUM(b.amount_fen) AS fen, "
        "MIN(datetime(b.period || '-01', '+' || (1 + (b.room_id * 31 + CAST(substr(b.period, 6, 2) AS INTEGER)) % 25) "
        "  || ' days', '+' || (9 + b.room_id % 8) || ' hours', '+' || (b.room_id * 7 % 60) || ' minutes')) AS taken_at, "
        "(b.room_id + CAST(substr(b.period, 6, 2) AS INTEGER)) % 10 AS m "
        "FROM bill b JOIN fee_room f ON f.room_id = b.room_id "
        f"WHERE ({anchor_month} - (CAST(substr(b.period, 1, 4) AS INTEGER) * 12 + CAST(substr(b.period, 6, 2) AS INTEGER) - 1)) >= f.owed "
        "GROUP BY b.room_id, b.community_id, b.period")
    # About one room-month in eleven is paid one to three months late (a bill forgotten, an
    # owner away), so every month collects some arrears and the 清欠率 chart is not empty;
    # those not yet due by today stay unpaid (deleted below).
    conn.execute(
        "UPDATE fee_pay SET taken_at = datetime(taken_at, '+' || (1 + room_id % 3) || ' months') "
        "WHERE (room_id * 3 + CAST(substr(period, 6, 2) AS INTEGER)) % 11 = 0")
    # Half the rooms that owe two to ten months paid their oldest one late, last month
    # (the collection of arrears: 清欠).
    late = _month(today, 1)
    conn.execute(
        "INSERT INTO fee_pay (room_id, community_id, period, fen, taken_at, m) "
        "SELECT b.room_id, b.community_id, b.period, SUM(b.amount_fen), "
        "datetime(?, '+' || (b.room_id % 20) || ' days', '+' || (9 + b.room_id % 8) || ' hours'), 7 "
        "FROM bill b JOIN fee_room f ON f.room_id = b.room_id WHERE f.owed BETWEEN 2 AND 10 AND f.room_id % 2 = 0 "
        f"AND (CAST(substr(b.period, 1, 4) AS INTEGER) * 12 + CAST(substr(b.period, 6, 2) AS INTEGER) - 1) "
        f"= {anchor_month} - f.owed + 1 GROUP BY b.room_id, b.community_id, b.period", (late.isoformat(),))
    conn.execute("DELETE FROM fee_pay WHERE taken_at > ?", (f"{last_day} 08:30:00",))  # not yet paid
    conn.execute("ALTER TABLE fee_pay ADD COLUMN payment_id INTEGER")
    base = conn.execute("SELECT COALESCE(MAX(id), 0) FROM payment").fetchone()[0]
    conn.execute(f"UPDATE fee_pay SET payment_id = {base} + rowid")
    conn.execute(
        "INSERT INTO payment (id, number, community_id, room_id, kind, method, reference, payer_name, amount_fen, "
        "voids_id, reason, staff_id, taken_at) "
        "SELECT p.payment_id, 'SJ-' || substr(p.taken_at, 1, 4) || '-' || printf('%06d', ROW_NUMBER() OVER ("
        "  PARTITION BY p.community_id, substr(p.taken_at, 1, 4) ORDER BY p.taken_at, p.room_id)), "
        "p.community_id, p.room_id, 'payment', "
        "CASE WHEN p.m < 4 THEN 'wechat' WHEN p.m < 7 THEN 'alipay' WHEN p.m = 7 THEN 'cash' "
        "  WHEN p.m = 8 THEN 'card' ELSE 'transfer' END, "
        "CASE WHEN p.m = 9 THEN 'TX' || replace(substr(p.taken_at, 1, 10), '-', '') || printf('%06d', p.room_id) "
        "  ELSE '' END, COALESCE(pe.name, ''), p.fen, NULL, '', NULL, p.taken_at "
        "FROM fee_pay p LEFT JOIN fee_owner o ON o.room_id = p.room_id LEFT JOIN person pe ON pe.id = o.person_id")
    conn.execute(
        "INSERT INTO allocation (bill_id, payment_id, amount_fen, at) "
        "SELECT b.id, p.payment_id, b.amount_fen, p.taken_at FROM fee_pay p "
        "JOIN bill b ON b.room_id = p.room_id AND b.period = p.period")
    conn.execute("UPDATE bill SET paid_fen = amount_fen WHERE id IN (SELECT bill_id FROM allocation)")
    _deposits(conn, stamp)
    conn.execute(
        "INSERT INTO receipt_counter (community_id, year, last_number) "
        "SELECT community_id, CAST(substr(number, 4, 4) AS INTEGER), COUNT(*) FROM payment "
        "GROUP BY community_id, substr(number, 4, 4)")
    _repairs(b)
    for table in ("fee_pay", "fee_room", "fee_owner", "fee_dep"):
        conn.execute(f"DROP TABLE temp.{table}")
    # Each room's running arrears figures (data.fees.balances), as the fees writers keep them.
    conn.execute(OPEN_ALL_SQL)
    conn.execute(FIGURES_ALL_SQL)
    count = conn.execute("SELECT COUNT(*) FROM bill").fetchone()[0]
    paid = conn.execute("SELECT COUNT(*) FROM payment").fetchone()[0]
    reasons = arrears_reasons(b)
    b.say(f"fees: {count} bills, {paid} payments, {reasons} arrears reasons")
    fund(b)  # the maintenance fund and invoices (data.sample_fund)


def _water(b) -> None:
    """Water readings (水费, 3.45 元/吨) of the first owned rooms of each community: a starting
    reading the month before the first bill, then a reading a month with its bill line
    (consumption × price, rounded half up once); one room's meter replaced (the new meter
    starts at 0, so that month's consumption is its reading)."""
    conn = b.conn
    today: dt.date = b.t.today
    stamp = b.anchor
    rooms = conn.execute(
        "SELECT r.id, r.community_id, r.building_id, o.person_id, i.id, s.id FROM room r "
        "JOIN fee_owner o ON o.room_id = r.id JOIN fee_item i ON i.community_id = r.community_id AND i.name = '水费' "
        "JOIN fee_standard s ON s.item_id = i.id WHERE NOT r.developer_held "
        "AND r.id IN (SELECT r2.id FROM room r2 JOIN fee_owner o2 ON o2.room_id = r2.id "
        f"  WHERE r2.community_id = r.community_id ORDER BY r2.id LIMIT {METERED_ROOMS}) ORDER BY r.id").fetchall()
    changed = rooms[0][0] if rooms else None
    readings, bills = [], []
    for room_id, community_id, building_id, person_id, item_id, standard_id in rooms:
        reading = Decimal(100 + room_id * 37 % 400)
        readings.append((room_id, item_id, _month(today, MONTHS).strftime("%Y-%m"), str(reading), str(reading), 0,
                         stamp))
        for back in range(MONTHS - 1, -1, -1):
            start = _month(today, back)
            end = _month(today, back - 1) - dt.timedelta(days=1)
            used = Decimal(6 + (room_id * 7 + back * 13) % 15) + Decimal((room_id + back) % 4) / 4
            change = room_id == changed and back == METER_CHANGE_BACK
            previous = Decimal(0) if change else reading
            reading = previous + used
            period = start.strftime("%Y-%m")
            readings.append((room_id, item_id, period, str(reading), str(previous), int(change),
                             f"{start.isoformat()} 07:30:00"))
            amount = int((345 * used).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
            bills.append((community_id, building_id, room_id, item_id, standard_id, period, start.isoformat(),
                          end.isoformat(), person_id, str(used), amount, f"{start.isoformat()} 08:00:00"))
    conn.executemany("INSERT INTO meter_reading (room_id, item_id, period, reading, previous, meter_change, at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", readings)
    conn.executemany(
        "INSERT INTO bill (community_id, building_id, room_id, space_id, space_key, item_id, standard_id, "
        "period, starts_on, ends_on, payer_kind, person_id, quantity, unit_price_fen, rate_pct, amount_fen, "
        "paid_fen, waived_fen, issued_at) VALUES (?, ?, ?, NULL, 0, ?, ?, ?, ?, ?, 'owner', ?, ?, 345, 100, ?, 0, 0, ?)",
        bills)


def _repairs(b) -> None:
    """The most recent finished work orders with owner-paid cost lines billed as 有偿维修 (one
    bill each, on the day the order was resolved, the order on the bill); left unpaid."""
    conn = b.conn
    orders = conn.execute(
        "SELECT w.id, w.room_id, r.community_id, r.building_id, o.person_id, "
        "COALESCE(w.resolved_at, w.created_at) FROM work_order w JOIN room r ON r.id = w.room_id "
        "LEFT JOIN fee_owner o ON o.room_id = r.id WHERE w.status IN ('resolved', 'closed') AND EXISTS ("
        "SELECT 1 FROM cost_line c WHERE c.work_order_id = w.id AND c.payer = 'owner') "
        f"ORDER BY w.id DESC LIMIT {REPAIRS_BILLED}").fetchall()
    for order_id, room_id, community_id, building_id, person_id, at in orders:
        exact = sum((Decimal(str(q)) * Decimal(str(p)) for q, p in conn.execute(
            "SELECT quantity, unit_price FROM cost_line WHERE work_order_id = ? AND payer = 'owner'", (order_id,))),
            Decimal(0))
        fen = int((exact * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        # (the unique indexes are built after the data: look before inserting)
        found = conn.execute("SELECT id FROM fee_item WHERE community_id = ? AND name = '有偿维修'",
                             (community_id,)).fetchone()
        item_id = found[0] if found else conn.execute(
            "INSERT INTO fee_item (community_id, name, basis, cycle, active, refundable, created_at) "
            "VALUES (?, '有偿维修', 'once', 'once', 1, 0, ?)", (community_id, b.anchor)).lastrowid
        day = str(at)[:10]
        conn.execute(
            "INSERT INTO bill (community_id, building_id, room_id, space_id, space_key, item_id, standard_id, "
            "period, starts_on, ends_on, payer_kind, person_id, quantity, unit_price_fen, rate_pct, amount_fen, "
            "paid_fen, waived_fen, issued_at, work_order_id) VALUES (?, ?, ?, NULL, ?, ?, NULL, ?, ?, ?, ?, ?, 1, ?, "
            "100, ?, 0, 0, ?, ?)",
            (community_id, building_id, room_id, -order_id, item_id, day[:7], day, day,
             "owner" if person_id else "developer", person_id, fen, fen, str(at)[:19], order_id))


#: Why some owners' rooms owe (欠费原因): (reason, notes), for rooms picked by the SQL below.
_REASON_NOTES = {
    "service": ("投诉的问题一直没解决，解决了再交", "对保安和保洁不满意", "说电梯老坏，物业不作为"),
    "vacant": ("房子一直空着没人住", "人在外地，房子空置", "空置待售"),
    "hardship": ("生意不好，手头紧，答应分期", "家里有病人，暂时困难", "刚失业，下月找到工作再交"),
    "unreachable": ("电话一直关机", "留的号码是空号"),
}


def arrears_reasons(b) -> int:
    """欠费原因 for owing owners' rooms, recorded by the desk in the last weeks: 对服务不满 on
    rooms whose owner really has an open complaint, 房屋空置 on an owner's second room nobody
    lives in, 经济困难 and 联系不上 on a few others. Returns how many."""
    conn = b.conn
    desk = conn.execute("SELECT MIN(id) FROM staff WHERE role = 'desk'").fetchone()[0]
    owing = ("SELECT room_id FROM bill WHERE payer_kind = 'owner' "
             "GROUP BY room_id HAVING SUM(amount_fen - paid_fen - waived_fen) > 0")
    picks = {
        "service": conn.execute(
            f"SELECT DISTINCT o.room_id FROM occupancy o JOIN work_order w ON w.person_id = o.person_id "
            f"WHERE o.role = 'owner' AND o.end_date IS NULL AND w.kind = 'complaint' "
            f"AND w.status IN ('new', 'assigned', 'in_progress', 'on_hold') AND o.room_id IN ({owing}) "
            f"ORDER BY o.room_id LIMIT 12").fetchall(),
        # The demo's empty rooms are the developer's: an owner's second room nobody lives in.
        "vacant": conn.execute(
            f"SELECT o.room_id FROM occupancy o WHERE o.role = 'owner' AND o.end_date IS NULL "
            f"AND o.room_id IN ({owing}) AND (SELECT COUNT(*) FROM occupancy x WHERE x.room_id = o.room_id "
            f"AND x.end_date IS NULL) = 1 AND (SELECT COUNT(*) FROM occupancy y WHERE y.person_id = o.person_id "
            f"AND y.role = 'owner' AND y.end_date IS NULL) > 1 ORDER BY o.room_id LIMIT 15").fetchall(),
        "hardship": conn.execute(
            f"SELECT room_id FROM ({owing}) WHERE room_id % 5 = 1 ORDER BY room_id LIMIT 12").fetchall(),
        "unreachable": conn.execute(
            f"SELECT room_id FROM ({owing}) WHERE room_id % 7 = 3 ORDER BY room_id LIMIT 5").fetchall(),
    }
    done: set[int] = set()
    rows = []
    for reason, found in picks.items():
        notes = _REASON_NOTES[reason]
        for (room_id,) in found:
            if room_id in done:
                continue
            done.add(room_id)
            at = b.t.today - dt.timedelta(days=1 + room_id % 40)
            rows.append((room_id, reason, notes[room_id % len(notes)], desk,
                         f"{at.isoformat()} {9 + room_id % 8:02d}:{room_id * 7 % 60:02d}:00"))
    conn.executemany("INSERT INTO arrears_reason (room_id, reason, note, staff_id, at) VALUES (?, ?, ?, ?, ?)", rows)
    return len(rows)


def _deposits(conn, stamp: str) -> None:
    """Each deposit taken on a permit (data.sample_renovations) as a 装修押金 bill line paid
    when it was taken; each refund as a credit line and a refund payment. Then every
    payment of a community and year is numbered again in order of time (gap-free), and the
    permits get their receipt numbers."""
    conn.execute("INSERT INTO fee_item (community_id, name, basis, cycle, active, refundable, created_at) "
                 "SELECT id, '装修押金', 'once', 'once', 1, 1, ? FROM community", (stamp,))
    conn.execute(
        "CREATE TEMP TABLE fee_dep AS "
        "SELECT r.id AS permit_id, r.room_id, r.community_id, 'payment' AS kind, -1 AS space_key, "
        "  CAST(ROUND(r.deposit * 100) AS INTEGER) AS fen, r.deposit_received_at AS at, "
        "  r.deposit_received_by_id AS staff_id, '' AS reason "
        "FROM renovation r WHERE r.deposit_received_at IS NOT NULL AND r.deposit > 0 "
        "UNION ALL "
        "SELECT r.id, r.room_id, r.community_id, 'refund', -2, -CAST(ROUND(r.refunded_amount * 100) AS INTEGER), "
        "  r.refunded_at, r.refunded_by_id, '装修押金退还 ' || r.number "
        "FROM renovation r WHERE r.refunded_at IS NOT NULL AND r.refunded_amount > 0 "
        "  AND r.deposit_received_at IS NOT NULL")
    conn.execute("ALTER TABLE fee_dep ADD COLUMN payment_id INTEGER")
    conn.execute("ALTER TABLE fee_dep ADD COLUMN bill_id INTEGER")
    pay_base = conn.execute("SELECT COALESCE(MAX(id), 0) FROM payment").fetchone()[0]
    bill_base = conn.execute("SELECT COALESCE(MAX(id), 0) FROM bill").fetchone()[0]
    conn.execute(f"UPDATE fee_dep SET payment_id = {pay_base} + rowid, bill_id = {bill_base} + rowid")
    conn.execute(
        "INSERT INTO bill (id, community_id, building_id, room_id, space_id, space_key, item_id, standard_id, "
        "period, starts_on, ends_on, payer_kind, person_id, quantity, unit_price_fen, rate_pct, amount_fen, "
        "paid_fen, waived_fen, issued_at) "
        "SELECT d.bill_id, d.community_id, r.building_id, d.room_id, NULL, d.space_key - 2 * d.permit_id, i.id, "
        "NULL, substr(d.at, 1, 7), substr(d.at, 1, 10), substr(d.at, 1, 10), "
        "CASE WHEN o.person_id IS NULL THEN 'developer' ELSE 'owner' END, o.person_id, 1, d.fen, 100, d.fen, "
        "d.fen, 0, d.at "
        "FROM fee_dep d JOIN room r ON r.id = d.room_id "
        "JOIN fee_item i ON i.community_id = d.community_id AND i.name = '装修押金' "
        "LEFT JOIN fee_owner o ON o.room_id = d.room_id")
    conn.execute(
        "INSERT INTO payment (id, number, community_id, room_id, kind, method, reference, payer_name, amount_fen, "
        "voids_id, reason, staff_id, taken_at) "
        "SELECT d.payment_id, 'DEP-' || d.payment_id, d.community_id, d.room_id, d.kind, 'cash', '', "
        "COALESCE(pe.name, ''), d.fen, NULL, d.reason, d.staff_id, d.at "
        "FROM fee_dep d LEFT JOIN fee_owner o ON o.room_id = d.room_id LEFT JOIN person pe ON pe.id = o.person_id")
    conn.execute("INSERT INTO allocation (bill_id, payment_id, amount_fen, at) "
                 "SELECT bill_id, payment_id, fen, at FROM fee_dep")
    # Number every payment again, the deposits among them, in order of time.
    # (the new numbers in a keyed temporary table first: a correlated window per row is quadratic)
    conn.execute(
        "CREATE TEMP TABLE fee_renumber (id INTEGER PRIMARY KEY, number TEXT) ")
    conn.execute(
        "INSERT INTO fee_renumber (id, number) SELECT id, 'SJ-' || substr(taken_at, 1, 4) || '-' || "
        "  printf('%06d', ROW_NUMBER() OVER (PARTITION BY community_id, substr(taken_at, 1, 4) "
        "  ORDER BY taken_at, id)) FROM payment")
    conn.execute("UPDATE payment SET number = 'TMP-' || id")  # no clash with a number not yet rewritten
    conn.execute("UPDATE payment SET number = (SELECT n.number FROM fee_renumber n WHERE n.id = payment.id)")
    conn.execute("DROP TABLE temp.fee_renumber")
    conn.execute("UPDATE renovation SET deposit_receipt = (SELECT p.number FROM fee_dep d JOIN payment p "
                 "ON p.id = d.payment_id WHERE d.permit_id = renovation.id AND d.kind = 'payment') "
                 "WHERE id IN (SELECT permit_id FROM fee_dep WHERE kind = 'payment')")
    conn.execute("UPDATE renovation SET refund_receipt = (SELECT p.number FROM fee_dep d JOIN payment p "
                 "ON p.id = d.payment_id WHERE d.permit_id = renovation.id AND d.kind = 'refund') "
                 "WHERE id IN (SELECT permit_id FROM fee_dep WHERE kind = 'refund')")

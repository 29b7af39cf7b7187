"""Fees of the demo database (issue 18): per community 物业服务费 (by room type, per m² of
floor area per month, residential raised five months ago), 垃圾清运费 (per room per month)
and 车位管理费 (per parking space held, per month); a year of monthly bills up to the
anchor's month, set-based; most rooms paid each month soon after the bill (微信, 支付宝,
现金, 银行卡, 银行转账 with a reference), with gap-free receipt numbers per community and
year and the counters new payments continue from; some rooms owe one to twelve months (so
every ageing bucket has rooms). Deterministic (from room ids and the seed).

Called by data.sample's `_Builder.run()` with the builder: raw SQL on `b.conn`, the anchor
day `b.t.today`."""

from __future__ import annotations

import datetime as dt

from data.sample_fund import fund

#: (item, basis) per community, and the standards: (item, room type, 元 in fen, months before the anchor's month)
_ITEMS = (("物业服务费", "area"), ("垃圾清运费", "room"), ("车位管理费", "space"))
_STANDARDS = (
    ("物业服务费", "residential", 185, None), ("物业服务费", "residential", 198, 5),
    ("物业服务费", "villa", 350, None), ("物业服务费", "shop", 420, None),
    ("物业服务费", "office", 380, None), ("物业服务费", "", 150, None),
    ("垃圾清运费", "", 1000, None), ("车位管理费", "", 6000, None),
)
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
        conn.execute("INSERT INTO fee_item (community_id, name, basis, cycle, active, created_at) "
                     "SELECT id, ?, ?, 'monthly', 1, ? FROM community", (name, basis, stamp))
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
    conn.execute(
        "INSERT INTO receipt_counter (community_id, year, last_number) "
        "SELECT community_id, CAST(substr(number, 4, 4) AS INTEGER), COUNT(*) FROM payment "
        "GROUP BY community_id, substr(number, 4, 4)")
    for table in ("fee_pay", "fee_room", "fee_owner"):
        conn.execute(f"DROP TABLE temp.{table}")
    count = conn.execute("SELECT COUNT(*) FROM bill").fetchone()[0]
    paid = conn.execute("SELECT COUNT(*) FROM payment").fetchone()[0]
    b.say(f"fees: {count} bills, {paid} payments")
    fund(b)  # the maintenance fund and invoices (data.sample_fund)

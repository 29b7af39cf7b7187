"""Staff commissions of the demo database (服务佣金, issue 18 item 9): rules for every
community (technicians 10 % of owner-paid labour, desk staff 5 % of arrears older than six
months collected, supervisors 1 % and managers 0.5 % of contracts signed from leads) and
the technicians' statements of the latest finished month with paid labour (last month at
full size), approved by a manager — the stored lines a
rerun shows (data.fees.commissions). Deterministic: from the work orders generated.

Called by data.sample's `_Builder.run()` with the builder: raw SQL on `b.conn`, the anchor
day `b.t.today`."""

from __future__ import annotations

import datetime as dt

#: (role, source, percent)
RULES = (("tech", "labour", "10.00"), ("desk", "arrears", "5.00"), ("supervisor", "contracts", "1.00"),
         ("manager", "contracts", "0.50"))


def commissions(b) -> None:
    conn = b.conn
    today: dt.date = b.t.today
    stamp = b.anchor
    year_ago = dt.date(today.year - 1, today.month, 1).isoformat()
    for role, source, pct in RULES:
        conn.execute("INSERT INTO commission_rule (community_id, role, source, percent, starts_on, created_by_id, "
                     "created_at) VALUES (NULL, ?, ?, ?, ?, NULL, ?)", (role, source, pct, year_ago, stamp))
    # The latest finished month with owner-paid labour (last month in a full-size sample).
    this_month = dt.date(today.year, today.month, 1)
    latest = conn.execute(
        "SELECT MAX(substr(w.resolved_at, 1, 7)) FROM cost_line c JOIN work_order w ON w.id = c.work_order_id "
        "JOIN staff s ON s.id = w.assignee_id WHERE c.kind = 'labour' AND c.payer = 'owner' AND s.role = 'tech' "
        "AND w.status != 'cancelled' AND w.resolved_at < ?", (this_month.isoformat(),)).fetchone()[0]
    start = (dt.date(int(latest[:4]), int(latest[5:7]), 1) if latest
             else (this_month - dt.timedelta(days=1)).replace(day=1))
    first = (start + dt.timedelta(days=32)).replace(day=1)
    month = start.strftime("%Y-%m")
    manager = conn.execute("SELECT MIN(id) FROM staff WHERE role = 'manager'").fetchone()[0]
    approved_at = f"{min(first, today).isoformat()} 08:30:00"
    conn.execute(
        "CREATE TEMP TABLE fee_com AS SELECT w.assignee_id AS staff_id, w.number AS ref, "
        "substr(w.title, 1, 60) AS note, CAST(ROUND(SUM(c.quantity * c.unit_price * 100)) AS INTEGER) AS base "
        "FROM cost_line c JOIN work_order w ON w.id = c.work_order_id JOIN staff s ON s.id = w.assignee_id "
        "WHERE c.kind = 'labour' AND c.payer = 'owner' AND s.role = 'tech' AND w.status != 'cancelled' "
        "AND w.resolved_at >= ? AND w.resolved_at < ? GROUP BY w.id, w.assignee_id, w.number, w.title",
        (start.isoformat(), first.isoformat()))
    conn.execute(
        "INSERT INTO commission_statement (staff_id, month, total_fen, status, computed_at, approved_by_id, "
        "approved_at) SELECT staff_id, ?, SUM(CAST(ROUND(base * 0.10) AS INTEGER)), 'approved', ?, ?, ? "
        "FROM fee_com WHERE base > 0 GROUP BY staff_id", (month, approved_at, manager, approved_at))
    conn.execute(
        "INSERT INTO commission_line (statement_id, source, ref, note, base_fen, percent, amount_fen) "
        "SELECT s.id, 'labour', c.ref, c.note, c.base, '10.00', CAST(ROUND(c.base * 0.10) AS INTEGER) "
        "FROM fee_com c JOIN commission_statement s ON s.staff_id = c.staff_id AND s.month = ? "
        "WHERE c.base > 0 ORDER BY c.staff_id, c.ref", (month,))
    conn.execute("DROP TABLE temp.fee_com")
    count = conn.execute("SELECT COUNT(*) FROM commission_statement").fetchone()[0]
    b.say(f"commissions: {len(RULES)} rules, {count} statements approved for {month}")

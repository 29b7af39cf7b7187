"""The maintenance fund and invoices of the demo database (issue 18 item 7): every room's
专项维修资金 balance as the housing authority reported it at the end of last year and at the
end of last month; in the first community one request to use the fund voted, approved and
used (its building's owners' ballots counted by data.votes.counting) and one still being
voted on; a few invoice requests against recent payments, some issued. Deterministic.

Called from data.sample_fees.fees with the sample builder (raw SQL on `b.conn`)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from data.fees.invoices import CODE_CHARS, WEIGHTS
from data.votes.counting import OTHER, Unit, count_votes


def _tax_no(body: str) -> str:
    """A 统一社会信用代码 from its first 17 characters, with its check digit (GB 32100-2015)."""
    total = sum(CODE_CHARS.index(ch) * w for ch, w in zip(body, WEIGHTS, strict=False))
    return body + CODE_CHARS[(31 - total % 31) % 31]


#: Invoice titles of the demo: (company, the first 17 characters of its code) or (None, None): the payer.
_TITLES = (("上海锦程贸易有限公司", "91310115MA1K3Y8B2"), (None, None), (None, None),
           ("杭州云帆科技有限公司", "91330106MA2H0Q7X4"), (None, None))


def _units(conn, room_ids: list[int]) -> list[Unit]:
    marks = ",".join("?" * len(room_ids))
    owners = dict(conn.execute(
        f"SELECT room_id, MIN(person_id) FROM occupancy WHERE role = 'owner' AND end_date IS NULL "
        f"AND room_id IN ({marks}) GROUP BY room_id", room_ids).fetchall())
    return [Unit(rid, Decimal(str(area if area is not None else 0)), str(owners[rid]) if rid in owners else None,
                 bool(dev))
            for rid, area, dev in conn.execute(
                f"SELECT id, area_m2, developer_held FROM room WHERE id IN ({marks})", room_ids).fetchall()]


def _request(b, community: int, building: int, project: str, budget: int, reason: str, status: str,
             created: str, share_yes: int, share_cast: int, staff: int, decided: str | None = None,
             used: tuple[int, str] | None = None) -> None:
    conn = b.conn
    seed = int(b.seed) % 97
    rooms = [r for (r,) in conn.execute("SELECT id FROM room WHERE building_id = ? ORDER BY code", (building,))]
    code = conn.execute("SELECT code FROM building WHERE id = ?", (building,)).fetchone()[0]
    ballots: dict[int, str] = {}
    for rid in rooms:
        roll = (rid * 37 + seed) % 100
        if roll < share_cast:
            ballots[rid] = "yes" if roll < share_yes else ("no" if roll % 2 else "abstain")
    result = ""
    if decided:
        count = count_votes(_units(conn, rooms), ballots, OTHER)
        if not count.approved:  # the demo shows an approved use: the remaining owners agreed
            ballots = dict.fromkeys(rooms, "yes")
            count = count_votes(_units(conn, rooms), ballots, OTHER)
        result = json.dumps(count.as_json(), ensure_ascii=False)
    cur = conn.execute(
        "INSERT INTO fund_request (community_id, project, budget_fen, reason, scope, status, used_fen, used_on, "
        "result, created_by_id, created_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (community, project, budget, reason, f"{code}号楼", status, used[0] if used else None,
         used[1] if used else None, result, staff, created, decided))
    rid_req = cur.lastrowid
    conn.executemany(
        "INSERT INTO fund_request_room (request_id, room_id, ballot, recorded_by_id, recorded_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(rid_req, rid, ballots.get(rid, ""), staff if rid in ballots else None,
          created if rid in ballots else None) for rid in rooms])


def fund(b) -> None:
    conn = b.conn
    today: dt.date = b.t.today
    seed = int(b.seed) % 97
    staff = conn.execute("SELECT id FROM staff WHERE role = 'supervisor' ORDER BY id LIMIT 1").fetchone()
    staff_id = staff[0] if staff else None
    year_end = dt.date(today.year - 1, 12, 31)
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    if month_end <= year_end:  # in January last month ended the year: the report before is a year older
        year_end = dt.date(today.year - 2, 12, 31)
    # 30–79 元 per m² at the end of last year; a little interest since, less where used.
    for day, extra in ((year_end, 0), (month_end, 120)):
        conn.execute(
            "INSERT OR IGNORE INTO fund_balance (community_id, room_id, as_of, balance_fen, imported_by_id, "
            "imported_at) SELECT community_id, id, ?, "
            f"CAST(ROUND(area_m2 * (3000 + (id * 13 + {seed}) % 5000 + {extra})) AS INTEGER), ?, ? "
            "FROM room WHERE area_m2 > 0", (day.isoformat(), staff_id, b.anchor))
    first = conn.execute("SELECT MIN(id) FROM community").fetchone()[0]
    # The first two buildings of six rooms or more (in the first community when it has two).
    buildings = conn.execute(
        "SELECT community_id, building_id FROM room GROUP BY community_id, building_id HAVING COUNT(*) >= 6 "
        "ORDER BY community_id != ?, community_id, building_id LIMIT 2", (first,)).fetchall()
    if buildings:
        created = b.t.fmt(b.t.at(-40, 10))
        decided = b.t.fmt(b.t.at(-20, 16))
        _request(b, *buildings[0], "屋面防水层翻新", 8600000, "顶层多户渗漏，原防水层超过保修期已老化。",
                 "used", created, 85, 95, staff_id, decided, (8315000, b.t.date(b.t.at(-5, 10))))
    if len(buildings) > 1:
        _request(b, *buildings[1], "电梯主板及钢丝绳更换", 12800000, "电梯年检提出整改意见，维保单位报价。",
                 "voting", b.t.fmt(b.t.at(-6, 11)), 30, 45, staff_id)
    # Invoices against the first community's latest payments: the first two issued.
    payments = conn.execute(
        "SELECT id, payer_name FROM payment WHERE community_id = ? AND kind = 'payment' "
        "ORDER BY taken_at DESC, id DESC LIMIT ?", (first, len(_TITLES))).fetchall()
    for i, ((pid, payer), (company, body)) in enumerate(zip(payments, _TITLES, strict=False)):
        title = company or payer or "个人"
        issued = i < 2
        # 数电发票: the year, the province (44), the channel and a sequence; else an 8-digit number.
        number = f"{today.year % 100:02d}442{pid:015d}" if i == 1 else f"{(pid * 7919 + seed) % 100000000:08d}"
        conn.execute(
            "INSERT INTO invoice (payment_id, community_id, title, tax_no, email, status, number, requested_by_id, "
            "requested_at, issued_by_id, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (pid, first, title, _tax_no(body) if body else "", "caiwu@example.com" if company else "",
             "issued" if issued else "pending", number if issued else "", staff_id, b.anchor,
             staff_id if issued else None, b.anchor if issued else None))
    b.say("fund: balances, 2 requests, invoices")

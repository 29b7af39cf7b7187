"""Proposals, quotes and service contracts of the demo database (issue 17 item 4): about 40
over the last year in every status — parking leases, housekeeping and renovation agreements,
quotes of paid repairs from work orders with owner-paid costs, proposals for prospective
customers — a few in force ending within 30 days (the first sweep of a session tells their
owner), and the per-year counters new contracts continue from. The company's name setting.
Some won leads (data/sample_leads.py) became a contract of the kind their interest calls
for, and some quoted ones (a service) were sent a proposal: each linked both ways, the lead's id in the
contract's details and the number in the lead's timeline (data.leads.deals). Deterministic
from the seed.

Called by data.sample's `_Builder.run()` with the builder: raw SQL inserts on `b.conn`,
the anchor day `b.t.today`."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from typing import Any

COMPANY = "锦绣物业服务有限公司"
#: Won leads converted into a contract, and quoted leads sent a proposal, at most.
LEAD_CONTRACTS = 6
LEAD_PROPOSALS = 4
#: The contract a lead's interest calls for (data.leads.deals.INTEREST_KINDS), with its months.
_LEAD_KINDS = {"parking": ("parking", 12), "cleaning": ("housekeeping", 12), "renovation": ("renovation", 3)}
_INTEREST_WORDS = {"rent": "租房", "buy": "买房", "parking": "车位租售", "cleaning": "家政保洁",
                   "renovation": "装修", "letting": "房屋托管", "shop": "商铺招商", "other": "其他需求"}
#: (kind, months, amounts to pick from, subjects).
_TERMS = {
    "parking": ((12, 6), ("3600", "4200", "1800", "2400"), ("B2-0{:02d} 地下车位", "B1-1{:02d} 地下车位")),
    "housekeeping": ((12, 6, 3), ("12800", "6600", "3600", "9600"),
                     ("每周两次日常保洁", "每周一次深度保洁", "月嫂服务（26天）", "钟点工每周三次")),
    "renovation": ((3, 4, 2), ("3000", "5000", "2000"),
                   ("厨卫翻新", "全屋翻新：水电改造、墙地面", "更换入户门和外窗", "阳台改造")),
    "other": ((12,), ("2400", "1200"), ("房屋托管：代收租金、看房、维修协调", "空置房巡检（每月两次）")),
}
_KIND_ORDER = (["parking"] * 13 + ["housekeeping"] * 9 + ["renovation"] * 6 + ["other"] * 2)
_TERMINATE_REASONS = ("业主卖房，双方协商解除", "业主搬走，提前终止", "服务人员调整，业主要求解除")
_PROPOSALS = (
    ("王先生", "房屋托管", "5-1-101、5-1-102", "1200"), ("刘女士", "车位租售", "B2-034", "300"),
    ("陈先生", "家政保洁", "", "800"), ("赵女士", "租房", "3-2-502", "0"),
)
#: The kinds as the timeline's note names them (Chinese, as the sample is).
_KIND_NAMES = {"parking": "车位租赁合同", "housekeeping": "家政服务合同", "renovation": "装修管理服务协议"}
_MOBILE = ("138", "139", "137", "135", "159", "186", "187", "152")

_COLUMNS = (
    "id, number, kind, status, template_id, community_id, room_id, person_id, party_name, "
    "party_phone, work_order_id, subject, details, amount, start_date, end_date, signed_on, "
    "owner_staff_id, closed_reason, file_name, file_sha256, rendered_at, renewal_for, "
    "renewal_call_id, created_by_id, created_at, updated_at, version")


def _months_later(day: dt.date, months: int) -> dt.date:
    """The last day of a term of `months` months starting on `day`."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    first = dt.date(year, month, 1)
    try:
        return first.replace(day=day.day) - dt.timedelta(days=1)
    except ValueError:  # 31 January + 1 month: the end of February
        return first.replace(day=28)


def contracts(b: Any) -> None:
    """Write the contracts, their history, the counters and the company's name."""
    _Contracts(b).run()


class _Contracts:
    def __init__(self, b: Any) -> None:
        self.b = b
        self.conn = b.conn
        self.today: dt.date = b.t.today
        self.rnd = random.Random(f"{b.seed}/contracts")
        staff = self.conn.execute("SELECT id, login, role FROM staff WHERE active = 1 ORDER BY id").fetchall()
        self.desk1 = next((i for i, login, _r in staff if login == "desk1"), None)
        self.desks = [i for i, _l, role in staff if role == "desk"] or [1]
        self.leads = [i for i, _l, role in staff if role in ("supervisor", "manager")] or self.desks
        self.rows: list[tuple] = []
        self.events: list[tuple] = []
        self.counters: dict[tuple[str, int], int] = {}
        #: (contract id, lead id, at, staff, timeline kind, note): the lead's timeline lines,
        #: written once the numbers are final (renumber).
        self.lead_links: list[tuple[int, int, str, int | None, str, str]] = []

    # -- helpers --

    def pick(self, seq):
        return seq[int(self.rnd.random() * len(seq))]

    def stamp(self, day: dt.date, hh: int | None = None) -> str:
        hour = hh if hh is not None else 9 + int(self.rnd.random() * 8)
        return f"{day.isoformat()} {hour:02d}:{int(self.rnd.random() * 60):02d}:00"

    def number(self, series: str, year: int) -> str:
        key = (series, year)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{series}-{year}-{self.counters[key]:04d}"

    def event(self, cid: int, at: str, staff: int | None, action: str, frm: str, to: str, note: str = "") -> None:
        self.events.append((len(self.events) + 1, cid, at, staff, action, frm, to, note))

    def owner(self, staff: int) -> int:
        # Most contracts are desk1's (the demo user sees the renewals), the rest shared.
        return self.desk1 if self.desk1 is not None and self.rnd.random() < 0.6 else staff

    # -- the run --

    def run(self) -> None:
        parties = self.conn.execute(
            "SELECT o.room_id, o.person_id, r.community_id, p.name, "
            "(SELECT number FROM phone WHERE person_id = p.id ORDER BY is_primary DESC, id LIMIT 1) "
            "FROM occupancy o JOIN room r ON r.id = o.room_id JOIN person p ON p.id = o.person_id "
            "WHERE o.role = 'owner' AND o.end_date IS NULL ORDER BY o.room_id, o.id LIMIT 4000").fetchall()
        if not parties:
            return
        self.rnd.shuffle(parties)
        seen: set[int] = set()
        chosen = [p for p in parties if not (p[0] in seen or seen.add(p[0]))][:len(_KIND_ORDER)]
        for n, party in enumerate(chosen):
            self.contract(n, _KIND_ORDER[n % len(_KIND_ORDER)], party)
        self.quotes()
        self.proposals()
        self.lead_contracts()
        self.lead_proposals()
        self.flush()
        self.b.say(f"contracts {len(self.rows)}")

    def contract(self, n: int, kind: str, party: tuple) -> None:
        room, person, community, name, phone = party
        months_choices, amounts, subjects = _TERMS[kind]
        months = self.pick(months_choices)
        # Four in force ending within 30 days; two signed to start soon; three drafts;
        # three terminated; the rest over the year, in force or run out by their dates.
        if n < 4:
            end = self.today + dt.timedelta(days=3 + 7 * n)
            start = end + dt.timedelta(days=1)
            start = dt.date(start.year - 1, start.month, min(start.day, 28)) if months == 12 else \
                _back(start, months)
            created = start - dt.timedelta(days=3)
            plan = "active"
        elif n < 6:
            created = self.today - dt.timedelta(days=4 + n)
            start = self.today + dt.timedelta(days=5 + n)
            plan = "signed"
        elif n < 9:
            created = self.today - dt.timedelta(days=n - 5)
            start = self.today + dt.timedelta(days=7 + n)
            plan = "draft"
        else:
            created = self.today - dt.timedelta(days=20 + int(self.rnd.random() * 330))
            start = created + dt.timedelta(days=2 + int(self.rnd.random() * 10))
            plan = "terminated" if n % 9 == 3 else "dated"
        end = _months_later(start, months) if n >= 4 else end
        if plan == "dated":
            plan = "expired" if end < self.today else ("active" if start <= self.today else "signed")
        if plan == "active" and end < self.today:
            plan = "expired"
        staff = self.pick(self.desks)
        cid = len(self.rows) + 1
        created_at = self.stamp(created)
        number = self.number("HT", created.year)
        subject = self.pick(subjects)
        if "{" in subject:
            subject = subject.format(1 + int(self.rnd.random() * 80))
        amount = Decimal(self.pick(amounts))
        signed_on = None
        closed = ""
        last = created_at
        self.event(cid, created_at, staff, "create", "", "draft", f"{amount}")
        status = "draft"
        if plan in ("signed", "active", "expired", "terminated"):
            signed_on = min(start, created + dt.timedelta(days=1 + int(self.rnd.random() * 2)))
            signed_on = max(signed_on, created)
            last = self.stamp(signed_on, 15)
            self.event(cid, last, staff, "sign", "draft", "signed", signed_on.isoformat())
            status = "signed"
            if start <= self.today and plan != "signed":
                last = self.stamp(start, 0) if start > signed_on else last
                self.event(cid, last, staff if start <= signed_on else None, "start", "signed", "active")
                status = "active"
        if plan == "expired":
            last = self.stamp(end + dt.timedelta(days=1), 0)
            self.event(cid, last, None, "expire", status, "expired")
            status = "expired"
        if plan == "terminated":
            day = min(self.today - dt.timedelta(days=1), start + dt.timedelta(days=30 + int(self.rnd.random() * 60)))
            day = max(day, created)
            closed = self.pick(_TERMINATE_REASONS)
            last = self.stamp(day, 16)
            self.event(cid, last, self.pick(self.leads), "terminate", status, "terminated", closed)
            status = "terminated"
        self.rows.append((
            cid, number, kind, status, None, community, room, person, name, phone or "", None,
            subject, "", str(amount), start.isoformat(), end.isoformat(),
            signed_on.isoformat() if signed_on else None, self.owner(staff), closed, "", "", None,
            None, None, staff, created_at, last, sum(1 for e in self.events if e[1] == cid)))

    def quotes(self) -> None:
        orders = self.conn.execute(
            "SELECT w.id, w.number, w.title, w.room_id, w.community_id, w.person_id, w.created_at, "
            "w.contact_phone FROM work_order w WHERE w.room_id IS NOT NULL AND EXISTS (SELECT 1 FROM "
            "cost_line c WHERE c.work_order_id = w.id AND c.payer = 'owner') ORDER BY w.id DESC LIMIT 4"
        ).fetchall()
        for order_id, _number, title, room, community, person, created, contact in orders:
            lines = [{"description": d, "kind": k, "quantity": str(Decimal(str(q))),
                      "unit_price": str(Decimal(str(p)).quantize(Decimal("0.01"))), "payer": "owner"}
                     for d, k, q, p in self.conn.execute(
                         "SELECT description, kind, quantity, unit_price FROM cost_line WHERE "
                         "work_order_id = ? AND payer = 'owner' ORDER BY id", (order_id,))]
            total = sum((Decimal(li["quantity"]) * Decimal(li["unit_price"])).quantize(Decimal("0.01"))
                        for li in lines)
            day = dt.date.fromisoformat(str(created)[:10])
            name = (self.conn.execute("SELECT name FROM person WHERE id = ?", (person,)).fetchone() or ("客户",))[0] \
                if person else "客户"
            staff = self.pick(self.desks)
            cid = len(self.rows) + 1
            at = self.stamp(day, 17)
            self.event(cid, at, staff, "create", "", "draft", str(total))
            status = "draft"
            if day < self.today - dt.timedelta(days=2):
                self.event(cid, self.stamp(day + dt.timedelta(days=1), 10), staff, "sign", "draft", "signed",
                           (day + dt.timedelta(days=1)).isoformat())
                status = "signed"
            self.rows.append((
                cid, self.number("BJ", day.year), "quote", status, None, community, room, person, name,
                contact or "", order_id, title, json.dumps({"lines": lines}, ensure_ascii=False),
                str(total), day.isoformat(), (day + dt.timedelta(days=30)).isoformat(),
                (day + dt.timedelta(days=1)).isoformat() if status == "signed" else None, staff, "", "",
                "", None, None, None, staff, at, at, 1))

    def proposals(self) -> None:
        for n, (name, interest, rooms, amount) in enumerate(_PROPOSALS):
            day = self.today - dt.timedelta(days=2 + 9 * n)
            staff = self.pick(self.desks)
            cid = len(self.rows) + 1
            at = self.stamp(day)
            phone = self.pick(_MOBILE) + f"{int(self.rnd.random() * 1e8):08d}"
            self.event(cid, at, staff, "create", "", "draft", amount)
            self.rows.append((
                cid, self.number("JY", day.year), "proposal", "draft", None, None, None, None, name,
                phone, None, interest, json.dumps({"interest": interest, "rooms": rooms}, ensure_ascii=False),
                amount, day.isoformat(), (day + dt.timedelta(days=30)).isoformat(), None, staff, "", "",
                "", None, None, None, staff, at, at, 1))

    # -- leads (data.leads.deals) --

    def _lead_party(self, lead: int, person: int | None, community: int | None) -> tuple:
        """(community, room, person, name, phone) of a lead's contract: its person and their
        room when it is a known person, else its name and first phone."""
        name, = self.conn.execute("SELECT name FROM lead WHERE id = ?", (lead,)).fetchone()
        phone = (self.conn.execute("SELECT number FROM lead_phone WHERE lead_id = ? ORDER BY id LIMIT 1",
                                   (lead,)).fetchone() or ("",))[0]
        room = None
        if person is not None:
            row = self.conn.execute(
                "SELECT o.room_id, r.community_id FROM occupancy o JOIN room r ON r.id = o.room_id "
                "WHERE o.person_id = ? AND o.end_date IS NULL ORDER BY (r.community_id = ?) DESC, o.id "
                "LIMIT 1", (person, community)).fetchone()
            if row is not None:
                room, community = row
            name = (self.conn.execute("SELECT name FROM person WHERE id = ?", (person,)).fetchone() or (name,))[0]
        return community, room, person, name, phone

    def _lead_subject(self, lead: int, interest: str, note: str) -> str:
        if interest == "parking":
            codes = [c for c, in self.conn.execute(
                "SELECT p.code FROM lead_interest i JOIN parking_space p ON p.id = i.parking_space_id "
                "WHERE i.lead_id = ? ORDER BY i.id", (lead,))]
            if codes:
                return "、".join(codes)
        return note or _INTEREST_WORDS.get(interest, interest)

    def lead_contracts(self) -> None:
        """Won leads of 车位租售, 家政保洁 and 装修 (not made a paid work order) became a contract
        the day after they were won: drafted, and signed since unless that was lately."""
        won = self.conn.execute(
            "SELECT id, interest, budget, community_id, person_id, owner_id, stage_since, note, converted_to "
            "FROM lead WHERE stage = 'won' AND converted_to IN ('', 'tenant') "
            "AND interest IN ('parking', 'cleaning', 'renovation') ORDER BY id").fetchall()
        for lead, interest, budget, community, person, owner, since, note, converted in won[:LEAD_CONTRACTS]:
            kind, months = _LEAD_KINDS[interest]
            won_day = dt.date.fromisoformat(str(since)[:10])
            created = min(won_day + dt.timedelta(days=1), self.today)
            start = created + dt.timedelta(days=1 + int(self.rnd.random() * 5))
            end = _months_later(start, months)
            community, room, person, name, phone = self._lead_party(lead, person, community)
            amount = Decimal(str(budget)) if budget is not None else Decimal(self.pick(_TERMS[kind][1]))
            staff = owner or self.pick(self.desks)
            cid = len(self.rows) + 1
            at = self.stamp(created, 8 if created >= self.today else None)  # never after now (09:00)
            self.event(cid, at, staff, "create", "", "draft", f"{amount:.2f} · 来自潜在客户 #{lead} {name}")
            status, signed_on, last = "draft", None, at
            if created < self.today - dt.timedelta(days=3):
                signed_on = created + dt.timedelta(days=1)
                last = self.stamp(signed_on, 15)
                self.event(cid, last, staff, "sign", "draft", "signed", signed_on.isoformat())
                status = "signed"
                if start <= self.today:
                    last = self.stamp(max(start, signed_on), 15)
                    self.event(cid, last, None if start > signed_on else staff, "start", "signed", "active")
                    status = "active"
                if end < self.today:
                    last = self.stamp(end + dt.timedelta(days=1), 0)
                    self.event(cid, last, None, "expire", status, "expired")
                    status = "expired"
            self.rows.append((
                cid, self.number("HT", created.year), kind, status, None, community, room, person, name,
                phone, None, self._lead_subject(lead, interest, note), json.dumps({"lead": lead}),
                f"{amount:.2f}", start.isoformat(), end.isoformat(),
                signed_on.isoformat() if signed_on else None, staff, "", "", "", None, None, None, staff, at,
                last, sum(1 for e in self.events if e[1] == cid)))
            self.lead_links.append((cid, lead, at, staff, "convert", "contract" if not converted else ""))

    def lead_proposals(self) -> None:
        """Leads of a paid service at 已报价 were sent a proposal the day they got there."""
        quoted = self.conn.execute(
            "SELECT id, name, interest, budget, community_id, owner_id, stage_since, note FROM lead "
            "WHERE stage = 'quoted' AND interest IN ('parking', 'cleaning', 'renovation', 'letting') "
            "ORDER BY id").fetchall()
        for lead, name, interest, budget, _community, owner, since, note in quoted[:LEAD_PROPOSALS]:
            day = min(dt.date.fromisoformat(str(since)[:10]), self.today)
            phone = (self.conn.execute("SELECT number FROM lead_phone WHERE lead_id = ? ORDER BY id LIMIT 1",
                                       (lead,)).fetchone() or ("",))[0]
            rooms = "、".join(c for c, in self.conn.execute(
                "SELECT COALESCE(r.code, p.code) FROM lead_interest i LEFT JOIN room r ON r.id = i.room_id "
                "LEFT JOIN parking_space p ON p.id = i.parking_space_id WHERE i.lead_id = ? ORDER BY i.id",
                (lead,)))
            amount = f"{Decimal(str(budget)):.2f}" if budget is not None else "0.00"
            words = _INTEREST_WORDS.get(interest, interest)
            staff = owner or self.pick(self.desks)
            cid = len(self.rows) + 1
            at = str(since)[:19] if len(str(since)) >= 19 else self.stamp(day)
            self.event(cid, at, staff, "create", "", "draft", f"{amount} · 来自潜在客户 #{lead} {name}")
            self.rows.append((
                cid, self.number("JY", day.year), "proposal", "draft", None, _community, None, None, name,
                phone, None, self._lead_subject(lead, interest, note),
                json.dumps({"interest": words, "rooms": rooms, "lead": lead}, ensure_ascii=False),
                amount, day.isoformat(), (day + dt.timedelta(days=30)).isoformat(), None, staff, "", "",
                "", None, None, None, staff, at, at, 1))
            self.lead_links.append((cid, lead, at, staff, "proposal", f"{amount} 元"))

    def link_leads(self) -> None:
        """The leads' timeline lines naming their contracts (the numbers are final now); a
        won lead not converted yet is now converted into its contract."""
        numbers = {r[0]: r[1] for r in self.rows}
        kinds = {r[0]: r[2] for r in self.rows}
        lines = []
        for cid, lead, at, staff, what, extra in self.lead_links:
            if what == "convert":
                lines.append((lead, at, staff, "convert", "contract", "", numbers[cid],
                              _KIND_NAMES.get(kinds[cid], "")))
                if extra:
                    self.conn.execute("UPDATE lead SET converted_to = 'contract', converted_at = ? "
                                      "WHERE id = ? AND converted_to = ''", (at, lead))
            else:
                lines.append((lead, at, staff, "proposal", "", "", numbers[cid], extra))
        self.conn.executemany(
            "INSERT INTO lead_event (lead_id, at, staff_id, kind, code, from_value, to_value, note) "
            "VALUES (?,?,?,?,?,?,?,?)", lines)

    def renumber(self) -> None:
        """Numbers in the order the contracts were made, within each series and year (they
        were drawn in the order they were planned)."""
        rows = sorted(self.rows, key=lambda r: (r[1].split("-")[0], r[1].split("-")[1], r[25], r[0]))
        counters: dict[tuple[str, str], int] = {}
        numbers = {}
        for row in rows:
            series, year, _n = row[1].split("-")
            counters[series, year] = counters.get((series, year), 0) + 1
            numbers[row[0]] = f"{series}-{year}-{counters[series, year]:04d}"
        self.rows = [(r[0], numbers[r[0]], *r[2:]) for r in self.rows]

    def flush(self) -> None:
        self.renumber()
        self.link_leads()
        conn = self.conn
        marks = ", ".join("?" * len(_COLUMNS.split(",")))
        conn.executemany(f"INSERT INTO contract ({_COLUMNS}) VALUES ({marks})", self.rows)
        conn.executemany(
            "INSERT INTO contract_event (id, contract_id, at, staff_id, action, from_status, to_status, note) "
            "VALUES (?,?,?,?,?,?,?,?)", self.events)
        conn.executemany("INSERT INTO contract_counter (series, year, last_number) VALUES (?,?,?)",
                         [(s, y, n) for (s, y), n in sorted(self.counters.items())])
        conn.execute("INSERT INTO setting (key, value, updated_by_id, updated_at) VALUES (?,?,?,?)",
                     ("company_name", COMPANY, None, self.b.anchor))


def _back(day: dt.date, months: int) -> dt.date:
    """`day` moved back by `months` months (the 28th at most, so every month has it)."""
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))

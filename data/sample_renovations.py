"""Renovation permits of the demo database (issue 16 item 2): about 1 % of the rooms with a
permit over the last year, in every state, plus an in-progress permit for every room in
the state 装修中; inspections with some warnings, and one violation (a waterproofing layer
broken, water through the ceiling below) that opened a work order of its own (one order
more than data.sample writes); accepted permits with
their deposits refunded, one with a deduction. Deterministic from the seed.

Called by data.sample's `_Builder.run()` with the builder: raw SQL inserts on `b.conn`,
times from `b.t` (relative seconds, `t.at(day, hh, mm)`, `t.fmt`, `t.date`)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

#: Contractors (施工单位) and their phones' first digits.
_CONTRACTORS = (
    "美家装饰工程有限公司", "东易日盛家居装饰", "业之峰装饰", "金螳螂家装", "沪佳装饰",
    "圣都装饰", "名雕装饰", "华浔品味装饰", "申远空间设计", "个人施工队（刘师傅）",
)
#: (scope, deposit in yuan).
_SCOPES = (
    ("全屋翻新：水电改造、墙地面、吊顶、橱柜", 5000),
    ("厨房、卫生间翻新，更换地砖和洁具", 3000),
    ("卫生间防水重做，更换洁具", 3000),
    ("墙面铲除重刷乳胶漆，更换踢脚线", 2000),
    ("客厅、卧室铺设实木地板", 2000),
    ("更换入户门和外窗（不改变外立面）", 2000),
    ("阳台改造：铺地砖、安装晾衣架", 2000),
)
_WORKER_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_WORKER_GIVEN = ("师傅", "建华", "国强", "德明", "海军", "春生", "志勇", "小龙", "永福", "长江")
_MOBILE = ("138", "139", "137", "135", "159", "186", "187", "152", "177", "133")
_WARNINGS = (
    "午休时间（12:00–14:00）施工噪音，已口头提醒",
    "建筑垃圾堆放在楼道，已要求当天清运",
    "施工人员未佩戴出入证",
    "电梯未做保护，已要求铺设保护板",
    "周六上午有电钻作业，已提醒休息日不得施工",
)
_OK_FINDINGS = ("现场整洁，按方案施工", "水电改造符合规范", "消防设施未遮挡，施工有序", "")
_REJECT_REASONS = ("方案涉及拆改承重墙，不予批准", "申请人非产权人，且未提供业主授权书")
_CANCEL_REASONS = ("业主决定暂缓装修", "业主更换施工单位，将重新申请")
#: The state of every other permit, cycled so that each state appears (then by weight).
_STATES = ("refunded", "accepted", "awaiting_acceptance", "in_progress", "approved",
           "applied", "rejected", "cancelled")
_STATE_WEIGHTS = (40, 10, 10, 10, 10, 8, 6, 6)

_PERMIT_COLUMNS = (
    "id, number, community_id, room_id, applicant_id, contractor, contractor_phone, scope, "
    "start_date, end_date, workday_hours, rest_day_hours, deposit, deposit_received_at, "
    "deposit_received_by_id, rules_acknowledged, rules_acknowledged_at, status, applied_at, "
    "applied_by_id, approved_at, approved_by_id, started_at, finished_at, acceptance_result, "
    "acceptance_notes, accepted_at, accepted_by_id, refunded_amount, deduction_reason, "
    "refunded_at, refunded_by_id, closed_reason, room_state_before, updated_at, version, "
    "deposit_receipt, refund_receipt")  # the receipts: data.sample_fees numbers them
_DEFAULT_HOURS = "08:00-12:00,14:00-18:00"


def _insert(conn, table: str, columns: str, rows: list[tuple]) -> None:
    if rows:
        marks = ", ".join("?" * len(columns.split(",")))
        conn.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)


def renovations(b: Any) -> None:
    """Write the permits, their workers, inspections and history (see the module docstring)."""
    _Renovations(b).run()


class _Renovations:
    def __init__(self, b: Any) -> None:
        self.b = b
        self.conn = b.conn
        self.t = b.t
        self.rnd = random.Random(f"{b.seed}/renovations")
        staff = self.conn.execute("SELECT id, role FROM staff WHERE active = 1 ORDER BY id").fetchall()
        self.desks = [i for i, role in staff if role == "desk"] or [1]
        self.leads = [i for i, role in staff if role in ("supervisor", "manager")] or [1]
        self.techs = [i for i, role in staff if role == "tech"] or self.desks
        self.permits: list[tuple] = []
        self.workers: list[tuple] = []
        self.inspections: list[tuple] = []
        self.events: list[tuple] = []
        self.numbers: dict[str, int] = {}
        self.used_rooms: set[int] = set()
        self.orders: dict[int, tuple[int, str]] = {}  # permit → the work order its violation opened

    # -- helpers --

    def at(self, day: int, hh: int, mm: int = 0) -> str:
        return self.t.fmt(self.t.at(day, hh, mm))

    def date(self, day: int) -> str:
        return self.t.date(self.t.at(day, 12))

    def pick(self, seq):
        return seq[int(self.rnd.random() * len(seq))]

    def phone(self) -> str:
        return self.pick(_MOBILE) + f"{int(self.rnd.random() * 1e8):08d}"

    def number(self, day: int) -> str:
        prefix = f"ZXXK-{self.date(day).replace('-', '')}-"
        self.numbers[prefix] = self.numbers.get(prefix, 0) + 1
        return f"{prefix}{self.numbers[prefix]:04d}"

    def event(self, pid: int, when: str, staff: int, action: str, frm: str, to: str, note: str = "") -> None:
        self.events.append((len(self.events) + 1, pid, when, staff, action, frm, to, note))

    def inspection(self, pid: int, when: str, inspector: int, findings: str, result: str,
                   status: str, order: int | None = None, order_number: str = "") -> None:
        self.inspections.append((len(self.inspections) + 1, pid, when, inspector, findings, result,
                                 int(order is not None), order, inspector, when))
        label = {"ok": "正常", "warning": "警告", "violation": "违规"}[result]
        note = f"{label}: {findings}" if findings else label
        self.event(pid, when, inspector, "inspect", status, status,
                   note + (f" → {order_number}" if order_number else ""))

    # -- the run --

    def run(self) -> None:
        conn = self.conn
        renovating = [row for row in conn.execute(
            "SELECT id, community_id FROM room WHERE state = 'renovating' ORDER BY id")]
        owners = conn.execute(
            "SELECT o.room_id, o.person_id, r.community_id FROM occupancy o "
            "JOIN room r ON r.id = o.room_id WHERE o.role = 'owner' AND o.end_date IS NULL "
            "AND r.state IN ('occupied', 'rented') ORDER BY o.room_id, o.is_primary_contact DESC, o.id"
        ).fetchall()
        owner_of: dict[int, int] = {}
        by_community: dict[int, list[int]] = {}
        for room, person, community in owners:
            if room not in owner_of:
                owner_of[room] = person
                by_community.setdefault(community, []).append(person)
        violation = self.violation_order(owner_of)
        if violation is not None:
            self.violation_permit(*violation)
        # Every room being renovated has its works in progress, applied for by its owner.
        for room, community in renovating:
            self.used_rooms.add(room)
            applicant = self.owner_for_renovating(room, community, by_community)
            started = -5 - int(self.rnd.random() * 75)
            self.permit(room, community, applicant, "in_progress", started - 7 - int(self.rnd.random() * 5),
                        state_before="vacant")
        rooms = int(conn.execute("SELECT count(*) FROM room").fetchone()[0])
        others = max(len(_STATES), rooms // 100)
        candidates = [room for room in owner_of if room not in self.used_rooms]
        self.rnd.shuffle(candidates)
        community_of = dict(conn.execute("SELECT id, community_id FROM room").fetchall())
        for n, room in enumerate(candidates[:others]):
            state = _STATES[n] if n < len(_STATES) else self.rnd.choices(_STATES, _STATE_WEIGHTS)[0]
            self.used_rooms.add(room)
            self.permit(room, community_of[room], owner_of[room], state, self.applied_day(state))
        self.flush()
        self.b.say(f"renovation permits {len(self.permits)}")

    def flush(self) -> None:
        conn = self.conn
        _insert(conn, "renovation", _PERMIT_COLUMNS, self.permits)
        _insert(conn, "renovation_worker", "id, renovation_id, name, phone, id_tail", self.workers)
        _insert(conn, "renovation_inspection",
                "id, renovation_id, at, inspector_id, findings, result, needs_repair, "
                "work_order_id, created_by_id, created_at", self.inspections)
        _insert(conn, "renovation_event",
                "id, renovation_id, at, staff_id, action, from_status, to_status, note", self.events)

    def applied_day(self, state: str) -> int:
        r = self.rnd.random()
        return {
            "refunded": -360 + int(r * 230),  # -360 … -130
            "accepted": -110 + int(r * 15),
            "awaiting_acceptance": -95 + int(r * 10),
            "in_progress": -60 + int(r * 40),
            "approved": -8 + int(r * 4),
            "applied": -3 + int(r * 2),
            "rejected": -200 + int(r * 170),
            "cancelled": -150 + int(r * 120),
        }[state]

    def owner_for_renovating(self, room: int, community: int, by_community: dict[int, list[int]]) -> int | None:
        """The owner of a room being renovated: the one on record, else an owner of another
        flat of the community who bought this one (an owner occupancy is added)."""
        row = self.conn.execute("SELECT person_id, is_primary_contact FROM occupancy WHERE room_id = ? "
                                "AND role = 'owner' AND end_date IS NULL", (room,)).fetchone()
        if row:
            return int(row[0])
        people = by_community.get(community) or [p for ps in by_community.values() for p in ps]
        if not people:
            return None
        person = self.pick(people)
        lived = self.conn.execute("SELECT count(*) FROM occupancy WHERE room_id = ? AND end_date IS NULL",
                                  (room,)).fetchone()[0]
        bought = self.date(-120 - int(self.rnd.random() * 400))
        self.conn.execute("INSERT INTO occupancy (person_id, room_id, role, start_date, end_date, "
                          "is_primary_contact) VALUES (?, ?, 'owner', ?, NULL, ?)",
                          (person, room, bought, 0 if lived else 1))
        return person

    # -- one permit --

    def permit(self, room: int, community: int, applicant: int | None, state: str, applied: int, *,
               state_before: str = "occupied", inspections: list[tuple[int, str, str]] | None = None,
               deduction: tuple[int, str] | None = None, scope: tuple[str, int] | None = None) -> int:
        """One permit of `state`, applied for `applied` days from today, with the history of
        every step up to that state. Returns its id."""
        rnd = self.rnd
        pid = len(self.permits) + 1
        scope, deposit = scope or self.pick(_SCOPES)
        length = 30 + int(rnd.random() * 60) if deposit < 5000 else 75 + int(rnd.random() * 45)
        start = applied + 3 + int(rnd.random() * 5)
        if state == "in_progress":
            start = min(start, -2)
            length = max(length, 10 - start)
        elif state == "awaiting_acceptance":
            length = max(5, -3 - start - int(rnd.random() * 5))
        elif state == "accepted":
            length = min(length, -12 - start)
        elif state == "refunded":
            length = max(10, min(length, -8 - start))
        end = start + length
        desk, lead = self.pick(self.desks), self.pick(self.leads)
        workday, rest_day = _DEFAULT_HOURS, ""
        if rnd.random() < 0.15:
            rest_day = "09:00-12:00"  # light works on weekend mornings, agreed with neighbours
        elif rnd.random() < 0.1:
            workday = "08:30-11:30,14:00-17:30"
        contractor = self.pick(_CONTRACTORS)
        applied_at = self.at(applied, 9 + int(rnd.random() * 7), int(rnd.random() * 60))
        paid = state not in ("applied", "rejected")
        row: dict[str, Any] = {
            "status": state, "applied_at": applied_at, "approved_at": None, "approved_by": None,
            "started_at": None, "finished_at": None, "acceptance_result": "", "acceptance_notes": "",
            "accepted_at": None, "accepted_by": None, "refunded_amount": None, "deduction_reason": "",
            "refunded_at": None, "refunded_by": None, "closed_reason": "", "room_state_before": "",
        }
        notes = [f"{self.date(start)} – {self.date(end)}", contractor]
        if paid:
            notes += [f"已收押金 {deposit}.00 元", "已签装修管理规定"]
        self.event(pid, applied_at, desk, "apply", "", "applied", " · ".join(notes))
        last = applied_at
        status = "applied"

        def step(day: int, hh: int, staff: int, action: str, to: str, note: str = "") -> str:
            nonlocal status, last
            when = self.at(min(day, -1), hh, int(rnd.random() * 60))  # never after yesterday
            when = max(when, last)
            self.event(pid, when, staff, action, status, to, note)
            status, last = to, when
            return when

        if state == "rejected":
            step(applied + 1, 10, lead, "reject", "rejected", self.pick(_REJECT_REASONS))
            row["closed_reason"] = self.events[-1][7]
        elif state != "applied":
            row["approved_at"] = step(applied + 1 + int(rnd.random() * 2), 10, lead, "approve", "approved")
            row["approved_by"] = lead
        if state == "cancelled":
            step(min(start - 1, -1), 11, desk, "cancel", "cancelled", self.pick(_CANCEL_REASONS))
            row["closed_reason"] = self.events[-1][7]
            if rnd.random() < 0.7:
                row["refunded_at"] = step(min(start + 2, -1), 15, lead, "refund", "cancelled",
                                          f"退还押金 {deposit}.00 元（共 {deposit}.00 元）")
                row["refunded_amount"], row["refunded_by"] = deposit, lead
        if state in ("in_progress", "awaiting_acceptance", "accepted", "refunded"):
            row["started_at"] = step(start, 8, desk, "start", "in_progress")
            row["room_state_before"] = state_before
            last_day = min(end, -1)
            plan = inspections if inspections is not None else self.plan_inspections(start, last_day)
            for day, result, findings in plan:
                when = self.at(day, 9 + int(rnd.random() * 8), int(rnd.random() * 60))
                if when <= last:
                    continue
                order, order_number = self.orders.get(pid, (None, ""))
                self.inspection(pid, when, self.pick(self.techs), findings, result, "in_progress",
                                order if result == "violation" else None,
                                order_number if result == "violation" else "")
                last = when
        if state in ("awaiting_acceptance", "accepted", "refunded"):
            finish_day = min(end, -2)
            row["finished_at"] = step(finish_day, 17, desk, "finish", "awaiting_acceptance")
        if state in ("accepted", "refunded"):
            accept_day = min(end + 3 + int(rnd.random() * 7), -1)
            if state == "refunded" and rnd.random() < 0.15:
                step(accept_day, 10, lead, "accept", "in_progress", "未通过: 卫生间闭水试验渗漏，需返工")
                step(accept_day + 3, 17, desk, "finish", "awaiting_acceptance")
                accept_day += 5
            row["accepted_at"] = step(min(accept_day, -1), 10, lead, "accept", "accepted", "通过")
            row["accepted_by"], row["acceptance_result"] = lead, "passed"
        if state == "refunded":
            kept, reason = deduction if deduction else (0, "")
            back = deposit - kept
            note = f"退还押金 {back}.00 元（共 {deposit}.00 元）" + (f": {reason}" if reason else "")
            row["refunded_at"] = step(min(accept_day + 1 + int(rnd.random() * 5), -1), 15, lead,
                                      "refund", "refunded", note)
            row["refunded_amount"], row["refunded_by"], row["deduction_reason"] = back, lead, reason
        for n in range(2 + int(rnd.random() * 3)):
            name = self.pick(_WORKER_SURNAMES) + self.pick(_WORKER_GIVEN)
            tail = f"{int(rnd.random() * 1000):03d}" + self.pick("0123456789X")
            self.workers.append((len(self.workers) + 1, pid, name, self.phone(), tail if n < 2 else ""))
        self.permits.append((
            pid, self.number(applied), community, room, applicant, contractor, self.phone(), scope,
            self.date(start), self.date(end), workday, rest_day, f"{deposit}.00",
            applied_at if paid else None, desk if paid else None, int(paid), applied_at if paid else None,
            state, applied_at, desk, row["approved_at"], row["approved_by"], row["started_at"],
            row["finished_at"], row["acceptance_result"], row["acceptance_notes"], row["accepted_at"],
            row["accepted_by"], f"{row['refunded_amount']}.00" if row["refunded_amount"] is not None else None,
            row["deduction_reason"], row["refunded_at"], row["refunded_by"], row["closed_reason"],
            row["room_state_before"], last, len([e for e in self.events if e[1] == pid]), "", "",
        ))
        return pid

    def plan_inspections(self, start: int, last_day: int) -> list[tuple[int, str, str]]:
        if last_day <= start:
            return []
        plan = []
        for _n in range(1 + int(self.rnd.random() * 3)):
            day = start + 1 + int(self.rnd.random() * max(1, last_day - start))
            if self.rnd.random() < 0.25:
                plan.append((day, "warning", self.pick(_WARNINGS)))
            else:
                plan.append((day, "ok", self.pick(_OK_FINDINGS)))
        return sorted(plan)

    # -- the violation --

    def violation_order(self, owner_of: dict[int, int]) -> tuple[int, int, int, str] | None:
        """Where and when the violation was found: an existing leak order 30–200 days ago
        (the flat below reported water through its ceiling), the renovation in the owned
        flat directly above it (else in that flat itself). Returns (room, community, day,
        the time the patrol found it: two hours after the leak was reported)."""
        leak = self.b.categories.get("plumbing.leak", (None, None))[0]
        rows = self.conn.execute(
            "SELECT id, room_id, community_id, created_at FROM work_order "
            "WHERE kind = 'repair' AND room_id IS NOT NULL AND status = 'closed' "
            "AND created_at >= ? AND created_at < ? AND substr(created_at, 12, 2) BETWEEN '09' AND '16' "
            "ORDER BY (category_id = ?) DESC, id",
            (self.at(-200, 0), self.at(-30, 0), leak)).fetchall()
        fallback = None
        for _order, room, community, created in rows:
            found = dt.datetime.fromisoformat(created[:19]) + dt.timedelta(hours=2)
            day = found.date().toordinal() - self.t.today.toordinal()
            above = self.conn.execute(
                "SELECT up.id FROM room r JOIN room up ON up.building_id = r.building_id "
                "AND up.entrance_id = r.entrance_id AND up.floor = r.floor + 1 "
                "AND CAST(up.number AS INTEGER) % 100 = CAST(r.number AS INTEGER) % 100 "
                "WHERE r.id = ? ORDER BY up.id", (room,)).fetchall()
            for (up,) in above:
                if up in owner_of and up not in self.used_rooms:
                    return up, community, day, found.strftime("%Y-%m-%d %H:%M:%S")
            if fallback is None and room in owner_of:
                fallback = (room, community, day, found.strftime("%Y-%m-%d %H:%M:%S"))
        return fallback

    def violation_permit(self, room: int, community: int, day: int, found: str) -> None:
        """A permit whose inspection found the bathroom's waterproofing broken: the violation
        opened a work order of its own (the patrol's, closed after the repair), the deposit
        refunded less 1000 yuan."""
        owner = self.conn.execute("SELECT person_id FROM occupancy WHERE room_id = ? AND role = 'owner' "
                                  "AND end_date IS NULL ORDER BY id LIMIT 1", (room,)).fetchone()[0]
        self.used_rooms.add(room)
        pid = len(self.permits) + 1
        order = int(self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM work_order").fetchone()[0])
        prefix = f"BX-{found[:10].replace('-', '')}-"
        last = self.conn.execute("SELECT max(number) FROM work_order WHERE number LIKE ?",
                                 (prefix + "%",)).fetchone()[0]
        number = f"{prefix}{(int(last.rsplit('-', 1)[1]) if last else 0) + 1:04d}"
        self.orders = {pid: (order, number)}
        findings = "擅自破坏卫生间防水层，楼下天花板渗水"
        applied = day - 20
        self.permit(room, community, owner, "refunded", applied, inspections=[
            (day - 8, "warning", "建筑垃圾堆放在楼道，已要求当天清运"), (day, "violation", findings)],
            deduction=(1000, "破坏防水层，楼下天花板修复费用"), scope=_SCOPES[1])
        tech = self.b.bld_tech[self.b.room_bld[room]]
        # The inspection's time and inspector are the order's: the building's technician on
        # the patrol opened it there and then.
        for n, row in enumerate(self.inspections):
            if row[1] == pid and row[5] == "violation":
                self.inspections[n] = (*row[:2], found, tech, *row[4:8], tech, found)
        for n, row in enumerate(self.events):
            if row[1] == pid and row[4] == "inspect" and number in row[7]:
                self.events[n] = (*row[:2], found, tech, *row[4:])
        permit_number = self.permits[-1][1]
        self.add_order(order, number, room, community, owner, tech, found, permit_number, findings)

    def add_order(self, order: int, number: str, room: int, community: int, owner: int, tech: int,
                  found: str, permit_number: str, findings: str) -> None:
        """The patrol's work order for the violation: urgent, repaired by the building's
        technician, the owner called back, closed — with its history, as data.workorders
        would have written it."""
        from data.sla import DEFAULT_SLA

        sla = DEFAULT_SLA[("repair", "urgent")]
        t0 = dt.datetime.fromisoformat(found)
        desk = self.b.comm_desk[community]
        assigned = t0 + dt.timedelta(minutes=5)
        started = t0 + dt.timedelta(minutes=40)
        resolved = t0 + dt.timedelta(days=1, hours=3)
        callback = resolved + dt.timedelta(days=1)
        closed = callback + dt.timedelta(hours=2)

        def at(value: dt.datetime) -> str:
            return value.strftime("%Y-%m-%d %H:%M:%S")

        names = dict(self.conn.execute("SELECT id, name FROM staff").fetchall())
        steps = [
            (t0, tech, "create", "", "new", "巡查发现"),
            (assigned, desk, "assign", "new", "assigned", f"派单给{names.get(tech, '')}"),
            (started, tech, "start", "assigned", "in_progress", "已到现场，要求施工方停工"),
            (resolved, tech, "resolve", "in_progress", "resolved", "督促施工方重做防水层，闭水试验48小时合格"),
            (callback, desk, "callback", "resolved", "visited", "回访满意度4分"),
            (closed, desk, "close", "visited", "closed", "回访完成，工单关闭"),
        ]
        title = f"装修违规 {permit_number}: {findings}"
        description = f"{findings}\n装修许可 {permit_number}，房屋 {self.b.room_code[room]}。"
        self.conn.execute(
            "INSERT INTO work_order (id, number, kind, category_id, priority, channel, status, title, "
            "description, community_id, building_id, room_id, location, person_id, contact_phone, "
            "assignee_id, created_by_id, created_at, updated_at, appointment_at, response_due, "
            "resolution_due, responded_at, resolved_at, closed_at, hold_since, held_minutes, "
            "escalation_level, rating, callback_comment, callback_by_id, callback_at, merged_into_id, "
            "version) VALUES (?, ?, 'repair', ?, 'urgent', 'patrol', 'closed', ?, ?, ?, ?, ?, '', ?, ?, "
            "?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, NULL, 0, 0, 4, ?, ?, ?, NULL, ?)",
            (order, number, self.b.categories["plumbing.leak"][0], title, description, community,
             self.b.room_bld[room], room, owner, self.b.person_mobile[owner], tech, tech, at(t0),
             at(closed), at(t0 + dt.timedelta(minutes=sla.response_minutes)),
             at(t0 + dt.timedelta(minutes=sla.resolution_minutes)), at(started), at(resolved),
             at(closed), "处理及时，楼下已不再渗水", desk, at(callback), len(steps)))
        first = int(self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM work_order_history").fetchone()[0])
        self.conn.executemany(
            "INSERT INTO work_order_history (id, work_order_id, staff_id, at, action, from_status, "
            "to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(first + n, order, staff, at(when), action, frm, to, note)
             for n, (when, staff, action, frm, to, note) in enumerate(steps)])

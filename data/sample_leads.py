"""Leads (潜在客户) of the demo database (issue 17): about 150 over the last year, from every
source, of every interest, in every stage, each with its timeline — contacts, stage changes,
losses with their reasons, wins, some converted into a tenant of the room they took or into
a paid work order — the open ones with follow-ups (tasks in the owner's calendar) due
today, overdue and ahead; a few free parking spaces to offer, and two assignment rules.

Called by data.sample's `_Builder.run` with the builder (its connection, times, seed);
deterministic from the seed. It writes plain SQL, as the rest of the generator does."""

from __future__ import annotations

import random
from typing import Any

#: Leads generated (a few more come from the conversions of existing tenants and orders).
LEADS = 150
_DAY = 86_400

_SOURCES = (("phone", 35), ("visit", 20), ("referral", 13), ("online", 20), ("owner", 12))
_INTERESTS = (("rent", 25), ("buy", 9), ("parking", 12), ("cleaning", 15), ("renovation", 15),
              ("letting", 9), ("shop", 8), ("other", 7))
_REASONS = (("price", 30), ("elsewhere", 22), ("place", 14), ("no_need", 12), ("unreachable", 14),
            ("timing", 8))
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
          "超", "秀英", "霞", "平", "刚", "桂英", "建华", "晓东", "思远", "雨桐", "子涵", "浩然", "佳怡", "欣怡")
_MOBILES = ("135", "136", "137", "138", "139", "150", "151", "158", "159", "177", "180", "186", "188", "199")
_COMPANIES = ("餐饮管理", "便利店", "教育咨询", "美容美发", "生鲜超市", "药房", "咖啡")
_NEEDS = {
    "rent": ("想租两房，月底前入住", "一家三口，想租小区内的三房", "公司外派，想租一年", "想租带车位的房子"),
    "buy": ("想买小区二手房，学区房优先", "改善型需求，想换大三房", "给父母买房，想要低楼层"),
    "parking": ("想租地下车位，月租", "新买了车，想买个产权车位", "想长租离电梯近的车位"),
    "cleaning": ("每周一次日常保洁", "新房开荒保洁", "老人家需要钟点工", "空调、油烟机清洗"),
    "renovation": ("厨房卫生间翻新", "整屋装修，想找物业推荐的施工队", "阳台封窗、防水", "墙面翻新刷漆"),
    "letting": ("房子空着，想委托物业出租", "出国一年，房子托管", "想委托物业代收租金、管理"),
    "shop": ("想在底商开一家{company}", "商铺招商咨询，{company}", "想租沿街商铺做{company}"),
    "other": ("咨询搬家服务", "想办理房屋代办过户咨询", "询问快递代收服务"),
}
_CONTACTS = {
    "contacted": ("电话联系上，约了看房时间", "加了微信，发了房源照片", "到物业中心面谈，了解需求"),
    "interested": ("看房后比较满意，考虑中", "对价格有兴趣，想再比较一下", "家人也来看过，基本认可"),
    "quoted": ("报价已发，等客户确认", "发了报价单和服务协议", "按客户要求调整了报价"),
    "won": ("客户确认成交，约好签约", "已签约，安排入住", "客户付了定金"),
}
_LOST_NOTES = {"price": "预算不够", "elsewhere": "选了附近中介的房源", "place": "房源不符合要求",
               "no_need": "家里情况变了，不需要了", "unreachable": "多次电话未接通",
               "timing": "明年再考虑"}
_CHANNELS = ("call", "call", "call", "visit", "message")
#: Days a lead stays in each stage before it moves (a range), by stage.
_GAPS = {"new": (0.1, 3), "contacted": (1, 10), "interested": (2, 15), "quoted": (1, 12)}
_LOSE = {"new": 0.15, "contacted": 0.2, "interested": 0.25, "quoted": 0.3}
_PIPELINE = ("new", "contacted", "interested", "quoted", "won")
_SUPER, _DESK3 = 2, 6


def _office(at: int, salt: int) -> int:
    """`at` (seconds from today 09:00) moved into office hours (08:30–18:30) of its day."""
    day, second = divmod(at + 9 * 3600, _DAY)
    if 8 * 3600 + 1800 <= second <= 18 * 3600 + 1800:
        return at
    return day * _DAY - 9 * 3600 + 9 * 3600 + (salt * 7919) % (9 * 3600)


def _pick(rnd: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rnd.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


class _Leads:
    """One run: the random stream, the row buffers and the ids."""

    def __init__(self, b: Any) -> None:
        self.b = b
        self.conn = b.conn
        self.t = b.t
        self.rnd = random.Random(f"{b.seed}/leads")
        self.lead_rows: list[tuple] = []
        self.phone_rows: list[tuple] = []
        self.interest_rows: list[tuple] = []
        self.event_rows: list[tuple] = []
        self.task_rows: list[tuple] = []
        self.attendee_rows: list[tuple] = []
        self.next_event = (self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM event").fetchone()[0]) + 1
        self.next_attendee = (self.conn.execute(
            "SELECT COALESCE(MAX(id), 0) FROM event_attendee").fetchone()[0]) + 1
        self.lid = 0
        self.created: dict[int, int] = {}

    # --- what the property gives --------------------------------------------------------------

    def read_property(self) -> None:
        conn = self.conn
        self.communities = [cid for cid, _name in self.b.communities]
        self.vacant: dict[int, list[int]] = {}
        for rid, cid in conn.execute("SELECT id, community_id FROM room WHERE state = 'vacant' ORDER BY id"):
            self.vacant.setdefault(cid, []).append(rid)
        # Free spaces to offer (待租车位): a few per community of the first five, nobody's yet.
        made = conn.execute("SELECT COALESCE(MAX(id), 0) FROM parking_space").fetchone()[0]
        spaces = []
        for cid in self.communities[:5]:
            for k in range(6):
                made += 1
                spaces.append((made, cid, f"B1-{900 + k:03d}", "rented", None, None, "", "待租车位",
                               self.t.fmt(-200 * _DAY)))
        conn.executemany("INSERT INTO parking_space (id, community_id, code, kind, area_m2, holder_id, "
                         "plate, note, created_at) VALUES (?,?,?,?,?,?,?,?,?)", spaces)
        self.free_spaces: dict[int, list[int]] = {}
        for sid, cid, *_rest in spaces:
            self.free_spaces.setdefault(cid, []).append(sid)
        self.owners = conn.execute(
            "SELECT o.person_id, r.community_id, p.number FROM occupancy o JOIN room r ON r.id = o.room_id "
            "JOIN phone p ON p.person_id = o.person_id AND p.is_primary = 1 "
            "WHERE o.end_date IS NULL AND o.role = 'owner' ORDER BY o.id LIMIT 400").fetchall()
        self.logins = dict(conn.execute("SELECT id, login FROM staff"))
        self.tenants = conn.execute(
            "SELECT o.person_id, o.room_id, r.community_id, o.start_date, p.number, pe.name "
            "FROM occupancy o JOIN room r ON r.id = o.room_id JOIN person pe ON pe.id = o.person_id "
            "JOIN phone p ON p.person_id = o.person_id AND p.is_primary = 1 "
            "WHERE o.end_date IS NULL AND o.role = 'tenant' AND o.start_date >= ? ORDER BY o.id LIMIT 40",
            (self.t.date(-330 * _DAY),)).fetchall()
        self.orders = conn.execute(
            "SELECT w.id, w.number, w.created_at, w.community_id, w.person_id, p.number, pe.name "
            "FROM work_order w JOIN person pe ON pe.id = w.person_id "
            "JOIN phone p ON p.person_id = w.person_id AND p.is_primary = 1 "
            "WHERE w.kind = 'repair' AND w.created_at >= ? AND w.created_at < ? ORDER BY w.id LIMIT 60",
            (self.t.fmt(-330 * _DAY), self.t.fmt(-3 * _DAY))).fetchall()

    def person_name(self, person_id: int) -> str:
        row = self.conn.execute("SELECT name FROM person WHERE id = ?", (person_id,)).fetchone()
        return row[0] if row else ""

    # --- writing -------------------------------------------------------------------------------

    def event(self, lead: int, at: int, staff: int | None, kind: str, *, code: str = "",
              from_value: str = "", to_value: str = "", note: str = "") -> None:
        self.event_rows.append((lead, self.t.fmt(at), staff, kind, code, from_value, to_value, note))

    def task(self, lead: int, name: str, due: int, owner: int, person: int | None) -> int:
        eid = self.next_event
        self.next_event += 1
        uid = f"{self.rnd.getrandbits(128):032x}@frontdesk"
        self.task_rows.append((eid, uid, "task", f"跟进潜在客户 #{lead} {name}"[:120], "", "", owner,
                               self.t.fmt(due), self.t.fmt(due + 1800), 0, None, None, None, None, 0,
                               person, None, None, 15, self.t.fmt(due), 0, self.t.fmt(min(due, 0) - 3600), 1))
        self.attendee_rows.append((self.next_attendee, eid, owner))
        self.next_attendee += 1
        return eid

    def phone(self) -> str:
        return self.rnd.choice(_MOBILES) + f"{self.rnd.randrange(10 ** 8):08d}"

    def name(self) -> str:
        return self.rnd.choice(_SURNAMES) + self.rnd.choice(_GIVEN)

    def budget(self, interest: str) -> str | None:
        r = self.rnd
        value = {
            "rent": r.randrange(25, 90) * 100, "buy": r.randrange(150, 650) * 10000,
            "parking": r.choice((r.randrange(3, 9) * 100, r.randrange(10, 26) * 10000)),
            "cleaning": r.randrange(1, 6) * 100, "renovation": r.randrange(2, 31) * 10000,
            "shop": r.randrange(8, 31) * 1000,
        }.get(interest)
        return None if value is None or r.random() < 0.15 else f"{value:.2f}"

    # --- one lead --------------------------------------------------------------------------------

    def owner_of(self, community: int, interest: str) -> tuple[int, str]:
        if interest == "renovation":
            return _DESK3, "interest"
        if interest == "shop":
            return _SUPER, "interest"
        desk = self.b.comm_desk[community]
        return desk, ("round_robin" if community in (1, 2) else "creator")

    def add(self, created: int, *, outcome: str, source: str, interest: str, community: int,
            name: str, number: str, person: int | None = None, referrer: int | None = None,
            places: tuple[tuple[str, int], ...] = (), converted: tuple[str, int | None, str] | None = None,
            end: int | None = None) -> None:
        """A lead created at `created` that ends `outcome` (open, won, lost) by `end` (now)."""
        r = self.rnd
        self.lid += 1
        lid = self.lid
        owner, how = self.owner_of(community, interest)
        taker = owner if how != "interest" else self.b.comm_desk[community]
        end = 0 if end is None else end
        created = min(_office(created, lid), end - 3600)
        # The stages it goes through, and when.
        if outcome == "won":
            target = _PIPELINE
        elif outcome == "lost":
            target = _PIPELINE[: r.choice((1, 2, 2, 3, 3, 4))]
        else:
            target = _PIPELINE[: r.choice((1, 1, 2, 2, 3, 4))]
        span = max(end - created, 3600)
        steps = len(target) - 1 + (1 if outcome == "lost" else 0)
        weights = [r.uniform(*_GAPS[s]) for s in target[:-1]] + ([r.uniform(1, 8)] if outcome == "lost" else [])
        total = sum(weights) or 1.0
        # The moves fill at most 90 % of the time since creation (an open lead waits now).
        scale = min(1.0, 0.9 * span / (total * _DAY)) if steps else 1.0
        at = created
        self.event(lid, at, taker, "create", code=source, to_value="new")
        self.event(lid, at, taker, "assign", code=how, to_value=self.logins.get(owner, ""))
        stage, stage_since = "new", created
        for i, nxt in enumerate(target[1:]):
            at = max(at + 600, _office(at + int(weights[i] * _DAY * scale), lid + i))
            at = min(at, end - 60)
            channel = r.choice(_CHANNELS)
            self.event(lid, max(created, at - 600), owner, "contact", code=channel,
                       note=r.choice(_CONTACTS[nxt]))
            self.event(lid, at, owner, "stage", from_value=stage, to_value=nxt)
            stage, stage_since = nxt, at
        lost_reason = lost_note = ""
        if outcome == "lost":
            at = min(max(at + 600, _office(at + int(weights[-1] * _DAY * scale), lid)), end - 60)
            lost_reason = _pick(r, _REASONS)
            lost_note = _LOST_NOTES[lost_reason] if r.random() < 0.7 else ""
            if lost_reason == "unreachable":
                self.event(lid, max(created, at - 900), owner, "contact", code="call", note="电话未接通")
            self.event(lid, at, owner, "stage", code=lost_reason, from_value=stage, to_value="lost",
                       note=lost_note)
            stage, stage_since = "lost", at
        next_followup = event_id = None
        converted_to = ""
        work_order = converted_at = None
        if converted is not None and stage == "won":
            converted_to, work_order, target_code = converted
            converted_at = max(end, stage_since)
            self.event(lid, converted_at, owner, "convert", code=converted_to, to_value=target_code)
        budget = self.budget(interest)
        company = ""
        need = r.choice(_NEEDS[interest])
        if interest == "shop":
            company = f"上海{r.choice(('鑫', '和', '盛', '佳', '福', '康'))}{r.choice(('源', '泰', '达', '美'))}" \
                      f"{r.choice(_COMPANIES)}有限公司"
            need = need.format(company=company[2:6])
        self.created[lid] = created
        self.lead_rows.append([
            lid, name, company, source, referrer, interest, budget, community, stage,
            self.t.fmt(stage_since), lost_reason, lost_note, owner, how, person, next_followup, event_id,
            None, need, converted_to, work_order, self.t.fmt(converted_at) if converted_at else None,
            taker, self.t.fmt(created), self.t.fmt(max(at, created)), 1,
        ])
        self.phone_rows.append((lid, number))
        for kind, ident in places:
            self.interest_rows.append((lid, ident if kind == "room" else None, ident if kind == "parking" else None))

    def run(self) -> None:
        r = self.rnd
        self.read_property()
        weights = [5 if cid == 1 else (3 if cid == 2 else 1) for cid in self.communities]
        for _i in range(LEADS):
            age = r.choice((r.uniform(0.05, 14), r.uniform(14, 360), r.uniform(14, 360)))
            # Created that day during office hours; today's leads before now (09:00).
            created = min(self.t.at(-int(age), r.randrange(8, 18), r.randrange(60)), -1800)
            if age < 14:
                outcome = r.choices(("open", "won", "lost"), (80, 8, 12))[0]
            else:
                outcome = r.choices(("open", "won", "lost"), (22, 30, 48))[0]
            source = _pick(r, _SOURCES)
            interest = _pick(r, _INTERESTS)
            community = r.choices(self.communities, weights)[0]
            name, number, person, referrer = self.name(), self.phone(), None, None
            if source == "owner" and self.owners:
                referrer = r.choice(self.owners)[0]
            if interest in ("cleaning", "renovation", "letting") and self.owners and r.random() < 0.5:
                person, community, number = r.choice(self.owners)
                name = self.person_name(person)
            places: tuple[tuple[str, int], ...] = ()
            if interest in ("rent", "buy", "shop") and self.vacant.get(community):
                places = tuple(("room", rid) for rid in r.sample(self.vacant[community],
                                                                 min(len(self.vacant[community]), r.choice((1, 1, 2)))))
            elif interest == "parking" and self.free_spaces.get(community):
                places = (("parking", r.choice(self.free_spaces[community])),)
            self.add(created, outcome=outcome, source=source, interest=interest, community=community,
                     name=name, number=number, person=person, referrer=referrer, places=places)
        # Won and converted: tenants who moved in this year came as leads of their room, and
        # paid work orders (装修, 家政) came as leads of their person.
        for person, room, community, start, number, name in self.tenants[:8]:
            moved = self.t.at((self._date(start) - self.t.today).days, 10)
            self.add(moved - r.randrange(8, 30) * _DAY, outcome="won", source=r.choice(("phone", "online", "visit")),
                     interest="rent", community=community, name=name, number=number, person=person,
                     places=(("room", room),), converted=("tenant", None, self._room_code(room)),
                     end=moved)
        for oid, order_number, created_at, community, person, number, name in self.orders[:6]:
            opened = self._relative(created_at)
            self.add(opened - r.randrange(5, 25) * _DAY, outcome="won", source=r.choice(("phone", "referral")),
                     interest=r.choice(("renovation", "cleaning")), community=community, name=name,
                     number=number, person=person, converted=("work_order", oid, order_number),
                     end=opened)
        self.followups()
        self.flush()

    def _date(self, text: str):
        import datetime as dt

        return dt.date.fromisoformat(text)

    def _relative(self, stamp: str) -> int:
        import datetime as dt

        when = dt.datetime.fromisoformat(stamp)
        anchor = dt.datetime.combine(self.t.today, dt.time(9, 0))
        return int((when - anchor).total_seconds())

    def _room_code(self, room: int) -> str:
        row = self.conn.execute("SELECT code FROM room WHERE id = ?", (room,)).fetchone()
        return row[0] if row else ""

    def followups(self) -> None:
        """Open leads get their next follow-up: the owner's earliest ones overdue, then some
        due later today, the rest in the days ahead — each a task in the owner's calendar."""
        r = self.rnd
        by_owner: dict[int, int] = {}
        for row in self.lead_rows:
            lid, name, stage, owner, person = row[0], row[1], row[8], row[12], row[14]
            if stage in ("won", "lost") or r.random() < 0.15:
                continue
            n = by_owner.get(owner, 0)
            by_owner[owner] = n + 1
            created = self.created[lid]
            overdue = self.t.at(-r.choice((1, 1, 2, 3)), r.choice((10, 14, 16)))
            if n < 2 and overdue > created + 3600:
                due = overdue
            elif n < 5:
                due = self.t.at(0, r.choice((11, 14, 15, 16, 17)), r.choice((0, 30)))  # later today
            else:
                due = self.t.at(r.randrange(1, 10), r.choice((9, 10, 14, 15, 16)), r.choice((0, 30)))
            row[15] = self.t.fmt(due)
            row[16] = self.task(lid, name, due, owner, person)
            self.event(lid, max(created, min(due - _DAY, -3600)), owner, "followup",
                       to_value=self.t.fmt(due)[:16])

    def flush(self) -> None:
        conn = self.conn
        conn.executemany(
            "INSERT INTO event (id, uid, kind, title, description, location, organiser_id, start, "
            "\"end\", all_day, rrule, series_until, series_id, recurrence_id, cancelled, person_id, "
            "room_id, work_order_id, reminder_minutes, due, done, created_at, version) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", self.task_rows)
        conn.executemany("INSERT INTO event_attendee (id, event_id, staff_id) VALUES (?,?,?)",
                         self.attendee_rows)
        conn.executemany(
            "INSERT INTO lead (id, name, company, source, referrer_id, interest, budget, community_id, "
            "stage, stage_since, lost_reason, lost_note, owner_id, assigned_by, person_id, next_followup, "
            "followup_event_id, call_id, note, converted_to, work_order_id, converted_at, created_by_id, "
            "created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [tuple(row) for row in self.lead_rows])
        conn.executemany("INSERT INTO lead_phone (lead_id, number) VALUES (?,?)", self.phone_rows)
        conn.executemany("INSERT INTO lead_interest (lead_id, room_id, parking_space_id) VALUES (?,?,?)",
                         self.interest_rows)
        conn.executemany(
            "INSERT INTO lead_event (lead_id, at, staff_id, kind, code, from_value, to_value, note) "
            "VALUES (?,?,?,?,?,?,?,?)", sorted(self.event_rows, key=lambda e: (e[0], e[1])))
        conn.executemany("INSERT INTO lead_rule (interest, community_id, staff_id) VALUES (?,?,?)",
                         (("renovation", None, _DESK3), ("shop", None, _SUPER)))


def add_leads(b: Any) -> None:
    """The demo's leads, from the builder `b` of data.sample (after the property, people,
    work orders and calendar are in)."""
    leads = _Leads(b)
    leads.run()
    b.say(f"leads {leads.lid}")

"""The demo facilities register and inspection routes (issue 20 items 6, 7). In every
community: one or two elevators per building with their yearly 定期检验, the water pumps,
the fire equipment (yearly testing), CCTV, access control, the power room, the street
lights and the play equipment, each with its maker, its maintenance contractor and
contract, the building's technician answering for it. In the first community a few
elevator inspections fall due within 30 days and one is overdue, and two routes run: a
daily 秩序维护 patrol walked by tech2 and a weekly 设备房 check walked by tech1 (on today's
weekday, so it is due today), with four weeks of runs — some missed, some late — and one
not-ok reading that became a repair order (closed since).

Called once from `data.sample._Builder.run`: raw SQL on the builder's connection,
deterministic from the seed and the anchored today."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from data.facilities.register import add_months

_ELEVATORS = (("奥的斯", "GeN2", "奥的斯电梯（中国）有限公司"), ("三菱电梯", "LEHY-Pro", "上海三菱电梯有限公司维保分公司"),
              ("日立电梯", "HGP", "日立电梯（中国）有限公司"), ("通力", "MonoSpace", "通力电梯有限公司"))
_OTHERS = (  # kind, name, place, maker, model, contractor, count
    ("pump", "生活水泵{n}号", "地下一层水泵房", "格兰富", "CR 32-4", "恒通机电设备维保有限公司", 2),
    ("fire", "消防栓和灭火器", "各楼栋及地下车库", "淮海消防", "MFZ/ABC4", "安泰消防工程有限公司", 1),
    ("cctv", "监控系统", "物业中心监控室", "海康威视", "DS-9632", "安泰消防工程有限公司", 1),
    ("access", "小区大门门禁", "小区南大门", "立林", "L8-Pro", "立林智能科技有限公司", 1),
    ("power", "配电房", "1号楼北侧配电房", "正泰", "GGD", "恒通机电设备维保有限公司", 1),
    ("light", "小区路灯", "主干道及中心花园", "欧普照明", "LED-60W", "恒通机电设备维保有限公司", 1),
    ("play", "儿童游乐设施", "中心花园儿童乐园", "小博士游乐", "组合滑梯", "", 1),
)
#: In the first community, the first elevators' yearly inspections are due in so many days
#: (negative: overdue); all others fall due 35 days or more from today.
_DUE_SOON = (-9, 6, 18, 27)
_PATROL = (  # text, kind, low, high, unit, facility kind
    ("小区大门门禁正常", "check", None, None, "", "access"),
    ("消防通道畅通、无占用", "check", None, None, "", None),
    ("消防栓箱完好、灭火器在有效期", "check", None, None, "", "fire"),
    ("路灯完好", "check", None, None, "", "light"),
    ("儿童游乐设施无松动破损", "check", None, None, "", "play"),
    ("巡查情况记录", "note", None, None, "", None),
)
_PLANT = (
    ("生活水泵运行正常、无异响", "check", None, None, "", "pump"),
    ("水泵出口压力", "reading", "0.300", "0.600", "MPa", "pump"),
    ("配电房室温", "reading", "5.000", "35.000", "℃", "power"),
    ("配电柜指示灯、仪表正常", "check", None, None, "", "power"),
    ("监控录像正常、存储无报错", "check", None, None, "", "cctv"),
)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _s(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def facilities(b: Any) -> None:
    """Add the register and the routes to the sample being built (`b`: the `_Builder` of
    data.sample: `.conn`, `.t`, `.seed`, `.communities`, `.comm_buildings`, `.bld_code`,
    `.bld_tech`)."""
    conn = b.conn
    rnd = random.Random(f"{b.seed}/facilities")
    today: dt.date = b.t.today
    created = b.t.fmt(b.t.at(-300, 9))
    login = dict(conn.execute("SELECT login, id FROM staff").fetchall())
    kinds_first: dict[str, int] = {}  # kind → the first community's facility of that kind
    for ci, (cid, _cname) in enumerate(b.communities):
        blds = b.comm_buildings[ci]
        if not blds:
            continue
        lead_tech = b.bld_tech[blds[0]]
        n = 0
        for bid in blds:
            code = b.bld_code[bid]
            for lift in range(1, 3 if rnd.random() < 0.5 else 2):
                maker, model, contractor = _ELEVATORS[rnd.randrange(len(_ELEVATORS))]
                due = (_DUE_SOON[n] if ci == 0 and n < len(_DUE_SOON) else 35 + rnd.randrange(320))
                n += 1
                fid = _facility(conn, cid, bid, "elevator", f"{code}号楼{lift}号电梯", f"{code}号楼{lift}号电梯井",
                                maker, model, rnd.randrange(2008, 2022), contractor, rnd, b.bld_tech[bid], created)
                _legal(conn, fid, "定期检验", today + dt.timedelta(days=due), b.bld_tech[bid], rnd)
        for kind, name, place, maker, model, contractor, count in _OTHERS:
            for k in range(1, count + 1):
                bid = blds[0] if kind in ("pump", "power") else None
                fid = _facility(conn, cid, bid, kind, name.format(n=k), place, maker, model,
                                rnd.randrange(2010, 2023), contractor, rnd,
                                b.bld_tech[blds[0]] if bid else lead_tech, created)
                if ci == 0:
                    kinds_first.setdefault(kind, fid)
                if kind == "fire":
                    due = 21 if ci == 0 else 40 + rnd.randrange(300)
                    _legal(conn, fid, "年度检测", today + dt.timedelta(days=due), lead_tech, rnd)
    if b.communities and b.comm_buildings and b.comm_buildings[0]:
        _routes(b, rnd, b.communities[0][0], kinds_first, login)


def _facility(conn: Any, cid: int, bid: int | None, kind: str, name: str, place: str, maker: str,
              model: str, year: int, contractor: str, rnd: random.Random, responsible: int,
              created: str) -> int:
    contract = ""
    if contractor:
        start = 2024 + rnd.randrange(2)
        contract = f"WB-{start}-{rnd.randrange(1, 99):03d}（{start}-07-01至{start + 1}-06-30）"
    installed = dt.date(year, 1 + rnd.randrange(12), 1 + rnd.randrange(28)).isoformat()
    return int(conn.execute(
        "INSERT INTO facility (community_id, building_id, kind, name, place, maker, model, installed_on, "
        "contractor, contract, responsible_id, active, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,1,?)",
        (cid, bid, kind, name, place, maker, model, installed, contractor, contract, responsible,
         created)).lastrowid)


def _legal(conn: Any, fid: int, name: str, due: dt.date, staff: int, rnd: random.Random) -> None:
    last = add_months(due, -12)
    check = conn.execute(
        "INSERT INTO facility_check (facility_id, name, legal, interval_months, last_done, next_due, "
        "reminded_for) VALUES (?,?,1,12,?,?,NULL)", (fid, name, last.isoformat(), due.isoformat())).lastrowid
    conn.execute(
        "INSERT INTO facility_check_record (check_id, done_on, passed, note, staff_id, created_at) "
        "VALUES (?,?,1,?,?,?)", (check, last.isoformat(), f"检验合格，报告编号 JY{last:%Y}{rnd.randrange(10000, 99999)}",
                                 staff, f"{last.isoformat()} 17:00:00"))


def _routes(b: Any, rnd: random.Random, community: int, kinds: dict[str, int], login: dict[str, int]) -> None:
    conn = b.conn
    today: dt.date = b.t.today
    anchor = dt.datetime.combine(today, dt.time(9))
    first_day = today - dt.timedelta(days=28)
    patrol = _route(b, community, "秩序维护日巡", login["tech2"], login["super1"],
                    dt.datetime.combine(first_day, dt.time(8)), 60, "FREQ=DAILY", _PATROL, kinds, rnd)
    weekday = _WEEKDAYS[today.weekday()]
    plant = _route(b, community, "设备房周检", login["tech1"], login["super1"],
                   dt.datetime.combine(first_day, dt.time(14)), 90, f"FREQ=WEEKLY;BYDAY={weekday}", _PLANT,
                   kinds, rnd)
    # The daily patrol: done on most days, missed on three, late (after 09:00) on two.
    missed_days, late_days = {4, 13, 22}, {9, 17}
    for d in range(29):
        day = first_day + dt.timedelta(days=d)
        if d in missed_days:
            continue
        occurrence = dt.datetime.combine(day, dt.time(8))
        start = occurrence + dt.timedelta(minutes=(95 + rnd.randrange(40)) if d in late_days else rnd.randrange(15))
        end = start + dt.timedelta(minutes=25 + rnd.randrange(20))
        if end > anchor:
            end = anchor
        _run(conn, patrol, occurrence, login["tech2"], start, end, rnd)
    # The weekly check: four past weeks, one walked late; in the third week the pump's
    # pressure was low and became a repair order. Today's is still to walk.
    for w in range(4):
        occurrence = dt.datetime.combine(first_day + dt.timedelta(days=7 * w), dt.time(14))
        start = occurrence + dt.timedelta(minutes=(150 if w == 1 else 5 + rnd.randrange(10)))
        end = start + dt.timedelta(minutes=35 + rnd.randrange(15))
        _run(conn, plant, occurrence, login["tech1"], start, end, rnd, fail_seq=2 if w == 2 else None,
             order=(b, community) if w == 2 else None)


def _route(b: Any, community: int, name: str, assignee: int, creator: int, start: dt.datetime, minutes: int,
           rrule: str, items: tuple, kinds: dict[str, int], rnd: random.Random) -> tuple[int, list[tuple]]:
    conn = b.conn
    created = _s(start - dt.timedelta(days=3))
    event = conn.execute(
        "INSERT INTO event (uid, kind, title, description, location, organiser_id, start, end, all_day, rrule, "
        "cancelled, done, created_at, version) VALUES (?, 'inspection', ?, '', '', ?, ?, ?, 0, ?, 0, 0, ?, 1)",
        (f"{rnd.getrandbits(128):032x}@frontdesk", f"巡查：{name}", creator, _s(start),
         _s(start + dt.timedelta(minutes=minutes)), rrule, created)).lastrowid
    conn.execute("INSERT INTO event_attendee (event_id, staff_id) VALUES (?, ?)", (event, assignee))
    route = conn.execute(
        "INSERT INTO inspection_route (name, community_id, assignee_id, event_id, grace_minutes, active, "
        "created_by_id, created_at) VALUES (?,?,?,?,60,1,?,?)",
        (name, community, assignee, event, creator, created)).lastrowid
    rows = []
    for seq, (text, kind, low, high, unit, fkind) in enumerate(items, 1):
        facility = kinds.get(fkind) if fkind else None
        place = "" if facility else "小区各消防通道"
        item = conn.execute(
            "INSERT INTO route_item (route_id, seq, text, kind, low, high, unit, facility_id, place) "
            "VALUES (?,?,?,?,?,?,?,?,?)", (route, seq, text, kind, low, high, unit, facility, place)).lastrowid
        rows.append((item, seq, text, kind, low, high, unit, facility))
    return route, rows


def _run(conn: Any, route: tuple[int, list[tuple]], occurrence: dt.datetime, staff: int, start: dt.datetime,
         end: dt.datetime, rnd: random.Random, fail_seq: int | None = None, order: tuple | None = None) -> None:
    route_id, items = route
    run = conn.execute(
        "INSERT INTO inspection_run (route_id, occurrence, staff_id, started_at, ended_at) VALUES (?,?,?,?,?)",
        (route_id, _s(occurrence), staff, _s(start), _s(end))).lastrowid
    step = (end - start) / (len(items) + 1)
    for item, seq, text, kind, low, high, unit, facility in items:
        at = start + step * seq
        ok, reading, note = 1, None, ""
        if kind == "reading":
            lo, hi = float(low), float(high)
            reading = f"{lo + (hi - lo) * (0.3 + rnd.random() * 0.4):.2f}"
            if seq == fail_seq:
                ok, reading, note = 0, f"{lo * 0.6:.2f}", "压力偏低，水泵可能气蚀"
        elif kind == "note":
            note = ("一切正常", "大门岗交接正常", "夜间无异常", "")[rnd.randrange(4)]
        answer = conn.execute(
            "INSERT INTO run_answer (run_id, item_id, ok, reading, note, work_order_id, answered_at) "
            "VALUES (?,?,?,?,?,NULL,?)", (run, item, ok, reading, note, _s(at))).lastrowid
        if not ok and order is not None:
            wid = _order(order[0], order[1], facility, text, reading, low, high, unit, note, at, staff)
            conn.execute("UPDATE run_answer SET work_order_id = ? WHERE id = ?", (wid, answer))


def _order(b: Any, community: int, facility: int | None, text: str, reading: str | None, low: str, high: str,
           unit: str, note: str, found: dt.datetime, tech: int) -> int:
    """The repair order the low reading opened (channel patrol), as data.facilities'
    open_work_order writes it, then repaired, called back and closed."""
    from data.sla import DEFAULT_SLA

    conn = b.conn
    fname, place, bid = conn.execute("SELECT name, place, building_id FROM facility WHERE id = ?",
                                     (facility,)).fetchone()
    sla = DEFAULT_SLA[("repair", "normal")]
    order = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM work_order").fetchone()[0])
    prefix = f"BX-{found:%Y%m%d}-"
    last = conn.execute("SELECT max(number) FROM work_order WHERE number LIKE ?", (prefix + "%",)).fetchone()[0]
    number = f"{prefix}{(int(last.rsplit('-', 1)[1]) if last else 0) + 1:04d}"
    desk = b.comm_desk[community]
    assigned = found + dt.timedelta(minutes=10)
    started = found + dt.timedelta(hours=2)
    resolved = found + dt.timedelta(hours=20)
    callback = resolved + dt.timedelta(days=1)
    closed = callback + dt.timedelta(hours=1)
    steps = [
        (found, tech, "create", "", "new", "巡查发现"),
        (assigned, desk, "assign", "new", "assigned", f"派单给{b.staff_name.get(tech, '')}"),
        (started, tech, "start", "assigned", "in_progress", "已到泵房检查"),
        (resolved, tech, "resolve", "in_progress", "resolved", "排气并更换进水口滤网，压力恢复 0.45 MPa"),
        (callback, desk, "callback", "resolved", "visited", "巡查回访，运行正常"),
        (closed, desk, "close", "visited", "closed", "工单关闭"),
    ]
    description = (f"巡查 设备房周检，{found:%Y-%m-%d %H:%M}：{text} — 异常。\n"
                   f"读数 {reading} {unit}（应为 {float(low):g}–{float(high):g}）。\n{note}")
    conn.execute(
        "INSERT INTO work_order (id, number, kind, category_id, priority, channel, status, title, "
        "description, community_id, building_id, room_id, location, person_id, contact_phone, "
        "assignee_id, created_by_id, created_at, updated_at, appointment_at, response_due, "
        "resolution_due, responded_at, resolved_at, closed_at, hold_since, held_minutes, "
        "escalation_level, rating, callback_comment, callback_by_id, callback_at, merged_into_id, "
        "version, facility_id) VALUES (?, ?, 'repair', ?, 'normal', 'patrol', 'closed', ?, ?, ?, ?, NULL, ?, "
        "NULL, '', ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, NULL, 0, 0, 5, ?, ?, ?, NULL, ?, ?)",
        (order, number, b.categories["plumbing.water"][0], f"{fname}：{text}", description, community, bid,
         place, tech, tech, _s(found), _s(closed), _s(found + dt.timedelta(minutes=sla.response_minutes)),
         _s(found + dt.timedelta(minutes=sla.resolution_minutes)), _s(started), _s(resolved), _s(closed),
         "水压正常了", desk, _s(callback), len(steps), facility))
    first = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM work_order_history").fetchone()[0])
    conn.executemany(
        "INSERT INTO work_order_history (id, work_order_id, staff_id, at, action, from_status, to_status, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(first + n, order, staff, _s(when), action, frm, to, note)
         for n, (when, staff, action, frm, to, note) in enumerate(steps)])
    return order

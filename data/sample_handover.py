"""The demo database's duty roster (值班表) and shift handovers (交接班), issue 16 items 7 and
9: weekly 值班 series for the desk (早班 08:00–16:00, 中班 16:00–24:00) and the technicians
(白班 on their working days, one 夜间备班 on call each night), and two handovers a day for
the last 30 days — the 早班's at 16:00, the 中班's at 23:55 — each acknowledged by the next
shift, except the latest one, which waits for this morning's clerk.

Deterministic from the seed; rows go in as raw SQL on the generator's connection."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from typing import Any, Protocol


class SampleBuilder(Protocol):
    """What this module reads of data.sample's `_Builder` (not imported: it imports us)."""

    conn: sqlite3.Connection
    seed: int
    t: Any  # data.sample._Times: fmt(t), at(day, hh, mm), today
    order_names: dict[int, tuple[str, str]]
    staff_name: dict[int, str]
    person_name: list[str]
    person_mobile: list[str]

#: Staff ids of the sample (data.sample.STAFF): desk1…desk5, tech1…tech8, super1.
_SUPER = 2
_DESK1, _DESK2, _DESK3, _DESK4, _DESK5 = 4, 5, 6, 7, 8
_TECHS = (9, 10, 11, 12, 13, 14, 15, 16)
_DAY = 86_400
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

#: (staff, title, start hour, hours, days): the desk's weekly shifts. desk1 and desk2 keep
#: their own communities' desks on weekdays; desk3 the 中班; desk4 and desk5 the weekend.
_DESK_SHIFTS = (
    (_DESK1, "前台早班", 8, 8, "MO,TU,WE,TH,FR"),
    (_DESK2, "前台早班", 8, 8, "MO,TU,WE,TH,FR"),
    (_DESK3, "前台中班", 16, 8, "MO,TU,WE,TH,FR"),
    (_DESK4, "前台早班", 8, 8, "SA,SU"),
    (_DESK5, "前台中班", 16, 8, "SA,SU"),
)

_NOTES = (
    "3号楼电梯困人已解除，维保单位明早复查",
    "东门道闸抬杆故障，已报修，临时人工放行",
    "备用金 500 元已清点无误",
    "业主反映楼上渗水，已约明天上午上门查看",
    "快递柜已满，多余包裹暂存前台，已登记",
    "今晚 22 点后园区消杀，已在业主群通知",
    "1栋2单元门禁卡失灵，已联系厂家",
    "消防控制室、配电房钥匙各 1 把在前台，已核对",
    "明早 9 点自来水公司抄总表，需派人陪同",
    "地下车库 B2 照明部分不亮，已报工程部",
    "",
    "",
)
_SUMMARIES = ("询问维修进度", "物业费发票", "装修申请材料", "停车位续租", "噪音投诉处理结果",
              "门禁卡补办", "快递代收")
_ACK_NOTES = ("已接班", "已接班，备用金无误", "收到，跟进中", "", "", "已接班，钥匙已核对")


def _uid(rnd: random.Random) -> str:
    return f"{rnd.getrandbits(128):032x}@frontdesk"


def duty_and_handovers(b: SampleBuilder) -> None:
    """Add the duty series and the handovers of the last 30 days to the sample."""
    rnd = random.Random(f"{b.seed}/handover")
    t = b.t
    conn = b.conn
    today = t.today
    eid = conn.execute("SELECT COALESCE(MAX(id), 0) FROM event").fetchone()[0]
    aid = conn.execute("SELECT COALESCE(MAX(id), 0) FROM event_attendee").fetchone()[0]
    events, attendees = [], []
    monday = -(today.weekday() + 56)  # eight weeks back, as the weekly inspections

    def series(staff: int, title: str, hour: int, hours: int, days: str, location: str) -> None:
        nonlocal eid, aid
        eid += 1
        first = next(monday + d for d in range(7) if _WEEKDAYS[d] in days.split(","))
        start = t.at(first, hour)
        events.append((eid, _uid(rnd), "duty", title, "", location, _SUPER, t.fmt(start),
                       t.fmt(start + hours * 3600), 0, f"FREQ=WEEKLY;BYDAY={days}", 0, 0,
                       t.fmt(monday * _DAY - 3 * _DAY), 1))
        aid += 1
        attendees.append((aid, eid, staff))

    for staff, title, hour, hours, days in _DESK_SHIFTS:
        series(staff, title, hour, hours, days, "物业服务中心前台")
    for i, tech in enumerate(_TECHS):
        off = (_WEEKDAYS[(i * 2) % 7], _WEEKDAYS[(i * 2 + 1) % 7])  # two days off, rotating
        days = ",".join(d for d in _WEEKDAYS if d not in off)
        series(tech, "维修白班", 8, 9, days, "工程部")
        if i < 7:  # one technician on call each night
            series(tech, "维修夜间备班", 20, 12, _WEEKDAYS[i], "工程部")
    conn.executemany(
        "INSERT INTO event (id, uid, kind, title, description, location, organiser_id, start, end, "
        "all_day, rrule, cancelled, done, created_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        events)
    conn.executemany("INSERT INTO event_attendee (id, event_id, staff_id) VALUES (?,?,?)", attendees)

    # The handovers: what a clerk's draft would have listed then — callbacks due within
    # hours of it, real overdue orders of the sample — with notes; acknowledged by the next
    # shift.
    orders = list(b.order_names.items())
    names = b.staff_name
    people = len(b.person_name) - 1
    rows, places = [], []
    hid = 0

    def items(at: int, by: int) -> tuple[str, str]:
        sections = []
        calls = []
        for _n in range(rnd.randint(0, 2)):
            person = 1 + int(rnd.random() * people) if people > 0 else 0
            mobile = b.person_mobile[person] if person else ""
            who = " ".join(p for p in (b.person_name[person] if person else "",
                                       mobile[:3] + "****" + mobile[-4:] if mobile else "") if p)
            due = at + int(rnd.random() * 6 * 3600) - 3600
            when = f"{t.fmt(due)[5:16]} 起已超时" if due < at else f"{t.fmt(due)[5:16]} 到期"
            calls.append({"text": f"{when} · 回电 {who or '未知来电'}：{rnd.choice(_SUMMARIES)} · {names.get(by, '')}",
                          "ref": "", "entity": None, "entity_id": None})
        sections.append({"name": "callbacks", "title": "待回电", "items": calls})
        sections.append({"name": "incidents", "title": "进行中的停水停电等事件", "items": []})
        late_orders = []
        for wid, (number, title) in rnd.sample(orders, min(len(orders), rnd.randint(0, 3))):
            late_orders.append({"text": f"{t.fmt(at - 3600 * rnd.randint(1, 30))[5:16]} 起已超时 · {title} · 处理中",
                                "ref": number, "entity": "work_order",
                                "entity_id": wid})
        sections.append({"name": "work_orders", "title": "已超时或下一班到期的工单", "items": late_orders})
        body = "\n".join(f"【{s['title']}】" + "".join(
            f"\n· {i['text']}" + (f" ({i['ref']})" if i["ref"] else "") for i in s["items"]) for s in sections)
        return json.dumps(sections, ensure_ascii=False), body

    for day in range(-30, 0):
        weekend = (today + dt.timedelta(days=day)).weekday() >= 5
        morning, evening = (_DESK4, _DESK5) if weekend else (_DESK1, _DESK3)
        next_morning = _DESK4 if (today + dt.timedelta(days=day + 1)).weekday() >= 5 else _DESK1
        for by, shift, at, acker, acked in (
            (morning, "morning", t.at(day, 16), evening, t.at(day, 16, 5)),
            (evening, "middle", t.at(day, 23, 55), next_morning, t.at(day + 1, 8, 5)),
        ):
            hid += 1
            latest = day == -1 and shift == "middle"  # this morning's clerk has not read it yet
            data, body = items(at, by)
            rows.append((hid, by, shift, t.fmt(at), data, body, rnd.choice(_NOTES),
                         None if latest else acker, None if latest else t.fmt(acked),
                         "" if latest else rnd.choice(_ACK_NOTES), 1))
            if by == _DESK1:  # desk1 keeps the first community's desk (data.sample.staff)
                places.append((len(places) + 1, hid, 1))
    conn.executemany(
        "INSERT INTO handover (id, staff_id, shift, created_at, items, body, notes, acked_by_id, "
        "acked_at, ack_notes, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.executemany("INSERT INTO handover_community (id, handover_id, community_id) VALUES (?,?,?)", places)

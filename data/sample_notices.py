"""The demo notices and activity (issue 19 items 1, 5): a 停水 notice to two buildings of the
first community published last week — messaged to the households with a mobile, the rest
on a call list half worked through, so some households are still not told —, an expired
消杀 notice to the whole community, an 电梯维保 notice scheduled for the day after tomorrow,
and a 邻里运动会 announced by its 活动通知 with households signed up. Deterministic from the
seed; raw SQL on the builder's connection, called once from `data.sample._Builder.run`."""

from __future__ import annotations

import random
from typing import Any

from data.notices.templates import TEMPLATES, fill, when_text

_ELDERLY = "独居老人"


def _households(conn, where: str, args: tuple) -> list[tuple[int, int, str, str, bool]]:
    """(room, person, mobile, any number, elderly) per lived-in room matching `where`."""
    rows = conn.execute(
        "SELECT r.id, o.person_id, o.is_primary_contact FROM room r JOIN occupancy o ON o.room_id = r.id "
        f"AND o.end_date IS NULL WHERE {where} ORDER BY r.code, o.is_primary_contact DESC, o.id", args).fetchall()
    chosen: dict[int, int] = {}
    for room, person, _primary in rows:
        chosen.setdefault(room, person)
    out = []
    for room, person in chosen.items():
        phones = conn.execute("SELECT number, kind FROM phone WHERE person_id = ? ORDER BY is_primary DESC, id",
                              (person,)).fetchall()
        mobile = next((n for n, k in phones if k == "mobile"), "")
        elderly = conn.execute("SELECT 1 FROM person_tag pt JOIN tag t ON t.id = pt.tag_id "
                               "WHERE pt.person_id = ? AND t.name = ?", (person, _ELDERLY)).fetchone() is not None
        out.append((room, person, mobile, phones[0][0] if phones else "", elderly))
    return out


def notices(b: Any) -> None:
    conn = b.conn
    rnd = random.Random(f"{b.seed}/notices")
    t = b.t
    desk = conn.execute("SELECT id FROM staff WHERE role = 'desk' ORDER BY id").fetchone()[0]
    community, name, phone = conn.execute("SELECT id, name, phone FROM community ORDER BY id").fetchone()
    buildings = conn.execute("SELECT id, code FROM building WHERE community_id = ? AND kind = 'residential' "
                             "ORDER BY id LIMIT 2", (community,)).fetchall()
    if not buildings:
        return
    places = "、".join(f"{code}栋" for _i, code in buildings)

    def notice(code: str, values: dict, status: str, created: int, publish: int | None, expires: int | None,
               targets: list[tuple[str, int, str]]) -> int:
        tpl = TEMPLATES[code]
        filled = {"小区": name, "楼栋": places, "联系电话": phone or "物业服务中心前台", **values}
        cur = conn.execute(
            "INSERT INTO notice (template, title, body, community_id, status, publish_at, expires_at, published_at, "
            "withdrawn_at, incident_id, call_list_id, created_by_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (code, fill(tpl.title, filled, "title"), fill(tpl.body, filled, "body"), community, status,
             t.fmt(publish) if publish is not None else None, t.fmt(expires) if expires is not None else None,
             t.fmt(publish) if status == "published" and publish is not None else None, None, None, None, desk,
             t.fmt(created)))
        nid = cur.lastrowid
        conn.executemany("INSERT INTO notice_target (notice_id, kind, ref_id, label) VALUES (?,?,?,?)",
                         [(nid, k, r, lab) for k, r, lab in targets])
        return nid

    def deliver(nid: int, homes, published: int, call_share: float, closed: int | None = None) -> tuple[int, int]:
        """Messages reach the households with a mobile; the others go on a call list of
        which `call_share` was answered."""
        list_id = None
        if homes:
            list_id = conn.execute(
                "INSERT INTO call_list (name, kind, assignee_id, created_by_id, created_at, closed_at) "
                "VALUES (?,?,?,?,?,?)", (f"公告 {title_of(nid)}"[:60], "notice", desk, desk, t.fmt(published),
                                          t.fmt(closed) if closed is not None else None)).lastrowid
            conn.execute("UPDATE notice SET call_list_id = ? WHERE id = ?", (list_id, nid))
        told = 0
        for room, person, mobile, number, elderly in homes:
            # About one message in eight does not go (a full inbox, a changed number):
            # that household is called instead.
            if mobile and not elderly and rnd.random() >= 0.12:
                conn.execute("INSERT INTO notice_delivery (notice_id, room_id, person_id, channel, number, how, "
                             "reached_at, call_item_id, note, staff_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             (nid, room, person, "message", mobile, "message", t.fmt(published + 60), None, "", desk))
                told += 1
                continue
            if not number:
                conn.execute("INSERT INTO notice_delivery (notice_id, room_id, person_id, channel, number, how, "
                             "reached_at, call_item_id, note, staff_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             (nid, room, person, "none", "", "", None, None, "", None))
                continue
            reached = rnd.random() < call_share
            at = published + 3600 + rnd.randrange(6 * 3600)
            item = conn.execute(
                "INSERT INTO call_list_item (call_list_id, person_id, number, work_order_id, room_id, status, "
                "attempts, last_outcome, retry_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (list_id, person, number, None, room, "done" if reached else "pending", 1 if reached else 0,
                 "connected" if reached else "", None, t.fmt(at))).lastrowid
            conn.execute("INSERT INTO notice_delivery (notice_id, room_id, person_id, channel, number, how, "
                         "reached_at, call_item_id, note, staff_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         (nid, room, person, "call", number, "call" if reached else "",
                          t.fmt(at) if reached else None, item, "", desk if reached else None))
            told += reached
        return told, len(homes)

    def title_of(nid: int) -> str:
        return conn.execute("SELECT title FROM notice WHERE id = ?", (nid,)).fetchone()[0]

    # 停水 to two buildings, published last week for the mains work the day after tomorrow.
    week_ago = t.at(-6, 9)
    water = notice("water", {"开始时间": when_text(_day(t, 2, 9)),
                             "结束时间": when_text(_day(t, 2, 17)), "原因": "市政供水管网维修"},
                   "published", week_ago - 1800, week_ago, t.at(2, 18),
                   [("building", i, f"{code}栋") for i, code in buildings])
    homes = _households(conn, f"r.building_id IN ({', '.join('?' * len(buildings))})",
                        tuple(i for i, _c in buildings))
    told, total = deliver(water, homes, week_ago, 0.5)
    # An expired 消杀 notice to the whole community, three weeks ago.
    old = t.at(-21, 10)
    spray = notice("disinfect", {"开始时间": when_text(_day(t, -19, 8)), "结束时间": when_text(_day(t, -18, 17))},
                   "published", old - 3600, old, t.at(-18, 18), [("community", community, name)])
    deliver(spray, _households(conn, "r.community_id = ?", (community,)), old, 0.9, closed=t.at(-18, 18))
    # A scheduled 电梯维保 for the first building.
    first_id, first_code = buildings[0]
    notice("lift", {"开始时间": when_text(_day(t, 2, 9)), "结束时间": when_text(_day(t, 2, 12)), "楼栋": f"{first_code}栋"},
           "scheduled", t.at(0, 8, 30), t.at(2, 8), t.at(2, 12), [("building", first_id, f"{first_code}栋")])
    # A sports day in ten days, announced, with sign-ups.
    starts = t.at(10, 9)
    capacity = 80
    act_notice = notice("activity", {"开始时间": when_text(_day(t, 10, 9)), "地点": "小区中心广场", "活动": "邻里运动会",
                                     "名额": str(capacity)}, "published", t.at(-3, 9), t.at(-3, 10), starts,
                        [("community", community, name)])
    activity = conn.execute(
        "INSERT INTO activity (kind, title, community_id, place, starts_at, capacity, notice_id, created_by_id, "
        "created_at) VALUES (?,?,?,?,?,?,?,?,?)",
        ("sports", "邻里运动会", community, "小区中心广场", t.fmt(starts), capacity, act_notice, desk,
         t.fmt(t.at(-3, 9)))).lastrowid
    everyone = _households(conn, "r.community_id = ?", (community,))
    deliver(act_notice, everyone, t.at(-3, 10), 0.6)
    rooms = [h[:2] for h in everyone]
    signed = rnd.sample(rooms, min(18, len(rooms)))
    conn.executemany("INSERT INTO activity_signup (activity_id, room_id, person_id, people, attended, signed_at) "
                     "VALUES (?,?,?,?,?,?)",
                     [(activity, room, person, 1 + rnd.randrange(3), False,
                       t.fmt(t.at(-3 + rnd.randrange(3), 10 + rnd.randrange(8)))) for room, person in signed])
    b.say(f"notices: 停水 told {told} of {total} households; 1 activity with {len(signed)} sign-ups")


def _day(t: Any, day: int, hour: int):
    import datetime as dt

    return dt.datetime.combine(t.today + dt.timedelta(days=day), dt.time(hour))

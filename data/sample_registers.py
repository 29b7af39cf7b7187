"""Sample data of the gate's registers (issue 16): the guard's account (guard1 门岗 王保安),
a year of visitors — about 5 to 15 per community a day over the last 30 days, fewer before,
regular visitors whose plate or phone comes back, some still inside this morning — and the
release passes of the last three months: used, expired, cancelled, and open ones for today.

Called by the sample generator (data.sample._Builder.run) with the builder: raw SQL inserts on
its connection, times from its clock helper, deterministic from its seed."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from data.idnumbers import make_id_number

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力宇鹏飞波斌浩凯健俊帆旭宁龙峰亮毅雪慧颖洁倩丹莉蓉"
_MOBILE = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
           "157", "158", "159", "166", "177", "180", "181", "185", "186", "187", "188", "189", "199")
_PLATE_PROVINCES = "沪沪沪沪苏浙皖"
_PLATE_LETTERS = "ABCDEFGHJKLMN"
_PLATE_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_PURPOSES = (("探亲", 20), ("访友", 14), ("送货", 10), ("快递", 12), ("外卖", 10), ("装修", 8),
             ("维修", 7), ("家政保洁", 7), ("中介带看", 4), ("搬家", 3), ("看望老人", 5))
_ID_AREAS = ("310101", "310104", "310105", "310110", "320102", "330106", "340104", "110105", "440106")
_ITEMS = ("旧沙发一套", "双人床一张、床垫一个", "冰箱一台（以旧换新）", "洗衣机一台", "餐桌一张、椅子四把",
          "衣柜一组（已拆）", "电视机一台、电视柜一个", "空调外机一台", "纸箱十二个（搬家）", "书柜两个",
          "钢琴一架", "装修剩余瓷砖若干", "旧床垫两个", "办公桌椅一套", "婴儿车一辆、儿童床一张")
_CARRIERS = ("王师傅", "李师傅", "张师傅", "刘师傅", "陈师傅", "蚂蚁搬家 赵师傅", "货拉拉 孙师傅",
             "回收公司 周师傅", "家电回收 吴师傅", "大众搬场 郑师傅")
_CANCEL_REASONS = ("业主改期", "业主取消搬运", "开错房号，重开", "物品清单有误，重开")
_DAY_S = 86_400


def _rng(seed: int) -> random.Random:
    return random.Random(f"{seed}/registers")


def _name(r: random.Random) -> str:
    given = r.choice(_GIVEN) + (r.choice(_GIVEN) if r.random() < 0.6 else "")
    return r.choice(_SURNAMES) + given


def _mobile(r: random.Random) -> str:
    return r.choice(_MOBILE) + f"{r.randrange(10 ** 8):08d}"


def _plate(r: random.Random) -> str:
    return (r.choice(_PLATE_PROVINCES) + r.choice(_PLATE_LETTERS)
            + "".join(r.choice(_PLATE_ALNUM if i else "0123456789") for i in range(5)))


def _id_number(r: random.Random, today: dt.date) -> str:
    born = today - dt.timedelta(days=r.randrange(18 * 365, 70 * 365))
    return make_id_number(r.choice(_ID_AREAS), born, r.randrange(1000))


def _purpose(r: random.Random) -> str:
    total = sum(w for _p, w in _PURPOSES)
    pick = r.random() * total
    for purpose, weight in _PURPOSES:
        pick -= weight
        if pick < 0:
            return purpose
    return _PURPOSES[0][0]


def registers(b: Any) -> None:
    """Write the guard account, the visitors and the release passes of the sample."""
    r = _rng(b.seed)
    guard = _guard(b)
    owners = _room_owners(b.conn)
    visitors = _visitors(b, r, guard, owners)
    passes = _passes(b, r, guard, owners)
    b.say(f"registers: {visitors} visitors, {passes} release passes")


def _guard(b: Any) -> int:
    """guard1 门岗 王保安: a person's account with the demo password (temporary, as every
    sample account's)."""
    conn = b.conn
    (password_hash,) = conn.execute("SELECT password_hash FROM staff WHERE login = 'desk1'").fetchone()
    (last,) = conn.execute("SELECT MAX(id) FROM staff").fetchone()
    guard = int(last) + 1
    conn.execute(
        "INSERT INTO staff (id, login, name, role, phone, community_id, os_login, password_hash, "
        "must_change_password, failed_logins, locked_until, active, created_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (guard, "guard1", "王保安", "guard", "13916620001", None, None, password_hash, 1, 0, None, 1,
         b.t.fmt(-400 * _DAY_S)))
    return guard


def _room_owners(conn: Any) -> dict[int, tuple[int, str]]:
    """The first current owner (or co-owner) of each room: (person id, name)."""
    owners: dict[int, tuple[int, str]] = {}
    rows = conn.execute(
        "SELECT o.room_id, p.id, p.name FROM occupancy o JOIN person p ON p.id = o.person_id "
        "WHERE o.end_date IS NULL AND o.role IN ('owner', 'co_owner') ORDER BY o.id")
    for room_id, person_id, name in rows:
        owners.setdefault(room_id, (person_id, name))
    return owners


def _visitors(b: Any, r: random.Random, guard: int, owners: dict[int, tuple[int, str]]) -> int:
    t = b.t
    today = t.today
    writer = b.writer("visitor", "name, phone, id_number, plate, community_id, room_id, purpose, time_in, "
                      "time_out, staff_id, signed_out_by_id, confirmed_at, confirmed_by_id, "
                      "confirmed_person_id, confirmed_name, purged_at, created_at", "visitors")
    for ci, (cid, _community) in enumerate(b.communities):
        first, last = b.comm_rooms[ci]
        desk = b.comm_desk[cid]
        # Regulars: family, cleaners, couriers — their plate or phone comes back.
        regulars = [(_name(r), _mobile(r), _plate(r) if r.random() < 0.5 else "",
                     r.randint(first, last)) for _ in range(30)]
        for days_ago in range(365, -1, -1):
            if days_ago == 0:
                count = r.randint(3, 5)  # this morning, before 09:00: some are still inside
            elif days_ago <= 30:
                count = r.randint(5, 15)
            else:
                count = r.randint(0, 3)
            for _ in range(count):
                if r.random() < 0.35:
                    name, phone, plate, room = r.choice(regulars)
                else:
                    name, phone = _name(r), _mobile(r) if r.random() < 0.85 else ""
                    plate = _plate(r) if r.random() < 0.35 else ""
                    room = r.randint(first, last)
                if days_ago == 0:
                    start = t.at(0, 7, r.randrange(0, 115))
                    stay = r.randrange(10, 240) * 60
                else:
                    start = t.at(-days_ago, 7, 0) + r.randrange(0, 14 * 3600)
                    stay = r.randrange(10, 240) * 60
                start -= start % 60
                # Later than now (09:00 today): still inside. Earlier days: everyone went out.
                end: int | None = start + stay if start + stay <= 0 else None
                by = guard if r.random() < 0.8 else desk
                out_by = (guard if r.random() < 0.85 else desk) if end is not None else None
                id_number = _id_number(r, today) if r.random() < 0.4 else None
                confirmed = r.random() < 0.5 and room in owners
                person = owners.get(room) if confirmed else None
                confirmed_at = t.fmt(min(start + r.randrange(60, 240), 0)) if person else None
                writer.add((
                    name, phone, id_number, plate, cid, room, _purpose(r), t.fmt(start),
                    t.fmt(end) if end is not None else None, by, out_by, confirmed_at,
                    by if person else None, person[0] if person else None, person[1] if person else "",
                    None, t.fmt(start)))
    writer.flush()
    return writer.count


def _passes(b: Any, r: random.Random, guard: int, owners: dict[int, tuple[int, str]]) -> int:
    """Release passes of the last 90 days, numbered by day (FX-20261206-003)."""
    conn = b.conn
    t = b.t
    today = t.today
    rows: list[tuple] = []
    for days_ago in range(90, -1, -1):
        day = today - dt.timedelta(days=days_ago)
        seq = 0
        for ci, (cid, _community) in enumerate(b.communities):
            first, last = b.comm_rooms[ci]
            desk = b.comm_desk[cid]
            chance = 0.6 if days_ago <= 30 else 0.3
            per_day = (1 if r.random() < chance else 0) + (1 if days_ago == 0 else 0)
            for _ in range(per_day):
                room = r.randint(first, last)
                for _try in range(20):
                    if room in owners:
                        break
                    room = r.randint(first, last)
                else:
                    continue
                seq += 1
                number = f"FX-{day:%Y%m%d}-{seq:03d}"
                hour = 8 if days_ago == 0 else r.randint(8, 17)  # today: before 09:00, now
                issued = t.at(-days_ago, hour, r.randrange(0, 50))
                start_day = days_ago - (1 if r.random() < 0.2 else 0)  # valid from the next day
                length = 0 if r.random() < 0.7 else r.randint(1, 2)
                valid_from = today - dt.timedelta(days=start_day)
                valid_until = valid_from + dt.timedelta(days=length)
                used_at = used_by = cancelled_at = cancelled_by = None
                reason = ""
                fate = r.random()
                if valid_until < today:  # over: used, never used, or cancelled
                    if fate < 0.75:
                        used_at = t.fmt(max(issued + 3600, t.at(-start_day, r.randint(10, 17), r.randrange(60))))
                        used_by = guard
                    elif fate < 0.9:
                        cancelled_at, cancelled_by = t.fmt(issued + r.randint(1, 5) * 3600), desk
                        reason = r.choice(_CANCEL_REASONS)
                elif valid_from < today and fate < 0.5:  # valid until today: out already
                    used_at = t.fmt(max(issued + 3600, t.at(-1, r.randint(10, 17), r.randrange(60))))
                    used_by = guard
                person, owner_name = owners[room]
                how = "phone" if fate < 0.5 else ("in_person" if fate < 0.85 else "written")
                note = "书面同意书已留存" if how == "written" else ""
                phone = _mobile(r) if r.random() < 0.8 else ""
                plate = _plate(r) if r.random() < 0.7 else ""
                rows.append((number, cid, room, r.choice(_ITEMS), r.choice(_CARRIERS), phone, plate,
                             valid_from.isoformat(), valid_until.isoformat(), how, person, owner_name,
                             None, note, desk, t.fmt(issued), used_at, used_by, cancelled_at,
                             cancelled_by, reason))
    conn.executemany(
        "INSERT INTO release_pass (number, community_id, room_id, items, carrier_name, carrier_phone, "
        "carrier_plate, valid_from, valid_until, consent_how, consent_person_id, consent_name, "
        "consent_call_id, consent_note, issued_by_id, issued_at, used_at, used_by_id, cancelled_at, "
        "cancelled_by_id, cancel_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    return len(rows)

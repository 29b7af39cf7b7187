"""Demo records of the front desk's registers (issue 16 items 3, 4, 6) for `frontdesk
sample`: keys left for about 2 % of the occupied rooms with the people who may collect
them (some out now, one out for three days), a year of parcels (most collected, some
waiting, the owner told or "no message command configured"), and lost-and-found items
(claimed, unclaimed, disposed of). Deterministic from the seed; raw SQL like the rest of
the generator."""

from __future__ import annotations

import random
from typing import Any

from data.i18n import in_language
from data.validators import mask_phone

_DAY = 86_400

_KEY_WHAT = (("入户门钥匙", 2), ("入户门钥匙", 1), ("门禁卡", 1), ("门禁卡", 2), ("信箱钥匙", 1),
             ("车库遥控器", 1), ("入户门钥匙、门禁卡", 3), ("储藏室钥匙", 1))
_KEY_REASONS = ("出国期间委托保洁取用", "装修期间工人取用", "家政阿姨每周取用", "出差期间备用",
                "房屋出租看房用", "老人独居，家属备用", "")
_HELPERS = ("王阿姨", "李师傅", "张姐", "刘阿姨", "陈师傅", "赵女士", "周先生", "孙阿姨", "吴师傅",
            "郑女士", "何先生", "马阿姨")
_CARRIERS = (("顺丰", "SF", 13), ("京东", "JD", 15), ("中通", "ZT", 12), ("圆通", "YT", 13),
             ("韵达", "YD", 13), ("申通", "ST", 12), ("极兔", "JT", 13), ("邮政EMS", "EM", 13))
_PARCEL_WHAT = ("", "", "", "一箱水果", "文件袋", "大米一袋", "母婴用品", "家电（微波炉）", "鲜花",
                "书籍", "生鲜冷链", "衣物", "药品")
_SHELVES = ("A-1", "A-2", "A-3", "B-1", "B-2", "B-3", "C-1", "地面")
_COLLECTORS = ("家政阿姨", "邻居", "亲戚", "保姆", "朋友")
_FOUND = (("黑色钱包", "前台保险柜"), ("钥匙串（3把）", "前台抽屉"), ("儿童自行车", "物业仓库"),
          ("蓝色雨伞", "前台"), ("手机（华为）", "前台保险柜"), ("眼镜", "前台抽屉"),
          ("保温杯", "前台"), ("身份证", "前台保险柜"), ("毛绒玩具", "前台"), ("运动外套", "物业仓库"),
          ("U盘", "前台抽屉"), ("老人拐杖", "前台"))
_PLACES = ("{b}号楼大堂", "{b}号楼电梯内", "儿童游乐区", "地下车库B1", "小区东门岗亭", "健身步道",
           "快递柜旁", "{b}号楼门口花坛")
_FINDERS = ("保洁 刘阿姨", "保安 王师傅", "业主 陈先生", "绿化 李师傅", "业主 赵女士")
_DISPOSALS = (("police", "已交辖区派出所，民警签收"), ("donated", "已捐赠社区爱心驿站"),
              ("discarded", "无保存价值，经主管同意丢弃"))


def desk_registers(b: Any) -> None:
    """Write the registers' demo rows with the generator `b` (data.sample._Builder)."""
    rnd = random.Random(f"{b.seed}/desk_registers")
    occupied = [room for room in range(1, b.n_rooms + 1) if b.room_contact[room]]
    if not occupied:
        return
    keys = _keys(b, rnd, occupied)
    parcels = _parcels(b, rnd, occupied)
    found = _found(b, rnd)
    b.say(f"desk registers: {keys} key deposits, {parcels} parcels, {found} found items")


def _desk(b: Any, room: int) -> int:
    return b.comm_desk[b.room_comm[room]]


def _keys(b: Any, rnd: random.Random, occupied: list[int]) -> int:
    t = b.t
    count = max(3, round(len(occupied) * 0.02))
    rooms = sorted(rnd.sample(occupied, min(count, len(occupied))))
    deposits, authorised, loans = [], [], []
    aid = lid = 0
    for did, room in enumerate(rooms, start=1):
        person = b.room_contact[room]
        name = b.person_name[person]
        mobile = b.person_mobile[person]
        desk = _desk(b, room)
        what, qty = _KEY_WHAT[int(rnd.random() * len(_KEY_WHAT))]
        day = -int(30 + rnd.random() * 700)
        deposited = t.at(day, 9 + int(rnd.random() * 9), int(rnd.random() * 60))
        # The first deposit is out for three days (the handover flags it), the next few out today.
        state = "out" if did <= 1 + max(1, count // 8) else ("closed" if rnd.random() < 0.15 else "held")
        closed_day = day + int((0.3 + rnd.random() * 0.6) * -day) if state == "closed" else None
        closed_at = t.at(closed_day, 10 + int(rnd.random() * 8), int(rnd.random() * 60)) \
            if closed_day is not None else None
        deposits.append((did, b.room_comm[room], room, what, qty, person, name, t.fmt(deposited), desk,
                         state, _KEY_REASONS[int(rnd.random() * len(_KEY_REASONS))],
                         t.fmt(closed_at) if closed_at is not None else None,
                         name if state == "closed" else "", desk if state == "closed" else None,
                         t.fmt(deposited)))
        people = [(name, mobile[-4:] if mobile else "", "", person)]
        for helper in rnd.sample(_HELPERS, 1 + int(rnd.random() * 2)):
            if rnd.random() < 0.7:
                people.append((helper, f"{int(rnd.random() * 10_000):04d}", "", None))
            else:
                people.append((helper, "", f"{int(rnd.random() * 1_000_000):06d}", None))
        for who, phone, ident, pid in people:
            aid += 1
            authorised.append((aid, did, who, phone, ident, pid, t.fmt(deposited), desk, None, None))
        # Past hand-outs in the daytime, each back the same day.
        end_day = closed_day if closed_day is not None else -4
        loan_day = day + 1 + int(rnd.random() * 10)
        while loan_day < end_day and rnd.random() < 0.8:
            who = people[int(rnd.random() * len(people))][0]
            out = t.at(loan_day, 8 + int(rnd.random() * 8), int(rnd.random() * 60))
            back = out + int((1 + rnd.random() * 5) * 3600)
            lid += 1
            loans.append((lid, did, aid - len(people) + 1 + [p[0] for p in people].index(who), who,
                          t.fmt(out), desk, "", t.fmt(back), who, desk))
            loan_day += 5 + int(rnd.random() * 60)
        if state == "out":
            who = people[min(1, len(people) - 1)][0]
            out = t.at(-3, 10, 0) if did == 1 else t.at(0, 8, int(rnd.random() * 50))
            lid += 1
            loans.append((lid, did, aid - len(people) + 1 + [p[0] for p in people].index(who), who,
                          t.fmt(out), desk, "", None, "", None))
    b.conn.executemany(
        "INSERT INTO key_deposit (id, community_id, room_id, description, quantity, owner_id, left_by, "
        "deposited_at, deposited_staff_id, state, note, closed_at, closed_to, closed_staff_id, created_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", deposits)
    b.conn.executemany(
        "INSERT INTO key_authorisation (id, deposit_id, name, phone_tail, id_tail, person_id, added_at, "
        "added_staff_id, revoked_at, revoked_staff_id) VALUES (?,?,?,?,?,?,?,?,?,?)", authorised)
    b.conn.executemany(
        "INSERT INTO key_loan (id, deposit_id, authorisation_id, handed_to, out_at, out_staff_id, note, "
        "returned_at, returned_by, returned_staff_id) VALUES (?,?,?,?,?,?,?,?,?,?)", loans)
    return len(deposits)


def _parcels(b: Any, rnd: random.Random, occupied: list[int]) -> int:
    """A year of parcels: before the message command was set up (half a year ago) the desk
    phoned; since then the owner gets an SMS with the pickup code."""
    t = b.t
    no_command = in_language(
        "No message command is configured, so nothing was sent: tell the owner by phone.", "zh")
    sent_text = in_language("Message sent to {number}.", "zh")
    no_mobile = in_language("Nobody living in {room} has a mobile number: nothing was sent. Tell them "
                            "by phone or a note.", "zh")
    template = in_language(
        "Property front desk: a {carrier} parcel{what} for {room} is waiting at the desk{shelf}. "
        "Pickup code {code}.", "zh")
    shelf_text = in_language(", shelf {shelf}", "zh")
    total = max(20, round(b.owners * 1.5))
    parcels, messages = [], []
    # Other parts may have written messages already: continue after theirs.
    mid = b.conn.execute("SELECT COALESCE(MAX(id), 0) FROM outbound_message").fetchone()[0]
    for pid in range(1, total + 1):
        room = occupied[int(rnd.random() * len(occupied))]
        person = b.room_contact[room]
        mobile = b.person_mobile[person]
        desk = _desk(b, room)
        carrier, prefix, digits = _CARRIERS[int(rnd.random() * len(_CARRIERS))]
        tracking = prefix + "".join(str(int(rnd.random() * 10)) for _ in range(digits))
        what = _PARCEL_WHAT[int(rnd.random() * len(_PARCEL_WHAT))]
        size = "large" if "家电" in what or "大米" in what else ("medium" if rnd.random() < 0.3 else "small")
        shelf = "地面" if size == "large" else _SHELVES[int(rnd.random() * (len(_SHELVES) - 1))]
        # Spread over the year; the last ~40 are recent and most of those still wait.
        recent = pid > total - 40
        day = -int(rnd.random() * 12) if recent else -int(12 + rnd.random() * 353)
        received = t.at(day, 9 + int(rnd.random() * 10), int(rnd.random() * 60))
        if received > 0:
            received = t.at(0, 8, int(rnd.random() * 59))
        code = f"{int(rnd.random() * 1_000_000):06d}"
        if day < -182:
            notified, notice, message_id, told = 0, no_command, None, None
        elif not mobile:
            notified, notice, message_id, told = 0, no_mobile.format(room=b.room_code[room]), None, None
        else:
            mid += 1
            label = f"{b.communities[b.room_comm[room] - 1][1]} {b.room_code[room]}"
            text = template.format(carrier=carrier, what=f"（{what}）" if what else "", room=label,
                                   shelf=shelf_text.format(shelf=shelf), code=code)
            messages.append((mid, mobile, text, person, "parcel", pid, desk, "sent", "",
                             t.fmt(received + 60)))
            notified, notice, message_id, told = 1, sent_text.format(number=mask_phone(mobile)), mid, person
        later = int(rnd.random() * 4)
        at = received + int((1 + rnd.random() * 4) * 3600) if later == 0 else \
            t.at(day + later, 8 + int(rnd.random() * 13), int(rnd.random() * 60))
        if (recent and rnd.random() < 0.75) or at >= t.at(0, 8, 59):
            state, collected = "waiting", (None, "", "", "", None)
        else:
            roll = rnd.random()
            if roll < 0.8:
                collected = (t.fmt(at), b.person_name[person], "resident", "", desk)
            elif roll < 0.9 and notified:
                collected = (t.fmt(at), _COLLECTORS[int(rnd.random() * len(_COLLECTORS))], "code", "", desk)
            else:
                collected = (t.fmt(at), _COLLECTORS[int(rnd.random() * len(_COLLECTORS))], "note",
                             "业主来电同意代取", desk)
            state = "collected"
        parcels.append((pid, b.room_comm[room], room, carrier, tracking, what, size, shelf,
                        t.fmt(received), desk, code, told, notified, notice, message_id, state,
                        *collected, ""))
    b.conn.executemany(
        "INSERT INTO outbound_message (id, number, text, person_id, about, about_id, staff_id, state, "
        "error, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", messages)
    b.conn.executemany(
        "INSERT INTO parcel (id, community_id, room_id, carrier, tracking, description, size, shelf, "
        "received_at, received_staff_id, pickup_code, notified_person_id, notified, notice, message_id, "
        "state, collected_at, collected_by, collected_how, collected_note, collected_staff_id, note) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", parcels)
    return len(parcels)


def _found(b: Any, rnd: random.Random) -> int:
    t = b.t
    total = max(12, b.owners // 40)
    rows = []
    for fid in range(1, total + 1):
        community = 1 + int(rnd.random() * len(b.communities))
        desk = b.comm_desk[community]
        what, stored = _FOUND[int(rnd.random() * len(_FOUND))]
        place = _PLACES[int(rnd.random() * len(_PLACES))].format(b=1 + int(rnd.random() * 12))
        day = -int(rnd.random() * 365)
        found = t.at(day, 7 + int(rnd.random() * 12), int(rnd.random() * 60))
        if found > 0:
            found = t.at(0, 7, 30)
        by_staff = rnd.random() < 0.3
        finder = b.staff_name[desk] if by_staff else _FINDERS[int(rnd.random() * len(_FINDERS))]
        claimed = (None, "", "", "", "", None)
        disposal = ("", "", None, None)
        roll = rnd.random()
        state = "held"
        if (roll < 0.55 or fid == 1) and found + 3600 < t.at(0, 8, 45):
            at = min(max(found + 3600, t.at(day + int(rnd.random() * 20), 9 + int(rnd.random() * 10),
                                            int(rnd.random() * 60))), t.at(0, 8, 45))
            mobile = f"13{int(rnd.random() * 10)}{int(rnd.random() * 100_000_000):08d}"
            claimed = (t.fmt(at), b.person_name[1 + int(rnd.random() * (len(b.person_name) - 1))],
                       mobile, f"{int(rnd.random() * 10_000):04d}" if rnd.random() < 0.5 else "",
                       "核对了物品特征" if rnd.random() < 0.5 else "", desk)
            state = "claimed"
        elif day < -100 and roll < 0.8:
            how, note = _DISPOSALS[int(rnd.random() * len(_DISPOSALS))]
            disposal = (how, note, t.fmt(found + int((91 + rnd.random() * 8) * _DAY)), b.comm_desk[community])
            state = "disposed"
        rows.append((fid, community, what, place, t.fmt(found), finder, desk if by_staff else None,
                     stored, desk, t.fmt(found + 600 if found + 600 < 0 else found), "", state,
                     claimed[1], claimed[2], claimed[3], claimed[4], claimed[0], claimed[5],
                     *disposal))
    b.conn.executemany(
        "INSERT INTO found_item (id, community_id, description, place, found_at, found_by, found_staff_id, "
        "stored_at, registered_staff_id, created_at, note, state, claimed_by, claimed_phone, "
        "claimed_id_tail, claimed_note, claimed_at, claimed_staff_id, disposal, disposal_note, "
        "disposed_at, disposed_staff_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    return len(rows)

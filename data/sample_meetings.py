"""The demo owners' meeting and owners' committee (issue 19 items 3, 4): in the first
community a meeting announced 12 days ago and held in 3 days, with a major proposal (raising
the maintenance fund) and an ordinary one (renewing the property service contract); most
owners' written ballots entered twice by two desk clerks (one room's two entries differ, so
it waits in the differences list); a committee of five, one member's term ending within 60
days, and two committee meetings on the calendar with minutes. Deterministic.

Called once from `data.sample._Builder.run`: raw SQL on the builder's connection."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

_ROLES = ("director", "deputy", "member", "member", "member")


def _first_room_per_head(conn, community: int) -> list[int]:
    """One room per head (SPEC §13): an owner's first room, one of the developer's units,
    each ownerless room — rooms with an area only."""
    seen: set[str] = set()
    out = []
    owners = dict(conn.execute(
        "SELECT o.room_id, MIN(o.person_id) FROM occupancy o JOIN room r ON r.id = o.room_id "
        "WHERE o.role = 'owner' AND o.end_date IS NULL AND r.community_id = ? GROUP BY o.room_id",
        (community,)).fetchall())
    for rid, area, dev in conn.execute("SELECT id, area_m2, developer_held FROM room WHERE community_id = ? "
                                       "ORDER BY id", (community,)):
        head = "developer" if dev else (f"owner:{owners[rid]}" if rid in owners else f"room:{rid}")
        if head in seen or not area:
            continue
        seen.add(head)
        out.append(rid)
    return out


def meetings(b: Any) -> None:
    """Add the meeting, its ballots and the committee to the sample being built (`b`: the
    `_Builder` of data.sample: `.conn`, `.t.today`, `.seed`)."""
    conn = b.conn
    rnd = random.Random(f"{b.seed}/meetings")
    today: dt.date = b.t.today
    community, name = conn.execute("SELECT id, name FROM community ORDER BY id LIMIT 1").fetchone()
    desks = [sid for (sid,) in conn.execute("SELECT id FROM staff WHERE role = 'desk' ORDER BY id LIMIT 2")]
    created = f"{today - dt.timedelta(days=12)} 10:00:00"
    cur = conn.execute(
        "INSERT INTO meeting (community_id, title, held_on, place, announced_on, created_by_id, created_at) "
        "VALUES (?,?,?,?,?,?,?)",
        (community, f"{today.year}年第一次业主大会", (today + dt.timedelta(days=3)).isoformat(), "小区会所二楼多功能厅",
         (today - dt.timedelta(days=12)).isoformat(), desks[0], created))
    meeting = cur.lastrowid
    proposals = []
    for seq, (title, matter) in enumerate((("续筹专项维修资金（每平方米 30 元）", "major"),
                                           (f"续聘物业服务企业（{name}）", "other")), 1):
        cur = conn.execute("INSERT INTO proposal (meeting_id, seq, title, matter) VALUES (?,?,?,?)",
                           (meeting, seq, title, matter))
        proposals.append(cur.lastrowid)
    rows = []
    heads = _first_room_per_head(conn, community)
    differing = None
    for n, rid in enumerate(heads):
        if rnd.random() >= 0.8:  # about one in five has not voted yet
            continue
        roll = rnd.random()
        major = "yes" if roll < 0.82 else ("no" if roll < 0.93 else "abstain")
        ordinary = "yes" if rnd.random() < 0.7 else rnd.choice(("no", "abstain"))
        first = {str(proposals[0]): major, str(proposals[1]): ordinary}
        second = dict(first)
        if differing is None and n > 10:  # one paper the second clerk read differently
            differing = rid
            second[str(proposals[1])] = "no" if ordinary != "no" else "yes"
        at = f"{today - dt.timedelta(days=rnd.randint(1, 10))} {rnd.randint(9, 17):02d}:{rnd.randint(0, 59):02d}:00"
        rows.append((meeting, rid, 1, json.dumps(first, sort_keys=True), desks[0], at))
        rows.append((meeting, rid, 2, json.dumps(second, sort_keys=True), desks[-1], at))
    conn.executemany("INSERT INTO ballot_entry (meeting_id, room_id, entry, choices, entered_by_id, entered_at) "
                     "VALUES (?,?,?,?,?,?)", rows)

    owners = [pid for (pid,) in conn.execute(
        "SELECT DISTINCT o.person_id FROM occupancy o JOIN room r ON r.id = o.room_id WHERE o.role = 'owner' "
        "AND o.end_date IS NULL AND r.community_id = ? ORDER BY o.person_id LIMIT 40", (community,))]
    members = rnd.sample(owners, min(5, len(owners)))  # a tiny sample has fewer owners
    start = today - dt.timedelta(days=2 * 365 + 300)
    for i, (pid, role) in enumerate(zip(members, _ROLES, strict=False)):
        end = today + dt.timedelta(days=40) if i == 3 else start.replace(year=start.year + 5)
        conn.execute("INSERT INTO committee_member (community_id, person_id, role, term_start, term_end, created_at) "
                     "VALUES (?,?,?,?,?,?)", (community, pid, role, start.isoformat(), end.isoformat(),
                                              f"{start} 09:00:00"))
    for days, topic, minutes in ((-20, "筹备业主大会", "确定两项议题，公告于业主大会召开15日前张贴。"),
                                 (7, "业主大会计票复核", "")):
        when = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(19, 0))
        cur = conn.execute(
            "INSERT INTO event (uid, kind, title, description, location, organiser_id, start, end, all_day, "
            "cancelled, done, created_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (f"{rnd.getrandbits(128):032x}@frontdesk", "meeting", f"业委会会议：{topic}", minutes, name, desks[0],
             f"{when:%Y-%m-%d %H:%M:%S}", f"{when + dt.timedelta(hours=2):%Y-%m-%d %H:%M:%S}", 0, 0, 0, created, 1))
        conn.execute("INSERT INTO event_attendee (event_id, staff_id) VALUES (?,?)", (cur.lastrowid, desks[0]))
        conn.execute("INSERT INTO committee_meeting (community_id, event_id, starts_at, topic, minutes, created_by_id, "
                     "created_at) VALUES (?,?,?,?,?,?,?)",
                     (community, cur.lastrowid, f"{when:%Y-%m-%d %H:%M:%S}", topic, minutes, desks[0], created))

"""Sample data of the 12345 citizen hotline and of retention (issue 16 items 13 and 14): a
handful of complaints the hotline forwarded over the last months — replied in time, replied
late, one open with its reply due tomorrow, one overdue (escalated already, as the sweeps of
the days before would have done) — and a past purge run.

Called once from `data.sample._Builder.run`; raw SQL on the builder's connection, and
deterministic from the seed (the orders it takes are chosen in id order among those the
generator made)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

#: What the company replied to the hotline, by case.
_REPLIES = (
    "已联系业主并安排维修人员当日上门处理，业主表示满意。",
    "已约谈相关住户，噪音问题已整改，回访业主无异议。",
    "经核实为公共管道堵塞，已疏通并清理现场，业主认可处理结果。",
    "已向业主说明收费依据并出示公示标准，业主表示理解。",
)
_STAMP = "%Y-%m-%d %H:%M:%S"


def add_hotline(b: Any) -> None:
    """Hotline complaints and a past purge run into the sample being built (`b`: the
    `_Builder` of data.sample: `.conn`, `.t`, `.seed`, `.anchor`, `.say`)."""
    conn = b.conn
    rnd = random.Random(f"{b.seed}/hotline")
    anchor = dt.datetime.strptime(b.anchor, _STAMP)  # today 09:00
    staff = {login: sid for sid, login in conn.execute("SELECT id, login FROM staff")}
    desks = [staff[login] for login in sorted(staff) if login.startswith("desk")]
    if not desks:
        return

    def pick(statuses: tuple[str, ...], oldest_days: int, newest_days: int,
             count: int) -> list[tuple]:
        """`count` orders (complaints first) created in the window, spread over it."""
        since = (anchor - dt.timedelta(days=oldest_days)).strftime(_STAMP)
        until = (anchor - dt.timedelta(days=newest_days)).strftime(_STAMP)
        marks = ",".join("?" * len(statuses))
        rows: list[tuple] = []
        for kind_test in ("kind = 'complaint'", "kind <> 'complaint'"):
            rows += conn.execute(
                "SELECT id, number, created_at, status, building_id, community_id FROM work_order "
                f"WHERE {kind_test} AND status IN ({marks}) AND created_at >= ? AND created_at < ? "
                "AND channel <> 'hotline' AND merged_into_id IS NULL ORDER BY id",
                (*statuses, since, until)).fetchall()
            if len(rows) >= count:
                break
        if len(rows) <= count:
            return rows
        step = len(rows) / count
        return [rows[int(i * step)] for i in range(count)]

    done = pick(("closed", "visited"), 120, 10, 3)  # two replied in time, one late
    due_tomorrow = pick(("new", "assigned", "in_progress"), 3, 0, 1)
    overdue = pick(("new", "assigned", "in_progress", "on_hold"), 20, 4, 1)
    cases = ([("in_time", row) for row in done[:2]] + [("late", row) for row in done[2:]]
             + [("tomorrow", row) for row in due_tomorrow] + [("overdue", row) for row in overdue])
    for i, (case, (wid, number, created_text, status, building, community)) in enumerate(cases):
        created = _parse(created_text)
        ref = f"12345-{created:%Y%m%d}-{1000 + rnd.randrange(9000):04d}"
        if case == "tomorrow":
            due = dt.datetime.combine(anchor.date() + dt.timedelta(days=1), dt.time(17, 0))
        else:
            due = dt.datetime.combine(created.date() + dt.timedelta(days=3), dt.time(17, 0))
        replied_at = replier = None
        text = ""
        escalated_at = None
        if case == "in_time":
            replied_at = created + dt.timedelta(hours=20 + rnd.randrange(20))
        elif case == "late":
            replied_at = due + dt.timedelta(hours=18 + rnd.randrange(6))
        if case in ("late", "overdue"):
            escalated_at = due + dt.timedelta(minutes=1)  # the sweep of that minute
        if replied_at is not None:
            replier, text = desks[i % len(desks)], _REPLIES[i % len(_REPLIES)]
        conn.execute("UPDATE work_order SET channel = 'hotline' WHERE id = ?", (wid,))
        conn.execute("UPDATE work_order_history SET note = ? WHERE work_order_id = ? AND action = 'create'",
                     (f"12345 {ref}，答复期限 {due:%Y-%m-%d %H:%M}", wid))
        conn.execute(
            "INSERT INTO hotline_order (work_order_id, ref, reply_due, replied_at, reply_text, "
            "replied_by_id, escalated_at, created_at) VALUES (?,?,?,?,?,?,?,?)",
            (wid, ref, _fmt(due), _fmt(replied_at), text, replier, _fmt(escalated_at), _fmt(created)))
        if escalated_at is not None:
            _escalated(conn, wid, number, status, ref, due, escalated_at, building, community,
                       read=replied_at is not None or escalated_at < anchor - dt.timedelta(hours=16))
        if replied_at is not None:
            late = f"（逾期：应于 {due:%m-%d %H:%M} 前）" if replied_at > due else ""
            conn.execute(
                "INSERT INTO work_order_history (work_order_id, staff_id, at, action, from_status, "
                "to_status, note) VALUES (?,?,?,?,?,?,?)",
                (wid, replier, _fmt(replied_at), "hotline_reply", status, status,
                 f"12345 {ref} 已答复{late}：{text}"))
    _past_purge(b, conn, anchor, staff.get("cron"))
    b.say(f"12345 hotline: {len(cases)} complaints")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text[:19], _STAMP)


def _fmt(value: dt.datetime | None) -> str | None:
    return value.strftime(_STAMP) if value is not None else None


def _escalated(conn, wid: int, number: str, status: str, ref: str, due: dt.datetime,
               at: dt.datetime, building: int | None, community: int, *, read: bool) -> None:
    """What data.escalation's sweep wrote when the reply deadline was missed: the level-1
    people (as data.escalation._recipients chooses them) told, the order's history."""
    supervisors = []
    if building is not None:
        supervisors = [sid for (sid,) in conn.execute(
            "SELECT DISTINCT s.id FROM staff s JOIN territory t ON t.staff_id = s.id "
            "WHERE s.role = 'supervisor' AND s.active AND t.building_id = ? ORDER BY s.login",
            (building,))]
    if not supervisors:
        supervisors = [sid for (sid,) in conn.execute(
            "SELECT id FROM staff WHERE role = 'supervisor' AND active AND community_id = ? "
            "ORDER BY login", (community,))]
    if not supervisors:
        supervisors = [sid for (sid,) in conn.execute(
            "SELECT id FROM staff WHERE role = 'supervisor' AND active ORDER BY login")]
    names = "、".join(name for (name,) in conn.execute(
        f"SELECT name FROM staff WHERE id IN ({','.join('?' * len(supervisors))}) ORDER BY login",
        supervisors)) if supervisors else "无人（没有这样的员工）"
    for sid in supervisors:
        conn.execute(
            "INSERT INTO notification (staff_id, kind, title, body, entity, entity_id, dedupe_key, "
            "created_at, read_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (sid, "escalation", f"工单 {number}：12345 答复已超期",
             f"{number}：给 12345 热线（{ref}）的答复应于 {due:%Y-%m-%d %H:%M} 前完成。",
             "work_order", wid, f"hotline:{wid}:{sid}", _fmt(at),
             _fmt(at + dt.timedelta(minutes=40)) if read else None))
    conn.execute(
        "INSERT INTO work_order_history (work_order_id, staff_id, at, action, from_status, "
        "to_status, note) VALUES (?,?,?,?,?,?,?)",
        (wid, None, _fmt(at), "escalate", status, status,
         f"12345 {ref}：答复期限 {due:%Y-%m-%d %H:%M} 已过；已通知 {names}"))


def _past_purge(b: Any, conn, anchor: dt.datetime, service: int | None) -> None:
    """Last Sunday night's `frontdesk purge` by cron's service account: the call recordings
    older than the default year (the sample's calls are younger: none were due)."""
    at = dt.datetime.combine(anchor.date() - dt.timedelta(days=anchor.weekday() + 1), dt.time(2, 30))
    cutoff = at - dt.timedelta(days=365)
    purged = conn.execute("UPDATE call SET recording = '' WHERE started_at < ? AND recording <> ''",
                          (_fmt(cutoff),)).rowcount
    conn.execute("INSERT INTO purge_run (at, name, days, cutoff, purged, staff_id) VALUES (?,?,?,?,?,?)",
                 (_fmt(at), "recordings", 365, _fmt(cutoff), purged, service))

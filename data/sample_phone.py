"""Demo data of the caller-ID pop-up (来电弹屏, issue 16 item 10), for `frontdesk sample`:
extensions 801, 802 … for the desk clerks; the phone system's rings of the last two weeks
behind some answered inbound calls, with their recording files; and missed calls (未接) of
the last three weeks that became callbacks — the older ones called back, today's and
yesterday's still open. Deterministic from the seed; raw SQL on the generator's connection.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from typing import Any

#: The first desk clerk's extension; the others follow in login order.
FIRST_EXTENSION = 801
#: Answered calls of the last RING_DAYS days get a ring (and a recording) at this rate.
RING_DAYS, RING_SHARE, MAX_RINGS = 14, 0.35, 400
#: Missed calls: one per this many households, within these bounds, over MISSED_DAYS days.
MISSED_PER_OWNERS, MIN_MISSED, MAX_MISSED, MISSED_DAYS = 100, 8, 60, 21
#: A missed call's callback is due this long after it rang (data.calls.MISSED_CALLBACK_AFTER).
CALLBACK_AFTER_S = 15 * 60


def _parse(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp)


def _fmt(value: dt.datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}"


def _pbx_id(at: dt.datetime, n: int) -> str:
    """An Asterisk-like ${UNIQUEID} (epoch seconds of the Shanghai wall time, a sequence)."""
    return f"{calendar.timegm(at.timetuple()) - 8 * 3600}.{n}"


def phone_system(b: Any) -> None:
    """Extensions, rings with recordings, and missed calls turned callbacks (see the module
    docstring), added to the sample `b` (data.sample._Builder) is writing."""
    conn, t = b.conn, b.t
    rnd = random.Random(f"phone-system-{b.seed}")
    r = rnd.random
    desks = conn.execute("SELECT id, name FROM staff WHERE role = 'desk' ORDER BY login").fetchall()
    if not desks:
        return
    extension = {sid: str(FIRST_EXTENSION + i) for i, (sid, _name) in enumerate(desks)}
    conn.executemany("UPDATE staff SET extension = ? WHERE id = ?", [(e, s) for s, e in extension.items()])
    name = dict(desks)
    now = _parse(t.fmt(0))

    ring_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM ring").fetchone()[0]
    rings: list[tuple] = []
    recordings: list[tuple[str, int]] = []
    answered = conn.execute(
        "SELECT id, number, staff_id, started_at, duration_s FROM call WHERE direction = 'in' "
        "AND duration_s > 0 AND number != '' AND started_at >= ? AND started_at < ? "
        f"AND staff_id IN ({', '.join('?' * len(extension))}) ORDER BY id",
        (t.fmt(-RING_DAYS * 86_400), t.fmt(0), *extension),
    ).fetchall()
    for call_id, number, staff_id, started, duration in answered:
        if len(rings) >= MAX_RINGS or r() >= RING_SHARE:
            continue
        at = _parse(started)
        ext = extension[staff_id]
        ring_id += 1
        file_name = f"{at:%Y%m%d-%H%M%S}-{ext}.wav"
        rings.append((ring_id, number, ext, staff_id, started, 1, _fmt(at + dt.timedelta(seconds=duration)),
                      file_name, call_id, _pbx_id(at, ring_id)))
        recordings.append((file_name, call_id))
    conn.executemany("UPDATE call SET recording = ? WHERE id = ?", recordings)

    callers = conn.execute(
        "SELECT person_id, number FROM call WHERE direction = 'in' AND person_id IS NOT NULL "
        "AND number != '' ORDER BY id LIMIT 2000").fetchall()
    count = max(MIN_MISSED, min(MAX_MISSED, b.owners // MISSED_PER_OWNERS))
    call_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM call").fetchone()[0]
    calls: list[tuple] = []
    for n in range(count if callers else 0):
        person, number = callers[int(r() * len(callers))]
        staff_id = desks[int(r() * len(desks))][0]
        # The first two today (before the anchor), the rest spread over the last weeks.
        day = 0 if n < 2 else -1 - int(r() * MISSED_DAYS)
        at = _parse(t.fmt(t.at(day, 8 + int(r() * 11) if day else 8, int(r() * 60))))
        if at > now:
            at = now - dt.timedelta(minutes=20 + n)
        due = at + dt.timedelta(seconds=CALLBACK_AFTER_S)
        ext = extension[staff_id]
        summary = f"分机 {ext} 未接来电：无人接听。"
        done = None
        if day < -1 and r() < 0.9:  # older ones were called back, mostly in time
            done = due + dt.timedelta(minutes=int(r() * 40) - 10)
            summary += f"\n{done:%m-%d %H:%M} {name[staff_id]}已回电"
        call_id += 1
        ring_id += 1
        calls.append((call_id, "in", number, person, None, staff_id, _fmt(at), 0, "other", summary, "missed",
                      _fmt(due), staff_id, _fmt(done) if done else None, None, "", None))
        rings.append((ring_id, number, ext, staff_id, _fmt(at), 0, _fmt(at), "", call_id, _pbx_id(at, ring_id)))
    conn.executemany(
        "INSERT INTO call (id, direction, number, person_id, caller_staff_id, staff_id, started_at, "
        "duration_s, category, summary, outcome, callback_due, callback_assignee_id, callback_done_at, "
        "work_order_id, recording, incident_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", calls)
    conn.executemany(
        "INSERT INTO ring (id, number, extension, staff_id, rang_at, answered, hung_up_at, recording, "
        "call_id, pbx_call_id) VALUES (?,?,?,?,?,?,?,?,?,?)", rings)
    b.say(f"rings {len(rings)}, missed calls {len(calls)}")

"""Call statistics of a date range.

Answered rate (`call_stats`). A call "needed an answer" unless its outcome is
``invalid`` (空号: nobody could have answered). Of those, a call was answered unless its
outcome is ``no_answer``, ``rejected`` or ``missed`` (未接: an inbound call the phone system
reported nobody answered, data.calls.ringing); a call logged without an outcome was a
conversation, so it counts as answered. The average duration is the talk time of the
answered calls (unanswered dialling attempts last 0 s and would drag it down).

Callbacks kept on time: of the callbacks whose due time lies in the range and that are
either done or already due, those done no later than their due time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import SQL, Case, fn

from data import access
from data.clock import now as clock_now
from data.errors import ValidationError
from data.i18n import _
from data.models import Call, Staff
from data.vocab import UNANSWERED_OUTCOMES, UNREACHABLE_OUTCOMES


@dataclass(frozen=True)
class CallStats:
    """Call statistics of a date range (both ends included). See the module docstring for
    the answered rate and the callbacks kept on time. Rates are fractions 0–1 (0 when
    there was nothing to count); category and outcome are codes."""

    since: dt.date
    until: dt.date
    total: int
    inbound: int
    outbound: int
    answered: int
    answered_rate: float
    avg_duration_s: float
    callbacks_due: int
    callbacks_on_time: int
    callbacks_on_time_rate: float
    by_day: tuple[tuple[dt.date, int, int], ...]  # (day, inbound, outbound), every day
    by_staff: tuple[tuple[str, int, float], ...]  # (staff name, calls, avg duration)
    by_category: tuple[tuple[str, int], ...]
    by_outcome: tuple[tuple[str, int], ...]
    needed_answer: int = 0  # the answered rate's denominator

    def as_json(self) -> dict:
        return {
            "since": self.since.isoformat(), "until": self.until.isoformat(),
            "total": self.total, "inbound": self.inbound, "outbound": self.outbound,
            "answered": self.answered, "needed_answer": self.needed_answer,
            "answered_rate": round(self.answered_rate, 4),
            "avg_duration_s": round(self.avg_duration_s, 1),
            "callbacks_due": self.callbacks_due, "callbacks_on_time": self.callbacks_on_time,
            "callbacks_on_time_rate": round(self.callbacks_on_time_rate, 4),
            "by_day": [{"day": d.isoformat(), "in": i, "out": o} for d, i, o in self.by_day],
            "by_staff": [{"staff": s, "calls": n, "avg_duration_s": round(a, 1)}
                         for s, n, a in self.by_staff],
            "by_category": {c: n for c, n in self.by_category},
            "by_outcome": {c: n for c, n in self.by_outcome},
        }


def _as_date(value) -> dt.date:
    """A DATE() result: a string on SQLite, a date on PostgreSQL."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def place_where(since: dt.date, until: dt.date, community_id: int | None = None,
                building_id: int | None = None):
    """The calls of a community or building (None: every call): those about a work order
    of that place, and those without a work order from a person who lived there (an
    occupancy of a room there overlapping `since`..`until`). A call from an unknown number
    belongs to no place: it counts for the whole company only."""
    if community_id is None and building_id is None:
        return None
    from data.models import Occupancy, Room, WorkOrder

    order = WorkOrder.select(SQL("1")).where(WorkOrder.id == Call.work_order)
    room = Room.select(Room.id)
    if building_id is not None:
        order = order.where(WorkOrder.building == building_id)
        room = room.where(Room.building == building_id)
    else:
        order = order.where(WorkOrder.community == community_id)
        room = room.where(Room.community == community_id)
    lived = Occupancy.select(SQL("1")).where(
        Occupancy.person == Call.person, Occupancy.room.in_(room),
        Occupancy.end_date.is_null() | (Occupancy.end_date >= since),
        Occupancy.start_date.is_null() | (Occupancy.start_date <= until))
    return (Call.work_order.is_null(False) & fn.EXISTS(order)) | (
        Call.work_order.is_null() & Call.person.is_null(False) & fn.EXISTS(lived))


def call_stats(since: dt.date, until: dt.date, staff_id: int | None = None, *,
               at: dt.datetime | None = None, community_id: int | None = None,
               building_id: int | None = None) -> CallStats:
    """Statistics of the calls started from `since` to `until` (both included), in SQL
    aggregates that give the same numbers on SQLite and PostgreSQL. `staff_id` keeps that
    staff member's calls, and the callbacks assigned to them; `community_id` or
    `building_id` that place's calls (`place_where`). See the module docstring for
    the answered rate, the average duration and the callbacks kept on time. Anyone may
    see their own; everyone's, or a colleague's, is a report (supervisors)."""
    if staff_id is None or staff_id != access.current_id():
        access.require("reports")
    if since > until:
        raise ValidationError("since", _("The start date ({since}) is after the end date ({until}).").format(
            since=since, until=until))
    if (until - since).days > 366:
        raise ValidationError("until", _("Statistics cover at most a year at a time."))
    at = at or clock_now()
    start = dt.datetime.combine(since, dt.time())
    end = dt.datetime.combine(until, dt.time()) + dt.timedelta(days=1)
    where = (Call.started_at >= start) & (Call.started_at < end)
    if staff_id is not None:
        where = where & (Call.staff == staff_id)
    place = place_where(since, until, community_id, building_id)
    if place is not None:
        where = where & place

    def count_if(cond):
        return fn.SUM(Case(None, ((cond, 1),), 0))

    needs = Call.outcome.not_in(UNREACHABLE_OUTCOMES)
    answered = Call.outcome.not_in(UNANSWERED_OUTCOMES + UNREACHABLE_OUTCOMES)
    talk = fn.SUM(Case(None, ((answered, Call.duration_s),), 0))
    total, inbound, outbound, needing, answered_n, talk_s = (
        Call.select(fn.COUNT(Call.id), count_if(Call.direction == "in"),
                    count_if(Call.direction == "out"), count_if(needs), count_if(answered), talk)
        .where(where).tuples().first()
    )
    total, inbound, outbound = int(total or 0), int(inbound or 0), int(outbound or 0)
    needing, answered_n, talk_s = int(needing or 0), int(answered_n or 0), int(talk_s or 0)

    day = fn.DATE(Call.started_at)
    per_day = {
        _as_date(d): (int(i or 0), int(o or 0))
        for d, i, o in Call.select(day, count_if(Call.direction == "in"), count_if(Call.direction == "out"))
        .where(where).group_by(day).tuples()
    }
    by_day = tuple(
        (d, *per_day.get(d, (0, 0)))
        for d in (since + dt.timedelta(days=n) for n in range((until - since).days + 1))
    )

    staff_rows = (
        Call.select(Staff.name, fn.COUNT(Call.id), count_if(answered), talk)
        .join(Staff, on=(Call.staff == Staff.id))
        .where(where)
        .group_by(Staff.id, Staff.name)
        .tuples()
    )
    by_staff = tuple(sorted(
        ((name, int(n), (int(t or 0) / int(a)) if a else 0.0) for name, n, a, t in staff_rows),
        key=lambda row: (-row[1], row[0]),
    ))

    def grouped(column) -> tuple[tuple[str, int], ...]:
        rows = Call.select(column, fn.COUNT(Call.id)).where(where).group_by(column).tuples()
        return tuple(sorted(((code or "", int(n)) for code, n in rows), key=lambda r: (-r[1], r[0])))

    due_where = (Call.callback_due >= start) & (Call.callback_due < end) & (
        (Call.callback_due <= at) | Call.callback_done_at.is_null(False))
    if staff_id is not None:
        due_where = due_where & (Call.callback_assignee == staff_id)
    if place is not None:
        due_where = due_where & place
    cb_due, cb_on_time = Call.select(
        fn.COUNT(Call.id), count_if(Call.callback_done_at <= Call.callback_due)
    ).where(due_where).tuples().first()
    cb_due, cb_on_time = int(cb_due or 0), int(cb_on_time or 0)

    return CallStats(
        since=since, until=until, total=total, inbound=inbound, outbound=outbound,
        answered=answered_n, answered_rate=answered_n / needing if needing else 0.0,
        avg_duration_s=talk_s / answered_n if answered_n else 0.0,
        callbacks_due=cb_due, callbacks_on_time=cb_on_time,
        callbacks_on_time_rate=cb_on_time / cb_due if cb_due else 0.0,
        by_day=by_day, by_staff=by_staff, by_category=grouped(Call.category),
        by_outcome=grouped(Call.outcome), needed_answer=needing,
    )

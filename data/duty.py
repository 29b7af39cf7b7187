"""The duty roster (值班表, issue 16 item 9): who is on duty or on call, by shift, read from
the calendar's 值班 events (kind "duty"), recurring series expanded (a weekly 早班 series
counts every week, moved and cancelled occurrences honoured).

A duty event's shift is named by its title when it says one (早班, 白班, 中班, 夜班/晚班),
else by its start time (before 12:00 morning, before 18:00 middle, else night); an
all-day event is a whole day's duty. A title saying 备班, 听班 or 待命 (or "on call") is
an on-call duty: reachable, not at the desk. Dispatch (data.dispatch) prefers the
technicians on duty; the home screen shows today's roster; the shift handover
(data.handover) takes its shift label from the clerk's duty.

Staff phones are shown whole here: the roster is how colleagues reach whoever is on duty
(owners' phones stay masked everywhere, data.privacy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data.events import expand_slots, logins_by_event
from data.i18n import N_, _
from data.models import Event, EventAttendee, Staff
from data.vocab import STAFF_ROLES, label

#: Shift codes and their labels, in the order a day runs.
SHIFTS = {
    "all_day": N_("All day"),  # 全天
    "morning": N_("Morning shift"),  # 早班
    "day": N_("Day shift"),  # 白班
    "middle": N_("Middle shift"),  # 中班
    "night": N_("Night shift"),  # 夜班
}
#: Words of a duty event's title that name its shift (checked in this order).
SHIFT_WORDS = (
    ("早班", "morning"), ("白班", "day"), ("中班", "middle"), ("午班", "middle"),
    ("夜班", "night"), ("晚班", "night"), ("大夜", "night"),
    ("morning", "morning"), ("day shift", "day"), ("middle", "middle"), ("night", "night"),
)
#: Words of a duty event's title that make it on call (备班) rather than at the desk.
ON_CALL_WORDS = ("备班", "听班", "待命", "二线", "on call", "on-call")
#: A shift that starts before this hour (and at or after NIGHT_ENDS) is the morning's.
MIDDLE_STARTS = 12
#: A shift that starts at or after this hour, or before NIGHT_ENDS, is the night's.
NIGHT_STARTS = 18
NIGHT_ENDS = 4
#: Names a shift shows on the home screen's one line before "… and others, N in all".
NAMES_SHOWN = 3


@dataclass(frozen=True)
class DutyRow:
    """One staff member on one duty occurrence."""

    staff_id: int
    login: str
    name: str
    role: str  # data.vocab.STAFF_ROLES
    phone: str
    shift: str  # SHIFTS
    on_call: bool
    start: dt.datetime
    end: dt.datetime
    title: str
    event_id: int

    @property
    def role_label(self) -> str:
        return label(STAFF_ROLES, self.role)

    @property
    def shift_label(self) -> str:
        return shift_label(self.shift)

    def as_json(self) -> dict:
        """The JSON object of `frontdesk duty --json`."""
        return {
            "shift": self.shift, "shift_label": self.shift_label, "on_call": self.on_call,
            "start": self.start.isoformat(sep=" ", timespec="minutes"),
            "end": self.end.isoformat(sep=" ", timespec="minutes"),
            "login": self.login, "name": self.name, "role": self.role,
            "role_label": self.role_label, "phone": self.phone, "title": self.title,
        }


@dataclass(frozen=True)
class ShiftGroup:
    """Who is on one shift of a day: those at work first, then those on call."""

    shift: str
    label: str
    rows: tuple[DutyRow, ...]


def shift_label(code: str) -> str:
    return label(SHIFTS, code)


def shift_of(title: str, start: dt.datetime, end: dt.datetime, all_day: bool = False) -> str:
    """The shift of a duty occurrence: the one its title names, else all day for a whole
    day, else the one its start time falls in."""
    lowered = title.lower()
    for word, code in SHIFT_WORDS:
        if word in lowered:
            return code
    if all_day or (end - start >= dt.timedelta(hours=23) and start.time() == dt.time(0)):
        return "all_day"
    return shift_at(start)


def shift_at(at: dt.datetime) -> str:
    """The shift a time of day belongs to when no roster says otherwise."""
    if NIGHT_ENDS <= at.hour < MIDDLE_STARTS:
        return "morning"
    if MIDDLE_STARTS <= at.hour < NIGHT_STARTS:
        return "middle"
    return "night"


def day_end(at: dt.datetime) -> dt.datetime:
    """Midnight after `at` (the 24:00 of its day)."""
    return dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(0))


def is_on_call(title: str) -> bool:
    lowered = title.lower()
    return any(word in lowered for word in ON_CALL_WORDS)


def _rows(window_start: dt.datetime, window_end: dt.datetime,
          staff_ids: list[int] | None = None) -> list[DutyRow]:
    """Every attendee of every duty occurrence overlapping the window (active staff only)."""
    attending = (None if staff_ids is None else
                 EventAttendee.select(EventAttendee.event).where(EventAttendee.staff.in_(staff_ids)))
    slots = expand_slots(attending, window_start, window_end, extra=Event.kind == "duty")
    if not slots:
        return []
    people = logins_by_event(sorted({s.row.id for s in slots}))
    ids = {sid for attendees in people.values() for sid, _login, _name in attendees}
    staff = {s.id: s for s in Staff.select(Staff.id, Staff.login, Staff.name, Staff.role, Staff.phone)
             .where(Staff.id.in_(list(ids)), Staff.active == True)}  # noqa: E712 (peewee)
    out = []
    for slot in slots:
        shift = shift_of(slot.row.title, slot.start, slot.end, bool(slot.row.all_day))
        on_call = is_on_call(slot.row.title)
        for sid, _login, _name in people.get(slot.row.id, ()):
            who = staff.get(sid)
            if who is None or (staff_ids is not None and sid not in staff_ids):
                continue
            out.append(DutyRow(sid, who.login, who.name, who.role, who.phone or "", shift, on_call,
                               slot.start, slot.end, slot.row.title, slot.row.id))
    return out


def on_duty(at: dt.datetime, staff_ids: list[int] | None = None) -> list[DutyRow]:
    """Who is on duty or on call at `at` (a duty occurrence with start <= at < end), those at
    work before those on call, then by start and login; `staff_ids` narrows to them."""
    rows = [r for r in _rows(at, at + dt.timedelta(seconds=1), staff_ids) if r.start <= at < r.end]
    return _dedupe(sorted(rows, key=lambda r: (r.on_call, r.start, r.login)))


def _dedupe(rows: list[DutyRow]) -> list[DutyRow]:
    """One row per staff member and shift (two overlapping events say the same thing)."""
    seen: set[tuple[int, str, bool]] = set()
    out = []
    for row in rows:
        key = (row.staff_id, row.shift, row.on_call)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def duty_rows(day: dt.date) -> list[DutyRow]:
    """Every duty occurrence that starts on `day` (a night shift belongs to the day it
    starts on), by shift, then at work before on call, then start and login."""
    start = dt.datetime.combine(day, dt.time(0))
    rows = [r for r in _rows(start, start + dt.timedelta(days=1)) if r.start.date() == day]
    order = list(SHIFTS)
    rows.sort(key=lambda r: (order.index(r.shift), r.on_call, r.start, r.login))
    return _dedupe(rows)


def duty_today(day: dt.date) -> list[ShiftGroup]:
    """The day's roster grouped by shift, in the order the day runs (shifts nobody is on
    are left out)."""
    groups: dict[str, list[DutyRow]] = {}
    for row in duty_rows(day):
        groups.setdefault(row.shift, []).append(row)
    return [ShiftGroup(code, shift_label(code), tuple(rows)) for code, rows in groups.items()]


def on_duty_ids(at: dt.datetime, staff_ids: list[int]) -> dict[int, bool]:
    """Of `staff_ids`, those on duty at `at`: staff id → True at work, False on call only."""
    found: dict[int, bool] = {}
    for row in on_duty(at, staff_ids):
        found[row.staff_id] = found.get(row.staff_id, False) or not row.on_call
    return found


def current_shift(staff_id: int, at: dt.datetime) -> tuple[str, dt.datetime | None, dt.datetime | None]:
    """The shift `staff_id` is working at `at` (from their duty occurrence: its code, start
    and end), else the shift of the time of day with no times."""
    rows = [r for r in on_duty(at, [staff_id]) if not r.on_call] or on_duty(at, [staff_id])
    if rows:
        return rows[0].shift, rows[0].start, rows[0].end
    return shift_at(at), None, None


def roster_line(groups: list[ShiftGroup]) -> str:
    """The day's roster in one line, for the home screen: "早班 王丽 李建国 · 夜班 张伟（备班）";
    a shift of more than NAMES_SHOWN people shows the first ones and how many."""
    if not groups:
        return _("No duty on the roster today.")
    parts = []
    for group in groups:
        names = [r.name + (_("(on call)") if r.on_call else "") for r in group.rows]
        if len(names) > NAMES_SHOWN:  # a crowded shift: the first names and how many
            shown = _("{names} and others, {count} in all").format(
                names=" ".join(names[:NAMES_SHOWN - 1]), count=len(names))
        else:
            shown = " ".join(names)
        parts.append(f"{group.label} {shown}")
    return " · ".join(parts)

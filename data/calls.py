"""Phone service (issue 5): the call log and caller matching, callbacks, call lists
(外呼任务), scripts (话术), incidents (停水, 停电 …) and call statistics.

Screens and the CLI get plain frozen values (`CallView`, `CallerMatch`, `CallStats` …);
every write is validated first and runs in one write transaction.

Numbers. A call's number is stored normalised by `normalize_number`: a mainland mobile or
landline as `data.validators.normalize_phone` writes it (``13800138000``,
``021-12345678-801``); anything else that is still a dialable number — a short service
number (``95588``), a local landline without its area code (``12345678``, with an
extension ``12345678-801``), a foreign number (``+14155550100``) — as its cleaned digits.

Matching a caller (`match_caller`): a mobile by the whole number; a landline with its area
code by area code and number (an extension on either side does not matter, the same
extension is preferred); a landline without area code by its 7–8 digit tail, through the
reversed-digits index of the phone table; staff phones likewise. Several people on one
number (a family landline) come back as `ambiguous` for the clerk to choose.

Answered rate (`call_stats`). A call "needed an answer" unless its outcome is
``invalid`` (空号: nobody could have answered). Of those, a call was answered unless its
outcome is ``no_answer`` or ``rejected``; a call logged without an outcome was a
conversation, so it counts as answered. The average duration is the talk time of the
answered calls (unanswered dialling attempts last 0 s and would drag it down).

Callbacks kept on time: of the callbacks whose due time lies in the range and that are
either done or already due, those done no later than their due time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from peewee import JOIN, Case, fn

from data import access, limits
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.i18n import _, language
from data.models import (
    Building,
    Call,
    CallAttempt,
    CallList,
    CallListItem,
    Community,
    Incident,
    IncidentBuilding,
    Notification,
    Occupancy,
    Person,
    Phone,
    Room,
    Script,
    Staff,
    WorkOrder,
)
from data.pinyin import COMPOUND_SURNAMES
from data.search import _prefix
from data.validators import _fold, clean_text, decode_text, normalize_phone, show_controls
from data.vocab import (
    CALL_CATEGORIES,
    CALL_DIRECTIONS,
    CALL_LIST_KINDS,
    CALL_OUTCOMES,
    INCIDENT_KINDS,
    LIST_OUTCOMES,
    OPEN_STATUSES,
    UNANSWERED_OUTCOMES,
    UNREACHABLE_OUTCOMES,
    label,
)

#: Digits a dialable number has at least (110, 119) and at most (E.164 allows 15, plus
#: an extension).
MIN_DIGITS, MAX_DIGITS = 3, 20
#: The longest call the log accepts, seconds.
MAX_DURATION_S = 12 * 3600
#: Rows `match_caller` shows.
OPEN_ORDERS_SHOWN, LAST_CALLS_SHOWN, AMBIGUOUS_SHOWN = 10, 5, 20
#: Failed attempts (no answer, rejected) after which a call-list item is given up.
MAX_FAILED_ATTEMPTS = 3
#: Items a call list holds at most.
MAX_LIST_ITEMS = 2000
#: Callbacks looked at per notification run (the most recently due first).
NOTIFY_BATCH = 500
#: Staff roles that may declare and end incidents.
INCIDENT_ROLES = ("supervisor", "manager", "admin")
#: The Call.outcome an attempt on a call-list item logs.
ATTEMPT_CALL_OUTCOMES = {
    "connected": "resolved",
    "no_answer": "no_answer",
    "rejected": "rejected",
    "invalid": "invalid",
    "later": "callback",  # reached, but asked to be called again
}
#: The category of the calls an attempt logs, per kind of list.
LIST_CALL_CATEGORIES = {"callback": "callback", "adhoc": "notice"}


# --- values ----------------------------------------------------------------------------------


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None


@dataclass(frozen=True)
class CallView:
    """A logged call as screens and the CLI show it."""

    id: int
    direction: str  # in | out
    number: str
    person_id: int | None
    person: str
    staff_id: int
    staff: str
    started_at: dt.datetime
    duration_s: int
    category: str  # data.vocab.CALL_CATEGORIES
    summary: str
    outcome: str  # data.vocab.CALL_OUTCOMES or ""
    callback_due: dt.datetime | None
    callback_assignee_id: int | None
    callback_assignee: str
    callback_done_at: dt.datetime | None
    work_order_id: int | None
    work_order_number: str
    incident_id: int | None
    recording: str
    caller_staff_id: int | None = None  # a colleague calling the desk
    caller_staff: str = ""
    incident_title: str = ""

    @property
    def callback_open(self) -> bool:
        """A callback is promised and not yet made."""
        return self.callback_due is not None and self.callback_done_at is None

    def callback_overdue(self, at: dt.datetime | None = None) -> bool:
        return self.callback_open and self.callback_due < (at or clock_now())

    def as_json(self) -> dict:
        """The JSON object of the CLI."""
        return {
            "id": self.id, "direction": self.direction, "number": self.number,
            "person_id": self.person_id, "person": self.person or None,
            "caller_staff": self.caller_staff or None, "staff": self.staff,
            "started_at": _iso(self.started_at), "duration_s": self.duration_s,
            "category": self.category, "summary": self.summary, "outcome": self.outcome,
            "callback_due": _iso(self.callback_due),
            "callback_assignee": self.callback_assignee or None,
            "callback_done_at": _iso(self.callback_done_at),
            "work_order": self.work_order_number or None, "incident_id": self.incident_id,
            "recording": self.recording,
        }


@dataclass(frozen=True)
class IncidentView:
    """An outage and how many calls it brought."""

    id: int
    kind: str  # data.vocab.INCIDENT_KINDS
    title: str
    script: str
    starts: dt.datetime
    ends: dt.datetime
    buildings: tuple[str, ...]  # "锦绣花园 3栋"
    calls: int  # calls tagged to it
    callers: int  # distinct people (unknown numbers counted by number)
    ended_at: dt.datetime | None = None
    building_ids: tuple[int, ...] = ()
    declared_by: str = ""

    def active(self, at: dt.datetime | None = None) -> bool:
        at = at or clock_now()
        return self.ended_at is None and self.starts <= at < self.ends


@dataclass(frozen=True)
class CallerMatch:
    """Who is calling, and what the desk should see at once."""

    number: str  # normalised
    person_id: int | None
    name: str
    staff_login: str | None  # a staff member calling
    rooms: tuple[tuple[int, str, str], ...]  # (room_id, code, community), current rooms
    open_orders: tuple[tuple[int, str, str, str], ...]  # (id, number, title, status), newest first
    last_calls: tuple[CallView, ...]  # newest first
    incident: IncidentView | None  # active, covering one of the rooms' buildings
    ambiguous: tuple[tuple[int, str], ...]  # (person_id, name) when several share the number
    staff_id: int | None = None
    staff_name: str = ""

    @property
    def known(self) -> bool:
        return self.person_id is not None or bool(self.ambiguous) or self.staff_id is not None


@dataclass
class CallInput:
    """What the call form or `calls log` says (codes, not labels)."""

    direction: str
    number: str
    category: str = "other"
    summary: str = ""
    outcome: str = ""
    duration_s: int = 0
    started_at: dt.datetime | None = None
    person_id: int | None = None
    callback_due: dt.datetime | None = None
    callback_assignee_id: int | None = None
    work_order_id: int | None = None
    incident_id: int | None = None
    recording: str = ""


@dataclass
class CallFilter:
    """Narrowing of the call history; dates are inclusive."""

    direction: str | None = None
    category: str | None = None
    staff_id: int | None = None
    person_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    number: str | None = None


@dataclass
class CallPage:
    rows: list[CallView]
    next_cursor: tuple | None  # pass as `after` for the next page; None on the last page


@dataclass(frozen=True)
class CallListView:
    id: int
    name: str
    kind: str  # callback | adhoc
    assignee_id: int | None
    assignee: str
    created_at: dt.datetime
    total: int
    done: int
    pending: int
    closed_at: dt.datetime | None = None


@dataclass(frozen=True)
class CallItemView:
    id: int
    list_id: int
    person_id: int | None
    name: str
    number: str
    room: str
    work_order_id: int | None
    work_order_number: str
    work_order_title: str
    status: str  # pending | done
    attempts: int
    last_outcome: str  # data.vocab.LIST_OUTCOMES or ""
    retry_at: dt.datetime | None


@dataclass(frozen=True)
class ScriptView:
    id: int
    category: str
    title: str
    body: str


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


# --- numbers ---------------------------------------------------------------------------------

_NUMBER_CHARS_RE = re.compile(r"[0-9\s\-.()+]*")
_EXTENSION_RE = re.compile(r"(?P<main>.*?)\s*(?:转|分机|EXT\.?|X|\#)\s*(?P<ext>[0-9]{1,6})")
#: A local subscriber number (no area code): 7–8 digits, not starting with 0.
_LOCAL_RE = re.compile(r"[1-9][0-9]{6,7}")


def _number_error(text: str) -> ValidationError:
    return ValidationError("number", _(
        "“{text}” is not a phone number: use digits, spaces, hyphens, parentheses, a leading + "
        "and an extension (转801), such as 138 0013 8000, 021-12345678 or 95588."
    ).format(text=text.strip()[:40]))


def normalize_number(text: str) -> str:
    """The stored form of a number a call came from or went to (see the module docstring).

    Never raises for a dialable number that is not a mainland mobile or landline; raises
    ValidationError ("number") only for empty text, letters and other garbage, or fewer
    than 3 / more than 20 digits.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("number", _("Enter a phone number."))
    try:
        return normalize_phone(text).number
    except ValidationError:
        pass
    raw, ext = _fold(text), ""
    m = _EXTENSION_RE.fullmatch(raw)
    if m is not None:
        raw, ext = m["main"], m["ext"]
    plus = raw.find("+")
    if not _NUMBER_CHARS_RE.fullmatch(raw) or (
        plus >= 0 and (raw[:plus].strip("( ") or "+" in raw[plus + 1:])
    ):
        raise _number_error(text)
    groups = re.findall(r"[0-9]+", raw)
    digits = "".join(groups)
    foreign = plus >= 0 or digits.startswith("00")
    if foreign and plus < 0:
        digits = digits[2:]
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise ValidationError("number", _(
            "A phone number has 3 to 20 digits; “{text}” has {count}."
        ).format(text=text.strip()[:40], count=len(digits)))
    if foreign:
        # A foreign number: its digits after "+" (an extension is left to the clerk).
        return "+" + digits
    if ext:
        if _LOCAL_RE.fullmatch(digits):
            return f"{digits}-{ext}"
        try:
            # A mobile has no extension: "13800138000转1" is the mobile.
            return normalize_phone(raw).number
        except ValidationError:
            return digits  # "95588转1": the menu choice is not part of the number
    if not ext and len(groups) > 1:
        # "12345678-801": a local number and its extension.
        head = "".join(groups[:-1])
        if _LOCAL_RE.fullmatch(head) and len(groups[-1]) <= 6:
            return f"{head}-{groups[-1]}"
    return digits


def _dial_key(number: str) -> tuple[str, str, str]:
    """(kind, main digits, extension) of a normalised number; kind is mobile, landline,
    local (a landline without area code) or other."""
    try:
        phone = normalize_phone(number)
        return phone.kind, phone.digits, phone.extension
    except ValidationError:
        pass
    if number.startswith("+"):
        return "other", number, ""
    main, _sep, ext = number.partition("-")
    if _LOCAL_RE.fullmatch(main):
        return "local", main, ext
    return "other", number, ""


def _subscriber(stored: str) -> str:
    """The subscriber part of a stored landline ("021-12345678-801" → "12345678")."""
    parts = stored.split("-")
    return parts[1] if len(parts) >= 2 else ""


def _phone_rows(number: str) -> list[tuple[int, str]]:
    """(person_id, stored number) of the phones that `number` (normalised) reaches."""
    kind, main, ext = _dial_key(number)
    base = Phone.select(Phone.person, Phone.number).order_by(Phone.is_primary.desc(), Phone.id)
    if kind == "mobile":
        rows = list(base.where(Phone.number == number).limit(50).tuples())
    elif kind == "landline":
        rows = list(base.where(Phone.digits_rev == main[::-1]).limit(50).tuples())
    elif kind == "local":
        query = base.where(_prefix(Phone.digits_rev, main[::-1]), Phone.kind == "landline")
        rows = [r for r in query.limit(200).tuples() if _subscriber(r[1]) == main]
    else:
        rows = list(base.where(Phone.number == number).limit(50).tuples())
    if ext:
        same = [r for r in rows if r[1].rsplit("-", 1)[-1] == ext and r[1].count("-") == 2]
        rows = same or rows
    return rows


def _matching_staff(number: str) -> Staff | None:
    kind, main, ext = _dial_key(number)
    query = Staff.select(Staff.id, Staff.login, Staff.name, Staff.phone).where(
        Staff.active == True, Staff.phone != ""  # noqa: E712
    )
    if kind == "landline":
        area_and_number = "-".join(number.split("-")[:2])
        query = query.where((Staff.phone == area_and_number)
                            | Staff.phone.startswith(area_and_number + "-"))
        rows = list(query.order_by(Staff.login).limit(50))
    elif kind == "local":
        rows = [s for s in query.where(Staff.phone.contains("-" + main)).order_by(Staff.login).limit(200)
                if _subscriber(s.phone) == main]
    else:
        rows = list(query.where(Staff.phone == number).order_by(Staff.login).limit(50))
    exact = [s for s in rows if s.phone == number]
    rows = exact or rows
    return rows[0] if rows else None


def _matched_people(number: str) -> list[tuple[int, str]]:
    """(person_id, name) of everyone `number` reaches, in phone order."""
    ids = list(dict.fromkeys(pid for pid, _n in _phone_rows(number)))
    if not ids:
        return []
    names = dict(Person.select(Person.id, Person.name).where(Person.id.in_(ids)).tuples())
    return [(pid, names[pid]) for pid in ids if pid in names]


def _unique_person(number: str) -> int | None:
    people = _matched_people(number)
    return people[0][0] if len(people) == 1 else None


# --- reading calls ---------------------------------------------------------------------------


def _call_query():
    staff, assignee, caller = Staff.alias(), Staff.alias(), Staff.alias()
    return (
        Call.select(
            Call,
            Person.name.alias("person_name"),
            staff.name.alias("staff_name"),
            assignee.name.alias("assignee_name"),
            caller.name.alias("caller_name"),
            WorkOrder.number.alias("order_number"),
            Incident.title.alias("incident_name"),
        )
        .join(Person, JOIN.LEFT_OUTER, on=(Call.person == Person.id))
        .switch(Call)
        .join(staff, JOIN.LEFT_OUTER, on=(Call.staff == staff.id))
        .switch(Call)
        .join(assignee, JOIN.LEFT_OUTER, on=(Call.callback_assignee == assignee.id))
        .switch(Call)
        .join(caller, JOIN.LEFT_OUTER, on=(Call.caller_staff == caller.id))
        .switch(Call)
        .join(WorkOrder, JOIN.LEFT_OUTER, on=(Call.work_order == WorkOrder.id))
        .switch(Call)
        .join(Incident, JOIN.LEFT_OUTER, on=(Call.incident == Incident.id))
    )


def _view(row) -> CallView:
    return CallView(
        id=row.id, direction=row.direction, number=row.number, person_id=row.person_id,
        person=row.person_name or "", staff_id=row.staff_id, staff=row.staff_name or "",
        started_at=row.started_at, duration_s=row.duration_s, category=row.category,
        summary=row.summary, outcome=row.outcome, callback_due=row.callback_due,
        callback_assignee_id=row.callback_assignee_id, callback_assignee=row.assignee_name or "",
        callback_done_at=row.callback_done_at, work_order_id=row.work_order_id,
        work_order_number=row.order_number or "", incident_id=row.incident_id,
        recording=row.recording, caller_staff_id=row.caller_staff_id,
        caller_staff=row.caller_name or "", incident_title=row.incident_name or "",
    )


def _views(query) -> list[CallView]:
    return [_view(row) for row in query.objects()]


def get_call(call_id: int) -> CallView:
    """A logged call; NotFoundError when there is none."""
    row = _call_query().where(Call.id == call_id).objects().first()
    if row is None:
        raise NotFoundError(_("No call with id {id}.").format(id=call_id))
    return _view(row)


def _calls_by_ids(ids: list[int]) -> list[CallView]:
    if not ids:
        return []
    by_id = {v.id: v for v in _views(_call_query().where(Call.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


# --- matching --------------------------------------------------------------------------------


def _current_rooms(person_ids: list[int]) -> list[tuple[int, str, str, int]]:
    """(room_id, code, community, building_id) of the people's current rooms, primary
    contacts and owners first, no room twice."""
    if not person_ids:
        return []
    rows = (
        Occupancy.select(Room.id, Room.code, Community.name, Room.building)
        .join(Room)
        .join(Community)
        .where(Occupancy.person.in_(person_ids), Occupancy.end_date.is_null())
        .order_by(Occupancy.is_primary_contact.desc(), Occupancy.id)
        .limit(50)
        .tuples()
    )
    seen: dict[int, tuple[int, str, str, int]] = {}
    for room_id, code, community, building_id in rows:
        seen.setdefault(room_id, (room_id, code, community, building_id))
    return list(seen.values())


def match_caller(number: str, at: dt.datetime | None = None) -> CallerMatch:
    """Who `number` is (see the module docstring), with their current rooms, open work
    orders (theirs or their rooms'), last calls and any active incident on their
    buildings. An unknown number gives a match with no person and its own last calls."""
    at = at or clock_now()
    normalised = normalize_number(number)
    people = _matched_people(normalised)
    staff = _matching_staff(normalised)
    ids = [pid for pid, _name in people[:AMBIGUOUS_SHOWN]]
    rooms = _current_rooms(ids)
    room_ids = [r[0] for r in rooms]
    orders: tuple[tuple[int, str, str, str], ...] = ()
    if ids:
        where = WorkOrder.person.in_(ids)
        if room_ids:
            where = where | WorkOrder.room.in_(room_ids)
        orders = tuple(
            WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.title, WorkOrder.status)
            .where(where, WorkOrder.status.in_(OPEN_STATUSES))
            .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
            .limit(OPEN_ORDERS_SHOWN)
            .tuples()
        )
    calls = _call_query().where(Call.person == ids[0]) if len(people) == 1 else (
        _call_query().where(Call.number == normalised))
    last = tuple(_views(calls.order_by(Call.started_at.desc(), Call.id.desc()).limit(LAST_CALLS_SHOWN)))
    one = people[0] if len(people) == 1 else None
    return CallerMatch(
        number=normalised,
        person_id=one[0] if one else None,
        name=one[1] if one else "",
        staff_login=staff.login if staff else None,
        rooms=tuple((r[0], r[1], r[2]) for r in rooms),
        open_orders=orders,
        last_calls=last,
        incident=_incident_for_buildings([r[3] for r in rooms], at),
        ambiguous=tuple(people[:AMBIGUOUS_SHOWN]) if len(people) > 1 else (),
        staff_id=staff.id if staff else None,
        staff_name=staff.name if staff else "",
    )


# --- logging ---------------------------------------------------------------------------------


def _active_staff(staff_id: int | None, field: str = "staff") -> Staff:
    staff = Staff.get_or_none(Staff.id == staff_id) if staff_id is not None else None
    if staff is None or not staff.active:
        raise ValidationError(field, _("No active staff member with id {id}.").format(id=staff_id))
    return staff


def _check_code(value: str, table: dict[str, str], field: str) -> str:
    if value not in table:
        raise ValidationError(field, _("Unknown value “{value}”: use one of {choices}.").format(
            value=value, choices=", ".join(table)))
    return value


def _duration(value: object, field: str = "duration_s") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            raise ValidationError(field, _("Give the duration in whole seconds, such as 95.")) from None
    if value < 0:
        raise ValidationError(field, _("The duration cannot be negative."))
    if value > MAX_DURATION_S:
        raise ValidationError(field, _("A call lasts at most {hours} hours.").format(
            hours=MAX_DURATION_S // 3600))
    return value


def _future(value: dt.datetime, at: dt.datetime, field: str) -> dt.datetime:
    """`value` unless it lies before the current minute."""
    if value < at.replace(second=0):
        raise ValidationError(field, _(
            "{time} has passed already; give a time from now on."
        ).format(time=f"{value:%Y-%m-%d %H:%M}"))
    return value


def log_call(data: CallInput, staff_id: int) -> CallView:
    """Log a call taken or made by `staff_id`.

    Validates everything first: direction in/out, a number (`normalize_number`; an empty
    one is accepted for a caller who withheld it), category and outcome codes, the summary
    (`clean_text`), a duration of 0–12 h, a start not in the future, a callback time not in
    the past (its assignee defaults to `staff_id`). Without `person_id` the person is matched
    by the number when exactly one person has it; a colleague's number is noted too. A
    callback makes the outcome "callback", a linked work order "ticket", unless one is given.
    """
    at = clock_now()
    _active_staff(staff_id)
    direction = (data.direction or "").strip().lower()
    if direction not in CALL_DIRECTIONS:
        raise ValidationError("direction", _("The direction is in (a call to us) or out (a call we made)."))
    number = normalize_number(data.number) if (data.number or "").strip() else ""
    category = _check_code(data.category or "other", CALL_CATEGORIES, "category")
    outcome = _check_code(data.outcome, CALL_OUTCOMES, "outcome") if data.outcome else ""
    summary = clean_text(data.summary, "summary", multiline=True, max_length=4000)
    duration = _duration(data.duration_s)
    started = data.started_at or at
    if started > at + dt.timedelta(minutes=1):
        raise ValidationError("started_at", _("A call cannot start in the future."))
    recording = clean_text(data.recording, "recording", max_length=300)
    due, assignee = data.callback_due, data.callback_assignee_id
    if due is not None:
        _future(due, at, "callback_due")
        assignee = assignee if assignee is not None else staff_id
        _active_staff(assignee, "callback_assignee")
        outcome = outcome or "callback"
    elif assignee is not None:
        raise ValidationError("callback_due", _("Say when to call back."))
    if data.person_id is not None and not Person.select().where(Person.id == data.person_id).exists():
        raise NotFoundError(_("No person with id {id}.").format(id=data.person_id))
    if data.work_order_id is not None and not WorkOrder.select().where(
            WorkOrder.id == data.work_order_id).exists():
        raise NotFoundError(_("No work order {ref}.").format(ref=data.work_order_id))
    if data.incident_id is not None and not Incident.select().where(
            Incident.id == data.incident_id).exists():
        raise NotFoundError(_("No incident with id {id}.").format(id=data.incident_id))
    if data.work_order_id is not None:
        outcome = outcome or "ticket"
    person_id, caller_staff = data.person_id, None
    if number:
        if person_id is None:
            person_id = _unique_person(number)
        staff = _matching_staff(number)
        caller_staff = staff.id if staff else None
    with transaction():
        call = Call.create(
            direction=direction, number=number, person=person_id, caller_staff=caller_staff,
            staff=staff_id, started_at=started, duration_s=duration, category=category,
            summary=summary, outcome=outcome, callback_due=due,
            callback_assignee=assignee if due is not None else None,
            work_order=data.work_order_id, incident=data.incident_id, recording=recording,
        )
    return get_call(call.id)


def _call_row(call_id: int) -> Call:
    call = Call.get_or_none(Call.id == call_id)
    if call is None:
        raise NotFoundError(_("No call with id {id}.").format(id=call_id))
    return call


def link_work_order(call_id: int, order_id: int, staff_id: int) -> CallView:
    """Link a call to the work order it led to (outcome "ticket" unless one was given)."""
    _active_staff(staff_id)
    with transaction():
        call = _call_row(call_id)
        if not WorkOrder.select().where(WorkOrder.id == order_id).exists():
            raise NotFoundError(_("No work order {ref}.").format(ref=order_id))
        Call.update(work_order=order_id, outcome=call.outcome or "ticket").where(
            Call.id == call_id).execute()
    return get_call(call_id)


def schedule_callback(call_id: int, due: dt.datetime, assignee_id: int, staff_id: int) -> CallView:
    """Promise a callback (or move it): due not in the past, an active assignee."""
    _active_staff(staff_id)
    _future(due, clock_now(), "callback_due")
    _active_staff(assignee_id, "callback_assignee")
    with transaction():
        call = _call_row(call_id)
        Call.update(
            callback_due=due, callback_assignee=assignee_id, callback_done_at=None,
            outcome=call.outcome if call.outcome not in ("", "resolved", "info") else "callback",
        ).where(Call.id == call_id).execute()
    return get_call(call_id)


def complete_callback(call_id: int, staff_id: int, note: str = "") -> CallView:
    """The promised callback was made: stamped now, and who made it (with the note) is
    added to the call's summary."""
    staff = _active_staff(staff_id)
    note = clean_text(note, "note", multiline=True, max_length=2000)
    at = clock_now()
    with transaction():
        call = _call_row(call_id)
        if call.callback_due is None:
            raise ValidationError("callback", _("No callback was promised on this call."))
        if call.callback_done_at is not None:
            raise ValidationError("callback", _("This callback was made already ({at}).").format(
                at=f"{call.callback_done_at:%Y-%m-%d %H:%M}"))
        line = _("Called back {at} by {name}").format(at=f"{at:%m-%d %H:%M}", name=staff.name)
        if note:
            line = _("{line}: {note}").format(line=line, note=note)
        summary = f"{call.summary}\n{line}" if call.summary else line
        Call.update(callback_done_at=at, summary=summary).where(Call.id == call_id).execute()
    return get_call(call_id)


def callbacks(staff_id: int | None = None, *, overdue_only: bool = False,
              at: dt.datetime | None = None, limit: int = 100) -> list[CallView]:
    """Open callbacks (promised, not made) by due time; `staff_id` keeps that assignee's,
    `overdue_only` those already due."""
    at = at or clock_now()
    query = _call_query().where(Call.callback_due.is_null(False), Call.callback_done_at.is_null())
    if staff_id is not None:
        query = query.where(Call.callback_assignee == staff_id)
    if overdue_only:
        query = query.where(Call.callback_due < at)
    return _views(query.order_by(Call.callback_due, Call.id).limit(max(1, min(limit, 1000))))


def notify_due_callbacks(at: dt.datetime | None = None) -> int:
    """Tell each open callback's assignee (else who took the call) once it is due: one
    notification of kind "callback" per call and due time (a moved callback is told
    again), inserted with ON CONFLICT DO NOTHING on its dedupe key — safe to run every
    minute from several sessions. Returns how many were sent."""
    at = at or clock_now()
    rows = list(
        Call.select(Call.id, Call.callback_due, Call.callback_assignee, Call.staff, Call.number,
                    Call.summary, Person.name.alias("person_name"))
        .join(Person, JOIN.LEFT_OUTER, on=(Call.person == Person.id))
        .where(Call.callback_due.is_null(False), Call.callback_done_at.is_null(),
               Call.callback_due <= at)
        .order_by(Call.callback_due.desc(), Call.id.desc())
        .limit(NOTIFY_BATCH)
        .objects()
    )
    if not rows:
        return 0
    keys = {r.id: f"callback:{r.id}:{r.callback_due:%Y%m%d%H%M}" for r in rows}
    with transaction():
        told = {
            n.dedupe_key for n in Notification.select(Notification.dedupe_key).where(
                Notification.dedupe_key.in_(list(keys.values())))
        }
        new = []
        for r in rows:
            if keys[r.id] in told:
                continue
            who = r.person_name or r.number or _("unknown caller")
            new.append({
                "staff": r.callback_assignee_id or r.staff_id, "kind": "callback",
                "title": _("Call back {who} ({number}), due {due}").format(
                    who=who, number=r.number, due=f"{r.callback_due:%m-%d %H:%M}")[:200],
                "body": r.summary[:1000], "entity": "call", "entity_id": r.id,
                "dedupe_key": keys[r.id], "created_at": at,
            })
        if new:
            Notification.insert_many(new).on_conflict_ignore().execute()
    return len(new)


def attach_number(number: str, person_id: int, staff_id: int) -> int:
    """An unknown number turns out to be `person_id`'s: it becomes one of their phones
    (when it is a mainland number they do not have yet; service, foreign and area-code-less
    numbers cannot be stored as phones), and the earlier calls and call-list items from it
    that had no person get this one. Returns how many calls were updated."""
    from data.people import add_phone

    _active_staff(staff_id)
    normalised = normalize_number(number)
    if not Person.select().where(Person.id == person_id).exists():
        raise NotFoundError(_("No person with id {id}.").format(id=person_id))
    try:
        phone = normalize_phone(normalised)
    except ValidationError:
        phone = None
    with transaction():
        if phone is not None and not Phone.select().where(
                Phone.person == person_id, Phone.number == phone.number).exists():
            add_phone(person_id, phone.number)
        updated = Call.update(person=person_id).where(
            Call.number == normalised, Call.person.is_null()).execute()
        CallListItem.update(person=person_id).where(
            CallListItem.number == normalised, CallListItem.person.is_null()).execute()
    return updated


def call_history(flt: CallFilter | None = None, after: tuple | None = None,
                 limit: int = 50) -> CallPage:
    """One page of calls, newest first, keyset-paged on (started_at, id): pass the page's
    `next_cursor` as `after` for the next one."""
    flt = flt or CallFilter()
    limit = max(1, min(limit, 500))
    query = Call.select(Call.id, Call.started_at)
    if flt.direction:
        query = query.where(Call.direction == _check_code(flt.direction, CALL_DIRECTIONS, "direction"))
    if flt.category:
        query = query.where(Call.category == _check_code(flt.category, CALL_CATEGORIES, "category"))
    if flt.staff_id is not None:
        query = query.where(Call.staff == flt.staff_id)
    if flt.person_id is not None:
        query = query.where(Call.person == flt.person_id)
    if flt.since is not None:
        query = query.where(Call.started_at >= dt.datetime.combine(flt.since, dt.time()))
    if flt.until is not None:
        query = query.where(Call.started_at < dt.datetime.combine(flt.until, dt.time())
                            + dt.timedelta(days=1))
    if flt.number:
        query = query.where(Call.number == normalize_number(flt.number))
    if after is not None:
        started, last_id = after
        query = query.where((Call.started_at < started)
                            | ((Call.started_at == started) & (Call.id < last_id)))
    rows = list(query.order_by(Call.started_at.desc(), Call.id.desc()).limit(limit + 1).tuples())
    more = len(rows) > limit
    rows = rows[:limit]
    views = _calls_by_ids([r[0] for r in rows])
    cursor = (views[-1].started_at, views[-1].id) if more and views else None
    return CallPage(views, cursor)


# --- incidents -------------------------------------------------------------------------------


def _incident_views(rows: list[Incident]) -> list[IncidentView]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    buildings: dict[int, list[tuple[int, str]]] = {}
    query = (
        IncidentBuilding.select(IncidentBuilding.incident, Building.id, Building.code, Community.name)
        .join(Building)
        .join(Community)
        .where(IncidentBuilding.incident.in_(ids))
        .order_by(Community.name, fn.LENGTH(Building.code), Building.code)
        .tuples()
    )
    for incident_id, building_id, code, community in query:
        buildings.setdefault(incident_id, []).append(
            (building_id, _("{community} building {code}").format(community=community, code=code)))
    calls = dict(
        Call.select(Call.incident, fn.COUNT(Call.id)).where(Call.incident.in_(ids))
        .group_by(Call.incident).tuples()
    )
    people = dict(
        Call.select(Call.incident, fn.COUNT(Call.person.distinct()))
        .where(Call.incident.in_(ids), Call.person.is_null(False))
        .group_by(Call.incident).tuples()
    )
    numbers = dict(
        Call.select(Call.incident, fn.COUNT(Call.number.distinct()))
        .where(Call.incident.in_(ids), Call.person.is_null())
        .group_by(Call.incident).tuples()
    )
    staff = dict(Staff.select(Staff.id, Staff.name).where(
        Staff.id.in_({r.declared_by_id for r in rows})).tuples())
    return [
        IncidentView(
            id=r.id, kind=r.kind, title=r.title, script=r.script, starts=r.starts, ends=r.ends,
            buildings=tuple(name for _b, name in buildings.get(r.id, [])),
            calls=calls.get(r.id, 0), callers=people.get(r.id, 0) + numbers.get(r.id, 0),
            ended_at=r.ended_at, building_ids=tuple(b for b, _n in buildings.get(r.id, [])),
            declared_by=staff.get(r.declared_by_id, ""),
        )
        for r in rows
    ]


def get_incident(incident_id: int) -> IncidentView:
    row = Incident.get_or_none(Incident.id == incident_id)
    if row is None:
        raise NotFoundError(_("No incident with id {id}.").format(id=incident_id))
    return _incident_views([row])[0]


def _active_where(at: dt.datetime):
    return Incident.ended_at.is_null() & (Incident.starts <= at) & (Incident.ends > at)


def _incident_for_buildings(building_ids: Iterable[int], at: dt.datetime) -> IncidentView | None:
    ids = list(dict.fromkeys(building_ids))
    if not ids:
        return None
    row = (
        Incident.select()
        .join(IncidentBuilding)
        .where(IncidentBuilding.building.in_(ids), _active_where(at))
        .order_by(Incident.starts.desc(), Incident.id.desc())
        .first()
    )
    return _incident_views([row])[0] if row is not None else None


def _supervisor(staff_id: int) -> Staff:
    staff = _active_staff(staff_id)
    if staff.role not in INCIDENT_ROLES:
        raise PermissionDenied(_(
            "Only a supervisor, manager or administrator may declare or end an incident; "
            "ask your supervisor."))
    return staff


def declare_incident(kind: str, title: str, building_ids: list[int], starts: dt.datetime,
                     ends: dt.datetime, script: str, staff_id: int) -> IncidentView:
    """Declare an outage for some buildings from `starts` to `ends`, with the script the desk
    reads to callers. Supervisors, managers and administrators only (PermissionDenied)."""
    _supervisor(staff_id)
    _check_code(kind, INCIDENT_KINDS, "kind")
    title = clean_text(title, "title", max_length=120) or label(INCIDENT_KINDS, kind)
    script = clean_text(script, "script", multiline=True, max_length=4000)
    ids = list(dict.fromkeys(int(b) for b in building_ids or ()))
    if not ids:
        raise ValidationError("buildings", _("Choose at least one affected building."))
    known = {b for (b,) in Building.select(Building.id).where(Building.id.in_(ids)).tuples()}
    missing = [b for b in ids if b not in known]
    if missing:
        raise ValidationError("buildings", _("No building with id {ids}.").format(
            ids=", ".join(map(str, missing))))
    if not isinstance(starts, dt.datetime) or not isinstance(ends, dt.datetime):
        raise ValidationError("starts", _("Give the start and the end as a date and time."))
    if ends <= starts:
        raise ValidationError("ends", _("The end ({ends}) must come after the start ({starts}).").format(
            ends=f"{ends:%Y-%m-%d %H:%M}", starts=f"{starts:%Y-%m-%d %H:%M}"))
    at = clock_now()
    if ends <= at:
        raise ValidationError("ends", _("The end ({ends}) has passed already: the incident would be over.").format(
            ends=f"{ends:%Y-%m-%d %H:%M}"))
    with transaction():
        row = Incident.create(kind=kind, title=title, script=script, starts=starts, ends=ends,
                              declared_by=staff_id, created_at=at)
        IncidentBuilding.insert_many([{"incident": row.id, "building": b} for b in ids]).execute()
    return get_incident(row.id)


def active_incidents(at: dt.datetime | None = None) -> list[IncidentView]:
    """Incidents going on at `at`, soonest start first."""
    at = at or clock_now()
    rows = list(Incident.select().where(_active_where(at)).order_by(Incident.starts, Incident.id).limit(200))
    return _incident_views(rows)


def incident_for_room(room_id: int, at: dt.datetime | None = None) -> IncidentView | None:
    """The active incident on the room's building, if any (the latest declared)."""
    building = Room.select(Room.building).where(Room.id == room_id).scalar()
    return _incident_for_buildings([building] if building else [], at or clock_now())


def tag_call(call_id: int, incident_id: int, staff_id: int) -> CallView:
    """Tag a call as being about an incident (it then counts in the incident's calls)."""
    _active_staff(staff_id)
    with transaction():
        _call_row(call_id)
        if not Incident.select().where(Incident.id == incident_id).exists():
            raise NotFoundError(_("No incident with id {id}.").format(id=incident_id))
        Call.update(incident=incident_id).where(Call.id == call_id).execute()
    return get_call(call_id)


def end_incident(incident_id: int, staff_id: int, at: dt.datetime | None = None) -> IncidentView:
    """End an incident now (water back early): it stops showing on calls."""
    _supervisor(staff_id)
    at = at or clock_now()
    with transaction():
        row = Incident.get_or_none(Incident.id == incident_id)
        if row is None:
            raise NotFoundError(_("No incident with id {id}.").format(id=incident_id))
        if row.ended_at is not None:
            raise ValidationError("incident", _("This incident was ended already ({at}).").format(
                at=f"{row.ended_at:%Y-%m-%d %H:%M}"))
        Incident.update(ended_at=at).where(Incident.id == incident_id).execute()
    return get_incident(incident_id)


# --- call lists ------------------------------------------------------------------------------


def _list_name(name: str | None, default: str) -> str:
    text = clean_text(name or "", "name", max_length=60)
    return text or default.format(date=f"{clock_now():%Y-%m-%d}")[:60]


def _new_list(kind: str, name: str, staff_id: int, assignee_id: int | None,
              items: list[dict]) -> int:
    _check_code(kind, CALL_LIST_KINDS, "kind")
    if len(items) > MAX_LIST_ITEMS:
        raise ValidationError("list", _("A call list holds at most {limit} numbers; this one would have {count}.").format(
            limit=MAX_LIST_ITEMS, count=len(items)))
    at = clock_now()
    with transaction():
        row = CallList.create(name=name, kind=kind, assignee=assignee_id, created_by=staff_id,
                              created_at=at)
        rows = [{**item, "call_list": row.id, "updated_at": at} for item in items]
        for i in range(0, len(rows), 100):
            CallListItem.insert_many(rows[i:i + 100]).execute()
    return row.id


def _list_staff(staff_id: int, assignee_id: int | None) -> None:
    _active_staff(staff_id)
    if assignee_id is not None:
        _active_staff(assignee_id, "assignee")


def _first_phones(person_ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(person_ids))
    out: dict[int, str] = {}
    for i in range(0, len(ids), 500):
        rows = (Phone.select(Phone.person, Phone.number).where(Phone.person.in_(ids[i:i + 500]))
                .order_by(Phone.is_primary.desc(), Phone.id).tuples())
        for pid, number in rows:
            out.setdefault(pid, number)
    return out


def build_callback_list(staff_id: int, assignee_id: int | None = None,
                        name: str | None = None) -> int:
    """The 回访 list: every resolved work order (waiting for its satisfaction callback)
    that is not on an open callback list already, oldest resolution first, called on its
    contact phone or else the person's first phone (orders with neither are left out).
    Returns the list id; ValidationError when there is nothing to call."""
    _list_staff(staff_id, assignee_id)
    listed = (
        CallListItem.select(CallListItem.work_order)
        .join(CallList)
        .where(CallList.closed_at.is_null(), CallList.kind == "callback",
               CallListItem.work_order.is_null(False))
    )
    orders = list(
        WorkOrder.select(WorkOrder.id, WorkOrder.person, WorkOrder.contact_phone)
        .where(WorkOrder.status == "resolved", WorkOrder.id.not_in(listed))
        .order_by(WorkOrder.resolved_at, WorkOrder.id)
        .limit(MAX_LIST_ITEMS)
        .tuples()
    )
    phones = _first_phones(pid for _o, pid, _c in orders if pid is not None)
    items = []
    for order_id, person_id, contact in orders:
        number = ""
        if contact.strip():
            try:
                number = normalize_number(contact)
            except ValidationError:
                number = ""
        number = number or phones.get(person_id, "")
        if number:
            items.append({"person": person_id, "number": number, "work_order": order_id})
    if not items:
        raise ValidationError("list", _(
            "No resolved work order is waiting for a callback: each one is on an open "
            "callback list already or has no phone number."))
    return _new_list("callback", _list_name(name, _("Callbacks {date}")), staff_id, assignee_id, items)


def build_list_from_search(query: str, staff_id: int, assignee_id: int | None = None,
                           name: str | None = None) -> int:
    """A call list of the people `data.search.search` finds for `query` (the owners
    search), each on their first phone; people who only lived in a matching room before,
    and people without a phone, are left out."""
    from data.search import MAX_LIMIT, search

    _list_staff(staff_id, assignee_id)
    text = clean_text(query or "", "query", max_length=100)
    if not text:
        raise ValidationError("query", _("Type what to search for, such as 3-2 or 张."))
    result = search(text, limit=MAX_LIMIT)
    items, seen = [], set()
    for hit in result.hits:
        if not hit.phones or (hit.rooms and not hit.current) or hit.phones[0] in seen:
            continue
        seen.add(hit.phones[0])
        items.append({"person": hit.id, "number": hit.phones[0], "work_order": None})
    if not items:
        raise ValidationError("query", _("The search “{query}” found nobody with a phone number.").format(
            query=text))
    return _new_list("adhoc", _list_name(name, _("Call list {date}")), staff_id, assignee_id, items)


def build_list_from_file(path: str, staff_id: int, assignee_id: int | None = None,
                         name: str | None = None) -> int:
    """A call list from a file of numbers: one a line, or the first column of a CSV (a
    header line without digits is skipped, as are blank lines and numbers seen before).
    Each number is normalised and matched to a person. All or nothing: when any line is not
    a number (control characters included: a line holding one is refused, never stripped),
    ValidationError lists every such line by number and no list is made."""
    _list_staff(staff_id, assignee_id)
    file = Path(path).expanduser()
    if not file.is_file():
        raise ValidationError("file", _("File not found: {path}").format(path=file))
    data = limits.read_bytes_limited(file, limits.CALL_LIST_MAX_BYTES, _("a file of phone numbers"))
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        # A MixedEncodingError names the first line that is not UTF-8.
        reason = getattr(exc, "message", None) or _(
            "it is neither UTF-8 nor GBK text; save it as “CSV UTF-8”.")
        raise ValidationError("file", _("Cannot read {path}: {reason}").format(
            path=file, reason=reason)) from None
    numbers: list[str] = []
    bad: list[tuple[int, str]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        fields = next(csv.reader(io.StringIO(line.replace("\t", ","))), [])
        value = fields[0].strip() if fields else ""
        if not value:
            continue
        if line_no == 1 and not re.search(r"[0-9０-９]", value):
            continue  # a header such as 电话 / phone
        try:
            numbers.append(normalize_number(value))
        except ValidationError:
            bad.append((line_no, value))
    if bad:
        shown = "; ".join(_("line {line}: “{text}”").format(line=n, text=show_controls(v[:30]))
                          for n, v in bad[:50])
        more = "; …" if len(bad) > 50 else ""
        raise ValidationError("file", _(
            "{count} line(s) of {file} are not phone numbers, so no list was made: {lines}"
        ).format(count=len(bad), file=file.name, lines=shown + more))
    numbers = list(dict.fromkeys(numbers))
    if not numbers:
        raise ValidationError("file", _("{file} has no phone numbers.").format(file=file.name))
    if len(numbers) > MAX_LIST_ITEMS:
        raise ValidationError("file", _("A call list holds at most {limit} numbers; this one would have {count}.").format(
            limit=MAX_LIST_ITEMS, count=len(numbers)))
    items = [{"person": _unique_person(n), "number": n, "work_order": None} for n in numbers]
    return _new_list("adhoc", _list_name(name, _("Call list {date}")), staff_id, assignee_id, items)


def call_lists(staff_id: int | None = None, *, open_only: bool = True) -> list[CallListView]:
    """Call lists, newest first: `staff_id` keeps the lists assigned to them or to nobody;
    `open_only` those with numbers still to call."""
    query = (
        CallList.select(CallList, Staff.name.alias("assignee_name"))
        .join(Staff, JOIN.LEFT_OUTER, on=(CallList.assignee == Staff.id))
    )
    if open_only:
        query = query.where(CallList.closed_at.is_null())
    if staff_id is not None:
        query = query.where((CallList.assignee == staff_id) | CallList.assignee.is_null())
    rows = list(query.order_by(CallList.created_at.desc(), CallList.id.desc()).limit(200).objects())
    if not rows:
        return []
    done = Case(None, ((CallListItem.status == "done", 1),), 0)
    counts = {
        lid: (total, int(finished or 0))
        for lid, total, finished in CallListItem.select(
            CallListItem.call_list, fn.COUNT(CallListItem.id), fn.SUM(done)
        ).where(CallListItem.call_list.in_([r.id for r in rows]))
        .group_by(CallListItem.call_list).tuples()
    }
    out = []
    for r in rows:
        total, finished = counts.get(r.id, (0, 0))
        out.append(CallListView(r.id, r.name, r.kind, r.assignee_id, r.assignee_name or "",
                                r.created_at, total, finished, total - finished, r.closed_at))
    return out


def _item_views(where, limit: int = 500) -> list[CallItemView]:
    rows = list(
        CallListItem.select(
            CallListItem, Person.name.alias("person_name"), WorkOrder.number.alias("order_number"),
            WorkOrder.title.alias("order_title"), Room.code.alias("room_code"),
        )
        .join(Person, JOIN.LEFT_OUTER, on=(CallListItem.person == Person.id))
        .switch(CallListItem)
        .join(WorkOrder, JOIN.LEFT_OUTER, on=(CallListItem.work_order == WorkOrder.id))
        .join(Room, JOIN.LEFT_OUTER, on=(WorkOrder.room == Room.id))
        .where(where)
        .order_by(CallListItem.id)
        .limit(limit)
        .objects()
    )
    need_room = [r.person_id for r in rows if not r.room_code and r.person_id is not None]
    rooms: dict[int, str] = {}
    if need_room:
        query = (
            Occupancy.select(Occupancy.person, Room.code).join(Room)
            .where(Occupancy.person.in_(list(set(need_room))), Occupancy.end_date.is_null())
            .order_by(Occupancy.is_primary_contact.desc(), Occupancy.id).tuples()
        )
        for pid, code in query:
            rooms.setdefault(pid, code)
    return [
        CallItemView(
            id=r.id, list_id=r.call_list_id, person_id=r.person_id, name=r.person_name or "",
            number=r.number, room=r.room_code or rooms.get(r.person_id, ""),
            work_order_id=r.work_order_id, work_order_number=r.order_number or "",
            work_order_title=r.order_title or "", status=r.status, attempts=r.attempts,
            last_outcome=r.last_outcome, retry_at=r.retry_at,
        )
        for r in rows
    ]


def list_items(list_id: int, *, pending_only: bool = False, limit: int = 500) -> list[CallItemView]:
    """The items of a call list in list order."""
    where = CallListItem.call_list == list_id
    if pending_only:
        where = where & (CallListItem.status == "pending")
    return _item_views(where, max(1, min(limit, MAX_LIST_ITEMS)))


def next_item(list_id: int, at: dt.datetime | None = None) -> CallItemView | None:
    """The next item to call: retries whose time has come first, then the items tried
    least often, in list order. A "later" item waits for its retry time."""
    at = at or clock_now()
    row = (
        CallListItem.select(CallListItem.id)
        .where(CallListItem.call_list == list_id, CallListItem.status == "pending",
               CallListItem.retry_at.is_null() | (CallListItem.retry_at <= at))
        .order_by(CallListItem.retry_at.is_null(), CallListItem.retry_at, CallListItem.attempts,
                  CallListItem.id)
        .first()
    )
    return _item_views(CallListItem.id == row.id)[0] if row is not None else None


def record_attempt(item_id: int, staff_id: int, outcome: str, note: str = "",
                   retry_at: dt.datetime | None = None, *, duration_s: int = 0,
                   rating: int | None = None) -> CallItemView:
    """Record one dialling of a call-list item, and log it as an outbound call (category
    "callback" on a 回访 list, linked to its work order; "notice" on other lists).

    connected and invalid end the item; no_answer and rejected end it at the third failed
    attempt; later needs `retry_at` in the future and hides the item until then. On a
    回访 item, a connected attempt with the owner's `rating` (1–5) also records the work
    order's callback. When the last item ends, the list is closed.
    """
    _active_staff(staff_id)
    _check_code(outcome, LIST_OUTCOMES, "outcome")
    note = clean_text(note, "note", multiline=True, max_length=2000)
    duration = _duration(duration_s)
    at = clock_now()
    if outcome == "later":
        if retry_at is None:
            raise ValidationError("retry_at", _("Say when to call again."))
        if retry_at <= at:
            raise ValidationError("retry_at", _("The time to call again must be in the future."))
    else:
        retry_at = None
    if rating is not None and outcome != "connected":
        raise ValidationError("rating", _("A rating goes with a connected call."))
    with transaction():
        item = CallListItem.get_or_none(CallListItem.id == item_id)
        if item is None:
            raise NotFoundError(_("No call-list item with id {id}.").format(id=item_id))
        if item.status != "pending":
            raise ValidationError("item", _("This number is done already ({outcome}).").format(
                outcome=label(LIST_OUTCOMES, item.last_outcome)))
        kind = CallList.select(CallList.kind).where(CallList.id == item.call_list_id).scalar()
        call = Call.create(
            direction="out", number=item.number, person=item.person_id, staff=staff_id,
            started_at=at, duration_s=duration, category=LIST_CALL_CATEGORIES.get(kind, "other"),
            summary=note, outcome=ATTEMPT_CALL_OUTCOMES[outcome], work_order=item.work_order_id,
        )
        CallAttempt.create(item=item_id, staff=staff_id, at=at, outcome=outcome, note=note, call=call.id)
        failed = CallAttempt.select().where(
            CallAttempt.item == item_id, CallAttempt.outcome.in_(UNANSWERED_OUTCOMES)).count()
        done = outcome in ("connected", "invalid") or failed >= MAX_FAILED_ATTEMPTS
        CallListItem.update(
            attempts=CallListItem.attempts + 1, last_outcome=outcome, retry_at=retry_at,
            status="done" if done else "pending", updated_at=at,
        ).where(CallListItem.id == item_id).execute()
        if done and not CallListItem.select().where(
                CallListItem.call_list == item.call_list_id, CallListItem.status == "pending").exists():
            CallList.update(closed_at=at).where(CallList.id == item.call_list_id).execute()
        if rating is not None and item.work_order_id is not None:
            from data.workorders import record_callback

            record_callback(item.work_order_id, staff_id, rating, note)
    return _item_views(CallListItem.id == item_id)[0]


# --- scripts ---------------------------------------------------------------------------------

#: The scripts a new database starts with: (category, title, body).
DEFAULT_SCRIPTS: tuple[tuple[str, str, str], ...] = (
    ("repair", "报修受理",
     "{称呼}您好，物业服务中心，很高兴为您服务。请问{房号}哪里需要维修？\n"
     "……已为您登记报修，工单号{工单号}。维修师傅会尽快与您联系，预约上门时间{预约时间}，"
     "请保持电话畅通。还有其他可以帮您的吗？"),
    ("complaint", "投诉安抚",
     "{称呼}您好，非常抱歉给您带来不便，您反映的情况我已经详细记录。\n"
     "我们会尽快核实处理，并在24小时内由专人给您回电答复。感谢您的理解和监督！"),
    ("inquiry", "咨询答复",
     "{称呼}您好，物业服务中心。您咨询的问题我帮您查询一下，请稍等。\n"
     "……如果暂时无法答复，我们会在今天内给您回电。"),
    ("payment", "缴费咨询",
     "{称呼}您好，物业费可以在物业服务中心前台、微信公众号或银行代扣缴纳。\n"
     "{房号}的缴费情况我帮您查一下，请稍等。"),
    ("callback", "回访",
     "{称呼}您好，我是物业服务中心的客服。您家{房号}的报修（工单号{工单号}）已经处理完毕，"
     "想跟您确认一下维修效果是否满意？\n请您为本次服务打个分，1到5分，5分为非常满意。"
     "感谢您的支持！"),
    ("notice", "停水通知",
     "{称呼}您好，这里是物业服务中心。因供水管道检修，您所在楼栋将于{预约时间}临时停水，"
     "请提前做好储水准备。给您带来不便，敬请谅解！"),
    ("notice", "停电通知",
     "{称呼}您好，这里是物业服务中心。因电力设备检修，您所在楼栋将于{预约时间}临时停电，"
     "电梯同时暂停运行，请提前做好准备。给您带来不便，敬请谅解！"),
    ("other", "通用开场",
     "您好，物业服务中心，请问有什么可以帮您？"),
)


def ensure_default_scripts() -> int:
    """Give a database without any script the default ones (idempotent: a database that
    has scripts keeps them as its staff edited them). Returns how many were added."""
    if Script.select().exists():
        return 0
    with transaction():
        Script.insert_many([
            {"category": c, "title": t, "body": b, "updated_by": None, "updated_at": None}
            for c, t, b in DEFAULT_SCRIPTS
        ]).execute()
    return len(DEFAULT_SCRIPTS)


def scripts(category: str | None = None) -> list[ScriptView]:
    """The scripts, by category (in CALL_CATEGORIES order) and title."""
    query = Script.select()
    if category is not None:
        query = query.where(Script.category == category)
    order = {code: i for i, code in enumerate(CALL_CATEGORIES)}
    rows = sorted(query.limit(1000), key=lambda s: (order.get(s.category, 99), s.title, s.id))
    return [ScriptView(s.id, s.category, s.title, s.body) for s in rows]


def save_script(category: str, title: str, body: str, staff_id: int,
                script_id: int | None = None) -> int:
    """Add a script, or change `script_id`; a title is unique within its category."""
    _active_staff(staff_id)
    _check_code(category, CALL_CATEGORIES, "category")
    title = clean_text(title, "title", max_length=60)
    if not title:
        raise ValidationError("title", _("Give the script a title, such as 报修受理."))
    body = clean_text(body, "body", multiline=True, max_length=4000)
    if not body:
        raise ValidationError("body", _("The script is empty."))
    at = clock_now()
    with transaction():
        clash = Script.select().where(Script.category == category, Script.title == title)
        if script_id is not None:
            clash = clash.where(Script.id != script_id)
        if clash.exists():
            raise ValidationError("title", _("There is a script called “{title}” in this category already.").format(
                title=title))
        if script_id is None:
            return Script.create(category=category, title=title, body=body, updated_by=staff_id,
                                 updated_at=at).id
        changed = Script.update(category=category, title=title, body=body, updated_by=staff_id,
                                updated_at=at).where(Script.id == script_id).execute()
        if not changed:
            raise NotFoundError(_("No script with id {id}.").format(id=script_id))
        return script_id


_PLACEHOLDER_RE = re.compile(r"\{([^{}\s]{1,10})\}")


def _salutation(name: str, gender: str) -> str:
    """张先生 / 李女士 from the surname (compound ones too) and gender, else 业主."""
    name = "".join(name.split())
    if not name or gender not in ("M", "F"):
        return "业主"
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[0]
    return surname + ("先生" if gender == "M" else "女士")


def _when(value: dt.datetime) -> str:
    if language() == "zh":
        return f"{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value:%Y-%m-%d %H:%M}"


def fill_script(body: str, *, person_id: int | None = None, work_order_id: int | None = None,
                appointment: dt.datetime | None = None) -> str:
    """`body` with its placeholders filled: {姓名} the person's name, {称呼} 张先生 / 李女士
    (业主 when the gender or the person is unknown), {房号} the work order's room or the
    person's first current room, {工单号} the work order's number, {预约时间} `appointment`
    or the work order's appointment. A placeholder that is unknown, or whose value is not
    available, stays as it is; this never raises."""
    text = body if isinstance(body, str) else str(body)
    values: dict[str, str] = {}
    try:
        order = None
        if work_order_id is not None:
            order = (WorkOrder.select(WorkOrder.number, WorkOrder.person, WorkOrder.appointment_at,
                                      Room.code.alias("room_code"))
                     .join(Room, JOIN.LEFT_OUTER, on=(WorkOrder.room == Room.id))
                     .where(WorkOrder.id == work_order_id).objects().first())
        if order is not None:
            values["工单号"] = order.number
            if order.room_code:
                values["房号"] = order.room_code
            appointment = appointment or order.appointment_at
            if person_id is None:
                person_id = order.person_id
        person = Person.get_or_none(Person.id == person_id) if person_id is not None else None
        values["称呼"] = _salutation(person.name, person.gender) if person else "业主"
        if person is not None:
            values["姓名"] = person.name
            if "房号" not in values:
                rooms = _current_rooms([person.id])
                if rooms:
                    values["房号"] = rooms[0][1]
        if appointment is not None:
            values["预约时间"] = _when(appointment)
    except Exception:  # a script is shown beside a live call: never fail it
        pass
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m[1], m[0]), text)


# --- statistics ------------------------------------------------------------------------------


def _as_date(value) -> dt.date:
    """A DATE() result: a string on SQLite, a date on PostgreSQL."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def call_stats(since: dt.date, until: dt.date, staff_id: int | None = None, *,
               at: dt.datetime | None = None) -> CallStats:
    """Statistics of the calls started from `since` to `until` (both included), in SQL
    aggregates that give the same numbers on SQLite and PostgreSQL. `staff_id` keeps that
    staff member's calls, and the callbacks assigned to them. See the module docstring for
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


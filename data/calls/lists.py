"""Call lists (外呼任务): the 回访 list of resolved work orders, lists from a search or a
file of numbers, and the dialling attempts that work through them."""

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
from data.calls.log import active_staff, check_code, check_duration
from data.calls.numbers import normalize_number, unique_person
from data.clock import now as clock_now
from data.db import transaction
from data.errors import FrontDeskError, NotFoundError, ValidationError
from data.i18n import _
from data.models import (
    Call,
    CallAttempt,
    CallList,
    CallListItem,
    NoticeDelivery,
    Occupancy,
    Person,
    Room,
    Staff,
    WorkOrder,
)
from data.validators import clean_text, decode_text, show_controls
from data.vocab import CALL_LIST_KINDS, LIST_OUTCOMES, UNANSWERED_OUTCOMES, label

#: Failed attempts (no answer, rejected) after which a call-list item is given up.
MAX_FAILED_ATTEMPTS = 3


#: Items a call list holds at most.
MAX_LIST_ITEMS = 2000


#: The Call.outcome an attempt on a call-list item logs.
ATTEMPT_CALL_OUTCOMES = {
    "connected": "resolved",
    "no_answer": "no_answer",
    "rejected": "rejected",
    "invalid": "invalid",
    "later": "callback",  # reached, but asked to be called again
}


#: The category of the calls an attempt logs, per kind of list.
LIST_CALL_CATEGORIES = {"callback": "callback", "adhoc": "notice", "arrears": "payment", "survey": "callback",
                        "notice": "notice"}


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
    room_id: int | None = None  # the room a 催缴 item is about (its script is filled from it)


def _list_name(name: str | None, default: str) -> str:
    text = clean_text(name or "", "name", max_length=60)
    return text or default.format(date=f"{clock_now():%Y-%m-%d}")[:60]


def _new_list(kind: str, name: str, staff_id: int, assignee_id: int | None,
              items: list[dict]) -> int:
    check_code(kind, CALL_LIST_KINDS, "kind")
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


def build_notice_list(name: str, items: list[dict], staff_id: int) -> tuple[int, list[int]]:
    """The 外呼 list of a notice (data.notices): `items` are {person, number, room}; returns
    the list id and its item ids in the order given."""
    _list_staff(staff_id, None)
    list_id = _new_list("notice", _list_name(name, _("Call list {date}")), staff_id, None, items)
    ids = [i for (i,) in CallListItem.select(CallListItem.id).where(CallListItem.call_list == list_id)
           .order_by(CallListItem.id).tuples()]
    return list_id, ids


def _list_staff(staff_id: int, assignee_id: int | None) -> None:
    active_staff(staff_id)
    if assignee_id is not None:
        active_staff(assignee_id, "assignee")


def _first_phones(person_ids: Iterable[int]) -> dict[int, str]:
    # The number to call each person on: their chosen contact person's (联系人: the son of
    # an elderly owner) when they have one, else their own first phone (data.property).
    from data.property import call_numbers

    return call_numbers(person_ids)


def build_callback_list(staff_id: int, assignee_id: int | None = None,
                        name: str | None = None) -> int:
    """The 回访 list: every resolved work order (waiting for its satisfaction callback)
    that is not on an open callback list already, oldest resolution first, called on its
    contact phone, else the phone of the contact person the owner chose (data.property),
    else the person's first phone (orders with none are left out).
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
    ValidationError lists every such line by number and no list is made. Supervisors and
    up; a bare file name is looked for in the export folder first (data.exports)."""
    _list_staff(staff_id, assignee_id)
    access.require("calls.list_file", staff_id)
    file = _list_file(path)
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
    items = [{"person": unique_person(n), "number": n, "work_order": None} for n in numbers]
    return _new_list("adhoc", _list_name(name, _("Call list {date}")), staff_id, assignee_id, items)


def _list_file(path: str) -> Path:
    """The file `path` names: a relative name found in the export folder, else as given."""
    file = Path(str(path or "").strip()).expanduser()
    if str(file) in ("", "."):
        raise ValidationError("file", _("Give the file of phone numbers, such as 通知名单.csv."))
    if not file.is_absolute():
        from data.exports import configured_export_dir

        try:
            in_exports = configured_export_dir() / file
        except FrontDeskError:
            in_exports = None
        if in_exports is not None and in_exports.is_file():
            return in_exports
    return file


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
    ItemRoom = Room.alias()
    rows = list(
        CallListItem.select(
            CallListItem, Person.name.alias("person_name"), WorkOrder.number.alias("order_number"),
            WorkOrder.title.alias("order_title"), Room.code.alias("room_code"),
            ItemRoom.code.alias("item_room_code"),
        )
        .join(Person, JOIN.LEFT_OUTER, on=(CallListItem.person == Person.id))
        .switch(CallListItem)
        .join(WorkOrder, JOIN.LEFT_OUTER, on=(CallListItem.work_order == WorkOrder.id))
        .join(Room, JOIN.LEFT_OUTER, on=(WorkOrder.room == Room.id))
        .switch(CallListItem)
        .join(ItemRoom, JOIN.LEFT_OUTER, on=(CallListItem.room == ItemRoom.id))
        .where(where)
        .order_by(CallListItem.id)
        .limit(limit)
        .objects()
    )
    need_room = [r.person_id for r in rows
                 if not r.room_code and not r.item_room_code and r.person_id is not None]
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
            number=r.number, room=r.item_room_code or r.room_code or rooms.get(r.person_id, ""),
            work_order_id=r.work_order_id, work_order_number=r.order_number or "",
            work_order_title=r.order_title or "", status=r.status, attempts=r.attempts,
            last_outcome=r.last_outcome, retry_at=r.retry_at, room_id=r.room_id,
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
                   rating: int | None = None, evidence: bool = True) -> CallItemView:
    """Record one dialling of a call-list item, and log it as an outbound call (category
    "callback" on a 回访 list, linked to its work order; "notice" on other lists).

    connected and invalid end the item; no_answer and rejected end it at the third failed
    attempt; later needs `retry_at` in the future and hides the item until then. On a
    回访 item, a connected attempt with the owner's `rating` (1–5) also records the work
    order's callback. When the last item ends, the list is closed. On a 催缴 item a
    connected call is dated evidence ("reached") unless `evidence` is off (the caller
    records the contact itself: data.fees.collection.record_list_contact).
    """
    active_staff(staff_id)
    check_code(outcome, LIST_OUTCOMES, "outcome")
    note = clean_text(note, "note", multiline=True, max_length=2000)
    duration = check_duration(duration_s)
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
        if evidence and kind == "arrears" and item.room_id is not None and outcome in ("connected", "later"):
            # A 催缴 call that reached the payer is dated evidence (data.fees.collection).
            from data.fees.arrears import record_reached

            record_reached(item.room_id, item.person_id, staff_id, at, note)
        if kind == "notice" and outcome == "connected":
            # The household of a notice is told (data.notices: who was told, how, when).
            NoticeDelivery.update(how="call", reached_at=at, staff=staff_id).where(
                NoticeDelivery.call_item == item_id, NoticeDelivery.reached_at.is_null()).execute()
        if rating is not None and item.work_order_id is not None:
            from data.workorders import record_callback

            record_callback(item.work_order_id, staff_id, rating, note)
    return _item_views(CallListItem.id == item_id)[0]

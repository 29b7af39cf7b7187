"""催缴 (collection of arrears, issue 18 item 4): an outbound call list of the rooms an
arrears filter selects, the script placeholders filled from a room's arrears, the dated
contacts and promises to pay (承诺缴费日) — the evidence that interrupts the three-year
limitation (Civil Code art. 188, 195) — a promise missed becoming a callback for who took
it, and the one-line balance the owner card and the calls screen show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from data import access
from data.clock import now as clock_now
from data.clock import today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.arrears import (
    LIMITATION_MONTHS,
    PAGE_MAX,
    RoomArrears,
    arrears_page,
    arrears_values,
    balance_line,
    evidence_rooms_since,
    limitation_cutoff,
    limitation_flags,
    room_arrears,
)
from data.i18n import N_, _
from data.models import (
    ArrearsContact,
    Bill,
    Call,
    CallList,
    CallListItem,
    Occupancy,
    Payment,
    Room,
    Script,
    Staff,
)
from data.validators import clean_text

#: What a contact about arrears came to.
CONTACT_OUTCOMES = {
    "promise": N_("Promised to pay"),  # 承诺缴费
    "reached": N_("Reached"),  # 已联系
    "refused": N_("Refused to pay"),  # 拒缴
}

#: The call-list kind of a 催缴 list (data.vocab.CALL_LIST_KINDS).
LIST_KIND = "arrears"

#: The 催缴 script a list's calls read (category "payment"), added when a list is built
#: and the database has no script of that title yet.
SCRIPT_TITLE = "催缴"
SCRIPT_BODY = ("{称呼}您好，这里是物业服务中心。您家{房号}目前欠缴物业服务费等费用{欠费金额}，"
               "共{欠费月数}个月，最早从{最早欠费月}起。\n"
               "请问您方便什么时候缴纳？可以到物业服务中心前台、微信或支付宝缴费。"
               "如对服务有意见，也请告诉我们，我们会尽快处理。")

_DUE = Bill.amount_fen - Bill.paid_fen - Bill.waived_fen

@dataclass(frozen=True)
class ContactView:
    id: int
    room_id: int
    room: str
    at: dt.datetime
    staff: str
    outcome: str
    promised_on: dt.date | None
    due_fen: int
    note: str
    callback_id: int | None


def ensure_arrears_script() -> None:
    """Add the 催缴 script (category payment) unless there is one of that title."""
    if not Script.select().where(Script.category == "payment", Script.title == SCRIPT_TITLE).exists():
        Script.create(category="payment", title=SCRIPT_TITLE, body=SCRIPT_BODY, updated_by=None,
                      updated_at=None)


def _payers(room_ids: list[int]) -> dict[int, int]:
    """The person to call about each room: its current owner, else the payer of its
    latest unpaid bill."""
    out: dict[int, int] = {}
    for i in range(0, len(room_ids), 500):
        chunk = room_ids[i:i + 500]
        for room_id, person_id in (Occupancy.select(Occupancy.room, Occupancy.person)
                                   .where(Occupancy.room.in_(chunk), Occupancy.role == "owner",
                                          Occupancy.end_date.is_null())
                                   .order_by(Occupancy.is_primary_contact.desc(), Occupancy.id).tuples()):
            out.setdefault(room_id, person_id)
        missing = [r for r in chunk if r not in out]
        if missing:
            for room_id, person_id in (Bill.select(Bill.room, Bill.person)
                                       .where(Bill.room.in_(missing), Bill.person.is_null(False), _DUE > 0)
                                       .order_by(Bill.period.desc(), Bill.id.desc()).tuples()):
                out.setdefault(room_id, person_id)
    return out


def build_arrears_list(*, community_id: int | None = None, building_id: int | None = None,
                       bucket: str | None = None, min_fen: int = 0, limitation_only: bool = False,
                       staff_id: int, assignee_id: int | None = None, name: str | None = None) -> int:
    """A 催缴 call list (kind "arrears") of the rooms the arrears filter selects, the
    largest first: one item per room, on the phone of its owner (their chosen contact
    person's when they have one; rooms without an owner with a phone are left out).
    The calls screen fills the 催缴 script's {欠费金额} {欠费月数} {最早欠费月} per room.
    Returns the list id; ValidationError when no room can be called."""
    from data.calls.lists import MAX_LIST_ITEMS, _first_phones, _list_name, _list_staff, _new_list

    access.require("fees.view", staff_id)
    _list_staff(staff_id, assignee_id)
    room_ids: list[int] = []
    offset = 0
    while len(room_ids) < MAX_LIST_ITEMS:
        page = arrears_page(community_id=community_id, building_id=building_id, min_fen=min_fen,
                            bucket=bucket, limitation_only=limitation_only, limit=PAGE_MAX,
                            offset=offset, staff_id=staff_id)
        room_ids.extend(r.room_id for r in page.rows)
        offset += len(page.rows)
        if not page.more or not page.rows:
            break
    room_ids = room_ids[:MAX_LIST_ITEMS]
    payers = _payers(room_ids)
    phones = _first_phones(payers.values())
    items = []
    for room_id in room_ids:
        person_id = payers.get(room_id)
        number = phones.get(person_id, "") if person_id is not None else ""
        if number:
            items.append({"person": person_id, "number": number, "work_order": None, "room": room_id})
    if not items:
        raise ValidationError("list", _("No room with arrears matches, or none has an owner with a phone number."))
    with transaction():
        same = _same_open_list(staff_id, assignee_id, {i["room"] for i in items})
        if same is not None:  # the key pressed twice, or the same filter again today: one list
            return same
        ensure_arrears_script()
        return _new_list(LIST_KIND, _list_name(name, _("Arrears {date}")), staff_id, assignee_id, items)


def _same_open_list(staff_id: int, assignee_id: int | None, rooms: set[int]) -> int | None:
    """An open 催缴 list this clerk built today for the same assignee and the same rooms —
    built again it would have the same owners called twice."""
    start = dt.datetime.combine(today(), dt.time())
    for (list_id,) in (CallList.select(CallList.id)
                       .where(CallList.kind == LIST_KIND, CallList.created_by == staff_id,
                              (CallList.assignee == assignee_id) if assignee_id is not None
                              else CallList.assignee.is_null(),
                              CallList.created_at >= start, CallList.closed_at.is_null())
                       .order_by(CallList.id.desc()).tuples()):
        listed = {r for (r,) in CallListItem.select(CallListItem.room)
                  .where(CallListItem.call_list == list_id).tuples()}
        if listed == rooms:
            return list_id
    return None


def _room(room_id: int) -> Room:
    room = Room.get_or_none(Room.id == room_id)
    if room is None:
        raise NotFoundError(_("No room with id {id}.").format(id=room_id))
    return room


#: How far ahead the desk may record a promise to pay (days); a later one needs a lead
#: (fees.waive or fees.manage).
MAX_PROMISE_DAYS = 90


def record_contact(room_id: int, outcome: str, staff_id: int, *, promised_on: dt.date | None = None,
                   note: str = "", person_id: int | None = None) -> ContactView:
    """Record a dated contact about a room's arrears (who, when, what it came to); a
    promise to pay needs its date, today or later (at most `MAX_PROMISE_DAYS` ahead unless
    a lead records it)."""
    access.require("fees.view", staff_id)
    if outcome not in CONTACT_OUTCOMES:
        raise ValidationError("outcome", _("Unknown outcome “{value}”: use one of {choices}.").format(
            value=str(outcome)[:12], choices=", ".join(CONTACT_OUTCOMES)))
    note = clean_text(note, "note", multiline=True, max_length=1000)
    if outcome == "promise":
        if promised_on is None:
            raise ValidationError("date", _("Say the date promised to pay."))
        if promised_on < today():
            raise ValidationError("date", _("The date promised to pay cannot be in the past."))
        latest = today() + dt.timedelta(days=MAX_PROMISE_DAYS)
        if promised_on > latest and not (access.can("fees.waive", staff_id) or access.can("fees.manage", staff_id)):
            # A far date would keep the missed-promise sweep quiet for good (9999-12-31).
            raise ValidationError("date", _(
                "A promise to pay can be at most {days} days ahead (until {latest}); a later date "
                "needs a supervisor.").format(days=MAX_PROMISE_DAYS, latest=latest.isoformat()))
    elif promised_on is not None:
        raise ValidationError("date", _("Only a promise to pay has a date."))
    room = _room(room_id)
    if person_id is None:
        person_id = _payers([room.id]).get(room.id)
    with transaction():
        row = ArrearsContact.create(room=room.id, person=person_id, staff=staff_id, at=clock_now(),
                                    outcome=outcome, promised_on=promised_on,
                                    due_fen=room_arrears([room.id]).get(room.id, RoomArrears(0, 0, 0, "")).due_fen,
                                    note=note)
    return contacts(room.id, staff_id=staff_id, contact_id=row.id)[0]


def record_promise(room_id: int, promised_on: dt.date, staff_id: int, note: str = "") -> ContactView:
    """A promise to pay a room's arrears by `promised_on` (承诺缴费日)."""
    return record_contact(room_id, "promise", staff_id, promised_on=promised_on, note=note)


def record_list_contact(item_id: int, outcome: str, staff_id: int, *, promised_on: str | dt.date | None = None,
                        note: str = "") -> ContactView:
    """A 催缴 call-list item worked from the calls screen: the call connected and what it came
    to (promise with its date, reached, refused) — the list attempt and the dated contact
    in one transaction; nothing is stored when either is refused."""
    from data.calls.lists import record_attempt
    from data.dates import parse_day
    from data.models import CallListItem

    if isinstance(promised_on, str):  # the desk's short forms too: 12-14, 下周一, +7
        promised_on = parse_day(promised_on, today()) if promised_on.strip() else None
    item = CallListItem.get_or_none(CallListItem.id == item_id)
    if item is None:
        raise NotFoundError(_("No call-list item with id {id}.").format(id=item_id))
    if item.room_id is None:
        raise ValidationError("item", _("This call is not about a room's arrears."))
    with transaction():
        view = record_contact(item.room_id, outcome, staff_id, promised_on=promised_on, note=note,
                              person_id=item.person_id)
        record_attempt(item_id, staff_id, "connected", note, evidence=False)
    return view


def contacts(room_id: int | None = None, *, staff_id: int | None = None, contact_id: int | None = None,
             limit: int = 100) -> list[ContactView]:
    """The contacts about arrears, newest first (of a room, or one by id)."""
    access.require("fees.view", staff_id)
    query = (ArrearsContact.select(ArrearsContact, Room.code.alias("room_code"), Staff.name.alias("staff_name"))
             .join(Room).switch(ArrearsContact)
             .join(Staff, JOIN.LEFT_OUTER, on=(ArrearsContact.staff == Staff.id)))
    if room_id is not None:
        query = query.where(ArrearsContact.room == room_id)
    if contact_id is not None:
        query = query.where(ArrearsContact.id == contact_id)
    rows = query.order_by(ArrearsContact.at.desc(), ArrearsContact.id.desc()).limit(max(1, min(limit, 500)))
    return [ContactView(c.id, c.room_id, c.room_code, c.at, c.staff_name or "", c.outcome, c.promised_on,
                        c.due_fen, c.note, c.callback_id) for c in rows.objects()]


def open_promises(room_ids: list[int]) -> dict[int, dt.date]:
    """The date of each room's latest promise to pay that no payment has followed yet (the
    statement, the arrears list and the 催缴 call panel say "承诺 2026-12-14 缴费")."""
    ids = list(dict.fromkeys(room_ids))
    out: dict[int, dt.date] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        latest: dict[int, tuple[dt.datetime, dt.date]] = {}
        for room_id, at, day in (ArrearsContact.select(ArrearsContact.room, ArrearsContact.at,
                                                       ArrearsContact.promised_on)
                                 .where(ArrearsContact.room.in_(chunk), ArrearsContact.outcome == "promise")
                                 .order_by(ArrearsContact.at.desc(), ArrearsContact.id.desc()).tuples()):
            latest.setdefault(room_id, (at, day))
        paid = dict(Payment.select(Payment.room, fn.MAX(Payment.taken_at))
                    .where(Payment.room.in_(list(latest)), Payment.kind == "payment")
                    .group_by(Payment.room).tuples()) if latest else {}
        for room_id, (at, day) in latest.items():
            if day is not None and (paid.get(room_id) is None or paid[room_id] < at):
                out[room_id] = day
    return out


def room_owner(room_id: int, staff_id: int | None = None) -> tuple[str, str]:
    """The room's owner to show on its statement: their name and first phone, masked as
    everywhere (data.privacy); ("", "") when it has none."""
    from data.models import Person, Phone
    from data.validators import mask_phone

    access.require("fees.view", staff_id)
    found = (Occupancy.select(Person.id, Person.name).join(Person)
             .where(Occupancy.room == room_id, Occupancy.role == "owner", Occupancy.end_date.is_null())
             .order_by(Occupancy.is_primary_contact.desc(), Occupancy.id).tuples().first())
    if found is None:
        return "", ""
    number = Phone.select(Phone.number).where(Phone.person == found[0]).order_by(Phone.id).scalar()
    return found[1], mask_phone(number) if number else ""


def sweep_missed_promises(at: dt.datetime | None = None) -> int:
    """Each promise whose date has passed with no payment for its room since it was made,
    while the room still owes, becomes a callback (an outbound "payment" call with the
    callback due now) for the staff member who recorded it — once: the contact keeps the
    call. A later promise for the room replaces an earlier one. Idempotent; returns how
    many callbacks were made."""
    at = at or clock_now()
    day = at.date()
    Later = ArrearsContact.alias()
    newer = Later.select(Later.id).where(Later.room == ArrearsContact.room, Later.outcome == "promise",
                                         Later.id > ArrearsContact.id)
    paid = Payment.select(Payment.id).where(Payment.room == ArrearsContact.room, Payment.kind == "payment",
                                            Payment.amount_fen > 0, Payment.taken_at >= ArrearsContact.at)
    rows = list(ArrearsContact.select().where(
        ArrearsContact.outcome == "promise", ArrearsContact.promised_on < day,
        ArrearsContact.callback.is_null(), ~fn.EXISTS(newer), ~fn.EXISTS(paid)).limit(500))
    if not rows:
        return 0
    owing = room_arrears([r.room_id for r in rows])
    from data.property import call_numbers

    numbers = call_numbers(r.person_id for r in rows if r.person_id is not None)
    made = 0
    for r in rows:
        if r.room_id not in owing or r.staff_id is None:
            continue
        room_code = Room.select(Room.code).where(Room.id == r.room_id).scalar() or ""
        summary = _("Promised to pay {room}'s arrears by {date}; no payment since. Call again.").format(
            room=room_code, date=r.promised_on.isoformat())
        with transaction():
            call = Call.create(direction="out", number=numbers.get(r.person_id, ""), person=r.person_id,
                               staff=r.staff_id, started_at=at, category="payment", summary=summary,
                               outcome="callback", callback_due=at, callback_assignee=r.staff_id)
            done = ArrearsContact.update(callback=call.id).where(
                ArrearsContact.id == r.id, ArrearsContact.callback.is_null()).execute()
            if not done:  # another session swept it meanwhile
                Call.delete().where(Call.id == call.id).execute()
                continue
        made += 1
    return made


__all__ = ["CONTACT_OUTCOMES", "LIMITATION_MONTHS", "LIST_KIND", "MAX_PROMISE_DAYS", "SCRIPT_BODY", "SCRIPT_TITLE",
           "ContactView", "RoomArrears", "arrears_values", "balance_line", "build_arrears_list",
           "contacts", "ensure_arrears_script", "evidence_rooms_since", "limitation_cutoff", "limitation_flags", "open_promises", "record_contact", "record_list_contact", "record_promise",
           "room_arrears", "room_owner", "sweep_missed_promises"]

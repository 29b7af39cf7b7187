"""Notifications (issue 8): a work order assigned to me, an escalation to me, a reminder, a
callback due, a mention in a note — one row per person in `notification`, written in the
transaction of what caused it. Running sessions pick new rows up by id (`newer_than`),
so a toast appears within a poll of the change in another process.

Escalations (data.escalation), reminders (data.reminders) and callbacks (data.calls) write
their own rows with dedupe keys; this module writes "assigned" and "mention" rows and
reads the inbox.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from peewee import JOIN

from data.clock import now as clock_now
from data.db import transaction
from data.i18n import _
from data.models import Notification, Occupancy, Person, Room, Staff, WorkOrder
from data.validators import mask_phone

INBOX_LIMIT = 200  # rows the inbox shows at most

#: "@tech1" or "＠tech1" in a note mentions that staff member (logins: letters, digits, - _ .).
MENTION = re.compile(r"[@＠]([A-Za-z0-9][A-Za-z0-9_.-]*)")

#: A full phone number inside a text: a mobile (maybe with +86 and spaces or dashes), a
#: landline with its area code, or any run of 11 or more digits. Order numbers
#: (BX-20261207-0001) hold at most 8 digits in a row and are left alone.
PHONE_IN_TEXT = re.compile(
    r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9](?:[- ]?[0-9]{4}){2}|0[1-9][0-9]{1,2}-[0-9]{7,8}"
    r"(?:-[0-9]{1,6})?|[0-9]{11,})(?![0-9])")


def mask_numbers(text: str) -> str:
    """`text` with every full phone number in it masked as every screen masks it
    (``166****3461``): notification titles and bodies never show a whole number."""
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(1).replace(" ", "")), text or "")


def subject_text(number: str, place: str = "", person: str = "", title: str = "") -> str:
    """What a notification about a work order names: "工单 BX-20261207-0001 3-2-501 张思明
    卫生间地漏返味" (the parts it has)."""
    parts = (_("Work order"), number, place, person, " ".join((title or "").split())[:40])
    return " ".join(p for p in parts if p)


def _subject_rows(order_ids: list[int]) -> dict[int, str]:
    rows = (WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.title, WorkOrder.location,
                             Room.code.alias("room_code"), Person.name.alias("person_name"))
            .join(Room, JOIN.LEFT_OUTER, on=(WorkOrder.room == Room.id))
            .switch(WorkOrder)
            .join(Person, JOIN.LEFT_OUTER, on=(WorkOrder.person == Person.id))
            .where(WorkOrder.id.in_(order_ids))
            .objects())
    return {r.id: (r.number, subject_text(r.number, r.room_code or r.location, r.person_name or "",
                                          r.title))
            for r in rows}


def order_subject(order_id: int) -> str:
    """`subject_text` of one work order (empty when it is gone)."""
    return _subject_rows([order_id]).get(order_id, ("", ""))[1]


def event_subject(event_id: int) -> str:
    """What a calendar reminder is about beyond its own title: the work order it is the
    visit of (number, room, person, title), else its person and room; "" for neither."""
    from data.models import Event

    event = Event.select(Event.work_order, Event.person, Event.room).where(Event.id == event_id).first()
    if event is None:
        return ""
    if event.work_order_id is not None:
        return order_subject(event.work_order_id)
    name = (Person.select(Person.name).where(Person.id == event.person_id).scalar()
            if event.person_id is not None else "")
    room = (Room.select(Room.code).where(Room.id == event.room_id).scalar()
            if event.room_id is not None else person_place(event.person_id))
    return " ".join(p for p in (room or "", name or "") if p)


def person_place(person_id: int | None) -> str:
    """A person's current room code (the primary contact's room first), or ""."""
    if person_id is None:
        return ""
    code = (Room.select(Room.code).join(Occupancy)
            .where(Occupancy.person == person_id, Occupancy.end_date.is_null())
            .order_by(Occupancy.is_primary_contact.desc(), Occupancy.id).limit(1).scalar())
    return code or ""


class Note(NamedTuple):
    """One notification as the inbox and the toasts show it."""

    id: int
    at: dt.datetime
    kind: str
    title: str
    body: str
    entity: str
    entity_id: int | None
    read: bool


def _note(row: Notification, subjects: dict[int, tuple[str, str]] | None = None) -> Note:
    """A stored row as shown: numbers masked (rows written before masking too), and a work
    order's notification that does not name its order (an older, vaguer row) led by the
    order's number, room, person and title."""
    title = mask_numbers(row.title)
    if row.entity == "work_order" and row.entity_id is not None and subjects:
        number, subject = subjects.get(row.entity_id, ("", ""))
        if subject and number not in title:
            title = f"{subject} {title}"
    return Note(row.id, row.created_at, row.kind, title, mask_numbers(row.body), row.entity,
                row.entity_id, row.read_at is not None)


def shown(rows) -> list[Note]:
    """Stored notification rows as every list shows them (see `_note`)."""
    rows = list(rows)
    order_ids = list({r.entity_id for r in rows if r.entity == "work_order" and r.entity_id})
    subjects = _subject_rows(order_ids) if order_ids else {}
    return [_note(r, subjects) for r in rows]


def send(staff_id: int, kind: str, title: str, *, body: str = "", entity: str = "",
         entity_id: int | None = None, dedupe_key: str | None = None) -> None:
    """Write one notification (call inside the transaction of what caused it). A repeated
    `dedupe_key` is ignored, so senders may retry."""
    query = Notification.insert(staff=staff_id, kind=kind, title=mask_numbers(title)[:200],
                                body=mask_numbers(body),
                                entity=entity, entity_id=entity_id, dedupe_key=dedupe_key,
                                created_at=clock_now())
    (query.on_conflict_ignore() if dedupe_key else query).execute()


def mentioned(text: str) -> list[Staff]:
    """The active staff members a text mentions with @login, in order, once each."""
    logins = list(dict.fromkeys(m.group(1).rstrip(".") for m in MENTION.finditer(text or "")))
    if not logins:
        return []
    found = {s.login: s for s in Staff.select().where(Staff.login.in_(logins), Staff.active == True)}  # noqa: E712
    return [found[login] for login in logins if login in found]


def send_mentions(text: str, title: str, *, by: int | None, entity: str,
                  entity_id: int | None) -> int:
    """Notify everyone `text` mentions (not the writer). Returns how many were notified."""
    count = 0
    for staff in mentioned(text):
        if staff.id != by:
            send(staff.id, "mention", title, body=text[:500], entity=entity, entity_id=entity_id)
            count += 1
    return count


def newer_than(staff_id: int, last_id: int) -> list[Note]:
    """Unread notifications of `staff_id` with an id above `last_id`, oldest first (toasts)."""
    rows = (Notification.select().where(Notification.staff == staff_id, Notification.id > last_id,
                                        Notification.read_at.is_null())
            .order_by(Notification.id).limit(20))
    return shown(rows)


def last_id(staff_id: int) -> int:
    """The newest notification id of `staff_id` (0 without any): where toasts start."""
    row = (Notification.select(Notification.id).where(Notification.staff == staff_id)
           .order_by(Notification.id.desc()).first())
    return row.id if row else 0


def unread_count(staff_id: int) -> int:
    return Notification.select().where(Notification.staff == staff_id,
                                       Notification.read_at.is_null()).count()


def inbox(staff_id: int, *, include_read: bool = True, limit: int = INBOX_LIMIT) -> list[Note]:
    """The inbox, unread first, then newest first."""
    query = Notification.select().where(Notification.staff == staff_id)
    if not include_read:
        query = query.where(Notification.read_at.is_null())
    query = query.order_by(Notification.read_at.is_null(False), Notification.id.desc())
    return shown(query.limit(limit))


def mark_read(staff_id: int, ids: list[int] | None = None) -> int:
    """Mark some (or, with None, all) of `staff_id`'s notifications read. Returns how many."""
    with transaction():
        query = Notification.update(read_at=clock_now()).where(
            Notification.staff == staff_id, Notification.read_at.is_null())
        if ids is not None:
            query = query.where(Notification.id.in_(ids))
        return query.execute()

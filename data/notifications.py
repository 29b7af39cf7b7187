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
from dataclasses import dataclass

from data.clock import now as clock_now
from data.db import transaction
from data.models import Notification, Staff

INBOX_LIMIT = 200  # rows the inbox shows at most

#: "@tech1" or "＠tech1" in a note mentions that staff member (logins: letters, digits, - _ .).
MENTION = re.compile(r"[@＠]([A-Za-z0-9][A-Za-z0-9_.-]*)")


@dataclass(frozen=True)
class Note:
    """One notification as the inbox and the toasts show it."""

    id: int
    at: dt.datetime
    kind: str
    title: str
    body: str
    entity: str
    entity_id: int | None
    read: bool


def _note(row: Notification) -> Note:
    return Note(row.id, row.created_at, row.kind, row.title, row.body, row.entity,
                row.entity_id, row.read_at is not None)


def send(staff_id: int, kind: str, title: str, *, body: str = "", entity: str = "",
         entity_id: int | None = None, dedupe_key: str | None = None) -> None:
    """Write one notification (call inside the transaction of what caused it). A repeated
    `dedupe_key` is ignored, so senders may retry."""
    query = Notification.insert(staff=staff_id, kind=kind, title=title[:200], body=body,
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
    return [_note(r) for r in rows]


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
    return [_note(r) for r in query.limit(limit)]


def mark_read(staff_id: int, ids: list[int] | None = None) -> int:
    """Mark some (or, with None, all) of `staff_id`'s notifications read. Returns how many."""
    with transaction():
        query = Notification.update(read_at=clock_now()).where(
            Notification.staff == staff_id, Notification.read_at.is_null())
        if ids is not None:
            query = query.where(Notification.id.in_(ids))
        return query.execute()

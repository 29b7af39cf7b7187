"""12345 citizen-hotline complaints (市民热线): the hotline's reference and reply deadline of a
work order taken on the `hotline` channel, reading them, and recording the reply.

The 12345 hotline forwards a complaint with its own reference (工单编号) and a deadline by
which the company must reply to the hotline (答复时限). That deadline is the hotline's, not
the SLA's: it runs whatever the order's status (a resolved order may still owe its reply),
stops once the reply is recorded, and a missed one is escalated once by the same sweep
as the SLA deadlines (data.escalation).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from peewee import JOIN

from data import access, territory
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ConflictError, NotFoundError, ValidationError
from data.i18n import _
from data.models import HotlineOrder, Staff, WorkOrder, WorkOrderHistory
from data.validators import clean_text

#: The channel code of hotline orders (data.vocab.CHANNELS).
CHANNEL = "hotline"
#: Longest reference the hotline gives (theirs look like 2026120712345 or SZ-2026-004711).
REF_LENGTH = 40
_REF = re.compile(r"[A-Za-z0-9-]+")
#: A reply deadline given as a day alone (12-10, 周五, 3天后) is due at the end of that
#: working day: an escalation at midnight would reach the supervisor only the next morning.
DAY_END = dt.time(17, 0)
#: The reply deadline may be set at most this far ahead (a typo of the year, not a plan).
LONGEST_AHEAD = dt.timedelta(days=366)
#: Longest reply text.
REPLY_LENGTH = 2000


@dataclass(frozen=True)
class HotlineView:
    """The hotline part of a work order."""

    ref: str
    reply_due: dt.datetime
    replied_at: dt.datetime | None
    reply_text: str
    replied_by: str  # the staff member's name, "" before the reply
    escalated_at: dt.datetime | None

    @property
    def replied(self) -> bool:
        return self.replied_at is not None

    def reply_overdue(self, at: dt.datetime | None = None) -> bool:
        """The reply deadline passed with no reply recorded (a recorded reply stops it)."""
        return self.replied_at is None and self.reply_due < (at or clock_now())

    def replied_late(self) -> bool:
        return self.replied_at is not None and self.replied_at > self.reply_due

    def as_json(self) -> dict:
        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat(sep=" ", timespec="minutes") if value else None

        return {"hotline_ref": self.ref, "reply_due": iso(self.reply_due),
                "replied_at": iso(self.replied_at), "reply_text": self.reply_text or None,
                "replied_by": self.replied_by or None}


# --- input -------------------------------------------------------------------------------------


def clean_ref(text: str | None, field: str = "hotline_ref") -> str:
    """The hotline's reference as typed (full-width characters of a Chinese input method
    read as their ASCII forms): letters, digits and hyphens, at most REF_LENGTH characters."""
    ref = unicodedata.normalize("NFKC", clean_text(text or "", field, max_length=REF_LENGTH * 2))
    if not ref:
        raise ValidationError(field, _("Give the 12345 hotline's reference of this complaint "
                                       "(such as 2026120712345 or SZ-2026-004711)."))
    if len(ref) > REF_LENGTH or not _REF.fullmatch(ref):
        raise ValidationError(field, _(
            "The 12345 reference is letters, digits and hyphens only, at most {n} characters "
            "(such as SZ-2026-004711).").format(n=REF_LENGTH))
    return ref


def parse_reply_due(text: str | None, now: dt.datetime, field: str = "reply_due") -> dt.datetime:
    """The reply deadline the hotline set, as a clerk types it: a time as the 预约 field
    reads it (明天 17:00, 周五下午, 2026-12-10 18:00) or a day alone (12-10, 周五, 3天后:
    at DAY_END of that day). Must lie ahead of `now`, within a year."""
    from data.dates import parse_appointment, parse_day

    raw = (text or "").strip()
    if not raw:
        raise ValidationError(field, _("Give the reply deadline the 12345 hotline set, such as "
                                       "明天 17:00, 12-10 or 周五下午."))
    try:
        due = parse_appointment(raw, now, field)
    except ValidationError:
        try:
            due = dt.datetime.combine(parse_day(raw, now.date()), DAY_END)
        except ValidationError:
            raise ValidationError(field, _(
                "Write the reply deadline as 明天 17:00, 12-10, 周五下午 or 2026-12-10 18:00 "
                "(a day alone means {time} that day).").format(time=f"{DAY_END:%H:%M}")) from None
    assert due is not None  # parse_appointment returns None only for empty text
    check_reply_due(due, now, field)
    return due


def check_reply_due(due: dt.datetime, now: dt.datetime, field: str = "reply_due") -> None:
    """A reply deadline must lie ahead, within a year."""
    if due <= now:
        raise ValidationError(field, _("The reply deadline {due} has passed already: give the "
                                       "one the hotline set.").format(due=f"{due:%Y-%m-%d %H:%M}"))
    if due - now > LONGEST_AHEAD:
        raise ValidationError(field, _("The reply deadline {due} is more than a year ahead: "
                                       "check the year.").format(due=f"{due:%Y-%m-%d %H:%M}"))


def attach(order_id: int, ref: str, reply_due: dt.datetime, at: dt.datetime) -> None:
    """Record the hotline's reference and deadline of a new work order; call inside the
    transaction that creates it (data.workorders.create_order, which checked both). A
    reference already on another order is refused, naming it."""
    existing = (WorkOrder.select(WorkOrder.number).join(HotlineOrder, on=(
        HotlineOrder.work_order == WorkOrder.id)).where(HotlineOrder.ref == ref).scalar())
    if existing:
        raise ValidationError("hotline_ref", _(
            "The 12345 reference {ref} is on {number} already: open that order.").format(
                ref=ref, number=existing))
    HotlineOrder.create(work_order=order_id, ref=ref, reply_due=reply_due, created_at=at)


# --- reading ----------------------------------------------------------------------------------


def _view(row: HotlineOrder, replied_by: str) -> HotlineView:
    return HotlineView(row.ref, row.reply_due, row.replied_at, row.reply_text, replied_by,
                       row.escalated_at)


def hotline_views(order_ids: list[int]) -> dict[int, HotlineView]:
    """The hotline part of each of these work orders that has one (one query)."""
    if not order_ids:
        return {}
    rows = (HotlineOrder.select(HotlineOrder, Staff.name.alias("replier"))
            .join(Staff, on=(HotlineOrder.replied_by == Staff.id), join_type=JOIN.LEFT_OUTER)
            .where(HotlineOrder.work_order.in_(order_ids)).objects())
    return {r.work_order_id: _view(r, getattr(r, "replier", None) or "") for r in rows}


def hotline_view(order_id: int) -> HotlineView | None:
    """The hotline part of a work order, None when it did not come from the hotline."""
    return hotline_views([order_id]).get(order_id)


# --- the reply --------------------------------------------------------------------------------


def record_reply(order_id: int, text: str, staff_id: int, *,
                 expected_version: int | None = None) -> HotlineView:
    """Record the reply sent to the 12345 hotline (what was said; by whom and when are the
    signed-in account and now): the reply deadline stops counting. Desk staff and leads
    (access "hotline.reply"); the order's history says it. A second reply is refused."""
    access.require("hotline.reply", staff_id)
    text = clean_text(text, "reply", multiline=True, max_length=REPLY_LENGTH)
    if not text:
        raise ValidationError("reply", _("Say what was replied to the hotline, such as "
                                         "已联系业主并上门处理，业主表示满意."))
    at = clock_now()
    with transaction():
        order = WorkOrder.get_or_none(WorkOrder.id == order_id)
        if order is None:
            raise NotFoundError(_("No work order {ref}.").format(ref=order_id))
        territory.check_order_visible(order, staff_id)
        hotline = HotlineOrder.get_or_none(HotlineOrder.work_order == order_id)
        if hotline is None:
            raise ValidationError("reply", _("{number} did not come from the 12345 hotline: "
                                             "there is no reply to record.").format(number=order.number))
        if expected_version is not None and order.version != expected_version:
            raise ConflictError(_(
                "{number} was changed by someone else (now version {current}, you had {seen}); "
                "look at it again before changing it.").format(
                    number=order.number, current=order.version, seen=expected_version),
                order.version)
        won = (HotlineOrder.update(replied_at=at, reply_text=text, replied_by=staff_id)
               .where(HotlineOrder.id == hotline.id, HotlineOrder.replied_at.is_null())
               .execute())
        if won != 1:
            current = HotlineOrder.get_by_id(hotline.id)
            raise ValidationError("reply", _("The reply to the hotline was recorded already "
                                             "({time}).").format(time=f"{current.replied_at:%Y-%m-%d %H:%M}"))
        WorkOrder.update(updated_at=at, version=WorkOrder.version + 1).where(
            WorkOrder.id == order_id).execute()
        late = _(" (late: due {due})").format(due=f"{hotline.reply_due:%m-%d %H:%M}") \
            if at > hotline.reply_due else ""
        WorkOrderHistory.create(work_order=order_id, staff=staff_id, at=at, action="hotline_reply",
                                from_status=order.status, to_status=order.status,
                                note=_("12345 {ref} replied{late}: {text}").format(
                                    ref=hotline.ref, late=late, text=text))
    view = hotline_view(order_id)
    assert view is not None
    return view

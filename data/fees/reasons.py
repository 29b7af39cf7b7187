"""Why arrears are unpaid (欠费原因, issue 18 item 4) and what an owner owes over all their
rooms: a dated reason per room (the latest is the current one) — "对服务不满" shown with
the owner's open complaints — and an owner's arrears with its ageing, room by room."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, fn

from data import access
from data.clock import now as clock_now
from data.clock import today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.values import BUCKETS, bucket_of, money_text, month_index, period_start
from data.i18n import N_, _
from data.models import ArrearsReason, Bill, Community, Occupancy, Person, Room, Staff, WorkOrder
from data.validators import clean_text
from data.vocab import OPEN_STATUSES

#: The reasons a room's arrears are unpaid, in the order the form offers them.
REASONS = {
    "service": N_("Unhappy with the service"),  # 对服务不满
    "hardship": N_("Financial hardship"),  # 经济困难
    "vacant": N_("Room empty"),  # 房屋空置
    "unreachable": N_("Cannot be reached"),  # 联系不上
    "quality": N_("Building quality dispute"),  # 房屋质量纠纷
    "other": N_("Other reason"),  # 其他
}
#: The Chinese words the CLI also takes.
REASON_WORDS = {"对服务不满": "service", "经济困难": "hardship", "房屋空置": "vacant", "空置": "vacant",
                "联系不上": "unreachable", "房屋质量纠纷": "quality", "质量纠纷": "quality", "其他": "other"}

_DUE = Bill.amount_fen - Bill.paid_fen - Bill.waived_fen


@dataclass(frozen=True)
class ComplaintRef:
    number: str
    title: str


@dataclass(frozen=True)
class ReasonView:
    """A room's current arrears reason; `complaints` are the owner's open complaints
    (listed for "service" only)."""

    room_id: int
    reason: str
    note: str
    at: dt.datetime
    staff: str
    complaints: tuple[ComplaintRef, ...] = ()

    @property
    def label(self) -> str:
        return _(REASONS.get(self.reason, self.reason))

    @property
    def short(self) -> str:
        """"对服务不满 · 2 件投诉未结" — the reason and, for "service", the open complaints."""
        if self.reason == "service" and self.complaints:
            return _("{reason} · {n} open complaints").format(reason=self.label, n=len(self.complaints))
        return self.label

    def as_json(self) -> dict:
        return {"reason": self.reason, "label": self.label, "note": self.note, "at": self.at.isoformat(),
                "staff": self.staff, "open_complaints": [{"number": c.number, "title": c.title}
                                                         for c in self.complaints]}


def set_reason(room_id: int, reason: str, note: str, staff_id: int) -> ReasonView:
    """Record why a room's arrears are unpaid (dated, by `staff_id`); it becomes the room's
    current reason. "other" needs a note."""
    access.require("fees.view", staff_id)
    if not (reason or "").strip():
        raise ValidationError("reason", _("Choose why the room does not pay."))
    if reason not in REASONS:
        raise ValidationError("reason", _("Unknown reason “{value}”: use one of {choices}.").format(
            value=str(reason)[:12], choices="、".join(REASON_WORDS)))
    note = clean_text(note, "note", multiline=True, max_length=500)
    if reason == "other" and not note:
        raise ValidationError("note", _("Say what the other reason is in the note."))
    if not Room.select().where(Room.id == room_id).exists():
        raise NotFoundError(_("No room with id {id}.").format(id=room_id))
    with transaction():
        ArrearsReason.create(room=room_id, reason=reason, note=note, staff=staff_id, at=clock_now())
    return reasons_of([room_id], staff_id=staff_id)[room_id]


def open_complaints(room_ids: list[int]) -> dict[int, tuple[ComplaintRef, ...]]:
    """Open complaint work orders per room: about the room, or made by its current owners."""
    ids = list(dict.fromkeys(room_ids))
    if not ids:
        return {}
    owners: dict[int, set[int]] = {}
    for room_id, person_id in (Occupancy.select(Occupancy.room, Occupancy.person)
                               .where(Occupancy.room.in_(ids), Occupancy.role == "owner",
                                      Occupancy.end_date.is_null()).tuples()):
        owners.setdefault(person_id, set()).add(room_id)
    where = WorkOrder.room.in_(ids)
    if owners:
        where |= WorkOrder.person.in_(list(owners))
    out: dict[int, list[ComplaintRef]] = {}
    for number, title, room_id, person_id in (
            WorkOrder.select(WorkOrder.number, WorkOrder.title, WorkOrder.room, WorkOrder.person)
            .where(WorkOrder.kind == "complaint", WorkOrder.status.in_(OPEN_STATUSES), where)
            .order_by(WorkOrder.id).limit(500).tuples()):
        rooms = set(owners.get(person_id, set()))
        if room_id in ids:
            rooms.add(room_id)
        for r in rooms:
            out.setdefault(r, []).append(ComplaintRef(number, title))
    return {r: tuple(v) for r, v in out.items()}


def reasons_of(room_ids: list[int], *, staff_id: int | None = None) -> dict[int, ReasonView]:
    """The current reason of each room that has one (the latest record), with the open
    complaints of a "对服务不满" room — for a page of the arrears list."""
    access.require("fees.view", staff_id)
    ids = list(dict.fromkeys(room_ids))
    if not ids:
        return {}
    latest = (ArrearsReason.select(fn.MAX(ArrearsReason.id)).where(ArrearsReason.room.in_(ids))
              .group_by(ArrearsReason.room))
    rows = list(ArrearsReason.select(ArrearsReason, Staff.name.alias("staff_name"))
                .join(Staff, on=(ArrearsReason.staff == Staff.id), join_type=JOIN.LEFT_OUTER)
                .where(ArrearsReason.id.in_(latest)).objects())
    complaints = open_complaints([r.room_id for r in rows if r.reason == "service"])
    return {r.room_id: ReasonView(r.room_id, r.reason, r.note, r.at, r.staff_name or "",
                                  complaints.get(r.room_id, ()) if r.reason == "service" else ())
            for r in rows}


@dataclass(frozen=True)
class OwnerRoomLine:
    room_id: int
    community: str
    room: str
    due_fen: int
    oldest_period: str
    by_bucket: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class OwnerArrears:
    """What a person owes over their current rooms: total, oldest month, ageing, per room."""

    person_id: int
    name: str
    due_fen: int
    oldest_period: str  # "" when nothing is owed
    by_bucket: dict[str, int]
    rooms: tuple[OwnerRoomLine, ...]

    def as_json(self) -> dict:
        return {"person_id": self.person_id, "name": self.name, "due": money_text(self.due_fen),
                "due_fen": self.due_fen, "oldest_period": self.oldest_period,
                "by_bucket": {k: money_text(v) for k, v in self.by_bucket.items()},
                "rooms": [{"room_id": r.room_id, "community": r.community, "room": r.room,
                           "due": money_text(r.due_fen), "due_fen": r.due_fen, "oldest_period": r.oldest_period,
                           "by_bucket": {k: money_text(v) for k, v in r.by_bucket.items()}} for r in self.rooms]}


def owner_arrears(person_id: int, *, as_of: dt.date | None = None, staff_id: int | None = None) -> OwnerArrears:
    """What a person owes over the rooms they own now (every room they own, owing or not,
    is a line), the largest first: the total, the oldest unpaid month and the ageing."""
    access.require("fees.view", staff_id)
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFoundError(_("There is no person #{id}.").format(id=person_id))
    as_of = as_of or today()
    rooms = {r.id: r for r in (Room.select(Room.id, Room.code, Community.name.alias("cname"))
                               .join(Community).switch(Room)
                               .join(Occupancy, on=(Occupancy.room == Room.id))
                               .where(Occupancy.person == person_id, Occupancy.role == "owner",
                                      Occupancy.end_date.is_null()).objects())}
    now_index = month_index(as_of)
    per: dict[int, dict[str, int]] = {r: {} for r in rooms}
    oldest: dict[int, str] = {}
    if rooms:
        for room_id, period, fen in (Bill.select(Bill.room, Bill.period, fn.SUM(_DUE))
                                     .where(Bill.room.in_(list(rooms)), _DUE > 0)
                                     .group_by(Bill.room, Bill.period).tuples()):
            b = bucket_of(now_index - month_index(period_start(period)))
            per[room_id][b] = per[room_id].get(b, 0) + int(fen)
            oldest[room_id] = min(oldest.get(room_id, period), period)
    lines = [OwnerRoomLine(r, rooms[r].cname, rooms[r].code, sum(per[r].values()), oldest.get(r, ""),
                           {b: per[r][b] for b in BUCKETS if b in per[r]}) for r in rooms]
    lines.sort(key=lambda x: (-x.due_fen, x.community, x.room))
    totals = {b: sum(x.by_bucket.get(b, 0) for x in lines) for b in BUCKETS}
    return OwnerArrears(person.id, person.name, sum(x.due_fen for x in lines),
                        min((x.oldest_period for x in lines if x.oldest_period), default=""),
                        {b: v for b, v in totals.items() if v}, tuple(lines))


__all__ = ["REASONS", "REASON_WORDS", "ComplaintRef", "OwnerArrears", "OwnerRoomLine", "ReasonView",
           "open_complaints", "owner_arrears", "reasons_of", "set_reason"]

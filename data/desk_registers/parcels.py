"""Parcels and items held at the desk (代收, issue 16 item 4): received for a room (carrier,
tracking number, what, size, shelf), the occupant told through the message command
(data.messaging: whether it was sent, and if not why, is kept on the parcel), collected by
whom and when — a resident of the room by name, anyone else with the pickup code the
message gave or a note saying who allowed it. Parcels waiting longer than 7 days are
flagged.

Every function asks `parcels.manage` (desk staff and leads)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from peewee import Case, fn

from data import access
from data.db import transaction
from data.desk_registers.common import (
    PAGE,
    Page,
    RoomRef,
    acting_id,
    choice,
    clean_name,
    community_filter,
    line,
    mobile_of,
    moment,
    moved,
    name_key,
    occupants,
    one,
    page_bounds,
    person_names,
    resolve_room_ref,
    room_refs,
    staff_names,
)
from data.desk_registers.common import note as clean_note
from data.errors import NotFoundError, ValidationError
from data.i18n import N_, _, in_language
from data.messaging import (
    MessageResult,
    MessageToSend,
    begin_message,
    being_sent,
    finish_message,
    messages_about,
    outcome_lost,
)
from data.models import Parcel, Room
from data.validators import fold_code, fold_width

if TYPE_CHECKING:
    from data.handover import HandoverItem

ACTION = "parcels.manage"
#: A parcel waiting longer than this many days is flagged.
PARCEL_OVERDUE_DAYS = 7
#: What `OutboundMessage.about` says for a parcel's message.
ABOUT = "parcel"

PARCEL_STATES = {"waiting": N_("Waiting"), "collected": N_("Collected")}
PARCEL_STATE_WORDS = {"待取": "waiting", "待领取": "waiting", "未取": "waiting", "已取": "collected",
                      "已领取": "collected"}
PARCEL_SIZES = {"small": N_("Small"), "medium": N_("Medium"), "large": N_("Large")}
PARCEL_SIZE_WORDS = {"小": "small", "小件": "small", "中": "medium", "中件": "medium", "大": "large",
                     "大件": "large"}
#: How a collection was allowed: a resident by name, the pickup code, a note.
COLLECTED_HOW = {"resident": N_("resident of the room"), "code": N_("pickup code"),
                 "note": N_("with a note")}
#: Carriers a form offers (any other name may be typed).
CARRIERS = ("顺丰", "京东", "中通", "圆通", "韵达", "申通", "极兔", "邮政EMS", "德邦", "外卖", "其他")

_TRACKING_RE = re.compile(r"[0-9A-Z][0-9A-Z-]{3,39}")


@dataclass
class ParcelInput:
    """A parcel received, as typed."""

    carrier: str
    room: str = ""  # the room code as typed; or room_id
    community: int | str | None = None
    room_id: int | None = None
    tracking: str = ""
    description: str = ""
    size: str = "small"
    shelf: str = ""  # 货架 / 位置
    note: str = ""


@dataclass(frozen=True)
class ParcelRow:
    """A parcel as a list shows it; `overdue` when waiting longer than 7 days. `notice` is
    what sending the message said (why nothing was sent, when it was not)."""

    id: int
    room: RoomRef
    carrier: str
    tracking: str
    description: str
    size: str
    shelf: str
    received_at: dt.datetime
    state: str
    notified: bool
    notice: str
    collected_by: str
    collected_at: dt.datetime | None
    overdue: bool
    days_waiting: int

    def as_json(self) -> dict:
        return {"id": self.id, "community": self.room.community, "room": self.room.code,
                "room_id": self.room.id, "carrier": self.carrier, "tracking": self.tracking,
                "description": self.description, "size": self.size, "shelf": self.shelf,
                "received_at": _t(self.received_at), "state": self.state, "notified": self.notified,
                "notice": self.notice, "collected_by": self.collected_by,
                "collected_at": _t(self.collected_at), "overdue": self.overdue,
                "days_waiting": self.days_waiting}


@dataclass(frozen=True)
class ParcelView:
    """One parcel with who received it, whom the message went to and how it was collected.
    The pickup code itself is never shown: the desk checks it (`has_pickup_code`)."""

    row: ParcelRow
    received_by: str
    notified_person: str
    messages: tuple[str, ...]  # each message sent about it: "sent 138****8000 06-18 09:30"
    has_pickup_code: bool
    collected_how: str
    collected_note: str
    collected_staff: str
    note: str
    #: The pickup code to read to the occupant by phone: only while the parcel waits and no
    #: message told them (else "": the desk checks the code, it does not show it).
    code_to_tell: str = ""

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def state(self) -> str:
        return self.row.state

    @property
    def notified(self) -> bool:
        return self.row.notified

    @property
    def notice(self) -> str:
        return self.row.notice

    def as_json(self) -> dict:
        return {**self.row.as_json(), "received_by": self.received_by,
                "notified_person": self.notified_person, "messages": list(self.messages),
                "collected_how": self.collected_how, "collected_note": self.collected_note,
                "collected_staff": self.collected_staff, "note": self.note}


def _t(value: dt.datetime | None) -> str | None:
    return f"{value:%Y-%m-%d %H:%M}" if value else None


# --- reading ------------------------------------------------------------------------------


def _overdue_before(at: dt.datetime) -> dt.datetime:
    return at - dt.timedelta(days=PARCEL_OVERDUE_DAYS)


def _rows(parcels: list[Parcel], at: dt.datetime) -> list[ParcelRow]:
    rooms = room_refs(p.room_id for p in parcels)
    out = []
    for p in parcels:
        waiting = p.state == "waiting"
        out.append(ParcelRow(
            p.id, rooms[p.room_id], p.carrier, p.tracking, p.description, p.size, p.shelf,
            p.received_at, p.state, p.notified, p.notice, p.collected_by, p.collected_at,
            waiting and p.received_at < _overdue_before(at),
            ((at if waiting else p.collected_at or at) - p.received_at).days))
    return out


def _parcel(parcel_id: int) -> Parcel:
    return one(Parcel, parcel_id, _("There is no parcel #{id}."))


def _view(parcel_id: int, at: dt.datetime | None = None) -> ParcelView:
    p = _parcel(parcel_id)
    [row] = _rows([p], moment(at))
    staff = staff_names([p.received_staff_id, p.collected_staff_id])
    people = person_names([p.notified_person_id])
    states = {"sending": _("sending"), "sent": _("sent"), "failed": _("Sending failed")}
    sent = tuple(f"{_('outcome unknown') if outcome_lost(m) else states.get(m.state, m.state)} {m.number} "
                 f"{m.created_at:%m-%d %H:%M}"
                 + (f" {m.error}" if m.error else "") for m in messages_about(ABOUT, p.id))
    return ParcelView(row, staff.get(p.received_staff_id, ""), people.get(p.notified_person_id, ""),
                      sent, bool(p.pickup_code), p.collected_how, p.collected_note,
                      staff.get(p.collected_staff_id, ""), p.note,
                      p.pickup_code if p.state == "waiting" and not p.notified else "")


@dataclass(frozen=True)
class ParcelCall:
    """Whom to phone about a parcel no message told of: a person of the room and the
    number to dial (theirs or their chosen contact's), with the pickup code to read out."""

    person_id: int
    name: str
    role: str
    number: str = field(repr=False)  # (not in a worker's logged description)
    pickup_code: str = field(repr=False)


def parcel_call(parcel_id: int, *, staff_id: int | None = None) -> ParcelCall:
    """Whom to phone about a waiting parcel (the owner first, then a tenant, then family,
    who has a phone). The look-up of the number is recorded in the audit trail."""
    from data import audit
    from data.property.contacts import call_numbers
    from data.registers.common import room_people

    access.require(ACTION, staff_id)
    parcel = _parcel(parcel_id)
    if parcel.state != "waiting":
        raise ValidationError("state", _("This parcel was collected already: there is nobody to tell."))
    people = room_people(parcel.room_id)
    numbers = call_numbers(p.person_id for p in people)
    for person in people:
        number = numbers.get(person.person_id, "")
        if number:
            with transaction():
                audit.record("reveal", "person", person.person_id, "phones", staff_id=acting_id(staff_id),
                             new=_("to tell of parcel #{id}").format(id=parcel.id))
            return ParcelCall(person.person_id, person.name, person.role, number, parcel.pickup_code)
    room = room_refs([parcel.room_id])[parcel.room_id].label
    raise NotFoundError(_("Nobody of {room} has a phone on record: leave a note at the door.").format(room=room))


def get_parcel(parcel_id: int, *, at: dt.datetime | None = None,
               staff_id: int | None = None) -> ParcelView:
    """One parcel: who received it, whom the message went to, how it was collected."""
    access.require(ACTION, staff_id)
    return _view(parcel_id, at)


def parse_parcel_state(value: str, field_name: str = "state") -> str:
    """A parcel state from a code or a word (待取, 已取)."""
    return choice(value, PARCEL_STATES, PARCEL_STATE_WORDS, field_name)


def list_parcels(*, text: str = "", state: str | None = None, community: int | str | None = None,
                 room_id: int | None = None, waiting_only: bool = False, overdue_only: bool = False,
                 waiting_first: bool = False, limit: int = PAGE, offset: int = 0,
                 at: dt.datetime | None = None, staff_id: int | None = None) -> Page[ParcelRow]:
    """A page of parcels, newest first: those whose carrier, tracking number, description,
    shelf, room or collector contains `text`; in a state (`waiting`, `collected`); of a
    community or a room; only waiting, or only waiting longer than 7 days. `waiting_first`
    puts those waiting longer than 7 days first, then the others waiting (the screen's
    order)."""
    access.require(ACTION, staff_id)
    limit, offset = page_bounds(limit, offset)
    at = moment(at)
    where = Parcel.id.is_null(False)
    if state:
        where &= Parcel.state == parse_parcel_state(state)
    if waiting_only or overdue_only:
        where &= Parcel.state == "waiting"
    if overdue_only:
        where &= Parcel.received_at < _overdue_before(at)
    community_id = community_filter(community)
    if community_id is not None:
        where &= Parcel.community == community_id
    if room_id is not None:
        where &= Parcel.room == room_id
    words = " ".join((text or "").split())
    if words:
        where &= (Parcel.carrier.contains(words) | Parcel.tracking.contains(fold_code(words))
                  | Parcel.description.contains(words) | Parcel.shelf.contains(words)
                  | Parcel.collected_by.contains(words) | Room.code.contains(words))
    query = Parcel.select().join(Room, on=(Parcel.room == Room.id)).where(where)
    total = query.count()
    order = [Parcel.received_at.desc(), Parcel.id.desc()]
    if waiting_first:
        order.insert(0, Case(None, [((Parcel.state == "waiting") & (Parcel.received_at < _overdue_before(at)), 0),
                                    (Parcel.state == "waiting", 1)], 2))
    rows = list(query.order_by(*order).limit(limit).offset(offset))
    return Page(tuple(_rows(rows, at)), total, offset, limit)


def parcels_waiting(room_id: int, *, at: dt.datetime | None = None,
                    staff_id: int | None = None) -> tuple[ParcelRow, ...]:
    """The parcels waiting at the desk for a room, oldest first (the room card, the call
    screen when the owner rings)."""
    access.require(ACTION, staff_id)
    rows = list(Parcel.select().where(Parcel.room == room_id, Parcel.state == "waiting")
                .order_by(Parcel.received_at, Parcel.id).limit(100))
    return tuple(_rows(rows, moment(at)))


#: The name the handover and the room card use.
parcels_waiting_for_room = parcels_waiting


def handover_items(now: dt.datetime, community_ids: list[int] | None) -> list[HandoverItem]:
    """The shift handover's section (data.handover registers it): parcels waiting longer
    than PARCEL_OVERDUE_DAYS in the communities, the oldest first; nothing for a role that
    may not read the register."""
    if not access.can(ACTION):
        return []
    from data.handover import MAX_ITEMS, MORE, HandoverItem, place

    where = [Parcel.state == "waiting", Parcel.received_at < _overdue_before(now)]
    if community_ids is not None:
        where.append(Parcel.community.in_(community_ids))
    total = Parcel.select().where(*where).count()
    rows = _rows(list(Parcel.select().where(*where).order_by(Parcel.received_at, Parcel.id)
                      .limit(MAX_ITEMS)), now)
    items = []
    for row in rows:
        parts = [place(row.room.community, row.room.code, community_ids),
                 " ".join(p for p in (row.carrier, row.description) if p),
                 _("waiting {days} days, since {at}").format(days=row.days_waiting,
                                                           at=f"{row.received_at:%m-%d}"),
                 _("shelf {shelf}").format(shelf=row.shelf) if row.shelf else "",
                 "" if row.notified else _("owner not told")]
        items.append(HandoverItem(" · ".join(p for p in parts if p),
                                  _("parcel #{id}").format(id=row.id), "parcel", row.id))
    if total > len(items):
        items.append(HandoverItem(_("… and {count} more").format(count=total - len(items)), entity=MORE))
    return items


def parcel_counts(*, at: dt.datetime | None = None, staff_id: int | None = None) -> dict[str, int]:
    """How many parcels wait, and how many longer than 7 days (a tab's title)."""
    access.require(ACTION, staff_id)
    at = moment(at)
    waiting = Parcel.select(fn.COUNT(Parcel.id)).where(Parcel.state == "waiting").scalar() or 0
    overdue = (Parcel.select(fn.COUNT(Parcel.id))
               .where(Parcel.state == "waiting", Parcel.received_at < _overdue_before(at)).scalar() or 0)
    return {"waiting": waiting, "overdue": overdue}


# --- writing ------------------------------------------------------------------------------


def _tracking(value: str) -> str:
    text = re.sub(r"\s+", "", fold_code(value or ""))
    if text and not _TRACKING_RE.fullmatch(text):
        raise ValidationError("tracking", _(
            "A tracking number is 4 to 40 letters and digits, such as SF1234567890123."))
    return text


def _message_text(parcel: Parcel, room: RoomRef) -> str:
    """What the occupant is told, in Chinese whatever the clerk's language."""
    what = f"（{parcel.description}）" if parcel.description else ""
    shelf = in_language(N_(", shelf {shelf}"), "zh").format(shelf=parcel.shelf) if parcel.shelf else ""
    return in_language(N_(
        "Property front desk: a {carrier} parcel{what} for {room} is waiting at the desk{shelf}. "
        "Pickup code {code}."), "zh").format(
            carrier=parcel.carrier, what=what, room=room.label, shelf=shelf, code=parcel.pickup_code)


@dataclass(frozen=True)
class ParcelMessage:
    """A parcel's message begun (`begin_parcel_message`): recorded as being sent, for
    `send_parcel_message` to send (`to_send`), or nothing to send — why is on the parcel."""

    parcel_id: int
    person_id: int | None
    to_send: MessageToSend | None


def _begin_notify(parcel_id: int, staff_id: int | None) -> ParcelMessage:
    """Whom to tell (the room's first occupant with a mobile) and the message recorded as
    being sent (data.messaging.begin_message) — a write. With nothing to send (no mobile,
    no command, …) why is kept on the parcel now, and nothing is left to do."""
    parcel = _parcel(parcel_id)
    room = room_refs([parcel.room_id])[parcel.room_id]
    people = occupants(parcel.room_id)
    target = mobile_of([pid for pid, _name in people])
    if target is None:
        _told(parcel_id, None, MessageResult(False, _(
            "Nobody living in {room} has a mobile number: nothing was sent. Tell them by phone "
            "or a note.").format(room=room.code)))
        return ParcelMessage(parcel_id, None, None)
    person_id, number = target
    begun = begin_message(number, _message_text(parcel, room), about=ABOUT, about_id=parcel.id,
                          person_id=person_id, staff_id=staff_id)
    if isinstance(begun, MessageResult):
        _told(parcel_id, person_id, begun)
        return ParcelMessage(parcel_id, person_id, None)
    return ParcelMessage(parcel_id, person_id, begun)


def _finish_notify(message: ParcelMessage) -> None:
    """Run the message command (outside any transaction: it may take seconds and no write
    waits for it), then keep on the parcel whether it was sent, and if not why."""
    if message.to_send is not None:
        _told(message.parcel_id, message.person_id, finish_message(message.to_send))


def _told(parcel_id: int, person_id: int | None, result: MessageResult) -> None:
    with transaction():
        Parcel.update(notified=result.sent, notice=result.message[:300], notified_person=person_id,
                      message_id=result.message_id).where(Parcel.id == parcel_id).execute()


def _notify(parcel_id: int, staff_id: int | None) -> None:
    """Tell the room's occupant (the first with a mobile) through the message command and
    keep on the parcel whether it was sent, and if not why."""
    _finish_notify(_begin_notify(parcel_id, staff_id))


def receive_parcel(data: ParcelInput, *, notify: bool = True, staff_id: int | None = None,
                   at: dt.datetime | None = None) -> ParcelView:
    """Register a parcel received for a room and (unless `notify` is False) tell the
    occupant with the pickup code. The parcel is saved first; the message's outcome —
    sent, or why not (no command configured, no mobile, the command failed) — is then kept
    on it (`notified`, `notice`)."""
    access.require(ACTION, staff_id)
    at = moment(at)
    staff = acting_id(staff_id)
    carrier = line(fold_width(data.carrier or ""), "carrier", 30,
                   required=_("Say which carrier brought it, such as 顺丰 or 京东."))
    tracking = _tracking(data.tracking)
    description = line(data.description, "description", 100)
    size = choice(data.size or "small", PARCEL_SIZES, PARCEL_SIZE_WORDS, "size")
    shelf = line(fold_width(data.shelf or ""), "shelf", 20)
    remark = clean_note(data.note)
    with transaction():
        room = resolve_room_ref(data.room_id, data.room, data.community)
        if tracking:
            twin = Parcel.get_or_none(Parcel.tracking == tracking, Parcel.state == "waiting")
            if twin is not None:
                raise ValidationError("tracking", _(
                    "Parcel {tracking} is already waiting at the desk (#{id}, {room}).").format(
                        tracking=tracking, id=twin.id, room=room_refs([twin.room_id])[twin.room_id].label))
        parcel = Parcel.create(
            community=room.community_id, room=room.id, carrier=carrier, tracking=tracking,
            description=description, size=size, shelf=shelf, received_at=at, received_staff=staff,
            pickup_code=f"{secrets.randbelow(1_000_000):06d}", note=remark)
    if notify:
        _notify(parcel.id, staff)
    return _view(parcel.id, at)


def notify_parcel(parcel_id: int, *, staff_id: int | None = None,
                  at: dt.datetime | None = None) -> ParcelView:
    """Tell the occupant again (after a message command was configured, or a mobile added)."""
    return send_parcel_message(begin_parcel_message(parcel_id, staff_id=staff_id), at=at)


def begin_parcel_message(parcel_id: int, *, staff_id: int | None = None) -> ParcelMessage:
    """The first half of `notify_parcel`, a write (it may wait for another desk): whom to
    tell, and the message recorded as being sent — or, with nothing to send, why, kept on
    the parcel. Nothing is sent yet: `send_parcel_message` does, once this is committed."""
    access.require(ACTION, staff_id)
    parcel = _parcel(parcel_id)
    if parcel.state != "waiting":
        raise ValidationError("state", _("This parcel was collected already: there is nobody to tell."))
    if being_sent(ABOUT, parcel.id):  # m again while the first is on its way: the owner would get two
        raise ValidationError("state", _("A message about this parcel is being sent now: wait for how it went."))
    return _begin_notify(parcel.id, acting_id(staff_id))


def send_parcel_message(message: ParcelMessage, *, at: dt.datetime | None = None) -> ParcelView:
    """The second half of `notify_parcel`: run the message command (it may take seconds)
    and keep how it went on the parcel; the parcel as it is then."""
    _finish_notify(message)
    return _view(message.parcel_id, at)


def collect_parcel(parcel_id: int, by: str, *, pickup_code: str = "", note: str = "",
                   staff_id: int | None = None, at: dt.datetime | None = None) -> ParcelView:
    """Hand a parcel over to `by`: a person living in the room by name; anyone else with the
    pickup code from the occupant's message, or a note saying who allowed it (the owner on
    the phone, say). A wrong code is refused even with a note."""
    access.require(ACTION, staff_id)
    at = moment(at)
    name = clean_name(by, "by")
    code = re.sub(r"\s+", "", fold_width(pickup_code or ""))
    remark = line(note, "note", 200)
    with transaction():
        parcel = _parcel(parcel_id)
        if parcel.state != "waiting":
            raise ValidationError("state", _(
                "This parcel was collected by {name} on {when:%Y-%m-%d %H:%M}.").format(
                    name=parcel.collected_by, when=parcel.collected_at))
        residents = {name_key(n) for _pid, n in occupants(parcel.room_id)}
        if code and code != parcel.pickup_code:
            raise ValidationError("pickup_code", _(
                "{code} is not this parcel's pickup code: ask for the code in the owner's message, "
                "or hand it over with a note saying who allowed it.").format(code=code[:10]))
        if name_key(name) in residents:
            how = "resident"
        elif code:
            how = "code"
        elif remark:
            how = "note"
        else:
            room = room_refs([parcel.room_id])[parcel.room_id]
            raise ValidationError("by", _(
                "{name} does not live in {room}: someone else collects with the pickup code from "
                "the owner's message, or with a note saying who allowed it.").format(
                    name=name, room=room.code))
        moved(Parcel, parcel.id, "waiting", {
            "state": "collected", "collected_at": at, "collected_by": name, "collected_how": how,
            "collected_note": remark, "collected_staff": acting_id(staff_id)})
    return _view(parcel_id, at)


__all__ = [
    "ACTION", "CARRIERS", "COLLECTED_HOW", "PARCEL_OVERDUE_DAYS", "PARCEL_SIZES", "PARCEL_STATES",
    "ParcelCall", "ParcelInput", "ParcelRow", "ParcelView", "collect_parcel", "get_parcel", "list_parcels",
    "ParcelMessage", "begin_parcel_message", "notify_parcel", "parcel_counts", "parcels_waiting", "parcels_waiting_for_room",
    "parse_parcel_state", "receive_parcel", "send_parcel_message",
]

"""The owner card and the room card: one person or one room with everything around them,
and what the front desk's registers hold for them (keys, a renovation, parcels: `concerns`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from data import access
from data import desk_registers as desk
from data import renovations as rn
from data.clock import now as clock_now
from data.errors import NotFoundError
from data.i18n import _
from data.models import (
    Call,
    Community,
    Event,
    Occupancy,
    Person,
    PersonNote,
    PersonTag,
    Phone,
    Room,
    Staff,
    Tag,
    Vehicle,
    WorkOrder,
)
from data.privacy import shown_id_number
from data.property import person_contacts, room_view
from data.territory import visible_only
from data.vocab import OPEN_STATUSES

#: Timeline entries per page.
TIMELINE_PAGE = 20
#: People and work orders a room card lists at most.
ROOM_CARD_LIMIT = 100


@dataclass(frozen=True)
class Occupant:
    occupancy_id: int
    person_id: int
    name: str
    role: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class RoomLine:
    """A room on an owner card: the person's tie to it and who else lives there now."""

    occupancy_id: int
    room_id: int
    code: str
    community: str
    role: str
    start: dt.date | None
    end: dt.date | None
    others: tuple[Occupant, ...]


@dataclass(frozen=True)
class PhoneLine:
    id: int
    number: str
    kind: str
    label: str
    is_primary: bool


@dataclass(frozen=True)
class VehicleLine:
    id: int
    plate: str
    description: str
    parking_space: str


@dataclass(frozen=True)
class KeyConcern:
    """Keys the desk holds for a room: at the desk, or out with someone (since when)."""

    room: str
    description: str
    quantity: int
    out_to: str  # "" at the desk
    out_since: dt.datetime | None
    overdue: bool


@dataclass(frozen=True)
class RenovationConcern:
    """A room's open renovation permit: its status, period and today's hours."""

    room: str
    number: str
    status: str
    start: dt.date
    end: dt.date
    hours_today: str  # "08:00-12:00,14:00-18:00", "" none today
    windows: tuple[tuple[dt.time, dt.time], ...]  # the same, parsed
    day_kind: str  # data.renovations.day_kind of today
    active: bool  # works may go on today (approved or in progress, within the period)
    permitted_now: bool


@dataclass(frozen=True)
class ParcelConcern:
    """Parcels waiting at the desk for a room: how many, since when."""

    room: str
    count: int
    oldest: dt.datetime
    days_waiting: int
    overdue: int  # how many wait longer than data.desk_registers.PARCEL_OVERDUE_DAYS


@dataclass(frozen=True)
class Concerns:
    """What the registers hold for a room or a person's rooms, only what the acting role
    may read (the key and parcel registers are the desk's and leads')."""

    keys: tuple[KeyConcern, ...] = ()
    renovations: tuple[RenovationConcern, ...] = ()
    parcels: tuple[ParcelConcern, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.keys or self.renovations or self.parcels)


@dataclass(frozen=True)
class OwnerCard:
    """One person. `id_number` is as the acting role may see it (masked, or None for
    technicians: `data.privacy.shown_id_number`); phones are full here, and every screen
    shows them masked unless revealed (`data.privacy.reveal_person`, audited)."""

    id: int
    name: str
    gender: str
    id_number: str | None
    birth_date: dt.date | None
    note: str
    version: int
    tags: tuple[str, ...]
    rooms: tuple[RoomLine, ...]
    phones: tuple[PhoneLine, ...]
    vehicles: tuple[VehicleLine, ...]
    contact: str = ""  # the chosen contact person's name (联系人), "" none
    emergency: str = ""  # the emergency contact's name
    concerns: Concerns = Concerns()  # of the rooms the person has now
    # What the person's rooms owe, one line ("" when nothing, or for a role without
    # fees.view): data.fees.collection.balance_line.
    balance: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    """Something that happened to a person: a work order, call, appointment or note."""

    at: dt.datetime
    kind: str  # work_order | call | event | note
    id: int
    title: str
    detail: str

    @property
    def cursor(self) -> tuple[dt.datetime, str, int]:
        return (self.at, self.kind, self.id)


@dataclass(frozen=True)
class OrderLine:
    id: int
    number: str
    title: str
    status: str
    created_at: dt.datetime
    resolution_due: dt.datetime | None


@dataclass(frozen=True)
class RoomCard:
    id: int
    code: str
    community_id: int
    community: str
    current: tuple[Occupant, ...]
    past: tuple[Occupant, ...]
    open_orders: tuple[OrderLine, ...]
    # The room's facts (issue 14, data.property): areas in m², type, state, delivery.
    area_m2: Decimal | None = None
    inner_area_m2: Decimal | None = None
    room_type: str = "residential"
    state: str = "vacant"
    delivery_date: dt.date | None = None
    developer_held: bool = False
    contact: str = ""  # the chosen contact person's name, "" none
    emergency: str = ""
    concerns: Concerns = Concerns()


def _occupant(occ: Occupancy, name: str) -> Occupant:
    return Occupant(occ.id, occ.person_id, name, occ.role, occ.start_date, occ.end_date)


def owner_card(person_id: int) -> OwnerCard:
    """A person with their rooms (and co-occupants), phones, vehicles and tags."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFoundError(_("This person no longer exists."))
    occupancies = list(
        Occupancy.select(Occupancy, Room.code, Community.name.alias("community_name"))
        .join(Room)
        .join(Community)
        .where(Occupancy.person == person_id)
        .order_by(Occupancy.end_date.is_null().desc(), Occupancy.start_date.desc(), Occupancy.id)
        .objects()
    )
    room_ids = [o.room_id for o in occupancies]
    others: dict[int, list[Occupant]] = {}
    if room_ids:
        query = (
            Occupancy.select(Occupancy, Person.name)
            .join(Person)
            .where(
                Occupancy.room.in_(room_ids),
                Occupancy.end_date.is_null(),
                Occupancy.person != person_id,
            )
            .order_by(Occupancy.id)
            .limit(ROOM_CARD_LIMIT)
            .objects()
        )
        for occ in query:
            others.setdefault(occ.room_id, []).append(_occupant(occ, occ.name))
    rooms = tuple(
        RoomLine(
            o.id, o.room_id, o.code, o.community_name, o.role, o.start_date, o.end_date,
            tuple(others.get(o.room_id, ())) if o.end_date is None else (),
        )
        for o in occupancies
    )
    phones = tuple(
        PhoneLine(p.id, p.number, p.kind, p.label, p.is_primary)
        for p in Phone.select().where(Phone.person == person_id).order_by(Phone.is_primary.desc(), Phone.id)
    )
    vehicles = tuple(
        VehicleLine(v.id, v.plate, v.description, v.parking_space)
        for v in Vehicle.select().where(Vehicle.person == person_id).order_by(Vehicle.id)
    )
    tags = tuple(
        t.name
        for t in Tag.select(Tag.name).join(PersonTag).where(PersonTag.person == person_id).order_by(Tag.name)
    )
    # The birth date is read from the ID number: a role that may not see the one does not
    # see the other either.
    birth_date = person.birth_date if access.can("reveal.id") else None
    contact, emergency = person_contacts(person.id)
    from data.fees.arrears import balance_line

    return OwnerCard(
        person.id, person.name, person.gender, shown_id_number(person.id_number), birth_date,
        person.note, person.version, tags, rooms, phones, vehicles,
        contact.name if contact else "", emergency.name if emergency else "",
        concerns([r.room_id for r in rooms if r.end is None]),
        balance_line(person.id),
    )


def timeline(
    person_id: int,
    before: tuple[dt.datetime, str, int] | None = None,
    limit: int = TIMELINE_PAGE,
) -> list[TimelineEntry]:
    """One page of a person's timeline, newest first; pass the last entry's `cursor` as
    `before` for the next page. Each source is read with its own bounded, indexed query."""
    at_limit = before[0] if before else dt.datetime.max
    entries: list[TimelineEntry] = []

    orders = visible_only(  # a technician: their own and their territory's
        WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.title, WorkOrder.status, WorkOrder.created_at)
        .where(WorkOrder.person == person_id, WorkOrder.created_at <= at_limit)
        .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
        .limit(limit + 1)
    )
    entries += [TimelineEntry(o.created_at, "work_order", o.id, f"{o.number} {o.title}", o.status) for o in orders]
    calls = (
        Call.select(Call.id, Call.started_at, Call.direction, Call.summary, Call.category)
        .where(Call.person == person_id, Call.started_at <= at_limit)
        .order_by(Call.started_at.desc(), Call.id.desc())
        .limit(limit + 1)
    )
    entries += [TimelineEntry(c.started_at, "call", c.id, c.summary, c.direction) for c in calls]
    events = (
        Event.select(Event.id, Event.start, Event.title, Event.kind)
        .where(Event.person == person_id, Event.start <= at_limit)
        .order_by(Event.start.desc(), Event.id.desc())
        .limit(limit + 1)
    )
    entries += [TimelineEntry(e.start, "event", e.id, e.title, e.kind) for e in events]
    notes = (
        PersonNote.select(PersonNote.id, PersonNote.created_at, PersonNote.text, Staff.name)
        .join(Staff)
        .where(PersonNote.person == person_id, PersonNote.created_at <= at_limit)
        .order_by(PersonNote.created_at.desc(), PersonNote.id.desc())
        .limit(limit + 1)
        .objects()
    )
    entries += [TimelineEntry(n.created_at, "note", n.id, n.text, n.name) for n in notes]

    entries.sort(key=lambda e: (e.at, e.kind, e.id), reverse=True)
    if before is not None:
        entries = [e for e in entries if e.cursor < before]
    return entries[:limit]


def room_card(room_id: int) -> RoomCard:
    """A room: who lives there now, who did before, and its open work orders."""
    room = (
        Room.select(Room, Community.name.alias("community_name"))
        .join(Community)
        .where(Room.id == room_id)
        .objects()
        .first()
    )
    if room is None:
        raise NotFoundError(_("This room no longer exists."))
    occupants = (
        Occupancy.select(Occupancy, Person.name)
        .join(Person)
        .where(Occupancy.room == room_id)
        .order_by(Occupancy.end_date.is_null().desc(), Occupancy.start_date.desc(), Occupancy.id)
        .limit(ROOM_CARD_LIMIT)
        .objects()
    )
    rank = {"owner": 0, "co_owner": 1, "tenant": 2, "family": 3}
    current, past = [], []
    for occ in occupants:
        (current if occ.end_date is None else past).append(_occupant(occ, occ.name))
    current.sort(key=lambda o: (rank.get(o.role, 9), o.occupancy_id))
    orders = visible_only(
        WorkOrder.select()
        .where(WorkOrder.room == room_id, WorkOrder.status.in_(OPEN_STATUSES))
        .order_by(WorkOrder.created_at.desc())
        .limit(ROOM_CARD_LIMIT)
    )
    facts = room_view(room_id)
    return RoomCard(
        room.id, room.code, room.community_id, room.community_name, tuple(current), tuple(past),
        tuple(OrderLine(o.id, o.number, o.title, o.status, o.created_at, o.resolution_due) for o in orders),
        facts.area_m2, facts.inner_area_m2, facts.room_type, facts.state, facts.delivery_date,
        facts.developer_held, facts.contact.name if facts.contact else "",
        facts.emergency.name if facts.emergency else "", concerns([room.id]),
    )


# --- what the registers hold for a room ------------------------------------------------------


def concerns(room_ids: list[int], at: dt.datetime | None = None) -> Concerns:
    """The keys held for the rooms (at the desk or out), their open renovation permits and
    the parcels waiting for them — each only when the acting role may read that register."""
    ids = list(dict.fromkeys(room_ids))
    if not ids:
        return Concerns()
    now = at or clock_now()
    keys: list[KeyConcern] = []
    parcels: list[ParcelConcern] = []
    permits: list[RenovationConcern] = []
    if access.can(desk.KEYS_ACTION):
        for room_id in ids:
            keys += [KeyConcern(k.room.code, k.description, k.quantity, k.out_to, k.out_since, k.overdue)
                     for k in desk.keys_held_for_room(room_id, at=now)]
    if access.can(desk.PARCELS_ACTION):
        for room_id in ids:
            waiting = desk.parcels_waiting_for_room(room_id, at=now)
            if waiting:
                first = waiting[0]
                parcels.append(ParcelConcern(first.room.code, len(waiting), first.received_at,
                                             first.days_waiting, sum(1 for p in waiting if p.overdue)))
    if access.can("renovation.inspect"):
        rows = []
        for room_id in ids:
            rows += [r for r in rn.room_permits(room_id, limit=5) if r.status in rn.OPEN_STATUSES][:1]
        if rows:
            for row, today in zip(rows, rn.hours_today(rows, now), strict=True):
                permits.append(RenovationConcern(
                    row.room, row.number, row.status, row.start_date, row.end_date,
                    rn.format_hours(today.windows), today.windows, today.kind, today.active,
                    today.permitted_now))
    return Concerns(tuple(keys), tuple(permits), tuple(parcels))

"""What `frontdesk bench` (tui/bench.py) reads of a benchmark database: search terms drawn
from real rows, the queue a benchmark pages through, and who a ring goes to. Reads only;
the bench times the data/ functions a screen calls (`data.search.search`,
`data.queue.queue_page`, `data.ring_watch.RingWatch`)."""

from __future__ import annotations

import random

from peewee import fn

from data.models import Person, Phone, Room, Staff, Vehicle, WorkOrder

#: The kinds of owner search the bench times, in the order it prints them.
QUERY_KINDS = ("name2", "initials", "pinyin", "phone_tail", "room", "plate")


def _top(model) -> int:
    return model.select(model.id).order_by(model.id.desc()).limit(1).scalar() or 1


def search_terms(count: int, seed: int = 11) -> dict[str, list[str]]:
    """`count` queries of each kind in QUERY_KINDS, drawn from random rows of the open
    database (the same ones for the same seed and database): two characters of a name, its
    initials, its pinyin (up to three letters short), a phone's last four digits, a room
    code, a plate typed with its "·"."""
    rng = random.Random(seed)
    names: list[str] = []
    initials: list[str] = []
    pinyins: list[str] = []
    tails: list[str] = []
    rooms: list[str] = []
    plates: list[str] = []
    top = _top(Person)
    while len(names) < count:
        person = Person.get_or_none(Person.id == rng.randint(1, top))
        if person is None or len(person.name) < 2:
            continue
        start = rng.randint(0, len(person.name) - 2)
        names.append(person.name[start:start + 2])
        initials.append(person.name_initials)
        pinyins.append(person.name_pinyin[: max(4, len(person.name_pinyin) - rng.randint(0, 3))])
    top_phone = _top(Phone)
    while len(tails) < count:
        phone = Phone.get_or_none(Phone.id == rng.randint(1, top_phone))
        if phone is not None:
            tails.append(phone.number[-4:])
    top_room = _top(Room)
    while len(rooms) < count:
        room = Room.get_or_none(Room.id == rng.randint(1, top_room))
        if room is not None:
            rooms.append(room.code)
    top_vehicle = _top(Vehicle)
    while len(plates) < count:
        vehicle = Vehicle.get_or_none(Vehicle.id == rng.randint(1, top_vehicle))
        if vehicle is not None:
            plates.append(vehicle.plate[:2] + "·" + vehicle.plate[2:])
    return dict(zip(QUERY_KINDS, (names, initials, pinyins, tails, rooms, plates), strict=True))


def queue_parameters() -> int | None:
    """The staff id whose "Mine" view the queue bench pages through: the technician with
    the most open work (the heaviest personal queue), else any staff member."""
    busiest = (
        WorkOrder.select(WorkOrder.assignee, fn.COUNT(WorkOrder.id).alias("n"))
        .where(WorkOrder.status.in_(("assigned", "in_progress", "on_hold")))
        .group_by(WorkOrder.assignee).order_by(fn.COUNT(WorkOrder.id).desc()).limit(1).scalar()
    )
    return busiest or Staff.select(Staff.id).limit(1).scalar()


def ring_parameters() -> tuple[int, str, str]:
    """(staff id, extension, caller's number) for the ring-delay bench: the first desk
    clerk with an extension (the demo gives them 801 …) and a phone number on file."""
    clerk = (Staff.select(Staff.id, Staff.extension)
             .where(Staff.extension.is_null(False), Staff.active == True)  # noqa: E712
             .order_by(Staff.extension).first())
    if clerk is None:
        raise RuntimeError("no staff member has an extension: the ring bench needs one")
    number = Phone.select(Phone.number).order_by(Phone.id).limit(1).scalar() or "13800138000"
    return clerk.id, clerk.extension, number

"""A small estate with fee items and standards for the fees tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from data import fees, people
from data.models import Room
from data.people import PersonInput
from tests import factories as f


def world() -> SimpleNamespace:
    """锦绣花园: building 3 with rooms 3-1-101 (100 m², owned by 张晓明 since 2020), 3-1-102
    (80 m², owned by 王芳, empty) and 3-1-103 (120 m², unsold: the developer's); building 5
    with 5-1-101 (90 m², 赵强). 物业服务费 1.85 元/m²/月 (住宅) monthly, 垃圾清运费 10 元/户/月
    monthly; desk, tech and a supervisor."""
    comm = f.community("锦绣花园", code="JX")
    rooms = {}
    for code, area in (("3-1-101", "100"), ("3-1-102", "80"), ("3-1-103", "120"), ("5-1-101", "90")):
        rid = people.ensure_room(comm.id, code)
        Room.update(area_m2=Decimal(area), state="occupied").where(Room.id == rid).execute()
        rooms[code] = rid
    Room.update(state="vacant").where(Room.id == rooms["3-1-102"]).execute()
    owners = {}
    for code, name in (("3-1-101", "张晓明"), ("3-1-102", "王芳"), ("5-1-101", "赵强")):
        pid = people.create_person(PersonInput(name=name, phones=[f"1380013{len(owners):04d}"]))
        people.move_in(pid, rooms[code], "owner", dt.date(2020, 1, 1))
        owners[code] = pid
    service = fees.create_item(comm.id, "物业服务费", "area", "monthly")
    fees.add_standard(service.id, "1.85", dt.date(2020, 1, 1), "residential")
    garbage = fees.create_item(comm.id, "垃圾清运费", "room", "monthly")
    fees.add_standard(garbage.id, "10", dt.date(2020, 1, 1))
    return SimpleNamespace(
        comm=comm, rooms=rooms, owners=owners, service=service, garbage=garbage,
        desk=f.staff("desk1", "李娜", "desk"), tech=f.staff("tech1", "王建国", "tech"),
        lead=f.staff("super1", "陈静", "supervisor"), guard=f.staff("guard1", "孙保安", "guard"))

"""A small community for survey tests: 锦绣花园, buildings 1 and 2, six households with phones."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from data import people
from data.people import PersonInput
from tests import factories as f

ROOMS = ("1-1-101", "1-1-102", "1-1-201", "2-1-101", "2-1-102", "2-1-201")
NAMES = ("张晓明", "王芳", "李强", "赵敏", "孙丽", "周杰")


def world() -> SimpleNamespace:
    comm = f.community("锦绣花园", code="JX")
    rooms, owners = {}, {}
    for i, (code, name) in enumerate(zip(ROOMS, NAMES, strict=True)):
        rooms[code] = people.ensure_room(comm.id, code)
        owners[code] = people.create_person(PersonInput(name=name, phones=[f"1390000{i:04d}"]))
        people.move_in(owners[code], rooms[code], "owner", dt.date(2020, 1, 1))
    people.ensure_room(comm.id, "2-1-301")  # empty: never in a sample
    return SimpleNamespace(comm=comm, rooms=rooms, owners=owners, desk=f.staff("desk1", "李娜", "desk"),
                           tech=f.staff("tech1", "王建国", "tech"))


async def open_survey_call(app, pilot, name: str = "一号楼电话调查"):
    """From home: the calls screen (F5), its call lists (o), the survey list `name` opened
    (enter) at its first household; the list pane, its item shown."""
    from screens.calls.call_lists import CallListPane
    from tests.screen_text import screen_text, settle, wait_for

    await settle(app, pilot)
    await pilot.press("f5")
    await settle(app, pilot)
    await pilot.press("o")
    await wait_for(pilot, lambda: name in screen_text(app))
    await pilot.press("enter")
    pane = app.screen.query_one(CallListPane)
    await wait_for(pilot, lambda: pane.item is not None)
    return pane

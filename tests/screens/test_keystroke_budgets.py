"""Keystroke budgets of the top desk tasks at 80×24 (issue 15 item 11).

Each test walks the shortest path through the app with Pilot, counting every key pressed
beyond the data typed (a phone tail, a summary, a rating), fails when the count is over the
task's budget, and checks what the path did: what is stored and what is shown. The README's
table "Keys per desk task" lists these paths with their counts before and now.

The world is the demo sample (a small one, made once per module at a fixed day) on SQLite:
the paths need what a real desk has (owners with phones, categories, technicians with
skills, follow-ups), which the sample builds and the factories do not.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from data import i18n
from data.db import close_database, open_database
from data.models import Event, Person, WorkOrder
from data.staff import sign_in
from tests.screen_text import screen_text, settle
from tui.app import FrontDeskApp

TODAY = dt.date(2026, 11, 26)  # a Thursday
NOW = dt.datetime(2026, 11, 26, 10, 0)

pytestmark = pytest.mark.serial


@pytest.fixture(scope="module")
def _template(tmp_path_factory) -> str:
    from data.sample import generate

    path = tmp_path_factory.mktemp("budget") / "sample.db"
    try:
        generate(str(path), owners=60, seed=3, today=TODAY)
    finally:
        close_database()
    return str(path)


@pytest.fixture
def desk(_template, tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    path = tmp_path / "desk.db"
    shutil.copy(_template, path)
    open_database(f"sqlite:///{path}")
    i18n.set_language("zh")
    yield path
    close_database()


class Keys:
    """Presses keys through Pilot, counting them; typed data is not counted."""

    def __init__(self, app, pilot) -> None:
        self.app, self.pilot, self.count = app, pilot, 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.count += 1
            await self.pilot.press(key)
            await settle(self.app, self.pilot)

    async def type(self, text: str) -> None:
        for char in text:
            await self.pilot.press(char)
        await settle(self.app, self.pilot)


async def run(login: str, steps) -> tuple[int, str]:
    """Signs `login` in at 80×24 on the home screen, runs `steps(keys)`; the key count and
    the screen's text at the end."""
    app = FrontDeskApp(sign_in(login), "desk.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        keys = Keys(app, pilot)
        await steps(keys)
        await settle(app, pilot)
        return keys.count, screen_text(app)


def unique_tail() -> tuple[str, str]:
    """A 4-digit phone tail only one person has, and that person's name."""
    from collections import Counter

    from data.models import Phone

    phones = list(Phone.select(Phone.number, Person.name).join(Person).tuples())
    tails = Counter(number[-4:] for number, _name in phones)
    number, name = next((n, name) for n, name in phones if tails[n[-4:]] == 1 and n.isdigit())
    return number[-4:], name


async def test_owner_by_phone_tail_and_open_the_card_takes_at_most_3_keys(desk):
    from screens.owner_card import OwnerCardScreen

    tail, name = unique_tail()
    screens = []

    async def steps(keys: Keys) -> None:
        await keys.press("f2")
        await keys.type(tail)
        await keys.press("enter")
        screens.append(keys.app.screen)

    count, text = await run("desk1", steps)
    assert count <= 3, f"{count} keys"
    assert isinstance(screens[0], OwnerCardScreen)
    assert name in text


async def test_inbound_call_to_a_repair_order_takes_at_most_7_keys(desk):
    tail, name = unique_tail()
    from data.models import Phone

    number = Phone.get(Phone.number.endswith(tail)).number
    before = WorkOrder.select().count()

    async def steps(keys: Keys) -> None:
        await keys.press("f5", "n")
        await keys.type(number)
        await keys.press("tab", "1")
        await keys.type("卫生间天花板渗水")
        await keys.press("tab", "w", "f10")

    count, text = await run("desk1", steps)
    assert count <= 7, f"{count} keys"
    assert WorkOrder.select().count() == before + 1
    order = WorkOrder.select().order_by(WorkOrder.id.desc()).get()
    assert "卫生间天花板渗水" in order.title and order.kind == "repair"
    assert order.person.name == name
    assert order.number in text  # on screen, to be read back to the owner


async def test_dispatch_to_the_suggested_technician_takes_at_most_4_keys(desk):
    opened = []

    async def steps(keys: Keys) -> None:
        await keys.press("f3", "enter")
        opened.append(keys.app.screen.view)
        await keys.press("a", "enter")

    count, text = await run("super1", steps)
    assert count <= 4, f"{count} keys"
    order = WorkOrder.get_by_id(opened[0].id)
    assert opened[0].status == "new" and order.status == "assigned"
    assert order.assignee is not None and order.assignee.name in text


async def test_booking_a_visit_for_an_order_takes_at_most_5_keys(desk):
    opened = []

    async def steps(keys: Keys) -> None:
        await keys.press("f3", "enter")
        opened.append(keys.app.screen.view)
        await keys.press("a", "enter")  # dispatched first: a visit is with its technician
        # A visit before the order's resolution deadline (a later one is asked about first).
        view = opened[0]
        visit = NOW + dt.timedelta(hours=1)
        if view.resolution_due is not None and view.resolution_due - dt.timedelta(hours=1) < visit:
            visit = view.resolution_due - dt.timedelta(hours=1)
        visit = visit.replace(minute=0, second=0) if visit.minute else visit
        opened.append(visit)
        start = keys.count
        await keys.press("b")
        await keys.type(f"{visit:%Y-%m-%d %H:%M}")
        await keys.press("f10")
        opened.append(keys.count - start)

    count, text = await run("super1", steps)
    visit_keys = opened[2]
    assert visit_keys + 2 <= 5, f"{visit_keys} keys on the order"  # f3 enter, then b … f10
    order = WorkOrder.get_by_id(opened[0].id)
    assert order.appointment_at == opened[1]
    assert Event.select().where(Event.work_order == order.id).count() == 1


async def test_satisfaction_callback_with_a_rating_takes_at_most_4_keys(desk):
    opened = []

    async def steps(keys: Keys) -> None:
        await keys.press("5", "enter")  # home: 5 待回访, the first one
        opened.append(keys.app.screen.view)
        await keys.press("v")
        await keys.type("5")
        await keys.press("f10")

    count, text = await run("desk1", steps)
    assert count <= 4, f"{count} keys"
    order = WorkOrder.get_by_id(opened[0].id)
    assert order.rating == 5
    assert order.status == "callback_done" or "已回访" in text


async def test_overdue_orders_of_one_building_take_at_most_5_keys(desk):
    from data import queue
    from data.models import Staff

    me = Staff.get(Staff.login == "desk1").id
    overdue = queue.queue_page("overdue", me, at=NOW).rows
    with_building = {WorkOrder.get_by_id(row.id).building_id for row in overdue}
    building_id, name = next((b, n) for b, n in queue.buildings() if b in with_building and n.endswith("栋"))
    community, number = name.split()
    rows = []

    async def steps(keys: Keys) -> None:
        await keys.press("f3", "3", "b")
        await keys.type(f"{community[:2]} {number[:-1]}")  # such as 锦绣 3
        await keys.press("enter")
        rows.extend(keys.app.screen.page.rows)

    count, text = await run("desk1", steps)
    assert count <= 5, f"{count} keys"
    assert f"超时/将超时 · {name}" in text
    shown = [WorkOrder.get_by_id(row.id).building_id for row in rows]
    assert shown and set(shown) == {building_id}  # only that building's, and some


async def test_weekly_inspection_by_quick_add_takes_at_most_4_keys(desk):
    async def steps(keys: Keys) -> None:
        await keys.press("f4", "a")
        await keys.type("每周三 09:00-10:00 2号楼消防巡检 @tech1")
        await keys.press("enter")  # says how it understood the line …
        assert "重复 每周三 09:00–10:00" in screen_text(keys.app)
        await keys.press("f10")  # … and F10 books it

    count, text = await run("desk1", steps)
    assert count <= 4, f"{count} keys"
    event = Event.get(Event.title == "2号楼消防巡检")
    assert "FREQ=WEEKLY" in event.rrule and "BYDAY=WE" in event.rrule
    assert (event.start.hour, event.end.hour) == (9, 10)


async def test_technician_starts_and_resolves_an_order_takes_at_most_5_keys(desk):
    from data import queue
    from data.models import Staff

    tech = Staff.get(Staff.login == "tech1")
    first = queue.queue_page("mine", tech.id, at=NOW).rows[0]  # his most urgent order …
    WorkOrder.update(status="assigned").where(WorkOrder.id == first.id).execute()  # … not started yet
    opened = []

    async def steps(keys: Keys) -> None:
        await keys.press("f3", "enter")
        opened.append(keys.app.screen.view)
        await keys.press("s", "r")
        await keys.type("更换角阀 试水正常")
        await keys.press("f10")

    count, text = await run("tech1", steps)
    assert count <= 5, f"{count} keys"
    order = WorkOrder.get_by_id(opened[0].id)
    assert opened[0].assignee == order.assignee.name and order.assignee.login == "tech1"  # his own
    assert opened[0].id == first.id and opened[0].status == "assigned" and order.status == "resolved"
    notes = [(h.action, h.note) for h in order.history]
    assert any("更换角阀 试水正常" in note for _action, note in notes), notes[-3:]

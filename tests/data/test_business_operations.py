"""The business operations screens used to compose themselves (issue 13), each now one data/
function owning its transaction, on SQLite and PostgreSQL: a call logged with the callback
it settles, an order created from a call, resolving with a cost, adding a resident, selling
a room, and the drafts written apart at a hang-up. Each writes everything or nothing."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from data import calls, drafts, people
from data import workorders as wo
from data.errors import ValidationError
from data.i18n import set_language
from data.models import Call, CostLine, Occupancy, Person, WorkOrder
from data.people import PersonInput
from tests import factories as f

NOW = dt.datetime(2026, 11, 27, 10, 0)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(database, monkeypatch) -> SimpleNamespace:
    """A room with its owner 张晓明, a desk clerk, a technician and a promised callback;
    the clock pinned at NOW, messages in English."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.strftime("%Y-%m-%d %H:%M"))
    set_language("en")
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    zhang = people.create_person(PersonInput(name="张晓明", gender="M", id_number="",
                                             phones=["13800138000"]))
    people.move_in(zhang, room, "owner")
    desk = f.staff("desk1", "李娜", "desk")
    promised = f.call(desk, callback_due=NOW + dt.timedelta(hours=1), assignee=desk).id
    return SimpleNamespace(community=comm.id, room=room, zhang=zhang, desk=desk.id,
                           tech=f.staff("tech1", "王建国", "tech").id, promised=promised)


def _new_order(w: SimpleNamespace, title: str = "厨房水管漏水") -> wo.OrderInput:
    return wo.OrderInput(kind="repair", title=title, community_id=w.community, room_id=w.room,
                       person_id=w.zhang)


def _call(**changes) -> calls.CallInput:
    base = {"direction": "in", "number": "13800138000", "category": "repair", "summary": "厨房漏水"}
    return calls.CallInput(**{**base, **changes})


# --- log a call that completes a callback ------------------------------------------------------


def test_a_call_that_reaches_the_caller_marks_the_callback_it_answers_made(world):
    view = calls.log_call_answering(_call(direction="out", outcome="resolved"), world.desk,
                                    callback_of=world.promised)
    promised = calls.get_call(world.promised)
    assert promised.callback_done_at == NOW
    assert f"Called back: call {view.id}" in promised.summary


def test_an_unanswered_call_leaves_the_callback_open(world):
    view = calls.log_call_answering(_call(direction="out", outcome="no_answer"), world.desk,
                                    callback_of=world.promised)
    assert calls.get_call(view.id).outcome == "no_answer"
    assert calls.get_call(world.promised).callback_done_at is None


def test_a_refused_callback_logs_no_call(world):
    calls.complete_callback(world.promised, world.desk)  # made already
    before = Call.select().count()
    with pytest.raises(ValidationError) as refused:
        calls.log_call_answering(_call(direction="out", outcome="resolved"), world.desk,
                                 callback_of=world.promised)
    assert "made already" in refused.value.message
    assert Call.select().count() == before


# --- create an order from a call ---------------------------------------------------------------


def test_an_order_from_the_call_being_taken_logs_the_call_linked_to_it(world):
    order_id, logged = calls.create_order_from_call(
        _new_order(world), world.desk, call=_call(outcome="ticket"), callback_of=world.promised)
    order = wo.get_order(order_id)
    assert order.title == "厨房水管漏水" and order.person_id == world.zhang
    assert logged is not None and logged.work_order_id == order_id and logged.outcome == "ticket"
    assert calls.get_call(logged.id).work_order_number == order.number
    assert calls.get_call(world.promised).callback_done_at == NOW


def test_an_order_from_a_logged_call_links_that_call(world):
    earlier = calls.log_call(_call(), world.desk)
    order_id, logged = calls.create_order_from_call(_new_order(world), world.desk, call_id=earlier.id)
    assert logged is not None and logged.id == earlier.id
    stored = calls.get_call(earlier.id)
    assert (stored.work_order_id, stored.outcome) == (order_id, "ticket")


def test_a_refused_call_saves_no_order(world):
    orders, logged = WorkOrder.select().count(), Call.select().count()
    with pytest.raises(ValidationError) as refused:
        calls.create_order_from_call(_new_order(world), world.desk, call=_call(category="gossip"))
    assert refused.value.field == "category"
    assert (WorkOrder.select().count(), Call.select().count()) == (orders, logged)


def test_a_refused_order_logs_no_call(world):
    logged = Call.select().count()
    with pytest.raises(ValidationError) as refused:
        calls.create_order_from_call(_new_order(world, title=""), world.desk, call=_call())
    assert refused.value.field == "title"
    assert Call.select().count() == logged and WorkOrder.select().count() == 0


# --- resolve with a cost -----------------------------------------------------------------------


def _in_progress(w: SimpleNamespace) -> wo.OrderView:
    view = wo.create_order(_new_order(w), w.desk)
    wo.assign(view.id, w.tech, w.desk, expected_version=view.version)
    return wo.start(view.id, w.tech, expected_version=wo.get_order(view.id).version)


def test_resolving_with_a_cost_records_both(world):
    order = _in_progress(world)
    done = wo.resolve_with_cost(order.id, world.tech, "换了角阀",
                                wo.CostInput("material", "角阀", "1", "35.00", "owner"),
                                expected_version=order.version)
    assert done.status == "resolved"
    lines = list(CostLine.select().where(CostLine.work_order == order.id))
    assert [(c.description, c.unit_price, c.payer) for c in lines] == [("角阀", Decimal("35"), "owner")]


def test_resolving_without_a_cost_records_no_cost_line(world):
    order = _in_progress(world)
    assert wo.resolve_with_cost(order.id, world.tech, "拧紧了", expected_version=order.version).status == "resolved"
    assert CostLine.select().count() == 0


def test_a_refused_cost_leaves_the_order_unresolved(world):
    order = _in_progress(world)
    with pytest.raises(ValidationError) as refused:
        wo.resolve_with_cost(order.id, world.tech, "换了角阀",
                             wo.CostInput("material", "角阀", "1", "很贵", "owner"),
                             expected_version=order.version)
    assert refused.value.field == "unit_price"
    after = wo.get_order(order.id)
    assert (after.status, after.version) == ("in_progress", order.version)
    assert CostLine.select().count() == 0


# --- add a resident, sell a room ---------------------------------------------------------------


def _occupants(room_id: int) -> list[tuple[str, str]]:
    rows = (Occupancy.select(Occupancy, Person).join(Person)
            .where(Occupancy.room == room_id, Occupancy.end_date.is_null()).order_by(Occupancy.id))
    return [(r.person.name, r.role) for r in rows]


def test_a_new_resident_is_created_with_a_phone_and_moves_in(world):
    pid = people.add_resident(world.room, PersonInput(name="王丽", phones=["13900139000"]), "tenant",
                              dt.date(2026, 11, 1))
    assert _occupants(world.room) == [("张晓明", "owner"), ("王丽", "tenant")]
    assert people.find_duplicates(PersonInput(name="王丽", phones=["13900139000"]))[0].person_id == pid


def test_a_known_person_moves_in_instead_of_a_second_record(world):
    other = people.ensure_room(world.community, "5-1-101")
    persons = Person.select().count()
    pid = people.add_resident(other, PersonInput(name="张晓明", phones=["13800138000"]), "owner")
    assert pid == world.zhang and Person.select().count() == persons
    assert _occupants(other) == [("张晓明", "owner")]


def test_a_refused_move_in_creates_no_person(world):
    persons = Person.select().count()
    with pytest.raises(ValidationError) as refused:
        people.add_resident(world.room, PersonInput(name="王丽", phones=["13900139000"]), "landlord")
    assert refused.value.field == "role"
    assert Person.select().count() == persons
    with pytest.raises(ValidationError) as again:  # already living there
        people.add_resident(world.room, PersonInput(name="张晓明", phones=["13800138000"]), "owner")
    assert again.value.field == "room"


def test_selling_a_room_moves_the_owner_out_and_the_buyer_in(world):
    buyer = people.sell_room(world.room, PersonInput(name="陈静", phones=["13700137000"]),
                             dt.date(2026, 11, 20))
    assert _occupants(world.room) == [("陈静", "owner")]
    ended = Occupancy.get(Occupancy.person == world.zhang, Occupancy.room == world.room)
    assert ended.end_date == dt.date(2026, 11, 20)
    assert Person.get_by_id(buyer).name == "陈静"


def test_a_refused_buyer_leaves_the_owner_in_place(world):
    with pytest.raises(ValidationError) as refused:
        people.sell_room(world.room, PersonInput(name="", phones=["13700137000"]))
    assert refused.value.field == "name"
    assert _occupants(world.room) == [("张晓明", "owner")]


# --- the drafts writer -------------------------------------------------------------------------


class _Unreadable:
    def __str__(self) -> str:
        raise RuntimeError("a form half taken down")


def test_drafts_written_apart_are_kept_and_one_bad_draft_costs_no_other(world):
    found = [
        ("person.note", "Add a note", {"note": "漏水\x1b[31m"}, {"person_id": world.zhang}),
        ("person.note", "Half gone", {"note": _Unreadable()}, {}),
        ("workorder.new", "New work order", {"title": "电梯异响"}, {"prefill": {"kind": "repair"}}),
    ]
    assert drafts.save_drafts_apart(world.desk, found) == 2
    kept = drafts.drafts(world.desk)
    assert sorted(d.title for d in kept) == ["Add a note", "New work order"]
    note = next(d for d in kept if d.form_key == "person.note")
    assert note.values == {"note": "漏水␛[31m"} and note.context == {"person_id": world.zhang}
    assert drafts.save_drafts_apart(world.desk, []) == 0


# --- what importing the version stamp loads ----------------------------------------------------


def test_the_version_stamp_and_the_widgets_load_no_model():
    code = ("import sys, data.versions, widgets.conflict, widgets.history, widgets.picker\n"
            "print(','.join(sorted(m for m in sys.modules if m in ('data.models', 'data.db', 'peewee'))))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""

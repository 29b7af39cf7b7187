"""Privacy (issue 7) in the data layer: masked by default, technicians see no ID numbers,
every reveal recorded with who; a masked ID sent back unchanged keeps the stored one."""

from __future__ import annotations

import pytest

from data import access, audit, cards, privacy
from data.errors import PermissionDenied
from data.models import AuditLog, Call, Person, WorkOrder
from data.people import PersonInput, create_person, update_person
from tests import factories as f

ID = "11010519491231002X"


@pytest.fixture
def world(database):
    desk = f.staff("desk1", "李娜", "desk")
    tech = f.staff("tech1", "赵师傅", "tech")
    boss = f.staff("super1", "王强", "supervisor")
    with access.acting(desk):
        pid = create_person(PersonInput(name="张晓明", id_number=ID, phones=["13800138000", "021-62345678"]))
        comm = f.community()
        order = f.work_order(desk, comm)
        WorkOrder.update(contact_phone="13800138000").where(WorkOrder.id == order.id).execute()
        call = f.call(desk, number="13912345678")
    return {"desk": desk, "tech": tech, "super": boss, "person": pid, "order": order.id, "call": call.id}


def _reveals(entity: str, entity_id: int) -> list[tuple[str, int]]:
    rows = (AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity == entity,
                                    AuditLog.entity_id == entity_id).order_by(AuditLog.id))
    return [(r.field, r.staff_id) for r in rows]


@pytest.mark.parametrize(("role", "shown"), [
    ("desk", "110***********002X"), ("supervisor", "110***********002X"), ("manager", "110***********002X"),
    ("admin", "110***********002X"), ("tech", None),
])
def test_an_id_number_is_shown_masked_and_not_at_all_to_technicians(world, role, shown):
    who = f.staff(f"x_{role}", "某人", role)
    with access.acting(who):
        assert privacy.shown_id_number(ID) == shown
        card = cards.owner_card(world["person"])
    assert card.id_number == shown
    assert (card.birth_date is None) == (shown is None)  # the birth date is read from the ID
    assert privacy.shown_id_number(ID, staff_id=who.id) == shown


def test_the_card_keeps_full_phones_for_the_screen_to_mask(world):
    with access.acting(world["desk"]):
        card = cards.owner_card(world["person"])
    assert [p.number for p in card.phones] == ["13800138000", "021-62345678"]
    assert [privacy.mask_phone(p.number) for p in card.phones] == ["138****8000", "021-****5678"]


def test_revealing_a_person_is_recorded_with_who(world):
    with access.acting(world["desk"]):
        shown = privacy.reveal_person(world["person"])
    assert sorted(shown.phones.values()) == ["021-62345678", "13800138000"]
    assert shown.id_number == ID
    desk = world["desk"].id
    assert _reveals("person", world["person"]) == [("phones", desk), ("id_number", desk)]


def test_a_technician_reveals_phones_but_never_the_id_number(world):
    with access.acting(world["tech"]):
        shown = privacy.reveal_person(world["person"])
        with pytest.raises(PermissionDenied):
            access.require("reveal.id")
    assert shown.id_number is None and "13800138000" in shown.phones.values()
    assert _reveals("person", world["person"]) == [("phones", world["tech"].id)]


def test_revealing_an_order_phone_and_a_call_number_is_recorded(world):
    with access.acting(world["tech"]):
        assert privacy.reveal_order_phone(world["order"]) == "13800138000"
    with access.acting(world["desk"]):
        assert privacy.reveal_call_number(world["call"]) == "13912345678"
    assert _reveals("work_order", world["order"]) == [("contact_phone", world["tech"].id)]
    assert _reveals("call", world["call"]) == [("number", world["desk"].id)]


def test_a_listing_with_full_numbers_records_one_reveal_per_record(world):
    other = f.call(world["desk"], number="13700001111")
    with access.acting(world["desk"]):
        privacy.record_reveals("call", [world["call"], other.id, world["call"]], "number")
        privacy.record_reveals("call", [], "number")  # nothing shown, nothing recorded
    assert _reveals("call", world["call"]) == [("number", world["desk"].id)]
    assert _reveals("call", other.id) == [("number", world["desk"].id)]
    assert Call.select().count() == 2


def test_reveals_show_in_the_history_for_supervisors_only(world):
    with access.acting(world["desk"]):
        privacy.reveal_person(world["person"])
        with pytest.raises(PermissionDenied, match=r"\S"):
            audit.history("person", world["person"])
    with access.acting(world["super"]):
        entries = audit.history("person", world["person"])
    reveals = [(e.action, e.field, e.login) for e in entries if e.action == "reveal"]
    assert reveals == [("reveal", "id_number", "desk1"), ("reveal", "phones", "desk1")]
    # The trail itself never holds the numbers in full.
    assert not any(ID in (e.old or "") + (e.new or "") or "13800138000" in (e.new or "") for e in entries)


def test_a_masked_id_number_saved_unchanged_keeps_the_stored_one(world):
    pid = world["person"]
    with access.acting(world["desk"]):
        card = cards.owner_card(pid)
        update_person(pid, PersonInput(name="张晓明", id_number=card.id_number, note="怕吵"),
                      expected_version=card.version)
        assert Person.get_by_id(pid).id_number == ID
        assert Person.get_by_id(pid).note == "怕吵"
        update_person(pid, PersonInput(name="张晓明", id_number=""))  # emptied: removed
        assert Person.get_by_id(pid).id_number is None

"""访客登记 (issue 16 item 1): registering a visitor (name, phone, ID number, plate, the room
visited), a room code in two communities asked about, the owner called to confirm, the
day's list with those still inside first, signing out, a plate or phone seen before
filling the rest, ID numbers masked, and the retention purge; on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from data import access, i18n, people
from data import registers as reg
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.models import AuditLog, Visitor
from data.people import PersonInput
from tests import factories as f

NOW = "2026-12-06 10:00"
ID = "11010519491231002X"


@pytest.fixture
def gate(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    jx, yg = f.community("锦绣花园"), f.community("阳光水岸")
    room = people.ensure_room(jx.id, "3-2-501")
    other = people.ensure_room(yg.id, "3-2-501")  # the same code in another community
    only = people.ensure_room(jx.id, "5-1-101")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    tenant = people.create_person(PersonInput(name="李租客", phones=["13900139000"]))
    people.move_in(owner, room, "owner")
    people.move_in(tenant, room, "tenant")
    desk = f.staff("desk1", "李娜")
    guard = f.staff("guard1", "王保安", "guard")
    tech = f.staff("tech1", "赵师傅", "tech")
    access.act_as(guard)
    return {"jx": jx, "yg": yg, "room": room, "other": other, "only": only, "owner": owner,
            "tenant": tenant, "desk": desk, "guard": guard, "tech": tech}


def visitor(**fields) -> reg.VisitorView:
    fields.setdefault("name", "刘访客")
    fields.setdefault("room", "5-1-101")
    return reg.register_visitor(reg.VisitorInput(**fields))


def test_a_visitor_is_registered_with_every_detail_checked_and_stored(gate):
    view = visitor(name=" 刘访客 ", room="3-2-501", community="锦绣花园", phone="138 0000 1111",
                   id_number=ID.lower(), plate="沪a·12345", purpose="探亲")
    row = Visitor.get_by_id(view.id)
    assert (row.name, row.phone, row.id_number, row.plate, row.purpose) == (
        "刘访客", "13800001111", ID, "沪A12345", "探亲")
    assert row.room_id == gate["room"] and row.staff_id == gate["guard"].id
    assert view.time_in == dt.datetime(2026, 12, 6, 10, 0) and view.inside
    # The view never carries the ID number in full.
    assert view.id_masked == "110***********002X" and ID not in repr(view)
    assert view.as_json()["id_number"] == "110***********002X"
    assert view.as_json()["phone"] == "138****1111"
    assert view.place == "锦绣花园 3-2-501" and view.plate_shown == "沪A·12345"


@pytest.mark.parametrize(("field", "value", "says"), [
    ("name", "", "Give the visitor's name"),
    ("phone", "12345", "11 digits"),
    ("id_number", "110105194912310021", "check digit"),
    ("plate", "沪I12345", "I or O"),
    ("name", "刘\x1b[31m", "control character"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(gate, field, value, says):
    with pytest.raises(ValidationError) as caught:
        visitor(**{field: value})
    assert caught.value.field == field and says in caught.value.message
    assert Visitor.select().count() == 0


def test_a_room_code_in_two_communities_is_asked_about_and_an_unknown_one_refused(gate):
    with pytest.raises(ValidationError) as caught:
        visitor(room="3-2-501")
    assert caught.value.field == "room"
    assert "锦绣花园" in caught.value.message and "阳光水岸" in caught.value.message
    match = reg.room_match("3-2-501")
    assert {c.community for c in match.candidates} == {"锦绣花园", "阳光水岸"}
    # The picker's choice, or the community typed, settles it.
    assert visitor(room="3-2-501", room_id=gate["other"]).community == "阳光水岸"
    assert visitor(room="3-2-501", community="锦绣花园").community == "锦绣花园"
    with pytest.raises(ValidationError) as caught:
        visitor(room="9-9-909")
    assert caught.value.field == "room" and "There is no room" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        visitor(room="3-2-501", community="不存在花园")
    assert caught.value.field == "community"


def test_the_days_list_puts_those_still_inside_first_and_pages(gate, monkeypatch):
    early = visitor(name="早到", time_in=dt.datetime(2026, 12, 6, 8, 0))
    late = visitor(name="晚到", time_in=dt.datetime(2026, 12, 6, 9, 30))
    gone = visitor(name="已走", time_in=dt.datetime(2026, 12, 6, 9, 45))
    reg.sign_out(gone.id)
    yesterday_inside = visitor(name="昨晚没走", time_in=dt.datetime(2026, 12, 5, 20, 0))
    yesterday_out = visitor(name="昨天走了", time_in=dt.datetime(2026, 12, 5, 19, 0))
    reg.sign_out(yesterday_out.id)
    page = reg.visitors_day()
    assert [v.name for v in page.rows] == ["晚到", "早到", "昨晚没走", "已走"]
    assert page.inside == 3 and page.next_cursor is None
    assert [v.name for v in reg.visitors_day(inside_only=True).rows] == ["晚到", "早到", "昨晚没走"]
    assert [v.name for v in reg.visitors_day(dt.date(2026, 12, 5)).rows] == ["昨晚没走", "昨天走了"]
    # A page at a time, in the same order.
    first = reg.visitors_day(limit=2)
    second = reg.visitors_day(limit=2, after=first.next_cursor)
    assert [v.id for v in first.rows + second.rows] == [late.id, early.id, yesterday_inside.id, gone.id]
    assert second.next_cursor is None
    # Narrowed by name, plate or room.
    visitor(name="开车来", plate="沪B54321", time_in=dt.datetime(2026, 12, 6, 9, 50))
    assert [v.name for v in reg.visitors_day(query="沪B543").rows] == ["开车来"]
    assert [v.name for v in reg.visitors_day(query="早").rows] == ["早到"]


def test_signing_out_once_and_not_before_coming_in(gate):
    view = visitor()
    out = reg.sign_out(view.id)
    assert out.time_out == dt.datetime(2026, 12, 6, 10, 0) and not out.inside
    assert out.signed_out_by == "王保安"
    with pytest.raises(ValidationError) as caught:
        reg.sign_out(view.id)
    assert "went out already, at 12-06 10:00" in caught.value.message
    other = visitor()
    with pytest.raises(ValidationError):
        reg.sign_out(other.id, at=dt.datetime(2026, 12, 6, 9, 0))
    with pytest.raises(NotFoundError):
        reg.sign_out(9999)


def test_a_plate_or_phone_seen_before_fills_the_rest(gate):
    assert reg.visitor_by_plate("沪A12345") is None
    visitor(name="老刘", phone="13700137000", plate="沪A12345", room="5-1-101", purpose="送货",
            time_in=dt.datetime(2026, 11, 1, 9, 0))
    visitor(name="刘师傅", phone="13700137000", plate="沪A12345", room="3-2-501", community="锦绣花园",
            time_in=dt.datetime(2026, 12, 1, 9, 0))
    found = reg.visitor_by_plate("沪a 12345")
    assert (found.name, found.phone, found.room, found.community) == ("刘师傅", "13700137000", "3-2-501", "锦绣花园")
    assert found.room_id == gate["room"]
    with access.acting(gate["desk"]):
        assert reg.visitor_by_phone("137-0013-7000").name == "刘师傅"
    assert reg.visitor_by_plate("沪A99999") is None and reg.visitor_by_plate("not a plate") is None


def test_the_gate_cannot_guess_a_masked_phone_through_the_phone_prefill(gate):
    """The gate sees 137****7000: guessing the hidden digits one try at a time in the form's
    phone field would tell which number is a visitor's. The prefill by phone is the desk's,
    counted in the audit trail like a whole-number search, and refused beyond the limit."""
    from data.models import AuditLog
    from data.search_gate import WHOLE_SEARCHES_PER_MINUTE

    visitor(name="刘师傅", phone="13700137000", room="3-2-501", community="锦绣花园")
    with access.acting(gate["guard"]):
        assert reg.visitor_by_phone("13700137000") is None
    assert AuditLog.select().where(AuditLog.action == "search").count() == 0
    with access.acting(gate["desk"]):
        assert reg.visitor_by_phone("13700137000").name == "刘师傅"
        assert AuditLog.select().where(AuditLog.action == "search", AuditLog.staff == gate["desk"].id).count() == 1
        for _ in range(WHOLE_SEARCHES_PER_MINUTE - 1):
            reg.visitor_by_phone("13700137001")
        with pytest.raises(ValidationError):
            reg.visitor_by_phone("13700137000")


def test_the_owner_is_called_to_confirm_and_the_confirmation_recorded(gate):
    view = visitor(room="3-2-501", community="锦绣花园")
    to_call = reg.person_to_call(view.id)
    # The gate sees the owner's number masked (the dial command gets it whole, in data/).
    assert (to_call.name, to_call.role, to_call.number, to_call.masked) == (
        "张晓明", "owner", "138****8000", True)
    # The look-up is recorded against the owner.
    assert AuditLog.select().where(AuditLog.action == "lookup", AuditLog.entity == "person",
                                   AuditLog.entity_id == gate["owner"]).count() == 1
    done = reg.confirm_visit(view.id, person_id=to_call.person_id)
    assert done.confirmed_name == "张晓明" and done.confirmed_by == "王保安"
    assert done.confirmed_at == dt.datetime(2026, 12, 6, 10, 0)
    with pytest.raises(ValidationError) as caught:
        reg.confirm_visit(view.id)
    assert "Confirmed already" in caught.value.message
    # Someone who does not live there cannot be the one who confirmed.
    again = visitor(room="3-2-501", community="锦绣花园")
    with access.acting(None):
        stranger = people.create_person(PersonInput(name="路人"))
    with pytest.raises(ValidationError):
        reg.confirm_visit(again.id, person_id=stranger)
    assert reg.confirm_visit(again.id, by_name="李租客").confirmed_name == "李租客"
    # A room with nobody on record cannot be confirmed by phone.
    empty = visitor(room="5-1-101")
    with pytest.raises(NotFoundError) as caught:
        reg.person_to_call(empty.id)
    assert "Nobody is on record" in caught.value.message


def test_id_numbers_in_full_only_for_roles_that_may_see_them_and_recorded(gate):
    view = visitor(id_number=ID, phone="13800001111")
    with pytest.raises(PermissionDenied):
        reg.reveal_visitors([view.id])  # the guard
    access.act_as(gate["desk"])
    shown = reg.reveal_visitors([view.id])
    assert shown[view.id].id_number == ID and shown[view.id].phone == "13800001111"
    assert AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity == "visitor",
                                   AuditLog.entity_id == view.id).count() == 1


def test_a_technician_may_not_register_visitors(gate):
    access.act_as(gate["tech"])
    with pytest.raises(PermissionDenied) as caught:
        visitor()
    assert "register visitors" in caught.value.message
    with pytest.raises(PermissionDenied):
        reg.visitors_day()


def test_retention_blanks_old_id_numbers_and_plates_keeps_the_visits_and_records_it(gate):
    old = visitor(id_number=ID, plate="沪A12345", time_in=dt.datetime(2026, 6, 1, 9, 0))
    reg.sign_out(old.id, at=dt.datetime(2026, 6, 1, 11, 0))
    recent = visitor(id_number=ID, plate="沪B12345", time_in=dt.datetime(2026, 12, 1, 9, 0))
    reg.sign_out(recent.id, at=dt.datetime(2026, 12, 1, 10, 0))
    never_out = visitor(id_number=ID, plate="沪C12345", time_in=dt.datetime(2026, 6, 2, 9, 0))
    inside = visitor(id_number=ID, plate="沪D12345", time_in=dt.datetime(2026, 12, 6, 9, 0))
    with pytest.raises(PermissionDenied):
        reg.purge_visitor_details(dt.datetime(2026, 9, 1))  # the guard
    access.act_as(None)  # retention runs as the system (or a service account)
    assert reg.purge_visitor_details(dt.datetime(2026, 9, 1)) == 2
    row = Visitor.get_by_id(old.id)
    assert row.id_number is None and row.plate == "" and row.purged_at is not None
    assert row.name == "刘访客"  # the visit is kept
    assert Visitor.get_by_id(recent.id).id_number == ID
    # Never signed out: purged by its time in (else it were kept for ever).
    row = Visitor.get_by_id(never_out.id)
    assert (row.id_number, row.plate, row.time_out) == (None, "", None) and row.purged_at is not None
    assert Visitor.get_by_id(inside.id).plate == "沪D12345"  # in since this morning: kept
    changed = {(a.field, a.old_value, a.new_value) for a in AuditLog.select().where(
        AuditLog.entity == "visitor", AuditLog.entity_id == old.id, AuditLog.action == "update")}
    # The trail says the ID number and the plate went, never what they were.
    assert ("id_number", "***", None) in changed
    assert ("plate", "***", "***") in changed
    # A purged visit no longer fills the form.
    assert reg.visitor_by_plate("沪A12345") is None
    assert reg.purge_visitor_details(dt.datetime(2026, 9, 1)) == 0


def test_the_audit_trail_keeps_no_visitors_id_number_or_plate(gate):
    from data import audit

    view = visitor(id_number=ID, plate="沪A12345", phone="13800001111")
    Visitor.update(plate="沪B54321", id_number="110105194912310037").where(Visitor.id == view.id).execute()
    rows = list(AuditLog.select().where(AuditLog.entity == "visitor", AuditLog.entity_id == view.id))
    values = " ".join(f"{r.old_value} {r.new_value}" for r in rows)
    for secret in ("沪A", "沪B", "12345", "54321", "1101", "002X", "0037"):
        assert secret not in values
    assert {(r.field, r.old_value, r.new_value) for r in rows if r.action == "update"} == {
        ("plate", "***", "***"), ("id_number", "***", "***")}
    # A row written in full before the columns became secret is masked when read.
    AuditLog.create(staff=None, at=dt.datetime(2026, 1, 1), action="update", entity="visitor",
                    entity_id=view.id, field="plate", old_value="沪C12345", new_value="")
    AuditLog.create(staff=None, at=dt.datetime(2026, 1, 1), action="update", entity="visitor",
                    entity_id=view.id, field="phone", old_value="13800002222", new_value="")
    lead = f.staff("super1", "陈静", "supervisor")
    shown = audit.history("visitor", view.id, staff_id=lead.id)
    assert not any("沪C" in (e.old or "") or "2222" == (e.old or "")[-4:] and "*" not in e.old
                   for e in shown)
    assert {(e.field, e.old) for e in shown if e.at == dt.datetime(2026, 1, 1)} == {
        ("plate", "***"), ("phone", "138****2222")}


def test_a_visit_never_signed_out_is_not_signed_out_after_a_day_not_inside(gate, monkeypatch):
    from data import handover

    stale = visitor(name="没签退", plate="沪A12345", time_in=dt.datetime(2026, 12, 5, 9, 0))
    recent = visitor(name="昨晚没走", plate="沪B54321", id_number=ID,
                     time_in=dt.datetime(2026, 12, 5, 20, 0))
    page = reg.visitors_day()
    assert [v.name for v in page.rows] == ["昨晚没走"] and page.inside == 1
    yesterday = reg.visitors_day(dt.date(2026, 12, 5))
    shown = {v.name: (v.inside, v.not_signed_out) for v in yesterday.rows}
    assert shown == {"没签退": (False, True), "昨晚没走": (True, False)}
    assert yesterday.inside == 1
    assert reg.get_visitor(stale.id).as_json()["not_signed_out"] is True
    assert [v.name for v in reg.visitors_day(dt.date(2026, 12, 5), inside_only=True).rows] == ["昨晚没走"]
    # The handover lists who is inside — name and room, never the plate or ID number.
    now = dt.datetime(2026, 12, 6, 10, 0)
    from data.registers.visitors import handover_items

    items = handover_items(now, None)
    assert [i.entity_id for i in items] == [recent.id]
    [line] = [i.text for i in items]
    assert "昨晚没走" in line and "5-1-101" in line
    assert "沪" not in line and "54321" not in line and "002X" not in line
    assert "没签退" not in handover.body_text(handover.draft_sections(now, None))
    # A visit 未签退 may still be signed out, late.
    assert reg.sign_out(stale.id).time_out is not None


def test_migration_0023_scrubs_plates_from_stored_handovers(gate):
    """A handover stored before the plate was left out of it: the plate goes from its
    items and body, the rest of the line stays, the audit trail keeps no copy."""
    import importlib.util
    import json

    from data import handover, schema
    from data.db import db, transaction
    from data.models import Handover

    old_line = "09:00 起在内 · 刘访客 · 锦绣花园 5-1-101 · 探亲 · 沪A·D12345"
    kept_line = "09:30 起在内 · 王访客 · 锦绣花园 5-1-101"
    sections = [{"name": "visitors", "title": "仍在内的访客", "items": [
        {"text": old_line, "ref": "访客 #1", "entity": "visitor", "entity_id": 1},
        {"text": kept_line, "ref": "访客 #2", "entity": "visitor", "entity_id": 2}]},
        {"name": "keys", "title": "借出的钥匙", "items": [
            {"text": "入户门钥匙 · 沪A·12345 的车主", "ref": "", "entity": "key_deposit", "entity_id": 3}]}]
    body = f"仍在内的访客\n· {old_line} (访客 #1)\n· {kept_line} (访客 #2)\n借出的钥匙\n· 入户门钥匙 · 沪A·12345 的车主"
    with transaction():
        row = Handover.create(staff=gate["desk"], shift="day", items=json.dumps(sections, ensure_ascii=False),
                              body=body, notes="车 沪A·D12345 停在门口")
    path = schema.MIGRATIONS_DIR / "0023_handover_plates.py"
    spec = importlib.util.spec_from_file_location("m0023", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    audit_before = AuditLog.select().count()
    module.up(None, db)
    stored = Handover.get_by_id(row.id)
    items = json.loads(stored.items)
    assert [i["text"] for i in items[0]["items"]] == [
        "09:00 起在内 · 刘访客 · 锦绣花园 5-1-101 · 探亲", kept_line]
    assert items[1]["items"][0]["text"] == "入户门钥匙 · 沪A·12345 的车主"  # not a visitor line
    assert "D12345" not in stored.body and "· 09:00 起在内 · 刘访客 · 锦绣花园 5-1-101 · 探亲 (访客 #1)" in stored.body
    assert stored.notes == "车 沪A·D12345 停在门口"  # typed by the staff: left as it is
    assert AuditLog.select().count() == audit_before
    assert "D12345" not in " ".join(f"{a.old_value} {a.new_value}" for a in AuditLog.select())
    module.up(None, db)  # again: nothing more to do
    assert Handover.get_by_id(row.id).body == stored.body
    assert handover.HandoverItem  # the module the lines come from
def test_the_gate_searches_phones_by_the_last_4_digits_or_the_whole_number_only(gate):
    """A guard typing longer and longer digits would learn a visitor's number: the last 4
    digits or the whole number match; a longer tail is refused unless the role may reveal
    numbers; a whole number is counted in the audit trail like an owner search's."""
    visitor(name="送水工", phone="13812345678")
    visitor(name="快递员", phone="13987655678")
    assert sorted(v.name for v in reg.visitors_day(query="5678").rows) == ["快递员", "送水工"]
    for partial in ("45678", "2345678", "1381234567"):
        with pytest.raises(ValidationError) as caught:
            reg.visitors_day(query=partial)
        assert caught.value.field == "query" and "As Gate guard you may search by the last 4 digits" in caught.value.message
    before = AuditLog.select().where(AuditLog.action == "search").count()
    assert [v.name for v in reg.visitors_day(query="138 1234 5678").rows] == ["送水工"]
    assert reg.visitors_day(query="13812340000").rows == []  # a whole number matches only itself
    assert AuditLog.select().where(AuditLog.action == "search",
                                   AuditLog.staff == gate["guard"].id).count() == before + 2
    # A room code with hyphens is a room search, not a refused phone tail.
    assert reg.visitors_day(query="3-2-501").rows == []
    # The desk may reveal numbers: a longer tail is a search there.
    access.act_as(gate["desk"])
    assert [v.name for v in reg.visitors_day(query="45678").rows] == ["送水工"]


def test_whole_number_searches_of_the_visitors_list_are_limited_a_minute(gate):
    from data.search_gate import WHOLE_SEARCHES_PER_MINUTE

    visitor(name="送水工", phone="13812345678")
    for _n in range(WHOLE_SEARCHES_PER_MINUTE):
        reg.visitors_day(query="13812345678")
    with pytest.raises(ValidationError) as caught:
        reg.visitors_day(query="13812345678")
    assert "wait a minute" in caught.value.message
    assert AuditLog.select().where(AuditLog.action == "refused", AuditLog.staff == gate["guard"].id).count() == 1


def test_the_gate_calls_the_owner_without_seeing_the_number_and_the_desk_sees_it_recorded(
        gate, tmp_path, monkeypatch):
    """Calling the owner to confirm must not hand the gate the owner's number: masked for
    a role that may not reveal numbers, dialled whole by data/; in full (a reveal in the
    audit trail) for the desk."""
    import stat

    from data.dialout import DIAL_ENV

    view = visitor(room="3-2-501", community="锦绣花园")
    # No dial command: the gate gets the masked number only.
    monkeypatch.delenv(DIAL_ENV, raising=False)
    call = reg.call_to_confirm(view.id)
    assert call.result is None and call.person.number == "138****8000" and call.person.masked
    out = tmp_path / "dialled"
    softphone = tmp_path / "softphone"
    softphone.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{out}"\n')
    softphone.chmod(softphone.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(DIAL_ENV, f"{softphone} {{number}}")
    call = reg.call_to_confirm(view.id)
    assert out.read_text() == "13800138000"  # dialled whole
    assert call.result.ok and "13800138000" not in call.result.message and "138****8000" in call.result.message
    assert "13800138000" not in repr(call)
    # A failing dial command that prints the number in another form: masked all the same.
    softphone.write_text('#!/bin/sh\necho "cannot dial +86 138 0013 8000 (0571-8888-1234)" >&2\nexit 3\n')
    call = reg.call_to_confirm(view.id)
    assert not call.result.ok and "138 0013 8000" not in call.result.message
    assert "8888-1234" not in call.result.message and "138****8000" in call.result.message
    # …or with several separators, slashes (the attack of the tenth session): masked too.
    softphone.write_text('#!/bin/sh\necho "callee 138  0013  8000 busy; route 138/0013/8000" >&2\nexit 3\n')
    call = reg.call_to_confirm(view.id)
    assert "0013" not in call.result.message and call.result.message.count("138****8000") == 2
    # The desk may reveal numbers: in full, recorded as a reveal.
    access.act_as(gate["desk"])
    shown = reg.person_to_call(view.id)
    assert (shown.number, shown.masked) == ("13800138000", False)
    assert AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity_id == gate["owner"],
                                   AuditLog.staff == gate["desk"].id).count() == 1


def test_look_ups_of_whom_to_call_are_limited_an_hour_per_account(gate, monkeypatch):
    view = visitor(room="3-2-501", community="锦绣花园")
    for minute in range(reg.CONFIRM_LOOKUPS_PER_HOUR):
        monkeypatch.setenv("FRONTDESK_NOW", f"2026-12-06 10:{minute:02d}")
        reg.person_to_call(view.id)
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-06 10:45")
    with pytest.raises(ValidationError) as caught:
        reg.person_to_call(view.id)
    assert "More than 30 look-ups" in caught.value.message and "possible at 11:00" in caught.value.message
    assert AuditLog.select().where(AuditLog.action == "refused", AuditLog.field == "confirm_call",
                                   AuditLog.staff == gate["guard"].id).count() == 1
    # Another account has its own count; the first look-up an hour on is possible again.
    access.act_as(gate["desk"])
    assert reg.person_to_call(view.id).name == "张晓明"
    access.act_as(gate["guard"])
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-06 11:00")
    assert reg.person_to_call(view.id).name == "张晓明"

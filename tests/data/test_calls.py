"""data.calls on SQLite and PostgreSQL: numbers, caller matching, the call log, callbacks,
call lists, scripts, incidents and statistics (against hand-computed values)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import calls, people
from data import workorders as wo
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.i18n import set_language
from data.models import (
    Building,
    Call,
    CallAttempt,
    CallList,
    CallListItem,
    Notification,
    Phone,
    Script,
    WorkOrder,
)
from data.people import PersonInput
from tests import factories as f

NOW = dt.datetime(2026, 11, 27, 10, 0)
FAST = settings(max_examples=150, deadline=None)


@pytest.fixture
def en():
    """Messages in English, for assertions on their words."""
    set_language("en")


@pytest.fixture
def world(database, monkeypatch) -> SimpleNamespace:
    """Two buildings of one community, owners with mobiles, landlines (one with an
    extension, one shared by a couple) and staff; the clock pinned at NOW."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.strftime("%Y-%m-%d %H:%M"))
    comm = f.community("锦绣花园")
    r501 = people.ensure_room(comm.id, "3-2-501")
    r101 = people.ensure_room(comm.id, "5-1-101")
    r302 = people.ensure_room(comm.id, "5-1-302")
    zhang = people.create_person(PersonInput(
        name="张晓明", gender="M", phones=["13800138000", "021-62345678"]))
    people.move_in(zhang, r501, "owner")
    li = people.create_person(PersonInput(name="李芳", gender="F", phones=["0571-8765432-801"]))
    people.move_in(li, r101, "owner")
    wang_w = people.create_person(PersonInput(name="王伟", gender="M", phones=["021-55556666"]))
    wang_l = people.create_person(PersonInput(name="王丽", gender="F", phones=["021-55556666"]))
    people.move_in(wang_w, r302, "owner")
    people.move_in(wang_l, r302, "family")
    # A mobile that ends in the digits of 张's landline: a tail match must not reach it.
    zhao = people.create_person(PersonInput(name="赵强", phones=["13962345678"]))
    desk1 = f.staff("desk1", "李娜", "desk")
    desk1.phone = "13911112222"
    desk1.save()
    desk2 = f.staff("desk2", "王芳", "desk")
    sup = f.staff("super1", "陈静", "supervisor")
    tech = f.staff("tech1", "王建国", "tech")
    b3 = Building.get(Building.community == comm.id, Building.code == "3")
    b5 = Building.get(Building.community == comm.id, Building.code == "5")
    return SimpleNamespace(
        comm=comm, r501=r501, r101=r101, r302=r302, zhang=zhang, li=li, wang_w=wang_w,
        wang_l=wang_l, zhao=zhao, desk1=desk1.id, desk2=desk2.id, sup=sup.id, tech=tech.id,
        b3=b3.id, b5=b5.id,
    )


def order(world, *, status: str = "new", person=None, room=None, contact: str = "",
          title: str = "厨房水管漏水", created: dt.datetime | None = None,
          resolved: dt.datetime | None = None) -> int:
    n = WorkOrder.select().count() + 1
    return WorkOrder.create(
        number=f"BX-20261127-{n:04d}", kind="repair", title=title, community=world.comm.id,
        room=room, status=status, created_by=world.desk1, person=person, contact_phone=contact,
        created_at=created or dt.datetime(2026, 11, 26, 8, 0) + dt.timedelta(minutes=n),
        resolved_at=resolved,
    ).id


# --- numbers -----------------------------------------------------------------------------------

NUMBER_TABLE = [
    ("13800138000", "13800138000"),
    ("+86 138 0013 8000", "13800138000"),
    ("+86-138-0013-8000", "13800138000"),
    ("0086 13800138000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("１３８００１３８０００", "13800138000"),
    ("021-62345678", "021-62345678"),
    ("(021) 6234 5678", "021-62345678"),
    ("02162345678", "021-62345678"),
    ("+86 21 6234 5678", "021-62345678"),
    ("021-62345678-801", "021-62345678-801"),
    ("021 62345678 转 801", "021-62345678-801"),
    ("0571-8765432 ext 801", "0571-8765432-801"),
    ("0571 8765432 #801", "0571-8765432-801"),
    # Without area code, short service numbers, foreign numbers: cleaned, never refused.
    ("62345678", "62345678"),
    ("6234 5678", "62345678"),
    ("8765432", "8765432"),
    ("62345678-801", "62345678-801"),
    ("62345678转801", "62345678-801"),
    ("95588", "95588"),
    ("110", "110"),
    ("400-820-8820", "4008208820"),
    ("+1 (415) 555-0100", "+14155550100"),
    ("001 415 555 0100", "+14155550100"),
    ("+852 2345 6789", "+85223456789"),
    ("1380013800", "1380013800"),  # a mobile with a digit missing: kept for the clerk
    ("13800138000转1", "13800138000"),  # a mobile has no extension
]


@pytest.mark.parametrize(("text", "expected"), NUMBER_TABLE)
def test_normalize_number_table(text, expected):
    assert calls.normalize_number(text) == expected
    assert calls.normalize_number(expected) == expected


@pytest.mark.parametrize("text", ["", "   ", "abc", "12", "138001380ab", "1" * 21, "++86138", "1+2",
                                  "电话", "13800138000; rm"])
def test_normalize_number_refuses_garbage(text):
    with pytest.raises(ValidationError) as caught:
        calls.normalize_number(text)
    assert caught.value.field == "number"


MOBILES = st.builds(lambda p, rest: p + rest, st.sampled_from(["13", "15", "17", "18", "19"]),
                    st.text("0123456789", min_size=9, max_size=9))
SEP = st.sampled_from(["", " ", "-", "  ", " - "])


@FAST
@given(MOBILES, st.sampled_from(["", "+86", "+86 ", "0086", "86", "(+86) "]), st.lists(SEP, min_size=2, max_size=2))
def test_mobiles_in_any_dress_normalise_to_their_digits(mobile, prefix, seps):
    text = prefix + mobile[:3] + seps[0] + mobile[3:7] + seps[1] + mobile[7:]
    assert calls.normalize_number(text) == mobile


AREAS = st.sampled_from(["010", "021", "022", "0571", "0755", "0512"])
SUBSCRIBERS = st.builds(lambda first, rest: first + rest, st.sampled_from("23456789"),
                        st.text("0123456789", min_size=6, max_size=7))
EXTENSIONS = st.text("0123456789", min_size=1, max_size=4)


@FAST
@given(AREAS, SUBSCRIBERS, st.one_of(st.none(), EXTENSIONS), SEP,
       st.sampled_from(["-", " 转 ", "转", " ext ", "#"]))
def test_landlines_with_area_code_and_extension(area, subscriber, ext, sep, ext_sep):
    text = f"{area}{sep or ' '}{subscriber}" + (f"{ext_sep}{ext}" if ext else "")
    expected = f"{area}-{subscriber}" + (f"-{ext}" if ext else "")
    assert calls.normalize_number(text) == expected


@FAST
@given(SUBSCRIBERS, st.one_of(st.none(), EXTENSIONS))
def test_landlines_without_area_code_keep_their_digits(subscriber, ext):
    text = f"{subscriber[:4]} {subscriber[4:]}" + (f" 转 {ext}" if ext else "")
    assert calls.normalize_number(text) == subscriber + (f"-{ext}" if ext else "")


@FAST
@given(st.text(alphabet="0123456789 -+()#转x.", max_size=24))
def test_normalize_number_is_idempotent_and_never_crashes(text):
    try:
        once = calls.normalize_number(text)
    except ValidationError:
        return
    assert calls.normalize_number(once) == once


# --- matching ----------------------------------------------------------------------------------


def test_match_mobile_with_rooms_open_orders_and_last_calls(world):
    open_id = order(world, person=world.zhang, room=world.r501)
    order(world, person=world.zhang, room=world.r501, status="closed", title="已关闭的")
    room_id = order(world, room=world.r501, title="邻居报的同屋问题")  # same room, no person
    for hour in range(8, 15):
        Call.create(direction="in", number="13800138000", person=world.zhang, staff=world.desk1,
                    started_at=dt.datetime(2026, 11, 20, hour, 0), summary=f"第{hour}次")
    m = calls.match_caller("+86 138-0013-8000")
    assert (m.number, m.person_id, m.name, m.ambiguous) == ("13800138000", world.zhang, "张晓明", ())
    assert m.rooms == ((world.r501, "3-2-501", "锦绣花园"),)
    assert [o[0] for o in m.open_orders] == [room_id, open_id]  # newest first, open only
    assert [c.summary for c in m.last_calls] == ["第14次", "第13次", "第12次", "第11次", "第10次"]
    assert m.staff_login is None and m.incident is None


def test_match_landline_with_area_code_without_it_and_by_tail(world):
    for typed in ("021-62345678", "(021)62345678", "62345678", "6234 5678"):
        m = calls.match_caller(typed)
        assert m.person_id == world.zhang, typed
    # The mobile 139 6234 5678 ends in the same digits but is not a landline: no match.
    assert calls.match_caller("62345678").ambiguous == ()
    assert calls.match_caller("2345678").person_id is None  # a shorter tail is another number


def test_match_extensions_either_way(world):
    # Stored 0571-8765432-801: the caller ID without extension, or another one, still matches.
    for typed in ("0571-8765432", "0571-8765432-801", "0571-8765432-802", "8765432", "8765432转801"):
        assert calls.match_caller(typed).person_id == world.li, typed
    # Stored without extension, called from an extension: the main number matches.
    assert calls.match_caller("021-62345678-12").person_id == world.zhang


def test_match_staff_unknown_and_shared_numbers(world):
    m = calls.match_caller("139 1111 2222")
    assert (m.staff_login, m.staff_name, m.person_id) == ("desk1", "李娜", None)
    unknown = calls.match_caller("13700000000")
    assert (unknown.person_id, unknown.name, unknown.rooms, unknown.open_orders) == (None, "", (), ())
    assert not unknown.known
    shared = calls.match_caller("021-55556666")
    assert shared.person_id is None
    assert sorted(shared.ambiguous) == sorted([(world.wang_w, "王伟"), (world.wang_l, "王丽")])
    assert shared.rooms == ((world.r302, "5-1-302", "锦绣花园"),)  # their common room
    short = calls.match_caller("95588")
    assert short.number == "95588" and not short.known


# --- the call log ------------------------------------------------------------------------------


def test_log_call_matches_the_person_and_fills_defaults(world):
    view = calls.log_call(calls.CallInput(direction="in", number="138 0013 8000", category="repair",
                                          summary="  厨房漏水  ", duration_s=95), world.desk1)
    assert (view.person_id, view.person, view.number) == (world.zhang, "张晓明", "13800138000")
    assert (view.staff, view.started_at, view.summary, view.outcome) == ("李娜", NOW, "厨房漏水", "")
    assert calls.get_call(view.id) == view
    colleague = calls.log_call(calls.CallInput(direction="in", number="13911112222"), world.desk2)
    assert colleague.caller_staff == "李娜" and colleague.person_id is None
    shared = calls.log_call(calls.CallInput(direction="in", number="021-55556666"), world.desk1)
    assert shared.person_id is None  # two people: the clerk picks one
    withheld = calls.log_call(calls.CallInput(direction="in", number=""), world.desk1)
    assert withheld.number == ""


def test_log_call_callback_and_work_order_set_the_outcome(world):
    due = NOW + dt.timedelta(hours=2)
    view = calls.log_call(calls.CallInput(direction="in", number="13800138000", callback_due=due),
                          world.desk1)
    assert (view.outcome, view.callback_due, view.callback_assignee_id) == ("callback", due, world.desk1)
    oid = order(world, person=world.zhang)
    linked = calls.log_call(calls.CallInput(direction="in", number="13800138000", work_order_id=oid),
                            world.desk1)
    assert linked.outcome == "ticket" and linked.work_order_number.startswith("BX-")
    other = calls.log_call(calls.CallInput(direction="out", number="13800138000"), world.desk1)
    assert calls.link_work_order(other.id, oid, world.desk1).work_order_id == oid


@pytest.mark.parametrize(("changes", "field"), [
    ({"direction": "sideways"}, "direction"),
    ({"number": "abc"}, "number"),
    ({"category": "gossip"}, "category"),
    ({"outcome": "maybe"}, "outcome"),
    ({"duration_s": -1}, "duration_s"),
    ({"duration_s": 13 * 3600}, "duration_s"),
    ({"summary": "漏水\x1b[31m"}, "summary"),
    ({"started_at": NOW + dt.timedelta(hours=1)}, "started_at"),
    ({"callback_due": NOW - dt.timedelta(minutes=5)}, "callback_due"),
    ({"callback_assignee_id": 1}, "callback_due"),
])
def test_log_call_validates_and_stores_nothing(world, changes, field):
    data = calls.CallInput(direction="in", number="13800138000")
    for key, value in changes.items():
        setattr(data, key, value)
    with pytest.raises(ValidationError) as caught:
        calls.log_call(data, world.desk1)
    assert caught.value.field == field
    assert Call.select().count() == 0


def test_attach_number_makes_earlier_calls_follow(world):
    first = calls.log_call(calls.CallInput(direction="in", number="137 0000 0000"), world.desk1)
    calls.log_call(calls.CallInput(direction="in", number="13700000000"), world.desk2)
    calls.log_call(calls.CallInput(direction="in", number="13800138000"), world.desk1)  # someone else
    assert first.person_id is None
    assert calls.attach_number("137-0000-0000", world.li, world.desk1) == 2
    assert calls.get_call(first.id).person == "李芳"
    assert Phone.select().where(Phone.person == world.li, Phone.number == "13700000000").exists()
    assert calls.match_caller("13700000000").person_id == world.li
    # Attaching again adds nothing and finds no more unattached calls.
    assert calls.attach_number("13700000000", world.li, world.desk1) == 0
    assert Phone.select().where(Phone.number == "13700000000").count() == 1
    with pytest.raises(NotFoundError):
        calls.attach_number("13700000000", 999_999, world.desk1)


def test_call_history_pages_newest_first_with_filters(world):
    ids = []
    for i in range(7):
        ids.append(Call.create(direction="in" if i % 2 else "out", number="13800138000",
                               person=world.zhang, staff=world.desk1 if i < 5 else world.desk2,
                               started_at=dt.datetime(2026, 11, 20 + i // 2, 9, 0),
                               category="repair" if i < 3 else "inquiry").id)
    seen, after = [], None
    while True:
        page = calls.call_history(limit=3, after=after)
        seen += [v.id for v in page.rows]
        after = page.next_cursor
        if after is None:
            break
    # Two calls share each start time: the id breaks the tie, newest first, across pages.
    assert seen == ids[::-1]
    assert len(calls.call_history(calls.CallFilter(staff_id=world.desk2)).rows) == 2
    assert len(calls.call_history(calls.CallFilter(category="repair")).rows) == 3
    assert len(calls.call_history(calls.CallFilter(direction="in")).rows) == 3
    assert len(calls.call_history(calls.CallFilter(since=dt.date(2026, 11, 22),
                                                   until=dt.date(2026, 11, 22))).rows) == 2
    assert len(calls.call_history(calls.CallFilter(number="+86 13800138000")).rows) == 7


# --- callbacks ---------------------------------------------------------------------------------


def callback(world, due: dt.datetime, assignee: int, summary: str = "需回电") -> int:
    return Call.create(direction="in", number="13800138000", person=world.zhang, staff=world.desk1,
                       started_at=NOW - dt.timedelta(days=1), summary=summary, outcome="callback",
                       callback_due=due, callback_assignee=assignee).id


def test_callbacks_overdue_versus_due_today(world):
    late = callback(world, NOW - dt.timedelta(hours=1), world.desk1, "昨天答应的")
    today = callback(world, NOW + dt.timedelta(hours=3), world.desk1, "今天下午")
    theirs = callback(world, NOW - dt.timedelta(hours=2), world.desk2, "别人的")
    assert [c.id for c in calls.callbacks()] == [theirs, late, today]
    assert [c.id for c in calls.callbacks(world.desk1)] == [late, today]
    assert [c.id for c in calls.callbacks(world.desk1, overdue_only=True)] == [late]
    views = {c.id: c for c in calls.callbacks()}
    assert views[late].callback_overdue() and not views[today].callback_overdue()
    done = calls.complete_callback(late, world.desk1, "已答复")
    assert done.callback_done_at == NOW and "李娜" in done.summary and "已答复" in done.summary
    assert [c.id for c in calls.callbacks(world.desk1)] == [today]
    with pytest.raises(ValidationError):
        calls.complete_callback(late, world.desk1)
    plain = Call.create(direction="in", number="1", staff=world.desk1).id
    with pytest.raises(ValidationError):
        calls.complete_callback(plain, world.desk1)


def test_schedule_callback_refuses_the_past(world):
    view = calls.log_call(calls.CallInput(direction="in", number="13800138000", outcome="resolved"),
                          world.desk1)
    with pytest.raises(ValidationError) as caught:
        calls.schedule_callback(view.id, NOW - dt.timedelta(hours=1), world.desk2, world.desk1)
    assert caught.value.field == "callback_due"
    moved = calls.schedule_callback(view.id, NOW + dt.timedelta(days=1), world.desk2, world.desk1)
    assert (moved.callback_assignee, moved.outcome, moved.callback_open) == ("王芳", "callback", True)


def test_notify_due_callbacks_once_per_call_idempotent(world):
    late = callback(world, NOW - dt.timedelta(minutes=30), world.desk2)
    callback(world, NOW + dt.timedelta(hours=1), world.desk1)  # not due yet
    assert calls.notify_due_callbacks() == 1
    assert calls.notify_due_callbacks() == 0
    [note] = Notification.select().where(Notification.kind == "callback")
    assert (note.staff_id, note.entity, note.entity_id) == (world.desk2, "call", late)
    assert "张晓明" in note.title
    # An hour later the second one is due: only it is told.
    assert calls.notify_due_callbacks(NOW + dt.timedelta(hours=1)) == 1
    assert calls.notify_due_callbacks(NOW + dt.timedelta(hours=2)) == 0
    # A moved callback is a new promise: told again when it falls due.
    calls.schedule_callback(late, NOW + dt.timedelta(hours=3), world.desk2, world.desk1)
    assert calls.notify_due_callbacks(NOW + dt.timedelta(hours=3)) == 1
    calls.complete_callback(late, world.desk2)
    assert calls.notify_due_callbacks(NOW + dt.timedelta(hours=9)) == 0
    assert Notification.select().count() == 3


# --- call lists --------------------------------------------------------------------------------


def test_callback_list_from_resolved_orders_only_and_not_twice(world, en):
    r1 = order(world, status="resolved", person=world.zhang, room=world.r501,
               resolved=dt.datetime(2026, 11, 26, 12, 0))
    r2 = order(world, status="resolved", person=world.li, contact="0571-8765432-801",
               resolved=dt.datetime(2026, 11, 26, 9, 0))
    order(world, status="resolved", resolved=dt.datetime(2026, 11, 26, 10, 0))  # no phone at all
    order(world, status="in_progress", person=world.zhang)
    order(world, status="visited", person=world.zhang)
    list_id = calls.build_callback_list(world.desk1, assignee_id=world.desk2)
    items = calls.list_items(list_id)
    assert [(i.work_order_id, i.number, i.name, i.room) for i in items] == [
        (r2, "0571-8765432-801", "李芳", "5-1-101"),  # resolved earlier: first
        (r1, "13800138000", "张晓明", "3-2-501"),
    ]
    [lst] = calls.call_lists()
    assert (lst.kind, lst.assignee, lst.total, lst.done, lst.pending) == ("callback", "王芳", 2, 0, 2)
    assert lst.name.startswith("Callbacks 2026-11-27")
    with pytest.raises(ValidationError) as caught:
        calls.build_callback_list(world.desk1)
    assert "callback" in str(caught.value)
    assert CallList.select().count() == 1
    assert calls.call_lists(world.desk2) and calls.call_lists(world.desk1) == []


def test_list_from_search_takes_current_people_with_a_phone(world):
    list_id = calls.build_list_from_search("5-1", world.desk1, name="5号楼停水通知")
    items = calls.list_items(list_id)
    assert {(i.name, i.number) for i in items} == {
        ("李芳", "0571-8765432-801"), ("王伟", "021-55556666")}  # 王丽 shares 王伟's number
    assert calls.call_lists()[0].name == "5号楼停水通知"
    with pytest.raises(ValidationError):
        calls.build_list_from_search("无此人", world.desk1)


def test_list_from_a_file_matches_people(world, tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("电话,备注\n138 0013 8000,张\n\n0571-8765432,\n95588,银行\n13800138000,重复\n",
                    encoding="utf-8")
    items = calls.list_items(calls.build_list_from_file(str(path), world.sup))
    assert [(i.number, i.person_id) for i in items] == [
        ("13800138000", world.zhang), ("0571-8765432", world.li), ("95588", None)]
    txt = tmp_path / "plain.txt"
    txt.write_bytes("13700000000\r\n021-55556666\r\n".encode("gb18030"))
    items = calls.list_items(calls.build_list_from_file(str(txt), world.sup))
    assert [(i.number, i.person_id) for i in items] == [("13700000000", None), ("021-55556666", None)]


def test_list_from_a_file_with_bad_lines_lists_them_and_creates_nothing(world, tmp_path, en):
    path = tmp_path / "numbers.txt"
    path.write_text("13800138000\nabc\n13700000000\n12\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        calls.build_list_from_file(str(path), world.sup)
    message = str(caught.value)
    assert "2 line(s)" in message and "line 2" in message and "line 4" in message
    assert "line 1" not in message and "line 3" not in message
    assert CallList.select().count() == 0 and CallListItem.select().count() == 0
    with pytest.raises(ValidationError):
        calls.build_list_from_file(str(tmp_path / "missing.txt"), world.sup)


def test_attempts_later_hides_the_item_and_three_no_answers_end_it(world):
    path_ids = calls.build_list_from_search("5-1", world.desk1)
    first, second = calls.list_items(path_ids)
    assert calls.next_item(path_ids).id == first.id
    with pytest.raises(ValidationError) as caught:
        calls.record_attempt(first.id, world.desk1, "later")
    assert caught.value.field == "retry_at"
    with pytest.raises(ValidationError):
        calls.record_attempt(first.id, world.desk1, "later", retry_at=NOW - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        calls.record_attempt(first.id, world.desk1, "maybe")
    retry = NOW + dt.timedelta(hours=2)
    view = calls.record_attempt(first.id, world.desk1, "later", "在开会", retry_at=retry)
    assert (view.status, view.attempts, view.last_outcome, view.retry_at) == ("pending", 1, "later", retry)
    assert calls.next_item(path_ids).id == second.id  # the first waits for its time
    for n in range(1, 4):
        view = calls.record_attempt(second.id, world.desk1, "no_answer")
        assert view.status == ("done" if n == 3 else "pending")
        if n < 3:  # while the first waits, the second is next again
            assert calls.next_item(path_ids).id == second.id
    assert calls.next_item(path_ids) is None
    assert calls.next_item(path_ids, at=retry).id == first.id
    with pytest.raises(ValidationError):
        calls.record_attempt(second.id, world.desk1, "no_answer")
    assert calls.call_lists()[0].pending == 1
    calls.record_attempt(first.id, world.desk2, "connected", "已通知")
    assert calls.call_lists() == []  # closed with its last item
    [closed] = calls.call_lists(open_only=False)
    assert (closed.done, closed.pending, closed.closed_at) == (2, 0, NOW)
    logged = Call.select().where(Call.direction == "out").order_by(Call.id)
    assert [c.outcome for c in logged] == ["callback", "no_answer", "no_answer", "no_answer", "resolved"]
    assert {c.category for c in logged} == {"notice"}
    assert CallAttempt.select().count() == 5


def test_connected_callback_item_logs_the_call_and_can_record_the_rating(world):
    oid = order(world, status="resolved", person=world.zhang, room=world.r501,
                resolved=dt.datetime(2026, 11, 26, 12, 0))
    list_id = calls.build_callback_list(world.desk1)
    [item] = calls.list_items(list_id)
    invalid = calls.record_attempt(item.id, world.desk1, "rejected")
    assert invalid.status == "pending"
    with pytest.raises(ValidationError):
        calls.record_attempt(item.id, world.desk1, "rejected", rating=5)
    done = calls.record_attempt(item.id, world.desk1, "connected", "很满意", rating=5, duration_s=80)
    assert done.status == "done" and done.work_order_number.startswith("BX-")
    call = Call.select().where(Call.direction == "out").order_by(Call.id.desc()).first()
    assert (call.category, call.work_order_id, call.duration_s, call.person_id) == (
        "callback", oid, 80, world.zhang)
    assert wo.get_order(oid).status == "visited" and wo.get_order(oid).rating == 5


def test_invalid_number_ends_the_item_at_once(world, tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("13700000000\n", encoding="utf-8")
    [item] = calls.list_items(calls.build_list_from_file(str(path), world.sup))
    assert calls.record_attempt(item.id, world.desk1, "invalid").status == "done"


# --- scripts -----------------------------------------------------------------------------------


def test_default_scripts_are_seeded_once(world):
    from data.seed import ensure_reference_data

    count = Script.select().count()
    assert count == len(calls.DEFAULT_SCRIPTS)
    categories = {s.category for s in calls.scripts()}
    assert {"repair", "complaint", "callback", "notice"} <= categories
    sid = calls.save_script("notice", "燃气检修通知", "{称呼}您好，燃气检修……", world.sup)
    ensure_reference_data()
    assert Script.select().count() == count + 1
    assert [s.title for s in calls.scripts("notice")] == ["停水通知", "停电通知", "燃气检修通知"]
    with pytest.raises(ValidationError):
        calls.save_script("notice", "燃气检修通知", "重复", world.sup)
    with pytest.raises(ValidationError):
        calls.save_script("gossip", "x", "y", world.sup)
    calls.save_script("notice", "燃气检修通知", "改过的", world.sup, script_id=sid)
    assert Script.get_by_id(sid).body == "改过的"


def test_fill_script_placeholders(world):
    oid = order(world, person=world.zhang, room=world.r501)
    WorkOrder.update(appointment_at=dt.datetime(2026, 11, 28, 9, 30)).where(WorkOrder.id == oid).execute()
    number = WorkOrder.get_by_id(oid).number
    body = "{称呼}您好，{姓名}，{房号}的工单{工单号}，预约{预约时间}。{未知}{ 姓名 }"
    assert calls.fill_script(body, work_order_id=oid) == (
        f"张先生您好，张晓明，3-2-501的工单{number}，预约11月28日 09:30。（未知）张晓明")
    assert calls.fill_script("{称呼}，{房号}", person_id=world.li) == "李女士，5-1-101"
    when = dt.datetime(2026, 12, 1, 14, 0)
    assert calls.fill_script("{预约时间}", appointment=when) == "12月1日 14:00"
    ouyang = people.create_person(PersonInput(name="欧阳娜娜", gender="F"))
    nobody = people.create_person(PersonInput(name="钱多多"))
    assert calls.fill_script("{称呼}", person_id=ouyang) == "欧阳女士"
    assert calls.fill_script("{称呼}{姓名}", person_id=nobody) == "业主钱多多"
    # Nothing known: neutral stand-ins, never a raw placeholder; never raises.
    assert calls.fill_script("{称呼}{姓名}{房号}{工单号}{预约时间}") == (
        "业主业主您家（保存后生成）（待与维修师傅约定）")
    assert calls.fill_script("{姓名}", person_id=999_999, work_order_id=999_999) == "业主"
    assert calls.fill_script("no {braces", person_id=world.zhang) == "no {braces"


# --- incidents ---------------------------------------------------------------------------------


def test_declare_incident_validates_and_needs_a_supervisor(world, en):
    starts, ends = NOW - dt.timedelta(hours=1), NOW + dt.timedelta(hours=5)
    with pytest.raises(PermissionDenied) as caught:
        calls.declare_incident("water_cut", "3号楼停水", [world.b3], starts, ends, "", world.desk1)
    assert "supervisor" in str(caught.value)
    bad = [
        ({"kind": "flood"}, "kind"),
        ({"buildings": []}, "buildings"),
        ({"buildings": [999_999]}, "buildings"),
        ({"ends": starts}, "ends"),
        ({"ends": starts - dt.timedelta(hours=1)}, "ends"),
        ({"starts": NOW - dt.timedelta(days=2), "ends": NOW - dt.timedelta(days=1)}, "ends"),
    ]
    for changes, field in bad:
        args = {"kind": "water_cut", "buildings": [world.b3], "starts": starts, "ends": ends, **changes}
        with pytest.raises(ValidationError) as caught:
            calls.declare_incident(args["kind"], "停水", args["buildings"], args["starts"], args["ends"],
                                   "", world.sup)
        assert caught.value.field == field, changes
    view = calls.declare_incident("water_cut", "", [world.b3, world.b3], starts, ends,
                                  "3号楼今天14点前恢复供水", world.sup)
    assert (view.title, view.buildings, view.calls, view.callers) == (
        "Water cut", ("锦绣花园 building 3",), 0, 0)
    assert view.declared_by == "陈静" and view.active(NOW)


def test_incident_for_room_only_while_active_and_only_its_buildings(world):
    starts, ends = NOW + dt.timedelta(hours=1), NOW + dt.timedelta(hours=4)
    view = calls.declare_incident("power_cut", "3号楼停电", [world.b3], starts, ends, "话术", world.sup)
    assert calls.incident_for_room(world.r501) is None  # not started yet
    assert calls.incident_for_room(world.r501, at=starts).id == view.id
    assert calls.incident_for_room(world.r101, at=starts) is None  # building 5
    assert calls.incident_for_room(world.r501, at=ends) is None  # over
    assert [i.id for i in calls.active_incidents(starts)] == [view.id]
    assert calls.match_caller("13800138000", at=starts).incident.script == "话术"
    assert calls.match_caller("0571-8765432", at=starts).incident is None
    with pytest.raises(PermissionDenied):
        calls.end_incident(view.id, world.desk1)
    ended = calls.end_incident(view.id, world.sup, at=starts + dt.timedelta(hours=1))
    assert ended.ended_at == starts + dt.timedelta(hours=1)
    assert calls.incident_for_room(world.r501, at=starts + dt.timedelta(hours=2)) is None
    with pytest.raises(ValidationError):
        calls.end_incident(view.id, world.sup)


def test_tag_call_counts_calls_and_distinct_callers(world):
    view = calls.declare_incident("lift_down", "3号楼电梯停运", [world.b3], NOW,
                                  NOW + dt.timedelta(hours=3), "维保人员已到场", world.sup)
    numbers = ["13800138000", "021-62345678", "13700000000", "137 0000 0000", "13600000000"]
    for number in numbers:
        call = calls.log_call(calls.CallInput(direction="in", number=number), world.desk1)
        tagged = calls.tag_call(call.id, view.id, world.desk1)
        assert tagged.incident_id == view.id and tagged.incident_title == "3号楼电梯停运"
    logged = calls.log_call(calls.CallInput(direction="in", number="13800138000",
                                            incident_id=view.id), world.desk2)
    assert logged.incident_id == view.id
    counted = calls.active_incidents()[0]
    # 张晓明 three times (mobile twice, landline once) and two unknown numbers.
    assert (counted.calls, counted.callers) == (6, 3)
    with pytest.raises(NotFoundError):
        calls.tag_call(logged.id, 999_999, world.desk1)


# --- statistics --------------------------------------------------------------------------------


def stats_calls(world) -> None:
    """Eight calls over 24–26 November (the 25th has none) and two outside the range.

    call  day    time   dir  staff  category   outcome    dur  callback due / done
    c1    24th   09:00  in   desk1  repair     resolved   120
    c2    24th   10:00  in   desk1  complaint  callback    60  24th 15:00 / 24th 14:00 (on time)
    c3    24th   11:00  out  desk2  callback   no_answer    0
    c4    26th   09:00  in   desk2  inquiry    ticket     300
    c5    26th   09:30  out  desk1  notice     invalid      0
    c6    26th   10:00  in   desk1  repair     (none)     180  26th 12:00 / 26th 13:00 (late)
    c7    26th   16:00  out  desk2  callback   rejected     5
    c8    26th   10:30  in   desk1  inquiry    callback    30  26th 17:00 / not done (overdue)
    """
    d24, d26 = dt.datetime(2026, 11, 24), dt.datetime(2026, 11, 26)
    rows = [
        (d24, 9, 0, "in", world.desk1, "repair", "resolved", 120, None, None),
        (d24, 10, 0, "in", world.desk1, "complaint", "callback", 60, (d24, 15), (d24, 14)),
        (d24, 11, 0, "out", world.desk2, "callback", "no_answer", 0, None, None),
        (d26, 9, 0, "in", world.desk2, "inquiry", "ticket", 300, None, None),
        (d26, 9, 30, "out", world.desk1, "notice", "invalid", 0, None, None),
        (d26, 10, 0, "in", world.desk1, "repair", "", 180, (d26, 12), (d26, 13)),
        (d26, 16, 0, "out", world.desk2, "callback", "rejected", 5, None, None),
        (d26, 10, 30, "in", world.desk1, "inquiry", "callback", 30, (d26, 17), None),
    ]
    for day, hh, mm, direction, staff, category, outcome, duration, due, done in rows:
        Call.create(
            direction=direction, number="13800138000", staff=staff,
            started_at=day.replace(hour=hh, minute=mm), category=category, outcome=outcome,
            duration_s=duration,
            callback_due=due[0].replace(hour=due[1]) if due else None,
            callback_assignee=staff if due else None,
            callback_done_at=done[0].replace(hour=done[1]) if done else None,
        )
    Call.create(direction="in", number="1", staff=world.desk1,
                started_at=dt.datetime(2026, 11, 23, 23, 59, 59), duration_s=999)
    Call.create(direction="in", number="1", staff=world.desk1,
                started_at=dt.datetime(2026, 11, 27, 0, 0), duration_s=999)


def test_call_stats_against_hand_computed_values(world):
    stats_calls(world)
    s = calls.call_stats(dt.date(2026, 11, 24), dt.date(2026, 11, 26))
    assert (s.total, s.inbound, s.outbound) == (8, 5, 3)
    # Needing an answer: all but the invalid number (7); answered: less no_answer, rejected.
    assert (s.needed_answer, s.answered) == (7, 5)
    assert s.answered_rate == pytest.approx(5 / 7)
    assert s.avg_duration_s == pytest.approx((120 + 60 + 300 + 180 + 30) / 5)  # 138
    assert s.by_day == (
        (dt.date(2026, 11, 24), 2, 1),
        (dt.date(2026, 11, 25), 0, 0),
        (dt.date(2026, 11, 26), 3, 2),
    )
    assert s.by_staff == (("李娜", 5, pytest.approx(390 / 4)), ("王芳", 3, pytest.approx(300.0)))
    assert s.by_category == (("callback", 2), ("inquiry", 2), ("repair", 2), ("complaint", 1),
                             ("notice", 1))
    assert s.by_outcome == (("callback", 2), ("", 1), ("invalid", 1), ("no_answer", 1),
                            ("rejected", 1), ("resolved", 1), ("ticket", 1))
    assert (s.callbacks_due, s.callbacks_on_time) == (3, 1)
    assert s.callbacks_on_time_rate == pytest.approx(1 / 3)
    as_json = s.as_json()
    assert as_json["answered_rate"] == 0.7143 and as_json["by_day"][1] == {
        "day": "2026-11-25", "in": 0, "out": 0}


def test_call_stats_per_staff_and_empty_ranges(world):
    stats_calls(world)
    s = calls.call_stats(dt.date(2026, 11, 24), dt.date(2026, 11, 26), staff_id=world.desk2)
    assert (s.total, s.inbound, s.outbound, s.needed_answer, s.answered) == (3, 1, 2, 3, 1)
    assert s.avg_duration_s == pytest.approx(300.0)
    assert (s.callbacks_due, s.callbacks_on_time, s.callbacks_on_time_rate) == (0, 0, 0.0)
    empty = calls.call_stats(dt.date(2026, 10, 1), dt.date(2026, 10, 2))
    assert (empty.total, empty.answered_rate, empty.avg_duration_s) == (0, 0.0, 0.0)
    assert empty.by_day == ((dt.date(2026, 10, 1), 0, 0), (dt.date(2026, 10, 2), 0, 0))
    assert empty.by_staff == () and empty.by_category == ()
    with pytest.raises(ValidationError):
        calls.call_stats(dt.date(2026, 11, 26), dt.date(2026, 11, 24))


def test_callbacks_due_later_count_only_when_done(world):
    """A callback due after `now` is not yet kept or missed, unless it was made already."""
    callback(world, NOW + dt.timedelta(hours=3), world.desk1)
    early = callback(world, NOW + dt.timedelta(hours=5), world.desk1)
    calls.complete_callback(early, world.desk1)
    s = calls.call_stats(NOW.date(), NOW.date())
    assert (s.callbacks_due, s.callbacks_on_time) == (1, 1)

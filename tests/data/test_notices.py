"""Notices (公告) and community activities (issue 19 items 1, 5): targeting by building,
entrance and tag, the households not yet told, placeholders, schedule and expiry, the
lobby-board PDF read back, the incident's draft notice, and activity capacity."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from data import calls, people
from data.errors import ValidationError
from data.i18n import set_language
from data.models import Building, NoticeDelivery
from data.notices import (
    create_activity,
    create_notice,
    get_notice,
    list_notices,
    mark_attended,
    mark_reached,
    notice_from_incident,
    notice_pdf,
    publish_due,
    publish_notice,
    sign_up,
    unreached,
    withdraw_notice,
)
from data.people import PersonInput
from data.settings import set_setting
from tests import factories as f

D = dt.datetime
NOW = "2026-11-30 08:00"


@pytest.fixture
def world(database, monkeypatch, tmp_path) -> SimpleNamespace:
    set_language("en")
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜", "desk")
    admin = f.staff("admin1", "管理员", "admin")
    homes = {}
    # Building 3: two entrances; building 5: one; building 7 is not targeted.
    for code, name, phone in (("3-1-101", "张伟", "13800000001"), ("3-1-102", "王芳", "010-88886666"),
                              ("3-2-201", "刘洋", "13800000003"), ("5-1-101", "陈静", "13800000004"),
                              ("5-1-102", "赵敏", None), ("7-1-101", "孙丽", "13800000006")):
        room = people.ensure_room(comm.id, code)
        pid = people.create_person(PersonInput(name=name, phones=[phone] if phone else []))
        people.move_in(pid, room, "owner")
        homes[code] = (room, pid)
    people.set_tags(homes["3-2-201"][1], ["独居老人"])
    people.set_tags(homes["7-1-101"][1], ["独居老人"])
    script = tmp_path / "sms"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    set_setting("message_command", str(script), admin.id)
    b = {c: Building.get(Building.community == comm.id, Building.code == c).id for c in ("3", "5", "7")}
    return SimpleNamespace(comm=comm, desk=desk, homes=homes, b=b)


WATER = {"开始时间": "12月1日 9:00", "结束时间": "12月1日 17:00", "原因": "市政管网维修"}


def test_a_water_notice_to_two_buildings_tells_each_household_and_lists_who_is_left(world):
    n = create_notice("停水通知", world.comm.id, "3, 5", WATER, world.desk.id)
    assert n.status == "draft" and n.households == 5
    assert "3栋、5栋将于12月1日 9:00至12月1日 17:00暂停供水" in n.body and "{" not in n.body
    result = publish_notice(n.id, world.desk.id)
    # 3-1-101, 5-1-101 have mobiles: messaged. 3-1-102 (landline) and 3-2-201 (独居老人) are
    # called; 5-1-102 has no number at all.
    assert result.messages_sent == 2 and result.called == 2
    view = get_notice(n.id)
    assert (view.status, view.reached, view.households, view.unreached) == ("published", 2, 5, 3)
    left = unreached(n.id)
    assert [(d.room, d.channel) for d in left] == [("3-1-102", "call"), ("3-2-201", "call"), ("5-1-102", "none")]
    # The call list's answered call marks the household told.
    item = calls.list_items(result.call_list_id)[0]
    calls.record_attempt(item.id, world.desk.id, "connected")
    assert [d.room for d in unreached(n.id)] == ["3-2-201", "5-1-102"]
    told = NoticeDelivery.get(NoticeDelivery.notice == n.id, NoticeDelivery.room == world.homes["3-1-102"][0])
    assert told.how == "call" and told.reached_at == D(2026, 11, 30, 8)
    assert [r.reached for r in list_notices() if r.id == n.id] == [3]
    # 5-1-102 has no number: told on a visit, by hand.
    visited = mark_reached(n.id, world.homes["5-1-102"][0], "visit", world.desk.id, "上门告知")
    assert (visited.how, visited.staff, visited.note) == ("visit", "李娜", "上门告知")
    assert [d.room for d in unreached(n.id)] == ["3-2-201"]


def test_entrance_and_tag_targets(world):
    entrance = create_notice("温馨提示", world.comm.id, "3-1", {"内容": "楼道请勿堆放杂物"}, world.desk.id)
    assert entrance.households == 2
    tagged = create_notice("温馨提示", world.comm.id, "#独居老人", {"内容": "天冷注意保暖"}, world.desk.id)
    assert tagged.households == 2
    publish_notice(tagged.id, world.desk.id)
    assert sorted(d.room for d in unreached(tagged.id)) == ["3-2-201", "7-1-101"]  # both called, none messaged


def test_unknown_or_unfilled_placeholders_are_refused(world):
    with pytest.raises(ValidationError, match=r"Unknown placeholder\(s\) \{停车场\}"):
        create_notice("温馨提示", world.comm.id, "3", {}, world.desk.id, body="请到{停车场}挪车")
    with pytest.raises(ValidationError, match=r"Fill in \{原因\}、\{开始时间\}、\{结束时间\}"):
        create_notice("停水通知", world.comm.id, "3", {}, world.desk.id)
    with pytest.raises(ValidationError, match="not a building, entrance or tag"):
        create_notice("温馨提示", world.comm.id, "9", {"内容": "x"}, world.desk.id)
    assert list_notices() == []


def test_schedule_and_expiry(world, monkeypatch):
    later = create_notice("电梯维保", world.comm.id, "5", WATER, world.desk.id,
                          publish_at=D(2026, 12, 2, 9), expires_at=D(2026, 12, 3, 18))
    result = publish_notice(later.id, world.desk.id)
    assert result.notice.status == "scheduled" and result.notice.reached == 0
    assert publish_due(world.desk.id) == []
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-02 09:30")
    [done] = publish_due(world.desk.id)
    assert done.notice.status == "published" and done.messages_sent == 1
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-04 09:00")
    assert get_notice(later.id).status == "expired"
    assert withdraw_notice(later.id, world.desk.id).status == "withdrawn"
    with pytest.raises(ValidationError, match="expire after"):
        create_notice("消杀", world.comm.id, "全体", WATER, world.desk.id,
                      publish_at=D(2026, 12, 9), expires_at=D(2026, 12, 8))


def test_the_lobby_pdf_reads_back_in_chinese(world):
    n = create_notice("停水通知", world.comm.id, "3,5", WATER, world.desk.id)
    text = "".join(p.extract_text() for p in PdfReader(str(notice_pdf(n.id, world.desk.id))).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "关于3栋、5栋临时停水的通知" in compact
    assert "（盖章）" in compact and "2026年11月30日" in compact


def test_an_incident_drafts_its_notice(world):
    sup = f.staff("super1", "陈主管", "supervisor")
    inc = calls.declare_incident("water_cut", "水泵检修", [world.b["3"], world.b["5"]], D(2026, 11, 30, 9),
                                 D(2026, 11, 30, 15), "今天停水", sup.id)
    n = notice_from_incident(inc.id, world.desk.id)
    assert n.template == "停水通知" and n.status == "draft" and n.households == 5
    assert "因水泵检修，3栋、5栋将于11月30日 09:00至11月30日 15:00暂停供水" in n.body
    assert n.expires_at == D(2026, 11, 30, 15) and n.incident_id == inc.id


def test_activity_capacity_and_attendance(world):
    act = create_activity("sports", "邻里运动会", world.comm.id, "中心广场", D(2026, 12, 12, 9), 3, world.desk.id)
    assert get_notice(act.notice_id).template == "活动通知"
    sign_up(act.id, "3-1-101", 2, world.desk.id)
    with pytest.raises(ValidationError, match="full: 2 of 3 places taken, 1 left"):
        sign_up(act.id, "5-1-101", 2, world.desk.id)
    with pytest.raises(ValidationError, match="signed up already"):
        sign_up(act.id, "3-1-101", 1, world.desk.id)
    view = mark_attended(act.id, "3-1-101", True, world.desk.id)
    assert (view.signed, view.households, view.attended) == (2, 1, 1)
    assert [s.room for s in view.signups] == ["3-1-101"]


def test_the_length_limits_hold_after_the_placeholders_are_filled(world):
    """attack19 #4: one 200-character value repeated in {内容} made a 200 000-character body."""
    long = "长" * 200
    with pytest.raises(ValidationError, match=r"the body has 200\d{3} characters; at most 4000"):
        create_notice("温馨提示", world.comm.id, "3", {"内容": long}, world.desk.id, body="{内容}" * 1000)
    with pytest.raises(ValidationError, match=r"the title has 2\d\d characters; at most 120"):
        create_notice("温馨提示", world.comm.id, "3", {"内容": long}, world.desk.id, title="{内容}", body="x")
    assert list_notices() == []
    ok = create_notice("温馨提示", world.comm.id, "3", {"内容": "长" * 19}, world.desk.id, body="{内容}" * 200)
    assert len(ok.body) == 3800


def test_without_a_message_channel_publishing_says_so_and_calls_the_mobiles(world):
    """walk19 #3: no message command configured → "0 by message" with no reason given."""
    from data.models import Setting

    Setting.delete().where(Setting.key == "message_command").execute()
    n = create_notice("停水通知", world.comm.id, "3, 5", WATER, world.desk.id)
    result = publish_notice(n.id, world.desk.id)
    assert result.message.startswith("No message channel is configured: 2 households with a mobile go on the call list.")
    assert result.messages_sent == 0 and result.called == 4
    assert [(d.room, d.channel) for d in unreached(n.id)] == [
        ("3-1-101", "call"), ("3-1-102", "call"), ("3-2-201", "call"), ("5-1-101", "call"), ("5-1-102", "none")]


def test_a_household_told_another_way_leaves_the_call_list(world):
    """walk19 #6: told at the desk, a household must not stay on the notice's call list."""
    from data.calls.lists import list_items

    n = create_notice("停水通知", world.comm.id, "3", WATER, world.desk.id)
    result = publish_notice(n.id, world.desk.id)
    before = {i.id for i in list_items(result.call_list_id, pending_only=True)}
    assert len(before) == 2  # 3-1-102 (landline) and 3-2-201 (独居老人)
    told = mark_reached(n.id, world.homes["3-1-102"][0], "desk", world.desk.id)
    assert (told.room, told.how) == ("3-1-102", "desk")
    assert len(list_items(result.call_list_id, pending_only=True)) == 1


def test_undoing_a_household_marked_told_by_hand_puts_it_back_and_on_the_call_list(world):
    """walk19 #5 / h103: a marking by hand (call, visit, desk) can be undone; the household is
    not told again and back on the notice's call list; an SMS that was sent cannot be undone."""
    from data.calls.lists import list_items
    from data.errors import NotFoundError
    from data.models import CallList
    from data.notices import delivery_page, undo_reached

    n = create_notice("停水通知", world.comm.id, "3", WATER, world.desk.id)
    result = publish_notice(n.id, world.desk.id)  # 3-1-101 texted; 3-1-102 and 3-2-201 to call
    room = world.homes["3-1-102"][0]
    mark_reached(n.id, room, "call", world.desk.id, "电话告知")
    mark_reached(n.id, world.homes["3-2-201"][0], "desk", world.desk.id)
    assert list_items(result.call_list_id, pending_only=True) == []
    page = delivery_page(n.id, told=True)
    assert (page.told, page.not_told) == (3, 0)
    assert [(d.room, d.how, d.staff) for d in page.rows] == [
        ("3-1-101", "message", "李娜"), ("3-1-102", "call", "李娜"), ("3-2-201", "desk", "李娜")]
    back = undo_reached(n.id, room, world.desk.id)
    assert (back.room, back.how, back.reached_at, back.staff, back.note) == ("3-1-102", "", None, "", "")
    assert [d.room for d in unreached(n.id)] == ["3-1-102"]
    assert [i.name for i in list_items(result.call_list_id, pending_only=True)] == ["王芳"]
    assert CallList.get_by_id(result.call_list_id).closed_at is None
    assert get_notice(n.id).reached == 2
    # Undoing twice, an SMS that was sent, or a room not among the households: refused.
    with pytest.raises(ValidationError, match="has not been told yet"):
        undo_reached(n.id, room, world.desk.id)
    with pytest.raises(ValidationError, match="text message that was sent"):
        undo_reached(n.id, world.homes["3-1-101"][0], world.desk.id)
    assert [d.how for d in delivery_page(n.id, told=True).rows] == ["message", "desk"]
    with pytest.raises(NotFoundError):
        undo_reached(n.id, world.homes["7-1-101"][0], world.desk.id)


def test_undo_puts_a_call_list_answer_back_but_not_an_invalid_number(world):
    """A household told through the call list (接通) can be undone and is called again; one
    whose number was found invalid is not put back on the list, only among the not told."""
    from data.calls.lists import list_items
    from data.notices import undo_reached

    n = create_notice("停水通知", world.comm.id, "3", WATER, world.desk.id)
    result = publish_notice(n.id, world.desk.id)
    first, second = list_items(result.call_list_id)
    calls.record_attempt(first.id, world.desk.id, "connected")
    calls.record_attempt(second.id, world.desk.id, "invalid")
    mark_reached(n.id, world.homes["3-2-201"][0], "visit", world.desk.id)
    assert unreached(n.id) == [] and list_items(result.call_list_id, pending_only=True) == []
    undo_reached(n.id, world.homes["3-1-102"][0], world.desk.id)
    undo_reached(n.id, world.homes["3-2-201"][0], world.desk.id)
    assert [d.room for d in unreached(n.id)] == ["3-1-102", "3-2-201"]
    assert [i.id for i in list_items(result.call_list_id, pending_only=True)] == [first.id]


def test_the_households_come_a_page_at_a_time(world):
    """The 公告 screen's table pages (keyset), told and not told, with both counts."""
    from data.notices import delivery_page

    n = create_notice("停水通知", world.comm.id, "3, 5", WATER, world.desk.id)
    publish_notice(n.id, world.desk.id)
    first = delivery_page(n.id, told=False, limit=2)
    assert [d.room for d in first.rows] == ["3-1-102", "3-2-201"] and (first.told, first.not_told) == (2, 3)
    second = delivery_page(n.id, told=False, after=first.next_cursor, limit=2)
    assert [d.room for d in second.rows] == ["5-1-102"] and second.next_cursor is None
    told = delivery_page(n.id, told=True, limit=1)
    assert [d.room for d in told.rows] == ["3-1-101"] and told.next_cursor is not None
    assert [d.room for d in delivery_page(n.id, told=True, after=told.next_cursor).rows] == ["5-1-101"]


def test_only_desk_staff_may_undo(world):
    from data.errors import PermissionDenied
    from data.notices import undo_reached

    n = create_notice("停水通知", world.comm.id, "3", WATER, world.desk.id)
    publish_notice(n.id, world.desk.id)
    mark_reached(n.id, world.homes["3-1-102"][0], "desk", world.desk.id)
    guard = f.staff("guard1", "赵强", "guard")
    with pytest.raises(PermissionDenied):
        undo_reached(n.id, world.homes["3-1-102"][0], guard.id)

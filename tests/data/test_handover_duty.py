"""The duty roster (值班表) from the calendar's duty events, dispatch preferring those on
duty, and the shift handover (交接班): its drafted sections, extra sections registered by
other registers, acknowledgement by the next shift only, and the searchable history
(issue 16 items 7 and 9)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from data import access, dispatch, duty, handover, people
from data import calendar as cal
from data import workorders as wo
from data.calls import declare_incident
from data.errors import PermissionDenied, ValidationError
from data.models import Building, Call, Event, Handover, HandoverCommunity, Staff, Territory
from data.people import PersonInput
from tests import factories as f

NOW = dt.datetime(2026, 11, 30, 15, 30)  # a Monday, near the end of the morning shift
D = dt.datetime


@pytest.fixture
def w(database, monkeypatch) -> SimpleNamespace:
    """锦绣花园 (desk1, desk2, tech_a and tech_b on building 3) and 阳光水岸 (desk3)."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    jx, yg = f.community("锦绣花园"), f.community("阳光水岸")
    w = SimpleNamespace(jx=jx, yg=yg)
    w.room = people.ensure_room(jx.id, "3-2-501")
    w.room_yg = people.ensure_room(yg.id, "1-1-101")
    w.desk1 = f.staff("desk1", "王丽", "desk", phone="13911112222", community=jx)
    w.desk2 = f.staff("desk2", "李婷婷", "desk", community=jx)
    w.desk3 = f.staff("desk3", "张敏", "desk", community=yg)
    w.super1 = f.staff("super1", "陈静", "supervisor")
    w.tech_a = f.staff("tech_a", "王建国", "tech", phone="13822223333")
    w.tech_b = f.staff("tech_b", "赵强", "tech")
    building = Building.get(Building.community == jx, Building.code == "3")
    for tech in (w.tech_a, w.tech_b):
        Territory.create(staff=tech, building=building)
    return w


def weekly(who: Staff, first: dt.datetime, hours: int, title: str) -> Event:
    """A weekly duty series from `first`, `hours` long, as the calendar books it."""
    event_id, _ = cal.create_event(cal.EventInput(
        kind="duty", title=title, start=first, end=first + dt.timedelta(hours=hours),
        attendee_ids=[who.id], rrule="FREQ=WEEKLY"), who.id)
    return Event.get_by_id(event_id)


# --- duty roster ------------------------------------------------------------------------------


def test_a_weekly_duty_series_puts_staff_on_duty_every_week(w):
    weekly(w.desk1, D(2026, 11, 2, 8), 8, "前台早班")  # Mondays 08–16, from four weeks back
    weekly(w.tech_a, D(2026, 11, 2, 20), 12, "维修值班")  # Mondays 20:00–08:00: a night shift
    weekly(w.tech_b, D(2026, 11, 2, 8), 12, "维修备班")  # on call, Mondays
    on_now = duty.on_duty(NOW)
    assert [(r.login, r.shift, r.on_call) for r in on_now] == [
        ("desk1", "morning", False), ("tech_b", "morning", True)]
    assert on_now[0].phone == "13911112222" and on_now[0].role_label == "客服"
    assert on_now[0].start == D(2026, 11, 30, 8) and on_now[0].end == D(2026, 11, 30, 16)
    # At 02:00 on Tuesday the Monday night shift is still on; nobody else is.
    assert [r.login for r in duty.on_duty(D(2026, 12, 1, 2))] == ["tech_a"]
    # Today's roster, grouped by shift in the order the day runs.
    groups = duty.duty_today(NOW.date())
    assert [(g.shift, [(r.login, r.on_call) for r in g.rows]) for g in groups] == [
        ("morning", [("desk1", False), ("tech_b", True)]), ("night", [("tech_a", False)])]
    assert "王丽" in duty.roster_line(groups) and duty.roster_line(groups) == "早班 王丽 赵强（备班） · 夜班 王建国"
    # Not on Tuesdays; a cancelled occurrence takes that week off.
    assert duty.duty_today(dt.date(2026, 12, 1)) == []
    series = Event.get(Event.title == "前台早班")
    cal.cancel_occurrence(series.id, D(2026, 12, 7, 8), w.desk1.id)
    assert [r.login for r in duty.duty_rows(dt.date(2026, 12, 7))] == ["tech_b", "tech_a"]
    assert duty.roster_line([]) == "今天没有值班安排。"


def test_the_shift_comes_from_the_title_else_from_the_time(w):
    assert duty.shift_of("周六夜班", D(2026, 11, 28, 9), D(2026, 11, 28, 17)) == "night"
    assert duty.shift_of("值班", D(2026, 11, 28, 9), D(2026, 11, 28, 17)) == "morning"
    assert duty.shift_of("值班", D(2026, 11, 28, 14), D(2026, 11, 28, 22)) == "middle"
    assert duty.shift_of("值班", D(2026, 11, 28, 0), D(2026, 11, 29, 0), all_day=True) == "all_day"
    assert duty.is_on_call("二线备班") and not duty.is_on_call("前台值班")


def test_a_duty_shift_never_makes_anyone_busy(w):
    weekly(w.tech_a, D(2026, 11, 2, 8), 8, "维修早班")
    # A visit booked in the shift does not clash with it, and the shift books over visits.
    cal.create_event(cal.EventInput(kind="appointment", title="上门维修", start=D(2026, 12, 7, 10),
                                    end=D(2026, 12, 7, 11), attendee_ids=[w.tech_a.id]), w.desk1.id)
    cal.create_event(cal.EventInput(kind="duty", title="加班值班", start=D(2026, 12, 7, 9),
                                    end=D(2026, 12, 7, 12), attendee_ids=[w.tech_a.id]), w.desk1.id)
    assert cal.conflicts_for([w.tech_a.id], D(2026, 11, 30, 9), D(2026, 11, 30, 10)) == []


# --- dispatch ----------------------------------------------------------------------------------


def test_dispatch_prefers_the_technician_on_duty(w):
    def order(appointment=None):
        return wo.create_order(wo.OrderInput(kind="repair", title="厨房水管漏水", community_id=w.jx.id,
                                             room_id=w.room, appointment_at=appointment), w.desk1.id)

    first = order()
    # Same territory, no load: by login tech_a comes first while nobody is on the roster.
    assert [s.login for s in dispatch.suggest(first.id)] == ["tech_a", "tech_b"]
    weekly(w.tech_b, D(2026, 11, 2, 8), 8, "维修早班")
    found = dispatch.suggest(first.id)
    assert [s.login for s in found] == ["tech_b", "tech_a"]
    assert found[0].on_duty and not found[1].on_duty and "值班中" in found[0].reason
    # Even with more open work than the one off duty.
    wo.assign(order().id, w.tech_b.id, w.desk1.id)
    assert dispatch.suggest(first.id)[0].login == "tech_b"
    # A visit booked for the evening: whoever is on duty then (nobody) — back to load.
    evening = order(appointment=D(2026, 11, 30, 19))
    assert [s.login for s in dispatch.suggest(evening.id)] == ["tech_a", "tech_b"]
    # On call ranks between on duty and off duty.
    weekly(w.tech_a, D(2026, 11, 2, 18), 4, "维修备班")
    found = dispatch.suggest(evening.id)
    assert found[0].login == "tech_a" and found[0].on_call and "备班" in found[0].reason


# --- handover: drafting -----------------------------------------------------------------------


def _owner(w, name: str = "张晓明", phone: str = "13800138000", room: int | None = None) -> int:
    person = people.create_person(PersonInput(name=name, phones=[phone]))
    people.move_in(person, room or w.room, "owner", dt.date(2020, 1, 1))
    return person


def _world_to_hand_over(w) -> SimpleNamespace:
    """An open callback due this evening, an overdue one, one done, one far ahead and one
    in the other community; an incident; an overdue order, one due tomorrow night and one
    in the other community."""
    owner = _owner(w)
    other = _owner(w, "刘洋", "13700137000", w.room_yg)
    s = SimpleNamespace()

    def callback(due, person=None, done=False, summary="询问停水时间"):
        return Call.create(direction="in", number="13800138000", staff=w.desk1, person=person,
                           started_at=D(2026, 11, 30, 9), summary=summary, callback_due=due,
                           callback_assignee=w.desk1, callback_done_at=NOW if done else None)

    s.due = callback(D(2026, 11, 30, 18), owner, summary="热水器维修结果回电")
    s.overdue = callback(D(2026, 11, 30, 11), owner, summary="物业费发票")
    callback(D(2026, 11, 30, 12), owner, done=True, summary="已经回过电话")
    callback(D(2026, 12, 3, 10), owner, summary="三天后再回电")
    callback(D(2026, 11, 30, 17), other, summary="别的小区的回电")
    building = Building.get(Building.community == w.jx, Building.code == "3").id
    s.incident = declare_incident("water_cut", "3栋二次供水检修", [building], D(2026, 11, 30, 13),
                                  D(2026, 11, 30, 20), "预计20点恢复供水", w.super1.id)
    s.late = f.work_order(w.desk1, w.jx, title="电梯异响", status="assigned", assignee=w.tech_a,
                          resolution_due=D(2026, 11, 30, 12))
    f.work_order(w.desk1, w.jx, title="楼道灯不亮", status="assigned", assignee=w.tech_a,
                 resolution_due=D(2026, 12, 1, 20))
    f.work_order(w.desk1, w.yg, title="别的小区的工单", resolution_due=D(2026, 11, 30, 12))
    f.work_order(w.desk1, w.jx, title="已经完成的", status="resolved", resolution_due=D(2026, 11, 30, 12))
    return s


def test_the_draft_lists_callbacks_incidents_and_late_orders_of_the_clerks_community(w):
    s = _world_to_hand_over(w)
    weekly(w.desk1, D(2026, 11, 2, 8), 8, "前台早班")
    draft = handover.draft_handover(w.desk1.id)
    assert draft.shift == "morning" and draft.communities == ("锦绣花园",)
    sections = {sec.name: sec for sec in draft.sections}
    assert list(sections)[:3] == ["callbacks", "incidents", "work_orders"]
    calls = [i.text for i in sections["callbacks"].items]
    assert len(calls) == 2
    assert calls == ["11-30 11:00 起已超时 · 回电 张晓明 138****8000：物业费发票 · 王丽",
                     "11-30 18:00 到期 · 回电 张晓明 138****8000：热水器维修结果回电 · 王丽"]
    assert [i.entity_id for i in sections["callbacks"].items] == [s.overdue.id, s.due.id]
    (incident,) = sections["incidents"].items
    assert "3栋二次供水检修" in incident.text and incident.entity_id == s.incident.id
    (order,) = sections["work_orders"].items
    assert order.ref == s.late.number
    assert order.text == "11-30 12:00 起已超时 · 电梯异响 · 已派单 · 王建国"
    # A lead without a community hands over for the whole company.
    whole = {sec.name: sec for sec in handover.draft_handover(w.super1.id).sections}
    assert len(whole["callbacks"].items) == 3 and len(whole["work_orders"].items) == 2
    # Notes are saved with the snapshot of the items.
    saved = handover.submit_handover(w.desk1.id, "3栋1单元楼道有煤气味，已通知燃气公司\n明早复查")
    assert saved.notes.startswith("3栋1单元楼道有煤气味") and saved.item_count == 4
    assert saved.shift_label == "早班" and saved.communities == ("锦绣花园",)
    assert "物业费发票" in Handover.get_by_id(saved.id).body
    # The snapshot stays as it was when the records change afterwards.
    Call.update(callback_done_at=NOW).execute()
    assert [i.text for i in handover.get_handover(saved.id).sections[0].items] == calls


def test_a_clerk_who_left_a_visitor_inside_in_the_other_community_hands_that_over_too(w):
    """desk1 serves 锦绣花园 but registered a visitor at 阳光水岸 who is still inside: the
    draft covers both communities and lists the visitor; desk3 of 阳光水岸 sees it too."""
    from data import registers as reg

    with access.acting(w.desk1):
        reg.register_visitor(reg.VisitorInput(name="张访客", room="1-1-101", community="阳光水岸",
                                              time_in=NOW - dt.timedelta(hours=1)))
    draft = handover.draft_handover(w.desk1.id)
    assert set(draft.communities) == {"锦绣花园", "阳光水岸"}
    texts = [i.text for sec in draft.sections for i in sec.items]
    assert any("张访客" in t for t in texts), texts
    # Signed out: nothing open there any more, the handover is about 锦绣花园 alone.
    with access.acting(w.desk1):
        reg.sign_out(reg.visitors_day().rows[0].id, at=NOW)
    assert handover.draft_handover(w.desk1.id).communities == ("锦绣花园",)


def test_a_registered_section_appears_in_every_draft(w):
    def keys_out(now, community_ids):
        assert now == NOW and community_ids == [w.jx.id]
        return [handover.HandoverItem("3-2-501 钥匙 借出 26 小时", "key #7", "key", 7)]

    handover.register_section("keys_out", "Keys out", keys_out)
    handover.register_section("broken", "Broken register", "data.nowhere:items")
    try:
        sections = {s.name: s for s in handover.draft_handover(w.desk1.id).sections}
        assert [i.text for i in sections["keys_out"].items] == ["3-2-501 钥匙 借出 26 小时"]
        assert sections["keys_out"].title == "借出未还的钥匙"  # a message id, translated
        # A register that fails says so instead of stopping the handover.
        assert "读取失败" in sections["broken"].items[0].text
        saved = handover.submit_handover(w.desk1.id)
        saved_sections = {s.name: s for s in handover.get_handover(saved.id).sections}
        assert saved_sections["keys_out"].items[0].ref == "key #7"
    finally:
        handover.unregister_section("keys_out")
        handover.unregister_section("broken")
    assert "keys_out" not in {s.name for s in handover.draft_handover(w.desk1.id).sections}


def test_a_section_lists_at_most_max_items_and_counts_the_rest(w, monkeypatch):
    monkeypatch.setattr(handover, "MAX_ITEMS", 2)
    for n in range(5):
        f.work_order(w.desk1, w.jx, title=f"工单{n}", resolution_due=D(2026, 11, 30, 10, n))
    items = handover.draft_handover(w.desk1.id).sections[2].items
    assert [i.text.split(" · ")[1] for i in items[:2]] == ["工单0", "工单1"]
    assert items[2].text == "……另有 3 项"


# --- handover: submitting and acknowledging ---------------------------------------------------


def test_only_someone_else_of_the_desk_acknowledges_a_handover(w):
    saved = handover.submit_handover(w.desk1.id, "交接：前台备用金已清点")
    assert [h.id for h in handover.pending_handovers(w.desk2.id)] == [saved.id]
    assert handover.pending_handovers(w.desk1.id) == []  # not my own
    assert handover.pending_handovers(w.desk3.id) == []  # another community's
    with pytest.raises(PermissionDenied) as own:
        handover.acknowledge_handover(saved.id, w.desk1.id)
    assert "你自己提交的" in own.value.message
    with pytest.raises(PermissionDenied):  # a technician keeps no desk register
        handover.acknowledge_handover(saved.id, w.tech_a.id)
    with pytest.raises(PermissionDenied):
        handover.draft_handover(w.tech_a.id)
    assert Handover.get_by_id(saved.id).acked_at is None
    with pytest.raises(ValidationError) as bad:
        handover.acknowledge_handover(saved.id, w.desk2.id, "好的\x1b[31m")
    assert bad.value.field == "notes" and Handover.get_by_id(saved.id).acked_at is None
    done = handover.acknowledge_handover(saved.id, w.desk2.id, "已接班，备用金无误")
    assert (done.acked_by, done.acked_at, done.ack_notes) == ("李婷婷", NOW, "已接班，备用金无误")
    assert done.acked_by_login == "desk2"
    with pytest.raises(ValidationError) as twice:
        handover.acknowledge_handover(saved.id, w.super1.id)
    assert "李婷婷" in twice.value.message
    assert handover.pending_handovers(w.desk2.id) == []


def test_notes_are_checked_and_nothing_is_saved_on_bad_input(w):
    with pytest.raises(ValidationError) as err:
        handover.submit_handover(w.desk1.id, "x" * (handover.NOTES_MAX + 1))
    assert err.value.field == "notes"
    with pytest.raises(ValidationError):
        handover.submit_handover(w.desk1.id, "bell\x07")
    assert Handover.select().count() == 0 and HandoverCommunity.select().count() == 0


def test_the_history_is_searched_by_text_dates_and_staff_a_page_at_a_time(w, monkeypatch):
    for day in range(1, 6):
        monkeypatch.setenv("FRONTDESK_NOW", f"2026-11-{20 + day} 16:00")
        saved = handover.submit_handover(w.desk1.id if day % 2 else w.desk2.id, f"第{day}天交接")
        monkeypatch.setenv("FRONTDESK_NOW", f"2026-11-{20 + day} 16:10")
        handover.acknowledge_handover(saved.id, w.desk2.id if day % 2 else w.desk1.id,
                                      "接班时发现东门道闸故障" if day == 3 else "")
    query = handover.HandoverQuery
    found = handover.handovers(query(search="道闸"))
    assert [r.notes for r in found.rows] == ["第3天交接"] and found.next_cursor is None
    assert [r.notes for r in handover.handovers(query(search="第2天")).rows] == ["第2天交接"]
    assert handover.handovers(query(search="100%")).rows == []  # wildcards are text
    ranged = handover.handovers(query(since=dt.date(2026, 11, 22), until=dt.date(2026, 11, 24)))
    assert [r.notes for r in ranged.rows] == ["第4天交接", "第3天交接", "第2天交接"]
    assert [r.staff_login for r in handover.handovers(query(staff="李婷婷")).rows] == ["desk2", "desk2"]
    with pytest.raises(ValidationError):
        handover.handovers(query(since=dt.date(2026, 11, 24), until=dt.date(2026, 11, 22)))
    first = handover.handovers(limit=2)
    assert [r.notes for r in first.rows] == ["第5天交接", "第4天交接"]
    second = handover.handovers(after=first.next_cursor, limit=2)
    third = handover.handovers(after=second.next_cursor, limit=2)
    assert [r.notes for r in second.rows + third.rows] == ["第3天交接", "第2天交接", "第1天交接"]
    assert third.next_cursor is None
    with pytest.raises(PermissionDenied):
        handover.handovers(staff_id=w.tech_a.id)


# --- sample data ------------------------------------------------------------------------------


def test_the_sample_has_a_weekly_roster_and_a_month_of_handovers(tmp_path, monkeypatch):
    from data.db import close_database, open_database
    from data.sample import generate

    path = tmp_path / "sample.db"
    try:
        generate(str(path), owners=120, seed=3, today=dt.date(2026, 11, 30))  # a Monday
    finally:
        close_database()
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-30 10:00")
    open_database(str(path))
    try:
        from data import schema

        schema.check()
        groups = {g.shift: [r.login for r in g.rows] for g in duty.duty_today(dt.date(2026, 11, 30))}
        assert groups["morning"] == ["desk1", "desk2"] and groups["middle"] == ["desk3"]
        assert len(groups["day"]) == 5 and groups["night"] == ["tech1"]
        assert [g.shift for g in duty.duty_today(dt.date(2026, 12, 5))][:1] == ["morning"]  # Saturday
        assert {r.login for r in duty.on_duty(D(2026, 11, 30, 10))} >= {"desk1", "desk2"}
        rows = handover.handovers(limit=200).rows
        assert len(rows) == 60 and [r.acknowledged for r in rows].count(False) == 1
        assert not rows[0].acknowledged and rows[0].created_at == D(2026, 11, 29, 23, 55)
        desk1 = Staff.get(Staff.login == "desk1")
        assert [h.id for h in handover.pending_handovers(desk1.id)] == [rows[0].id]
        view = handover.get_handover(rows[1].id)
        assert [s.name for s in view.sections] == ["callbacks", "incidents", "work_orders"]
        assert view.acked_by and view.acked_at > view.created_at
    finally:
        close_database()

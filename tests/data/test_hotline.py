"""Complaints forwarded by the 12345 citizen hotline (issue 16 item 13): the channel with the
hotline's reference and reply deadline, the reply recorded once by desk or leads, the missed
reply deadline escalated once by the same sweep as the SLA's (and not after the reply), the
queue's hotline filters — on both databases."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from data import access, escalation, hotline, people, queue
from data import workorders as wo
from data.errors import PermissionDenied, ValidationError
from data.models import HotlineOrder, Notification, Territory, WorkOrder, WorkOrderHistory
from data.queue import QueueFilter
from tests import factories as f

NOW = "2026-12-07 10:00"  # a Monday
T0 = dt.datetime(2026, 12, 7, 10, 0)
DUE = dt.datetime(2026, 12, 9, 17, 0)


@pytest.fixture
def w(database, monkeypatch) -> SimpleNamespace:
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    comm = f.community("锦绣花园")
    w = SimpleNamespace(comm=comm.id)
    w.room = people.ensure_room(comm.id, "3-2-501")
    w.desk = f.staff("desk1", "李娜").id
    w.tech = f.staff("tech1", "王建国", "tech").id
    w.super = f.staff("super1", "陈静", "supervisor")
    from data.models import Building

    Territory.create(staff=w.super, building=Building.get(Building.community == comm.id,
                                                         Building.code == "3"))
    w.super = w.super.id
    return w


def new(w, *, ref: str = "SZ-2026-004711", due: dt.datetime | None = DUE,
        channel: str = "hotline", title: str = "楼上装修噪音扰民") -> wo.OrderView:
    return wo.create_order(wo.OrderInput(
        kind="complaint", title=title, community_id=w.comm, room_id=w.room, channel=channel,
        hotline_ref=ref, reply_due=due), w.desk)


def told(order_id: int) -> list[tuple[int, str]]:
    return [(n.staff_id, n.dedupe_key) for n in Notification.select().where(
        Notification.entity_id == order_id, Notification.kind == "escalation")]


def escalations(order_id: int) -> list[str]:
    return [h.note for h in WorkOrderHistory.select().where(
        WorkOrderHistory.work_order == order_id, WorkOrderHistory.action == "escalate")]


# --- the channel, reference and deadline -----------------------------------------------------


def test_a_hotline_order_keeps_the_reference_and_reply_deadline(w):
    order = new(w)
    assert order.channel == "hotline"
    assert order.hotline == hotline.HotlineView("SZ-2026-004711", DUE, None, "", "", None)
    assert not order.hotline.reply_overdue(T0)
    as_json = order.as_json(T0)
    assert (as_json["hotline_ref"], as_json["reply_due"], as_json["replied_at"]) == (
        "SZ-2026-004711", "2026-12-09 17:00", None)
    assert as_json["reply_overdue"] is False
    # The reply deadline is the hotline's, independent of the SLA's (a complaint: 24 h / 7 days).
    assert order.response_due == T0 + dt.timedelta(hours=24)
    [create] = wo.history(order.id)
    assert "SZ-2026-004711" in create.note and "2026-12-09 17:00" in create.note


@pytest.mark.parametrize("ref, field", [
    ("", "hotline_ref"), ("SZ 2026 0047", "hotline_ref"), ("SZ_2026", "hotline_ref"),
    ("投诉-2026", "hotline_ref"), ("A" * 41, "hotline_ref"), ("SZ-1\x1b[31m", "hotline_ref"),
])
def test_a_bad_reference_is_refused_naming_the_field_and_nothing_is_saved(w, ref, field):
    with pytest.raises(ValidationError) as caught:
        new(w, ref=ref)
    assert caught.value.field == field
    assert WorkOrder.select().count() == 0 and HotlineOrder.select().count() == 0


def test_a_reference_of_forty_characters_and_full_width_digits_are_taken(w):
    assert new(w, ref="A-" + "1" * 38).hotline.ref == "A-" + "1" * 38
    assert new(w, ref="ＳＺ－２０２６－７").hotline.ref == "SZ-2026-7"


def test_the_reply_deadline_is_required_ahead_and_within_a_year(w):
    for due, words in ((None, "答复期限"), (T0 - dt.timedelta(minutes=1), "已过"),
                       (T0 + dt.timedelta(days=400), "一年")):
        with pytest.raises(ValidationError) as caught:
            new(w, due=due)
        assert caught.value.field == "reply_due" and words in caught.value.message
    assert WorkOrder.select().count() == 0


def test_another_channel_takes_no_hotline_reference(w):
    with pytest.raises(ValidationError) as caught:
        new(w, channel="phone")
    assert caught.value.field == "hotline_ref" and "12345热线" in caught.value.message
    plain = new(w, channel="phone", ref="", due=None)
    assert plain.hotline is None and "hotline_ref" not in plain.as_json()


def test_the_same_reference_twice_names_the_order_that_has_it(w):
    first = new(w)
    with pytest.raises(ValidationError) as caught:
        new(w, title="再次投诉")
    assert first.number in caught.value.message
    assert WorkOrder.select().count() == 1


def test_reply_deadlines_as_a_clerk_types_them():
    now = T0
    assert hotline.parse_reply_due("明天 17:00", now) == dt.datetime(2026, 12, 8, 17, 0)
    assert hotline.parse_reply_due("周五下午", now) == dt.datetime(2026, 12, 11, 14, 0)
    assert hotline.parse_reply_due("12-10", now) == dt.datetime(2026, 12, 10, 17, 0)  # a day: 17:00
    assert hotline.parse_reply_due("3天后", now) == dt.datetime(2026, 12, 10, 17, 0)
    for bad in ("", "下辈子", "昨天"):
        with pytest.raises(ValidationError) as caught:
            hotline.parse_reply_due(bad, now, "--reply-due")
        assert caught.value.field == "--reply-due"


# --- the reply ---------------------------------------------------------------------------------


def test_the_reply_is_recorded_with_who_and_when_once(w, monkeypatch):
    order = new(w)
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-08 15:30")
    view = hotline.record_reply(order.id, "已约谈装修户，限定施工时间，业主表示满意。", w.desk)
    assert (view.replied_at, view.replied_by, view.reply_text) == (
        dt.datetime(2026, 12, 8, 15, 30), "李娜", "已约谈装修户，限定施工时间，业主表示满意。")
    assert not view.replied_late() and not view.reply_overdue(DUE + dt.timedelta(days=9))
    after = wo.get_order(order.id)
    assert after.version == order.version + 1
    last = wo.history(order.id)[-1]
    assert (last.action, last.staff) == ("hotline_reply", "李娜") and "SZ-2026-004711" in last.note
    with pytest.raises(ValidationError) as caught:
        hotline.record_reply(order.id, "再答复一次", w.super)
    assert "已" in caught.value.message and "2026-12-08 15:30" in caught.value.message
    assert HotlineOrder.get().reply_text.startswith("已约谈")


def test_an_empty_reply_or_an_order_not_from_the_hotline_is_refused(w):
    order = new(w)
    with pytest.raises(ValidationError) as caught:
        hotline.record_reply(order.id, "  \n ", w.desk)
    assert caught.value.field == "reply"
    phone = new(w, channel="phone", ref="", due=None, title="电话投诉")
    with pytest.raises(ValidationError) as caught:
        hotline.record_reply(phone.id, "已处理", w.desk)
    assert phone.number in caught.value.message
    assert HotlineOrder.get().replied_at is None


def test_only_desk_and_leads_record_the_reply(w):
    order = new(w)
    wo.assign(order.id, w.tech, w.desk)
    with pytest.raises(PermissionDenied):
        hotline.record_reply(order.id, "已处理", w.tech)
    access.act_as(SimpleNamespace(id=w.tech, login="tech1", role="tech"))
    assert not access.can("hotline.reply")
    access.act_as(None)
    assert HotlineOrder.get().replied_at is None
    assert hotline.record_reply(order.id, "已处理", w.super).replied_by == "陈静"


def test_a_stale_version_is_a_conflict(w):
    from data.errors import ConflictError

    order = new(w)
    wo.add_note(order.id, w.desk, "已联系业主")
    with pytest.raises(ConflictError):
        hotline.record_reply(order.id, "已处理", w.desk, expected_version=order.version)
    assert HotlineOrder.get().replied_at is None


def test_a_late_reply_says_so(w, monkeypatch):
    order = new(w)
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-10 09:00")
    view = hotline.record_reply(order.id, "已处理", w.desk)
    assert view.replied_late()
    assert "逾期" in wo.history(order.id)[-1].note


# --- escalation ---------------------------------------------------------------------------------


def test_a_missed_reply_deadline_is_escalated_once_by_the_sweep(w):
    order = new(w)
    # Due, not missed yet (the complaint's SLA response deadline is escalated on its own).
    assert [e.deadline for e in escalation.sweep(DUE)] == [""]
    done = [e for e in escalation.sweep(DUE + dt.timedelta(minutes=1))
            if e.deadline == escalation.HOTLINE_REPLY]
    assert done == [escalation.Escalation(order.id, order.number, 1, ("super1",),
                                          escalation.HOTLINE_REPLY)]
    assert [t for t in told(order.id) if t[1].startswith("hotline:")] == [
        (w.super, f"hotline:{order.id}:{w.super}")]
    note = Notification.get(Notification.dedupe_key == f"hotline:{order.id}:{w.super}")
    assert "12345" in note.title and order.number in note.title
    assert "SZ-2026-004711" in note.body and "2026-12-09 17:00" in note.body
    [history] = [h for h in escalations(order.id) if "12345" in h]
    assert "SZ-2026-004711" in history and "陈静" in history
    assert HotlineOrder.get().escalated_at == DUE + dt.timedelta(minutes=1)
    # Once: later sweeps (the SLA's own escalations aside) tell nobody again about the reply.
    for later in (DUE + dt.timedelta(hours=1), DUE + dt.timedelta(days=5)):
        assert [e for e in escalation.sweep(later) if e.deadline == escalation.HOTLINE_REPLY] == []
    assert len([k for _s, k in told(order.id) if k.startswith("hotline:")]) == 1
    assert len([h for h in escalations(order.id) if "12345" in h]) == 1


def test_the_reply_stops_the_deadline_and_nothing_is_escalated(w, monkeypatch):
    order = new(w)
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-09 16:00")
    hotline.record_reply(order.id, "已处理", w.desk)
    assert [e for e in escalation.sweep(DUE + dt.timedelta(days=3))
            if e.deadline == escalation.HOTLINE_REPLY] == []
    assert not [k for _s, k in told(order.id) if k.startswith("hotline:")]
    assert wo.get_order(order.id).hotline.reply_overdue(DUE + dt.timedelta(days=3)) is False


def test_the_reply_deadline_runs_whatever_the_orders_status(w):
    """A resolved (even closed) order may still owe the hotline its reply."""
    order = new(w)
    wo.assign(order.id, w.tech, w.desk)
    wo.start(order.id, w.tech)
    wo.resolve(order.id, w.tech, "已协调装修户")
    wo.close(order.id, w.desk)
    done = escalation.sweep(DUE + dt.timedelta(minutes=5))
    assert [(e.order_id, e.deadline) for e in done] == [(order.id, escalation.HOTLINE_REPLY)]


def test_an_sla_escalation_and_the_reply_one_are_told_apart(w):
    order = new(w)
    # The complaint's response deadline (24 h) passes before the reply deadline.
    done = escalation.sweep(T0 + dt.timedelta(hours=25))
    assert [(e.order_id, e.deadline) for e in done] == [(order.id, "")]
    done = escalation.sweep(DUE + dt.timedelta(minutes=1))
    assert [(e.order_id, e.deadline) for e in done] == [(order.id, escalation.HOTLINE_REPLY)]
    keys = sorted(k for _s, k in told(order.id))
    assert keys == [f"escalation:{order.id}:1:{w.super}", f"hotline:{order.id}:{w.super}"]


# --- the queue ------------------------------------------------------------------------------------


def test_the_queue_filters_hotline_orders_and_shows_the_reply_deadline(w, monkeypatch):
    replied = new(w, ref="R-1", title="垃圾清运不及时")
    late = new(w, ref="R-2", due=T0 + dt.timedelta(hours=2), title="电梯故障无人处理")
    waiting = new(w, ref="R-3", title="楼道照明损坏")
    other = new(w, channel="phone", ref="", due=None, title="电话投诉停车")
    hotline.record_reply(replied.id, "已清运", w.desk)
    at = T0 + dt.timedelta(hours=3)

    def ids(which: str | None) -> set[int]:
        page = queue.queue_page("all", w.desk, QueueFilter(hotline=which), at=at)
        return {r.id for r in page.rows}

    assert ids(None) == {replied.id, late.id, waiting.id, other.id}
    assert ids("all") == {replied.id, late.id, waiting.id}
    assert ids("unreplied") == {late.id, waiting.id}
    assert ids("overdue") == {late.id}
    rows = {r.id: r for r in queue.queue_page("all", w.desk, QueueFilter(hotline="all"), at=at).rows}
    assert (rows[late.id].reply_due, rows[late.id].reply_overdue, rows[late.id].replied) == (
        T0 + dt.timedelta(hours=2), True, False)
    assert rows[replied.id].replied and not rows[replied.id].reply_overdue
    assert (rows[waiting.id].reply_due, rows[waiting.id].reply_overdue) == (DUE, False)
    # The filter survives being saved, and an unknown one is refused.
    assert QueueFilter.from_json(QueueFilter(hotline="overdue").to_json()).hotline == "overdue"
    with pytest.raises(ValidationError):
        queue.queue_page("all", w.desk, QueueFilter(hotline="bogus"), at=at)


def test_the_hotline_row_is_audited(w):
    from data.models import AuditLog, Staff

    access.act_as(Staff.get_by_id(w.desk))  # the signed-in clerk, as a session has one
    order = new(w)
    hotline.record_reply(order.id, "已处理", w.desk)
    rows = AuditLog.select().where(AuditLog.entity == "hotline_order")
    assert {(r.action, r.field) for r in rows} >= {("create", ""), ("update", "replied_at"),
                                                   ("update", "reply_text")}
    assert {r.parent_id for r in rows} == {order.id}
    assert {r.staff_id for r in rows} == {w.desk}

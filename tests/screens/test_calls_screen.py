"""The calls screen (F5) at 80×24: an inbound call from a known owner turned into a repair
work order in a counted handful of keys, incidents, callbacks, a 回访 list worked item by
item, history, statistics, and dialling out (a command that works, one that fails, none)."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from textual.widgets import DataTable, Input, Select, TextArea

from data import calls, i18n, people
from data.db import close_database, open_database
from data.models import Call, CallAttempt, CallListItem, Phone, Room, Setting, WorkOrder
from data.people import PersonInput
from data.staff import sign_in
from screens import calls as calls_screen
from screens.call_forms import BigNumberModal, CallDetailsModal, RatingModal, group_number
from screens.calls import CallsScreen, dial
from tests import factories as f
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.form import FormModal

NOW = dt.datetime(2026, 11, 27, 10, 0)


class FakeClock:
    """The call timer's clock, moved by hand (a real second per tick would make tests slow
    and their durations vary)."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(calls_screen, "monotonic", fake)
    return fake


@pytest.fixture
def world(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    monkeypatch.delenv(calls_screen.DIAL_ENV, raising=False)
    open_database(sqlite_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜")
    f.staff("desk2", "王芳")
    boss = f.staff("super1", "陈静", "supervisor")
    room_id = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room_id, "owner", dt.date(2019, 5, 1))
    yield {"comm": comm, "desk": desk, "boss": boss, "room": room_id, "owner": owner}
    close_database()




class Keys:
    """Presses keys and counts them; typed text is not counted (the issue's measure)."""

    def __init__(self, app, pilot) -> None:
        self.app, self.pilot, self.count = app, pilot, 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.count += 1
            await self.pilot.press(key)
            await settle(self.app, self.pilot)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)
        await settle(self.app, self.pilot, 0.2)  # past the lookup's debounce


async def open_calls(app, pilot) -> CallsScreen:
    await settle(app, pilot)
    await pilot.press("f5")
    await settle(app, pilot)
    assert isinstance(app.screen, CallsScreen)
    return app.screen


# --- the inbound call --------------------------------------------------------------------------


async def test_an_inbound_call_becomes_a_repair_work_order_in_six_keys(world, clock):
    i18n.set_language("en")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        shown = record_notifications(app)
        keys = Keys(app, pilot)
        await keys.press("n")
        assert isinstance(app.focused, Input) and app.focused.id == "call-number"
        assert "● Inbound 00:00" in screen_text(app)
        await keys.type("138 0013 8000")
        text = screen_text(app)
        assert "张晓明" in text and "锦绣花园 3-2-501" in text  # the match, as typed
        assert "张先生您好" not in text  # no category yet: the greeting script only
        await keys.press("enter")  # the number is done: on to the category
        await keys.press("1")  # Repair; the focus moves on to the summary
        assert screen.draft.category == "repair"
        assert isinstance(app.focused, TextArea)
        assert "张先生您好" in screen_text(app)  # the repair script, filled for the caller
        await keys.type("厨房水槽下面的水管漏水")
        clock.t += 95  # the call went on for 95 s
        await pilot.pause(1.1)  # a tick of the timer
        assert "● Inbound 01:35" in screen_text(app)
        await keys.press("tab")  # out of the summary: letters are keys again
        await keys.press("w")
        form = app.screen
        assert isinstance(form, FormModal)
        assert form.query_one("#field-room", Input).value == "3-2-501"
        assert form.query_one("#field-community", Input).value == "锦绣花园"
        assert form.query_one("#field-person", Select).value == str(world["owner"])
        assert form.query_one("#field-kind", Select).value == "repair"
        assert form.query_one("#field-phone", Input).value == "13800138000"
        assert form.query_one("#field-title", Input).value == "厨房水槽下面的水管漏水"
        assert form.query_one("#field-description", TextArea).text == "厨房水槽下面的水管漏水"
        clock.t += 5
        await keys.press("f10")
        assert app.screen is screen
        assert keys.count == 6  # n, enter, 1, tab, w, F10: the issue allows 8
        assert screen.draft is None  # the panel is free for the next call

    call = Call.get()
    order = WorkOrder.get(WorkOrder.title == "厨房水槽下面的水管漏水")
    assert (call.direction, call.number, call.person_id, call.category) == ("in", "13800138000",
                                                                            world["owner"], "repair")
    assert (call.duration_s, call.outcome, call.work_order_id) == (100, "ticket", order.id)
    assert call.staff_id == world["desk"].id and call.started_at == NOW
    assert (order.person_id, order.room_id, order.kind, order.channel) == (world["owner"], world["room"],
                                                                          "repair", "phone")
    assert order.description == "厨房水槽下面的水管漏水"
    assert any(order.number in message and "张晓明" in message for message in shown)


async def test_a_refused_work_order_form_logs_no_call(world, clock):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        await pilot.press("n", *"13800138000", "enter", "1")
        await settle(app, pilot, 0.2)
        await pilot.press("tab", "w")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-room", Input).value = "99-9-999"  # no such room
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen is form and "99-9-999" in screen_text(app)
        assert Call.select().count() == 0 and WorkOrder.select().count() == 0
        await pilot.press("escape", "y")  # discard the form: the call goes on
        await settle(app, pilot)
        assert app.screen is screen and screen.draft is not None


async def test_escape_asks_before_dropping_a_call_in_progress(world, clock):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        await pilot.press("n", *"13800138000")
        await settle(app, pilot, 0.2)
        assert screen.is_dirty
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is screen and screen.draft is not None
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert app.screen is screen and screen.draft is None and not screen.is_dirty
        await pilot.press("escape")  # nothing in progress: back home
        await settle(app, pilot)
        assert not isinstance(app.screen, CallsScreen)
    assert Call.select().count() == 0


async def test_enter_saves_a_call_and_a_name_search_finds_the_caller(world, clock):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        await pilot.press("n", *"张晓明")
        await settle(app, pilot, 0.2)
        assert "张晓明" in screen_text(app)
        await pilot.press("enter")  # one found: taken, their phone fills the number
        await settle(app, pilot, 0.2)
        assert screen.query_one("#call-number", Input).value == "13800138000"
        assert "锦绣花园 3-2-501" in screen_text(app)
        await pilot.press("3")  # 咨询
        await pilot.press(*"问停水时间")
        await pilot.press("tab")
        clock.t += 30
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.draft is None
    call = Call.get()
    assert (call.person_id, call.category, call.summary, call.duration_s, call.outcome) == (
        world["owner"], "inquiry", "问停水时间", 30, "resolved")


async def test_an_unknown_number_is_attached_to_the_caller(world, clock):
    i18n.set_language("en")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        await pilot.press("n", *"13912345678", "enter")
        await settle(app, pilot, 0.2)
        assert "Unknown number 139 1234 5678" in screen_text(app)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        await pilot.press(*"3-2-501", "f10")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)  # one found: add the number to them?
        await pilot.press("y")
        await settle(app, pilot, 0.2)
        assert screen.draft.person_id == world["owner"]
        assert "张晓明" in screen_text(app)
        await pilot.press("f10")
        await settle(app, pilot)
    assert Call.get().person_id == world["owner"]
    assert "13912345678" in {p.number for p in Phone.select().where(Phone.person == world["owner"])}


async def test_an_incident_shows_its_banner_and_one_key_tags_the_call(world, clock):
    i18n.set_language("en")
    building = Room.get_by_id(world["room"]).building_id
    incident = calls.declare_incident("water_cut", "3号楼停水", [building], NOW - dt.timedelta(hours=1),
                                      NOW + dt.timedelta(hours=5), "水管抢修，预计15:00恢复供水。",
                                      world["boss"].id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        await pilot.press("n", *"13800138000")
        await settle(app, pilot, 0.2)
        text = screen_text(app)
        assert "Water cut" in text and "3号楼停水" in text and "i: tag this call" in text
        assert "水管抢修" in text  # the incident's script beside the call
        await pilot.press("enter", "i")
        await settle(app, pilot)
        assert screen.draft.incident_id == incident.id and "✓ tagged" in screen_text(app)
        await pilot.press("f10")
        await settle(app, pilot)
    call = Call.get()
    assert (call.incident_id, call.category) == (incident.id, "inquiry")
    assert calls.get_incident(incident.id).calls == 1


# --- callbacks ---------------------------------------------------------------------------------


async def test_a_callback_is_promised_listed_and_made(world, clock):
    i18n.set_language("en")
    desk = world["desk"]
    late = f.call(desk, number="13700001111", callback_due=NOW - dt.timedelta(hours=2), assignee=desk,
                  summary="问物业费发票")
    f.call(desk, number="13700002222", callback_due=NOW + dt.timedelta(hours=3), assignee=desk,
           summary="问车位")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        # b during a call: when (two hours on by default) and who (me).
        await pilot.press("n", *"13800138000", "enter", "2")
        await settle(app, pilot, 0.2)
        await pilot.press(*"楼上噪音", "tab", "b")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        assert form.query_one("#field-due", Input).value == "2026-11-27 12:00"
        assert form.query_one("#field-assignee", Select).value == str(desk.id)
        await pilot.press("f10")
        await settle(app, pilot)
        assert "↻ 11-27 12:00 李娜" in screen_text(app)
        await pilot.press("f10")
        await settle(app, pilot)
        promised = Call.get(Call.summary == "楼上噪音")
        assert (promised.callback_due, promised.callback_assignee_id, promised.outcome) == (
            dt.datetime(2026, 11, 27, 12, 0), desk.id, "callback")

        # c: my open callbacks by due time, the overdue one in red.
        await pilot.press("c")
        await settle(app, pilot)
        table = screen.query_one("#callbacks-table", DataTable)
        assert [r.number for r in screen.callback_rows] == ["13700001111", "13800138000", "13700002222"]
        assert "red" in str(table.get_cell_at((0, 0)).style)
        assert "red" not in str(table.get_cell_at((1, 0)).style)
        text = screen_text(app)
        assert "My callbacks: 3 · 1 overdue" in text and "问物业费发票" in text

        # enter calls back: an outbound call with the number; saving it marks the callback done.
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.mode == "call" and screen.draft.direction == "out"
        assert screen.query_one("#call-number", Input).value == "13700001111"
        assert "● Outbound" in screen_text(app)
        clock.t += 40
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert [r.number for r in screen.callback_rows] == ["13800138000", "13700002222"]
    assert Call.get_by_id(late.id).callback_done_at == NOW
    back = Call.get(Call.direction == "out")
    assert (back.number, back.duration_s, back.outcome) == ("13700001111", 40, "resolved")


# --- call lists ---------------------------------------------------------------------------------


def resolved_order(desk, comm, room_id: int, person_id: int, phone: str, title: str) -> WorkOrder:
    order = f.work_order(desk, comm, status="resolved", title=title, room_=Room.get_by_id(room_id))
    WorkOrder.update(person=person_id, contact_phone=phone, resolved_at=NOW - dt.timedelta(hours=5)).where(
        WorkOrder.id == order.id).execute()
    return WorkOrder.get_by_id(order.id)


async def test_working_a_callback_list_item_by_item(world, clock):
    i18n.set_language("en")
    desk, comm = world["desk"], world["comm"]
    first = resolved_order(desk, comm, world["room"], world["owner"], "13800138000", "厨房水管漏水")
    other_room = people.ensure_room(comm.id, "5-1-302")
    tenant = people.create_person(PersonInput(name="李芳", gender="F", phones=["13912345678"]))
    people.move_in(tenant, other_room, "tenant", dt.date(2024, 3, 1))
    second = resolved_order(desk, comm, other_room, tenant, "13912345678", "楼道灯不亮")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert "No open call lists" in screen_text(app)
        await pilot.press("g")  # build the 回访 list and work it
        await settle(app, pilot)
        text = screen_text(app)
        assert "0 of 2 done" in text and "张晓明" in text and "138 0013 8000" in text
        assert first.number in text and "3-2-501" in text
        assert "张先生您好" in text  # the 回访 script, filled

        # 2: no answer — the item waits, the next one comes.
        await pilot.press("2")
        await settle(app, pilot)
        assert screen.item.work_order_id == second.id
        text = screen_text(app)
        assert "李芳" in text and "0 of 2 done" in text and "李女士您好" in text

        # A note, then 1: connected; the rating (one digit) records the 回访 of the order.
        await pilot.press("tab")
        assert app.focused.id == "list-note"
        await pilot.press(*"已修好", "enter")
        await pilot.press("1")
        await settle(app, pilot)
        assert isinstance(app.screen, RatingModal)
        await pilot.press("5")
        await settle(app, pilot)
        assert WorkOrder.get_by_id(second.id).status == "visited"
        assert WorkOrder.get_by_id(second.id).rating == 5
        text = screen_text(app)
        assert "1 of 2 done" in text and "张晓明" in text and "Tried 1 times, last: No answer" in text

        # 5: later — asks when, then nothing is left to call now.
        await pilot.press("5")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        assert form.query_one("#field-retry_at", Input).value == "2026-11-27 11:00"
        await pilot.press("f10")
        await settle(app, pilot)
        assert screen.item is None and "Nothing to call now" in screen_text(app)

    attempts = [(a.item.work_order_id, a.outcome, a.note) for a in CallAttempt.select().order_by(CallAttempt.id)]
    assert attempts == [(first.id, "no_answer", ""), (second.id, "connected", "已修好"),
                        (first.id, "later", "")]
    item = CallListItem.get(CallListItem.work_order == first.id)
    assert (item.status, item.attempts, item.retry_at) == ("pending", 2, dt.datetime(2026, 11, 27, 11, 0))
    assert Call.select().where(Call.direction == "out", Call.category == "callback").count() == 3


# --- history -----------------------------------------------------------------------------------


async def test_history_pages_filters_and_opens_a_call(world, clock):
    i18n.set_language("en")
    desk = world["desk"]
    for i in range(55):
        calls.log_call(calls.CallInput("in", f"1370000{i:04d}", "inquiry", f"问题{i:02d}", duration_s=60,
                                       started_at=NOW - dt.timedelta(minutes=10 * (i + 1))), desk.id)
    calls.log_call(calls.CallInput("out", "13800138000", "notice", "通知停水", duration_s=30,
                                   started_at=NOW - dt.timedelta(minutes=5)), desk.id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert len(screen.history_rows) == calls_screen.HISTORY_PAGE
        assert screen.history_rows[0].summary == "通知停水"
        assert "all calls · page 1 · pgdn more" in screen_text(app)
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert [c.summary for c in screen.history_rows] == [f"问题{i:02d}" for i in range(49, 55)]
        assert "page 2" in screen_text(app)
        await pilot.press("pageup")
        await settle(app, pilot)
        assert screen.history_rows[0].summary == "通知停水"

        await pilot.press("f")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-direction", Select).value = "out"
        await pilot.press("f10")
        await settle(app, pilot)
        assert [c.summary for c in screen.history_rows] == ["通知停水"]
        assert "Outbound · page 1" in screen_text(app)

        # enter: the details; w makes a work order of the call and links them.
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CallDetailsModal)
        assert "通知停水" in screen_text(app) and "张晓明" in screen_text(app)
        # An outbound call: whom the desk called and who called, not "caller" / "taken by".
        assert "Person called: 张晓明" in screen_text(app) and "Called by:" in screen_text(app)
        assert "Caller:" not in screen_text(app) and "Taken by:" not in screen_text(app)
        await pilot.press("w")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        assert form.query_one("#field-description", TextArea).text == "通知停水"
        await pilot.press("f10")
        await settle(app, pilot)
        order = WorkOrder.get(WorkOrder.title == "通知停水")
        assert Call.get(Call.summary == "通知停水").work_order_id == order.id


# --- statistics --------------------------------------------------------------------------------


async def test_statistics_show_the_numbers_of_call_stats(world, clock):
    i18n.set_language("en")
    desk = world["desk"]
    for minutes_ago, direction, category, outcome, seconds in (
            (60, "in", "repair", "ticket", 120), (120, "in", "inquiry", "resolved", 60),
            (60 * 24 * 3, "in", "complaint", "callback", 300), (30, "out", "callback", "no_answer", 0),
            (90, "out", "callback", "resolved", 90)):
        calls.log_call(calls.CallInput(direction, "13800138000", category, "", outcome=outcome,
                                       duration_s=seconds,
                                       started_at=NOW - dt.timedelta(minutes=minutes_ago)), desk.id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        await pilot.press("t")
        await settle(app, pilot, 0.1)
        # A clerk's statistics are their own calls (here all five are desk1's).
        stats = calls.call_stats(dt.date(2026, 10, 29), dt.date(2026, 11, 27), staff_id=desk.id)
        assert screen.stats == stats
        assert (stats.total, stats.inbound, stats.outbound, stats.answered) == (5, 3, 2, 4)
        text = screen_text(app)
        assert "2026-10-29 – 2026-11-27" in text
        assert "5 calls: 3 in, 2 out" in text
        assert "Answered 80%" in text  # 4 of 5
        assert "average 02:22" in text  # (120 + 60 + 300 + 90) / 4 answered calls
        assert "Calls per day" in text and "By category" in text and "By outcome" in text
        assert "Callback  2" in text and "Repair    1" in text  # the bars' labels carry the counts
        await pilot.press("left_square_bracket")
        await settle(app, pilot, 0.1)
        assert "2026-09-29 – 2026-10-28" in screen_text(app) and screen.stats.total == 0
        await pilot.press("right_square_bracket")
        await settle(app, pilot, 0.1)
        assert screen.stats.total == 5


async def test_chinese_chart_labels_keep_the_frame_straight(world, clock):
    calls.log_call(calls.CallInput("in", "13800138000", "repair", "", duration_s=60,
                                   started_at=NOW - dt.timedelta(hours=1)), world["desk"].id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_calls(app, pilot)
        await pilot.press("t")
        await settle(app, pilot, 0.1)
        text = screen_text(app)
        assert "报修 1" in text
        assert "~" not in text  # no stand-in left behind
        from rich.cells import cell_len

        assert max(cell_len(line) for line in text.splitlines()) <= 80


# --- dialling out ------------------------------------------------------------------------------


def script(tmp_path, body: str) -> str:
    path = tmp_path / "softphone"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_dial_runs_the_command_without_a_shell(tmp_path):
    out = tmp_path / "dialled"
    command = script(tmp_path, f'printf "%s|" "$@" > "{out}"\n')
    result = dial(f"{command} call {{number}}", "+86 138-0013-8000")
    assert result.ok
    assert out.read_text() == "call|13800138000|"  # one argument, normalised, no shell
    # Without {number} the number is appended after "--" (issue 12, finding 17).
    assert dial(command + " call", "13800138000").ok
    assert out.read_text() == "call|--|13800138000|"
    # What does not normalise is never dialled (it used to go through as typed).
    out.unlink()
    assert not dial(f"{command} call {{number}}", "13800138000; rm -rf /").ok
    assert not out.exists()


def test_dial_reports_failures(tmp_path):
    from data import i18n

    i18n.set_language("en")  # the assertions read the English wording
    failing = script(tmp_path, 'echo "line busy" >&2\necho "more" >&2\nexit 3\n')
    result = dial(f"{failing} {{number}}", "13800138000")
    assert not result.ok and "status 3" in result.message and "line busy" in result.message
    assert "more" not in result.message
    missing = dial("no-such-softphone {number}", "13800138000")
    assert not missing.ok and "command not found: no-such-softphone" in missing.message
    slow = dial(script(tmp_path, "sleep 5\n") + " {number}", "13800138000", timeout=0.2)
    assert not slow.ok and "did not finish" in slow.message
    assert not dial('softphone "call {number}', "13800138000").ok  # unbalanced quote


def test_numbers_are_grouped_for_dialling_by_hand():
    assert group_number("13800138000") == "138 0013 8000"
    assert group_number("021-12345678") == "021 1234 5678"
    assert group_number("0571-8765432-801") == "0571 876 5432 ext. 801"
    assert group_number("95588") == "9 5588"


async def test_d_runs_the_configured_command(world, clock, tmp_path):
    i18n.set_language("en")
    out = tmp_path / "dialled"
    command = script(tmp_path, f'printf "%s" "$1" > "{out}"\n')
    Setting.create(key="dial_command", value=f"{command} {{number}}")
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_calls(app, pilot)
        shown = record_notifications(app)
        await pilot.press("n", *"13800138000", "enter", "d")
        await settle(app, pilot, 0.1)
        await wait_for(pilot, lambda: out.exists())
        assert out.read_text() == "13800138000"
        assert any("13800138000" in message for message in shown)  # "正在拨打 13800138000……"
        assert isinstance(app.screen, CallsScreen)


async def test_a_failing_dial_command_is_reported(world, clock, tmp_path, monkeypatch):
    i18n.set_language("en")
    failing = script(tmp_path, 'echo "no line free" >&2\nexit 2\n')
    monkeypatch.setenv(calls_screen.DIAL_ENV, f"{failing} {{number}}")
    Setting.create(key="dial_command", value="never-used {number}")  # the desk's own wins
    f.call(world["desk"], number="13700001111", callback_due=NOW + dt.timedelta(hours=1), assignee=world["desk"])
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_calls(app, pilot)
        shown = record_notifications(app)
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot, 0.1)
        await wait_for(pilot, lambda: isinstance(app.screen, BigNumberModal))
        message = next(m for m in shown if "Dialling failed" in m)
        assert "status 2" in message and "no line free" in message
        assert "137 0000 1111" in screen_text(app)


async def test_without_a_dial_command_the_number_is_shown_large(world, clock):
    i18n.set_language("en")
    assert not os.environ.get(calls_screen.DIAL_ENV)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_calls(app, pilot)
        await pilot.press("n", *"13800138000", "enter", "d")
        await settle(app, pilot, 0.1)
        await wait_for(pilot, lambda: isinstance(app.screen, BigNumberModal))
        text = screen_text(app)
        assert "138 0013 8000" in text and "张晓明" in text and "No dial command" in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CallsScreen) and app.screen.draft is not None


async def test_the_footer_keys_fit_and_follow_the_mode(world, clock):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(app, pilot)
        shown = {b.binding.action for b in screen.active_bindings.values() if b.enabled and b.binding.show}
        assert {"new_call", "mode('list')", "mode('history')", "mode('stats')", "mode('callbacks')"} <= shown
        await pilot.press("n")
        await settle(app, pilot)
        typing = {b.binding.action for b in screen.active_bindings.values() if b.enabled and b.binding.show}
        assert "save_call" in typing and "work_order" not in typing  # letters are text here
        await pilot.press(*"13800138000", "enter")
        await settle(app, pilot, 0.2)
        keys = {b.binding.action for b in screen.active_bindings.values() if b.enabled and b.binding.show}
        assert {"save_call", "work_order", "callback", "dial"} <= keys and "new_call" not in keys


async def test_a_supervisor_declares_an_incident_and_the_desk_sees_it(world, clock):
    from data.models import Incident
    from data.staff import sign_in as staff_sign_in
    from screens.calls import CallsScreen
    from widgets.form import FormModal
    from widgets.picker import PickerModal

    app = FrontDeskApp(staff_sign_in("super1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        titles = [t for t, _h, _c in screen.palette_commands()]
        assert "Declare an incident" in titles
        screen.action_declare_incident()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        for name, value in (("title", "3号楼停水"), ("buildings", "3"), ("ends", "2026-11-27 18:00"),
                            ("script", "预计18点恢复供水")):
            widget = form.query_one(f"#field-{name}")
            if hasattr(widget, "text") and not hasattr(widget, "value"):
                widget.text = value
            else:
                widget.value = value
        await pilot.press("f10")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormModal)
        incident = Incident.get()
        assert (incident.kind, incident.title, incident.script) == ("water_cut", "3号楼停水", "预计18点恢复供水")
        screen.action_incidents()
        await settle(app, pilot)
        assert isinstance(app.screen, PickerModal)
        assert "3号楼停水" in screen_text(app)

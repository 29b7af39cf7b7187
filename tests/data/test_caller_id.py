"""The caller-ID pop-up's data (issue 16 item 10) on SQLite and PostgreSQL: extensions, the
phone system's rings and hang-ups, missed calls becoming callbacks and counting as
unanswered, the recording reaching the call logged before or after the hang-up, the
session's watcher, and the hostile input the phone system may send."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from data import access, calls, people
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.i18n import set_language
from data.models import Call, Ring, Staff
from data.people import PersonInput
from data.ring_watch import RingWatch
from data.staff import set_extension
from tests import factories as f

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def phone(database, monkeypatch) -> SimpleNamespace:
    """An owner with a mobile, two desk clerks at extensions 801 and 802, a supervisor, the
    phone system's service account; the clock pinned at NOW, messages in English."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.strftime("%Y-%m-%d %H:%M"))
    set_language("en")
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    zhang = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(zhang, room, "owner")
    admin = f.staff("admin", "周建华", "admin")
    desk1 = f.staff("desk1", "王丽", "desk")
    desk2 = f.staff("desk2", "李婷婷", "desk")
    boss = f.staff("super1", "陈静", "supervisor")
    pbx = f.staff("pbx", "电话系统", "service", password_hash=None)
    set_extension("desk1", "801", admin.id)
    set_extension("desk2", "802", admin.id)
    return SimpleNamespace(zhang=zhang, admin=admin, desk1=desk1, desk2=desk2, boss=boss, pbx=pbx)


def as_pbx(phone):
    return access.acting(phone.pbx)


# --- extensions -------------------------------------------------------------------------------


def test_an_extension_is_one_staff_members_and_only_an_administrator_sets_it(phone):
    assert Staff.get_by_id(phone.desk1.id).extension == "801"
    with pytest.raises(ValidationError, match="already 李婷婷's"):
        set_extension("desk1", "802", phone.admin.id)
    with pytest.raises(PermissionDenied):
        set_extension("desk1", "803", phone.desk1.id)
    with pytest.raises(ValidationError, match="control character U\\+001B"):
        set_extension("desk1", "80\x1b1", phone.admin.id)
    with pytest.raises(ValidationError, match="2 to 8 digits"):
        set_extension("desk1", "80-1", phone.admin.id)
    with pytest.raises(ValidationError, match="service account"):
        set_extension("pbx", "899", phone.admin.id)
    set_extension("desk1", None, phone.admin.id)
    set_extension("desk2", "801", phone.admin.id)  # free again
    assert Staff.get_by_id(phone.desk1.id).extension is None
    assert Staff.get_by_id(phone.desk2.id).extension == "801"


# --- who may report rings ---------------------------------------------------------------------


def test_only_the_service_account_reports_rings(phone):
    for who in (phone.desk1, phone.boss, phone.admin):
        with access.acting(who), pytest.raises(PermissionDenied):
            calls.ring("13800138000", "801")
        with access.acting(who), pytest.raises(PermissionDenied):
            calls.hangup("801")
        with access.acting(who), pytest.raises(PermissionDenied):
            calls.missed("13800138000", "801")
    assert Ring.select().count() == 0 and Call.select().count() == 0


# --- ring and hang-up -------------------------------------------------------------------------


def test_a_ring_is_recorded_for_the_extensions_staff_member_and_reported_once(phone):
    with as_pbx(phone):
        view = calls.ring("+86 138-0013-8000", "801", pbx_call_id="1718680712.42")
        again = calls.ring("13800138000", "801", pbx_call_id="1718680712.42")
    assert (view.number, view.extension, view.staff_id, view.answered) == (
        "13800138000", "801", phone.desk1.id, True)
    assert again.id == view.id and Ring.select().count() == 1
    with as_pbx(phone), pytest.raises(NotFoundError, match="set-extension LOGIN 809"):
        calls.ring("13800138000", "809")


def test_hangup_keeps_the_recording_on_the_call_logged_during_the_call(phone, monkeypatch):
    with as_pbx(phone):
        view = calls.ring("13800138000", "801")
    logged = calls.log_call(calls.CallInput(direction="in", number="13800138000", summary="漏水",
                                            started_at=view.rang_at, duration_s=30, ring_id=view.id),
                            phone.desk1.id)
    assert Ring.get_by_id(view.id).call_id == logged.id and logged.person == "张晓明"
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 10:03")
    with as_pbx(phone):
        ended = calls.hangup("801", recording="https://pbx.example.com/rec/1718680712.42.wav")
    assert ended.duration_s == 180
    call = calls.get_call(logged.id)
    assert call.recording == "https://pbx.example.com/rec/1718680712.42.wav"
    assert call.duration_s == 180  # the talk time the phone system measured
    # Said again: nothing changes (no second call going on at 801).
    with as_pbx(phone), pytest.raises(NotFoundError, match="No call is going on at extension 801"):
        calls.hangup("801", recording="other.wav")


def test_a_call_logged_after_the_hangup_takes_its_recording(phone, monkeypatch):
    with as_pbx(phone):
        view = calls.ring("13800138000", "801", pbx_call_id="abc-1")
        calls.hangup("801", recording="20261127-100000-801.wav", pbx_call_id="abc-1")
    logged = calls.log_call(calls.CallInput(direction="in", number="13800138000", ring_id=view.id),
                            phone.desk1.id)
    assert logged.recording == "20261127-100000-801.wav"
    assert Ring.get_by_id(view.id).call_id == logged.id
    # The ring is logged once, and only by the clerk it rang at.
    with pytest.raises(ValidationError, match="logged already"):
        calls.log_call(calls.CallInput(direction="in", number="13800138000", ring_id=view.id), phone.desk1.id)
    with as_pbx(phone):
        other = calls.ring("13800138000", "801")
    with pytest.raises(ValidationError, match="another extension"):
        calls.log_call(calls.CallInput(direction="in", number="13800138000", ring_id=other.id), phone.desk2.id)
    assert Call.select().count() == 1


def test_hangup_by_call_id_finds_that_call_and_a_late_recording_is_kept(phone):
    with as_pbx(phone):
        first = calls.ring("13800138000", "801", pbx_call_id="A1")
        calls.ring("021-62345678", "801", pbx_call_id="A2")
        ended = calls.hangup("801", pbx_call_id="A1")
        assert ended.id == first.id and ended.recording == ""
        again = calls.hangup("801", pbx_call_id="A1", recording="A1.wav")  # repeated with the file
    assert again.recording == "A1.wav" and again.hung_up_at == ended.hung_up_at


# --- missed calls -----------------------------------------------------------------------------


def test_a_missed_call_becomes_a_callback_and_counts_as_unanswered(phone):
    with as_pbx(phone):
        ring_view, call_id = calls.missed("138 0013 8000", "801", pbx_call_id="M1")
        again = calls.missed("13800138000", "801", pbx_call_id="M1")  # repeated: logged once
        _queue, queue_call = calls.missed("021-62345678")  # a queue nobody answered
        _hidden, hidden_call = calls.missed("", "802")  # the caller withheld the number
    assert again == (ring_view, call_id)
    call = calls.get_call(call_id)
    assert (call.direction, call.outcome, call.person, call.staff) == ("in", "missed", "张晓明", "王丽")
    assert call.callback_due == NOW + calls.MISSED_CALLBACK_AFTER and call.callback_assignee_id == phone.desk1.id
    assert not ring_view.answered and ring_view.call_id == call_id
    queued = calls.get_call(queue_call)
    assert queued.staff == "电话系统" and queued.callback_assignee_id is None and queued.callback_open
    assert calls.get_call(hidden_call).callback_due is None  # nobody can call a withheld number back
    # desk1's callbacks: their own missed call, and the queue's (anyone's); not desk2's.
    mine = [c.id for c in calls.callbacks(phone.desk1.id, unassigned=True)]
    assert mine == [call_id, queue_call]
    assert [c.id for c in calls.callbacks(phone.desk1.id)] == [call_id]
    # An answered call beside them: 1 answered of 4 that needed an answer.
    calls.log_call(calls.CallInput(direction="in", number="13800138000", duration_s=60), phone.desk1.id)
    with access.acting(phone.boss):
        stats = calls.call_stats(NOW.date(), NOW.date())
    assert (stats.answered, stats.needed_answer) == (1, 4)
    assert dict(stats.by_outcome)["missed"] == 3
    assert stats.avg_duration_s == 60


def test_calling_back_a_missed_call_settles_it(phone, monkeypatch):
    with as_pbx(phone):
        _ring, call_id = calls.missed("13800138000", "801")
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 10:10")
    calls.log_call_answering(calls.CallInput(direction="out", number="13800138000", outcome="resolved",
                                             duration_s=40), phone.desk1.id, callback_of=call_id)
    assert calls.callbacks(phone.desk1.id, unassigned=True) == []


# --- hostile input ----------------------------------------------------------------------------


@pytest.mark.parametrize("number", [
    "13800138000; rm -rf ~", "$(id)", "1380013\x1b[2J8000", "138\x00", "abc", "1" * 41,
    "13800138000\n13900139000", "\u202e13800138000",
])
def test_garbage_numbers_are_refused_and_nothing_is_stored(phone, number):
    with as_pbx(phone), pytest.raises(ValidationError) as caught:
        calls.ring(number, "801")
    assert caught.value.field == "number"
    with as_pbx(phone), pytest.raises(ValidationError):
        calls.missed(number, "801")
    assert Ring.select().count() == 0 and Call.select().count() == 0


@pytest.mark.parametrize("number", ["", "  ", "anonymous", "Unknown"])
def test_a_withheld_number_rings_without_one(phone, number):
    with as_pbx(phone):
        assert calls.ring(number, "801").number == ""


@pytest.mark.parametrize(("option", "value"), [
    ("extension", "80 1"), ("extension", "８０１"), ("extension", "801\x07"), ("extension", "1"),
    ("extension", "123456789"), ("extension", "801;id"),
    ("call_id", "a b"), ("call_id", "$(id)"), ("call_id", "x" * 65), ("call_id", "-rf"),
])
def test_garbage_extensions_and_call_ids_are_refused(phone, option, value):
    kwargs = {"pbx_call_id": value} if option == "call_id" else {}
    with as_pbx(phone), pytest.raises(ValidationError) as caught:
        calls.ring("13800138000", value if option == "extension" else "801", **kwargs)
    assert caught.value.field == option
    assert Ring.select().count() == 0


@pytest.mark.parametrize("recording", [
    "file:///etc/passwd", "../../etc/passwd", "/var/spool/asterisk/monitor/x.wav", "x.wav; rm -rf ~",
    "$(id).wav", "javascript:alert(1)", "http://user:secret@pbx/x.wav", "http://", "https://pbx/a b.wav",
    "x\x1b[2J.wav", "http://pbx/" + "a" * 300, ".hidden", "http://[::1/x",
])
def test_hostile_recordings_are_refused(phone, recording):
    with as_pbx(phone):
        calls.ring("13800138000", "801")
    with as_pbx(phone), pytest.raises(ValidationError) as caught:
        calls.hangup("801", recording=recording)
    assert caught.value.field == "recording"
    assert Ring.get().hung_up_at is None  # nothing half-saved


@pytest.mark.parametrize("recording", [
    "20261127-100000-801.wav", "in-801-13800138000-20261127.mp3", "https://pbx.example.com/r?id=42&k=a%20b",
    "http://192.0.2.10:8088/rec/1718680712.42.wav",
])
def test_recordings_that_are_kept(phone, recording):
    with as_pbx(phone):
        calls.ring("13800138000", "801")
        assert calls.hangup("801", recording=recording).recording == recording


# --- the session's watcher --------------------------------------------------------------------


def test_the_watcher_sees_new_rings_of_its_staff_member_and_their_end(phone, monkeypatch):
    with as_pbx(phone):
        calls.ring("13800138000", "801")  # before the session started: history
    watch = RingWatch(phone.desk1.id)
    assert watch.read() == []
    with as_pbx(phone):
        mine = calls.ring("13800138000", "801")
        calls.ring("021-62345678", "802")  # desk2's
    found = watch.read()
    assert [r.id for r in found] == [mine.id]
    assert watch.read() == []
    watch.watched = {mine.id}
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-27 10:01")
    with as_pbx(phone):
        calls.hangup("801")
    again = watch.read()
    assert [(r.id, r.duration_s) for r in again] == [(mine.id, 60)]


def test_the_ring_bench_rings_the_first_desk_clerk_with_an_extension(phone):
    from data.benchmarks import ring_parameters

    assert ring_parameters() == (phone.desk1.id, "801", "13800138000")


def test_the_watcher_sees_a_ring_committed_on_another_connection(phone):
    """As the session's timer polls it: nothing to read until another connection commits
    (SQLite's data_version, PostgreSQL's snapshot), then the ring."""
    import threading
    import time

    from data.db import close_database

    watch = RingWatch(phone.desk1.id)
    assert watch.poll() == []

    def phone_system() -> None:  # a connection of its own, as the `calls ring` process has
        try:
            with as_pbx(phone):
                calls.ring("13800138000", "801")
        finally:
            close_database()

    writer = threading.Thread(target=phone_system)
    writer.start()
    writer.join()
    found: list = []
    deadline = time.monotonic() + 10
    while not found and time.monotonic() < deadline:
        time.sleep(0.05)
        found = watch.poll()
    assert [(r.number, r.extension, r.answered) for r in found] == [("13800138000", "801", True)]
    assert watch.poll() == []

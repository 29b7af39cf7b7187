"""物品放行条 (issue 16 item 5): the desk issues a numbered pass only with an owner's consent
(a tenant's is refused), the phone consent linked to the call; the gate checks it by number
(valid, not valid yet, used, expired, cancelled, unknown — each with what it covers) and
marks it used once; the desk cancels it; the guard may do nothing else; on both databases."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from data import access, calls, i18n, people
from data import registers as reg
from data.db import close_database
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.models import ReleasePass
from data.people import PersonInput
from tests import factories as f

NOW = "2026-12-06 10:00"


@pytest.fixture
def desk(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    i18n.set_language("en")
    jx, yg = f.community("锦绣花园"), f.community("阳光水岸")
    room = people.ensure_room(jx.id, "3-2-501")
    other = people.ensure_room(yg.id, "3-2-501")
    shared = people.ensure_room(jx.id, "6-1-602")
    empty = people.ensure_room(jx.id, "5-1-101")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    tenant = people.create_person(PersonInput(name="李租客", phones=["13900139000"]))
    wife = people.create_person(PersonInput(name="王共有", phones=["13700137000"]))
    people.move_in(owner, room, "owner")
    people.move_in(tenant, room, "tenant")
    people.move_in(owner, shared, "owner")
    people.move_in(wife, shared, "co_owner")
    clerk = f.staff("desk1", "李娜")
    guard = f.staff("guard1", "王保安", "guard")
    access.act_as(clerk)
    return {"room": room, "other": other, "shared": shared, "empty": empty, "owner": owner,
            "tenant": tenant, "wife": wife, "clerk": clerk, "guard": guard}


def issue(**fields) -> reg.PassView:
    fields.setdefault("room", "3-2-501")
    fields.setdefault("community", "锦绣花园")
    fields.setdefault("items", "旧沙发一套、餐桌一张")
    fields.setdefault("carrier_name", "刘师傅")
    fields.setdefault("consent_how", "in_person")
    return reg.issue_pass(reg.PassInput(**fields))


def test_a_pass_is_numbered_by_day_and_records_the_owners_consent(desk):
    first = issue(carrier_phone="137 0000 1111", carrier_plate="沪B·54321")
    second = issue(consent_how="written", consent_note="业主书面同意书已留存")
    assert (first.number, second.number) == ("FX-20261206-001", "FX-20261206-002")
    assert first.consent_name == "张晓明" and first.consent_person_id == desk["owner"]
    assert first.valid_from == first.valid_until == dt.date(2026, 12, 6)
    assert first.state() == "valid" and first.issued_by == "李娜"
    assert first.carrier == "刘师傅 137****1111 沪B·54321"
    assert "锦绣花园 3-2-501: 旧沙发一套、餐桌一张" in first.covers and "In person" in first.covers
    assert first.as_json()["carrier_phone"] == "137****1111"
    assert second.consent_note == "业主书面同意书已留存"


def test_without_consent_or_with_a_tenants_the_pass_is_refused_and_nothing_saved(desk):
    with pytest.raises(ValidationError) as caught:
        issue(consent_how="")
    assert caught.value.field == "consent" and "needs the owner's consent" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        issue(consent_owner="李租客")
    assert caught.value.field == "owner"
    assert "李租客 is the Tenant of 锦绣花园 3-2-501, not an owner" in caught.value.message
    assert "张晓明" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        issue(consent_person_id=desk["tenant"])
    assert "not an owner" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        issue(room="5-1-101")
    assert "has no owner on record" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        issue(room="6-1-602")  # two owners: say which one
    assert "Say which owner consented: 张晓明、王共有" in caught.value.message
    assert issue(room="6-1-602", consent_owner="王共有").consent_name == "王共有"  # a co-owner may
    assert ReleasePass.select().count() == 1


@pytest.mark.parametrize(("field", "value", "says"), [
    ("items", "", "what is carried out"),
    ("carrier_name", "", "who carries"),
    ("carrier_plate", "沪O12345", "I or O"),
    ("consent_how", "卖掉了", "Unknown value"),
    ("valid_from", dt.date(2026, 12, 5), "in the past"),
    ("valid_until", dt.date(2026, 12, 1), "before the first"),
    ("valid_until", dt.date(2027, 3, 1), "31 days at most"),
    ("room", "3-2-501 ", "could be any of"),
])
def test_bad_input_is_refused_naming_the_field(desk, field, value, says):
    fields = {field: value}
    if field == "room":
        fields["community"] = ""
    with pytest.raises(ValidationError) as caught:
        issue(**fields)
    assert says in caught.value.message
    assert ReleasePass.select().count() == 0


def test_a_phone_consent_is_linked_to_the_owners_recent_call(desk):
    call = calls.log_call(calls.CallInput("in", "13800138000", "other", "业主同意搬出沙发"), desk["clerk"].id)
    view = issue(consent_how="phone")
    assert view.consent_call_id == call.id
    named = issue(consent_how="written", call_id=call.id)
    assert named.consent_call_id == call.id
    with pytest.raises(ValidationError) as caught:
        issue(consent_how="phone", call_id=99999)
    assert caught.value.field == "call"


def test_pass_numbers_have_no_gaps_or_repeats_under_concurrent_desks(desk):
    """Four desks issue five passes each at once, on their own connections (the day's
    counter row, data.numbering): twenty numbers, 001–020."""
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def clerk() -> None:
        try:
            access.act_as(desk["clerk"])
            start.wait()
            for _n in range(5):
                view = issue()
                with lock:
                    numbers.append(view.number)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            close_database()

    threads = [threading.Thread(target=clerk) for _i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"FX-20261206-{n:03d}" for n in range(1, 21)]


def test_the_gate_checks_by_number_and_uses_a_pass_once(desk):
    view = issue(carrier_plate="沪B54321")
    access.act_as(desk["guard"])
    check = reg.check_pass("fx２０２６１２０６００１")  # typed any way
    assert check.state == "valid" and check.ok and check.view.number == view.number
    assert "may go out today" in check.message
    used = reg.use_pass(view.number)
    assert used.state == "used_now" and "marked used at 10:00" in used.message
    assert used.view.used_by == "王保安(guard1)"
    with pytest.raises(reg.PassRefused) as caught:
        reg.use_pass(view.number)
    assert caught.value.check.state == "used"
    assert "Already used" in caught.value.message and "2026-12-06 10:00" in caught.value.message
    assert "王保安(guard1)" in caught.value.message
    assert ReleasePass.get_by_id(view.id).used_by_id == desk["guard"].id
    unknown = reg.check_pass("FX-20261206-999")
    assert unknown.state == "unknown" and unknown.view is None and "no release pass" in unknown.message
    with pytest.raises(reg.PassRefused):
        reg.use_pass("FX-20261206-999")


def test_expired_not_yet_and_cancelled_passes_are_refused_at_the_gate(desk, monkeypatch):
    later = issue(valid_from=dt.date(2026, 12, 8), valid_until=dt.date(2026, 12, 9))
    today = issue()
    cancelled = issue()
    with pytest.raises(PermissionDenied):
        with access.acting(desk["guard"]):
            reg.cancel_pass(cancelled.number, "业主改期")
    gone = reg.cancel_pass(cancelled.number, "业主改期")
    assert gone.state() == "cancelled" and gone.cancelled_by == "李娜"
    with pytest.raises(ValidationError):
        reg.cancel_pass(cancelled.number)
    access.act_as(desk["guard"])
    assert reg.check_pass(later.number).state == "not_yet"
    assert "valid from 2026-12-08" in reg.check_pass(later.number).message
    check = reg.check_pass(cancelled.number)
    assert check.state == "cancelled" and "业主改期" in check.message and "李娜" in check.message
    with pytest.raises(reg.PassRefused):
        reg.use_pass(cancelled.number)
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-07 08:00")
    check = reg.check_pass(today.number)
    assert check.state == "expired" and "valid until 2026-12-06" in check.message
    with pytest.raises(reg.PassRefused):
        reg.use_pass(today.number)
    # Used passes cannot be cancelled.
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-08 08:00")
    reg.use_pass(later.number)
    access.act_as(desk["clerk"])
    with pytest.raises(ValidationError) as caught:
        reg.cancel_pass(later.number)
    assert "cannot be cancelled" in caught.value.message


def test_the_guard_checks_and_lists_but_never_issues(desk):
    issue()
    access.act_as(desk["guard"])
    with pytest.raises(PermissionDenied) as caught:
        issue()
    assert "issue or cancel release passes" in caught.value.message
    assert [p.number for p in reg.passes_page().rows] == ["FX-20261206-001"]
    with pytest.raises(NotFoundError):
        reg.get_pass("FX-20261206-404")


def test_the_list_pages_and_narrows_by_state_and_text(desk, monkeypatch):
    for n in range(5):
        issue(carrier_name=f"师傅{n}")
    reg.cancel_pass("FX-20261206-002")
    page = reg.passes_page(limit=3)
    rest = reg.passes_page(limit=3, after=page.next_cursor)
    assert [p.number[-3:] for p in page.rows + rest.rows] == ["005", "004", "003", "002", "001"]
    assert [p.number[-3:] for p in reg.passes_page(state="cancelled").rows] == ["002"]
    assert [p.number[-3:] for p in reg.passes_page(state="open").rows] == ["005", "004", "003", "001"]
    assert [p.carrier_name for p in reg.passes_page("师傅3").rows] == ["师傅3"]
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-10 09:00")
    assert len(reg.passes_page(state="expired").rows) == 4
    with pytest.raises(ValidationError):
        reg.passes_page(state="lost")


# --- the sample ---------------------------------------------------------------------------------


def test_the_sample_has_a_guard_visitors_and_passes_in_every_state_moved_with_the_demo(tmp_path):
    import sqlite3

    from data import auth, demo
    from data.db import close_database, open_database
    from data.sample import SAMPLE_PASSWORD, generate

    made = dt.date(2026, 1, 15)
    path = tmp_path / "demo.db"
    try:
        generate(str(path), owners=300, seed=3, today=made)
    finally:
        close_database()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        per_day = conn.execute(
            "SELECT community_id, substr(time_in, 1, 10) AS d, count(*) FROM visitor "
            "WHERE d >= '2025-12-16' AND d < '2026-01-15' GROUP BY community_id, d").fetchall()
        assert per_day and all(5 <= n <= 15 for _c, _d, n in per_day)
        older = conn.execute("SELECT count(*) FROM visitor WHERE time_in < '2025-12-01'").fetchone()[0]
        assert 0 < older < len(per_day) * 10 * 11  # fewer a day before the last month
        inside = conn.execute("SELECT count(*) FROM visitor WHERE time_out IS NULL").fetchone()[0]
        assert inside >= 1
        assert conn.execute("SELECT count(*) FROM visitor WHERE time_out IS NULL AND time_in < '2026-01-15'"
                            ).fetchone() == (0,)  # only this morning's are still inside
        assert conn.execute("SELECT count(*) FROM visitor WHERE time_in > '2026-01-15 09:00:00'"
                            ).fetchone() == (0,)  # nobody came in after now
        numbers = [n for (n,) in conn.execute("SELECT number FROM release_pass")]
        assert len(numbers) == len(set(numbers))
        assert all(n[3:11] == i[:10].replace("-", "") for n, i in conn.execute(
            "SELECT number, issued_at FROM release_pass"))
    finally:
        conn.close()
    open_database(str(path))
    try:
        guard = auth.authenticate("guard1", SAMPLE_PASSWORD)
        assert (guard.name, guard.role, guard.must_change_password) == ("王保安", "guard", True)
        with access.acting(guard):
            states = {p.state(made) for p in reg.passes_page(limit=500).rows}
        assert {"valid", "used", "expired", "cancelled"} <= states
        demo.shift_to_today(dt.date(2026, 12, 7))
        moved = {row.number[3:11] for row in ReleasePass.select().where(
            ReleasePass.issued_at >= dt.datetime(2026, 12, 7))}
        assert moved == {"20261207"}  # this morning's passes have today's number
    finally:
        close_database()

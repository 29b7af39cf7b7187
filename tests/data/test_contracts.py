"""Proposals and service contracts (issue 17 item 4): amounts in Chinese capitals, numbering
without gaps (also under concurrent creation), the status flow and its refusals, quotes from
a work order's cost lines, proposals for a lead, the register's filters, and contracts about
to end reaching their owner as one notification and one renewal callback — on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest

from data import contracts as ct
from data import people
from data import workorders as wo
from data.calls import callbacks
from data.contracts import ContractFilter, ContractInput, ProposalInput
from data.db import close_database, transaction
from data.errors import PermissionDenied, ValidationError
from data.models import AuditLog, Call, Contract, ContractCounter, ContractEvent, Notification
from data.people import PersonInput
from tests import factories as f

NOW = "2027-03-01 09:00"
TODAY = dt.date(2027, 3, 1)


# --- amounts in words ----------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "words"), [
    ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("0.05", "伍分"),
    ("0.5", "伍角整"),
    ("0.50", "伍角整"),
    ("10", "壹拾元整"),
    ("15", "壹拾伍元整"),
    ("100.5", "壹佰元伍角整"),
    ("100.05", "壹佰元零伍分"),
    ("1000000", "壹佰万元整"),
    ("10001", "壹万零壹元整"),
    ("1001", "壹仟零壹元整"),
    ("1010", "壹仟零壹拾元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("107000.53", "壹拾万零柒仟元伍角叁分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("120000000", "壹亿贰仟万元整"),
    ("102000000", "壹亿零贰佰万元整"),
    ("9999999999.99", "玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("0", "零元整"),
    ("-3", "负叁元整"),
    (Decimal("2000.00"), "贰仟元整"),
    (800, "捌佰元整"),
])
def test_amounts_in_words(amount, words):
    assert ct.amount_in_words(amount) == words


def test_amounts_in_words_refuse_what_is_no_amount():
    for bad in ("abc", "NaN", "Infinity", "1e20"):
        with pytest.raises(ValueError):
            ct.amount_in_words(bad)


# --- the world ---------------------------------------------------------------------------------------


@pytest.fixture
def w(database, monkeypatch) -> SimpleNamespace:
    """A community with an owned room 3-2-501 (张晓明, with a tenant) and a desk clerk,
    a technician and a supervisor; the clock on 2027-03-01 09:00."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    tenant = people.create_person(PersonInput(name="李租客", phones=["13900139000"]))
    people.move_in(owner, room, "owner")
    people.move_in(tenant, room, "tenant")
    return SimpleNamespace(
        comm=comm, room=room, owner=owner, tenant=tenant,
        desk=f.staff("desk1", "李娜", "desk"), tech=f.staff("tech1", "王建国", "tech"),
        lead=f.staff("super1", "陈静", "supervisor"))


def parking(w, staff=None, **changes) -> ct.ContractView:
    values = dict(kind="parking", amount="3600", start_date=dt.date(2027, 3, 1),
                  end_date=dt.date(2028, 2, 29), room="3-2-501", subject="B2-034")
    values.update(changes)
    return ct.create_contract(ContractInput(**values), (staff or w.desk).id)


# --- numbering ---------------------------------------------------------------------------------------


def test_numbers_count_per_series_and_year(w, monkeypatch):
    assert parking(w).number == "HT-2027-0001"
    assert parking(w, kind="家政").number == "HT-2027-0002"
    proposal = ct.create_proposal(ProposalInput(name="王先生", phone="13700137000", interest="车位租售",
                                                rooms="B2-034", amount="300"), w.desk.id)
    assert proposal.number == "JY-2027-0001"
    assert parking(w).number == "HT-2027-0003"
    monkeypatch.setenv("FRONTDESK_NOW", "2028-01-02 09:00")
    assert parking(w, start_date=dt.date(2028, 1, 2), end_date=dt.date(2028, 12, 31)).number == "HT-2028-0001"
    assert {(c.series, c.year, c.last_number) for c in ContractCounter.select()} == {
        ("HT", 2027, 3), ("JY", 2027, 1), ("HT", 2028, 1)}


def test_a_refused_contract_takes_no_number(w):
    parking(w)
    with pytest.raises(ValidationError) as caught:
        parking(w, end_date=dt.date(2026, 1, 1))
    assert caught.value.field == "end_date"
    # A failure inside the transaction gives its number back too.
    with pytest.raises(RuntimeError), transaction():
        ct.create_contract(ContractInput(kind="parking", amount="1", start_date=TODAY,
                                         end_date=TODAY, room="3-2-501"), w.desk.id)
        raise RuntimeError("rolled back")
    assert parking(w).number == "HT-2027-0002"
    assert [c.number for c in Contract.select().order_by(Contract.id)] == ["HT-2027-0001", "HT-2027-0002"]


def test_numbers_have_no_gaps_under_concurrent_creation(w):
    """Four clerks at once, eight contracts each, on their own connections: 32 numbers,
    1 to 32, none twice, none missing (on both databases)."""
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def clerk() -> None:
        try:
            start.wait()
            for _i in range(8):
                view = parking(w)
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
    assert sorted(numbers) == [f"HT-2027-{n:04d}" for n in range(1, 33)]
    assert Contract.select().count() == 32
    assert ContractCounter.get(ContractCounter.series == "HT").last_number == 32


# --- parties and checks ----------------------------------------------------------------------------


def test_a_room_contract_names_its_owner_and_keeps_the_phone_masked_in_views(w):
    view = parking(w)
    assert (view.party, view.room, view.community) == ("张晓明", "3-2-501", "锦绣花园")
    assert view.party_phone == "138****8000" and view.person_id == w.owner
    assert Contract.get_by_id(view.id).party_phone == "13800138000"
    assert view.status == "draft" and view.owner_staff == "李娜" and view.amount == Decimal("3600.00")
    tenant = parking(w, kind="housekeeping", owner="李租客", subject="每周两次保洁")
    assert tenant.party == "李租客"
    with pytest.raises(ValidationError) as caught:
        parking(w, owner="赵无名")
    assert caught.value.field == "owner" and "赵无名" in caught.value.message


@pytest.mark.parametrize(("changes", "field"), [
    ({"amount": "abc"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "1.234"}, "amount"),
    ({"kind": "租船"}, "kind"),
    ({"start_date": None}, "start_date"),
    ({"end_date": dt.date(2027, 2, 1)}, "end_date"),
    ({"room": "", "party_name": ""}, "party_name"),
    ({"room": "9-9-909"}, "room"),
    ({"subject": "B2\x1b[31m034"}, "subject"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(w, changes, field):
    with pytest.raises(ValidationError) as caught:
        parking(w, **changes)
    assert caught.value.field == field
    assert Contract.select().count() == 0


def test_a_technician_quotes_but_drafts_no_contract(w):
    with pytest.raises(PermissionDenied):
        parking(w, staff=w.tech)
    with pytest.raises(PermissionDenied):
        ct.list_contracts(staff_id=w.tech.id)


# --- the status flow -------------------------------------------------------------------------------


def test_sign_then_in_force_then_the_term_ends(w, monkeypatch):
    later = parking(w, start_date=dt.date(2027, 4, 1), end_date=dt.date(2027, 6, 30))
    signed = ct.sign(later.id, w.desk.id)
    assert signed.status == "signed" and signed.signed_on == TODAY
    now_running = ct.sign(parking(w).id, w.desk.id)
    assert now_running.status == "active"  # its term has begun: in force at once
    assert [e.action for e in now_running.events] == ["create", "sign", "start"]
    with pytest.raises(ValidationError) as caught:
        ct.sign(later.id, w.desk.id)
    assert "已签" in caught.value.message
    monkeypatch.setenv("FRONTDESK_NOW", "2027-04-01 08:00")
    assert ct.advance_statuses() == 1
    assert ct.get_contract(later.id).status == "active"
    monkeypatch.setenv("FRONTDESK_NOW", "2027-07-01 08:00")
    assert ct.advance_statuses() == 1
    view = ct.get_contract(later.id)
    assert view.status == "expired" and [e.action for e in view.events][-1] == "expire"
    assert ct.advance_statuses() == 0  # idempotent
    with pytest.raises(ValidationError):
        ct.terminate(later.id, w.lead.id, "业主搬走")


def test_terminate_needs_a_lead_and_a_reason(w):
    view = ct.sign(parking(w).id, w.desk.id)
    with pytest.raises(PermissionDenied):
        ct.terminate(view.id, w.desk.id, "业主卖房")
    with pytest.raises(ValidationError) as caught:
        ct.terminate(view.id, w.lead.id, "  ")
    assert caught.value.field == "reason"
    done = ct.terminate(view.number, w.lead.id, "业主卖房，提前解除", expected_version=view.version)
    assert done.status == "terminated" and done.closed_reason == "业主卖房，提前解除"
    assert AuditLog.select().where(AuditLog.entity == "contract", AuditLog.field == "status",
                                   AuditLog.new_value == "terminated").exists()


def test_a_stale_version_is_a_conflict(w):
    from data.errors import ConflictError

    view = parking(w)
    ct.sign(view.id, w.desk.id)
    with pytest.raises(ConflictError):
        ct.terminate(view.id, w.lead.id, "重复录入", expected_version=view.version)


# --- quotes and proposals -------------------------------------------------------------------------


def test_a_quote_from_the_owner_paid_cost_lines(w):
    order = wo.create_order(wo.OrderInput(kind="repair", title="卫生间角阀漏水", community_id=w.comm.id,
                                          room_id=w.room, person_id=w.owner), w.desk.id)
    wo.assign(order.id, w.tech.id, w.desk.id)  # the technician's own order: they may quote it
    with pytest.raises(ValidationError) as caught:
        ct.create_quote(order.id, w.tech.id)
    assert order.number in caught.value.message
    wo.add_cost(order.id, w.tech.id, "material", "角阀", "2", "35.50", "owner")
    wo.add_cost(order.id, w.tech.id, "labour", "人工", "1", "80", "owner")
    wo.add_cost(order.id, w.tech.id, "material", "密封胶", "1", "12", "company")
    quote = ct.create_quote(order.id, w.tech.id)  # a technician may quote
    assert quote.number == "BJ-2027-0001" and quote.kind == "quote"
    assert quote.amount == Decimal("151.00") and quote.work_order == order.number
    assert [li.description for li in quote.lines] == ["角阀", "人工"]
    assert quote.end_date == TODAY + dt.timedelta(days=30) and quote.party == "张晓明"


def test_a_proposal_for_a_lead_is_a_plain_mapping(w):
    view = ct.create_proposal(ProposalInput(name="王先生", phone="137 0013 7000", interest="房屋托管",
                                            rooms="5-1-101、5-1-102", amount="1200"), w.desk.id)
    assert (view.party, view.interest, view.rooms_of_interest) == ("王先生", "房屋托管", "5-1-101、5-1-102")
    assert view.room == "" and view.subject == "房屋托管"
    with pytest.raises(ValidationError) as caught:
        ct.create_proposal(ProposalInput(name="", phone="13700137000"), w.desk.id)
    assert caught.value.field == "party_name"


# --- the register ---------------------------------------------------------------------------------


def test_the_register_filters_by_status_kind_expiring_and_text(w):
    a = ct.sign(parking(w, end_date=dt.date(2027, 3, 20)).id, w.desk.id)
    b = parking(w, kind="housekeeping", end_date=dt.date(2027, 3, 10))  # a draft: not expiring
    c = ct.sign(parking(w, kind="housekeeping", end_date=dt.date(2027, 9, 1)).id, w.desk.id)
    numbers = lambda page: [r.number for r in page.rows]  # noqa: E731
    assert numbers(ct.list_contracts()) == [c.number, b.number, a.number]
    assert numbers(ct.list_contracts(ContractFilter(status="履行中"))) == [c.number, a.number]
    assert numbers(ct.list_contracts(ContractFilter(kind="家政"))) == [c.number, b.number]
    assert numbers(ct.list_contracts(ContractFilter(expiring_days=30))) == [a.number]
    assert [r.number for r in ct.expiring(200)] == [a.number, c.number]
    assert numbers(ct.list_contracts(ContractFilter(text="HT-2027-0002"))) == [b.number]
    assert len(ct.list_contracts(ContractFilter(text="张晓")).rows) == 3
    assert len(ct.list_contracts(ContractFilter(text="3-2")).rows) == 3
    with pytest.raises(ValidationError):
        ct.list_contracts(ContractFilter(status="unknown"))


# --- contracts about to end ------------------------------------------------------------------------


def test_a_contract_ending_within_30_days_reaches_its_owner_once(w, monkeypatch):
    ending = ct.sign(parking(w, end_date=dt.date(2027, 3, 25)).id, w.desk.id)
    ct.sign(parking(w, end_date=dt.date(2027, 5, 1)).id, w.desk.id)  # not yet
    parking(w, end_date=dt.date(2027, 3, 20))  # a draft: nothing to renew
    moved, sent = ct.sweep()
    assert [n.number for n in sent] == [ending.number] and sent[0].staff_login == "desk1"
    note = Notification.get(Notification.entity == "contract")
    assert note.staff_id == w.desk.id and note.kind == "contract"
    assert ending.number in note.title and "2027-03-25" in note.title
    call = Call.get_by_id(sent[0].call_id)
    assert call.callback_assignee_id == w.desk.id and call.callback_done_at is None
    assert call.number == "13800138000" and call.person_id == w.owner
    assert call.callback_due == dt.datetime(2027, 3, 2, 10, 0)
    assert [c.id for c in callbacks(w.desk.id)] == [call.id]  # on the desk's callback list
    assert ContractEvent.select().where(ContractEvent.action == "remind").count() == 1
    # Again, and from another session at once: nothing more.
    assert ct.sweep()[1] == []
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-10 09:00")
    assert ct.remind_expiring() == []
    assert Notification.select().where(Notification.entity == "contract").count() == 1
    assert Call.select().where(Call.category == "callback", Call.duration_s == 0).count() == 1


def test_the_reminder_goes_to_the_responsible_staff_member(w):
    other = f.staff("desk2", "周敏", "desk")
    view = ct.sign(parking(w, end_date=dt.date(2027, 3, 15), owner_staff_id=other.id).id, w.desk.id)
    sent = ct.remind_expiring()
    assert [(n.number, n.staff_login) for n in sent] == [(view.number, "desk2")]
    assert Notification.get(Notification.entity == "contract").staff_id == other.id


def test_a_technician_quotes_and_reads_only_orders_they_may_see(w):
    """A quote follows the work order's visibility: a technician's own (or their
    territory's) orders, not any other; nor may they read or render another's quote."""
    order = wo.create_order(wo.OrderInput(kind="repair", title="卫生间角阀漏水", community_id=w.comm.id,
                                          room_id=w.room, person_id=w.owner), w.desk.id)
    wo.add_cost(order.id, w.desk.id, "material", "角阀", "2", "35.50", "owner")
    with pytest.raises(PermissionDenied) as caught:
        ct.create_quote(order.id, w.tech.id)
    assert order.number in caught.value.message
    assert Contract.select().count() == 0
    quote = ct.create_quote(order.id, w.desk.id)  # the desk sees every order
    with pytest.raises(PermissionDenied):
        ct.get_contract(quote.id, w.tech.id)
    with pytest.raises(PermissionDenied):
        ct.render_contract(quote.id, w.tech.id)
    assert Contract.get_by_id(quote.id).file_name == ""
    wo.assign(order.id, w.tech.id, w.desk.id)
    assert ct.get_contract(quote.id, w.tech.id).number == quote.number
    assert ct.create_quote(order.id, w.tech.id).kind == "quote"

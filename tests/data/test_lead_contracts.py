"""Leads to contracts (issue 17 items 1, 4) on both databases: a won lead converted in one
step into the contract its interest calls for — numbered without gaps, the lead as its party
(its person and room once it moved in), the amount from its budget, linked both ways — a lead
not won refused with a clear message, and a value-added service proposal rendered from the
lead's data into the export folder, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from data import contracts as ct
from data import leads, people
from data.errors import PermissionDenied, ValidationError
from data.exports import default_export_dir
from data.leads import LeadInput
from data.models import (
    AuditLog,
    Contract,
    ContractCounter,
    ContractEvent,
    Lead,
    LeadEvent,
    ParkingSpace,
    Room,
)
from data.people import PersonInput
from tests import factories as f

NOW = dt.datetime(2026, 11, 27, 10, 0)
TODAY = NOW.date()


@pytest.fixture
def world(database, monkeypatch):
    """锦绣花园 with a desk clerk and a technician, an owner 张晓明 in 3-2-501, a vacant
    3-2-502 and a free parking space B2-034; the clock on 2026-11-27 10:00."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW.isoformat(sep=" "))
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜", community=comm)
    tech = f.staff("tech1", "李建国", "tech")
    occupied = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, occupied, "owner", dt.date(2019, 5, 1))
    Room.update(state="occupied").where(Room.id == occupied).execute()
    vacant = people.ensure_room(comm.id, "3-2-502")
    space = ParkingSpace.create(community=comm, code="B2-034", kind="rented")
    return {"comm": comm.id, "desk": desk.id, "tech": tech.id, "owner": owner, "occupied": occupied,
            "vacant": vacant, "space": space.id}


def lead(w, name="刘洋", phone="139 1234 5678", interest="车位租售", stage="成交", **fields) -> leads.LeadView:
    values = {"name": name, "phones": [phone], "source": "来电", "interest": interest,
              "community_id": w["comm"]}
    values.update(fields)
    view = leads.create_lead(LeadInput(**values), w["desk"])
    if stage != "新线索":
        view = leads.set_stage(view.id, stage, w["desk"])
    return view


def timeline_of(lead_id: int) -> list[tuple[str, str, str]]:
    return [(e.kind, e.code, e.to_value) for e in LeadEvent.select().where(LeadEvent.lead == lead_id)
            .order_by(LeadEvent.id)]


# --- a won lead becomes a contract ---------------------------------------------------------------


def test_a_won_parking_lead_becomes_a_parking_lease_linked_both_ways(world):
    w = world
    won = lead(w, places="B2-034", budget="3600")
    deal = leads.convert_to_contract(won.id, w["desk"])
    contract = deal.contract
    # The register: the first HT number of the year, the kind the interest calls for, the lead
    # as its party, its budget as the amount, a year from today, its space as the subject.
    assert (contract.number, contract.kind, contract.status) == ("HT-2026-0001", "parking", "draft")
    assert (contract.party, contract.community, contract.room) == ("刘洋", "锦绣花园", "")
    assert contract.party_phone == "139****5678"  # masked in the view …
    stored = Contract.get_by_id(contract.id)
    assert stored.party_phone == "13912345678"  # … in full on the paper
    assert (contract.amount, contract.start_date, contract.end_date) == (
        Decimal("3600.00"), TODAY, dt.date(2027, 11, 26))
    assert contract.subject == "B2-034"
    # The contract keeps the lead …
    assert (contract.lead_id, contract.lead) == (won.id, "刘洋")
    assert json.loads(stored.details) == {"lead": won.id}
    assert ct.get_contract(contract.number, w["desk"]).as_json()["lead"] == {"id": won.id, "name": "刘洋"}
    created = ContractEvent.get(ContractEvent.contract == contract.id, ContractEvent.action == "create")
    assert f"#{won.id} 刘洋" in created.note
    # … and the lead the contract: its timeline, its card, what it became.
    assert timeline_of(won.id)[-1] == ("convert", "contract", "HT-2026-0001")
    view = deal.lead
    assert (view.converted_to, view.stage, view.result) == ("contract", "won", "HT-2026-0001")
    assert [(c.number, c.kind, c.status) for c in view.contracts] == [("HT-2026-0001", "parking", "draft")]
    assert view.contract is not None and view.contract.id == contract.id
    assert leads.get_lead(won.id).as_json()["contracts"][0]["number"] == "HT-2026-0001"
    # The same contract twice is refused, naming the first; nothing is numbered for it.
    with pytest.raises(ValidationError) as caught:
        leads.convert_to_contract(won.id, w["desk"])
    assert caught.value.field == "kind" and "HT-2026-0001" in caught.value.message
    assert ContractCounter.get(ContractCounter.series == "HT").last_number == 1
    # … and it may still become the holder of the space the lease is about.
    holder = leads.convert_to_tenant(won.id, w["desk"])
    assert holder.converted_to == "parking" and ParkingSpace.get_by_id(w["space"]).holder_id == holder.person_id
    assert holder.contracts[0].number == "HT-2026-0001"


def test_a_lead_that_moved_in_signs_as_its_person_for_its_room(world):
    w = world
    won = lead(w, name="孙悦", phone="13566667777", interest="家政保洁", places="3-2-502", budget="1.2万",
               note="每周两次日常保洁\n周末也可以")
    tenant = leads.convert_to_tenant(won.id, w["desk"])
    assert tenant.converted_to == "tenant"
    deal = leads.convert_to_contract(won.id, w["desk"], start=dt.date(2026, 12, 1), end=dt.date(2027, 5, 31))
    contract = deal.contract
    assert (contract.kind, contract.room, contract.person_id) == ("housekeeping", "3-2-502", tenant.person_id)
    assert (contract.party, contract.amount) == ("孙悦", Decimal("12000.00"))
    assert (contract.start_date, contract.end_date) == (dt.date(2026, 12, 1), dt.date(2027, 5, 31))
    assert contract.subject == "每周两次日常保洁"
    # It stays what it became first (a tenant), with its contract beside.
    assert deal.lead.converted_to == "tenant" and deal.lead.contract is not None
    assert deal.lead.contract.number == contract.number


def test_a_known_owner_renovating_signs_for_the_room_they_own(world):
    w = world
    won = lead(w, name="张先生", phone="13800138000", interest="装修", budget="5000")
    assert won.person_id == w["owner"]
    contract = leads.convert_to_contract(won.id, w["desk"], amount="4800", subject="厨卫翻新").contract
    assert (contract.kind, contract.party, contract.room) == ("renovation", "张晓明", "3-2-501")
    assert (contract.amount, contract.subject) == (Decimal("4800.00"), "厨卫翻新")


def test_a_lead_not_won_is_refused_with_a_clear_message(world):
    w = world
    quoted = lead(w, stage="已报价", budget="3600")
    with pytest.raises(ValidationError) as caught:
        leads.convert_to_contract(quoted.id, w["desk"])
    assert caught.value.field == "stage"
    assert caught.value.message == f"潜在客户 #{quoted.id} 处于“已报价”阶段：只有成交的潜在客户才能转为合同。"
    assert leads.contract_refusal(quoted.id) == caught.value.message
    lost = leads.lose(lead(w, name="王芳", phone="13700001111", stage="已联系").id, "价格", w["desk"])
    with pytest.raises(ValidationError, match="流失"):
        leads.convert_to_contract(lost.id, w["desk"])
    # Nothing was saved or numbered; the next won lead gets the first number.
    assert Contract.select().count() == 0 and ContractCounter.select().count() == 0
    assert Lead.get_by_id(quoted.id).converted_to == ""
    assert leads.convert_to_contract(lead(w, name="赵雪", phone="13600002222", budget="100").id,
                                     w["desk"]).contract.number == "HT-2026-0001"


def test_what_a_conversion_needs_is_asked_for_by_name(world):
    w = world
    renting = lead(w, interest="租房", budget="4500")
    with pytest.raises(ValidationError) as caught:
        leads.convert_to_contract(renting.id, w["desk"])
    assert caught.value.field == "kind" and "租房" in caught.value.message and "其他服务合同" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        leads.convert_to_contract(renting.id, w["desk"], kind="建议书")
    assert caught.value.field == "kind"
    assert leads.convert_to_contract(renting.id, w["desk"], kind="其他").contract.kind == "other"
    no_budget = lead(w, name="钱多", phone="13600003333", interest="家政")
    with pytest.raises(ValidationError) as caught:
        leads.convert_to_contract(no_budget.id, w["desk"])
    assert caught.value.field == "amount" and "预算" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        leads.convert_to_contract(no_budget.id, w["desk"], amount="800", start=TODAY, end=TODAY - dt.timedelta(days=1))
    assert caught.value.field == "end_date"
    assert Contract.select().count() == 1 and timeline_of(no_budget.id)[-1][0] != "convert"


def test_a_technician_converts_no_lead(world):
    w = world
    won = lead(w, budget="3600")
    with pytest.raises(PermissionDenied):
        leads.convert_to_contract(won.id, w["tech"])
    with pytest.raises(PermissionDenied):
        leads.make_proposal(won.id, w["tech"])
    assert Contract.select().count() == 0


# --- a proposal for a lead ---------------------------------------------------------------------------


def test_a_proposal_is_rendered_from_the_lead_and_moves_it_to_quoted(world):
    w = world
    interested = lead(w, name="周女士", phone="13912345678", stage="有意向", places="B2-034", budget="300",
                      note="想长租离电梯近的车位")
    deal = leads.make_proposal(interested.id, w["desk"])
    contract = deal.contract
    assert (contract.number, contract.kind, contract.party, contract.amount) == (
        "JY-2026-0001", "proposal", "周女士", Decimal("300.00"))
    assert (contract.interest, contract.rooms_of_interest, contract.lead_id) == ("车位租售", "B2-034", interested.id)
    # The Word file in the export folder, with the lead's name, full phone, interest and amount.
    path = Path(deal.path)
    assert path.parent == default_export_dir() and path.is_file()
    assert Contract.get_by_id(contract.id).file_name == path.name
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "尊敬的周女士：" in text
    assert "根据您的需求（车位租售）" in text and "意向房源或车位：B2-034" in text
    assert "服务内容：B2-034" in text and "方案报价：人民币300.00元（大写：叁佰元整）" in text
    # The lead: its timeline names the proposal, it moved on to 已报价, and writing its phone
    # out in full is in the audit trail.
    view = deal.lead
    assert view.stage == "quoted"
    assert ("proposal", "", "JY-2026-0001") in timeline_of(interested.id)
    assert ("stage", "", "quoted") in timeline_of(interested.id)
    assert [c.number for c in view.contracts] == ["JY-2026-0001"] and view.contract is None
    reveal = AuditLog.get(AuditLog.action == "reveal", AuditLog.entity == "lead")
    assert (reveal.entity_id, reveal.field, reveal.new_value, reveal.staff_id) == (
        interested.id, "phones", "JY-2026-0001", w["desk"])
    # A second proposal at another amount, the stage kept as it is.
    again = leads.make_proposal(interested.id, w["desk"], amount="280", subject="B2-034 月租", to_quoted=False)
    assert again.contract.number == "JY-2026-0002" and again.lead.stage == "quoted"
    text = "\n".join(p.text for p in docx.Document(again.path).paragraphs)
    assert "服务内容：B2-034 月租" in text and "人民币280.00元" in text


def test_a_proposal_may_leave_the_stage_and_a_lost_lead_gets_none(world):
    w = world
    new = lead(w, stage="新线索", interest="家政保洁")
    deal = leads.make_proposal(new.id, w["desk"], amount="800", to_quoted=False)
    assert deal.lead.stage == "new" and deal.contract.amount == Decimal("800.00")
    assert deal.contract.subject == "家政保洁"  # no note: its interest
    lost = leads.lose(lead(w, name="王芳", phone="13700001111", stage="已联系").id, "价格", w["desk"])
    with pytest.raises(ValidationError) as caught:
        leads.make_proposal(lost.id, w["desk"])
    assert caught.value.field == "stage" and "<" in caught.value.message
    assert Contract.select().count() == 1


def test_a_name_that_looks_like_template_code_stays_text(world):
    w = world
    odd = lead(w, name="{{ 7*7 }}", stage="有意向", budget="100")
    deal = leads.make_proposal(odd.id, w["desk"])
    text = "\n".join(p.text for p in docx.Document(deal.path).paragraphs)
    assert "尊敬的{{ 7*7 }}：" in text and "49" not in text


def test_a_company_lead_signs_as_the_company_and_a_roomless_contract_names_no_room(world):
    """A company's enquiry (no room, only its community): the contract's other party is the
    company, and the Word file has no empty brackets or half a 房屋 line."""
    w = world
    won = lead(w, name="赵总", phone="13911112222", interest="其他", company="华信科技有限公司",
               budget="50000", note="办公楼保洁外包")
    deal = leads.convert_to_contract(won.id, w["desk"], kind="其他")
    assert deal.contract.party == "华信科技有限公司"
    path = ct.render_contract(deal.contract.id, w["desk"]).path
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "乙方：华信科技有限公司" in text
    assert "甲方为乙方提供以下服务：办公楼保洁外包" in text and "（）" not in text
    assert "房屋：" not in text

"""The special maintenance fund (专项维修资金): importing the housing authority's CSV (bad
lines named by number, nothing stored unless skipped; a later figure replaces an earlier one
from its date, which stays), the balances and totals, a request to use it through its owners'
vote to its use, and its disclosure in the quarter's public accounts (PDF read with pypdf)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pypdf import PdfReader

from data.errors import PermissionDenied, ValidationError
from data.fees import accounts as acc
from data.fees import fund
from data.fees.notices import accounts_file
from data.models import FundBalance, Room
from tests.helpers.fees import world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    w = world()
    Room.update(developer_held=True).where(Room.id == w.rooms["3-1-103"]).execute()
    return w


def csv_file(tmp_path, text: str, name: str = "fund.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD = "房号,余额(元),截至日期\n3-1-101,5000.00,2026-12-31\n3-1-102,4000,2026-12-31\n3-1-103,6000.50,2026-12-31\n"


def test_an_import_stores_the_figures_and_a_later_one_replaces_them_from_its_date(w, tmp_path):
    result = fund.import_balances(csv_file(tmp_path, GOOD), w.comm.id, staff_id=w.lead.id)
    assert (result.stored, result.bad) == (3, [])
    page = fund.fund_balances(w.comm.id, staff_id=w.desk.id)
    assert [(r.room, r.balance_fen) for r in page.rows] == [("3-1-101", 500000), ("3-1-102", 400000),
                                                           ("3-1-103", 600050)]
    assert (page.total_fen, page.rooms) == (1500050, 3)
    later = "3-1-101,4200,2027-02-28\n5-1-101,3000,2027-02-28\n"
    assert fund.import_balances(csv_file(tmp_path, later, "b.csv"), w.comm.id, staff_id=w.lead.id).stored == 2
    now_page = fund.fund_balances(w.comm.id, staff_id=w.desk.id)
    assert [(r.room, r.balance_fen, r.as_of) for r in now_page.rows][0] == ("3-1-101", 420000, dt.date(2027, 2, 28))
    assert now_page.total_fen == 420000 + 400000 + 600050 + 300000
    before = fund.fund_balances(w.comm.id, day=dt.date(2027, 1, 31), staff_id=w.desk.id)
    assert (before.total_fen, before.rooms) == (1500050, 3)  # the history stays
    assert FundBalance.select().count() == 5
    building = Room.get_by_id(w.rooms["5-1-101"]).building_id
    assert fund.fund_balances(w.comm.id, building, staff_id=w.desk.id).total_fen == 300000


def test_bad_lines_are_named_by_number_and_nothing_is_stored_unless_skipped(w, tmp_path):
    text = ("房号,余额,日期\n3-1-101,5000,2026-12-31\n9-9-999,100,2026-12-31\n3-1-102,abc,2026-12-31\n"
            "3-1-103,-5,2026-12-31\n5-1-101,10,2030-01-01\n\n3-1-102,10\n3-1-101,1,2026-12-31\n")
    path = csv_file(tmp_path, text)
    with pytest.raises(ValidationError) as info:
        fund.import_balances(path, w.comm.id, staff_id=w.lead.id)
    message = info.value.message
    for line in (3, 4, 5, 6, 8, 9):
        assert f"第 {line} 行" in message
    assert "第 2 行：" not in message and FundBalance.select().count() == 0
    result = fund.import_balances(path, w.comm.id, skip_bad=True, staff_id=w.lead.id)
    assert result.stored == 1
    assert [n for n, _reason in result.bad] == [3, 4, 5, 6, 8, 9]
    assert fund.fund_balances(w.comm.id, staff_id=w.desk.id).total_fen == 500000


def test_only_a_regular_file_is_read_and_only_a_lead_imports(w, tmp_path):
    with pytest.raises(ValidationError) as info:
        fund.import_balances(str(tmp_path), w.comm.id, staff_id=w.lead.id)
    assert info.value.field == "file"
    with pytest.raises(ValidationError):
        fund.import_balances(str(tmp_path / "missing.csv"), w.comm.id, staff_id=w.lead.id)
    with pytest.raises(PermissionDenied):
        fund.import_balances(csv_file(tmp_path, GOOD), w.comm.id, staff_id=w.desk.id)
    assert FundBalance.select().count() == 0


def _request(w, **rooms):
    building = Room.get_by_id(w.rooms["3-1-101"]).building_id
    return fund.create_request(w.comm.id, "3号楼屋面防水维修", "12000", "顶层渗漏",
                               building_id=rooms.get("building", building), room_ids=rooms.get("rooms"),
                               staff_id=w.lead.id)


def test_a_request_goes_through_its_vote_to_its_use(w):
    req = _request(w)
    assert (req.status, req.status_text, [r for r, _b in req.rooms]) == ("draft", "草稿",
                                                                        ["3-1-101", "3-1-102", "3-1-103"])
    with pytest.raises(ValidationError, match="表决中"):
        fund.cast_ballot(req.id, w.rooms["3-1-101"], "yes", w.lead.id)
    assert fund.open_vote(req.id, w.lead.id).status_text == "表决中"
    fund.cast_ballot(req.id, w.rooms["3-1-101"], "no", w.lead.id)
    fund.cast_ballot(req.id, w.rooms["3-1-101"], "yes", w.lead.id)  # changed their mind: replaced
    fund.cast_ballot(req.id, w.rooms["3-1-103"], "yes", w.lead.id)  # the developer's unit
    with pytest.raises(ValidationError, match="不在申请"):
        fund.cast_ballot(req.id, w.rooms["5-1-101"], "yes", w.lead.id)
    view, count = fund.close_vote(req.id, w.lead.id)
    # 100 + 120 of 300 m² (≥ 2/3), 2 of 3 heads (≥ 2/3); all yes.
    assert (count.voted_area, count.total_area, count.voted_heads, count.total_heads) == (
        Decimal(220), Decimal(300), 2, 3)
    assert (view.status_text, count.approved, view.count["yes_heads"]) == ("通过", True, 2)
    with pytest.raises(ValidationError, match="超过已通过的预算"):
        fund.record_use(req.id, "12000.01", staff_id=w.lead.id)
    used = fund.record_use(req.id, "11800", dt.date(2027, 3, 5), staff_id=w.lead.id)
    assert (used.status_text, used.used_fen, used.used_on) == ("已使用", 1180000, dt.date(2027, 3, 5))
    assert [r.id for r in fund.fund_requests(w.comm.id, "used", staff_id=w.desk.id)] == [req.id]


def test_too_few_taking_part_is_not_approved(w):
    req = _request(w, building=None, rooms=[w.rooms["3-1-101"], w.rooms["3-1-102"], w.rooms["3-1-103"]])
    assert req.scope == "3-1-101、3-1-102、3-1-103"
    fund.open_vote(req.id, w.lead.id)
    fund.cast_ballot(req.id, w.rooms["3-1-101"], "yes", w.lead.id)
    fund.cast_ballot(req.id, w.rooms["3-1-102"], "yes", w.lead.id)
    view, count = fund.close_vote(req.id, w.lead.id)  # 180 of 300 m² is under 2/3
    assert (count.quorum, view.status_text) == (False, "未通过")
    with pytest.raises(ValidationError, match="通过"):
        fund.record_use(req.id, "100", staff_id=w.lead.id)


def test_bad_requests_are_named_and_the_desk_may_not_file_one(w):
    for kwargs, field in (({"building_id": None, "room_ids": None}, "rooms"),
                          ({"building_id": None, "room_ids": [999999]}, "rooms")):
        with pytest.raises(ValidationError) as info:
            fund.create_request(w.comm.id, "电梯", "100", "坏了", staff_id=w.lead.id, **kwargs)
        assert info.value.field == field
    with pytest.raises(ValidationError) as info:
        fund.create_request(w.comm.id, "电梯", "0", "坏了", room_ids=[w.rooms["3-1-101"]], staff_id=w.lead.id)
    assert info.value.field == "budget"
    with pytest.raises(PermissionDenied):
        fund.create_request(w.comm.id, "电梯", "100", "坏了", room_ids=[w.rooms["3-1-101"]], staff_id=w.desk.id)
    assert fund.fund_requests(staff_id=w.desk.id) == []


def test_the_quarter_s_public_accounts_disclose_the_fund(w, tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_EXPORT_DIR", str(tmp_path / "exports"))
    fund.import_balances(csv_file(tmp_path, GOOD), w.comm.id, staff_id=w.lead.id)
    req = _request(w)
    fund.open_vote(req.id, w.lead.id)
    for code in ("3-1-101", "3-1-103"):
        fund.cast_ballot(req.id, w.rooms[code], "yes", w.lead.id)
    fund.close_vote(req.id, w.lead.id)
    fund.record_use(req.id, "11800", dt.date(2027, 3, 5), staff_id=w.lead.id)
    other = fund.create_request(w.comm.id, "<b>监控</b>", "500", "x", room_ids=[w.rooms["5-1-101"]],
                                staff_id=w.lead.id)  # a draft: not disclosed
    view = acc.quarter_accounts(w.comm.id, "2027Q1", w.desk.id)
    assert view.fund_uses == [("3号楼屋面防水维修", 1180000, req.scope, "used")]
    assert (view.fund_total_fen, view.fund_day) == (1500050, dt.date(2027, 3, 5))  # the quarter is running
    assert acc.quarter_accounts(w.comm.id, "2026Q4", w.desk.id).fund_uses == []
    reader = PdfReader(str(accounts_file(w.comm.id, "2027Q1", "pdf", w.desk.id)))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "专项维修资金使用情况" in text
    assert "3号楼屋面防水维修" in text and "11800.00" in text and "已使用" in text
    assert "维修资金账面余额合计（截至2027-03-05）" in text and "15000.50" in text
    assert other.project not in text

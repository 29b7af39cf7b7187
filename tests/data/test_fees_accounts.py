"""The public accounts (公示, issue 18 item 6): expenditure and shared-facility entries, the
fee standards board, the quarterly statement and the half-yearly shared-facility statement
against hand-computed figures, their PDFs read back with pypdf and XLSX with openpyxl, and
who may enter (leads) or read (the desk too)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from data import fees
from data.errors import PermissionDenied, ValidationError
from data.fees import accounts as acc
from data.fees.notices import accounts_file, board_file, shared_file
from data.models import Community, Setting
from data.settings import set_setting
from tests.helpers.fees import world

A4 = (595.28, 841.89)


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    w = world()
    for period in ("2027-01", "2027-02", "2027-03"):
        fees.bill_period(period)
    return w


def read(path) -> tuple[str, tuple[float, float]]:
    reader = PdfReader(str(path))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    box = reader.pages[0].mediabox
    return text, (round(float(box.width), 2), round(float(box.height), 2))


def cells(path) -> list[list[object]]:
    book = load_workbook(str(path))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _quarter(w):
    # 3-1-101: 185.00 + 10.00 a month, three months paid (585.00) and 15.00 prepaid;
    # 5-1-101: 166.50 + 10.00 a month, two months paid (353.00).
    fees.take_payment(w.rooms["3-1-101"], "600", "cash", staff_id=w.desk.id)
    fees.take_payment(w.rooms["5-1-101"], "353", "cash", staff_id=w.desk.id)
    acc.add_expense(w.comm.id, "2027-01", "cleaning", "1000", "保洁外包一月", w.lead.id)
    acc.add_expense(w.comm.id, "2027-02", "cleaning", "500.50", "", w.lead.id)
    acc.add_expense(w.comm.id, "2027-03", "energy", "200", "公共照明电费", w.lead.id)
    acc.add_expense(w.comm.id, "2026-12", "labour", "9999", "", w.lead.id)  # another quarter


def test_the_quarterly_statement_matches_the_hand_computed_figures(w):
    _quarter(w)
    view = acc.quarter_accounts(w.comm.id, "2027q1", w.desk.id)
    assert view.quarter == "2027Q1" and (view.first_month, view.last_month) == ("2027-01", "2027-03")
    assert view.income == [("物业服务费", 55500 + 33300), ("垃圾清运费", 3000 + 2000)]
    assert view.income_fen == 93800
    spent = dict(view.expenditure)
    assert list(spent) == list(acc.CATEGORIES)
    assert spent["cleaning"] == 150050 and spent["energy"] == 20000 and spent["labour"] == 0
    assert view.expenditure_fen == 170050 and view.balance_fen == 93800 - 170050
    assert acc.quarter_accounts(w.comm.id, "2026Q4", w.desk.id).expenditure_fen == 999900


def test_a_void_takes_its_income_back(w):
    p = fees.take_payment(w.rooms["5-1-101"], "353", "cash", staff_id=w.desk.id)
    fees.void_payment(None, p.number, "收错", w.lead.id)
    assert acc.quarter_accounts(w.comm.id, "2027Q1", w.desk.id).income_fen == 0


def test_the_shared_statement_shows_what_belongs_to_the_owners(w):
    acc.add_shared(w.comm.id, "2027-01", "ads", "1200", "电梯广告", w.lead.id)
    acc.add_shared(w.comm.id, "2027-02", "parking", "800", "", w.lead.id)
    acc.add_shared(w.comm.id, "2027-02", "cost", "300", "广告位维护", w.lead.id)
    acc.add_shared(w.comm.id, "2027-03", "fund", "1000", "业主大会决定补充维修资金", w.lead.id)
    acc.add_shared(w.comm.id, "2026-12", "venue", "5000", "", w.lead.id)  # another half
    view = acc.shared_statement(w.comm.id, "2027H1", w.desk.id)
    assert dict(view.income) == {"ads": 120000, "venue": 0, "parking": 80000, "other_in": 0}
    assert view.income_fen == 200000 and view.costs_fen == 30000 and view.owners_fen == 170000
    assert dict(view.uses)["fund"] == 100000 and view.used_fen == 100000 and view.remaining_fen == 70000
    text, size = read(shared_file(w.comm.id, "2027H1", "pdf", w.desk.id))
    assert size == A4
    for expected in ("2027年上半年公共收益收支情况公示", "锦绣花园", "广告位", "1200.00", "合理成本", "300.00",
                     "归全体业主所有的收益", "1700.00", "补充专项维修资金", "700.00", "第二百八十二条"):
        assert expected in text, expected
    rows = cells(shared_file(w.comm.id, "2027H1", "xlsx", w.desk.id))
    assert ["业主共有", "归全体业主所有的收益", Decimal("1700.00")] in [
        [r[0], r[1], Decimal(str(r[2])).quantize(Decimal("0.01")) if isinstance(r[2], (int, float)) else r[2]]
        for r in rows if len(r) >= 3]


def test_entries_are_checked_and_listed(w):
    with pytest.raises(ValidationError, match="尚未开始"):
        acc.add_expense(w.comm.id, "2027-04", "cleaning", "10", "", w.lead.id)
    with pytest.raises(ValidationError, match="大于零"):
        acc.add_expense(w.comm.id, "2027-01", "cleaning", "0", "", w.lead.id)
    with pytest.raises(ValidationError, match="未知类别"):
        acc.add_expense(w.comm.id, "2027-01", "party", "10", "", w.lead.id)
    with pytest.raises(ValidationError, match="用途"):
        acc.add_shared(w.comm.id, "2027-01", "fund", "10", "", w.lead.id)
    with pytest.raises(ValidationError, match="季度"):
        acc.quarter_accounts(w.comm.id, "2027Q5", w.desk.id)
    row = acc.add_expense(w.comm.id, "2027年2月", "repairs", "¥1,234.56", "电梯维保", w.lead.id)
    assert (row.month, row.amount_fen, row.by) == ("2027-02", 123456, "陈静")
    listed = acc.list_expenses(w.comm.id, "2027-01", "2027-03", staff_id=w.desk.id)
    assert [(r.month, r.kind, r.amount_fen, r.note) for r in listed] == [("2027-02", "repairs", 123456, "电梯维保")]
    assert acc.list_expenses(w.comm.id, "2027-03", staff_id=w.desk.id) == []


def test_the_desk_reads_but_does_not_enter(w):
    with pytest.raises(PermissionDenied):
        acc.add_expense(w.comm.id, "2027-01", "cleaning", "10", "", w.desk.id)
    with pytest.raises(PermissionDenied):
        acc.add_shared(w.comm.id, "2027-01", "ads", "10", "", w.desk.id)
    acc.list_shared(w.comm.id, staff_id=w.desk.id)
    acc.board(w.comm.id, staff_id=w.desk.id)
    for who in (w.tech, w.guard):
        with pytest.raises(PermissionDenied):
            acc.quarter_accounts(w.comm.id, "2027Q1", who.id)


def test_the_board_shows_each_item_s_standard_and_the_complaints_phone(w):
    set_setting("complaints_phone", "0571-88886666")
    with pytest.raises(ValidationError):
        set_setting("complaints_phone", "call <me>")
    Setting.create(key="company_name", value="锦绣物业服务有限公司")
    fees.add_standard(w.service.id, "2.00", dt.date(2027, 6, 1), "residential")
    view = acc.board(w.comm.id, staff_id=w.desk.id)
    assert [(line.item, line.room_type, line.unit_price_fen, line.starts_on, line.current) for line in view.lines] == [
        ("物业服务费", "residential", 185, dt.date(2020, 1, 1), True),
        ("物业服务费", "residential", 200, dt.date(2027, 6, 1), False),
        ("垃圾清运费", "", 1000, dt.date(2020, 1, 1), True)]
    text, size = read(board_file(w.comm.id, "pdf", w.desk.id))
    assert size == A4
    for expected in ("收费标准公示", "锦绣物业服务有限公司", "物业服务费", "住宅", "按建筑面积计收", "1.85元/m²·月",
                     "2020-01-01起", "2.00元/m²·月", "将执行", "10.00元/户·月", "投诉电话：0571-88886666"):
        assert expected in text, expected
    flat = [c for row in cells(board_file(w.comm.id, "xlsx", w.desk.id)) for c in row if c is not None]
    assert "投诉电话：0571-88886666" in flat and "1.85 元/m²·月" in flat


def test_the_quarterly_files_read_back_and_hostile_names_stay_text(w):
    _quarter(w)
    Community.update(name="=HYPERLINK(\"x\")<b>").where(Community.id == w.comm.id).execute()
    path = accounts_file(w.comm.id, "2027Q1", "pdf", w.desk.id)
    text, size = read(path)
    assert size == A4 and path.suffix == ".pdf"
    for expected in ("2027年第1季度物业服务费收支情况公示", "物业服务费", "888.00", "收入合计", "938.00",
                     "保洁", "1500.50", "支出合计", "1700.50", "收支结余", "-762.50", "<b>"):
        assert expected in text, expected
    rows = cells(accounts_file(w.comm.id, "2027Q1", "xlsx", w.desk.id))
    assert rows[1][0].startswith("'") or not rows[1][0].startswith("=")
    money = {r[1]: r[2] for r in rows if len(r) >= 3 and r[0] in ("收入", "支出", "结余")}
    assert money["收入合计"] == pytest.approx(938.00) and money["支出合计"] == pytest.approx(1700.50)
    assert money["收支结余"] == pytest.approx(-762.50) and money["保洁"] == pytest.approx(1500.50)


@pytest.mark.parametrize(("day", "quarter", "half"), [
    (dt.date(2027, 1, 1), "2026Q4", "2026H2"),
    (dt.date(2027, 3, 31), "2026Q4", "2026H2"),
    (dt.date(2027, 4, 1), "2027Q1", "2026H2"),
    (dt.date(2027, 6, 30), "2027Q1", "2026H2"),
    (dt.date(2027, 7, 1), "2027Q2", "2027H1"),
    (dt.date(2027, 12, 31), "2027Q3", "2027H1"),
])
def test_the_last_finished_quarter_and_half(day, quarter, half):
    assert (acc.last_quarter(day), acc.last_half(day)) == (quarter, half)

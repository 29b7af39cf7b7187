"""Reports to XLSX and CSV (issue 20 item 4): read back with openpyxl; formula-safe cells."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from data.models import Category
from data.reports import export_report, parse_period, parse_scope, report_bytes, run_report
from tests.data.test_reports_standard import AT, JAN, estate  # noqa: F401 - the fixture


@pytest.fixture
def hostile(estate):  # noqa: F811
    Category.update(name="=HYPERLINK(\"http://x\")").where(Category.code == "T_DOOR").execute()
    return estate


def test_xlsx_read_back(hostile):
    rep = run_report("orders-category", JAN, parse_scope("JX"), at=AT)
    path = export_report(rep, "xlsx")
    assert path.suffix == ".xlsx" and path.name.startswith("report_orders_category-super1-")
    sheet = load_workbook(path).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    while all(row[-1] is None for row in cells):
        cells = [row[:-1] for row in cells]

    def trimmed(row):
        while row and row[-1] is None:
            row = row[:-1]
        return row

    cells = [trimmed(row) for row in cells]
    assert cells[0][0] == rep.title
    assert cells[1][1:] == ["2027-01-01 – 2027-01-31", "month:2027-01"]
    assert cells[2][2] == "month:2026-12"
    assert cells[3][1] == "锦绣花园"
    assert cells[4][1:] == ["2027-02-10 12:00", "super1"]
    header = cells[6]
    assert header == [c.title for c in rep.columns]
    rows = {r[0]: r for r in cells[7:9]}
    bad = "'=HYPERLINK(\"http://x\")"
    assert bad in rows  # written as text, never a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    water = rows["水电测试"]
    assert water[1] == 3 and water[2] == pytest.approx(2 / 3) and water[4] == pytest.approx(10.0)
    assert sheet.cell(row=8, column=3).number_format == "0.0%"
    assert cells[9][1] == 4 and cells[10][1] == 1  # totals, then December's


def test_csv_is_formula_safe(hostile):
    rep = run_report("orders-category", JAN, parse_scope(), at=AT)
    text = report_bytes(rep, "csv").decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == [rep.title]
    assert any(line and line[0] == "'=HYPERLINK(\"http://x\")" for line in lines)
    assert not any(cell.startswith(("=", "+", "@")) for line in lines for cell in line)
    assert any("66.7%" in line for line in lines)


def test_fee_report_exports_money(estate):  # noqa: F811
    rep = run_report("fees-ageing", parse_period("month:2027-01"), parse_scope(), at=AT)
    sheet = load_workbook(io.BytesIO(report_bytes(rep, "xlsx"))).active
    assert sheet.cell(row=1, column=1).value == rep.title

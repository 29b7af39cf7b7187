"""Issue 20 attacked: stored text that would run as a spreadsheet formula (full-width and
behind spaces too) is written as text; a technician reads no other order's stage report;
readings out of range, not numbers or past the column's precision; hostile custom report
definitions stored in the database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from data import access
from data import facilities as fac
from data.errors import PermissionDenied, ValidationError
from data.exports import safe_cell
from data.models import Category, CustomReport, Staff, WorkOrder
from data.reports import (
    export_report,
    list_reports,
    load_report,
    parse_period,
    parse_scope,
    report_bytes,
    run_report,
)
from data.reports.stages import stage_report
from tests.data.test_reports_standard import AT, JAN, estate  # noqa: F401 - the fixture

HOSTILE = ("=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "  =1+1", "\u3000=1", " ＋1", "\n@x")


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_cell_quotes_every_formula_start(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ("1+1", "水电 = 维修", "a-b", "", "－", "＝", " 1"))
def test_safe_cell_leaves_plain_text(text):
    assert safe_cell(text) == (text if text not in ("－", "＝") else "'" + text)


def test_hostile_names_are_text_in_xlsx_and_csv(estate):  # noqa: F811
    Category.update(name="＝HYPERLINK(\"http://x\")").where(Category.code == "T_DOOR").execute()
    Staff.update(name="  =cmd|' /C calc'!A0").where(Staff.login == "tech1").execute()
    for name, text in (("orders-category", "'＝HYPERLINK(\"http://x\")"),
                       ("orders-technician", "'  =cmd|' /C calc'!A0")):
        rep = run_report(name, JAN, parse_scope(), at=AT)
        sheet = load_workbook(export_report(rep, "xlsx")).active
        values = [c.value for row in sheet.iter_rows() for c in row]
        assert text in values
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        lines = list(csv.reader(io.StringIO(report_bytes(rep, "csv").decode("utf-8-sig"))))
        assert any(text in line for line in lines)


def test_a_technician_reads_no_stage_report_of_another_order(estate):  # noqa: F811
    t1 = Staff.get(Staff.login == "tech1")
    own = WorkOrder.get(WorkOrder.assignee == t1.id)
    other = WorkOrder.get(WorkOrder.assignee == estate["t2"].id)
    assert stage_report(own.id, AT, staff_id=t1.id).number == own.number
    with pytest.raises(PermissionDenied):
        stage_report(other.id, AT, staff_id=t1.id)
    assert stage_report(other.id, AT).number == other.number  # the supervisor acting


def test_hostile_definitions_stored_in_the_database(estate):  # noqa: F811
    boss = access.current()
    good = {"subject": "orders", "groups": ["category"], "measures": ["count"], "filters": [],
            "extra": "ignored", "sql": "DROP TABLE staff"}
    bad = {
        "group by sql": {"subject": "orders", "groups": ["category; DROP TABLE staff"], "measures": ["count"]},
        "measure": {"subject": "orders", "groups": ["month"], "measures": ["sum:id) FROM staff --"]},
        "subject": {"subject": "staff", "groups": ["login"], "measures": ["count"]},
        "filters shape": {"subject": "orders", "groups": ["month"], "measures": ["count"], "filters": 5},
        "long filter": {"subject": "orders", "groups": ["month"], "measures": ["count"],
                        "filters": [["staff", "x" * 5000]]},
        "not an object": ["orders"],
    }
    at = dt.datetime(2027, 2, 1)
    CustomReport.create(name="ok", owner=boss.id, shared=False, definition=json.dumps(good),
                        created_at=at, updated_at=at)
    for name, definition in bad.items():
        CustomReport.create(name=name, owner=boss.id, shared=True, definition=json.dumps(definition),
                            created_at=at, updated_at=at)
    CustomReport.create(name="not json", owner=boss.id, shared=True, definition="{", created_at=at, updated_at=at)
    listed = {r.name: r for r in list_reports()}
    assert listed["ok"].definition is not None and listed["ok"].definition.groups == ("category",)
    for name in (*bad, "not json"):
        assert listed[name].definition is None and listed[name].problem, name
    assert Staff.select().count() >= 3  # nothing ran
    assert load_report("ok").definition is not None
    with pytest.raises(ValidationError):
        parse_period("2000-01-01..2027-01-01")  # a huge period is refused, not run


def test_readings_out_of_range_not_numbers_and_too_fine(estate):  # noqa: F811
    assert fac.parse_reading("0.2996") == Decimal("0.300")  # what the column keeps
    assert fac.parse_reading(" 12 ") == Decimal("12.000")
    for text in ("abc", "NaN", "Infinity", "1e999", "999999999.9999", "1" * 5000, "0.35" + "0" * 40 + "x", "0x10", ""):
        with pytest.raises(ValidationError):
            fac.parse_reading(text)

"""Custom reports (issue 20 item 3) on SQLite and PostgreSQL: grouping and measures against
hand-computed values, the whitelist refusing anything else, and the rules of saving,
sharing and deleting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import access
from data.errors import NotFoundError, PermissionDenied, ValidationError
from data.models import Bill, Category, CostLine, FeeItem, WorkOrder
from data.reports import (
    SUBJECTS,
    Definition,
    choices,
    delete_report,
    filter_values,
    list_reports,
    load_report,
    parse_definition,
    parse_period,
    run_custom,
    save_report,
    share_report,
)
from tests import factories as f

AT = dt.datetime(2027, 3, 2, 12, 0)
JAN_FEB = parse_period("2027-01-01..2027-02-28")
JAN = parse_period("month:2027-01")


def D(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def estate(database):
    """Complaints: noise Jan 5, Jan 20, Feb 3 (and a cancelled one Jan 8, left out); water
    Jan 10, Feb 14. Repairs in January: building 1 — R1 2 h (rated 5), R2 4 h (rated 3),
    R3 9 h (water); building 2 — R4 10 h, R5 20 h (noise).
    Money: R1 cost 2 × 12.50 + 30.00 = 55.00, billed 25.00; R2 cost 10.10, billed 80.00;
    R4 cost 3 × 3.33 = 9.99, not billed. Profit: water 3990 fen, noise −999 fen."""
    comm = f.community("锦绣花园", code="JX")
    r1 = f.room(comm, building="1", entrance="1", number="101")
    r2 = f.room(comm, building="2", entrance="1", number="101")
    desk = f.staff("desk1")
    boss = f.staff("super1", "赵主管", "supervisor")
    f.staff("super2", "钱主管", "supervisor")
    f.staff("cron", "定时任务", "service", password_hash=None)
    noise = Category.create(code="T_NOISE", name="噪音测试")
    water = Category.create(code="T_WATER", name="水电测试")
    n = iter(range(1, 100))

    def order(kind, cat, room, created, hours=None, status="closed", rating=None):
        created = D(created)
        return WorkOrder.create(number=f"TS-T-{next(n):04d}", kind=kind, title="测试", community=comm, room=room,
                                building=room.building, category=cat, created_by=desk, status=status,
                                created_at=created, rating=rating,
                                resolved_at=created + dt.timedelta(hours=hours) if hours is not None else None)

    for day in ("2027-01-05", "2027-01-20", "2027-02-03"):
        order("complaint", noise, r1, f"{day} 09:00")
    order("complaint", noise, r1, "2027-01-08 09:00", status="cancelled")
    order("complaint", water, r2, "2027-01-10 09:00")
    order("complaint", water, r2, "2027-02-14 09:00")
    o1 = order("repair", water, r1, "2027-01-03 08:00", 2, rating=5)
    o2 = order("repair", water, r1, "2027-01-04 08:00", 4, rating=3)
    order("repair", water, r1, "2027-01-06 08:00", 9)
    o4 = order("repair", noise, r2, "2027-01-07 08:00", 10)
    order("repair", noise, r2, "2027-01-09 08:00", 20)

    def cost(o, qty, price, payer="owner"):
        CostLine.create(work_order=o, kind="material", description="料", quantity=Decimal(qty),
                        unit_price=Decimal(price), payer=payer)

    cost(o1, "2", "12.50")
    cost(o1, "1", "30.00", "company")
    cost(o2, "1", "10.10")
    cost(o4, "3", "3.33")
    item = FeeItem.create(community=comm, name="有偿维修", basis="once")
    for o, fen in ((o1, 2500), (o2, 8000)):
        Bill.create(community=comm, building=r1.building, room=r1, space_key=-o.id, item=item, period="2027-01",
                    starts_on=dt.date(2027, 1, 20), ends_on=dt.date(2027, 1, 20), quantity=1,
                    unit_price_fen=fen, amount_fen=fen, work_order=o)
    access.act_as(boss)
    return {"boss": boss}


def _rows(report) -> dict[tuple, dict]:
    keys = [c.key for c in report.columns]
    groups = [c.key for c in report.columns if c.kind == "text"]
    return {tuple(r[: len(groups)]): dict(zip(keys, r, strict=True)) for r in report.rows}


def test_complaints_by_category_and_month(estate):
    d = parse_definition("orders", ["category", "month"], ["count"], ["kind=complaint"])
    rep = run_custom(d, JAN_FEB, at=AT)
    rows = _rows(rep)
    assert {k: v["count"] for k, v in rows.items()} == {
        ("噪音测试", "2027-01"): 2, ("噪音测试", "2027-02"): 1, ("水电测试", "2027-01"): 1, ("水电测试", "2027-02"): 1}
    assert rep.totals[-1] == 5 and rep.previous is None  # nothing in Nov–Dec
    assert [c.kind for c in rep.columns] == ["text", "text", "int"]
    assert rep.filters == (("类型", "complaint"),)
    # The Chinese label of a code is accepted too (投诉 = complaint).
    same = run_custom(parse_definition("orders", ["category", "month"], ["count"], ["kind=投诉"]), JAN_FEB, at=AT)
    assert same.rows == rep.rows


def test_resolution_hours_by_building(estate):
    d = parse_definition("orders", ["building"], ["count", "avg:resolve_hours", "median:resolve_hours",
                                                  "p90:resolve_hours", "rate:satisfied"], ["kind=repair"])
    rep = run_custom(d, JAN, at=AT)
    rows = _rows(rep)
    b1, b2 = rows[("锦绣花园 1",)], rows[("锦绣花园 2",)]
    assert b1["count"] == 3 and b1["avg_resolve_hours"] == pytest.approx(5.0)
    assert b1["median_resolve_hours"] == pytest.approx(4.0)
    assert b1["p90_resolve_hours"] == pytest.approx(8.0)  # 4 + (9 − 4) × 0.8
    assert b1["rate_satisfied"] == pytest.approx(1 / 3)
    assert b2["median_resolve_hours"] == pytest.approx(15.0) and b2["p90_resolve_hours"] == pytest.approx(19.0)
    total = dict(zip([c.key for c in rep.columns], rep.totals, strict=True))
    assert total["count"] == 5 and total["median_resolve_hours"] == pytest.approx(9.0)


def test_profit_per_category(estate):
    d = parse_definition("orders", ["category"], ["profit", "sum:income", "sum:cost"], ["kind=repair"])
    rows = _rows(run_custom(d, JAN, at=AT))
    assert rows[("水电测试",)]["profit"] == 3990
    assert rows[("水电测试",)]["sum_income"] == 10500 and rows[("水电测试",)]["sum_cost"] == 6510
    assert rows[("噪音测试",)]["profit"] == -999


def test_filters_building_and_two_groups_of_bills(estate):
    d = parse_definition("orders", ["status"], ["count"], ["building=JX/2", "kind=repair"])
    rep = run_custom(d, JAN, at=AT)
    assert [r[1] for r in rep.rows] == [2] and rep.scope.building_id is not None
    bills = run_custom(parse_definition("bills", ["category", "month"], ["sum:amount", "rate:paid"], []), JAN, at=AT)
    assert bills.rows == (("有偿维修", "2027-01", 10500, 0.0),)


@pytest.mark.parametrize("groups,measures,filters", [
    (["title"], ["count"], []),
    (["category"], ["sum:title"], []),
    (["category"], ["avg:id); DROP TABLE staff; --"], []),
    (["category"], ["count"], ["description=漏水"]),
    (["category"], ["rate:anything"], []),
    (["category", "month", "status"], ["count"], []),
    (["month"], ["profit"], []),  # leads have no money
])
def test_the_whitelist_refuses_anything_else(estate, groups, measures, filters):
    subject = "leads" if measures == ["profit"] else "orders"
    with pytest.raises(ValidationError):
        parse_definition(subject, groups, measures, filters)


def test_unknown_subject_and_values(estate):
    with pytest.raises(ValidationError, match="staff"):
        parse_definition("staff", ["month"], ["count"], [])
    with pytest.raises(ValidationError):
        parse_definition("orders", ["month"], ["count"], ["kind"])
    with pytest.raises(ValidationError, match="没有|nothing|不是|not one"):
        run_custom(parse_definition("orders", ["month"], ["count"], ["priority=极高"]), JAN, at=AT)
    with pytest.raises(ValidationError):
        Definition.from_json({"subject": "orders", "groups": ["month"], "measures": ["count"],
                              "filters": [["1=1 OR status", "x"]]})


def test_every_subject_runs(estate):
    for subject, group, measure in (("calls", "month", "avg:duration"), ("callbacks", "staff", "rate:kept"),
                                    ("events", "category", "count"), ("leads", "source", "rate:won"),
                                    ("payments", "source", "sum:amount"),
                                    ("survey_answers", "category", "median:score"),
                                    ("visitors", "building", "p90:stay_hours")):
        rep = run_custom(parse_definition(subject, [group], [measure], []), JAN, at=AT)
        assert rep.rows == () and rep.totals is None


def test_save_share_delete_rules(estate):
    d = parse_definition("orders", ["category", "month"], ["count"], ["kind=complaint"])
    saved = save_report("投诉分析", d)
    assert saved.mine and not saved.shared and saved.definition == d
    assert [r.name for r in list_reports()] == ["投诉分析"]
    super2 = f.Staff.get(f.Staff.login == "super2")
    access.act_as(super2)
    assert list_reports() == []
    with pytest.raises(NotFoundError):
        load_report("投诉分析")
    with pytest.raises(ValidationError, match="super1|owner|不是"):
        delete_report("投诉分析")
    access.act_as(estate["boss"])
    share_report("投诉分析", True)
    access.act_as(super2)
    [seen] = list_reports()
    assert seen.shared and not seen.mine and seen.ref == "super1/投诉分析"
    assert load_report("投诉分析").definition == d
    with pytest.raises(ValidationError):
        share_report("投诉分析", False)
    # Both save one of the same name: one's own comes first; the service account must choose.
    save_report("投诉分析", parse_definition("orders", ["month"], ["count"], []), shared=True)
    assert load_report("投诉分析").mine
    access.act_as(f.Staff.get(f.Staff.login == "cron"))
    with pytest.raises(ValidationError, match="super1/投诉分析"):
        load_report("投诉分析")
    assert load_report("super1/投诉分析").definition == d
    with pytest.raises(PermissionDenied):
        save_report("x", d)
    access.act_as(f.Staff.get(f.Staff.login == "desk1"))
    with pytest.raises(PermissionDenied):
        list_reports()
    access.act_as(estate["boss"])
    delete_report("投诉分析")
    assert [r.ref for r in list_reports()] == ["super2/投诉分析"]
    with pytest.raises(ValidationError):
        save_report("a/b", d)


def test_a_damaged_definition_is_reported_not_run(estate):
    from data.models import CustomReport

    CustomReport.create(name="坏的", owner=estate["boss"], definition='{"subject": "orders", "groups": ["title"]}')
    [bad] = list_reports()
    assert bad.definition is None and bad.problem


def test_the_values_a_filter_offers_are_the_ones_it_accepts(estate):
    """Issue 20: the builder lists a closed set's values (codes with their labels, the
    staff, buildings, categories there are); each one offered runs, and free text is None."""
    assert ("normal", "一般") in filter_values("orders", "priority")
    assert ("JX/1", "锦绣花园 1") in filter_values("orders", "building")
    assert ("T_NOISE", "噪音测试") in filter_values("orders", "category")
    assert ("super1", "赵主管 (super1)") in filter_values("orders", "staff")
    with pytest.raises(ValidationError, match="week"):
        filter_values("orders", "week")
    for subject in SUBJECTS:
        for key, _label in choices(subject)["filters"]:
            for value, _shown in (filter_values(subject, key) or [])[:3]:
                run_custom(parse_definition(subject, ["month"], ["count"], [f"{key}={value}"]), JAN, at=AT)

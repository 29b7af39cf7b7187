"""The fees (收缴率, 清欠率, arrears ageing), leads (funnel), surveys (index) and calls
reports of issue 20, every figure against values worked out by hand on a small constructed
database, on SQLite and PostgreSQL; the calls reports keep to their community or building."""

from __future__ import annotations

import datetime as dt

import pytest

from data import access, leads, people, surveys
from data.leads import LeadInput
from data.models import Allocation, Bill, Building, Call, FeeItem, Waiver, WorkOrder
from data.people import PersonInput
from data.reports import parse_period, parse_scope, run_report, to_csv
from tests import factories as f
from tests.helpers.surveys import world

AT = dt.datetime(2027, 2, 10, 12, 0)
JAN = parse_period("month:2027-01")


def D(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day} {hm}")


def _dict(report, row) -> dict:
    return dict(zip([c.key for c in report.columns], row, strict=True))


# --- fees -------------------------------------------------------------------------------------


@pytest.fixture
def fees(database):
    """Building 1 (room r1) and building 2 (room r2) of 锦绣花园; amounts in fen:

    B1 r1 2026-11 10000: 4000 paid Dec 5, 1000 waived Dec 20, 3000 paid Jan 10, 1000 Feb 15
    B2 r2 2026-12  8000: all paid Feb 3 (after January)
    B3 r1 2027-01 12000: all paid Jan 15
    B4 r2 2027-01  6000: 1000 waived Jan 20, 2000 paid Feb 5
    B5 r2 2027-01 50000 装修押金 (refundable): paid Jan 5 — never income nor arrears
    B6 r1 2026-12  7000: all paid Dec 20
    B7 r1 2027-02  5000: unpaid (February)

    January: billed 12000 + (6000 − 1000) = 17000, collected by Jan 31 12000 → 收缴率 12/17;
    arrears at Jan 1: B1 10000 − 4000 − 1000 + B2 8000 + B6 0 = 13000, collected on them
    in January 3000 → 清欠率 3/13. Building 1: 12000/12000, 3000/5000; building 2: 0/5000, 0/8000.
    December: billed 8000 + 7000, collected 7000 by Dec 31; arrears at Dec 1: B1 10000,
    4000 collected in December (the waiver is not money collected).
    """
    comm = f.community("锦绣花园", code="JX")
    r1 = f.room(comm, building="1", entrance="1", number="101")
    r2 = f.room(comm, building="2", entrance="1", number="101")
    fee = FeeItem.create(community=comm, name="物业费", basis="area")
    deposit = FeeItem.create(community=comm, name="装修押金", basis="once", cycle="once", refundable=True)
    boss = f.staff("super1", "赵主管", "supervisor")

    def bill(room, period, amount, item=fee, paid=(), waived=()):
        start = dt.date.fromisoformat(period + "-01")
        b = Bill.create(community=comm, building=room.building, room=room, item=item, period=period,
                        starts_on=start, ends_on=start + dt.timedelta(days=27), amount_fen=amount,
                        paid_fen=sum(a for _d, a in paid), waived_fen=sum(a for _d, a in waived))
        for day, amount_fen in paid:
            Allocation.create(bill=b, amount_fen=amount_fen, at=D(day))
        for day, amount_fen in waived:
            Waiver.create(bill=b, amount_fen=amount_fen, reason="测试", at=D(day))
        return b

    bill(r1, "2026-11", 10000, paid=(("2026-12-05", 4000), ("2027-01-10", 3000), ("2027-02-15", 1000)),
         waived=(("2026-12-20", 1000),))
    bill(r2, "2026-12", 8000, paid=(("2027-02-03", 8000),))
    bill(r1, "2027-01", 12000, paid=(("2027-01-15", 12000),))
    bill(r2, "2027-01", 6000, paid=(("2027-02-05", 2000),), waived=(("2027-01-20", 1000),))
    bill(r2, "2027-01", 50000, item=deposit, paid=(("2027-01-05", 50000),))
    bill(r1, "2026-12", 7000, paid=(("2026-12-20", 7000),))
    bill(r1, "2027-02", 5000)
    access.act_as(boss)
    return comm


def test_fee_rates_of_january_are_fractions_of_the_fen(fees):
    rep = run_report("fees", JAN, parse_scope("JX"), at=AT)
    rows = {r[1]: _dict(rep, r) for r in rep.rows}
    assert set(rows) == {"锦绣花园", "锦绣花园 1", "锦绣花园 2"}
    whole = rows["锦绣花园"]
    assert (whole["billed"], whole["collected"]) == (17000, 12000)
    assert whole["collection_rate"] == pytest.approx(12000 / 17000)  # 70.6 %, not 7059 %
    assert (whole["arrears_start"], whole["arrears_collected"]) == (13000, 3000)
    assert whole["arrears_rate"] == pytest.approx(3000 / 13000)
    one, two = rows["锦绣花园 1"], rows["锦绣花园 2"]
    assert (one["billed"], one["collected"], one["collection_rate"]) == (12000, 12000, 1.0)
    assert (one["arrears_start"], one["arrears_collected"], one["arrears_rate"]) == (5000, 3000, 0.6)
    assert (two["billed"], two["collected"], two["collection_rate"]) == (5000, 0, 0.0)
    assert (two["arrears_start"], two["arrears_collected"], two["arrears_rate"]) == (8000, 0, 0.0)
    total = _dict(rep, rep.totals)
    assert (total["billed"], total["collected"], total["arrears_start"], total["arrears_collected"]) == (
        17000, 12000, 13000, 3000)
    assert total["collection_rate"] == pytest.approx(12 / 17)
    assert total["arrears_rate"] == pytest.approx(3 / 13)
    prev = _dict(rep, rep.previous)
    assert (prev["billed"], prev["collected"], prev["arrears_start"], prev["arrears_collected"]) == (
        15000, 7000, 10000, 4000)
    assert prev["collection_rate"] == pytest.approx(7 / 15) and prev["arrears_rate"] == pytest.approx(0.4)
    assert "70.6%" in to_csv(rep) and "7059" not in to_csv(rep)
    assert (rep.totals[0], rep.previous[0]) == ("合计", "上期")  # not two lines called 合计


def test_fee_rates_of_one_building_and_of_the_company(fees):
    rep = run_report("fees", JAN, parse_scope("JX", "2"), at=AT)
    assert [r[1] for r in rep.rows] == ["锦绣花园 2"]
    total = _dict(rep, rep.totals)
    assert (total["billed"], total["collected"], total["collection_rate"]) == (5000, 0, 0.0)
    assert (total["arrears_start"], total["arrears_collected"], total["arrears_rate"]) == (8000, 0, 0.0)
    company = run_report("fees", JAN, parse_scope(), at=AT)
    assert [r[1] for r in company.rows] == ["锦绣花园"]  # the company: one line per community
    assert _dict(company, company.totals)["collection_rate"] == pytest.approx(12 / 17)


def test_a_quarter_counts_each_arrears_payment_once(fees):
    """Q1 as of Feb 10: billed January 17000 + February 5000 = 22000, collected on them by
    Feb 10: 12000 + 2000 (B4, Feb 5) = 14000. Arrears at Jan 1: 13000; collected on them from
    Jan 1 to Feb 10: 3000 (B1 Jan 10) + 8000 (B2 Feb 3) = 11000 — February's line counts B2
    again among its earlier bills, the quarter must not."""
    q1 = parse_period("quarter:2027-Q1")
    rep = run_report("fees", q1, parse_scope("JX"), at=AT)
    months = [r[0] for r in rep.rows if r[1] == "锦绣花园"]
    assert months == ["2027-01", "2027-02"]  # March has not begun
    total = _dict(rep, rep.totals)
    assert (total["billed"], total["collected"]) == (22000, 14000)
    assert (total["arrears_start"], total["arrears_collected"]) == (13000, 11000)
    assert total["arrears_rate"] == pytest.approx(11 / 13)


def test_arrears_ageing_buckets_what_is_unpaid_now(fees):
    """Unpaid now (Feb 10): B1 10000 − 8000 − 1000 = 1000 (2026-11), B4 6000 − 2000 − 1000 =
    3000 (2027-01), B7 5000 (2027-02, after January: left out); B2, B3, B6 paid, B5 a deposit.
    Aged at Jan 31: 2026-11 is 2 months old (0-3), 2027-01 0 months (0-3). At Dec 31 (the
    previous period): B1 is 1 month old, B4 not yet billed."""
    rep = run_report("fees-ageing", JAN, parse_scope("JX"), at=AT)
    rows = {r[0]: _dict(rep, r) for r in rep.rows}
    assert (rows["0-3"]["due"], rows["0-3"]["bills"], rows["0-3"]["previous"]) == (4000, 2, 1000)
    for key in ("3-6", "6-12", "12+"):
        assert (rows[key]["due"], rows[key]["bills"]) == (0, 0)
    assert rep.totals[1:] == (4000, 2, 1000)
    # A year on, the November bill is 12 months old at the period's end.
    nov = run_report("fees-ageing", parse_period("month:2027-11"), parse_scope("JX", "1"), at=AT)
    rows = {r[0]: _dict(nov, r) for r in nov.rows}
    assert rows["12+"]["due"] == 1000 and rows["0-3"]["due"] == 0 and rows["6-12"]["due"] == 5000


# --- leads ------------------------------------------------------------------------------------


def test_leads_funnel_by_source_translated(database, monkeypatch):
    """January: L1 来电 won (new → contacted → interested → quoted → won), L2 来电 lost after
    contacted, L3 到访 still new; L4 来电 created in December, contacted (previous period)."""
    comm = f.community("锦绣花园", code="JX")
    desk = f.staff("desk1", "李娜", community=comm).id
    boss = f.staff("super1", "赵主管", "supervisor")
    phones = iter(f"1390000000{i}" for i in range(10))

    def at(when: dt.datetime) -> None:
        monkeypatch.setenv("FRONTDESK_NOW", when.isoformat(sep=" "))

    def lead(when, source, *moves):
        at(when)
        lid = leads.create_lead(LeadInput("客户", [next(phones)], source, "租房", community_id=comm.id), desk).id
        for n, move in enumerate(moves, 1):
            at(when + dt.timedelta(hours=n))
            if move == ">":
                leads.advance(lid, desk)
            else:
                leads.lose(lid, move, desk)

    lead(D("2027-01-05"), "来电", ">", ">", ">", ">")
    lead(D("2027-01-06"), "来电", ">", "price")
    lead(D("2027-01-07"), "到访")
    lead(D("2026-12-20"), "来电", ">")
    at(AT)
    access.act_as(boss)
    rep = run_report("leads", JAN, parse_scope("JX"), at=AT)
    assert [c.title for c in rep.columns][2:5] == ["到达 已联系", "到达 有意向", "到达 已报价"]
    rows = {r[0]: _dict(rep, r) for r in rep.rows}
    assert set(rows) == {"来电", "到访"}  # sources by their names, not phone / visit
    phone, visit = rows["来电"], rows["到访"]
    assert (phone["leads"], phone["reached_contacted"], phone["reached_interested"], phone["reached_quoted"],
            phone["won"], phone["lost"]) == (2, 2, 1, 1, 1, 1)
    assert phone["win_rate"] == 0.5
    assert (visit["leads"], visit["reached_contacted"], visit["won"], visit["lost"], visit["win_rate"]) == (
        1, 0, 0, 0, 0.0)
    total = _dict(rep, rep.totals)
    assert (total["leads"], total["reached_contacted"], total["won"], total["lost"]) == (3, 2, 1, 1)
    assert total["win_rate"] == pytest.approx(1 / 3)
    prev = _dict(rep, rep.previous)
    assert (prev["leads"], prev["reached_contacted"], prev["won"]) == (1, 1, 0)
    assert "phone" not in to_csv(rep) and "contacted" not in to_csv(rep)


# --- surveys ----------------------------------------------------------------------------------


def test_surveys_index_weighted_by_households_answered(database, monkeypatch):
    """January's survey: three households answer q1 (scale) and q2 (rating):
    1-1-101 a 100, 5 → 100; 1-1-102 b 80, 4 → 80; 2-1-101 c 60, 3 → 60: index 80.0.
    December's survey: one household, q1 e 20: index 20.0. A February survey is left out."""
    monkeypatch.setenv("FRONTDESK_NOW", "2026-12-10 09:00")
    w = world()
    boss = f.staff("super1", "赵主管", "supervisor")
    dec = surveys.new_survey(w.comm.id, w.desk.id, name="十二月", phone_list=False)
    q = {x.position: x.id for x in surveys.questionnaire_of(dec).questions}
    surveys.record_answers(dec, w.rooms["2-1-102"], {q[1]: "e"}, w.desk.id)
    monkeypatch.setenv("FRONTDESK_NOW", "2027-01-12 09:00")
    jan = surveys.new_survey(w.comm.id, w.desk.id, name="一月", phone_list=False)
    for room, answers in {"1-1-101": {q[1]: "a", q[2]: "5"}, "1-1-102": {q[1]: "b", q[2]: "4"},
                          "2-1-101": {q[1]: "c", q[2]: "3"}}.items():
        surveys.record_answers(jan, w.rooms[room], answers, w.desk.id)
    monkeypatch.setenv("FRONTDESK_NOW", "2027-02-02 09:00")
    feb = surveys.new_survey(w.comm.id, w.desk.id, name="二月", phone_list=False)
    surveys.record_answers(feb, w.rooms["1-1-101"], {q[1]: "e"}, w.desk.id)
    access.act_as(boss)
    rep = run_report("surveys", JAN, parse_scope("JX"), at=AT)
    assert [(r[0], r[1], r[3]) for r in rep.rows] == [("一月", 3, 80.0)]
    assert rep.rows[0][2] == 6  # the whole community was the sample
    assert rep.totals[1:] == (3, 6, 80.0)
    assert rep.previous[1:] == (1, 6, 20.0)
    both = run_report("surveys", parse_period("2026-12-01..2027-01-31"), parse_scope("JX"), at=AT)
    assert both.totals[3] == pytest.approx((80 * 3 + 20 * 1) / 4)  # weighted by households answered
    # A building's report: its own households and answers (three households a building).
    one = run_report("surveys", JAN, parse_scope("JX", "1"), at=AT)
    assert one.rows == (("一月", 2, 3, 90.0),)  # 1-1-101 100, 100; 1-1-102 80, 80
    assert one.previous[1:] == (0, 3, None)  # December: nobody of building 1 answered
    two = run_report("surveys", JAN, parse_scope("JX", "2"), at=AT)
    assert two.rows == (("一月", 1, 3, 60.0),) and two.previous[1:] == (1, 3, 20.0)


# --- calls ------------------------------------------------------------------------------------


def test_calls_reports_keep_to_their_community_and_building(database):
    """Callers: 张晓明 lives in 1-1-101, 赵敏 in 2-1-101 (both of 锦绣花园); 阳光 lives in
    阳光水岸. In January: 张晓明 calls twice (one missed), 赵敏 once about a work order of
    building 1 (so it counts for building 1), 阳光 once, an unknown number once."""
    w = world()
    other = f.community("阳光水岸", code="YG")
    room = people.ensure_room(other.id, "1-1-101")
    sun = people.create_person(PersonInput(name="阳光", phones=["13900009999"]))
    people.move_in(sun, room, "owner", dt.date(2020, 1, 1))
    desk = w.desk
    boss = f.staff("super1", "赵主管", "supervisor")
    b1 = Building.get(Building.community == w.comm, Building.code == "1")
    order = WorkOrder.create(number="BX-T-0001", kind="repair", title="测试", community=w.comm, building=b1,
                             room=w.rooms["1-1-102"], created_by=desk, status="new", created_at=D("2027-01-04"))
    mk = dict(staff=desk.id, number="13800138000", direction="in")
    Call.create(person=w.owners["1-1-101"], started_at=D("2027-01-05", "09:10"), outcome="", duration_s=60,
                callback_due=D("2027-01-05", "18:00"), callback_done_at=D("2027-01-05", "17:00"), **mk)
    Call.create(person=w.owners["1-1-101"], started_at=D("2027-01-05", "14:40"), outcome="missed", **mk)
    Call.create(person=w.owners["2-1-101"], work_order=order, started_at=D("2027-01-06", "09:00"), outcome="",
                **mk)
    Call.create(person=sun, started_at=D("2027-01-07", "09:00"), outcome="", **mk)
    Call.create(started_at=D("2027-01-08", "09:00"), outcome="", **mk)
    Call.create(person=w.owners["2-1-101"], started_at=D("2026-12-08", "09:00"), outcome="", **mk)
    access.act_as(boss)

    def figures(scope):
        rep = run_report("calls", JAN, scope, at=AT)
        lines = {s.key: s.value for s in rep.summary}
        hours = run_report("calls-hours", JAN, scope, at=AT)
        return rep.totals[1], rep.previous[1], lines["answered_rate"], lines["callbacks_kept"], hours.totals[1:]

    assert figures(parse_scope()) == (5, 1, pytest.approx(4 / 5), 1.0, (5, 1))
    assert figures(parse_scope("JX")) == (3, 1, pytest.approx(2 / 3), 1.0, (3, 1))
    assert figures(parse_scope("JX", "1")) == (3, 0, pytest.approx(2 / 3), 1.0, (3, 0))
    assert figures(parse_scope("JX", "2")) == (0, 1, None, None, (0, 1))
    assert figures(parse_scope("YG")) == (1, 0, 1.0, None, (1, 0))
    rep = run_report("calls", JAN, parse_scope("JX", "1"), at=AT)
    assert rep.rows[4] == ("2027-01-05", 2, 2, 0) and rep.rows[5] == ("2027-01-06", 1, 1, 0)
    assert any("未知号码" in n for n in rep.notes)

"""The funnel statistics of leads (issue 17 item 2) against figures worked out by hand on a
small fixture, on both databases.

Day 0 is 2026-11-02 (D0), times are at 09:00 unless said:

- L1 来电 租房: created D0; 已联系 D1, 有意向 D3, 已报价 D4, 成交 D6
  (days: new 1, contacted 2, interested 1, quoted 2)
- L2 来电 租房: created D0 10:00; 已联系 D0 13:00 (0.125 d); 流失 (价格) D2 22:00
  (contacted 2.375 d)
- L3 来电 买房: created D1; 已联系 D2 (new 1 d); back to 新线索 D2 21:00 (contacted 0.5 d)
- L4 到访 租房: created D0; 已联系 D2 (new 2 d), 有意向 D3 (1 d), 流失 (选择他家) D5 (2 d)
- L5 到访 家政: created D0; 流失 (不再需要) D0 15:00 (new 0.25 d)
- L6 线上 租房: created a year before the period: not counted
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import leads
from data.db import close_database, open_database
from data.errors import PermissionDenied, ValidationError
from data.leads import LeadInput
from tests import factories as f

D0 = dt.datetime(2026, 11, 2, 9, 0)


def day(n: float, hour: int = 9, minute: int = 0) -> dt.datetime:
    return (D0 + dt.timedelta(days=n)).replace(hour=hour, minute=minute)


@pytest.fixture
def funnel_data(db_url, monkeypatch):
    open_database(db_url)
    comm = f.community("锦绣花园")
    desk = f.staff("desk1", "李娜", community=comm).id
    f.staff("tech1", "李建国", "tech")
    phones = iter(f"1390000000{i}" for i in range(10))

    def at(when: dt.datetime) -> None:
        monkeypatch.setenv("FRONTDESK_NOW", when.isoformat(sep=" "))

    def lead(when: dt.datetime, source: str, interest: str) -> int:
        at(when)
        return leads.create_lead(LeadInput("客户", [next(phones)], source, interest,
                                           community_id=comm.id), desk).id

    def steps(lead_id: int, *moves: tuple[dt.datetime, str]) -> None:
        for when, move in moves:
            at(when)
            if move == ">":
                leads.advance(lead_id, desk)
            elif move == "<":
                leads.back(lead_id, desk)
            else:
                leads.lose(lead_id, move, desk)

    l1 = lead(day(0), "来电", "租房")
    steps(l1, (day(1), ">"), (day(3), ">"), (day(4), ">"), (day(6), ">"))
    l2 = lead(day(0, 10), "来电", "租房")
    steps(l2, (day(0, 13), ">"), (day(2, 22), "price"))
    l3 = lead(day(1), "来电", "买房")
    steps(l3, (day(2), ">"), (day(2, 21), "<"))
    l4 = lead(day(0), "到访", "租房")
    steps(l4, (day(2), ">"), (day(3), ">"), (day(5), "elsewhere"))
    l5 = lead(day(0), "到访", "家政")
    steps(l5, (day(0, 15), "no_need"))
    lead(day(-365), "线上", "租房")
    at(day(10))
    yield desk
    close_database()


def test_funnel_by_source_matches_the_hand_computed_figures(funnel_data):
    stats = leads.funnel("source", D0.date(), day(6).date(), staff_id=funnel_data)
    assert [row.key for row in stats.rows] == ["phone", "visit"]
    phone, visit = stats.rows
    assert phone.total == 3
    assert phone.stages == {"new": 1, "contacted": 0, "interested": 0, "quoted": 0, "won": 1, "lost": 1}
    assert phone.reached == {"new": 3, "contacted": 3, "interested": 1, "quoted": 1, "won": 1}
    assert phone.conversion == pytest.approx(1 / 2)
    assert phone.median_days == pytest.approx({
        "new": 1.0,  # 1, 0.125, 1
        "contacted": 2.0,  # 2, 2.375, 0.5
        "interested": 1.0,
        "quoted": 2.0,
    })
    assert phone.lost_reasons == (("price", 1),)
    assert visit.total == 2 and (visit.won, visit.lost) == (0, 2)
    assert visit.conversion == 0.0
    assert visit.reached == {"new": 2, "contacted": 1, "interested": 1, "quoted": 0, "won": 0}
    assert visit.median_days["new"] == pytest.approx((2 + 0.25) / 2)
    assert visit.median_days["quoted"] is None
    assert visit.lost_reasons == (("elsewhere", 1), ("no_need", 1))
    total = stats.total
    assert (total.total, total.won, total.lost) == (5, 1, 3)
    assert total.conversion == pytest.approx(1 / 4)
    assert total.median_days["new"] == pytest.approx(1.0)  # 0.125, 0.25, 1, 1, 2
    assert total.median_days["contacted"] == pytest.approx((1 + 2) / 2)  # 0.5, 1, 2, 2.375
    assert total.reached["contacted"] == 4


def test_funnel_by_interest(funnel_data):
    stats = leads.funnel("interest", D0.date(), day(6).date(), staff_id=funnel_data)
    rows = {row.key: row for row in stats.rows}
    assert [row.key for row in stats.rows] == ["rent", "buy", "cleaning"]
    assert (rows["rent"].total, rows["rent"].won, rows["rent"].lost) == (3, 1, 2)
    assert rows["rent"].conversion == pytest.approx(1 / 3)
    assert rows["buy"].conversion is None  # nothing closed yet
    assert rows["cleaning"].lost_reasons == (("no_need", 1),)
    assert rows["rent"].median_days["interested"] == pytest.approx((1 + 2) / 2)


def test_the_period_and_who_may_see_it(funnel_data):
    every = leads.funnel("source", day(-400).date(), day(6).date(), staff_id=funnel_data)
    assert every.total.total == 6 and [r.key for r in every.rows] == ["phone", "visit", "online"]
    later = leads.funnel("source", day(1).date(), day(6).date(), staff_id=funnel_data)
    assert later.total.total == 1  # only L3 was created from D1 on
    default = leads.funnel("source", staff_id=funnel_data)  # the last 365 days up to day 10
    assert default.until == day(10).date() and default.total.total == 5
    with pytest.raises(ValidationError):
        leads.funnel("staff", staff_id=funnel_data)
    with pytest.raises(ValidationError):
        leads.funnel("source", day(6).date(), D0.date(), staff_id=funnel_data)
    from data.models import Staff

    tech = Staff.get(Staff.login == "tech1").id
    with pytest.raises(PermissionDenied):
        leads.funnel("source", staff_id=tech)

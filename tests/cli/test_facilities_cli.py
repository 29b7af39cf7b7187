"""`frontdesk facilities list|show|add|inspect|due` and `frontdesk inspections
routes|due|start|record|finish|missed`: an elevator registered with its legal inspection,
listed as due, inspected; a route walked from the command line, one failed reading becoming
a work order; missed walks listed for supervisors; the same permissions as the data layer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from data import facilities as fac
from data.db import close_database, open_database
from data.models import Facility, WorkOrder
from tests.helpers.cli import json_lines, run
from tests.helpers.fees import world

C = ("--community", "锦绣花园")


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-05-10 09:00")
    open_database(db_url)
    w = world()
    pump = fac.add_facility(fac.FacilityInput(w.comm.id, "pump", "3号楼生活水泵", place="3号楼地下泵房"))
    fac.create_route(fac.RouteInput(
        "设备房巡查", w.comm.id, w.tech.id, dt.datetime(2027, 5, 6, 9, 0), 60, "FREQ=DAILY",
        (fac.ItemInput("泵房无积水"), fac.ItemInput("水泵出口压力", "reading", Decimal("0.3"), Decimal("0.6"),
                                                 "MPa", facility_id=pump.id))))
    close_database()
    return db_url, w, pump.id


def ok(url, capsys, *argv: str, user: str = "super1") -> list[dict]:
    assert run(url, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def test_an_elevator_registered_listed_due_and_inspected(db, capsys):
    url, _w, _pump = db
    assert run(url, "facilities", "add", *C, "--kind", "电梯", "--name", "3号楼1号电梯", user="super1") == 2
    assert "检验" in capsys.readouterr().err  # the legal due date is required
    assert run(url, "facilities", "add", *C, "--kind", "路灯", "--name", "北门路灯", user="desk1") != 0
    capsys.readouterr()
    [e] = ok(url, capsys, "facilities", "add", *C, "--kind", "电梯", "--name", "3号楼1号电梯", "--building", "3",
             "--maker", "奥的斯", "--contractor", "奥的斯维保", "--contract", "WB-2027-003",
             "--responsible", "tech1", "--due", "2027-05-25")
    assert e["responsible"] == "tech1" and e["checks"][0]["next_due"] == "2027-05-25"
    rows = ok(url, capsys, "facilities", "list", "--kind", "电梯", user="desk1")
    assert [(r["name"], r["building"], r["next_due"]) for r in rows] == [("3号楼1号电梯", "3", "2027-05-25")]
    [d] = ok(url, capsys, "facilities", "due", user="desk1")
    assert (d["facility"], d["days"], d["overdue"]) == ("3号楼1号电梯", 15, False)
    [c] = ok(url, capsys, "facilities", "inspect", str(e["id"]), "--date", "2027-05-09", "--note", "合格",
             user="tech1")
    assert c["next_due"] == "2028-05-09"
    assert ok(url, capsys, "facilities", "due") == []
    [s] = ok(url, capsys, "facilities", "show", str(e["id"]))
    assert s["history"][0]["kind"] == "check"
    assert run(url, "facilities", "show", str(e["id"]), user="desk1") == 0
    assert "奥的斯维保" in capsys.readouterr().out


def test_a_route_walked_with_a_failed_reading_becoming_a_work_order(db, capsys):
    url, _w, pump = db
    [r] = ok(url, capsys, "inspections", "routes", user="tech1")
    assert [i["text"] for i in r["items"]] == ["泵房无积水", "水泵出口压力"]
    [due] = ok(url, capsys, "inspections", "due", user="tech1")
    assert due["state"] == "due"
    assert run(url, "inspections", "start", "设备房巡查", user="desk1") != 0  # the desk only sees
    capsys.readouterr()
    [run_] = ok(url, capsys, "inspections", "start", "设备房巡查", user="tech1")
    rid = str(run_["id"])
    ok(url, capsys, "inspections", "record", rid, "1", "--ok", user="tech1")
    assert run(url, "inspections", "record", rid, "2", "--reading", "abc", user="tech1") == 2
    assert "abc" in capsys.readouterr().err
    [a] = ok(url, capsys, "inspections", "record", rid, "2", "--reading", "0.12", "--order", user="tech1")
    assert a["ok"] is False and a["work_order"]
    [done] = ok(url, capsys, "inspections", "finish", rid, user="tech1")
    assert done["ended_at"]
    open_database(url)
    order = WorkOrder.get(WorkOrder.number == a["work_order"])
    assert order.facility_id == pump and order.location == "3号楼地下泵房"
    assert Facility.select().count() == 1
    close_database()
    missed = ok(url, capsys, "inspections", "missed")
    assert [m["start"][:10] for m in missed] == ["2027-05-06", "2027-05-07", "2027-05-08", "2027-05-09"]
    assert run(url, "inspections", "missed", user="super1") == 0
    assert "漏检" in capsys.readouterr().out


def test_a_refusal_shows_the_message_not_the_internal_field_name(db, capsys):
    """Issue 20: `frontdesk: legal_due: 电梯…` named a field of the code; the user sees the
    message alone. An option the user typed is still named."""
    url, _w, _pump = db
    assert run(url, "facilities", "add", *C, "--kind", "电梯", "--name", "3号楼1号电梯", user="super1") == 2
    err = capsys.readouterr().err
    assert err.startswith("frontdesk：电梯") and "legal_due" not in err
    assert run(url, "facilities", "add", *C, "--kind", "路灯", "--name", " ", user="super1") == 2
    err = capsys.readouterr().err
    assert err.startswith("frontdesk：请") and "name:" not in err
    assert run(url, "facilities", "add", *C, "--kind", "电梯", "--name", "3号楼1号电梯", "--due", "明天",
               user="super1") == 2
    assert "--due" in capsys.readouterr().err

"""`frontdesk meetings new|propose|ballot|diff|tally|report` and `frontdesk committee
add|list|expiring|meeting`: an owners' meeting from its announcement to its result, two
clerks' entries, the tally as JSON against a hand count; bad input named, nothing stored."""

from __future__ import annotations

import pytest

from data.db import close_database, open_database
from data.models import Meeting, Room
from tests.helpers.cli import json_lines, run
from tests.helpers.fees import world

C = ("--community", "锦绣花园")


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(db_url)
    w = world()
    Room.update(developer_held=True).where(Room.id == w.rooms["3-1-103"]).execute()
    close_database()
    return db_url, w


def ok(url, capsys, *argv: str, user: str = "desk1") -> list[dict]:
    assert run(url, *argv, "--json", user=user) == 0, capsys.readouterr().err
    return json_lines(capsys)


def test_a_meeting_from_announcement_to_result(db, capsys):
    url, w = db
    assert run(url, "meetings", "new", *C, "--title", "业主大会", "--date", "2027-03-19") == 2
    assert "15" in capsys.readouterr().err
    open_database(url)
    assert Meeting.select().count() == 0
    close_database()
    [m] = ok(url, capsys, "meetings", "new", *C, "--title", "2027年第一次业主大会", "--date", "2027-03-25")
    mid = str(m["id"])
    ok(url, capsys, "meetings", "propose", mid, "续筹维修资金", "--major")
    [m] = ok(url, capsys, "meetings", "propose", mid, "续聘物业")
    assert [p["matter_text"] for p in m["proposals"]] == ["重大事项", "一般事项"]
    for room, first, second in (("3-1-101", "11", "11"), ("3-1-102", "12", "11"), ("5-1-101", "11", "11"),
                                ("3-1-103", "21", "21")):
        [r] = ok(url, capsys, "meetings", "ballot", mid, room, first)
        assert r["entry"] == 1 and r["state"] == "pending"
        ok(url, capsys, "meetings", "ballot", mid, room, second, user="super1")
    [d] = ok(url, capsys, "meetings", "diff", mid)
    assert (d["room"], d["proposals"]) == ("3-1-102", [2])
    assert ok(url, capsys, "meetings", "differences", mid) == [d]  # the same list under its long name
    assert (d["first"], d["second"]) == ("1同意 2反对", "1同意 2同意")
    [t] = ok(url, capsys, "meetings", "tally", mid)
    major, ordinary = t["proposals"]
    # 4 heads (张晓明, 王芳, 赵强, the developer), 390 m²; counted: 3-1-101, 5-1-101, 3-1-103.
    assert major["rules"][0] == {"name": "participation_heads", "part": 3, "whole": 4, "rule": "≥ 2/3", "met": True}
    assert major["rules"][1]["part"] == "310.00" and major["rules"][1]["whole"] == "390.00"
    assert major["rules"][2] == {"name": "approval_heads", "part": 2, "whole": 3, "rule": "≥ 3/4", "met": False}
    assert (major["approved"], ordinary["approved"]) == (False, True)
    assert run(url, "meetings", "tally", mid) == 0
    assert "未通过" in capsys.readouterr().out
    [f] = ok(url, capsys, "meetings", "report", mid)
    assert f["file"].endswith(".pdf")
    assert run(url, "meetings", "ballot", mid, "3-1-101", "19") == 2


def test_the_committee_members_and_expiring_terms(db, capsys):
    url, w = db
    person = str(w.owners["3-1-101"])
    ok(url, capsys, "committee", "add", *C, "--person", person, "--role", "主任", "--from", "2022-05-01",
       "--to", "2027-04-30")
    ok(url, capsys, "committee", "add", *C, "--person", str(w.owners["5-1-101"]), "--role", "委员",
       "--from", "2024-05-01", "--to", "2029-04-30")
    assert [r["name"] for r in ok(url, capsys, "committee", "list")] == ["张晓明", "赵强"]
    assert [r["name"] for r in ok(url, capsys, "committee", "expiring")] == ["张晓明"]
    [m] = ok(url, capsys, "committee", "meeting", *C, "--at", "2027-03-10 19:00", "--topic", "筹备业主大会",
             "--minutes", "确定议题")
    assert m["event_id"] and m["minutes"] == "确定议题"
    assert run(url, "committee", "add", *C, "--person", person, "--role", "秘书", "--from", "2022-05-01",
               "--to", "2027-04-30") == 2


def test_meetings_import_needs_a_lead_and_replace_lists_the_changes(db, capsys, tmp_path):
    """attack19 #3: `meetings import` is a lead's; a second import is refused unless
    `--replace`, which lists each changed ballot."""
    url, _w = db
    [m] = ok(url, capsys, "meetings", "new", *C, "--title", "2027年第一次业主大会", "--date", "2027-03-25")
    mid = str(m["id"])
    ok(url, capsys, "meetings", "propose", mid, "续聘物业")
    sheet = tmp_path / "b.csv"
    sheet.write_text("房号,1\n3-1-101,同意\n5-1-101,同意\n", encoding="utf-8")
    assert run(url, "meetings", "import", mid, str(sheet), user="desk1") != 0
    assert "主管" in capsys.readouterr().err
    [done] = ok(url, capsys, "meetings", "import", mid, str(sheet), user="super1")
    assert (done["stored"], done["added"], done["changed"]) == (2, 2, [])
    sheet.write_text("房号,1\n3-1-101,反对\n5-1-101,同意\n", encoding="utf-8")
    assert run(url, "meetings", "import", mid, str(sheet), user="super1") == 2
    assert "--replace" in capsys.readouterr().err
    assert run(url, "meetings", "import", mid, str(sheet), "--replace", user="super1") == 0
    out = capsys.readouterr().out
    assert "3-1-101" in out and "1同意  →  1反对" in out and "5-1-101" not in out

"""`frontdesk leads add|list|show|update|contact|convert|stats|rules` through tui.cli.main:
JSON lines, the duplicate warning and --force, a lead taken from add to a tenant whom
`owners search` finds, and bad input refused with a message naming the option."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from data import people
from data.db import close_database, open_database
from data.models import Lead, LeadPhone, Room
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import json_lines, run

NOW = "2026-11-27 10:00"


@pytest.fixture
def db(sqlite_url, monkeypatch) -> SimpleNamespace:
    """锦绣花园 with two desk clerks, an owner in 3-2-501 and a vacant 3-2-502; a supervisor
    and a technician; the clock pinned at NOW."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(sqlite_url)
    comm = f.community("锦绣花园", code="JXHY")
    f.staff("desk1", "李娜", community=comm)
    f.staff("desk2", "王芳", community=comm)
    f.staff("super1", "陈静", "supervisor")
    f.staff("tech1", "李建国", "tech")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    Room.update(state="occupied").where(Room.id == room).execute()
    people.ensure_room(comm.id, "3-2-502")
    close_database()
    return SimpleNamespace(url=sqlite_url, owner=owner)


def add(db, *extra: str, user: str = "desk1") -> int:
    return run(db, "leads", "add", "--name", "孙悦", "--phone", "135 6666 7777", "--source", "来电",
               "--interest", "租房", "--community", "锦绣花园", *extra, user=user)


def test_add_answers_with_the_lead_as_json_and_warns_of_a_duplicate(db, capsys):
    assert add(db, "--budget", "4500元", "--places", "3-2-502", "--note", "想租两房",
               "--followup", "2026-11-28 10:00", "--json") == 0
    [lead] = json_lines(capsys)
    assert (lead["name"], lead["phones"], lead["stage"], lead["owner"]) == ("孙悦", ["13566667777"], "new", "李娜")
    assert (lead["source"], lead["interest"], lead["budget"], lead["assigned_by"]) == (
        "phone", "rent", "4500", "round_robin")
    assert [p["code"] for p in lead["places"]] == ["3-2-502"]
    assert lead["next_followup"] == "2026-11-28 10:00"
    assert [t["kind"] for t in lead["timeline"]] == ["create", "assign", "followup"]
    assert add(db, "--json") == 2
    err = capsys.readouterr().err
    assert f"#{lead['id']} 孙悦" in err and "--force" in err
    assert add(db, "--force", "--json") == 0
    [second] = json_lines(capsys)
    assert second["owner"] == "王芳"  # the next in turn
    assert second["timeline"][0]["from"] == f"#{lead['id']}"


def test_a_lead_from_add_to_a_tenant_that_owner_search_finds(db, capsys):
    assert add(db, "--places", "3-2-502") == 0
    out = capsys.readouterr().out
    assert "孙悦" in out
    lead_id = int(out.split("#", 1)[1].split()[0])
    assert run(db, "leads", "contact", str(lead_id), "--via", "电话", "--note", "约明天看房",
               "--next", "2026-11-28 15:00") == 0
    assert "已联系" in capsys.readouterr().out
    assert run(db, "leads", "update", str(lead_id), "--stage", "已报价", "--json") == 0
    assert json_lines(capsys)[0]["stage"] == "quoted"
    assert run(db, "leads", "convert", str(lead_id), "--to", "tenant", "--json") == 0
    converted = json_lines(capsys)[0]
    assert (converted["stage"], converted["converted_to"]) == ("won", "tenant")
    assert converted["next_followup"] is None
    assert run(db, "owners", "search", "孙悦", "--json") == 0
    [result] = json_lines(capsys)
    assert [(h["name"], h["role"], h["rooms"]) for h in result["hits"]] == [("孙悦", "tenant", ["3-2-502"])]


def test_list_masks_phones_and_filters(db, capsys):
    assert add(db) == 0
    assert run(db, "leads", "add", "--name", "周女士", "--phone", "13311112222", "--source", "到访",
               "--interest", "家政", "--owner", "desk2") == 0
    capsys.readouterr()
    assert run(db, "leads", "list", "--json") == 0
    rows = json_lines(capsys)
    assert [r["name"] for r in rows] == ["周女士", "孙悦"]
    assert rows[0]["phone"] == "133****2222"
    assert run(db, "leads", "list", "--mine", "--json") == 0
    assert [r["name"] for r in json_lines(capsys)] == ["孙悦"]
    assert run(db, "leads", "list", "--interest", "家政保洁") == 0
    out = capsys.readouterr().out
    assert "周女士" in out and "孙悦" not in out and "13311112222" not in out
    assert run(db, "leads", "update", "2", "--stage", "流失", "--reason", "价格") == 0
    capsys.readouterr()
    assert run(db, "leads", "list", "--stage", "流失", "--json") == 0
    assert [r["name"] for r in json_lines(capsys)] == ["周女士"]


def test_show_update_owner_and_stats(db, capsys):
    assert add(db) == 0
    capsys.readouterr()
    assert run(db, "leads", "update", "1", "--owner", "desk2") == 0  # desk1 hands their own over
    capsys.readouterr()
    assert run(db, "leads", "update", "1", "--owner", "desk1") == 2  # not desk1's any more
    assert "主管" in capsys.readouterr().err
    assert run(db, "leads", "update", "1", "--owner", "desk1", user="super1") == 0
    capsys.readouterr()
    assert run(db, "leads", "show", "1") == 0
    out = capsys.readouterr().out
    assert "孙悦" in out and "135****7777" in out and "13566667777" not in out and "陈静" in out
    assert run(db, "leads", "show", "1", "--reveal", "--json") == 0
    assert json_lines(capsys)[0]["phones"] == ["13566667777"]
    open_database(db.url)
    from data.models import AuditLog

    assert AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity == "lead").count() == 1
    close_database()
    assert run(db, "leads", "stats", "--by", "interest", "--json") == 0
    lines = json_lines(capsys)
    assert [(x["key"], x["total"]) for x in lines] == [("rent", 1), (None, 1)]
    assert run(db, "leads", "stats") == 0
    assert "来电" in capsys.readouterr().out


def test_rules_are_a_supervisors(db, capsys):
    assert run(db, "leads", "rules", "--set", "装修", "desk2") == 2
    assert run(db, "leads", "rules", "--set", "装修", "desk2", "--json", user="super1") == 0
    assert json_lines(capsys) == [{"interest": "renovation", "community": None, "staff": "desk2",
                                   "name": "王芳"}]
    assert run(db, "leads", "add", "--name", "吴先生", "--phone", "13700001111", "--source", "线上",
               "--interest", "装修", "--community", "锦绣花园", "--json") == 0
    assert json_lines(capsys)[0]["owner"] == "王芳"


@pytest.mark.parametrize(("extra", "expected"), [
    (("--phone", "12345"), "phones"),
    (("--source", "电视"), "source"),
    (("--interest", "养猫"), "interest"),
    (("--budget", "很多"), "budget"),
    (("--followup", "明天"), "--followup"),
    (("--followup", "2026-11-26 10:00"), "next_followup"),
    (("--places", "3-2-501"), "places"),
    (("--community", "不存在小区"), "不存在小区"),
    (("--owner", "tech1"), "owner"),
    (("--owner", "nobody"), "--owner"),
    (("--name", "孙\x1b]0;x\x07悦"), "name"),
])
def test_bad_input_names_the_option_and_saves_nothing(db, capsys, extra, expected):
    base = ["leads", "add", "--name", "孙悦", "--phone", "13566667777", "--source", "来电",
            "--interest", "租房", "--community", "锦绣花园"]
    for i in range(0, len(extra), 2):
        at = base.index(extra[i]) if extra[i] in base else None
        if at is not None:
            base[at + 1] = extra[i + 1]
        else:
            base += [extra[i], extra[i + 1]]
    assert run(db, *base) == 2
    err = capsys.readouterr().err
    assert expected in err
    open_database(db.url)
    assert Lead.select().count() == LeadPhone.select().count() == 0
    close_database()


def test_a_technician_is_refused_and_an_unknown_lead_is_said(db, capsys):
    assert add(db, user="tech1") != 0
    assert "潜在客户" in capsys.readouterr().err  # what the role may not do
    assert run(db, "leads", "list", user="tech1") != 0
    assert "潜在客户" in capsys.readouterr().err
    assert run(db, "leads", "show", "99") == 2
    assert "#99" in capsys.readouterr().err
    assert run(db, "leads", "contact", "99", "--via", "电话", "--note", "x") == 2
    assert run(db, "leads", "update", "99", "--stage", "流失") == 2


def test_list_finds_phones_by_the_last_4_digits_or_the_whole_number_counted(db, capsys):
    from data.models import AuditLog

    assert add(db, "--json") == 0
    [lead] = json_lines(capsys)
    for text, found in (("7777", True), ("1356", False), ("135", False), ("13566667777", True),
                        ("13566660000", False)):
        assert run(db, "leads", "list", "--stage", "all", "--text", text, "--json") == 0
        assert [row["id"] for row in json_lines(capsys)] == ([lead["id"]] if found else []), text
    open_database(db.url)
    try:  # the two whole-number searches, once each
        assert AuditLog.select().where(AuditLog.action == "search").count() == 2
    finally:
        close_database()

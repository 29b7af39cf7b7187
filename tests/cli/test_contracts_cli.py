"""`frontdesk contracts …` through tui.cli.main, on SQLite and PostgreSQL: drafting a
contract, a quote from a work order and a proposal; listing, showing, signing, rendering into
the export folder, terminating; the expiring list and `remind` telling the owner once; the
template library (add, show, refusals) and the permissions."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest

from data import people
from data import workorders as wo
from data.db import close_database, open_database
from data.exports import default_export_dir
from data.models import Building, Call, Contract, ContractTemplate, Notification, Territory
from data.people import PersonInput
from tests import factories as f
from tests.helpers.cli import json_lines, run

NOW = "2027-03-01 09:00"


@pytest.fixture
def db(db_url, monkeypatch) -> SimpleNamespace:
    """锦绣花园 3-2-501 owned by 张晓明, a work order there with owner-paid costs; desk,
    tech and a supervisor; the clock pinned at NOW."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(db_url)
    comm = f.community("锦绣花园")
    room = people.ensure_room(comm.id, "3-2-501")
    owner = people.create_person(PersonInput(name="张晓明", phones=["13800138000"]))
    people.move_in(owner, room, "owner")
    desk = f.staff("desk1", "李娜", "desk")
    tech = f.staff("tech1", "王建国", "tech")
    f.staff("super1", "陈静", "supervisor")
    # The technician's territory holds the room (a technician reads orders of their buildings).
    Territory.create(staff=tech, building=Building.get(Building.community == comm.id, Building.code == "3"))
    order = wo.create_order(wo.OrderInput(kind="repair", title="卫生间角阀漏水", community_id=comm.id,
                                          room_id=room, person_id=owner), desk.id)
    wo.add_cost(order.id, tech.id, "material", "角阀", "2", "35.50", "owner")
    wo.add_cost(order.id, tech.id, "labour", "人工", "1", "80", "owner")
    close_database()
    return SimpleNamespace(url=db_url, order=order.number)


def ok(db, capsys, *argv: str, user: str = "desk1") -> dict:
    assert run(db, *argv, "--json", user=user) == 0, capsys.readouterr().err
    [out] = json_lines(capsys)
    return out


def refused(db, capsys, *argv: str, user: str = "desk1") -> str:
    assert run(db, *argv, user=user) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def new_parking(db, capsys, *extra: str, user: str = "desk1") -> dict:
    return ok(db, capsys, "contracts", "new", "--kind", "车位租赁", "--room", "3-2-501",
              "--amount", "3600", "--start", "2027-03-01", "--end", "2027-03-20",
              "--subject", "B2-034", *extra, user=user)


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_contract_from_draft_to_file(db, capsys):
    made = new_parking(db, capsys)
    assert made["number"] == "HT-2027-0001" and made["status"] == "draft"
    assert made["party"] == "张晓明" and made["party_phone"] == "138****8000"
    assert made["amount"] == "3600.00" and made["room"] == "3-2-501"
    assert run(db, "contracts", "list") == 0
    out = capsys.readouterr().out
    assert "HT-2027-0001" in out and "草拟" in out and "张晓明" in out
    signed = ok(db, capsys, "contracts", "sign", "HT-2027-0001")
    assert signed["status"] == "active" and signed["signed_on"] == "2027-03-01"
    rendered = ok(db, capsys, "contracts", "render", "1")
    path = Path(rendered["path"])
    assert path.parent == default_export_dir() and path.is_file()
    assert path.name.startswith("HT_2027_0001-desk1-") and path.suffix == ".docx"
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "车位租赁合同" in text and "张晓明" in text and "叁仟陆佰元整" in text and "B2-034" in text
    shown = ok(db, capsys, "contracts", "show", "HT-2027-0001")
    assert shown["file"] == path.name and len(shown["sha256"]) == 64
    assert [h["action"] for h in shown["history"]] == ["create", "sign", "start", "render"]
    # Plain text too.
    assert run(db, "contracts", "show", "HT-2027-0001") == 0
    out = capsys.readouterr().out
    assert "叁仟陆佰元整" in out and path.name in out


def test_a_quote_from_a_work_order_and_a_proposal(db, capsys):
    quote = ok(db, capsys, "contracts", "new", "--kind", "报价单", "--order", db.order, user="tech1")
    assert quote["number"] == "BJ-2027-0001" and quote["amount"] == "151.00"
    assert [li["item"] for li in quote["lines"]] == ["角阀", "人工"]
    path = Path(ok(db, capsys, "contracts", "render", quote["number"], user="tech1")["path"])
    table = docx.Document(str(path)).tables[0]
    assert [c.text for c in table.rows[1].cells][:4] == ["1", "角阀", "材料", "2"]
    proposal = ok(db, capsys, "contracts", "new", "--kind", "建议书", "--name", "王先生",
                  "--phone", "13700137000", "--interest", "房屋托管", "--rooms", "5-1-101",
                  "--amount", "1200")
    assert proposal["number"] == "JY-2027-0001" and proposal["party"] == "王先生"
    assert proposal["interest"] == "房屋托管"
    err = refused(db, capsys, "contracts", "new", "--kind", "报价单")
    assert "--order" in err


def test_terminate_is_for_leads_and_needs_a_reason(db, capsys):
    new_parking(db, capsys)
    err = refused(db, capsys, "contracts", "terminate", "HT-2027-0001", "--reason", "业主卖房")
    assert "终止" in err or "terminate" in err
    done = ok(db, capsys, "contracts", "terminate", "HT-2027-0001", "--reason", "业主卖房", user="super1")
    assert done["status"] == "terminated" and done["closed_reason"] == "业主卖房"
    err = refused(db, capsys, "contracts", "sign", "HT-2027-0001")
    assert "HT-2027-0001" in err


def test_expiring_and_remind_tell_the_owner_once(db, capsys):
    new_parking(db, capsys)
    ok(db, capsys, "contracts", "sign", "HT-2027-0001")
    new_parking(db, capsys, "--end", "2027-12-31")
    ok(db, capsys, "contracts", "sign", "HT-2027-0002")
    assert run(db, "contracts", "expiring", "--json") == 0
    rows = json_lines(capsys)
    assert [(r["number"], r["days_left"]) for r in rows] == [("HT-2027-0001", 19)]
    assert run(db, "remind", "--json", user="super1") == 0
    [out] = json_lines(capsys)
    assert out["renewals"] == ["HT-2027-0001"]
    assert run(db, "remind", "--json", user="super1") == 0
    assert json_lines(capsys) == [{"sent": 0}]
    open_database(db.url)
    try:
        [note] = Notification.select().where(Notification.entity == "contract")
        assert "HT-2027-0001" in note.title
        assert Call.select().where(Call.category == "callback").count() == 1
    finally:
        close_database()
    assert run(db, "contracts", "list", "--expiring", "--json") == 0
    assert [r["number"] for r in json_lines(capsys)] == ["HT-2027-0001"]


def test_templates_list_add_show_and_refusals(db, capsys, tmp_path):
    assert run(db, "contracts", "templates", "--json") == 0
    builtins = json_lines(capsys)
    assert {t["ref"] for t in builtins} >= {"builtin:quote", "builtin:parking", "builtin:housekeeping",
                                            "builtin:renovation", "builtin:proposal"}
    good = tmp_path / "车位合同.docx"
    good.write_bytes(docx_bytes("车位租赁合同 {{ 合同编号 }}", "乙方：{{ 业主姓名 }}", "租金：{{ 金额大写 }}"))
    err = refused(db, capsys, "contracts", "templates", "add", str(good), "--kind", "车位", "--name", "2027版")
    assert "contract" in err.lower() or "合同模板" in err  # the desk may not register templates
    row = ok(db, capsys, "contracts", "templates", "add", str(good), "--kind", "车位", "--name", "2027版",
             user="super1")
    assert row["kind"] == "parking" and row["placeholders"] == ["业主姓名", "金额大写", "合同编号"]
    shown = ok(db, capsys, "contracts", "templates", "show", str(row["id"]))
    assert shown["name"] == "2027版" and shown["builtin"] is False
    # New parking contracts use it from now on; the rendered file is the company's own.
    made = new_parking(db, capsys)
    path = Path(ok(db, capsys, "contracts", "render", made["number"])["path"])
    assert [p.text for p in docx.Document(str(path)).paragraphs] == [
        "车位租赁合同 HT-2027-0001", "乙方：张晓明", "租金：叁仟陆佰元整"]
    # Refused, naming the reason: an unknown placeholder, a text file renamed .docx.
    bad = tmp_path / "bad.docx"
    bad.write_bytes(docx_bytes("{{ 业主姓名 }} {{ 车牌号 }}"))
    err = refused(db, capsys, "contracts", "templates", "add", str(bad), "--kind", "车位",
                  "--name", "坏模板", user="super1")
    assert "{{ 车牌号 }}" in err
    fake = tmp_path / "fake.docx"
    fake.write_text("{{ 业主姓名 }} is not a Word file", encoding="utf-8")
    err = refused(db, capsys, "contracts", "templates", "add", str(fake), "--kind", "车位",
                  "--name", "假的", user="super1")
    assert "fake.docx" in err and ".docx" in err
    open_database(db.url)
    try:
        assert ContractTemplate.select().count() == 1
        assert Contract.select().count() == 1
    finally:
        close_database()


def test_bad_input_names_the_option_and_saves_nothing(db, capsys):
    err = refused(db, capsys, "contracts", "new", "--kind", "车位租赁", "--room", "3-2-501",
                  "--amount", "abc", "--start", "2027-03-01", "--end", "2027-12-31")
    assert "amount" in err
    err = refused(db, capsys, "contracts", "new", "--kind", "租船", "--room", "3-2-501", "--amount", "1")
    assert "租船" in err
    err = refused(db, capsys, "contracts", "list", "--status", "作废")
    assert "作废" in err
    err = refused(db, capsys, "contracts", "show", "HT-2099-0001")
    assert "HT-2099-0001" in err
    assert run(db, "contracts", "list", "--json") == 0
    assert json_lines(capsys) == []


def test_a_technician_sees_no_register(db, capsys):
    err = refused(db, capsys, "contracts", "list", user="tech1")
    assert err
    assert run(db, "contracts", "list", "--json", user="super1") == 0
    assert json.loads(json.dumps(json_lines(capsys))) == []


def test_a_technician_renders_no_quote_of_an_order_outside_their_territory(db, capsys):
    quote = ok(db, capsys, "contracts", "new", "--kind", "报价单", "--order", db.order)  # the desk's
    open_database(db.url)
    try:
        Territory.delete().execute()  # the order is no longer the technician's to see
    finally:
        close_database()
    err = refused(db, capsys, "contracts", "render", quote["number"], user="tech1")
    assert db.order in err
    err = refused(db, capsys, "contracts", "new", "--kind", "报价单", "--order", db.order, user="tech1")
    assert db.order in err

"""Leads to contracts through the CLI (issue 17 items 1, 4, 5): `leads convert ID --to
contract`, `leads proposal ID` and `contracts new --kind proposal --lead ID`, with a lead
not won refused on stderr and a non-zero exit."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import docx
import pytest

from data import leads
from data.db import close_database, open_database
from data.leads import LeadInput
from data.models import Contract, Lead
from tests import factories as f
from tests.helpers.cli import json_lines, run

NOW = "2026-11-27 10:00"


@pytest.fixture
def db(db_url, monkeypatch) -> SimpleNamespace:
    """锦绣花园 with its desk clerk; a won lead 刘洋 wanting a parking space (budget 3600)
    and a lead 周女士 interested in housekeeping; the clock pinned at NOW."""
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(db_url)
    comm = f.community("锦绣花园", code="JXHY")
    desk = f.staff("desk1", "李娜", community=comm)
    won = leads.create_lead(LeadInput("刘洋", ["13912345678"], "来电", "车位租售", community_id=comm.id,
                                      budget="3600"), desk.id)
    leads.set_stage(won.id, "成交", desk.id)
    open_lead = leads.create_lead(LeadInput("周女士", ["13700001111"], "到访", "家政保洁", community_id=comm.id,
                                            budget="800", note="每周一次日常保洁"), desk.id)
    close_database()
    return SimpleNamespace(url=db_url, won=won.id, open=open_lead.id)


def test_a_won_lead_converts_into_a_contract(db, capsys):
    assert run(db, "leads", "convert", str(db.won), "--to", "contract", "--start", "2026-12-01",
               "--end", "2027-11-30", "--subject", "B2-034") == 0
    out = capsys.readouterr().out
    assert "HT-2026-0001" in out and "contracts render HT-2026-0001" in out
    assert run(db, "contracts", "show", "HT-2026-0001", "--json") == 0
    [contract] = json_lines(capsys)
    assert (contract["kind"], contract["party"], contract["amount"]) == ("parking", "刘洋", "3600.00")
    assert (contract["start"], contract["end"], contract["subject"]) == ("2026-12-01", "2027-11-30", "B2-034")
    assert contract["lead"] == {"id": db.won, "name": "刘洋"}
    assert run(db, "leads", "show", str(db.won), "--json") == 0
    [lead] = json_lines(capsys)
    assert lead["converted_to"] == "contract" and lead["contracts"][0]["number"] == "HT-2026-0001"
    assert lead["timeline"][-1]["kind"] == "convert" and lead["timeline"][-1]["to"] == "HT-2026-0001"
    assert run(db, "leads", "show", str(db.won)) == 0
    out = capsys.readouterr().out
    assert "HT-2026-0001 (车位租赁合同, 草拟)" in out and "已转化  合同 HT-2026-0001  车位租赁合同" in out


def test_a_lead_not_won_is_refused(db, capsys):
    assert run(db, "leads", "convert", str(db.open), "--to", "contract", "--kind", "家政") != 0
    err = capsys.readouterr().err
    assert f"潜在客户 #{db.open} 处于“新线索”阶段：只有成交的潜在客户才能转为合同。" in err
    open_database(db.url)
    assert Contract.select().count() == 0
    close_database()


def test_a_proposal_for_a_lead_from_either_command(db, capsys):
    assert run(db, "leads", "proposal", str(db.open)) == 0
    out = capsys.readouterr().out
    assert "JY-2026-0001" in out and "已报价" in out
    path = Path(out.split("已写入 ", 1)[1].strip())
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "尊敬的周女士：" in text and "服务内容：每周一次日常保洁" in text and "人民币800.00元" in text
    assert run(db, "contracts", "new", "--kind", "建议书", "--lead", str(db.open), "--amount", "600",
               "--json") == 0
    [second] = json_lines(capsys)
    assert (second["number"], second["amount"], second["lead"], second["stage"]) == (
        "JY-2026-0002", "600.00", db.open, "quoted")
    assert Path(second["path"]).is_file()
    open_database(db.url)
    assert Lead.get_by_id(db.open).stage == "quoted"
    close_database()

"""`frontdesk surveys results --json`: the index against the last survey, per section and per
building, the free-text answers, as a hand computation gives them; `--order` makes a
free-text answer a complaint once."""

from __future__ import annotations

import pytest

from data import surveys
from data.db import close_database, open_database
from tests.helpers.cli import json_lines, run
from tests.helpers.surveys import world


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(db_url)
    w = world()
    old = surveys.new_survey(w.comm.id, w.desk.id, name="去年四季度", phone_list=False)
    q = {x.position: x.id for x in surveys.questionnaire_of(old).questions}
    surveys.record_answers(old, w.rooms["1-1-101"], {q[2]: "3"}, w.desk.id)  # 60
    surveys.close_survey(old, w.desk.id)
    sid = surveys.new_survey(w.comm.id, w.desk.id, name="一季度满意度", phone_list=False)
    q = {x.position: x.id for x in surveys.questionnaire_of(sid).questions}
    # 1-1-101: 非常满意 100, rating 5 → 100, 停车 2 → 40; 2-1-101: 一般 60, rating 3 → 60
    surveys.record_answers(sid, w.rooms["1-1-101"], {q[1]: "a", q[2]: "5", q[7]: "2", q[9]: "车位太少"}, w.desk.id)
    surveys.record_answers(sid, w.rooms["2-1-101"], {q[1]: "c", q[2]: "3"}, w.desk.id)
    close_database()
    return db_url, sid


def test_results_json_against_a_hand_count(db, capsys):
    url, sid = db
    assert run(url, "surveys", "results", str(sid), "--json") == 0, capsys.readouterr().err
    [res] = json_lines(capsys)
    assert (res["answered"], res["households"]) == (2, 6)
    assert res["index"] == round((100 + 100 + 40 + 60 + 60) / 5, 1) == 72.0
    assert (res["previous_name"], res["previous_index"]) == ("去年四季度", 60.0)
    assert {s["code"]: s["index"] for s in res["sections"]} == {"service": 80.0, "parking": 40.0}
    assert {b["code"]: (b["answered"], b["index"]) for b in res["buildings"]} == {
        "1": (1, round(240 / 3, 1)), "2": (1, 60.0)}
    [text] = res["texts"]
    assert (text["room"], text["text"], text["work_order_number"]) == ("1-1-101", "车位太少", "")
    assert run(url, "surveys", "results", str(sid), "--order", str(text["id"]), "complaint", "--json") == 0
    order, after = json_lines(capsys)
    assert order["work_order"].startswith("TS-")
    assert [t["work_order_number"] for t in after["texts"]] == [order["work_order"]]
    assert run(url, "surveys", "results", str(sid), "--order", str(text["id"]), "suggestion") == 2
    assert "已转为工单" in capsys.readouterr().err


def test_results_per_question_and_close(db, capsys):
    url, sid = db
    assert run(url, "surveys", "results", str(sid), "--json") == 0
    [res] = json_lines(capsys)
    q1 = res["questions"][0]  # 非常满意 once, 一般 once, of two
    assert (q1["answered"], q1["index"]) == (2, 80.0)
    assert [c for c in q1["counts"]] == [["非常满意", 1], ["满意", 0], ["一般", 1], ["不满意", 0], ["非常不满意", 0]]
    assert q1["shares"] == [50.0, 0.0, 50.0, 0.0, 0.0]
    assert res["questions"][8]["answered"] == 1 and res["questions"][8]["counts"] == []
    assert run(url, "surveys", "close", str(sid), "--json") == 0
    [row] = json_lines(capsys)
    assert (row["id"], row["status"]) == (sid, "closed")
    assert run(url, "surveys", "answer", str(sid), "--room", "2-1-102", "2=5") == 2
    assert "已结束，不再接受答卷" in capsys.readouterr().err
    assert run(url, "surveys", "close", str(sid)) == 2
    assert "已经结束" in capsys.readouterr().err
    assert run(url, "surveys", "list") == 0
    assert capsys.readouterr().out.count("已结束") == 2


@pytest.mark.parametrize("who", ["tech1", "guard1"])
def test_a_technician_or_a_guard_reads_no_survey(db, capsys, who):
    """attack19 #1: `surveys results|sample|list` refuse the technician and the gate."""
    from tests import factories as f

    url, sid = db
    open_database(url)
    if who == "guard1":
        f.staff("guard1", "刘保安", "guard")
    close_database()
    for argv in (("results", str(sid)), ("results", str(sid), "--json"), ("sample", str(sid), "--json"),
                 ("list",)):
        assert run(url, "surveys", *argv, user=who) != 0
        out = capsys.readouterr()
        assert "车位太少" not in out.out and "1-1-101" not in out.out and out.out.strip() == ""


def test_the_results_name_the_last_survey(db, capsys):
    url, sid = db
    assert run(url, "surveys", "results", str(sid)) == 0
    assert "去年四季度" in capsys.readouterr().out

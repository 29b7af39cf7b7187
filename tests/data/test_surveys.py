"""Satisfaction surveys (issue 19 item 2): the sample, answers at the desk, by phone keys and
from an XLSX export, the index against a hand computation, and a free-text answer made a
work order."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from data import calls, surveys
from data.errors import PermissionDenied, ValidationError
from data.models import Building, Room, Survey, SurveyAnswer, WorkOrder
from tests import factories as f
from tests.helpers.surveys import ROOMS, world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    return world()


def _q(survey_id):
    return surveys.questionnaire(Survey.get_by_id(survey_id).questionnaire_id).questions


def test_the_standard_template_has_every_section_and_kind(w):
    (tpl,) = surveys.templates()
    assert tpl.name == "物业满意度调查"
    assert {q.section for q in tpl.questions} == set(surveys.SECTIONS)
    assert {q.kind for q in tpl.questions} == {"single", "multi", "rating", "text"}


def test_samples_all_building_random_and_served(w):
    comm = w.comm.id
    assert [r for r, _p in surveys.draw_sample(comm, "all")] == sorted(w.rooms.values())
    b2 = Building.get(Building.community == comm, Building.code == "2").id
    assert {r for r, _p in surveys.draw_sample(comm, "building", building_id=b2)} == {
        w.rooms[c] for c in ROOMS[3:]}
    first = surveys.draw_sample(comm, "random", size=3, seed=7)
    assert len(first) == 3 and surveys.draw_sample(comm, "random", size=3, seed=7) == first
    assert {tuple(surveys.draw_sample(comm, "random", size=3, seed=s)) for s in range(1, 8)} != {tuple(first)}
    done = f.work_order(w.desk, w.comm, status="closed", room_=Room.get_by_id(w.rooms["1-1-102"]))
    WorkOrder.update(closed_at=dt.datetime(2027, 2, 20)).where(WorkOrder.id == done.id).execute()
    old = f.work_order(w.desk, w.comm, status="closed", room_=Room.get_by_id(w.rooms["2-1-101"]))
    WorkOrder.update(closed_at=dt.datetime(2026, 12, 1)).where(WorkOrder.id == old.id).execute()
    assert surveys.draw_sample(comm, "served") == [(w.rooms["1-1-102"], w.owners["1-1-102"])]


def test_a_new_survey_makes_a_call_list_of_its_households(w):
    sid = surveys.new_survey(w.comm.id, w.desk.id, sample="random", size=5, seed=3, name="一季度满意度")
    row = surveys.survey(sid)
    assert (row.households, row.answered, row.name) == (5, 0, "一季度满意度")
    items = calls.list_items(row.call_list_id)
    assert len(items) == 5 and {i.room for i in items} == {h.room for h in surveys.households(sid)}
    with pytest.raises(PermissionDenied):
        surveys.new_survey(w.comm.id, w.tech.id)


def _answers(qs, *values):
    return {q.id: v for q, v in zip(qs, values, strict=True)}


def test_the_index_matches_a_hand_computation(w):
    sid = surveys.new_survey(w.comm.id, w.desk.id)
    qs = _q(sid)
    # scored: q1 single, q2 rating, q3 single, q4–q5 rating, q6 single, q7 rating
    surveys.record_answers(sid, w.rooms["1-1-101"], _answers(qs, "非常满意", "4", "b", "5", "3", "c", "2", "ac", "电梯太慢"), w.desk.id)
    surveys.record_answers(sid, w.rooms["2-1-101"], _answers(qs, "e", "1", "一般", "3", "", "满意", "5", "", ""), w.desk.id)
    # hand: 100+80+80+100+60+60+40 = 520; 20+20+60+60+80+100 = 340; 860 / 13 = 66.15…
    assert surveys.satisfaction_index(sid) == 66.2
    res = surveys.results(sid)
    assert res.index == 66.2 and res.answered == 2 and res.households == 6
    assert {b.code: b.index for b in res.buildings} == {"1": round(520 / 7, 1), "2": round(340 / 6, 1)}
    q1 = res.questions[0]
    assert dict(q1.counts)["非常满意"] == 1 and dict(q1.counts)["非常不满意"] == 1 and q1.index == 60.0
    multi = res.questions[7]
    assert dict(multi.counts) == {"维修": 1, "保洁": 0, "绿化": 1, "秩序维护": 0, "停车": 0}
    assert [t.text for t in res.texts] == ["电梯太慢"]
    with pytest.raises(ValidationError, match="1 到 5"):
        surveys.record_answers(sid, w.rooms["1-1-102"], {qs[1].id: "7"}, w.desk.id)


def test_the_index_is_compared_with_the_last_closed_survey(w, monkeypatch):
    old = surveys.new_survey(w.comm.id, w.desk.id, name="上季度")
    qs = _q(old)
    surveys.record_answers(old, w.rooms["1-1-101"], {qs[1].id: "4"}, w.desk.id)
    surveys.close_survey(old, w.desk.id)
    monkeypatch.setenv("FRONTDESK_NOW", "2027-06-05 09:00")
    new = surveys.new_survey(w.comm.id, w.desk.id, name="本季度")
    surveys.record_answers(new, w.rooms["1-1-101"], {qs[1].id: "5"}, w.desk.id)
    res = surveys.results(new)
    assert (res.index, res.previous_name, res.previous_index) == (100.0, "上季度", 80.0)


def test_answers_keyed_on_the_phone_are_stored_and_the_call_logged(w):
    sid = surveys.new_survey(w.comm.id, w.desk.id, sample="random", size=5, seed=1)
    qs = _q(sid)
    item = calls.list_items(surveys.survey(sid).call_list_id)[0]
    assert surveys.survey_of_list(item.list_id) == sid
    surveys.answer_by_phone(item.id, w.desk.id, _answers(qs, "a", "5", "b", "4", "4", "a", "3", "b", "保洁很好"))
    assert surveys.survey(sid).answered == 1
    assert calls.list_items(item.list_id, pending_only=True)[0].id != item.id
    assert surveys.satisfaction_index(sid) == round((100 + 100 + 80 + 80 + 80 + 100 + 60) / 7, 1)


def _export(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "提交答卷时间", "1、您的房号", "1、您对客服中心的服务态度是否满意？", "2、报事报修的响应速度（1–5 分）",
                  "9、您对物业服务还有什么意见或建议？"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def test_an_xlsx_export_is_imported_and_bad_rows_reported(w, tmp_path):
    sid = surveys.new_survey(w.comm.id, w.desk.id)
    good = [1, "2027-03-01 10:00", "1-1-101", "满意", 4, "垃圾清运不及时"],
    path = _export(tmp_path / "wjx.xlsx", [*good, [2, "2027-03-01 11:00", "9-9-999", "满意", 4, ""],
                                          [3, "2027-03-01 12:00", "2-1-102", "很好", 3, ""]])
    with pytest.raises(ValidationError) as err:
        surveys.import_answers(sid, path, w.desk.id)
    assert "第 3 行" in err.value.message and "第 4 行" in err.value.message
    assert SurveyAnswer.select().count() == 0
    done = surveys.import_answers(sid, path, w.desk.id, skip_bad=True)
    assert done.stored == 1 and [n for n, _r in done.bad] == [3, 4]
    assert surveys.satisfaction_index(sid) == 80.0  # 满意 80, rating 4 → 80
    res = surveys.results(sid)
    assert [t.text for t in res.texts] == ["垃圾清运不及时"]


def test_a_free_text_answer_becomes_a_complaint_once(w):
    sid = surveys.new_survey(w.comm.id, w.desk.id)
    qs = _q(sid)
    surveys.record_answers(sid, w.rooms["1-1-101"], {qs[-1].id: "楼道灯坏了很久"}, w.desk.id)
    (text,) = surveys.results(sid).texts
    number = surveys.answer_to_order(text.id, "complaint", w.desk.id)
    order = WorkOrder.get(WorkOrder.number == number)
    assert order.kind == "complaint" and order.room_id == w.rooms["1-1-101"] and "楼道灯" in order.description
    assert surveys.results(sid).texts[0].work_order_number == number
    with pytest.raises(ValidationError, match="已转为工单"):
        surveys.answer_to_order(text.id, "suggestion", w.desk.id)


def test_only_the_desk_and_leads_read_surveys_their_sample_and_answers(w):
    """attack19 #1: free-text answers name the room that complained about a technician or a
    guard: neither reads the list, the sample or the results, the data layer refuses."""
    guard = f.staff("guard1", "刘保安", "guard")
    sup = f.staff("super1", "陈主管", "supervisor")
    sid = surveys.new_survey(w.comm.id, w.desk.id, name="一季度满意度", phone_list=False)
    q = {x.position: x.id for x in _q(sid)}
    surveys.record_answers(sid, w.rooms["1-1-101"], {q[9]: "维修师傅态度差"}, w.desk.id)
    for who in (w.tech, guard):
        for call in (lambda s: surveys.surveys(staff_id=s), lambda s: surveys.survey(sid, s),
                     lambda s: surveys.households(sid, s), lambda s: surveys.results(sid, s)):
            with pytest.raises(PermissionDenied):
                call(who.id)
    for who in (w.desk, sup):
        assert [r.id for r in surveys.surveys(staff_id=who.id)] == [sid]
        assert len(surveys.households(sid, who.id)) == 6
        assert [t.text for t in surveys.results(sid, who.id).texts] == ["维修师傅态度差"]


def test_the_results_name_the_last_survey_and_its_date(w, monkeypatch):
    """walk19 #18: "上次调查" says which survey it is: its name and its date."""
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-25 10:00")
    old = surveys.new_survey(w.comm.id, w.desk.id, name="11月满意度", phone_list=False)
    surveys.close_survey(old, w.desk.id)
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    sid = surveys.new_survey(w.comm.id, w.desk.id, name="一季度满意度", phone_list=False)
    res = surveys.results(sid, w.desk.id)
    assert (res.previous_name, res.previous_on) == ("11月满意度", dt.date(2026, 11, 25))

"""A survey's results per question and per building (issue 19 item 2), counted by the
database, against a hand count on a constructed survey; closing a survey: no more answers
by phone, at the desk or by import, and its call list closed with it."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from data import calls, surveys
from data.errors import ValidationError
from data.i18n import set_language
from data.models import CallList, Survey, SurveyAnswer
from tests.helpers.surveys import world


@pytest.fixture
def w(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    set_language("en")
    return world()


def _q(survey_id) -> dict[int, int]:
    """Question position → id."""
    return {q.position: q.id for q in surveys.questionnaire_of(survey_id).questions}


def _constructed(w) -> int:
    """Five households of six answer (2-1-201 does not):

    room     q1 (single, scale)  q2 (rating)  q7 (rating)  q8 (multi)      q9 (text)
    1-1-101  a 非常满意 100       5 → 100      2 → 40       a,c 维修 绿化    车位太少
    1-1-102  b 满意 80            4 → 80       —            c 绿化           —
    1-1-201  b 满意 80            5 → 100      —            —                电梯慢
    2-1-101  c 一般 60            3 → 60       1 → 20       a,b,c           —
    2-1-102  e 非常不满意 20      —            —            —                —
    """
    sid = surveys.new_survey(w.comm.id, w.desk.id, name="一季度", phone_list=False)
    q = _q(sid)
    sheets = {
        "1-1-101": {q[1]: "a", q[2]: "5", q[7]: "2", q[8]: "ac", q[9]: "车位太少"},
        "1-1-102": {q[1]: "b", q[2]: "4", q[8]: "c"},
        "1-1-201": {q[1]: "b", q[2]: "5", q[9]: "电梯慢"},
        "2-1-101": {q[1]: "c", q[2]: "3", q[7]: "1", q[8]: "a,b,c"},
        "2-1-102": {q[1]: "e"},
    }
    for room, answers in sheets.items():
        surveys.record_answers(sid, w.rooms[room], answers, w.desk.id)
    return sid


def test_each_question_counts_its_options_and_ratings_as_a_hand_count(w):
    sid = _constructed(w)
    res = surveys.results(sid)
    by = {q.position: q for q in res.questions}
    q1 = by[1]
    assert q1.answered == 5
    assert q1.counts == (("非常满意", 1), ("满意", 2), ("一般", 1), ("不满意", 0), ("非常不满意", 1))
    assert q1.shares == (20.0, 40.0, 20.0, 0.0, 20.0)
    assert q1.index == round((100 + 80 + 80 + 60 + 20) / 5, 1) == 68.0
    q2 = by[2]
    assert q2.answered == 4
    assert q2.counts == (("5", 2), ("4", 1), ("3", 1), ("2", 0), ("1", 0))
    assert q2.shares == (50.0, 25.0, 25.0, 0.0, 0.0)
    assert q2.index == (100 + 80 + 100 + 60) / 4 == 85.0
    q7 = by[7]
    assert (q7.answered, q7.index) == (2, 30.0)
    assert dict(q7.counts) == {"5": 0, "4": 0, "3": 0, "2": 1, "1": 1}
    q8 = by[8]  # multiple choice: each option's share of the 3 who answered
    assert q8.answered == 3 and q8.index is None
    assert q8.counts == (("维修", 2), ("保洁", 1), ("绿化", 3), ("秩序维护", 0), ("停车", 0))
    assert q8.shares == (66.7, 33.3, 100.0, 0.0, 0.0)
    q9 = by[9]  # free text: how many answered, the texts listed
    assert (q9.answered, q9.counts, q9.shares, q9.index) == (2, (), (), None)
    assert [(t.room, t.text) for t in res.texts] == [("1-1-101", "车位太少"), ("1-1-201", "电梯慢")]
    assert (by[3].answered, by[3].index, sum(n for _o, n in by[3].counts)) == (0, None, 0)
    assert by[3].shares == (0.0,) * 5


def test_per_building_answers_and_index_and_the_whole_index(w):
    sid = _constructed(w)
    res = surveys.results(sid)
    # Building 1: 100 100 40 · 80 80 · 80 100 → 580 / 7; building 2: 60 60 20 · 20 → 160 / 4.
    assert {b.code: (b.answered, b.index) for b in res.buildings} == {
        "1": (3, round(580 / 7, 1)), "2": (2, 40.0)}
    assert [b.code for b in res.buildings] == ["1", "2"]
    assert res.index == round((580 + 160) / 11, 1) == surveys.satisfaction_index(sid)
    assert {s.code: (s.answered, s.index) for s in res.sections} == {
        "service": (9, round((340 + 340) / 9, 1)), "parking": (2, 30.0)}
    assert (res.answered, res.households) == (5, 6)


def test_buildings_in_their_natural_order(w):
    from data import people

    for code in ("10-1-101", "3-1-101"):
        room = people.ensure_room(w.comm.id, code)
        pid = people.create_person(people.PersonInput(name="新住户" + code, phones=[]))
        people.move_in(pid, room, "owner")
    sid = surveys.new_survey(w.comm.id, w.desk.id, phone_list=False)
    q = _q(sid)
    for code in ("10-1-101", "3-1-101", "1-1-101"):
        room = w.rooms.get(code) or people.ensure_room(w.comm.id, code)
        surveys.record_answers(sid, room, {q[2]: "4"}, w.desk.id)
    assert [b.code for b in surveys.results(sid).buildings] == ["1", "3", "10"]


def test_a_closed_survey_takes_no_more_answers_and_its_call_list_is_closed(w, tmp_path):
    sid = surveys.new_survey(w.comm.id, w.desk.id, name="电话调查")
    q = _q(sid)
    list_id = surveys.survey(sid).call_list_id
    items = calls.list_items(list_id)
    surveys.answer_by_phone(items[0].id, w.desk.id, {q[2]: "4"})
    assert list_id in [c.id for c in calls.call_lists()]
    row = surveys.close_survey(sid, w.desk.id)
    assert (row.status, row.answered) == ("closed", 1)
    assert Survey.get_by_id(sid).closed_at is not None
    assert CallList.get_by_id(list_id).closed_at is not None
    assert list_id not in [c.id for c in calls.call_lists()]  # gone from the calls screen
    with pytest.raises(ValidationError, match="“电话调查” is closed: it takes no more answers"):
        surveys.answer_by_phone(items[1].id, w.desk.id, {q[2]: "5"})
    assert calls.list_items(list_id)[1].status == "pending"  # no attempt recorded either
    with pytest.raises(ValidationError, match="is closed"):
        surveys.record_answers(sid, w.rooms["2-1-101"], {q[2]: "5"}, w.desk.id)
    book = Workbook()
    book.active.append(["房号", "2、报事报修的响应速度（1–5 分）"])
    book.active.append(["2-1-101", 5])
    book.save(tmp_path / "late.xlsx")
    with pytest.raises(ValidationError, match="is closed"):
        surveys.import_answers(sid, str(tmp_path / "late.xlsx"), w.desk.id)
    with pytest.raises(ValidationError, match="is closed"):
        surveys.check_open(sid)
    with pytest.raises(ValidationError, match="closed already"):
        surveys.close_survey(sid, w.desk.id)
    assert SurveyAnswer.select().count() == 1 and surveys.results(sid).index == 80.0


def test_only_survey_staff_close_a_survey(w):
    from data.errors import PermissionDenied

    sid = surveys.new_survey(w.comm.id, w.desk.id, phone_list=False)
    with pytest.raises(PermissionDenied):
        surveys.close_survey(sid, w.tech.id)
    assert surveys.survey(sid).status == "open"

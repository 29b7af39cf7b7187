"""满意度 at 80×24 (issue 19 item 2): the results show the index against the last survey,
a bar per section and the buildings; a free-text answer becomes a complaint by `o`; a
phone survey on a household of the survey's call list answered by keys is stored."""

from __future__ import annotations

import pytest

from data import surveys
from data.db import close_database, open_database
from data.models import Building, CallAttempt, Survey, SurveyAnswer, SurveyHousehold, WorkOrder
from data.staff import sign_in
from screens.calls import CallsScreen
from screens.calls.call_lists import CallListPane
from screens.survey_phone import SurveyPhoneModal
from screens.surveys import SurveyResultsScreen, SurveysScreen
from tests.helpers.surveys import world
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp

SIZE = (80, 24)


def _said(app, words: str) -> bool:
    return any(words in str(n.message) for n in app._notifications)


def _ids(survey_id: int) -> dict[int, int]:
    """Question position → id."""
    return {q.position: q.id for q in surveys.questionnaire_of(survey_id).questions}


@pytest.fixture
def w(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(sqlite_url)
    w = world()
    # last quarter's survey: one rating of 3 — index 60.0
    old = surveys.new_survey(w.comm.id, w.desk.id, name="去年四季度", phone_list=False)
    surveys.record_answers(old, w.rooms["1-1-101"], {_ids(old)[2]: "3"}, w.desk.id)
    surveys.close_survey(old, w.desk.id)
    # this one: 1-1-101 非常满意 (100) and 5 (100); 2-1-101 一般 (60) and 3 (60) — index 80.0
    w.sid = surveys.new_survey(w.comm.id, w.desk.id, name="一季度满意度", phone_list=False)
    q = _ids(w.sid)
    surveys.record_answers(w.sid, w.rooms["1-1-101"], {q[1]: "a", q[2]: "5", q[9]: "电梯经常坏，希望尽快修好"},
                           w.desk.id)
    surveys.record_answers(w.sid, w.rooms["2-1-101"], {q[1]: "c", q[2]: "3"}, w.desk.id)
    yield w
    close_database()


async def test_results_show_the_index_bars_and_a_complaint_by_o(w):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("surveys")
        await settle(app, pilot)
        assert isinstance(app.screen, SurveysScreen)
        text = screen_text(app)
        assert "锦绣花园" in text and "2/6" in text and "80.0" in text and "进行中" in text and "已结束" in text
        await pilot.press("enter")  # the newest: this quarter's
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyResultsScreen))
        await settle(app, pilot)
        text = screen_text(app)
        assert "满意度指数 80.0" in text and "上次调查：60.0" in text and "+20.0" in text
        assert "客服" in text and "█" * 16 + "····" in text  # 80 on a bar of 20
        assert "1栋 100.0" in text and "2栋 60.0" in text
        assert "电梯经常坏" in text and "1-1-101" in text
        await pilot.press("o")
        await wait_for(pilot, lambda: WorkOrder.select().exists())
        [order] = WorkOrder.select()
        assert (order.kind, order.room_id, order.description) == ("complaint", w.rooms["1-1-101"],
                                                                 "电梯经常坏，希望尽快修好")
        await wait_for(pilot, lambda: order.number in screen_text(app))
        assert _said(app, f"已开投诉工单 {order.number}")
        await pilot.press("s")  # once only: said, nothing more made
        await wait_for(pilot, lambda: _said(app, "已转为工单"))
        assert WorkOrder.select().count() == 1


@pytest.fixture
def phone(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(sqlite_url)
    w = world()
    b1 = Building.get(Building.community == w.comm.id, Building.code == "1").id
    w.sid = surveys.new_survey(w.comm.id, w.desk.id, sample="building", building_id=b1, name="一号楼电话调查")
    yield w
    close_database()


async def test_a_phone_survey_answered_by_keys_is_stored(phone):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, CallsScreen)
        await pilot.press("o")
        await wait_for(pilot, lambda: "一号楼电话调查" in screen_text(app))
        assert "满意度" in screen_text(app).split("一号楼电话调查")[1].split("\n")[0]  # the list kind
        await pilot.press("enter")
        pane = app.screen.query_one(CallListPane)
        await wait_for(pilot, lambda: pane.item is not None)
        room_id = pane.item.room_id
        await settle(app, pilot)
        await pilot.press("1")  # connected: the questions
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyPhoneModal))
        assert "您对客服中心的服务态度是否满意" in screen_text(app) and "a 非常满意" in screen_text(app)
        await pilot.press("b", "4", "-", "5", "3", "a", "2")  # 满意, 4, skipped, 5, 3, 非常满意, 2
        await wait_for(pilot, lambda: "您最希望改进哪些方面" in screen_text(app))
        await pilot.press("a", "c")
        await wait_for(pilot, lambda: "[x] 绿化" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "意见或建议" in screen_text(app))
        await pilot.press(*"垃圾清运及时", "enter")
        await wait_for(pilot, lambda: "F10" in screen_text(app) and "已问完" in screen_text(app))
        await pilot.press("f10")
        await wait_for(pilot, lambda: not isinstance(app.screen, SurveyPhoneModal))
        await wait_for(pilot, lambda: _said(app, "已保存 8 个答案"))
    household = SurveyHousehold.get(SurveyHousehold.survey == phone.sid, SurveyHousehold.room == room_id)
    assert household.channel == "phone" and household.answered_at is not None
    q = {v: k for k, v in _ids(phone.sid).items()}
    got = {q[a.question_id]: (a.value, a.score) for a in SurveyAnswer.select().where(
        SurveyAnswer.household == household.id)}
    assert got == {1: ("2", 80), 2: ("4", 80), 4: ("5", 100), 5: ("3", 60), 6: ("1", 100), 7: ("2", 40),
                   8: ("1,3", None), 9: ("垃圾清运及时", None)}
    assert Survey.select().count() == 1 and surveys.survey(phone.sid).answered == 1
    assert [a.outcome for a in CallAttempt.select()] == ["connected"]

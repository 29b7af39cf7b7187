"""满意度 at 80×24 (issue 19 item 2): the results show the index against the last survey,
a bar per section, each building's answers and index and each question's bars, scrolled
by keys; a free-text answer becomes a complaint by `o`; `c` then y closes a survey; the
new-survey form offers every sample; a phone survey on a household of the survey's call
list answered by keys is stored."""

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
from tests.helpers.surveys import open_survey_call, world
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.confirm import ConfirmModal
from widgets.form import FormModal

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
        assert "满意度指数 80.0" in text and "上次调查（去年四季度，2027-03-05）：60.0" in text and "+20.0" in text
        assert "客服" in text and "█" * 16 + "····" in text  # 80 on a bar of 20
        assert "各楼栋" in text and "指数 100.0 · 1 户作答" in text and "指数 60.0 · 1 户作答" in text
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


def _line(text: str, *words: str) -> str:
    """The first line of the screen holding every one of `words` ("" if none)."""
    return next((line for line in text.splitlines() if all(w in line for w in words)), "")


async def test_results_per_question_and_per_building_scroll_by_keys(w):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(SurveyResultsScreen(w.sid))
        await wait_for(pilot, lambda: "各楼栋" in screen_text(app))
        await settle(app, pilot)
        text = screen_text(app)
        # Building 1: 100 + 100 → 100.0; building 2: 60 + 60 → 60.0; one household each.
        assert "█" * 20 + " 指数 100.0 · 1 户作答" in _line(text, "1栋")
        assert "█" * 12 + "·" * 8 + " 指数 60.0 · 1 户作答" in _line(text, "2栋")
        # Question 1 (single, the scale): 非常满意 1 of 2, 一般 1 of 2, its index (100 + 60) / 2.
        assert "各题结果" in text and "1. 您对客服中心的服务态度是否满意？" in text
        assert "2 人作答  指数 80.0" in text
        assert "█" * 10 + "·" * 10 + "    1  50.0%" in _line(text, "非常满意")
        assert "·" * 20 + "    0   0.0%" in _line(text, "不满意")
        assert "停车管理" not in text  # question 7 is further down
        for _ in range(8):
            if "停车管理" in screen_text(app):
                break
            await pilot.press("pagedown")
            await settle(app, pilot)
        text = screen_text(app)
        assert "7. 停车管理（1–5 分）" in text and "0 人作答" in _line(text, "0 人作答")
        await pilot.press("end")
        await wait_for(pilot, lambda: "9. 您对物业服务还有什么意见或建议？" in screen_text(app))
        assert "1 人作答  （文字意见见下方列表）" in screen_text(app)
        await pilot.press("home")
        await wait_for(pilot, lambda: "满意度指数 80.0" in screen_text(app))
        await pilot.press("down", "down", "down")
        await wait_for(pilot, lambda: "满意度指数 80.0" not in screen_text(app))


async def test_c_then_y_closes_a_survey_from_the_list(w):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("surveys")
        await wait_for(pilot, lambda: isinstance(app.screen, SurveysScreen))
        await settle(app, pilot)
        assert "c 结束调查" in screen_text(app)  # on the open survey under the cursor
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "结束调查“一季度满意度”（已答 2/6 户）" in screen_text(app)
        await pilot.press("n")  # no: still open
        await wait_for(pilot, lambda: isinstance(app.screen, SurveysScreen))
        assert surveys.survey(w.sid).status == "open"
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_for(pilot, lambda: surveys.survey(w.sid).status == "closed")
        await wait_for(pilot, lambda: "进行中" not in screen_text(app))
        assert screen_text(app).count("已结束") == 2
        assert _said(app, "调查“一季度满意度”已结束：已答 2/6 户，不再接受答卷。")
        assert "c 结束调查" not in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyResultsScreen))
        await wait_for(pilot, lambda: "[已结束]" in screen_text(app))
        assert "结束调查" not in screen_text(app)


async def test_c_on_the_results_closes_the_survey(w):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(SurveyResultsScreen(w.sid))
        await wait_for(pilot, lambda: "[进行中]" in screen_text(app))
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("enter")  # only y says yes here
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal) and surveys.survey(w.sid).status == "open"
        await pilot.press("y")
        await wait_for(pilot, lambda: "[已结束]" in screen_text(app))
        assert surveys.survey(w.sid).status == "closed"


async def test_the_new_survey_form_offers_every_sample(w):
    from textual.widgets import Input, Select

    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_open_screen("surveys")
        await wait_for(pilot, lambda: isinstance(app.screen, SurveysScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        sample = form.query_one("#field-sample", Select)
        offered = [(str(text), code) for text, code in sample._options if isinstance(code, str)]
        assert offered == [("全部住户", "all"), ("单栋楼", "building"), ("随机抽样", "random"),
                           ("上月服务过的住户", "served")]
        sample.value = "building"
        await settle(app, pilot)
        form.query_one("#field-building", Input).value = "2"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyResultsScreen))
        new = max(r.id for r in surveys.surveys())
        row = surveys.survey(new)
        assert (row.sample, row.households) == ("building", 3)
        assert {h.building for h in surveys.households(new)} == {"2"}
        app.pop_screen()
        await wait_for(pilot, lambda: isinstance(app.screen, SurveysScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        form = app.screen
        form.query_one("#field-sample", Select).value = "random"
        await settle(app, pilot)
        form.query_one("#field-size", Input).value = "4"
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyResultsScreen))
        row = surveys.survey(max(r.id for r in surveys.surveys()))
        assert (row.sample, row.households) == ("random", 4)
        app.pop_screen()
        await wait_for(pilot, lambda: isinstance(app.screen, SurveysScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-sample", Select).value = "served"
        await settle(app, pilot)
        await pilot.press("f10")  # nobody was served last month here: said, the form stays
        await wait_for(pilot, lambda: "没有可调查的住户" in screen_text(app) or _said(app, "没有"))
        assert isinstance(app.screen, FormModal)


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
        await pilot.press("f10")  # question 3 was skipped: asked first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "1 题未答" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(app.screen, (SurveyPhoneModal, ConfirmModal)))
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


async def test_a_phone_survey_opens_with_its_own_script_and_refuses_keys_visibly(phone):
    """walk19 #7, #8: the survey call shows the survey's opening (its name, the household),
    never the repair follow-up script; a refused key says which keys answer; F10 with
    unanswered questions asks first (n: back to the questions, nothing stored); the free
    text typed without enter is kept."""
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_survey_call(app, pilot)
        room = pane.item.room
        await wait_for(pilot, lambda: "调查开场白" in screen_text(app))
        text = screen_text(app)
        assert "工单号" not in text and "报修" not in text and "一号楼电话调查" in text.split("调查开场白")[1]
        assert room in text.split("调查开场白")[1]
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyPhoneModal))
        await pilot.press("7")  # a digit on a lettered question
        await wait_for(pilot, lambda: "请按 a–e" in screen_text(app))
        assert "1/9" in screen_text(app)  # still the first question
        await pilot.press("a")
        await pilot.press("x")  # a letter on a 1–5 rating
        await wait_for(pilot, lambda: "请按 1–5" in screen_text(app))
        assert "2/9" in screen_text(app)
        for _n in range(6):
            await pilot.press("-")
        await pilot.press("enter")  # question 8 (several): nothing toggled
        await wait_for(pilot, lambda: "意见或建议" in screen_text(app))
        await pilot.press(*"楼道灯坏了")  # typed, no enter
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "7 题未答，仍然保存？" in screen_text(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyPhoneModal))
        assert SurveyAnswer.select().count() == 0 and "楼道灯坏了" in screen_text(app)
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_for(pilot, lambda: _said(app, "已保存 2 个答案"))
    assert sorted(a.value for a in SurveyAnswer.select()) == ["1", "楼道灯坏了"]

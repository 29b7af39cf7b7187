"""A write never freezes a screen (issue 21 item 5), the last writes moved off the app's
thread, on SQLite and PostgreSQL, with another process holding the write lock
(tests.helpers.write_lock): a phone survey's answers (a modal: esc gives the store up,
the answers stay), a reveal on the owner card (a one-key write: leaving gives it up),
an inspection reading (a screen's own write: esc gives it up, the reading back in its
box), a notice's publish (esc gives it up before anything goes out) and the owner search
by a whole phone number (recorded: esc gives it up, the query stays). Each says
"正在等待其他工位…" while it waits and goes through once the lock is released.

The waiting notice comes after 5 s in use; here after a moment (WAIT_NOTICE_S). `settle`
is not used while the lock is held: it waits for every worker, the waiting one among them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import Input

from data import facilities as fac
from data import surveys
from data.db import close_database, open_database
from data.facilities import ItemInput, RouteInput
from data.models import AuditLog, Building, Notice, NoticeDelivery, RunAnswer, SurveyAnswer
from data.staff import sign_in
from screens.inspections import InspectionsScreen
from screens.notices import NoticesScreen
from screens.owner_card import OwnerCardScreen
from screens.owners import OwnersScreen
from screens.survey_phone import SurveyPhoneModal
from tests import factories as f
from tests.helpers import write_lock
from tests.helpers.surveys import open_survey_call
from tests.helpers.surveys import world as survey_world
from tests.helpers.write_lock import held_lock
from tests.screen_text import record_notifications, screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets import saving
from widgets.confirm import ConfirmModal

write_world = write_lock.write_world  # the desk these tests write from, on both databases

WAITING = "正在等待其他工位"
CANCELLED = "未保存：您在等待其他工位时取消了"


def _since(shown: list[str], start: int, words: str) -> int:
    """How many of the notifications shown since `start` say `words` (a write that merely
    took longer than the shortened notice on a loaded machine says it waits too)."""
    return sum(words in m for m in shown[start:])


def _lock_of(url: str) -> dict:
    return {"path": url, "sqlite": not url.startswith("postgres")}


# --- a modal: the phone survey's answers ----------------------------------------------------------


@pytest.fixture
def phone(db_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    monkeypatch.setattr(saving, "WAIT_NOTICE_S", 0.05)
    open_database(db_url)
    w = survey_world()
    b1 = Building.get(Building.community == w.comm.id, Building.code == "1").id
    w.sid = surveys.new_survey(w.comm.id, w.desk.id, sample="building", building_id=b1, name="一号楼电话调查")
    w.url = db_url
    yield w
    close_database()


async def _store_survey(app, pilot) -> None:
    await pilot.press("f10")  # questions left unanswered: asked first
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
    await pilot.press("y")


async def test_phone_survey_answers_wait_for_another_desk_esc_keeps_them_then_they_are_stored(phone):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        await open_survey_call(app, pilot)
        await settle(app, pilot)
        await pilot.press("1")  # connected: the questions
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyPhoneModal))
        modal = app.screen
        await pilot.press("b", "4")  # 满意, then a rating of 4
        await wait_for(pilot, lambda: len(modal.answers) == 2)
        given = dict(modal.answers)
        with held_lock(_lock_of(phone.url)) as held:
            start = len(shown)
            await _store_survey(app, pilot)
            await wait_for(pilot, lambda: _since(shown, start, WAITING) >= 1)
            assert app.screen is modal and modal.writing
            await pilot.press("-")  # the modal still takes keys: question 3 skipped
            await wait_for(pilot, lambda: modal.at == 3)
            await pilot.press("escape")  # gives the store up, not the call
            await wait_for(pilot, lambda: _since(shown, start, CANCELLED) == 1)
            assert app.screen is modal and not modal.writing
            assert modal.answers == given
            assert not SurveyAnswer.select().exists()
            again = len(shown)
            await _store_survey(app, pilot)  # again, still behind the other desk
            await wait_for(pilot, lambda: _since(shown, again, WAITING) >= 1)
            held.release()
            await wait_for(pilot, lambda: app.screen is not modal, timeout=30)
        await settle(app, pilot)
    assert sorted(a.value for a in SurveyAnswer.select()) == ["2", "4"]


# --- a reveal: the owner card's `r` ---------------------------------------------------------------


def _reveals(person_id: int) -> int:
    return AuditLog.select().where(AuditLog.action == "reveal", AuditLog.entity_id == person_id).count()


async def test_a_reveal_waits_for_another_desk_leaving_gives_it_up_then_the_number_shows(write_world):
    owner = write_world["owner"]
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.push_screen(OwnerCardScreen(owner))
        await settle(app, pilot)
        card = app.screen
        assert "138****8000" in screen_text(app)
        with held_lock(write_world) as held:
            start = len(shown)
            await pilot.press("r")
            await wait_for(pilot, lambda: _since(shown, start, WAITING) >= 1)
            assert app.screen is card and card.writing
            assert "13800138000" not in screen_text(app)  # not shown before it is recorded
            await pilot.press("escape")  # the card still takes keys: leaving gives the reveal up
            await wait_for(pilot, lambda: app.screen is not card)
            await wait_for(pilot, lambda: card._desk_write.over, timeout=30)
            assert _reveals(owner) == 0
            app.push_screen(OwnerCardScreen(owner))
            await wait_for(pilot, lambda: isinstance(app.screen, OwnerCardScreen) and app.screen is not card)
            card = app.screen
            await wait_for(pilot, lambda: "138****8000" in screen_text(app))
            again = len(shown)
            await pilot.press("r")
            await wait_for(pilot, lambda: _since(shown, again, WAITING) >= 1)
            held.release()
            await wait_for(pilot, lambda: "13800138000" in screen_text(app), timeout=30)
        assert app.screen is card
    assert _reveals(owner) == 1


def _whole_searches() -> int:
    return AuditLog.select().where(AuditLog.action == "search", AuditLog.field == "number").count()


async def test_enter_on_a_whole_phone_number_waits_esc_gives_it_up_keeping_it_then_it_finds(write_world):
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, OwnersScreen)
        field = screen.query_one(Input)
        with held_lock(write_world) as held:
            start = len(shown)
            await pilot.press(*"13800138000", "enter")  # the search is recorded: it waits
            await wait_for(pilot, lambda: _since(shown, start, "搜索正在等待其他工位") >= 1)
            assert app.screen is screen and "张晓明" not in screen_text(app)
            await pilot.press("escape")  # the screen takes keys: esc gives the search up
            await wait_for(pilot, lambda: _since(shown, start, "已放弃搜索") >= 1)
            await wait_for(pilot, lambda: screen._desk_write.over, timeout=30)
            assert app.screen is screen and field.value == "13800138000"
            await pilot.press("backspace", "9")  # and typing goes into the box
            await wait_for(pilot, lambda: field.value == "13800138009")
            await pilot.press("backspace", "0")
            await wait_for(pilot, lambda: field.value == "13800138000")
            assert _whole_searches() == 0 and "张晓明" not in screen_text(app)
            again = len(shown)
            await pilot.press("enter")
            await wait_for(pilot, lambda: _since(shown, again, "搜索正在等待其他工位") >= 1)
            held.release()
            # enter acts on the hits of this query: the only hit's card opens
            await wait_for(pilot, lambda: isinstance(app.screen, OwnerCardScreen), timeout=30)
        assert app.screen.person_id == write_world["owner"]
        await settle(app, pilot)
    assert _whole_searches() == 1  # the given-up searches recorded nothing


# --- a screen's own writes: an inspection reading -------------------------------------------------


@pytest.fixture
def route(db_url, database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-05-10 09:10")
    monkeypatch.setattr(saving, "WAIT_NOTICE_S", 0.05)
    comm = f.community("锦绣花园", code="JX")
    tech = f.staff("tech1", "王强", "tech")
    sup = f.staff("super1", "赵敏", "supervisor")
    fac.create_route(RouteInput(
        "设备房巡查", comm.id, tech.id, dt.datetime(2027, 5, 3, 9, 0), 60, "FREQ=DAILY", (
            ItemInput("泵房无积水"),
            ItemInput("水泵出口压力", "reading", Decimal("0.3"), Decimal("0.6"), "MPa"),
        ), grace_minutes=30), staff_id=sup.id)
    return _lock_of(db_url)


async def test_an_inspection_reading_waits_esc_gives_it_up_keeping_it_then_it_is_stored(route):
    app = FrontDeskApp(sign_in("tech1"), "test.db")
    async with app.run_test(size=(60, 20)) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.action_open_screen("inspections")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, InspectionsScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "泵房无积水" in screen_text(app))
        await pilot.press("1")
        await wait_for(pilot, lambda: screen.typing == "reading")
        box = screen.query_one("#insp-input", Input)
        await pilot.press(*"0.45")
        await wait_for(pilot, lambda: box.value == "0.45")
        with held_lock(route, RunAnswer) as held:
            start = len(shown)
            await pilot.press("enter")
            await wait_for(pilot, lambda: _since(shown, start, WAITING) >= 1)
            assert app.screen is screen and screen.writing
            await pilot.press("escape")  # gives the answer up, not the walk
            await wait_for(pilot, lambda: _since(shown, start, CANCELLED) == 1)
            await wait_for(pilot, lambda: screen.typing == "reading" and box.value == "0.45")
            assert app.screen is screen and "水泵出口压力" in screen_text(app)
            assert not RunAnswer.select().where(RunAnswer.reading.is_null(False)).exists()
            again = len(shown)
            await pilot.press("enter")  # again, still behind the other desk
            await wait_for(pilot, lambda: _since(shown, again, WAITING) >= 1)
            held.release()
            await wait_for(pilot, lambda: RunAnswer.select().where(RunAnswer.reading.is_null(False)).exists(),
                           timeout=30)
        await wait_for(pilot, lambda: "巡查完成" in screen_text(app) or screen.summary is not None, timeout=30)
    assert RunAnswer.get(RunAnswer.reading.is_null(False)).reading == Decimal("0.45")


# --- a screen's own writes: a notice's publish ----------------------------------------------------


async def test_publishing_a_notice_waits_esc_gives_it_up_then_it_is_published(write_world):
    from data import notices

    sup = f.staff("super1", "赵敏", "supervisor")
    water = {"开始时间": "12月1日 9:00", "结束时间": "12月1日 17:00", "原因": "水泵检修"}
    notice = notices.create_notice("停水通知", write_world["community"], "3", water, sup.id)
    app = FrontDeskApp(sign_in("desk1"), "demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = record_notifications(app)
        await settle(app, pilot)
        app.push_screen(NoticesScreen(notice.id))
        await wait_for(pilot, lambda: "关于3栋临时停水的通知" in screen_text(app))
        screen = app.screen
        with held_lock(write_world, Notice) as held:
            start = len(shown)
            await pilot.press("p")
            await wait_for(pilot, lambda: _since(shown, start, WAITING) >= 1)
            assert "正在发布" in screen_text(app)
            await pilot.press("escape")  # gives the publish up; the screen stays
            await wait_for(pilot, lambda: _since(shown, start, CANCELLED) == 1)
            await wait_for(pilot, lambda: "正在发布" not in screen_text(app))
            assert app.screen is screen
            assert Notice.get_by_id(notice.id).status == "draft"
            assert not NoticeDelivery.select().exists()
            again = len(shown)
            await pilot.press("p")
            await wait_for(pilot, lambda: _since(shown, again, WAITING) >= 1)
            held.release()
            await wait_for(pilot, lambda: Notice.get_by_id(notice.id).status == "published", timeout=30)
            await wait_for(pilot, lambda: "已发布到" in screen_text(app), timeout=30)
    assert NoticeDelivery.select().where(NoticeDelivery.notice == notice.id).exists()

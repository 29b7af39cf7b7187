"""A 催缴 list worked from the calls screen at 80×24 (issue 18 item 4): on a room's item, `p`
records what the connected call came to — a promise to pay with its date in p, tab, the
date, F10 — as dated evidence, the attempt is logged and the next room comes; a date in
the past is refused and kept."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from data import fees
from data.db import close_database, open_database
from data.fees import collection
from data.models import ArrearsContact, CallAttempt
from data.staff import sign_in
from screens.calls import CallsScreen
from tests.helpers.fees import world
from tests.screen_text import screen_text, settle, wait_for
from tui.app import FrontDeskApp
from widgets.form import FormModal


@pytest.fixture
def w(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", "2027-03-05 09:00")
    open_database(sqlite_url)
    w = world()
    for period in ("2027-01", "2027-02", "2027-03"):
        fees.bill_period(period)
    w.list_id = collection.build_arrears_list(community_id=w.comm.id, min_fen=50000, staff_id=w.desk.id,
                                              name="三月催缴")
    yield w
    close_database()


async def test_p_records_a_promise_to_pay_from_the_calls_screen(w):
    app = FrontDeskApp(sign_in("desk1"), "test.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        await pilot.press("o")
        await wait_for(pilot, lambda: "三月催缴" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "585.00" in screen_text(app))  # the 催缴 script, filled
        text = screen_text(app)
        assert "3-1-101" in text and "p 承诺缴费" in text
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        await pilot.press("tab", *"2027-03-01", "f10")  # in the past: refused, kept
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal) and "不能早于今天" in screen_text(app)
        assert app.screen.query_one("#field-date", Input).value == "2027-03-01"
        assert not ArrearsContact.select().exists() and not CallAttempt.select().exists()
        date = app.screen.query_one("#field-date", Input)
        date.value = ""
        await pilot.press(*"2027-03-15", "f10")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormModal) and "5-1-101" in screen_text(app))
    [contact] = ArrearsContact.select()
    assert (contact.room_id, contact.outcome, contact.promised_on.isoformat(), contact.staff_id, contact.due_fen) == (
        w.rooms["3-1-101"], "promise", "2027-03-15", w.desk.id, 58500)
    [attempt] = CallAttempt.select()
    assert attempt.outcome == "connected"
    assert [c.outcome for c in collection.contacts(w.rooms["3-1-101"], staff_id=w.desk.id)] == ["promise"]

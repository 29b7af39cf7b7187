"""The TUI sign-in screen at 80×24: a wrong password says so (and, after three, how long the
next answer waits), the right one signs in, and a temporary password is replaced before the app opens."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from data.db import close_database, open_database
from data.models import Staff
from tests import factories as f
from tests.screen_text import screen_text, settle, wait_for
from tui.sign_in_app import SignInApp

NOW = "2026-11-27 10:00"


@pytest.fixture
def accounts(sqlite_url, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    open_database(sqlite_url)
    f.staff("super1", "陈静", "supervisor", password_hash=f.password_hash("rightpass1"),
            must_change_password=True)
    f.staff("desk2", "李婷婷", "desk", password_hash=f.password_hash("deskpass22"))
    yield sqlite_url
    close_database()


async def _type(pilot, text: str) -> None:
    await pilot.press(*text, "enter")


async def test_wrong_then_right_password_then_the_first_use_change(accounts):
    app = SignInApp("super1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "物业前台 FrontDesk — 登录" in text and "super1" in text and "密码" in text
        assert app.screen.focused.id == "password"  # the login is filled in already
        await _type(pilot, "wrongpass")
        await wait_for(pilot, lambda: "“super1”的密码错误" in screen_text(app))
        assert app.screen.query_one("#password", Input).value == ""
        assert "wrongpass" not in screen_text(app)  # a password is never shown
        await _type(pilot, "rightpass1")
        await wait_for(pilot, lambda: "临时密码" in screen_text(app))
        assert app.screen.focused.id == "new-password"
        await _type(pilot, "rightpass1")  # the old one again: refused at once
        await wait_for(pilot, lambda: "新密码不能与旧密码相同" in screen_text(app))
        await _type(pilot, "brandnew99")
        await _type(pilot, "brandnew98")  # typo in the repetition
        await wait_for(pilot, lambda: "两次输入的密码不一致" in screen_text(app))
        assert app.screen.focused.id == "new-password"
        await _type(pilot, "brandnew99")
        await _type(pilot, "brandnew99")
        await wait_for(pilot, lambda: app.return_value is not None)
    signed = app.return_value
    assert (signed.login, signed.must_change_password) == ("super1", False)
    row = Staff.get(Staff.login == "super1")
    assert not row.must_change_password and row.failed_logins == 0


async def test_another_login_and_wrong_passwords_lock_nobody(accounts, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("data.auth._sleep", waits.append)
    app = SignInApp("super1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        login = app.screen.query_one("#login", Input)
        login.value = ""
        login.focus()
        await _type(pilot, "desk2")
        assert app.screen.focused.id == "password"
        for _ in range(5):
            await _type(pilot, "nopenope1")
            await settle(app, pilot)
        await wait_for(pilot, lambda: "已连续输错 5 次" in screen_text(app))
        assert "下次回答将等待4" in "".join(screen_text(app).split())  # wrapped in the box
        assert "锁定" not in screen_text(app)
        await _type(pilot, "deskpass22")  # the right password still signs in, after a wait
        await wait_for(pilot, lambda: app.return_value is not None)
    assert app.return_value.login == "desk2"
    assert waits == [1, 2, 4]


async def test_escape_leaves_without_signing_in(accounts):
    app = SignInApp("desk2")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value is None


class _TypedAtStart(SignInApp):
    """The burst arrives before the sign-in screen is even pushed, let alone mounted and
    focused: as an SSH link delivers what was typed while the program started."""

    def __init__(self, *keys: str, login: str = "") -> None:
        super().__init__(login)  # by default no login filled in: the keys type it
        self.burst = keys

    def on_mount(self, event: events.Mount) -> None:
        from tests.screens.test_typeahead import burst

        event.prevent_default()  # SignInApp.on_mount runs here, once (Textual would run it again)
        burst(self, *self.burst)
        SignInApp.on_mount(self)


async def test_login_tab_password_enter_typed_before_the_screen_mounts_reach_their_fields(accounts):

    app = _TypedAtStart(*"desk2", "tab", *"deskpass22", "enter")
    async with app.run_test(size=(80, 24)) as pilot:
        # Typed before there was a screen: nothing of it went to Textual's default screen.
        await wait_for(pilot, lambda: app.return_value is not None, 10)
    assert app.return_value.login == "desk2"
    assert Staff.get(Staff.login == "desk2").failed_logins == 0


async def test_a_wrong_password_typed_at_start_lands_in_the_password_field_only(accounts):
    app = _TypedAtStart(*"desk2", "tab", *"nottheone", "enter")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "“desk2”的密码错误" in screen_text(app), 10)
        screen = app.screen
        assert screen.query_one("#login", Input).value == "desk2"  # the login, whole, in its field
        assert screen.query_one("#password", Input).value == ""  # cleared after the refusal
        assert screen.focused.id == "password"
    assert Staff.get(Staff.login == "desk2").failed_logins == 1


async def test_with_the_login_filled_in_a_password_typed_at_start_signs_in(accounts):
    # How `frontdesk` starts it (tui/session.py): the account is known, the password is typed.
    app = _TypedAtStart(*"deskpass22", "enter", login="desk2")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.return_value is not None, 10)
    assert app.return_value.login == "desk2"


class _SlowStart(_TypedAtStart):
    """The screen comes a moment after the keys, with the app idle meanwhile (a slow start:
    the database read over a network): the keys must wait for it, not go to Textual's
    default screen because nothing else was going on."""

    def on_mount(self, event: events.Mount) -> None:
        from tests.screens.test_typeahead import burst

        event.prevent_default()  # the screen comes only with the timer
        burst(self, *self.burst)
        self.set_timer(0.8, lambda: SignInApp.on_mount(self))


async def test_keys_typed_during_a_slow_start_wait_for_the_sign_in_screen(accounts):
    app = _SlowStart(*"desk2", "tab", *"deskpass22", "enter")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.return_value is not None, 10)
    assert app.return_value.login == "desk2"


async def test_no_command_palette_before_anyone_signs_in(accounts):
    """Textual's own palette would offer a screenshot written to the working directory and
    themes to whoever sits at the sign-in: ctrl+p does nothing there."""
    from tui.sign_in_app import SignInScreen

    app = SignInApp("desk2")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "Screenshot" not in screen_text(app) and "截图" not in screen_text(app)

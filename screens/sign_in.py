"""The sign-in screen (issue 7): login and password, then a new password when the one an
administrator set is temporary. `tui.sign_in_app.SignInApp` runs it on its own before the
FrontDesk app."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label

from data.errors import FrontDeskError
from data.i18n import N_, _
from data.staff import StaffInfo
from widgets.bindings import translate_bindings


class SignInScreen(Screen[StaffInfo | None]):
    """Asks for the password of `login` (editable); dismisses with the signed-in account,
    or None when the user leaves with escape."""

    CSS_PATH = Path(__file__).parent / "sign_in.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Quit"))]

    class PasswordChecked(Message):
        """A sign-in attempt finished: the account, or the refusal to show."""

        def __init__(self, staff: StaffInfo | None, error: str, password: str) -> None:
            super().__init__()
            self.staff = staff
            self.error = error
            self.password = password

    class PasswordChanged(Message):
        """The first-use change finished: the account, or the refusal to show."""

        def __init__(self, staff: StaffInfo | None, error: str) -> None:
            super().__init__()
            self.staff = staff
            self.error = error

    def __init__(self, login: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.login = login
        self.staff: StaffInfo | None = None  # signed in, waiting for the new password
        self.old_password = ""
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-box"):
            yield Label(_("FrontDesk 物业前台 — sign in"), id="sign-in-title", markup=False)
            with Vertical(id="step-password"):
                yield Label(_("Login"), markup=False)
                yield Input(self.login, id="login", max_length=40)
                yield Label(_("Password"), markup=False)
                yield Input(id="password", password=True, max_length=128)
            with Vertical(id="step-change"):
                yield Label(_("Your password is temporary: choose a new one of at least 8 "
                              "characters."), id="change-why", markup=False)
                yield Label(_("New password"), markup=False)
                yield Input(id="new-password", password=True, max_length=128)
                yield Label(_("New password again"), markup=False)
                yield Input(id="new-again", password=True, max_length=128)
            yield Label("", id="sign-in-error", markup=False)
            yield Label(_("enter: next    tab: next field    esc: quit"), classes="hint",
                        markup=False)

    def on_mount(self) -> None:
        self.query_one("#step-change").display = False
        self.query_one("#password" if self.login else "#login", Input).focus()

    def _error(self, text: str) -> None:
        self.query_one("#sign-in-error", Label).update(text)

    # --- step 1: login and password --------------------------------------------------------

    @on(Input.Submitted, "#login")
    def _login_entered(self) -> None:
        if self.query_one("#login", Input).value.strip():
            self.query_one("#password", Input).focus()
        else:
            self._error(_("Type your login."))

    @on(Input.Submitted, "#password")
    def _password_entered(self) -> None:
        login = self.query_one("#login", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not login:
            self._error(_("Type your login."))
            self.query_one("#login", Input).focus()
            return
        if not password or self.busy:
            return
        self.busy = True
        self._error(_("Checking…"))
        self.check_password(login, password)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def check_password(self, login: str, password: str) -> None:
        """Check the password in a thread (argon2 takes a moment) and post PasswordChecked."""
        from data.auth import authenticate

        try:
            staff = authenticate(login, password)
        except FrontDeskError as exc:
            self.post_message(self.PasswordChecked(None, exc.message, password))
        else:
            self.post_message(self.PasswordChecked(staff, "", password))

    def on_sign_in_screen_password_checked(self, message: PasswordChecked) -> None:
        self.busy = False
        field = self.query_one("#password", Input)
        if message.staff is None:
            self._error(message.error)
            field.value = ""
            field.focus()
            return
        if not message.staff.must_change_password:
            self.dismiss(message.staff)
            return
        self.staff = message.staff
        self.old_password = message.password
        self._error("")
        self.query_one("#step-password").display = False
        self.query_one("#step-change").display = True
        self.query_one("#new-password", Input).focus()

    # --- step 2: a new password on first use --------------------------------------------------

    @on(Input.Submitted, "#new-password")
    def _new_entered(self) -> None:
        from data.auth import check_new_password
        from data.errors import ValidationError

        assert self.staff is not None
        field = self.query_one("#new-password", Input)
        try:
            check_new_password(self.staff.login, field.value, self.old_password)
        except ValidationError as exc:
            self._error(exc.message)
            field.value = ""  # a refused password is typed again from the start, not appended to
            return
        self._error("")
        self.query_one("#new-again", Input).focus()

    @on(Input.Submitted, "#new-again")
    def _again_entered(self) -> None:
        new = self.query_one("#new-password", Input).value
        again = self.query_one("#new-again", Input)
        if again.value != new:
            self._error(_("The two passwords differ; type the new one again."))
            again.value = ""
            self.query_one("#new-password", Input).value = ""
            self.query_one("#new-password", Input).focus()
            return
        if self.busy or self.staff is None:
            return
        self.busy = True
        self._error(_("Saving…"))
        self.save_password(self.staff.id, self.old_password, new)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def save_password(self, staff_id: int, old: str, new: str) -> None:
        """Change the password in a thread and post PasswordChanged."""
        from data.auth import change_password

        try:
            staff = change_password(staff_id, old, new)
        except FrontDeskError as exc:
            self.post_message(self.PasswordChanged(None, exc.message))
        else:
            self.post_message(self.PasswordChanged(staff, ""))

    def on_sign_in_screen_password_changed(self, message: PasswordChanged) -> None:
        self.busy = False
        if message.staff is None:
            self._error(message.error)
            for name in ("#new-password", "#new-again"):
                self.query_one(name, Input).value = ""
            self.query_one("#new-password", Input).focus()
            return
        self.dismiss(message.staff)

    def action_cancel(self) -> None:
        self.dismiss(None)


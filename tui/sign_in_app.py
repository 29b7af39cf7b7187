"""The sign-in app: the sign-in screen (screens.sign_in) run on its own before the FrontDesk
app (tui.session). Keys typed at start — before the screen is even there, as an SSH link
delivers what was typed while the program started — wait for it, then reach their fields in
order (login, Tab, password, Enter in one burst), as keys typed ahead do in the app
(tui.typeahead)."""

from __future__ import annotations

import asyncio
from time import monotonic

from textual import events
from textual.app import App, ScreenStackError
from textual.binding import Binding

from data.i18n import N_, _
from data.staff import StaffInfo
from screens.sign_in import SignInScreen
from tui.typeahead import TypeAhead
from widgets.bindings import translate_bindings

#: How long keys typed before the sign-in screen is ready wait for it, at most.
MAX_START_S = 10.0
#: How often they check.
POLL_S = 0.005


class SignInApp(TypeAhead, App[StaffInfo | None]):
    """Just the sign-in screen: `run()` returns the signed-in account, or None."""

    TITLE = "FrontDesk"
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), priority=True)]
    # Nobody is signed in yet: no palette (Textual's own offers a screenshot written to the
    # working directory, and themes) — only the sign-in form.
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, login: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.login = login
        self._early: list[events.Key] = []  # typed before the screen was ready, in order
        self._posted: set[int] = set()  # id() of early keys posted back, not yet handled
        self._waiting: asyncio.Task | None = None

    def on_mount(self) -> None:
        self.title = _("FrontDesk")
        self.push_screen(SignInScreen(self.login), self.exit)

    def screen_ready(self) -> bool:
        """The sign-in screen is on top, mounted, and its first field has the focus."""
        try:
            screen = self.screen
        except ScreenStackError:  # no screen yet
            return False
        return isinstance(screen, SignInScreen) and screen.is_mounted and screen.focused is not None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if id(event) in self._posted:  # an early key, back in its turn: on to the type-ahead
                self._posted.discard(id(event))
                self._early.remove(event)
            elif self._early or not self.screen_ready():
                self._early.append(event)  # behind every key not handed over yet
                if self._waiting is None or self._waiting.done():
                    self._waiting = asyncio.create_task(self._release_early_keys())
                return
        await super().on_event(event)

    async def _release_early_keys(self) -> None:
        """Once the screen is ready (or after MAX_START_S), post the early keys back in the
        order they came, and any typed meanwhile behind them, until none is left."""
        deadline = monotonic() + MAX_START_S
        while not self.screen_ready() and monotonic() < deadline:
            await asyncio.sleep(POLL_S)
        while self._early:
            for key in list(self._early):
                if id(key) not in self._posted:
                    self._posted.add(id(key))
                    self.post_message(key)
            await asyncio.sleep(POLL_S)

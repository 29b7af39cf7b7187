"""A key typed ahead and handed back to a host too loaded to take it at once keeps its
place: the next key never overtakes it (CI: ``QZ`` typed over a name stored ``ZQ``)."""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from tests.screens.test_typeahead import burst
from tui import typeahead
from tui.typeahead import TypeAhead


class Busy(Message):
    """Work set off by a key that keeps the app busy for a while (a loaded host)."""


class Nudge(Message):
    """A message left for the field, so the app is not yet quiet when a key comes back."""


class SlowHost(TypeAhead):
    BINDINGS = [Binding("ctrl+s", "busy", priority=True)]

    def compose(self) -> ComposeResult:
        yield Input(id="name")

    def action_busy(self) -> None:
        self.post_message(Busy())

    async def on_busy(self, _message: Busy) -> None:
        await asyncio.sleep(0.3)  # longer than a held key is given to be taken
        self.query_one(Input).post_message(Nudge())


async def test_a_key_handed_back_to_a_busy_app_is_not_overtaken(monkeypatch):
    monkeypatch.setattr(typeahead, "MAX_WAIT_S", 0.2)  # given up on at 0.2 s, Z comes at 0.3
    monkeypatch.setattr(typeahead, "MAX_HOLD_S", 0.05)
    app = SlowHost()
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, "ctrl+s", "Q", "Z")
        for _ in range(100):
            await pilot.pause(0.02)
            if len(app.query_one(Input).value) == 2:
                break
        assert app.query_one(Input).value == "QZ"


class RacingHost(SlowHost):
    """A key from the terminal lands in the app's queue just before a held key is handed
    back to it (the terminal's thread and the feeding task race on a busy host)."""

    racing = True
    blocking = False  # the app still busy with what ctrl+s set off: keys are held

    def _pending(self) -> int:
        return super()._pending() + (1 if self.blocking else 0)

    def action_busy(self) -> None:
        self.blocking = True
        self.set_timer(0.3, self.done)

    def done(self) -> None:
        self.blocking = False

    def post_message(self, message: Message) -> bool:
        if self.racing and isinstance(message, events.Key) and id(message) in self._released:
            self.racing = False
            typed = events.Key("Z", "Z")
            typed.set_sender(self)
            super().post_message(typed)
        return super().post_message(message)


async def test_a_key_typed_as_a_held_one_is_handed_back_waits_its_turn():
    app = RacingHost()
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, "ctrl+s")
        await pilot.pause(0.05)
        burst(app, "Q")  # held while the app is busy; Z comes as it is let go
        for _ in range(100):
            await pilot.pause(0.02)
            if len(app.query_one(Input).value) == 2:
                break
        assert app.query_one(Input).value == "QZ"

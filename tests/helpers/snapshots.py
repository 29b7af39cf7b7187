"""The SVG snapshot tests' set-up: a screen settled before it is taken (no worker still
loading, no blinking cursor caught half-way), the app at 80×24."""

from __future__ import annotations

from textual.widgets import Input

from data.staff import sign_in
from tui.app import FrontDeskApp

SIZE = (80, 24)


async def settle(pilot) -> None:
    """Let the screen settle: messages handled, workers finished, cursors not blinking."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    # Cursor blink off: a blinking cursor caught on or off makes the snapshot flap.
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause(0.1)


def press(*keys: str):
    """A `run_before` that settles, then presses each key and settles after it."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def snapshot(snap_compare, login: str, run_before) -> bool:
    """The app signed in as `login` at 80×24, compared after `run_before` with its SVG."""
    app = FrontDeskApp(sign_in(login), "demo.db")
    return snap_compare(app, terminal_size=SIZE, run_before=run_before)

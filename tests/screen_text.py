"""Pilot helpers: what a headless app shows as plain text, waiting for it, notifications."""

from __future__ import annotations

import html
import re

from textual.app import App


def screen_text(app: App) -> str:
    """Everything on the app's screen, row by row, as the user would read it."""
    svg = app.export_screenshot()
    rows: dict[str, list[str]] = {}
    for match in re.finditer(r'<text [^>]*y="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S):
        rows.setdefault(match.group(1), []).append(html.unescape(re.sub(r"<[^>]+>", "", match.group(2))))
    lines = ["".join(parts).replace("\xa0", " ") for _, parts in sorted(rows.items(), key=lambda kv: float(kv[0]))]
    return "\n".join(lines)


async def wait_for(pilot, predicate, timeout: float = 5.0) -> None:
    """Pause until `predicate()` is true (workers, messages and repaints take their time on a
    busy machine); fail with a clear message after `timeout` seconds."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {predicate.__doc__ or predicate}")
        await pilot.pause(0.02)
        await asyncio.sleep(0)
    await pilot.pause()


async def settle(app, pilot, seconds: float = 0.0) -> None:
    """Let workers finish, their messages be handled and the screen repaint."""
    for _ in range(3):
        await pilot.pause(seconds)
        await app.workers.wait_for_complete()
    await pilot.pause(0.05)


def record_notifications(app) -> list[str]:
    """Every message the app shows as a notification from now on, in order."""
    shown: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        shown.append(str(message))
        return original(message, *args, **kwargs)

    app.notify = notify
    return shown

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


#: One-shot timers at most this long count as work still to do (a search's debounce, a
#: deferred focus); longer ones (a toast's expiry) do not.
_SHORT_TIMER_S = 1.0


def busy(app) -> bool:
    """Whether the app still has work queued: a message waiting in any widget's queue, a
    short one-shot timer still to fire, or a worker running."""
    if any(worker.is_running for worker in app.workers):
        return True
    if getattr(app, "_held_keys", None):  # keys typed ahead, still waiting their turn
        return True
    pumps = [app, *app.screen_stack]
    for screen in app.screen_stack:
        pumps.extend(screen.walk_children(with_self=False))
    for pump in pumps:
        if not pump._message_queue.empty():
            return True
        for timer in list(pump._timers):
            if (timer._repeat == 0 and timer._interval <= _SHORT_TIMER_S
                    and timer._task is not None and not timer._task.done()):
                return True
    return False


async def settle(app, pilot, seconds: float = 0.0, timeout: float = 15.0) -> None:
    """Let keys, workers, their messages and short timers play out and the screen repaint:
    wait at least `seconds`, then until the app has been quiet for two checks in a row (a
    busy machine takes longer; at most `timeout` seconds)."""
    import time

    from textual.worker import WorkerCancelled

    start = time.monotonic()
    quiet = 0
    while time.monotonic() - start < timeout:
        await pilot.pause(0.02)
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # a search superseded by the next key: not an error
            quiet = 0
            continue
        if busy(app):
            quiet = 0
            continue
        quiet += 1
        if quiet >= 2 and time.monotonic() - start >= seconds:
            break
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

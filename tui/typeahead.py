"""Keys typed ahead reach the widget the earlier keys led to, in order.

Textual hands a key to the focused widget's own message queue and looks up the screen's
bindings only when the key bubbles back to the app; a focus change made on the way
(``widget.focus()`` is itself a message to the app) or by a message the key set off (an
input's Submitted, a choice's Changed) lands after the keys that arrived meanwhile. So in
a burst (a slow SSH link delivering several keys at once, an input method committing a
word) the next keys went to the widget the focus was leaving: ``Tab 1`` in a call put the
``1`` in the number field, ``5 Enter comment`` in the 回访 form put the comment in 评分.

`TypeAhead` keeps such keys back: a key from the terminal is handled at once when nothing
is pending, otherwise it waits in line until every message the earlier keys set off has
been handled (focus moves included), then goes to whatever has the focus by then. Work in
threads (a search in a worker) is not waited for, unless the screen names the worker groups
its keys act on in `TYPEAHEAD_WAITS_FOR` (the owner card: `e` edits the card it has read)
— but for escape once such a write was said to wait for another desk (it gives it up);
other screens handle that themselves (the owner search runs a pending search when Enter or
Down arrive first).
"""

from __future__ import annotations

import asyncio
from collections import deque
from time import monotonic

from textual import events
from textual.app import App

from widgets.saving import KEYS_WAIT_GROUP

#: How long a held key waits for the app to finish what earlier keys set off while the app
#: makes no progress on it: a screen that never quietens delays typing by this much, never
#: loses it. While the app is visibly working through it (a loaded host, a screen being
#: built), the key keeps waiting, up to MAX_WAIT_S in all.
MAX_HOLD_S = 0.5
MAX_WAIT_S = 3.0
#: ... and at least this many looks without progress: a starved process (a loaded host)
#: wakes the key's check late, after the app had no turn to move on, so wall time alone
#: would give up on work the app never had the chance to do.
MIN_LOOKS = 50
#: A worker the screen's keys act on (`TYPEAHEAD_WAITS_FOR`) is work in progress however
#: slow the host: keys wait for it up to this long (a stuck one must not hold them forever).
MAX_WORKER_WAIT_S = 30.0
#: How often a held key checks again.
POLL_S = 0.002


class TypeAhead(App):
    """An App whose keys from the terminal are handled strictly one after the other."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: deque[events.Key] = deque()
        self._feeding: asyncio.Task | None = None
        self._released: set[int] = set()  # id() of held keys posted back to the app
        self.last_key_at = float("-inf")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if not self._screen_stack:  # the app is closing: no screen to type into
                self._held_keys.clear()
                return
            self.last_key_at = monotonic()  # when the clerk last typed (tui.ring_popup waits)
            if id(event) in self._released:
                self._released.discard(id(event))
            elif event.key == "escape" and getattr(self._top_screen(), "write_waits", False):
                pass  # a write waits for another desk: escape, which gives it up, skips the line
            elif self._held_keys or self._released or not self._quiet():
                # (a held key already handed back may still be behind this one in the app's
                # queue: this one waits its turn, or ``QZ`` typed would arrive ``ZQ``)
                self._held_keys.append(event)
                if self._feeding is None or self._feeding.done():
                    self._feeding = asyncio.create_task(self._feed_keys())
                return
        await super().on_event(event)

    def _top_screen(self) -> object:
        try:
            return self.screen
        except Exception:  # no screen yet
            return None

    def _quiet(self) -> bool:
        """Nothing left to handle of what earlier keys set off: no message waiting in the
        app (other than keys not yet handled) nor in any widget of the current screen."""
        return self._pending() == 0

    def _pending(self) -> int:
        """How much is left to handle of what earlier keys set off (0: nothing): messages
        waiting in the app (other than keys not yet handled) and in every widget of the
        current screen, callbacks due, and the screen's workers its keys wait for."""
        pending = 0
        message: object
        for message in list(self._message_queue.values):
            if not (isinstance(message, events.Key) and not message.is_forwarded
                    and id(message) not in self._released):
                pending += 1
        pending += len(self._next_callbacks)
        try:
            screen = self.screen
        except Exception:  # no screen yet
            return pending
        for node in screen.walk_children(with_self=True):
            pending += node._message_queue.qsize() + len(node._next_callbacks)
        return pending + self._working()

    def _working(self) -> int:
        """The current screen still being built (pushed: its compose and on_mount are run
        outside its message queue, so nothing else shows them, and a key handed over now
        finds no focus yet), and its workers its keys wait for (`TYPEAHEAD_WAITS_FOR`)."""
        try:
            screen = self.screen
        except Exception:  # no screen yet
            return 0
        if not screen.is_mounted:
            return 1
        # the screen's keys act on what these workers are reading or recording
        waits_for = (*getattr(screen, "TYPEAHEAD_WAITS_FOR", ()), KEYS_WAIT_GROUP)
        return sum(1 for worker in self.workers if worker.node is screen
                   and worker.group in waits_for and not worker.is_finished)

    async def _feed_keys(self) -> None:
        """Post the held keys back to the app one at a time, each once the app is quiet."""
        while self._held_keys:
            await asyncio.sleep(0)
            start = stalled_since = monotonic()
            looks = stalled_looks = 0
            last = self._pending()
            while last:
                now = monotonic()
                if self._working():
                    # a worker of the screen's keys (an answer being stored): the key
                    # acts on what it reads, so it waits however slow the host is
                    if now - start >= MAX_WORKER_WAIT_S:
                        break
                elif (now - stalled_since >= MAX_HOLD_S and stalled_looks >= MIN_LOOKS) or (
                        now - start >= MAX_WAIT_S and looks >= MIN_LOOKS):
                    break
                await asyncio.sleep(POLL_S)
                looks += 1
                stalled_looks += 1
                pending = self._pending()
                if pending != last:  # the app is working through it: keep waiting
                    last, stalled_since, stalled_looks = pending, monotonic(), 0
            if not self._held_keys:
                break
            key = self._held_keys.popleft()
            self._released.add(id(key))
            self.post_message(key)
            # wait for it to be taken from the queue before judging the next one, however
            # long a loaded host takes: given up on, it would come back as a new key behind
            # the next one and the two would swap (``QZ`` typed, ``ZQ`` stored)
            while id(key) in self._released and self._screen_stack and not self._closing:
                await asyncio.sleep(POLL_S)
            self._released.discard(id(key))

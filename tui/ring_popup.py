"""The caller-ID pop-up (来电弹屏) of a session: the phone system's ring at this staff member's
extension (data.calls.ringing) opens the calls screen with the caller matched and the call
timer running, within about a second.

A look of its own every RING_POLL_S (a quarter second), not the app's regular change poll
(every two seconds): the same cheap change token (data.changes: SQLite's data_version,
PostgreSQL's current snapshot), and one indexed query only when the database changed
(data.ring_watch). It runs on the app's thread — a thread of its own would have to take
Python's lock from the app's at every look, and on a busy host each hand-over delays the
keys — and it does not look while the clerk is typing (a key in the last KEYS_QUIET_S):
a burst of keys is never held up, and a call never pops up under fingers in mid-word.

A ring never takes keys from what is being typed: while a modal (a form, a question, the
help) is open, a screen holds typed input (a call on the panel, a form), or keys typed
ahead are still on their way, it waits — a toast says so once, without taking the focus —
and pops up at the first look after the form is saved or set aside.
"""

from __future__ import annotations

import logging
from time import monotonic
from typing import Any

from textual.screen import ModalScreen

from data.changes import change_token
from data.i18n import _
from data.ring_watch import RING_POLL_S, RingView, RingWatch
from data.validators import mask_phone

log = logging.getLogger(__name__)

#: Seconds the "waiting for your form" toast and the missed-call toast stay up.
RING_TOAST_SECONDS = 8.0
#: No look within this many seconds of a key the clerk typed.
KEYS_QUIET_S = 0.4
#: Rings popped up that are still watched (to see them end) at most.
MAX_WATCHED = 20


def _shown_number(ring: RingView) -> str:
    return mask_phone(ring.number) if ring.number else _("(number withheld)")


class RingPopup:
    """One session's ring watcher and the rings waiting to pop up."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.waiting: list[RingView] = []  # oldest first
        self.popped: list[int] = []  # handed to the calls screen, watched until they end
        self._handled: set[int] = set()  # every ring seen, never queued twice
        self._told: dict[int, float] = {}  # rings whose "waiting" toast was shown, and when
        self.watch: RingWatch | None = None

    # --- the look -------------------------------------------------------------------------

    def start(self) -> None:
        """Start looking (from the app's on_mount)."""
        try:
            self.watch = RingWatch(self.app.staff.id, token=change_token)
        except Exception:  # noqa: BLE001 — no pop-ups is better than no session
            log.exception("ring watcher not started")
            return
        self.app.set_interval(RING_POLL_S, self.tick, name="ring-watch")

    def header_text(self) -> str:
        """The header's mark while a call waits to pop up (a form is open): it stays until
        the call pops up, as the unread count does until the inbox is read."""
        return _("☎ Call waiting") if self.waiting else ""

    def _show(self) -> None:
        show = getattr(self.app, "show_ring", None)
        if show is not None:
            show()

    @property
    def watched(self) -> set[int]:
        """The rings to read again: those waiting and those on a panel."""
        return {ring.id for ring in self.waiting} | set(self.popped)

    def typing(self) -> bool:
        """Is the clerk typing? Keys typed ahead still on their way, or a key just now."""
        app = self.app
        if getattr(app, "_held_keys", None):
            return True
        return monotonic() - getattr(app, "last_key_at", float("-inf")) < KEYS_QUIET_S

    def tick(self) -> None:
        """One look: rings new or changed since the last, then a pop-up if nothing is typed."""
        app = self.app
        if self.watch is None or not app.is_running or not app.screen_stack or self.typing():
            return
        try:
            self.watch.watched = self.watched
            found = self.watch.poll()
        except Exception:  # noqa: BLE001 — a busy or lost database: look again at the next tick
            log.debug("ring watch failed", exc_info=True)
            return
        if found or self.waiting:
            self.arrived(found)

    # --- what arrived ------------------------------------------------------------------------

    def arrived(self, found: list[RingView]) -> None:
        """Rings new or changed since the last look; then pop one up if nothing is typed."""
        if not self.app.is_running or not self.app.screen_stack:
            return
        for ring in found:
            self._arrived(ring)
        self.pop_if_free()

    def _calls_screen(self) -> Any:
        """The calls screen, if open (found by what it does: importing screens.calls here
        would load the phone service at start-up, before anyone opened it)."""
        return next((s for s in self.app.screen_stack if hasattr(s, "take_ring")), None)

    def _arrived(self, ring: RingView) -> None:
        for i, waiting in enumerate(self.waiting):
            if waiting.id == ring.id:
                self.waiting[i] = ring  # it ended while it waited: it pops up with its time
                return
        if ring.id in self.popped:
            if ring.hung_up_at is not None:
                screen = self._calls_screen()
                if screen is not None and screen.ring_id == ring.id:
                    screen.ring_ended(ring)
                self.popped.remove(ring.id)
            return
        if ring.id in self._handled:
            return
        self._handled.add(ring.id)
        if not ring.answered:
            # It rang here and nobody answered: it is a callback now (the callbacks list).
            self.app.notify(_("Missed call {number}: it is on your callbacks list.").format(
                number=_shown_number(ring)), title=_("Missed incoming call"), severity="warning",
                timeout=RING_TOAST_SECONDS, markup=False)
            return
        if ring.call_id is None:
            self.waiting.append(ring)
            self._show()

    def busy(self) -> bool:
        """Would a pop-up now take keys from something being typed? A modal on top (a form,
        a question, the help, the palette), a screen holding typed input (a call on the
        panel, a dirty form), or keys typed ahead still on their way."""
        app = self.app
        if isinstance(app.screen, ModalScreen):
            return True
        if getattr(app, "_held_keys", None):
            return True
        return any(getattr(screen, "is_dirty", False) for screen in app.screen_stack)

    def pop_if_free(self) -> None:
        """Pop the first waiting ring up, unless something is being typed: then say, in a
        toast that takes no focus, that it waits — again as each toast goes, so it is on
        the screen (over the form, which may cover the header's mark) until it pops up."""
        if not self.waiting:
            return
        ring = self.waiting[0]
        if self.busy():
            told_at = self._told.get(ring.id)
            if told_at is None or monotonic() - told_at >= RING_TOAST_SECONDS:
                self._told[ring.id] = monotonic()
                self.app.notify(
                    _("Call {number}: it pops up once you save or cancel the form you are in.").format(
                        number=_shown_number(ring)),
                    title=_("Incoming call"), timeout=RING_TOAST_SECONDS, markup=False)
            return
        self.waiting.pop(0)
        self._told.pop(ring.id, None)
        self._show()
        self.app.action_open_screen("calls")
        screen = self._calls_screen()
        if screen is None:
            return
        screen.take_ring(ring)
        if ring.hung_up_at is None:
            self.popped = [*self.popped, ring.id][-MAX_WATCHED:]

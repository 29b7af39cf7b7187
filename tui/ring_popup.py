"""The caller-ID pop-up (来电弹屏) of a session: the phone system's ring at this staff member's
extension (data.calls.ringing) opens the calls screen with the caller matched and the call
timer running, within about a second.

A dedicated watcher looks every RING_POLL_S (a quarter second), not the app's regular
change poll (every two seconds): a pragma read, and one indexed query only when the
database changed. It never takes keys from what is being typed: while a modal (a form, a
question, the help) is open, a screen holds typed input (a call on the panel, a form), or
keys typed ahead are still on their way, the ring waits — a toast says so once, without
taking the focus — and pops up at the first look after the form is saved or set aside.
"""

from __future__ import annotations

import logging
from typing import Any

from textual.screen import ModalScreen

from data.i18n import _
from data.ring_watch import RING_POLL_S, RingView, RingWatch
from data.validators import mask_phone

log = logging.getLogger(__name__)

#: Seconds the "waiting for your form" toast and the missed-call toast stay up.
RING_TOAST_SECONDS = 8.0


def _shown_number(ring: RingView) -> str:
    return mask_phone(ring.number) if ring.number else _("(number withheld)")


class RingPopup:
    """One session's ring watcher and the rings waiting to pop up (oldest first)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.watch: RingWatch | None = None
        self.waiting: list[RingView] = []
        self._told: set[int] = set()  # rings whose "waiting" toast was shown

    def start(self) -> None:
        """Start watching (from the app's on_mount)."""
        try:
            self.watch = RingWatch(self.app.staff.id)
        except Exception:  # noqa: BLE001 — no pop-ups is better than no session
            log.exception("ring watcher not started")
            return
        self.app.set_interval(RING_POLL_S, self.tick, name="ring-watch")

    # --- one look ------------------------------------------------------------------------------

    def tick(self) -> None:
        """Look for rings, then pop up the first waiting one if nothing is being typed."""
        app = self.app
        if self.watch is None or not app.is_running or not app.screen_stack:
            return
        if getattr(app, "_held_keys", None):
            return  # keys typed ahead are being fed (tui.typeahead): look once they are in
        try:
            self.watch.watched = self._watched()
            found = self.watch.poll()
        except Exception:  # noqa: BLE001 — a busy or lost database: look again at the next tick
            log.debug("ring watch failed", exc_info=True)
            return
        for ring in found:
            self._arrived(ring)
        self.pop_if_free()

    def _watched(self) -> set[int]:
        """The rings to read again (to see them end): those waiting and the one on a panel."""
        ids = {ring.id for ring in self.waiting}
        screen = self._calls_screen()
        ring_id = screen.ring_id if screen is not None else None
        if ring_id is not None:
            ids.add(ring_id)
        return ids

    def _calls_screen(self) -> Any:
        """The calls screen, if open (found by what it does: importing screens.calls here
        would load the phone service at start-up, before anyone opened it)."""
        return next((s for s in self.app.screen_stack if hasattr(s, "take_ring")), None)

    def _arrived(self, ring: RingView) -> None:
        """A ring seen for the first time, or a watched one seen again (it may have ended)."""
        for i, waiting in enumerate(self.waiting):
            if waiting.id == ring.id:
                self.waiting[i] = ring
                return
        screen = self._calls_screen()
        if screen is not None and screen.ring_id == ring.id:
            if ring.hung_up_at is not None:
                screen.ring_ended(ring)
            return
        if ring.call_id is not None and ring.answered:
            return  # logged already (by this clerk, from the panel)
        if not ring.answered:
            # It rang here and nobody answered: it is a callback now (the callbacks list).
            self.app.notify(_("Missed call {number}: it is on your callbacks list.").format(
                number=_shown_number(ring)), title=_("Missed incoming call"), severity="warning",
                timeout=RING_TOAST_SECONDS, markup=False)
            return
        self.waiting.append(ring)

    # --- popping up ----------------------------------------------------------------------------

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
        """Pop the first waiting ring up, unless something is being typed: then say once,
        in a toast that takes no focus, that it waits."""
        if not self.waiting:
            return
        ring = self.waiting[0]
        if self.busy():
            if ring.id not in self._told:
                self._told.add(ring.id)
                self.app.notify(
                    _("Call {number}: it pops up once you save or cancel the form you are in.").format(
                        number=_shown_number(ring)),
                    title=_("Incoming call"), timeout=RING_TOAST_SECONDS, markup=False)
            return
        self.waiting.pop(0)
        self._told.discard(ring.id)
        self.app.action_open_screen("calls")
        screen = self._calls_screen()
        if screen is not None:
            screen.take_ring(ring)

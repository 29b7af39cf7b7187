"""A write from a screen, run in a thread worker so that a desk waiting behind another
desk's transaction never freezes (STYLE): keys are handled while it waits, a write still
waiting after `WAIT_NOTICE_S` says so (`waiting`), and `cancel()` gives it up — the wait
for the lock stops (data.waits) and nothing is written; what was typed stays where it is.

Every form's save goes through here (widgets.form.FormModal); a screen's, modal's or pane's
own writes (a confirmed removal, a bulk change, a survey's answers, a reading, a reveal)
through `DeskWrites.run_write` (DeskScreen and DeskModal have it); the call panel and the
work-order screen use `start_write` themselves.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, NamedTuple

from textual.timer import Timer
from textual.widget import Widget

from data.errors import FrontDeskError
from data.i18n import _
from data.waits import WriteCancelled, WriteWait, cancellable

#: A write still waiting after this many seconds tells the clerk it waits for another desk.
WAIT_NOTICE_S = 5.0
#: The worker group of a write whose result the next typed keys act on (a recorded reveal
#: that then opens the number's form, or shows the card they act on): keys typed ahead wait
#: for it (tui.typeahead), as they wait for a screen's TYPEAHEAD_WAITS_FOR.
KEYS_WAIT_GROUP = "keys-wait"


class PendingWrite:
    """A write on its way: `cancel()` stops its wait; exactly one of its callbacks runs,
    on the app's thread, once it is over (none if the widget was removed meanwhile)."""

    def __init__(self, owner: Widget) -> None:
        self.owner = owner
        self.wait = WriteWait()
        self.over = False
        self.noticed = False  # the clerk was told it waits for another desk
        self.timer: Timer | None = None

    @property
    def cancelled(self) -> bool:
        return self.wait.cancelled

    def cancel(self) -> bool:
        """Give the write up; False if it was cancelled already or is over."""
        if self.over or self.wait.cancelled:
            return False
        self.wait.cancel()
        return True

    def _end(self) -> bool:
        """The write is over: True if its callback should run (the widget is still there)."""
        if self.over:
            return False
        self.over = True
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        return self.owner.is_mounted


def start_write(
    owner: Widget,
    write: Callable[[], Any],
    *,
    done: Callable[[Any], None],
    refused: Callable[[FrontDeskError], None],
    waiting: Callable[[], None] | None = None,
    notice_after: float | None = None,
    group: str = "write",
) -> PendingWrite:
    """Run `write()` (data/ calls only) in a thread worker of `owner`. Then, on the app's
    thread: `done(result)`, or `refused(error)` for a FrontDeskError — `WriteCancelled`
    when it was given up while waiting. `waiting()` runs once if it is still going after
    `notice_after` seconds (WAIT_NOTICE_S). Any other error ends the app with its
    traceback, as it did when the write ran on the app's thread. `group` names the worker's
    group (a screen's TYPEAHEAD_WAITS_FOR may hold typed keys until it is over)."""
    pending = PendingWrite(owner)
    app = owner.app

    def report(callback: Callable[[Any], None], value: Any) -> None:
        def run() -> None:
            if pending._end():
                callback(value)

        with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
            app.call_from_thread(run)

    def work() -> None:
        try:
            with cancellable(pending.wait):
                result = write()
        except FrontDeskError as exc:
            report(refused, exc)
        except Exception:
            if pending.wait.cancelled:  # a statement cancelled on PostgreSQL: its database error
                report(refused, WriteCancelled())
                return
            report(lambda _value: None, None)
            raise
        else:
            report(done, result)

    if waiting is not None:
        def still_waiting() -> None:
            pending.timer = None
            if not pending.over and not pending.wait.cancelled:
                pending.noticed = True
                waiting()

        pending.timer = owner.set_timer(WAIT_NOTICE_S if notice_after is None else notice_after,
                                        still_waiting)
    owner.run_worker(work, thread=True, group=group)
    return pending


class _WriteRequest(NamedTuple):
    """One `DeskWrites.run_write`: the write and what follows it (queued, it waits as this)."""

    write: Callable[[], Any]
    done: Callable[[Any], object] | None
    refused: Callable[[FrontDeskError], object] | None
    cancelled: Callable[[], object] | None
    stays: bool
    group: str
    waiting_text: str | None
    given_up_text: str | None


class DeskWrites:
    """A screen's, modal's or pane's own writes (mixed into a Widget): one at a time, each in
    a thread worker through `start_write`. Behind another desk's transaction the widget keeps
    taking keys and says so after WAIT_NOTICE_S; leaving it gives the write up.

    A write started with `stays=True` is one whose input is still on screen to be kept (a
    modal's answers, a typed reading): escape gives up the write, not the screen
    (`give_up_write`, asked by the modal's and the app's escape): the clerk is told nothing
    was saved and `cancelled()` puts the input back."""

    _desk_write: PendingWrite | None = None
    _desk_write_stays = False

    @property
    def writing(self) -> bool:
        """A write started by `run_write` is still on its way."""
        return self._desk_write is not None and not self._desk_write.over

    def run_write(self, write: Callable[[], Any], *, done: Callable[[Any], object] | None = None,
                  refused: Callable[[FrontDeskError], object] | None = None,
                  cancelled: Callable[[], object] | None = None,
                  stays: bool = False, group: str = "write", waiting_text: str | None = None,
                  given_up_text: str | None = None, replace: bool = False, queue: bool = False) -> bool:
        """Run `write()` (data/ calls only) in a thread worker (widgets.saving): behind another
        desk's transaction the widget keeps taking keys and says so after a few seconds;
        leaving the screen (escape) gives the write up, nothing written — or, with `stays`,
        escape gives up only the write. Then, on the app's thread, `done(result)` — or
        `refused(error)`, by default the data layer's message as an error; given up, the
        clerk is told nothing was saved, then `cancelled()` (to put input back). One write at a
        time: while one is on its way, another is not started (False) and the clerk is told
        the widget still waits — or, with `replace`, the one on its way is given up and this
        one started; with `queue`, this one starts when the one on its way is over (a write
        the clerk did not type and must not lose: a parcel's message after receiving it, a
        dial). `group` names the worker's group (keys typed ahead may wait for it:
        KEYS_WAIT_GROUP, a screen's TYPEAHEAD_WAITS_FOR); `waiting_text` and `given_up_text`
        say what waits and what was given up when "a write" would not say it (a search)."""
        request = _WriteRequest(write, done, refused, cancelled, stays, group, waiting_text, given_up_text)
        if self.writing:
            if queue:
                self._desk_queued.append(request)
                return True
            if not replace:
                self._say_waiting(request)
                return False
            assert self._desk_write is not None
            self._desk_write.cancel()
        self._start_request(request)
        return True

    def _say_waiting(self, request: _WriteRequest) -> None:
        widget: Any = self
        text = request.waiting_text or (
            _("Waiting for another desk… esc cancels, what you typed stays.") if self._desk_write_stays
            else _("Waiting for another desk… esc gives it up."))
        widget.notify(text, severity="warning", markup=False)

    def _start_request(self, request: _WriteRequest) -> None:
        """Start `request`'s write now (none is on its way)."""
        widget: Any = self

        def refused_now(exc: FrontDeskError) -> None:
            try:
                refused_then(exc)
            finally:
                self._next_queued()

        def refused_then(exc: FrontDeskError) -> None:
            if isinstance(exc, WriteCancelled):
                widget.notify(request.given_up_text or _("Not saved: you cancelled while waiting for another desk."),
                              severity="warning", markup=False)
                if request.cancelled is not None:
                    request.cancelled()
            elif request.refused is not None:
                request.refused(exc)
            else:
                widget.notify(exc.message, severity="error", markup=False)

        def done_now(result: Any) -> None:
            try:
                if request.done is not None:
                    request.done(result)
            finally:
                self._next_queued()

        self._desk_write_stays = request.stays
        self._desk_write = start_write(widget, request.write, done=done_now, refused=refused_now,
                                       waiting=lambda: self._say_waiting(request), group=request.group)

    @property
    def _desk_queued(self) -> list[_WriteRequest]:
        """Writes started with `queue` while another was on its way, in order."""
        queued = self.__dict__.get("_desk_queued_writes")
        if queued is None:
            queued = self.__dict__["_desk_queued_writes"] = []
        return queued

    def _next_queued(self) -> None:
        """The write on its way is over: the first one queued behind it starts."""
        if self._desk_queued and not self.writing:
            self._start_request(self._desk_queued.pop(0))

    @property
    def write_waits(self) -> bool:
        """The write on its way was said to wait for another desk: escape skips the line of
        keys typed ahead (tui.typeahead) to give it up."""
        return self.writing and self._desk_write is not None and self._desk_write.noticed

    def give_up_write(self) -> bool:
        """escape: a `stays` write still on its way is given up (True: escape did that and
        nothing else); False when there is none (escape does what it always does)."""
        if not self.writing or not self._desk_write_stays:
            return False
        assert self._desk_write is not None
        self._desk_write.cancel()  # a second escape while it winds down does nothing more
        return True

    def _on_unmount(self) -> None:
        """Left while a `run_write` write still waits for another desk: it is given up."""
        self._desk_queued.clear()
        if self._desk_write is not None:
            self._desk_write.cancel()

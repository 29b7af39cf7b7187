"""A write from a screen, run in a thread worker so that a desk waiting behind another
desk's transaction never freezes (STYLE): keys are handled while it waits, a write still
waiting after `WAIT_NOTICE_S` says so (`waiting`), and `cancel()` gives it up — the wait
for the lock stops (data.waits) and nothing is written; what was typed stays where it is.

Every form's save goes through here (widgets.form.FormModal); a screen's one-key writes (a
confirmed removal, a bulk change) through DeskScreen.run_write (widgets.desk); the call
panel and the work-order screen use `start_write` themselves.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from textual.timer import Timer
from textual.widget import Widget

from data.errors import FrontDeskError
from data.waits import WriteCancelled, WriteWait, cancellable

#: A write still waiting after this many seconds tells the clerk it waits for another desk.
WAIT_NOTICE_S = 5.0


class PendingWrite:
    """A write on its way: `cancel()` stops its wait; exactly one of its callbacks runs,
    on the app's thread, once it is over (none if the widget was removed meanwhile)."""

    def __init__(self, owner: Widget) -> None:
        self.owner = owner
        self.wait = WriteWait()
        self.over = False
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
) -> PendingWrite:
    """Run `write()` (data/ calls only) in a thread worker of `owner`. Then, on the app's
    thread: `done(result)`, or `refused(error)` for a FrontDeskError — `WriteCancelled`
    when it was given up while waiting. `waiting()` runs once if it is still going after
    `notice_after` seconds (WAIT_NOTICE_S). Any other error ends the app with its
    traceback, as it did when the write ran on the app's thread."""
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
                waiting()

        pending.timer = owner.set_timer(WAIT_NOTICE_S if notice_after is None else notice_after,
                                        still_waiting)
    owner.run_worker(work, thread=True, group="write")
    return pending

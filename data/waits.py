"""A write started from a screen that the clerk may give up while it waits for another desk.

A form's save runs in a thread worker inside `cancellable(wait)`; the database handle
(data.db) looks up `current_wait()` when a write transaction starts, and instead of
blocking on the write lock it waits in short slices, checking `wait.cancelled`. On
PostgreSQL, where the wait is for a row or advisory lock inside the transaction, `cancel()`
runs the hooks the handle registered (cancelling the running statement). Either way a
cancelled write raises `WriteCancelled` and nothing was written.

This module is part of the data kernel: widgets may use it, and it knows no database.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

from data.errors import FrontDeskError
from data.i18n import _


class WriteCancelled(FrontDeskError):
    """The clerk cancelled a write while it waited for another desk's transaction: nothing
    was written."""

    def __init__(self) -> None:
        super().__init__(_("Not saved: you cancelled while waiting for another desk. F10 tries again."))


class WriteWait:
    """One cancellable write: `cancel()` from any thread stops its wait for the lock."""

    #: How long one slice of the wait is, seconds (the flock is polled, SQLite's busy
    #: handler is given this much at a time).
    SLICE_S = 0.05

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self._hooks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Give up the write: its wait stops at the next slice (a statement waiting on
        PostgreSQL is cancelled now). A write already past its wait goes on and commits."""
        if self._cancelled.is_set():
            return
        self._cancelled.set()
        with self._lock:
            if not self._hooks:
                return
        # Again every slice while the write is inside a cancellable block: a cancel that
        # reached the database between two statements (nothing to stop) is sent again.
        threading.Thread(target=self._keep_cancelling, name="write-cancel", daemon=True).start()

    def _keep_cancelling(self) -> None:
        while True:
            with self._lock:
                hooks = list(self._hooks)
            if not hooks:
                return
            for hook in hooks:
                with contextlib.suppress(Exception):  # the statement may have ended meanwhile
                    hook()
            time.sleep(self.SLICE_S)

    def check(self) -> None:
        """Raise WriteCancelled if the write was cancelled."""
        if self._cancelled.is_set():
            raise WriteCancelled()

    def sleep(self, seconds: float | None = None) -> None:
        """Wait `seconds` (one slice by default; less if cancelled meanwhile), then `check()`."""
        self._cancelled.wait(self.SLICE_S if seconds is None else seconds)
        self.check()

    @contextlib.contextmanager
    def on_cancel(self, hook: Callable[[], None]) -> Iterator[None]:
        """Run `hook` if the write is cancelled while inside this block."""
        with self._lock:
            self._hooks.append(hook)
        try:
            yield
        finally:
            with self._lock:
                self._hooks.remove(hook)


_local = threading.local()


def current_wait() -> WriteWait | None:
    """The cancellable write this thread runs, if any."""
    return getattr(_local, "wait", None)


@contextlib.contextmanager
def cancellable(wait: WriteWait) -> Iterator[WriteWait]:
    """The writes made by this thread inside the block may be cancelled through `wait`."""
    previous = current_wait()
    _local.wait = wait
    try:
        yield wait
    finally:
        _local.wait = previous


@contextlib.contextmanager
def past_cancelling() -> Iterator[None]:
    """A write of several transactions whose first has committed (a notice published, its
    messages going out): what follows in the block goes on to the end even if the clerk
    cancels now — a half-done write would be worse than a late one."""
    previous = current_wait()
    _local.wait = None
    try:
        yield
    finally:
        _local.wait = previous

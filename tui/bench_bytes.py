"""Bytes over SSH (SPEC §10, issue 21): what the real app writes to a pseudo-terminal for one
action — a search refresh, a cursor move, an idle screen — on the owners, queue and calls
screens. Figures are printed by `frontdesk bench`, never asserted there (tests assert the
budgets: tests/screens/test_bytes_pty.py).

The app runs in a child process on a pseudo-terminal of COLUMNS × LINES (xterm-256color,
truecolor, as an SSH client announces); the parent types keys and counts what comes back.
An action's bytes are those written from its key until the terminal has been quiet for
QUIET_S (and, where given, until a text is on screen: a search's count line), so a second
paint of the same result is counted with the first however late it comes.
"""

from __future__ import annotations

import os
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS, LINES = 120, 40
#: The terminal counts as done with an action after this long without a byte.
QUIET_S = 0.6
#: How long an idle screen is watched.
IDLE_S = 3.0
#: The budgets of issue 21 (bytes): a search refresh, a cursor move, an idle screen.
BUDGETS = {"refresh": 20_000, "cursor": 2_000, "idle": 0,
           # A focus move between the search box and its results: the box, the cursor's
           # row, the footer (whole-table repaints were 20 KB each way).
           "focus": 8_000}

#: The app in the pseudo-terminal: signed in as desk1 on `db`, in `lang`.
CHILD = r"""
import sys
db, lang = sys.argv[1], sys.argv[2]
from data import i18n, schema
from data.db import open_database
from data.staff import sign_in

i18n.set_language(lang)
open_database(db)
schema.migrate()  # a copy of the demo database, maybe older than the code
staff = sign_in("desk1")
from tui.app import FrontDeskApp

FrontDeskApp(staff, db).run()
"""

KEYS = {"f2": b"\x1bOQ", "f3": b"\x1bOR", "f4": b"\x1bOS", "f5": b"\x1b[15~", "f6": b"\x1b[17~",
        "escape": b"\x1b", "enter": b"\r",
        "ctrl+q": b"\x11", "tab": b"\t", "down": b"\x1b[B", "up": b"\x1b[A", "pagedown": b"\x1b[6~",
        "backspace": b"\x7f", "slash": b"/"}

_ESCAPES = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_]|.)", re.S)


def screen_text(output: bytes) -> str:
    """The text in what a terminal was sent, escape sequences taken out (good enough to find
    a one-style run such as a status line; not a terminal emulator)."""
    return _ESCAPES.sub(b"", output).decode("utf-8", errors="replace")


class PtyApp:
    """A command running in a pseudo-terminal of `columns` × `lines`, and what it wrote."""

    def __init__(self, argv: list[str], env: dict[str, str], columns: int = COLUMNS, lines: int = LINES) -> None:
        import fcntl
        import termios

        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = bytearray()

    def read(self, seconds: float) -> int:
        """Take what the app writes within `seconds`; the number of bytes taken."""
        deadline = time.monotonic() + seconds
        taken = 0
        while True:
            left = deadline - time.monotonic()
            ready, _w, _x = select.select([self.master], [], [], max(left, 0))
            if not ready:
                return taken
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the app has gone: the pty's other end is closed
                return taken
            if not chunk:
                return taken
            self.output += chunk
            taken += len(chunk)

    def settle(self, quiet: float = QUIET_S, timeout: float = 60.0) -> None:
        """Read until nothing has come for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while self.read(quiet) and time.monotonic() < deadline:
            pass

    def wait_for(self, text: str, since: int = 0, timeout: float = 60.0, count: int = 1) -> None:
        """Read until `text` is in what was written after byte `since` (`count` times)."""
        deadline = time.monotonic() + timeout
        while screen_text(bytes(self.output[since:])).count(text) < count:
            if time.monotonic() > deadline or self.process.poll() is not None:
                tail = screen_text(bytes(self.output[-4000:]))
                raise RuntimeError(f"not on screen after {timeout:.0f} s: {text!r}\n…{tail}")
            self.read(0.05)

    def send(self, *keys: str) -> None:
        for key in keys:
            os.write(self.master, KEYS.get(key, key.encode()))

    def measure(self, *keys: str, until: str = "", count: int = 1, quiet: float = QUIET_S,
                timeout: float = 60.0) -> int:
        """The bytes written from `keys` until `until` has been written (`count` times, if
        given) and the terminal has been quiet for `quiet` seconds."""
        self.settle(quiet)
        mark = len(self.output)
        self.send(*keys)
        if until:
            self.wait_for(until, since=mark, timeout=timeout, count=count)
        self.settle(quiet)
        return len(self.output) - mark

    def idle(self, seconds: float = IDLE_S, quiet: float = QUIET_S) -> int:
        """The bytes written in `seconds` with no key pressed (after settling)."""
        self.settle(quiet)
        return self.read(seconds)

    def after(self, act: Callable[[], object], seconds: float, quiet: float = QUIET_S) -> int:
        """The bytes written from `act()` (something done outside the terminal) for
        `seconds`, and until the terminal has been quiet for `quiet` seconds."""
        self.settle(quiet)
        mark = len(self.output)
        act()
        self.read(seconds)
        self.settle(quiet)
        return len(self.output) - mark

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                os.write(self.master, KEYS["ctrl+q"])
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.read(0.1)  # what it wrote on its way out
        os.close(self.master)


def app_env(home: Path, columns: int = COLUMNS, lines: int = LINES) -> dict[str, str]:
    """A clean environment for the app in the pseudo-terminal (its own HOME and XDG folders)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "COLUMNS": str(columns),
        "LINES": str(lines),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    for name in ("FRONTDESK_NOW", "FRONTDESK_TEST_DATABASE"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def open_app(db: str, home: Path, lang: str = "zh", *, columns: int = COLUMNS, lines: int = LINES) -> PtyApp:
    """The FrontDesk TUI on `db` in a pseudo-terminal, signed in as desk1 (its home screen
    comes up)."""
    home.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-c", CHILD, db, lang]
    return PtyApp(argv, app_env(home, columns, lines), columns, lines)


def poke(db: str) -> None:
    """Commit something from another connection: the app's change poll sees a change and
    refreshes the screen on top (nothing it shows has changed)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_poke (at REAL)")
        conn.execute("INSERT INTO bench_poke VALUES (?)", (time.time(),))
        conn.commit()
    finally:
        conn.close()


#: The app's change poll (tui.app.POLL_SECONDS) runs this often; a poke is seen within it.
POKE_WAIT_S = 2.0 + 1.5


@dataclass
class Figures:
    """Bytes per action, by screen."""

    rows: list[tuple[str, str, int, int | None]] = field(default_factory=list)  # screen, action, bytes, budget

    def add(self, screen: str, action: str, written: int, budget: int | None = None) -> None:
        self.rows.append((screen, action, written, budget))

    def get(self, screen: str, action: str) -> int:
        return next(b for s, a, b, _budget in self.rows if s == screen and a == action)


def measure_owners(app: PtyApp, figures: Figures, db: str) -> None:
    """F2, a search with a full page (王), then a new query replacing it (李): a search
    refresh; the cursor moved in the results; idle; a change from another desk that
    changes nothing shown."""
    from data.i18n import _

    figures.add("owners", "open (F2, whole screen)", app.measure("f2", until=_("Type to search.")))
    # Each search is over once the page of hits is written: many rows naming the query.
    figures.add("owners", "first search (王)", app.measure("王", until="王", count=20))
    app.send("down")  # to the results
    app.settle()
    app.send("slash")  # back to the search box, the query selected: 李 replaces it
    app.settle()
    figures.add("owners", "search refresh (王 → 李)", app.measure("李", until="李", count=20), BUDGETS["refresh"])
    # ↓ moves the focus to the results: the box's border, the cursor's row and the footer's
    # keys change (widgets.paint.ResultTable: not every row), and the first move after it.
    focus = app.measure("down")
    figures.add("owners", "search box → results (↓), then the first move", focus + app.measure("down"),
                BUDGETS["focus"])
    figures.add("owners", "cursor move", app.measure("down"), BUDGETS["cursor"])
    figures.add("owners", "idle", app.idle(), BUDGETS["idle"])
    figures.add("owners", "results → search box (/)", app.measure("slash"), BUDGETS["focus"])
    # (A text field's cursor does not blink: each blink repainted the field, 7–22 KB in 3 s.)
    figures.add("owners", "idle in the search box", app.idle(), BUDGETS["idle"])
    figures.add("owners", "another desk's change, nothing shown changed", app.after(lambda: poke(db), POKE_WAIT_S))


def _queue_status(view: str) -> str:
    """The start of the queue's status line for `view`, unfiltered (it names the view)."""
    from data import queue
    from data.i18n import _

    line = _("{view} · {filter} · {count} orders (page {page})")
    return line.split("{count}")[0].format(view=_(queue.VIEWS[view]), filter=_("no filter"))


def measure_queue(app: PtyApp, figures: Figures, db: str) -> None:
    """F3, the queue's first view; the next view (2); the cursor moved; idle; a change
    elsewhere."""
    from data import queue

    first, last = list(queue.VIEWS)[0], list(queue.VIEWS)[-1]
    figures.add("queue", "open (F3, whole screen)", app.measure("f3", until=_queue_status(first)))
    figures.add("queue", "view refresh (1 → 6)", app.measure("6", until=_queue_status(last)), BUDGETS["refresh"])
    figures.add("queue", "cursor move", app.measure("down"), BUDGETS["cursor"])
    figures.add("queue", "idle", app.idle(), BUDGETS["idle"])
    figures.add("queue", "another desk's change, nothing shown changed", app.after(lambda: poke(db), POKE_WAIT_S))


def measure_calls(app: PtyApp, figures: Figures, db: str) -> None:
    """F5, the history (h); its next page; the cursor moved; idle; a change elsewhere."""
    from data.i18n import _

    page2 = _("{filter} · page {page}").split("·")[-1].strip().replace("{page}", "2")
    figures.add("calls", "history (F5, h)", app.measure("f5", "h", until=_("enter: details")))
    figures.add("calls", "history next page (pgdn)", app.measure("pagedown", until=page2), BUDGETS["refresh"])
    figures.add("calls", "cursor move", app.measure("down"), BUDGETS["cursor"])
    figures.add("calls", "idle", app.idle(), BUDGETS["idle"])
    figures.add("calls", "another desk's change, nothing shown changed", app.after(lambda: poke(db), POKE_WAIT_S))


def bench_bytes(db: str, home: Path, lang: str = "zh") -> Figures:
    """Every figure, one app session per screen (a fresh start each: nothing carried over)."""
    from data import i18n

    i18n.set_language(lang)
    figures = Figures()
    for measure in (measure_owners, measure_queue, measure_calls):
        app = open_app(db, home, lang)
        try:
            app.wait_for(i18n._("To dispatch"), timeout=60)
            app.settle()
            if not figures.rows:  # the first session's start: the home screen until quiet
                figures.add("home", "start (the first screen, its counts and list)", len(app.output))
            measure(app, figures, db)
        finally:
            app.close()
    return figures


def print_bytes(figures: Figures, as_json: bool) -> None:
    import json

    from data.i18n import _
    from tui.bench import keep

    records = [keep({"bench": "bytes", "screen": screen, "action": action, "bytes": written,
                     "budget": budget, "size": f"{COLUMNS}x{LINES}"}) for screen, action, written, budget in figures.rows]
    if as_json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
        return
    print(_("Bytes written to the terminal per action, {columns}×{lines}, through a pseudo-terminal "
            "(targets: search refresh ≤ 20 KB, cursor move ≤ 2 KB, idle 0):").format(columns=COLUMNS, lines=LINES))
    for screen, action, written, budget in figures.rows:
        verdict = "" if budget is None else ("  ok" if written <= budget else f"  over {budget:,}")
        print(f"  {screen:<7} {action:<48} {written:>9,}{verdict}")

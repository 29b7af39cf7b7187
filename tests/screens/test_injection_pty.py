"""Stored text never steers the terminal: the real app, in a pseudo-terminal, shown data
written behind validation's back (markup, ESC sequences, OSC 52 and OSC 8), writes none of
it as markup or escape sequences, and every piece reads literally on screen.

The bytes the app writes are read from the pty and fed to pyte (a VT100 emulator) for the
screen text. A baseline run over the same database with harmless text in the same places
tells which escape sequences Textual writes by itself.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pyte
import pytest

from data import people, schema
from data.db import close_database, open_database
from data.models import (
    Call,
    Event,
    Notification,
    Occupancy,
    Person,
    PersonNote,
    Staff,
    WorkOrder,
    WorkOrderHistory,
)
from data.people import PersonInput
from tests import factories
from tests.conftest import mark_test_database
from tui import bench_bytes

termios = pytest.importorskip("termios", reason="no POSIX terminals on this platform")
fcntl = pytest.importorskip("fcntl", reason="no POSIX terminals on this platform")

COLUMNS, LINES = 100, 30
NOW = "2026-11-27 10:00"

#: What a careless import or an old tool may have left in the database.
NASTY = (
    "[red]x[/red]",
    "[link=https://example.com]退款[/link]",
    "[/",
    "\x1b[2J",
    "\x1b]52;c;SGVsbG8=\x07",
    "[bold]粗[/bold]",
)
#: The same places filled with harmless text, for the baseline run.
HARMLESS = ("plain one", "plain two", "plain 3", "plain 4", "plain five", "plain six")


def stored(pieces: tuple[str, ...]) -> tuple[str, ...]:
    """The text of each record: the first (the one whose detail screens are opened) holds
    every piece, each of the others one of them."""
    return (" ".join(pieces), *pieces)


KEYS = bench_bytes.KEYS


def _pty_available() -> str | None:
    if not hasattr(os, "openpty"):
        return "no pseudo-terminals on this platform"
    try:
        master, slave = os.openpty()
    except OSError as exc:
        return f"cannot open a pseudo-terminal: {exc}"
    os.close(master)
    os.close(slave)
    return None


_NO_PTY = _pty_available()
pytestmark = [pytest.mark.skipif(_NO_PTY is not None, reason=str(_NO_PTY)),
              pytest.mark.serial]  # reads a real terminal against the clock


def build_database(path: Path, texts: tuple[str, ...]) -> None:
    """Owners, work orders, calls, events and notifications whose stored text holds `texts`,
    written straight to the tables (as legacy data would be), not through validation. The
    first owner's timeline holds every note, the first order's history every history note."""
    open_database(str(path), create=True)
    schema.migrate()
    mark_test_database()  # the app in the pseudo-terminal honours FRONTDESK_NOW
    try:
        comm = factories.community("锦绣花园")
        desk = Staff.create(login="desk1", name="李娜", role="desk", community=comm,
                            os_login=getpass.getuser())
        room = factories.room(comm, "3", "2", "501")
        now = dt.datetime.fromisoformat(NOW)
        first_person = first_order = None
        for i, text in enumerate(texts):
            # Created clean (so the search keys exist), then overwritten behind validation.
            person_id = people.create_person(PersonInput(name=f"测试{i}", phones=[f"1380013800{i}"]))
            Person.update(name=f"测试{i}{text}", note=f"备注{i}{text}\n第二行").where(
                Person.id == person_id).execute()
            Occupancy.create(person=person_id, room=room, role="owner" if i == 0 else "tenant",
                             start_date=dt.date(2020, 1, 1))
            order = factories.work_order(desk, comm, title=f"工单{i}{text}", room_=room,
                                         created_at=now - dt.timedelta(minutes=10 + i))
            WorkOrder.update(description=f"描述{i}{text}", person=person_id).where(
                WorkOrder.id == order.id).execute()
            first_person, first_order = first_person or person_id, first_order or order.id
            PersonNote.create(person=first_person, staff=desk, text=f"笔记{i}{text}",
                              created_at=now - dt.timedelta(minutes=i))
            WorkOrderHistory.create(work_order=first_order, staff=desk, action="note",
                                    at=now + dt.timedelta(minutes=i), note=f"处理{i}{text}")
            call = factories.call(desk, number=f"1380013800{i}", summary=f"来电{i}{text}",
                                  callback_due=now + dt.timedelta(hours=2), assignee=desk)
            Call.update(person=person_id, started_at=now - dt.timedelta(minutes=30 + i)).where(
                Call.id == call.id).execute()
            factories.event(desk, now + dt.timedelta(hours=1, minutes=10 * i),
                            now + dt.timedelta(hours=1, minutes=10 * i + 5), title=f"日程{i}{text}")
            Notification.create(staff=desk, kind="assigned", title=f"通知{i}{text}",
                                entity="work_order", entity_id=order.id, created_at=now)
        assert Event.select().count() == len(texts)
    finally:
        close_database()


def _alternatives(wanted: str | tuple[str, ...]) -> tuple[str, ...]:
    return wanted if isinstance(wanted, tuple) else (wanted,)


def literal(text: str) -> tuple[str, ...]:
    """How `text` may read on screen: control characters as pictures (widgets.safe), or
    without the BEL, BS, VT, FF and CR that Rich drops from any Text by itself."""
    pictured = text.replace("\x1b", "\u241b").replace("\x07", "\u2407")
    return (pictured, pictured.replace("\u2407", ""))


def frontdesk(db: Path) -> list[str]:
    """The command that opens the TUI on `db`, signed in by the OS login (mapped to desk1)."""
    exe = shutil.which("frontdesk", path=str(Path(sys.executable).parent)) or "frontdesk"
    return [exe, "--db", str(db), "--lang", "en"]


class Terminal(bench_bytes.PtyApp):
    """The app running in a pseudo-terminal of COLUMNS × LINES (the bench's harness,
    tui/bench_bytes.py), and what it shows (a pyte screen)."""

    def __init__(self, argv: list[str], home: Path) -> None:
        env = bench_bytes.app_env(home, COLUMNS, LINES) | {"FRONTDESK_NOW": NOW}
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        super().__init__(argv, env, COLUMNS, LINES)

    def read(self, seconds: float = 0.05) -> int:
        """Take what the app wrote within `seconds` (onto the screen too)."""
        start = len(self.output)
        taken = super().read(seconds)
        if taken:
            self.stream.feed(bytes(self.output[start:]))
        return taken

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, *wanted: str | tuple[str, ...], timeout: float = 30.0) -> str:
        """Read until each of `wanted` is on screen (a tuple: any one of its strings); fail
        with the screen otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            self.read(0.05)
            text = self.text()
            missing = [w for w in wanted if not any(a in text for a in _alternatives(w))]
            if not missing:
                return text
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"not on screen after {timeout} s: {missing!r}\n{text}")

    def wait_for_bytes(self, *wanted: bytes, timeout: float = 30.0) -> None:
        """Read until the app has written each of `wanted` (whatever the screen shows)."""
        deadline = time.monotonic() + timeout
        while not all(w in self.output for w in wanted):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"not written after {timeout} s: {wanted!r}")
            self.read(0.05)

    def press(self, *keys: str) -> None:
        for key in keys:
            os.write(self.master, KEYS.get(key, key.encode()))
            # A lone ESC is the escape key only if nothing follows it at once (else alt+key).
            self.read(0.25 if key == "escape" else 0.05)


def _osc(output: bytes) -> set[bytes]:
    """The operating-system commands (ESC ] … BEL or ST) in `output`, by their number."""
    return set(re.findall(rb"\x1b\](\d*)", output))


def test_stored_text_reads_literally_and_never_reaches_the_terminal(tmp_path):
    baseline_db, nasty_db = tmp_path / "baseline.db", tmp_path / "nasty.db"
    build_database(baseline_db, stored(HARMLESS))
    build_database(nasty_db, stored(NASTY))
    texts = stored(NASTY)

    # What Textual writes by itself: start, show the home screen, quit.
    term = Terminal(frontdesk(baseline_db), tmp_path)
    try:
        term.wait_for("To dispatch", "plain one", timeout=20)
    finally:
        term.close()
    baseline = bytes(term.output)

    def each(prefix: str, width: int | None = None) -> list[tuple[str, ...]]:
        """Every stored string as it must read after `prefix` + its number, cut to `width`
        characters where a table column is narrower."""
        return [tuple(r[:width] for r in literal(f"{prefix}{i}{text}")) for i, text in enumerate(texts)]

    term = Terminal(frontdesk(nasty_db), tmp_path)
    seen: dict[str, str] = {}
    try:
        seen["home"] = term.wait_for("To dispatch: 7", *each("工单", 22), timeout=20)
        term.press("3")
        seen["my day"] = term.wait_for("My day: 7", *each("日程", 28))
        term.press("4")
        seen["call back"] = term.wait_for("Call back: 7", *each("来电", 22))
        term.press("6")
        # A notification now leads with its order, room and person (issue 15): the person's
        # stored name is what shows first of the stored text.
        seen["unread"] = term.wait_for("Unread: 7", *each("测试", 18))

        term.press("f3")
        seen["queue"] = term.wait_for("7 orders", *each("工单", 18))
        term.press("enter")
        seen["order"] = term.wait_for("BX-20261127-0001", literal(f"工单0{texts[0]}"),
                                      literal(f"描述0{texts[0]}"), *each("处理", 30))

        term.press("f2")
        term.wait_for("Type to search.")
        term.press("测试")
        seen["owners"] = term.wait_for("7 found", *each("测试", 24))
        term.press("enter", "enter")  # from the search box to the results, then the first
        seen["card"] = term.wait_for("Owner card", literal(f"测试0{texts[0]}"), literal(f"备注0{texts[0]}"),
                                     *each("笔记", 24), *each("来电", 24)[:1], *each("工单", 18)[:1])

        term.press("e")  # the edit form: the name in an Input (its end shows), the note in a TextArea
        seen["edit form"] = term.wait_for(
            "Edit 测试0[red]x[/red] [link=https://example.com]退款[/link]",
            "\u241b]52;c;SGVsbG8=\u2407 [bold]粗[/bold]", "[link=https://example.com]退款[/link] [/ \u241b[2J")
        term.press("escape")
        term.wait_for("Timeline")

        term.press("f4")
        term.wait_for("Calendar")
        term.press("A")
        # The calendar screen may show a stored control character as a picture or leave it out
        # (the app's last-resort filter drops what a screen let through).
        seen["agenda"] = term.wait_for("Agenda", *[
            (*alts, f"日程{i}{text}".replace("\x1b", "").replace("\x07", "")[:18])
            for i, (text, alts) in enumerate(zip(texts, each("日程", 18), strict=True))])

        term.press("f5")
        term.wait_for("Callbacks")
        term.press("h")
        seen["call history"] = term.wait_for("page 1", *each("来电", 30))
        term.press("enter")
        # The modal wraps long lines at spaces, so each piece is looked for on its own.
        seen["call"] = term.wait_for("Summary:", "测试0[red]x[/red]", "来电0[red]x[/red]",
                                     *[literal(piece) for piece in NASTY])
        term.press("escape", "c")
        seen["callbacks"] = term.wait_for("My callbacks: 7", *each("来电", 30))

        term.press("f6")
        seen["inbox"] = term.wait_for("7 unread", *each("测试", 18))
    finally:
        term.close()
    output = bytes(term.output)

    # Nothing from the data reached the terminal as an escape sequence…
    assert b"\x1b]52" not in output, "the stored OSC 52 (clipboard) sequence reached the terminal"
    assert output.count(b"\x1b[2J") <= baseline.count(b"\x1b[2J"), "a stored clear-screen got through"
    assert not re.search(rb"\x1b\]8;[^\x07\x1b]*example\.com", output), "a stored link became a hyperlink"
    assert _osc(output) <= _osc(baseline), f"OSC sequences Textual does not write: {_osc(output)}"
    assert output.count(b"\x07") == len(re.findall(rb"\x1b\][^\x07\x1b]*\x07", output)), (
        "a stored BEL reached the terminal")
    # …and all of it read literally: the markup as typed, ESC and BEL as ␛ and ␇.
    everything = "\n".join(seen.values())
    for text in ("[red]x[/red]", "[link=https://example.com]退款[/link]", "[/", "[bold]粗[/bold]",
                 "\u241b[2J", "\u241b]52;c;SGVsbG8=\u2407"):
        assert text in everything


PROBE_APP = """
import sys
from rich.text import Text
from textual.app import App
from textual.widgets import Input, Static
from widgets.safe import ControlFilter

STORED = "x\\x1b]52;c;SGVsbG8=\\x07 \\x1b[2J y"


class Probe(App):
    def compose(self):
        yield Static(Text("static " + STORED))
        yield Input(value="input " + STORED)

    def get_line_filters(self):
        found = super().get_line_filters()
        return [*found, ControlFilter()] if sys.argv[1] == "filtered" else found


Probe().run()
"""


def test_textual_writes_stored_escape_sequences_unless_filtered(tmp_path):
    """Why widgets.safe exists: Textual (8.2.8) writes an ESC inside a rich Text or an Input
    value to the terminal as it is; the app's ControlFilter takes it out."""
    script = tmp_path / "probe.py"
    script.write_text(PROBE_APP, encoding="utf-8")
    written = {}
    for mode in ("plain", "filtered"):
        term = Terminal([sys.executable, str(script), mode], tmp_path)
        try:
            term.wait_for_bytes(b"static x", b"input x")
            term.read(0.3)
        finally:
            term.close()
        written[mode] = bytes(term.output)
    # (Textual drops the BEL, as it drops BS, VT, FF and CR, but not the ESC.)
    assert b"\x1b]52;c;SGVsbG8=" in written["plain"] and b"\x1b[2J" in written["plain"]
    assert b"\x1b]52" not in written["filtered"] and b"\x1b[2J" not in written["filtered"]

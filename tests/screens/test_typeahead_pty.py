"""A whole inbound call typed ahead through a real terminal (issue 15 item 1): the app runs
in a pseudo-terminal of 80×24 and gets F5, n, the number, Tab, 1, the summary, Tab, w, F10,
F10 as one burst written in three chunks 150 ms apart while it is still painting what the
earlier keys set off; no key is lost or lands in the wrong field, as the database shows."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import time
from pathlib import Path

import pytest

from data import people, schema
from data.db import close_database, open_database
from data.models import Call, Staff, WorkOrder
from data.people import PersonInput
from tests import factories
from tests.screens import test_injection_pty as pty

pytestmark = [pytest.mark.skipif(pty._NO_PTY is not None, reason=str(pty._NO_PTY)),
              pytest.mark.serial]  # a real terminal against the clock

NUMBER = "13800138000"
SUMMARY = "厨房水管漏水"
#: The delay between the chunks of the burst, as a laggy SSH link would add.
DELAY_S = 0.15


def build_database(path: Path) -> None:
    """desk1 (the OS login), an owner with the caller's number in 3-2-501."""
    open_database(str(path), create=True)
    schema.migrate()
    try:
        comm = factories.community("锦绣花园")
        Staff.create(login="desk1", name="李娜", role="desk", community=comm, os_login=getpass.getuser())
        room = people.ensure_room(comm.id, "3-2-501")
        owner = people.create_person(PersonInput(name="张晓明", gender="M", phones=[NUMBER]))
        people.move_in(owner, room, "owner", dt.date(2019, 5, 1))
    finally:
        close_database()


def test_an_inbound_call_typed_as_one_delayed_burst_is_stored_with_its_work_order(tmp_path, monkeypatch):
    monkeypatch.setattr(pty, "COLUMNS", 80)
    monkeypatch.setattr(pty, "LINES", 24)
    db = tmp_path / "desk.db"
    build_database(db)
    keys = pty.KEYS
    f10 = b"\x1b[21~"
    chunks = [
        # the calls screen is still being built when the call starts and the number comes
        keys["f5"] + b"n" + NUMBER[:5].encode(),
        NUMBER[5:].encode() + keys["tab"] + b"1" + SUMMARY[:2].encode(),
        # the form opens and is saved within one chunk; the second F10 finds no call open
        SUMMARY[2:].encode() + keys["tab"] + b"w" + f10 + f10,
    ]
    term = pty.Terminal(pty.frontdesk(db), tmp_path)
    try:
        term.wait_for("To dispatch", timeout=20)
        for chunk in chunks:
            os.write(term.master, chunk)
            deadline = time.monotonic() + DELAY_S
            while time.monotonic() < deadline:
                term.read(0.01)  # keep the app's output flowing, as a terminal does
        shown = term.wait_for("✔ Work order BX-", timeout=15)  # … opened: to read back
        os.write(term.master, keys["ctrl+q"])
        deadline = time.monotonic() + 10
        while term.process.poll() is None and time.monotonic() < deadline:
            term.read(0.05)
        assert term.process.poll() == 0, f"the app did not quit on ctrl+q:\n{term.text()}"
    finally:
        term.close()

    open_database(str(db))
    try:
        calls = list(Call.select())
        orders = list(WorkOrder.select())
        assert [(c.direction, c.number, c.category, c.summary) for c in calls] == [
            ("in", NUMBER, "repair", SUMMARY)], shown
        assert [(o.title, o.description) for o in orders] == [(SUMMARY, SUMMARY)], shown
        assert calls[0].work_order_id == orders[0].id
        assert orders[0].number in shown, shown  # the number to read back to the owner
    finally:
        close_database()

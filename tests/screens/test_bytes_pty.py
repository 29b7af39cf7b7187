"""Bytes over SSH (issue 21): the real app in a pseudo-terminal of 120×40 on a copy of the
demo database writes at most 20 KB for a search refresh on the owners screen (the table
painted once), at most 2 KB for a cursor move, nothing while idle, and nothing when another
desk's change leaves what it shows as it was (tui/bench_bytes.py measures; `frontdesk
bench` prints the same figures).

Byte budgets, not times: each action is read until its result is on screen and the terminal
has been quiet, so a slow machine only takes longer. A text field's cursor does not blink
(each blink repainted the field: 7–22 KB in 3 s).
"""

from __future__ import annotations

import os
import shutil

import pytest

from data import i18n
from tui import bench_bytes
from tui.paths import SAMPLE_DB

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals on this platform"),
    pytest.mark.skipif(not SAMPLE_DB.exists(), reason="no demo database"),
    pytest.mark.serial,  # a real terminal, read until quiet
]


@pytest.fixture
def terminal(tmp_path):
    db = tmp_path / "demo.db"
    shutil.copyfile(SAMPLE_DB, db)
    i18n.set_language("zh")
    app = bench_bytes.open_app(str(db), tmp_path / "home")
    try:
        app.wait_for(i18n._("To dispatch"), timeout=60)
        yield app, str(db)
    finally:
        app.close()


def test_owners_search_refresh_cursor_and_idle_stay_in_budget(terminal):
    app, db = terminal
    app.measure("f2", until=i18n._("Type to search."))
    assert app.idle() == 0, "the search box writes while nobody types (a blinking cursor)"
    app.measure("王", until="王", count=20)  # a full page of 王…
    app.measure("down")  # to the results
    app.measure("slash")  # back to the box, the query selected
    refresh = app.measure("李", until="李", count=20)  # …replaced by a full page of 李…
    assert refresh <= bench_bytes.BUDGETS["refresh"], f"a search refresh wrote {refresh} bytes"
    app.measure("down")  # the results again (the footer's keys change: a whole-screen paint)
    app.measure("down")
    moved = app.measure("down")
    assert 0 < moved <= bench_bytes.BUDGETS["cursor"], f"a cursor move wrote {moved} bytes"
    assert app.idle() == 0
    # Another desk commits something this screen does not show: the search runs again and
    # finds the same rows: nothing is written (it repainted the table, the header and the
    # status line before).
    assert app.after(lambda: bench_bytes.poke(db), bench_bytes.POKE_WAIT_S) == 0


def test_calls_history_refreshed_unchanged_writes_nothing(terminal):
    app, db = terminal
    app.measure("f5", "h", until=i18n._("enter: details"))
    moved = app.measure("down")
    assert 0 < moved <= bench_bytes.BUDGETS["cursor"], f"a cursor move wrote {moved} bytes"
    assert app.idle() == 0
    assert app.after(lambda: bench_bytes.poke(db), bench_bytes.POKE_WAIT_S) == 0

"""Bytes over SSH (issue 21): the real app in a pseudo-terminal of 120×40 on a copy of the
demo database writes at most 20 KB for a search refresh on the owners screen (the table
painted once), at most 2 KB for a cursor move, nothing while idle, and nothing when another
desk's change leaves what it shows as it was (tui/bench_bytes.py measures; `frontdesk
bench` prints the same figures). A new result is painted once: the owners' first search and a
queue view change stay within a search refresh, and a focus move between the search box
and its results repaints the box, the cursor's row and the footer, not the table.

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


# --- each new result painted once (issue 21 item 2) -------------------------------------------
# A table given new rows was painted, then painted again when Textual measured the rows on its
# idle and the scrollbar came; a focus move repainted the whole screen. A screen at 120×40 is
# 20–31 KB: a result painted twice is over the 20 KB of a search refresh.


def test_owners_first_search_paints_the_results_once(terminal):
    app, _db = terminal
    app.measure("f2", until=i18n._("Type to search."))
    first = app.measure("王", until="王", count=20)  # an empty table filled with a page of 王…
    assert first <= bench_bytes.BUDGETS["refresh"], f"the first search wrote {first} bytes"


def test_moving_into_the_results_and_back_repaints_the_box_the_cursor_row_and_the_footer(terminal):
    app, _db = terminal
    app.measure("f2", until=i18n._("Type to search."))
    app.measure("李", until="李", count=20)
    # ↓ to the results: the box's border, the cursor's row (its focused colour) and the
    # footer's keys change; the header and the other rows are not written again (Textual
    # repainted the whole table on focus: 20 KB; a whole screen was 24.5 KB).
    moved = app.measure("down")
    written = bench_bytes.screen_text(bytes(app.output[-moved:]))
    assert i18n._("FrontDesk") not in written, "a focus move repainted the header"
    assert moved <= bench_bytes.BUDGETS["focus"], f"a focus move wrote {moved} bytes"
    assert app.measure("down") <= bench_bytes.BUDGETS["cursor"]  # nothing held for the next key
    back = app.measure("slash")  # …and back to the box, the query selected
    assert back <= bench_bytes.BUDGETS["focus"], f"a focus move back wrote {back} bytes"


def test_queue_view_change_paints_the_table_once(terminal):
    app, _db = terminal
    from data import queue

    first, last = list(queue.VIEWS)[0], list(queue.VIEWS)[-1]
    app.measure("f3", until=bench_bytes._queue_status(first))
    # Another view, another page of rows (and the scrollbar's thumb with them).
    changed = app.measure(str(len(queue.VIEWS)), until=bench_bytes._queue_status(last))
    assert changed <= bench_bytes.BUDGETS["refresh"], f"a view change wrote {changed} bytes"


"""The work-order queue's columns at any terminal width: which fit, how wide, and what each
cell shows (pure: given rows and a width, no screen state)."""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from rich.text import Text

from data import queue
from data.i18n import _
from data.queue import DUE_SOON_HOURS, QueueRow
from data.vocab import PRIORITIES, WORK_ORDER_STATUSES, label
from widgets.safe import plain

#: Taken in this order, one step at a time, while the title is narrower than MIN_TITLE: a
#: column dropped, or ("short") the community names before repeated room codes shortened.
#: An assignee column with nobody in it goes before all of them. The number, the place
#: (with its community when room codes repeat) and the deadline always stay. Without the
#: priority column, a critical or urgent order's title is bold (screens/queue.py).
DROP_ORDER = ("status", "priority", "short", "assignee")
#: The title keeps at least this many cells (ten Chinese characters) before another step of
#: DROP_ORDER is taken; on a phone it gets what is left once every step is taken.
MIN_TITLE = 20


def short_communities(rows: list[QueueRow]) -> dict[str, str]:
    """Each community of `rows` by its shortest head of two or more characters that no other
    community of `rows` shares ("锦绣花园" → "锦绣"; "锦绣花园一期", "锦绣花园二期" stay whole)."""
    names = sorted({row.community for row in rows if row.community})
    longest = max((len(name) for name in names), default=0)
    for n in range(2, longest):
        if len({name[:n] for name in names}) == len(names):
            return {name: name[:n] for name in names}
    return {name: name for name in names}


def queue_place(row: QueueRow, rows: list[QueueRow], *, short: bool = False) -> str:
    """The room code, with the community in front when that code is in two communities
    (shortened to the head that tells it from the page's other communities when `short`)."""
    if not row.room:
        return row.location
    communities = {r.community for r in rows if r.room == row.room}
    if len(communities) < 2:
        return row.room
    name = short_communities(rows)[row.community] if short else row.community
    return f"{name} {row.room}"


def queue_columns(rows: list[QueueRow], width: int, *,
                  reply: bool = False) -> tuple[list[tuple[str, str, int]], bool]:
    """(key, heading, width) of the columns that fit `width` cells: the title takes what the
    others leave; status, priority and assignee go first, the deadline stays. With `reply`
    (the queue filtered to the 12345 hotline's orders) the hotline's reply deadline has a
    column too. Also whether community names are shortened (a phone-sized screen)."""
    def fit(header: str, labels: list[str], cap: int) -> int:
        # Never narrower than the heading: a heading is not cut mid-word.
        return max(cell_len(header), min(cap, max(cell_len(text) for text in [header, *labels])))

    def place_width(short: bool) -> int:
        return max(9, fit(_("Place"), [queue_place(row, rows, short=short) for row in rows], 18))

    short = False
    columns = [
        ("mark", "✓", 1),
        ("number", _("No."), 16),
        ("title", _("Title"), 0),
        ("place", _("Place"), place_width(False)),
        ("priority", _("Priority"), fit(_("Priority"), [label(PRIORITIES, p) for p in PRIORITIES], 13)),
        ("status", _("Status"), fit(_("Status"), [label(WORK_ORDER_STATUSES, s) for s in WORK_ORDER_STATUSES], 11)),
        ("assignee", _("Assignee"), fit(_("Assignee"), [row.assignee for row in rows], 6)),
        ("due", _("Due"), 8),
    ]
    if reply:
        columns.insert(-1, ("reply", _("Reply by"), 8))

    def title_room(cols: list[tuple[str, str, int]]) -> int:
        # Two cells of padding per column and two for the vertical scrollbar.
        return width - sum(w for _k, _h, w in cols) - 2 * len(cols) - 2

    # An assignee column with nobody in it (orders still to dispatch) tells nothing: it goes first.
    steps = ["assignee", *DROP_ORDER] if rows and not any(row.assignee for row in rows) else DROP_ORDER
    for step in dict.fromkeys(steps):
        if title_room(columns) >= MIN_TITLE:
            break
        if step == "short":
            short = True
            columns = [(k, h, place_width(True) if k == "place" else w) for k, h, w in columns]
        else:
            columns = [c for c in columns if c[0] != step]
    return [(k, h, max(6, title_room(columns)) if k == "title" else w) for k, h, w in columns], short


def reply_cell(row: QueueRow, at: dt.datetime) -> Text:
    """The 12345 reply deadline of a row: its countdown (red once overdue, yellow when due
    soon), 已答复 once the reply is recorded, empty for an order not from the hotline."""
    if row.reply_due is None:
        return Text("")
    if row.replied:
        return Text(_("replied"), style="green", justify="right")
    style = ""
    if row.reply_overdue:
        style = "bold red"
    elif row.reply_due - at <= dt.timedelta(hours=DUE_SOON_HOURS):
        style = "yellow"
    return Text(queue.countdown(row.reply_due, at), style=style, justify="right")


def queue_cells(row: QueueRow, at: dt.datetime, *, marked: bool, place: str) -> dict[str, Text]:
    """Every cell of one queue row, by column key: the deadline red when missed, yellow when
    due soon, dim while on hold (its clock is stopped)."""
    style = ""
    if row.overdue:
        style = "bold red"
    elif row.status == "on_hold":
        style = "dim"
    elif row.deadline is not None and row.deadline - at <= dt.timedelta(hours=DUE_SOON_HOURS):
        style = "yellow"
    due = Text(queue.countdown(row.deadline, at), style=style, justify="right")
    priority = Text(label(PRIORITIES, row.priority),
                    style="bold" if row.priority in ("critical", "urgent") else "")
    return {
        "reply": reply_cell(row, at),
        "mark": Text("✓" if marked else "", style="bold"),
        "number": Text(row.number),
        "title": plain(row.title),
        "place": plain(place),
        "priority": priority,
        "status": Text(label(WORK_ORDER_STATUSES, row.status)),
        "assignee": plain(row.assignee),
        "due": due,
    }

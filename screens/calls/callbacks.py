"""The callbacks of the calls screen (c): mine and those nobody was given (or everyone's)
by due time, the overdue ones in red; enter calls one back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label

from data import calls as call_data
from data.clock import now as clock_now
from data.errors import FrontDeskError
from data.i18n import N_, _
from screens.calls.pane import CallLogPane, RevealedNumbers, cursor_row, id_at, row_of
from widgets.paint import update_label
from widgets.safe import plain


class CallbacksPane(CallLogPane):
    """The callbacks still to make; enter on one asks the screen to call it back."""

    BINDINGS = [
        Binding("d", "dial", N_("Dial"), tooltip=N_("Dial the selected number")),
        Binding("m", "toggle_mine", N_("Mine/all"), show=False),
        Binding("r,R", "reveal", N_("Reveal"), tooltip=N_("Show the selected call's number in full (recorded)")),
    ]
    TYPED_KEYS = CallLogPane.TYPED_KEYS | {"dial", "toggle_mine", "reveal"}
    TABLE = "#callbacks-table"
    NUMBER_COLUMN = 1

    class CallbacksLoaded(Message):
        def __init__(self, rows: list, at: dt.datetime) -> None:
            super().__init__()
            self.rows, self.at = rows, at

    class CallbackPicked(Message):
        """enter on a callback: the screen starts the outbound call (saving it marks the
        callback done)."""

        def __init__(self, call: Any) -> None:
            super().__init__()
            self.call = call

    def __init__(self, revealed: RevealedNumbers, *, id: str | None = None,  # noqa: A002
                 wanted: int | None = None) -> None:
        super().__init__(revealed, id=id)
        self.mine = True
        self.wanted = wanted  # the call the first fill puts the cursor on (it was picked elsewhere)

    def compose(self) -> ComposeResult:
        yield Label("", id="callbacks-status", markup=False)
        yield DataTable(id="callbacks-table", cursor_type="row", zebra_stripes=True)

    def load(self) -> None:
        self.load_callbacks()

    def focus_pane(self) -> None:
        self.query_one("#callbacks-table").focus()

    @work(thread=True, exclusive=True, group="call-callbacks", exit_on_error=False)
    def load_callbacks(self) -> None:
        try:
            # Mine: mine, and those assigned to nobody (calls a queue missed: anyone calls back).
            rows = call_data.callbacks(self.app.staff.id if self.mine else None, at=clock_now(),
                                       unassigned=True)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(self.CallbacksLoaded(rows, clock_now()))

    def on_callbacks_pane_callbacks_loaded(self, message: CallbacksLoaded) -> None:
        self.show_loaded(self._show_callbacks, message)

    def _show_callbacks(self, message: CallbacksLoaded) -> None:
        at = message.at
        table = self.query_one("#callbacks-table", DataTable)
        cursor = table.cursor_row
        keep = self.wanted if self.wanted is not None else id_at(self.rows, cursor)
        self.wanted = None  # the first fill only: later ones keep the clerk's place
        self.rows = list(message.rows)
        overdue = 0
        rows = []
        for call in self.rows:
            late = call.callback_due is not None and call.callback_due < at
            overdue += late
            style = "bold red" if late else ""
            rows.append((Text(call.callback_due.strftime("%m-%d %H:%M") if call.callback_due else "", style=style),
                         Text(self.revealed.shown(call), style=style), plain(call.person or ""),
                         plain(call.callback_assignee or _("anyone")),
                         plain(call.summary.replace("\n", " "))))
        self.fill(table, [(_("Due"), 11), (_("Number"), 13), (_("Name"), 6), (_("Assignee"), 6),
                          (_("Summary"), 0)], 4, rows)
        if self.rows:
            table.move_cursor(row=row_of(self.rows, keep, cursor))
        whose = _("My callbacks") if self.mine else _("All callbacks")
        status = Text(_("{whose}: {count}").format(whose=whose, count=len(self.rows)))
        if overdue:
            status.append(" · ")
            status.append(_("{n} overdue").format(n=overdue), style="bold red")
        status.append(" · " + _("enter calls back · d dials · m mine/all"))
        update_label(self.query_one("#callbacks-status", Label), status)

    def action_toggle_mine(self) -> None:
        self.mine = not self.mine
        self.load_callbacks()

    def action_dial(self) -> None:
        """d: dial the selected callback's number."""
        row = cursor_row(self.query_one("#callbacks-table", DataTable), self.rows)
        number, who = (row.number, row.person) if row is not None else ("", "")
        self.dial_selected(number, who)

    @on(DataTable.RowSelected, "#callbacks-table")
    def _callback_selected(self) -> None:
        row = cursor_row(self.query_one("#callbacks-table", DataTable), self.rows)
        if row is not None:
            self.post_message(self.CallbackPicked(row))

"""What the calls screen's panes share: the modes and their keys, the pane base (dialling,
tables, first fill), masked numbers in the log, scripts, and small helpers."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import getters, work
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Input, TextArea

from data import calls as call_data
from data import privacy
from data.dialout import DialResult, dial, dial_command
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.validators import mask_phone
from screens import call_forms as forms
from widgets.bindings import translate_bindings
from widgets.paint import looks, size_now
from widgets.saving import DeskWrites

if TYPE_CHECKING:
    from screens.calls.screen import CallsScreen
    from widgets.desk import DeskApp

#: The screen's modes: key, tab title.
MODES = {
    "call": ("n", N_("Call")),
    "list": ("o", N_("Call lists")),
    "history": ("h", N_("History")),
    "stats": ("t", N_("Statistics")),
    "callbacks": ("c", N_("Callbacks")),
}

#: The keys of the tabs: the host's, and first in every pane so that the footer reads
#: them before the pane's own keys, as it does when nothing is focused.
TAB_BINDINGS = [
    Binding("n", "new_call", N_("New call"), tooltip=N_("Answer an inbound call: timer, match, script")),
    Binding("o", "mode('list')", N_("Lists"), tooltip=N_("Work a call list (回访, 外呼) item by item")),
    Binding("h", "mode('history')", N_("History"), tooltip=N_("Every call, filtered, a page at a time")),
    Binding("t", "mode('stats')", N_("Stats"), tooltip=N_("Calls per day, category and outcome")),
    Binding("c", "mode('callbacks')", N_("Callbacks"), tooltip=N_("My callbacks by due time")),
]

#: A new callback is due this long after the call, by default.
CALLBACK_AFTER = dt.timedelta(hours=2)
#: The work-order kind a call category suggests (anything else: repair).
CATEGORY_KIND = {"repair": "repair", "complaint": "complaint", "inquiry": "inquiry"}

_PHONE_LIKE = re.compile(r"[0-9０-９\s\-+()（）#*转]+")


#: The key that turns a call into a lead (潜在客户), on the call panel and in the history:
#: shown to the roles that may work on leads (data/access.py "lead.manage").
LEAD_BINDING = Binding("l", "lead", N_("Lead"), tooltip=N_("Turn the call into a lead (潜在客户): number and summary filled"))


def lead_prefill(number: str, name: str, summary: str, community: str = "",
                 community_id: int | None = None) -> dict[str, str]:
    """The new-lead form's values from a call: its number, the caller's name, its summary
    as the note, source 来电, and the community (the caller's room's, else the clerk's)."""
    from data.property import list_communities

    found = next((c.id for c in list_communities() if c.name == community), None) if community else None
    chosen = found if found is not None else community_id
    return {"phones": number, "name": name, "note": summary, "source": "phone",
            "community": str(chosen) if chosen else ""}


def looks_like_number(text: str) -> bool:
    """True when the clerk typed a phone number (7 digits or more) rather than a name, a
    room such as 3-2-501 or a phone tail, which are searched."""
    text = text.strip()
    return _PHONE_LIKE.fullmatch(text) is not None and sum(c.isdigit() for c in text) >= 7


def phone_like(text: str) -> bool:
    """True when `text` is made of what a phone number is written with (110, 95588 …)."""
    return _PHONE_LIKE.fullmatch(text) is not None


def timer_now() -> float:
    """The call timer's clock: `screens.calls.monotonic`, looked up at each call so that
    tests can freeze it where they always have."""
    return importlib.import_module("screens.calls").monotonic()


def read_scripts(category: str | None, person_id: int | None, work_order_id: int | None,
                 room_id: int | None = None) -> list[tuple[str, str]]:
    """The scripts of `category`, filled for the person and work order (and the room of a
    催缴 item): (title, body)."""
    filled = []
    try:
        for script in call_data.scripts(category or "other"):
            filled.append((script.title, call_data.fill_script(
                script.body, person_id=person_id, work_order_id=work_order_id, room_id=room_id)))
    except FrontDeskError as exc:
        filled = [(_("Script"), exc.message)]
    return filled


class RevealedNumbers:
    """Calls whose number `r` revealed (recorded); the log shows the others masked. One
    per screen, shared by the history and the callbacks.

    The live call panel (the caller's number as typed or matched) and the dial-out
    BigNumberModal show numbers in full: the clerk is talking to that number, or must read
    it to dial it by hand. A call list item is the number about to be dialled, likewise.
    """

    def __init__(self) -> None:
        self.ids: set[int] = set()

    def __contains__(self, call_id: object) -> bool:
        return call_id in self.ids

    def shown(self, call: Any) -> str:
        """A logged call's number: masked unless `r` revealed it."""
        if not call.number or call.id in self.ids:
            return call.number
        return mask_phone(call.number)



class CallsPane(DeskWrites, Vertical):
    """One mode of the calls screen. Its keys come after the tabs' keys (see TAB_BINDINGS);
    letters and digits are off while the focus is in a text field."""

    BINDINGS = [*TAB_BINDINGS]

    if TYPE_CHECKING:
        app = getters.app(DeskApp)

    #: Actions whose key is a letter or a digit: off while the focus is in a text field.
    TYPED_KEYS: frozenset[str] = frozenset({"new_call", "mode"})

    class Dialled(Message):
        """The dial command ran (result), or there is none (None)."""

        def __init__(self, number: str, who: str, result: DialResult | None) -> None:
            super().__init__()
            self.number, self.who, self.result = number, who, result

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        translate_bindings(self)
        self._filled = False
        #: What each table shows: its columns and how each row reads (widgets.paint.looks).
        self._painted: dict[int, tuple[list[tuple[str, int]], list[tuple]]] = {}

    @property
    def host(self) -> CallsScreen:
        return self.screen  # type: ignore[return-value]

    def load(self) -> None:
        """Read what the pane shows (when its tab is chosen, and on resume)."""

    def focus_pane(self) -> None:
        """Focus what the pane needs when its tab is chosen."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing in a text field, letters and digits are text, not commands.
        if action in self.TYPED_KEYS and isinstance(self.screen.focused, (Input, TextArea)):
            return False
        return True

    # the tabs' keys, which the host carries out

    def action_new_call(self) -> None:
        self.host.action_new_call()

    def action_mode(self, mode: str) -> None:
        self.host.action_mode(mode)

    # the first fill of a table

    def show_loaded(self, show: Callable[[Any], None], values: Any) -> None:
        """Show what a worker read; the first time after the first layout: a DataTable
        filled before it keeps header-wide columns in a real terminal (seen with Textual
        8.2.8, as on the home screen)."""
        if self._filled:
            show(values)
        else:
            self._filled = True
            self.call_after_refresh(show, values)

    def columns(self, table: DataTable, columns: list[tuple[str, int]], flexible: int) -> None:
        """Set columns; the `flexible` one takes what the others, padding and the scrollbar leave."""
        table.clear(columns=True)
        for title, width in self._widths(columns, flexible):
            table.add_column(title, width=width)

    def _widths(self, columns: list[tuple[str, int]], flexible: int) -> list[tuple[str, int]]:
        fixed = sum(w for i, (_t, w) in enumerate(columns) if i != flexible)
        return [(title, max(8, self.app.size.width - fixed - 2 * len(columns) - 2) if i == flexible else width)
                for i, (title, width) in enumerate(columns)]

    def fill(self, table: DataTable, columns: list[tuple[str, int]], flexible: int,
             rows: Sequence[tuple[Text, ...]]) -> None:
        """Set the columns (as `columns`) and the rows; over SSH every repaint costs (issue
        21): the same rows again (a refresh after a change elsewhere) leave the table alone,
        and new rows under the same columns keep the columns, painted once."""
        widths = self._widths(columns, flexible)
        drawn = [looks(row) for row in rows]
        shown = self._painted.get(id(table))
        if shown == (widths, drawn):
            return
        if shown is None or shown[0] != widths:
            table.clear(columns=True)
            for title, width in widths:
                table.add_column(title, width=width)
        else:
            table.clear()
        for row in rows:
            table.add_row(*row)
        size_now(table)  # laid out once, with the rows (widgets.paint.size_now)
        self._painted[id(table)] = (widths, drawn)

    # dialling out

    def dial_selected(self, number: str, who: str) -> None:
        """d: dial the number in front of the clerk, if there is one."""
        if not number:
            self.notify(_("No number to dial here."), severity="warning", markup=False)
            return
        self.run_dial(number, who)

    @work(thread=True, exclusive=True, group="call-dial", exit_on_error=False)
    def run_dial(self, number: str, who: str) -> None:
        """Run the dial command in a worker (it may take seconds); none: show the number."""
        command = dial_command()
        result = dial(command, number) if command else None
        self.post_message(self.Dialled(number, who, result))

    def on_calls_pane_dialled(self, message: Dialled) -> None:
        message.stop()
        result = message.result
        if result is None:
            self.app.push_screen(forms.BigNumberModal(message.number, message.who,
                                                      _("No dial command is configured: dial it by hand.")))
        elif result.ok:
            self.notify(result.message, markup=False)
        else:
            self.notify(result.message, severity="error", markup=False, timeout=12)
            self.app.push_screen(forms.BigNumberModal(message.number, message.who, result.message))


def cursor_row(table: DataTable, rows: list) -> Any:
    """The record under the table's cursor, or None."""
    if not rows or table.cursor_row < 0:
        return None
    return rows[min(table.cursor_row, len(rows) - 1)]


def id_at(rows: list, cursor: int) -> int | None:
    """The id of the record at row `cursor` of a table showing `rows`."""
    return getattr(rows[cursor], "id", None) if 0 <= cursor < len(rows) else None


def row_of(rows: list, keep: int | None, cursor: int) -> int:
    """Where the cursor goes after a refill: on the record it was on, else where it was."""
    ids = [getattr(row, "id", None) for row in rows]
    return ids.index(keep) if keep is not None and keep in ids else min(max(cursor, 0), len(rows) - 1)


def quarter(at: dt.datetime) -> dt.datetime:
    """`at` rounded up to the next quarter hour (a time a clerk would say)."""
    at = at.replace(second=0, microsecond=0)
    return at + dt.timedelta(minutes=-at.minute % 15)


class CallLogPane(CallsPane):
    """A pane of logged calls in a table (history, callbacks): their numbers masked
    unless `r` revealed them (RevealedNumbers, shared by the screen's panes)."""

    #: The table's id and the column of the number, set by each pane.
    TABLE = ""
    NUMBER_COLUMN = 0

    def __init__(self, revealed: RevealedNumbers, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.revealed = revealed
        self.rows: list = []

    def toggle_reveal(self, call: Any, then: Callable[[], object]) -> None:
        """Reveal a call's number through the data layer (recorded) — in a worker (DeskWrites:
        behind another desk it says so, leaving gives it up) — or mask it again; then
        `then()`. A refusal is said, and `then` not run."""
        revealed = self.revealed
        if call.id in revealed.ids:
            revealed.ids.discard(call.id)
            then()
            return
        call_id, staff_id = call.id, self.app.staff.id

        def shown(_number: Any) -> None:
            revealed.ids.add(call_id)
            then()

        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="error", markup=False, timeout=8)

        self.run_write(lambda: privacy.reveal_call_number(call_id, staff_id=staff_id), done=shown,
                       refused=refused)

    def action_reveal(self) -> None:
        """r: the selected call's number in full; r again masks it."""
        table = self.query_one(self.TABLE, DataTable)
        call = cursor_row(table, self.rows)
        if call is not None:
            self.toggle_reveal(call, lambda: self._show_number(table, call))

    def _show_number(self, table: DataTable, call: Any) -> None:
        at = next((i for i, row in enumerate(self.rows) if row.id == call.id), None)
        if at is None or at >= table.row_count:
            return  # the page was read again meanwhile (it shows the number as it is now)
        where = Coordinate(at, self.NUMBER_COLUMN)
        old = table.get_cell_at(where)
        table.update_cell_at(where, Text(self.revealed.shown(call), style=getattr(old, "style", "")))

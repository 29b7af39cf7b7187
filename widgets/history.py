"""The history panel (issue 7): one record's audit trail — who created, changed, deleted or
revealed what, and when — as a modal. The panel shows the rows it is given, as plain texts
(`HistoryRow`); reading them, turning audit entries into rows, and asking whether the
signed-in role may (`audit.read`), is the screens' part (`screens.audit_trail.show_history`,
which every screen's `H` calls).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label

from data.i18n import N_, _
from widgets.desk import DeskModal
from widgets.safe import plain
from widgets.tables import fill_table


@dataclass(frozen=True)
class HistoryRow:
    """One audit row as the panel shows it: time, who, what was done, which field (or part
    of the record), and the change — all plain text."""

    at: str
    who: str
    action: str
    where: str
    change: str

    def cells(self) -> tuple[str, str, str, str, str]:
        return astuple(self)


class HistoryModal(DeskModal[None]):
    """One record's audit trail, newest first; `/` narrows it, enter shows a whole row,
    escape closes. Texts are shown as typed (never markup). It opens at once, saying it is
    reading, and shows the rows when a `HistoryLoaded` message brings them."""

    DEFAULT_CSS = """
    HistoryModal { align: center middle; }
    HistoryModal > Vertical {
        width: 100%; max-width: 110; height: 100%; max-height: 32;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    HistoryModal #history-title { text-style: bold; width: 100%; }
    HistoryModal #history-filter { margin: 0; }
    HistoryModal DataTable { height: 1fr; }
    HistoryModal #history-status { color: $text-muted; width: 100%; }
    """
    BINDINGS = [
        Binding("escape", "close", N_("Close")),
        Binding("slash", "search", N_("Search"), key_display="/"),
        Binding("enter", "show_entry", N_("Whole change"), show=False),
    ]

    class HistoryLoaded(Message):
        """The audit rows were read (or refused: `error`); `more` says older rows exist
        beyond those read."""

        def __init__(self, entries: list[HistoryRow], error: str = "", *, more: bool = False) -> None:
            super().__init__()
            self.entries, self.error, self.more = entries, error, more

    def __init__(self, title: str) -> None:
        """`title` names the record whose history this is."""
        super().__init__()
        self.title_text = title
        self.entries: list[HistoryRow] = []
        self.shown: list[HistoryRow] = []
        self.more = False
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(_("History: {what}").format(what=self.title_text)), id="history-title")
            yield Input(placeholder=_("Search: staff, field or value"), id="history-filter", compact=True)
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Label(_("Reading the history …"), id="history-status", markup=False)

    def on_mount(self) -> None:
        self.query_one("#history-table", DataTable).focus()

    @staticmethod
    def _headers() -> tuple[str, ...]:
        return (_("Time"), _("Who"), _("Action"), _("Field"), _("Change"))

    def on_history_modal_history_loaded(self, message: HistoryLoaded) -> None:
        if message.error:
            self.app.notify(message.error, severity="error", markup=False, timeout=8)
            self.dismiss(None)
            return
        self.entries, self.more = message.entries, message.more
        self.loaded = True
        self._fill()

    @staticmethod
    def _matches(entry: HistoryRow, words: list[str]) -> bool:
        haystack = " ".join(entry.cells()).casefold()
        return all(word in haystack for word in words)

    def _fill(self) -> None:
        words = self.query_one("#history-filter", Input).value.casefold().split()
        self.shown = [e for e in self.entries if self._matches(e, words)] if words else list(self.entries)
        rows = [tuple(plain(cell) for cell in e.cells()) for e in self.shown]
        fill_table(self.query_one("#history-table", DataTable), self._headers(), rows)
        if not self.entries:
            status = _("Nothing recorded yet.")
        elif words:
            status = _("{shown} of {count} rows match").format(shown=len(self.shown), count=len(self.entries))
        else:
            status = _("{count} rows, newest first").format(count=len(self.entries))
            if self.more:
                status += " · " + _("older ones: frontdesk audit")
        status += " · " + _("/ search · enter: whole change · esc: close")
        self.query_one("#history-status", Label).update(Text(status))

    @on(Input.Changed, "#history-filter")
    def _filter_changed(self) -> None:
        if self.loaded:
            self._fill()

    @on(Input.Submitted, "#history-filter")
    def _filter_submitted(self) -> None:
        self.query_one("#history-table", DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "/" typed in the search field is text.
        return not (action == "search" and isinstance(self.focused, Input))

    def action_search(self) -> None:
        self.query_one("#history-filter", Input).focus()

    def action_show_entry(self) -> None:
        table = self.query_one("#history-table", DataTable)
        if self.focused is not table or not self.shown:
            return
        entry = self.shown[min(table.cursor_row, len(self.shown) - 1)]
        self.app.notify(" ".join(b for b in entry.cells() if b), markup=False, timeout=10)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_show_entry()

    def action_close(self) -> None:
        self.dismiss(None)

"""A short list in a modal (a technician, a saved filter, who is calling …): enter or y takes
the highlighted row, escape cancels; or a read-only report that enter and escape close."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from data.i18n import N_, _
from widgets.desk import DeskModal
from widgets.safe import plain


@dataclass(frozen=True)
class PickRow:
    """One row of a PickerModal: cells (shown as text) and the value it stands for."""

    cells: tuple[str, ...]
    value: Any = None
    style: str = ""
    #: Lines the row takes; None: as many as its cells need (a cell may hold a line break).
    height: int | None = 1


class PickerModal(DeskModal[Any]):
    """A short list in a modal: enter or y takes the highlighted row, escape cancels.

    With `selectable=False` it is a read-only report: enter and escape close it.
    """

    DEFAULT_CSS = """
    PickerModal { align: center middle; }
    PickerModal > Vertical {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PickerModal #picker-title { text-style: bold; }
    PickerModal DataTable { height: auto; max-height: 14; }
    PickerModal #picker-hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("y", "accept", N_("Take it")),
        Binding("escape", "cancel", N_("Cancel")),
        Binding("j", "cursor_down", N_("Down"), show=False),
        Binding("k", "cursor_up", N_("Up"), show=False),
    ]

    def __init__(self, title: str, columns: Sequence[tuple[str, int | None]], rows: list[PickRow], *,
                 hint: str = "", selectable: bool = True, empty: str = "") -> None:
        super().__init__()
        self.picker_title = title
        self.columns = columns
        self.rows = rows
        self.hint = hint or (_("enter / y: take the highlighted row · esc: cancel") if selectable
                             else _("enter / esc: close"))
        self.selectable = selectable
        self.empty = empty

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.picker_title), id="picker-title")
            yield DataTable(id="picker-table", cursor_type="row", zebra_stripes=True)
            if not self.rows and self.empty:
                yield Label(self.empty, markup=False)
            yield Label(self.hint, id="picker-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for title, width in self.columns:
            table.add_column(title, width=width)
        for row in self.rows:
            table.add_row(*(plain(cell, style=row.style) for cell in row.cells), height=row.height)
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_accept()

    def action_accept(self) -> None:
        if not self.selectable or not self.rows:
            self.dismiss(None)
            return
        table = self.query_one(DataTable)
        self.dismiss(self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)].value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

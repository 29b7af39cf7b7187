"""Filling a DataTable with columns sized to their content, computed up front."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from widgets.safe import safe_cells

#: No column grows wider than this many cells (long notes are cut with an ellipsis).
MAX_WIDTH = 48


def fill_table(table: DataTable, headers: Sequence[str], rows: Sequence[Sequence[Text]]) -> None:
    """Replace the table's columns and rows. Widths are measured here rather than left to
    the DataTable: auto-sized columns of a table filled right after mounting sometimes stay
    as narrow as their headers in a real terminal (Textual 8.2.8). Control characters in
    the cells are shown as ``␛`` … (`widgets.safe`)."""
    rows = [safe_cells(row) for row in rows]
    widths = [cell_len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], min(MAX_WIDTH, cell_len(cell.plain)))
    cursor = table.cursor_row
    table.clear(columns=True)
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, width=width)
    for row in rows:
        table.add_row(*row)
    if rows:
        table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))

"""Painting less over SSH (issue 21): what a table row or a label shows, compared before it
is written again, so that the same content is never repainted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.widget import NoScreen
from textual.widgets import DataTable, Static


def looks(cells: Iterable[Text]) -> tuple[tuple[object, ...], ...]:
    """How `cells` read on screen: text, style, spans, justification (rich's Text equality
    leaves out the style of the whole text)."""
    return tuple((cell.plain, str(cell.style), tuple(cell.spans), cell.justify, cell.no_wrap, cell.overflow)
                 for cell in cells)


def _look(content: str | Text) -> object:
    return looks([content]) if isinstance(content, Text) else content


def update_label(label: Static, content: str | Text) -> None:
    """`label.update(content)` unless it shows that already (an update repaints the label
    and lays the screen out again, whatever its text)."""
    seen = _look(content)
    if getattr(label, "_painted_look", None) != seen:
        label._painted_look = seen  # type: ignore[attr-defined]
        label.update(content)



def rewrite_rows(table: DataTable, shown: list[tuple], rows: list[list[Text]], drawn: list[tuple]) -> bool:
    """Write the rows of `rows` whose look (`drawn`) differs from `shown` in place, painting
    only those lines; False (nothing done) unless the table holds exactly as many rows.

    Textual's own `update_cell` repaints the whole table for each cell (8.2.8), so the cells
    are set in its row data and the render caches invalidated as `update_cell` does, then
    only the changed rows are refreshed: a countdown ticking in one row of fifty costs that
    row, not the table (issue 21)."""
    data = getattr(table, "_data", None)
    if data is None or not hasattr(table, "_update_count") or table.row_count != len(rows) or len(shown) != len(rows):
        return False
    columns = [column.key for column in table.ordered_columns]
    changed = [i for i, (old, new) in enumerate(zip(shown, drawn, strict=True)) if old != new]
    for i in changed:
        row_key = table.coordinate_to_cell_key(Coordinate(i, 0)).row_key
        for column_key, value in zip(columns, rows[i], strict=True):
            data[row_key][column_key] = value
    if changed:
        table._update_count += 1  # the row and line caches are keyed by it
        for i in changed:
            table.refresh_row(i)
    return True


def size_now(table: DataTable) -> None:
    """Measure the rows just added to `table` now, inside the caller's batch, rather than
    when the table next idles.

    Textual's DataTable (8.2.8) sizes new rows on its idle: the screen paints the new rows
    first, then the new virtual size lays the table out again and every row is painted a
    second time (plus the scrollbar, twice): a first search of fifty owners wrote 36 KB where
    a search refresh writes 18 (issue 21). Measured here, the table is laid out once."""
    if not getattr(table, "_require_update_dimensions", False) or not hasattr(table, "_update_dimensions"):
        return
    table._require_update_dimensions = False
    new_rows = table._new_rows.copy()
    table._new_rows.clear()
    table._update_dimensions(new_rows)


class ResultTable(DataTable):
    """A DataTable of results that is painted once per new result (issue 21).

    Textual (8.2.8) gives every scrollable view a new size at every layout of the screen,
    whatever changed: a letter typed in the search box lays the screen out, and the table's
    scrollbar is painted again, in a frame of its own (1.7 KB at 40 lines). Laid out with the
    same sizes as last time, nothing is updated here; a scrollbar changed by a layout is
    painted in that layout's frame, not in one of its own. The screens' CSS keeps the scrollbar
    shown (`overflow-y: scroll`): its coming with a first result laid the table out and
    painted every row twice.

    Moving the focus into the table or out of it repaints the cursor's row, not the table:
    Textual restyles and repaints the whole table on focus and on blur (three times over), 20 KB
    at 120×40 for the ↓ from the search box to its results and as much again back with /. The
    focused table keeps the background it has unfocused (no 5 % tint: the cursor's colour
    says where the focus is)."""

    DEFAULT_CSS = """
    ResultTable, ResultTable:focus { background-tint: transparent; }
    /* The scrollbar is always there (overflow-y: scroll): its empty track takes the table's
       colour, not a black strip beside a few rows; the thumb shows when the rows scroll. */
    ResultTable {
        scrollbar-background: $surface;
        scrollbar-background-hover: $surface;
        scrollbar-background-active: $surface;
    }
    ResultTable > .datatable--header, ResultTable:focus > .datatable--header { background-tint: transparent; }
    """

    #: Component classes whose look only the cursor's row shows (row cursor).
    CURSOR_LOOKS = frozenset({"datatable--cursor", "datatable--fixed-cursor"})

    _laid_out: tuple[Size, Size, Size, Size, object] | None = None
    _restyling_focus = False

    def focus(self, scroll_visible: bool = True) -> Self:
        """`Widget.focus` without its repaint of the whole table (the focus, once moved,
        repaints what it changes: `_move_focus`)."""

        def set_focus(widget: ResultTable) -> None:
            try:
                widget.screen.set_focus(widget, scroll_visible=scroll_visible)
            except NoScreen:
                pass

        self.app.call_later(set_focus, self)
        return self

    def _on_focus(self, event: events.Focus) -> None:
        self._move_focus(event, True)

    def _on_blur(self, event: events.Blur) -> None:
        self._move_focus(event, False)

    def _move_focus(self, event: events.Focus | events.Blur, focused: bool) -> None:
        """What `Widget._on_focus` / `_on_blur` do, repainting only what the focus changes:
        the cursor's row when only the cursor's look changed, else the whole table as they do."""
        event.prevent_default()  # (not Widget's handler: it repaints the whole table)
        own, parts = self.styles.get_render_rules(), dict(self._component_styles)
        self._restyling_focus = True
        try:
            self.has_focus = focused  # restyles the table at once (its watcher)
        finally:
            self._restyling_focus = False
        changed = {name for name in parts.keys() | self._component_styles.keys()
                   if parts.get(name) != self._component_styles.get(name)}
        if own != self.styles.get_render_rules() or self.cursor_type != "row" or not changed <= self.CURSOR_LOOKS:
            self.refresh()
        elif changed:
            self.refresh_row(self.cursor_row)
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self) if focused else events.DescendantBlur(self))

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        if self._restyling_focus and not regions and repaint and not layout and not recompose:
            return self  # the focus's restyle: `_move_focus` repaints what it changed
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        seen = (size, virtual_size, container_size, self.virtual_size, self.styles.gutter)
        if seen == self._laid_out:
            return False
        self._laid_out = seen
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        bar = self._vertical_scrollbar
        compositor = getattr(self.screen, "_compositor", None)
        if bar is not None and bar._repaint_required and compositor is not None and bar in compositor.visible_widgets:
            # Its new thumb is painted in the frame of this layout (called before it is
            # composed), not in one of its own after it.
            compositor._dirty_regions.add(compositor.visible_widgets[bar][0])
            bar._repaint_required = False
        return resized

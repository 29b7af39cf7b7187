"""The parts every register tab is made of: `RegisterTab`, a paged list (a DataTable, a
keyset page at a time) with a filter line (`/`), `n` for a new record (a FormModal),
`enter` for the record's details and actions (a `RecordModal`), page keys; and the
`RecordModal` itself.

A register plugs into the registers screen with one module of this package holding one
`RegisterTab` subclass: its NAME, TITLE, ORDER and the permission (ACTION) that shows it,
its columns, how a page is read (`read_page`, in a worker thread), how a row is shown
(`cells`), and what `n` and `enter` do (`new_record`, `open_record`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import get_current_worker

from data import access
from data.errors import FrontDeskError
from data.i18n import N_, _
from widgets.bindings import defined_bindings, show_in_footer, translate_bindings
from widgets.desk import DeskModal, DeskScreen, PaletteCommand
from widgets.safe import plain, safe_text

if TYPE_CHECKING:
    from widgets.desk import DeskApp

#: The filter waits this long after the last key before it reads (search as you type).
DEBOUNCE_S = 0.25


@dataclass(frozen=True)
class Code:
    """A cell that is never cut: a room code or a reference number, with the community in
    front when there is room for it (shortened to the head that tells it from the page's
    other communities, or left out when it is the only one). Its column is as wide as the
    shortest form needs; free-text cells are cut with "…" instead."""

    text: str
    community: str = ""

    @classmethod
    def place(cls, place: str) -> Code:
        """A place shown as "community room" (the room code is the last word)."""
        community, _sep, room = place.strip().rpartition(" ")
        return cls(room, community.strip())


def short_names(names: Iterable[str]) -> dict[str, str]:
    """Each name by its shortest head of two or more characters no other name shares
    ("锦绣花园" → "锦绣"; "锦绣花园一期", "锦绣花园二期" stay whole), as the queue does."""
    unique = sorted(set(names))
    longest = max((len(name) for name in unique), default=0)
    for n in range(2, longest):
        if len({name[:n] for name in unique}) == len(unique):
            return {name: name[:n] for name in unique}
    return {name: name for name in unique}


def _code_forms(code: Code, short: dict[str, str], several: bool) -> list[str]:
    """The forms of a code cell, longest first; the last is the shortest allowed."""
    if not code.community:
        return [code.text]
    forms = [f"{code.community} {code.text}", f"{short.get(code.community, code.community)} {code.text}"]
    if not several:
        forms.append(code.text)
    return forms


def _fit_cell(cell: Text | str, width: int) -> Text:
    """A free-text cell cut to `width` with "…" (never cut silently)."""
    text = safe_text(cell) if isinstance(cell, Text) else plain(cell)
    if cell_len(text.plain) > width > 1:
        keep = len(text.plain)
        while keep and cell_len(text.plain[:keep]) > width - 1:
            keep -= 1
        text = text[:keep]
        text.append("…")
    return text


class FilterLine(Input):
    """The filter of a tab: what is typed narrows the list; enter, ↓ or escape go back to it
    (↓ as from the owners' search box to its results)."""

    BINDINGS = [Binding("escape", "done", N_("Back to the list"), show=False),
                Binding("down", "done", N_("Back to the list"), key_display="↓")]

    class Done(Message):
        """The clerk is done typing the filter."""

    def action_done(self) -> None:
        self.post_message(self.Done())


class RegisterTab(Vertical):
    """One register on the registers screen: a paged list, a filter line, a form, details.

    Subclasses set the class attributes and implement `read_page`, `cells`, `new_record`
    and `open_record`; the keys, paging, debounced filtering, refreshing and the cursor
    kept on its record across refreshes are here.
    """

    #: Short code of the tab (its id on the screen), its title (message id), where it
    #: stands among the tabs, and the permission (data.access.RULES) that shows it.
    NAME: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    #: A shorter title (message id) for the tab line when the full ones do not fit.
    SHORT: ClassVar[str] = ""
    ORDER: ClassVar[int] = 100
    ACTION: ClassVar[str] = ""
    #: The permission `n` needs (default: ACTION).
    NEW_ACTION: ClassVar[str] = ""
    #: Columns: (title message id, width in cells); FLEXIBLE takes what the others leave.
    COLUMNS: ClassVar[Sequence[tuple[str, int]]] = ()
    FLEXIBLE: ClassVar[int] = 0
    #: The state filters `action_step_state` steps through ("" is every state), and the
    #: one shown.
    STATE_STEPS: ClassVar[Sequence[str]] = ("",)
    state: str = ""
    #: The flexible column is never narrower than this (droppable columns go first).
    MIN_FLEX: ClassVar[int] = 8
    #: The columns given up first when the terminal is narrow (indexes).
    DROPPABLE: ClassVar[Sequence[int]] = ()
    #: Rows a page holds.
    PAGE: ClassVar[int] = 50
    #: What `n` says in the footer.
    NEW_LABEL: ClassVar[str] = N_("New record")
    #: The filter line's placeholder.
    FILTER_HINT: ClassVar[str] = N_("Filter: name, room, plate …")

    BINDINGS = [
        Binding("slash", "focus_filter", N_("Filter"), key_display="/",
                tooltip=N_("Narrow the list as you type; enter goes back to it")),
        Binding("n", "new_record", N_("New record")),
        # Priority: the list's own page keys would only move its cursor within the page.
        Binding("pagedown", "next_page", N_("Next page"), show=False, priority=True),
        Binding("pageup", "previous_page", N_("Previous page"), show=False, priority=True),
    ]
    #: Actions whose key is printable: off while the filter line is being typed in.
    TYPED_KEYS: ClassVar[frozenset[str]] = frozenset({"focus_filter", "new_record"})

    if TYPE_CHECKING:
        app = getters.app(DeskApp)

    class PageRead(Message):
        """A worker read a page for (query, cursor)."""

        def __init__(self, rows: list, next_cursor: Any, status: str, key: tuple[str, Any]) -> None:
            super().__init__()
            self.rows, self.next_cursor, self.status, self.key = rows, next_cursor, status, key

    def __init__(self) -> None:
        super().__init__(id=f"tab-{self.NAME}", classes="register-tab")
        translate_bindings(self)
        # `n` says what it makes in this register (New visitor, New release pass …).
        show_in_footer(self, defined_bindings(self), {"new_record"}, among={"new_record"},
                       descriptions={"new_record": _(self.NEW_LABEL)})
        self.rows: list[Any] = []
        self.cursors: list[Any] = [None]  # the cursor of each page read so far
        self.next_cursor: Any = None
        self.query_text = ""
        self._shown_key: tuple[str, Any] | None = None
        self._last: RegisterTab.PageRead | None = None
        self._filled = False
        #: The record the next page shown puts the cursor on (a record just made).
        self._select: Any = None
        #: Cells a column needs for its codes (never cut) on the page shown.
        self._needed: dict[int, int] = {}

    # --- what a register says --------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return _(cls.TITLE)

    @classmethod
    def short_title(cls) -> str:
        return _(cls.SHORT or cls.TITLE)

    @classmethod
    def may_use(cls) -> bool:
        """Does the signed-in role see this tab?"""
        return not cls.ACTION or access.can(cls.ACTION)

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        """(rows, the next page's cursor or None, a status text) of the page after `after`
        narrowed by `query`. Runs in a worker thread: data/ calls only, no widgets."""
        raise NotImplementedError

    def cells(self, row: Any) -> Sequence[Text | str | Code]:
        """The cells of one row, in COLUMNS order."""
        raise NotImplementedError

    def new_record(self) -> None:
        """`n`: the form for a new record."""

    def open_record(self, row: Any) -> None:
        """`enter`: the record's details and actions."""

    def palette_commands(self) -> Iterable[PaletteCommand]:
        """This register's commands for the palette: (title message id, help, callback)."""
        return ()

    def row_key(self, row: Any) -> Any:
        """What keeps the cursor on a record across refreshes."""
        return getattr(row, "id", None)

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield FilterLine(placeholder=_(self.FILTER_HINT), id=f"{self.NAME}-filter", classes="register-filter")
        yield Label("", id=f"{self.NAME}-status", classes="register-status", markup=False)
        yield DataTable(id=f"{self.NAME}-table", cursor_type="row", zebra_stripes=True,
                        classes="register-table")

    @property
    def table(self) -> DataTable:
        return self.query_one(f"#{self.NAME}-table", DataTable)

    @property
    def filter_line(self) -> FilterLine:
        return self.query_one(f"#{self.NAME}-filter", FilterLine)

    def focus_tab(self) -> None:
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.TYPED_KEYS and isinstance(self.screen.focused, Input):
            return False  # letters and "/" are text while the filter is typed in
        if action == "new_record":
            needed = self.NEW_ACTION or self.ACTION
            return not needed or access.can(needed)
        return True

    # --- reading ---------------------------------------------------------------------------

    def action_step_state(self) -> None:
        """The next state filter of STATE_STEPS (a tab with a state filter), from page one."""
        steps = self.STATE_STEPS
        self.state = steps[(steps.index(self.state) + 1) % len(steps)]
        self.cursors = [None]
        self.load()

    def load(self) -> None:
        """Read the page shown again (the tab was chosen, a record changed, another
        session wrote)."""
        self._read((self.query_text, self.cursors[-1]), wait=False)

    @work(thread=True, exclusive=True, group="register-page", exit_on_error=False)
    def _read(self, key: tuple[str, Any], wait: bool) -> None:
        if wait:
            time.sleep(DEBOUNCE_S)
            if get_current_worker().is_cancelled:
                return
        try:
            rows, next_cursor, status = self.read_page(*key)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(self.PageRead(rows, next_cursor, status, key))

    def on_register_tab_page_read(self, message: PageRead) -> None:
        message.stop()
        if message.key != (self.query_text, self.cursors[-1]):
            return  # read for a filter or page left since
        if self._filled:
            self._show(message)
        else:
            # A DataTable filled before its first layout keeps header-wide columns in a real
            # terminal (Textual 8.2.8, as on the home screen): the first fill waits for it.
            self._filled = True
            self.call_after_refresh(self._show, message)

    def _show(self, message: PageRead) -> None:
        table = self.table
        same = message.key == self._shown_key
        cursor = table.cursor_row if same else 0
        keep = self.row_key(self.rows[cursor]) if same and 0 <= cursor < len(self.rows) else None
        self._shown_key = message.key
        self._last = message
        self.rows = list(message.rows)
        self.next_cursor = message.next_cursor
        rows_cells = [list(self.cells(row)) for row in self.rows]
        forms = self._code_forms(rows_cells)
        columns = self._fit_columns()
        table.clear(columns=True)
        widths = self._widths(columns)
        for index, width in zip(columns, widths, strict=True):
            table.add_column(_(self.COLUMNS[index][0]), width=width)
        width_of = dict(zip(columns, widths, strict=True))
        for cells in rows_cells:
            shown: list[Text] = []
            for i, cell in enumerate(cells):
                if i not in width_of:
                    continue
                if isinstance(cell, Code):
                    options = forms[i][cell]
                    shown.append(plain(next((f for f in options if cell_len(f) <= width_of[i]), options[-1])))
                else:
                    shown.append(_fit_cell(cell, width_of[i]))
            table.add_row(*shown)
        keys = [self.row_key(r) for r in self.rows]
        if self._select is not None:
            if self._select in keys:
                keep = self._select
                self._select = None
            elif self.query_text:
                # The filter hides the new record: clear it (its read comes back here).
                self.filter_line.value = ""
            else:
                self._select = None
        if self.rows:
            table.move_cursor(row=keys.index(keep) if keep is not None and keep in keys
                              else min(max(cursor, 0), len(self.rows) - 1))
        parts = [message.status] if message.status else []
        if len(self.cursors) > 1 or self.next_cursor is not None:
            parts.append(_("page {page}").format(page=len(self.cursors)))
        if self.next_cursor is not None:
            parts.append(_("pgdn more"))
        if self.query_text:
            parts.append(_("filter “{text}”").format(text=self.query_text))
        if not self.rows:
            parts.append(_("nothing here"))
        self.query_one(f"#{self.NAME}-status", Label).update(plain(" · ".join(parts)))

    def _code_forms(self, rows_cells: list[list[Any]]) -> dict[int, dict[Code, list[str]]]:
        """Each code cell's forms by column, and the width each code column needs."""
        forms: dict[int, dict[Code, list[str]]] = {}
        self._needed = {}
        for index in range(len(self.COLUMNS)):
            codes = [cells[index] for cells in rows_cells
                     if index < len(cells) and isinstance(cells[index], Code)]
            if not codes:
                continue
            communities = {code.community for code in codes if code.community}
            short = short_names(communities)
            several = len(communities) > 1
            forms[index] = {code: _code_forms(code, short, several) for code in codes}
            self._needed[index] = max(cell_len(options[-1]) for options in forms[index].values())
        return forms

    def _fit_columns(self) -> list[int]:
        """The columns shown: all when they fit the width, else the droppable ones go."""
        columns = list(range(len(self.COLUMNS)))
        for index in self.DROPPABLE:
            if self._spare(columns) >= self.MIN_FLEX:
                break
            columns.remove(index)
        return columns

    def column_width(self, index: int) -> int:
        """A column's width in cells in the interface language (COLUMNS by default; a
        column of words, such as a state, may fit its longest word instead). A column of
        codes (`Code`) is never narrower than its codes need."""
        return max(self.COLUMNS[index][1], self._needed.get(index, 0))

    def _spare(self, columns: list[int]) -> int:
        fixed = sum(self.column_width(i) for i in columns if i != self.FLEXIBLE)
        return self.app.size.width - fixed - 2 * len(columns) - 2

    def _widths(self, columns: list[int]) -> list[int]:
        # Past the droppable columns, the flexible one takes what is left (never a
        # horizontal scrollbar).
        return [max(4, self._spare(columns)) if i == self.FLEXIBLE else self.column_width(i)
                for i in columns]

    def on_resize(self) -> None:
        if self._last is not None:  # the columns follow the new width
            self._show(self._last)

    # --- keys ------------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.filter_line.focus()

    @on(FilterLine.Done)
    @on(Input.Submitted)
    def _filter_done(self, event: Message) -> None:
        event.stop()
        self.table.focus()

    @on(Input.Changed)
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        text = " ".join(event.value.split())
        if text == self.query_text:
            return
        self.query_text = text
        self.cursors = [None]
        self._read((self.query_text, None), wait=True)

    def action_new_record(self) -> None:
        self.new_record()

    def action_next_page(self) -> None:
        if self.next_cursor is not None:
            self.cursors.append(self.next_cursor)
            self.load()

    def action_previous_page(self) -> None:
        if len(self.cursors) > 1:
            self.cursors.pop()
            self.load()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.selected
        if row is not None:
            self.open_record(row)

    @property
    def selected(self) -> Any:
        """The record under the cursor, or None."""
        if not self.rows or self.table.cursor_row < 0:
            return None
        return self.rows[min(self.table.cursor_row, len(self.rows) - 1)]

    def changed(self, message: str = "", select: Any = None) -> None:
        """A record was written: say so, and read the page again. `select` (the key of a
        record just made, `row_key`) reads the first page and puts the cursor on it, so
        `enter` opens the record just saved, never the one that was on top before."""
        if message:
            self.notify(message, markup=False)
        if select is not None:
            self._select = select
            self.cursors = [None]
        self.load()

    def refused(self, exc: FrontDeskError) -> None:
        self.notify(exc.message, severity="error", markup=False, timeout=10)

    def run_write(self, write: Callable[[], Any], done: Callable[[Any], object],
                  refused: Callable[[FrontDeskError], object] | None = None, *,
                  cancelled: Callable[[], object] | None = None, stays: bool = False,
                  waiting_text: str | None = None, given_up_text: str | None = None,
                  queue: bool = False) -> bool:
        """A write without a form, in a worker of the registers screen (DeskScreen.run_write:
        behind another desk it says so, leaving gives it up — with `stays`, esc gives up the
        write alone); refused, `refused` (by default the data layer's message) says why."""
        screen = self.screen
        assert isinstance(screen, DeskScreen)
        return screen.run_write(write, done=done, refused=refused or self.refused, cancelled=cancelled,
                                stays=stays, waiting_text=waiting_text, given_up_text=given_up_text,
                                queue=queue)

    def record_then_dial(self, look_up: Callable[[], Any], dial: Callable[[Any], object]) -> bool:
        """`d`: the look-up of whom to phone, recorded (`look_up()`, a write: behind another
        desk it says so after a few seconds and esc gives it up, the list staying, nothing
        dialled), then `dial(what it found)` — the dial command in a worker of its own, once
        the look-up is committed (a slow softphone is never taken for another desk). Behind
        another write of this screen it waits its turn (`queue`): a d is never dropped."""
        return self.run_write(look_up, dial, stays=True, queue=True,
                              waiting_text=_("Waiting for another desk before dialling… esc gives it up."),
                              given_up_text=_("Not dialled: given up while waiting for another desk."))

    @property
    def writing(self) -> bool:
        """A write of this tab's screen is on its way."""
        screen = self.screen
        return isinstance(screen, DeskScreen) and screen.writing


def action_bindings(actions: Sequence[tuple[str, str, str]]) -> list[Binding]:
    """The bindings of a RecordModal's actions: (key, action name, label message id)."""
    return [Binding(key, f"choose('{name}')", text) for key, name, text in actions]


class RecordModal(DeskModal[str | None]):
    """One record in full, with its actions: each a key that closes the modal with the
    action's name (the tab carries it out); escape or enter close it. Subclasses list their
    ACTIONS, bind them (`action_bindings`) and say in `offered` which apply to this record."""

    DEFAULT_CSS = """
    RecordModal { align: center middle; }
    RecordModal > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    RecordModal #record-title { text-style: bold; }
    RecordModal #record-body { height: auto; max-height: 16; }
    RecordModal #record-keys { color: $text-muted; }
    """
    #: (key, action name, label message id) of each action the record may offer.
    ACTIONS: ClassVar[Sequence[tuple[str, str, str]]] = ()
    BINDINGS = [Binding("escape,enter", "close", N_("Close"))]

    def __init__(self, title: str, rows: Sequence[tuple[str, str]], *, note: str = "",
                 note_style: str = "") -> None:
        super().__init__()
        self.record_title = title
        self.rows = rows
        self.note = note
        self.note_style = note_style

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.record_title), id="record-title")
            yield Static(self.body(), id="record-body")
            yield Label(self.keys_hint(), id="record-keys", markup=False)

    def body(self) -> Text:
        text = Text()
        if self.note:
            text.append(self.note + "\n", style=self.note_style or "bold")
        for name, value in self.rows:
            if value:
                text.append(f"{name}: ", style="bold")
                text.append(f"{value}\n")
        return safe_text(text)

    def offered(self, action: str) -> bool:
        """Does `action` apply to this record (and may the role take it)?"""
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters:
            return self.offered(str(parameters[0]))
        return True

    def keys_hint(self) -> str:
        """The keys of the actions offered, and esc."""
        parts = [f"{key} {_(text)}" for key, name, text in self.ACTIONS if self.offered(name)]
        parts.append(_("esc close"))
        return " · ".join(parts)

    def action_choose(self, what: str) -> None:
        self.dismiss(what)

    def action_close(self) -> None:
        self.dismiss(None)

"""今日概览: the home screen — live counts for the desk, each a key away from its list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable, Label

from data import overview
from data.clock import now as clock_now
from data.clock import today as clock_today
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.validators import mask_phone
from data.vocab import EVENT_KINDS, NOTIFICATION_KINDS, PRIORITIES, WORK_ORDER_STATUSES, label
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen
from widgets.safe import plain


class Panel(NamedTuple):
    """One count on the home screen and the list behind it."""

    key: str
    id: str
    title: str  # message id
    columns: tuple[tuple[str, int], ...]  # (message id, width in cells)


# Fixed widths (fitting 80 columns): auto-sized columns of a DataTable filled before its
# first layout sometimes stay as narrow as their headers in a real terminal.
PANELS: tuple[Panel, ...] = (
    Panel("1", "new_orders", N_("To dispatch"),
          ((N_("No."), 16), (N_("Title"), 24), (N_("Room"), 10), (N_("Priority"), 8), (N_("Due"), 11))),
    Panel("2", "overdue_orders", N_("Overdue / due soon"),
          ((N_("No."), 16), (N_("Title"), 24), (N_("Room"), 10), (N_("Assignee"), 6), (N_("Due"), 11))),
    Panel("3", "appointments_today", N_("My day"),
          ((N_("Time"), 11), (N_("Kind"), 8), (N_("Title"), 30), (N_("Location"), 20))),
    Panel("4", "callbacks_due", N_("Call back"),
          ((N_("Due"), 11), (N_("Number"), 13), (N_("Name"), 8), (N_("Summary"), 36))),
    Panel("5", "awaiting_visit", N_("Follow-up"),
          ((N_("No."), 16), (N_("Title"), 24), (N_("Room"), 10), (N_("Assignee"), 6), (N_("Status"), 8))),
    Panel("6", "unread_notifications", N_("Unread"),
          ((N_("Time"), 11), (N_("Kind"), 10), (N_("Title"), 50))),
)


#: Counts shown in the error colour when not zero: work orders past (or near) their deadline.
ALARMING = frozenset({"overdue_orders"})


def _hm(value: dt.datetime | None, today: dt.date) -> str:
    if value is None:
        return ""
    if value.date() == today:
        return value.strftime("%H:%M")
    return value.strftime("%m-%d %H:%M")


def _row_key(row: Any) -> object:
    """What a row of a home list stands for (a work order, a call, an occurrence …)."""
    for attr in ("id", "call_id"):
        if hasattr(row, attr):
            return getattr(row, attr)
    return (getattr(row, "event_id", None), getattr(row, "start", None))


#: The column of each panel that takes the room the others leave (callbacks have a summary).
FLEXIBLE = ("Title", "Summary")


def _width(title: str, width: int) -> int:
    """A column's width in this language: the priority column fits its longest word
    (English `Urgent repair`), taken from the title."""
    if title == "Priority":
        return max(width, *(cell_len(label(PRIORITIES, p)) for p in PRIORITIES))
    return width


class CountTiles(Widget):
    """The six counts, each a number with its key and title in a rounded box, the selected
    one highlighted; one widget drawing all six (issue 21, cold start: six bordered widgets
    cost Textual a style match and a box each). At a width where a label would not fit in
    its box (class -narrow), two rows of three without borders, a cell apart."""

    DEFAULT_CSS = """
    CountTiles { width: 1fr; height: 4; }
    """

    def __init__(self) -> None:
        super().__init__(id="tiles")
        self.counts: dict[str, int | None] = {panel.id: None for panel in PANELS}
        self.selected = PANELS[0].id

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts.update(counts)
        self.refresh()

    def select(self, panel_id: str) -> None:
        self.selected = panel_id
        self.refresh()

    def _boxes(self, width: int, narrow: bool) -> list[tuple[int, int, int]]:
        """(x, width, row) of each tile: 1fr each, as Textual shares a width out."""
        if not narrow:
            edges = [width * i // len(PANELS) for i in range(len(PANELS) + 1)]
            return [(edges[i], edges[i + 1] - edges[i], 0) for i in range(len(PANELS))]
        columns = 3
        room = max(0, width - (columns - 1))  # a cell of gutter between columns
        edges = [room * i // columns for i in range(columns + 1)]
        return [(edges[i % columns] + i % columns, edges[i % columns + 1] - edges[i % columns], i // columns)
                for i in range(len(PANELS))]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        narrow = self.has_class("-narrow")
        variables = self.app.theme_variables
        base = self.rich_style
        background = self.background_colors[1]
        selected_bg = (background + Color.parse(variables.get("boost", "transparent"))).rich_color
        muted = Color.parse(variables.get("primary-muted", "blue")).rich_color
        accent = Color.parse(variables.get("accent", "yellow")).rich_color
        error = Color.parse(variables.get("error", "red")).rich_color
        segments: list[Segment] = []
        x = 0
        for panel, (left, box, row) in zip(PANELS, self._boxes(width, narrow), strict=True):
            if narrow and y // 2 != row:
                continue
            if left > x:
                segments.append(Segment(" " * (left - x), base))
            x = left + box
            selected = panel.id == self.selected
            style = base + Style(bgcolor=selected_bg) if selected else base
            line = y % 2 if narrow else y - 1  # 0: the count, 1: key and title
            inner = box if narrow else box - 2
            if not narrow:
                border = Style(color=accent if selected else muted, bgcolor=style.bgcolor)
                if y in (0, 3):
                    ends = "╭╮" if y == 0 else "╰╯"
                    segments.append(Segment(ends[0] + "─" * max(0, box - 2) + ends[1], border))
                    continue
                segments.append(Segment("│", border))
            if line == 0:
                count = self.counts[panel.id]
                text, text_style = ("…" if count is None else str(count)), style + Style(bold=True)
                if count and panel.id in ALARMING:  # work past its deadline: red, as in the lists
                    text_style += Style(color=error)
            else:
                text, text_style = f"{panel.key} {_(panel.title)}", style
            text = set_cell_size(text, min(cell_len(text), max(0, inner)))
            pad = max(0, inner - cell_len(text))
            segments += [Segment(" " * (pad // 2), style), Segment(text, text_style),
                         Segment(" " * (pad - pad // 2), style)]
            if not narrow:
                segments.append(Segment("│", border))
        if x < width:
            segments.append(Segment(" " * (width - x), base))
        return Strip(segments, width)


#: The longest the home screen's first read may take on the UI thread before its first paint,
#: seconds (about 10 ms on the demo): a slower one is given up and read in a worker.
FIRST_READ_S = 0.05


class HomeScreen(DeskScreen):
    """Counts of new and overdue work orders, my day, callbacks and unread notifications."""

    CSS_PATH = Path(__file__).parent / "home.tcss"  # absolute: subclasses elsewhere keep it
    BINDINGS = [
        Binding("1", "show_panel('new_orders')", N_("To dispatch"), show=False),
        Binding("2", "show_panel('overdue_orders')", N_("Overdue / due soon"), show=False),
        Binding("3", "show_panel('appointments_today')", N_("My day"), show=False),
        Binding("4", "show_panel('callbacks_due')", N_("Call back"), show=False),
        Binding("5", "show_panel('awaiting_visit')", N_("Follow-up"), show=False),
        Binding("6", "show_panel('unread_notifications')", N_("Unread"), show=False),
        Binding("left,h", "step_panel(-1)", N_("Previous list"), show=False),
        Binding("right,l", "step_panel(1)", N_("Next list"), show=False),
        Binding("r", "refresh_counts", N_("Refresh")),
        Binding("d", "open_registers", N_("Registers"),
                tooltip=N_("访客, 放行条 … the front desk's registers (登记)")),
        # In F1, not the footer (kept as it is at 80 columns): the whole duty roster (值班表),
        # the knowledge base (知识库).
        Binding("D", "show_duty", N_("On duty"), show=False,
                tooltip=N_("Today's whole duty roster: every shift, who, hours and phone (值班表)")),
        Binding("K", "open_knowledge", N_("Knowledge base"), show=False,
                tooltip=N_("Tips and solutions: search 漏水, 跳闸 … (also ctrl+p 知识库)")),
        # Supervisors: the inspection flags (missed or late routes, legal inspections due).
        Binding("i", "focus_flags", N_("Inspection flags"), show=False,
                tooltip=N_("Missed or late inspections, legal inspections due: enter opens them")),
    ]

    class DutyLoaded(Message):
        """Today's duty roster was read, as one line."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class CountsLoaded(Message):
        """Counts and the selected list were read from the database."""

        def __init__(self, counts: overview.HomeCounts, panel: str, rows: list[Any]) -> None:
            super().__init__()
            self.counts = counts
            self.panel = panel
            self.rows = rows

    class FlagsLoaded(Message):
        """The supervisor's inspection flags were read."""

        def __init__(self, flags: list[overview.FlagRow]) -> None:
            super().__init__()
            self.flags = flags

    def __init__(self) -> None:
        super().__init__(id="home")
        self.flags: list[overview.FlagRow] = []
        self.selected = PANELS[0].id
        self.counts: overview.HomeCounts | None = None
        self.rows: list[Any] = []  # what each row of the list stands for
        self._filled_panel: str | None = None  # the list the table shows
        self._filled_width = 0  # the terminal's width its columns were fitted to
        self._first_read = False  # the first read is done or asked for (after the first paint)
        self._first_shown = False  # the first counts are on screen (the rest read after them)

    @property
    def screen_title(self) -> str:
        return _("Today")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield CountTiles()
        yield Label("", id="duty-line", markup=False)
        yield Label("", id="list-title", markup=False)
        yield DataTable(id="home-list", cursor_type="row", zebra_stripes=True)
        # The supervisor's flags table (#home-flags) is mounted after the list when there
        # are flags to show (most roles have none): on_home_screen_flags_loaded.
        yield self.footer()

    def on_mount(self) -> None:
        self._mark_selected()
        self._fit_tiles()
        self.query_one("#home-list", DataTable).focus()
        # The first counts, read now when that is quick (FIRST_READ_S): the first paint then
        # shows them, and the screen is drawn once, not empty and then again (issue 21: cold
        # start, bytes over SSH). A slower database: read after the first paint, in a worker
        # (worker threads started now would hold the interpreter while the screen is being
        # laid out, SPEC §10 cold start).
        first = overview.home_first(self.app.staff.id, self.selected, FIRST_READ_S)
        if first is not None:
            counts, rows = first
            self.post_message(self.CountsLoaded(counts, self.selected, rows))
            # As below: the resume that follows the mount reads nothing again.
            self.call_after_refresh(setattr, self, "_first_read", True)
        else:
            self.call_after_refresh(self._read_first)

    def _read_first(self) -> None:
        self._first_read = True
        self.load(self.selected)

    def _first_counts_shown(self) -> None:
        """The first counts are painted: now the duty line and the flags (one worker), and
        the app's own checks (notifications, drafts, the caller-ID watch). Read with the
        counts, they held the interpreter while the counts were read and painted (issue 21,
        cold start)."""
        self.load_rest()
        first_data_shown = getattr(self.app, "first_data_shown", None)
        if first_data_shown is not None:
            first_data_shown()

    def on_resize(self) -> None:
        self._fit_tiles()
        # The list's columns follow a new width: refilled from the rows it holds, no read
        # (a screen's first layout is a resize too: its first list is not read twice).
        if self._filled_panel is not None and self.app.size.width != self._filled_width:
            self._fill_table(self._filled_panel, self.rows)

    def _fit_tiles(self) -> None:
        """Six tiles in a row when every label fits in its box; otherwise two rows of three
        without borders (same height), so that no label is ever cut."""
        widest = max(cell_len(f"{p.key} {_(p.title)}") for p in PANELS)
        width = self.app.size.width
        tiles, narrow = self.query_one(CountTiles), width // len(PANELS) - 2 < widest
        if tiles.has_class("-narrow") != narrow:  # no style rule follows the class: repaint
            tiles.set_class(narrow, "-narrow")
            tiles.refresh()

    def palette_commands(self):
        """This screen's actions for the command palette: (title id, help, callback)."""
        for panel in PANELS:
            yield (panel.title, _("Home list ({key})").format(key=panel.key),
                   lambda panel_id=panel.id: self.action_show_panel(panel_id))
        yield (N_("Refresh"), _("Read the counts again (r)"), self.action_refresh_counts)

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open_registers", "open_knowledge"):  # not offered to a role without it
            may_open = getattr(self.app, "may_open", None)
            return may_open is None or bool(may_open("registers" if action == "open_registers" else "knowledge"))
        return True

    def action_open_registers(self) -> None:
        """d: the registers (登记): visitors, release passes …"""
        self.app.action_open_screen("registers")

    def action_show_duty(self) -> None:
        """D: today's duty roster in full (the line above shows what fits)."""
        from data import duty
        from screens.duty_roster import DutyRosterModal

        day = clock_today()
        title = _("On duty today, {day}").format(day=f"{day:%Y-%m-%d}")
        self.app.push_screen(DutyRosterModal(title, duty.duty_today(day)))

    def action_open_knowledge(self) -> None:
        """K: the knowledge base (知识库)."""
        self.app.action_open_screen("knowledge")

    def action_show_panel(self, panel_id: str) -> None:
        self.selected = panel_id
        self._mark_selected()
        self.action_refresh_counts()

    def action_step_panel(self, step: int) -> None:
        ids = [p.id for p in PANELS]
        self.action_show_panel(ids[(ids.index(self.selected) + step) % len(ids)])

    def action_refresh_counts(self) -> None:
        self.load(self.selected)
        self.load_duty()
        self.load_flags()

    def refresh_data(self) -> None:
        """Another session changed something, or the screen is back on top: read the counts,
        the list and the roster again. Not before the first read that on_mount asks for
        after the first paint: the resume of the first push would read everything twice,
        once while the screen is being laid out (issue 21, cold start)."""
        if not self._first_read:
            return
        self.load(self.selected)
        self.load_duty()
        self.load_flags()

    def _flags_table(self) -> DataTable | None:
        """The inspection flags' table, once there were flags to show."""
        tables = self.query("#home-flags").results(DataTable)
        return next(tables, None)

    def _focused_table(self) -> DataTable:
        flags = self._flags_table()
        return flags if flags is not None and self.focused is flags else self.query_one("#home-list", DataTable)

    def action_cursor_down(self) -> None:
        self._focused_table().action_cursor_down()

    def action_cursor_up(self) -> None:
        self._focused_table().action_cursor_up()

    def action_focus_flags(self) -> None:
        """i: to the inspection flags and back to the list."""
        flags = self._flags_table()
        if not self.flags:  # said, rather than nothing happening
            self.notify(_("No inspection reminders now."), markup=False)
        if flags is None or self.focused is flags or not self.flags:
            self.query_one("#home-list", DataTable).focus()
        else:
            flags.focus()

    @work(thread=True, exclusive=True, group="home-flags", exit_on_error=False)
    def load_flags(self) -> None:
        """Read the supervisor's inspection flags in a worker thread (none for others)."""
        self._read_flags()

    def _read_flags(self) -> None:
        self.post_message(self.FlagsLoaded(overview.inspection_flags(self.app.staff.id)))

    def on_home_screen_flags_loaded(self, message: FlagsLoaded) -> None:
        if not message.flags and not self.flags:
            return  # none shown and none to show (most roles): nothing to build or paint
        self.flags = message.flags
        table = self._flags_table()
        if table is None:  # after the list (callers look up the list as the first table)
            table = DataTable(id="home-flags", cursor_type="row", show_header=False)
            self.mount(table, after=self.query_one("#home-list", DataTable))
        table.clear(columns=True)
        table.add_column("", width=max(20, self.app.size.width - 4))
        marks = {"missed": _("Missed"), "late": _("Walked late"), "overdue": _("Inspection overdue"),
                 "due": _("Due soon")}
        for flag in self.flags:
            line = Text(f"⚑ {marks[flag.kind]} ", style="bold red" if flag.kind in ("missed", "overdue") else "yellow")
            line.append_text(plain(flag.text))
            if flag.kind == "due":
                line.append(" " + _("in {n} days").format(n=flag.days))
            table.add_row(line)
        table.styles.height = min(len(self.flags), 4) + 1  # the rows and the rule above them
        table.display = bool(self.flags)

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="home", exit_on_error=False)
    def load(self, panel_id: str) -> None:
        """Read the counts and the selected list in a worker thread."""
        try:
            counts, rows = overview.read_home(self.app.staff.id, panel_id)
        except FrontDeskError as exc:  # the database failed: said, the tiles keep what they had
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(self.CountsLoaded(counts, panel_id, rows))

    @work(thread=True, exclusive=True, group="home-rest", exit_on_error=False)
    def load_rest(self) -> None:
        """After the first counts: the duty roster and the flags, read in one worker thread.
        Each worker thread opens its own connection, and SQLite reads the whole schema
        (about 550 tables and indexes, some 3 ms) for each: one thread rather than two; it
        is the counts' thread again when that one is idle (Textual's thread pool)."""
        self._read_duty()
        self._read_flags()

    @work(thread=True, exclusive=True, group="home-duty", exit_on_error=False)
    def load_duty(self) -> None:
        """Read today's duty roster (值班表) in a worker thread."""
        self._read_duty()

    def _read_duty(self) -> None:
        from data import duty

        line = duty.roster_line(duty.duty_today(clock_today()))
        self.post_message(self.DutyLoaded(_("On duty: {roster}").format(roster=line)))

    def on_home_screen_duty_loaded(self, message: DutyLoaded) -> None:
        # A line of fixed size (home.tcss): a repaint of the line, not a layout of the screen.
        self.query_one("#duty-line", Label).update(Text(message.line, no_wrap=True, overflow="ellipsis"),
                                                   layout=False)

    def on_home_screen_counts_loaded(self, message: CountsLoaded) -> None:
        self.counts = message.counts
        self.query_one(CountTiles).set_counts({panel.id: getattr(message.counts, panel.id) for panel in PANELS})
        self.app.show_unread(message.counts.unread_notifications)
        if message.panel == self.selected:
            self._fill_table(message.panel, message.rows)
        if not self._first_shown:
            self._first_shown = True
            self.call_after_refresh(self._first_counts_shown)

    def _mark_selected(self) -> None:
        self.query_one(CountTiles).select(self.selected)

    def _fill_table(self, panel_id: str, rows: list[Any]) -> None:
        panel = next(p for p in PANELS if p.id == panel_id)
        table = self.query_one("#home-list", DataTable)
        cursor = table.cursor_row
        # A refresh keeps the cursor on the same record, wherever new rows put it.
        keep = None
        same_list = panel_id == self._filled_panel
        if same_list and self.rows and 0 <= cursor < len(self.rows):
            keep = _row_key(self.rows[cursor])
        self._filled_panel = panel_id
        self._filled_width = self.app.size.width
        table.clear(columns=True)
        columns = self._fit_columns(panel)
        for index in columns:
            title, width = panel.columns[index]
            # A Text label, not a str: a str is parsed as markup (and loads rich's emoji table).
            table.add_column(Text(_(title)), width=self._title_width(panel, columns) if title in FLEXIBLE
                             else _width(title, width))
        now = clock_now()
        today = now.date()
        self.rows = list(rows)
        for row in rows:
            cells = self._cells(panel_id, row, today)
            # A deadline already past reads in red (as in the callbacks list).
            late = getattr(row, "due", None) is not None and row.due < now
            table.add_row(*(plain(cells[i], "bold red" if late and panel.columns[i][0] == N_("Due") else "")
                            for i in columns))
        total = getattr(self.counts, panel_id) if self.counts else len(rows)
        title = _(panel.title)
        if not rows:
            caption = _("{title}: nothing here.").format(title=title)
        elif total > len(rows):
            caption = _("{title}: first {shown} of {total}").format(
                title=title, shown=len(rows), total=total
            )
        else:
            caption = _("{title}: {total}").format(title=title, total=total)
        self.query_one("#list-title", Label).update(caption, layout=False)  # one line, fixed
        if rows:
            keys = [_row_key(row) for row in rows]
            # Another list starts at its top; the same list read again keeps its place.
            place = min(max(cursor, 0), len(rows) - 1) if same_list else 0
            table.move_cursor(row=keys.index(keep) if keep in keys else place)

    #: Columns given up first when the terminal is narrow (deadlines and titles stay).
    DROPPABLE = ("Priority", "Assignee", "Status", "Kind", "Name", "Location")
    MIN_TITLE = 10

    def _spare(self, panel: Panel, columns: list[int]) -> int:
        """Cells left over by `columns` (two of padding each, two for the scrollbar)."""
        used = sum(_width(*panel.columns[i]) + 2 for i in columns) + 2
        return self.app.size.width - used

    def _fit_columns(self, panel: Panel) -> list[int]:
        """Indexes of the columns shown: all when they fit, else the droppable ones go."""
        columns = list(range(len(panel.columns)))
        title = next(i for i, c in enumerate(panel.columns) if c[0] in FLEXIBLE)
        for index, (name, _width) in enumerate(panel.columns):
            if self._spare(panel, columns) + panel.columns[title][1] >= self.MIN_TITLE:
                break
            if name in self.DROPPABLE:
                columns.remove(index)
        return columns

    def _title_width(self, panel: Panel, columns: list[int]) -> int:
        title = next(i for i, c in enumerate(panel.columns) if c[0] in FLEXIBLE)
        return max(self.MIN_TITLE, panel.columns[title][1] + self._spare(panel, columns))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """enter opens what the row is: the work order, the callbacks to make, or a
        notification's work order; an inspection flag opens the inspections or facilities."""
        if event.data_table.id == "home-flags":
            if 0 <= event.cursor_row < len(self.flags):
                self.app.action_open_screen(self.flags[event.cursor_row].target)
            return
        if not self.rows or event.cursor_row >= len(self.rows):
            return
        row = self.rows[event.cursor_row]
        order_id = None
        if self.selected in ("new_orders", "overdue_orders", "awaiting_visit"):
            order_id = row.id
        elif self.selected == "callbacks_due":
            from screens.calls import CallsScreen

            self.app.push_screen(CallsScreen(mode="callbacks", call_id=row.call_id))
            return
        elif self.selected == "unread_notifications":
            from screens.inbox import screen_for

            notification_id, staff_id = row.id, self.app.staff.id
            # In a worker (DeskScreen.run_write: behind another desk it says so).
            self.run_write(lambda: overview.mark_read(notification_id, staff_id),
                           done=lambda _result: self.refresh_data())
            screen = screen_for(row.entity, row.entity_id)  # a reminder's day is in the inbox (F6)
            if screen is not None:
                self.app.push_screen(screen)
            return
        if order_id is not None:
            from screens.workorder import WorkOrderScreen

            self.app.push_screen(WorkOrderScreen(order_id))

    def _cells(self, panel_id: str, row: Any, today: dt.date) -> tuple[str, ...]:
        if panel_id == "new_orders":
            return (
                row.number,
                row.title,
                row.place,
                label(PRIORITIES, row.priority),
                _hm(row.due, today),
            )
        if panel_id == "overdue_orders":
            return (row.number, row.title, row.place, row.assignee, _hm(row.due, today))
        if panel_id == "awaiting_visit":
            return (
                row.number,
                row.title,
                row.place,
                row.assignee,
                label(WORK_ORDER_STATUSES, row.status),
            )
        if panel_id == "appointments_today":
            span = _("All day") if row.all_day else f"{row.start:%H:%M}-{row.end:%H:%M}"  # as F4 says
            return (span, label(EVENT_KINDS, row.kind), row.title, row.location)
        if panel_id == "callbacks_due":
            # Masked, as in the callbacks list (its r shows the whole number).
            return (_hm(row.due, today), mask_phone(row.number), row.person, row.summary)
        return (_hm(row.created_at, today), label(NOTIFICATION_KINDS, row.kind), row.title)

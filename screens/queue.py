"""工单 (F3): the work-order queue — views, filters, saved filters, pages, bulk actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Label
from textual.worker import get_current_worker

from data import access, queue, sla, workorders
from data.clock import now as clock_now
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.queue import QueueFilter, QueuePage, QueueRow
from data.waits import WriteCancelled
from screens import workorder_forms as forms
from screens.queue_columns import queue_cells, queue_columns, queue_place
from widgets.app_header import AppHeader
from widgets.bindings import defined_bindings, show_in_footer
from widgets.confirm import ConfirmModal
from widgets.desk import DeskScreen
from widgets.paint import ResultTable, looks, rewrite_rows, size_now
from widgets.safe import safe_text

VIEW_NAMES = tuple(queue.VIEWS)
#: Roles that may switch the severe-weather stretch (SPEC §11).
STRETCH_ROLES = ("supervisor", "manager", "admin")
#: Refusals listed one by one in a bulk report; the rest are counted.
REPORT_LINES = 6
#: Actions whose key the footer shows or hides with the state of the screen.
FOOTER_ACTIONS = ("new_order", "filter", "clear_filter", "save_filter", "saved_filters", "mark",
                  "bulk_assign", "bulk_priority", "bulk_close")


class QueueScreen(DeskScreen):
    """Views 1–6 by deadline, a page at a time; marks for bulk assign, priority and close."""

    CSS_PATH = Path(__file__).parent / "queue.tcss"  # absolute: subclasses elsewhere keep it
    BINDINGS = [
        *(Binding(str(i + 1), f"view('{name}')", title, show=False)
          for i, (name, title) in enumerate(queue.VIEWS.items())),
        Binding("left,h", "step_view(-1)", N_("Previous view"), show=False, priority=True),
        Binding("right,l", "step_view(1)", N_("Next view"), show=False, priority=True),
        Binding("enter", "open", N_("Open"), show=False),
        Binding("n", "new_order", N_("New order"), tooltip=N_("New work order")),
        Binding("f", "filter", N_("Filter"), tooltip=N_("Building, category, priority, status, assignee, dates")),
        Binding("b", "building_filter", N_("Building"), tooltip=N_("Only the orders of one building, typed in a few words")),
        Binding("F", "clear_filter", N_("Clear filter"), show=False),
        Binding("s", "save_filter", N_("Save filter"), show=False),
        Binding("g", "saved_filters", N_("Saved"), tooltip=N_("Pick a saved filter")),
        Binding("D", "delete_filter", N_("Delete saved filter"), show=False,
                tooltip=N_("Pick one of your saved filters to delete")),
        Binding("space", "mark", N_("Mark"), tooltip=N_("Mark or unmark for A assign, P priority, C close")),
        Binding("A", "bulk_assign", N_("Assign"), show=False, tooltip=N_("Assign the marked orders")),
        Binding("P", "bulk_priority", N_("Priority"), show=False, tooltip=N_("Priority of the marked orders")),
        Binding("C", "bulk_close", N_("Close"), show=False, tooltip=N_("Close the marked orders")),
        Binding("S", "missed", N_("Missed deadlines"), show=False),
        Binding("w", "severe_weather", N_("Severe weather"), show=False),
        Binding("pagedown", "next_page", N_("Next page"), show=False, priority=True),
        Binding("pageup", "previous_page", N_("Previous page"), show=False, priority=True),
        # The table's own home/end scroll sideways: here they are the page's first/last row.
        Binding("home,ctrl+home", "first_row", N_("Top"), show=False, priority=True),
        Binding("end,ctrl+end", "last_row", N_("Bottom"), show=False, priority=True),
    ]

    class PageLoaded(Message):
        """A page of the queue was read."""

        def __init__(self, page: QueuePage, stretched: bool, lookups: forms.Lookups | None,
                     at: dt.datetime) -> None:
            super().__init__()
            self.page, self.stretched, self.lookups, self.at = page, stretched, lookups, at

    class BulkDone(Message):
        """A bulk action finished: how many were done, and each refusal with its reason."""

        def __init__(self, title: str, done: int, refused: list[tuple[str, str]]) -> None:
            super().__init__()
            self.title, self.done, self.refused = title, done, refused

    class ListLoaded(Message):
        """What a modal list shows (technicians, missed deadlines) was read."""

        def __init__(self, kind: str, values: Any) -> None:
            super().__init__()
            self.kind, self.values = kind, values

    def __init__(self, view: str | None = None) -> None:
        super().__init__()
        self._bindings_as_defined = defined_bindings(self)
        if view is None:  # a technician works his own orders; the desk dispatches new ones
            actor = access.current()
            view = "mine" if actor is not None and actor.role == "tech" else "new"
        self.view_name = view
        #: Each view's own filter: a view starts unfiltered, and a filter set in one view
        #: never silently narrows another (the status line shows the current view's).
        self._view_filters: dict[str, QueueFilter] = {}
        self.cursors: list[tuple | None] = [None]  # `after` of each page shown, first page None
        self.page: QueuePage | None = None
        self.rows: list[QueueRow] = []
        self.marked: dict[int, QueueRow] = {}
        self.lookups: forms.Lookups | None = None
        self.stretched = False
        self._keep_id: int | None = None
        self._filled_once = False
        self._shown_columns: list[tuple[str, str, int]] = []  # the table's columns, as set
        self._shown_cells: list[tuple] = []  # how each row shown reads (widgets.paint.looks)
        self._status_text: Text | None = None  # what the status line shows

    @property
    def screen_title(self) -> str:
        return _("Work orders")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="queue-tabs", markup=False)
        yield Label("", id="queue-status", markup=False)
        yield ResultTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        # Without the palette hint: at 80 columns it would push the screen's keys off
        # (ctrl+p still opens it, and offers every action of this screen).
        yield self.footer()

    def on_mount(self) -> None:
        self._paint_tabs()
        self.query_one(DataTable).focus()
        self.load()

    def refresh_data(self) -> None:
        """Another session changed something: read the same page again, keeping the cursor."""
        if not getattr(self, "_new_result", False):  # a new view's page keeps its first row
            row = self._cursor_row()
            self._keep_id = row.id if row is not None else None
        self.load()

    @property
    def filter(self) -> QueueFilter:
        """The filter of the view shown."""
        return self._view_filters.get(self.view_name, QueueFilter())

    @filter.setter
    def filter(self, flt: QueueFilter) -> None:
        self._view_filters[self.view_name] = flt

    def palette_commands(self):
        """This screen's actions for the command palette: (title id, help, callback)."""
        yield (N_("New work order"), _("Repair, complaint, inquiry or suggestion (n)"), self.action_new_order)
        for i, (name, title) in enumerate(queue.VIEWS.items()):
            yield (title, _("Work-order view ({key})").format(key=i + 1),
                   lambda name=name: self.action_view(name))
        yield (N_("Filter"), _("Narrow the queue (f)"), self.action_filter)
        yield (N_("Save filter"), _("Keep the current filter under a name (s)"), self.action_save_filter)
        yield (N_("Saved filters"), _("Use a saved filter (g)"), self.action_saved_filters)
        yield (N_("Delete saved filter"), _("Pick one of your saved filters to delete (D)"),
               self.action_delete_filter)
        yield (N_("12345 hotline orders"), _("Only the orders the 12345 hotline forwarded, with "
                                             "their reply deadline (f sets it too)"),
               self.action_hotline_filter)
        yield (N_("Missed deadlines"), _("Per technician, this month (S)"), self.action_missed)
        yield (N_("Severe weather"), _("Stretch open deadlines × 1.5, or end it (w)"), self.action_severe_weather)

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def load(self) -> None:
        """Read the current page (and, once, the filter choices) in a worker thread."""
        try:
            page = queue.queue_page(self.view_name, self.app.staff.id, self.filter, after=self.cursors[-1])
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        lookups = None
        if self.lookups is None:
            lookups = self._read_lookups()
        stretched = sla.stretch_active()
        if not get_current_worker().is_cancelled:  # a newer view, filter or page is on its way
            self.post_message(self.PageLoaded(page, stretched, lookups, clock_now()))

    @staticmethod
    def _read_lookups() -> forms.Lookups:
        from data import dispatch

        return forms.Lookups(queue.buildings(), queue.categories(), dispatch.technicians())

    def on_queue_screen_page_loaded(self, message: PageLoaded) -> None:
        if message.page.view != self.view_name:
            return  # the user switched views meanwhile; that page is on its way
        self.page = message.page
        self.stretched = message.stretched
        if message.lookups is not None:
            self.lookups = message.lookups
        for row in message.page.rows:  # marks act on what is shown now
            if row.id in self.marked:
                self.marked[row.id] = row
        if self._filled_once:
            self._fill(message.page, message.at)
        else:
            # After the first layout: a DataTable filled before it keeps header-wide
            # columns in a real terminal (seen with Textual 8.2.8, as on the home screen).
            self._filled_once = True
            self.call_after_refresh(self._fill, message.page, message.at)

    def _columns(self, rows: list[QueueRow]) -> list[tuple[str, str, int]]:
        columns, self._short_communities = queue_columns(rows, self.app.size.width,
                                                         reply=self.filter.hotline is not None)
        return columns

    def _place(self, row: QueueRow, rows: list[QueueRow]) -> str:
        return queue_place(row, rows, short=getattr(self, "_short_communities", False))

    def on_resize(self) -> None:
        if self.page is not None and self._filled_once:
            self._fill(self.page, clock_now())

    def _fill(self, page: QueuePage, at: dt.datetime) -> None:
        with self.app.batch_update():  # the table, its status line and keys painted at once
            self._fill_table(page, at)

    def _fill_table(self, page: QueuePage, at: dt.datetime) -> None:
        table = self.query_one(DataTable)
        keep = self._keep_id
        cursor = table.cursor_row
        self._keep_id = None
        if getattr(self, "_new_result", False):  # a new view, filter or page: its first row
            self._new_result = False
            keep, cursor = None, 0
        columns = self._columns(list(page.rows))
        self._priority_shown = any(key == "priority" for key, _title, _width in columns)
        self.rows = list(page.rows)
        keys = [key for key, _title, _width in columns]
        shown = [[self._cells(row, at)[key] for key in keys] for row in self.rows]
        drawn = [looks(cells) for cells in shown]
        # Over SSH every repaint costs (issue 21): the same page again (another desk changed
        # something elsewhere) leaves the table alone; as many rows under the same columns are
        # written in place, only those that changed (a deadline's countdown); other rows
        # under the same columns keep the columns, so the table is painted once.
        if columns != self._shown_columns:
            table.clear(columns=True)
            for key, title, width in columns:
                table.add_column(title, width=width, key=key)
            self._shown_columns = columns
            self._fill_rows(table, shown)
        elif drawn != self._shown_cells and not rewrite_rows(table, self._shown_cells, shown, drawn):
            table.clear()
            self._fill_rows(table, shown)
        self._shown_cells = drawn
        if self.rows:
            ids = [r.id for r in self.rows]
            row = ids.index(keep) if keep in ids else min(max(cursor, 0), len(ids) - 1)
            if row != table.cursor_row:
                table.move_cursor(row=row)
        self._paint_status()

    @staticmethod
    def _fill_rows(table: DataTable, shown: list[list[Text]]) -> None:
        for cells in shown:
            table.add_row(*cells)
        size_now(table)  # laid out once, with the rows (widgets.paint.size_now)

    def _cells(self, row: QueueRow, at: dt.datetime) -> dict[str, Text]:
        cells = queue_cells(row, at, marked=row.id in self.marked, place=self._place(row, self.rows))
        if not getattr(self, "_priority_shown", True) and row.priority in ("critical", "urgent"):
            cells["title"].style = "bold"  # no priority column: an urgent order's title says so
        return cells

    def _paint_tabs(self) -> None:
        tabs = Text()
        for i, (name, title) in enumerate(queue.VIEWS.items()):
            style = "reverse bold" if name == self.view_name else ""
            tabs.append(f" {i + 1} {_(title)} ", style=style)
        self.query_one("#queue-tabs", Label).update(tabs)

    def _paint_status(self) -> None:
        page = self.page
        if page is None:
            return
        flt = self.lookups.describe(self.filter) if self.lookups else ("" if self.filter.is_empty() else "…")
        text = Text(_("{view} · {filter} · {count} orders (page {page})").format(
            view=_(queue.VIEWS[self.view_name]), filter=flt or _("no filter"),
            count=page.total_text, page=len(self.cursors)))
        if self.marked:
            text.append(" · ")
            text.append(_("{count} marked").format(count=len(self.marked)), style="bold")
        if self.stretched:
            text.append(" · ")
            text.append(_("stretch ×1.5"), style="bold yellow")
        if page.next_cursor is not None:
            text.append(" · " + _("pgdn more"))
        shown = safe_text(text)  # the filter names places
        if shown != self._status_text:  # a label's update repaints it: only when it changes
            self._status_text = shown
            self.query_one("#queue-status", Label).update(shown)
        self._show_keys()

    def _show_keys(self) -> None:
        """Four keys in the footer, for what the user is doing: marking, filtering or neither
        (all keys work all the time; F1 lists them)."""
        if self.marked:
            shown = {"mark", "bulk_assign", "bulk_priority", "bulk_close"}
        elif not self.filter.is_empty():
            shown = {"new_order", "filter", "clear_filter", "save_filter"}
        else:
            shown = {"new_order", "filter", "saved_filters", "mark"}
        show_in_footer(self, self._bindings_as_defined, shown, among=FOOTER_ACTIONS)

    def _cursor_row(self) -> QueueRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    # --- views and pages -------------------------------------------------------------------

    def _reload_from_start(self) -> None:
        self._new_result = True
        self._keep_id = None
        self.cursors = [None]
        self.query_one(DataTable).move_cursor(row=0)
        self.load()

    def action_view(self, name: str) -> None:
        self.view_name = name
        self._paint_tabs()
        self._reload_from_start()

    def action_step_view(self, step: int) -> None:
        i = VIEW_NAMES.index(self.view_name)
        self.action_view(VIEW_NAMES[(i + step) % len(VIEW_NAMES)])

    def action_next_page(self) -> None:
        if self.page is not None and self.page.next_cursor is not None:
            self.cursors.append(self.page.next_cursor)
            self._new_result = True
            self.query_one(DataTable).move_cursor(row=0)
            self.load()

    def action_previous_page(self) -> None:
        if len(self.cursors) > 1:
            self.cursors.pop()
            self._new_result = True
            self.query_one(DataTable).move_cursor(row=0)
            self.load()

    def action_first_row(self) -> None:
        self.query_one(DataTable).move_cursor(row=0)

    def action_last_row(self) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(table.row_count - 1, 0))

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    # --- opening and creating --------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self._cursor_row()
        if row is not None:
            from screens.workorder import WorkOrderScreen

            self.app.push_screen(WorkOrderScreen(row.id))

    def action_new_order(self) -> None:
        from screens.workorder import open_new_order

        open_new_order(self)

    # --- filters ---------------------------------------------------------------------------

    def _need_lookups(self) -> forms.Lookups:
        if self.lookups is None:  # before the first page arrived: small lists, read now
            self.lookups = self._read_lookups()
        return self.lookups

    def action_filter(self) -> None:
        def chosen(flt: QueueFilter | None) -> None:
            if flt is not None:
                self.filter = flt
                self._reload_from_start()

        self.app.push_screen(forms.filter_form(self.filter, self._need_lookups()), chosen)

    def action_building_filter(self) -> None:
        def chosen(flt: QueueFilter | None) -> None:
            if flt is not None:
                self.filter = flt
                self._reload_from_start()

        self.app.push_screen(forms.building_filter_form(self.filter, self._need_lookups()), chosen)

    def action_hotline_filter(self) -> None:
        """Only the 12345 hotline's orders (the filter form's 12345 choice), reply deadline shown."""
        from dataclasses import replace

        self.filter = replace(self.filter, hotline="all")
        self._reload_from_start()

    def action_clear_filter(self) -> None:
        if not self.filter.is_empty():
            self.filter = QueueFilter()
            self._reload_from_start()

    def action_save_filter(self) -> None:
        if self.filter.is_empty():
            self.notify(_("Nothing to save: f sets a filter first."), severity="warning", markup=False)
            return

        def saved(name: str | None) -> None:
            if name:
                self.notify(_("Filter saved as “{name}”; g picks it.").format(name=name), markup=False)

        description = self._need_lookups().describe(self.filter)
        self.app.push_screen(forms.save_filter_form(self.app.staff.id, self.filter, description), saved)

    def action_saved_filters(self) -> None:
        saved = queue.saved_filters(self.app.staff.id)
        if not saved:
            self.notify(_("No saved filters yet: f sets a filter, s saves it."), markup=False)
            return

        def picked(choice: tuple[str, QueueFilter] | None) -> None:
            if choice is not None:
                self.filter = choice[1]
                self._reload_from_start()

        self.app.push_screen(forms.saved_filter_picker(saved, self._need_lookups()), picked)

    def action_delete_filter(self) -> None:
        """D: pick one of my saved filters, confirm, delete it."""
        saved = queue.saved_filters(self.app.staff.id)
        if not saved:
            self.notify(_("No saved filters yet: f sets a filter, s saves it."), markup=False)
            return

        def confirmed(name: str, yes: bool | None) -> None:
            if yes:
                self.delete_saved_filter(name)

        def picked(choice: tuple[str, QueueFilter] | None) -> None:
            if choice is not None:
                name = choice[0]
                self.app.push_screen(ConfirmModal(_("Delete the saved filter “{name}”?").format(name=name)),
                                     lambda yes: confirmed(name, yes))

        picker = forms.saved_filter_picker(saved, self._need_lookups())
        picker.picker_title = _("Delete which saved filter?")
        self.app.push_screen(picker, picked)

    def delete_saved_filter(self, name: str) -> None:
        """Delete the filter in a worker (a write: widgets.saving, through run_write)."""
        staff_id = self.app.staff.id
        self.run_write(lambda: queue.delete_filter(staff_id, name), done=lambda _result: self.notify(
            _("Saved filter “{name}” deleted.").format(name=name), markup=False))

    # --- marks and bulk actions ------------------------------------------------------------

    def action_mark(self) -> None:
        row = self._cursor_row()
        if row is None:
            return
        if row.id in self.marked:
            del self.marked[row.id]
        else:
            self.marked[row.id] = row
        table = self.query_one(DataTable)
        at = table.cursor_row
        table.update_cell_at(Coordinate(at, 0), Text("✓" if row.id in self.marked else "", style="bold"))
        table.action_cursor_down()
        self._paint_status()

    def _targets(self) -> list[QueueRow]:
        if self.marked:
            return list(self.marked.values())
        row = self._cursor_row()
        return [row] if row is not None else []

    def action_bulk_assign(self) -> None:
        targets = self._targets()
        if targets:
            self.read_list("technicians", [r.id for r in targets])

    def action_bulk_priority(self) -> None:
        targets = self._targets()
        if not targets:
            return

        def chosen(priority: str | None) -> None:
            if priority:
                self.run_bulk(_("Priority"), targets, lambda r: workorders.set_priority(
                    r.id, priority, self.app.staff.id, expected_version=r.version))

        title = _("Priority of {count} work orders").format(count=len(targets))
        self.app.push_screen(forms.priority_form("", lambda p: p, title), chosen)

    def action_bulk_close(self) -> None:
        targets = self._targets()
        if not targets:
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.run_bulk(_("Close"), targets, lambda r: workorders.close(
                    r.id, self.app.staff.id, expected_version=r.version))

        self.app.push_screen(ConfirmModal(_("Close {count} work orders?").format(count=len(targets))),
                             confirmed)

    def run_bulk(self, title: str, targets: list[QueueRow], act) -> None:
        """Apply `act` to each target in its own transaction, in a worker (run_write: behind
        another desk it says so, leaving gives up what is not done yet); report, do not
        stop, on refusals."""
        def bulk() -> QueueScreen.BulkDone:
            done, refused = 0, []
            for at, row in enumerate(targets):
                try:
                    act(row)
                    done += 1
                except WriteCancelled as exc:  # given up: the rest is not done either
                    refused += [(r.number, exc.message) for r in targets[at:]]
                    break
                except FrontDeskError as exc:
                    refused.append((row.number, exc.message))
            return self.BulkDone(title, done, refused)

        self.run_write(bulk, done=self.on_queue_screen_bulk_done)

    def on_queue_screen_bulk_done(self, message: BulkDone) -> None:
        self.marked.clear()
        lines = [_("{action}: {done} done, {refused} refused.").format(
            action=message.title, done=message.done, refused=len(message.refused))]
        lines += [f"{number}: {reason}" for number, reason in message.refused[:REPORT_LINES]]
        if len(message.refused) > REPORT_LINES:
            lines.append(_("… and {count} more.").format(count=len(message.refused) - REPORT_LINES))
        self.notify("\n".join(lines), severity="warning" if message.refused else "information",
                    markup=False, timeout=12 if message.refused else 5)
        self.refresh_data()

    # --- supervisor: missed deadlines, severe weather --------------------------------------

    @work(thread=True, exclusive=True, group="queue-list", exit_on_error=False)
    def read_list(self, kind: str, ids: list[int] | None = None) -> None:
        """Read what a modal list shows (technicians, missed deadlines) off the UI thread."""
        if kind == "technicians":
            from data import dispatch

            self.post_message(self.ListLoaded(kind, (ids, dispatch.technicians())))
        else:
            from data import escalation

            at = clock_now()
            self.post_message(self.ListLoaded(kind, (at, escalation.missed_deadlines(at.year, at.month, at))))

    def on_queue_screen_list_loaded(self, message: ListLoaded) -> None:
        if message.kind == "missed":
            at, rows = message.values
            self.app.push_screen(forms.missed_report(rows, at.year, at.month))
            return
        ids, technicians = message.values
        targets = [r for r in self._targets() if r.id in ids]

        def picked(staff_id: int | None) -> None:
            if staff_id is None:
                return
            needs_reason = [r for r in targets if r.assignee]
            if not needs_reason:
                self._bulk_assign(targets, staff_id, "")
                return

            def reasoned(reason: str | None) -> None:
                if reason:
                    self._bulk_assign(targets, staff_id, reason)

            self.app.push_screen(forms.reason_form(
                _("{count} of them have an assignee: why reassign?").format(count=len(needs_reason)),
                _required_reason), reasoned)

        title = _("Assign {count} work orders to").format(count=len(targets))
        self.app.push_screen(forms.technician_picker([], technicians, title), picked)

    def _bulk_assign(self, targets: list[QueueRow], staff_id: int, reason: str) -> None:
        self.run_bulk(_("Assign"), targets, lambda r: workorders.assign(
            r.id, staff_id, self.app.staff.id, reason=reason, expected_version=r.version))

    def action_missed(self) -> None:
        self.read_list("missed")

    def action_severe_weather(self) -> None:
        if self.app.staff.role not in STRETCH_ROLES:
            self.notify(_("Only supervisors, managers and administrators switch the severe-weather "
                          "stretch."), severity="error", markup=False)
            return
        on = not self.stretched
        question = (_("Severe weather: stretch open deadlines × 1.5?") if on
                    else _("End the severe-weather stretch?"))

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.switch_stretch(on)

        self.app.push_screen(ConfirmModal(question), confirmed)

    def switch_stretch(self, on: bool) -> None:
        staff_id = self.app.staff.id

        def switched(count: int) -> None:
            message = (_("Severe-weather stretch on: {count} work orders have later deadlines.") if on
                       else _("Severe-weather stretch off: {count} work orders are back to normal deadlines."))
            self.notify(message.format(count=count), markup=False)
            self.refresh_data()

        self.run_write(lambda: sla.set_severe_weather(on, staff_id), done=switched)


def _required_reason(text: str) -> str:
    """The reason a bulk reassignment asks for once (each order changing hands needs one)."""
    if not text.strip():
        raise ValidationError("reason", _("Give a reason."))
    return text.strip()

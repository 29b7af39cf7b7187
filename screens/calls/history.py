"""The call history of the calls screen (h): every call, filtered, a page at a time;
enter opens one, and from there its work order, a callback or dialling."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label

from data import access
from data import calls as call_data
from data.clock import now as clock_now
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.vocab import CALL_CATEGORIES, label
from screens import call_forms as forms
from screens.call_forms import minutes, stamp
from screens.calls.pane import (
    CALLBACK_AFTER,
    CATEGORY_KIND,
    LEAD_BINDING,
    CallLogPane,
    RevealedNumbers,
    cursor_row,
    id_at,
    lead_prefill,
    quarter,
    row_of,
)
from widgets.paint import ResultTable, update_label
from widgets.safe import plain

#: Calls per history page.
HISTORY_PAGE = 50


def same_query(one: tuple[Any, Any], other: tuple[Any, Any]) -> bool:
    """The same filter (the very one: a filter chosen again is a new search) and page."""
    return one[0] is other[0] and one[1] == other[1]


class CallHistoryPane(CallLogPane):
    """Every call, newest first, a keyset page at a time, narrowed by a filter."""

    BINDINGS = [
        Binding("f", "filter", N_("Filter"), tooltip=N_("Direction, category, staff, dates")),
        Binding("F", "clear_filter", N_("Clear filter"), show=False),
        Binding("r,R", "reveal", N_("Reveal"), tooltip=N_("Show the selected call's number in full (recorded)")),
        Binding("i", "tag_incident", N_("Incident"), show=False,
                tooltip=N_("Tag the selected call to the outage going on now")),
        # In F1, not the footer: at 80 columns it would push ^q off.
        replace(LEAD_BINDING, show=False),
        Binding("pagedown", "next_page", N_("Next page"), show=False, priority=True),
        Binding("pageup", "previous_page", N_("Previous page"), show=False, priority=True),
    ]
    TYPED_KEYS = CallLogPane.TYPED_KEYS | {"filter", "clear_filter", "reveal", "tag_incident", "lead"}
    TABLE = "#history-table"
    NUMBER_COLUMN = 2

    class IncidentsFound(Message):
        def __init__(self, call: Any, incidents: list) -> None:
            super().__init__()
            self.call, self.incidents = call, incidents

    class HistoryLoaded(Message):
        def __init__(self, page: Any, query: tuple[Any, Any]) -> None:
            super().__init__()
            self.page, self.query = page, query

    def __init__(self, revealed: RevealedNumbers, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(revealed, id=id)
        self.filter: Any = None
        self.cursors: list[Any] = [None]
        self.page: Any = None
        #: The query (filter, page cursor) of the rows shown: a page read for another one is
        #: a new result, shown from its first row.
        self._shown_query: tuple[Any, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Label("", id="history-status", markup=False)
        yield ResultTable(id="history-table", cursor_type="row", zebra_stripes=True)

    def load(self) -> None:
        self.load_history()

    def focus_pane(self) -> None:
        self.query_one("#history-table").focus()

    def _query(self) -> tuple[Any, Any]:
        return (self.filter, self.cursors[-1])

    def load_history(self) -> None:
        """Read the page of the current filter (a new query, or the same one again)."""
        self._read_history(self._query())

    @work(thread=True, exclusive=True, group="call-history", exit_on_error=False)
    def _read_history(self, query: tuple[Any, Any]) -> None:
        flt, after = query
        try:
            page = call_data.call_history(flt, after=after, limit=HISTORY_PAGE)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(self.HistoryLoaded(page, query))

    def on_call_history_pane_history_loaded(self, message: HistoryLoaded) -> None:
        self.show_loaded(self._show_history, (message.page, message.query))

    def _show_history(self, loaded: tuple[Any, tuple[Any, Any]]) -> None:
        page, query = loaded
        if not same_query(query, self._query()):
            return  # read for a filter or page left since: its successor is on the way
        with self.app.batch_update():  # the rows and the status line painted at once
            self._show_page(page, query)

    def _show_page(self, page: Any, query: tuple[Any, Any]) -> None:
        table = self.query_one("#history-table", DataTable)
        # A refresh of the query shown keeps the cursor on its record; a new one starts on
        # its first hit.
        same = self._shown_query is not None and same_query(query, self._shown_query)
        cursor = table.cursor_row if same else 0
        keep = id_at(self.rows, cursor) if same else None
        self._shown_query = query
        self.page = page
        self.rows = list(page.rows)
        category_width = min(8, max(cell_len(label(CALL_CATEGORIES, c)) for c in CALL_CATEGORIES))
        self.fill(table, [(_("Time"), 11), ("", 1), (_("Number"), 13), (_("Name"), 6),
                          (_("Category"), category_width), (_("Length"), 5), (_("Summary"), 0),
                          (_("WO"), 2)], 6, [
            (Text(call.started_at.strftime("%m-%d %H:%M")),
             Text("←" if call.direction == "in" else "→"),
             Text(self.revealed.shown(call)),
             plain(call.person or ""),
             Text(label(CALL_CATEGORIES, call.category)),
             Text(minutes(call.duration_s), justify="right"),
             plain(call.summary.replace("\n", " ")),
             Text("✓" if call.work_order_id else ""))
            for call in self.rows])
        if self.rows:
            table.move_cursor(row=row_of(self.rows, keep, cursor))
        status = _("{filter} · page {page}").format(
            filter=forms.describe_filter(self._filter(), self.host.staff_list()), page=len(self.cursors))
        if page.next_cursor is not None:
            status += " · " + _("pgdn more")
        if not self.rows:
            status += " · " + _("no calls")
        status += " · " + _("enter: details")
        update_label(self.query_one("#history-status", Label), plain(status))  # names staff

    def _filter(self) -> Any:
        return self.filter or call_data.CallFilter()

    def action_next_page(self) -> None:
        if self.page is not None and self.page.next_cursor is not None:
            self.cursors.append(self.page.next_cursor)
            self.load_history()

    def action_previous_page(self) -> None:
        if len(self.cursors) > 1:
            self.cursors.pop()
            self.load_history()

    def action_filter(self) -> None:
        def chosen(flt: Any) -> None:
            if flt is not None:
                self.filter = flt
                self.cursors = [None]
                self.load_history()

        self.app.push_screen(forms.filter_form(self._filter(), self.host.staff_list()), chosen)

    def action_clear_filter(self) -> None:
        self.filter = None
        self.cursors = [None]
        self.load_history()

    @on(DataTable.RowSelected, "#history-table")
    def open_call(self) -> None:
        """enter on a call: its details; from there its work order, a callback or dialling."""
        call = cursor_row(self.query_one("#history-table", DataTable), self.rows)
        if call is None:
            return

        def chosen(what: str | None) -> None:
            if what == "order":
                self._call_order(call)
            elif what == "callback":
                self._schedule(call)
            elif what == "dial":
                self.run_dial(call.number, call.person or "")
            elif what == "reveal":  # the details again, the number as it is now shown
                self.toggle_reveal(call, self.open_call)

        self.app.push_screen(forms.CallDetailsModal(call, revealed=call.id in self.revealed), chosen)

    def _call_order(self, call: Any) -> None:
        from screens.workorder import WorkOrderScreen, open_new_order

        if call.work_order_id:
            self.app.push_screen(WorkOrderScreen(call.work_order_id))
            return
        summary = call.summary.strip()
        open_new_order(self.screen, person_id=call.person_id, call_id=call.id,
                       title=summary.splitlines()[0][:60] if summary else "", description=summary,
                       kind=CATEGORY_KIND.get(call.category, "repair"), phone=call.number,
                       phone_masked=call.id not in self.revealed)

    def _schedule(self, call: Any) -> None:
        def act(due: Any, assignee_id: int) -> Any:
            return call_data.schedule_callback(call.id, due, assignee_id, self.app.staff.id)

        def done(view: Any) -> None:
            if view is not None:
                self.notify(_("Callback scheduled for {due}.").format(due=stamp(view.callback_due)), markup=False)
                self.host.refresh_data()

        due = call.callback_due or quarter(clock_now() + CALLBACK_AFTER)
        self.app.push_screen(forms.callback_form(self.host.staff_list(), self.app.staff.id, due, act), done)

    # --- tagging a call to an incident ---------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lead" and not access.can("lead.manage"):
            return False
        return super().check_action(action, parameters)

    def action_lead(self) -> None:
        """l: the selected call becomes a lead (its number, caller and summary filled), linked
        to the call."""
        call = cursor_row(self.query_one("#history-table", DataTable), self.rows)
        if call is None:
            return
        from data import leads
        from screens.leads import open_new_lead

        me = self.app.staff.id
        prefill = lead_prefill(call.number, call.person or "", call.summary, "", self.app.staff.community_id)

        def create(data: Any, force: bool) -> Any:
            return leads.create_lead(replace(data, call_id=call.id), me, force=force)

        open_new_lead(self.screen, prefill=prefill, create=create)

    def action_tag_incident(self) -> None:
        """i: tag the selected call to the incident going on now (a choice when several are)."""
        call = cursor_row(self.query_one("#history-table", DataTable), self.rows)
        if call is not None:
            self.find_incidents(call)

    @work(thread=True, exclusive=True, group="call-incidents", exit_on_error=False)
    def find_incidents(self, call: Any) -> None:
        try:
            incidents = call_data.active_incidents(clock_now())
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(self.IncidentsFound(call, incidents))

    def on_call_history_pane_incidents_found(self, message: IncidentsFound) -> None:
        from data.vocab import INCIDENT_KINDS
        from widgets.picker import PickerModal, PickRow

        if not message.incidents:
            self.notify(_("No outage is going on now: nothing to tag the call to."), markup=False)
            return
        call = message.call
        if len(message.incidents) == 1:
            self.tag_incident(call.id, message.incidents[0])
            return
        rows = [PickRow((label(INCIDENT_KINDS, i.kind), i.title, "、".join(i.buildings)), i)
                for i in message.incidents]
        picker = PickerModal(_("Tag the call to which outage?"),
                             [(_("Kind"), 8), (_("Title"), 30), (_("Buildings"), 24)], rows)

        def picked(incident: Any) -> None:
            if incident is not None:
                self.tag_incident(call.id, incident)

        self.app.push_screen(picker, picked)

    def tag_incident(self, call_id: int, incident: Any) -> None:
        """Tag in a worker (DeskWrites.run_write: behind another desk it says so, leaving gives
        it up), then read the page again."""
        staff_id = self.app.staff.id

        def tagged(_result: object) -> None:
            self.notify(_("Call tagged to {title}.").format(title=incident.title), markup=False)
            self.load_history()

        self.run_write(lambda: call_data.tag_call(call_id, incident.id, staff_id), done=tagged)

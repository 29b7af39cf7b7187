"""业主 (F2): one search box over names, pinyin, phones, rooms, plates and ID tails."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, Label

from data import search as owner_search
from data.i18n import N_, _
from data.vocab import OCCUPANCY_ROLES, label
from data.waits import WriteWait, cancellable
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen
from widgets.paint import ResultTable, looks, size_now
from widgets.safe import plain

#: Pause after the last keystroke before searching (the worker is exclusive, so a new
#: keystroke cancels the pending search).
DEBOUNCE_S = 0.12
#: Hits a search loads at most (the status line says when there are more): the rows the
#: result table shows (`OwnersScreen.page`), never fewer than MIN_PAGE nor more than PAGE.
PAGE = 50
MIN_PAGE = 10
#: A digits-only query this long is part of a number being typed: searching it would record
#: a reveal for every prefix on the way (data.search_gate), so it is searched only on Enter.
HELD_DIGITS = range(5, 11)


def held_number(query: str) -> bool:
    """Is `query` a part of a phone number that is searched only when Enter sends it?"""
    query = query.strip()
    return query.isdigit() and len(query) in HELD_DIGITS

MATCH_LABELS = {
    "name": N_("name"),
    "pinyin": N_("pinyin"),
    "initials": N_("initials"),
    "phone": N_("phone"),
    "room": N_("room"),
    "plate": N_("plate"),
    "id_number": N_("ID number"),
}


class OwnersScreen(DeskScreen):
    """Search as you type; enter opens the owner card (or the room card of a room row)."""

    CSS_PATH = Path(__file__).parent / "owners.tcss"  # absolute: subclasses elsewhere keep it
    #: Keys typed after enter (or down) wait for the search it sent (`search_now`): they act
    #: on its hits, never on the last query's (tui.typeahead); escape skips the line once the
    #: search was said to wait for another desk, and gives it up.
    TYPEAHEAD_WAITS_FOR: ClassVar[tuple[str, ...]] = ("owner-search-now",)
    BINDINGS = [
        Binding("slash", "focus_search", N_("Search")),
        Binding("enter", "open", N_("Open"), show=False),
        Binding("down", "to_results", N_("Results"), show=False),
        Binding("n", "new_person", N_("New person")),
        Binding("c", "toggle_community", N_("My community")),
    ]

    class OwnersFound(Message):
        """A search finished."""

        def __init__(self, query: str, result: owner_search.SearchResult) -> None:
            super().__init__()
            self.query = query
            self.result = result

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.only_my_community = False
        self.result: owner_search.SearchResult | None = None
        self.rows: list[tuple[str, int]] = []  # ("room"|"person", id) per table row
        self.shown_query: str | None = None  # the query whose result the table shows
        self._shown_cells: list[tuple] = []  # how each table row reads (widgets.paint.looks)
        self._status_text = _("Type to search.")  # what the status line shows
        self._sent_query: str | None = None  # the query enter (or down) sent (`run_write`)
        self._sent_then: Callable[[], None] | None = None  # ... and what follows its hits
        self._typed_wait: WriteWait | None = None  # the debounced search's, to give it up

    @property
    def screen_title(self) -> str:
        return _("Owners")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Input(
            self.initial_query,
            placeholder=_("Name, pinyin, phone tail, room 3-2-501, plate or ID tail"),
            id="owner-query",
        )
        yield Label(_("Type to search."), id="owner-status", markup=False)
        yield ResultTable(id="owner-results", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Name"), _("Rooms"), _("Community"), _("Role"), _("Phone"), _("Tags"), _("Matched"))
        self.query_one(Input).focus()
        if self.initial_query:
            self.run_search(self.initial_query)

    def refresh_data(self) -> None:
        """Another session changed something: search again, keeping the cursor."""
        query = self.query_one(Input).value
        if held_number(query) and query != self.shown_query:
            return  # a part of a number not sent yet
        # The hits on screen again: a number search is not counted, nor a person shown
        # already recorded, twice (the record would be a commit, refreshing the screen at
        # the next poll, and so on). A refused search is asked again as a new one.
        shown = None
        if query == self.shown_query and self.result is not None and not self.result.refused:
            shown = frozenset(hit.id for hit in self.result.hits)
        self.run_search(query, debounce=False, shown=shown)

    # --- searching --------------------------------------------------------------------------

    @on(Input.Changed, "#owner-query")
    def _query_changed(self, event: Input.Changed) -> None:
        if held_number(event.value):
            self._show_status(_("Type the last 4 digits or the whole number; enter searches."))
            return
        self.run_search(event.value)

    @on(Input.Submitted, "#owner-query")
    def _query_submitted(self) -> None:
        # Typed ahead: the search of what is typed may not have landed yet; it is sent now,
        # and enter acts on the hits of this query, never on the last one's.
        self.search_now(then=self._open_hits)

    def _open_hits(self) -> None:
        """enter: the results list, or the only hit's card."""
        if self.rows:
            table = self.query_one(DataTable)
            table.focus()
            if len(self.rows) == 1:
                self.action_open()

    def search_now(self, *, send_held: bool = True, then: Callable[[], None] | None = None) -> None:
        """Show the hits of what is typed now, then `then()` — at once if they are on screen
        already. A part of a number (`held_number`) is searched only when `send_held` (enter
        sends it). The search runs in a thread worker (DeskWrites.run_write): a whole
        number or a longer tail is recorded (data.search_gate, a commit), which may wait
        for another desk's transaction; the screen keeps taking keys, says so after a few
        seconds, and escape gives the search up, the query kept (`give_up_write`)."""
        query = self.query_one(Input).value
        if query == self.shown_query or (held_number(query) and not send_held):
            if then is not None:
                then()
            return
        if self.writing and self._sent_query == query:
            self._sent_then = then or self._sent_then  # the same search: its hits, once
            return
        community = self.app.staff.community_id if self.only_my_community else None
        limit = self.page()
        # The debounced search of the same query, still pending or waiting for another
        # desk to record it, is not needed any more.
        self.workers.cancel_group(self, "owner-search")
        if self._typed_wait is not None:
            self._typed_wait.cancel()
        self._sent_query = query
        self._sent_then = then

        def found(result: owner_search.SearchResult) -> None:
            self.on_owners_screen_owners_found(self.OwnersFound(query, result))
            follow = self._sent_then
            if follow is not None and self.shown_query == query == self.query_one(Input).value:
                follow()

        # Another query's search on its way is given up (unreachable while keys wait for
        # it; a program's call).
        self.run_write(
            lambda: owner_search.search(query, limit=limit, community_id=community), done=found,
            stays=True, replace=True, group="owner-search-now",
            waiting_text=_("The search waits for another desk… esc gives it up, the query stays."),
            given_up_text=_("Search given up while waiting for another desk; enter tries again."))

    def _on_unmount(self) -> None:
        # (DeskWrites' own _on_unmount gives up enter's search: Textual calls each class's handler)
        if self._typed_wait is not None:
            self._typed_wait.cancel()

    def page(self) -> int:
        """How many people a search loads: what the result table shows without scrolling
        (issue 21: load and rank only what is shown; the status line says "N+" when more
        match), PAGE before the table is laid out."""
        rows = self.query_one(DataTable).scrollable_content_region.height - 1  # its header row
        return PAGE if rows <= 0 else max(MIN_PAGE, min(PAGE, rows))

    def on_resize(self) -> None:
        """A taller window shows more rows: load them when the search had more to give."""
        result = self.result
        if result is not None and result.more and len(result.hits) < self.page():
            self.run_search(self.query_one(Input).value, debounce=False)

    @work(thread=True, exclusive=True, group="owner-search", exit_on_error=False)
    def run_search(self, query: str, debounce: bool = True,
                   shown: frozenset[int] | None = None) -> None:
        """Debounce, then search in a worker thread and post OwnersFound (`shown`: the
        refresh of the search on screen, data.search.search)."""
        from textual.worker import get_current_worker

        if debounce:
            time.sleep(DEBOUNCE_S)
            if get_current_worker().is_cancelled:
                return
        community = self.app.staff.community_id if self.only_my_community else None
        # A search that records (data.search_gate) may wait for another desk: enter's own
        # search (`search_now`) or leaving the screen gives this one up.
        wait = WriteWait()
        if self._typed_wait is not None:
            self._typed_wait.cancel()
        self._typed_wait = wait
        try:
            with cancellable(wait):
                result = owner_search.search(query, limit=self.page(), community_id=community, shown=shown)
        except Exception:
            if wait.cancelled:  # given up (on PostgreSQL: its cancelled statement's error)
                return
            raise
        if not get_current_worker().is_cancelled:
            self.post_message(self.OwnersFound(query, result))

    def on_owners_screen_owners_found(self, message: OwnersFound) -> None:
        if message.query != self.query_one(Input).value:
            return  # a newer query is on its way
        self.result = message.result
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        # A refresh of the same query keeps the cursor on the same person or room, wherever
        # new rows put it; a new query starts on its first hit.
        same = message.query == self.shown_query
        keep = self.rows[cursor] if same and 0 <= cursor < len(self.rows) else None
        self.shown_query = message.query
        cells = self._cells(message.result)
        rows = [key for key, _row in cells]
        # Over SSH every repaint costs: the same rows again (a refresh after another desk's
        # change elsewhere, the search run again on coming back) leave the table alone, and
        # a new result replaces the rows in one batch, painted once (issue 21).
        with self.app.batch_update():
            if rows != self.rows or [looks(shown) for _key, shown in cells] != self._shown_cells:
                table.clear()
                for _key, shown in cells:
                    table.add_row(*shown)
                size_now(table)
                self.rows = rows
                self._shown_cells = [looks(shown) for _key, shown in cells]
                if self.rows:
                    if keep in self.rows:
                        row = self.rows.index(keep)
                    else:
                        row = min(max(cursor, 0), len(self.rows) - 1) if same else 0
                    table.move_cursor(row=row)
            elif not same and self.rows:
                table.move_cursor(row=0)
            self._show_status(self._status(message))

    def _cells(self, result: owner_search.SearchResult) -> list[tuple[tuple[str, int], tuple[Text, ...]]]:
        """The table's rows for `result`: (kind, id) and the cells of each."""
        rows: list[tuple[tuple[str, int], tuple[Text, ...]]] = []
        for room in result.rooms:
            rows.append((("room", room.id), (
                Text("🏠 " + room.code, style="bold"),
                Text(room.code),
                plain(room.community),
                Text(_("Room card")),
                Text(""),
                Text(""),
                Text(_(MATCH_LABELS["room"])),
            )))
        for hit in result.hits:
            role = label(OCCUPANCY_ROLES, hit.role) if hit.role else ""
            if hit.role and not hit.current:
                role = _("former {role}").format(role=role)
            rows.append((("person", hit.id), (
                plain(hit.name),
                plain(" ".join(hit.rooms)),
                plain(hit.communities[0] if hit.communities else ""),
                Text(role),
                Text(hit.masked_phones[0] if hit.phones else ""),
                plain("、".join(hit.tags)),
                Text(_(MATCH_LABELS.get(hit.matched, hit.matched))),
            )))
        return rows

    def _show_status(self, text: str) -> None:
        """The status line, written only when its text changes (a label's update repaints it)."""
        status = self.query_one("#owner-status", Label)
        if text != self._status_text:
            self._status_text = text
            status.update(text)

    def _status(self, message: OwnersFound) -> str:
        result = message.result
        scope = _(" · my community only") if self.only_my_community else ""
        if not message.query.strip():
            return _("Type to search.") + scope
        if result.refused:
            return result.refused
        if result.too_short:
            return _("Type at least 4 digits of a phone or ID number, or a room such as 3-2-501.")
        count = len(result.hits)
        if not count and not result.rooms:
            return _("Nothing found for “{query}”.").format(query=message.query.strip()) + scope
        capped = result.more  # a capped count: more match than the list shows
        more = _(" (first {page}; type more to narrow)").format(page=count) if capped else ""
        shown = f"{count}+" if capped else count
        if not result.rooms:
            return _("{count} found{more}").format(count=shown, more=more) + scope
        # Room cards are listed too (first): the count says so, as people and rooms.
        # (Chinese has one form: 户, 人; the catalog has no plural entries, so two ids each.)
        n_rooms = len(result.rooms)
        rooms = (_("{rooms} room") if n_rooms == 1 else _("{rooms} rooms")).format(rooms=n_rooms)
        if not count:
            return _("{rooms} found").format(rooms=rooms) + scope
        people = (_("{count} person") if count == 1 else _("{count} people")).format(count=shown)
        return _("{people} and {rooms} found{more}").format(people=people, rooms=rooms, more=more) + scope

    def palette_commands(self):
        """This screen's actions for the command palette: (title id, help, callback)."""
        yield (N_("New person"), _("Add an owner, tenant or family member (n)"), self.action_new_person)
        yield (N_("My community only"), _("Narrow the search to your community (c)"), self.action_toggle_community)

    # --- actions ----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        """The search field, its query selected: what is typed next replaces it."""
        field = self.query_one(Input)
        field.focus()
        field.select_all()  # focusing selects too, but not a field that has the focus already

    def reopened(self) -> None:
        """F2 again (from a card, another screen or the results list): the search field,
        the last query selected, the same as `/` — never the list the focus was left in."""
        self.action_focus_search()

    def action_to_results(self) -> None:
        self.search_now(send_held=False, then=self._to_results)  # typed ahead of the search: its hits first

    def _to_results(self) -> None:
        if self.rows:
            self.query_one(DataTable).focus()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing in the search box, letters are text, not commands.
        if action in ("new_person", "toggle_community", "cursor_down", "cursor_up", "focus_search"):
            return not isinstance(self.focused, Input)
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return
        kind, record_id = self.rows[min(table.cursor_row, len(self.rows) - 1)]
        from screens.owner_card import OwnerCardScreen, RoomCardScreen

        self.app.push_screen(OwnerCardScreen(record_id) if kind == "person" else RoomCardScreen(record_id))

    def action_new_person(self) -> None:
        from screens.owner_card import OwnerCardScreen
        from screens.owner_forms import person_form

        def opened(person_id: int | None) -> None:
            if person_id:
                self.app.push_screen(OwnerCardScreen(person_id))

        self.app.push_screen(person_form(), opened)

    def action_toggle_community(self) -> None:
        if self.app.staff.community_id is None:
            self.notify(_("Your account has no community of its own; ask an administrator."),
                        severity="warning", markup=False)
            return
        self.only_my_community = not self.only_my_community
        self.refresh_data()

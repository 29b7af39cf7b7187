"""通知 (F6): the notifications inbox — unread first, enter opens what a notification is about."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static
from textual.worker import get_current_worker

from data import notifications
from data.clock import today as clock_today
from data.i18n import N_, _
from data.notifications import Note
from data.vocab import NOTIFICATION_KINDS, label
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen
from widgets.safe import plain

#: The unread marker of the first column.
UNREAD_MARK = "●"
#: A kind label never takes more cells than this (longer ones are cut with an ellipsis).
KIND_WIDTH_MAX = 14
#: A reminder's body starts with its occurrence's start (data.reminders.send_reminders).
DAY_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

#: What enter opens, by the notification's entity (the footer hint names it).
OPENS = {
    "work_order": N_("enter opens the work order"),
    "person": N_("enter opens the owner card"),
    "event": N_("enter opens the calendar on that day"),
    "call": N_("enter opens the callbacks"),
    "lead": N_("enter opens the lead"),
    "contract": N_("enter opens the contract"),
    "committee": N_("enter opens the owners' committee"),
}


def _when(value: dt.datetime, today: dt.date) -> str:
    return value.strftime("%H:%M") if value.date() == today else value.strftime("%m-%d %H:%M")


def event_day(note: Note) -> dt.date | None:
    """The day of the occurrence a reminder is about, read from its body (None if absent)."""
    match = DAY_RE.search(note.body or "")
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def screen_for(entity: str, entity_id: int | None, day: dt.date | None = None) -> Screen | None:
    """The screen that shows what a notification is about: a work order, an owner card, the
    calendar on `day` (a reminder), the callbacks to make, a lead; None when there is nothing to open."""
    if entity == "work_order" and entity_id is not None:
        from screens.workorder import WorkOrderScreen

        return WorkOrderScreen(entity_id)
    if entity == "person" and entity_id is not None:
        from screens.owner_card import OwnerCardScreen

        return OwnerCardScreen(entity_id)
    if entity == "event" and day is not None:
        from screens.calendar import CalendarScreen

        calendar = CalendarScreen()
        calendar.day, calendar.view_name = day, "day"
        return calendar
    if entity == "call":
        from screens.calls import CallsScreen

        return CallsScreen(mode="callbacks", call_id=entity_id)
    if entity == "lead" and entity_id is not None:
        from screens.lead_card import LeadCardScreen

        return LeadCardScreen(entity_id)
    if entity == "contract" and entity_id is not None:
        from screens.contracts import ContractsScreen

        return ContractsScreen(open_id=entity_id)
    if entity == "committee":
        from screens.committee import CommitteeScreen

        return CommitteeScreen(community_id=entity_id)
    return None


class InboxScreen(DeskScreen):
    """My notifications, newest unread first; enter opens the record and marks it read."""

    CSS_PATH = Path(__file__).parent / "inbox.tcss"  # absolute: subclasses elsewhere keep it
    BINDINGS = [
        # priority: the table would take enter for itself, and the footer would not show it.
        Binding("enter", "open", N_("Open"), priority=True, tooltip=N_("Open what it is about; marks it read")),
        Binding("space,m", "mark_read", N_("Read"), tooltip=N_("Mark this notification read")),
        Binding("M", "mark_all_read", N_("All read"), tooltip=N_("Mark every notification read")),
        Binding("u", "toggle_unread", N_("Unread only"), tooltip=N_("Show only unread, or everything")),
    ]

    class InboxLoaded(Message):
        """The inbox and the unread count were read."""

        def __init__(self, notes: list[Note], unread: int) -> None:
            super().__init__()
            self.notes, self.unread = notes, unread

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Note] = []
        self.unread_only = False
        self.unread = 0
        self.loaded = False
        self._keep_id: int | None = None

    @property
    def screen_title(self) -> str:
        return _("Notifications")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="inbox-status", markup=False)
        yield DataTable(id="inbox-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="inbox-body", markup=False)
        # Without the palette hint: at 80 columns it would push the screen's keys off.
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def refresh_data(self) -> None:
        """Something changed (here or in another session): read again, keeping the cursor
        on the same notification."""
        note = self.current()
        self._keep_id = note.id if note is not None else None
        self.load()

    def palette_commands(self):
        """This screen's actions for the command palette: (title id, help, callback)."""
        yield (N_("All read"), _("Mark every notification read (M)"), self.action_mark_all_read)
        yield (N_("Unread only"), _("Show only unread notifications, or all (u)"), self.action_toggle_unread)

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="inbox", exit_on_error=False)
    def load(self) -> None:
        """Read the inbox and the unread count in a worker thread."""
        me = self.app.staff.id
        notes = notifications.inbox(me, include_read=not self.unread_only)
        unread = notifications.unread_count(me)
        if not get_current_worker().is_cancelled:
            self.post_message(self.InboxLoaded(notes, unread))

    def on_inbox_screen_inbox_loaded(self, message: InboxLoaded) -> None:
        self.unread = message.unread
        self.loaded = True
        self._fill(message.notes)
        self.app.show_unread(message.unread)

    def _fill(self, notes: list[Note]) -> None:
        table = self.query_one(DataTable)
        keep = self._keep_id
        if keep is None:
            current = self.current()
            keep = current.id if current is not None else None
        cursor = table.cursor_row
        self._keep_id = None
        kinds = [label(NOTIFICATION_KINDS, code) for code in NOTIFICATION_KINDS]
        kind_width = min(KIND_WIDTH_MAX, max([cell_len(_("Kind")), *map(cell_len, kinds)]))
        widths = [1, 11, kind_width]
        # Two cells of padding per column and two for the vertical scrollbar.
        title_width = max(10, self.app.size.width - sum(widths) - 2 * (len(widths) + 1) - 2)
        table.clear(columns=True)
        for title, width in zip(("", _("Time"), _("Kind"), _("Title")), (*widths, title_width), strict=True):
            table.add_column(title, width=width)
        self.rows = list(notes)
        today = clock_today()
        for note in self.rows:
            table.add_row(*self._cells(note, today))
        if self.rows:
            ids = [n.id for n in self.rows]
            table.move_cursor(row=ids.index(keep) if keep in ids else min(max(cursor, 0), len(ids) - 1))
        self._paint_status()
        self._paint_body()

    @staticmethod
    def _cells(note: Note, today: dt.date) -> list[Text]:
        style = "" if note.read else "bold"
        return [
            Text(" " if note.read else UNREAD_MARK, style=style),
            Text(_when(note.at, today), style=style),
            Text(label(NOTIFICATION_KINDS, note.kind), style=style),
            plain(note.title.replace("\n", " "), style=style),
        ]

    def _paint_status(self) -> None:
        if not self.rows:
            text = _("No unread notifications.") if self.unread_only else _("No notifications.")
        else:
            text = _("{unread} unread · {shown} shown").format(unread=self.unread, shown=len(self.rows))
            if self.unread_only:
                text += " · " + _("unread only (u shows all)")
        self.query_one("#inbox-status", Label).update(text)

    def _paint_body(self) -> None:
        note = self.current()
        body = Text()
        if note is not None:
            body = plain(note.body or note.title)
            hint = OPENS.get(note.entity)
            if hint:
                body.append("\n" + _(hint), style="italic")
        self.query_one("#inbox-body", Static).update(body)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._paint_body()

    # --- actions ---------------------------------------------------------------------------

    def current(self) -> Note | None:
        """The notification under the cursor."""
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.refresh_data()

    def action_mark_read(self) -> None:
        """Mark the notification under the cursor read and step to the next one."""
        note = self.current()
        if note is None or note.read:
            return
        self._shown_read([note.id])
        self.action_cursor_down()
        self.mark([note.id])

    def action_mark_all_read(self) -> None:
        if any(not n.read for n in self.rows) or self.unread:
            self._shown_read([n.id for n in self.rows])
            self.mark(None)

    def action_open(self) -> None:
        """Open what the notification is about (a work order, an owner card, the calendar
        on the reminder's day, the callbacks) and mark it read."""
        note = self.current()
        if note is None:
            return
        if not note.read:
            # As with space: back from the record, the cursor is on the next one to read.
            self._shown_read([note.id])
            self.action_cursor_down()
            self.mark([note.id])
        screen = screen_for(note.entity, note.entity_id, event_day(note))
        if screen is not None:
            self.app.push_screen(screen)
        elif note.read:
            self.notify(_("Nothing to open for this notification."), markup=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()  # a click on a row; enter goes through the binding

    def _shown_read(self, ids: list[int]) -> None:
        """Show `ids` as read at once; the reload that follows the write confirms it."""
        wanted = set(ids)
        changed = [n for n in self.rows if n.id in wanted and not n.read]
        if not changed:
            return
        self.unread = max(0, self.unread - len(changed))
        self._fill([n._replace(read=True) if n.id in wanted else n for n in self.rows])

    #: Notifications to mark read once the write on its way is over (None in it: all).
    _to_mark: set[int | None] | None = None

    def mark(self, ids: list[int] | None) -> None:
        """Mark `ids` (None: all) read, then read the inbox and the count again: a write, in a
        worker (DeskScreen.run_write: behind another desk it says so, leaving gives it up).
        Marks made while one is on its way go together after it."""
        wanted: set[int | None] = {None} if ids is None else set(ids)
        if self.writing:
            self._to_mark = (self._to_mark or set()) | wanted
            return
        staff_id = self.app.staff.id
        every = None in wanted
        marked = None if every else sorted(i for i in wanted if i is not None)

        def done(_result: object) -> None:
            more, self._to_mark = self._to_mark, None
            if more:
                self.mark(None if None in more else sorted(i for i in more if i is not None))
            else:
                self.refresh_data()

        self.run_write(lambda: notifications.mark_read(staff_id, marked), done=done)

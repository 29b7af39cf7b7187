"""The calendar's host screen: whose calendar, which period, which view; reading in a
worker thread, moving about, and the one-key changes (cancel, delete, tick a task off),
the history and the export. The views are painted by `views`, quick-add is in `booking`,
the edit and move forms in `editing`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Label
from textual.worker import get_current_worker

from data import calendar, ical
from data.calendar import Occurrence
from data.clock import now as clock_now
from data.dates import parse_day
from data.errors import FrontDeskError
from data.exports import print_command, print_file, write_text_export
from data.holidays import HolidayDay, holidays_between
from data.i18n import N_, _
from screens.audit_trail import show_history
from screens.calendar.booking import DATETIME_FORMAT, QuickAdd
from screens.calendar.editing import EventEditor, original_start
from screens.calendar.staff_picker import StaffPickerModal
from screens.calendar.views import (
    AGENDA_DAYS,
    FIRST_HOUR,
    LAST_HOUR,
    VIEWS,
    WEEKDAYS,
    ViewPainter,
    holiday_line,
    month_grid,
    week_hours,
)
from widgets.app_header import AppHeader
from widgets.confirm import ConfirmModal
from widgets.desk import DeskScreen
from widgets.form import FormField, FormModal


class CalendarScreen(DeskScreen):
    """Whose calendar, which period, which view; everything read in a worker thread."""

    CSS_PATH = Path(__file__).parent / "calendar.tcss"
    BINDINGS = [
        Binding("d", "view('day')", N_("Day")),
        Binding("w", "view('week')", N_("Week")),
        Binding("m", "view('month')", N_("Month")),
        Binding("A", "view('agenda')", N_("Agenda")),
        Binding("a", "quick_add", N_("Add"), tooltip=N_("Quick-add from one line")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the occurrence under the cursor")),
        Binding("g", "go_to", N_("Go to"), tooltip=N_("Go to a date: 2026-12-03, 12-3, 明天, 下周一")),
        Binding("s", "pick_staff", N_("Staff"), tooltip=N_("Whose calendar: logins, comma-separated")),
        Binding("t", "today", N_("Back to today")),
        Binding("T", "view('tasks')", N_("Open tasks"), show=False),
        Binding("space", "toggle_done", N_("Done"), show=False,
                tooltip=N_("Tick a task off, or open it again")),
        Binding("E", "export", N_("Export"), show=False,
                tooltip=N_("Write this calendar to an iCalendar (.ics) file")),
        Binding("left,h", "step_day(-1)", N_("Previous day"), show=False, priority=True),
        Binding("right,l", "step_day(1)", N_("Next day"), show=False, priority=True),
        Binding("up,k", "cursor_up", N_("Up"), show=False, priority=True),
        Binding("down,j", "cursor_down", N_("Down"), show=False, priority=True),
        Binding("left_square_bracket", "step_period(-1)", N_("Previous period"), show=False),
        Binding("right_square_bracket", "step_period(1)", N_("Next period"), show=False),
        Binding("x", "cancel_occurrence", N_("Cancel one"), show=False),
        Binding("X", "delete_event", N_("Delete series"), show=False),
        Binding("v", "move", N_("Move"), show=False),
        Binding("H", "history", N_("History"), show=False,
                tooltip=N_("Who changed what on this event (supervisors)")),
    ]

    class Loaded(Message):
        """The occurrences and holidays of a period were read."""

        def __init__(self, key: tuple, occurrences: list[Occurrence],
                     holidays: list[HolidayDay]) -> None:
            super().__init__()
            self.key, self.occurrences, self.holidays = key, occurrences, holidays

    class Done(Message):
        """A change was stored, or a file written (past tense: what happened)."""

        def __init__(self, text: str, error: bool = False, reload: bool = True) -> None:
            super().__init__()
            self.text, self.error, self.reload = text, error, reload

    def __init__(self) -> None:
        super().__init__()
        self.view_name = "week"
        self.day = clock_now().date()
        self.staff: list[tuple[int, str]] = []  # (id, login); me, from on_mount
        self.occurrences: list[Occurrence] = []
        self._loaded_once = False
        self.holidays: dict[dt.date, HolidayDay] = {}
        self.row_occurrences: list[Occurrence | None] = []
        self._filled_key: tuple | None = None
        self._hour_hint: int | None = None  # week view → day view: the row to land on

    @property
    def screen_title(self) -> str:
        return _("Calendar")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="cal-title", markup=False)
        yield DataTable(id="cal-table", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        if not self.staff:
            self.staff = [(self.app.staff.id, self.app.staff.login)]
        self.query_one(DataTable).focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def palette_commands(self):
        yield (N_("Day"), _("Calendar day view (d)"), lambda: self.action_view("day"))
        yield (N_("Week"), _("Calendar week view (w)"), lambda: self.action_view("week"))
        yield (N_("Month"), _("Calendar month view (m)"), lambda: self.action_view("month"))
        yield (N_("Agenda"), _("The next 14 days (A)"), lambda: self.action_view("agenda"))
        yield (N_("Tasks"), _("My open tasks (T)"), lambda: self.action_view("tasks"))
        yield (N_("Go to"), _("Go to a date (g)"), self.action_go_to)
        yield (N_("Staff"), _("Whose calendar (s)"), self.action_pick_staff)
        yield (N_("Add"), _("Quick-add from one line (a)"), self.action_quick_add)
        yield (N_("Export calendar"), _("Write an iCalendar (.ics) file (E)"), self.action_export)

    # --- period ------------------------------------------------------------------------------

    def period(self) -> tuple[dt.date, dt.date]:
        """[first, last] day shown by the current view."""
        if self.view_name == "week":
            first = self.day - dt.timedelta(days=self.day.weekday())
            return first, first + dt.timedelta(days=6)
        if self.view_name == "month":
            return month_grid(self.day)
        if self.view_name == "agenda":
            return self.day, self.day + dt.timedelta(days=AGENDA_DAYS - 1)
        return self.day, self.day

    def _key(self) -> tuple:
        if self.view_name == "tasks":  # open tasks, whatever the day
            return ("tasks", None, None, tuple(self.staff))
        first, last = self.period()
        return (self.view_name, first, last, tuple(self.staff))

    def _paint_title(self) -> None:
        first, last = self.period()
        parts = [_(VIEWS[self.view_name])]
        if self.view_name == "tasks":
            pass
        elif self.view_name == "month":
            parts.append(f"{self.day:%Y-%m}")
        elif first == last:
            parts.append(f"{first:%Y-%m-%d} {_(WEEKDAYS[first.weekday()])}")
        else:
            parts.append(f"{first:%Y-%m-%d} – {last:%m-%d}")
        if self.view_name in ("week", "month"):  # the day under the cursor
            parts.append(f"{self.day:%m-%d} {_(WEEKDAYS[self.day.weekday()])}")
        holiday = self.holidays.get(self.day)
        if holiday is not None and self.view_name != "tasks":
            parts.append(holiday_line(holiday))
        parts.append(", ".join(login for _id, login in self.staff))
        self.query_one("#cal-title", Label).update(" · ".join(parts))

    @work(thread=True, exclusive=True, group="calendar", exit_on_error=False)
    def load(self) -> None:
        key = self._key()
        staff_ids = [sid for sid, _login in self.staff]
        try:
            if key[0] == "tasks":
                found, holidays = calendar.tasks(staff_ids), []
            else:
                first, last = key[1], key[2]
                found = calendar.agenda(staff_ids, dt.datetime.combine(first, dt.time()),
                                        dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))
                holidays = holidays_between(first, last)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(key, found, holidays))

    def on_calendar_screen_loaded(self, message: Loaded) -> None:
        if message.key != self._key():
            return
        self.occurrences = message.occurrences
        self._loaded_once = True
        self.holidays = {h.day: h for h in message.holidays}
        previous, self._filled_key = self._filled_key, message.key
        # The same period again keeps the cursor; another week keeps the week view's hour.
        keep = message.key == previous or (previous or ("",))[0] == message.key[0] == "week"
        self._fill(keep=keep)

    # --- painting ----------------------------------------------------------------------------

    def on_resize(self) -> None:
        """The week view's columns and hours follow the terminal's size."""
        if self._loaded_once:
            self._fill(keep=True)

    def _fill(self, keep: bool = False) -> None:
        """Repaint the table; with `keep`, the cursor stays on its row."""
        self._paint_title()
        table = self.query_one(DataTable)
        old = table.cursor_coordinate
        first, last = self.period()
        painter = ViewPainter(self.view_name, self.day, first, last, self.staff,
                              self.occurrences, self.holidays, self.app.size.width, self.app.size.height)
        self.row_occurrences = painter.paint(table)
        self._place_cursor(old if keep else None)

    def _place_cursor(self, old: Coordinate | None = None) -> None:
        """Week and month: on self.day (week: on the old row, or the hour now). Lists: on
        the old row when the same period is shown again, else on the first occurrence."""
        table = self.query_one(DataTable)
        if self.view_name == "week":
            first_hour, last_hour = week_hours(self.app.size.height)
            row = old.row if old is not None else (
                min(max(clock_now().hour, first_hour), last_hour) - first_hour)
            table.move_cursor(row=row, column=self.day.weekday() + 1, animate=False)
        elif self.view_name == "month":
            first, _last = self.period()
            table.move_cursor(row=(self.day - first).days // 7, column=self.day.weekday(),
                              animate=False)
        elif old is not None:
            table.move_cursor(row=min(old.row, max(table.row_count - 1, 0)), animate=False)
        else:
            rows = [i for i, o in enumerate(self.row_occurrences) if o is not None]
            if self._hour_hint is not None:
                rows = [i for i, o in enumerate(self.row_occurrences)
                        if o is not None and min(max(o.start.hour, FIRST_HOUR), LAST_HOUR)
                        >= self._hour_hint] or rows[-1:]
            self._hour_hint = None
            table.move_cursor(row=rows[0] if rows else 0, animate=False)

    def selected(self) -> Occurrence | None:
        table = self.query_one(DataTable)
        if self.view_name in ("week", "month") or not self.row_occurrences:
            return None
        row = table.cursor_row
        return self.row_occurrences[row] if 0 <= row < len(self.row_occurrences) else None

    # --- moving ------------------------------------------------------------------------------

    def go(self, day: dt.date, *, reload: bool = True) -> None:
        """Show `day`; without `reload`, a day inside the period shown only moves the cursor."""
        self.day = day
        if not reload and self._key() == self._filled_key:
            self._paint_title()
            self._place_cursor(self.query_one(DataTable).cursor_coordinate)
            return
        self._paint_title()
        self.load()

    def action_view(self, name: str) -> None:
        self.view_name = name
        self.go(self.day)

    def action_step_day(self, step: int) -> None:
        self.go(self.day + dt.timedelta(days=step), reload=False)

    def action_step_period(self, step: int) -> None:
        if self.view_name == "month":
            self.go(self.day + relativedelta(months=step))
            return
        days = {"day": 1, "week": 7, "agenda": AGENDA_DAYS, "tasks": 7}[self.view_name]
        self.go(self.day + dt.timedelta(days=step * days))

    def action_today(self) -> None:
        self.go(clock_now().date())

    def action_cursor_down(self) -> None:
        if self.view_name == "month":
            self.go(self.day + dt.timedelta(days=7), reload=False)
        else:
            self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.view_name == "month":
            self.go(self.day - dt.timedelta(days=7), reload=False)
        else:
            self.query_one(DataTable).action_cursor_up()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        """enter in the week or month view: open that day (week: at that hour)."""
        if self.view_name not in ("week", "month"):
            return
        first, _last = self.period()
        if self.view_name == "week":
            if event.coordinate.column == 0:
                return
            day = first + dt.timedelta(days=event.coordinate.column - 1)
            self._hour_hint = week_hours(self.app.size.height)[0] + event.coordinate.row
        else:
            day = first + dt.timedelta(days=event.coordinate.row * 7 + event.coordinate.column)
        self.day = day
        self.action_view("day")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """enter on an occurrence: edit it."""
        if self.selected() is not None:
            self.action_edit()

    def action_go_to(self) -> None:
        def save(values: dict[str, str]) -> dt.date:
            return parse_day(values["day"], clock_now().date())

        self.app.push_screen(
            FormModal(_("Go to a date"), [FormField(
                "day", _("Date"), placeholder="2026-12-03, 12-3, 明天, 下周一")], save),
            lambda day: self.go(day) if day else None)

    def action_pick_staff(self) -> None:
        """s: whose calendar, by name, pinyin initials or login (staff_picker)."""

        def picked(staff: list[tuple[int, str]] | None) -> None:
            if staff:
                self.staff = staff
                if len(staff) > 1:
                    self.view_name = "day"
                self.go(self.day)

        current = ", ".join(login for _id, login in self.staff)
        self.app.push_screen(StaffPickerModal(current), picked)

    # --- booking and editing -----------------------------------------------------------------

    def action_quick_add(self) -> None:
        self.open_quick_add()

    def open_quick_add(self, restore: dict[str, str] | None = None,
                       on_close: Callable[[], Any] | None = None) -> FormModal:
        """The quick-add form (booking.QuickAdd); `restore` puts a draft's typed line back
        in it; `on_close()` runs once it is closed."""
        return QuickAdd(self).open(restore, on_close)

    def action_edit(self) -> None:
        occ = self._occurrence_or_say()
        if occ is not None:
            self.open_edit(occ)

    def open_edit(self, occ: Occurrence, *, restore: dict[str, str] | None = None,
                  guard_state: dict[str, Any] | None = None,
                  on_close: Callable[[], Any] | None = None) -> FormModal | None:
        """The edit form of one occurrence (editing.EventEditor); `restore` and
        `guard_state` reopen it from a draft; `on_close()` runs once it is closed."""
        return EventEditor(self).open(occ, restore=restore, guard_state=guard_state,
                                      on_close=on_close)

    def action_move(self) -> None:
        occ = self._occurrence_or_say()
        if occ is not None:
            EventEditor(self).move(occ)

    # --- one occurrence ----------------------------------------------------------------------

    def _occurrence_or_say(self) -> Occurrence | None:
        occ = self.selected()
        if occ is None:
            if self.view_name in ("week", "month"):
                self.notify(_("Open the day first (enter, or d for the day view), then choose "
                              "the occurrence."), markup=False)
            else:
                self.notify(_("Choose an occurrence in the day or agenda view first."),
                            markup=False)
        return occ

    def action_history(self) -> None:
        """H: the audit trail of the selected event, its series for a moved occurrence
        (supervisors and above)."""
        occ = self._occurrence_or_say()
        if occ is not None:
            show_history(self, "event", occ.series_id or occ.event_id, occ.title)

    def action_cancel_occurrence(self) -> None:
        occ = self._occurrence_or_say()
        if occ is None:
            return
        question = _("Cancel “{title}” on {start}? The rest of the series stays.").format(
            title=occ.title, start=f"{occ.start:{DATETIME_FORMAT}}")

        def cancel(ok: bool | None) -> None:
            if ok:
                self._change("cancel", occ)

        self.app.push_screen(ConfirmModal(question), cancel)

    def action_delete_event(self) -> None:
        occ = self._occurrence_or_say()
        if occ is None:
            return
        question = _("Delete “{title}” with its whole series?").format(title=occ.title)

        def delete(ok: bool | None) -> None:
            if ok:
                self._change("delete", occ)

        self.app.push_screen(ConfirmModal(question), delete)

    def action_toggle_done(self) -> None:
        occ = self._occurrence_or_say()
        if occ is None:
            return
        if occ.kind != "task":
            self.notify(_("“{title}” is not a task.").format(title=occ.title), markup=False)
            return
        self._change("done", occ)

    def _change(self, what: str, occ: Occurrence) -> None:
        """In a worker (DeskScreen.run_write: behind another desk it says so, leaving gives it up)."""
        staff_id = self.app.staff.id

        def change() -> str:
            if what == "cancel":
                calendar.cancel_occurrence(occ.event_id, original_start(occ), staff_id)
                return _("Cancelled “{title}” on {start}.")
            if what == "done":
                calendar.set_task_done(occ.event_id, not occ.done, staff_id)
                return _("Open again: “{title}”.") if occ.done else _("Done: “{title}”.")
            calendar.delete_event(occ.series_id or occ.event_id, staff_id)
            return _("Deleted “{title}”.")

        self.run_write(change, done=lambda text: self.post_message(self.Done(
            text.format(title=occ.title, start=f"{occ.start:{DATETIME_FORMAT}}"))),
            refused=lambda exc: self.post_message(self.Done(exc.message, error=True)))

    def on_calendar_screen_done(self, message: Done) -> None:
        self.notify(message.text, severity="error" if message.error else "information", markup=False)
        if message.reload:
            self.load()

    # --- export --------------------------------------------------------------------------------

    class Exported(Message):
        """The calendar was written to a new file of the export folder."""

        def __init__(self, path: Path, count: int, can_print: bool) -> None:
            super().__init__()
            self.path, self.count, self.can_print = path, count, can_print

    def action_export(self) -> None:
        """Write the calendar shown to a new .ics file of the user's export folder: the app
        names the file, never the user (a clerk under a forced SSH command must not be able
        to write ~/.ssh/rc or the database; issue 12)."""
        staff_id, login = self.staff[0]
        self._export(staff_id, login)

    @work(thread=True, group="calendar-export", exit_on_error=False)
    def _export(self, staff_id: int, login: str) -> None:
        me = self.app.staff.login
        kind = "calendar" if login == me else f"calendar_{login}"
        try:
            text = ical.export_ics(staff_id)
            path = write_text_export(kind, "ics", text)
            can_print = bool(print_command())
        except FrontDeskError as exc:
            self.post_message(self.Done(exc.message, error=True, reload=False))
            return
        self.post_message(self.Exported(path, text.count("BEGIN:VEVENT"), can_print))

    def on_calendar_screen_exported(self, message: Exported) -> None:
        told = _("Exported {count} events to {name} in the folder {folder}.").format(
            count=message.count, name=message.path.name, folder=message.path.parent)
        if not message.can_print:
            self.notify(told, markup=False, timeout=10)
            return

        def print_it(ok: bool | None) -> None:
            if ok:
                self._print(message.path)

        self.app.push_screen(ConfirmModal(told + "\n" + _("Print it?")), print_it)

    @work(thread=True, group="calendar-export", exit_on_error=False)
    def _print(self, path: Path) -> None:
        result = print_file(path)
        self.post_message(self.Done(result.message, error=not result.ok, reload=False))

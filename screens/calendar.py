"""日程 (F4): the staff calendar — day, week, month and agenda views, the team view, open
tasks, holidays (休/班), quick-add, edit, cancel, delete and move an occurrence, and the
iCalendar export (issue 6, items 5, 7 and 8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label
from textual.worker import get_current_worker

from data import calendar, ical, versions
from data.calendar import ConflictsFound, EventInput, Occurrence
from data.clock import now as clock_now
from data.dates import parse_day, parse_quick_add
from data.errors import FrontDeskError, NotFoundError, ValidationError
from data.exports import print_command, print_file, write_text_export
from data.holidays import HolidayDay, holidays_between
from data.i18n import N_, _
from data.models import Room, Staff
from data.validators import show_controls
from data.vocab import EVENT_KINDS, label
from screens.audit_trail import show_history
from widgets.app_header import AppHeader
from widgets.bindings import translate_bindings
from widgets.confirm import ConfirmModal
from widgets.conflict import RecordState, VersionGuard
from widgets.form import FormField, FormModal

#: The week view's rows: one per hour, earlier and later occurrences in the first and last.
FIRST_HOUR, LAST_HOUR = 8, 20
AGENDA_DAYS = 14
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
VIEWS = {"day": N_("Day"), "week": N_("Week"), "month": N_("Month"), "agenda": N_("Agenda"),
         "tasks": N_("Open tasks")}
#: Holidays (放假, 休) and make-up working days (调休, 班): the lead translates them to 休 / 班.
HOLIDAY_MARKS = {"holiday": N_("Holiday"), "workday": N_("Workday")}
#: Shorter English marks for cells where the whole word does not fit.
SHORT_MARKS = {"Holiday": "Off", "Workday": "Work"}
WEEK_CELL = 8  # cells per day column at 80 columns
MONTH_CELL = 9  # 7 × (9 + 2 padding) = 77 columns
MONTH_ROW = 3  # lines per week in the month view: the day, then two titles
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
SCOPES = {"one": N_("This occurrence"), "following": N_("This and following"),
          "series": N_("The whole series")}
#: Draft keys of the forms screens.drafts can reopen.
QUICK_ADD = "calendar.quick_add"
EVENT_EDIT = "calendar.edit"
_OCCURRENCE_TIMES = ("start", "end", "recurrence_id", "due")


def occurrence_context(occ: Occurrence) -> dict[str, Any]:
    """An occurrence as JSON-ready values (a draft of its edit form keeps it)."""
    values = asdict(occ)
    for key in _OCCURRENCE_TIMES:
        if values[key] is not None:
            values[key] = values[key].isoformat()
    values["attendees"] = list(occ.attendees)
    return values


def occurrence_from(context: dict[str, Any]) -> Occurrence:
    """The occurrence `occurrence_context` described."""
    values = dict(context)
    for key in _OCCURRENCE_TIMES:
        if values.get(key):
            values[key] = dt.datetime.fromisoformat(values[key])
    values["attendees"] = tuple(values.get("attendees") or ())
    return Occurrence(**values)


def _parse_when(text: str, field: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(" ".join(text.split()), DATETIME_FORMAT)
    except ValueError:
        raise ValidationError(field, _("Write it as YYYY-MM-DD HH:MM.")) from None


def _clip(text: str, width: int) -> str:
    """`text` in at most `width` terminal cells (汉字 take two), "…" where it is cut."""
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _plain(text: str) -> Text:
    """Stored text for a cell: literal, control characters shown (␛), never sent as such."""
    return Text(show_controls(text))


def _cell(text: str, width: int, style: str = "") -> Text:
    return Text(_clip(text, width), style=style)


def _mark(kind: str, room: int | None = None) -> str:
    """休 / 班 (Holiday / Workday); in `room` cells, an English word shortened if need be."""
    msgid = HOLIDAY_MARKS.get(kind, kind)
    text = _(msgid)
    if room is not None and text == msgid and cell_len(text) > room:
        text = SHORT_MARKS.get(msgid, text)
    return text


def _holiday_line(holiday: HolidayDay) -> str:
    return f"{show_controls(holiday.name)} · {_mark(holiday.kind)}"


def _month_grid(day: dt.date) -> tuple[dt.date, dt.date]:
    """First Monday and last Sunday of the weeks that hold `day`'s month."""
    first = day.replace(day=1)
    last = first + relativedelta(months=1) - dt.timedelta(days=1)
    return first - dt.timedelta(days=first.weekday()), last + dt.timedelta(days=6 - last.weekday())


def _title(occ: Occurrence) -> str:
    """The title as listed (control characters shown, never sent to the terminal); a task
    with its box, ☐ open or ✓ done."""
    title = show_controls(occ.title)
    if occ.kind == "task":
        return ("✓ " if occ.done else "☐ ") + title
    return title


@dataclass
class _Clash:
    """A change refused for conflicts; `attempt(force, reason)` makes it."""

    message: str
    attempt: Callable[[bool, str], Any]


def _and_then(callback: Callable[[Any], Any],
              then: Callable[[], Any] | None) -> Callable[[Any], Any]:
    """`callback(result)`, then `then()` when given."""
    if then is None:
        return callback

    def both(result: Any) -> None:
        callback(result)
        then()

    return both


def _attempt(attempt: Callable[[bool, str], Any]) -> Any:
    """Make a change; when attendees are busy, return a _Clash to ask about instead."""
    try:
        return attempt(False, "")
    except ConflictsFound as exc:
        return _Clash(exc.message, attempt)


class CalendarScreen(Screen):
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
        translate_bindings(self)
        self.view_name = "week"
        self.day = clock_now().date()
        self.staff: list[tuple[int, str]] = []  # (id, login); me, from on_mount
        self.occurrences: list[Occurrence] = []
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
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        if not self.staff:
            self.staff = [(self.app.staff.id, self.app.staff.login)]
        self.query_one(DataTable).focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
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
            return _month_grid(self.day)
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
            parts.append(_holiday_line(holiday))
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
        self.holidays = {h.day: h for h in message.holidays}
        previous, self._filled_key = self._filled_key, message.key
        # The same period again keeps the cursor; another week keeps the week view's hour.
        keep = message.key == previous or (previous or ("",))[0] == message.key[0] == "week"
        self._fill(keep=keep)

    # --- painting ----------------------------------------------------------------------------

    def _fill(self, keep: bool = False) -> None:
        """Repaint the table; with `keep`, the cursor stays on its row."""
        self._paint_title()
        table = self.query_one(DataTable)
        old = table.cursor_coordinate
        table.clear(columns=True)
        table.header_height = 1
        self.row_occurrences = []
        if self.view_name == "week":
            self._fill_week(table)
        elif self.view_name == "month":
            self._fill_month(table)
        elif self.view_name == "agenda":
            self._fill_agenda(table)
        elif self.view_name == "tasks":
            self._fill_tasks(table)
        elif len(self.staff) > 1:
            self._fill_team(table)
        else:
            self._fill_day(table)
        self._place_cursor(old if keep else None)

    def _fill_week(self, table: DataTable) -> None:
        table.cursor_type = "cell"
        first, _last = self.period()
        today = clock_now().date()
        marked = any(first <= day <= first + dt.timedelta(days=6) for day in self.holidays)
        if marked:  # a second header line: 休 国庆节 / 班 国庆节调休
            table.header_height = 2
        table.add_column("", width=2)
        for i in range(7):
            day = first + dt.timedelta(days=i)
            head = Text(f"{_(WEEKDAYS[i])} {day.day}" + ("*" if day == today else ""),
                        style="bold reverse" if day == today else "")
            holiday = self.holidays.get(day)
            if marked:
                head.append("\n")
            if holiday is not None:
                mark = _mark(holiday.kind, WEEK_CELL // 2)
                head.append(mark, style=self._mark_style(holiday.kind))
                head.append(_clip(f" {show_controls(holiday.name)}", WEEK_CELL - cell_len(mark)))
            table.add_column(head, width=WEEK_CELL)
        cells: dict[tuple[int, int], list[str]] = {}
        for occ in self.occurrences:
            hour = min(max(occ.start.hour, FIRST_HOUR), LAST_HOUR)
            col = (occ.start.date() - first).days
            # The row gives the hour: only minutes past it, or a time outside the rows, show.
            when = (f"{occ.start:%H:%M}" if occ.start.hour != hour
                    else f":{occ.start:%M}" if occ.start.minute else "")
            cells.setdefault((hour, col), []).append(f"{when}{_title(occ)}")
        for hour in range(FIRST_HOUR, LAST_HOUR + 1):
            row: list[Any] = [f"{hour:02d}"]
            for col in range(7):
                row.append(_cell(" ".join(cells.get((hour, col), [])), WEEK_CELL))
            table.add_row(*row)

    @staticmethod
    def _mark_style(kind: str) -> str:
        return "bold red" if kind == "holiday" else "bold blue"

    def _fill_month(self, table: DataTable) -> None:
        table.cursor_type = "cell"
        first, last = self.period()
        today = clock_now().date()
        for name in WEEKDAYS:
            table.add_column(_(name), width=MONTH_CELL)
        by_day: dict[dt.date, list[Occurrence]] = {}
        for occ in self.occurrences:
            by_day.setdefault(occ.start.date(), []).append(occ)
        day = first
        while day <= last:
            row = []
            for _i in range(7):
                row.append(self._month_cell(day, by_day.get(day, []), today))
                day += dt.timedelta(days=1)
            table.add_row(*row, height=MONTH_ROW)

    def _month_cell(self, day: dt.date, occs: list[Occurrence], today: dt.date) -> Text:
        """The day number (with * today), 休/班, then up to two titles or one and "+N"."""
        head = Text(f"{day.day}" + ("*" if day == today else ""),
                    style="bold underline" if day == today else "bold")
        holiday = self.holidays.get(day)
        if holiday is not None:
            head.append(" ")
            head.append(_mark(holiday.kind, 4), style=self._mark_style(holiday.kind))
        titles = [_title(o) for o in occs]
        if len(titles) > MONTH_ROW - 1:
            titles = [titles[0], _("+{count} more").format(count=len(titles) - 1)]
        lines = [head] + [_cell(t, MONTH_CELL) for t in titles]
        cell = Text("\n").join(lines)
        if day.month != self.day.month:
            cell.stylize("dim")
        return cell

    def _fill_day(self, table: DataTable) -> None:
        table.cursor_type = "row"
        table.add_column(_("Time"), width=11)
        table.add_column(_("Kind"), width=8)
        table.add_column(_("Title"), width=22)
        table.add_column(_("Location"), width=10)
        table.add_column(_("With"), width=12)
        holiday = self.holidays.get(self.day)
        if holiday is not None:
            table.add_row("", "", Text(_holiday_line(holiday), style="bold"), "", "")
            self.row_occurrences.append(None)
        for occ in self.occurrences:
            table.add_row(
                f"{occ.start:%H:%M}-{occ.end:%H:%M}", label(EVENT_KINDS, occ.kind),
                Text(_title(occ)), _plain(occ.location or occ.room), _plain(",".join(occ.attendees)))
            self.row_occurrences.append(occ)
        self._no_rows(table)

    def _fill_team(self, table: DataTable) -> None:
        table.cursor_type = "row"
        table.add_column(_("Time"), width=11)
        width = max(8, (self.app.size.width - 16) // len(self.staff) - 2)
        for _sid, login in self.staff:
            table.add_column(login, width=width)
        holiday = self.holidays.get(self.day)
        if holiday is not None:
            table.add_row(_cell(_holiday_line(holiday), 11, "bold"), *[""] * len(self.staff))
            self.row_occurrences.append(None)
        for occ in self.occurrences:
            cells = [_cell(_title(occ), width) if login in occ.attendees else ""
                     for _sid, login in self.staff]
            table.add_row(f"{occ.start:%H:%M}-{occ.end:%H:%M}", *cells)
            self.row_occurrences.append(occ)
        self._no_rows(table)

    def _fill_agenda(self, table: DataTable) -> None:
        """The next days, with a line for each holiday or make-up working day."""
        table.cursor_type = "row"
        table.add_column(_("Date"), width=11)
        table.add_column(_("Time"), width=11)
        table.add_column(_("Kind"), width=8)
        table.add_column(_("Title"), width=22)
        table.add_column(_("Location"), width=12)
        holidays = sorted(self.holidays.values(), key=lambda h: h.day)
        for occ in self.occurrences:
            day = occ.start.date()
            while holidays and holidays[0].day <= day:
                self._agenda_holiday(table, holidays.pop(0))
            table.add_row(f"{day:%m-%d} {_(WEEKDAYS[day.weekday()])}",
                          f"{occ.start:%H:%M}-{occ.end:%H:%M}", label(EVENT_KINDS, occ.kind),
                          Text(_title(occ)), _plain(occ.location or occ.room))
            self.row_occurrences.append(occ)
        for holiday in holidays:
            self._agenda_holiday(table, holiday)
        self._no_rows(table)

    def _fill_tasks(self, table: DataTable) -> None:
        """My open tasks by due time; overdue ones in red."""
        table.cursor_type = "row"
        table.add_column(_("Due"), width=11)
        table.add_column(_("Time"), width=5)
        table.add_column(_("Title"), width=30)
        table.add_column(_("Location"), width=12)
        table.add_column(_("With"), width=10)
        now = clock_now()
        for occ in self.occurrences:
            due = occ.due or occ.start
            style = "bold red" if due < now else ""
            table.add_row(Text(f"{due:%m-%d} {_(WEEKDAYS[due.weekday()])}", style=style),
                          Text(f"{due:%H:%M}", style=style), Text(_title(occ)),
                          _plain(occ.location or occ.room), _plain(",".join(occ.attendees)))
            self.row_occurrences.append(occ)
        self._no_rows(table)

    def _agenda_holiday(self, table: DataTable, holiday: HolidayDay) -> None:
        day = holiday.day
        table.add_row(f"{day:%m-%d} {_(WEEKDAYS[day.weekday()])}", "", "",
                      Text(_holiday_line(holiday), style="bold"), "")
        self.row_occurrences.append(None)

    def _no_rows(self, table: DataTable) -> None:
        if not any(self.row_occurrences):
            text = _("No open tasks.") if self.view_name == "tasks" else _("Nothing booked.")
            widths = [column.width for column in table.columns.values()]
            cells: list[Any] = [""] * len(widths)
            cells[widths.index(max(widths))] = Text(text)  # the widest column: not cut
            table.add_row(*cells)
            self.row_occurrences.append(None)

    def _place_cursor(self, old: Coordinate | None = None) -> None:
        """Week and month: on self.day (week: on the old row, or the hour now). Lists: on
        the old row when the same period is shown again, else on the first occurrence."""
        table = self.query_one(DataTable)
        if self.view_name == "week":
            row = old.row if old is not None else (
                min(max(clock_now().hour, FIRST_HOUR), LAST_HOUR) - FIRST_HOUR)
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
                rows = [i for i in rows if min(max(self.row_occurrences[i].start.hour,
                        FIRST_HOUR), LAST_HOUR) >= self._hour_hint] or rows[-1:]
            self._hour_hint = None
            table.move_cursor(row=rows[0] if rows else 0, animate=False)

    def selected(self) -> Occurrence | None:
        table = self.query_one(DataTable)
        if self.view_name in ("week", "month") or not self.row_occurrences:
            return None
        row = table.cursor_row
        return self.row_occurrences[row] if 0 <= row < len(self.row_occurrences) else None

    # --- moving ------------------------------------------------------------------------------

    def _go(self, day: dt.date, *, reload: bool = True) -> None:
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
        self._go(self.day)

    def action_step_day(self, step: int) -> None:
        self._go(self.day + dt.timedelta(days=step), reload=False)

    def action_step_period(self, step: int) -> None:
        if self.view_name == "month":
            self._go(self.day + relativedelta(months=step))
            return
        days = {"day": 1, "week": 7, "agenda": AGENDA_DAYS, "tasks": 7}[self.view_name]
        self._go(self.day + dt.timedelta(days=step * days))

    def action_today(self) -> None:
        self._go(clock_now().date())

    def action_cursor_down(self) -> None:
        if self.view_name == "month":
            self._go(self.day + dt.timedelta(days=7), reload=False)
        else:
            self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.view_name == "month":
            self._go(self.day - dt.timedelta(days=7), reload=False)
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
            self._hour_hint = FIRST_HOUR + event.coordinate.row
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
            lambda day: self._go(day) if day else None)

    @staticmethod
    def _staff_ids(logins: list[str], field: str) -> list[tuple[int, str]]:
        """(id, login) for each login, in order; a ValidationError on `field` names the
        logins that are no one's."""
        logins = list(dict.fromkeys(p.strip().lstrip("@") for p in logins if p.strip()))
        found = {s.login: s.id for s in Staff.select(Staff.id, Staff.login)
                 .where(Staff.login.in_(logins))} if logins else {}
        missing = [p for p in logins if p not in found]
        if missing:
            raise ValidationError(field, _("No staff member {logins}.").format(
                logins=", ".join(missing)))
        return [(found[p], p) for p in logins]

    @staticmethod
    def _split_logins(text: str) -> list[str]:
        return [p for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]

    def action_pick_staff(self) -> None:
        def save(values: dict[str, str]) -> list[tuple[int, str]]:
            logins = self._split_logins(values["logins"])
            if not logins:
                raise ValidationError("logins", _("Type at least one login."))
            return self._staff_ids(logins, "logins")

        def picked(staff: list[tuple[int, str]] | None) -> None:
            if staff:
                self.staff = staff
                if len(staff) > 1:
                    self.view_name = "day"
                self._go(self.day)

        current = ", ".join(login for _id, login in self.staff)
        self.app.push_screen(FormModal(_("Whose calendar"), [FormField(
            "logins", _("Logins"), current, help=_("Several, comma-separated: the team view"))],
            save), picked)

    # --- conflicts -----------------------------------------------------------------------------

    def _then(self, title: str, done: Callable[[Any], None]) -> Callable[[Any], None]:
        """What to do with a form's result: `done(result)`; for a _Clash, the conflict shown
        and a reason asked for, then the change made anyway and `done(result)`."""

        def after(result: Any) -> None:
            if result is None:
                return
            if not isinstance(result, _Clash):
                done(result)
                return
            self.notify(result.message, severity="warning", markup=False)
            self.app.push_screen(
                FormModal(title, [FormField("reason", _("Reason"), help=result.message)],
                          lambda values: result.attempt(True, values["reason"])),
                after)

        return after

    # --- booking -----------------------------------------------------------------------------

    def action_quick_add(self) -> None:
        self.open_quick_add()

    def open_quick_add(self, restore: dict[str, str] | None = None,
                       on_close: Callable[[], Any] | None = None) -> FormModal:
        """The quick-add form; `restore` puts a draft's typed line back in it; `on_close()`
        runs once it is closed."""
        today = clock_now().date()

        def check(values: dict[str, str]) -> str | None:
            try:
                quick = parse_quick_add(values["line"], today)
            except ValidationError:
                return None  # save shows the error beside the field
            return _("Understood: {pieces}. F10 again books it.").format(
                pieces="; ".join(quick.understood))

        def save(values: dict[str, str]) -> Any:
            try:
                quick = parse_quick_add(values["line"], today)
            except ValidationError as exc:
                raise ValidationError("line", exc.message) from None
            data = self._event_input(quick)

            def book(force: bool, reason: str) -> EventInput:
                calendar.create_event(data, self.app.staff.id, force=force, reason=reason)
                return data

            return _attempt(book)

        form = FormModal(_("Quick add"), [FormField(
            "line", _("Event"), placeholder="明天 14:00-15:00 3-2-501 上门维修 @tech1")],
            save, check=check, draft_key=QUICK_ADD)
        if restore is not None:
            form.restore(restore)
        self.app.push_screen(form, _and_then(self._then(_("Book anyway?"), self._booked), on_close))
        return form

    def _event_input(self, quick) -> EventInput:
        ids = [self.app.staff.id]
        if quick.logins:
            ids = [sid for sid, _login in self._staff_ids(list(quick.logins), "line")]
        room_id = None
        if quick.room_code:
            rooms = Room.select(Room.id, Room.community).where(Room.code == quick.room_code)
            mine = [r.id for r in rooms if r.community_id == self.app.staff.community_id]
            room_id = (mine or [r.id for r in rooms] or [None])[0]
        return EventInput(kind=quick.kind, title=quick.title, start=quick.start, end=quick.end,
                          attendee_ids=ids, room_id=room_id,
                          location=quick.room_code or "")

    def _booked(self, data: EventInput) -> None:
        self.notify(_("Booked “{title}” {start}.").format(
            title=data.title, start=f"{data.start:{DATETIME_FORMAT}}"), markup=False)
        self._go(data.start.date())

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

    @staticmethod
    def _original(occ: Occurrence) -> dt.datetime:
        return occ.recurrence_id or occ.start

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
        self.app.push_screen(ConfirmModal(question),
                             lambda ok: self._change("cancel", occ) if ok else None)

    def action_delete_event(self) -> None:
        occ = self._occurrence_or_say()
        if occ is None:
            return
        question = _("Delete “{title}” with its whole series?").format(title=occ.title)
        self.app.push_screen(ConfirmModal(question),
                             lambda ok: self._change("delete", occ) if ok else None)

    def action_toggle_done(self) -> None:
        occ = self._occurrence_or_say()
        if occ is None:
            return
        if occ.kind != "task":
            self.notify(_("“{title}” is not a task.").format(title=occ.title), markup=False)
            return
        self._change("done", occ)

    @work(thread=True, group="calendar-change", exit_on_error=False)
    def _change(self, what: str, occ: Occurrence) -> None:
        staff_id = self.app.staff.id
        try:
            if what == "cancel":
                calendar.cancel_occurrence(occ.event_id, self._original(occ), staff_id)
                text = _("Cancelled “{title}” on {start}.")
            elif what == "done":
                calendar.set_task_done(occ.event_id, not occ.done, staff_id)
                text = _("Open again: “{title}”.") if occ.done else _("Done: “{title}”.")
            else:
                calendar.delete_event(occ.series_id or occ.event_id, staff_id)
                text = _("Deleted “{title}”.")
        except FrontDeskError as exc:
            self.post_message(self.Done(exc.message, error=True))
            return
        self.post_message(self.Done(text.format(title=occ.title, start=f"{occ.start:{DATETIME_FORMAT}}")))

    def on_calendar_screen_done(self, message: Done) -> None:
        self.notify(message.text, severity="error" if message.error else "information", markup=False)
        if message.reload:
            self.load()

    def action_move(self) -> None:
        occ = self._occurrence_or_say()
        if occ is None:
            return

        def save(values: dict[str, str]) -> Any:
            start = _parse_when(values["start"], "start")
            end = _parse_when(values["end"], "end")

            def move(force: bool, reason: str) -> tuple[dt.datetime, dt.datetime]:
                calendar.move_occurrence(occ.event_id, self._original(occ), start, end,
                                         self.app.staff.id, force=force, reason=reason)
                return start, end

            return _attempt(move)

        def moved(times: tuple[dt.datetime, dt.datetime]) -> None:
            self.notify(_("Moved “{title}” to {start}.").format(
                title=occ.title, start=f"{times[0]:{DATETIME_FORMAT}}"), markup=False)
            self._go(times[0].date())

        self.app.push_screen(FormModal(_("Move “{title}”").format(title=occ.title), [
            FormField("start", _("Start"), f"{occ.start:{DATETIME_FORMAT}}"),
            FormField("end", _("End"), f"{occ.end:{DATETIME_FORMAT}}"),
        ], save), self._then(_("Move anyway?"), moved))

    # --- edit ----------------------------------------------------------------------------------

    def action_edit(self) -> None:
        occ = self._occurrence_or_say()
        if occ is not None:
            self.open_edit(occ)

    def open_edit(self, occ: Occurrence, *, restore: dict[str, str] | None = None,
                  guard_state: dict[str, Any] | None = None,
                  on_close: Callable[[], Any] | None = None) -> FormModal | None:
        """The edit form of one occurrence. Saving checks the version it was opened at: a
        change someone saved meanwhile is shown before anything is overwritten. `restore`
        and `guard_state` reopen it from a draft; `on_close()` runs once it is closed."""
        try:
            row = calendar.event_state(occ.event_id)
        except NotFoundError:
            self.notify(_("“{title}” is gone: someone deleted it.").format(title=occ.title),
                        severity="warning", markup=False)
            self.load()
            return None
        fields = [
            FormField("title", _("Title"), occ.title),
            FormField("kind", _("Kind"), occ.kind, kind="select",
                      options=[(label(EVENT_KINDS, k), k) for k in EVENT_KINDS]),
            FormField("start", _("Start"), f"{occ.start:{DATETIME_FORMAT}}"),
            FormField("end", _("End"), f"{occ.end:{DATETIME_FORMAT}}"),
            FormField("location", _("Location"), occ.location),
            FormField("attendees", _("With"), ", ".join(occ.attendees),
                      help=_("Logins, comma-separated")),
            FormField("description", _("Description"), row.description or "", kind="text"),
        ]
        recurring = occ.series_id is not None or bool(occ.rrule)
        if recurring:
            fields.append(FormField("scope", _("Change"), "one", kind="select",
                                    options=[(_(text), key) for key, text in SCOPES.items()]))
        guard = self._event_guard(occ, row.version, fields)

        def save(values: dict[str, str]) -> Any:
            changes = self._changes(occ, guard.base, values)
            if not changes:
                return "unchanged"
            change = self._edit_call(occ, values.get("scope", "series"), changes, guard)
            return _attempt(change)

        def saved(result: Any) -> None:
            if result == "unchanged":
                self.notify(_("Nothing changed."), markup=False)
                return
            self.notify(_("Saved “{title}”.").format(title=result), markup=False)
            self.load()

        form = FormModal(_("Edit “{title}”").format(title=occ.title), fields, save, guard=guard,
                         draft_key=EVENT_EDIT, draft_context={"occurrence": occurrence_context(occ)})
        if restore is not None:
            form.restore(restore, guard_state)
        self.app.push_screen(form, _and_then(self._then(_("Save anyway?"), saved), on_close))
        return form

    @staticmethod
    def _event_guard(occ: Occurrence, version: int, fields: list[FormField]) -> VersionGuard:
        """The occurrence's row (a series, a moved occurrence, a one-off event) as the form
        was opened; `current` reads it again in the form's terms."""

        def current(guard: VersionGuard) -> RecordState:
            now = calendar.event_state(occ.event_id)
            start, end = now.start, now.end
            if now.rrule:  # a series: this occurrence's day at the series' time now
                start = dt.datetime.combine(occ.start.date(), now.start.time())
                end = start + (now.end - now.start)
            values = {"title": now.title, "kind": now.kind, "start": f"{start:{DATETIME_FORMAT}}",
                      "end": f"{end:{DATETIME_FORMAT}}", "location": now.location,
                      "attendees": ", ".join(now.attendees), "description": now.description}
            stamps = versions.changed_since("event", occ.event_id)
            if "event_attendee" in stamps:
                stamps.setdefault("attendees", stamps["event_attendee"])
            return RecordState(values, now.version, stamps)

        base = {f.name: f.value for f in fields if f.name != "scope"}
        return VersionGuard(version, base, current)

    def _changes(self, occ: Occurrence, base: dict[str, str],
                 values: dict[str, str]) -> dict[str, Any]:
        """What the form changes against `base` (what it was opened with, or reloaded), as
        `calendar.edit_*` takes it; ValidationError on a field."""
        changes: dict[str, Any] = {}
        for name in ("title", "kind", "location", "description"):
            if values[name] != base[name]:
                changes[name] = values[name]
        if "title" in changes and not changes["title"].strip():
            raise ValidationError("title", _("An event needs a title."))
        start = _parse_when(values["start"], "start")
        end = _parse_when(values["end"], "end")
        if end <= start:
            raise ValidationError("end", _("The end must be after the start."))
        if start != _parse_when(base["start"], "start") or end != _parse_when(base["end"], "end"):
            changes["start"], changes["end"] = start, end
        if values["attendees"] != base["attendees"]:
            logins = self._split_logins(values["attendees"])
            if not logins:
                raise ValidationError("attendees", _("Type at least one login."))
            people = self._staff_ids(logins, "attendees")
            before = sorted(p.strip().lstrip("@") for p in self._split_logins(base["attendees"]))
            if sorted(login for _sid, login in people) != before:
                changes["attendee_ids"] = [sid for sid, _login in people]
        return changes

    def _edit_call(self, occ: Occurrence, scope: str, changes: dict[str, Any],
                   guard: VersionGuard) -> Callable[[bool, str], str]:
        """The data-layer call for `scope` (one / following / series), as attempt(force,
        reason) returning the title saved; it saves only over the version in `guard`."""
        staff_id = self.app.staff.id
        title = changes.get("title", occ.title).strip()
        original = self._original(occ)
        if occ.series_id is None and not occ.rrule:
            scope = "series"  # a one-off event: it is its own series
        if scope == "series" and "start" in changes and (occ.series_id or occ.rrule):
            # The form shows this occurrence's times: move the series' start by as much.
            series = calendar.event_state(occ.series_id or occ.event_id)
            start = series.start + (changes["start"] - _parse_when(guard.base["start"], "start"))
            changes = {**changes, "start": start, "end": start + (changes["end"] - changes["start"])}

        def call(force: bool, reason: str) -> str:
            try:
                if scope == "one":
                    calendar.edit_occurrence(occ.event_id, original, changes, staff_id,
                                             force=force, reason=reason,
                                             expected_version=guard.version)
                else:
                    # The row the form read (a moved occurrence's own row is checked, and
                    # its series changed).
                    calendar.edit_series(occ.event_id, changes, staff_id,
                                         from_start=original if scope == "following" else None,
                                         force=force, reason=reason,
                                         expected_version=guard.version)
            except ValidationError as exc:
                if exc.field == "attendee_ids":
                    raise ValidationError("attendees", exc.message) from None
                raise
            return title

        return call

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
        self.app.push_screen(ConfirmModal(told + "\n" + _("Print it?")),
                             lambda ok: self._print(message.path) if ok else None)

    @work(thread=True, group="calendar-export", exit_on_error=False)
    def _print(self, path: Path) -> None:
        result = print_file(path)
        self.post_message(self.Done(result.message, error=not result.ok, reload=False))

"""日程 (F4): the staff calendar — day, week and agenda views, the team view, quick-add,
cancel, delete and move an occurrence (issue 6, item 7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label
from textual.worker import get_current_worker

from data import calendar
from data.calendar import ConflictsFound, EventInput, Occurrence
from data.clock import now as clock_now
from data.dates import parse_day, parse_quick_add
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.models import Room, Staff
from data.vocab import EVENT_KINDS, label
from widgets.app_header import AppHeader
from widgets.bindings import translate_bindings
from widgets.confirm import ConfirmModal
from widgets.form import FormField, FormModal

#: The week view's rows: one per hour, earlier and later occurrences in the first and last.
FIRST_HOUR, LAST_HOUR = 8, 20
AGENDA_DAYS = 14
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
VIEWS = {"day": N_("Day"), "week": N_("Week"), "agenda": N_("Agenda")}
WEEK_CELL = 8  # cells per day column at 80 columns
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


def _parse_when(text: str, field: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(" ".join(text.split()), DATETIME_FORMAT)
    except ValueError:
        raise ValidationError(field, _("Write it as YYYY-MM-DD HH:MM.")) from None


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


class CalendarScreen(Screen):
    """Whose calendar, which period, which view; everything read in a worker thread."""

    CSS_PATH = Path(__file__).parent / "calendar.tcss"
    BINDINGS = [
        Binding("d", "view('day')", N_("Day")),
        Binding("w", "view('week')", N_("Week")),
        Binding("A", "view('agenda')", N_("Agenda")),
        Binding("left,h", "step_day(-1)", N_("Previous day"), show=False, priority=True),
        Binding("right,l", "step_day(1)", N_("Next day"), show=False, priority=True),
        Binding("left_square_bracket", "step_period(-1)", N_("Previous period"), show=False),
        Binding("right_square_bracket", "step_period(1)", N_("Next period"), show=False),
        Binding("t", "today", N_("Back to today")),
        Binding("g", "go_to", N_("Go to"), tooltip=N_("Go to a date: 2026-12-03, 12-3, 明天, 下周一")),
        Binding("s", "pick_staff", N_("Staff"), tooltip=N_("Whose calendar: logins, comma-separated")),
        Binding("a", "quick_add", N_("Add"), tooltip=N_("Quick-add from one line")),
        Binding("x", "cancel_occurrence", N_("Cancel one"), show=False),
        Binding("X", "delete_event", N_("Delete series"), show=False),
        Binding("v", "move", N_("Move"), show=False),
        Binding("j", "cursor_down", N_("Down"), show=False),
        Binding("k", "cursor_up", N_("Up"), show=False),
    ]

    class Loaded(Message):
        """The occurrences of a period were read."""

        def __init__(self, key: tuple, occurrences: list[Occurrence]) -> None:
            super().__init__()
            self.key, self.occurrences = key, occurrences

    class Done(Message):
        """A change was stored (past tense: what happened)."""

        def __init__(self, text: str, error: bool = False) -> None:
            super().__init__()
            self.text, self.error = text, error

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.view_name = "week"
        self.day = clock_now().date()
        self.staff: list[tuple[int, str]] = []  # (id, login); me, from on_mount
        self.occurrences: list[Occurrence] = []
        self.row_occurrences: list[Occurrence | None] = []

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
        yield (N_("Agenda"), _("The next 14 days (A)"), lambda: self.action_view("agenda"))
        yield (N_("Go to"), _("Go to a date (g)"), self.action_go_to)
        yield (N_("Staff"), _("Whose calendar (s)"), self.action_pick_staff)
        yield (N_("Add"), _("Quick-add from one line (a)"), self.action_quick_add)

    # --- period ------------------------------------------------------------------------------

    def period(self) -> tuple[dt.date, dt.date]:
        """[first, last] day shown by the current view."""
        if self.view_name == "week":
            first = self.day - dt.timedelta(days=self.day.weekday())
            return first, first + dt.timedelta(days=6)
        if self.view_name == "agenda":
            return self.day, self.day + dt.timedelta(days=AGENDA_DAYS - 1)
        return self.day, self.day

    def _key(self) -> tuple:
        first, last = self.period()
        return (self.view_name, first, last, tuple(self.staff))

    def _paint_title(self) -> None:
        first, last = self.period()
        view = _(VIEWS[self.view_name])
        who = ", ".join(login for _id, login in self.staff)
        if first == last:
            span = f"{first:%Y-%m-%d} {_(WEEKDAYS[first.weekday()])}"
        else:
            span = f"{first:%Y-%m-%d} – {last:%m-%d}"
        self.query_one("#cal-title", Label).update(f"{view} · {span} · {who}")

    @work(thread=True, exclusive=True, group="calendar", exit_on_error=False)
    def load(self) -> None:
        key = self._key()
        first, last = key[1], key[2]
        start = dt.datetime.combine(first, dt.time())
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
        try:
            found = calendar.agenda([sid for sid, _login in self.staff], start, end)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(key, found))

    def on_calendar_screen_loaded(self, message: Loaded) -> None:
        if message.key != self._key():
            return
        self.occurrences = message.occurrences
        self._fill()

    # --- painting ----------------------------------------------------------------------------

    def _fill(self) -> None:
        self._paint_title()
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self.row_occurrences = []
        if self.view_name == "week":
            self._fill_week(table)
        elif self.view_name == "agenda":
            self._fill_agenda(table)
        elif len(self.staff) > 1:
            self._fill_team(table)
        else:
            self._fill_day(table)

    def _fill_week(self, table: DataTable) -> None:
        table.cursor_type = "cell"
        first, _last = self.period()
        today = clock_now().date()
        table.add_column("", width=2)
        for i in range(7):
            day = first + dt.timedelta(days=i)
            head = f"{_(WEEKDAYS[i])} {day.day}" + ("*" if day == today else "")
            table.add_column(Text(head, style="bold reverse" if day == today else ""),
                             width=WEEK_CELL)
        cells: dict[tuple[int, int], list[str]] = {}
        for occ in self.occurrences:
            hour = min(max(occ.start.hour, FIRST_HOUR), LAST_HOUR)
            col = (occ.start.date() - first).days
            # The row gives the hour: only minutes past it, or a time outside the rows, show.
            when = (f"{occ.start:%H:%M}" if occ.start.hour != hour
                    else f":{occ.start:%M}" if occ.start.minute else "")
            cells.setdefault((hour, col), []).append(f"{when}{occ.title}")
        for hour in range(FIRST_HOUR, LAST_HOUR + 1):
            row: list[Any] = [f"{hour:02d}"]
            for col in range(7):
                text = " ".join(cells.get((hour, col), []))
                cell = Text(text)
                cell.truncate(WEEK_CELL, overflow="ellipsis")
                row.append(cell)
            table.add_row(*row)
        now_hour = min(max(clock_now().hour, FIRST_HOUR), LAST_HOUR)
        table.move_cursor(row=now_hour - FIRST_HOUR, column=self.day.weekday() + 1)

    def _fill_day(self, table: DataTable) -> None:
        table.cursor_type = "row"
        table.add_column(_("Time"), width=11)
        table.add_column(_("Kind"), width=8)
        table.add_column(_("Title"), width=22)
        table.add_column(_("Location"), width=10)
        table.add_column(_("With"), width=12)
        for occ in self.occurrences:
            table.add_row(
                f"{occ.start:%H:%M}-{occ.end:%H:%M}", label(EVENT_KINDS, occ.kind),
                Text(occ.title), Text(occ.location or occ.room), Text(",".join(occ.attendees)))
            self.row_occurrences.append(occ)
        self._no_rows(table)

    def _fill_team(self, table: DataTable) -> None:
        table.cursor_type = "row"
        table.add_column(_("Time"), width=11)
        width = max(8, (self.app.size.width - 16) // len(self.staff) - 2)
        for _sid, login in self.staff:
            table.add_column(login, width=width)
        for occ in self.occurrences:
            cells = [Text(_clip(occ.title, width)) if login in occ.attendees else ""
                     for _sid, login in self.staff]
            table.add_row(f"{occ.start:%H:%M}-{occ.end:%H:%M}", *cells)
            self.row_occurrences.append(occ)
        self._no_rows(table)

    def _fill_agenda(self, table: DataTable) -> None:
        table.cursor_type = "row"
        table.add_column(_("Date"), width=11)
        table.add_column(_("Time"), width=11)
        table.add_column(_("Kind"), width=8)
        table.add_column(_("Title"), width=22)
        table.add_column(_("Location"), width=12)
        for occ in self.occurrences:
            day = occ.start.date()
            table.add_row(f"{day:%m-%d} {_(WEEKDAYS[day.weekday()])}",
                          f"{occ.start:%H:%M}-{occ.end:%H:%M}", label(EVENT_KINDS, occ.kind),
                          Text(occ.title), Text(occ.location or occ.room))
            self.row_occurrences.append(occ)
        self._no_rows(table)

    def _no_rows(self, table: DataTable) -> None:
        if not self.row_occurrences:
            table.add_row(Text(_("Nothing booked.")), *[""] * (len(table.columns) - 1))
            self.row_occurrences.append(None)

    def selected(self) -> Occurrence | None:
        table = self.query_one(DataTable)
        if self.view_name == "week" or not self.row_occurrences:
            return None
        row = table.cursor_row
        return self.row_occurrences[row] if 0 <= row < len(self.row_occurrences) else None

    # --- moving ------------------------------------------------------------------------------

    def _go(self, day: dt.date) -> None:
        self.day = day
        self._paint_title()
        self.load()

    def action_view(self, name: str) -> None:
        self.view_name = name
        self._go(self.day)

    def action_step_day(self, step: int) -> None:
        self._go(self.day + dt.timedelta(days=step))

    def action_step_period(self, step: int) -> None:
        days = {"day": 1, "week": 7, "agenda": AGENDA_DAYS}[self.view_name]
        self._go(self.day + dt.timedelta(days=step * days))

    def action_today(self) -> None:
        self._go(clock_now().date())

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_go_to(self) -> None:
        def save(values: dict[str, str]) -> dt.date:
            return parse_day(values["day"], clock_now().date())

        self.app.push_screen(
            FormModal(_("Go to a date"), [FormField(
                "day", _("Date"), placeholder="2026-12-03, 12-3, 明天, 下周一")], save),
            lambda day: self._go(day) if day else None)

    def action_pick_staff(self) -> None:
        def save(values: dict[str, str]) -> list[tuple[int, str]]:
            logins = [p.strip().lstrip("@") for p in values["logins"].replace("，", ",").split(",")]
            logins = [p for p in logins if p]
            if not logins:
                raise ValidationError("logins", _("Type at least one login."))
            found = {s.login: s.id for s in Staff.select().where(Staff.login.in_(logins))}
            missing = [p for p in logins if p not in found]
            if missing:
                raise ValidationError("logins", _("No staff member {logins}.").format(
                    logins=", ".join(missing)))
            return [(found[p], p) for p in logins]

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

    # --- booking -----------------------------------------------------------------------------

    def action_quick_add(self) -> None:
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
            try:
                calendar.create_event(data, self.app.staff.id)
            except ConflictsFound as exc:
                return ("conflict", data, exc.message)
            return ("booked", data, "")

        self.app.push_screen(
            FormModal(_("Quick add"), [FormField(
                "line", _("Event"), placeholder="明天 14:00-15:00 3-2-501 上门维修 @tech1")],
                save, check=check),
            self._after_booking)

    def _event_input(self, quick) -> EventInput:
        ids = [self.app.staff.id]
        if quick.logins:
            found = {s.login: s.id for s in Staff.select().where(Staff.login.in_(list(quick.logins)))}
            missing = [p for p in quick.logins if p not in found]
            if missing:
                raise ValidationError("line", _("No staff member {logins}.").format(
                    logins=", ".join(missing)))
            ids = [found[p] for p in quick.logins]
        room_id = None
        if quick.room_code:
            rooms = Room.select(Room.id, Room.community).where(Room.code == quick.room_code)
            mine = [r.id for r in rooms if r.community_id == self.app.staff.community_id]
            room_id = (mine or [r.id for r in rooms] or [None])[0]
        return EventInput(kind=quick.kind, title=quick.title, start=quick.start, end=quick.end,
                          attendee_ids=ids, room_id=room_id,
                          location=quick.room_code or "")

    def _after_booking(self, result: Any) -> None:
        if not result:
            return
        outcome, data, message = result
        if outcome == "booked":
            self.notify(_("Booked “{title}” {start}.").format(
                title=data.title, start=f"{data.start:{DATETIME_FORMAT}}"), markup=False)
            self._go(data.start.date())
            return

        def save(values: dict[str, str]) -> EventInput:
            calendar.create_event(data, self.app.staff.id, force=True, reason=values["reason"])
            return data

        self.notify(message, severity="warning", markup=False)
        self.app.push_screen(FormModal(
            _("Book anyway?"), [FormField("reason", _("Reason"), help=message)], save),
            lambda booked: self._after_booking(("booked", booked, "")) if booked else None)

    # --- one occurrence ----------------------------------------------------------------------

    def _occurrence_or_say(self) -> Occurrence | None:
        occ = self.selected()
        if occ is None:
            self.notify(_("Choose an occurrence in the day or agenda view first."), markup=False)
        return occ

    @staticmethod
    def _original(occ: Occurrence) -> dt.datetime:
        return occ.recurrence_id or occ.start

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

    @work(thread=True, group="calendar-change", exit_on_error=False)
    def _change(self, what: str, occ: Occurrence) -> None:
        staff_id = self.app.staff.id
        try:
            if what == "cancel":
                calendar.cancel_occurrence(occ.event_id, self._original(occ), staff_id)
                text = _("Cancelled “{title}” on {start}.")
            else:
                calendar.delete_event(occ.series_id or occ.event_id, staff_id)
                text = _("Deleted “{title}”.")
        except FrontDeskError as exc:
            self.post_message(self.Done(exc.message, error=True))
            return
        self.post_message(self.Done(text.format(title=occ.title, start=f"{occ.start:{DATETIME_FORMAT}}")))

    def on_calendar_screen_done(self, message: Done) -> None:
        self.notify(message.text, severity="error" if message.error else "information", markup=False)
        self.load()

    def action_move(self) -> None:
        occ = self._occurrence_or_say()
        if occ is None:
            return

        def save(values: dict[str, str]) -> Any:
            start = _parse_when(values["start"], "start")
            end = _parse_when(values["end"], "end")
            try:
                calendar.move_occurrence(occ.event_id, self._original(occ), start, end,
                                         self.app.staff.id)
            except ConflictsFound as exc:
                return ("conflict", start, end, exc.message)
            return ("moved", start, end, "")

        self.app.push_screen(FormModal(_("Move “{title}”").format(title=occ.title), [
            FormField("start", _("Start"), f"{occ.start:{DATETIME_FORMAT}}"),
            FormField("end", _("End"), f"{occ.end:{DATETIME_FORMAT}}"),
        ], save), lambda result: self._after_move(occ, result))

    def _after_move(self, occ: Occurrence, result: Any) -> None:
        if not result:
            return
        outcome, start, end, message = result
        if outcome == "moved":
            self.notify(_("Moved “{title}” to {start}.").format(
                title=occ.title, start=f"{start:{DATETIME_FORMAT}}"), markup=False)
            self._go(start.date())
            return

        def save(values: dict[str, str]) -> Any:
            calendar.move_occurrence(occ.event_id, self._original(occ), start, end,
                                     self.app.staff.id, force=True, reason=values["reason"])
            return ("moved", start, end, "")

        self.notify(message, severity="warning", markup=False)
        self.app.push_screen(FormModal(
            _("Move anyway?"), [FormField("reason", _("Reason"), help=message)], save),
            lambda moved: self._after_move(occ, moved))

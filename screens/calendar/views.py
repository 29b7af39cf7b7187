"""The calendar's views: how the day, team, week, month, agenda and open-tasks views fill the
table, one `ViewPainter` per repaint, from the occurrences and holidays the screen read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from data.calendar import Occurrence
from data.clock import now as clock_now
from data.holidays import HolidayDay
from data.i18n import N_, _
from data.validators import show_controls
from data.vocab import EVENT_KINDS, label

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
#: Rows of a screen the week view does not get (header, title, table header, footer, margin).
WEEK_CHROME = 6


def week_hours(height: int) -> tuple[int, int]:
    """First and last hour rows of the week view for a terminal `height` rows high: 08–20,
    and earlier and later hours (down to 00, up to 23) when there is room for them."""
    extra = max(0, height - WEEK_CHROME - (LAST_HOUR - FIRST_HOUR + 1))
    first = max(0, FIRST_HOUR - extra // 2)
    last = min(23, LAST_HOUR + extra - (FIRST_HOUR - first))
    return first, last


def week_cell(width: int) -> int:
    """Cells per day column: all seven days always fit (fewer characters each when narrow)."""
    # The hour column (2) and two cells of padding per column, two for the scrollbar.
    return max(4, (width - 2 - 2 * 8 - 2) // 7)


def weekday_head(index: int, day: dt.date, width: int) -> str:
    """"周一 7" or, where that does not fit, "一7" / "Mo7"."""
    name = _(WEEKDAYS[index])
    head = f"{name} {day.day}"
    if cell_len(head) + 1 <= width:
        return head
    short = name[-1] if cell_len(name[-1]) == 2 else name[:2]
    return f"{short}{day.day}"
MONTH_CELL = 9  # 7 × (9 + 2 padding) = 77 columns
MONTH_ROW = 3  # lines per week in the month view: the day, then two titles


def clip(text: str, width: int) -> str:
    """`text` in at most `width` terminal cells (汉字 take two), "…" where it is cut."""
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def plain_text(text: str) -> Text:
    """Stored text for a cell: literal, control characters shown (␛), never sent as such."""
    return Text(show_controls(text))


def cell_text(text: str, width: int, style: str = "") -> Text:
    return Text(clip(text, width), style=style)


def holiday_mark(kind: str, room: int | None = None) -> str:
    """休 / 班 (Holiday / Workday); in `room` cells, an English word shortened if need be."""
    msgid = HOLIDAY_MARKS.get(kind, kind)
    text = _(msgid)
    if room is not None and text == msgid and cell_len(text) > room:
        text = SHORT_MARKS.get(msgid, text)
    return text


def holiday_line(holiday: HolidayDay) -> str:
    return f"{show_controls(holiday.name)} · {holiday_mark(holiday.kind)}"


def month_grid(day: dt.date) -> tuple[dt.date, dt.date]:
    """First Monday and last Sunday of the weeks that hold `day`'s month."""
    first = day.replace(day=1)
    last = first + relativedelta(months=1) - dt.timedelta(days=1)
    return first - dt.timedelta(days=first.weekday()), last + dt.timedelta(days=6 - last.weekday())


def listed_title(occ: Occurrence) -> str:
    """The title as listed (control characters shown, never sent to the terminal); a task
    with its box, ☐ open or ✓ done."""
    title = show_controls(occ.title)
    if occ.kind == "task":
        return ("✓ " if occ.done else "☐ ") + title
    return title


def last_day(occ: Occurrence) -> dt.date:
    """The last day an all-day occurrence covers (its stored end is the midnight after it)."""
    end = occ.end.date() if occ.end.time() == dt.time() else occ.end.date() + dt.timedelta(days=1)
    return max(end - dt.timedelta(days=1), occ.start.date())


def days_covered(occ: Occurrence, first: dt.date, last: dt.date) -> list[dt.date]:
    """The days of [first, last] an occurrence is listed on: every day of an all-day one,
    the day a timed one starts."""
    if not occ.all_day:
        return [occ.start.date()]
    day, end = max(occ.start.date(), first), min(last_day(occ), last)
    out = []
    while day <= end:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


def time_span(occ: Occurrence) -> str:
    """The time column: "09:00-10:00", or for a whole day "All day" (全天), and for several
    days "all day–12-11" — never 00:00-00:00."""
    if occ.all_day:
        last = last_day(occ)
        if last == occ.start.date():
            return _("All day")
        return _("all day–{day}").format(day=f"{last:%m-%d}")
    return f"{occ.start:%H:%M}-{occ.end:%H:%M}"


class ViewPainter:
    """Fills the table for one view of [first, last] (`day` is the day under the cursor;
    `staff` (id, login) whose calendar; `width` the terminal's, for the team view) and
    records which occurrence each row shows (None: a holiday line or "Nothing booked")."""

    def __init__(self, view_name: str, day: dt.date, first: dt.date, last: dt.date,
                 staff: list[tuple[int, str]], occurrences: list[Occurrence],
                 holidays: dict[dt.date, HolidayDay], width: int, height: int = 24) -> None:
        self.view_name, self.day, self.first, self.last = view_name, day, first, last
        self.staff, self.occurrences, self.holidays = staff, occurrences, holidays
        self.width = width
        self.height = height
        self.row_occurrences: list[Occurrence | None] = []

    def paint(self, table: DataTable) -> list[Occurrence | None]:
        """Clear `table` and fill it; the occurrence of each row."""
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
        return self.row_occurrences

    def _fill_week(self, table: DataTable) -> None:
        table.cursor_type = "cell"
        first = self.first
        today = clock_now().date()
        week_end = first + dt.timedelta(days=6)
        marked = any(first <= day <= week_end for day in self.holidays)
        whole_days: dict[dt.date, list[str]] = {}  # all-day items: a header line, not at 00:00
        for occ in self.occurrences:
            if occ.all_day:
                for day in days_covered(occ, first, week_end):
                    whole_days.setdefault(day, []).append(listed_title(occ))
        # a second header line: 休 国庆节 / 班 国庆节调休; another for the all-day items
        table.header_height = 1 + int(marked) + int(bool(whole_days))
        table.add_column("", width=2)
        cell = week_cell(self.width)
        first_hour, last_hour = week_hours(self.height)
        for i in range(7):
            day = first + dt.timedelta(days=i)
            head = Text(weekday_head(i, day, cell) + ("*" if day == today else ""),
                        style="bold reverse" if day == today else "")
            holiday = self.holidays.get(day)
            if marked:
                head.append("\n")
            if holiday is not None:
                mark = holiday_mark(holiday.kind, cell // 2)
                head.append(mark, style=self._mark_style(holiday.kind))
                head.append(clip(f" {show_controls(holiday.name)}", cell - cell_len(mark)))
            if whole_days:
                titles = whole_days.get(day, [])
                more = f"+{len(titles) - 1}" if len(titles) > 1 else ""
                head.append("\n")
                if titles:
                    head.append(clip(titles[0], cell - len(more)) + more, style="reverse")
            table.add_column(head, width=cell)
        cells: dict[tuple[int, int], list[str]] = {}
        for occ in self.occurrences:
            if occ.all_day:
                continue
            hour = min(max(occ.start.hour, first_hour), last_hour)
            col = (occ.start.date() - first).days
            # The row gives the hour: only minutes past it, or a time outside the rows, show.
            when = (f"{occ.start:%H:%M}" if occ.start.hour != hour
                    else f":{occ.start:%M}" if occ.start.minute else "")
            cells.setdefault((hour, col), []).append(f"{when}{listed_title(occ)}")
        for hour in range(first_hour, last_hour + 1):
            row: list[Any] = [f"{hour:02d}"]
            for col in range(7):
                row.append(cell_text(" ".join(cells.get((hour, col), [])), cell))
            table.add_row(*row)

    @staticmethod
    def _mark_style(kind: str) -> str:
        return "bold red" if kind == "holiday" else "bold blue"

    def _fill_month(self, table: DataTable) -> None:
        table.cursor_type = "cell"
        first, last = self.first, self.last
        today = clock_now().date()
        for name in WEEKDAYS:
            table.add_column(_(name), width=MONTH_CELL)
        by_day: dict[dt.date, list[Occurrence]] = {}
        for occ in self.occurrences:
            for covered in days_covered(occ, first, last):
                by_day.setdefault(covered, []).append(occ)
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
            head.append(holiday_mark(holiday.kind, 4), style=self._mark_style(holiday.kind))
        titles = [listed_title(o) for o in occs]
        if len(titles) > MONTH_ROW - 1:
            titles = [titles[0], _("+{count} more").format(count=len(titles) - 1)]
        lines = [head] + [cell_text(t, MONTH_CELL) for t in titles]
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
            table.add_row("", "", Text(holiday_line(holiday), style="bold"), "", "")
            self.row_occurrences.append(None)
        for occ in self.occurrences:
            table.add_row(
                time_span(occ), label(EVENT_KINDS, occ.kind),
                Text(listed_title(occ)), plain_text(occ.location or occ.room), plain_text(",".join(occ.attendees)))
            self.row_occurrences.append(occ)
        self._no_rows(table)

    def _fill_team(self, table: DataTable) -> None:
        table.cursor_type = "row"
        table.add_column(_("Time"), width=11)
        width = max(8, (self.width - 16) // len(self.staff) - 2)
        for _sid, login in self.staff:
            table.add_column(login, width=width)
        holiday = self.holidays.get(self.day)
        if holiday is not None:
            table.add_row(cell_text(holiday_line(holiday), 11, "bold"), *[""] * len(self.staff))
            self.row_occurrences.append(None)
        for occ in self.occurrences:
            cells = [cell_text(listed_title(occ), width) if login in occ.attendees else ""
                     for _sid, login in self.staff]
            table.add_row(cell_text(time_span(occ), 11), *cells)
            self.row_occurrences.append(occ)
        self._no_rows(table)

    def _fill_agenda(self, table: DataTable) -> None:
        """The next days, with a line for each holiday or make-up working day."""
        table.cursor_type = "row"
        table.add_column(_("Date"), width=11)
        table.add_column(_("Time"), width=13)  # "all day–12-01"
        table.add_column(_("Kind"), width=8)
        table.add_column(_("Title"), width=22)
        table.add_column(_("Location"), width=12)
        holidays = sorted(self.holidays.values(), key=lambda h: h.day)
        for occ in self.occurrences:
            day = occ.start.date()
            while holidays and holidays[0].day <= day:
                self._agenda_holiday(table, holidays.pop(0))
            table.add_row(f"{day:%m-%d} {_(WEEKDAYS[day.weekday()])}",
                          time_span(occ), label(EVENT_KINDS, occ.kind),
                          Text(listed_title(occ)), plain_text(occ.location or occ.room))
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
                          Text(f"{due:%H:%M}", style=style), Text(listed_title(occ)),
                          plain_text(occ.location or occ.room), plain_text(",".join(occ.attendees)))
            self.row_occurrences.append(occ)
        self._no_rows(table)

    def _agenda_holiday(self, table: DataTable, holiday: HolidayDay) -> None:
        day = holiday.day
        table.add_row(f"{day:%m-%d} {_(WEEKDAYS[day.weekday()])}", "", "",
                      Text(holiday_line(holiday), style="bold"), "")
        self.row_occurrences.append(None)

    def _no_rows(self, table: DataTable) -> None:
        if not any(self.row_occurrences):
            text = _("No open tasks.") if self.view_name == "tasks" else _("Nothing booked.")
            widths = [column.width for column in table.columns.values()]
            cells: list[Any] = [""] * len(widths)
            cells[widths.index(max(widths))] = Text(text)  # the widest column: not cut
            table.add_row(*cells)
            self.row_occurrences.append(None)

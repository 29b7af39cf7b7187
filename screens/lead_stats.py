"""The funnel of leads (t on the leads list): by source (s) or by interest (i), for the last
365 days ([ and ] move the period by a year) — per group the leads in each stage now and the
conversion rate won ÷ (won + lost); below, for the highlighted group, a bar chart of how many
reached each stage, with the median days spent in it and why the lost ones were lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static
from textual.worker import get_current_worker

from data import leads
from data.clock import now as clock_now
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.vocab import label
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen
from widgets.safe import plain, safe_text

#: Eighths of a cell, for bars that end between two cells.
_EIGHTHS = " ▏▎▍▌▋▊▉"
#: Stage columns never take more than this many cells (the short headers are shorter).
STAGE_WIDTH = 7


def bar(value: int, top: int, width: int) -> str:
    """A horizontal bar `width` cells long at `top`, in block characters (eighths)."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value * width * 8 / top))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def days(value: float | None) -> str:
    return "—" if value is None else _("{days:.1f} d").format(days=value)


def funnel_chart(row: leads.FunnelRow, width: int) -> Text:
    """The chart of one group: a bar per pipeline stage (how many reached it), then lost,
    each with its count and the median days spent in it; the lost reasons last."""
    names = [label(leads.LEAD_STAGES, s) for s in (*leads.PIPELINE, "lost")]
    name_width = max(cell_len(n) for n in names)
    bar_width = max(8, width - name_width - 24)
    top = max(row.reached.get("new", 0), 1)
    text = Text()
    for i, stage in enumerate((*leads.PIPELINE, "lost")):
        count = row.lost if stage == "lost" else row.reached[stage]
        name = names[i]
        if i:
            text.append("\n")
        text.append(name + " " * (name_width - cell_len(name)) + " ", style="bold")
        drawn = bar(count, top, bar_width)
        text.append(drawn, style="red" if stage == "lost" else ("green" if stage == "won" else "cyan"))
        text.append(" " * (bar_width - cell_len(drawn)) + f" {count:>4}")
        if stage in leads.OPEN_STAGES:
            text.append("  " + _("median {days}").format(days=days(row.median_days[stage])), style="dim")
    if row.lost_reasons:
        text.append("\n" + _("Lost: ") , style="bold")
        text.append("、".join(f"{label(leads.LOST_REASONS, r)} {n}" for r, n in row.lost_reasons))
    return text


class LeadStatsScreen(DeskScreen):
    """Funnel statistics of leads by source or interest, with a chart of the highlighted group."""

    CSS_PATH = Path(__file__).parent / "leads.tcss"
    BINDINGS = [
        Binding("s", "group('source')", N_("By source")),
        Binding("i", "group('interest')", N_("By interest")),
        Binding("left_square_bracket", "shift(-1)", N_("Earlier"), key_display="["),
        Binding("right_square_bracket", "shift(1)", N_("Later"), key_display="]"),
    ]

    class StatsLoaded(Message):
        def __init__(self, stats: leads.FunnelStats | None, error: str = "") -> None:
            super().__init__()
            self.stats, self.error = stats, error

    def __init__(self, by: str = "source") -> None:
        super().__init__()
        self.by = by
        self.until: dt.date | None = None
        self.stats: leads.FunnelStats | None = None
        self.rows: list[leads.FunnelRow] = []

    @property
    def screen_title(self) -> str:
        return _("Lead funnel")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="funnel-title", markup=False)
        yield DataTable(id="funnel-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="funnel-chart", markup=False)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def _period(self) -> tuple[dt.date, dt.date]:
        until = self.until or clock_now().date()
        return until - dt.timedelta(days=leads.STATS_DAYS - 1), until

    @work(thread=True, exclusive=True, group="lead-stats", exit_on_error=False)
    def load(self) -> None:
        since, until = self._period()
        try:
            stats, error = leads.funnel(self.by, since, until, staff_id=self.app.staff.id), ""
        except FrontDeskError as exc:
            stats, error = None, exc.message
        if not get_current_worker().is_cancelled:
            self.post_message(self.StatsLoaded(stats, error))

    def on_lead_stats_screen_stats_loaded(self, message: StatsLoaded) -> None:
        if message.stats is None:
            self.query_one("#funnel-chart", Static).update(plain(message.error))
            return
        self.stats = stats = message.stats
        self.rows = [*stats.rows, stats.total]
        title = Text()
        title.append(_("By source") if stats.by == "source" else _("By interest"), style="bold")
        title.append(f"  {stats.since:%Y-%m-%d} – {stats.until:%Y-%m-%d}  ")
        title.append(_("s source · i interest · [ ] a year earlier / later"), style="dim")
        self.query_one("#funnel-title", Label).update(title)
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        names = [self.group_name(r) for r in self.rows]
        table.add_column(_("Group"), width=min(12, max(cell_len(n) for n in [*names, _("Group")])))
        # Short headers, each shown whole: nine columns fit 80 columns in English too.
        table.add_column(_("Total"), width=max(4, min(STAGE_WIDTH, cell_len(_("Total")))))
        for stage in leads.LEAD_STAGES:
            table.add_column(label(leads.STAGE_SHORT, stage),
                             width=max(4, min(STAGE_WIDTH, cell_len(label(leads.STAGE_SHORT, stage)))))
        table.add_column(_("Conv."), width=max(5, min(STAGE_WIDTH, cell_len(_("Conv.")))))
        for row, name in zip(self.rows, names, strict=True):
            style = "bold" if not row.key else ""
            cells = [plain(name, style=style), Text(str(row.total), style=style, justify="right")]
            cells += [Text(str(row.stages[s]), style=style, justify="right") for s in leads.LEAD_STAGES]
            cells.append(Text(percent(row.conversion), style=style, justify="right"))
            table.add_row(*cells)
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))
        self._paint_chart()

    def group_name(self, row: leads.FunnelRow) -> str:
        if not row.key:
            return _("All leads")
        return label(leads.LEAD_SOURCES if self.by == "source" else leads.LEAD_INTERESTS, row.key)

    def current(self) -> leads.FunnelRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def _paint_chart(self) -> None:
        row = self.current()
        chart = self.query_one("#funnel-chart", Static)
        if row is None or not row.total:
            chart.update(Text(_("No leads in this period."), style="dim"))
            return
        text = Text(_("{group}: reached each stage").format(group=self.group_name(row)) + "\n", style="bold")
        text.append_text(funnel_chart(row, self.app.size.width - 2))
        chart.update(safe_text(text))

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._paint_chart()

    def action_group(self, by: str) -> None:
        if by != self.by:
            self.by = by
            self.load()

    def action_shift(self, step: int) -> None:
        _since, until = self._period()
        self.until = until + dt.timedelta(days=leads.STATS_DAYS * step)
        self.load()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

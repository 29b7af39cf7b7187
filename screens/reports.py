"""报表 (issue 20): the standard reports for supervisors. The list (enter opens one, or the
在办工单阶段 list of open orders with their stage); a report shows its table with the
totals, the previous period's and the change, the headline figures, and a bar chart of its
main measure. `[` / `]` the previous / next period, `p` types one (2027-01, 2027-Q1,
last-month, 2027-01-01..2027-01-31), `c` / `b` pick a community / building, `a` the whole
company; `x` exports XLSX and `v` CSV (data.reports.export). Reading runs in a thread."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static
from textual.worker import get_current_worker

from data import reports
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.reports.scopes import building_scopes, community_scopes
from screens.lead_stats import bar
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen
from widgets.form import FormField, FormModal
from widgets.picker import PickerModal, PickRow
from widgets.safe import plain, safe_text

#: The list's entry for the open orders with their stage (not a standard report).
STAGES = "open-stages"
#: Bars the chart draws at most (the busiest rows first).
CHART_ROWS = 5


def _num(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def report_chart(report: reports.Report, width: int, rows: int = CHART_ROWS) -> Text:
    """A bar per row (at most `rows`, the largest first) of the report's main measure."""
    column = report.columns[report.chart]
    # Each bar names its row: the first column, and the second text column too when the
    # first repeats (the fees report: 2026-11 锦绣花园, 2026-11 阳光水岸).
    firsts = [str(r[0]) for r in report.rows]
    both = len(set(firsts)) < len(firsts) and len(report.columns) > 1 and report.columns[1].kind == "text"
    found = [(f"{r[0]} {r[1]}" if both else str(r[0]), r[report.chart]) for r in report.rows
             if r[report.chart] is not None]
    found.sort(key=lambda kv: -_num(kv[1]))
    found = found[:rows]
    text = Text(column.title, style="bold")
    if not found:
        text.append("  " + _("nothing to chart in this period"), style="dim")
        return text
    name_width = min(16, max(cell_len(name) for name, _v in found))
    bar_width = max(8, width - name_width - 12)
    top = max(_num(v) for _n, v in found)
    for name, value in found:
        shown = name if cell_len(name) <= name_width else name[: name_width - 1] + "…"
        text.append("\n" + shown + " " * max(0, name_width - cell_len(shown)) + " ")
        drawn = bar(round(_num(value) * 1000), round(top * 1000), bar_width)
        text.append(drawn, style="cyan")
        text.append(" " * (bar_width - cell_len(drawn)) + " " + reports.cell_text(column.kind, value))
    return text


def short_change(kind: str, value: object, previous: object) -> str:
    """The change as a table cell shows it (a rate's in points, shorter than change_text's)."""
    if kind == "rate" and value is not None and previous is not None:
        return _("{delta:+.1f} pts").format(delta=(_num(value) - _num(previous)) * 100)
    return reports.change_text(kind, value, previous)



def span(period: reports.Period) -> str:
    """A period's days as a header shows them: 2026-11-01 – 11-30 (the end's year only when
    it differs)."""
    end = f"{period.end:%m-%d}" if period.end.year == period.start.year else period.end.isoformat()
    return f"{period.start.isoformat()} – {end}"

class ReportsScreen(DeskScreen):
    """The standard reports and the open orders' stages: enter opens one."""

    BINDING_SCOPE = "reports"
    CSS_PATH = Path(__file__).parent / "reports.tcss"
    # What enter does, for F1 (built from the bindings): the list itself takes the key.
    BINDINGS = [
        Binding("enter", "open", N_("Open the report"), show=False,
                tooltip=N_("Last month's report of the whole company; [ ] p c b change it")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[str, str]] = []

    @property
    def screen_title(self) -> str:
        return _("Reports")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label(_("Enter opens a report (last month, the whole company)."), id="rp-hint", markup=False)
        yield DataTable(id="rp-list", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        self.entries = [*reports.report_names(), (STAGES, _("Open orders by stage"))]
        table = self.query_one(DataTable)
        table.add_column(_("Report"), width=44)
        table.add_column("", width=20)  # the name `frontdesk report run` takes
        for name, title in self.entries:
            table.add_row(plain(title), Text(name if name != STAGES else "", style="dim"))
        table.focus()

    @on(DataTable.RowSelected, "#rp-list")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open_row(event.cursor_row)

    def action_open(self) -> None:
        """enter: the report under the cursor."""
        self._open_row(self.query_one("#rp-list", DataTable).cursor_row)

    def _open_row(self, row: int) -> None:
        if not 0 <= row < len(self.entries):
            return
        name, _title = self.entries[row]
        self.app.push_screen(StagesScreen() if name == STAGES else ReportScreen(name))


class ReportScreen(DeskScreen):
    """One standard report of a period and scope, with the previous period's figures."""

    BINDING_SCOPE = "report"
    CSS_PATH = Path(__file__).parent / "reports.tcss"
    BINDINGS = [
        Binding("left_square_bracket", "shift(-1)", N_("Earlier"), key_display="["),
        Binding("right_square_bracket", "shift(1)", N_("Later"), key_display="]"),
        Binding("p", "period", N_("Report period"), tooltip=N_("Type a period: 2027-01, 2027-Q1, last-month, "
                                                        "2027-01-01..2027-01-31")),
        Binding("c", "community", N_("Community"), tooltip=N_("The report of one community")),
        Binding("b", "building", N_("Building"), tooltip=N_("The report of one building")),
        Binding("a", "everything", N_("All"), tooltip=N_("The report of the whole company")),
        Binding("x", "export('xlsx')", N_("XLSX"), tooltip=N_("Export to an Excel file")),
        Binding("v", "export('csv')", N_("CSV"), tooltip=N_("Export to a CSV file")),
    ]

    class Loaded(Message):
        def __init__(self, report: reports.Report | None, error: str = "") -> None:
            super().__init__()
            self.report, self.error = report, error

    class Exported(Message):
        def __init__(self, path: str, error: str = "") -> None:
            super().__init__()
            self.path, self.error = path, error

    def __init__(self, name: str, period: reports.Period | None = None, scope: reports.Scope | None = None) -> None:
        super().__init__()
        self.report_name = name
        self.period = period or reports.parse_period("last-month")
        self.scope = scope or reports.Scope(label=_("the whole company"))
        self.report: reports.Report | None = None
        self.last_export = ""

    @property
    def screen_title(self) -> str:
        return _("Reports")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="rp-head", markup=False)
        yield DataTable(id="rp-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="rp-summary", markup=False)
        yield Static("", id="rp-chart", markup=False)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._head(_("Reading …"))
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def _head(self, status: str = "") -> None:
        title = dict(reports.report_names()).get(self.report_name, self.report_name)
        text = Text(title, style="bold")
        text.append(f"  {span(self.period)}")
        text.append_text(plain(f"  {self.scope.label}"))
        if status:
            text.append("  " + status, style="dim")
        self.query_one("#rp-head", Label).update(safe_text(text))

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def load(self) -> None:
        try:
            report, error = reports.run_report(self.report_name, self.period, self.scope, staff_id=self.app.staff.id), ""
        except FrontDeskError as exc:
            report, error = None, exc.message
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(report, error))

    def on_report_screen_loaded(self, message: Loaded) -> None:
        if message.report is None:
            self._head()
            self.query_one("#rp-summary", Static).update(plain(message.error, style="bold red"))
            return
        self.report = report = message.report
        before = report.period.previous()
        # Short dates, so the line fits 80 columns: 2026-11-01 – 11-30 … 对比 10-01 – 10-31.
        self._head(_("compared with {since} – {until}").format(
            since=f"{before.start:%m-%d}" if before.start.year == report.period.start.year
            else before.start.isoformat(), until=f"{before.end:%m-%d}"))
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        lines = [(r, "") for r in report.rows]
        if report.totals is not None:
            lines.append((report.totals, "bold"))
        if report.previous is not None:
            lines.append((report.previous, "italic"))
        change = None
        if report.totals is not None and report.previous is not None:
            change = (_("Change since the previous period"), *(short_change(c.kind, v, p) for c, v, p in
                                      zip(report.columns[1:], report.totals[1:], report.previous[1:], strict=True)))
        for i, column in enumerate(report.columns):
            cells = [reports.cell_text(column.kind, r[i]) if column.kind != "text" else str(r[i] or "")
                     for r, _s in lines]
            if change is not None:
                cells.append(str(change[i]))
            width = max([cell_len(column.title), *(cell_len(c) for c in cells)]) if cells else cell_len(column.title)
            # Money whole (1,234,567.89, never cut to 1,234,567.8): the table scrolls sideways.
            cap = 16 if i == 0 else (14 if column.kind == "fen" else 9)
            table.add_column(column.title, width=min(cap, max(4, width)))
        for row, style in lines:
            table.add_row(*(plain(reports.cell_text(c.kind, v) if c.kind != "text" else str(v or ""), style=style)
                            for c, v in zip(report.columns, row, strict=True)))
        if change is not None:
            table.add_row(*(plain(str(v), style="bold cyan") for v in change))
        if table.row_count:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))
        summary = Text()
        for s in report.summary:
            if summary:
                summary.append("\n")
            summary.append(s.label + " ", style="bold")
            summary.append(reports.cell_text(s.kind, s.value))
            summary.append("  " + _("previous {value}").format(value=reports.cell_text(s.kind, s.previous)))
            moved = reports.change_text(s.kind, s.value, s.previous)
            if moved:
                summary.append(f" ({moved})", style="cyan")
            if s.note:
                summary.append(" · " + s.note, style="dim")
        for note in report.notes:
            summary.append(("\n" if summary else "") + note, style="dim")
        self.query_one("#rp-summary", Static).update(safe_text(summary))
        self.query_one("#rp-chart", Static).update(safe_text(report_chart(report, self.app.size.width - 2)))

    # --- period and scope --------------------------------------------------------------------

    def action_shift(self, step: int) -> None:
        self.period = self.period.next() if step > 0 else self.period.previous()
        self._head(_("Reading …"))
        self.load()

    def action_period(self) -> None:
        def take(values: dict[str, str]) -> reports.Period:
            return reports.parse_period(values["period"])

        def chosen(period: reports.Period | None) -> None:
            if period is not None:
                self.period = period
                self._head(_("Reading …"))
                self.load()

        field = FormField("period", _("Period"), "", placeholder="2027-01",
                          help=_("2027-01, 2027-Q1, 2027-W02, 2027-01-05, last-month, this-month, "
                                 "2027-01-01..2027-01-31"))
        self.app.push_screen(FormModal(_("Report period"), [field], take, save_label=_("Show")), chosen)

    def _pick(self, title: str, choices: list[reports.Scope], empty: str) -> None:
        def chosen(scope: reports.Scope | None) -> None:
            if scope is not None:
                self.scope = scope
                self._head(_("Reading …"))
                self.load()

        rows = [PickRow((s.label,), s) for s in choices]
        self.app.push_screen(PickerModal(title, [(_("Community / building"), 60)], rows, empty=empty), chosen)

    def action_community(self) -> None:
        self._pick(_("The report of which community?"), community_scopes(), _("No community yet."))

    def action_building(self) -> None:
        self._pick(_("The report of which building?"), building_scopes(self.scope.community_id),
                   _("No building yet."))

    def action_everything(self) -> None:
        self.scope = reports.Scope(label=_("the whole company"))
        self._head(_("Reading …"))
        self.load()

    # --- export ------------------------------------------------------------------------------

    def action_export(self, extension: str) -> None:
        if self.report is None:
            self.notify(_("The report is still being read."), markup=False)
            return
        self.export(self.report, extension)

    @work(thread=True, exclusive=True, group="report-export", exit_on_error=False)
    def export(self, report: reports.Report, extension: str) -> None:
        try:
            path, error = str(reports.export_report(report, extension)), ""
        except (FrontDeskError, OSError) as exc:
            path, error = "", getattr(exc, "message", "") or str(exc)
        self.post_message(self.Exported(path, error))

    def on_report_screen_exported(self, message: Exported) -> None:
        if message.error:
            self.notify(message.error, severity="error", markup=False, timeout=8)
            return
        self.last_export = message.path
        self.notify(_("Written to {path}").format(path=message.path), markup=False, timeout=10)


class StagesScreen(DeskScreen):
    """在办工单阶段: the open orders (most urgent deadline first) with their stage, hours in
    it and the hours likely still needed; enter opens the order."""

    BINDING_SCOPE = "stages"
    CSS_PATH = Path(__file__).parent / "reports.tcss"
    BINDINGS = [
        Binding("enter", "open", N_("Open the work order"), show=False),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[reports.StageRow], error: str = "") -> None:
            super().__init__()
            self.rows, self.error = rows, error

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[reports.StageRow] = []

    @property
    def screen_title(self) -> str:
        return _("Open orders by stage")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label(_("Reading …"), id="rp-head", markup=False)
        yield DataTable(id="rp-stages", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for title, width in ((_("Number"), 16), (_("Title"), 18), (_("Stage"), 8), (_("In stage h"), 9),
                             (_("Open h"), 8), (_("Left h"), 8)):
            table.add_column(title, width=width)
        table.focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="stages", exit_on_error=False)
    def load(self) -> None:
        try:
            rows, error = reports.open_stages(staff_id=self.app.staff.id), ""
        except FrontDeskError as exc:
            rows, error = [], exc.message
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(rows, error))

    def on_stages_screen_loaded(self, message: Loaded) -> None:
        head = self.query_one("#rp-head", Label)
        if message.error:
            head.update(plain(message.error, style="bold red"))
            return
        self.rows = message.rows
        head.update(_("{n} open orders, the most urgent deadline first · enter opens one").format(n=len(self.rows)))
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for r in self.rows:
            style = "bold red" if r.overdue else ""
            table.add_row(plain(r.number, style=style), plain(" ".join(r.title.split())), plain(r.stage),
                          Text(f"{r.in_stage_hours:.1f}", justify="right"),
                          Text(f"{r.elapsed_hours:.1f}", justify="right"),
                          Text("—" if r.remaining_hours is None else f"{r.remaining_hours:.1f}", justify="right"))
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))

    @on(DataTable.RowSelected, "#rp-stages")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open_row(event.cursor_row)

    def action_open(self) -> None:
        """enter: the work order under the cursor."""
        self._open_row(self.query_one("#rp-stages", DataTable).cursor_row)

    def _open_row(self, row: int) -> None:
        if not self.rows:
            return
        from screens.workorder import WorkOrderScreen

        self.app.push_screen(WorkOrderScreen(self.rows[min(max(row, 0), len(self.rows) - 1)].order_id))

"""The custom-report builder (定制报表, issue 20 item 3), 80×24: pick a subject, one or two
group-by fields, measures and filters from choice lists (Enter moves on), preview the
table (paged), save it under a name (s), share it (t), open a saved one (o), export to
XLSX (x) or CSV (v). Every query runs in a thread worker; the data layer checks the rules."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, Label, OptionList
from textual.widgets.option_list import Option

from data import access
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.reports import (
    SUBJECTS,
    Definition,
    Report,
    cell_text,
    choices,
    export_report,
    filter_values,
    list_reports,
    load_report,
    parse_period,
    run_custom,
    save_report,
    share_report,
    subject_title,
)
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen
from widgets.safe import plain

#: The steps a definition is built in; Enter on a choice moves to the next. (`value`, the
#: accepted values of a filter with a closed set, comes between two `filter` steps.)
STEPS = ("subject", "group", "group2", "measure", "filter", "preview")
DONE = "__done__"


class ReportBuilderScreen(DeskScreen):
    """Build, preview, save, share and export a custom report."""

    DEFAULT_CSS = """
    ReportBuilderScreen #rb-summary { height: 3; padding: 0 1; }
    ReportBuilderScreen #rb-choices { height: 1fr; }
    ReportBuilderScreen #rb-table { height: 1fr; }
    ReportBuilderScreen #rb-input { height: 3; }
    ReportBuilderScreen #rb-status { height: 1; padding: 0 1; }
    """
    BINDINGS = [
        Binding("s", "save", N_("Save")),
        Binding("t", "share", N_("Share")),
        Binding("o", "open_saved", N_("Open")),
        Binding("p", "period", N_("Report period")),
        Binding("x", "export('xlsx')", N_("XLSX")),
        Binding("v", "export('csv')", N_("CSV")),
        Binding("n", "restart", N_("New report")),
        # Out of a filter's values (or the typed line) back to the filters; else back.
        Binding("escape", "escape", N_("Back"), show=False),
    ]

    class Ran(Message):
        def __init__(self, report: Report | None, error: str = "", note: str = "") -> None:
            super().__init__()
            self.report, self.error, self.note = report, error, note

    class Values(Message):
        """The values a filter accepts (None: typed), or why they could not be read."""

        def __init__(self, key: str, values: list[tuple[str, str]] | None, error: str = "") -> None:
            super().__init__()
            self.key, self.values, self.error = key, values, error

    def __init__(self) -> None:
        super().__init__()
        self.step = "subject"
        self.subject = ""
        self.groups: list[str] = []
        self.measures: list[str] = []
        self.filters: list[tuple[str, str]] = []
        self.filter_key = ""  # the filter whose value is being chosen (step `value`)
        self.values: list[tuple[str, str]] = []  # its accepted values: (value, label)
        self.value_labels: dict[tuple[str, str], str] = {}  # (filter, value) → label shown
        self.period_text = "last-month"
        self.asking = ""  # what the input line is for: filter:KEY, name, period
        self.saved_name = ""
        self.shared = False
        self.report: Report | None = None
        self.saved_refs: list[str] = []

    @property
    def screen_title(self) -> str:
        return _("Custom reports")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="rb-summary", markup=False)
        yield OptionList(id="rb-choices")
        yield DataTable(id="rb-table", cursor_type="row", zebra_stripes=True)
        yield Input(id="rb-input")
        yield Label("", id="rb-status", markup=False)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#rb-input", Input).display = False
        self.query_one("#rb-table", DataTable).display = False
        self._show_step()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "share") and not access.can("report.custom"):
            return False
        if action == "share" and not self.saved_name:
            return None
        if action == "export" and self.report is None:
            return None
        return True

    # --- the definition, step by step ---------------------------------------------------------

    def definition(self) -> Definition:
        return Definition(self.subject, tuple(self.groups), tuple(self.measures or ["count"]), tuple(self.filters))

    def _summary(self) -> None:
        text = Text()
        if self.subject:
            text.append(subject_title(self.subject), style="bold")
            labels = dict(choices(self.subject)["groups"])
            measures = dict(choices(self.subject)["measures"])
            if self.groups:
                text.append("  " + _("by") + " " + "、".join(labels[g] for g in self.groups))
            if self.measures:
                text.append("\n" + _("Measures: ") + "、".join(measures[m] for m in self.measures))
            if self.filters:
                text.append("\n" + _("Filters: ") + "，".join(
                    f"{labels[k]}={self.value_labels.get((k, v), v)}" for k, v in self.filters))
        else:
            text.append(_("Choose what to count, then Enter."), style="bold")
        shown = self.period_text
        try:
            period = parse_period(self.period_text)
            if period.kind != "range":  # last-month, 2027-Q1…: the days it stands for too
                shown += f"（{period.start.isoformat()} – {period.end:%m-%d}）"
        except FrontDeskError:
            pass
        text.append("  " + _("Period: {period}").format(period=shown), style="dim")
        if self.saved_name:
            text.append("  「" + self.saved_name + "」" + (" " + _("shared") if self.shared else ""), style="cyan")
        self.query_one("#rb-summary", Label).update(text)

    def _options(self) -> list[Option]:
        if self.step == "subject":
            return [Option(subject_title(s), id=s) for s in SUBJECTS]
        c = choices(self.subject)
        if self.step == "group":
            return [Option(label, id=k) for k, label in c["groups"]]
        if self.step == "group2":
            return [Option(_("(no second grouping)"), id=DONE)] + [
                Option(label, id=k) for k, label in c["groups"] if k not in self.groups]
        if self.step == "measure":
            done = _("(done: {n} chosen)").format(n=len(self.measures)) if self.measures else _("(done: count)")
            return [Option(done, id=DONE)] + [
                Option(("✓ " if k in self.measures else "  ") + label, id=k) for k, label in c["measures"]]
        if self.step == "filter":
            return [Option(_("(no more filters: preview)"), id=DONE)] + [
                Option(label, id=k) for k, label in c["filters"]]
        if self.step == "value":
            return [Option(plain(label), id=f"value:{i}") for i, (_value, label) in enumerate(self.values)]
        if self.step == "open":
            return [Option(ref, id=f"saved:{i}") for i, ref in enumerate(self.saved_refs)] or [
                Option(_("(no saved reports)"), id=DONE)]
        return []

    def _show_step(self) -> None:
        self._summary()
        options = self.query_one("#rb-choices", OptionList)
        table = self.query_one("#rb-table", DataTable)
        preview = self.step == "preview"
        options.display = not preview
        table.display = preview
        if preview:
            table.focus()
            return
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = 0
        options.focus()
        hints = {"subject": _("Enter: choose the subject"), "group": _("Enter: group by this"),
                 "group2": _("Enter: a second grouping, or none"),
                 "measure": _("Enter: add or remove a measure; the first line moves on"),
                 "filter": _("Enter: filter by this (choose or type the value), or preview"),
                 "value": _("Enter: filter by this value · Esc: back to the filters"),
                 "open": _("Enter: open this saved report")}
        self._status(hints.get(self.step, ""))

    def _status(self, text: str) -> None:
        self.query_one("#rb-status", Label).update(Text(text, style="dim"))

    @on(OptionList.OptionSelected, "#rb-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id or ""
        if self.step == "subject":
            self.subject, self.groups, self.measures, self.filters = key, [], [], []
            self.value_labels = {}
            self.step = "group"
        elif self.step == "group":
            self.groups = [key]
            self.step = "group2"
        elif self.step == "group2":
            if key != DONE:
                self.groups.append(key)
            self.step = "measure"
        elif self.step == "measure":
            if key == DONE:
                self.step = "filter"
            elif key in self.measures:
                self.measures.remove(key)
            elif len(self.measures) < 6:
                self.measures.append(key)
            if self.step == "measure":
                index = event.option_index
                self._show_step()
                self.query_one("#rb-choices", OptionList).highlighted = index
                return
        elif self.step == "filter":
            if key == DONE:
                self.step = "preview"
                self._show_step()
                self.run_preview()
                return
            self.filter_key = key
            self.load_values(self.subject, key)
            return
        elif self.step == "value":
            value, label = self.values[int(key.split(":")[1])]
            self.filters = [(k, v) for k, v in self.filters if k != self.filter_key] + [(self.filter_key, value)]
            self.value_labels[(self.filter_key, value)] = label
            self.step = "filter"
        elif self.step == "open":
            if key != DONE:
                self.open_saved(self.saved_refs[int(key.split(":")[1])])
            return
        self._show_step()

    @work(thread=True, exclusive=True, group="report-builder-values", exit_on_error=False)
    def load_values(self, subject: str, key: str) -> None:
        try:
            self.post_message(self.Values(key, filter_values(subject, key, staff_id=self.app.staff.id)))
        except FrontDeskError as exc:
            self.post_message(self.Values(key, None, exc.message))

    def on_report_builder_screen_values(self, message: Values) -> None:
        if self.step != "filter" or message.key != self.filter_key:
            return  # the user moved on meanwhile
        if message.error:
            self._status(message.error)
            return
        if message.values:
            # A closed set (priorities, statuses, staff, buildings…): chosen, never mistyped.
            self.values = message.values
            self.step = "value"
            self._show_step()
            return
        self._ask(f"filter:{message.key}", _("Value of {name} (Enter adds the filter, Esc cancels)").format(
            name=dict(choices(self.subject)["filters"])[message.key]))

    # --- the input line -------------------------------------------------------------------------

    def _ask(self, what: str, placeholder: str, value: str = "") -> None:
        self.asking = what
        line = self.query_one("#rb-input", Input)
        line.placeholder = placeholder
        line.value = value
        line.display = True
        line.focus()
        self._status(placeholder)

    def _close_input(self) -> None:
        line = self.query_one("#rb-input", Input)
        line.display = False
        self.asking = ""

    @on(Input.Submitted, "#rb-input")
    def _typed(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        what = self.asking
        self._close_input()
        if not value:
            self._show_step()
            return
        if what.startswith("filter:"):
            key = what.split(":", 1)[1]
            self.filters = [(k, v) for k, v in self.filters if k != key] + [(key, value)]
            self._show_step()
        elif what == "period":
            try:
                parse_period(value)
            except FrontDeskError as exc:
                self._status(exc.message)
                return
            self.period_text = value
            self._summary()
            if self.step == "preview":
                self.run_preview()
        elif what == "name":
            self.save(value)

    def key_escape(self) -> bool | None:
        if self.asking:
            self._close_input()
            self._show_step()
            return True
        return None

    async def action_escape(self) -> None:
        """escape: out of the typed line or a filter's values, back to the step; else back
        where the user came from (a save waiting for another desk: given up, first)."""
        if self.give_up_write():
            return
        if self.asking:
            self._close_input()
            self._show_step()
        elif self.step == "value":
            self.step = "filter"
            self._show_step()
        else:
            await self.app.run_action("back")

    # --- running ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="report-builder", exit_on_error=False)
    def run_preview(self) -> None:
        try:
            report = run_custom(self.definition(), parse_period(self.period_text), name=self.saved_name,
                                staff_id=self.app.staff.id)
            self.post_message(self.Ran(report))
        except FrontDeskError as exc:
            self.post_message(self.Ran(None, exc.message))

    def on_report_builder_screen_ran(self, message: Ran) -> None:
        if message.report is None:
            self.report = None
            self._status(message.error)
            if self.step == "preview":
                self.step = "filter"
                self._show_step()
                self._status(message.error)
            return
        self.report = report = message.report
        table = self.query_one("#rb-table", DataTable)
        table.clear(columns=True)
        lines = list(report.rows) + [r for r in (report.totals, report.previous) if r is not None]
        cells = [[plain(cell_text(c.kind, v) if c.kind != "text" else str(v or ""))
                  for c, v in zip(report.columns, row, strict=True)] for row in lines]
        # Widths from the content (Chinese takes two cells each): an auto width measured
        # before the rows arrive would cut 噪音测试 to 噪音 until the next refresh.
        for i, column in enumerate(report.columns):
            width = max([cell_len(column.title)] + [cell_len(str(row[i])) for row in cells])
            table.add_column(column.title, width=min(30, width))
        for row in cells:
            table.add_row(*row)
        self._status(message.note or _("{n} rows · PgUp/PgDn pages · s save · x XLSX · v CSV · p period").format(
            n=len(report.rows)))
        self.refresh_bindings()

    def action_period(self) -> None:
        self._ask("period", _("Period: last-month, month:2027-01, quarter:2027-Q1, 2027-01-01..2027-03-31"),
                  self.period_text)

    def action_restart(self) -> None:
        self.__init__()  # type: ignore[misc]
        self.query_one("#rb-table", DataTable).clear(columns=True)
        self._show_step()

    def action_save(self) -> None:
        if not self.subject or not self.groups:
            self._status(_("Choose the subject and a grouping first."))
            return
        self._ask("name", _("Save as (a name; Enter saves, Esc cancels)"), self.saved_name)

    def save(self, name: str) -> None:
        """A write, in a worker (DeskScreen.run_write): behind another desk it says so and esc
        gives it up, the report as built staying on screen."""
        definition, staff_id = self.definition(), self.app.staff.id
        self.run_write(lambda: save_report(name, definition, staff_id=staff_id),
                       done=lambda saved: self._saved(saved.name, saved.shared,
                                                      _("Saved “{name}”.").format(name=saved.name)),
                       refused=lambda exc: self._status(exc.message), stays=True)

    def _saved(self, name: str, shared: bool, note: str) -> None:
        self.saved_name, self.shared = name, shared
        self._summary()
        self._status(note)
        self.refresh_bindings()

    def action_share(self) -> None:
        """Shared or not any more: a write, as `save`."""
        name, share, staff_id = self.saved_name, not self.shared, self.app.staff.id

        def shared(saved: Any) -> None:
            note = (_("“{name}” is shared with the other supervisors.") if saved.shared
                    else _("“{name}” is no longer shared.")).format(name=saved.name)
            self._saved(saved.name, saved.shared, note)

        self.run_write(lambda: share_report(name, share, staff_id=staff_id), done=shared,
                       refused=lambda exc: self._status(exc.message), stays=True)

    @work(thread=True, exclusive=True, group="report-builder", exit_on_error=False)
    def action_open_saved(self) -> None:
        try:
            refs = [r.name if r.mine else r.ref for r in list_reports(staff_id=self.app.staff.id)
                    if r.definition is not None]
        except FrontDeskError as exc:
            self.app.call_from_thread(self._status, exc.message)
            return
        self.app.call_from_thread(self._pick_saved, refs)

    def _pick_saved(self, refs: list[str]) -> None:
        self.saved_refs = refs
        self.step = "open"
        self._show_step()

    @work(thread=True, exclusive=True, group="report-builder", exit_on_error=False)
    def open_saved(self, ref: str) -> None:
        try:
            saved = load_report(ref, staff_id=self.app.staff.id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self._status, exc.message)
            return
        self.app.call_from_thread(self._opened, saved)

    def _opened(self, saved) -> None:
        d = saved.definition
        self.subject, self.groups = d.subject, list(d.groups)
        self.measures, self.filters = list(d.measures), list(d.filters)
        self.saved_name = saved.name if saved.mine else saved.ref
        self.shared = saved.shared
        self.step = "preview"
        self._show_step()
        self.run_preview()

    @work(thread=True, exclusive=True, group="report-builder-export", exit_on_error=False)
    def action_export(self, extension: str) -> None:
        report = self.report
        if report is None:
            return
        try:
            path = export_report(report, extension)
        except FrontDeskError as exc:
            self.app.call_from_thread(self._status, exc.message)
            return
        self.app.call_from_thread(self._status, _("Written to {path}").format(path=path))


"""潜在客户 (leads, issue 17 item 2), from the command palette: the pipeline with the count of
each stage (1–7 choose), my leads due for follow-up first, filters (f; m mine), the stage
moved by key (`>` `<`, `l` lost with a reason), `n` a new lead, `enter` its card, `t` the
funnel statistics. `open_new_lead` is the new-lead form other screens (the calls) open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static
from textual.worker import get_current_worker

from data import access, leads
from data.clock import now as clock_now
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.validators import mask_phone
from data.vocab import label
from screens import lead_forms as forms
from screens.lead_actions import LEAD_ACTIONS, LEAD_KEYS, LeadKeys
from widgets.app_header import AppHeader
from widgets.choice_strip import ChoiceStrip
from widgets.desk import DeskApp, DeskScreen
from widgets.safe import plain, safe_cells, safe_text

#: The stage strip: "open" (every open stage) first, then each stage (digits 1–7 choose).
STAGE_CHOICES = ("open", *leads.LEAD_STAGES)
#: What F1 says each digit shows.
STAGE_KEYS = {"open": N_("Open leads"), **leads.LEAD_STAGES}
#: Columns of the list: (title, width); the name takes what is left; a vocabulary's column is
#: as wide as its longest label, up to LABEL_WIDTH (Chinese labels take 4–8 cells).
COLUMNS = ((N_("Follow up by"), 12), (N_("Name"), 0), (N_("Phone"), 11), (N_("Interest"), 8),
           (N_("Stage"), 6), (N_("Lead owner"), 6), (N_("Source"), 8))
LABEL_WIDTH = 10
_LABELS = {N_("Interest"): leads.LEAD_INTERESTS, N_("Stage"): leads.LEAD_STAGES,
           N_("Source"): leads.LEAD_SOURCES}


def column_widths(width: int) -> list[int]:
    """The list's column widths for a screen `width` cells wide (cell padding and the
    scrollbar left out); the name takes what is left, at least 6 cells."""
    widths = []
    for title, fixed in COLUMNS:
        table = _LABELS.get(title)
        if table is not None:
            fixed = min(LABEL_WIDTH, max(fixed, *(cell_len(label(table, c)) for c in table)))
        widths.append(fixed)
    name = widths.index(0)
    widths[name] = max(6, width - sum(widths) - 2 * len(COLUMNS) - 2)
    return widths


def open_new_lead(screen: Screen, *, prefill: dict[str, str] | None = None,
                  create: Callable[[leads.LeadInput, bool], leads.LeadView] | None = None,
                  then: Callable[[leads.LeadView], Any] | None = None) -> None:
    """Push the new-lead form (prefilled; saved by `create(data, force)` when given, e.g.
    with the call it comes from); `then(view)` once saved, else a notification."""
    app = screen.app
    staff_id = app.staff.id if isinstance(app, DeskApp) else 0

    def saved(view: leads.LeadView | None) -> None:
        if view is None:
            return
        if then is not None:
            then(view)
        else:
            screen.notify(saved_text(view), markup=False)

    app.push_screen(forms.lead_form(staff_id, prefill=prefill, create=create), saved)


def saved_text(view: leads.LeadView) -> str:
    """What a new lead's notification says: its number, its owner, the known person."""
    text = _("Lead #{id} {name} saved, for {owner}.").format(id=view.id, name=view.name,
                                                             owner=view.owner or _("nobody"))
    if view.known:
        text += " " + _("The phone is {who}'s.").format(who=view.known[0].text())
    return text


def due_cell(row: leads.LeadRow, now: dt.datetime, me: int) -> Text:
    """The follow-up column: overdue in red with "!", due today (mine) in bold with "●"."""
    if row.next_followup is None:
        return Text("")
    when = row.next_followup
    shown = when.strftime("%H:%M") if when.date() == now.date() else when.strftime("%m-%d %H:%M")
    if row.overdue(now):
        return Text(f"!{shown}", style="bold red")
    if row.due(now):
        return Text(f"●{shown}", style="bold yellow" if row.owner_id == me else "yellow")
    return Text(f" {shown}")


class LeadsScreen(LeadKeys, DeskScreen):
    """The leads pipeline: a stage strip with counts, the list (mine due first), the
    highlighted lead's facts; keys work the lead under the cursor."""

    CSS_PATH = Path(__file__).parent / "leads.tcss"
    BINDINGS = [
        Binding("enter", "open", N_("Open"), priority=True, tooltip=N_("The lead's card: contacts, rooms, timeline")),
        Binding("n", "new_lead", N_("Add lead"), tooltip=N_("A new lead: contact, source, interest")),
        *LEAD_KEYS,
        Binding("f,slash", "filter", N_("Filter"), tooltip=N_("Text, source, interest, owner, community")),
        Binding("t", "stats", N_("Funnel"), tooltip=N_("Funnel statistics by source and interest")),
        Binding("F", "clear_filter", N_("Clear filter"), show=False),
        Binding("m", "mine", N_("Mine/all"), show=False, tooltip=N_("Only the leads I follow up, or all")),
        Binding("pagedown", "next_page", N_("Next page"), show=False, priority=True),
        # 1–7: the stages of the strip (F1 names each one).
        *(Binding(str(i), f"stage({i})", STAGE_KEYS[code], show=False)
          for i, code in enumerate(STAGE_CHOICES, start=1)),
    ]

    class LeadsLoaded(Message):
        def __init__(self, page: leads.LeadPage, counts: dict[str, int], due: int, more: bool) -> None:
            super().__init__()
            self.page, self.counts, self.due, self.more = page, counts, due, more

    def __init__(self) -> None:
        super().__init__()
        self.filter = leads.LeadFilter()
        self.rows: list[leads.LeadRow] = []
        self.counts: dict[str, int] = {}
        self.due = 0
        self.after: tuple | None = None
        self.loaded = False
        self._keep: int | None = None

    @property
    def screen_title(self) -> str:
        return _("Leads")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield ChoiceStrip(_("Stage"), [], id="leads-stages")
        yield Label("", id="leads-status", markup=False)
        yield DataTable(id="leads-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="leads-detail", markup=False)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#leads-stages", ChoiceStrip).set_choices(self._stage_choices(), self.filter.stage)
        self.query_one(DataTable).focus()
        self.load()

    def refresh_data(self) -> None:
        row = self.current_lead()
        self._keep = row.id if row is not None else None
        self.load()

    def palette_commands(self):
        yield (N_("Add lead"), _("A new lead: contact, source, interest (n)"), self.action_new_lead)
        yield (N_("Funnel"), _("Funnel statistics by source and interest (t)"), self.action_stats)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in LEAD_ACTIONS or action == "new_lead":
            return self.lead_permission(action)
        return True

    # --- loading ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="leads", exit_on_error=False)
    def load(self, more: bool = False) -> None:
        me = self.app.staff.id
        try:
            page = leads.leads(self.filter, me, after=self.after if more else None)
        except FrontDeskError as exc:  # phone digits the role may not search by
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        counts = leads.stage_counts(self.filter)
        due = leads.due_count(me)
        if not get_current_worker().is_cancelled:
            self.post_message(self.LeadsLoaded(page, counts, due, more))

    def on_leads_screen_leads_loaded(self, message: LeadsLoaded) -> None:
        self.counts, self.due = message.counts, message.due
        self.after = message.page.after
        rows = [*self.rows, *message.page.rows] if message.more else list(message.page.rows)
        self._fill(rows)
        self.loaded = True
        self.query_one("#leads-stages", ChoiceStrip).set_choices(self._stage_choices(), self.filter.stage)
        self._paint_status()

    def _stage_choices(self) -> list[tuple[str, str]]:
        # Short names: seven stages with their counts fit one line at 80 columns in English too.
        names = {code: label(leads.STAGE_SHORT, code) for code in leads.STAGE_SHORT}
        return [(code, f"{names[code]} {self.counts.get(code, 0)}") for code in STAGE_CHOICES]

    def _fill(self, rows: list[leads.LeadRow]) -> None:
        table = self.query_one(DataTable)
        current = self.current_lead()
        keep = self._keep if self._keep is not None else (current.id if current is not None else None)
        self._keep = None
        cursor = table.cursor_row
        table.clear(columns=True)
        for (title, _w), width in zip(COLUMNS, column_widths(self.app.size.width), strict=True):
            table.add_column(_(title), width=width)
        self.rows = rows
        now, me = clock_now(), self.app.staff.id
        for row in rows:
            name = row.name + (f" {row.company}" if row.company else "")
            table.add_row(*safe_cells([
                due_cell(row, now, me), plain(name), Text(mask_phone(row.phone) if row.phone else ""),
                Text(label(leads.LEAD_INTERESTS, row.interest)), Text(label(leads.LEAD_STAGES, row.stage)),
                plain(row.owner or "—"), Text(label(leads.LEAD_SOURCES, row.source)),
            ]))
        if rows:
            ids = [r.id for r in rows]
            table.move_cursor(row=ids.index(keep) if keep in ids else min(max(cursor, 0), len(ids) - 1))
        self._paint_detail()

    def _paint_status(self) -> None:
        parts = []
        if self.due:
            parts.append(_("{count} of mine due today").format(count=self.due))
        flt = self.filter
        if flt.owner_id == self.app.staff.id:
            parts.append(_("mine only (m)"))
        elif flt.owner_id is not None:
            parts.append(_("owner #{id}").format(id=flt.owner_id))
        if flt.source:
            parts.append(label(leads.LEAD_SOURCES, flt.source))
        if flt.interest:
            parts.append(label(leads.LEAD_INTERESTS, flt.interest))
        if flt.community_id is not None:
            parts.append(_("one community"))
        if flt.text:
            parts.append(f"“{flt.text}”")
        if flt != leads.LeadFilter(stage=flt.stage):
            parts.append(_("F clears the filter"))
        shown = _("{shown} shown").format(shown=len(self.rows)) + (" · " + _("pagedown: more") if self.after else "")
        text = Text(" · ".join([shown, *parts]))
        self.query_one("#leads-status", Label).update(safe_text(text))

    def _paint_detail(self) -> None:
        row = self.current_lead()
        if row is None:
            text = Text(_("No leads here. n adds one; 1–7 choose a stage."), style="dim")
        else:
            bits = [label(leads.LEAD_SOURCES, row.source)]
            if row.community:
                bits.append(row.community)
            if row.budget is not None:
                bits.append(_("budget {amount}").format(amount=leads.budget_text(row.budget)))
            bits.append(_("since {day}").format(day=f"{row.created_at:%Y-%m-%d}"))
            if row.person_id is not None:
                bits.append(_("known person"))
            text = Text(f"#{row.id} {row.name}  ", style="bold")
            text.append(" · ".join(bits))
        self.query_one("#leads-detail", Static).update(safe_text(text))

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._paint_detail()
        self.refresh_bindings()

    # --- LeadKeys -----------------------------------------------------------------------------------

    def current_lead(self) -> leads.LeadRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def lead_changed(self, view: leads.LeadView, message: str) -> None:
        self.notify(message, markup=False)
        self._keep = view.id
        self.load()

    # --- keys ---------------------------------------------------------------------------------------

    def action_open(self) -> None:
        row = self.current_lead()
        if row is not None:
            from screens.lead_card import LeadCardScreen

            self.app.push_screen(LeadCardScreen(row.id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_new_lead(self) -> None:
        def then(view: leads.LeadView) -> None:
            self.notify(saved_text(view), markup=False)
            self._keep = view.id
            self.load()

        open_new_lead(self, then=then)

    def action_filter(self) -> None:
        def chosen(flt: leads.LeadFilter | None) -> None:
            if flt is not None:
                self.filter = flt
                self.load()

        self.app.push_screen(forms.filter_form(self.filter), chosen)

    def action_clear_filter(self) -> None:
        self.filter = leads.LeadFilter(stage=self.filter.stage)
        self.load()

    def action_mine(self) -> None:
        me = self.app.staff.id
        self.filter = replace(self.filter, owner_id=None if self.filter.owner_id == me else me)
        self.load()

    def action_stage(self, n: int) -> None:
        if 1 <= n <= len(STAGE_CHOICES):
            self.query_one("#leads-stages", ChoiceStrip).choose(STAGE_CHOICES[n - 1])

    @on(ChoiceStrip.Changed, "#leads-stages")
    def _stage_changed(self, event: ChoiceStrip.Changed) -> None:
        if event.value != self.filter.stage:
            self.filter = replace(self.filter, stage=event.value)
            self.load()

    def action_next_page(self) -> None:
        if self.after is not None:
            self.load(more=True)
        else:
            self.query_one(DataTable).action_page_down()

    def action_stats(self) -> None:
        from screens.lead_stats import LeadStatsScreen

        self.app.push_screen(LeadStatsScreen())

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()


def may_open_leads() -> bool:
    """May the signed-in account open the leads screen? (data/access.py "lead.manage")"""
    return access.can("lead.manage")

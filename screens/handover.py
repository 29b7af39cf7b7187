"""交接班: the shift handover screen — the draft of this shift's handover grouped by section,
the clerk's notes and F10 to submit it; the previous shift's handover waiting to be
acknowledged (a); the history, searched with / and narrowed with f. A self-contained
screen (the command palette opens it; a registers screen may host it as a tab)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Input, Label, Static, TextArea

from data import access
from data import handover as ho
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.validators import parse_date
from widgets.app_header import AppHeader
from widgets.bindings import translate_bindings
from widgets.desk import DeskModal, DeskScreen
from widgets.form import FormField, FormModal
from widgets.safe import plain

#: The screen's modes: key, tab title.
MODES = {"draft": ("d", N_("Handover draft")), "history": ("h", N_("Handover history"))}
#: The width of the reference column of the draft (BX-20261127-0001 fits).
REF_WIDTH = 17


def _stamp(value: dt.datetime | None) -> str:
    return value.strftime("%m-%d %H:%M") if value else ""


def handover_text(view: ho.HandoverView) -> Text:
    """A saved handover whole, as the view and acknowledge panels show it (stored text
    literal, never markup)."""
    text = Text()
    text.append(_("Handover #{id} · {shift} · {name}({login}) · {at}").format(
        id=view.id, shift=view.shift_label, name=view.staff_name, login=view.staff_login,
        at=f"{view.created_at:%Y-%m-%d %H:%M}") + "\n", style="bold")
    if view.communities:
        text.append_text(plain("、".join(view.communities) + "\n"))
    # The clerk's notes first: the sections (a line for each register) would push them
    # out of a short screen's view.
    text.append(f"【{_('Notes')}】\n", style="bold")
    text.append_text(plain((view.notes or "—") + "\n"))
    for section in view.sections:
        if not section.items:
            continue
        text.append(f"【{section.title}】\n", style="bold")
        for item in section.items:
            text.append_text(plain(f"  · {item.text}" + (f"  [{item.ref}]" if item.ref else "") + "\n"))
    empty = [section.title for section in view.sections if not section.items]
    if empty:
        text.append(_("Nothing to hand over in: {sections}").format(sections="、".join(empty)) + "\n",
                    style="dim")
    if view.acked_at:
        text.append(_("Acknowledged by {name} at {at}").format(
            name=view.acked_by, at=f"{view.acked_at:%Y-%m-%d %H:%M}") + "\n", style="bold")
        if view.ack_notes:
            text.append_text(plain(view.ack_notes + "\n"))
    else:
        text.append(_("Waiting for the next shift to acknowledge it.") + "\n", style="italic")
    return text


class HandoverModal(DeskModal[Any]):
    """One handover whole, scrollable; to acknowledge it (ack=True), notes and F10."""

    DEFAULT_CSS = """
    HandoverModal { align: center middle; }
    HandoverModal > Vertical {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    HandoverModal #handover-body { height: auto; max-height: 14; }
    HandoverModal #handover-ack-row { height: 1; margin-top: 1; }
    HandoverModal #handover-ack-label { width: auto; padding: 0 1 0 0; }
    HandoverModal #handover-ack-notes { width: 1fr; }
    HandoverModal #handover-message { color: $error; height: auto; }
    HandoverModal #handover-keys { color: $text-muted; height: 1; }
    """
    BINDINGS = [
        Binding("f10", "acknowledge", N_("Acknowledge"), priority=True),
        Binding("escape", "cancel", N_("Close")),
        Binding("down,j", "scroll(1)", N_("Down"), show=False),
        Binding("up,k", "scroll(-1)", N_("Up"), show=False),
        Binding("pagedown", "scroll(10)", N_("Next page"), show=False),
        Binding("pageup", "scroll(-10)", N_("Previous page"), show=False),
    ]

    def __init__(self, view: ho.HandoverView, *, ack: bool = False) -> None:
        super().__init__()
        self.view = view
        self.ack = ack
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll(id="handover-body"):
                yield Static(handover_text(self.view), id="handover-text")
            if self.ack:
                with Horizontal(id="handover-ack-row"):
                    yield Label(_("Your notes"), id="handover-ack-label", markup=False)
                    yield Input(placeholder=_("optional: what you found on taking over"),
                                id="handover-ack-notes", compact=True)
                yield Label("", id="handover-message", markup=False)
                keys = _("F10 acknowledge: I take over this shift · esc back")
            else:
                keys = _("↑↓ scroll · esc back")
            yield Label(keys, id="handover-keys", markup=False)

    def on_mount(self) -> None:
        if self.ack:
            self.query_one("#handover-ack-notes", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge":
            return self.ack
        if action == "scroll" and isinstance(self.focused, Input) and parameters in ((1,), (-1,)):
            return False  # arrows move in the notes field's text
        return True

    def action_scroll(self, lines: int) -> None:
        body = self.query_one("#handover-body", VerticalScroll)
        body.scroll_to(y=body.scroll_y + lines, animate=False)

    @property
    def is_dirty(self) -> bool:
        return self.ack and self.is_mounted and bool(self.query_one("#handover-ack-notes", Input).value.strip())

    def action_cancel(self) -> None:
        if self.give_up_write():  # waiting for another desk: given up, the notes stay
            return
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_acknowledge()

    def action_acknowledge(self) -> None:
        """In a worker (DeskWrites.run_write): behind another desk it says so, and esc gives
        it up, the notes staying as typed."""
        if not self.ack or self._busy:
            return
        self._busy = True
        message = self.query_one("#handover-message", Label)
        message.update("")
        handover_id, staff_id = self.view.id, self.app.staff.id
        notes = self.query_one("#handover-ack-notes", Input).value

        def refused(exc: FrontDeskError) -> None:
            self._busy = False
            message.update(plain(exc.message))

        def given_up() -> None:
            self._busy = False

        self.run_write(lambda: ho.acknowledge_handover(handover_id, staff_id, notes), done=self.dismiss,
                       refused=refused, cancelled=given_up, stays=True)


class HandoverPane(Vertical):
    """One mode of the handover screen; its letter keys are off while typing."""

    TYPED_KEYS: frozenset[str] = frozenset()

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        translate_bindings(self)

    @property
    def host(self) -> HandoverScreen:
        return self.screen  # type: ignore[return-value]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.TYPED_KEYS and isinstance(self.screen.focused, (Input, TextArea)):
            return False
        return True


class DraftPane(HandoverPane):
    """The draft grouped by section (a table: section lines and their items), the full text
    of the item under the cursor, and the notes to hand over with it."""

    BINDINGS = [
        Binding("f10", "submit", N_("Hand over"), priority=True,
                tooltip=N_("Save this handover with your notes for the next shift")),
        Binding("r", "redraft", N_("Draft again"), show=False, tooltip=N_("Read every section again")),
        Binding("e", "notes", N_("Notes"), show=False, tooltip=N_("Type notes for the next shift")),
        Binding("enter", "open", N_("Open"), show=False, tooltip=N_("Open the work order or callbacks of the item")),
    ]
    TYPED_KEYS = frozenset({"redraft", "notes", "open"})

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.draft: ho.HandoverDraft | None = None
        self.lines: list[tuple[ho.DraftSection, ho.HandoverItem | None]] = []
        self.submitting = False

    def compose(self) -> ComposeResult:
        yield Label("", id="handover-pending", markup=False)
        yield Label(_("Drafting …"), id="handover-status", markup=False)
        yield DataTable(id="handover-draft", cursor_type="row", zebra_stripes=False, show_header=False)
        yield Static("", id="handover-item", markup=False)
        yield Label(_("Notes for the next shift (e or tab to type, F10 hands over)"), id="handover-notes-label",
                    markup=False)
        yield TextArea(id="handover-notes", soft_wrap=True, compact=True,
                       placeholder=_("What the next shift must know that the lists above do not say"))

    def show(self, draft: ho.HandoverDraft) -> None:
        self.draft = draft
        table = self.query_one("#handover-draft", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        # A reference number is never cut: its column fits the longest one.
        refs = [cell_len(item.ref) for section in draft.sections for item in section.items if item.ref]
        ref_width = max(REF_WIDTH, *refs) if refs else REF_WIDTH
        table.add_column("", width=max(20, self.app.size.width - ref_width - 6))
        table.add_column("", width=ref_width)
        self.lines = []
        for section in draft.sections:
            self.lines.append((section, None))
            table.add_row(Text(f"【{section.title}】 {len(section.items)}", style="bold"), Text(""))
            if not section.items:
                self.lines.append((section, ho.HandoverItem(_("nothing"))))
                table.add_row(Text("· " + _("nothing"), style="dim"), Text(""))
            for item in section.items:
                self.lines.append((section, item))
                table.add_row(plain("· " + item.text), plain(item.ref))
        if self.lines:
            table.move_cursor(row=min(max(cursor, 0), len(self.lines) - 1))
        where = "、".join(draft.communities) or _("the whole company")
        self.query_one("#handover-status", Label).update(
            _("{shift} · {where} · {count} items · drafted {at} (r drafts again)").format(
                shift=draft.shift_label, where=where, count=draft.item_count, at=f"{draft.at:%H:%M}"))
        self._paint_item()

    def show_pending(self, pending: list[ho.HandoverRow]) -> None:
        label = self.query_one("#handover-pending", Label)
        label.display = bool(pending)
        if pending:
            first = pending[0]
            text = _("To take over: #{id} {name} {shift} {at}, {count} items · a reads and acknowledges it").format(
                id=first.id, name=first.staff_name, shift=first.shift_label, at=_stamp(first.created_at),
                count=first.item_count)
            if len(pending) > 1:  # the others by number: h, then a on one takes it over
                text += " " + _("(also waiting: {ids}; h, then a on one)").format(
                    ids=", ".join(f"#{row.id}" for row in pending[1:]))
            label.update(plain(text))

    def current(self) -> ho.HandoverItem | None:
        table = self.query_one("#handover-draft", DataTable)
        if not self.lines or table.cursor_row < 0:
            return None
        return self.lines[min(table.cursor_row, len(self.lines) - 1)][1]

    def _paint_item(self) -> None:
        item = self.current()
        text = Text()
        if item is not None:
            text = plain(item.text + (f"  [{item.ref}]" if item.ref else ""))
        self.query_one("#handover-item", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._paint_item()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()  # enter on the table (the table takes enter before the pane)

    @property
    def notes(self) -> str:
        return self.query_one("#handover-notes", TextArea).text

    def action_submit(self) -> None:
        self.host.submit()

    def action_redraft(self) -> None:
        self.host.load_draft()

    def action_notes(self) -> None:
        self.query_one("#handover-notes", TextArea).focus()

    def action_open(self) -> None:
        """enter: the work order of an item, or the callbacks."""
        item = self.current()
        if item is None or item.entity_id is None:
            return
        if item.entity == "work_order":
            from screens.workorder import WorkOrderScreen

            self.app.push_screen(WorkOrderScreen(item.entity_id))
        elif item.entity == "call":
            from screens.calls import CallsScreen

            self.app.push_screen(CallsScreen(mode="callbacks", call_id=item.entity_id))


class HistoryPane(HandoverPane):
    """Handovers newest first, a keyset page at a time, searched and filtered."""

    BINDINGS = [
        Binding("enter", "show", N_("Open"), show=False, tooltip=N_("Read the handover whole")),
        Binding("f", "filter", N_("Filter"), tooltip=N_("Dates and who handed over")),
        Binding("F", "clear_filter", N_("Clear filter"), show=False),
        Binding("pagedown", "next_page", N_("Next page"), show=False, priority=True),
        Binding("pageup", "previous_page", N_("Previous page"), show=False, priority=True),
    ]
    TYPED_KEYS = frozenset({"show", "filter", "clear_filter"})

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.query_ = ho.HandoverQuery()
        self.cursors: list[tuple[dt.datetime, int] | None] = [None]
        self.page: ho.HandoverPage | None = None
        self.rows: list[ho.HandoverRow] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="handover-search-row"):
            yield Label(_("Search"), id="handover-search-label", markup=False)
            yield Input(placeholder=_("text in the items or notes, enter searches"),
                        id="handover-search", compact=True)
        yield Label("", id="handover-history-status", markup=False)
        yield DataTable(id="handover-history", cursor_type="row", zebra_stripes=True)

    def focus_table(self) -> None:
        self.query_one("#handover-history", DataTable).focus()

    def search(self, text: str) -> None:
        self.query_.search = text
        self.cursors = [None]
        self.host.load_history()

    @on(Input.Submitted, "#handover-search")
    def _searched(self, event: Input.Submitted) -> None:
        event.stop()
        self.search(event.value)
        self.focus_table()

    def show(self, page: ho.HandoverPage) -> None:
        self.page = page
        table = self.query_one("#handover-history", DataTable)
        keep = self.current()
        cursor = table.cursor_row
        table.clear(columns=True)
        widths = [11, 6, 8, 4, 10]
        flexible = max(10, self.app.size.width - sum(widths) - 2 * (len(widths) + 1) - 2)
        for title, width in zip((_("Time"), _("Shift"), _("Handed over by"), _("Entries"), _("Taken over"),
                                 _("Notes")), (*widths, flexible), strict=True):
            table.add_column(title, width=width)
        self.rows = list(page.rows)
        for row in self.rows:
            table.add_row(
                Text(_stamp(row.created_at)), Text(row.shift_label), plain(row.staff_name),
                Text(str(row.item_count), justify="right"),
                plain(row.acked_by) if row.acknowledged else Text(_("waiting"), style="bold"),
                plain(" ".join(row.notes.split())))
        if self.rows:
            ids = [r.id for r in self.rows]
            target = ids.index(keep.id) if keep is not None and keep.id in ids else min(max(cursor, 0), len(ids) - 1)
            table.move_cursor(row=target)
        parts = []
        if self.query_.search:
            parts.append(_("“{text}”").format(text=self.query_.search))
        if self.query_.since or self.query_.until:
            parts.append(f"{self.query_.since or '…'} – {self.query_.until or '…'}")
        if self.query_.staff:
            parts.append(self.query_.staff)
        described = " · ".join(parts) or _("all handovers")
        status = _("{filter} · page {page}").format(filter=described, page=len(self.cursors))
        if not self.rows:
            status += " · " + _("No handovers.")
        elif page.next_cursor is not None:
            status += " · " + _("PgDn next page")
        self.query_one("#handover-history-status", Label).update(plain(status))

    def current(self) -> ho.HandoverRow | None:
        table = self.query_one("#handover-history", DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def action_show(self) -> None:
        row = self.current()
        if row is not None:  # one waiting for this clerk opens to be taken over
            mine = row.staff_id == self.host.app.staff.id
            ack = not row.acknowledged and not mine and access.can("handover.write", self.host.app.staff.id)
            self.host.open_handover(row.id, ack=ack)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_show()

    def action_next_page(self) -> None:
        if self.page is not None and self.page.next_cursor is not None:
            self.cursors.append(self.page.next_cursor)
            self.host.load_history()

    def action_previous_page(self) -> None:
        if len(self.cursors) > 1:
            self.cursors.pop()
            self.host.load_history()

    def action_filter(self) -> None:
        q = self.query_
        fields = [
            FormField("since", _("From"), str(q.since or ""), placeholder="2026-11-01"),
            FormField("until", _("Up to"), str(q.until or ""), placeholder="2026-11-30"),
            FormField("staff", _("Handed over by"), q.staff, placeholder=_("name, initials or login")),
        ]

        def check(values: dict[str, str]) -> ho.HandoverQuery:
            query = ho.HandoverQuery(q.search, parse_date(values["since"], "since"),
                                     parse_date(values["until"], "until"), values["staff"].strip())
            if query.since and query.until and query.until < query.since:
                raise ValidationError("until", _("The end date ({until}) is before the start date ({since}).").format(
                    until=query.until, since=query.since))
            if query.staff:
                from data.calendar import one_staff

                one_staff(query.staff, "staff")
            return query

        def chosen(query: ho.HandoverQuery | None) -> None:
            if query is not None:
                self.query_ = query
                self.cursors = [None]
                self.host.load_history()

        self.app.push_screen(FormModal(_("Filter the handovers"), fields, check), chosen)

    def action_clear_filter(self) -> None:
        self.query_ = ho.HandoverQuery()
        self.query_one("#handover-search", Input).value = ""
        self.cursors = [None]
        self.host.load_history()


class HandoverScreen(DeskScreen):
    """The shift handover: the draft (d) with notes and F10, the history (h, / searches),
    and a to acknowledge the previous shift's handover."""

    CSS_PATH = Path(__file__).parent / "handover.tcss"  # absolute: subclasses elsewhere keep it
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("d", "mode('draft')", N_("Draft"), tooltip=N_("This shift's handover and your notes")),
        Binding("h", "mode('history')", N_("History"), tooltip=N_("Earlier handovers, searchable")),
        Binding("a", "acknowledge", N_("Take over"), tooltip=N_("Read and acknowledge the previous shift's handover")),
        Binding("slash", "search", N_("Search"), key_display="/", tooltip=N_("Search the handover history")),
        Binding("escape", "escape", N_("Back"), show=False),
    ]
    TYPED_KEYS = frozenset({"mode", "acknowledge", "search"})

    class DraftLoaded(Message):
        def __init__(self, draft: ho.HandoverDraft | None, pending: list[ho.HandoverRow], error: str = "") -> None:
            super().__init__()
            self.draft, self.pending, self.error = draft, pending, error

    class HistoryLoaded(Message):
        def __init__(self, page: ho.HandoverPage | None, error: str = "") -> None:
            super().__init__()
            self.page, self.error = page, error

    class HandoverSaved(Message):
        def __init__(self, view: ho.HandoverView | None, error: str = "", field: str = "") -> None:
            super().__init__()
            self.view, self.error, self.field = view, error, field

    class HandoverRead(Message):
        def __init__(self, view: ho.HandoverView | None, ack: bool, error: str = "") -> None:
            super().__init__()
            self.view, self.ack, self.error = view, ack, error

    def __init__(self, mode: str = "draft", take_over: int | None = None) -> None:
        """`take_over`: a handover to read and acknowledge as soon as the screen is up (the
        registers' handover tab opens it so)."""
        super().__init__()
        self.mode = mode if mode in MODES else "draft"
        self.pending: list[ho.HandoverRow] = []
        self.take_over = take_over

    @property
    def screen_title(self) -> str:
        return _("Shift handover")

    @property
    def is_dirty(self) -> bool:
        """Notes typed and not handed over yet."""
        return self.is_mounted and bool(self.draft_pane.notes.strip())

    @property
    def draft_pane(self) -> DraftPane:
        return self.query_one("#handover-mode-draft", DraftPane)

    @property
    def history_pane(self) -> HistoryPane:
        return self.query_one("#handover-mode-history", HistoryPane)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="handover-tabs", markup=False)
        with ContentSwitcher(initial=f"handover-mode-{self.mode}", id="handover-modes"):
            yield DraftPane(id="handover-mode-draft")
            yield HistoryPane(id="handover-mode-history")
        yield self.footer()

    def on_mount(self) -> None:
        self.action_mode(self.mode)
        if self.mode != "draft":
            self.load_draft()  # the pending handover shows in the tabs either way
        if self.take_over is not None:
            self.open_handover(self.take_over, ack=True)

    def refresh_data(self) -> None:
        """Another session changed something: read the mode shown again (notes kept)."""
        if self.mode == "draft":
            self.load_draft()
        else:
            self.load_history()
            self.load_draft()

    def palette_commands(self):
        yield (N_("Handover draft"), _("This shift's handover (d)"), lambda: self.action_mode("draft"))
        yield (N_("Handover history"), _("Earlier handovers, searchable (h, /)"), lambda: self.action_mode("history"))
        yield (N_("Take over"), _("Acknowledge the previous shift's handover (a)"), self.action_acknowledge)

    # --- modes ------------------------------------------------------------------------------------

    def action_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one("#handover-modes", ContentSwitcher).current = f"handover-mode-{mode}"
        self._paint_tabs()
        if mode == "draft":
            self.load_draft()
            self.query_one("#handover-draft", DataTable).focus()
        else:
            self.load_history()
            self.history_pane.focus_table()
        self.refresh_bindings()

    def _paint_tabs(self) -> None:
        tabs = Text()
        for name, (key, title) in MODES.items():
            tabs.append(f" {key} {_(title)} ", style="reverse bold" if name == self.mode else "")
        if self.pending:
            tabs.append("  ")
            tabs.append(_("{count} to take over (a)").format(count=len(self.pending)), style="bold")
        self.query_one("#handover-tabs", Label).update(tabs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.TYPED_KEYS and isinstance(self.focused, (Input, TextArea)):
            return False
        if action == "acknowledge":
            return access.can("handover.write", self.app.staff.id)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_search(self) -> None:
        if self.mode != "history":
            self.action_mode("history")
        self.query_one("#handover-search", Input).focus()

    async def action_escape(self) -> None:
        """escape: out of a text field back to the list; else back where the clerk came from."""
        if isinstance(self.focused, (Input, TextArea)):
            if self.mode == "draft":
                self.query_one("#handover-draft", DataTable).focus()
            else:
                self.history_pane.focus_table()
            return
        await self.app.run_action("back")

    def action_cursor_down(self) -> None:
        if not isinstance(self.focused, (Input, TextArea)):
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if not isinstance(self.focused, (Input, TextArea)):
            super().action_cursor_up()

    # --- reading ----------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="handover-draft", exit_on_error=False)
    def load_draft(self) -> None:
        """Draft this shift's handover and read what waits to be taken over, off the UI thread."""
        me = self.app.staff.id
        try:
            pending = ho.pending_handovers(me)
            draft = ho.draft_handover(me) if access.can("handover.write", me) else None
        except FrontDeskError as exc:
            self.post_message(self.DraftLoaded(None, [], exc.message))
            return
        self.post_message(self.DraftLoaded(draft, pending))

    def on_handover_screen_draft_loaded(self, message: DraftLoaded) -> None:
        pane = self.draft_pane
        if message.error:
            pane.query_one("#handover-status", Label).update(plain(message.error))
            return
        self.pending = message.pending
        pane.show_pending(message.pending)
        if message.draft is not None:
            pane.show(message.draft)
        self._paint_tabs()

    @work(thread=True, exclusive=True, group="handover-history", exit_on_error=False)
    def load_history(self) -> None:
        pane = self.history_pane
        query, after = pane.query_, pane.cursors[-1]
        try:
            page = ho.handovers(query, after=after, staff_id=self.app.staff.id)
        except FrontDeskError as exc:
            self.post_message(self.HistoryLoaded(None, exc.message))
            return
        self.post_message(self.HistoryLoaded(page))

    def on_handover_screen_history_loaded(self, message: HistoryLoaded) -> None:
        if message.page is None:
            self.notify(message.error, severity="error", markup=False)
            return
        self.history_pane.show(message.page)

    # --- writing ----------------------------------------------------------------------------------

    def submit(self) -> None:
        """F10: hand over with the notes typed (the sections drafted again as they are now)."""
        pane = self.draft_pane
        if pane.submitting:
            return
        if not access.can("handover.write", self.app.staff.id):
            self.notify(_("Only desk staff and leads hand over a shift."), severity="error", markup=False)
            return
        pane.submitting = True
        if not self._submit(pane.notes):
            pane.submitting = False

    def _submit(self, notes: str) -> bool:
        """The write in a worker (DeskScreen.run_write: behind another desk it says so,
        leaving gives it up); False when another write of the screen is still on its way."""
        staff_id = self.app.staff.id

        def refused(exc: FrontDeskError) -> None:
            field = exc.field if isinstance(exc, ValidationError) else ""
            self.post_message(self.HandoverSaved(None, exc.message, field))

        return self.run_write(lambda: ho.submit_handover(staff_id, notes),
                              done=lambda view: self.post_message(self.HandoverSaved(view)), refused=refused)

    def on_handover_screen_handover_saved(self, message: HandoverSaved) -> None:
        pane = self.draft_pane
        pane.submitting = False
        if message.view is None:
            self.notify(message.error, severity="error", markup=False, timeout=8)
            if message.field == "notes":
                pane.action_notes()
            return
        pane.query_one("#handover-notes", TextArea).text = ""
        self.notify(_("Handover #{id} saved with {count} items: the next shift acknowledges it.").format(
            id=message.view.id, count=message.view.item_count), markup=False)
        self.query_one("#handover-draft", DataTable).focus()
        self.load_draft()

    def action_acknowledge(self) -> None:
        """a: read the previous shift's handover (or, in the history, the one under the
        cursor if it waits) and acknowledge it."""
        target: int | None = None
        if self.mode == "history":
            row = self.history_pane.current()
            if row is not None and not row.acknowledged:
                target = row.id
        if target is None and self.pending:
            target = self.pending[0].id
        if target is None:
            self.notify(_("No handover waits for you to take over."), markup=False)
            return
        self.open_handover(target, ack=True)

    def open_handover(self, handover_id: int, *, ack: bool) -> None:
        self._read(handover_id, ack)

    @work(thread=True, exclusive=True, group="handover-read", exit_on_error=False)
    def _read(self, handover_id: int, ack: bool) -> None:
        try:
            view = ho.get_handover(handover_id, self.app.staff.id)
        except FrontDeskError as exc:
            self.post_message(self.HandoverRead(None, ack, exc.message))
            return
        self.post_message(self.HandoverRead(view, ack))

    def on_handover_screen_handover_read(self, message: HandoverRead) -> None:
        view = message.view
        if view is None:
            self.notify(message.error, severity="error", markup=False)
            return
        ack = message.ack and not view.acknowledged
        if ack and view.staff_id == self.app.staff.id:
            self.notify(_("Handover #{id} is your own: someone of the next shift acknowledges it.").format(
                id=view.id), severity="warning", markup=False)
            ack = False
        self.app.push_screen(HandoverModal(view, ack=ack), self._acknowledged)

    def _acknowledged(self, view: ho.HandoverView | None) -> None:
        if view is None:
            return
        self.notify(_("You took over handover #{id} of {name}.").format(id=view.id, name=view.staff_name),
                    markup=False)
        self.refresh_data()

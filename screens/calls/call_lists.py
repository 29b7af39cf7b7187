"""The call lists of the calls screen (o): the open lists (回访, 外呼), and one list
worked item by item — the number to dial, the script, one digit for how it went."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Input, Label, Static
from textual.worker import get_current_worker

from data import access
from data import calls as call_data
from data.clock import now as clock_now
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.validators import show_controls
from data.vocab import CALL_LIST_KINDS, LIST_OUTCOMES, label
from screens import call_forms as forms
from screens.call_forms import group_number
from screens.calls.pane import (
    CallsPane,
    cursor_row,
    id_at,
    quarter,
    read_scripts,
    row_of,
    timer_now,
)
from widgets.safe import plain, safe_text

#: Roles that see every call list (the others: theirs and the unassigned ones).
ALL_LISTS_ROLES = ("supervisor", "manager", "admin")
#: "Later" (稍后再拨) retries this long after, by default.
RETRY_AFTER = dt.timedelta(hours=1)


class CallListPane(CallsPane):
    """The lists to pick from, or the list being worked, its next item and progress."""

    BINDINGS = [
        Binding("d", "dial", N_("Dial"), tooltip=N_("Dial the selected number")),
        Binding("g", "build_list", N_("Build 回访"), tooltip=N_("Build the 回访 list from resolved work orders")),
        Binding("s", "list_from_search", N_("From search"), show=False,
                tooltip=N_("A call list of the owners a search finds (3-2, 张 …)")),
        Binding("u", "list_from_file", N_("From file"), show=False,
                tooltip=N_("A call list from a file of numbers (export folder or a path; supervisors)")),
        Binding("l", "pick_list", N_("Other list"), show=False),
        Binding("p", "promise", N_("Promise to pay"),
                tooltip=N_("催缴 lists: the call connected — a promise to pay with its date, reached or refused")),
        Binding("escape", "escape", N_("Back"), show=False),
        *(Binding(str(i), f"digit({i})", str(i), show=False) for i in range(1, 8)),
    ]
    TYPED_KEYS = CallsPane.TYPED_KEYS | {"dial", "build_list", "pick_list", "digit", "list_from_search",
                                         "list_from_file", "promise"}

    class ListLoaded(Message):
        def __init__(self, lists: list, list_id: int | None, current: Any, item: Any) -> None:
            super().__init__()
            self.lists, self.list_id, self.current, self.item = lists, list_id, current, item

    class ScriptsFilled(Message):
        def __init__(self, scripts: list[tuple[str, str]]) -> None:
            super().__init__()
            self.scripts = scripts

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.lists: list = []
        self.list_id: int | None = None
        self.item: Any = None
        self.list_view: Any = None
        self._item_shown = 0.0

    def compose(self) -> ComposeResult:
        yield Label("", id="list-status", markup=False)
        with ContentSwitcher(initial="list-table", id="list-switch"):
            yield DataTable(id="list-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="list-work"):
                yield Static("", id="list-item", markup=False)
                with VerticalScroll(id="list-script-box"):
                    yield Static("", id="list-script", markup=False)
                with Horizontal(id="list-note-row"):
                    yield Label(_("Note"), classes="call-caption", markup=False)
                    yield Input(placeholder=_("tab here to type a note, enter when done"),
                                id="list-note", compact=True)
                yield Label("", id="list-keys", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not super().check_action(action, parameters):
            return False
        if action in ("dial", "digit"):
            return self.item is not None
        if action == "promise":
            return self.item is not None and self._list_kind() == "arrears" and self.item.room_id is not None
        if action == "pick_list":
            return self.list_id is not None
        if action == "list_from_file":
            return access.can("calls.list_file", self.app.staff.id)
        if action == "escape":
            return isinstance(self.screen.focused, Input) or self.list_id is not None
        return True

    def load(self) -> None:
        self.load_list(self.list_id)

    def focus_pane(self) -> None:
        if self.item is not None and self.list_id is not None:
            self.query_one("#list-script-box").focus()
        else:
            self.query_one("#list-table").focus()

    def action_escape(self) -> None:
        """escape: out of the note; else back to the lists."""
        if isinstance(self.screen.focused, Input):
            self.query_one("#list-script-box").focus()
        else:
            self.action_pick_list()

    def action_digit(self, n: int) -> None:
        codes = list(LIST_OUTCOMES)
        if self.item is not None and n <= len(codes):
            self.record_outcome(codes[n - 1])

    def action_dial(self) -> None:
        """d: dial the item's number."""
        if self.item is not None:
            self.dial_selected(self.item.number, self.item.name)

    @work(thread=True, exclusive=True, group="call-list", exit_on_error=False)
    def load_list(self, list_id: int | None) -> None:
        """The lists to pick from, or the list being worked, its next item and progress."""
        staff = self.app.staff
        mine = None if staff.role in ALL_LISTS_ROLES else staff.id
        try:
            lists = call_data.call_lists(mine)
            current, item = None, None
            if list_id is not None:
                current = next((lst for lst in lists if lst.id == list_id), None) or next(
                    (lst for lst in call_data.call_lists(open_only=False) if lst.id == list_id), None)
                item = call_data.next_item(list_id, clock_now())
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(self.ListLoaded(lists, list_id, current, item))

    def on_call_list_pane_list_loaded(self, message: ListLoaded) -> None:
        self.show_loaded(self._show_list, message)

    def _show_list(self, message: ListLoaded) -> None:
        lists, list_id, current, item = message.lists, message.list_id, message.current, message.item
        if list_id != self.list_id:
            return  # the clerk picked another list meanwhile
        table = self.query_one("#list-table", DataTable)
        cursor = table.cursor_row
        keep = id_at(self.lists, cursor)
        self.lists, self.list_view = list(lists), current
        self.fill(table, [(_("List"), 0), (_("Kind"), 8), (_("Assignee"), 6), (_("Done"), 7),
                          (_("To call"), 7), (_("Created"), 11)], 0, [
            (plain(lst.name), Text(label(CALL_LIST_KINDS, lst.kind)), plain(lst.assignee or ""),
             Text(f"{lst.done}/{lst.total}", justify="right"), Text(str(lst.pending), justify="right"),
             Text(lst.created_at.strftime("%m-%d %H:%M")))
            for lst in self.lists])
        if self.lists:
            table.move_cursor(row=row_of(self.lists, keep, cursor))
        switch = self.query_one("#list-switch", ContentSwitcher)
        shown = self.host.mode == "list"
        if list_id is None:
            switch.current = "list-table"
            self.item = None
            status = _("{count} open call lists · enter works one · g builds the 回访 list").format(
                count=len(self.lists))
            if not self.lists:
                status = _("No open call lists · g builds the 回访 list from resolved work orders")
            self.query_one("#list-status", Label).update(status)
            if shown and not isinstance(self.screen.focused, DataTable):
                table.focus()
        else:
            switch.current = "list-work"
            self.item = item
            self._paint_item()
            if shown and not isinstance(self.screen.focused, Input):
                self.query_one("#list-script-box").focus()
        self.refresh_bindings()

    def _paint_item(self) -> None:
        lst, item = self.list_view, self.item
        progress = Text()
        if lst is not None:
            progress.append(lst.name, style="bold")
            progress.append("  " + _("{done} of {total} done").format(done=lst.done, total=lst.total))
            if lst.pending:
                progress.append("  " + _("{pending} to call").format(pending=lst.pending))
        self.query_one("#list-status", Label).update(safe_text(progress))
        box = self.query_one("#list-item", Static)
        keys = self.query_one("#list-keys", Label)
        if item is None:
            done = Text(_("Nothing to call now."), style="bold")
            if lst is not None and lst.pending:
                done.append("\n" + _("The others are to be called again later."))
            done.append("\n" + _("l or esc: the lists"))
            box.update(done)
            self.query_one("#list-script", Static).update("")
            keys.update("")
            return
        text = Text()
        text.append(item.name or _("(unknown)"), style="bold")
        text.append("  ")
        text.append(group_number(item.number), style="bold")  # in full: the number to dial now
        if item.room:
            text.append("  🏠 " + item.room)
        if item.work_order_number:
            text.append("\n" + _("Work order {number} {title}").format(
                number=item.work_order_number, title=item.work_order_title))
        if item.attempts:
            text.append("\n")
            text.append(_("Tried {n} times, last: {outcome}").format(
                n=item.attempts, outcome=label(LIST_OUTCOMES, item.last_outcome)), style="yellow")
            if item.retry_at:
                text.append(" · " + _("again at {time}").format(time=item.retry_at.strftime("%m-%d %H:%M")))
        box.update(safe_text(text))
        self._item_shown = timer_now()
        outcome_keys = Text()
        for i, code in enumerate(LIST_OUTCOMES):
            outcome_keys.append(f" {i + 1} ", style="reverse bold")
            outcome_keys.append(f"{label(LIST_OUTCOMES, code)} ")
        if self._list_kind() == "arrears" and item.room_id is not None:
            outcome_keys.append(" p ", style="reverse bold")
            outcome_keys.append(_("Promise to pay") + " ")
        keys.update(outcome_keys)
        self.query_one("#list-script", Static).update(Text(_("Script …"), style="dim"))
        self.fill_scripts(call_data.LIST_CALL_CATEGORIES.get(self._list_kind(), "callback"),
                          item.person_id, item.work_order_id, item.room_id, self._list_kind(), self.list_id)

    @work(thread=True, exclusive=True, group="list-scripts", exit_on_error=False)
    def fill_scripts(self, category: str | None, person_id: int | None, work_order_id: int | None,
                     room_id: int | None = None, kind: str = "", list_id: int | None = None) -> None:
        """The item's scripts, filled for its person and work order (and room), in a worker;
        a survey's item: the survey's own opening (its name, the household), never the
        repair follow-up script; a notice's item: the notice's own title and text."""
        if kind == "survey" and list_id is not None:
            from data.surveys import opening_script

            try:
                opening = opening_script(list_id, room_id, person_id, self.app.staff.id)
            except FrontDeskError as exc:
                opening = exc.message
            if not get_current_worker().is_cancelled:
                self.post_message(self.ScriptsFilled([(_("Survey opening"), opening)]))
            return
        if kind == "notice" and list_id is not None:  # the notice itself, not stock scripts (walk19b N2)
            from data.notices import call_script

            try:
                script = call_script(list_id, room_id, person_id, self.app.staff.id)
            except FrontDeskError as exc:
                script = exc.message
            if not get_current_worker().is_cancelled:
                self.post_message(self.ScriptsFilled([(_("Notice to read out"), script)]))
            return
        filled = read_scripts(category, person_id, work_order_id, room_id)
        if room_id is not None and kind == "arrears":  # a 催缴 item: the room's reason and promise first
            from screens.fees import arrears_facts

            facts = arrears_facts(room_id, self.app.staff.id)
            if facts:
                filled = [(_("Why unpaid"), facts), *filled]
        if not get_current_worker().is_cancelled:
            self.post_message(self.ScriptsFilled(filled))

    def on_call_list_pane_scripts_filled(self, message: ScriptsFilled) -> None:
        text = Text()
        for title, body in message.scripts:
            text.append(title + "\n", style="bold")
            text.append(body + "\n\n")
        if not message.scripts:
            text.append(_("No script for this list."), style="dim")
        self.query_one("#list-script", Static).update(safe_text(text))

    @on(DataTable.RowSelected, "#list-table")
    def _list_selected(self, event: DataTable.RowSelected) -> None:
        lst = cursor_row(event.data_table, self.lists)
        if lst is not None:
            self._work_list(lst.id)

    def _work_list(self, list_id: int) -> None:
        self.list_id = list_id
        self.item = None
        self.query_one("#list-note", Input).value = ""
        self.load_list(list_id)

    def action_pick_list(self) -> None:
        """l: back to the lists."""
        self.list_id, self.item = None, None
        self.load_list(None)

    def action_build_list(self) -> None:
        """g: the 回访 list of resolved work orders not yet called back, assigned to me."""
        self.query_one("#list-status", Label).update(_("Building the 回访 list …"))
        self.build_list()

    def build_list(self) -> None:
        """Build the list in a worker (DeskWrites.run_write: it reads every resolved work
        order and writes the list; behind another desk it says so, leaving gives it up)."""
        staff_id = self.app.staff.id

        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="warning", markup=False)
            self.load_list(self.list_id)

        self.run_write(lambda: call_data.build_callback_list(staff_id, staff_id), done=self._work_list,
                       refused=refused)

    def action_list_from_search(self) -> None:
        """s: a call list of the owners a search finds, named as typed."""
        self._list_form("query", _("Search"), _("3-2, 张, a phone number …"),
                        lambda v, me: call_data.build_list_from_search(v["query"], me, me, v["name"] or None))

    def action_list_from_file(self) -> None:
        """u: a call list from a file of numbers (a name in the export folder, or a path)."""
        self._list_form("file", _("File"), _("a name in the export folder, or a path"),
                        lambda v, me: call_data.build_list_from_file(v["file"], me, me, v["name"] or None))

    def _list_form(self, field: str, caption: str, placeholder: str, build: Any) -> None:
        from widgets.form import FormField, FormModal

        me = self.app.staff.id
        fields = [FormField(field, caption, placeholder=placeholder),
                  FormField("name", _("List name"), placeholder=_("(default: Call list and the date)"))]
        form = FormModal(_("New call list"), fields, lambda values: build(values, me))

        def built(list_id: Any) -> None:
            if list_id:
                self._work_list(list_id)

        self.app.push_screen(form, built)

    @on(Input.Submitted, "#list-note")
    def _note_done(self) -> None:
        self.query_one("#list-script-box").focus()

    def record_outcome(self, outcome: str) -> None:
        """1–5: how this attempt went; "later" asks when to try again; then the next item."""
        item = self.item
        if item is None:
            return
        if outcome == "later":
            def chosen(when: dt.datetime | None) -> None:
                if when is not None:
                    self._record(item, outcome, when)

            self.app.push_screen(forms.retry_form(quarter(clock_now() + RETRY_AFTER)), chosen)
            return
        if outcome == "connected" and self._list_kind() == "survey" and item.room_id is not None:
            self.ask_survey(item)
            return
        if outcome == "connected" and item.work_order_id is not None and self._list_kind() == "callback":
            def rated(rating: int | None) -> None:
                if rating is not None:
                    self._record(item, outcome, None, rating or None)

            self.app.push_screen(forms.RatingModal(item.work_order_number), rated)
            return
        self._record(item, outcome, None)

    def action_promise(self) -> None:
        """p on a 催缴 item: what the connected call came to — a promise with its date (the
        default: p, tab, the date, F10), reached or refused — then the next item."""
        from data.fees.collection import CONTACT_OUTCOMES, record_list_contact
        from widgets.form import FormField, FormModal

        item = self.item
        if item is None or item.room_id is None:
            return
        me = self.app.staff.id
        note = self.query_one("#list-note", Input).value
        fields = [
            FormField("outcome", _("Outcome"), "promise", kind="select",
                      options=[(_(text), code) for code, text in CONTACT_OUTCOMES.items()]),
            FormField("date", _("Date promised"), placeholder="YYYY-MM-DD", shown_when=("outcome", "promise")),
            FormField("note", _("Note"), note),
        ]

        def save(values: dict[str, str]) -> Any:
            outcome = values["outcome"] or "promise"
            return record_list_contact(item.id, outcome, me, note=values["note"],
                                       promised_on=values["date"] if outcome == "promise" else None)

        def saved(view: Any) -> None:
            if view is None:
                return
            self.query_one("#list-note", Input).value = ""
            what = _(CONTACT_OUTCOMES.get(view.outcome, view.outcome))
            if view.promised_on is not None:
                what += f" {view.promised_on.isoformat()}"
            self.notify(_("{room}: {outcome}.").format(room=view.room, outcome=what), markup=False)
            self.item = None
            self.load_list(self.list_id)

        self.app.push_screen(FormModal(_("Arrears call {room}").format(room=item.room or ""), fields, save), saved)

    def ask_survey(self, item: Any) -> None:
        """1 (connected) on a survey item: the questions one key each, F10 stores them with
        the connected attempt; then the next item."""
        from data.surveys import check_open, survey_of_list
        from screens.survey_phone import SurveyPhoneModal

        survey_id = survey_of_list(self.list_id or 0)
        if survey_id is None:
            self._record(item, "connected", None)
            return
        try:
            check_open(survey_id)  # closed while this list was open: no more answers
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        note = self.query_one("#list-note", Input).value

        def stored(count: int | None) -> None:
            if count is None:
                return
            self.query_one("#list-note", Input).value = ""
            self.notify(_("{room}: {n} answers stored.").format(room=item.room or "", n=count), markup=False)
            self.item = None
            self.load_list(self.list_id)

        self.app.push_screen(SurveyPhoneModal(survey_id, item.id, item.room or "", note), stored)

    def _list_kind(self) -> str:
        return getattr(self.list_view, "kind", "")

    def _record(self, item: Any, outcome: str, retry_at: dt.datetime | None, rating: int | None = None) -> None:
        note_input = self.query_one("#list-note", Input)
        talked = max(0, int(timer_now() - self._item_shown)) if outcome == "connected" else 0
        try:
            call_data.record_attempt(item.id, self.app.staff.id, outcome, note_input.value, retry_at,
                                     duration_s=talked, rating=rating)
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        note_input.value = ""
        self.notify(_("{name}: {outcome}.").format(name=show_controls(item.name) or group_number(item.number),
                                                     outcome=label(LIST_OUTCOMES, outcome)), markup=False)
        self.item = None
        self.load_list(self.list_id)

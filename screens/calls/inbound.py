"""The call panel of the calls screen (n): the call in progress, its timer, the caller
matched by number or found by name or room, one-key category and outcome, the scripts,
and the keys that save it, turn it into a work order or promise a callback."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static, TextArea
from textual.worker import get_current_worker

from data import access
from data import calls as call_data
from data.clock import now as clock_now
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.vocab import (
    CALL_CATEGORIES,
    CALL_OUTCOMES,
    label,
)
from screens import call_forms as forms
from screens.call_forms import group_number, minutes
from screens.calls.caller import CallerSearch, idle_text, incident_text, match_text
from screens.calls.pane import (
    CALLBACK_AFTER,
    CATEGORY_KIND,
    LEAD_BINDING,
    TAB_BINDINGS,
    CallsPane,
    lead_prefill,
    looks_like_number,
    phone_like,
    quarter,
    read_scripts,
    timer_now,
)
from widgets.choice_strip import ChoiceStrip
from widgets.confirm import ConfirmModal
from widgets.safe import safe_text
from widgets.saving import PendingWrite, start_write

#: Pause after the last keystroke in the number field before matching or searching.
DEBOUNCE_S = 0.15
#: Outcomes the clerk cycles through with u, by direction (the first is the default).
CALL_OUTCOME_CHOICES = {
    "in": ("resolved", "transferred", "info", "callback", "ticket"),
    "out": ("resolved", "no_answer", "rejected", "invalid", "callback", "ticket"),
}


@dataclass
class CallDraft:
    """The call in progress on the panel (what is not in its widgets)."""

    direction: str
    started_at: dt.datetime
    started_mono: float
    person_id: int | None = None
    person_name: str = ""
    category: str | None = None
    outcome: str = ""
    callback_due: dt.datetime | None = None
    callback_assignee_id: int | None = None
    callback_assignee: str = ""
    incident_id: int | None = None
    callback_of: int | None = None  # the call whose callback this is: done once saved
    frozen_s: int | None = None  # the duration, once the call is being saved
    ring_id: int | None = None  # the phone system's ring it popped up from (data.calls.ringing)
    extension: str = ""  # where it was answered
    hung_up_s: int | None = None  # the talk time, once the phone system said it ended


class InboundCallPane(CallerSearch, CallsPane):
    """The call in progress (or, without one, what the screen's keys do). It has the focus
    only during a call, so its keys are then the footer: the tabs' keys still work but
    are not shown (the tab line shows them)."""

    BINDINGS = [
        *(replace(b, show=False) for b in TAB_BINDINGS),
        Binding("f10", "save_call", N_("Save"), tooltip=N_("Save the call")),
        Binding("ctrl+s", "save_call", N_("Save"), show=False),
        Binding("enter", "enter", N_("Save/open"), show=False),
        Binding("w", "work_order", N_("Work order"), tooltip=N_("Turn the call into a work order")),
        Binding("b", "callback", N_("Call back later"), tooltip=N_("Schedule a callback")),
        Binding("i", "incident", N_("Incident"), tooltip=N_("Tag the call to the outage it is about")),
        Binding("a", "person", N_("Caller"), tooltip=N_("Find the caller by name or room; attach the number")),
        Binding("u", "outcome", N_("Outcome"), show=False),
        Binding("d", "dial", N_("Dial"), tooltip=N_("Dial the selected number")),
        LEAD_BINDING,
        Binding("escape", "escape", N_("Back"), show=False),
        *(Binding(str(i), f"digit({i})", str(i), show=False) for i in range(1, 8)),
    ]
    TYPED_KEYS = CallsPane.TYPED_KEYS | {"work_order", "callback", "incident", "person", "outcome", "dial",
                                         "digit", "enter", "lead"}
    #: The keys of a call (all off without one).
    CALL_ACTIONS = frozenset({"save_call", "enter", "work_order", "callback", "incident", "person", "outcome",
                              "dial", "digit", "escape", "lead"})

    class CallerFound(Message):
        """The number field was matched (a number) or searched (a name, a room)."""

        def __init__(self, query: str, match: Any, hits: list, note: str = "") -> None:
            super().__init__()
            self.query, self.match, self.hits, self.note = query, match, hits, note

    class ScriptsFilled(Message):
        def __init__(self, scripts: list[tuple[str, str]]) -> None:
            super().__init__()
            self.scripts = scripts

    class CallEnded(Message):
        """The call was saved or dropped: the panel is free."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.draft: CallDraft | None = None
        self.match: Any = None  # data.calls.CallerMatch of the number field
        self._match_query: str | None = None  # the number `match` was read for
        self.hits: list = []  # owner search hits, when the number field holds a name or room
        self._match_note = ""
        #: The number of the work order the last call became: the panel keeps showing the
        #: caller and the script with it, to be read back, until the clerk closes it (escape)
        #: or answers the next call.
        self.finished_order = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="call-idle", markup=False)
        with Horizontal(id="call-panel"):
            with Vertical(id="call-left"):
                yield Label("", id="call-status", markup=False)
                with Horizontal(id="call-number-row"):
                    yield Label(_("Number"), classes="call-caption", markup=False)
                    yield Input(placeholder=_("caller's number, or a name or room to search"),
                                id="call-number", compact=True)
                yield Static("", id="call-incident", markup=False)
                with VerticalScroll(id="call-match-box", can_focus=False):
                    yield Static("", id="call-match", markup=False)
                yield ChoiceStrip(_("Category"), self._category_choices(), id="call-category")
                yield ChoiceStrip(_("Outcome (u)"), [], numbered=False, id="call-outcome")
                yield TextArea(id="call-summary", compact=True, soft_wrap=True,
                               placeholder=_("Summary. Then tab: w work order, b call back, "
                                             "enter save"))
            with VerticalScroll(id="call-script-box"):
                yield Static("", id="call-script", markup=False)

    def on_mount(self) -> None:
        self._show_panel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not super().check_action(action, parameters):
            return False
        if action in self.CALL_ACTIONS and self.draft is None:
            return False
        if action == "incident":
            return self.incident() is not None
        if action == "lead":
            return access.can("lead.manage")
        return True

    def focus_pane(self) -> None:
        if self.draft is None:
            self.screen.set_focus(None)  # no call: nothing, so letters are the screen's keys
        elif not self.query_one("#call-number", Input).value:
            self.query_one("#call-number").focus()
        elif self.draft.category is None and self.draft.ring_id is not None:
            # A popped-up call (its number known): on to the category, as enter on the
            # number does on a call answered with n, so one digit picks it.
            self.query_one("#call-category").focus()
        else:
            self.query_one("#call-summary").focus()

    def _show_panel(self) -> None:
        active = self.draft is not None or bool(self.finished_order)
        self.query_one("#call-idle").display = not active
        self.query_one("#call-panel").display = active
        if not active:
            self.query_one("#call-idle", Static).update(idle_text())

    @staticmethod
    def _category_choices() -> list[tuple[str, str]]:
        return [(code, label(CALL_CATEGORIES, code)) for code in CALL_CATEGORIES]

    # --- starting and ending a call ------------------------------------------------------------

    def start_call(self, direction: str, *, number: str = "", person_id: int | None = None,
                   person_name: str = "", category: str | None = None, summary: str = "",
                   callback_of: int | None = None, ring: Any = None) -> None:
        """A new call on the panel: inbound, or outbound (a callback) with what is known; or
        the call the phone system answered at this clerk's extension (`ring`, a
        data.calls.RingView): its number matched, its timer running since it was answered."""
        started, mono = clock_now(), timer_now()
        if ring is not None:
            number = ring.number
            mono -= max(0.0, (started - ring.rang_at).total_seconds())
            started = ring.rang_at
        self.draft = CallDraft(direction, started, mono, person_id=person_id,
                               person_name=person_name, category=category,
                               outcome=CALL_OUTCOME_CHOICES[direction][0], callback_of=callback_of)
        if ring is not None:
            self.draft.ring_id, self.draft.extension = ring.id, ring.extension
            self.draft.hung_up_s = ring.duration_s
        self.match, self.hits, self._match_note = None, [], ""
        self._match_query = None
        self.finished_order = ""
        number_input = self.query_one("#call-number", Input)
        number_input.disabled = False
        with number_input.prevent(Input.Changed):
            number_input.value = number
        summary_area = self.query_one("#call-summary", TextArea)
        summary_area.read_only = False
        summary_area.text = summary
        self.query_one("#call-category", ChoiceStrip).set_choices(self._category_choices(), category)
        self.query_one("#call-outcome", ChoiceStrip).set_choices(self._outcome_choices(), self.draft.outcome)
        self._show_panel()
        self.paint_call()
        if number:
            self.lookup(number, debounce=False)
        self.fill_scripts(category, person_id, None)

    def _outcome_choices(self) -> list[tuple[str, str]]:
        direction = self.draft.direction if self.draft else "in"
        return [(code, label(CALL_OUTCOMES, code)) for code in CALL_OUTCOME_CHOICES[direction]]

    def _end_call(self, order_id: int | None = None, order_number: str = "") -> None:
        """The call is saved or dropped: the panel is free. A call that became a work order
        (`order_number`) stays on the panel, its script filled with the order, until closed."""
        if order_number:
            draft = self.draft
            self.draft = None
            self.finished_order = order_number
            self.query_one("#call-number", Input).disabled = True
            self.query_one("#call-summary", TextArea).read_only = True
            self._show_panel()
            self.paint_finished()
            self.fill_scripts(draft.category if draft else None, self._person_id(draft), order_id)
            self.screen.set_focus(None)
            self.post_message(self.CallEnded())
            self.refresh_bindings()
            return
        self.draft = None
        self.finished_order = ""
        self.match, self.hits, self._match_note = None, [], ""
        self._match_query = None
        number_input = self.query_one("#call-number", Input)
        number_input.disabled = False
        self.query_one("#call-summary", TextArea).read_only = False
        with number_input.prevent(Input.Changed):
            number_input.value = ""
        self.query_one("#call-summary", TextArea).text = ""
        self._show_panel()
        self.screen.set_focus(None)
        self.post_message(self.CallEnded())
        self.refresh_bindings()

    def close_finished(self) -> bool:
        """escape after a call became a work order: clear the panel. False if none is shown."""
        if not self.finished_order or self.draft is not None:
            return False
        self._end_call()
        return True

    def paint_finished(self) -> None:
        """The saved call's panel: the new work order's number first, to read back."""
        line = Text()
        line.append("✔ " + _("Work order {number} opened").format(number=self.finished_order),
                    style="bold green")
        line.append("  " + _("(escape closes)"), style="dim")
        self.query_one("#call-status", Label).update(safe_text(line))
        text = Text()
        text.append(_("Repair registered, work order number {number}: read it to the caller.").format(
            number=self.finished_order) + "\n", style="bold")
        query = self.query_one("#call-number", Input).value.strip()
        text.append_text(match_text(None, self.match, self.hits, "", query))
        self.query_one("#call-match", Static).update(safe_text(text))
        self.query_one("#call-incident", Static).display = False

    def elapsed(self) -> int:
        """How long the call has gone on, in seconds (frozen while it is being saved)."""
        if self.draft is None:
            return 0
        if self.draft.frozen_s is not None:
            return self.draft.frozen_s
        if self.draft.hung_up_s is not None:  # the phone system measured it
            return self.draft.hung_up_s
        return max(0, int(timer_now() - self.draft.started_mono))

    def ring_ended(self, ring: Any) -> None:
        """The phone system says the call on the panel ended: the timer stops at its talk time."""
        if self.draft is not None and self.draft.ring_id == ring.id and ring.duration_s is not None:
            self.draft.hung_up_s = ring.duration_s
            self.paint_status()

    @property
    def ring_id(self) -> int | None:
        """The ring the call on the panel popped up from, if any."""
        return self.draft.ring_id if self.draft is not None else None

    def paint_status(self) -> None:
        """The call's line: direction, timer, callback."""
        draft = self.draft
        if draft is None:
            return
        arrow = _("Inbound") if draft.direction == "in" else _("Outbound")
        text = Text()
        text.append(f"● {arrow} {minutes(self.elapsed())}", style="bold red")
        if draft.callback_of is not None:
            text.append("  " + _("(a callback)"), style="bold")
        if draft.extension:
            text.append("  " + _("ext. {ext}").format(ext=draft.extension))
        if draft.hung_up_s is not None:
            text.append("  " + _("(hung up)"), style="dim")
        if draft.callback_due is not None:
            text.append("  ")
            text.append(_("↻ {due} {who}").format(due=draft.callback_due.strftime("%m-%d %H:%M"),
                                                   who=draft.callback_assignee), style="yellow")
        self.query_one("#call-status", Label).update(safe_text(text))

    def paint_call(self) -> None:
        """The call's status, what is known of the caller, the incident banner."""
        self.paint_status()
        query = self.query_one("#call-number", Input).value.strip()
        self.query_one("#call-match", Static).update(
            safe_text(match_text(self.draft, self.match, self.hits, self._match_note, query)))
        incident = self.incident()
        banner = self.query_one("#call-incident", Static)
        banner.display = incident is not None
        if incident is not None:
            tagged = self.draft is not None and self.draft.incident_id == incident.id
            banner.update(safe_text(incident_text(incident, tagged)))
        self.refresh_bindings()

    def incident(self) -> Any:
        """The incident (outage) of the caller's building, during a call."""
        return getattr(self.match, "incident", None) if self.draft is not None else None

    async def action_escape(self) -> None:
        """escape during a call: drop it, once confirmed; while its save runs, give the save
        up (it stops waiting for another desk; the call stays on the panel as typed)."""
        if self.saving:
            assert self._write is not None
            if self._write.cancel():
                self.notify(_("Cancelling…"), markup=False)
            return
        def confirmed(ok: bool | None) -> None:
            if ok:
                self._end_call()

        self.app.push_screen(ConfirmModal(_("Discard this call? It has not been saved.")), confirmed)

    def action_enter(self) -> None:
        self.action_save_call()

    def action_digit(self, n: int) -> None:
        choices = self.query_one("#call-category", ChoiceStrip).choices
        if n <= len(choices):
            self.query_one("#call-category", ChoiceStrip).choose(choices[n - 1][0])
            self.query_one("#call-summary").focus()

    def on_key(self, event: events.Key) -> None:
        """Text typed while a choice strip has the focus (a clerk starting the summary before
        picking the category, right after enter on the number) goes into the summary instead
        of being swallowed by the strip. The focus stays, so a digit typed next still picks
        the category and the call's keys (w, b …) keep their meaning."""
        if self.draft is None or not event.is_printable or not event.character:
            return
        if not isinstance(self.screen.focused, ChoiceStrip) or event.key in self.screen.active_bindings:
            return
        event.stop()
        event.prevent_default()
        summary = self.query_one("#call-summary", TextArea)
        if summary.read_only:
            return
        summary.move_cursor(summary.document.end)
        summary.insert(event.character)

    # --- the number field ----------------------------------------------------------------------

    @on(Input.Changed, "#call-number")
    def _number_changed(self, event: Input.Changed) -> None:
        if self.draft is not None:
            self.lookup(event.value)

    @on(Input.Submitted, "#call-number")
    def _number_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if query and not looks_like_number(query) and self.hits:
            if len(self.hits) == 1:
                self._take_hit(self.hits[0])
            else:
                self._pick_hit(self.hits)
            return
        if query and self.match is None:
            # A short number (110, 95588) is searched as a phone tail while typed; enter
            # takes it as the number it is.
            self.lookup(query, debounce=False, as_number=phone_like(query))
        self.query_one("#call-category").focus()

    @work(thread=True, exclusive=True, group="call-lookup", exit_on_error=False)
    def lookup(self, query: str, debounce: bool = True, as_number: bool = False) -> None:
        """Match a number (or search a name or room) after the debounce, in a worker."""
        if debounce:
            time.sleep(DEBOUNCE_S)
            if get_current_worker().is_cancelled:
                return
        query = query.strip()
        match, hits, note = None, [], ""
        if not query:
            pass
        elif as_number or looks_like_number(query):
            try:
                match = call_data.match_caller(query, clock_now())
            except ValidationError:
                note = _("Not a complete phone number yet.")
            except FrontDeskError as exc:
                note = exc.message
        else:
            from data import search

            result = search.search(query, limit=8)
            hits = list(result.hits)
            if not hits:
                note = _("Nobody found for “{query}”.").format(query=query)
        if not get_current_worker().is_cancelled:
            self.post_message(self.CallerFound(query, match, hits, note))

    def on_inbound_call_pane_caller_found(self, message: CallerFound) -> None:
        if self.draft is None or message.query != self.query_one("#call-number", Input).value.strip():
            return
        before = getattr(self.match, "person_id", None)
        self.match, self.hits, self._match_note = message.match, message.hits, message.note
        self._match_query = message.query
        if self.match is not None and self.draft.person_id is None and self.match.person_id is not None:
            self.draft.person_name = self.match.name
        self.paint_call()
        person = self._person_id()
        if person != before:
            self.fill_scripts(self.draft.category, person, self._first_order())

    def _person_id(self, draft: CallDraft | None = None) -> int | None:
        draft = draft or self.draft
        if draft is not None and draft.person_id is not None:
            return draft.person_id
        return getattr(self.match, "person_id", None)

    def _first_order(self) -> int | None:
        """The work order a script's {工单号} means: the caller's latest open one, except
        for a repair call, which is about to open a new one."""
        orders = getattr(self.match, "open_orders", ()) or ()
        if not orders or (self.draft is not None and self.draft.category == "repair"):
            return None
        return orders[0][0]

    # --- category, outcome, scripts ------------------------------------------------------------

    @on(ChoiceStrip.Changed, "#call-category")
    def _category_changed(self, event: ChoiceStrip.Changed) -> None:
        if self.draft is not None:
            self.draft.category = event.value
            self.fill_scripts(event.value, self._person_id(), self._first_order())

    @on(ChoiceStrip.Changed, "#call-outcome")
    def _outcome_changed(self, event: ChoiceStrip.Changed) -> None:
        if self.draft is not None and event.value:
            self.draft.outcome = event.value

    def action_outcome(self) -> None:
        self.query_one("#call-outcome", ChoiceStrip).action_step(1)

    @work(thread=True, exclusive=True, group="call-scripts", exit_on_error=False)
    def fill_scripts(self, category: str | None, person_id: int | None, work_order_id: int | None) -> None:
        """The scripts of `category`, filled for the person and work order, in a worker."""
        filled = read_scripts(category, person_id, work_order_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.ScriptsFilled(filled))

    def on_inbound_call_pane_scripts_filled(self, message: ScriptsFilled) -> None:
        text = Text()
        incident = self.incident()
        if incident is not None and incident.script:
            text.append(_("Incident script") + "\n", style="bold red")
            text.append(incident.script + "\n\n")
        if not message.scripts:
            text.append(_("No script for this category."), style="dim")
        for title, body in message.scripts:
            text.append(title + "\n", style="bold")
            text.append(body + "\n\n")
        self.query_one("#call-script", Static).update(safe_text(text))

    # --- the keys of a call --------------------------------------------------------------------

    def _summary(self) -> str:
        return self.query_one("#call-summary", TextArea).text.strip()

    def _call_input(self, *, work_order_id: int | None = None, outcome: str | None = None) -> Any:
        draft = self.draft
        assert draft is not None
        number = self.query_one("#call-number", Input).value.strip()
        if not looks_like_number(number):
            number = getattr(self.match, "number", "") or ""
        return call_data.CallInput(
            direction=draft.direction, number=number, category=draft.category or "other",
            summary=self._summary(), outcome=outcome or draft.outcome, duration_s=self.elapsed(),
            started_at=draft.started_at, person_id=self._person_id(),
            callback_due=draft.callback_due, callback_assignee_id=draft.callback_assignee_id,
            work_order_id=work_order_id, incident_id=draft.incident_id, ring_id=draft.ring_id,
        )

    def _ticket_call_input(self) -> Any:
        """The call as it is now, for the new-order form's save (run in a worker: the
        widgets are read on the app's thread)."""
        if threading.current_thread() is threading.main_thread():
            return self._call_input(outcome="ticket")
        return self.app.call_from_thread(self._call_input, outcome="ticket")

    def _callback_of(self) -> int | None:
        return self.draft.callback_of if self.draft is not None else None

    def _settle_match(self) -> None:
        """Keys typed ahead (F10 or `w` right after the number, over a slow link) must act on
        the caller of the number typed, not wait for the lookup worker to land: a number the
        worker has not matched yet is matched here, now (one indexed query)."""
        query = self.query_one("#call-number", Input).value.strip()
        if not query or getattr(self, "_match_query", None) == query or not looks_like_number(query):
            return
        try:
            self.match = call_data.match_caller(query, clock_now())
        except FrontDeskError:
            return
        self._match_query = query
        if self.draft is not None and self.draft.person_id is None and self.match is not None:
            self.draft.person_name = self.match.name

    #: The call's save while it runs (widgets.saving), else None.
    _write: PendingWrite | None = None

    @property
    def saving(self) -> bool:
        return self._write is not None and not self._write.over

    def action_save_call(self) -> None:
        """enter / F10: log the call as it is, in a worker (a desk waiting behind another
        desk's transaction stays responsive; escape then gives the save up)."""
        if self.draft is None or self.saving:
            return
        self._settle_match()
        draft = self.draft
        draft.frozen_s = self.elapsed()
        data = self._call_input()
        staff_id, callback_of = self.app.staff.id, self._callback_of()

        def refused(exc: FrontDeskError) -> None:
            draft.frozen_s = None
            if self.draft is draft:
                self._refused(exc)

        def done(view: Any) -> None:
            if self.draft is draft:
                self._saved(view, None)

        self._write = start_write(
            self, lambda: call_data.log_call_answering(data, staff_id, callback_of),
            done=done, refused=refused, waiting=self._still_waiting)

    def on_unmount(self) -> None:
        """Closed while the call's save still waits (the app quits): the wait is given up."""
        if self.saving:
            assert self._write is not None
            self._write.cancel()

    def _still_waiting(self) -> None:
        self.notify(_("Waiting for another desk… esc cancels, what you typed stays."),
                    severity="warning", markup=False)

    def _refused(self, exc: FrontDeskError) -> None:
        if isinstance(exc, ValidationError) and exc.field == "number":
            self.query_one("#call-number").focus()
        self.notify(exc.message, severity="error", markup=False)

    def _saved(self, view: Any, order_number: str | None, order_id: int | None = None) -> None:
        who = view.person or group_number(view.number)
        if order_number:
            message = _("Call with {who} saved ({duration}); work order {number} opened.").format(
                who=who, duration=minutes(view.duration_s), number=order_number)
        else:
            message = _("Call with {who} saved ({duration}).").format(who=who, duration=minutes(view.duration_s))
        self.notify(message, markup=False)
        self._end_call(order_id, order_number or "")

    def action_work_order(self) -> None:
        """w: the new-order form with person, room and summary; saving it logs the call too."""
        draft = self.draft
        if draft is None:
            return
        from screens.workorder import open_new_order

        self._settle_match()
        summary = self._summary()
        rooms = getattr(self.match, "rooms", ()) or ()
        logged: list[Any] = []

        def then(order_id: int) -> None:
            from data.workorders import get_order

            if logged:
                self._saved(logged[0], get_order(order_id).number, order_id)

        number = getattr(self.match, "number", "") or ""  # normalised
        # The timer runs on while the form is open: the call is logged when the order is
        # saved, with the duration up to then.
        open_new_order(
            self.screen, then=then, person_id=self._person_id(), room_id=rooms[0][0] if rooms else None,
            title=summary.splitlines()[0][:60] if summary else "", description=summary,
            kind=CATEGORY_KIND.get(draft.category or "", "repair"),
            phone=number, call=self._ticket_call_input,
            callback_of=self._callback_of(), call_logged=logged.append,
        )

    def action_lead(self) -> None:
        """l: the new-lead form with the number, the caller's name and the summary; saving it
        logs the call too (linked to the lead), both or neither."""
        draft = self.draft
        if draft is None:
            return
        from data import leads
        from screens.leads import open_new_lead, saved_text

        self._settle_match()
        typed = self.query_one("#call-number", Input).value.strip()
        number = getattr(self.match, "number", "") or (typed if looks_like_number(typed) else "")
        rooms = getattr(self.match, "rooms", ()) or ()
        name = draft.person_name or getattr(self.match, "name", "") or ""
        prefill = lead_prefill(number, name, self._summary(), rooms[0][2] if rooms else "",
                               self.app.staff.community_id)
        me = self.app.staff.id

        def create(data: Any, force: bool) -> Any:
            # The timer runs on while the form is open: the call is logged with the lead.
            return leads.create_lead_from_call(data, self._call_input(), me, callback_of=self._callback_of(),
                                               force=force)

        def then(view: Any) -> None:
            self.notify(_("Call saved; {lead}").format(lead=saved_text(view)), markup=False)
            self._end_call()

        open_new_lead(self.screen, prefill=prefill, create=create, then=then)

    def action_callback(self) -> None:
        """b: when to call back and who does (me by default); saved with the call."""
        draft = self.draft
        if draft is None:
            return
        due = draft.callback_due or quarter(clock_now() + CALLBACK_AFTER)
        staff = self.host.staff_list()

        def chosen(value: tuple[dt.datetime, int] | None) -> None:
            if value is None or self.draft is None:
                return
            self.draft.callback_due, self.draft.callback_assignee_id = value
            self.draft.callback_assignee = next((s.name for s in staff if s.id == value[1]), "")
            if self.draft.outcome == CALL_OUTCOME_CHOICES[self.draft.direction][0]:
                self.query_one("#call-outcome", ChoiceStrip).choose("callback")
            self.paint_status()

        self.app.push_screen(forms.callback_form(staff, draft.callback_assignee_id or self.app.staff.id, due),
                             chosen)

    def action_incident(self) -> None:
        """i: tag the call to the incident of the caller's building (again: untag)."""
        incident = self.incident()
        if incident is None or self.draft is None:
            return
        self.draft.incident_id = None if self.draft.incident_id == incident.id else incident.id
        if self.draft.category is None:
            self.query_one("#call-category", ChoiceStrip).choose("inquiry")
        self.paint_call()

    def action_dial(self) -> None:
        """d: dial the caller's number."""
        if self.draft is None:
            return
        typed = self.query_one("#call-number", Input).value.strip()
        number = typed if looks_like_number(typed) else getattr(self.match, "number", "") or ""
        self.dial_selected(number, self.draft.person_name or getattr(self.match, "name", "") or "")

"""The calls screen (F5): the tabs, one pane per mode (the call, call lists, history,
statistics, callbacks), the call timer, and the incidents of the command palette."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import ContentSwitcher, Input, Label, TextArea

from data import calls as call_data
from data.clock import now as clock_now
from data.errors import ValidationError
from data.i18n import N_, _
from data.vocab import label
from screens.call_forms import minutes
from screens.calls.call_lists import CallListPane
from screens.calls.callbacks import CallbacksPane
from screens.calls.history import CallHistoryPane
from screens.calls.inbound import InboundCallPane
from screens.calls.pane import MODES, TAB_BINDINGS, CallsPane, RevealedNumbers
from screens.calls.stats import CallStatsPane
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen


class CallsScreen(DeskScreen):
    """Five modes on one screen: the call panel (n), call lists (o), history (h),
    statistics (t) and my callbacks (c). The host switches the panes and carries the
    tabs' keys; each pane has its own keys, shown in the footer while it has the focus."""

    CSS_PATH = Path(__file__).parent / "calls.tcss"  # absolute: subclasses elsewhere keep it
    AUTO_FOCUS = ""  # each mode focuses what it needs (no call: nothing, so letters are keys)
    BINDINGS = [
        *TAB_BINDINGS,
        Binding("escape", "escape", N_("Back"), show=False),
    ]
    #: Actions whose key is a letter: off while the focus is in a text field.
    TYPED_KEYS = frozenset({"new_call", "mode"})

    def __init__(self, mode: str = "call", list_id: int | None = None, call_id: int | None = None) -> None:
        super().__init__()
        self.mode = mode if mode in MODES else "call"
        #: The callback to put the cursor on (opened from a notification, home, a handover).
        self.open_call_id = call_id
        #: A call list to work at once (the fees screen's 催缴 list): opens in the list mode.
        self.open_list_id = list_id
        if list_id is not None:
            self.mode = "list"
        self._ring: Any = None  # a ring handed over before the panes were there
        self._ready = False  # on_mount ran: the panes are there
        self._staff: list | None = None
        self._revealed = RevealedNumbers()  # one set for the history and the callbacks

    @property
    def screen_title(self) -> str:
        return _("Calls")

    @property
    def is_dirty(self) -> bool:
        """A call in progress is never dropped without asking (nor one about to show)."""
        if not self._ready:
            return self._ring is not None
        return self.draft is not None

    # --- the panes, and what they show (for the palette and the tests) -------------------------

    @property
    def call_pane(self) -> InboundCallPane:
        return self.query_one("#mode-call", InboundCallPane)

    def pane(self, mode: str) -> CallsPane:
        return self.query_one(f"#mode-{mode}", CallsPane)

    @property
    def draft(self) -> Any:
        return self.call_pane.draft

    @property
    def item(self) -> Any:
        return self.query_one("#mode-list", CallListPane).item

    @property
    def history_rows(self) -> list:
        return self.query_one("#mode-history", CallHistoryPane).rows

    @property
    def stats(self) -> Any:
        return self.query_one("#mode-stats", CallStatsPane).stats

    @property
    def callback_rows(self) -> list:
        return self.query_one("#mode-callbacks", CallbacksPane).rows

    def staff_list(self) -> list:
        """The staff, read once per screen (callback assignees, the history filter)."""
        if self._staff is None:
            from data.staff import list_staff

            self._staff = list_staff()
        return self._staff

    # --- set-up --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="calls-tabs", markup=False)
        with ContentSwitcher(initial=f"mode-{self.mode}", id="calls-modes"):
            yield InboundCallPane(id="mode-call")
            yield CallListPane(id="mode-list")
            yield CallHistoryPane(self._revealed, id="mode-history")
            yield CallStatsPane(id="mode-stats")
            yield CallbacksPane(self._revealed, id="mode-callbacks", wanted=self.open_call_id)
        # Without the palette hint: at 80 columns it would push the screen's keys off.
        yield self.footer()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick, name="call-timer")
        if self.open_list_id is not None:
            self.query_one("#mode-list", CallListPane).list_id = self.open_list_id
        self.action_mode(self.mode)
        self._ready = True
        if self._ring is not None:
            ring, self._ring = self._ring, None
            self.take_ring(ring)

    # --- the caller-ID pop-up (tui.ring_popup) ---------------------------------------------------

    def take_ring(self, ring: Any) -> None:
        """The phone system answered a call at this clerk's extension (a data.calls.RingView):
        the call panel opens with the caller matched and the timer running. The app hands
        it over only while no call is on the panel (is_dirty) and no form is open."""
        if not self._ready:
            self._ring = ring
            return
        self.call_pane.start_call("in", ring=ring)
        self.action_mode("call")

    def ring_ended(self, ring: Any) -> None:
        """The phone system says a ring ended: the call on the panel stops its timer."""
        self.call_pane.ring_ended(ring)
        self._paint_tabs()

    @property
    def ring_id(self) -> int | None:
        """The ring of the call on the panel, if it popped up from one."""
        if not self._ready:
            return self._ring.id if self._ring is not None else None
        return self.call_pane.ring_id

    def refresh_data(self) -> None:
        """Another session changed something: read the current mode again (the call panel
        keeps what is typed)."""
        if self.mode != "call":
            self.pane(self.mode).load()

    def palette_commands(self):
        """This screen's actions for the command palette: (title id, help, callback)."""
        yield (N_("New call"), _("Answer an inbound call (n)"), self.action_new_call)
        for name, (key, title) in MODES.items():
            if name != "call":
                yield (title, _("Calls: {mode} ({key})").format(mode=_(title), key=key),
                       lambda name=name: self.action_mode(name))
        yield (N_("Build 回访 list"), _("From resolved work orders (o, then g)"), self.action_build_list)
        yield (N_("Incidents"), _("Outages going on now, and how many owners called"), self.action_incidents)
        if self.app.staff.role in ("supervisor", "manager", "admin"):
            yield (N_("Declare an incident"), _("停水, 停电 … for some buildings, with a script for callers"),
                   self.action_declare_incident)

    # --- modes ---------------------------------------------------------------------------------

    def action_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one("#calls-modes", ContentSwitcher).current = f"mode-{mode}"
        self._paint_tabs()
        pane = self.pane(mode)
        if mode != "call":
            pane.load()
        pane.focus_pane()
        self.refresh_bindings()

    def action_new_call(self) -> None:
        """n: answer an inbound call (or go back to the one in progress)."""
        if self.draft is None:
            self.call_pane.start_call("in")
        self.action_mode("call")

    def action_build_list(self) -> None:
        """The 回访 list of resolved work orders (the palette's; g in the call lists)."""
        if self.mode != "list":
            self.action_mode("list")
        self.query_one("#mode-list", CallListPane).action_build_list()

    def _paint_tabs(self) -> None:
        tabs = Text()
        for name, (key, title) in MODES.items():
            tabs.append(f" {key} {_(title)} ", style="reverse bold" if name == self.mode else "")
        if self.draft is not None and self.mode != "call":  # the call panel shows its own timer
            tabs.append("  ")
            tabs.append(f"● {minutes(self.call_pane.elapsed())}", style="bold red")
        self.query_one("#calls-tabs", Label).update(tabs)

    def _tick(self) -> None:
        if self.draft is not None:
            self.call_pane.paint_status()
            self._paint_tabs()

    def on_inbound_call_pane_call_ended(self) -> None:
        self._paint_tabs()

    def on_callbacks_pane_callback_picked(self, message: CallbacksPane.CallbackPicked) -> None:
        """enter on a callback: an outbound call to that number; saving it marks it done."""
        row = message.call
        if self.draft is not None:
            self.notify(_("Finish the call in progress first (n shows it)."), severity="warning", markup=False)
            return
        self.call_pane.start_call(
            "out", number=row.number, person_id=row.person_id, person_name=row.person or "",
            category=row.category, callback_of=row.id,
            summary=_("Callback: {summary}").format(summary=row.summary) if row.summary else "")
        self.action_mode("call")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing in a text field, letters are text, not commands.
        if action in self.TYPED_KEYS and isinstance(self.focused, (Input, TextArea)):
            return False
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    async def action_escape(self) -> None:
        """escape, when the pane has nothing to close: back to the call in progress, else
        back to where the clerk came from."""
        if self.draft is not None:
            if self.mode == "call":  # the focus is not in the call: it is asked all the same
                await self.call_pane.action_escape()
            else:
                self.action_mode("call")
            return
        if self.mode == "call" and self.call_pane.close_finished():
            return  # the call that became a work order is closed: the screen stays
        await self.app.action_back()

    # --- incidents (停水, 停电, 电梯停运, 燃气检修) --------------------------------------------

    def action_incidents(self) -> None:
        """The outages going on now, with their calls and callers, in a read-only list."""
        from data.vocab import INCIDENT_KINDS
        from widgets.picker import PickerModal, PickRow

        rows = [
            PickRow((label(INCIDENT_KINDS, view.kind), view.title, "、".join(view.buildings),
                     f"{view.ends:%m-%d %H:%M}", str(view.calls), str(view.callers)), view.id)
            for view in call_data.active_incidents()
        ]
        columns = [(_("Kind"), 8), (_("Title"), 18), (_("Buildings"), 16), (_("Until"), 11),
                   (_("Calls"), 5), (_("Callers"), 5)]
        self.app.push_screen(PickerModal(_("Incidents going on now"), columns, rows,
                                         hint=_("enter / y: draft the incident's notice (公告) · esc: close"),
                                         empty=_("No incident is going on.")), self._draft_notice)

    def _draft_notice(self, incident_id: int | None) -> None:
        """One key on an incident: its notice (停水通知 …) drafted for its buildings, opened on
        the notices screen to publish."""
        from data.errors import FrontDeskError
        from data.notices import notice_from_incident
        from screens.notices import NoticesScreen

        if not incident_id:
            return
        try:
            view = notice_from_incident(incident_id, self.app.staff.id)
        except FrontDeskError as exc:
            self.notify(str(getattr(exc, "message", exc)), severity="error", markup=False)
            return
        self.notify(_("Notice drafted for {households} households: p publishes it.").format(
            households=view.households), markup=False)
        self.app.push_screen(NoticesScreen(view.id))

    def action_declare_incident(self) -> None:
        """A supervisor declares an outage: kind, buildings, time range and the callers' script."""
        from data.people import find_building
        from data.validators import parse_datetime
        from data.vocab import INCIDENT_KINDS
        from widgets.form import FormField, FormModal

        now = clock_now()
        fields = [
            FormField("kind", _("Kind"), "water_cut", kind="select",
                      options=[(label(INCIDENT_KINDS, code), code) for code in INCIDENT_KINDS]),
            FormField("title", _("Title"), placeholder=_("3号楼管道检修停水")),
            FormField("community", _("Community")),
            FormField("buildings", _("Buildings"), placeholder="3, 5"),
            FormField("starts", _("From"), f"{now:%Y-%m-%d %H:%M}"),
            FormField("ends", _("Until"), placeholder=f"{now:%Y-%m-%d} 18:00"),
            FormField("script", _("Script"), kind="text",
                      placeholder=_("What the desk tells callers")),
        ]

        def save(values: dict[str, str]) -> int:
            codes = [c for c in values["buildings"].replace("，", ",").replace("、", ",").split(",") if c.strip()]
            if not codes:
                raise ValidationError("buildings", _("Choose at least one affected building."))
            building_ids = [find_building(code, values["community"] or None, option="buildings")[1]
                            for code in codes]
            view = call_data.declare_incident(
                values["kind"], values["title"], building_ids,
                parse_datetime(values["starts"], "starts"), parse_datetime(values["ends"], "ends"),
                values["script"], self.app.staff.id)
            return view.id

        def declared(incident_id: int | None) -> None:
            if incident_id:
                self.notify(_("Incident declared: calls from its buildings open with its script."),
                            markup=False)

        self.app.push_screen(FormModal(_("Declare an incident"), fields, save), declared)

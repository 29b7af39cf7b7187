"""来电/去电 (F5): the call panel (caller match, scripts, one-key work order), call lists
(外呼, 回访), history, statistics with charts, callbacks; and dialling out."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Label, Static, TextArea
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from data import access, privacy
from data import calls as call_data
from data.clock import now as clock_now
from data.dialout import DIAL_ENV, DialResult, dial, dial_command  # noqa: F401 (DIAL_ENV: tests)
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.validators import mask_phone, show_controls
from data.vocab import (
    CALL_CATEGORIES,
    CALL_LIST_KINDS,
    CALL_OUTCOMES,
    INCIDENT_KINDS,
    LIST_OUTCOMES,
    OCCUPANCY_ROLES,
    UNANSWERED_OUTCOMES,
    WORK_ORDER_STATUSES,
    label,
)
from screens import call_forms as forms
from screens.call_forms import group_number, minutes, stamp
from widgets.app_header import AppHeader
from widgets.bindings import translate_bindings
from widgets.confirm import ConfirmModal
from widgets.safe import plain, safe_text

#: The screen's modes: key, tab title.
MODES = {
    "call": ("n", N_("Call")),
    "list": ("o", N_("Call lists")),
    "history": ("h", N_("History")),
    "stats": ("t", N_("Statistics")),
    "callbacks": ("c", N_("Callbacks")),
}

#: Pause after the last keystroke in the number field before matching or searching.
DEBOUNCE_S = 0.15
#: Calls per history page.
HISTORY_PAGE = 50
#: Days in the statistics period; [ and ] move it by as many.
STATS_DAYS = 30
#: A new callback is due this long after the call, by default.
CALLBACK_AFTER = dt.timedelta(hours=2)
#: Roles that see every call list (the others: theirs and the unassigned ones).
ALL_LISTS_ROLES = ("supervisor", "manager", "admin")
#: "Later" (稍后再拨) retries this long after, by default.
RETRY_AFTER = dt.timedelta(hours=1)

#: The work-order kind a call category suggests (anything else: repair).
CATEGORY_KIND = {"repair": "repair", "complaint": "complaint", "inquiry": "inquiry"}
#: Outcomes the clerk cycles through with u, by direction (the first is the default).
CALL_OUTCOME_CHOICES = {
    "in": ("resolved", "transferred", "info", "callback", "ticket"),
    "out": ("resolved", "no_answer", "rejected", "invalid", "callback", "ticket"),
}

#: The call timer's clock (tests freeze it).
monotonic = time.monotonic

_PHONE_LIKE = re.compile(r"[0-9０-９\s\-+()（）#*转]+")


def looks_like_number(text: str) -> bool:
    """True when the clerk typed a phone number (7 digits or more) rather than a name, a
    room such as 3-2-501 or a phone tail, which are searched."""
    text = text.strip()
    return _PHONE_LIKE.fullmatch(text) is not None and sum(c.isdigit() for c in text) >= 7


# --- widgets -----------------------------------------------------------------------------------


class ChoiceStrip(Static, can_focus=True):
    """One line of numbered choices (1 报修  2 投诉 …), the chosen one reversed; left and
    right move it when focused, digits pick (the screen binds those)."""

    BINDINGS = [
        Binding("left", "step(-1)", N_("Previous"), show=False),
        Binding("right", "step(1)", N_("Next"), show=False),
    ]

    class Changed(Message):
        def __init__(self, strip: ChoiceStrip, value: str | None) -> None:
            super().__init__()
            self.strip, self.value = strip, value

        @property
        def control(self) -> ChoiceStrip:
            return self.strip

    def __init__(self, caption: str, choices: list[tuple[str, str]], *, numbered: bool = True,
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, markup=False)
        self.caption = caption
        self.choices = choices  # (code, label)
        self.numbered = numbered
        self.value: str | None = None

    def on_mount(self) -> None:
        self._paint()

    def set_choices(self, choices: list[tuple[str, str]], value: str | None) -> None:
        self.choices = choices
        self.value = value
        self._paint()

    def choose(self, value: str | None) -> None:
        self.value = value
        self._paint()
        self.post_message(self.Changed(self, value))

    def _paint(self) -> None:
        text = Text(self.caption + " ", style="bold")
        for i, (code, name) in enumerate(self.choices):
            if i:
                text.append(" ")
            piece = f"{i + 1}{name}" if self.numbered else name
            text.append(piece, style="reverse bold" if code == self.value else "")
        self.update(text)

    def action_step(self, step: int) -> None:
        codes = [code for code, _name in self.choices]
        if not codes:
            return
        i = codes.index(self.value) if self.value in codes else (-1 if step > 0 else 0)
        self.choose(codes[(i + step) % len(codes)])


class CallChart(PlotextPlot):
    """A PlotextPlot whose labels may be Chinese.

    plotext < 6 measures labels in characters, not terminal cells, so a wide character
    shifts the frame (piccolomo/plotext#158, fixed in plotext 6, which textual-plotext 1.0.1
    does not accept yet). Labels go to plotext as ASCII stand-ins of the same width, and
    the stand-ins are swapped back in the built chart.
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.stand_ins: dict[str, str] = {}

    def safe(self, text: str) -> str:
        """`text` as plotext should see it (a stand-in when it has wide characters)."""
        if cell_len(text) == len(text):
            return text
        width = max(cell_len(text), 4)
        key = f"~{len(self.stand_ins):02d}".ljust(width, "~")
        self.stand_ins[key] = text + " " * (width - cell_len(text))
        return key

    def render(self):
        self._plot.plotsize(self.size.width, self.size.height)
        self._plot._set_size(self.size.width, self.size.height)  # as PlotextPlot.render does
        self._plot.theme(self._get_plotext_theme_name(self.app.theme))
        built = self._plot.build()
        for key, text in self.stand_ins.items():
            built = built.replace(key, text)
        return Text.from_ansi(built)


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


# --- the screen --------------------------------------------------------------------------------


class CallsScreen(Screen):
    """Five modes on one screen: the call panel (n), call lists (o), history (h),
    statistics (t) and my callbacks (c)."""

    CSS_PATH = Path(__file__).parent / "calls.tcss"  # absolute: subclasses elsewhere keep it
    AUTO_FOCUS = ""  # each mode focuses what it needs (no call: nothing, so letters are keys)
    BINDINGS = [
        Binding("n", "new_call", N_("New call"), tooltip=N_("Answer an inbound call: timer, match, script")),
        Binding("o", "mode('list')", N_("Lists"), tooltip=N_("Work a call list (回访, 外呼) item by item")),
        Binding("h", "mode('history')", N_("History"), tooltip=N_("Every call, filtered, a page at a time")),
        Binding("t", "mode('stats')", N_("Stats"), tooltip=N_("Calls per day, category and outcome")),
        Binding("c", "mode('callbacks')", N_("Callbacks"), tooltip=N_("My callbacks by due time")),
        Binding("f10", "save_call", N_("Save"), tooltip=N_("Save the call")),
        Binding("ctrl+s", "save_call", N_("Save"), show=False),
        Binding("enter", "enter", N_("Save/open"), show=False),
        Binding("w", "work_order", N_("Work order"), tooltip=N_("Turn the call into a work order")),
        Binding("b", "callback", N_("Call back later"), tooltip=N_("Schedule a callback")),
        Binding("i", "incident", N_("Incident"), tooltip=N_("Tag the call to the outage it is about")),
        Binding("a", "person", N_("Caller"), tooltip=N_("Find the caller by name or room; attach the number")),
        Binding("u", "outcome", N_("Outcome"), show=False),
        Binding("d", "dial", N_("Dial"), tooltip=N_("Dial the selected number")),
        Binding("g", "build_list", N_("Build 回访"), tooltip=N_("Build the 回访 list from resolved work orders")),
        Binding("l", "pick_list", N_("Other list"), show=False),
        Binding("f", "filter", N_("Filter"), tooltip=N_("Direction, category, staff, dates")),
        Binding("F", "clear_filter", N_("Clear filter"), show=False),
        Binding("m", "toggle_mine", N_("Mine/all"), show=False),
        Binding("r,R", "reveal", N_("Reveal"), tooltip=N_("Show the selected call's number in full (recorded)")),
        Binding("left_square_bracket", "shift_period(-1)", N_("Earlier"), key_display="["),
        Binding("right_square_bracket", "shift_period(1)", N_("Later"), key_display="]"),
        Binding("pagedown", "next_page", N_("Next page"), show=False, priority=True),
        Binding("pageup", "previous_page", N_("Previous page"), show=False, priority=True),
        Binding("escape", "escape", N_("Back"), show=False),
        *(Binding(str(i), f"digit({i})", str(i), show=False) for i in range(1, 8)),
    ]

    #: Actions of each mode (all others of this table are off in the other modes).
    MODE_ACTIONS = {
        "call": {"save_call", "enter", "work_order", "callback", "incident", "person", "outcome", "dial",
                 "digit"},
        "list": {"build_list", "pick_list", "dial", "digit"},
        "history": {"filter", "clear_filter", "next_page", "previous_page", "reveal"},
        "stats": {"shift_period"},
        "callbacks": {"dial", "toggle_mine", "reveal"},
    }
    #: Actions whose key is a letter or a digit: off while the focus is in a text field.
    TYPED_KEYS = {"new_call", "mode", "work_order", "callback", "incident", "person", "outcome", "dial",
                  "build_list", "pick_list", "filter", "clear_filter", "toggle_mine", "shift_period",
                  "digit", "enter", "reveal"}

    # --- messages ------------------------------------------------------------------------------

    class CallerFound(Message):
        """The number field was matched (a number) or searched (a name, a room)."""

        def __init__(self, query: str, match: Any, hits: list, note: str = "") -> None:
            super().__init__()
            self.query, self.match, self.hits, self.note = query, match, hits, note

    class ScriptsFilled(Message):
        def __init__(self, target: str, key: tuple, scripts: list[tuple[str, str]]) -> None:
            super().__init__()
            self.target, self.key, self.scripts = target, key, scripts

    class ModeLoaded(Message):
        """What one mode shows was read."""

        def __init__(self, mode: str, values: Any) -> None:
            super().__init__()
            self.mode, self.values = mode, values

    class Dialled(Message):
        def __init__(self, number: str, who: str, result: DialResult | None) -> None:
            super().__init__()
            self.number, self.who, self.result = number, who, result

    # --- set-up --------------------------------------------------------------------------------

    def __init__(self, mode: str = "call") -> None:
        super().__init__()
        translate_bindings(self)
        self.mode = mode if mode in MODES else "call"
        self.draft: CallDraft | None = None
        self.match: Any = None  # data.calls.CallerMatch of the number field
        self.hits: list = []  # owner search hits, when the number field holds a name or room
        self._match_note = ""
        self._staff: list | None = None
        # call lists
        self.lists: list = []
        self.list_id: int | None = None
        self.item: Any = None
        self.list_view: Any = None
        # history
        self.history_filter: Any = None
        self.history_cursors: list[Any] = [None]
        self.history_page: Any = None
        self.history_rows: list = []
        # statistics
        self.stats_until: dt.date | None = None
        self.stats: Any = None
        # callbacks
        self.callbacks_mine = True
        self.callback_rows: list = []
        # Calls whose number `r` revealed (audited); the log shows the others masked.
        self.revealed_calls: set[int] = set()
        self._filled: set[str] = set()
        self._item_shown = 0.0

    @property
    def screen_title(self) -> str:
        return _("Calls")

    @property
    def is_dirty(self) -> bool:
        """A call in progress is never dropped without asking."""
        return self.draft is not None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="calls-tabs", markup=False)
        with ContentSwitcher(initial=f"mode-{self.mode}", id="calls-modes"):
            with Vertical(id="mode-call"):
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
            with Vertical(id="mode-list"):
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
            with Vertical(id="mode-history"):
                yield Label("", id="history-status", markup=False)
                yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="mode-stats"):
                yield Static("", id="stats-figures", markup=False)
                yield CallChart(id="stats-days")
                with Horizontal(id="stats-lower"):
                    yield CallChart(id="stats-category")
                    yield CallChart(id="stats-outcome")
            with Vertical(id="mode-callbacks"):
                yield Label("", id="callbacks-status", markup=False)
                yield DataTable(id="callbacks-table", cursor_type="row", zebra_stripes=True)
        # Without the palette hint: at 80 columns it would push the screen's keys off.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick, name="call-timer")
        self._show_call_panel()
        self.action_mode(self.mode)

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Another session changed something: read the current mode again (the call panel
        keeps what is typed)."""
        if self.mode != "call":
            self._load_mode(self.mode)

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

    # --- incidents (停水, 停电, 电梯停运, 燃气检修) --------------------------------------------

    def action_incidents(self) -> None:
        """The outages going on now, with their calls and callers, in a read-only list."""
        from data.vocab import INCIDENT_KINDS
        from screens.workorder_forms import PickerModal, PickRow

        rows = [
            PickRow((label(INCIDENT_KINDS, view.kind), view.title, "、".join(view.buildings),
                     f"{view.ends:%m-%d %H:%M}", str(view.calls), str(view.callers)), view.id)
            for view in call_data.active_incidents()
        ]
        columns = [(_("Kind"), 8), (_("Title"), 18), (_("Buildings"), 16), (_("Until"), 11),
                   (_("Calls"), 5), (_("Callers"), 5)]
        self.app.push_screen(PickerModal(_("Incidents going on now"), columns, rows, selectable=False,
                                         empty=_("No incident is going on.")))

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

    # --- modes ---------------------------------------------------------------------------------

    def action_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one("#calls-modes", ContentSwitcher).current = f"mode-{mode}"
        self._paint_tabs()
        if mode == "call":
            self._focus_call()
        else:
            self._load_mode(mode)
            self._focus_mode()
        self._show_keys()

    def _show_keys(self) -> None:
        """During a call the footer is the call's keys; the tab line shows the modes' keys."""
        hide = self.mode == "call" and self.draft is not None
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                replace(b, show=not hide) if b.action == "new_call" or b.action.startswith("mode(") else b
                for b in bindings
            ]
        self.refresh_bindings()

    def _paint_tabs(self) -> None:
        tabs = Text()
        for name, (key, title) in MODES.items():
            tabs.append(f" {key} {_(title)} ", style="reverse bold" if name == self.mode else "")
        if self.draft is not None and self.mode != "call":  # the call panel shows its own timer
            tabs.append("  ")
            tabs.append(f"● {minutes(self._elapsed())}", style="bold red")
        self.query_one("#calls-tabs", Label).update(tabs)

    def _focus_mode(self) -> None:
        if self.mode == "list":
            if self.item is not None and self.list_id is not None:
                self.query_one("#list-script-box").focus()
            else:
                self.query_one("#list-table").focus()
        elif self.mode == "history":
            self.query_one("#history-table").focus()
        elif self.mode == "callbacks":
            self.query_one("#callbacks-table").focus()
        elif self.mode == "stats":
            self.set_focus(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing in a text field, letters and digits are text, not commands.
        if action in self.TYPED_KEYS and isinstance(self.focused, (Input, TextArea)):
            return False
        modes = {mode for mode, actions in self.MODE_ACTIONS.items() if action in actions}
        if modes and self.mode not in modes:
            return False
        if self.mode == "call" and action in self.MODE_ACTIONS["call"] and self.draft is None:
            return False
        if action == "incident":
            return self._incident() is not None
        if self.mode == "list" and action in ("dial", "digit"):
            return self.item is not None
        if action == "pick_list":
            return self.list_id is not None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    async def action_escape(self) -> None:
        if self.mode == "call" and self.draft is not None:
            def confirmed(ok: bool | None) -> None:
                if ok:
                    self._end_call()

            self.app.push_screen(ConfirmModal(_("Discard this call? It has not been saved.")), confirmed)
            return
        if isinstance(self.focused, Input) and self.mode == "list":
            self.query_one("#list-script-box").focus()
            return
        if self.mode == "list" and self.list_id is not None:
            self.action_pick_list()
            return
        if self.draft is not None:  # a call in another mode: go back to it
            self.action_mode("call")
            return
        await self.app.action_back()

    def action_enter(self) -> None:
        if self.mode == "call":
            self.action_save_call()

    def action_digit(self, n: int) -> None:
        if self.mode == "call" and self.draft is not None:
            choices = self.query_one("#call-category", ChoiceStrip).choices
            if n <= len(choices):
                self.query_one("#call-category", ChoiceStrip).choose(choices[n - 1][0])
                self.query_one("#call-summary").focus()
        elif self.mode == "list" and self.item is not None:
            codes = list(LIST_OUTCOMES)
            if n <= len(codes):
                self.record_outcome(codes[n - 1])

    def _staff_list(self) -> list:
        if self._staff is None:
            from data.staff import list_staff

            self._staff = list_staff()
        return self._staff

    # --- the call panel ------------------------------------------------------------------------

    @staticmethod
    def _category_choices() -> list[tuple[str, str]]:
        return [(code, label(CALL_CATEGORIES, code)) for code in CALL_CATEGORIES]

    def _show_call_panel(self) -> None:
        active = self.draft is not None
        self.query_one("#call-idle").display = not active
        self.query_one("#call-panel").display = active
        if not active:
            self.query_one("#call-idle", Static).update(self._idle_text())

    def _idle_text(self) -> Text:
        text = Text(_("No call in progress."), style="bold")
        text.append("\n\n")
        for key, what in (("n", _("answer an inbound call: a timer starts, type the number")),
                          ("o", _("work a call list: 回访 of resolved work orders, 外呼")),
                          ("h", _("the call history, with filters")),
                          ("t", _("statistics: calls per day, category, outcome")),
                          ("c", _("my callbacks by due time; enter calls back")),
                          ("d", _("dials the number in front of you (a dial command, or shown large)"))):
            text.append(f" {key} ", style="reverse bold")
            text.append(f"  {what}\n")
        return text

    def _focus_call(self) -> None:
        if self.draft is None:
            self.set_focus(None)
        elif not self.query_one("#call-number", Input).value:
            self.query_one("#call-number").focus()
        else:
            self.query_one("#call-summary").focus()

    def action_new_call(self) -> None:
        """n: answer an inbound call (or go back to the one in progress)."""
        if self.draft is None:
            self._start_call("in")
        self.action_mode("call")

    def _start_call(self, direction: str, *, number: str = "", person_id: int | None = None,
                    person_name: str = "", category: str | None = None, summary: str = "",
                    callback_of: int | None = None) -> None:
        self.draft = CallDraft(direction, clock_now(), monotonic(), person_id=person_id,
                               person_name=person_name, category=category,
                               outcome=CALL_OUTCOME_CHOICES[direction][0], callback_of=callback_of)
        self.match, self.hits, self._match_note = None, [], ""
        number_input = self.query_one("#call-number", Input)
        with number_input.prevent(Input.Changed):
            number_input.value = number
        self.query_one("#call-summary", TextArea).text = summary
        self.query_one("#call-category", ChoiceStrip).set_choices(self._category_choices(), category)
        self.query_one("#call-outcome", ChoiceStrip).set_choices(self._outcome_choices(), self.draft.outcome)
        self._show_call_panel()
        self._paint_call()
        if number:
            self.lookup(number, debounce=False)
        self.fill_scripts("call", category, person_id, None)

    def _outcome_choices(self) -> list[tuple[str, str]]:
        direction = self.draft.direction if self.draft else "in"
        return [(code, label(CALL_OUTCOMES, code)) for code in CALL_OUTCOME_CHOICES[direction]]

    def _end_call(self) -> None:
        self.draft = None
        self.match, self.hits, self._match_note = None, [], ""
        number_input = self.query_one("#call-number", Input)
        with number_input.prevent(Input.Changed):
            number_input.value = ""
        self.query_one("#call-summary", TextArea).text = ""
        self._show_call_panel()
        self._paint_tabs()
        self.set_focus(None)
        self._show_keys()

    def _elapsed(self) -> int:
        if self.draft is None:
            return 0
        if self.draft.frozen_s is not None:
            return self.draft.frozen_s
        return max(0, int(monotonic() - self.draft.started_mono))

    def _tick(self) -> None:
        if self.draft is not None:
            self._paint_status()
            self._paint_tabs()

    def _paint_status(self) -> None:
        draft = self.draft
        if draft is None:
            return
        arrow = _("Inbound") if draft.direction == "in" else _("Outbound")
        text = Text()
        text.append(f"● {arrow} {minutes(self._elapsed())}", style="bold red")
        if draft.callback_of is not None:
            text.append("  " + _("(a callback)"), style="bold")
        if draft.callback_due is not None:
            text.append("  ")
            text.append(_("↻ {due} {who}").format(due=draft.callback_due.strftime("%m-%d %H:%M"),
                                                   who=draft.callback_assignee), style="yellow")
        self.query_one("#call-status", Label).update(safe_text(text))

    def _paint_call(self) -> None:
        self._paint_status()
        self._paint_tabs()
        self.query_one("#call-match", Static).update(safe_text(self._match_text()))
        incident = self._incident()
        banner = self.query_one("#call-incident", Static)
        banner.display = incident is not None
        if incident is not None:
            banner.update(safe_text(self._incident_text(incident)))
        self.refresh_bindings()

    def _incident(self) -> Any:
        return getattr(self.match, "incident", None) if self.draft is not None else None

    def _incident_text(self, incident: Any) -> Text:
        text = Text()
        text.append(f" ⚠ {label(INCIDENT_KINDS, incident.kind)} ", style="bold reverse red")
        text.append(" ")
        text.append(incident.title, style="bold")
        text.append("  " + f"{incident.starts:%m-%d %H:%M}–{incident.ends:%m-%d %H:%M}")
        text.append("  " + _("{calls} calls").format(calls=incident.calls))
        tagged = self.draft is not None and self.draft.incident_id == incident.id
        text.append("  ")
        text.append(_("✓ tagged") if tagged else _("i: tag this call"), style="bold" if tagged else "dim")
        return text

    def _match_text(self) -> Text:
        draft, match = self.draft, self.match
        query = self.query_one("#call-number", Input).value.strip()
        text = Text()
        if draft is not None and draft.person_id is not None and (match is None or match.person_id != draft.person_id):
            text.append(draft.person_name, style="bold")
            text.append("  " + _("(attached to this call)") + "\n", style="dim")
        if self.hits and not looks_like_number(query):
            text.append(_("Found {count}: enter takes the first, a picks one").format(count=len(self.hits)) + "\n",
                        style="dim")
            for hit in self.hits[:6]:
                rooms = " ".join(hit.rooms[:2])
                text.append(f"{hit.name}", style="bold")
                text.append(f"  {rooms}  {hit.masked_phones[0] if hit.phones else ''}\n")
            return text
        if match is None:
            if self._match_note:
                text.append(self._match_note, style="dim")
            elif not query:
                text.append(_("Type the caller's number; or a name, pinyin or room to search."), style="dim")
            return text
        if match.person_id is not None:
            text.append(match.name, style="bold")
            # In full, unlike the call log: this is the number the clerk is talking to.
            text.append(f"  {group_number(match.number)}\n")
        elif match.staff_login:
            text.append(_("Staff member {name} ({login})").format(name=match.name, login=match.staff_login),
                        style="bold")
            text.append("\n")
        elif match.ambiguous:
            names = "、".join(name for _pid, name in match.ambiguous)
            text.append(_("Shared number: {names} — a picks who is calling").format(names=names) + "\n",
                        style="bold yellow")
        elif draft is None or draft.person_id is None:
            text.append(_("Unknown number {number} — a finds the caller and attaches it").format(
                number=group_number(match.number)) + "\n", style="yellow")
        for room in match.rooms:
            text.append("🏠 ")
            text.append(f"{room[2]} {room[1]}\n")
        for order in match.open_orders[:3]:
            text.append(_("Open: "), style="dim")
            text.append(f"{order[1]} {order[2]} ")
            text.append(f"({label(WORK_ORDER_STATUSES, order[3])})\n", style="dim")
        for call in match.last_calls[:3]:
            text.append(f"{call.started_at:%m-%d %H:%M} ", style="dim")
            text.append(f"{'←' if call.direction == 'in' else '→'} {label(CALL_CATEGORIES, call.category)} ")
            text.append(f"{call.summary.splitlines()[0] if call.summary else ''}\n")
        if not match.open_orders and not match.last_calls and match.person_id is not None:
            text.append(_("No open work orders, no earlier calls."), style="dim")
        return text

    # the number field

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
            self.lookup(query, debounce=False, as_number=_PHONE_LIKE.fullmatch(query) is not None)
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

    def on_calls_screen_caller_found(self, message: CallerFound) -> None:
        if self.draft is None or message.query != self.query_one("#call-number", Input).value.strip():
            return
        before = getattr(self.match, "person_id", None)
        self.match, self.hits, self._match_note = message.match, message.hits, message.note
        if self.match is not None and self.draft.person_id is None and self.match.person_id is not None:
            self.draft.person_name = self.match.name
        self._paint_call()
        person = self._person_id()
        if person != before:
            self.fill_scripts("call", self.draft.category, person, self._first_order())

    def _person_id(self) -> int | None:
        if self.draft is not None and self.draft.person_id is not None:
            return self.draft.person_id
        return getattr(self.match, "person_id", None)

    def _first_order(self) -> int | None:
        """The work order a script's {工单号} means: the caller's latest open one, except
        for a repair call, which is about to open a new one."""
        orders = getattr(self.match, "open_orders", ()) or ()
        if not orders or (self.draft is not None and self.draft.category == "repair"):
            return None
        return orders[0][0]

    # category, outcome, scripts

    @on(ChoiceStrip.Changed, "#call-category")
    def _category_changed(self, event: ChoiceStrip.Changed) -> None:
        if self.draft is not None:
            self.draft.category = event.value
            self.fill_scripts("call", event.value, self._person_id(), self._first_order())

    @on(ChoiceStrip.Changed, "#call-outcome")
    def _outcome_changed(self, event: ChoiceStrip.Changed) -> None:
        if self.draft is not None and event.value:
            self.draft.outcome = event.value

    def action_outcome(self) -> None:
        self.query_one("#call-outcome", ChoiceStrip).action_step(1)

    @work(thread=True, exclusive=True, group="call-scripts", exit_on_error=False)
    def fill_scripts(self, target: str, category: str | None, person_id: int | None,
                     work_order_id: int | None) -> None:
        """The scripts of `category`, filled for the person and work order, in a worker."""
        key = (category, person_id, work_order_id)
        filled = []
        try:
            for script in call_data.scripts(category or "other"):
                filled.append((script.title, call_data.fill_script(
                    script.body, person_id=person_id, work_order_id=work_order_id)))
        except FrontDeskError as exc:
            filled = [(_("Script"), exc.message)]
        if not get_current_worker().is_cancelled:
            self.post_message(self.ScriptsFilled(target, key, filled))

    def on_calls_screen_scripts_filled(self, message: ScriptsFilled) -> None:
        if message.target == "list":
            self._show_list_script(message.scripts)
            return
        text = Text()
        incident = self._incident()
        if incident is not None and incident.script:
            text.append(_("Incident script") + "\n", style="bold red")
            text.append(incident.script + "\n\n")
        if not message.scripts:
            text.append(_("No script for this category."), style="dim")
        for title, body in message.scripts:
            text.append(title + "\n", style="bold")
            text.append(body + "\n\n")
        self.query_one("#call-script", Static).update(safe_text(text))

    # the keys of a call

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
            summary=self._summary(), outcome=outcome or draft.outcome, duration_s=self._elapsed(),
            started_at=draft.started_at, person_id=self._person_id(),
            callback_due=draft.callback_due, callback_assignee_id=draft.callback_assignee_id,
            work_order_id=work_order_id, incident_id=draft.incident_id,
        )

    def _log(self, data: Any) -> Any:
        """Log the call (and mark the callback it answers done): one transaction."""
        from data.db import transaction

        staff_id = self.app.staff.id
        with transaction():
            view = call_data.log_call(data, staff_id)
            reached = view.outcome not in UNANSWERED_OUTCOMES
            if self.draft is not None and self.draft.callback_of is not None and reached:
                call_data.complete_callback(self.draft.callback_of, staff_id,
                                            note=_("Called back: call {id}").format(id=view.id))
        return view

    def action_save_call(self) -> None:
        """enter / F10: log the call as it is."""
        if self.draft is None:
            return
        self.draft.frozen_s = self._elapsed()
        try:
            view = self._log(self._call_input())
        except FrontDeskError as exc:
            self.draft.frozen_s = None
            self._refused(exc)
            return
        self._saved(view, None)

    def _refused(self, exc: FrontDeskError) -> None:
        if isinstance(exc, ValidationError) and exc.field == "number":
            self.query_one("#call-number").focus()
        self.notify(exc.message, severity="error", markup=False)

    def _saved(self, view: Any, order_number: str | None) -> None:
        who = view.person or group_number(view.number)
        if order_number:
            message = _("Call with {who} saved ({duration}); work order {number} opened.").format(
                who=who, duration=minutes(view.duration_s), number=order_number)
        else:
            message = _("Call with {who} saved ({duration}).").format(who=who, duration=minutes(view.duration_s))
        self.notify(message, markup=False)
        self._end_call()

    def action_work_order(self) -> None:
        """w: the new-order form with person, room and summary; saving it logs the call too."""
        draft = self.draft
        if draft is None:
            return
        from screens.workorder_forms import open_new_order

        summary = self._summary()
        rooms = getattr(self.match, "rooms", ()) or ()
        logged: list[Any] = []

        def log(order_id: int) -> None:
            logged.append(self._log(self._call_input(work_order_id=order_id, outcome="ticket")))

        def then(order_id: int) -> None:
            from data.workorders import get_order

            if logged:
                self._saved(logged[0], get_order(order_id).number)

        def closed(result: Any = None) -> None:
            if self.draft is not None:  # the form was cancelled: the timer runs on
                self.draft.frozen_s = None

        number = getattr(self.match, "number", "") or ""  # normalised
        # The timer runs on while the form is open: the call is logged when the order is
        # saved, with the duration up to then.
        open_new_order(
            self, then=then, person_id=self._person_id(), room_id=rooms[0][0] if rooms else None,
            title=summary.splitlines()[0][:60] if summary else "", description=summary,
            kind=CATEGORY_KIND.get(draft.category or "", "repair"),
            phone=number, after_save=log,
        )

    def action_callback(self) -> None:
        """b: when to call back and who does (me by default); saved with the call."""
        draft = self.draft
        if draft is None:
            return
        due = draft.callback_due or _quarter(clock_now() + CALLBACK_AFTER)

        def chosen(value: tuple[dt.datetime, int] | None) -> None:
            if value is None or self.draft is None:
                return
            self.draft.callback_due, self.draft.callback_assignee_id = value
            self.draft.callback_assignee = next(
                (s.name for s in self._staff_list() if s.id == value[1]), "")
            if self.draft.outcome == CALL_OUTCOME_CHOICES[self.draft.direction][0]:
                self.query_one("#call-outcome", ChoiceStrip).choose("callback")
            self._paint_status()

        self.app.push_screen(forms.callback_form(self._staff_list(), draft.callback_assignee_id or self.app.staff.id,
                                                 due), chosen)

    def action_incident(self) -> None:
        """i: tag the call to the incident of the caller's building (again: untag)."""
        incident = self._incident()
        if incident is None or self.draft is None:
            return
        self.draft.incident_id = None if self.draft.incident_id == incident.id else incident.id
        if self.draft.category is None:
            self.query_one("#call-category", ChoiceStrip).choose("inquiry")
        self._paint_call()

    def action_person(self) -> None:
        """a: who is calling — among the people sharing the number, or by a search."""
        if self.draft is None:
            return
        ambiguous = getattr(self.match, "ambiguous", ()) or ()
        if ambiguous:
            from screens.workorder_forms import PickerModal, PickRow

            rows = [PickRow((name,), (pid, name)) for pid, name in ambiguous]

            def picked(value: tuple[int, str] | None) -> None:
                if value is not None:
                    self._attach_person(value[0], value[1], "")

            self.app.push_screen(PickerModal(_("Who is calling?"), [(_("Name"), 30)], rows), picked)
            return
        if self.hits:
            self._pick_hit(self.hits)
            return

        def searched(query: str | None) -> None:
            if query:
                self.search_people(query)

        self.app.push_screen(forms.person_search_form(), searched)

    @work(thread=True, exclusive=True, group="call-people", exit_on_error=False)
    def search_people(self, query: str) -> None:
        from data import search

        hits = list(search.search(query, limit=20).hits)
        self.post_message(self.ModeLoaded("people", (query, hits)))

    def _pick_hit(self, hits: list) -> None:
        from screens.workorder_forms import PickerModal, PickRow

        rows = [PickRow((h.name, " ".join(h.rooms[:2]), h.masked_phones[0] if h.phones else "",
                         label(OCCUPANCY_ROLES, h.role) if h.role else ""), h) for h in hits]

        def picked(hit: Any) -> None:
            if hit is not None:
                self._take_hit(hit)

        columns = [(_("Name"), 10), (_("Rooms"), 24), (_("Phone"), 14), (_("Role"), 10)]
        self.app.push_screen(PickerModal(_("Who is calling?"), columns, rows,
                                         empty=_("Nobody found.")), picked)

    def _take_hit(self, hit: Any) -> None:
        """A person found by search: their number fills the field when none was typed,
        else the typed (unknown) number is attached to them for this call."""
        number_input = self.query_one("#call-number", Input)
        typed = number_input.value.strip()
        if looks_like_number(typed) and self.match is not None:
            self._attach_person(hit.id, hit.name, typed)
            return
        if self.draft is not None:
            self.draft.person_id, self.draft.person_name = hit.id, hit.name
        if hit.phones:
            number_input.value = hit.phones[0]  # the match follows (Input.Changed)
        else:
            self.match, self.hits = None, []
            self._match_note = _("{name} has no phone on file.").format(name=hit.name)
            self._paint_call()
        self.query_one("#call-category").focus()

    def _attach_person(self, person_id: int, name: str, number: str) -> None:
        if self.draft is None:
            return
        self.draft.person_id, self.draft.person_name = person_id, name
        self._paint_call()
        self.fill_scripts("call", self.draft.category, person_id, None)
        self.query_one("#call-category").focus()
        if not number or getattr(self.match, "person_id", None) is not None or getattr(self.match, "ambiguous", ()):
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                try:
                    call_data.attach_number(number, person_id, self.app.staff.id)
                except FrontDeskError as exc:
                    self.notify(exc.message, severity="error", markup=False)
                    return
                self.notify(_("{number} is now {name}'s; their earlier calls follow.").format(
                    number=group_number(number), name=show_controls(name)), markup=False)
                self.lookup(self.query_one("#call-number", Input).value, debounce=False)

        if hasattr(call_data, "attach_number"):
            self.app.push_screen(ConfirmModal(_("Add {number} to {name}'s phones? Earlier calls from it "
                                                "will show on their card.").format(
                number=group_number(number), name=name)), confirmed)

    # --- dialling ------------------------------------------------------------------------------

    def action_dial(self) -> None:
        """d: dial the number in front of the clerk (call panel, list item, callback)."""
        number, who = self._selected_number()
        if not number:
            self.notify(_("No number to dial here."), severity="warning", markup=False)
            return
        self.run_dial(number, who)

    def _selected_number(self) -> tuple[str, str]:
        if self.mode == "call" and self.draft is not None:
            typed = self.query_one("#call-number", Input).value.strip()
            number = typed if looks_like_number(typed) else getattr(self.match, "number", "") or ""
            return number, self.draft.person_name or getattr(self.match, "name", "") or ""
        if self.mode == "list" and self.item is not None:
            return self.item.number, self.item.name
        if self.mode == "callbacks":
            row = self._cursor(self.query_one("#callbacks-table", DataTable), self.callback_rows)
            if row is not None:
                return row.number, row.person
        return "", ""

    @work(thread=True, exclusive=True, group="call-dial", exit_on_error=False)
    def run_dial(self, number: str, who: str) -> None:
        """Run the dial command in a worker (it may take seconds); none: show the number."""
        command = dial_command()
        result = dial(command, number) if command else None
        self.post_message(self.Dialled(number, who, result))

    def on_calls_screen_dialled(self, message: Dialled) -> None:
        result = message.result
        if result is None:
            self.app.push_screen(forms.BigNumberModal(message.number, message.who,
                                                      _("No dial command is configured: dial it by hand.")))
        elif result.ok:
            self.notify(result.message, markup=False)
        else:
            self.notify(result.message, severity="error", markup=False, timeout=12)
            self.app.push_screen(forms.BigNumberModal(message.number, message.who, result.message))

    # --- loading the other modes ----------------------------------------------------------------

    def _load_mode(self, mode: str) -> None:
        if mode == "list":
            self.load_list(self.list_id)
        elif mode == "history":
            self.load_history()
        elif mode == "stats":
            self.load_stats()
        elif mode == "callbacks":
            self.load_callbacks()

    def on_calls_screen_mode_loaded(self, message: ModeLoaded) -> None:
        handler = getattr(self, f"_show_{message.mode}")
        if message.mode in self._filled or message.mode in ("people", "built"):
            handler(message.values)
        else:
            # After the first layout: a DataTable filled before it keeps header-wide
            # columns in a real terminal (seen with Textual 8.2.8, as on the home screen).
            self._filled.add(message.mode)
            self.call_after_refresh(handler, message.values)

    def _show_people(self, values: tuple[str, list]) -> None:
        query, hits = values
        if not hits:
            self.notify(_("Nobody found for “{query}”.").format(query=query), severity="warning", markup=False)
        elif len(hits) == 1:
            self._take_hit(hits[0])
        else:
            self._pick_hit(hits)

    @staticmethod
    def _cursor(table: DataTable, rows: list) -> Any:
        if not rows or table.cursor_row < 0:
            return None
        return rows[min(table.cursor_row, len(rows) - 1)]

    def _columns(self, table: DataTable, columns: list[tuple[str, int]], flexible: int) -> None:
        """Set columns; the `flexible` one takes what the others, padding and the scrollbar leave."""
        table.clear(columns=True)
        fixed = sum(w for i, (_t, w) in enumerate(columns) if i != flexible)
        for i, (title, width) in enumerate(columns):
            if i == flexible:
                width = max(8, self.app.size.width - fixed - 2 * len(columns) - 2)
            table.add_column(title, width=width)

    # --- call lists ----------------------------------------------------------------------------

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
        self.post_message(self.ModeLoaded("list", (lists, list_id, current, item)))

    def _show_list(self, values: tuple[list, int | None, Any, Any]) -> None:
        lists, list_id, current, item = values
        if list_id != self.list_id:
            return  # the clerk picked another list meanwhile
        table = self.query_one("#list-table", DataTable)
        cursor = table.cursor_row
        keep = _id_at(self.lists, cursor)
        self.lists, self.list_view = list(lists), current
        self._columns(table, [(_("List"), 0), (_("Kind"), 8), (_("Assignee"), 6), (_("Done"), 7),
                              (_("To call"), 7), (_("Created"), 11)], 0)
        for lst in self.lists:
            table.add_row(plain(lst.name), Text(label(CALL_LIST_KINDS, lst.kind)), plain(lst.assignee or ""),
                          Text(f"{lst.done}/{lst.total}", justify="right"), Text(str(lst.pending), justify="right"),
                          Text(lst.created_at.strftime("%m-%d %H:%M")))
        if self.lists:
            table.move_cursor(row=_row_of(self.lists, keep, cursor))
        switch = self.query_one("#list-switch", ContentSwitcher)
        if list_id is None:
            switch.current = "list-table"
            self.item = None
            status = _("{count} open call lists · enter works one · g builds the 回访 list").format(
                count=len(self.lists))
            if not self.lists:
                status = _("No open call lists · g builds the 回访 list from resolved work orders")
            self.query_one("#list-status", Label).update(status)
            if self.mode == "list" and not isinstance(self.focused, DataTable):
                table.focus()
        else:
            switch.current = "list-work"
            self.item = item
            self._paint_item()
            if self.mode == "list" and not isinstance(self.focused, Input):
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
        self._item_shown = monotonic()
        outcome_keys = Text()
        for i, code in enumerate(LIST_OUTCOMES):
            outcome_keys.append(f" {i + 1} ", style="reverse bold")
            outcome_keys.append(f"{label(LIST_OUTCOMES, code)} ")
        keys.update(outcome_keys)
        self.query_one("#list-script", Static).update(Text(_("Script …"), style="dim"))
        self.fill_scripts("list", call_data.LIST_CALL_CATEGORIES.get(self._list_kind(), "callback"),
                          item.person_id, item.work_order_id)

    def _show_list_script(self, scripts: list[tuple[str, str]]) -> None:
        text = Text()
        for title, body in scripts:
            text.append(title + "\n", style="bold")
            text.append(body + "\n\n")
        if not scripts:
            text.append(_("No script for this list."), style="dim")
        self.query_one("#list-script", Static).update(safe_text(text))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        table_id = event.data_table.id
        if table_id == "list-table":
            lst = self._cursor(event.data_table, self.lists)
            if lst is not None:
                self._work_list(lst.id)
        elif table_id == "history-table":
            self.open_call()
        elif table_id == "callbacks-table":
            self.call_back()

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
        if self.mode != "list":
            self.action_mode("list")
        self.query_one("#list-status", Label).update(_("Building the 回访 list …"))
        self.build_list()

    @work(thread=True, exclusive=True, group="call-list-build", exit_on_error=False)
    def build_list(self) -> None:
        """Build the list in a worker: it reads every resolved work order."""
        try:
            list_id = call_data.build_callback_list(self.app.staff.id, self.app.staff.id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="warning", markup=False)
            self.app.call_from_thread(self.load_list, self.list_id)
            return
        self.post_message(self.ModeLoaded("built", list_id))

    def _show_built(self, list_id: int) -> None:
        self._work_list(list_id)

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

            self.app.push_screen(forms.retry_form(_quarter(clock_now() + RETRY_AFTER)), chosen)
            return
        if outcome == "connected" and item.work_order_id is not None and self._list_kind() == "callback":
            def rated(rating: int | None) -> None:
                if rating is not None:
                    self._record(item, outcome, None, rating or None)

            self.app.push_screen(forms.RatingModal(item.work_order_number), rated)
            return
        self._record(item, outcome, None)

    def _list_kind(self) -> str:
        return getattr(self.list_view, "kind", "")

    def _record(self, item: Any, outcome: str, retry_at: dt.datetime | None, rating: int | None = None) -> None:
        note_input = self.query_one("#list-note", Input)
        talked = max(0, int(monotonic() - self._item_shown)) if outcome == "connected" else 0
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

    # --- history -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="call-history", exit_on_error=False)
    def load_history(self) -> None:
        try:
            page = call_data.call_history(self.history_filter, after=self.history_cursors[-1],
                                          limit=HISTORY_PAGE)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(self.ModeLoaded("history", page))

    def _show_history(self, page: Any) -> None:
        table = self.query_one("#history-table", DataTable)
        cursor = table.cursor_row
        keep = _id_at(self.history_rows, cursor)
        self.history_page = page
        self.history_rows = list(page.rows)
        category_width = min(8, max(cell_len(label(CALL_CATEGORIES, c)) for c in CALL_CATEGORIES))
        self._columns(table, [(_("Time"), 11), ("", 1), (_("Number"), 13), (_("Name"), 6),
                              (_("Category"), category_width), (_("Length"), 5), (_("Summary"), 0),
                              (_("WO"), 2)], 6)
        for call in self.history_rows:
            table.add_row(
                Text(call.started_at.strftime("%m-%d %H:%M")),
                Text("←" if call.direction == "in" else "→"),
                Text(self._shown_number(call)),
                plain(call.person or ""),
                Text(label(CALL_CATEGORIES, call.category)),
                Text(minutes(call.duration_s), justify="right"),
                plain(call.summary.replace("\n", " ")),
                Text("✓" if call.work_order_id else ""),
            )
        if self.history_rows:
            table.move_cursor(row=_row_of(self.history_rows, keep, cursor))
        status = _("{filter} · page {page}").format(
            filter=forms.describe_filter(self._history_filter(), self._staff_list()), page=len(self.history_cursors))
        if page.next_cursor is not None:
            status += " · " + _("pgdn more")
        if not self.history_rows:
            status += " · " + _("no calls")
        status += " · " + _("enter: details")
        self.query_one("#history-status", Label).update(plain(status))  # names staff

    def _history_filter(self) -> Any:
        return self.history_filter or call_data.CallFilter()

    def action_next_page(self) -> None:
        if self.history_page is not None and self.history_page.next_cursor is not None:
            self.history_cursors.append(self.history_page.next_cursor)
            self.query_one("#history-table", DataTable).move_cursor(row=0)
            self.load_history()

    def action_previous_page(self) -> None:
        if len(self.history_cursors) > 1:
            self.history_cursors.pop()
            self.query_one("#history-table", DataTable).move_cursor(row=0)
            self.load_history()

    def action_filter(self) -> None:
        def chosen(flt: Any) -> None:
            if flt is not None:
                self.history_filter = flt
                self.history_cursors = [None]
                self.load_history()

        self.app.push_screen(forms.filter_form(self._history_filter(), self._staff_list()), chosen)

    def action_clear_filter(self) -> None:
        self.history_filter = None
        self.history_cursors = [None]
        self.load_history()

    def open_call(self) -> None:
        """enter on a call: its details; from there its work order, a callback or dialling."""
        call = self._cursor(self.query_one("#history-table", DataTable), self.history_rows)
        if call is None:
            return

        def chosen(what: str | None) -> None:
            if what == "order":
                self._call_order(call)
            elif what == "callback":
                self._schedule(call)
            elif what == "dial":
                self.run_dial(call.number, call.person or "")
            elif what == "reveal" and self._toggle_reveal(call):
                self.open_call()  # the details again, the number as it is now shown

        self.app.push_screen(forms.CallDetailsModal(call, revealed=call.id in self.revealed_calls), chosen)

    # --- privacy: numbers in the log are masked -------------------------------------------------
    # The live call panel (the caller's number as typed or matched) and the dial-out
    # BigNumberModal show numbers in full: the clerk is talking to that number, or must read
    # it to dial it by hand. A call list item is the number about to be dialled, likewise.

    def _shown_number(self, call: Any) -> str:
        """A logged call's number: masked unless `r` revealed it."""
        if not call.number or call.id in self.revealed_calls:
            return call.number
        return mask_phone(call.number)

    def _toggle_reveal(self, call: Any) -> bool:
        """Reveal a call's number through the data layer (recorded), or mask it again.
        False when refused (the message is shown)."""
        if call.id in self.revealed_calls:
            self.revealed_calls.discard(call.id)
            return True
        try:
            privacy.reveal_call_number(call.id, staff_id=self.app.staff.id)
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False, timeout=8)
            return False
        self.revealed_calls.add(call.id)
        return True

    def action_reveal(self) -> None:
        """r: the selected call's number in full (history, callbacks); r again masks it."""
        if self.mode == "history":
            table, rows, column = self.query_one("#history-table", DataTable), self.history_rows, 2
        elif self.mode == "callbacks":
            table, rows, column = self.query_one("#callbacks-table", DataTable), self.callback_rows, 1
        else:
            return
        call = self._cursor(table, rows)
        if call is None or not self._toggle_reveal(call):
            return
        old = table.get_cell_at(Coordinate(table.cursor_row, column))
        table.update_cell_at(Coordinate(table.cursor_row, column),
                             Text(self._shown_number(call), style=getattr(old, "style", "")))

    def _call_order(self, call: Any) -> None:
        from screens.workorder import WorkOrderScreen
        from screens.workorder_forms import open_new_order

        if call.work_order_id:
            self.app.push_screen(WorkOrderScreen(call.work_order_id))
            return
        summary = call.summary.strip()
        open_new_order(self, person_id=call.person_id, call_id=call.id,
                       title=summary.splitlines()[0][:60] if summary else "", description=summary,
                       kind=CATEGORY_KIND.get(call.category, "repair"), phone=call.number,
                       phone_masked=call.id not in self.revealed_calls)

    def _schedule(self, call: Any) -> None:
        def act(due: dt.datetime, assignee_id: int) -> Any:
            return call_data.schedule_callback(call.id, due, assignee_id, self.app.staff.id)

        def done(view: Any) -> None:
            if view is not None:
                self.notify(_("Callback scheduled for {due}.").format(due=stamp(view.callback_due)), markup=False)
                self.refresh_data()

        due = call.callback_due or _quarter(clock_now() + CALLBACK_AFTER)
        self.app.push_screen(forms.callback_form(self._staff_list(), self.app.staff.id, due, act), done)

    # --- statistics ----------------------------------------------------------------------------

    def _period(self) -> tuple[dt.date, dt.date]:
        until = self.stats_until or clock_now().date()
        return until - dt.timedelta(days=STATS_DAYS - 1), until

    @work(thread=True, exclusive=True, group="call-stats", exit_on_error=False)
    def load_stats(self) -> None:
        since, until = self._period()
        try:
            # Everyone's numbers are a supervisor's report; a clerk sees their own.
            mine = None if access.can("reports") else self.app.staff.id
            stats = call_data.call_stats(since, until, staff_id=mine)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(self.ModeLoaded("stats", stats))

    def action_shift_period(self, step: int) -> None:
        _since, until = self._period()
        self.stats_until = until + dt.timedelta(days=STATS_DAYS * step)
        self.load_stats()

    def _show_stats(self, stats: Any) -> None:
        self.stats = stats
        text = Text()
        text.append(f"{stats.since:%Y-%m-%d} – {stats.until:%Y-%m-%d}", style="bold")
        text.append("  " + _("{total} calls: {inbound} in, {outbound} out").format(
            total=stats.total, inbound=stats.inbound, outbound=stats.outbound))
        text.append("  [ ] " + _("move"), style="dim")
        text.append("\n")
        text.append(_("Answered {rate}").format(rate=_percent(stats.answered_rate)), style="bold")
        text.append(" · " + _("average {duration}").format(duration=minutes(round(stats.avg_duration_s))))
        text.append(" · " + _("callbacks on time {kept}/{due} ({rate})").format(
            kept=stats.callbacks_on_time, due=stats.callbacks_due, rate=_percent(stats.callbacks_on_time_rate)))
        if stats.by_staff:
            text.append("\n")
            text.append(" · ".join(f"{name} {n} ({minutes(round(avg))})" for name, n, avg in stats.by_staff[:4]),
                        style="dim")
        self.query_one("#stats-figures", Static).update(safe_text(text))
        self._plot_days(stats)
        self._plot_counts("#stats-category", _("By category"),
                          [(label(CALL_CATEGORIES, code), n) for code, n in stats.by_category])
        self._plot_counts("#stats-outcome", _("By outcome"),
                          [(label(CALL_OUTCOMES, code) if code else _("(none)"), n) for code, n in stats.by_outcome])

    def _plot_days(self, stats: Any) -> None:
        chart = self.query_one("#stats-days", CallChart)
        chart.stand_ins.clear()
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        days = [day.strftime("%m-%d") for day, _i, _o in stats.by_day]
        if days:
            plt.stacked_bar(days, [[i for _d, i, _o in stats.by_day], [o for _d, _i, o in stats.by_day]],
                            labels=[chart.safe(_("in")), chart.safe(_("out"))])
            top = max(i + o for _d, i, o in stats.by_day)
            ticks = sorted({0, top // 2, top})
            plt.yticks(ticks, [str(t) for t in ticks])
        plt.title(chart.safe(_("Calls per day")))
        chart.refresh()

    def _plot_counts(self, selector: str, title: str, counts: list[tuple[str, int]]) -> None:
        chart = self.query_one(selector, CallChart)
        chart.stand_ins.clear()
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        counts = [(name, n) for name, n in counts if n][:8]
        if counts:
            # The count in the label, no x axis: one row a bar fits 7 categories in 10 rows.
            width = max(cell_len(name) for name, _n in counts)
            names = [chart.safe(f"{name}{' ' * (width - cell_len(name))} {n}") for name, n in counts]
            plt.bar(names[::-1], [n for _name, n in counts][::-1], orientation="horizontal", width=0.1)
            plt.xlim(0, max(n for _name, n in counts))
            plt.xticks([])
            plt.xaxes(False, False)
            plt.yaxes(True, False)
        plt.title(chart.safe(title))
        chart.refresh()

    # --- callbacks -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="call-callbacks", exit_on_error=False)
    def load_callbacks(self) -> None:
        try:
            rows = call_data.callbacks(self.app.staff.id if self.callbacks_mine else None, at=clock_now())
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(self.ModeLoaded("callbacks", (rows, clock_now())))

    def _show_callbacks(self, values: tuple[list, dt.datetime]) -> None:
        rows, at = values
        table = self.query_one("#callbacks-table", DataTable)
        cursor = table.cursor_row
        keep = _id_at(self.callback_rows, cursor)
        self.callback_rows = list(rows)
        self._columns(table, [(_("Due"), 11), (_("Number"), 13), (_("Name"), 6), (_("Assignee"), 6),
                              (_("Summary"), 0)], 4)
        overdue = 0
        for call in self.callback_rows:
            late = call.callback_due is not None and call.callback_due < at
            overdue += late
            style = "bold red" if late else ""
            table.add_row(Text(call.callback_due.strftime("%m-%d %H:%M") if call.callback_due else "", style=style),
                          Text(self._shown_number(call), style=style), plain(call.person or ""),
                          plain(call.callback_assignee or ""), plain(call.summary.replace("\n", " ")))
        if self.callback_rows:
            table.move_cursor(row=_row_of(self.callback_rows, keep, cursor))
        whose = _("My callbacks") if self.callbacks_mine else _("All callbacks")
        status = Text(_("{whose}: {count}").format(whose=whose, count=len(self.callback_rows)))
        if overdue:
            status.append(" · ")
            status.append(_("{n} overdue").format(n=overdue), style="bold red")
        status.append(" · " + _("enter calls back · d dials · m mine/all"))
        self.query_one("#callbacks-status", Label).update(status)

    def action_toggle_mine(self) -> None:
        self.callbacks_mine = not self.callbacks_mine
        self.load_callbacks()

    def call_back(self) -> None:
        """enter on a callback: an outbound call to that number; saving it marks it done."""
        row = self._cursor(self.query_one("#callbacks-table", DataTable), self.callback_rows)
        if row is None:
            return
        if self.draft is not None:
            self.notify(_("Finish the call in progress first (n shows it)."), severity="warning", markup=False)
            return
        self._start_call("out", number=row.number, person_id=row.person_id, person_name=row.person or "",
                         category=row.category, callback_of=row.id,
                         summary=_("Callback: {summary}").format(summary=row.summary) if row.summary else "")
        self.action_mode("call")


def _id_at(rows: list, cursor: int) -> int | None:
    """The id of the record at row `cursor` of a table showing `rows`."""
    return getattr(rows[cursor], "id", None) if 0 <= cursor < len(rows) else None


def _row_of(rows: list, keep: int | None, cursor: int) -> int:
    """Where the cursor goes after a refill: on the record it was on, else where it was."""
    ids = [getattr(row, "id", None) for row in rows]
    return ids.index(keep) if keep is not None and keep in ids else min(max(cursor, 0), len(rows) - 1)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def _quarter(at: dt.datetime) -> dt.datetime:
    """`at` rounded up to the next quarter hour (a time a clerk would say)."""
    at = at.replace(second=0, microsecond=0)
    return at + dt.timedelta(minutes=-at.minute % 15)

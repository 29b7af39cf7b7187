"""巡查 (issue 20 item 7): a technician walks an inspection route from a phone over SSH at
60×20. The list shows the routes due today (and today's missed ones, still to walk late);
enter starts one. Each checklist item is alone on the screen — place, facility, what to
check, the expected range — with one key per answer: 1 正常, 2 异常; a reading is typed,
then enter; n adds a note. An abnormal answer (or a reading out of range) asks "y 开工单":
the work order is opened by data.facilities with the facility and place filled in, and its
number shown. Backspace or up goes back one item; after the last the run is finished (its
end time recorded) and a summary shown. Every write runs in a thread worker (run_write):
behind another desk it says so, and esc gives it up, a typed reading kept in its box."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label, Static

from data import facilities as fac
from data.clock import now as clock_now
from data.errors import FrontDeskError
from data.facilities import ItemView, RunView, Slot
from data.i18n import N_, _
from data.vocab import label
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen
from widgets.safe import plain

#: The states of today's occurrences the list offers (walked ones are left out).
OPEN_STATES = ("due", "upcoming", "running", "missed")


def _num(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def expected(item: ItemView) -> str:
    """The expected answer of an item as the walker reads it."""
    if item.kind == "reading":
        low, high = _num(item.low), _num(item.high)
        if low and high:
            span = f"{low}–{high}"
        elif low:
            span = f"≥ {low}"
        else:
            span = f"≤ {high}"
        return _("Expected {range} {unit}").format(range=span, unit=item.unit).strip()
    if item.kind == "note":
        return _("Write what you found (enter: nothing to note)")
    return _("Expected: normal")


class WalkInput(Input):
    """The reading or note typed during a walk: while a reading is typed, n still adds a
    note and ↑ still goes back one item (a reading is digits only)."""

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if isinstance(screen, InspectionsScreen) and screen.typing == "reading":
            if event.character == "n":
                event.stop()
                event.prevent_default()
                screen.action_note()
                return
            if event.key == "up":
                event.stop()
                event.prevent_default()
                screen.action_back_item()
                return
        await super()._on_key(event)


class InspectionsScreen(DeskScreen):
    """Today's routes of the signed-in walker, and the walk of one of them."""

    #: Keys typed while an answer is being stored wait for it (tui.typeahead): ``1`` then
    #: ``0.45 enter`` at once puts the reading in the next item's box, not nowhere.
    TYPEAHEAD_WAITS_FOR: ClassVar[tuple[str, ...]] = ("inspections-write",)
    CSS_PATH = Path(__file__).parent / "inspections.tcss"
    BINDINGS = [
        Binding("enter", "start", N_("Start"), priority=True),
        Binding("enter", "submit", N_("Record"), priority=True),
        Binding("enter", "finish", N_("Back to the list"), priority=True),
        Binding("1", "answer(True)", N_("Normal"), show=False),
        Binding("2", "answer(False)", N_("Abnormal"), show=False),
        Binding("n", "note", N_("Note"), show=False),
        Binding("y", "order", N_("Work order"), show=False),
        Binding("backspace,up", "back_item", N_("Previous item"), show=False),
        Binding("r", "reload", N_("Refresh"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.slots: list[Slot] = []
        self.run: RunView | None = None
        self.at = 0  # the item shown
        self.asking_order: int | None = None  # the item whose 开工单 question is open
        self.typing: str = ""  # "reading" | "note" | "" — what the input is for
        self.notes: dict[int, str] = {}  # item id → the note typed for it
        self.last_order = ""
        self.summary: Text | None = None

    @property
    def screen_title(self) -> str:
        return _("Inspections")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label("", id="insp-status", markup=False)
        yield DataTable(id="insp-list", cursor_type="row", zebra_stripes=True)
        yield Static("", id="insp-item")
        yield WalkInput(id="insp-input", max_length=500)
        yield Label("", id="insp-hint", markup=False)
        yield self.footer()

    def on_mount(self) -> None:
        self._mode("list")
        self.load()

    def refresh_data(self) -> None:
        if self.run is None:
            self.load()

    # --- modes -----------------------------------------------------------------------------

    @property
    def walking(self) -> bool:
        return self.run is not None and self.summary is None

    def _mode(self, mode: str) -> None:
        table = self.query_one("#insp-list", DataTable)
        item = self.query_one("#insp-item", Static)
        table.display = mode == "list"
        item.display = mode != "list"
        if mode == "list":
            self._hide_input()
            table.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # enter says what it does: start a route (the list), record what was typed (a
        # reading or a note), back to the list (the summary)
        if action == "start":
            return self.run is None and not self.typing
        if action == "submit":
            return self.typing != ""
        if action == "finish":
            return self.summary is not None and not self.typing
        if action in ("answer", "note", "back_item"):
            return self.walking and self.asking_order is None and self.typing in ("", "reading")
        if action == "order":
            return self.asking_order is not None
        return True

    # --- the list --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="inspections", exit_on_error=False)
    def load(self) -> None:
        me = self.app.staff.id
        at = clock_now()
        day = dt.datetime.combine(at.date(), dt.time())
        slots = [s for s in fac.schedule(day, day + dt.timedelta(days=1), assignee_id=me, at=at, staff_id=me)
                 if s.state in OPEN_STATES]
        self.app.call_from_thread(self._fill, slots)

    def _fill(self, slots: list[Slot]) -> None:
        self.slots = slots
        table = self.query_one("#insp-list", DataTable)
        table.clear(columns=True)
        width = max(12, self.app.size.width - 11 - 8 - 2 * 3 - 2)
        table.add_column(_("Time"), width=11)
        table.add_column(_("Route"), width=width)
        table.add_column(_("State"), width=8)
        for s in slots:
            state = Text(label(fac.RUN_STATES, s.state), style="bold red" if s.state == "missed" else "")
            table.add_row(f"{s.start:%H:%M}-{s.end:%H:%M}", plain(s.route), state)
        status = (_("Inspections to walk today: {n}").format(n=len(slots)) if slots
                  else _("No inspection to walk today."))
        self.query_one("#insp-status", Label).update(status)
        self.query_one("#insp-hint", Label).update(_("enter: start the route · esc: back") if slots else "")

    def action_cursor_down(self) -> None:
        self.query_one("#insp-list", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#insp-list", DataTable).action_cursor_up()

    def action_reload(self) -> None:
        if self.run is None:
            self.load()

    def action_submit(self) -> None:
        self.action_start()

    def action_finish(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        """enter: in the list, start (or go on with) the route under the cursor; walking, the
        typed reading or note; on the summary, back to the list."""
        if self.typing:
            self._submit(self.query_one("#insp-input", Input).value)
            return
        if self.summary is not None:
            self.run, self.summary = None, None
            self._mode("list")
            self.load()
            return
        table = self.query_one("#insp-list", DataTable)
        if not self.slots or table.cursor_row < 0:
            return
        self._begin(self.slots[min(table.cursor_row, len(self.slots) - 1)])

    def _begin(self, slot: Slot) -> None:
        """Start the route (a write) or go on with its run, in a worker (`_write`)."""
        me = self.app.staff.id
        self._write(lambda: (fac.get_run(slot.run_id, me) if slot.run_id is not None
                             else fac.start_run(slot.route_id, me, occurrence=slot.start)), self._walk)

    def _write(self, write: Callable[[], Any], done: Callable[[Any], object],
               not_done: Callable[[], object] | None = None) -> None:
        """Every write of the walk runs in a worker (DeskScreen.run_write, the group the
        typed-ahead keys wait for): behind another desk it says so after a few seconds and
        esc gives it up; refused or given up, `not_done()` shows the item as it was (a typed
        reading back in its box)."""
        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="error", markup=False)
            if not_done is not None:
                not_done()

        self.run_write(write, done=done, refused=refused, cancelled=not_done, stays=True,
                       group="inspections-write")

    def _error(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)

    # --- the walk --------------------------------------------------------------------------

    def _walk(self, run: RunView) -> None:
        self.run = run
        nxt = run.next_item
        self.at = run.items.index(nxt) if nxt is not None else max(0, len(run.items) - 1)
        self._mode("walk")
        self._show()

    @property
    def item(self) -> ItemView | None:
        if self.run is None or not self.run.items:
            return None
        return self.run.items[self.at]

    def _show(self) -> None:
        run, item = self.run, self.item
        if run is None or item is None:
            return
        total = len(run.items)
        self.query_one("#insp-status", Label).update(
            f"{run.route} · {self.at + 1}/{total}")
        body = Text()
        if item.place:
            body.append(_("Place") + "：", style="dim")
            body.append_text(plain(item.place))
            body.append("\n")
        if item.facility:
            body.append(_("Facility") + "：", style="dim")
            body.append_text(plain(item.facility))
            body.append("\n")
        body.append_text(plain(item.text, style="bold"))
        body.append("\n" + expected(item), style="italic")
        answer = run.answers.get(item.id)
        if answer is not None:
            said = _("normal") if answer.ok else _("abnormal")
            if answer.reading is not None:
                said = f"{_num(answer.reading)} {item.unit} · {said}".replace("  ", " ")
            body.append("\n" + _("Answered: {answer}").format(answer=said), style="green" if answer.ok else "red")
            if answer.work_order:
                body.append("\n" + _("Work order {number}").format(number=answer.work_order), style="bold")
        note = self.notes.get(item.id) or (answer.note if answer else "")
        if note:
            body.append("\n" + _("Note") + "：", style="dim")
            body.append_text(plain(note))
        if self.asking_order == item.id:
            body.append("\n" + _("Abnormal. y: open a work order · any other key: go on"), style="bold yellow")
        self.query_one("#insp-item", Static).update(body)
        if item.kind in ("reading", "note") and self.asking_order is None:
            self._ask("reading" if item.kind == "reading" else "note-item")
        else:
            self._hide_input()
        self._hint()
        self.refresh_bindings()

    def _hint(self) -> None:
        item = self.item
        if self.asking_order is not None:
            hint = _("y: open a work order · other key: next")
        elif self.typing == "note":
            hint = _("type the note, enter · esc: cancel")
        elif item is not None and item.kind == "reading":
            hint = _("type the reading, enter · n note · ↑ back")
        elif item is not None and item.kind == "note":
            hint = _("type, enter · ↑ back")
        else:
            hint = _("1 normal · 2 abnormal · n note · ↑ back")
        self.query_one("#insp-hint", Label).update(hint)

    def _ask(self, what: str) -> None:
        box = self.query_one("#insp-input", Input)
        self.typing = what
        box.display = True
        box.disabled = False
        box.value = ""
        box.placeholder = {"reading": _("the reading, such as 0.45"), "note": _("the note"),
                           "note-item": _("what you found")}[what]
        box.focus()
        self.refresh_bindings()

    def _hide_input(self) -> None:
        box = self.query_one("#insp-input", Input)
        self.typing = ""
        box.display = False
        box.disabled = True
        if self.walking:
            self.focus()
        self.refresh_bindings()

    @on(Input.Submitted, "#insp-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit(event.value)

    def _submit(self, value: str) -> None:
        item = self.item
        what = self.typing
        if item is None or not what:
            return
        value = value.strip()
        if what == "note":
            if value:
                self.notes[item.id] = value
            self._show()  # back to the item (its input again when it takes one)
            return
        if what == "reading":
            if not value:
                self.notify(_("Type the reading of “{item}”.").format(item=item.text), severity="warning",
                            markup=False)
                return
            try:
                reading = fac.parse_reading(value)
            except FrontDeskError as exc:
                self.notify(exc.message, severity="error", markup=False)
                return
            self._hide_input()
            self._record(item, None, reading, self.notes.get(item.id, ""), typed=value)
            return
        self._hide_input()  # a note item: the text is its note
        self._record(item, None, None, value or self.notes.get(item.id, ""), typed=value)

    def on_key(self, event: events.Key) -> None:
        if self.asking_order is not None and event.key != "y":
            event.stop()
            event.prevent_default()
            self.asking_order = None
            self._advance()
            return
        if self.typing and event.key == "escape":
            event.stop()
            event.prevent_default()
            if self.typing == "note":
                self._show()
            else:
                self._leave_walk()
            return

    def _leave_walk(self) -> None:
        """esc while typing a reading: back to the list; what was answered is kept."""
        self.run = None
        self.summary = None
        self._mode("list")
        self.load()

    def action_answer(self, ok: bool) -> None:
        item = self.item
        if item is None or not self.walking or item.kind != "check":
            return
        self._record(item, ok, None, self.notes.get(item.id, ""))

    def action_note(self) -> None:
        if self.walking:
            self._ask("note")
            self._hint()

    def action_back_item(self) -> None:
        if self.walking and self.at > 0:
            self.at -= 1
            self.asking_order = None
            self._show()

    def _record(self, item: ItemView, ok: bool | None, reading: Decimal | None, note: str,
                typed: str = "") -> None:
        """Store one answer (`typed`: the reading or note as typed, put back if refused)."""
        run = self.run
        if run is None:
            return
        me, run_id = self.app.staff.id, run.id

        def store() -> tuple[RunView, bool, str]:
            answer = fac.record_answer(run_id, item.id, me, ok=ok, reading=reading, note=note)
            return fac.get_run(run_id, me), bool(answer.ok), answer.work_order

        def not_done() -> None:
            if self.item is item:
                self._show()
                if typed and self.typing:
                    box = self.query_one("#insp-input", Input)
                    box.value = typed
                    box.cursor_position = len(typed)

        self._write(store, lambda got: self._answered(got[0], item, got[1], got[2]), not_done)

    def _answered(self, view: RunView, item: ItemView, ok: bool, order: str) -> None:
        self.run = view
        if not ok and not order:
            self.asking_order = item.id
            self._show()
            return
        self._advance()

    def _advance(self) -> None:
        run = self.run
        if run is None:
            return
        if self.at + 1 < len(run.items):
            self.at += 1
            self._show()
            return
        nxt = run.next_item
        if nxt is not None:  # went back and skipped one: to the first not answered
            self.at = run.items.index(nxt)
            self._show()
            return
        self._finish()

    def action_order(self) -> None:
        """y: the abnormal item becomes a work order (facility and place filled in)."""
        if self.asking_order is None or self.run is None:
            return
        item_id = self.asking_order
        self.asking_order = None
        self._open_order(self.run.id, item_id)

    def _open_order(self, run_id: int, item_id: int) -> None:
        me = self.app.staff.id

        def store() -> tuple[RunView, str]:
            order = fac.open_work_order(run_id, item_id, me)
            return fac.get_run(run_id, me), order.number

        self._write(store, lambda got: self._ordered(got[0], got[1]), self._show)

    def _ordered(self, view: RunView, number: str) -> None:
        self.run = view
        self.last_order = number
        self.notify(_("Work order {number} opened.").format(number=number), markup=False)
        self._advance()

    def _finish(self) -> None:
        run = self.run
        if run is None:
            return
        me, run_id = self.app.staff.id, run.id
        self._write(lambda: fac.finish_run(run_id, me), self._summary)

    def _summary(self, view: RunView) -> None:
        self.run = view
        answers = list(view.answers.values())
        bad = [a for a in answers if not a.ok]
        text = Text()
        text.append_text(plain(view.route, style="bold"))
        text.append("\n" + _("Done: {start} – {end}").format(
            start=f"{view.started_at:%H:%M}", end=f"{view.ended_at:%H:%M}" if view.ended_at else ""))
        late = _late_line(view)
        if late:
            text.append("\n" + late, style="bold")
        text.append("\n" + _("{ok} normal · {bad} abnormal").format(ok=len(answers) - len(bad), bad=len(bad)))
        items = {i.id: i for i in view.items}
        for a in bad:
            line = items[a.item_id].text if a.item_id in items else ""
            text.append("\n• ")
            text.append_text(plain(line))
            if a.work_order:
                text.append(" → " + a.work_order, style="bold")
        self.summary = text
        self._hide_input()
        self.focus()
        self.query_one("#insp-status", Label).update(_("Inspection finished"))
        self.query_one("#insp-item", Static).update(text)
        self.query_one("#insp-hint", Label).update(_("enter: back to the list"))
        self.refresh_bindings()

    def current_item(self) -> Any:
        return self.item


def _late_line(view: RunView) -> str:
    """When the walk began later than its round allowed (state late: past the start and the
    route's grace), when it was planned and when it began: 补巡 when the round had already
    ended (it was missed and walked after), 晚开始 when it was still on."""
    if view.state != "late" or view.occurrence is None or view.planned_end is None:
        return ""
    other_day = view.started_at.date() != view.occurrence.date()
    when = "%m-%d %H:%M" if other_day else "%H:%M"
    values = {"start": view.occurrence.strftime(when), "end": view.planned_end.strftime("%H:%M"),
              "at": view.started_at.strftime(when)}
    if view.started_at >= view.planned_end:
        return _("Walked after it was missed: planned {start}–{end}, started {at}").format(**values)
    return _("Started late: planned {start}–{end}, started {at}").format(**values)

"""代收 tab of the registers screen: parcels and items held at the desk, those waiting first
(waiting longer than 7 days in red), then those collected; `n` receives one for a room
(carrier, tracking number, what, size, shelf) and then messages the occupant — the screen
says whether the message went, or why not (no command configured, no mobile, the command
failed); `enter` shows the parcel with its actions: collect (a resident by name, anyone else
with the pickup code or a note) and message the occupant again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label

from data import desk_registers as desk
from data import registers as reg
from data.clock import today as clock_today
from data.dialout import DialResult, dial, dial_command
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.vocab import OCCUPANCY_ROLES, label
from screens.registers.tab import Code, RecordModal, RegisterTab, action_bindings
from screens.room_question import RoomAsker
from widgets.form import FormField, FormModal
from widgets.safe import plain

#: The state filter `s` steps through ("": every parcel, those waiting first).
STATE_STEPS = ("", "waiting", "collected")
STATE_WORDS = {"": N_("all, waiting first"), "waiting": N_("waiting"), "collected": N_("collected")}


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    today = clock_today()
    if value.year == today.year:
        return f"{value:%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}"


def _state_text(row: desk.ParcelRow) -> Text:
    word = label(desk.PARCEL_STATES, row.state)
    if row.state != "waiting":
        return Text(word, style="dim")
    if row.overdue:
        return Text(_("{state} {days}d").format(state=word, days=row.days_waiting), style="bold red")
    return Text(word, style="yellow")


def parcel_form(staff_id: int) -> FormModal:
    """`n`: a parcel received for a room. Saved without the message: the tab sends it next."""
    fields = [
        FormField("community", _("Community"), placeholder=_("needed when the room code is in several communities")),
        FormField("room", _("Room"), placeholder="3-2-501"),
        FormField("carrier", _("Carrier"), placeholder="、".join(desk.CARRIERS[:5]) + " …"),
        FormField("tracking", _("Tracking no."), placeholder="SF1234567890123"),
        FormField("description", _("Contents"), placeholder=_("一箱水果, 文件袋 …")),
        FormField("size", _("Size"), "small", kind="select",
                  options=[(label(desk.PARCEL_SIZES, code), code) for code in desk.PARCEL_SIZES]),
        FormField("shelf", _("Shelf"), placeholder="A-3"),
        FormField("note", _("Note"), placeholder=_("易碎, 冷藏 …")),
    ]
    asker = RoomAsker()

    def save(values: dict[str, str]) -> desk.ParcelView:
        picked = asker.chosen(values["room"], values["community"])
        room_id = picked.id if picked is not None else None
        if room_id is None and values["room"].strip():
            match = reg.room_match(values["room"], values["community"] or None)
            if len(match.candidates) > 1:
                asker.ask(values["room"], match)
        return desk.receive_parcel(desk.ParcelInput(
            carrier=values["carrier"], room=values["room"], community=values["community"] or None,
            room_id=room_id, tracking=values["tracking"], description=values["description"],
            size=values["size"], shelf=values["shelf"], note=values["note"]),
            notify=False, staff_id=staff_id)

    form = FormModal(_("Parcel received"), fields, save)
    asker.form = form
    return form


def collect_form(view: desk.ParcelView, staff_id: int) -> FormModal:
    """Who collects it: a resident by name; anyone else with the pickup code or a note."""
    fields = [
        FormField("by", _("Collected by"), placeholder=_("a resident of {room} by name").format(room=view.row.room.code)),
        FormField("pickup_code", _("Pickup code"), placeholder=_("from the owner's message, if not a resident")),
        FormField("note", _("Note"), placeholder=_("or who allowed it: 业主电话同意 …")),
    ]

    def save(values: dict[str, str]) -> desk.ParcelView:
        return desk.collect_parcel(view.id, values["by"], pickup_code=values["pickup_code"],
                                   note=values["note"], staff_id=staff_id)

    return FormModal(_("Hand over the parcel for {room}").format(room=view.row.room.label), fields, save)


class ParcelModal(RecordModal):
    """One parcel: waiting (how long) or collected by whom; whether the occupant was told."""

    ACTIONS = (
        ("c", "collect", N_("Collect")),
        ("m", "notify", N_("Message again")),
        ("d", "call_owner", N_("Call the owner")),
    )
    BINDINGS = [*RecordModal.BINDINGS, *action_bindings(ACTIONS)]

    def __init__(self, view: desk.ParcelView) -> None:
        self.view = view
        row = view.row
        if row.state == "waiting":
            note = _("Waiting {days} days").format(days=row.days_waiting) if row.days_waiting else _("Waiting")
            if row.overdue:
                note += " · " + _("longer than {days} days: call the owner").format(days=desk.PARCEL_OVERDUE_DAYS)
            style = "bold red" if row.overdue else "bold yellow"
        else:
            note = _("Collected by {name} on {when}").format(name=row.collected_by, when=_when(row.collected_at))
            style = "bold"
        told = view.notice or (_("not told yet") if row.state == "waiting" else "")
        if view.notified and view.notified_person:
            told = f"{view.notified_person}: {told}"
        collected = ""
        if row.state == "collected":
            how = label(desk.COLLECTED_HOW, view.collected_how)
            collected = _("{name}, {how}, {when} (handed over by {staff})").format(
                name=row.collected_by, how=how, when=_when(row.collected_at), staff=view.collected_staff)
            if view.collected_note:
                collected += f" · {view.collected_note}"
        rows = [
            (_("Room"), row.room.label),
            (_("Carrier"), row.carrier),
            (_("Tracking no."), row.tracking),
            (_("Contents"), row.description),
            (_("Size"), label(desk.PARCEL_SIZES, row.size)),
            (_("Shelf"), row.shelf),
            (_("Received"), _("{when} (by {staff})").format(when=_when(row.received_at), staff=view.received_by)),
            (_("Owner told"), told),
            (_("Pickup code"), _("{code} (read it to the owner on the phone: d dials)").format(
                code=view.code_to_tell) if view.code_to_tell else ""),
            (_("Messages"), "\n".join(view.messages)),
            (_("Collected by"), collected),
            (_("Note"), " ".join(view.note.split())),
        ]
        super().__init__(_("Parcel #{id}").format(id=row.id), rows, note=note, note_style=style)

    def offered(self, action: str) -> bool:
        if action == "call_owner":  # no message told them: the desk phones
            return self.view.state == "waiting" and not self.view.row.notified
        return self.view.state == "waiting"


class ParcelsTab(RegisterTab):
    """Parcels at the desk: waiting first (over 7 days in red), then collected."""

    STATE_STEPS = STATE_STEPS
    NAME = "parcels"
    TITLE = N_("Parcels")
    ORDER = 40
    ACTION = desk.PARCELS_ACTION
    COLUMNS = ((N_("Received"), 11), (N_("Room"), 18), (N_("Carrier"), 7), (N_("Contents"), 12),
               (N_("Shelf"), 5), (N_("State"), 10), ("✉", 2))
    FLEXIBLE = 3
    DROPPABLE = (4, 0)
    MIN_FLEX = 8
    NEW_LABEL = N_("Receive a parcel")
    FILTER_HINT = N_("Filter: room, carrier, tracking no., what, shelf, collector …")
    BINDINGS = [
        Binding("s", "step_state", N_("State"), tooltip=N_("Show all parcels (waiting first), waiting or collected")),
    ]
    TYPED_KEYS = RegisterTab.TYPED_KEYS | {"step_state"}
    DEFAULT_CSS = """
    ParcelsTab #parcels-told { width: 100%; height: auto; max-height: 3; padding: 0 1; display: none; }
    ParcelsTab #parcels-told.-sent { display: block; color: $success; }
    ParcelsTab #parcels-told.-not-sent { display: block; color: $warning; text-style: bold; }
    """

    class Told(Message):
        """The message command ran (or could not) for a parcel: `first` after receiving it."""

        def __init__(self, view: desk.ParcelView, first: bool) -> None:
            super().__init__()
            self.view, self.first = view, first

    class Dialled(Message):
        """Whom to phone about a parcel was found, the dial command ran (result None: none
        is configured)."""

        def __init__(self, call: desk.ParcelCall, result: DialResult | None) -> None:
            super().__init__()
            self.call, self.result = call, result

    def __init__(self) -> None:
        super().__init__()
        self.state = STATE_STEPS[0]
        self.told_parcel: int | None = None  # the parcel the line above the list is about

    def compose(self) -> ComposeResult:
        """The list's parts, and above the list how the last message went (it stays: the
        clerk calls the owner when none was sent)."""
        for widget in super().compose():
            if isinstance(widget, DataTable):
                yield Label("", id="parcels-told")
            yield widget

    def column_width(self, index: int) -> int:
        if index == 5:  # the state, with the days of an overdue one
            word = _("{state} {days}d").format(state=label(desk.PARCEL_STATES, "waiting"), days=99)
            return min(12, max(cell_len(word), *(cell_len(label(desk.PARCEL_STATES, c)) for c in desk.PARCEL_STATES)))
        return super().column_width(index)

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        offset = after or 0
        page = desk.list_parcels(text=query, state=self.state or None, waiting_first=True,
                                 limit=self.PAGE, offset=offset)
        counts = desk.parcel_counts()
        parts = [_("Parcels · {state}").format(state=_(STATE_WORDS[self.state])),
                 _("{count} waiting").format(count=counts["waiting"])]
        if counts["overdue"]:
            parts.append(_("{count} over {days} days").format(count=counts["overdue"], days=desk.PARCEL_OVERDUE_DAYS))
        next_cursor = offset + len(page.rows) if page.has_more else None
        return list(page.rows), next_cursor, " · ".join(parts)

    def cells(self, row: Any) -> list[Text | str | Code]:
        parcel: desk.ParcelRow = row
        what = " ".join((parcel.description or parcel.tracking).split())
        if parcel.notified:
            told = Text("✓", style="green")
        elif parcel.notice:
            told = Text("✗", style="red")
        else:
            told = Text("")
        return [_when(parcel.received_at), Code.place(parcel.room.label), parcel.carrier, what, parcel.shelf,
                _state_text(parcel), told]

    def palette_commands(self):
        yield (N_("Receive a parcel"), _("A parcel or item held for a room; the owner is messaged (Registers, n)"),
               self.new_record)

    # --- n, then the message ---------------------------------------------------------------------

    def new_record(self) -> None:
        def saved(view: desk.ParcelView | None) -> None:
            if view is not None:
                self.changed(select=view.id)
                self.notify_owner(view.id, first=True)

        self.app.push_screen(parcel_form(self.app.staff.id), saved)

    def notify_owner(self, parcel_id: int, first: bool = False) -> None:
        """Message the occupant: first the message recorded as being sent (a write, run_write:
        behind another desk it says so after a few seconds and esc gives it up, nothing
        sent), then the command in a worker of its own (`send_message`), then say how it went."""
        staff_id = self.app.staff.id
        self.run_write(lambda: desk.begin_parcel_message(parcel_id, staff_id=staff_id),
                       lambda message: self.send_message(message, first), stays=True,
                       queue=True,  # behind another write of the screen: after it, never dropped
                       waiting_text=_("Waiting for another desk before the message goes… esc gives it up."),
                       given_up_text=_("No message sent: given up while waiting for another desk."))

    @work(thread=True, group="parcel-message", exit_on_error=False)
    def send_message(self, message: desk.ParcelMessage, first: bool) -> None:
        """The message command (it may take seconds: never in the interface's thread), and
        how it went kept on the parcel."""
        try:
            view = desk.send_parcel_message(message)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.refused, exc)
            return
        except Exception as exc:  # noqa: BLE001 - the outcome's write failed (a lock held too long, a lost connection)
            self.app.call_from_thread(self.refused, FrontDeskError(_(
                "The message command ran, but how it went could not be recorded ({error}): look at the "
                "parcel before sending again.").format(error=type(exc).__name__)))
            return
        self.post_message(self.Told(view, first))

    def on_parcels_tab_told(self, message: Told) -> None:
        message.stop()
        view = message.view
        head = _("Parcel #{id} for {room} received.").format(id=view.id, room=view.row.room.label) \
            if message.first else ""
        if not head:
            head = _("Parcel #{id} for {room}:").format(id=view.id, room=view.row.room.label)
        # The line above the list keeps the outcome (the data layer's words); the toast
        # says it too, and that no message went.
        told = self.query_one("#parcels-told", Label)
        told.set_class(view.notified, "-sent")
        told.set_class(not view.notified, "-not-sent")
        told.update(plain(f"{head} {view.notice}"))
        self.told_parcel = view.id
        if view.notified:
            self.notify(f"{head} {view.notice}", markup=False)
        else:
            self.notify(f"{head} " + _("No message was sent: {why}").format(why=view.notice),
                        severity="warning", markup=False, timeout=20)
        self.load()

    # --- enter -------------------------------------------------------------------------------------

    def open_record(self, row: Any) -> None:
        try:
            view = desk.get_parcel(row.id)
        except FrontDeskError as exc:
            self.refused(exc)
            self.load()
            return

        def chosen(what: str | None) -> None:
            if what == "collect":
                self.collect(view)
            elif what == "notify":
                self.notify_owner(view.id)
            elif what == "call_owner":
                self.call_owner(view.id)

        self.app.push_screen(ParcelModal(view), chosen)

    def collect(self, view: desk.ParcelView) -> None:
        def done(after: desk.ParcelView | None) -> None:
            if after is not None:
                if after.id == self.told_parcel:  # what the line said is over
                    self.hide_told()
                self.changed(_("Parcel for {room} collected by {name} ({how}).").format(
                    room=after.row.room.label, name=after.row.collected_by,
                    how=label(desk.COLLECTED_HOW, after.collected_how)))

        self.app.push_screen(collect_form(view, self.app.staff.id), done)


    def hide_told(self) -> None:
        told = self.query_one("#parcels-told", Label)
        told.update("")
        told.remove_class("-sent", "-not-sent")
        self.told_parcel = None

    # --- d: phone the owner when no message told them ---------------------------------------------

    def call_owner(self, parcel_id: int) -> None:
        """Find whom to phone (recorded: `record_then_dial`), then run the dial command if
        one is configured (`dial_owner`)."""
        staff_id = self.app.staff.id
        self.record_then_dial(lambda: desk.parcel_call(parcel_id, staff_id=staff_id), self.dial_owner)

    @work(thread=True, exclusive=True, group="parcel-dial", exit_on_error=False)
    def dial_owner(self, call: desk.ParcelCall) -> None:
        """The dial command, in its own worker (it may take seconds; it writes nothing)."""
        command = dial_command()
        result = dial(command, call.number) if command else None
        self.post_message(self.Dialled(call, result))

    def on_parcels_tab_dialled(self, message: Dialled) -> None:
        from screens.call_forms import BigNumberModal

        message.stop()
        call, result = message.call, message.result
        who = f"{call.name}({label(OCCUPANCY_ROLES, call.role)})"
        code = _("Pickup code {code}: read it to them.").format(code=call.pickup_code)
        if result is not None and result.ok:
            self.notify(f"{result.message} {code}", markup=False, timeout=30)
            return
        if result is not None:
            self.notify(result.message, severity="error", markup=False, timeout=12)
        reason = result.message if result is not None else _("No dial command is configured: dial it by hand.")
        self.app.push_screen(BigNumberModal(call.number, who, f"{reason}\n{code}"))


__all__ = ["ParcelModal", "ParcelsTab", "collect_form", "parcel_form"]

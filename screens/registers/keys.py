"""钥匙 tab of the registers screen: keys and access cards left with the desk for a room, the
keys out longer than a day first (in red), then those out, then those at the desk; `n`
registers a deposit (the room picked as on the visitors tab, its owner filled in as the
first person who may collect them), `enter` shows the deposit — who may collect it, every
hand-out and return — with its actions: hand out (only to someone on the list, by name and
phone or ID tail: anyone else is refused in the form, nothing typed lost), take back, add
or take someone off the list, give the keys back for good."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from data import desk_registers as desk
from data import registers as reg
from data.clock import today as clock_today
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.rooms_lookup import RoomCandidate
from screens.registers.tab import Code, RecordModal, RegisterTab, action_bindings
from screens.room_question import RoomAsker
from widgets.form import FormField, FormModal
from widgets.picker import PickerModal, PickRow
from widgets.safe import plain, safe_text

#: The state filter `s` steps through ("open": at the desk or out; "": every deposit).
STATE_STEPS = ("open", "out", "held", "closed", "")
STATE_WORDS = {"open": N_("not given back"), "out": N_("handed out"), "held": N_("at the desk"),
               "closed": N_("given back"), "": N_("all")}
#: The state as the list shows it (short enough for its column).
STATE_LABELS = {"held": N_("At the desk"), "out": N_("Handed out"), "closed": N_("Given back"),
                "overdue": N_("Out >1 day")}
STATE_STYLES = {"held": "green", "out": "yellow", "closed": "dim"}
#: Hand-outs shown in a deposit (the rest: `frontdesk keys show ID`).
LOANS_SHOWN = 20


def _when(value: dt.datetime | None) -> str:
    """`09:30` today, `12-05 09:30` another day of this year, else the date."""
    if value is None:
        return ""
    today = clock_today()
    if value.date() == today:
        return f"{value:%H:%M}"
    if value.year == today.year:
        return f"{value:%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}"


def _state_text(row: desk.KeyRow) -> Text:
    if row.overdue:  # out longer than a day: said in words too (the cursor row hides colours)
        return Text(_(STATE_LABELS["overdue"]), style="bold red")
    return Text(_(STATE_LABELS.get(row.state, row.state)), style=STATE_STYLES.get(row.state, ""))


# --- n: a deposit -----------------------------------------------------------------------------


class KeyForm(FormModal):
    """The new-deposit form: once the room is known (leaving its field, or picked when the
    code is in several communities), its owner is filled in as the first person who may
    collect the keys, with the tails of their mobile and ID number; the clerk may change
    them. Kept as filled, the owner is recorded as the one who left the keys."""

    def __init__(self, *args: Any, asker: RoomAsker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asker = asker
        self.owner: desk.AuthorisedInput | None = None
        self._owner_room: int | None = None

    @on(Input.Blurred)
    def _room_left(self, event: Input.Blurred) -> None:
        name = (event.input.id or "").removeprefix("field-")
        if name not in ("room", "community"):
            return
        values = self.values()
        if not values["room"].strip():
            return
        picked = self.asker.chosen(values["room"], values["community"])
        room_id = picked.id if picked is not None else None
        if room_id is None:
            try:
                match = reg.room_match(values["room"], values["community"] or None)
            except FrontDeskError:
                return  # said under the field when saved
            if len(match.candidates) != 1:
                return  # none, or several: the save says so or asks which
            room_id = match.candidates[0].id
        self.fill_owner(room_id)

    def picked(self, candidate: RoomCandidate) -> None:
        """A room picked among several: its owner, as when the room field is left."""
        self.fill_owner(candidate.id)

    def _shown_owner(self) -> tuple[str, str, str]:
        owner = self.owner
        return (owner.name, owner.phone_tail, owner.id_tail) if owner is not None else ("", "", "")

    def fill_owner(self, room_id: int) -> None:
        """Put the room's owner in the "may collect" fields, unless the clerk typed someone
        there (what was filled for another room is replaced)."""
        if room_id == self._owner_room:
            return
        values = self.values()
        typed = (values["name"].strip(), values["phone_tail"].strip(), values["id_tail"].strip())
        if typed != ("", "", "") and typed != self._shown_owner():
            return
        try:
            owner = desk.owner_authorisation(room_id)
        except FrontDeskError:
            return
        self._owner_room = room_id
        self.owner = owner
        for field, value in zip(("name", "phone_tail", "id_tail"), self._shown_owner(), strict=True):
            self._set_value(field, value)
        message = self.query_one("#form-message", Label)
        if owner is None:
            message.update(_("The room has no owner on record: say who may collect the keys."))
        else:
            message.update(_("{name}, the owner, may collect them: change it if someone else should. "
                             "More people can be added to the deposit later.").format(name=owner.name))

    def kept_owner(self, values: dict[str, str]) -> desk.AuthorisedInput | None:
        """The owner filled in, if the fields still hold them."""
        typed = (values["name"].strip(), values["phone_tail"].strip(), values["id_tail"].strip())
        return self.owner if self.owner is not None and typed == self._shown_owner() else None


def key_form(staff_id: int) -> KeyForm:
    """`n`: what was left for which room, and who may collect it."""
    fields = [
        FormField("community", _("Community"), placeholder=_("needed when the room code is in several communities")),
        FormField("room", _("Room"), placeholder="3-2-501"),
        FormField("description", _("Keys"), placeholder=_("入户门钥匙, 门禁卡, 信箱钥匙 …")),
        FormField("quantity", _("How many"), "1"),
        FormField("name", _("May collect"), placeholder=_("the owner is filled in from the room")),
        FormField("phone_tail", _("Phone tail"), placeholder=_("last 4 digits of their phone")),
        FormField("id_tail", _("ID tail"), placeholder=_("or the last 4 to 6 characters of their ID")),
        FormField("left_by", _("Left by"), placeholder=_("the owner when empty")),
        FormField("note", _("Note"), placeholder=_("备用钥匙, 装修期间 …")),
    ]
    asker = RoomAsker()

    def save(values: dict[str, str]) -> desk.KeyView:
        picked = asker.chosen(values["room"], values["community"])
        room_id = picked.id if picked is not None else None
        if room_id is None and values["room"].strip():
            match = reg.room_match(values["room"], values["community"] or None)
            if len(match.candidates) > 1:
                asker.ask(values["room"], match)
        owner = form.kept_owner(values)
        left_by = values["left_by"]
        if not left_by.strip() and owner is None:
            # "Left by" blank means the room's owner, also when someone else may collect.
            room_owner = form.owner if room_id is None or room_id == form._owner_room else None
            if room_owner is None and values["room"].strip():
                if room_id is None:
                    match = reg.room_match(values["room"], values["community"] or None)
                    room_id = match.candidates[0].id if len(match.candidates) == 1 else None
                room_owner = desk.owner_authorisation(room_id) if room_id is not None else None
            if room_owner is not None:
                left_by = room_owner.name
        people = []
        if any(values[name].strip() for name in ("name", "phone_tail", "id_tail")):
            people.append(desk.AuthorisedInput(
                name=values["name"], phone_tail=values["phone_tail"], id_tail=values["id_tail"],
                person=owner.person if owner is not None else None))
        return desk.deposit_key(desk.KeyDepositInput(
            description=values["description"], room=values["room"],
            community=values["community"] or None, room_id=room_id, quantity=values["quantity"],
            owner=owner.person if owner is not None else None, left_by=left_by,
            authorised=people, note=values["note"]), staff_id=staff_id)

    form = KeyForm(_("Keys left with the desk"), fields, save, asker=asker)
    asker.form = form
    asker.fill = form.picked
    return form


# --- enter: the deposit -----------------------------------------------------------------------


class KeyModal(RecordModal):
    """One deposit: its state first (out longer than a day in red), what and for which room,
    who may collect it, every hand-out; the keys of what may be done now. The body scrolls
    (up/down) when the history is long."""

    DEFAULT_CSS = """
    KeyModal #record-scroll { height: auto; max-height: 16; }
    KeyModal #record-body { max-height: 100; }
    """
    ACTIONS = (
        ("h", "hand_out", N_("Hand out")),
        ("r", "take_back", N_("Take back")),
        ("a", "authorise", N_("Add person")),
        ("x", "revoke", N_("Revoke")),
        ("c", "close_deposit", N_("Give back for good")),
    )
    BINDINGS = [*RecordModal.BINDINGS, *action_bindings(ACTIONS)]

    def __init__(self, view: desk.KeyView) -> None:
        self.view = view
        row = view.row
        if row.state == "out":
            note = _("Out with {name} since {when}").format(name=row.out_to, when=_when(row.out_since))
            if row.overdue:
                note += " · " + _("out longer than a day")
            style = "bold red" if row.overdue else "bold yellow"
        elif row.state == "closed":
            note = _("Given back for good to {name} on {when} ({staff})").format(
                name=view.closed_to, when=_when(view.closed_at), staff=view.closed_by)
            style = "bold"
        else:
            note, style = _("At the desk"), "bold green"
        super().__init__(_("Keys #{id} for {room}").format(id=row.id, room=row.room.label), [],
                         note=note, note_style=style)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.record_title), id="record-title")
            with VerticalScroll(id="record-scroll"):
                yield Static(self.body(), id="record-body")
            yield Label(self.keys_hint(), id="record-keys", markup=False)

    def body(self) -> Text:
        view, row = self.view, self.view.row
        text = Text()
        text.append(self.note + "\n", style=self.note_style)

        def pair(name: str, value: str) -> None:
            if value:
                text.append(f"{name}: ", style="bold")
                text.append(f"{value}\n")

        pair(_("Keys"), f"{row.description} ×{row.quantity}")
        pair(_("Left by"), _("{name}, {when} (received by {staff})").format(
            name=row.left_by, when=_when(row.deposited_at), staff=view.deposited_by or "—"))
        pair(_("Note"), " ".join(view.note.split()))
        text.append(_("May collect them:") + "\n", style="bold")
        if not view.authorised:
            text.append("• " + _("nobody yet: add someone with the owner's consent (a)") + "\n", style="yellow")
        for person in view.authorised:
            line = f"• {person.name}  {person.tails}"
            if person.active:
                text.append(line + "\n")
            else:
                text.append(line + "  " + _("(revoked {when})").format(when=_when(person.revoked_at)) + "\n",
                            style="dim strike")
        text.append(_("Hand-outs:") + "\n", style="bold")
        if not view.loans:
            text.append("• " + _("none yet") + "\n", style="dim")
        for loan in view.loans[:LOANS_SHOWN]:
            if loan.returned_at is None:
                back = _("still out")
            else:
                back = _("back {when} ({by})").format(when=_when(loan.returned_at), by=loan.returned_by)
            line = "• " + _("{when} → {name} ({staff}), {back}").format(
                when=_when(loan.out_at), name=loan.handed_to, staff=loan.out_by, back=back)
            text.append(line + (f" · {loan.note}" if loan.note else "") + "\n",
                        style="bold red" if loan.overdue else "")
        if len(view.loans) > LOANS_SHOWN:
            text.append("• " + _("… {count} earlier: frontdesk keys show {id}").format(
                count=len(view.loans) - LOANS_SHOWN, id=row.id) + "\n", style="dim")
        text.rstrip()
        return safe_text(text)

    def offered(self, action: str) -> bool:
        state = self.view.state
        if action in ("hand_out", "close_deposit"):
            return state == "held"
        if action == "take_back":
            return state == "out"
        if action == "authorise":
            return state != "closed"
        if action == "revoke":
            return state != "closed" and bool(self.view.active_authorised)
        return True


def _collector_form(title: str, save: Any) -> FormModal:
    """Who collects the keys (hand out) or takes them back for good (close): checked against
    the list by name and tail; a refusal is said under the field, what was typed kept."""
    fields = [
        FormField("to", _("Collected by"), placeholder=_("their name, as on the list")),
        FormField("tail", _("Their tail"), placeholder=_("last 4 of their phone, or 4–6 of their ID")),
        FormField("note", _("Note"), placeholder=_("装修师傅取用 …")),
    ]
    return FormModal(title, fields, save)


class KeysTab(RegisterTab):
    """Deposits of keys: out longer than a day first, then out, at the desk, given back."""

    STATE_STEPS = STATE_STEPS
    NAME = "keys"
    TITLE = N_("Keys")
    ORDER = 30
    ACTION = desk.KEYS_ACTION
    COLUMNS = ((N_("Room"), 18), (N_("Keys"), 12), (N_("State"), 10), (N_("Out with"), 8), (N_("Out since"), 11))
    FLEXIBLE = 1
    DROPPABLE = (4,)
    MIN_FLEX = 8
    NEW_LABEL = N_("New deposit")
    FILTER_HINT = N_("Filter: room, keys, who left them or may collect them …")
    BINDINGS = [
        Binding("s", "step_state", N_("State"),
                tooltip=N_("Show keys not given back, out, at the desk, given back, or all")),
    ]
    TYPED_KEYS = RegisterTab.TYPED_KEYS | {"step_state"}

    def __init__(self) -> None:
        super().__init__()
        self.state = STATE_STEPS[0]

    def column_width(self, index: int) -> int:
        if index == 2:  # the state: its longest word in this language
            return min(12, max(cell_len(_(word)) for word in STATE_LABELS.values()))
        return super().column_width(index)

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        offset = after or 0
        page = desk.list_keys(text=query, state=self.state or None, urgent_first=True,
                              limit=self.PAGE, offset=offset)
        counts = desk.key_counts()
        parts = [_("Keys · {state}").format(state=_(STATE_WORDS[self.state])),
                 _("{count} at the desk").format(count=counts["held"]),
                 _("{count} out").format(count=counts["out"])]
        if counts["overdue"]:
            parts.append(_("{count} out longer than a day").format(count=counts["overdue"]))
        next_cursor = offset + len(page.rows) if page.has_more else None
        return list(page.rows), next_cursor, " · ".join(parts)

    def cells(self, row: Any) -> list[Text | str | Code]:
        key: desk.KeyRow = row
        late = "bold red" if key.overdue else ""
        return [Code.place(key.room.label), f"{key.description} ×{key.quantity}", _state_text(key),
                Text(key.out_to, style=late), Text(_when(key.out_since), style=late)]

    def palette_commands(self):
        yield (N_("New key deposit"), _("Keys or cards left with the desk for a room (Registers, n)"),
               self.new_record)

    # --- n ------------------------------------------------------------------------------------

    def new_record(self) -> None:
        def saved(view: desk.KeyView | None) -> None:
            if view is not None:
                names = "、".join(a.name for a in view.active_authorised) or _("nobody yet")
                self.changed(_("Keys for {room} registered (#{id}). May collect them: {names}.").format(
                    room=view.row.room.label, id=view.id, names=names), select=view.id)

        self.app.push_screen(key_form(self.app.staff.id), saved)

    # --- enter --------------------------------------------------------------------------------

    def open_record(self, row: Any) -> None:
        try:
            view = desk.get_key(row.id)
        except FrontDeskError as exc:
            self.refused(exc)
            self.load()
            return
        self.show(view)

    def show(self, view: desk.KeyView) -> None:
        def chosen(what: str | None) -> None:
            if what == "hand_out":
                self.hand_out(view)
            elif what == "take_back":
                self.take_back(view)
            elif what == "authorise":
                self.authorise(view)
            elif what == "revoke":
                self.revoke(view)
            elif what == "close_deposit":
                self.close_deposit(view)

        self.app.push_screen(KeyModal(view), chosen)

    def hand_out(self, view: desk.KeyView) -> None:
        staff_id = self.app.staff.id

        def save(values: dict[str, str]) -> desk.KeyView:
            return desk.hand_out_key(view.id, values["to"], values["tail"], note=values["note"],
                                     staff_id=staff_id)

        def done(after: desk.KeyView | None) -> None:
            if after is not None:
                self.changed(_("Keys for {room} handed to {name}.").format(
                    room=after.row.room.label, name=after.row.out_to))

        title = _("Hand out the keys of {room}").format(room=view.row.room.label)
        self.app.push_screen(_collector_form(title, save), done)

    def take_back(self, view: desk.KeyView) -> None:
        staff_id = self.app.staff.id
        fields = [FormField("returned_by", _("Brought back by"),
                            placeholder=_("{name} when empty").format(name=view.row.out_to))]

        def save(values: dict[str, str]) -> desk.KeyView:
            return desk.return_key(view.id, returned_by=values["returned_by"], staff_id=staff_id)

        def done(after: desk.KeyView | None) -> None:
            if after is not None:
                self.changed(_("Keys for {room} are back at the desk.").format(room=after.row.room.label))

        title = _("Take back the keys of {room}").format(room=view.row.room.label)
        self.app.push_screen(FormModal(title, fields, save), done)

    def authorise(self, view: desk.KeyView) -> None:
        staff_id = self.app.staff.id
        fields = [
            FormField("name", _("Name")),
            FormField("phone_tail", _("Phone tail"), placeholder=_("last 4 digits of their phone")),
            FormField("id_tail", _("ID tail"), placeholder=_("or the last 4 to 6 characters of their ID")),
        ]

        def save(values: dict[str, str]) -> desk.KeyView:
            return desk.authorise_key(view.id, desk.AuthorisedInput(
                name=values["name"], phone_tail=values["phone_tail"], id_tail=values["id_tail"]),
                staff_id=staff_id)

        def done(after: desk.KeyView | None) -> None:
            if after is not None:
                self.changed()
                self.show(after)

        title = _("Who else may collect the keys of {room}").format(room=view.row.room.label)
        self.app.push_screen(FormModal(title, fields, save), done)

    def revoke(self, view: desk.KeyView) -> None:
        rows = [PickRow((person.name, person.tails), person.id) for person in view.active_authorised]

        def picked(authorisation_id: int | None) -> None:
            if authorisation_id is None:
                self.show(view)
                return
            try:
                after = desk.revoke_authorised(authorisation_id, staff_id=self.app.staff.id)
            except FrontDeskError as exc:
                self.refused(exc)
                return
            self.changed()
            self.show(after)

        self.app.push_screen(PickerModal(_("Take whom off the list for {room}?").format(room=view.row.room.label),
                                         [(_("Name"), 16), (_("Tails"), 30)], rows), picked)

    def close_deposit(self, view: desk.KeyView) -> None:
        staff_id = self.app.staff.id

        def save(values: dict[str, str]) -> desk.KeyView:
            return desk.close_key(view.id, values["to"], values["tail"], note=values["note"], staff_id=staff_id)

        def done(after: desk.KeyView | None) -> None:
            if after is not None:
                self.changed(_("Keys for {room} given back for good to {name}.").format(
                    room=after.row.room.label, name=after.closed_to))

        title = _("Give the keys of {room} back for good").format(room=view.row.room.label)
        self.app.push_screen(_collector_form(title, save), done)


__all__ = ["KeyForm", "KeyModal", "KeysTab", "key_form"]

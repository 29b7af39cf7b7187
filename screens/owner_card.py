"""The owner card (a person, their rooms, phones, vehicles, tags and timeline) and the room card;
both list what the front desk's registers hold for their rooms (keys, a renovation, parcels)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from data import cards, people, privacy
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.idnumbers import mask_id_number
from data.property import parking_of_people
from data.renovations import STATUSES as RENOVATION_STATUSES
from data.validators import format_plate, mask_phone
from data.vocab import (
    CALL_CATEGORIES,
    EVENT_KINDS,
    OCCUPANCY_ROLES,
    ROOM_STATES,
    ROOM_TYPES,
    WORK_ORDER_STATUSES,
    label,
)
from screens import owner_forms
from screens.audit_trail import show_history
from screens.registers.renovations import compact_hours
from widgets.app_header import AppHeader
from widgets.confirm import ConfirmModal
from widgets.desk import DeskScreen
from widgets.safe import safe_text
from widgets.saving import KEYS_WAIT_GROUP
from widgets.tables import fill_table

TIMELINE_KINDS = {
    "work_order": N_("Work order"),
    "call": N_("Call"),
    "event": N_("Appointment"),
    "note": N_("Note"),
}


def _since(start, end) -> str:
    if end is not None:
        return _("{start} – {end}").format(start=start or "?", end=end)
    return _("since {start}").format(start=start) if start else ""


def _participation(person_id: int, staff_id: int | None) -> list[tuple[str, Any, bool]]:
    """The owner's own participation in owners' meetings, for whoever may see meetings."""
    from data import access, meetings

    if not access.can("meetings.view", staff_id):
        return []
    try:
        return meetings.owner_participation(person_id, staff_id)
    except FrontDeskError:
        return []


def concern_lines(concerns: cards.Concerns, *, with_room: bool) -> Text:
    """What the registers hold for the card's rooms, a line each (keys, renovation,
    parcels), cut to the width: the room named first on an owner card (`with_room`)."""
    def room(code: str) -> str:
        return f"{code} " if with_room else ""

    lines: list[Text] = []
    if concerns.keys:
        line = Text()
        line.append(_("Keys") + ": ", style="bold")
        for n, key in enumerate(concerns.keys):
            if n:
                line.append("；")
            line.append(room(key.room) + key.description + (f"×{key.quantity}" if key.quantity > 1 else ""))
            if key.out_to:
                line.append(" " + _("out to {name} since {at}").format(
                    name=key.out_to, at=f"{key.out_since:%m-%d %H:%M}" if key.out_since else ""))
                if key.overdue:
                    line.append(" " + _("overdue"), style="bold red")
            else:
                line.append(" " + _("at the desk"), style="dim")
        lines.append(line)
    for permit in concerns.renovations:
        line = Text()
        line.append(_("Renovation") + ": ", style="bold")
        line.append(room(permit.room) + label(RENOVATION_STATUSES, permit.status)
                    + f" {permit.start:%m-%d}–{permit.end:%m-%d}")
        line.append(" · " + _("today {hours}").format(hours=compact_hours(permit.windows)))
        if permit.active:
            if permit.permitted_now:
                line.append(" · " + _("✓ now"), style="green")
            else:
                line.append(" · " + _("✗ not now"), style="yellow")
        lines.append(line)
    for parcel in concerns.parcels:
        line = Text()
        line.append(_("Parcels") + ": ", style="bold")
        line.append(room(parcel.room) + _("{count} waiting, the first since {at} ({days} days)").format(
            count=parcel.count, at=f"{parcel.oldest:%m-%d}", days=parcel.days_waiting))
        if parcel.overdue:
            line.append(" · " + _("{count} waiting too long").format(count=parcel.overdue), style="bold red")
        lines.append(line)
    text = Text("\n").join(lines)
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


class CardScreen(DeskScreen):
    """The layout both cards share: a summary, what the registers hold (keys, renovation,
    parcels), a short list, a title and a long list."""

    CSS_PATH = Path(__file__).parent / "owner_card.tcss"  # absolute: subclasses elsewhere keep it
    LIST_IDS = ("card-items", "card-timeline")

    def compose(self) -> ComposeResult:
        upper, lower = self.LIST_IDS
        yield AppHeader()
        yield Static("", id="card-summary", markup=False)
        yield Static("", id="card-concerns", markup=False)
        yield DataTable(id=upper, cursor_type="row")
        yield Label("", id="timeline-title", markup=False)
        yield DataTable(id=lower, cursor_type="row", zebra_stripes=True)
        yield self.footer()  # the cards have many keys: keep them on one 80-column line

    def show_concerns(self, concerns: cards.Concerns, *, with_room: bool) -> None:
        """The registers' lines under the summary; none, no room taken."""
        widget = self.query_one("#card-concerns", Static)
        widget.display = bool(concerns)
        widget.update(safe_text(concern_lines(concerns, with_room=with_room)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "fees":  # `f`: only for whoever may see fees
            from data import access

            return access.can("fees.view")
        return True

    def action_cursor_down(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_down()

    def action_cursor_up(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_up()


class OwnerCardScreen(CardScreen):
    """Everything about one person; every change is a key away."""

    #: Keys typed ahead (`enter e` from the search) wait for the card's read (tui.typeahead).
    TYPEAHEAD_WAITS_FOR: ClassVar[tuple[str, ...]] = ("owner-card",)
    BINDINGS = [
        Binding("e", "edit_person", N_("Edit")),
        Binding("n", "add_note", N_("Note")),
        Binding("p", "add_phone", N_("Phone")),
        Binding("v", "add_vehicle", N_("Vehicle")),
        Binding("t", "edit_tags", N_("Tags")),
        Binding("m", "move_in", N_("Move in")),
        Binding("o", "new_order", N_("New work order")),
        # On the footer for whoever may see fees (check_action hides it from the others).
        Binding("f", "fees", N_("Fees"), tooltip=N_("The statement of the room under the cursor, or of the first room")),
        Binding("c", "edit_contacts", N_("Contacts"), show=False,
                tooltip=N_("The contact person called first, and the emergency contact")),
        Binding("enter", "edit_item", N_("Edit item"), show=False),
        Binding("x,delete", "remove_item", N_("Remove/move out")),
        # Off the footer, which is full at 80 columns: the summary line shows the r hint,
        # and F1 and the palette list both.
        Binding("r,R", "reveal", N_("Reveal"), tooltip=N_("Show the phones and ID number in full (recorded)"),
                show=False),
        Binding("D", "delete_person", N_("Delete owner"), show=False,
                tooltip=N_("Delete this person with their phones and notes (supervisors)")),
        Binding("H", "history", N_("History"), tooltip=N_("Who changed what on this card (supervisors)"),
                show=False),
        Binding("tab", "switch_list", N_("Details/timeline"), show=False),
        Binding("pagedown", "next_page", N_("Older"), show=False),
        Binding("pageup", "first_page", N_("Newest"), show=False),
    ]

    class CardLoaded(Message):
        def __init__(self, card: cards.OwnerCard, entries: list[cards.TimelineEntry], page: int) -> None:
            super().__init__()
            self.card = card
            self.entries = entries
            self.page = page

    def __init__(self, person_id: int) -> None:
        super().__init__()
        self.person_id = person_id
        self.card: cards.OwnerCard | None = None
        self.participation: list[tuple[str, Any, bool]] = []
        # What each details row stands for: (kind, value), the value a data.cards RoomLine,
        # PhoneLine or VehicleLine as the kind says (Any: the kind, not the type, tells them apart).
        self.items: list[tuple[str, Any]] = []
        self.entries: list[cards.TimelineEntry] = []
        self.page_cursors: list[tuple | None] = [None]  # `before` of each page shown
        # What `r` revealed (audited): phone ids shown in full, and the full ID number.
        # Phones are full in the card; everything else is shown masked.
        self.revealed_phones: set[int] = set()
        self.revealed_id: str | None = None
        self.revealed = False
        # An action on the card asked before the card was read: run when it arrives.
        self.pending: Callable[[], None] | None = None

    @property
    def screen_title(self) -> str:
        return _("Owner card")

    def on_mount(self) -> None:
        items = self.query_one("#card-items", DataTable)
        items.add_columns(*self._item_headers())
        timeline = self.query_one("#card-timeline", DataTable)
        timeline.add_columns(*self._timeline_headers())
        items.focus()
        self.load()

    def refresh_data(self) -> None:
        self.load(self.page_cursors[-1], len(self.page_cursors) - 1)

    @work(thread=True, exclusive=True, group="owner-card", exit_on_error=False)
    def load(self, before: tuple | None = None, page: int = 0) -> None:
        try:
            card = cards.owner_card(self.person_id)
        except FrontDeskError as exc:
            self.app.call_from_thread(self._gone, exc.message)
            return
        entries = cards.timeline(self.person_id, before)
        self.participation = _participation(self.person_id, getattr(getattr(self.app, "staff", None), "id", None))
        self.post_message(self.CardLoaded(card, entries, page))

    def _gone(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        if self.app.screen is self:
            self.app.pop_screen()

    def on_owner_card_screen_card_loaded(self, message: CardLoaded) -> None:
        self.card = card = message.card
        self.entries = message.entries
        self._show_card(card)
        self._fill_timeline(message.entries, message.page)
        pending, self.pending = self.pending, None
        if pending is not None:
            pending()

    def _not_read_yet(self, action: Callable[[], None]) -> bool:
        """Is the card still being read? Then `action` is kept and run when it arrives (a
        key typed before the read came back is not dropped)."""
        if self.card is None:
            self.pending = action
            return True
        return False

    def _show_card(self, card: cards.OwnerCard) -> None:
        self.query_one("#card-summary", Static).update(safe_text(self._summary(card)))
        self.show_concerns(card.concerns, with_room=True)
        self._fill_items(card)

    def _shown_id(self, card: cards.OwnerCard) -> str | None:
        """The ID number in full when revealed (and still the same), else as the card has it."""
        if self.revealed and self.revealed_id and card.id_number == mask_id_number(self.revealed_id):
            return self.revealed_id
        return card.id_number

    def _shown_phone(self, phone: cards.PhoneLine) -> str:
        return phone.number if phone.id in self.revealed_phones else mask_phone(phone.number)

    def _summary(self, card: cards.OwnerCard) -> Text:
        text = Text()
        text.append(card.name, style="bold")
        gender = {"M": _("Male"), "F": _("Female")}.get(card.gender, "")
        bits = [b for b in (gender, str(card.birth_date or "")) if b]
        if shown_id := self._shown_id(card):  # technicians get no ID number at all
            bits.append(_("ID {number}").format(number=shown_id))
        if bits:
            text.append("  " + " · ".join(bits))
        if card.phones or card.id_number:
            text.append("  " + (_("r: mask again") if self.revealed else _("r: show in full")), style="dim")
        contacts = _contacts_text(card.contact, card.emergency)
        if contacts:
            text.append("\n" + contacts)
        if card.balance:
            text.append("\n" + card.balance, style="bold red")
        if card.tags:
            text.append("\n")
            for tag in card.tags:
                text.append(f" {tag} ", style="reverse")
                text.append(" ")
        if card.note:
            text.append("\n" + card.note.splitlines()[0])
        if self.participation:  # this owner's own participation only, never how anyone voted
            text.append("\n" + _("Owners' meetings") + "：" + "；".join(
                f"{title} {_('took part') if voted else _('no ballot yet')}" for title, _day, voted in
                self.participation[:2]))
        return text

    @staticmethod
    def _item_headers() -> tuple[str, ...]:
        return (_("Item"), _("Value"), _("Details"))

    @staticmethod
    def _timeline_headers() -> tuple[str, ...]:
        return (_("Time"), _("Kind"), _("What"), _("Details"))

    def _fill_items(self, card: cards.OwnerCard) -> None:
        rows: list[tuple[Text, ...]] = []
        self.items = []
        for room in card.rooms:
            role = label(OCCUPANCY_ROLES, room.role)
            others = "、".join(f"{o.name}({label(OCCUPANCY_ROLES, o.role)})" for o in room.others)
            detail = _since(room.start, room.end)
            if others:
                detail += "  " + _("with {people}").format(people=others)
            value = f"{room.code} {room.community}"
            rows.append((Text(_("Room") + " · " + role), Text(value), Text(detail)))
            self.items.append(("room", room))
        for phone in card.phones:
            kind = _("Mobile") if phone.kind == "mobile" else _("Landline")
            rows.append((Text(_("Phone") + " · " + kind), Text(self._shown_phone(phone)), Text(phone.label)))
            self.items.append(("phone", phone))
        for vehicle in card.vehicles:
            detail = " ".join(b for b in (vehicle.description, vehicle.parking_space) if b)
            rows.append((Text(_("Vehicle")), Text(format_plate(vehicle.plate)), Text(detail)))
            self.items.append(("vehicle", vehicle))
        if not self.items:
            rows.append((Text(_("(no rooms, phones or vehicles yet: m, p, v add them)")), Text(""), Text("")))
            self.items.append(("none", None))
        fill_table(self.query_one("#card-items", DataTable), self._item_headers(), rows)

    def _fill_timeline(self, entries: list[cards.TimelineEntry], page: int) -> None:
        rows: list[tuple[Text, ...]] = []
        tables = {"work_order": WORK_ORDER_STATUSES, "event": EVENT_KINDS, "call": CALL_CATEGORIES}
        for entry in entries:
            detail = entry.detail
            if entry.kind == "call":
                detail = _("inbound") if entry.detail == "in" else _("outbound")
            elif entry.kind in tables:
                detail = label(tables[entry.kind], entry.detail)
            rows.append((
                Text(entry.at.strftime("%Y-%m-%d %H:%M")),
                Text(_(TIMELINE_KINDS[entry.kind])),
                Text(entry.title.replace("\n", " ")),
                Text(detail),
            ))
        fill_table(self.query_one("#card-timeline", DataTable), self._timeline_headers(), rows)
        older = _("pgdn older") if len(entries) >= cards.TIMELINE_PAGE else ""
        title = _("Timeline, page {page}").format(page=page + 1)
        if not entries:
            title = _("Timeline: nothing yet.")
        self.query_one("#timeline-title", Label).update(f"{title}  {older}".rstrip())

    def palette_commands(self):
        """This screen's actions for the command palette: (title id, help, callback)."""
        yield (N_("Edit person"), _("Name, gender, ID number, note (e)"), self.action_edit_person)
        yield (N_("Add note"), _("A note on the timeline (n)"), self.action_add_note)
        yield (N_("Add phone"), _("Another number (p)"), self.action_add_phone)
        yield (N_("Add vehicle"), _("A plate (v)"), self.action_add_vehicle)
        yield (N_("Edit tags"), _("业委会委员, 独居老人 … (t)"), self.action_edit_tags)
        yield (N_("Move in"), _("Tie this person to a room (m)"), self.action_move_in)
        yield (N_("Reveal"), _("Show the phones and ID number in full (recorded) (r)"), self.action_reveal)
        yield (N_("History"), _("Who changed what on this card (H)"), self.action_history)

    # --- actions ----------------------------------------------------------------------------

    def _after(self, result) -> None:
        if result is not None:
            self.refresh_data()

    def action_edit_person(self) -> None:
        if not self._not_read_yet(self.action_edit_person) and self.card:
            # The form shows the ID number as the card does (masked, unless revealed); a
            # masked one saved unchanged keeps the stored number (data.people.update_person).
            card = replace(self.card, id_number=self._shown_id(self.card))
            self.app.push_screen(owner_forms.person_form(card), self._after)

    def action_add_note(self) -> None:
        self.app.push_screen(owner_forms.note_form(self.person_id, self.app.staff.id), self._after)

    def action_add_phone(self) -> None:
        self.app.push_screen(owner_forms.phone_form(self.person_id), self._after)

    def action_add_vehicle(self) -> None:
        self.app.push_screen(owner_forms.vehicle_form(self.person_id), self._after)

    def action_edit_tags(self) -> None:
        if not self._not_read_yet(self.action_edit_tags) and self.card:
            self.app.push_screen(owner_forms.tags_form(self.card), self._after)

    def action_edit_contacts(self) -> None:
        if not self._not_read_yet(self.action_edit_contacts) and self.card:
            self.app.push_screen(owner_forms.contacts_form(self.person_id, self.card.name), self._after)

    def action_move_in(self) -> None:
        if self._not_read_yet(self.action_move_in):
            return
        community = self.card.rooms[0].community if self.card and self.card.rooms else ""
        self.app.push_screen(owner_forms.move_in_form(self.person_id, community), self._after)

    def _selected_item(self) -> tuple[str, Any] | None:
        table = self.query_one("#card-items", DataTable)
        if self.focused is not table or not self.items:
            return None
        return self.items[min(table.cursor_row, len(self.items) - 1)]

    def action_edit_item(self) -> None:
        item = self._selected_item()
        if item is None:
            return
        kind, value = item
        if kind == "phone":
            # Editing a number shows it: that is a reveal, recorded like `r`.
            def edit() -> None:
                self.app.push_screen(owner_forms.phone_form(self.person_id, value), self._after)

            if value.id in self.revealed_phones:
                edit()
            else:
                self._reveal(edit)
        elif kind == "vehicle":
            self.app.push_screen(owner_forms.vehicle_form(self.person_id, value), self._after)
        elif kind == "room":
            self.app.push_screen(RoomCardScreen(value.room_id))

    def action_fees(self) -> None:
        """The statement of the room under the cursor, else of the person's first current room."""
        from screens.fees import open_statement

        if self._not_read_yet(self.action_fees) or self.card is None:
            return
        item = self._selected_item()
        if item is not None and item[0] == "room":
            room_id = item[1].room_id
        else:
            rooms = [r for r in self.card.rooms if r.end is None] or list(self.card.rooms)
            room_id = rooms[0].room_id if rooms else None
        open_statement(self, room_id, self.person_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "card-items":
            self.action_edit_item()

    def action_remove_item(self) -> None:
        item = self._selected_item()
        if item is None or item[0] == "none":
            return
        kind, value = item
        if kind == "phone":
            question = _("Remove the number {number}?").format(number=self._shown_phone(value))
            act = lambda: people.remove_phone(value.id)  # noqa: E731
        elif kind == "vehicle":
            question = _("Remove the vehicle {plate}?").format(plate=format_plate(value.plate))
            act = lambda: people.remove_vehicle(value.id)  # noqa: E731
        else:
            if value.end is not None:
                self.notify(_("Already moved out of {room}.").format(room=value.code), markup=False)
                return
            question = _("Record that {name} moved out of {room} today?").format(
                name=self.card.name if self.card else "", room=value.code)
            act = lambda: people.move_out(value.occupancy_id)  # noqa: E731

        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="error", markup=False)
            self.refresh_data()

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.run_write(act, done=lambda _result: self.refresh_data(), refused=refused)

        self.app.push_screen(ConfirmModal(question), confirmed)

    def action_new_order(self) -> None:
        """A new work order for this person, in the room selected (else their current one)."""
        from screens.workorder import open_new_order

        item = self._selected_item()
        room_id = item[1].room_id if item and item[0] == "room" and item[1].end is None else None
        open_new_order(self, person_id=self.person_id, room_id=room_id)

    def _reveal(self, then: Callable[[], object]) -> None:
        """Reveal this person's numbers through the data layer (which records it), in a
        worker (DeskScreen.run_write: behind another desk it says so, leaving gives it up),
        then `then()`; say why not when the role may not."""
        person_id, staff_id = self.person_id, self.app.staff.id

        def revealed(shown: Any) -> None:
            self.revealed = True
            self.revealed_phones = set(shown.phones)
            self.revealed_id = shown.id_number
            if self.card is not None:
                self._show_card(self.card)
            then()

        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="error", markup=False, timeout=8)

        self.run_write(lambda: privacy.reveal_person(person_id, staff_id=staff_id), done=revealed,
                       refused=refused, group=KEYS_WAIT_GROUP)

    def action_reveal(self) -> None:
        """r: the phones and the ID number (when the role may see it) in full, recorded in
        the audit trail; r again masks them."""
        if self.revealed:
            self.revealed, self.revealed_phones, self.revealed_id = False, set(), None
            if self.card is not None:
                self._show_card(self.card)
            return
        self._reveal(lambda: self.notify(_("Shown in full; this is recorded. r hides them again."),
                                         markup=False))

    def action_delete_person(self) -> None:
        """D: delete the person (supervisors and administrators; the data layer refuses
        everyone else, before anything is asked)."""
        from data import access

        if not access.can("person.delete", self.app.staff.id):
            try:
                access.require("person.delete", self.app.staff.id)
            except FrontDeskError as exc:
                self.notify(exc.message, severity="error", markup=False, timeout=8)
            return
        name = self.card.name if self.card else f"#{self.person_id}"

        def deleted(_result: Any) -> None:
            self.notify(_("{name} was deleted; the audit trail keeps the record.").format(name=name),
                        markup=False)
            self.app.pop_screen()

        def confirmed(ok: bool | None) -> None:
            if ok:
                staff_id = self.app.staff.id
                self.run_write(lambda: people.delete_person(self.person_id, staff_id), done=deleted)

        self.app.push_screen(ConfirmModal(_("Delete {name} with their phones, vehicles, tags and "
                                            "notes? Work orders and calls keep their text.").format(
                                                name=name)), confirmed)

    def action_history(self) -> None:
        """H: the card's audit trail (supervisors and above)."""
        show_history(self, "person", self.person_id, self.card.name if self.card else f"#{self.person_id}")

    def action_switch_list(self) -> None:
        items, timeline = self.query_one("#card-items"), self.query_one("#card-timeline")
        (timeline if self.focused is items else items).focus()

    def action_next_page(self) -> None:
        if len(self.entries) >= cards.TIMELINE_PAGE:
            self.page_cursors.append(self.entries[-1].cursor)
            self.load(self.page_cursors[-1], len(self.page_cursors) - 1)

    def action_first_page(self) -> None:
        self.page_cursors = [None]
        self.load(None, 0)


def _contacts_text(contact: str, emergency: str) -> str:
    """"Contact person 王强 · Emergency contact 李梅", or "" when neither is chosen."""
    bits = []
    if contact:
        bits.append(_("Contact person {name}").format(name=contact))
    if emergency:
        bits.append(_("Emergency contact {name}").format(name=emergency))
    return " · ".join(bits)


def _room_facts(card: cards.RoomCard) -> str:
    """A room's area, type, state and delivery on one line, its contact people on the next
    (SPEC §6, issue 14)."""
    bits = []
    if card.area_m2 is not None:
        area = _("{area} m²").format(area=f"{card.area_m2:.2f}")
        if card.inner_area_m2 is not None:
            area += " " + _("(inner {area} m²)").format(area=f"{card.inner_area_m2:.2f}")
        bits.append(area)
    else:
        bits.append(_("area not recorded"))
    bits += [label(ROOM_TYPES, card.room_type), label(ROOM_STATES, card.state)]
    if card.developer_held:
        bits.append(_("held by the developer"))
    if card.delivery_date:
        bits.append(_("delivered {date}").format(date=card.delivery_date.isoformat()))
    contacts = _contacts_text(card.contact, card.emergency)
    return " · ".join(bits) + ("\n" + contacts if contacts else "")


def _parking_text(spaces, community: str) -> str:
    """"Parking: B2-034 张三 沪A·12345 · B2-035 李四": the spaces the occupants hold (another
    community's with its name)."""
    shown = []
    for space in spaces[:6]:
        where = "" if space.community == community else f"{space.community} "
        bits = [f"{where}{space.code}", space.holder.name if space.holder else ""]
        if space.plate:
            bits.append(format_plate(space.plate))
        shown.append(" ".join(b for b in bits if b))
    more = len(spaces) - len(shown)
    text = " · ".join(shown) + (" " + _("+{count} more").format(count=more) if more > 0 else "")
    return _("Parking: {spaces}").format(spaces=text)


class RoomCardScreen(CardScreen):
    """One room: who lives there, who did, and its open work orders."""

    LIST_IDS = ("room-people", "room-orders")
    #: Keys typed ahead act on the people list: they wait for the room's read (tui.typeahead).
    TYPEAHEAD_WAITS_FOR: ClassVar[tuple[str, ...]] = ("room-card",)
    BINDINGS = [
        Binding("n", "new_resident", N_("New resident")),
        Binding("w", "change_owner", N_("Change of owner")),
        Binding("o", "new_order", N_("New work order")),
        Binding("x,delete", "move_out", N_("Move out")),
        Binding("f", "fees", N_("Fees"), tooltip=N_("The room's bills, payments and balance; p takes a payment")),
    ]

    class RoomLoaded(Message):
        def __init__(self, card: cards.RoomCard, spaces=()) -> None:
            super().__init__()
            self.card = card
            self.spaces = list(spaces)

    def __init__(self, room_id: int) -> None:
        super().__init__()
        self.room_id = room_id
        self.card: cards.RoomCard | None = None
        self.people_rows: list[cards.Occupant] = []

    @property
    def screen_title(self) -> str:
        return _("Room card")

    def on_mount(self) -> None:
        self.query_one("#room-people", DataTable).add_columns(*self._people_headers())
        self.query_one("#room-orders", DataTable).add_columns(*self._order_headers())
        self.query_one("#room-people").focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="room-card", exit_on_error=False)
    def load(self) -> None:
        card = cards.room_card(self.room_id)
        spaces = parking_of_people(o.person_id for o in card.current)
        self.post_message(self.RoomLoaded(card, spaces))

    def _load_if_saved(self, saved: object) -> None:
        if saved:
            self.load()

    def on_room_card_screen_room_loaded(self, message: RoomLoaded) -> None:
        self.card = card = message.card
        summary = Text()
        summary.append(f"{card.community} {card.code}", style="bold")
        summary.append("  " + _("{current} living here, {orders} open work orders").format(
            current=len(card.current), orders=len(card.open_orders)))
        summary.append("\n" + _room_facts(card))
        if message.spaces:
            summary.append("\n" + _parking_text(message.spaces, card.community))
        self.query_one("#card-summary", Static).update(safe_text(summary))
        self.show_concerns(card.concerns, with_room=False)
        self.people_rows = list(card.current) + list(card.past)
        people_rows: list[tuple[Text, ...]] = []
        for occ in card.current:
            people_rows.append((Text(occ.name), Text(label(OCCUPANCY_ROLES, occ.role)),
                                Text(_since(occ.start, None))))
        for occ in card.past:
            people_rows.append((Text(occ.name, style="dim"),
                                Text(_("former {role}").format(role=label(OCCUPANCY_ROLES, occ.role)), style="dim"),
                                Text(_since(occ.start, occ.end), style="dim")))
        if not self.people_rows:
            people_rows.append((Text(_("Nobody is recorded here yet: n adds a resident.")), Text(""), Text("")))
        fill_table(self.query_one("#room-people", DataTable), self._people_headers(), people_rows)
        order_rows = [
            (Text(order.number), Text(order.title), Text(label(WORK_ORDER_STATUSES, order.status)),
             Text(order.created_at.strftime("%Y-%m-%d %H:%M")))
            for order in card.open_orders
        ]
        fill_table(self.query_one("#room-orders", DataTable), self._order_headers(), order_rows)
        title = _("Open work orders: {count}").format(count=len(card.open_orders))
        self.query_one("#timeline-title", Label).update(title)

    @staticmethod
    def _people_headers() -> tuple[str, ...]:
        return (_("Name"), _("Role"), _("Dates"))

    @staticmethod
    def _order_headers() -> tuple[str, ...]:
        return (_("No."), _("Title"), _("Status"), _("Created"))

    def _selected(self) -> cards.Occupant | None:
        table = self.query_one("#room-people", DataTable)
        if not self.people_rows or self.focused is not table:
            return None
        return self.people_rows[min(table.cursor_row, len(self.people_rows) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "room-people" and (occ := self._selected()) is not None:
            self.app.push_screen(OwnerCardScreen(occ.person_id))

    def action_new_order(self) -> None:
        """A new work order for this room (and its community)."""
        from screens.workorder import open_new_order

        open_new_order(self, room_id=self.room_id)

    def action_fees(self) -> None:
        from screens.fees import open_statement

        open_statement(self, self.room_id)

    def action_new_resident(self) -> None:
        if self.card:
            self.app.push_screen(owner_forms.new_resident_form(self.room_id, self.card.code),
                                 self._load_if_saved)

    def action_change_owner(self) -> None:
        if self.card:
            self.app.push_screen(owner_forms.change_owner_form(self.room_id, self.card.code),
                                 self._load_if_saved)

    def action_move_out(self) -> None:
        occ = self._selected()
        if occ is None or occ.end is not None:
            return

        def moved(_result: Any) -> None:
            self.load()

        def refused(exc: FrontDeskError) -> None:
            self.notify(exc.message, severity="error", markup=False)
            self.load()

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.run_write(lambda: people.move_out(occ.occupancy_id), done=moved, refused=refused)

        self.app.push_screen(
            ConfirmModal(_("Record that {name} moved out of {room} today?").format(
                name=occ.name, room=self.card.code if self.card else "")),
            confirmed,
        )

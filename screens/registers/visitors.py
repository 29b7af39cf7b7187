"""访客 tab of the registers screen: today's visitors, those still inside first; `n`
registers one (a plate or phone seen before fills the rest), `enter` shows the visit with
its actions — sign out, call the room's owner to confirm (the dial-out), record that the
owner confirmed, and, for a role that may, the ID number in full (recorded)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import Input, Label

from data import access
from data import registers as reg
from data.clock import today as clock_today
from data.dialout import DialResult
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.rooms_lookup import RoomCandidate
from data.vocab import OCCUPANCY_ROLES, label
from screens.registers.tab import Code, RecordModal, RegisterTab, action_bindings
from screens.room_question import RoomAsker
from widgets.confirm import ConfirmModal
from widgets.form import FormField, FormModal


def _hm(value: dt.datetime | None, day: dt.date) -> str:
    if value is None:
        return ""
    return f"{value:%H:%M}" if value.date() == day else f"{value:%m-%d}"


def _stamp(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


class VisitorForm(FormModal):
    """The new-visitor form: leaving the plate (or phone) field fills the empty fields from
    the last visit with that plate (or phone), and says so."""

    def __init__(self, *args: Any, asker: RoomAsker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asker = asker
        self._looked_up: set[tuple[str, str]] = set()
        #: A phone filled from a visit seen before, for a role without reveal.phone: the
        #: field shows it masked, the save uses it in full (masked, full).
        self.hidden_phone: tuple[str, str] | None = None

    def phone_value(self, typed: str) -> str:
        """The phone to save: the hidden one while its field still shows it masked."""
        if self.hidden_phone is not None and typed.strip() == self.hidden_phone[0]:
            return self.hidden_phone[1]
        return typed

    @on(Input.Blurred)
    def _seen_before(self, event: Input.Blurred) -> None:
        name = (event.input.id or "").removeprefix("field-")
        value = event.value.strip()
        if name not in ("plate", "phone") or not value or (name, value) in self._looked_up:
            return
        self._looked_up.add((name, value))
        try:
            found = reg.visitor_by_plate(value) if name == "plate" else reg.visitor_by_phone(value)
        except FrontDeskError as exc:  # e.g. too many whole-number look-ups this minute
            self.notify(exc.message, severity="warning", markup=False)
            return
        if found is not None:
            self.prefill(found)

    def prefill(self, found: reg.VisitorPrefill) -> None:
        """Fill what is still empty from a visit seen before; the room as it was picked."""
        values = self.values()
        fills = {"name": found.name, "phone": found.phone, "plate": found.plate,
                 "community": found.community, "room": found.room}
        if fills["phone"] and not values.get("phone", "").strip():
            if access.can("reveal.phone"):
                # Shown in full once recorded as a reveal, as on the owner card: a write, in a
                # worker (DeskWrites.run_write); the other fields are filled meanwhile.
                phone, visit_id = fills["phone"], found.visit_id
                fills["phone"] = ""

                def revealed(_result: object) -> None:
                    if not self.values().get("phone", "").strip():
                        self._set_value("phone", phone)

                self.run_write(lambda: reg.reveal_prefill_phone(visit_id), done=revealed,
                               refused=lambda _exc: None)
            else:  # masked in the field; the number itself stays out of sight
                self.hidden_phone = (found.phone_masked, found.phone)
                self._set_value("phone", found.phone_masked)
                fills["phone"] = ""
        for name, value in fills.items():
            if value and not values.get(name, "").strip():
                self._set_value(name, value if name != "plate" else reg.shown_plate(value))
        if not values.get("room", "").strip():
            self.asker.picked[found.room] = RoomCandidate("room", found.room_id, found.room, found.community_id, found.community)
        self.query_one("#form-message", Label).update(_(
            "Seen before: {name}, last at {place} on {day}. Check the filled fields.").format(
            name=found.name, place=f"{found.community} {found.room}", day=f"{found.last_seen:%m-%d}"))


def visitor_form(staff_id: int) -> VisitorForm:
    """`n`: who comes in, to which room, why."""
    fields = [
        FormField("plate", _("Plate"), placeholder=_("沪A·12345 (a plate seen before fills the rest)")),
        FormField("phone", _("Phone"), placeholder="138 0013 8000"),
        FormField("name", _("Name")),
        FormField("community", _("Community"), placeholder=_("needed when the room code is in several communities")),
        FormField("room", _("Room visited"), placeholder="3-2-501"),
        FormField("id_number", _("ID number"), placeholder=_("optional, checked when given")),
        FormField("purpose", _("Purpose"), placeholder=_("探亲, 送货, 装修 …")),
    ]
    asker = RoomAsker()

    def save(values: dict[str, str]) -> reg.VisitorView:
        picked = asker.chosen(values["room"], values["community"])
        room_id = picked.id if picked is not None else None
        if room_id is None and values["room"].strip():
            match = reg.room_match(values["room"], values["community"] or None)
            if len(match.candidates) > 1:
                asker.ask(values["room"], match)
        return reg.register_visitor(reg.VisitorInput(
            name=values["name"], room=values["room"], community=values["community"] or None,
            phone=form.phone_value(values["phone"]), id_number=values["id_number"], plate=values["plate"],
            purpose=values["purpose"], room_id=room_id), staff_id)

    form = VisitorForm(_("New visitor"), fields, save, asker=asker)
    asker.form = form
    return form


class VisitorModal(RecordModal):
    """One visit: who, where, when, confirmed by whom; sign out, call the owner, confirm."""

    ACTIONS = (
        ("o", "sign_out", N_("Sign out")),
        ("d", "call_owner", N_("Call the owner")),
        ("y", "confirmed", N_("Owner confirmed")),
        ("r", "reveal", N_("Show the ID number")),
    )
    BINDINGS = [*RecordModal.BINDINGS, *action_bindings(ACTIONS)]

    def __init__(self, view: reg.VisitorView, revealed: reg.RevealedVisitor | None = None) -> None:
        self.view = view
        self.revealed = revealed
        phone = revealed.phone if revealed else view.phone_masked
        id_number = revealed.id_number if revealed else view.id_masked
        confirmed = ""
        if view.confirmed_at:
            confirmed = _("{name}, at {time} (recorded by {staff})").format(
                name=view.confirmed_name, time=f"{view.confirmed_at:%m-%d %H:%M}", staff=view.confirmed_by)
        rows = [
            (_("Room visited"), view.place),
            (_("Phone"), phone),
            (_("ID number"), id_number),
            (_("Plate"), view.plate_shown),
            (_("Purpose"), view.purpose),
            (_("In"), _("{time} (registered by {staff})").format(time=_stamp(view.time_in), staff=view.staff)),
            (_("Out"), _("{time} ({staff})").format(time=_stamp(view.time_out), staff=view.signed_out_by)
             if view.time_out else _("not signed out") if view.not_signed_out else _("still inside")),
            (_("Confirmed by"), confirmed or _("not confirmed yet")),
            (_("Details purged"), _stamp(view.purged_at)),
        ]
        super().__init__(_("Visitor {name}").format(name=view.name), rows)

    def offered(self, action: str) -> bool:
        view = self.view
        if action == "sign_out":
            return view.time_out is None  # a visit 未签退 may still be signed out, late
        if action in ("call_owner", "confirmed"):
            return view.confirmed_at is None
        if action == "reveal":
            return self.revealed is None and bool(view.id_masked or view.phone) and access.can("reveal.id")
        return True


class VisitorsTab(RegisterTab):
    """Today's visitors: those still inside first, then the latest in."""

    NAME = "visitors"
    TITLE = N_("Visitors")
    ORDER = 10
    ACTION = "visitor.register"
    COLUMNS = ((N_("In"), 5), (N_("Out"), 5), (N_("Name"), 8), (N_("Room visited"), 18),
               (N_("Phone"), 11), (N_("Plate"), 9), ("✓", 2), (N_("Purpose"), 10))
    FLEXIBLE = 7
    DROPPABLE = (5, 4)
    MIN_FLEX = 6
    NEW_LABEL = N_("New visitor")
    FILTER_HINT = N_("Filter: name, room, phone digits, plate …")

    class Dialled(Message):
        """The dial command ran for whom to call (None: none is configured)."""

        def __init__(self, view: reg.VisitorView, person: reg.PersonToCall,
                     result: DialResult | None) -> None:
            super().__init__()
            self.view, self.person, self.result = view, person, result

    def column_width(self, index: int) -> int:
        if index == 1:  # "inside" (在内), "not signed out" (未签退) or the time out
            return max(5, cell_len(_("inside")), cell_len(_("left?")))
        return super().column_width(index)

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        page = reg.visitors_day(query=query, after=after, limit=self.PAGE)
        day = clock_today()
        status = _("Visitors {day} · {inside} still inside").format(day=f"{day:%m-%d}", inside=page.inside)
        return page.rows, page.next_cursor, status

    def cells(self, row: Any) -> list[Text | str | Code]:
        view: reg.VisitorView = row
        day = clock_today()
        if view.not_signed_out:
            out = Text(_("left?"), style="italic")  # 未签退: in the list, as short as "inside"
        else:
            out = Text(_("inside"), style="bold") if view.inside else Text(_hm(view.time_out, day))
        return [_hm(view.time_in, day), out, view.name, Code.place(view.place), view.phone_masked, view.plate_shown,
                "✓" if view.confirmed_at else "", view.purpose]

    def palette_commands(self):
        yield (N_("New visitor"), _("Register a visitor coming in (Registers, n)"), self.new_record)

    # --- n: a new visitor ------------------------------------------------------------------------

    def new_record(self) -> None:
        def saved(view: reg.VisitorView | None) -> None:
            if view is not None:
                self.changed(_("{name} registered, visiting {place}. enter, then d calls the owner.").format(
                    name=view.name, place=view.place), select=view.id)

        self.app.push_screen(visitor_form(self.app.staff.id), saved)

    # --- enter: the visit and its actions --------------------------------------------------------

    def open_record(self, row: Any, revealed: reg.RevealedVisitor | None = None) -> None:
        view: reg.VisitorView = row

        def chosen(what: str | None) -> None:
            if what == "sign_out":
                self.write(lambda: reg.sign_out(view.id, self.app.staff.id),
                           lambda done: _("{name} signed out at {time}.").format(
                               name=done.name, time=f"{done.time_out:%H:%M}"))
            elif what == "call_owner":
                self.call_owner(view)
            elif what == "confirmed":
                self.write(lambda: reg.confirm_visit(view.id, self.app.staff.id),
                           lambda done: _("Visit confirmed by {name}.").format(name=done.confirmed_name))
            elif what == "reveal":  # recorded: a write (run_write), then the visit again
                staff_id = self.app.staff.id
                self.run_write(lambda: reg.reveal_visitors([view.id], staff_id),
                               lambda shown: self.open_record(view, shown.get(view.id)))

        self.app.push_screen(VisitorModal(view, revealed), chosen)

    def write(self, act, said) -> None:
        """A write in a worker (run_write: a desk waiting for another's transaction never freezes)."""
        self.run_write(act, lambda done: self.changed(said(done)))

    # --- d: call the owner to confirm -------------------------------------------------------------

    def call_owner(self, view: reg.VisitorView) -> None:
        """Find whom to call (recorded, counted: `record_then_dial`), then run the dial
        command if one is configured (`dial_owner`; data/ dials the whole number, the gate
        sees it masked)."""
        staff_id = self.app.staff.id
        self.record_then_dial(lambda: reg.look_up_to_confirm(view.id, staff_id),
                              lambda lookup: self.dial_owner(view, lookup))

    @work(thread=True, exclusive=True, group="visitor-dial", exit_on_error=False)
    def dial_owner(self, view: reg.VisitorView, lookup: reg.ConfirmLookup) -> None:
        """The dial command, in its own worker (it may take seconds; it writes nothing)."""
        call = reg.dial_to_confirm(lookup)
        self.post_message(self.Dialled(view, call.person, call.result))

    def on_visitors_tab_dialled(self, message: Dialled) -> None:
        from screens.call_forms import BigNumberModal

        message.stop()
        view, person, result = message.view, message.person, message.result
        who = f"{person.name}({label(OCCUPANCY_ROLES, person.role)})"

        def ask(_closed: object = None) -> None:
            question = _("Did {who} confirm the visit of {name}?").format(who=person.name, name=view.name)

            def answered(yes: bool | None) -> None:
                if yes:
                    self.write(lambda: reg.confirm_visit(view.id, self.app.staff.id, person_id=person.person_id),
                               lambda done: _("Visit confirmed by {name}.").format(name=done.confirmed_name))

            # An enter typed to close the number box must not answer yes: only y does.
            self.app.push_screen(ConfirmModal(question, enter_confirms=False), answered)

        if result is not None and result.ok:
            self.notify(result.message, markup=False)
            ask()
            return
        if result is not None:
            self.notify(result.message, severity="error", markup=False, timeout=12)
        if person.masked:
            # The gate sees the number masked: nothing to dial by hand.
            if result is None:
                self.notify(_("No dial command is configured, and your role sees the number masked "
                              "({number}): ask the visitor to call {who}.").format(
                                  number=person.number, who=person.name),
                            severity="warning", markup=False, timeout=12)
            return
        reason = result.message if result is not None else _("No dial command is configured: dial it by hand.")
        self.app.push_screen(BigNumberModal(person.number, who, reason), ask)


__all__ = ["VisitorForm", "VisitorModal", "VisitorsTab", "visitor_form"]

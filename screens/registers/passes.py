"""放行条 tab of the registers screen: release passes, the latest first. The gate checks a
pass by its number (`c`: valid, not valid yet, already used, expired, cancelled or unknown,
with what it covers) and lets the things out (`u`, once); the desk issues one (`n`, only
with an owner's consent) and cancels one (`x`)."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding

from data import access
from data import registers as reg
from data.clock import today as clock_today
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.validators import parse_date
from data.vocab import PASS_CONSENT, PASS_STATES, label
from screens.registers.tab import Code, RecordModal, RegisterTab, action_bindings
from screens.room_question import RoomAsker
from widgets.form import FormField, FormModal

#: The state filter `s` steps through ("" = every pass).
STATE_STEPS = ("", *reg.LIST_STATES)
STATE_WORDS = {"": N_("all"), "open": N_("open"), "used": N_("used"), "expired": N_("expired"),
               "cancelled": N_("cancelled")}
#: How a state looks in the list.
STATE_STYLES = {"valid": "bold green", "not_yet": "yellow", "used": "dim", "expired": "red",
                "cancelled": "red strike", "unknown": "bold red"}
#: The list's shorter word for a state whose label does not fit its column in English
#: (the Chinese is the label's own: 未到日期).
STATE_SHORT = {"not_yet": N_("Upcoming")}


def state_word(state: str) -> str:
    """A state as the list shows it: its short word where it has one, else its label."""
    return _(STATE_SHORT[state]) if state in STATE_SHORT else label(PASS_STATES, state)


def pass_form(staff_id: int) -> FormModal:
    """`n`: a pass for a room's things, with the owner's consent."""
    today = clock_today()
    fields = [
        FormField("community", _("Community"), placeholder=_("needed when the room code is in several communities")),
        FormField("room", _("Room"), placeholder="3-2-501"),
        FormField("items", _("Items"), placeholder=_("旧沙发一套、冰箱一台 …")),
        FormField("carrier_name", _("Carried by"), placeholder=_("the name the gate checks")),
        FormField("carrier_phone", _("Their phone"), placeholder="138 0013 8000"),
        FormField("carrier_plate", _("Their plate"), placeholder="沪A·12345"),
        FormField("valid_from", _("Valid on"), f"{today:%Y-%m-%d}"),
        FormField("valid_until", _("Until"), placeholder=_("the same day when empty")),
        FormField("consent", _("Consent"), kind="select",
                  options=[(label(PASS_CONSENT, code), code) for code in PASS_CONSENT],
                  placeholder=_("how the owner consented")),
        FormField("owner", _("Owner"), placeholder=_("who consented (the room's owner when it has one)")),
        FormField("call", _("Call no."), placeholder=_("the call they consented in (optional)")),
        FormField("note", _("Note"), placeholder=_("书面同意书已留存 …")),
    ]
    asker = RoomAsker()

    def save(values: dict[str, str]) -> reg.PassView:
        call_id = None
        if values["call"].strip():
            try:
                call_id = int(values["call"].strip().lstrip("#"))
            except ValueError:
                raise ValidationError("call", _("Give the call's number, such as 1234.")) from None
        picked = asker.chosen(values["room"], values["community"])
        room_id = picked.id if picked is not None else None
        if room_id is None and values["room"].strip():
            match = reg.room_match(values["room"], values["community"] or None)
            if len(match.candidates) > 1:
                asker.ask(values["room"], match)
        return reg.issue_pass(reg.PassInput(
            room=values["room"], community=values["community"] or None, items=values["items"],
            carrier_name=values["carrier_name"], carrier_phone=values["carrier_phone"],
            carrier_plate=values["carrier_plate"],
            valid_from=parse_date(values["valid_from"], "valid_from"),
            valid_until=parse_date(values["valid_until"], "valid_until"),
            consent_how=values["consent"], consent_owner=values["owner"], call_id=call_id,
            consent_note=values["note"], room_id=room_id), staff_id)

    form = FormModal(_("New release pass"), fields, save)
    asker.form = form
    return form


def check_form() -> FormModal:
    """`c`: the number on the slip."""
    fields = [FormField("number", _("Pass number"), placeholder="FX-20261206-003")]

    def save(values: dict[str, str]) -> reg.PassCheck:
        if not values["number"].strip():
            raise ValidationError("number", _("Type the number on the slip, such as FX-20261206-003."))
        return reg.check_pass(values["number"])

    return FormModal(_("Check a release pass"), fields, save, save_label=_("Check"))


def _rows(view: reg.PassView) -> list[tuple[str, str]]:
    consent = "，".join(p for p in (label(PASS_CONSENT, view.consent_how), view.consent_name, view.consent_note) if p)
    if view.consent_call_id:
        consent += " " + _("(call #{id})").format(id=view.consent_call_id)
    return [
        (_("Room"), view.place),
        (_("Items"), view.items),
        (_("Carried by"), view.carrier),
        (_("Valid"), view.validity),
        (_("Consent"), consent),
        (_("Issued"), f"{view.issued_at:%Y-%m-%d %H:%M} {view.issued_by}"),
        (_("Used"), f"{view.used_at:%Y-%m-%d %H:%M} {view.used_by}" if view.used_at else ""),
        (_("Cancelled"), f"{view.cancelled_at:%Y-%m-%d %H:%M} {view.cancelled_by} {view.cancel_reason}".strip()
         if view.cancelled_at else ""),
    ]


class PassModal(RecordModal):
    """One pass (or what a check found): its state said first, what it covers; `u` lets the
    things out when it is valid, `x` cancels it (the desk)."""

    ACTIONS = (
        ("u", "use", N_("Let out (mark used)")),
        ("x", "cancel", N_("Cancel the pass")),
    )
    BINDINGS = [*RecordModal.BINDINGS, *action_bindings(ACTIONS)]

    def __init__(self, check: reg.PassCheck) -> None:
        self.check = check
        view = check.view
        rows = _rows(view) if view is not None else []
        title = _("Release pass {number}").format(number=check.number or "—")
        super().__init__(title, rows, note=check.message,
                         note_style="bold green" if check.ok else "bold red")

    def offered(self, action: str) -> bool:
        view = self.check.view
        if view is None:
            return False
        state = view.state()
        if action == "use":
            return state == "valid" and access.can("pass.check")
        if action == "cancel":
            return state in ("valid", "not_yet", "expired") and access.can("pass.issue")
        return True


class PassesTab(RegisterTab):
    """Release passes, the latest issued first; `c` checks one by number at the gate."""

    STATE_STEPS = STATE_STEPS
    NAME = "passes"
    TITLE = N_("Release passes")
    SHORT = N_("Passes")
    ORDER = 20
    ACTION = "pass.check"
    NEW_ACTION = "pass.issue"
    COLUMNS = ((N_("No."), 15), (N_("State"), 8), (N_("Room"), 16), (N_("Valid"), 11),
               (N_("Carried by"), 10), (N_("Items"), 10))
    FLEXIBLE = 5
    DROPPABLE = (4, 3)
    MIN_FLEX = 12
    NEW_LABEL = N_("New pass")
    FILTER_HINT = N_("Filter: number, room, carrier, plate, items …")
    BINDINGS = [
        Binding("c", "check_pass", N_("Check a pass"), tooltip=N_("The number on the slip: valid or not, and what it covers")),
        Binding("s", "step_state", N_("State"), tooltip=N_("Show all, open, used, expired or cancelled passes")),
    ]
    TYPED_KEYS = RegisterTab.TYPED_KEYS | {"check_pass", "step_state"}

    def __init__(self) -> None:
        super().__init__()
        self.state = ""

    def column_width(self, index: int) -> int:
        if index == 1:  # the state: its longest word in this language (10 cells at most)
            return min(10, max(cell_len(state_word(code)) for code in PASS_STATES))
        return super().column_width(index)

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        page = reg.passes_page(query, state=self.state or None, after=after, limit=self.PAGE)
        return page.rows, page.next_cursor, _("Release passes · {state}").format(state=_(STATE_WORDS[self.state]))

    def cells(self, row: Any) -> list[Text | str | Code]:
        view: reg.PassView = row
        state = view.state()
        valid = f"{view.valid_from:%m-%d}"
        if view.valid_until != view.valid_from:
            valid += f"–{view.valid_until:%m-%d}"
        return [Code(view.number), Text(state_word(state), style=STATE_STYLES.get(state, "")),
                Code(view.room, view.community),
                valid, view.carrier_name, " ".join(view.items.split())]

    def palette_commands(self):
        yield (N_("Check a release pass"), _("By the number on the slip (Registers, c)"), self.action_check_pass)
        if access.can("pass.issue"):
            yield (N_("New release pass"), _("With the owner's consent (Registers, n)"), self.new_record)

    # --- the desk: n --------------------------------------------------------------------------

    def new_record(self) -> None:
        def saved(view: reg.PassView | None) -> None:
            if view is not None:
                self.changed(_("Release pass {number} issued: give the slip to {carrier}.").format(
                    number=view.number, carrier=view.carrier_name), select=view.id)

        self.app.push_screen(pass_form(self.app.staff.id), saved)

    # --- the gate: c, then u ------------------------------------------------------------------

    def action_check_pass(self) -> None:
        def checked(check: reg.PassCheck | None) -> None:
            if check is not None:
                self.show_check(check)

        self.app.push_screen(check_form(), checked)

    def open_record(self, row: Any) -> None:
        view: reg.PassView = row
        try:
            self.show_check(reg.check_pass(view.number))
        except FrontDeskError as exc:
            self.refused(exc)

    def show_check(self, check: reg.PassCheck) -> None:
        def chosen(what: str | None) -> None:
            if what == "use":
                self.use(check.number)
            elif what == "cancel":
                self.cancel(check.number)

        self.app.push_screen(PassModal(check), chosen)

    def use(self, number: str) -> None:
        """Mark it used, in a worker (RegisterTab.run_write: behind another desk it says so,
        leaving gives it up); refused: why, and what the pass covers."""
        staff_id = self.app.staff.id

        def refused(exc: FrontDeskError) -> None:
            if isinstance(exc, reg.PassRefused):
                self.load()
                self.show_check(exc.check)
            else:
                self.refused(exc)

        self.run_write(lambda: reg.use_pass(number, staff_id), lambda done: self.changed(done.message), refused)

    def cancel(self, number: str) -> None:
        fields = [FormField("reason", _("Reason"), placeholder=_("业主改期, 开错了 …"))]

        def save(values: dict[str, str]) -> reg.PassView:
            return reg.cancel_pass(number, values["reason"], self.app.staff.id)

        def done(view: reg.PassView | None) -> None:
            if view is not None:
                self.changed(_("Release pass {number} cancelled.").format(number=view.number))

        self.app.push_screen(FormModal(_("Cancel release pass {number}").format(number=number), fields, save), done)

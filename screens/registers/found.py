"""失物 tab of the registers screen: lost and found, the items still waiting for their owner
first (those unclaimed for 90 days, which may be disposed of, in yellow), then those claimed
or disposed of; `n` registers an item found (what, where, when, by whom, where it is kept),
`enter` shows it with its actions: claimed (the claimant's name and phone or ID tail) and
disposed of (only after 90 days: the refusal is said in the form)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding

from data import desk_registers as desk
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.vocab import label
from screens.registers.tab import RecordModal, RegisterTab, action_bindings
from widgets.form import FormField, FormModal

#: The state filter `s` steps through ("": every item, those unclaimed first).
STATE_STEPS = ("", "held", "claimed", "disposed")
STATE_WORDS = {"": N_("all, unclaimed first"), "held": N_("unclaimed"), "claimed": N_("claimed"),
               "disposed": N_("disposed of")}
STATE_STYLES = {"held": "yellow", "claimed": "dim", "disposed": "dim"}


def _stamp(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def found_form(staff_id: int) -> FormModal:
    """`n`: what was found, where, when, by whom; where the desk keeps it."""
    try:
        community = desk.default_community(staff_id)
    except FrontDeskError:
        community = ""
    fields = [
        FormField("community", _("Community"), community),
        FormField("description", _("Article"), placeholder=_("黑色钱包, 儿童自行车 …")),
        FormField("place", _("Found at"), placeholder=_("3号楼大堂, 儿童游乐区 …")),
        FormField("found_at", _("When"), placeholder=_("now when empty, or 2026-12-06 08:30")),
        FormField("found_by", _("Found by"), placeholder=_("you when empty")),
        FormField("stored_at", _("Kept at"), placeholder=_("前台抽屉, 物业仓库 …")),
        FormField("note", _("Note")),
    ]

    def save(values: dict[str, str]) -> desk.FoundView:
        return desk.add_found(desk.FoundInput(
            description=values["description"], place=values["place"], community=values["community"],
            found_at=values["found_at"] or None, found_by=values["found_by"],
            stored_at=values["stored_at"], note=values["note"]), staff_id=staff_id)

    return FormModal(_("Item found"), fields, save)


def claim_form(view: desk.FoundView, staff_id: int) -> FormModal:
    """Who claims it: a name, and a phone or the tail of an ID number."""
    fields = [
        FormField("name", _("Claimed by")),
        FormField("phone", _("Phone"), placeholder="138 0013 8000"),
        FormField("id_tail", _("ID tail"), placeholder=_("or the last 4 to 6 characters of their ID")),
        FormField("note", _("Note"), placeholder=_("how they described it …")),
    ]

    def save(values: dict[str, str]) -> desk.FoundView:
        return desk.claim_found(view.id, desk.ClaimInput(
            name=values["name"], phone=values["phone"], id_tail=values["id_tail"], note=values["note"]),
            staff_id=staff_id)

    return FormModal(_("Hand over: {what}").format(what=view.row.description), fields, save)


def dispose_form(view: desk.FoundView, staff_id: int) -> FormModal:
    """How it went: to the police, donated, discarded, and a note where (after 90 days)."""
    fields = [
        FormField("disposal", _("Disposal"), kind="select",
                  options=[(label(desk.DISPOSALS, code), code) for code in desk.DISPOSALS],
                  placeholder=_("how it was disposed of")),
        FormField("note", _("Note"), placeholder=_("which police station or charity, or why discarded")),
    ]

    def save(values: dict[str, str]) -> desk.FoundView:
        return desk.dispose_found(view.id, values["disposal"], values["note"], staff_id=staff_id)

    return FormModal(_("Dispose of: {what}").format(what=view.row.description), fields, save)


class FoundModal(RecordModal):
    """One item: unclaimed (for how long), claimed by whom (phone masked), or disposed of."""

    ACTIONS = (
        ("c", "claim", N_("Claim")),
        ("x", "dispose", N_("Dispose of")),
    )
    BINDINGS = [*RecordModal.BINDINGS, *action_bindings(ACTIONS)]

    def __init__(self, view: desk.FoundView) -> None:
        self.view = view
        row = view.row
        if row.state == "held":
            note = _("Unclaimed for {days} days").format(days=row.days_held)
            if row.disposable:
                note += " · " + _("may be disposed of")
            style = "bold yellow"
        elif row.state == "claimed":
            note, style = _("Claimed by {name} on {when}").format(name=row.claimed_by, when=_stamp(row.claimed_at)), "bold"
        else:
            note = _("Disposed of on {when}: {how}").format(when=_stamp(row.disposed_at),
                                                            how=label(desk.DISPOSALS, row.disposal))
            style = "bold"
        claimed = ""
        if row.state == "claimed":
            contact = " / ".join(p for p in (view.claimed_phone, view.claimed_id_tail and
                                                 _("ID …{tail}").format(tail=view.claimed_id_tail)) if p)
            claimed = _("{name} ({contact}), {when}, handed over by {staff}").format(
                name=row.claimed_by, contact=contact, when=_stamp(row.claimed_at), staff=view.handed_by)
            if view.claimed_note:
                claimed += f" · {view.claimed_note}"
        disposed = ""
        if row.state == "disposed":
            disposed = _("{how}, {when} ({staff}): {note}").format(
                how=label(desk.DISPOSALS, row.disposal), when=_stamp(row.disposed_at), staff=view.disposed_by,
                note=view.disposal_note)
        rows = [
            (_("Community"), row.community),
            (_("Found at"), row.place),
            (_("When"), _stamp(row.found_at)),
            (_("Found by"), row.found_by),
            (_("Kept at"), row.stored_at),
            (_("Registered by"), view.registered_by),
            (_("Claimed by"), claimed),
            (_("Disposal"), disposed),
            (_("Note"), " ".join(view.note.split())),
        ]
        super().__init__(row.description, rows, note=note, note_style=style)

    def offered(self, action: str) -> bool:
        if action == "dispose":  # only once kept for its owner long enough (90 days)
            return self.view.state == "held" and self.view.row.disposable
        return self.view.state == "held"


class FoundTab(RegisterTab):
    """Lost and found: unclaimed first (those kept 90 days in yellow), then the rest."""

    STATE_STEPS = STATE_STEPS
    NAME = "found"
    TITLE = N_("Lost and found")
    SHORT = N_("Finds")
    ORDER = 50
    ACTION = desk.FOUND_ACTION
    COLUMNS = ((N_("Found"), 10), (N_("Community"), 9), (N_("Article"), 12), (N_("Found at"), 12),
               (N_("State"), 10), (N_("Claimed by"), 10))
    FLEXIBLE = 2
    DROPPABLE = (1, 5)
    MIN_FLEX = 8
    NEW_LABEL = N_("New found item")
    FILTER_HINT = N_("Filter: what, where, who found or claimed it …")
    BINDINGS = [
        Binding("s", "step_state", N_("State"),
                tooltip=N_("Show all items (unclaimed first), unclaimed, claimed or disposed of")),
    ]
    TYPED_KEYS = RegisterTab.TYPED_KEYS | {"step_state"}

    def __init__(self) -> None:
        super().__init__()
        self.state = STATE_STEPS[0]

    def column_width(self, index: int) -> int:
        if index == 4:  # the state: its longest word in this language
            return min(12, max(cell_len(label(desk.FOUND_STATES, code)) for code in desk.FOUND_STATES))
        return super().column_width(index)

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        offset = after or 0
        page = desk.list_found(text=query, state=self.state or None, unclaimed_first=True,
                               limit=self.PAGE, offset=offset)
        counts = desk.found_counts()
        parts = [_("Lost and found · {state}").format(state=_(STATE_WORDS[self.state])),
                 _("{count} unclaimed").format(count=counts["held"])]
        if counts["disposable"]:
            parts.append(_("{count} over {days} days").format(count=counts["disposable"], days=desk.FOUND_KEEP_DAYS))
        next_cursor = offset + len(page.rows) if page.has_more else None
        return list(page.rows), next_cursor, " · ".join(parts)

    def cells(self, row: Any) -> list[Text | str]:
        item: desk.FoundRow = row
        style = "bold yellow" if item.disposable else STATE_STYLES.get(item.state, "")
        return [f"{item.found_at:%Y-%m-%d}", item.community, " ".join(item.description.split()),
                " ".join(item.place.split()), Text(label(desk.FOUND_STATES, item.state), style=style),
                item.claimed_by]

    def palette_commands(self):
        yield (N_("New found item"), _("Register an item found (Registers, n)"), self.new_record)

    def new_record(self) -> None:
        def saved(view: desk.FoundView | None) -> None:
            if view is not None:
                self.changed(_("{what} registered as found (#{id}).").format(what=view.row.description, id=view.id), select=view.id)

        self.app.push_screen(found_form(self.app.staff.id), saved)

    def open_record(self, row: Any) -> None:
        try:
            view = desk.get_found(row.id)
        except FrontDeskError as exc:
            self.refused(exc)
            self.load()
            return

        def chosen(what: str | None) -> None:
            if what == "claim":
                self.app.push_screen(claim_form(view, self.app.staff.id), claimed)
            elif what == "dispose":
                self.app.push_screen(dispose_form(view, self.app.staff.id), disposed)

        def claimed(after: desk.FoundView | None) -> None:
            if after is not None:
                self.changed(_("{what} handed to {name}.").format(what=after.row.description, name=after.row.claimed_by))

        def disposed(after: desk.FoundView | None) -> None:
            if after is not None:
                self.changed(_("{what} disposed of: {how}.").format(
                    what=after.row.description, how=label(desk.DISPOSALS, after.row.disposal)))

        self.app.push_screen(FoundModal(view), chosen)


__all__ = ["FoundModal", "FoundTab", "claim_form", "dispose_form", "found_form"]

"""Who is calling, on the call panel: what is known of the caller (the match of the
number, or the people a search found), the incident banner, what the keys do without a
call, and finding the caller (`a`) among the people sharing a number or by a search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Input

from data import calls as call_data
from data.i18n import _
from data.validators import show_controls
from data.vocab import CALL_CATEGORIES, INCIDENT_KINDS, OCCUPANCY_ROLES, WORK_ORDER_STATUSES, label
from screens import call_forms as forms
from screens.call_forms import group_number
from screens.calls.pane import looks_like_number
from widgets.confirm import ConfirmModal
from widgets.desk import DeskScreen

if TYPE_CHECKING:
    from screens.calls.pane import CallsPane

    _MixedInto = CallsPane  # for the type checker: the pane this is mixed into
else:
    _MixedInto = object


def idle_text() -> Text:
    """No call in progress: the screen's keys, explained."""
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


def incident_text(incident: Any, tagged: bool) -> Text:
    """The banner of the outage the caller's building is in; `tagged`: the call is tagged to it."""
    text = Text()
    text.append(f" ⚠ {label(INCIDENT_KINDS, incident.kind)} ", style="bold reverse red")
    text.append(" ")
    text.append(incident.title, style="bold")
    text.append("  " + f"{incident.starts:%m-%d %H:%M}–{incident.ends:%m-%d %H:%M}")
    text.append("  " + _("{calls} calls").format(calls=incident.calls))
    text.append("  ")
    text.append(_("✓ tagged") if tagged else _("i: tag this call"), style="bold" if tagged else "dim")
    return text


def match_text(draft: Any, match: Any, hits: list, note: str, query: str) -> Text:
    """What is known of the caller: the person attached to the call, the people a search
    found, or the match of the number (rooms, open work orders, last calls)."""
    text = Text()
    if draft is not None and draft.person_id is not None and (match is None or match.person_id != draft.person_id):
        text.append(draft.person_name, style="bold")
        text.append("  " + _("(attached to this call)") + "\n", style="dim")
    if hits and not looks_like_number(query):
        text.append(_("Found {count}: enter takes the first, a picks one").format(count=len(hits)) + "\n",
                    style="dim")
        for hit in hits[:6]:
            rooms = " ".join(hit.rooms[:2])
            text.append(f"{hit.name}", style="bold")
            text.append(f"  {rooms}  {hit.masked_phones[0] if hit.phones else ''}\n")
        return text
    if match is None:
        if note:
            text.append(note, style="dim")
        elif not query:
            text.append(_("Type the caller's number; or a name, pinyin or room to search."), style="dim")
        return text
    if match.person_id is not None:
        text.append(match.name, style="bold")
        # In full, unlike the call log: this is the number the clerk is talking to.
        text.append(f"  {group_number(match.number)}\n")
    elif match.staff_login:
        text.append(_("Staff member {name} ({login})").format(
            name=match.staff_name or match.name, login=match.staff_login),
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
    if getattr(match, "balance", ""):
        text.append(match.balance + "\n", style="bold red")
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


class CallerSearch(_MixedInto):
    """The call panel's `a`: who is calling, among the people sharing the number or by a
    search; a person found by search takes the call, and an unknown number typed may be
    added to their phones. Mixed into InboundCallPane, whose draft, match and hits it sets."""

    # What the pane has: the call, the match of its number, the people a search found.
    draft: Any
    match: Any
    hits: list
    _match_note: str

    if TYPE_CHECKING:  # InboundCallPane's; the last two are workers (@work keeps no signature)
        def paint_call(self) -> None: ...

        def fill_scripts(self, *args: Any, **kwargs: Any) -> Any: ...

        def lookup(self, *args: Any, **kwargs: Any) -> Any: ...

    class PeopleFound(Message):
        """The search of `a` (who is calling) found these people."""

        def __init__(self, query: str, hits: list) -> None:
            super().__init__()
            self.query, self.hits = query, hits

    def action_person(self) -> None:
        """a: who is calling — among the people sharing the number, or by a search."""
        if self.draft is None:
            return
        ambiguous = getattr(self.match, "ambiguous", ()) or ()
        if ambiguous:
            from widgets.picker import PickerModal, PickRow

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
        self.post_message(self.PeopleFound(query, hits))

    def on_caller_search_people_found(self, message: PeopleFound) -> None:
        if not message.hits:
            self.notify(_("Nobody found for “{query}”.").format(query=message.query), severity="warning",
                        markup=False)
        elif len(message.hits) == 1:
            self._take_hit(message.hits[0])
        else:
            self._pick_hit(message.hits)

    def _pick_hit(self, hits: list) -> None:
        from widgets.picker import PickerModal, PickRow

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
            self.paint_call()
        self.query_one("#call-category").focus()

    def _attach_person(self, person_id: int, name: str, number: str) -> None:
        if self.draft is None:
            return
        self.draft.person_id, self.draft.person_name = person_id, name
        self.paint_call()
        self.fill_scripts(self.draft.category, person_id, None)
        self.query_one("#call-category").focus()
        if not number or getattr(self.match, "person_id", None) is not None or getattr(self.match, "ambiguous", None):
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                staff_id = self.app.staff.id
                # In a worker (DeskScreen.run_write: behind another desk it says so, leaving gives it up).
                screen = self.screen
                assert isinstance(screen, DeskScreen)
                screen.run_write(lambda: call_data.attach_number(number, person_id, staff_id), done=attached)

        def attached(_result: object) -> None:
            self.notify(_("{number} is now {name}'s; their earlier calls follow.").format(
                number=group_number(number), name=show_controls(name)), markup=False)
            self.lookup(self.query_one("#call-number", Input).value, debounce=False)

        if hasattr(call_data, "attach_number"):
            self.app.push_screen(ConfirmModal(_("Add {number} to {name}'s phones? Earlier calls from it "
                                                "will show on their card.").format(
                number=group_number(number), name=name)), confirmed)

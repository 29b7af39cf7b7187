"""A lead's card (enter on the leads list): contact, the known person its phone belongs to,
source and interest, rooms or spaces of interest, owner and next follow-up, and the timeline
of every contact and change. Keys: `c` log a contact (and the next follow-up), `>` `<` `l`
the stage, `e` edit, `p` add a vacant room or space, `a` reassign, `u` follow-up time, `v`
convert a won lead (a tenant of its room, a paid work order, or a contract of the kind its
interest calls for, opened in the contracts screen where `r` writes its Word file), `q` a
value-added service proposal written as a Word file, `h` its contract or latest proposal,
`o` what it became, `r` the phones in full (recorded; masked until then, as on the owner
card)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static
from textual.worker import get_current_worker

from data import contracts as ct
from data import leads
from data.clock import now as clock_now
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.validators import mask_phone
from data.vocab import ROOM_STATES, label
from screens import lead_forms as forms
from screens.lead_actions import LEAD_ACTIONS, LEAD_KEYS, LeadKeys, timeline_words
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen
from widgets.picker import PickerModal, PickRow
from widgets.safe import plain, safe_text
from widgets.saving import KEYS_WAIT_GROUP

#: Timeline columns: (title, width); the note takes what is left.
TIMELINE_COLUMNS = ((N_("Time"), 11), (N_("Who"), 6), (N_("What"), 8), (N_("Detail"), 0))


def place_text(place: leads.Place) -> str:
    state = _("free") if place.state == "vacant" and place.kind == "parking" else (
        _("taken") if place.kind == "parking" else label(ROOM_STATES, place.state))
    return f"{place.code}（{state}）"


class LeadCardScreen(LeadKeys, DeskScreen):
    """One lead: its card above, its timeline (newest first) below."""

    CSS_PATH = Path(__file__).parent / "leads.tcss"
    BINDINGS = [
        *LEAD_KEYS,
        Binding("e", "edit", N_("Edit"), tooltip=N_("Contact, source, interest, budget, rooms")),
        Binding("v", "convert", N_("Convert"),
                tooltip=N_("A won lead becomes a tenant, a paid work order or a contract")),
        Binding("q", "proposal", N_("Proposal"),
                tooltip=N_("A value-added service proposal for the lead, written as a Word file")),
        Binding("h", "contract", N_("Contract"), show=False,
                tooltip=N_("Open the lead's contract, else its latest proposal")),
        Binding("p", "places", N_("Add room"), show=False, tooltip=N_("Add a vacant room or parking space")),
        Binding("r,R", "reveal", N_("Reveal"), show=False,
                tooltip=N_("Show the phones in full (recorded); r again masks them")),
        Binding("o", "open_result", N_("Open result"), show=False,
                tooltip=N_("The work order, the person or the contract the lead became")),
    ]

    class LeadLoaded(Message):
        def __init__(self, view: leads.LeadView | None, error: str = "") -> None:
            super().__init__()
            self.view, self.error = view, error

    def __init__(self, lead_id: int) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.view: leads.LeadView | None = None
        #: The phones `r` revealed (recorded in the audit trail); masked otherwise.
        self.revealed: tuple[str, ...] | None = None

    @property
    def screen_title(self) -> str:
        return _("Lead #{id}").format(id=self.lead_id)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="lead-card", markup=False)
        yield Label(_("Timeline (newest first)"), id="lead-timeline-title", markup=False)
        yield DataTable(id="lead-timeline", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = self.view
        if action in LEAD_ACTIONS or action in ("edit", "places", "convert", "proposal"):
            if not self.lead_permission(action):
                return False
        if action == "proposal" and not ct.may("create"):
            return False
        if action == "contract" and not ct.may("read"):
            return False
        if view is None:
            return True
        if action == "convert":
            return view.stage != "lost" and bool(self._conversions(view))
        if action == "proposal":
            return view.stage != "lost"
        if action == "contract":
            return bool(view.contracts)
        if action == "open_result":
            return bool(view.converted_to)
        if action in ("advance", "lost", "followup", "places"):
            return view.is_open
        if action == "back_stage":
            return view.stage != "new" and not view.converted_to
        return True

    # --- loading ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="lead-card", exit_on_error=False)
    def load(self) -> None:
        try:
            view, error = leads.get_lead(self.lead_id), ""
        except FrontDeskError as exc:
            view, error = None, exc.message
        if not get_current_worker().is_cancelled:
            self.post_message(self.LeadLoaded(view, error))

    def on_lead_card_screen_lead_loaded(self, message: LeadLoaded) -> None:
        if message.view is None:
            self.query_one("#lead-card", Static).update(plain(message.error))
            return
        self.show(message.view)

    def show(self, view: leads.LeadView) -> None:
        self.view = view
        self.query_one("#lead-card", Static).update(safe_text(self._card(view, clock_now(), self.revealed)))
        table = self.query_one(DataTable)
        table.clear(columns=True)
        widths = [w for _t, w in TIMELINE_COLUMNS]
        widths[2] = min(12, max(widths[2], *(cell_len(label(leads.EVENT_KINDS, k)) for k in leads.EVENT_KINDS)))
        widths[3] = max(12, self.app.size.width - sum(widths) - 2 * len(TIMELINE_COLUMNS) - 2)
        for (title, _w), width in zip(TIMELINE_COLUMNS, widths, strict=True):
            table.add_column(_(title), width=width)
        today = clock_now().date()
        for line in reversed(view.timeline):
            what, detail = timeline_words(line)
            when = line.at.strftime("%H:%M") if line.at.date() == today else line.at.strftime("%m-%d %H:%M")
            table.add_row(Text(when), plain(line.staff or "—"), Text(what), plain(detail.replace("\n", " ")))
        self.refresh_bindings()

    @staticmethod
    def _card(view: leads.LeadView, now: dt.datetime, revealed: tuple[str, ...] | None = None) -> Text:
        text = Text()
        text.append(f"#{view.id} {view.name}", style="bold")
        if view.company:
            text.append(f" · {view.company}")
        stage_style = {"won": "bold green", "lost": "bold red"}.get(view.stage, "bold")
        text.append("   ")
        text.append(f"[{label(leads.LEAD_STAGES, view.stage)}]", style=f"reverse {stage_style}")
        text.append(" " + _("since {when}").format(when=f"{view.stage_since:%m-%d %H:%M}"), style="dim")
        text.append("\n" + _("Phones") + " ", style="bold")
        shown = view.phones if revealed is not None else tuple(mask_phone(p) for p in view.phones)
        text.append("、".join(shown))
        if revealed is None:
            text.append("  " + _("r: show in full"), style="dim")
        for known in view.known[:2]:
            text.append("   ✓ " + _("known: {who}").format(who=known.text()), style="green")
        text.append("\n" + _("Source") + " ", style="bold")
        text.append(label(leads.LEAD_SOURCES, view.source))
        if view.referrer:
            text.append(" " + _("(by {who})").format(who=view.referrer))
        text.append(" · ")
        text.append(_("Interest") + " ", style="bold")
        text.append(label(leads.LEAD_INTERESTS, view.interest))
        if view.budget is not None:
            text.append(" · " + _("budget {amount}").format(amount=leads.budget_text(view.budget)))
        if view.community:
            text.append(" · " + view.community)
        text.append("\n" + _("Lead owner") + " ", style="bold")
        text.append(view.owner or "—")
        if view.assigned_by:
            text.append(f"（{label(leads.ASSIGNED_BY, view.assigned_by)}）", style="dim")
        text.append(" · ")
        text.append(_("Next follow-up") + " ", style="bold")
        if view.next_followup is None:
            text.append(_("none (u sets it)") if view.is_open else "—", style="dim")
        else:
            overdue = view.next_followup < now
            text.append(f"{view.next_followup:%m-%d %H:%M}", style="bold red" if overdue else "")
            if overdue:
                text.append(" " + _("overdue"), style="bold red")
        text.append("\n" + _("Rooms and spaces") + " ", style="bold")
        text.append("、".join(place_text(p) for p in view.places) if view.places else _("none (p adds one)"),
                    style="" if view.places else "dim")
        if view.converted_to:
            text.append("\n✔ " + _("Became {what} {target} on {day}").format(
                what=label(leads.CONVERTED_TO, view.converted_to), target=view.result,
                day=f"{view.converted_at:%Y-%m-%d}" if view.converted_at else ""), style="bold green")
        elif view.stage == "lost":
            text.append("\n✘ " + label(leads.LOST_REASONS, view.lost_reason), style="bold red")
            if view.lost_note:
                text.append(" " + view.lost_note.splitlines()[0])
        if view.contracts:
            text.append("\n" + _("Contracts") + " ", style="bold")
            text.append("、".join(f"{c.number} {label(ct.KIND_SHORT, c.kind)}（{label(ct.STATUSES, c.status)}）"
                                 for c in view.contracts[-3:]))
            text.append("  " + _("h: open"), style="dim")
        if view.note:
            text.append("\n" + " ".join(view.note.split())[:150], style="italic")
        return text

    # --- LeadKeys ---------------------------------------------------------------------------------

    def current_lead(self) -> leads.LeadView | None:
        return self.view

    def lead_changed(self, view: leads.LeadView, message: str) -> None:
        self.notify(message, markup=False)
        self.show(view)

    # --- keys ---------------------------------------------------------------------------------------

    def action_reveal(self) -> None:
        """r: the phones in full, recorded in the audit trail; r again masks them."""
        view = self.view
        if view is None:
            return
        if self.revealed is not None:
            self.revealed = None
            self.show(view)
            return
        self._reveal(view, lambda: self.show(view))

    def _reveal(self, view: leads.LeadView, then: Callable[[], object]) -> None:
        """The phones in full, recorded (a write: DeskScreen.run_write, behind another desk it
        says so, leaving gives it up); then `then()`."""
        lead_id, staff_id = view.id, self.app.staff.id

        def shown(revealed: dict) -> None:
            self.revealed = revealed.get(lead_id, ())
            then()

        self.run_write(lambda: leads.reveal_phones([lead_id], staff_id), done=shown,
                       refused=lambda exc: self.notify(exc.message, severity="error", markup=False, timeout=8), group=KEYS_WAIT_GROUP)

    def action_edit(self) -> None:
        view = self.view
        if view is None:
            return
        def saved(new: leads.LeadView | None) -> None:
            if new is not None:
                self.lead_changed(new, _("Lead saved."))

        def edit() -> None:
            self.show(view)
            self.app.push_screen(forms.lead_form(self.app.staff.id, view=view), saved)

        # The form shows the phones in full: that is a reveal, recorded like r.
        if self.revealed is None:
            self._reveal(view, edit)
        else:
            edit()

    def action_places(self) -> None:
        view = self.view
        if view is None:
            return
        if view.community_id is None:
            self.notify(_("Give the lead's community first (e)."), severity="warning", markup=False)
            return
        have = {(p.kind, p.id) for p in view.places}
        offered = [p for p in leads.vacant_places(view.community_id, view.interest) if (p.kind, p.id) not in have]
        rows = [PickRow((p.code, place_text(p), f"{p.area_m2} m²" if p.area_m2 is not None else ""), p)
                for p in offered]
        columns = [(_("Code"), 12), (_("State"), 16), (_("Area"), 12)]
        me = self.app.staff.id

        def picked(place: leads.Place | None) -> None:
            if place is None:
                return
            rooms, spaces = ([place.id], []) if place.kind == "room" else ([], [place.id])
            self.write_lead(lambda: leads.add_places(view.id, me, room_ids=rooms, space_ids=spaces),
                            _("{code} added.").format(code=place.code))

        self.app.push_screen(PickerModal(_("Vacant in {community}").format(community=view.community),
                                         columns, rows, empty=_("Nothing vacant in this community.")), picked)

    @staticmethod
    def _conversions(view: leads.LeadView) -> list[PickRow]:
        """What the lead may become now: a tenant of one of its vacant rooms (or the holder
        of a free space) and a paid work order, unless it became one already; a contract
        (the kind its interest calls for), unless it has one."""
        rows = []
        if view.converted_to in ("", "contract"):
            rows += [PickRow((_("Tenant of {code}").format(code=p.code) if p.kind == "room"
                              else _("Holder of parking space {code}").format(code=p.code),), ("place", p))
                     for p in view.places if p.state == "vacant"]
            if not view.converted_to:
                rows.append(PickRow((_("A paid work order (家政保洁, 装修 …)"),), ("work_order", None)))
        if view.contract is None and ct.may("create"):
            kind = leads.contract_kind_for(view.interest)
            rows.append(PickRow((_("A contract: {kind}").format(kind=label(ct.KINDS, kind)) if kind
                                 else _("A contract (choose its kind)"),), ("contract", None)))
        return rows

    def action_convert(self) -> None:
        """v: what the won lead becomes — a tenant of one of its vacant rooms (or the holder
        of a free space), a paid work order (a form), or a contract (a form; then the
        contract opens in the contracts screen, where r writes its Word file)."""
        view = self.view
        if view is None:
            return
        rows = self._conversions(view)
        me = self.app.staff.id

        def chosen(value: tuple | None) -> None:
            if value is None:
                return
            what, place = value
            if what == "work_order":
                self.app.push_screen(forms.work_order_form(view, me), self._converted)
                return
            if what == "contract":
                refusal = leads.contract_refusal(view.id)
                if refusal:
                    self.notify(refusal, severity="error", markup=False, timeout=8)
                    return
                self.app.push_screen(forms.contract_form(view, me), self._contracted)
                return
            if place.kind == "room":  # a tenancy: from the move-in date the clerk confirms
                def moved_in(changed: leads.LeadView | None) -> None:
                    if changed is not None:
                        self.lead_changed(changed, _("{name} is now {what}.").format(
                            name=view.name, what=label(leads.CONVERTED_TO, "tenant")))

                self.app.push_screen(forms.tenant_form(view, me, place.id, place.code), moved_in)
                return
            self.write_lead(lambda: leads.convert_to_tenant(view.id, me, space_id=place.id),
                            _("{name} is now {what}.").format(
                                name=view.name, what=label(leads.CONVERTED_TO, "parking")))

        self.app.push_screen(PickerModal(_("Convert {name} (won)").format(name=view.name),
                                         [(_("What the lead becomes"), 60)], rows), chosen)

    def _converted(self, view: leads.LeadView | None) -> None:
        if view is not None:
            self.lead_changed(view, _("Work order {number} opened.").format(number=view.work_order))

    def _contracted(self, deal: leads.LeadDeal | None) -> None:
        """The contract is drafted: the card shows it, and it opens in the contracts screen
        (r there writes its Word file)."""
        if deal is None:
            return
        self.lead_changed(deal.lead, _("{number} drafted for {name}: r generates its Word file.").format(
            number=deal.contract.number, name=deal.lead.name))
        self._open_contract(deal.contract.id)

    def _open_contract(self, contract_id: int) -> None:
        from screens.contracts import ContractsScreen

        self.app.push_screen(ContractsScreen(open_id=contract_id))

    def action_proposal(self) -> None:
        """q: a value-added service proposal from the lead's data, written into the export
        folder (the path is shown); the lead's timeline names it."""
        view = self.view
        if view is None:
            return

        def done(deal: leads.LeadDeal | None) -> None:
            if deal is not None:
                self.notify(_("Proposal {number}: wrote {path}").format(number=deal.contract.number,
                                                                       path=deal.path),
                            markup=False, timeout=15)
                self.show(deal.lead)

        self.app.push_screen(forms.proposal_form(view, self.app.staff.id), done)

    def action_contract(self) -> None:
        """h: the lead's contract (else its latest proposal) in the contracts screen."""
        view = self.view
        if view is None or not view.contracts:
            return
        self._open_contract((view.contract or view.contracts[-1]).id)

    def action_open_result(self) -> None:
        view = self.view
        if view is None or not view.converted_to:
            return
        if view.converted_to == "contract" and view.contract is not None:
            self._open_contract(view.contract.id)
        elif view.work_order_id is not None:
            from screens.workorder import WorkOrderScreen

            self.app.push_screen(WorkOrderScreen(view.work_order_id))
        elif view.person_id is not None:
            from screens.owner_card import OwnerCardScreen

            self.app.push_screen(OwnerCardScreen(view.person_id))

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

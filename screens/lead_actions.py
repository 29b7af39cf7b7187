"""What the leads list and a lead's card share: the keys that work a lead — `>` and `<`
move its stage, `l` loses it with a reason, `c` logs a contact (and the next follow-up), `a`
gives it to someone, `u` sets the follow-up — with the same permissions as data/access.py,
writes in a worker, and how a timeline line reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from data import access, leads
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.vocab import label
from screens import lead_forms as forms

if TYPE_CHECKING:
    from widgets.desk import DeskScreen

    # The type checker sees the screen the keys are mixed into (its app, notify, workers).
    _KeysBase = DeskScreen
else:
    _KeysBase = object

#: The keys that work a lead (both screens; the footer shows the first ones).
LEAD_KEYS = [
    Binding("c", "contact", N_("Contact"), tooltip=N_("Log a call, visit or message; set the next follow-up")),
    Binding("greater_than_sign", "advance", N_("Advance"), key_display=">",
            tooltip=N_("The next stage: 已联系, 有意向, 已报价, 成交")),
    Binding("less_than_sign", "back_stage", N_("Stage back"), key_display="<",
            tooltip=N_("One stage back; a lost lead reopens")),
    Binding("l", "lost", N_("Lost"), tooltip=N_("The lead is lost: choose the reason")),
    Binding("a", "assign", N_("Reassign"), show=False, tooltip=N_("Give the lead to someone else")),
    Binding("u", "followup", N_("Follow-up time"), show=False, tooltip=N_("When to follow the lead up next")),
]
#: The actions of LEAD_KEYS, all needing "lead.manage" (assigning another's lead: "lead.reassign").
LEAD_ACTIONS = frozenset({"contact", "advance", "back_stage", "lost", "assign", "followup"})


def timeline_words(line: leads.TimelineRow) -> tuple[str, str]:
    """(what, detail) of a timeline line, in the reader's language."""
    what = label(leads.EVENT_KINDS, line.kind)
    if line.kind == "stage":
        detail = f"{label(leads.LEAD_STAGES, line.from_value)} → {label(leads.LEAD_STAGES, line.to_value)}"
        if line.code:
            detail += f"（{label(leads.LOST_REASONS, line.code)}）"
    elif line.kind == "contact":
        detail = label(leads.CONTACT_CHANNELS, line.code)
    elif line.kind == "assign":
        detail = f"{line.from_value or '—'} → {line.to_value or '—'}（{label(leads.ASSIGNED_BY, line.code)}）"
    elif line.kind == "followup":
        detail = line.to_value or _("cleared")
    elif line.kind == "convert":
        detail = f"{label(leads.CONVERTED_TO, line.code)} {line.to_value}"
    elif line.kind == "proposal":
        detail = line.to_value
    elif line.kind == "edit":
        return what, "、".join(label(leads.EDITED_FIELDS, c) for c in line.note.split(",") if c)
    elif line.kind == "create":
        detail = label(leads.LEAD_SOURCES, line.code)
        if line.from_value:
            detail += " · " + _("added despite open lead {ids}").format(ids=line.from_value)
    else:
        detail = ""
    if line.note:
        detail = f"{detail} {line.note}".strip()
    return what, detail


class LeadKeys(_KeysBase):
    """The lead keys of a screen. The screen says which lead they act on (`current_lead`:
    a LeadRow or LeadView, or None) and what to do once it changed (`lead_changed`)."""

    def current_lead(self) -> Any:
        raise NotImplementedError

    def lead_changed(self, view: leads.LeadView, message: str) -> None:
        raise NotImplementedError

    def lead_permission(self, action: str) -> bool:
        """May the signed-in account take this step on the current lead? (data/access.py)"""
        if not access.can("lead.manage"):
            return False
        if action == "assign":
            lead = self.current_lead()
            owner = getattr(lead, "owner_id", None)
            if owner is not None and owner != self.app.staff.id:
                return access.can("lead.reassign")
        return True

    # --- writes in a worker ----------------------------------------------------------------------

    def write_lead(self, step: Callable[[], leads.LeadView], message: str) -> None:
        """Run one data.leads step off the UI thread (DeskScreen.run_write: behind another
        desk it says so, leaving gives it up); say what happened."""
        self.run_write(step, done=lambda view: self.lead_changed(view, message),
                       refused=lambda exc: self.notify(exc.message, severity="error", markup=False, timeout=8))

    def _lead_or_say(self) -> Any:
        lead = self.current_lead()
        if lead is None:
            self.notify(_("No lead selected."), severity="warning", markup=False)
        return lead

    def _view(self, lead: Any) -> leads.LeadView | None:
        """The full lead (a list row is read again); None when it is gone (said)."""
        if isinstance(lead, leads.LeadView):
            return lead
        try:
            return leads.get_lead(lead.id)
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return None

    def _form(self, make: Callable[[leads.LeadView, int], Any], message: str) -> None:
        lead = self._lead_or_say()
        view = self._view(lead) if lead is not None else None
        if view is None:
            return

        def done(saved: leads.LeadView | None) -> None:
            if saved is not None:
                self.lead_changed(saved, message)

        self.app.push_screen(make(view, self.app.staff.id), done)

    # --- the keys ----------------------------------------------------------------------------------

    def action_advance(self) -> None:
        lead = self._lead_or_say()
        if lead is not None:
            me = self.app.staff.id
            nxt = leads.PIPELINE[min(leads.PIPELINE.index(lead.stage) + 1, len(leads.PIPELINE) - 1)] \
                if lead.stage in leads.PIPELINE else lead.stage
            done = _("{name}: {stage}").format(name=lead.name, stage=label(leads.LEAD_STAGES, nxt))
            if nxt != "won":
                self.write_lead(lambda: leads.advance(lead.id, me), done)
                return
            from widgets.confirm import ConfirmModal

            # 成交 takes the lead off the follow-up list: asked, so that a > too many (the
            # cursor then on the next lead) moves nobody by mistake.
            def answered(yes: bool | None) -> None:
                if yes:
                    self.write_lead(lambda: leads.advance(lead.id, me), done)

            self.app.push_screen(ConfirmModal(_("Mark {name} won (成交)?").format(name=lead.name),
                                              enter_confirms=False), answered)

    def action_back_stage(self) -> None:
        lead = self._lead_or_say()
        if lead is not None:
            me = self.app.staff.id
            self.write_lead(lambda: leads.back(lead.id, me), _("{name}: back a stage").format(name=lead.name))

    def action_lost(self) -> None:
        self._form(forms.lost_form, _("Lead lost."))

    def action_contact(self) -> None:
        self._form(forms.contact_form, _("Contact logged."))

    def action_assign(self) -> None:
        self._form(forms.assign_form, _("Lead owner saved."))

    def action_followup(self) -> None:
        self._form(forms.followup_form, _("Follow-up saved."))

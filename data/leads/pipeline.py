"""Working a lead: its stage (新线索 → 已联系 → 有意向 → 已报价 → 成交, or 流失 with a reason),
every contact (call, visit, message, note) with the next follow-up, and its owner — each
change a line of its timeline with who and when."""

from __future__ import annotations

import datetime as dt

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ValidationError
from data.i18n import _
from data.leads import followup
from data.leads.assignment import check_owner, choose_owner
from data.leads.reading import get_lead, lead_row
from data.leads.timeline import event, tell_owner
from data.leads.values import (
    CHANNEL_WORDS,
    CONTACT_CHANNELS,
    LEAD_STAGES,
    LOST_REASONS,
    OPEN_STAGES,
    PIPELINE,
    REASON_WORDS,
    STAGE_WORDS,
    LeadView,
    code_of,
)
from data.models import Lead, LeadEvent, Staff
from data.validators import clean_text


def _label(stage: str) -> str:
    return _(LEAD_STAGES.get(stage, stage))


def move_stage(lead: Lead, to: str, staff_id: int, *, note: str = "", reason: str = "") -> None:
    """Store the stage change and its timeline line (inside the caller's transaction). A
    lead that closes (won, lost) loses its follow-up; one that reopens, its lost reason."""
    at = clock_now()
    values: dict = {"stage": to, "stage_since": at, "updated_at": at, "version": Lead.version + 1}
    if to == "lost":
        values.update(lost_reason=reason, lost_note=note)
    elif lead.stage == "lost":
        values.update(lost_reason="", lost_note="")
    Lead.update(**values).where(Lead.id == lead.id).execute()
    if to not in OPEN_STAGES:
        followup.close_followup(lead, staff_id)
    event(lead.id, staff_id, "stage", code=reason if to == "lost" else "", from_value=lead.stage,
          to_value=to, note=note)


def _open_lead(lead_id: int, staff_id: int) -> Lead:
    access.require("lead.manage", staff_id)
    return lead_row(lead_id)


def advance(lead_id: int, staff_id: int, note: str = "") -> LeadView:
    """`>`: the next stage of the pipeline (已报价 → 成交 wins it)."""
    note = clean_text(note or "", "note", multiline=True, max_length=2000)
    with transaction():
        lead = _open_lead(lead_id, staff_id)
        if lead.stage not in OPEN_STAGES:
            raise ValidationError("stage", _("This lead is {stage} already; < takes it back a stage.").format(
                stage=_label(lead.stage)))
        move_stage(lead, PIPELINE[PIPELINE.index(lead.stage) + 1], staff_id, note=note)
    return get_lead(lead_id)


def _lost_from(lead_id: int) -> str:
    """The stage a lost lead was in when it was lost."""
    last = (LeadEvent.select(LeadEvent.from_value)
            .where(LeadEvent.lead == lead_id, LeadEvent.kind == "stage", LeadEvent.to_value == "lost")
            .order_by(LeadEvent.at.desc(), LeadEvent.id.desc()).limit(1).scalar())
    return last if last in OPEN_STAGES else "contacted"


def back(lead_id: int, staff_id: int, note: str = "") -> LeadView:
    """`<`: one stage back; a lost lead reopens in the stage it was lost from; a won lead
    that has been converted stays won."""
    note = clean_text(note or "", "note", multiline=True, max_length=2000)
    with transaction():
        lead = _open_lead(lead_id, staff_id)
        if lead.stage == "new":
            raise ValidationError("stage", _("This lead is at the first stage already."))
        if lead.converted_to:
            raise ValidationError("stage", _(
                "This lead was converted already: it stays won."))
        to = _lost_from(lead_id) if lead.stage == "lost" else PIPELINE[PIPELINE.index(lead.stage) - 1]
        move_stage(lead, to, staff_id, note=note)
    return get_lead(lead_id)


def lose(lead_id: int, reason: str, staff_id: int, note: str = "") -> LeadView:
    """`l`: the lead is lost, for a reason of the list (and a note)."""
    reason = code_of(reason, LOST_REASONS, REASON_WORDS, "reason")
    note = clean_text(note or "", "note", multiline=True, max_length=2000)
    if reason == "other" and not note:
        raise ValidationError("note", _("Say in a few words why the lead was lost."))
    with transaction():
        lead = _open_lead(lead_id, staff_id)
        if lead.stage not in OPEN_STAGES:
            raise ValidationError("stage", _("This lead is {stage} already; < takes it back a stage.").format(
                stage=_label(lead.stage)))
        move_stage(lead, "lost", staff_id, note=note, reason=reason)
    return get_lead(lead_id)


def set_stage(lead_id: int, stage: str, staff_id: int, *, reason: str = "", note: str = "") -> LeadView:
    """Put a lead in any stage (the CLI's `--stage`): lost needs a reason; a converted lead
    stays won."""
    stage = code_of(stage, LEAD_STAGES, STAGE_WORDS, "stage")
    if stage == "lost":
        return lose(lead_id, reason, staff_id, note)
    note = clean_text(note or "", "note", multiline=True, max_length=2000)
    with transaction():
        lead = _open_lead(lead_id, staff_id)
        if lead.stage == stage:
            return get_lead(lead_id)
        if lead.converted_to:
            raise ValidationError("stage", _("This lead was converted already: it stays won."))
        move_stage(lead, stage, staff_id, note=note)
    return get_lead(lead_id)


# --- contacts ---------------------------------------------------------------------------------------


def log_contact(lead_id: int, channel: str, note: str, staff_id: int, *,
                next_followup: dt.datetime | None = None) -> LeadView:
    """A contact with the lead (a call, a visit, a message, or a note) in its timeline. The
    first real contact takes a new lead to 已联系; the follow-up it answers is done, and
    `next_followup` sets the next one."""
    channel = code_of(channel, CONTACT_CHANNELS, CHANNEL_WORDS, "channel")
    note = clean_text(note or "", "note", multiline=True, max_length=2000)
    if not note:
        raise ValidationError("note", _("Say what was said or agreed."))
    next_followup = followup.check_when(next_followup)
    with transaction():
        lead = _open_lead(lead_id, staff_id)
        if next_followup is not None and lead.stage not in OPEN_STAGES:
            raise ValidationError("next_followup", _("This lead is {stage}: it needs no follow-up.").format(
                stage=_label(lead.stage)))
        event(lead_id, staff_id, "contact", code=channel, note=note)
        Lead.update(updated_at=clock_now(), version=Lead.version + 1).where(Lead.id == lead_id).execute()
        if lead.stage == "new" and channel != "note":
            move_stage(lead, "contacted", staff_id)
        lead = lead_row(lead_id)
        if next_followup is not None:
            followup.set_followup(lead_id, next_followup, staff_id)
        elif lead.next_followup is not None and lead.next_followup <= clock_now() and channel != "note":
            followup.close_followup(lead, staff_id)  # the follow-up that was due is this contact
    return get_lead(lead_id)


# --- the owner ----------------------------------------------------------------------------------------


def assign(lead_id: int, owner_id: int | None, staff_id: int, *, note: str = "") -> LeadView:
    """Give the lead to `owner_id` (None: by the rules). A lead someone else follows up
    changes hands only by a supervisor, manager or administrator (`lead.reassign`); its
    follow-up task moves to the new owner, who is notified."""
    access.require("lead.manage", staff_id)
    note = clean_text(note or "", "note", max_length=200)
    with transaction():
        lead = lead_row(lead_id)
        if lead.owner_id is not None and lead.owner_id != staff_id:
            access.require("lead.reassign", staff_id)
        if owner_id is None:
            owner, how = choose_owner(lead.interest, lead.community_id, staff_id)
        else:
            check_owner(owner_id)
            owner, how = owner_id, "hand"
        if owner == lead.owner_id:
            return get_lead(lead_id)
        Lead.update(owner=owner, assigned_by=how, updated_at=clock_now(),
                    version=Lead.version + 1).where(Lead.id == lead_id).execute()
        if lead.followup_event_id is not None and owner is not None:
            from data.events import set_attendees

            set_attendees(lead.followup_event_id, [owner])
        logins = {s.id: s.login for s in Staff.select(Staff.id, Staff.login)
                  .where(Staff.id.in_([i for i in (lead.owner_id, owner) if i is not None]))}
        event(lead_id, staff_id, "assign", code=how, from_value=logins.get(lead.owner_id, ""),
              to_value=logins.get(owner, ""), note=note)
        tell_owner(lead_id, owner, staff_id, lead.name, lead.interest)
    return get_lead(lead_id)

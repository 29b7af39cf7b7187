"""A lead's next follow-up: a date and time that becomes a task in its owner's calendar
(data.calendar), with a reminder that fires before it. Setting the next one ticks the
previous task off; a lead won or lost has none."""

from __future__ import annotations

import datetime as dt

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.leads.reading import lead_row
from data.leads.timeline import event
from data.leads.values import FOLLOWUP_REMINDER_MINUTES, LEAD_INTERESTS, LEAD_STAGES, OPEN_STAGES
from data.models import Event, Lead

#: A follow-up typed for a minute ago (the form was open a while) is still taken.
GRACE = dt.timedelta(minutes=1)


def check_when(when: dt.datetime | None, field: str = "next_followup") -> dt.datetime | None:
    """A follow-up time: not in the past."""
    if when is None:
        return None
    if not isinstance(when, dt.datetime):
        raise ValidationError(field, _("Write the time as YYYY-MM-DD HH:MM, such as 2026-11-28 09:30."))
    when = when.replace(second=0, microsecond=0)
    if when < clock_now() - GRACE:
        raise ValidationError(field, _("The next follow-up must be later than now ({now}).").format(
            now=f"{clock_now():%Y-%m-%d %H:%M}"))
    return when


def _tick_off(event_id: int | None, staff_id: int) -> None:
    """The previous follow-up task is done (if it is still there and open)."""
    if event_id is None:
        return
    from data.calendar import set_task_done

    row = Event.get_or_none(Event.id == event_id)
    if row is not None and row.kind == "task" and not row.done:
        try:
            set_task_done(event_id, True, staff_id)
        except (NotFoundError, ValidationError):  # deleted or changed meanwhile: nothing to tick
            pass


def close_followup(lead: Lead, staff_id: int) -> None:
    """The lead needs no follow-up any more (won, lost, or followed up now): its task is
    ticked off and the time cleared. Call inside the write's transaction."""
    _tick_off(lead.followup_event_id, staff_id)
    if lead.next_followup is not None or lead.followup_event_id is not None:
        Lead.update(next_followup=None, followup_event=None).where(Lead.id == lead.id).execute()


def set_followup(lead_id: int, when: dt.datetime | None, staff_id: int) -> None:
    """Set (or move, or with None clear) a lead's next follow-up: a task for its owner (else
    for whoever sets it) due then, reminding them FOLLOWUP_REMINDER_MINUTES before."""
    access.require("lead.manage", staff_id)
    when = check_when(when)
    from data.calendar import EventInput, create_event

    with transaction():
        lead = lead_row(lead_id)
        if when is None:
            if lead.next_followup is not None:
                close_followup(lead, staff_id)
                event(lead_id, staff_id, "followup", from_value=f"{lead.next_followup:%Y-%m-%d %H:%M}")
            return
        if lead.stage not in OPEN_STAGES:
            raise ValidationError("next_followup", _("This lead is {stage}: it needs no follow-up.").format(
                stage=_(LEAD_STAGES[lead.stage])))
        _tick_off(lead.followup_event_id, staff_id)
        who = lead.owner_id or staff_id
        title = _("Follow up lead #{id} {name}").format(id=lead.id, name=lead.name)[:120]
        description = _(LEAD_INTERESTS.get(lead.interest, lead.interest))
        if lead.note:
            description += "\n" + lead.note.splitlines()[0][:200]
        event_id, _conflicts = create_event(EventInput(
            kind="task", title=title, start=None, end=None, attendee_ids=[who], due=when,
            person_id=lead.person_id, reminder_minutes=FOLLOWUP_REMINDER_MINUTES,
            description=description), staff_id)
        Lead.update(next_followup=when, followup_event=event_id, updated_at=clock_now(),
                    version=Lead.version + 1).where(Lead.id == lead_id).execute()
        event(lead_id, staff_id, "followup",
              from_value=f"{lead.next_followup:%Y-%m-%d %H:%M}" if lead.next_followup else "",
              to_value=f"{when:%Y-%m-%d %H:%M}")

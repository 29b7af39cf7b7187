"""A lead's timeline lines (who did what, when) and the notification of a new owner."""

from __future__ import annotations

from data import notifications
from data.clock import now as clock_now
from data.i18n import _
from data.leads.values import LEAD_INTERESTS
from data.models import LeadEvent


def event(lead_id: int, staff_id: int | None, kind: str, *, code: str = "", from_value: str = "",
          to_value: str = "", note: str = "") -> None:
    """One line of the lead's timeline, now, by `staff_id` (call inside the write's transaction)."""
    LeadEvent.create(lead=lead_id, at=clock_now(), staff=staff_id, kind=kind, code=code,
                     from_value=from_value[:40], to_value=to_value[:40], note=note)


def tell_owner(lead_id: int, owner_id: int | None, by: int | None, name: str, interest: str) -> None:
    """A lead given to someone other than who gave it reaches them as a notification."""
    if owner_id is None or owner_id == by:
        return
    notifications.send(owner_id, "assigned", _("New lead for you: {name} ({interest})").format(
        name=name, interest=_(LEAD_INTERESTS.get(interest, interest))), entity="lead", entity_id=lead_id)

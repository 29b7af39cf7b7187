"""The work-order queue's views as WHERE conditions. The queue (data.queue) lists them and
the home screen (data.overview) counts with the same ones, so its tiles equal the lists
behind them — without loading the queue's filters, pages and their models for the first
counts (issue 21, cold start)."""

from __future__ import annotations

import datetime as dt

from data.errors import ValidationError
from data.i18n import N_, _
from data.models import WorkOrder
from data.vocab import OPEN_STATUSES

#: "将超时": a running deadline within this many hours counts as due soon.
DUE_SOON_HOURS = 2

VIEWS = {
    "new": N_("To dispatch"),
    "mine": N_("Mine"),
    "overdue": N_("Overdue / due soon"),
    "on_hold": N_("On hold"),
    "callback": N_("Follow-up"),
    "all": N_("All"),
}


def view_condition(view: str, staff_id: int, at: dt.datetime):
    """The WHERE condition of a view (None for "all")."""
    soon = at + dt.timedelta(hours=DUE_SOON_HOURS)
    if view == "new":
        return WorkOrder.status == "new"
    if view == "mine":
        return (WorkOrder.assignee == staff_id) & WorkOrder.status.in_(OPEN_STATUSES)
    if view == "overdue":
        running = WorkOrder.status.in_(("new", "assigned", "in_progress"))
        response = WorkOrder.responded_at.is_null() & (WorkOrder.response_due < soon)
        return running & ((WorkOrder.resolution_due < soon) | response)
    if view == "on_hold":
        return WorkOrder.status == "on_hold"
    if view == "callback":
        return WorkOrder.status == "resolved"
    if view == "all":
        return None
    raise ValidationError("view", _("Unknown view “{view}”: use one of {views}.").format(
        view=view, views=", ".join(VIEWS)))

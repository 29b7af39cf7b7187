"""Merging a duplicate work order into another, and linking related ones."""

from __future__ import annotations

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import ValidationError
from data.i18n import _
from data.models import (
    WorkOrderHistory,
    WorkOrderLink,
)
from data.vocab import (
    OPEN_STATUSES,
    WORK_ORDER_STATUSES,
    label,
)
from data.workorders.lifecycle import apply_change
from data.workorders.views import OrderView, get_order


def merge(duplicate_id: int, into_id: int, staff_id: int) -> OrderView:
    """Merge a duplicate into another open work order: it points there, keeps its history
    and is cancelled."""
    access.require("order.merge", staff_id)
    if duplicate_id == into_id:
        raise ValidationError("merge", _("A work order cannot be merged into itself."))
    target = get_order(into_id)
    if target.status not in OPEN_STATUSES:
        raise ValidationError("merge", _("Merge into an open work order ({number} is {status}).").format(
            number=target.number, status=label(WORK_ORDER_STATUSES, target.status)))
    with transaction():
        view = apply_change(duplicate_id, staff_id, "merge",
                       note=_("merged into {number}").format(number=target.number),
                       merged_into=into_id, closed_at=clock_now(), hold_since=None)
        WorkOrderHistory.create(work_order=into_id, staff=staff_id, at=clock_now(), action="merge",
                                from_status=target.status, to_status=target.status,
                                note=_("{number} merged into this one").format(number=view.number))
    return view


def link(order_id: int, other_id: int, staff_id: int) -> None:
    """Mark two work orders as related (both histories say so)."""
    if order_id == other_id:
        raise ValidationError("link", _("A work order cannot be linked to itself."))
    a, b = get_order(order_id), get_order(other_id)
    with transaction():
        exists = WorkOrderLink.select().where(
            ((WorkOrderLink.source == a.id) & (WorkOrderLink.target == b.id))
            | ((WorkOrderLink.source == b.id) & (WorkOrderLink.target == a.id))
        ).exists()
        if exists:
            raise ValidationError("link", _("{a} and {b} are already linked.").format(a=a.number, b=b.number))
        WorkOrderLink.create(source=a.id, target=b.id)
        for this, other in ((a, b), (b, a)):
            WorkOrderHistory.create(work_order=this.id, staff=staff_id, at=clock_now(), action="link",
                                    from_status=this.status, to_status=this.status,
                                    note=_("related to {number}").format(number=other.number))

"""Paid work (有偿维修; issue 18 item 1): a work order's owner-paid cost lines become one bill
on the order's room — the item 有偿维修 (one-off, created per community on first use), the
order it came from on the bill. An order is billed once; one without owner-paid lines is not."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from data import access
from data.clock import now, today
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.fees.arrears import bill_rows
from data.fees.balances import refresh_rooms
from data.fees.items import builtin_item
from data.fees.payments import apply_prepaid
from data.fees.values import BillRow
from data.i18n import _
from data.models import Bill, CostLine, Occupancy, Room, WorkOrder
from data.vocab import WORK_ORDER_STATUSES, label

#: The item's name on bills and statements.
REPAIR_ITEM = "有偿维修"


def _order(ref: int | str) -> WorkOrder:
    text = str(ref).strip()
    query = WorkOrder.select()
    order = (query.where(WorkOrder.id == int(text)).first() if text.isdigit()
             else query.where(WorkOrder.number == text.upper()).first())
    if order is None:
        raise NotFoundError(_("No work order {ref}.").format(ref=text[:30]))
    return order


#: The statuses in which the work is done and the owner's share may be billed.
BILLABLE_STATUSES = ("resolved", "visited", "closed")


def _not_billed(order: WorkOrder) -> None:
    if Bill.get_or_none(Bill.work_order == order.id) is not None:
        raise ValidationError("order", _("Work order {number} is already billed.").format(number=order.number))


def _billable(order: WorkOrder) -> int:
    """The fen the owner pays for `order` (Σ quantity × unit price of its owner-paid cost
    lines, rounded to the fen once); refused unless the work is done and there is a room."""
    if order.status not in BILLABLE_STATUSES:
        raise ValidationError("order", _(
            "Work order {number} is {status}: only a resolved, called-back or closed order can be billed.").format(
            number=order.number, status=label(WORK_ORDER_STATUSES, order.status)))
    if order.room_id is None:
        raise ValidationError("order", _("Work order {number} has no room to bill.").format(number=order.number))
    _not_billed(order)
    lines = list(CostLine.select(CostLine.quantity, CostLine.unit_price)
                 .where(CostLine.work_order == order.id, CostLine.payer == "owner").tuples())
    if not lines:
        raise ValidationError("order", _("Work order {number} has no cost lines the owner pays: "
                                         "nothing to bill.").format(number=order.number))
    exact = sum((Decimal(q) * Decimal(p) for q, p in lines), Decimal(0)) * 100
    fen = int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if fen <= 0:
        raise ValidationError("order", _("Work order {number}'s owner-paid cost lines come to nothing.").format(
            number=order.number))
    return fen


def repair_amount(order_ref: int | str, staff_id: int | None = None) -> int:
    """What `bill_repair` would bill for the order, in fen (for the confirmation), with the
    same refusals."""
    access.require("fees.bill", staff_id)
    return _billable(_order(order_ref))


def bill_repair(order_ref: int | str, staff_id: int | None = None) -> BillRow:
    """Bill a work order's owner-paid cost lines (Σ quantity × unit price, rounded to the fen
    once) to its room's owner (else the developer), today — only once the work is done
    (`BILLABLE_STATUSES`)."""
    access.require("fees.bill", staff_id)
    order = _order(order_ref)
    fen = _billable(order)
    room = Room.get_by_id(order.room_id)
    day = today()
    owner = (Occupancy.select(Occupancy.person).where(
        Occupancy.room == room.id, Occupancy.role == "owner", Occupancy.end_date.is_null())
        .order_by(Occupancy.id).scalar())
    with transaction():
        _not_billed(order)  # again inside the transaction: two desks may bill at once
        item = builtin_item(room.community_id, REPAIR_ITEM)
        bill = Bill.create(community=room.community_id, building=room.building_id, room=room.id,
                           space_key=-order.id, item=item.id, period=f"{day.year:04d}-{day.month:02d}",
                           starts_on=day, ends_on=day, payer_kind="owner" if owner else "developer",
                           person=owner, quantity=1, unit_price_fen=fen, amount_fen=fen, issued_at=now(),
                           work_order=order.id)
        apply_prepaid(room.id)
        refresh_rooms([room.id])
    return bill_rows(Bill.id == bill.id)[0]

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


def bill_repair(order_ref: int | str, staff_id: int | None = None) -> BillRow:
    """Bill a work order's owner-paid cost lines (Σ quantity × unit price, rounded to the fen
    once) to its room's owner (else the developer), today."""
    access.require("fees.bill", staff_id)
    order = _order(order_ref)
    if order.room_id is None:
        raise ValidationError("order", _("Work order {number} has no room to bill.").format(number=order.number))
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
    room = Room.get_by_id(order.room_id)
    day = today()
    owner = (Occupancy.select(Occupancy.person).where(
        Occupancy.room == room.id, Occupancy.role == "owner", Occupancy.end_date.is_null())
        .order_by(Occupancy.id).scalar())
    with transaction():
        if Bill.get_or_none(Bill.work_order == order.id) is not None:
            raise ValidationError("order", _("Work order {number} is already billed.").format(number=order.number))
        item = builtin_item(room.community_id, REPAIR_ITEM)
        bill = Bill.create(community=room.community_id, building=room.building_id, room=room.id,
                           space_key=-order.id, item=item.id, period=f"{day.year:04d}-{day.month:02d}",
                           starts_on=day, ends_on=day, payer_kind="owner" if owner else "developer",
                           person=owner, quantity=1, unit_price_fen=fen, amount_fen=fen, issued_at=now(),
                           work_order=order.id)
        apply_prepaid(room.id)
        refresh_rooms([room.id])
    return bill_rows(Bill.id == bill.id)[0]

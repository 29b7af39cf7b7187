"""The cost lines of a work order (material, labour), and resolving with a cost in one step."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from data.clock import now as clock_now
from data.db import transaction
from data.errors import ValidationError
from data.i18n import _
from data.models import (
    CostLine,
    WorkOrderHistory,
)
from data.validators import clean_text
from data.workorders.lifecycle import load_for_change, resolve
from data.workorders.views import OrderView

#: Quantities and prices stay below this (CostLine's DECIMAL(10, 2) columns).
MAX_AMOUNT = Decimal("100000000")


def add_cost(order_id: int, staff_id: int, kind: str, description: str, quantity: str | Decimal,
             unit_price: str | Decimal, payer: str) -> int:
    """A cost line (material or labour, paid by the owner or the company)."""
    if kind not in ("material", "labour"):
        raise ValidationError("kind", _("A cost is material or labour."))
    if payer not in ("owner", "company"):
        raise ValidationError("payer", _("The owner or the company pays."))
    description = clean_text(description, "description", max_length=120)
    if not description:
        raise ValidationError("description", _("Say what the cost is for, such as 角阀 or 人工."))
    qty, price = _decimal(quantity, "quantity"), _decimal(unit_price, "unit_price")
    if qty <= 0:
        raise ValidationError("quantity", _("The quantity is more than 0."))
    if price < 0:
        raise ValidationError("unit_price", _("The price cannot be negative."))
    with transaction():
        order = load_for_change(order_id, None)
        line = CostLine.create(work_order=order_id, kind=kind, description=description, quantity=qty,
                               unit_price=price, payer=payer, created_by=staff_id, created_at=clock_now())
        WorkOrderHistory.create(work_order=order_id, staff=staff_id, at=clock_now(), action="cost",
                                from_status=order.status, to_status=order.status,
                                note=f"{description} {qty} × {price}")
    return line.id


@dataclass(frozen=True)
class CostInput:
    """One cost line as typed in a form (checked by `add_cost`)."""

    kind: str
    description: str
    quantity: str | Decimal
    unit_price: str | Decimal
    payer: str


def resolve_with_cost(order_id: int, staff_id: int, note: str, cost: CostInput | None = None, *,
                      expected_version: int | None = None) -> OrderView:
    """Resolve the order and record what the work cost, in one transaction: a refused cost
    line leaves the order as it was. Returns the order as resolved."""
    with transaction():
        view = resolve(order_id, staff_id, note, expected_version=expected_version)
        if cost is not None:
            add_cost(order_id, staff_id, cost.kind, cost.description, cost.quantity,
                     cost.unit_price, cost.payer)
    return view


def _decimal(value: str | Decimal, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace("，", ".").replace("¥", "").replace("元", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(field, _("Write a number, such as 12.50.")) from None
    if not number.is_finite():
        raise ValidationError(field, _("Write a number, such as 12.50."))
    if abs(number) >= MAX_AMOUNT:  # the column holds 10 digits, 2 after the point
        raise ValidationError(field, _("At most {limit}.").format(limit=MAX_AMOUNT - Decimal("0.01")))
    return number.quantize(Decimal("0.01"))

"""Renovation deposits (装修押金, issue 18 item 8) as a refundable one-off fee item: taking
a permit's deposit issues a bill line on the permit's room and a payment settling it, with
a receipt number; the refund is a refund payment (money out, its own receipt) settling a
credit line of the same item, so the deposit bill and its payment stay as they were.

These run inside the renovation step's transaction (data.renovations.permits): the
permit's own permission (renovation.register, renovation.refund) gates them, one business
operation. Money held is neither arrears nor income: rates and the public accounts leave
refundable items out (`refundable_items`)."""

from __future__ import annotations

import datetime as dt

from data.fees.payments import _lock_room, _next_receipt, _settle
from data.models import Bill, FeeItem, Occupancy, Payment, Room

#: The fee item's name in every community.
DEPOSIT_ITEM = "装修押金"
#: The reason a deposit refund carries, with the permit number.
REFUND_REASON = "装修押金退还 {number}"


def deposit_item(community_id: int) -> int:
    """The community's 装修押金 item (one-off, refundable), created when first needed."""
    item = FeeItem.get_or_none(FeeItem.community == community_id, FeeItem.name == DEPOSIT_ITEM)
    if item is None:
        item = FeeItem.create(community=community_id, name=DEPOSIT_ITEM, basis="once", cycle="once",
                              refundable=True)
    elif not item.refundable:
        FeeItem.update(refundable=True).where(FeeItem.id == item.id).execute()
    return item.id


def refundable_items():
    """A subquery of the refundable items' ids (to leave them out of rates and accounts)."""
    return FeeItem.select(FeeItem.id).where(FeeItem.refundable == True)  # noqa: E712


def _line(room: Room, item_id: int, fen: int, at: dt.datetime, key: int) -> int:
    owner = (Occupancy.select(Occupancy.person).where(
        Occupancy.room == room.id, Occupancy.role == "owner", Occupancy.end_date.is_null())
        .order_by(Occupancy.id).scalar())
    day = at.date()
    bill = Bill.create(community=room.community_id, building=room.building_id, room=room.id,
                       space_key=key, item=item_id, period=f"{day.year:04d}-{day.month:02d}",
                       starts_on=day, ends_on=day, payer_kind="owner" if owner else "developer",
                       person=owner, quantity=1, unit_price_fen=fen, amount_fen=fen, issued_at=at)
    return bill.id


def take_deposit(room_id: int, fen: int, payer_name: str, staff_id: int | None,
                 at: dt.datetime, method: str = "cash") -> str:
    """The deposit taken (inside the caller's transaction): its bill line and the payment
    settling it; returns the receipt number."""
    room = Room.get_by_id(room_id)
    _lock_room(room_id)
    item_id = deposit_item(room.community_id)
    # space_key keeps one room's deposits of one day apart (the bill's unique key): the
    # count of this item's lines on the room so far, negated.
    key = -(Bill.select().where(Bill.room == room_id, Bill.item == item_id).count() + 1)
    bill_id = _line(room, item_id, fen, at, key)
    number = _next_receipt(room.community_id, at.year)
    payment = Payment.create(number=number, community=room.community_id, room=room_id, kind="payment",
                             method=method, payer_name=payer_name[:60], amount_fen=fen, staff=staff_id,
                             taken_at=at)
    _settle(bill_id, fen, payment.id, at)
    return number


def refund_deposit(room_id: int, fen: int, permit_number: str, staff_id: int | None,
                   at: dt.datetime, method: str = "cash") -> str:
    """The deposit paid back (inside the caller's transaction): a credit line of the
    deposit item (−fen) settled by a refund payment (−fen) with the reason "装修押金退还
    <permit>"; the original bill and payment stay visible. Returns the receipt number."""
    room = Room.get_by_id(room_id)
    _lock_room(room_id)
    item_id = deposit_item(room.community_id)
    key = -(Bill.select().where(Bill.room == room_id, Bill.item == item_id).count() + 1)
    bill_id = _line(room, item_id, -fen, at, key)
    number = _next_receipt(room.community_id, at.year)
    payment = Payment.create(number=number, community=room.community_id, room=room_id, kind="refund",
                             method=method, amount_fen=-fen, reason=REFUND_REASON.format(number=permit_number),
                             staff=staff_id, taken_at=at)
    _settle(bill_id, -fen, payment.id, at)
    return number

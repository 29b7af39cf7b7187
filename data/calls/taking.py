"""Taking a call: logging it with the promised callback it settles, or with the work order
it leads to — each one business operation in one transaction."""

from __future__ import annotations

from dataclasses import replace

from data.calls.log import CallInput, CallView, complete_callback, link_work_order, log_call
from data.db import transaction
from data.i18n import _
from data.vocab import UNANSWERED_OUTCOMES
from data.workorders import OrderInput, create_order


def log_call_answering(data: CallInput, staff_id: int, callback_of: int | None = None) -> CallView:
    """Log a call; when it answers the callback promised on the call `callback_of` and
    reached someone (an answered outcome), that callback is marked made too, naming this
    call. Both or neither: a refused callback logs nothing."""
    with transaction():
        view = log_call(data, staff_id)
        if callback_of is not None and view.outcome not in UNANSWERED_OUTCOMES:
            complete_callback(callback_of, staff_id, note=_("Called back: call {id}").format(id=view.id))
    return view


def create_order_from_call(order: OrderInput, staff_id: int, *, call_id: int | None = None,
                           call: CallInput | None = None,
                           callback_of: int | None = None) -> tuple[int, CallView | None]:
    """Create a work order from a call, in one transaction: linked to the logged call
    `call_id`, and/or with the call being taken (`call`) logged as leading to it (settling
    the callback `callback_of`, as `log_call_answering` does). Returns the order's id and
    the call as stored; a refusal of any part saves nothing."""
    with transaction():
        order_id = create_order(order, staff_id).id
        logged = link_work_order(call_id, order_id, staff_id) if call_id is not None else None
        if call is not None:
            logged = log_call_answering(replace(call, work_order_id=order_id), staff_id, callback_of)
    return order_id, logged

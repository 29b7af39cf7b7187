"""Work orders (工单): reading (`views`), numbering and the status machine (`lifecycle`),
merging and linking (`links`), cost lines (`costs`); their SLA deadlines live in data.sla."""

from data.workorders.costs import CostInput, add_cost, resolve_with_cost
from data.workorders.lifecycle import (
    ACTION_LABELS,
    REASSIGN_TO,
    TRANSITIONS,
    UNHAPPY_RATING,
    ConflictError,
    OrderInput,
    add_note,
    assign,
    cancel,
    close,
    create_order,
    hold,
    may_record_callback,
    record_callback,
    refusal,
    reopen,
    resolve,
    resume,
    set_appointment,
    set_priority,
    staff_by_login,
    start,
    worked_on,
)
from data.workorders.links import link, merge
from data.workorders.views import (
    RUNNING_STATUSES,
    CostView,
    HistoryRow,
    OrderView,
    costs,
    get_order,
    history,
    linked_orders,
)

__all__ = [
    "REASSIGN_TO",
    "may_record_callback", "worked_on",
    "ACTION_LABELS", "RUNNING_STATUSES", "TRANSITIONS", "UNHAPPY_RATING", "ConflictError",
    "CostInput", "CostView", "HistoryRow", "OrderInput", "OrderView", "add_cost", "add_note",
    "assign", "cancel", "close", "costs", "create_order", "get_order", "history", "hold", "link",
    "linked_orders", "merge", "record_callback", "refusal", "reopen", "resolve",
    "resolve_with_cost", "resume", "set_appointment", "set_priority", "staff_by_login", "start",
]

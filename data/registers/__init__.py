"""The front desk's registers (issue 16): visitors (访客登记) and release passes (物品放行条).

Each register is a module of this package — its rules, its reads and its writes, each
write one function owning its transaction; the screens and the CLI get dataclasses back.
The gate (`guard` role) may register visitors and check passes, nothing else (data.access).
"""

from data.registers.common import (
    RoomPerson,
    RoomRef,
    room_match,
    room_people,
    room_ref,
    shown_plate,
)
from data.registers.passes import (
    LIST_STATES,
    OwnerChoice,
    PassCheck,
    PassInput,
    PassPage,
    PassRefused,
    PassView,
    cancel_pass,
    check_pass,
    get_pass,
    issue_pass,
    normalize_number,
    passes_page,
    room_owners,
    use_pass,
)
from data.registers.visitors import (
    CONFIRM_LOOKUPS_PER_HOUR,
    ConfirmCall,
    ConfirmLookup,
    PersonToCall,
    RevealedVisitor,
    VisitorInput,
    VisitorPage,
    VisitorPrefill,
    VisitorView,
    call_to_confirm,
    confirm_visit,
    dial_to_confirm,
    get_visitor,
    look_up_to_confirm,
    person_to_call,
    purge_visitor_details,
    register_visitor,
    reveal_prefill_phone,
    reveal_visitors,
    sign_out,
    visitor_by_phone,
    visitor_by_plate,
    visitors_day,
)

__all__ = [
    "CONFIRM_LOOKUPS_PER_HOUR", "ConfirmCall", "ConfirmLookup", "LIST_STATES", "OwnerChoice", "PassCheck", "PassInput", "PassPage", "PassRefused", "PassView",
    "PersonToCall", "RevealedVisitor", "RoomPerson", "RoomRef", "VisitorInput", "VisitorPage",
    "VisitorPrefill", "VisitorView", "call_to_confirm", "cancel_pass", "check_pass", "confirm_visit", "dial_to_confirm", "get_pass",
    "get_visitor", "issue_pass", "look_up_to_confirm", "normalize_number", "passes_page", "person_to_call",
    "purge_visitor_details", "register_visitor", "reveal_prefill_phone", "reveal_visitors", "room_match", "room_owners",
    "room_people", "room_ref", "shown_plate", "sign_out", "use_pass", "visitor_by_phone", "visitor_by_plate",
    "visitors_day",
]

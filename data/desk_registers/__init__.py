"""The front desk's registers (issue 16 items 3, 4, 6): keys left with the desk (钥匙寄存),
parcels held for a room (代收) and lost and found (失物招领).

Each register gives a screen tab what it calls: a paged list with filters (`list_keys`,
`list_parcels`, `list_found`: limit/offset, text, state, community), one record as a view
(`get_key`, `get_parcel`, `get_found`) and one function per action, all returning frozen
dataclasses and refusing bad input with a ValidationError naming the field (or
PermissionDenied: the registers are desk staff's and leads', `keys.manage`,
`parcels.manage`, `found.manage` in data.access). For the handover and the room card:
`keys_out(now)`, `keys_held_for_room(room_id)`, `parcels_waiting_for_room(room_id)` (they
ask the same permissions: check `access.can` before showing them).
"""

from __future__ import annotations

from data.desk_registers.common import MAX_PAGE, PAGE, Page, RoomRef
from data.desk_registers.found import ACTION as FOUND_ACTION
from data.desk_registers.found import (
    DISPOSALS,
    FOUND_KEEP_DAYS,
    FOUND_STATES,
    ClaimInput,
    FoundInput,
    FoundRow,
    FoundView,
    add_found,
    claim_found,
    default_community,
    dispose_found,
    found_counts,
    get_found,
    list_found,
    parse_found_state,
)
from data.desk_registers.keys import ACTION as KEYS_ACTION
from data.desk_registers.keys import (
    KEY_OVERDUE,
    KEY_STATES,
    AuthorisedInput,
    AuthorisedView,
    KeyDepositInput,
    KeyLoanView,
    KeyOut,
    KeyRow,
    KeyView,
    authorise_key,
    close_key,
    deposit_key,
    get_key,
    hand_out_key,
    key_counts,
    keys_held_for_room,
    keys_out,
    list_keys,
    owner_authorisation,
    parse_key_state,
    return_key,
    revoke_authorised,
)
from data.desk_registers.parcels import ACTION as PARCELS_ACTION
from data.desk_registers.parcels import (
    CARRIERS,
    COLLECTED_HOW,
    PARCEL_OVERDUE_DAYS,
    PARCEL_SIZES,
    PARCEL_STATES,
    ParcelCall,
    ParcelInput,
    ParcelMessage,
    ParcelRow,
    ParcelView,
    begin_parcel_message,
    collect_parcel,
    get_parcel,
    list_parcels,
    notify_parcel,
    parcel_call,
    parcel_counts,
    parcels_waiting,
    parcels_waiting_for_room,
    parse_parcel_state,
    receive_parcel,
    send_parcel_message,
)

__all__ = [
    "FOUND_ACTION", "KEYS_ACTION", "PARCELS_ACTION", "CARRIERS", "COLLECTED_HOW", "DISPOSALS", "FOUND_KEEP_DAYS", "FOUND_STATES", "KEY_OVERDUE",
    "KEY_STATES", "MAX_PAGE", "PAGE", "PARCEL_OVERDUE_DAYS", "PARCEL_SIZES", "PARCEL_STATES",
    "AuthorisedInput", "AuthorisedView", "ClaimInput", "FoundInput", "FoundRow", "FoundView",
    "KeyDepositInput", "KeyLoanView", "KeyOut", "KeyRow", "KeyView", "Page", "ParcelInput",
    "ParcelCall", "ParcelMessage", "ParcelRow", "ParcelView", "RoomRef", "add_found", "authorise_key", "begin_parcel_message", "claim_found",
    "close_key", "collect_parcel", "default_community", "deposit_key", "dispose_found", "found_counts", "get_found",
    "get_key", "get_parcel", "hand_out_key", "key_counts", "keys_held_for_room", "keys_out",
    "list_found", "list_keys", "list_parcels", "notify_parcel", "parcel_call", "owner_authorisation", "parcel_counts",
    "parcels_waiting", "parcels_waiting_for_room", "parse_found_state", "parse_key_state",
    "parse_parcel_state", "receive_parcel", "return_key", "revoke_authorised", "send_parcel_message",
]

"""Phone service (issue 5): the call log and caller matching, callbacks, call lists
(外呼任务), scripts (话术), incidents (停水, 停电 …) and call statistics.

Screens and the CLI get plain frozen values (`CallView`, `CallerMatch`, `CallStats` …);
every write is validated first and runs in one write transaction.

One module per part: `numbers` (the stored form of a number, and whom it reaches), `log`
(logging calls, callbacks, history), `matching` (who is calling), `incidents`, `lists`,
`script_library` (scripts), `statistics`, `taking` (a call logged with the callback it
settles or the work order it leads to) and `ringing` (the caller-ID pop-up: what the phone
system reports, and what a session watches). Their public API is re-exported here, so
`from data.calls import log_call` is the way to reach it.
"""

from __future__ import annotations

from data.calls.incidents import (
    INCIDENT_ROLES,
    IncidentView,
    active_incidents,
    declare_incident,
    end_incident,
    get_incident,
    incident_for_room,
    tag_call,
)
from data.calls.lists import (
    ATTEMPT_CALL_OUTCOMES,
    LIST_CALL_CATEGORIES,
    MAX_FAILED_ATTEMPTS,
    MAX_LIST_ITEMS,
    CallItemView,
    CallListView,
    build_callback_list,
    build_list_from_file,
    build_list_from_search,
    call_lists,
    list_items,
    next_item,
    record_attempt,
)
from data.calls.log import (
    MAX_DURATION_S,
    NOTIFY_BATCH,
    CallFilter,
    CallInput,
    CallPage,
    CallView,
    attach_number,
    call_history,
    callbacks,
    complete_callback,
    get_call,
    link_work_order,
    log_call,
    lookup_refusal,
    notify_due_callbacks,
    schedule_callback,
)
from data.calls.matching import (
    AMBIGUOUS_SHOWN,
    LAST_CALLS_SHOWN,
    OPEN_ORDERS_SHOWN,
    CallerMatch,
    match_caller,
)
from data.calls.numbers import MAX_DIGITS, MIN_DIGITS, normalize_number
from data.calls.ringing import (
    MISSED_CALLBACK_AFTER,
    RING_POLL_S,
    RingView,
    RingWatch,
    check_extension,
    check_pbx_call_id,
    check_recording,
    get_ring,
    hangup,
    missed,
    ring,
    ring_number,
)
from data.calls.script_library import (
    DEFAULT_SCRIPTS,
    PLACEHOLDERS,
    ScriptView,
    check_placeholders,
    ensure_default_scripts,
    fill_script,
    find_script,
    save_script,
    scripts,
)
from data.calls.statistics import CallStats, call_stats
from data.calls.taking import create_order_from_call, log_call_answering

__all__ = [
    "AMBIGUOUS_SHOWN",
    "ATTEMPT_CALL_OUTCOMES",
    "CallFilter",
    "CallInput",
    "CallItemView",
    "CallListView",
    "CallPage",
    "CallStats",
    "CallView",
    "CallerMatch",
    "DEFAULT_SCRIPTS",
    "INCIDENT_ROLES",
    "IncidentView",
    "LAST_CALLS_SHOWN",
    "LIST_CALL_CATEGORIES",
    "MAX_DIGITS",
    "MAX_DURATION_S",
    "MAX_FAILED_ATTEMPTS",
    "MAX_LIST_ITEMS",
    "MIN_DIGITS",
    "MISSED_CALLBACK_AFTER",
    "RING_POLL_S",
    "RingView",
    "RingWatch",
    "NOTIFY_BATCH",
    "OPEN_ORDERS_SHOWN",
    "ScriptView",
    "active_incidents",
    "attach_number",
    "build_callback_list",
    "build_list_from_file",
    "build_list_from_search",
    "call_history",
    "call_lists",
    "call_stats",
    "callbacks",
    "complete_callback",
    "create_order_from_call",
    "declare_incident",
    "end_incident",
    "PLACEHOLDERS",
    "check_placeholders",
    "check_extension",
    "check_pbx_call_id",
    "check_recording",
    "ensure_default_scripts",
    "find_script",
    "fill_script",
    "get_call",
    "get_incident",
    "get_ring",
    "hangup",
    "incident_for_room",
    "link_work_order",
    "list_items",
    "log_call",
    "log_call_answering",
    "lookup_refusal",
    "match_caller",
    "missed",
    "next_item",
    "normalize_number",
    "notify_due_callbacks",
    "record_attempt",
    "ring",
    "ring_number",
    "save_script",
    "schedule_callback",
    "scripts",
    "tag_call",
]

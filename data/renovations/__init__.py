"""Renovation permits (装修登记, issue 16 item 2): an owner's application for a room (the
contractor and its workers, scope, period, permitted hours, the deposit 装修押金, rules
acknowledged), approval, inspections during the works (巡查: warnings kept on the permit,
violations and repairs opening work orders), acceptance (验收) and the deposit refund; the
permitted-hours rule with the holiday calendar, and the flag a noise complaint about a
room under renovation gets (`flag_noise_complaint`, called by data.workorders).

The values and parsers are in `values`, the hours rule in `hours`, the steps and the
register in `permits`. Screens and the CLI get the dataclasses of `values` back.

Who may do what (data.access RULES): the desk registers permits and records the deposit,
the rules, the start and the end of the works and cancellations; leads approve or reject,
record the acceptance and refund the deposit; anyone (technicians on their rounds too)
records an inspection.
"""

from data.renovations.hours import (
    FLAG_ACTION,
    INSIDE_HOURS,
    OUTSIDE_HOURS,
    PUBLIC_HOLIDAY,
    REST_DAY,
    WORKING_DAY,
    HoursToday,
    NearbyPermit,
    active_permit,
    day_kind,
    flag_noise_complaint,
    hours_today,
    is_noise_category,
    is_permitted,
    nearby_permits,
    noise_flag,
    renovation_flag,
    windows_on,
)
from data.renovations.permits import (
    NUMBER_PREFIX,
    PERMISSIONS,
    TRANSITIONS,
    accept,
    acknowledge_rules,
    approve,
    cancel,
    finish,
    get_permit,
    inspect,
    list_permits,
    may,
    permit_open_orders,
    record_deposit,
    refund,
    refusal,
    register,
    reject,
    room_permits,
    rooms_under_renovation,
    start,
)
from data.renovations.values import (
    ACTION_LABELS,
    ACTIVE_STATUSES,
    DEFAULT_REST_DAY_HOURS,
    DEFAULT_WORKDAY_HOURS,
    OPEN_STATUSES,
    PAGE,
    RESULT_WORDS,
    RESULTS,
    STATUS_WORDS,
    STATUSES,
    EventRow,
    InspectionInput,
    InspectionView,
    RenovationFilter,
    RenovationInput,
    RenovationPage,
    RenovationRow,
    RenovationView,
    WorkerInput,
    WorkerView,
    describe_hours,
    format_hours,
    money,
    parse_amount,
    parse_hours,
    parse_id_tail,
)

__all__ = [
    "FLAG_ACTION", "INSIDE_HOURS", "OUTSIDE_HOURS", "PUBLIC_HOLIDAY", "REST_DAY", "WORKING_DAY",
    "HoursToday", "NearbyPermit", "active_permit", "day_kind", "flag_noise_complaint",
    "hours_today", "is_noise_category", "is_permitted", "nearby_permits", "noise_flag",
    "renovation_flag", "windows_on",
    "NUMBER_PREFIX", "PERMISSIONS", "TRANSITIONS", "accept", "acknowledge_rules", "approve",
    "cancel", "finish", "get_permit", "inspect", "list_permits", "may", "permit_open_orders", "record_deposit",
    "refund", "refusal", "register", "reject", "room_permits", "rooms_under_renovation", "start",
    "ACTION_LABELS", "ACTIVE_STATUSES", "DEFAULT_REST_DAY_HOURS", "DEFAULT_WORKDAY_HOURS",
    "OPEN_STATUSES", "PAGE", "RESULT_WORDS", "RESULTS", "STATUS_WORDS", "STATUSES", "EventRow",
    "InspectionInput", "InspectionView", "RenovationFilter", "RenovationInput", "RenovationPage",
    "RenovationRow", "RenovationView", "WorkerInput", "WorkerView", "describe_hours",
    "format_hours", "money", "parse_amount", "parse_hours", "parse_id_tail",
]

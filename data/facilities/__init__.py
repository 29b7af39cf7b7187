"""Facilities and inspections (设施设备台账, 定期巡查; issue 20 items 6, 7): the register with
each item's periodic legal inspections and their reminders (`register`), and the inspection
routes with their runs (`inspections`); the codes and values in `values`."""

from data.facilities.inspections import (
    create_route,
    due_today,
    find_route,
    finish_run,
    get_route,
    get_run,
    missed,
    open_work_order,
    parse_reading,
    record_answer,
    results,
    routes,
    schedule,
    start_run,
)
from data.facilities.register import (
    add_check,
    add_facility,
    add_months,
    building_id_for,
    buildings_of,
    due_checks,
    facilities,
    get_facility,
    history,
    overdue_checks,
    record_check,
    remind_due_checks,
)
from data.facilities.values import (
    ITEM_KINDS,
    KINDS,
    LEGAL_CHECKS,
    REMIND_DAYS,
    RUN_STATES,
    AnswerView,
    CheckDue,
    CheckReminder,
    CheckView,
    FacilityInput,
    FacilityRow,
    FacilityView,
    HistoryEntry,
    ItemInput,
    ItemView,
    ResultRow,
    RouteInput,
    RouteRow,
    RunView,
    Slot,
)

__all__ = [
    "ITEM_KINDS", "KINDS", "LEGAL_CHECKS", "REMIND_DAYS", "RUN_STATES",
    "AnswerView", "CheckDue", "CheckReminder", "CheckView", "FacilityInput", "FacilityRow",
    "FacilityView", "HistoryEntry", "ItemInput", "ItemView", "ResultRow", "RouteInput", "RouteRow",
    "RunView", "Slot",
    "add_check", "add_facility", "add_months", "building_id_for", "buildings_of", "due_checks", "facilities", "get_facility", "history",
    "overdue_checks", "record_check", "remind_due_checks",
    "create_route", "due_today", "find_route", "finish_run", "get_route", "get_run", "missed",
    "open_work_order", "parse_reading", "record_answer", "results", "routes", "schedule", "start_run",
]

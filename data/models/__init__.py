"""Peewee models for FrontDesk's whole domain (SPEC §6), one module per domain: people and
property, staff (and drafts), work orders, calls (and call lists), the calendar, audit and
settings, the registers and renovation permits, leads, the knowledge base, contracts,
fees, notices and activities. A new domain adds its own module here and its models to
`ALL_MODELS`.

The models the sign-in and the home screen need (people and property, staff, work orders
and facilities, calls, the calendar, audit and settings) are defined on import; every
other domain's module is imported when one of its models is first asked for
(`from data.models import Bill`, or `ALL_MODELS`): defining all 114 models took about a
third of FrontDesk's own imports at every cold start (SPEC §10, issue 21). A new domain
module lists its models in `_LAZY` (or among the eager imports if the first screen needs
them).

Times are naive Asia/Shanghai wall-clock datetimes (see `data.clock`). Codes
(roles, statuses, kinds) are stored as short ASCII strings; their Chinese and
English labels live in `data.vocab` and the translation catalogs.
"""

from __future__ import annotations

import importlib
from typing import Any

from data.db import BaseModel
from data.models.audit import (
    AuditLog,
    DailyCounter,
    Holiday,
    Notification,
    ReminderDelivery,
    SavedFilter,
    Setting,
)
from data.models.calendar import Event, EventAttendee
from data.models.calls import (
    Call,
    CallAttempt,
    CallList,
    CallListItem,
    Incident,
    IncidentBuilding,
    Ring,
    Script,
)
from data.models.facilities import Facility, FacilityCheck, FacilityCheckRecord
from data.models.people import (
    Building,
    Community,
    Entrance,
    Occupancy,
    ParkingSpace,
    Person,
    PersonNameKey,
    PersonTag,
    Phone,
    Room,
    Tag,
    Vehicle,
)
from data.models.staff import (
    Draft,
    PersonNote,
    Staff,
    Territory,
)
from data.models.workorders import (
    Category,
    CostLine,
    SlaPolicy,
    WorkOrder,
    WorkOrderHistory,
    WorkOrderLink,
)

#: The models of the domains imported on first use: name → module under data.models.
_LAZY: dict[str, str] = {
    "Contract": "contracts", "ContractCounter": "contracts", "ContractEvent": "contracts", "ContractTemplate": "contracts",
    "FoundItem": "desk_registers", "KeyAuthorisation": "desk_registers", "KeyDeposit": "desk_registers", "KeyLoan": "desk_registers", "Parcel": "desk_registers",
    "Allocation": "fees", "ArrearsContact": "fees", "ArrearsReason": "fees", "Bill": "fees", "CommissionLine": "fees", "CommissionRule": "fees", "CommissionStatement": "fees", "FeeAccount": "fees", "FeeExpense": "fees", "FeeItem": "fees", "FeeStandard": "fees", "FundBalance": "fees", "FundRequest": "fees", "FundRequestRoom": "fees", "Invoice": "fees", "MeterReading": "fees", "Payment": "fees", "ReceiptCounter": "fees", "SharedEntry": "fees", "Waiver": "fees",
    "Handover": "handover", "HandoverCommunity": "handover",
    "HotlineOrder": "hotline",
    "InspectionRoute": "inspections", "InspectionRun": "inspections", "RouteItem": "inspections", "RunAnswer": "inspections",
    "KbArticle": "knowledge", "KbArticleOrder": "knowledge", "KbComment": "knowledge", "KbCommentHelpful": "knowledge", "KbHelpful": "knowledge", "KbKey": "knowledge",
    "Lead": "leads", "LeadEvent": "leads", "LeadInterest": "leads", "LeadPhone": "leads", "LeadRule": "leads",
    "BallotEntry": "meetings", "CommitteeMeeting": "meetings", "CommitteeMember": "meetings", "Meeting": "meetings", "Proposal": "meetings",
    "OutboundMessage": "messages",
    "Activity": "notices", "ActivitySignup": "notices", "Notice": "notices", "NoticeDelivery": "notices", "NoticeTarget": "notices",
    "ReleasePass": "registers", "Visitor": "registers",
    "Renovation": "renovations", "RenovationEvent": "renovations", "RenovationInspection": "renovations", "RenovationWorker": "renovations",
    "CustomReport": "reports",
    "PurgeRun": "retention",
    "Questionnaire": "surveys", "Survey": "surveys", "SurveyAnswer": "surveys", "SurveyHousehold": "surveys", "SurveyQuestion": "surveys",
}

#: Every model's name, in dependency order (creation, copying, counting): `ALL_MODELS`.
_ALL_NAMES: tuple[str, ...] = (
    "Community",
    "Building",
    "Entrance",
    "Person",
    "PersonNameKey",
    "Room",
    "Occupancy",
    "Phone",
    "Vehicle",
    "ParkingSpace",
    "Tag",
    "PersonTag",
    "Staff",
    "Territory",
    "PersonNote",
    "Category",
    "SlaPolicy",
    "Facility",
    "FacilityCheck",
    "FacilityCheckRecord",
    "WorkOrder",
    "WorkOrderHistory",
    "WorkOrderLink",
    "CostLine",
    "Incident",
    "IncidentBuilding",
    "Call",
    "Ring",
    "Event",
    "EventAttendee",
    "Notification",
    "ReminderDelivery",
    "AuditLog",
    "SavedFilter",
    "Setting",
    "DailyCounter",
    "Holiday",
    "CallList",
    "CallListItem",
    "CallAttempt",
    "Script",
    "Draft",
    "OutboundMessage",
    "Renovation",
    "RenovationWorker",
    "RenovationInspection",
    "RenovationEvent",
    "Handover",
    "HandoverCommunity",
    "Visitor",
    "ReleasePass",
    "KeyDeposit",
    "KeyAuthorisation",
    "KeyLoan",
    "Parcel",
    "FoundItem",
    "HotlineOrder",
    "PurgeRun",
    "Lead",
    "LeadPhone",
    "LeadInterest",
    "LeadEvent",
    "LeadRule",
    "ContractTemplate",
    "ContractCounter",
    "Contract",
    "ContractEvent",
    "KbArticle",
    "KbKey",
    "KbArticleOrder",
    "KbComment",
    "KbHelpful",
    "KbCommentHelpful",
    "FeeItem",
    "FeeStandard",
    "Bill",
    "ReceiptCounter",
    "Payment",
    "Allocation",
    "Waiver",
    "FeeAccount",
    "FeeExpense",
    "SharedEntry",
    "ArrearsContact",
    "MeterReading",
    "ArrearsReason",
    "CommissionRule",
    "CommissionStatement",
    "CommissionLine",
    "Invoice",
    "FundBalance",
    "FundRequest",
    "FundRequestRoom",
    "Meeting",
    "Proposal",
    "BallotEntry",
    "CommitteeMember",
    "CommitteeMeeting",
    "Questionnaire",
    "SurveyQuestion",
    "Survey",
    "SurveyHousehold",
    "SurveyAnswer",
    "Notice",
    "NoticeTarget",
    "NoticeDelivery",
    "Activity",
    "ActivitySignup",
    "InspectionRoute",
    "RouteItem",
    "InspectionRun",
    "RunAnswer",
    "CustomReport",
)


def __getattr__(name: str) -> Any:
    """A lazily imported domain's model, or `ALL_MODELS` (every model, in dependency
    order: all the domains are imported)."""
    if name == "ALL_MODELS":
        models: tuple[type[BaseModel], ...] = tuple(
            globals()[n] if n in globals() else __getattr__(n) for n in _ALL_NAMES)
        globals()["ALL_MODELS"] = models
        return models
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"data.models.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ALL_MODELS", "Community", "Building", "Entrance", "Person", "PersonNameKey", "Room",
    "Occupancy", "Phone", "Vehicle", "ParkingSpace", "Tag", "PersonTag", "Staff", "Territory",
    "PersonNote", "Category", "SlaPolicy", "WorkOrder", "WorkOrderHistory", "WorkOrderLink",
    "CostLine", "Incident", "IncidentBuilding", "Call", "Ring", "Event", "EventAttendee",
    "Notification", "ReminderDelivery", "AuditLog", "SavedFilter", "Setting", "DailyCounter", "Holiday",
    "CallList", "CallListItem", "CallAttempt", "Script", "Draft",
    "Renovation", "RenovationWorker", "RenovationInspection", "RenovationEvent",
    "Handover", "HandoverCommunity",
    "OutboundMessage", "Visitor", "ReleasePass", "KeyDeposit", "KeyAuthorisation", "KeyLoan", "Parcel", "FoundItem",
    "HotlineOrder", "PurgeRun",
    "Lead", "LeadPhone", "LeadInterest", "LeadEvent", "LeadRule",
    "ContractTemplate", "ContractCounter", "Contract", "ContractEvent",
    "KbArticle", "KbKey", "KbArticleOrder", "KbComment", "KbHelpful", "KbCommentHelpful",
    "FeeItem", "FeeStandard", "Bill", "ReceiptCounter", "Payment", "Allocation", "Waiver", "FeeAccount",
    "FeeExpense", "SharedEntry",
    "ArrearsContact", "MeterReading", "ArrearsReason", "CommissionRule", "CommissionStatement", "CommissionLine",
    "Invoice", "FundBalance", "FundRequest", "FundRequestRoom",
    "Meeting", "Proposal", "BallotEntry", "CommitteeMember", "CommitteeMeeting",
    "Questionnaire", "SurveyQuestion", "Survey", "SurveyHousehold", "SurveyAnswer",
    "Notice", "NoticeTarget", "NoticeDelivery", "Activity", "ActivitySignup",
    "Facility", "FacilityCheck", "FacilityCheckRecord", "InspectionRoute", "RouteItem", "InspectionRun",
    "RunAnswer", "CustomReport",
]

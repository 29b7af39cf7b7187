"""Peewee models for FrontDesk's whole domain (SPEC §6), one module per domain: people and
property, staff (and drafts), work orders, calls (and call lists), the calendar, audit and
settings, the registers and renovation permits, leads, the knowledge base, contracts,
fees, notices and activities. A new domain adds its own module here and its models to
`ALL_MODELS`.

Times are naive Asia/Shanghai wall-clock datetimes (see `data.clock`). Codes
(roles, statuses, kinds) are stored as short ASCII strings; their Chinese and
English labels live in `data.vocab` and the translation catalogs.
"""

from __future__ import annotations

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
from data.models.calendar import (
    Event,
    EventAttendee,
)
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
from data.models.contracts import Contract, ContractCounter, ContractEvent, ContractTemplate
from data.models.desk_registers import FoundItem, KeyAuthorisation, KeyDeposit, KeyLoan, Parcel
from data.models.facilities import Facility, FacilityCheck, FacilityCheckRecord
from data.models.fees import (
    Allocation,
    ArrearsContact,
    ArrearsReason,
    Bill,
    CommissionLine,
    CommissionRule,
    CommissionStatement,
    FeeAccount,
    FeeExpense,
    FeeItem,
    FeeStandard,
    FundBalance,
    FundRequest,
    FundRequestRoom,
    Invoice,
    MeterReading,
    Payment,
    ReceiptCounter,
    SharedEntry,
    Waiver,
)
from data.models.handover import Handover, HandoverCommunity
from data.models.hotline import HotlineOrder
from data.models.inspections import InspectionRoute, InspectionRun, RouteItem, RunAnswer
from data.models.knowledge import (
    KbArticle,
    KbArticleOrder,
    KbComment,
    KbCommentHelpful,
    KbHelpful,
    KbKey,
)
from data.models.leads import Lead, LeadEvent, LeadInterest, LeadPhone, LeadRule
from data.models.meetings import BallotEntry, CommitteeMeeting, CommitteeMember, Meeting, Proposal
from data.models.messages import OutboundMessage
from data.models.notices import Activity, ActivitySignup, Notice, NoticeDelivery, NoticeTarget
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
from data.models.registers import ReleasePass, Visitor
from data.models.renovations import (
    Renovation,
    RenovationEvent,
    RenovationInspection,
    RenovationWorker,
)
from data.models.reports import CustomReport
from data.models.retention import PurgeRun
from data.models.staff import (
    Draft,
    PersonNote,
    Staff,
    Territory,
)
from data.models.surveys import (
    Questionnaire,
    Survey,
    SurveyAnswer,
    SurveyHousehold,
    SurveyQuestion,
)
from data.models.workorders import (
    Category,
    CostLine,
    SlaPolicy,
    WorkOrder,
    WorkOrderHistory,
    WorkOrderLink,
)

#: Every model, in dependency order (creation, copying, counting).
ALL_MODELS: tuple[type[BaseModel], ...] = (
    Community,
    Building,
    Entrance,
    Person,  # before Room: a room names its contact people (migration 0011)
    PersonNameKey,
    Room,
    Occupancy,
    Phone,
    Vehicle,
    ParkingSpace,
    Tag,
    PersonTag,
    Staff,
    Territory,
    PersonNote,
    Category,
    SlaPolicy,
    Facility,  # before WorkOrder: an order names the facility it is about (0039)
    FacilityCheck,
    FacilityCheckRecord,
    WorkOrder,
    WorkOrderHistory,
    WorkOrderLink,
    CostLine,
    Incident,
    IncidentBuilding,
    Call,
    Ring,  # a call the phone system reported (issue 16 item 10)
    Event,
    EventAttendee,
    Notification,
    ReminderDelivery,
    AuditLog,
    SavedFilter,
    Setting,
    DailyCounter,
    Holiday,
    CallList,
    CallListItem,
    CallAttempt,
    Script,
    Draft,
    OutboundMessage,
    Renovation,
    RenovationWorker,
    RenovationInspection,
    RenovationEvent,
    Handover,
    HandoverCommunity,
    Visitor,
    ReleasePass,
    KeyDeposit,
    KeyAuthorisation,
    KeyLoan,
    Parcel,
    FoundItem,
    HotlineOrder,
    PurgeRun,
    Lead,
    LeadPhone,
    LeadInterest,
    LeadEvent,
    LeadRule,
    ContractTemplate,
    ContractCounter,
    Contract,
    ContractEvent,
    KbArticle,
    KbKey,
    KbArticleOrder,
    KbComment,
    KbHelpful,
    KbCommentHelpful,
    FeeItem,
    FeeStandard,
    Bill,
    ReceiptCounter,
    Payment,
    Allocation,
    Waiver,
    FeeAccount,
    FeeExpense,
    SharedEntry,
    ArrearsContact,
    MeterReading,
    ArrearsReason,
    CommissionRule,
    CommissionStatement,
    CommissionLine,
    Invoice,
    FundBalance,
    FundRequest,
    FundRequestRoom,
    Meeting,
    Proposal,
    BallotEntry,
    CommitteeMember,
    CommitteeMeeting,
    Questionnaire,
    SurveyQuestion,
    Survey,
    SurveyHousehold,
    SurveyAnswer,
    Notice,
    NoticeTarget,
    NoticeDelivery,
    Activity,
    ActivitySignup,
    InspectionRoute,
    RouteItem,
    InspectionRun,
    RunAnswer,
    CustomReport,
)

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

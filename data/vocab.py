"""Codes of the domain (roles, statuses, kinds) and their translatable labels."""

from __future__ import annotations

from data.i18n import N_, _

OCCUPANCY_ROLES = {
    "owner": N_("Owner"),
    "co_owner": N_("Co-owner"),
    "tenant": N_("Tenant"),
    "family": N_("Family member"),
}

STAFF_ROLES = {
    "desk": N_("Desk clerk"),
    "tech": N_("Technician"),
    "supervisor": N_("Supervisor"),
    "manager": N_("Manager"),
    "admin": N_("Administrator"),
}

WORK_ORDER_KINDS = {
    "repair": N_("Repair"),
    "complaint": N_("Complaint"),
    "inquiry": N_("Inquiry"),
    "suggestion": N_("Suggestion"),
}

#: Work-order number prefixes (BX-20261127-0001).
WORK_ORDER_PREFIXES = {"repair": "BX", "complaint": "TS", "inquiry": "ZX", "suggestion": "JY"}

WORK_ORDER_STATUSES = {
    "new": N_("New"),
    "assigned": N_("Assigned"),
    "in_progress": N_("In progress"),
    "on_hold": N_("On hold"),
    "resolved": N_("Resolved"),
    "visited": N_("Called back"),
    "closed": N_("Closed"),
    "cancelled": N_("Cancelled"),
}

#: Statuses in which a work order still needs work (deadlines run, queue shows it).
OPEN_STATUSES = ("new", "assigned", "in_progress", "on_hold")

PRIORITIES = {
    "critical": N_("Critical"),
    "urgent": N_("Urgent"),
    "quick": N_("Quick repair"),
    "normal": N_("Normal"),
    "low": N_("Low"),
}

#: Words a clerk or a script may use for a priority (issue 4's CLI, SPEC §11's classes).
PRIORITY_WORDS = {
    "特急": "critical", "紧急": "urgent", "高": "quick", "急修": "quick",
    "普通": "normal", "一般": "normal", "低": "low",
}

CHANNELS = {
    "phone": N_("Phone"),
    "visit": N_("Walk-in"),
    "wechat": N_("WeChat"),
    "patrol": N_("Patrol"),
}

CALL_CATEGORIES = {
    "repair": N_("Repair"),
    "complaint": N_("Complaint"),
    "inquiry": N_("Inquiry"),
    "payment": N_("Payment"),
    "callback": N_("Callback"),
    "notice": N_("Notice"),
    "other": N_("Other"),
}

EVENT_KINDS = {
    "appointment": N_("Home visit"),
    "meeting": N_("Meeting"),
    "inspection": N_("Inspection"),
    "activity": N_("Community activity"),
    "call": N_("Phone call"),
    "memo": N_("Memo"),
    "task": N_("Task"),
}

NOTIFICATION_KINDS = {
    "assigned": N_("Assigned to me"),
    "escalation": N_("Escalation"),
    "reminder": N_("Reminder"),
    "callback": N_("Callback due"),
    "mention": N_("Mention"),
    "system": N_("System"),
}


def label(table: dict[str, str], code: str) -> str:
    """The translated label of `code` in `table`, or the code itself when unknown."""
    message = table.get(code)
    return _(message) if message else code

"""Notices (公告) and community activities (社区活动), issue 19 items 1 and 5.

A notice is made from a template (`templates`) for communities, buildings, entrances or
tagged people, published now or at a set time and expiring; publishing records one
delivery per household and tells it by the message hook, or puts it on an outbound call
list (elderly, no mobile); the households not yet told are listed (`notices`). The lobby
board's A4 PDF is in `documents`, activities and their sign-ups in `activities`. Who may:
"notice.manage" (desk staff and leads)."""

from data.notices.activities import (
    create_activity,
    get_activity,
    list_activities,
    mark_attended,
    sign_up,
)
from data.notices.documents import notice_pdf
from data.notices.notices import (
    call_script,
    community_choices,
    community_id_of,
    create_notice,
    deliveries,
    delivery_page,
    get_notice,
    list_notices,
    mark_reached,
    message_channel_ready,
    notice_from_incident,
    parse_targets,
    pending_calls,
    publish_due,
    publish_notice,
    room_id_of,
    undo_reached,
    unreached,
    withdraw_notice,
)
from data.notices.templates import PLACEHOLDERS, TEMPLATES, Template, find_template
from data.notices.values import (
    ActivityView,
    DeliveryPage,
    DeliveryRow,
    NoticeRow,
    NoticeView,
    PublishResult,
    SignupRow,
    TargetView,
)

__all__ = [
    "PLACEHOLDERS", "TEMPLATES", "ActivityView", "DeliveryPage", "DeliveryRow", "NoticeRow", "NoticeView", "PublishResult",
    "SignupRow", "TargetView", "Template", "call_script", "community_choices", "community_id_of", "create_activity", "create_notice", "deliveries", "delivery_page",
    "find_template", "get_activity", "get_notice", "list_activities", "list_notices", "mark_attended",
    "mark_reached", "message_channel_ready", "notice_from_incident", "notice_pdf", "parse_targets", "pending_calls", "publish_due", "publish_notice",
    "room_id_of", "sign_up", "undo_reached", "unreached", "withdraw_notice",
]

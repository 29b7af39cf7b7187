"""Codes of the domain (roles, statuses, kinds) and their translatable labels."""

from __future__ import annotations

from data.i18n import N_, _

OCCUPANCY_ROLES = {
    "owner": N_("Owner"),
    "co_owner": N_("Co-owner"),
    "tenant": N_("Tenant"),
    "family": N_("Family member"),
}

#: A room's type (房屋类型); a building's kind uses the same codes (a 商铺 building holds shops).
ROOM_TYPES = {
    "residential": N_("Residential"),  # 住宅
    "shop": N_("Shop"),  # 商铺
    "garage": N_("Garage"),  # 车库/车位
    "storage": N_("Storage room"),  # 储藏室
    "villa": N_("Villa"),  # 别墅
    "office": N_("Office"),  # 办公
}

#: Words of a room list's 类型 column (and of the CLI) for a room type.
ROOM_TYPE_WORDS = {
    "住宅": "residential", "住房": "residential", "商铺": "shop", "商业": "shop", "门面": "shop",
    "车库": "garage", "车位": "garage", "储藏室": "storage", "储物间": "storage", "杂物间": "storage",
    "别墅": "villa", "办公": "office", "写字楼": "office",
}

#: A room's state (房屋状态).
ROOM_STATES = {
    "undelivered": N_("Not delivered"),  # 未交付
    "vacant": N_("Vacant"),  # 空置
    "occupied": N_("Owner-occupied"),  # 自住
    "rented": N_("Rented out"),  # 出租
    "renovating": N_("Being renovated"),  # 装修中
}

ROOM_STATE_WORDS = {
    "未交付": "undelivered", "未交房": "undelivered", "空置": "vacant", "空房": "vacant",
    "自住": "occupied", "已入住": "occupied", "入住": "occupied", "出租": "rented", "已出租": "rented",
    "装修中": "renovating", "装修": "renovating",
}

#: A parking space's kind (车位性质).
PARKING_KINDS = {
    "titled": N_("Titled"),  # 产权: bought, with its own title (and area)
    "rented": N_("Rented"),  # 租赁
    "temporary": N_("Temporary"),  # 临时
}

PARKING_KIND_WORDS = {
    "产权": "titled", "产权车位": "titled", "租赁": "rented", "租用": "rented", "月租": "rented",
    "临时": "temporary", "临停": "temporary",
}

STAFF_ROLES = {
    "desk": N_("Desk clerk"),
    "tech": N_("Technician"),
    "supervisor": N_("Supervisor"),
    "manager": N_("Manager"),
    "admin": N_("Administrator"),
    "service": N_("Service account"),
    "guard": N_("Gate guard"),  # 门岗, 秩序维护
}

WORK_ORDER_KINDS = {
    "repair": N_("Repair"),
    "complaint": N_("Complaint"),
    "inquiry": N_("Inquiry"),
    "suggestion": N_("Suggestion"),
    # 业委会事项: a request of the owners' committee (issue 19 item 4), tracked on its own.
    "committee": N_("Committee request"),
}

#: Work-order number prefixes (BX-20261127-0001).
WORK_ORDER_PREFIXES = {"repair": "BX", "complaint": "TS", "inquiry": "ZX", "suggestion": "JY", "committee": "YW"}

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
    "quick": N_("Urgent repair"),
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
    # Forwarded by the 12345 citizen hotline (市民热线) with its own reference and a reply
    # deadline (data.hotline).
    "hotline": N_("12345 hotline"),
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

#: Words a clerk or a script may use for a call category (issue 5's CLI).
CALL_CATEGORY_WORDS = {
    "报修": "repair", "投诉": "complaint", "咨询": "inquiry", "缴费": "payment",
    "回访": "callback", "通知": "notice", "其他": "other", "其它": "other",
}

CALL_DIRECTIONS = {
    "in": N_("Inbound"),
    "out": N_("Outbound"),
}

#: Words for a call's direction.
CALL_DIRECTION_WORDS = {"呼入": "in", "来电": "in", "呼出": "out", "去电": "out", "外呼": "out"}

#: How a call ended. The first five are what a clerk picks for a conversation; the last
#: three are what an unanswered dialling records (call lists log them too). "" = not said.
CALL_OUTCOMES = {
    "resolved": N_("Resolved on the phone"),  # 已解答: the caller's question was dealt with on the phone
    "ticket": N_("Work order opened"),  # 已转工单
    "callback": N_("Callback needed"),  # 需回电: someone must call back (callback due)
    "transferred": N_("Transferred"),  # 已转接: put through to someone else
    "info": N_("Noted only"),  # 仅记录: nothing to do
    "no_answer": N_("No answer"),  # 未接通
    "rejected": N_("Rejected"),  # 拒接
    "invalid": N_("Invalid number"),  # 空号
    "missed": N_("Missed call"),  # 未接: rang at the desk, nobody answered (the phone system says so)
}

#: Outcomes of calls that reached nobody: they count against the answered rate.
UNANSWERED_OUTCOMES = ("no_answer", "rejected", "missed")
#: Outcomes of calls that could not have been answered (a dead number): left out of it.
UNREACHABLE_OUTCOMES = ("invalid",)

CALL_LIST_KINDS = {
    "callback": N_("Satisfaction callbacks"),  # 回访
    "adhoc": N_("Call list"),  # 外呼
    "arrears": N_("Arrears collection"),  # 催缴 (data.fees.collection)
    "survey": N_("Satisfaction survey"),  # 满意度调查 (data.surveys)
    "notice": N_("Notice calls"),  # 公告通知 (data.notices)
}

#: Outcomes of one attempt on a call-list item.
LIST_OUTCOMES = {
    "connected": N_("Connected"),  # 接通
    "no_answer": N_("No answer"),  # 未接
    "rejected": N_("Rejected"),  # 拒接
    "invalid": N_("Invalid number"),  # 空号
    "later": N_("Call again later"),  # 稍后再拨 (needs a retry time)
}

CALL_ITEM_STATUSES = {
    "pending": N_("To call"),
    "done": N_("Done"),
}

INCIDENT_KINDS = {
    "water_cut": N_("Water cut"),  # 停水
    "power_cut": N_("Power cut"),  # 停电
    "lift_down": N_("Lift out of service"),  # 电梯停运
    "gas_work": N_("Gas maintenance"),  # 燃气检修
}

EVENT_KINDS = {
    "appointment": N_("Home visit"),
    "meeting": N_("Meeting"),
    "inspection": N_("Inspection"),
    "activity": N_("Community activity"),
    "duty": N_("Duty shift"),
    "call": N_("Phone call"),
    "email": N_("Email"),
    "fax": N_("Fax"),
    "memo": N_("Memo"),
    "task": N_("Task"),
}

#: How the owner consented to a release pass (物品放行条).
PASS_CONSENT = {
    "phone": N_("By phone"),  # 电话确认
    "in_person": N_("In person at the desk"),  # 业主到场
    "written": N_("Written note"),  # 书面同意
}

#: Words a clerk or a script may use for a consent.
PASS_CONSENT_WORDS = {
    "电话": "phone", "电话确认": "phone", "来电": "phone",
    "当面": "in_person", "到场": "in_person", "业主到场": "in_person", "现场": "in_person",
    "书面": "written", "书面同意": "written", "字条": "written", "委托书": "written",
}

#: What a gate check of a release pass finds.
PASS_STATES = {
    "valid": N_("Valid"),  # 有效
    "not_yet": N_("Not valid yet"),  # 未到日期
    "used": N_("Used"),  # 已使用
    "expired": N_("Expired"),  # 已过期
    "cancelled": N_("Cancelled"),  # 已作废
    "unknown": N_("Unknown"),  # 查无此条
}

NOTIFICATION_KINDS = {
    "assigned": N_("Assigned to me"),
    "escalation": N_("Escalation"),
    "reminder": N_("Reminder"),
    "callback": N_("Callback due"),
    "mention": N_("Mention"),
    "system": N_("System"),
    "contract": N_("Contract ending"),  # a contract ends within 30 days: renew it (data.contracts)
    "committee": N_("Committee term"),  # a committee member's term ends within 60 days (data.meetings)
}


#: A notice's status (data.notices); "expired" is a published notice past its expiry.
NOTICE_STATUSES = {
    "draft": N_("Draft"),  # 草稿
    "scheduled": N_("Scheduled"),  # 待发布
    "published": N_("Published"),  # 已发布
    "expired": N_("Expired"),  # 已过期
    "withdrawn": N_("Withdrawn"),  # 撤回
}

#: How a household is to be told of a notice, and how it was.
NOTICE_CHANNELS = {
    "message": N_("Message"),  # 短信
    "call": N_("Phone call"),  # 电话
    "none": N_("No number"),  # 无号码
    "visit": N_("Visit"),  # 上门
    "desk": N_("At the desk"),  # 前台告知
}

#: Kinds of community activity (社区活动).
ACTIVITY_KINDS = {
    "sports": N_("Sports day"),  # 运动会
    "culture": N_("Culture festival"),  # 文化节
    "health": N_("Health talk"),  # 健康讲座
    "other": N_("Other activity"),  # 其他活动
}


def label(table: dict[str, str], code: str) -> str:
    """The translated label of `code` in `table`, or the code itself when unknown."""
    message = table.get(code)
    return _(message) if message else code

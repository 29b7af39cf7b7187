"""The codes and constants of satisfaction surveys: sections, question kinds, the 5-level
scale and its scores, and the standard 物业满意度 questionnaire."""

from __future__ import annotations

from data.i18n import N_

#: The service sections a questionnaire is divided into.
SECTIONS = {
    "service": N_("Customer service"),  # 客服
    "repair": N_("Repairs"),  # 维修
    "cleaning": N_("Cleaning"),  # 保洁
    "greening": N_("Greening"),  # 绿化
    "security": N_("Security and order"),  # 秩序维护
    "parking": N_("Parking management"),  # 停车
}

QUESTION_KINDS = {
    "single": N_("Single choice"),
    "multi": N_("Multiple choice"),
    "rating": N_("Rating 1–5"),
    "text": N_("Free text"),
}

SAMPLES = {
    "all": N_("All households"),
    "building": N_("One building"),
    "random": N_("Random households"),
    "served": N_("Served last month"),
}

#: A survey's status as the list shows it.
STATUS_WORDS = {"open": N_("Survey open"), "closed": N_("Survey closed")}

#: The 5-level answer and its score on the 0–100 index (a 1–5 rating scores rating × 20).
SCALE_SCORES = {"非常满意": 100, "满意": 80, "一般": 60, "不满意": 40, "非常不满意": 20}
SCALE = tuple(SCALE_SCORES)

#: The keys of a choice's options on the phone (a rating takes 1–5).
CHOICE_KEYS = "abcde"
MAX_CHOICES = len(CHOICE_KEYS)

STANDARD_NAME = "物业满意度调查"

#: The standard questionnaire: (section, kind, text, choices).
STANDARD_QUESTIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("service", "single", "您对客服中心的服务态度是否满意？", SCALE),
    ("service", "rating", "报事报修的响应速度（1–5 分）", ()),
    ("repair", "single", "您对维修质量是否满意？", SCALE),
    ("cleaning", "rating", "公共区域的清洁卫生（1–5 分）", ()),
    ("greening", "rating", "小区绿化的养护（1–5 分）", ()),
    ("security", "single", "您对门岗和巡逻的秩序维护是否满意？", SCALE),
    ("parking", "rating", "停车管理（1–5 分）", ()),
    ("service", "multi", "您最希望改进哪些方面？", ("维修", "保洁", "绿化", "秩序维护", "停车")),
    ("service", "text", "您对物业服务还有什么意见或建议？", ()),
)


def bar(value: float | None, width: int = 20) -> str:
    """A 0–100 value as a text bar (the CLI's and the results screen's chart)."""
    if value is None:
        return "·" * width
    filled = round(value / 100 * width)
    return "█" * filled + "·" * (width - filled)


def index_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"

"""The knowledge base (问题与解决方法库, 服务秘诀, issue 17 item 3): articles on how a problem
is solved — problem, symptoms, cause, solution, parts and tools, time needed — in a work-order
category, with tags and the work orders they solved; threaded comments and helpful marks
under each (BBS-like); search that finds two-character Chinese words and pinyin initials of
titles, ranked; the three articles most likely to help with a work order; the draft tip a
resolved order makes in one step; and the skill lookup (服务技能的查询): who solves a
category best.

The text and its search keys are in `text`, the values in `values`, writing and reading
an article in `articles`, finding them in `search`, the discussion in `comments`, the skill
lookup in `skills`. Screens and the CLI get the dataclasses of `values` back.

Who may do what (data.access RULES): everyone reads, comments and marks ("kb.read",
"kb.comment"); technicians, desk staff and leads write articles and edit and publish their
own ("kb.write"); leads edit, publish and withdraw anyone's and see every draft
("kb.moderate"). A draft is seen by its author and the leads only; suggestions offer
published articles only.
"""

from data.knowledge.articles import (
    DONE_STATUSES,
    category_names,
    counts,
    create_article,
    draft_from_order,
    get_article,
    link_order,
    may_comment,
    may_moderate,
    may_write,
    order_has_tip,
    publish,
    set_status,
    thread,
    update_article,
    withdraw,
)
from data.knowledge.comments import HelpfulResult, add_comment, toggle_helpful
from data.knowledge.search import DEFAULT_LIMIT, SUGGESTIONS, rows_of, search, suggest_for_order
from data.knowledge.skills import (
    SKILL_DAYS,
    category_skills,
    resolution_minutes,
    skills_for_category,
)
from data.knowledge.text import article_keys, parse_query, text_keys
from data.knowledge.values import (
    DRAFT,
    MAX_DEPTH,
    PUBLISHED,
    STATUSES,
    ArticleInput,
    ArticleRow,
    ArticleView,
    CommentView,
    KbQuery,
    OrderLink,
    SkillRow,
    duration_text,
    parse_minutes,
    parse_tags,
    skill_text,
)

__all__ = [
    "DEFAULT_LIMIT", "DONE_STATUSES", "DRAFT", "MAX_DEPTH", "PUBLISHED", "SKILL_DAYS", "STATUSES",
    "SUGGESTIONS", "ArticleInput", "ArticleRow", "ArticleView", "CommentView", "HelpfulResult",
    "KbQuery", "OrderLink", "SkillRow", "add_comment", "article_keys", "category_names", "category_skills", "counts",
    "create_article", "draft_from_order", "duration_text", "get_article", "link_order",
    "may_comment", "may_moderate", "may_write", "order_has_tip", "parse_minutes", "parse_query", "parse_tags",
    "publish", "resolution_minutes", "rows_of", "search", "set_status", "skill_text",
    "skills_for_category", "suggest_for_order", "text_keys", "thread", "toggle_helpful",
    "update_article", "withdraw",
]

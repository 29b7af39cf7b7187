"""The knowledge base's values: statuses, what a write takes (`ArticleInput`), what screens
and the CLI get back (`ArticleRow`, `ArticleView`, `CommentView`, `SkillRow`), and the
parsers of typed minutes and tags."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from data.errors import ValidationError
from data.i18n import N_, _

DRAFT, PUBLISHED = "draft", "published"
#: An article's statuses: a draft is seen by its author and the leads only.
STATUSES = {DRAFT: N_("Draft"), PUBLISHED: N_("Published")}

#: Lengths of what is typed.
TITLE_LENGTH = 120
TEXT_LENGTH = 4000
COMMENT_LENGTH = 2000
TAG_LENGTH = 20
MAX_TAGS = 10
#: The longest job an article may say it takes (a week of working time).
MAX_MINUTES = 7 * 24 * 60
#: Replies nest this deep at most; a reply to the deepest comment joins its parent's thread.
MAX_DEPTH = 6
#: Work orders linked to one article at most (through the form or the CLI at once).
MAX_ORDERS = 50
#: The separator of stored tags.
TAG_SEPARATOR = "、"

_TAG_SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass(frozen=True)
class ArticleInput:
    """An article as typed. `minutes` may be typed text ("45", "1.5小时", "90分钟");
    `tags` are separated by commas, 、 or spaces; `orders` are work-order numbers (or ids)
    the article solved."""

    title: str
    problem: str = ""
    symptoms: str = ""
    cause: str = ""
    solution: str = ""
    parts: str = ""
    minutes: str | int | None = None
    category_id: int | None = None
    tags: str = ""
    status: str = DRAFT
    orders: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleRow:
    """An article in a list (search results, suggestions)."""

    id: int
    title: str
    category: str
    category_id: int | None
    status: str
    author: str
    author_id: int
    helpful: int
    comments: int
    minutes: int | None
    tags: tuple[str, ...]
    summary: str
    updated_at: dt.datetime

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "category": self.category, "status": self.status,
                "author": self.author, "helpful": self.helpful, "comments": self.comments,
                "minutes": self.minutes, "tags": list(self.tags), "summary": self.summary,
                "updated": f"{self.updated_at:%Y-%m-%d %H:%M}"}


@dataclass(frozen=True)
class OrderLink:
    """A work order an article solved."""

    id: int
    number: str
    title: str
    status: str


@dataclass(frozen=True)
class CommentView:
    """A comment in its thread: `depth` 0 is a comment on the article, 1 a reply to it …"""

    id: int
    parent_id: int | None
    depth: int
    author: str
    author_id: int
    text: str
    helpful: int
    marked: bool  # the reader marked it helpful
    created_at: dt.datetime

    def as_json(self) -> dict:
        return {"id": self.id, "parent": self.parent_id, "depth": self.depth, "author": self.author,
                "text": self.text, "helpful": self.helpful,
                "at": f"{self.created_at:%Y-%m-%d %H:%M}"}


@dataclass(frozen=True)
class ArticleView:
    """One article whole, as its reader may act on it (`may_edit`, `may_publish`)."""

    id: int
    title: str
    problem: str
    symptoms: str
    cause: str
    solution: str
    parts: str
    minutes: int | None
    category: str
    category_id: int | None
    tags: tuple[str, ...]
    status: str
    author: str
    author_id: int
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    helpful: int
    marked: bool  # the reader marked it helpful
    version: int
    orders: tuple[OrderLink, ...] = ()
    comments: tuple[CommentView, ...] = ()
    may_edit: bool = False
    may_publish: bool = False

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    def as_json(self) -> dict:
        return {
            "id": self.id, "title": self.title, "problem": self.problem, "symptoms": self.symptoms,
            "cause": self.cause, "solution": self.solution, "parts": self.parts,
            "minutes": self.minutes, "category": self.category, "tags": list(self.tags),
            "status": self.status, "author": self.author,
            "created": f"{self.created_at:%Y-%m-%d %H:%M}", "updated": f"{self.updated_at:%Y-%m-%d %H:%M}",
            "published": f"{self.published_at:%Y-%m-%d %H:%M}" if self.published_at else None,
            "helpful": self.helpful, "version": self.version,
            "orders": [o.number for o in self.orders],
            "comments": [c.as_json() for c in self.comments],
        }

    def to_input(self) -> ArticleInput:
        """What the edit form starts from."""
        return ArticleInput(
            title=self.title, problem=self.problem, symptoms=self.symptoms, cause=self.cause,
            solution=self.solution, parts=self.parts,
            minutes=str(self.minutes) if self.minutes is not None else "",
            category_id=self.category_id, tags=TAG_SEPARATOR.join(self.tags), status=self.status,
            orders=tuple(o.number for o in self.orders))


@dataclass(frozen=True)
class KbQuery:
    """What the list shows: typed text (words, pinyin initials of titles), a category (its
    sub-categories too), a status, only the reader's own articles."""

    text: str = ""
    category_id: int | None = None
    status: str = ""
    mine: bool = False


@dataclass(frozen=True)
class SkillRow:
    """服务技能: one staff member's record on a category's work orders — how many they
    resolved, the median time from opening to resolution (the time on hold left out, as
    the SLA clock does), and the average callback rating of those rated."""

    staff_id: int
    login: str
    name: str
    solved: int
    median_minutes: float | None
    avg_rating: float | None
    rated: int

    def as_json(self) -> dict:
        return {"staff": self.login, "name": self.name, "solved": self.solved,
                "median_minutes": self.median_minutes, "avg_rating": self.avg_rating,
                "rated": self.rated}

    @property
    def summary(self) -> str:
        """"12单 · 中位 2.5h · ★4.6" — short enough for a picker column."""
        return skill_text(self.solved, self.median_minutes, self.avg_rating)


def duration_text(minutes: float | None) -> str:
    """45 → "45min", 150 → "2.5h", 1440 → "24h"."""
    if minutes is None:
        return "—"
    if minutes < 60:
        return _("{n}min").format(n=round(minutes))
    hours = minutes / 60
    shown = f"{hours:.1f}".rstrip("0").rstrip(".")
    return _("{n}h").format(n=shown)


def skill_text(solved: int, median_minutes: float | None, avg_rating: float | None) -> str:
    """A technician's figures on a category, compact: "12 done · 2.5h · ★4.6"."""
    if not solved:
        return _("none yet")
    parts = [_("{count} done").format(count=solved), duration_text(median_minutes)]
    if avg_rating is not None:
        parts.append(f"★{avg_rating:.1f}")
    return " · ".join(parts)


_MINUTES = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(分钟|分|min|mins|minutes|m|小时|个小时|时|h|hr|hrs|hours|天|d|days)?\s*$",
                      re.IGNORECASE)


def parse_minutes(value: str | int | None, field_name: str = "minutes") -> int | None:
    """Typed time a job needs, in minutes: "45", "45分钟", "1.5小时", "2h", "1天" (a working
    day of 8 hours); empty is None."""
    if value is None:
        return None
    if isinstance(value, int):
        number, unit = float(value), ""
    else:
        text = value.strip()
        if not text:
            return None
        match = _MINUTES.match(text)
        if match is None:
            raise ValidationError(field_name, _(
                "“{text}” is not a time: type minutes (45) or hours (1.5小时, 2h).").format(text=text[:20]))
        number, unit = float(match.group(1)), (match.group(2) or "").lower()
    if unit in ("小时", "个小时", "时", "h", "hr", "hrs", "hours"):
        number *= 60
    elif unit in ("天", "d", "days"):
        number *= 8 * 60
    minutes = round(number)
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError(field_name, _("The time a job needs is from 1 minute to {days} days.").format(
            days=MAX_MINUTES // (24 * 60)))
    return minutes


def parse_tags(text: str, field_name: str = "tags") -> tuple[str, ...]:
    """Tags typed with commas, 、 or spaces between them; each at most TAG_LENGTH long."""
    tags: dict[str, None] = {}
    for tag in _TAG_SPLIT.split(text or ""):
        tag = tag.strip().lstrip("#")
        if not tag:
            continue
        if len(tag) > TAG_LENGTH:
            raise ValidationError(field_name, _("The tag “{tag}” is longer than {n} characters.").format(
                tag=tag[:TAG_LENGTH] + "…", n=TAG_LENGTH))
        tags.setdefault(tag, None)
    if len(tags) > MAX_TAGS:
        raise ValidationError(field_name, _("At most {n} tags.").format(n=MAX_TAGS))
    return tuple(tags)


def split_tags(stored: str) -> tuple[str, ...]:
    return tuple(t for t in (stored or "").split(TAG_SEPARATOR) if t)

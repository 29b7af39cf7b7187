"""Finding articles: search as typed (two-character Chinese words through the bigram keys,
pinyin and initials of titles), ranked — every word found before some, title hits before
body hits, then helpful marks, then the most recently updated — and the articles most likely
to help with a work order (`suggest_for_order`).

Both are a few indexed reads whatever the size of the base: a key is one equality lookup
on kb_key (key, article); only titles' pinyin is matched by LIKE, on one short column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Case, Expression, fn

from data import access
from data.db import is_sqlite
from data.knowledge.articles import category_family, category_names
from data.knowledge.text import parse_query, text_keys
from data.knowledge.values import PUBLISHED, STATUSES, ArticleRow, KbQuery, split_tags
from data.models import Category, KbArticle, KbArticleOrder, KbComment, KbKey, Staff

#: Articles a search returns unless asked for more; never more than MAX_LIMIT.
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
#: Suggestions on a work order.
SUGGESTIONS = 3
#: Order words looked up for suggestions at most (the title's first).
SUGGEST_KEYS = 40
#: A word in more than this share of the published articles says nothing about one of them
#: (业主, 上门, 处理): suggestions leave it out.
COMMON_SHARE = 0.15
#: An article of another category is suggested only with at least this score (a word of
#: the order's title counts 2, of its description 1, and 1 more when the article's title
#: has it too): one title word in the article's title, or several shared words.
MIN_SCORE = 3
#: The summary line of a row.
SUMMARY_LENGTH = 60


@dataclass(frozen=True, order=True)
class _Rank:
    """How well an article answers a query; larger is better."""

    hits: int  # query keys found (all of them first)
    title: int  # of those, in the title (pinyin: 2 from its start, 1 inside)
    helpful: int
    updated: dt.datetime
    id: int


def _visibility(staff_id: int | None) -> Expression | None:
    """Published articles and the reader's own drafts; every draft for a lead."""
    who = access.actor_for(staff_id)
    if who is None or access.can("kb.moderate", who.id):
        return None
    return (KbArticle.status == PUBLISHED) | (KbArticle.author == who.id)


def _filters(query: KbQuery, staff_id: int | None) -> list[Expression]:
    filters: list[Expression] = []
    seen = _visibility(staff_id)
    if seen is not None:
        filters.append(seen)
    if query.status in STATUSES:
        filters.append(KbArticle.status == query.status)
    if query.category_id is not None:
        filters.append(KbArticle.category.in_(category_family(query.category_id)))
    if query.mine:
        who = access.actor_for(staff_id)
        if who is not None:
            filters.append(KbArticle.author == who.id)
    return filters


def _like(field, text: str, *, prefix: bool = False) -> Expression:
    """`field` holds `text` (starts with it when `prefix`): a plain LIKE on both databases,
    not peewee's ILIKE on PostgreSQL. `text` comes from `parse_query`: Chinese characters or
    lower-case letters, never a LIKE wildcard (nor the escape PostgreSQL would read)."""
    # Peewee writes its LIKE as GLOB on SQLite and its ILIKE as LIKE there.
    return Expression(field, "ILIKE" if is_sqlite() else "LIKE", ("" if prefix else "%") + text + "%")


def _contains_single(char: str) -> Expression:
    """A lone Chinese character anywhere in the article's text (a filter on the few
    articles the keys found, or on titles alone)."""
    return (_like(KbArticle.title, char) | _like(KbArticle.problem, char) | _like(KbArticle.symptoms, char)
            | _like(KbArticle.cause, char) | _like(KbArticle.solution, char))


def search(query: KbQuery | str, *, staff_id: int | None = None, limit: int = DEFAULT_LIMIT) -> list[ArticleRow]:
    """Articles for what was typed, best first (see the module). An empty query lists the
    newest; text with nothing to search for (punctuation) finds nothing."""
    access.require("kb.read", staff_id)
    if isinstance(query, str):
        query = KbQuery(text=query)
    limit = max(1, min(limit, MAX_LIMIT))
    parsed = parse_query(query.text)
    filters = _filters(query, staff_id)
    if parsed.empty:
        if query.text.strip():
            return []
        newest = (KbArticle.select(KbArticle.id).where(*filters) if filters else KbArticle.select(KbArticle.id))
        ids = [r.id for r in newest.order_by(KbArticle.updated_at.desc(), KbArticle.id.desc()).limit(limit)]
        return rows_of(ids)
    ranks: dict[int, _Rank] = {}

    def keep(rank: _Rank) -> None:
        if rank.id not in ranks or ranks[rank.id] < rank:
            ranks[rank.id] = rank

    if parsed.keys:
        n = len(parsed.keys)
        hits = fn.COUNT(KbKey.id)
        in_title = fn.SUM(Case(None, [(KbKey.in_title == True, 1)], 0))  # noqa: E712 (peewee)
        extra = [_contains_single(c) for c in parsed.singles]
        rows = (KbArticle.select(KbArticle.id, KbArticle.helpful_count, KbArticle.updated_at,
                                 hits.alias("hits"), in_title.alias("th"))
                .join(KbKey, on=(KbKey.article == KbArticle.id))
                .where(KbKey.key.in_(list(parsed.keys)), *filters, *extra)
                .group_by(KbArticle.id)
                # Every word, else at least half of them (a long phrase typed loosely).
                .having(hits * 2 >= n)
                .order_by(hits.desc(), in_title.desc(), KbArticle.helpful_count.desc(),
                          KbArticle.updated_at.desc(), KbArticle.id.desc())
                .limit(limit).dicts())
        for r in rows:
            keep(_Rank(r["hits"], int(r["th"] or 0), r["helpful_count"], r["updated_at"], r["id"]))
    elif parsed.singles:
        rows = (KbArticle.select(KbArticle.id, KbArticle.helpful_count, KbArticle.updated_at)
                .where(*filters, *[_like(KbArticle.title, c) for c in parsed.singles])
                .order_by(KbArticle.helpful_count.desc(), KbArticle.updated_at.desc(), KbArticle.id.desc())
                .limit(limit).dicts())
        for r in rows:
            keep(_Rank(1, 1, r["helpful_count"], r["updated_at"], r["id"]))
    if parsed.letters:
        letters = parsed.letters
        for prefix in (True, False):
            match = (_like(KbArticle.title_initials, letters, prefix=prefix)
                     | _like(KbArticle.title_pinyin, letters, prefix=prefix))
            rows = (KbArticle.select(KbArticle.id, KbArticle.helpful_count, KbArticle.updated_at)
                    .where(match, *filters)
                    .order_by(KbArticle.helpful_count.desc(), KbArticle.updated_at.desc(), KbArticle.id.desc())
                    .limit(limit).dicts())
            for r in rows:
                keep(_Rank(len(parsed.keys), 2 if prefix else 1, r["helpful_count"], r["updated_at"], r["id"]))
    best = sorted(ranks.values(), reverse=True)[:limit]
    return rows_of([r.id for r in best])


def rows_of(ids: list[int]) -> list[ArticleRow]:
    """ArticleRows of these articles, in this order."""
    if not ids:
        return []
    found = {a.id: a for a in KbArticle.select(
        KbArticle.id, KbArticle.title, KbArticle.category, KbArticle.status, KbArticle.author,
        KbArticle.helpful_count, KbArticle.minutes, KbArticle.tags, KbArticle.problem,
        KbArticle.solution, KbArticle.updated_at, Staff.name.alias("author_name"))
        .join(Staff, on=(KbArticle.author == Staff.id)).where(KbArticle.id.in_(ids)).objects()}
    comments = dict(KbComment.select(KbComment.article, fn.COUNT(KbComment.id))
                    .where(KbComment.article.in_(ids)).group_by(KbComment.article).tuples())
    names = category_names({a.category_id for a in found.values() if a.category_id})
    out = []
    for article_id in ids:
        a = found.get(article_id)
        if a is None:
            continue
        out.append(ArticleRow(
            id=a.id, title=a.title, category=names.get(a.category_id, "") if a.category_id else "",
            category_id=a.category_id, status=a.status, author=a.author_name, author_id=a.author_id,
            helpful=a.helpful_count, comments=comments.get(a.id, 0), minutes=a.minutes,
            tags=split_tags(a.tags), summary=_summary(a.problem, a.solution), updated_at=a.updated_at))
    return out


def _summary(problem: str, solution: str) -> str:
    for text in (problem, solution):
        line = " ".join(text.split())
        if line:
            return line if len(line) <= SUMMARY_LENGTH else line[:SUMMARY_LENGTH - 1] + "…"
    return ""


# --- suggestions on a work order -----------------------------------------------------------------


def suggest_for_order(order_id: int, *, staff_id: int | None = None, limit: int = SUGGESTIONS) -> list[ArticleRow]:
    """The published articles most likely to help with a work order, best first: those of
    its category (by the words they share with the order, then helpful marks, then the
    newest), then those of other categories that share enough words with its title and
    description (a sibling category ranking them one higher). Articles already linked to the
    order are left out: it has them."""
    from data.workorders import get_order

    access.require("kb.read", staff_id)
    view = get_order(order_id)
    title_keys = text_keys(view.title)
    keys = list(dict.fromkeys(title_keys + text_keys(view.description)))[:SUGGEST_KEYS]
    keys = _telling(keys)
    linked = [r.article_id for r in KbArticleOrder.select(KbArticleOrder.article)
              .where(KbArticleOrder.work_order == view.id)]
    base = [KbArticle.status == PUBLISHED]
    if linked:
        base.append(KbArticle.id.not_in(linked))
    siblings: set[int] = set()
    if view.category_id is not None:
        parent = Category.select(Category.parent).where(Category.id == view.category_id).scalar()
        if parent is not None:
            siblings = set(category_family(parent))
    candidates: dict[int, tuple[int, int, dt.datetime]] = {}  # id → (category id, helpful, updated)
    if view.category_id is not None:
        for a in (KbArticle.select(KbArticle.id, KbArticle.category, KbArticle.helpful_count, KbArticle.updated_at)
                  .where(KbArticle.category == view.category_id, *base)
                  .order_by(KbArticle.helpful_count.desc(), KbArticle.updated_at.desc(), KbArticle.id.desc())
                  .limit(50)):
            candidates[a.id] = (a.category_id, a.helpful_count, a.updated_at)
    scores: dict[int, int] = {}
    if keys:
        weight = Case(None, [(KbKey.key.in_(title_keys), 2)], 1) if title_keys else 1
        score = fn.SUM(weight) + fn.SUM(Case(None, [(KbKey.in_title == True, 1)], 0))  # noqa: E712
        # The words the category's articles share with the order, then the best matches
        # anywhere (two bounded reads: the category's articles need not be among those).
        wheres: list[list[Expression]] = [[]]
        if candidates:
            wheres.insert(0, [KbKey.article.in_(list(candidates))])
        for where in wheres:
            rows = (KbArticle.select(KbArticle.id, KbArticle.category, KbArticle.helpful_count,
                                     KbArticle.updated_at, score.alias("score"))
                    .join(KbKey, on=(KbKey.article == KbArticle.id))
                    .where(KbKey.key.in_(keys), *base, *where)
                    .group_by(KbArticle.id)
                    .order_by(score.desc(), KbArticle.helpful_count.desc(), KbArticle.updated_at.desc())
                    .limit(50).dicts())
            for r in rows:
                scores[r["id"]] = max(scores.get(r["id"], 0), int(r["score"] or 0))
                candidates.setdefault(r["id"], (r["category"], r["helpful_count"], r["updated_at"]))

    def rank(article_id: int) -> tuple:
        category, helpful, updated = candidates[article_id]
        same_category = view.category_id is not None and category == view.category_id
        bonus = 1 if category in siblings else 0
        return (same_category, scores.get(article_id, 0) + bonus, helpful, updated, article_id)

    # A sibling category's bonus orders; it never makes a weak match one.
    chosen = [a for a in candidates
              if (view.category_id is not None and candidates[a][0] == view.category_id)
              or scores.get(a, 0) >= MIN_SCORE]
    chosen.sort(key=rank, reverse=True)
    return rows_of(chosen[:max(1, limit)])


def _telling(keys: list[str]) -> list[str]:
    """The keys that say something about an article: not in more than COMMON_SHARE of the
    published ones (once there are enough articles to tell)."""
    if not keys:
        return keys
    total = KbArticle.select().where(KbArticle.status == PUBLISHED).count()
    if total < 20:
        return keys
    common = {key for key, count in
              KbKey.select(KbKey.key, fn.COUNT(KbKey.id)).where(KbKey.key.in_(keys))
              .group_by(KbKey.key).tuples() if count > total * COMMON_SHARE}
    return [k for k in keys if k not in common]

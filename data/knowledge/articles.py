"""Knowledge-base articles: writing one (validated whole, its search keys and linked work
orders in the same transaction), publishing and withdrawing it, reading one for its reader,
and the draft a resolved work order makes.

Who may do what (data.access RULES): everyone reads published articles ("kb.read");
technicians, desk staff and leads write ("kb.write") and edit and publish their own; leads
("kb.moderate") edit, publish or withdraw anyone's and see every draft. A draft is seen
by its author and the leads only."""

from __future__ import annotations

from peewee import JOIN, IntegrityError, fn

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import (
    ConflictError,
    FrontDeskError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from data.i18n import _
from data.knowledge.text import article_keys
from data.knowledge.values import (
    DRAFT,
    MAX_ORDERS,
    PUBLISHED,
    STATUSES,
    TAG_SEPARATOR,
    TEXT_LENGTH,
    TITLE_LENGTH,
    ArticleInput,
    ArticleView,
    CommentView,
    OrderLink,
    parse_minutes,
    parse_tags,
    split_tags,
)
from data.models import (
    Category,
    KbArticle,
    KbArticleOrder,
    KbComment,
    KbCommentHelpful,
    KbHelpful,
    KbKey,
    Staff,
    WorkOrder,
)
from data.pinyin import text_pinyin
from data.validators import clean_text, fold_code
from data.vocab import WORK_ORDER_STATUSES, label

#: Work-order statuses a tip may be written from: the work is done.
DONE_STATUSES = ("resolved", "visited", "closed")
#: Keys written per INSERT (three parameters each: well inside SQLite's limit).
_KEY_BATCH = 300


# --- who may ----------------------------------------------------------------------------------


def may_moderate(staff_id: int | None = None) -> bool:
    """May the account edit, publish or withdraw anyone's article and see every draft?"""
    return access.can("kb.moderate", staff_id)


def may_comment(staff_id: int | None = None) -> bool:
    """May the account comment and mark articles and comments helpful?"""
    return access.can("kb.comment", staff_id)


def may_write(staff_id: int | None = None) -> bool:
    """May the account write articles (and edit and publish its own)?"""
    return access.can("kb.write", staff_id)


def _may_change(article: KbArticle, staff_id: int | None) -> bool:
    who = access.actor_for(staff_id)
    if who is None:
        return True
    return (article.author_id == who.id and access.can("kb.write", who.id)) or access.can("kb.moderate", who.id)


def visible_to(article: KbArticle, staff_id: int | None) -> bool:
    if article.status == PUBLISHED:
        return True
    who = access.actor_for(staff_id)
    return who is None or article.author_id == who.id or access.can("kb.moderate", who.id)


def _require_change(article: KbArticle, staff_id: int | None) -> None:
    if not _may_change(article, staff_id):
        raise PermissionDenied(_(
            "“{title}” is {author}'s article: only its author or a supervisor may change it.").format(
            title=article.title, author=_author_name(article.author_id)))


def _author_name(staff_id: int) -> str:
    return Staff.select(Staff.name).where(Staff.id == staff_id).scalar() or "—"


# --- category names ---------------------------------------------------------------------------


def category_names(ids: set[int]) -> dict[int, str]:
    """id → "水电 › 水管漏水" (a top node by its own name)."""
    if not ids:
        return {}
    parent = Category.alias()
    rows = (Category.select(Category.id, Category.name, parent.name.alias("parent_name"))
            .join(parent, JOIN.LEFT_OUTER, on=(Category.parent == parent.id))
            .where(Category.id.in_(list(ids))).dicts())
    return {r["id"]: f"{r['parent_name']} › {r['name']}" if r["parent_name"] else r["name"] for r in rows}


def category_family(category_id: int) -> list[int]:
    """The category and its sub-categories (a top node stands for its leaves)."""
    return [category_id] + [c.id for c in Category.select(Category.id).where(Category.parent == category_id)]


# --- validating -------------------------------------------------------------------------------


def _clean(data: ArticleInput) -> dict:
    """The columns of a typed article, or ValidationError naming the field."""
    title = clean_text(data.title, "title", max_length=TITLE_LENGTH)
    if not title:
        raise ValidationError("title", _("Give the article a title, such as 卫生间地漏返水的处理."))
    texts = {name: clean_text(getattr(data, name) or "", name, multiline=True, max_length=TEXT_LENGTH)
             for name in ("problem", "symptoms", "cause", "solution", "parts")}
    if not texts["solution"]:
        raise ValidationError("solution", _("Say how the problem is solved: that is what the next "
                                            "technician comes to read."))
    if data.status not in STATUSES:
        raise ValidationError("status", _("Unknown status “{status}”: use one of {choices}.").format(
            status=data.status, choices="、".join(STATUSES)))
    category_id = data.category_id
    if category_id is not None and not Category.select().where(Category.id == category_id).exists():
        raise ValidationError("category", _("There is no category #{id}.").format(id=category_id))
    return {
        "title": title, **texts, "minutes": parse_minutes(data.minutes, "minutes"),
        "category": category_id, "tags": TAG_SEPARATOR.join(parse_tags(data.tags, "tags")),
        "status": data.status,
    }


def _orders(refs: tuple[str, ...] | list[str]) -> list[int]:
    """The ids of the work orders typed (numbers such as BX-20261127-0001, or ids), each
    one the reader may see; ValidationError("orders") naming the one that is not."""
    from data import territory

    ids: list[int] = []
    for raw in refs:
        for ref in str(raw).replace("，", ",").replace("、", ",").replace(" ", ",").split(","):
            text = ref.strip()
            if not text:
                continue
            query = WorkOrder.select()
            query = (query.where(WorkOrder.id == int(text)) if text.isdigit()
                     else query.where(WorkOrder.number == fold_code(text)))
            order = query.first()
            if order is None:
                raise ValidationError("orders", _("No work order {ref}.").format(ref=text[:40]))
            try:
                territory.check_order_visible(order)
            except PermissionDenied as exc:
                raise ValidationError("orders", exc.message) from None
            if order.id not in ids:
                ids.append(order.id)
    if len(ids) > MAX_ORDERS:
        raise ValidationError("orders", _("At most {n} work orders per article.").format(n=MAX_ORDERS))
    return ids


# --- writing ----------------------------------------------------------------------------------


def _write_keys(article_id: int, values: dict) -> None:
    """The article's search keys as its text now says (inside the caller's transaction)."""
    KbKey.delete().where(KbKey.article == article_id).execute()
    keys = article_keys(values["title"], values["problem"], values["symptoms"], values["cause"],
                        values["solution"], values["parts"], values["tags"].replace(TAG_SEPARATOR, " "))
    rows = [{"key": key, "article": article_id, "in_title": in_title} for key, in_title in keys.items()]
    for start in range(0, len(rows), _KEY_BATCH):
        KbKey.insert_many(rows[start:start + _KEY_BATCH]).execute()


def _link_orders(article_id: int, order_ids: list[int], staff_id: int | None, *, replace: bool) -> None:
    have = {row.work_order_id for row in
            KbArticleOrder.select(KbArticleOrder.work_order).where(KbArticleOrder.article == article_id)}
    if replace:
        gone = have - set(order_ids)
        if gone:
            KbArticleOrder.delete().where(KbArticleOrder.article == article_id,
                                          KbArticleOrder.work_order.in_(list(gone))).execute()
    at = clock_now()
    for order_id in order_ids:
        if order_id not in have:
            KbArticleOrder.create(article=article_id, work_order=order_id, added_by=staff_id, added_at=at)


def create_article(data: ArticleInput, staff_id: int | None) -> ArticleView:
    """A new article by `staff_id` (its author), with its search keys and the work orders it
    solved; published at once only when asked (the author may). Nothing is saved when
    anything typed is wrong."""
    access.require("kb.write", staff_id)
    author = staff_id if staff_id is not None else access.current_id()
    if author is None:
        raise ValidationError("author", _("An article needs an author: sign in first."))
    values = _clean(data)
    order_ids = _orders(data.orders)
    at = clock_now()
    pinyin, initials = text_pinyin(values["title"])
    with transaction():
        article = KbArticle.create(
            **values, author=author, created_at=at, updated_at=at,
            published_at=at if values["status"] == PUBLISHED else None,
            title_pinyin=pinyin[:400], title_initials=initials[:120])
        _write_keys(article.id, values)
        _link_orders(article.id, order_ids, author, replace=False)
    return get_article(article.id, author)


def load_article(article_id: int) -> KbArticle:
    article = KbArticle.get_or_none(KbArticle.id == article_id)
    if article is None:
        raise NotFoundError(_("No knowledge-base article #{id}.").format(id=article_id))
    return article


def _check_version(article: KbArticle, expected_version: int | None) -> None:
    if expected_version is not None and article.version != expected_version:
        raise ConflictError(_(
            "“{title}” was changed by someone else (now version {current}, you had {seen}); "
            "read it again before changing it.").format(
            title=article.title, current=article.version, seen=expected_version), article.version)


def update_article(article_id: int, data: ArticleInput, staff_id: int | None, *,
                   expected_version: int | None = None) -> ArticleView:
    """Change an article (its author, or a lead): every field as typed, the linked work
    orders replaced by those typed, the search keys written again."""
    values = _clean(data)
    order_ids = _orders(data.orders)
    at = clock_now()
    pinyin, initials = text_pinyin(values["title"])
    with transaction():
        article = load_article(article_id)
        _require_change(article, staff_id)
        _check_version(article, expected_version)
        published_at = article.published_at
        if values["status"] == PUBLISHED and article.status != PUBLISHED:
            published_at = at
        rows = (KbArticle.update(**values, updated_at=at, published_at=published_at,
                                 title_pinyin=pinyin[:400], title_initials=initials[:120],
                                 version=article.version + 1)
                .where(KbArticle.id == article.id, KbArticle.version == article.version).execute())
        if rows != 1:
            raise ConflictError(_("The article was changed meanwhile; please try again."), article.version)
        _write_keys(article.id, values)
        _link_orders(article.id, order_ids, staff_id, replace=True)
    return get_article(article.id, staff_id)


def set_status(article_id: int, status: str, staff_id: int | None, *,
               expected_version: int | None = None) -> ArticleView:
    """Publish an article (everyone sees it, suggestions offer it) or withdraw it to a draft:
    its author or a lead."""
    if status not in STATUSES:
        raise ValidationError("status", _("Unknown status “{status}”: use one of {choices}.").format(
            status=status, choices="、".join(STATUSES)))
    at = clock_now()
    with transaction():
        article = load_article(article_id)
        _require_change(article, staff_id)
        _check_version(article, expected_version)
        if article.status == status:
            return get_article(article.id, staff_id)
        changes = {"status": status, "updated_at": at, "version": article.version + 1}
        if status == PUBLISHED and article.published_at is None:
            changes["published_at"] = at
        KbArticle.update(**changes).where(KbArticle.id == article.id).execute()
    return get_article(article.id, staff_id)


def publish(article_id: int, staff_id: int | None, *, expected_version: int | None = None) -> ArticleView:
    return set_status(article_id, PUBLISHED, staff_id, expected_version=expected_version)


def withdraw(article_id: int, staff_id: int | None, *, expected_version: int | None = None) -> ArticleView:
    return set_status(article_id, DRAFT, staff_id, expected_version=expected_version)


def link_order(article_id: int, order_ref: str, staff_id: int | None) -> ArticleView:
    """One more work order the article solved (anyone who may write articles: a technician
    who fixed an order with a tip links it)."""
    access.require("kb.write", staff_id)
    order_ids = _orders([order_ref])
    with transaction():
        article = load_article(article_id)
        if not visible_to(article, staff_id):
            raise NotFoundError(_("No knowledge-base article #{id}.").format(id=article_id))
        try:
            _link_orders(article.id, order_ids, staff_id, replace=False)
        except IntegrityError:
            pass  # linked by someone else at the same moment: it is linked
    return get_article(article_id, staff_id)


# --- reading ----------------------------------------------------------------------------------


def get_article(article_id: int, staff_id: int | None = None) -> ArticleView:
    """One article whole for its reader (`staff_id`, else the signed-in account): fields,
    linked work orders, the comment threads in reading order, helpful marks."""
    access.require("kb.read", staff_id)
    article = load_article(article_id)
    if not visible_to(article, staff_id):
        # A draft is its author's own: to anyone else it does not exist yet.
        raise NotFoundError(_("No knowledge-base article #{id}.").format(id=article_id))
    who = access.actor_for(staff_id)
    me = who.id if who is not None else None
    orders = tuple(
        OrderLink(r.id, r.number, r.title, r.status)
        for r in WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.title, WorkOrder.status)
        .join(KbArticleOrder, on=(KbArticleOrder.work_order == WorkOrder.id))
        .where(KbArticleOrder.article == article.id).order_by(WorkOrder.created_at.desc()).limit(100))
    marked = me is not None and KbHelpful.select().where(
        KbHelpful.article == article.id, KbHelpful.staff == me).exists()
    names = category_names({article.category_id} if article.category_id else set())
    may_change = _may_change(article, staff_id)
    return ArticleView(
        id=article.id, title=article.title, problem=article.problem, symptoms=article.symptoms,
        cause=article.cause, solution=article.solution, parts=article.parts, minutes=article.minutes,
        category=names.get(article.category_id, "") if article.category_id else "",
        category_id=article.category_id, tags=split_tags(article.tags), status=article.status,
        author=_author_name(article.author_id), author_id=article.author_id,
        created_at=article.created_at, updated_at=article.updated_at,
        published_at=article.published_at, helpful=article.helpful_count, marked=marked,
        version=article.version, orders=orders, comments=tuple(thread(article.id, me)),
        may_edit=may_change, may_publish=may_change,
    )


def thread(article_id: int, reader_id: int | None = None, limit: int = 500) -> list[CommentView]:
    """The comments of an article in reading order: each comment followed by its replies."""
    rows = list(KbComment.select(KbComment, Staff.name.alias("author_name"))
                .join(Staff, on=(KbComment.author == Staff.id))
                .where(KbComment.article == article_id)
                .order_by(KbComment.path).limit(limit).objects())
    marked: set[int] = set()
    if reader_id is not None and rows:
        marked = {r.comment_id for r in KbCommentHelpful.select(KbCommentHelpful.comment).where(
            KbCommentHelpful.staff == reader_id, KbCommentHelpful.comment.in_([c.id for c in rows]))}
    return [CommentView(c.id, c.parent_id, c.depth, c.author_name, c.author_id, c.text, c.helpful_count,
                        c.id in marked, c.created_at) for c in rows]


# --- a tip from a resolved work order ----------------------------------------------------------


def draft_from_order(order_id: int, staff_id: int | None = None) -> ArticleInput:
    """The article a resolved work order makes (写成秘诀): its category, its title, the
    problem as reported, the resolution note as the solution, the time from starting the
    work to resolving it, and the order linked. Refused for an order not resolved yet."""
    from data.workorders import get_order, history

    access.require("kb.write", staff_id)
    view = get_order(order_id)
    if view.status not in DONE_STATUSES:
        raise FrontDeskError(_(
            "{number} is {status}: a tip is written from a resolved work order, once the work "
            "is done.").format(number=view.number, status=label(WORK_ORDER_STATUSES, view.status)))
    lines = history(view.id)
    resolved = [h for h in lines if h.action == "resolve"]
    solution = resolved[-1].note if resolved else ""
    # The time the job took: from the first start of the work to its resolution, when that
    # reads like a job (a working day at most), else left for the technician to say.
    minutes: int | None = None
    started = [h.at for h in lines if h.action == "start"
               and view.resolved_at is not None and h.at <= view.resolved_at]
    if started and view.resolved_at is not None:
        span = round((view.resolved_at - min(started)).total_seconds() / 60)
        minutes = span if 1 <= span <= 8 * 60 else None
    problem = view.description.strip() or view.title
    return ArticleInput(
        title=view.title, problem=problem, solution=solution,
        minutes=str(minutes) if minutes else "", category_id=view.category_id,
        status=DRAFT, orders=(view.number,))


def order_has_tip(order_id: int) -> bool:
    """Is some article already linked to this work order?"""
    return KbArticleOrder.select().where(KbArticleOrder.work_order == order_id).exists()


def counts() -> tuple[int, int]:
    """(published, drafts) articles in all."""
    rows = dict(KbArticle.select(KbArticle.status, fn.COUNT(KbArticle.id)).group_by(KbArticle.status).tuples())
    return rows.get(PUBLISHED, 0), rows.get(DRAFT, 0)

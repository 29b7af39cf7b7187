"""The discussion under an article (BBS-like, 服务秘诀): comments and replies to comments in
threads, and helpful marks — one per staff member on an article or a comment, marking again
takes it back. Everyone may comment and mark ("kb.comment"), on what they may read; nobody
marks their own writing."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import IntegrityError

from data import access
from data.clock import now as clock_now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.knowledge.articles import load_article, visible_to
from data.knowledge.values import COMMENT_LENGTH, MAX_DEPTH, CommentView
from data.models import KbArticle, KbComment, KbCommentHelpful, KbHelpful, Staff
from data.validators import clean_text

#: Digits of one id in a comment's path (ids up to 99 999 999).
_PATH_DIGITS = 8


@dataclass(frozen=True)
class HelpfulResult:
    """After a toggle: whether the reader's mark is on now, and the marks in all."""

    marked: bool
    count: int


def _actor_id(staff_id: int | None) -> int:
    who = access.actor_for(staff_id)
    if who is None:
        raise ValidationError("staff", _("Sign in first: a comment or a mark is someone's."))
    return who.id


def add_comment(article_id: int, text: str, staff_id: int | None, *, reply_to: int | None = None) -> CommentView:
    """A comment on the article, or a reply to one of its comments (`reply_to`). A reply to
    a comment MAX_DEPTH deep joins that comment's own thread, one level up."""
    access.require("kb.comment", staff_id)
    author = _actor_id(staff_id)
    body = clean_text(text, "text", multiline=True, max_length=COMMENT_LENGTH)
    if not body:
        raise ValidationError("text", _("Write the comment first."))
    with transaction():
        article = load_article(article_id)
        if not visible_to(article, author):
            raise NotFoundError(_("No knowledge-base article #{id}.").format(id=article_id))
        parent = None
        if reply_to is not None:
            parent = KbComment.get_or_none(KbComment.id == reply_to, KbComment.article == article.id)
            if parent is None:
                raise ValidationError("reply_to", _("Article #{article} has no comment #{id} to reply to.").format(
                    article=article.id, id=reply_to))
            while parent is not None and parent.depth >= MAX_DEPTH:
                parent = KbComment.get_or_none(KbComment.id == parent.parent_id)
        comment = KbComment.create(article=article.id, parent=parent.id if parent else None, author=author,
                                   text=body, depth=parent.depth + 1 if parent else 0, created_at=clock_now())
        segment = f"{comment.id:0{_PATH_DIGITS}d}"
        path = f"{parent.path}/{segment}" if parent else segment
        KbComment.update(path=path).where(KbComment.id == comment.id).execute()
    name = Staff.select(Staff.name).where(Staff.id == author).scalar() or ""
    return CommentView(comment.id, comment.parent_id, comment.depth, name, author, body, 0, False,
                       comment.created_at)


def toggle_helpful(article_id: int, staff_id: int | None, *, comment_id: int | None = None) -> HelpfulResult:
    """Mark the article (or one of its comments) helpful, or take the mark back if it was
    there. One mark per staff member; one's own article or comment cannot be marked."""
    access.require("kb.comment", staff_id)
    me = _actor_id(staff_id)
    with transaction():
        article = load_article(article_id)
        if not visible_to(article, me):
            raise NotFoundError(_("No knowledge-base article #{id}.").format(id=article_id))
        if comment_id is None:
            if article.author_id == me:
                raise ValidationError("helpful", _("This is your own article: others mark it helpful."))
            return _toggle(KbHelpful, KbHelpful.article, article.id, KbArticle, me)
        comment = KbComment.get_or_none(KbComment.id == comment_id, KbComment.article == article.id)
        if comment is None:
            raise NotFoundError(_("Article #{article} has no comment #{id}.").format(article=article.id, id=comment_id))
        if comment.author_id == me:
            raise ValidationError("helpful", _("This is your own comment: others mark it helpful."))
        return _toggle(KbCommentHelpful, KbCommentHelpful.comment, comment.id, KbComment, me)


def _toggle(mark_model, target_field, target_id: int, counted_model, me: int) -> HelpfulResult:
    """Inside the caller's transaction: the mark on or off, the target's count following."""
    deleted = mark_model.delete().where(target_field == target_id, mark_model.staff == me).execute()
    if deleted:
        step = -deleted
    else:
        try:
            with transaction():  # a savepoint: a double press from two sessions is one mark
                mark_model.create(**{target_field.name: target_id, "staff": me, "created_at": clock_now()})
            step = 1
        except IntegrityError:
            step = 0
    if step:
        counted_model.update(helpful_count=counted_model.helpful_count + step).where(
            counted_model.id == target_id).execute()
    count = counted_model.select(counted_model.helpful_count).where(counted_model.id == target_id).scalar() or 0
    return HelpfulResult(marked=step > 0 or (step == 0 and not deleted), count=count)

"""The knowledge base (问题与解决方法库, 服务秘诀): articles on how a problem was solved, the
search keys of their text, the work orders they solved, threaded comments and helpful marks.
Migration 0021."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel
from data.models.staff import Staff
from data.models.workorders import Category, WorkOrder


class KbArticle(BaseModel):
    """One article (秘诀): a problem, how it shows, why it happens and how it is solved, with
    the parts and tools and the time it takes. A draft is seen by its author and the leads;
    a published article by everyone (data.knowledge)."""

    id = AutoField()
    title = CharField(max_length=120)
    problem = TextField(default="")
    symptoms = TextField(default="")
    cause = TextField(default="")
    solution = TextField(default="")
    parts = TextField(default="")  # 配件与工具
    minutes = IntegerField(null=True)  # time the job needs
    category = ForeignKeyField(Category, null=True, backref="kb_articles", on_delete="RESTRICT")
    tags = CharField(max_length=200, default="")  # "、"-separated, as typed
    status = CharField(max_length=12, default="draft")  # draft | published
    author = ForeignKeyField(Staff, backref="kb_articles", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    published_at = DateTimeField(null=True)
    # Search keys kept beside the title (data.knowledge): pinyin and its initials.
    title_pinyin = CharField(max_length=400, default="")
    title_initials = CharField(max_length=120, default="")
    helpful_count = IntegerField(default=0)  # the marks of KbHelpful, kept for ranking
    version = IntegerField(default=1)

    class Meta:
        table_name = "kb_article"
        indexes = (
            (("status", "category", "updated_at"), False),  # suggestions of a category
            (("status", "updated_at"), False),  # the newest first
            (("author", "status"), False),  # my drafts
        )


class KbKey(BaseModel):
    """A search key of an article: every two-character run (bigram) of the Chinese in its
    title, problem, symptoms, cause, solution and tags, a lone character between others,
    and every word of letters or digits (lower case). `in_title` when the title has it, so a
    title hit ranks first. Any two-character word is then one indexed equality lookup."""

    id = AutoField()
    key = CharField(max_length=20)
    article = ForeignKeyField(KbArticle, backref="keys", on_delete="CASCADE")
    in_title = BooleanField(default=False)

    class Meta:
        table_name = "kb_key"
        indexes = ((("key", "article"), True),)


class KbArticleOrder(BaseModel):
    """A work order an article solved (or was written from)."""

    id = AutoField()
    article = ForeignKeyField(KbArticle, backref="orders", on_delete="CASCADE")
    work_order = ForeignKeyField(WorkOrder, backref="kb_links", on_delete="CASCADE")
    added_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    added_at = DateTimeField(default=now)

    class Meta:
        table_name = "kb_article_order"
        indexes = ((("article", "work_order"), True),)


class KbComment(BaseModel):
    """A comment under an article, or a reply to a comment (BBS-like). `path` is the ids
    from the thread's first comment down to this one, zero-padded ("00000012/00000034"),
    so ordering by it gives the thread in reading order; `depth` is 0 for a comment on the
    article itself."""

    id = AutoField()
    article = ForeignKeyField(KbArticle, backref="comments", on_delete="CASCADE")
    parent = ForeignKeyField("self", null=True, backref="replies", on_delete="CASCADE")
    author = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    text = TextField()
    depth = IntegerField(default=0)
    path = CharField(max_length=120, default="")
    helpful_count = IntegerField(default=0)
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "kb_comment"
        indexes = ((("article", "path"), False),)


class KbHelpful(BaseModel):
    """A staff member found an article helpful (one mark each; marking again takes it back)."""

    id = AutoField()
    article = ForeignKeyField(KbArticle, backref="helpful", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "kb_helpful"
        indexes = ((("article", "staff"), True),)


class KbCommentHelpful(BaseModel):
    """A staff member found a comment helpful (one mark each; marking again takes it back)."""

    id = AutoField()
    comment = ForeignKeyField(KbComment, backref="helpful", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=now)

    class Meta:
        table_name = "kb_comment_helpful"
        indexes = ((("comment", "staff"), True),)

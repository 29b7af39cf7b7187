"""0021: the knowledge base (问题与解决方法库, 服务秘诀, issue 17 item 3) — articles, their
search keys (bigrams of the Chinese text, words of letters and digits), the work orders they
solved, threaded comments and helpful marks; and an index on work orders by category and
resolution time for the skill lookup (服务技能的查询). Frozen copy of data/models/knowledge.py
as of this migration (Python-side defaults such as clock.now are not part of the DDL)."""
from peewee import *


def up(migrator, db):
    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class Category(Model):
        class Meta:
            database = db
            table_name = 'category'

    class WorkOrder(Model):
        class Meta:
            database = db
            table_name = 'work_order'

    class KbArticle(Model):
        title = CharField(max_length=120)
        problem = TextField(default='')
        symptoms = TextField(default='')
        cause = TextField(default='')
        solution = TextField(default='')
        parts = TextField(default='')
        minutes = IntegerField(null=True)
        category = ForeignKeyField(Category, null=True, on_delete='RESTRICT')
        tags = CharField(max_length=200, default='')
        status = CharField(max_length=12, default='draft')
        author = ForeignKeyField(Staff, on_delete='RESTRICT')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        published_at = DateTimeField(null=True)
        title_pinyin = CharField(max_length=400, default='')
        title_initials = CharField(max_length=120, default='')
        helpful_count = IntegerField(default=0)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'kb_article'
            indexes = (
                (('status', 'category', 'updated_at'), False),
                (('status', 'updated_at'), False),
                (('author', 'status'), False),
            )

    class KbKey(Model):
        key = CharField(max_length=20)
        article = ForeignKeyField(KbArticle, on_delete='CASCADE')
        in_title = BooleanField(default=False)

        class Meta:
            database = db
            table_name = 'kb_key'
            indexes = ((('key', 'article'), True),)

    class KbArticleOrder(Model):
        article = ForeignKeyField(KbArticle, on_delete='CASCADE')
        work_order = ForeignKeyField(WorkOrder, on_delete='CASCADE')
        added_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        added_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'kb_article_order'
            indexes = ((('article', 'work_order'), True),)

    class KbComment(Model):
        article = ForeignKeyField(KbArticle, on_delete='CASCADE')
        parent = ForeignKeyField('self', null=True, on_delete='CASCADE')
        author = ForeignKeyField(Staff, on_delete='RESTRICT')
        text = TextField()
        depth = IntegerField(default=0)
        path = CharField(max_length=120, default='')
        helpful_count = IntegerField(default=0)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'kb_comment'
            indexes = ((('article', 'path'), False),)

    class KbHelpful(Model):
        article = ForeignKeyField(KbArticle, on_delete='CASCADE')
        staff = ForeignKeyField(Staff, on_delete='CASCADE')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'kb_helpful'
            indexes = ((('article', 'staff'), True),)

    class KbCommentHelpful(Model):
        comment = ForeignKeyField(KbComment, on_delete='CASCADE')
        staff = ForeignKeyField(Staff, on_delete='CASCADE')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'kb_comment_helpful'
            indexes = ((('comment', 'staff'), True),)

    db.create_tables([KbArticle, KbKey, KbArticleOrder, KbComment, KbHelpful, KbCommentHelpful])
    migrator.migrate(migrator.add_index('work_order', ('category_id', 'resolved_at')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('work_order', 'work_order_category_id_resolved_at'))
    for table in ('kb_comment_helpful', 'kb_helpful', 'kb_comment', 'kb_article_order', 'kb_key',
                  'kb_article'):
        migrator.migrate(migrator.drop_table(table))

"""0019: 12345 citizen-hotline complaints (issue 16 item 13) — the hotline's reference, reply
deadline and the reply of a work order taken on the `hotline` channel; and retention
(item 14) — the record of every purge of personal data past its period (frozen copy of
data/models as of this migration)."""
from peewee import *


def up(migrator, db):
    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class WorkOrder(Model):
        class Meta:
            database = db
            table_name = 'work_order'

    class HotlineOrder(Model):
        work_order = ForeignKeyField(WorkOrder, unique=True, on_delete='CASCADE')
        ref = CharField(max_length=40, unique=True)
        reply_due = DateTimeField()
        replied_at = DateTimeField(null=True)
        reply_text = TextField(default='')
        replied_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        escalated_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'hotline_order'
            indexes = ((('replied_at', 'reply_due'), False),)

    class PurgeRun(Model):
        at = DateTimeField(index=True)
        name = CharField(max_length=40)
        days = IntegerField()
        cutoff = DateTimeField()
        purged = IntegerField(default=0)
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'purge_run'
    db.create_tables([HotlineOrder, PurgeRun])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('purge_run'), migrator.drop_table('hotline_order'))

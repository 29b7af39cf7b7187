"""0016: shift handovers (交接班, issue 16 item 7) — what one shift hands to the next, the
communities it covers, and who acknowledged it (frozen copy of data/models as of this
migration)."""
# Python-side defaults (clock.now) are not part of the DDL, so the frozen models leave them out.
from peewee import *


def up(migrator, db):
    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Handover(Model):
        staff = ForeignKeyField(Staff, backref='+', on_delete='RESTRICT')
        shift = CharField(max_length=12)
        created_at = DateTimeField(index=True)
        items = TextField(default='[]')
        body = TextField(default='')
        notes = TextField(default='')
        acked_by = ForeignKeyField(Staff, null=True, backref='+', on_delete='RESTRICT')
        acked_at = DateTimeField(null=True)
        ack_notes = TextField(default='')
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'handover'
            indexes = ((('acked_at', 'created_at'), False), (('staff', 'created_at'), False))

    class HandoverCommunity(Model):
        handover = ForeignKeyField(Handover, on_delete='CASCADE')
        community = ForeignKeyField(Community, on_delete='CASCADE')

        class Meta:
            database = db
            table_name = 'handover_community'
            indexes = ((('handover', 'community'), True), (('community', 'handover'), False))

    db.create_tables([Handover, HandoverCommunity])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('handover_community'))
    migrator.migrate(migrator.drop_table('handover'))

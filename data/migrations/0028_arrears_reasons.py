"""0028: why a room's arrears are unpaid (欠费原因, issue 18 item 4), dated and by whom — the
latest is the room's current reason (frozen copy of the model in data/models/fees.py as of
this migration; Python-side defaults are not part of the DDL)."""
from peewee import *


def up(migrator, db):
    class Room(Model):
        class Meta:
            database = db
            table_name = 'room'

    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class ArrearsReason(Model):
        room = ForeignKeyField(Room, on_delete='RESTRICT', index=False)
        reason = CharField(max_length=12)
        note = TextField(default='')
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'arrears_reason'
            indexes = ((('room', 'at'), False),)
    db.create_tables([ArrearsReason])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('arrears_reason'))

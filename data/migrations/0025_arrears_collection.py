"""0025: 催缴 (issue 18 item 4) — the dated contacts about a room's arrears with the date
promised to pay and the callback a missed promise became, and the room a call-list item
is about (its script is filled from the room's arrears). Frozen copy of the models as of
this migration; Python-side defaults (clock.now) are not part of the DDL."""
from peewee import *


def up(migrator, db):
    class Room(Model):
        class Meta:
            database = db
            table_name = 'room'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class Call(Model):
        class Meta:
            database = db
            table_name = 'call'

    class ArrearsContact(Model):
        room = ForeignKeyField(Room, on_delete='RESTRICT', index=False)
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        at = DateTimeField()
        outcome = CharField(max_length=12)
        promised_on = DateField(null=True, index=True)
        due_fen = IntegerField(default=0)
        note = TextField(default='')
        callback = ForeignKeyField(Call, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'arrears_contact'
            indexes = ((('room', 'at'), False),)
    db.create_tables([ArrearsContact])
    migrator.migrate(migrator.add_column('call_list_item', 'room_id', ForeignKeyField(
        Room, field=Room.id, null=True, on_delete='SET NULL')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('call_list_item', 'call_list_item_room_id'))
    migrator.migrate(migrator.drop_column('call_list_item', 'room_id'))
    migrator.migrate(migrator.drop_table('arrears_contact'))

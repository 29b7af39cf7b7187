"""0014: the gate's registers (issue 16 items 1 and 5) — visitors (访客登记) with the owner's
confirmation and the retention purge mark, and release passes (物品放行条) with the owner's
consent, their use at the gate and their cancellation (frozen copy of the models)."""
from peewee import *


def up(migrator, db):
    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Room(Model):
        class Meta:
            database = db
            table_name = 'room'

    class Call(Model):
        class Meta:
            database = db
            table_name = 'call'

    class Visitor(Model):
        name = CharField(max_length=60)
        phone = CharField(max_length=30, default='', index=True)
        id_number = CharField(max_length=18, null=True)
        plate = CharField(max_length=12, default='', index=True)
        community = ForeignKeyField(Community, backref='+', on_delete='RESTRICT')
        room = ForeignKeyField(Room, backref='+', on_delete='RESTRICT')
        purpose = CharField(max_length=100, default='')
        time_in = DateTimeField(index=True)
        time_out = DateTimeField(null=True)
        staff = ForeignKeyField(Staff, backref='+', on_delete='RESTRICT')
        signed_out_by = ForeignKeyField(Staff, null=True, backref='+', on_delete='SET NULL')
        confirmed_at = DateTimeField(null=True)
        confirmed_by = ForeignKeyField(Staff, null=True, backref='+', on_delete='SET NULL')
        confirmed_person = ForeignKeyField(Person, null=True, backref='+', on_delete='SET NULL')
        confirmed_name = CharField(max_length=60, default='')
        purged_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'visitor'
            indexes = ((('time_out', 'time_in'), False),)

    class ReleasePass(Model):
        number = CharField(max_length=20, unique=True)
        community = ForeignKeyField(Community, backref='+', on_delete='RESTRICT')
        room = ForeignKeyField(Room, backref='+', on_delete='RESTRICT')
        items = TextField()
        carrier_name = CharField(max_length=60)
        carrier_phone = CharField(max_length=30, default='')
        carrier_plate = CharField(max_length=12, default='')
        valid_from = DateField()
        valid_until = DateField(index=True)
        consent_how = CharField(max_length=12)
        consent_person = ForeignKeyField(Person, null=True, backref='+', on_delete='SET NULL')
        consent_name = CharField(max_length=60)
        consent_call = ForeignKeyField(Call, null=True, backref='+', on_delete='SET NULL')
        consent_note = CharField(max_length=200, default='')
        issued_by = ForeignKeyField(Staff, backref='+', on_delete='RESTRICT')
        issued_at = DateTimeField(index=True)
        used_at = DateTimeField(null=True)
        used_by = ForeignKeyField(Staff, null=True, backref='+', on_delete='SET NULL')
        cancelled_at = DateTimeField(null=True)
        cancelled_by = ForeignKeyField(Staff, null=True, backref='+', on_delete='SET NULL')
        cancel_reason = CharField(max_length=200, default='')
        class Meta:
            database = db
            table_name = 'release_pass'
    db.create_tables([Visitor, ReleasePass])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "release_pass"')
    db.execute_sql('DROP TABLE IF EXISTS "visitor"')

"""0018: the front desk's registers (issue 16 items 3, 4, 6) — keys and access cards left
with the desk with the people who may collect them and every hand-out and return
(钥匙寄存), parcels held for a room (代收), and lost and found (失物招领). Frozen copy of
data/models/desk_registers.py as of this migration (Python-side defaults such as
clock.now are not part of the DDL)."""
from peewee import *


def up(migrator, db):
    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

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

    class KeyDeposit(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        room = ForeignKeyField(Room, on_delete='RESTRICT')
        description = CharField(max_length=100)
        quantity = IntegerField(default=1)
        owner = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        left_by = CharField(max_length=60)
        deposited_at = DateTimeField()
        deposited_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        state = CharField(max_length=10, default='held')
        note = TextField(default='')
        closed_at = DateTimeField(null=True)
        closed_to = CharField(max_length=60, default='')
        closed_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'key_deposit'
            indexes = ((('room', 'state'), False), (('community', 'state'), False))

    class KeyAuthorisation(Model):
        deposit = ForeignKeyField(KeyDeposit, on_delete='CASCADE')
        name = CharField(max_length=60)
        phone_tail = CharField(max_length=4, default='')
        id_tail = CharField(max_length=6, default='')
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        added_at = DateTimeField()
        added_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        revoked_at = DateTimeField(null=True)
        revoked_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'key_authorisation'

    class KeyLoan(Model):
        deposit = ForeignKeyField(KeyDeposit, on_delete='CASCADE')
        authorisation = ForeignKeyField(KeyAuthorisation, null=True, on_delete='SET NULL')
        handed_to = CharField(max_length=60)
        out_at = DateTimeField()
        out_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        note = CharField(max_length=200, default='')
        returned_at = DateTimeField(null=True)
        returned_by = CharField(max_length=60, default='')
        returned_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'key_loan'
            indexes = ((('returned_at', 'out_at'), False),)

    class Parcel(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        room = ForeignKeyField(Room, on_delete='RESTRICT')
        carrier = CharField(max_length=30)
        tracking = CharField(max_length=40, default='', index=True)
        description = CharField(max_length=100, default='')
        size = CharField(max_length=10, default='small')
        shelf = CharField(max_length=20, default='')
        received_at = DateTimeField()
        received_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        pickup_code = CharField(max_length=10, default='')
        notified_person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        notified = BooleanField(default=False)
        notice = CharField(max_length=300, default='')
        message_id = IntegerField(null=True)
        state = CharField(max_length=10, default='waiting')
        collected_at = DateTimeField(null=True)
        collected_by = CharField(max_length=60, default='')
        collected_how = CharField(max_length=10, default='')
        collected_note = CharField(max_length=200, default='')
        collected_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        note = TextField(default='')
        class Meta:
            database = db
            table_name = 'parcel'
            indexes = ((('room', 'state'), False), (('state', 'received_at'), False))

    class FoundItem(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        description = CharField(max_length=100)
        place = CharField(max_length=100)
        found_at = DateTimeField()
        found_by = CharField(max_length=60)
        found_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        stored_at = CharField(max_length=60, default='')
        registered_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        note = TextField(default='')
        state = CharField(max_length=10, default='held')
        claimed_by = CharField(max_length=60, default='')
        claimed_phone = CharField(max_length=30, default='')
        claimed_id_tail = CharField(max_length=6, default='')
        claimed_note = CharField(max_length=200, default='')
        claimed_at = DateTimeField(null=True)
        claimed_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        disposal = CharField(max_length=10, default='')
        disposal_note = CharField(max_length=200, default='')
        disposed_at = DateTimeField(null=True)
        disposed_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'found_item'
            indexes = ((('community', 'state'), False), (('state', 'found_at'), False))

    db.create_tables([KeyDeposit, KeyAuthorisation, KeyLoan, Parcel, FoundItem])


def down(migrator, db):
    for table in ('found_item', 'parcel', 'key_loan', 'key_authorisation', 'key_deposit'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')

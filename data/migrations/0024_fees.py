"""0024: fees (issue 18) — fee items and their dated standards, bills, receipt counters,
payments (voids and refunds point at what they cancel), allocations, waivers and the
rooms' prepaid balances (frozen copy of data/models/fees.py as of this migration; Python-side
defaults such as clock.now are not part of the DDL)."""
from peewee import *


def up(migrator, db):
    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Building(Model):
        class Meta:
            database = db
            table_name = 'building'

    class Room(Model):
        class Meta:
            database = db
            table_name = 'room'

    class ParkingSpace(Model):
        class Meta:
            database = db
            table_name = 'parking_space'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class FeeItem(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        name = CharField(max_length=40)
        basis = CharField(max_length=8)
        cycle = CharField(max_length=10, default='monthly')
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'fee_item'
            indexes = ((('community', 'name'), True),)

    class FeeStandard(Model):
        item = ForeignKeyField(FeeItem, on_delete='RESTRICT')
        room_type = CharField(max_length=12, default='')
        unit_price_fen = IntegerField()
        starts_on = DateField()
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'fee_standard'
            indexes = ((('item', 'room_type', 'starts_on'), True),)

    class Bill(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        building = ForeignKeyField(Building, null=True, on_delete='RESTRICT', index=False)
        room = ForeignKeyField(Room, on_delete='RESTRICT', index=False)
        space = ForeignKeyField(ParkingSpace, null=True, on_delete='RESTRICT', index=False)
        space_key = IntegerField(default=0)
        item = ForeignKeyField(FeeItem, on_delete='RESTRICT', index=False)
        standard = ForeignKeyField(FeeStandard, null=True, on_delete='RESTRICT', index=False)
        period = CharField(max_length=7)
        starts_on = DateField()
        ends_on = DateField()
        payer_kind = CharField(max_length=10, default='owner')
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL', index=False)
        quantity = DecimalField(max_digits=12, decimal_places=2, default=1)
        unit_price_fen = IntegerField(default=0)
        rate_pct = IntegerField(default=100)
        amount_fen = IntegerField()
        paid_fen = IntegerField(default=0)
        waived_fen = IntegerField(default=0)
        issued_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'bill'
            indexes = (
                (('room', 'item', 'space_key', 'period', 'starts_on'), True),
                (('community', 'period'), False),
                (('building', 'period'), False),
            )

    class ReceiptCounter(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        year = IntegerField()
        last_number = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'receipt_counter'
            indexes = ((('community', 'year'), True),)

    class Payment(Model):
        number = CharField(max_length=20)
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        room = ForeignKeyField(Room, on_delete='RESTRICT', index=False)
        kind = CharField(max_length=8, default='payment')
        method = CharField(max_length=10, default='')
        reference = CharField(max_length=60, default='')
        payer_name = CharField(max_length=60, default='')
        amount_fen = IntegerField()
        voids = ForeignKeyField('self', null=True, unique=True, on_delete='RESTRICT')
        reason = TextField(default='')
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        taken_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'payment'
            indexes = ((('community', 'number'), True), (('room', 'taken_at'), False))

    class Allocation(Model):
        bill = ForeignKeyField(Bill, on_delete='RESTRICT', index=False)
        payment = ForeignKeyField(Payment, null=True, on_delete='RESTRICT')
        amount_fen = IntegerField()
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'allocation'
            indexes = ((('bill', 'at'), False),)

    class Waiver(Model):
        bill = ForeignKeyField(Bill, on_delete='RESTRICT')
        amount_fen = IntegerField()
        reason = TextField()
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'waiver'

    class FeeAccount(Model):
        room = ForeignKeyField(Room, unique=True, on_delete='RESTRICT')
        prepaid_fen = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'fee_account'

    db.create_tables([FeeItem, FeeStandard, Bill, ReceiptCounter, Payment, Allocation, Waiver,
                      FeeAccount])


def down(migrator, db):
    for table in ('fee_account', 'waiver', 'allocation', 'payment', 'receipt_counter', 'bill',
                  'fee_standard', 'fee_item'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')

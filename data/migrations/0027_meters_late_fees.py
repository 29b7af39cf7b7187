"""0027: metered fee items and paid repairs (issue 18 items 1 and 3) — the meter readings
per room, item and period, and the work order a repair bill came from (frozen copy of
data/models/fees.py as of this migration; Python-side defaults are not part of the DDL).
Late fees need no table: their rate and start date are a setting."""
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

    class FeeItem(Model):
        class Meta:
            database = db
            table_name = 'fee_item'

    class WorkOrder(Model):
        class Meta:
            database = db
            table_name = 'work_order'

    class MeterReading(Model):
        room = ForeignKeyField(Room, on_delete='RESTRICT', index=False)
        item = ForeignKeyField(FeeItem, on_delete='RESTRICT')
        period = CharField(max_length=7)
        reading = DecimalField(max_digits=12, decimal_places=2)
        previous = DecimalField(max_digits=12, decimal_places=2)
        meter_change = BooleanField(default=False)
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'meter_reading'
            indexes = ((('room', 'item', 'period'), True),)

    db.create_tables([MeterReading])
    # A nullable column on an existing table; the migrator adds its (unique) index with it.
    migrator.migrate(migrator.add_column('bill', 'work_order_id', ForeignKeyField(
        WorkOrder, field=WorkOrder.id, null=True, unique=True, on_delete='RESTRICT')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('bill', 'bill_work_order_id'))
    migrator.migrate(migrator.drop_column('bill', 'work_order_id'))
    db.execute_sql('DROP TABLE IF EXISTS "meter_reading"')

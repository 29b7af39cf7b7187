"""0029: invoices against payments (发票) and the special maintenance fund (专项维修资金):
the balances per room as the housing authority reports them, the requests to use the fund
and their rooms with each room's ballot (issue 18 item 7). Frozen copy of the models in
data/models/fees.py as of this migration; Python-side defaults are not part of the DDL."""
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

    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class Payment(Model):
        class Meta:
            database = db
            table_name = 'payment'

    class Invoice(Model):
        payment = ForeignKeyField(Payment, on_delete='RESTRICT')
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        title = CharField(max_length=100)
        tax_no = CharField(max_length=18, default='')
        email = CharField(max_length=120, default='')
        status = CharField(max_length=10, default='pending')
        number = CharField(max_length=20, default='')
        requested_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        requested_at = DateTimeField()
        issued_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        issued_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'invoice'
            indexes = ((('community', 'status'), False),)

    class FundBalance(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        room = ForeignKeyField(Room, on_delete='RESTRICT', index=False)
        as_of = DateField()
        balance_fen = IntegerField()
        imported_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        imported_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'fund_balance'
            indexes = ((('room', 'as_of'), True), (('community', 'as_of'), False))

    class FundRequest(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        project = CharField(max_length=100)
        budget_fen = IntegerField()
        reason = TextField(default='')
        scope = CharField(max_length=100, default='')
        status = CharField(max_length=10, default='draft')
        used_fen = IntegerField(null=True)
        used_on = DateField(null=True)
        result = TextField(default='')
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        decided_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'fund_request'

    class FundRequestRoom(Model):
        request = ForeignKeyField(FundRequest, on_delete='CASCADE', index=False)
        room = ForeignKeyField(Room, on_delete='RESTRICT')
        ballot = CharField(max_length=8, default='')
        recorded_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        recorded_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'fund_request_room'
            indexes = ((('request', 'room'), True),)

    db.create_tables([Invoice, FundBalance, FundRequest, FundRequestRoom])


def down(migrator, db):
    for table in ('fund_request_room', 'fund_request', 'fund_balance', 'invoice'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')

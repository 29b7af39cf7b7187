"""0026: the public accounts of the fees (公示, issue 18 item 6) — expenditure entries per
community and month by category, and the shared-facility entries (公共收益: income by kind,
its reasonable costs and its use) per community and month (frozen copy of the models in
data/models/fees.py as of this migration; Python-side defaults are not part of the DDL)."""
from peewee import *


def up(migrator, db):
    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class FeeExpense(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        month = CharField(max_length=7)
        category = CharField(max_length=12)
        amount_fen = IntegerField()
        note = TextField(default='')
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'fee_expense'
            indexes = ((('community', 'month'), False),)

    class SharedEntry(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        month = CharField(max_length=7)
        kind = CharField(max_length=12)
        amount_fen = IntegerField()
        note = TextField(default='')
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'shared_entry'
            indexes = ((('community', 'month'), False),)

    db.create_tables([FeeExpense, SharedEntry])


def down(migrator, db):
    for table in ('shared_entry', 'fee_expense'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')

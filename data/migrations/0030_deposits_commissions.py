"""0030: renovation deposits as a fee item and staff commissions (issue 18 items 8, 9) —
fee_item.refundable, the deposit's and the refund's receipt numbers on a renovation permit,
commission rules, statements and their lines (frozen copy of the models in
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

    class CommissionRule(Model):
        community = ForeignKeyField(Community, null=True, on_delete='RESTRICT')
        role = CharField(max_length=12)
        source = CharField(max_length=12)
        percent = DecimalField(max_digits=6, decimal_places=2)
        starts_on = DateField()
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'commission_rule'

    class CommissionStatement(Model):
        staff = ForeignKeyField(Staff, on_delete='RESTRICT')
        month = CharField(max_length=7)
        total_fen = IntegerField(default=0)
        status = CharField(max_length=10, default='draft')
        computed_at = DateTimeField()
        approved_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        approved_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'commission_statement'
            indexes = ((('staff', 'month'), True), (('month',), False))

    class CommissionLine(Model):
        statement = ForeignKeyField(CommissionStatement, on_delete='CASCADE')
        source = CharField(max_length=12)
        ref = CharField(max_length=40)
        note = CharField(max_length=120, default='')
        base_fen = IntegerField()
        percent = DecimalField(max_digits=6, decimal_places=2)
        amount_fen = IntegerField()
        class Meta:
            database = db
            table_name = 'commission_line'

    db.create_tables([CommissionRule, CommissionStatement, CommissionLine])
    migrator.migrate(
        migrator.add_column('fee_item', 'refundable', BooleanField(default=False)),
        migrator.add_column('renovation', 'deposit_receipt', CharField(max_length=20, default='')),
        migrator.add_column('renovation', 'refund_receipt', CharField(max_length=20, default='')),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('renovation', 'refund_receipt'),
        migrator.drop_column('renovation', 'deposit_receipt'),
        migrator.drop_column('fee_item', 'refundable'),
    )
    for table in ('commission_line', 'commission_statement', 'commission_rule'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')

"""0022: proposals and service contracts (issue 17 item 4) — the company's own .docx
templates (kept in the database), the per-year number counters, the contract register and
its history (frozen copy of data/models/contracts.py as of this migration; Python-side
defaults such as clock.now are not part of the DDL)."""
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

    class WorkOrder(Model):
        class Meta:
            database = db
            table_name = 'work_order'

    class Call(Model):
        class Meta:
            database = db
            table_name = 'call'

    class ContractTemplate(Model):
        kind = CharField(max_length=16)
        name = CharField(max_length=60)
        content = BlobField()
        size = IntegerField()
        sha256 = CharField(max_length=64)
        placeholders = TextField(default='')
        active = BooleanField(default=True)
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'contract_template'
            indexes = ((('kind', 'name'), True),)

    class ContractCounter(Model):
        series = CharField(max_length=4)
        year = IntegerField()
        last_number = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'contract_counter'
            indexes = ((('series', 'year'), True),)

    class Contract(Model):
        number = CharField(max_length=20, unique=True)
        kind = CharField(max_length=16)
        status = CharField(max_length=12, default='draft')
        template = ForeignKeyField(ContractTemplate, null=True, on_delete='SET NULL')
        community = ForeignKeyField(Community, null=True, on_delete='RESTRICT')
        room = ForeignKeyField(Room, null=True, on_delete='RESTRICT')
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        party_name = CharField(max_length=60, default='')
        party_phone = CharField(max_length=30, default='')
        work_order = ForeignKeyField(WorkOrder, null=True, on_delete='SET NULL')
        subject = TextField(default='')
        details = TextField(default='')
        amount = DecimalField(max_digits=12, decimal_places=2, default=0)
        start_date = DateField()
        end_date = DateField()
        signed_on = DateField(null=True)
        owner_staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        closed_reason = TextField(default='')
        file_name = CharField(max_length=120, default='')
        file_sha256 = CharField(max_length=64, default='')
        rendered_at = DateTimeField(null=True)
        renewal_for = DateField(null=True)
        renewal_call = ForeignKeyField(Call, null=True, on_delete='SET NULL')
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'contract'
            indexes = (
                (('status', 'end_date'), False),
                (('kind', 'status'), False),
                (('created_at',), False),
                (('room',), False),
                (('person',), False),
            )

    class ContractEvent(Model):
        contract = ForeignKeyField(Contract, on_delete='CASCADE')
        at = DateTimeField()
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        action = CharField(max_length=16)
        from_status = CharField(max_length=12, default='')
        to_status = CharField(max_length=12, default='')
        note = TextField(default='')
        class Meta:
            database = db
            table_name = 'contract_event'
            indexes = ((('contract', 'at'), False),)

    db.create_tables([ContractTemplate, ContractCounter, Contract, ContractEvent])


def down(migrator, db):
    for table in ('contract_event', 'contract', 'contract_counter', 'contract_template'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')

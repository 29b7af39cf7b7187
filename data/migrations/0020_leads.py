"""0020: leads (潜在客户, issue 17) — a lead with its phones, the rooms or parking spaces it is
interested in, its timeline, and the assignment rules by interest (frozen copy of
data/models/leads.py as of this migration)."""
from peewee import *


def up(migrator, db):
    def stub(name):
        class Meta:
            database = db
            table_name = name
        return type(name.title().replace('_', ''), (Model,), {'Meta': Meta})

    Community, Person, Staff = stub('community'), stub('person'), stub('staff')
    Room, ParkingSpace = stub('room'), stub('parking_space')
    Event, Call, WorkOrder = stub('event'), stub('call'), stub('work_order')

    class Lead(Model):
        name = CharField(max_length=60)
        company = CharField(max_length=100, default='')
        source = CharField(max_length=12)
        referrer = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        interest = CharField(max_length=12)
        budget = DecimalField(max_digits=12, decimal_places=2, null=True)
        community = ForeignKeyField(Community, null=True, on_delete='SET NULL')
        stage = CharField(max_length=12, default='new', index=True)
        stage_since = DateTimeField()
        lost_reason = CharField(max_length=12, default='')
        lost_note = TextField(default='')
        owner = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        assigned_by = CharField(max_length=12, default='')
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        next_followup = DateTimeField(null=True, index=True)
        followup_event = ForeignKeyField(Event, null=True, on_delete='SET NULL')
        call = ForeignKeyField(Call, null=True, on_delete='SET NULL')
        note = TextField(default='')
        converted_to = CharField(max_length=12, default='')
        work_order = ForeignKeyField(WorkOrder, null=True, on_delete='SET NULL')
        converted_at = DateTimeField(null=True)
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField()
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'lead'
            indexes = ((('owner', 'next_followup'), False),)

    class LeadPhone(Model):
        lead = ForeignKeyField(Lead, on_delete='CASCADE')
        number = CharField(max_length=30, index=True)

        class Meta:
            database = db
            table_name = 'lead_phone'
            indexes = ((('lead', 'number'), True),)

    class LeadInterest(Model):
        lead = ForeignKeyField(Lead, on_delete='CASCADE')
        room = ForeignKeyField(Room, null=True, on_delete='CASCADE')
        parking_space = ForeignKeyField(ParkingSpace, null=True, on_delete='CASCADE')

        class Meta:
            database = db
            table_name = 'lead_interest'

    class LeadEvent(Model):
        lead = ForeignKeyField(Lead, on_delete='CASCADE')
        at = DateTimeField()
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        kind = CharField(max_length=12)
        code = CharField(max_length=12, default='')
        from_value = CharField(max_length=40, default='')
        to_value = CharField(max_length=40, default='')
        note = TextField(default='')

        class Meta:
            database = db
            table_name = 'lead_event'
            indexes = ((('lead', 'at'), False),)

    class LeadRule(Model):
        interest = CharField(max_length=12)
        community = ForeignKeyField(Community, null=True, on_delete='CASCADE')
        staff = ForeignKeyField(Staff, on_delete='CASCADE')

        class Meta:
            database = db
            table_name = 'lead_rule'
            indexes = ((('interest', 'community'), False),)

    db.create_tables([Lead, LeadPhone, LeadInterest, LeadEvent, LeadRule])


def down(migrator, db):
    for table in ('lead_rule', 'lead_event', 'lead_interest', 'lead_phone', 'lead'):
        migrator.migrate(migrator.drop_table(table))

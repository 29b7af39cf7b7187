"""0015: renovation permits (装修登记, issue 16 item 2) — the permit of a room with its
contractor, period, permitted hours, deposit and status; the contractor's workers; the
inspections during the works (巡查); the permit's history (frozen copy of
data/models/renovations.py as of this migration)."""
# Python-side defaults (clock.now) are not part of the DDL, so the frozen models leave
# them out; rows inserted by plain SQL (the sample generator) give every column.
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

    class Renovation(Model):
        number = CharField(max_length=24, unique=True)
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        room = ForeignKeyField(Room, on_delete='RESTRICT')
        applicant = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        contractor = CharField(max_length=100)
        contractor_phone = CharField(max_length=30, default='')
        scope = TextField(default='')
        start_date = DateField()
        end_date = DateField()
        workday_hours = CharField(max_length=60, default='08:00-12:00,14:00-18:00')
        rest_day_hours = CharField(max_length=60, default='')
        deposit = DecimalField(max_digits=10, decimal_places=2, default=0)
        deposit_received_at = DateTimeField(null=True)
        deposit_received_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        rules_acknowledged = BooleanField(default=False)
        rules_acknowledged_at = DateTimeField(null=True)
        status = CharField(max_length=20, default='applied')
        applied_at = DateTimeField()
        applied_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        approved_at = DateTimeField(null=True)
        approved_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        acceptance_result = CharField(max_length=10, default='')
        acceptance_notes = TextField(default='')
        accepted_at = DateTimeField(null=True)
        accepted_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        refunded_amount = DecimalField(max_digits=10, decimal_places=2, null=True)
        deduction_reason = TextField(default='')
        refunded_at = DateTimeField(null=True)
        refunded_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        closed_reason = TextField(default='')
        room_state_before = CharField(max_length=12, default='')
        updated_at = DateTimeField()
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'renovation'
            indexes = (
                (('room', 'status'), False),
                (('status', 'start_date'), False),
                (('community', 'status', 'start_date'), False),
            )

    class RenovationWorker(Model):
        renovation = ForeignKeyField(Renovation, on_delete='CASCADE')
        name = CharField(max_length=60)
        phone = CharField(max_length=30, default='')
        id_tail = CharField(max_length=4, default='')
        class Meta:
            database = db
            table_name = 'renovation_worker'

    class RenovationInspection(Model):
        renovation = ForeignKeyField(Renovation, on_delete='CASCADE')
        at = DateTimeField()
        inspector = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        findings = TextField(default='')
        result = CharField(max_length=12)
        needs_repair = BooleanField(default=False)
        work_order = ForeignKeyField(WorkOrder, null=True, on_delete='SET NULL')
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'renovation_inspection'
            indexes = ((('renovation', 'at'), False),)

    class RenovationEvent(Model):
        renovation = ForeignKeyField(Renovation, on_delete='CASCADE')
        at = DateTimeField()
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        action = CharField(max_length=20)
        from_status = CharField(max_length=20, default='')
        to_status = CharField(max_length=20, default='')
        note = TextField(default='')
        class Meta:
            database = db
            table_name = 'renovation_event'
            indexes = ((('renovation', 'at'), False),)

    db.create_tables([Renovation, RenovationWorker, RenovationInspection, RenovationEvent])


def down(migrator, db):
    for table in ('renovation_event', 'renovation_inspection', 'renovation_worker', 'renovation'):
        migrator.migrate(migrator.drop_table(table))

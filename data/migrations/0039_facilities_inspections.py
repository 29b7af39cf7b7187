"""0039: the facilities register (设施设备台账) with each item's periodic legal inspections and
their records, inspection routes (巡查路线) with checklist items, runs and answers, and a work
order's facility (issue 20 items 6, 7). Frozen copy of data/models/facilities.py and
data/models/inspections.py as of this migration."""
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

    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class Event(Model):
        class Meta:
            database = db
            table_name = 'event'

    class WorkOrder(Model):
        class Meta:
            database = db
            table_name = 'work_order'

    class Facility(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        building = ForeignKeyField(Building, null=True, on_delete='RESTRICT')
        kind = CharField(max_length=12)
        name = CharField(max_length=60)
        place = CharField(max_length=120, default='')
        maker = CharField(max_length=60, default='')
        model = CharField(max_length=60, default='')
        installed_on = DateField(null=True)
        contractor = CharField(max_length=60, default='')
        contract = CharField(max_length=120, default='')
        responsible = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'facility'
            indexes = ((('community', 'kind'), False),)

    class FacilityCheck(Model):
        facility = ForeignKeyField(Facility, on_delete='CASCADE')
        name = CharField(max_length=60)
        legal = BooleanField(default=True)
        interval_months = IntegerField(default=12)
        last_done = DateField(null=True)
        next_due = DateField(index=True)
        reminded_for = DateField(null=True)
        class Meta:
            database = db
            table_name = 'facility_check'

    class FacilityCheckRecord(Model):
        check = ForeignKeyField(FacilityCheck, on_delete='CASCADE')
        done_on = DateField()
        passed = BooleanField(default=True)
        note = TextField(default='')
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'facility_check_record'

    class InspectionRoute(Model):
        name = CharField(max_length=60)
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        assignee = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        event = ForeignKeyField(Event, null=True, on_delete='SET NULL')
        grace_minutes = IntegerField(default=60)
        active = BooleanField(default=True)
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'inspection_route'

    class RouteItem(Model):
        route = ForeignKeyField(InspectionRoute, on_delete='CASCADE')
        seq = IntegerField()
        text = CharField(max_length=120)
        kind = CharField(max_length=8, default='check')
        low = DecimalField(max_digits=12, decimal_places=3, null=True)
        high = DecimalField(max_digits=12, decimal_places=3, null=True)
        unit = CharField(max_length=12, default='')
        facility = ForeignKeyField(Facility, null=True, on_delete='SET NULL')
        place = CharField(max_length=120, default='')
        class Meta:
            database = db
            table_name = 'route_item'

    class InspectionRun(Model):
        route = ForeignKeyField(InspectionRoute, on_delete='CASCADE')
        occurrence = DateTimeField(null=True)
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        started_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'inspection_run'
            indexes = ((('route', 'occurrence'), True), (('route', 'started_at'), False))

    class RunAnswer(Model):
        run = ForeignKeyField(InspectionRun, on_delete='CASCADE')
        item = ForeignKeyField(RouteItem, on_delete='CASCADE')
        ok = BooleanField()
        reading = DecimalField(max_digits=12, decimal_places=3, null=True)
        note = TextField(default='')
        work_order = ForeignKeyField(WorkOrder, null=True, on_delete='SET NULL')
        answered_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'run_answer'
            indexes = ((('run', 'item'), True), (('item', 'answered_at'), False))

    db.create_tables([Facility, FacilityCheck, FacilityCheckRecord, InspectionRoute, RouteItem,
                      InspectionRun, RunAnswer])
    # A nullable column on an existing table; the migrator adds its index with it.
    migrator.migrate(migrator.add_column('work_order', 'facility_id', ForeignKeyField(
        Facility, field=Facility.id, null=True, on_delete='SET NULL')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('work_order', 'work_order_facility_id'))
    migrator.migrate(migrator.drop_column('work_order', 'facility_id'))
    for table in ('run_answer', 'inspection_run', 'route_item', 'inspection_route',
                  'facility_check_record', 'facility_check', 'facility'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')

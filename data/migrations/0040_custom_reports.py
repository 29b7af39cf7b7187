"""0040: saved custom reports (用户可定制报告, issue 20 item 3): name unique per owner, shared
flag, the JSON definition. Frozen copy of data/models/reports.py as of this migration."""
from peewee import *


def up(migrator, db):
    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class CustomReport(Model):
        name = CharField(max_length=40)
        owner = ForeignKeyField(Staff, on_delete='CASCADE')
        shared = BooleanField(default=False)
        definition = TextField()
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'custom_report'
            indexes = ((('owner', 'name'), True),)

    db.create_tables([CustomReport])


def down(migrator, db):
    db.execute_sql('DROP TABLE custom_report')

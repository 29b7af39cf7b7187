"""0003: saved work-order queue filters per staff member."""
from peewee import *


def up(migrator, db):
    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class SavedFilter(Model):
        staff = ForeignKeyField(Staff, on_delete='CASCADE')
        name = CharField(max_length=40)
        spec = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'saved_filter'
            indexes = ((('staff', 'name'), True),)
    db.create_tables([SavedFilter])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('saved_filter'))


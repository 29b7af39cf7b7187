"""0004: the 待派单 view sorts by the response deadline."""
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.add_index('work_order', ('status', 'response_due', 'id')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('work_order', 'work_order_status_response_due_id'))


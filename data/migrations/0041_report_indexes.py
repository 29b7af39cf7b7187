"""0041: the monthly work-order reports (issue 20 item 5) read a period's orders from one
covering index (created_at first, then every column the reports filter, group and count
by), never the table rows; the 返修 test (an earlier order of the same room and category
within 30 days) is answered from the (room, category, created_at, status) index alone."""
from peewee import *

REPORT_COLUMNS = ('created_at', 'status', 'kind', 'category_id', 'building_id', 'assignee_id', 'community_id',
                  'room_id', 'response_due', 'responded_at', 'resolution_due', 'resolved_at', 'callback_at',
                  'rating')
REPEAT_COLUMNS = ('room_id', 'category_id', 'created_at', 'status')


def up(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "work_order_report_period" ON "work_order" (%s)'
                   % ', '.join('"%s"' % c for c in REPORT_COLUMNS))
    db.execute_sql('CREATE INDEX IF NOT EXISTS "work_order_repeat_repair" ON "work_order" (%s)'
                   % ', '.join('"%s"' % c for c in REPEAT_COLUMNS))


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "work_order_repeat_repair"')
    db.execute_sql('DROP INDEX IF EXISTS "work_order_report_period"')

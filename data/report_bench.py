"""The reports benchmark database (`frontdesk bench --only reports`, issue 20 item 5): `orders`
work orders spread over the 24 months before NOW, in rooms of buildings of 200 rooms
(one room per ten orders), twelve categories, sixty technicians; most completed, some late,
one in fifty cancelled, seven in ten called back and six in ten rated — written set-based
(recursive SQL), like data.fee_bench, so 1.5 M orders take a minute, not hours."""

from __future__ import annotations

import datetime as dt

from data.db import db, transaction

ROOMS_PER_BUILDING = 200
ROOMS_PER_COMMUNITY = 20_000
ORDERS_PER_ROOM = 10
TECHNICIANS = 60
CATEGORIES = 12
#: The orders span these days before NOW (24 months).
SPAN_DAYS = 730
START = "2025-01-01 00:00:00"
#: The day the bench runs (FRONTDESK_NOW): its standard report is of last month, 2026-12.
NOW = "2027-01-05 09:00"
MONTH = "month:2026-12"


def _seq(n: int) -> str:
    """A recursive CTE of the integers 1..n, named `seq(i)`."""
    return f"WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {int(n)}) "


def build(orders: int) -> None:
    """Fill the open, freshly migrated SQLite database (see the module docstring)."""
    n = max(100, int(orders))
    rooms = max(ROOMS_PER_BUILDING, n // ORDERS_PER_ROOM)
    buildings = -(-rooms // ROOMS_PER_BUILDING)
    communities = max(1, -(-rooms // ROOMS_PER_COMMUNITY))
    per = ROOMS_PER_BUILDING
    stamp = "2024-12-01 09:00:00"
    run = db.execute_sql
    with transaction():
        run(_seq(communities) + 'INSERT INTO "community" ("id", "name", "code", "address", "phone", "created_at", '
            '"developer") SELECT i, \'基准小区\' || i, \'B\' || i, \'\', \'\', ?, \'基准置业\' FROM seq', [stamp])
        run(_seq(buildings) + 'INSERT INTO "building" ("id", "community_id", "code", "floors", "phase", "name", '
            f'"kind") SELECT i, (i - 1) % {communities} + 1, CAST((i - 1) / {communities} + 1 AS TEXT), 20, '
            '\'\', \'\', \'residential\' FROM seq')
        run(_seq(buildings) + 'INSERT INTO "entrance" ("id", "building_id", "code") SELECT i, i, \'1\' FROM seq')
        run(_seq(rooms) + 'INSERT INTO "room" ("id", "community_id", "building_id", "entrance_id", "number", "code", '
            '"floor", "area_m2", "note", "room_type", "state", "delivery_date", "developer_held") '
            f'SELECT i, ((i - 1) / {per}) % {communities} + 1, (i - 1) / {per} + 1, (i - 1) / {per} + 1, '
            f'CAST((i - 1) % {per} + 101 AS TEXT), '
            f'CAST(((i - 1) / {per}) / {communities} + 1 AS TEXT) || \'-1-\' || CAST((i - 1) % {per} + 101 AS TEXT), '
            f'(i - 1) % {per} / 10 + 1, 90, \'\', \'residential\', \'occupied\', \'2019-06-30\', 0 FROM seq')
        # The migrations seed categories (and maybe accounts): the bench's come after them.
        cat0 = int(run('SELECT COALESCE(MAX("id"), 0) FROM "category"').fetchone()[0])
        staff0 = int(run('SELECT COALESCE(MAX("id"), 0) FROM "staff"').fetchone()[0])
        run(_seq(CATEGORIES) + 'INSERT INTO "category" ("id", "parent_id", "code", "name", "name_en", "kind", '
            f'"sort_order", "active") SELECT i + {cat0}, NULL, \'BENCH\' || i, \'基准类别\' || i, \'\', \'repair\', i, 1 FROM seq')
        # Staff 1 is the desk clerk who opens every order, 2 .. TECHNICIANS + 1 the technicians
        # (after staff0).
        run('INSERT INTO "staff" ("id", "login", "name", "role", "phone", "must_change_password", "failed_logins", '
            f'"active", "created_at") VALUES ({staff0 + 1}, \'benchdesk\', \'前台\', \'desk\', \'\', 0, 0, 1, ?)',
            [stamp])
        run(_seq(TECHNICIANS) + 'INSERT INTO "staff" ("id", "login", "name", "role", "phone", "must_change_password", '
            f'"failed_logins", "active", "created_at") SELECT i + {staff0 + 1}, \'benchtech\' || i, \'维修工\' || i, \'tech\', '
            '\'\', 0, 0, 1, ? FROM seq', [stamp])
        minutes = SPAN_DAYS * 1440
        # Order i: minute m of the span (spread, not in id order), room r; cancelled one in
        # fifty, open in the last five days, else completed (one in eight late).
        run(_seq(n) + 'INSERT INTO "work_order" ("id", "number", "kind", "category_id", "priority", "channel", '
            '"status", "title", "description", "community_id", "building_id", "room_id", "location", '
            '"contact_phone", "assignee_id", "created_by_id", "created_at", "updated_at", "response_due", '
            '"resolution_due", "responded_at", "resolved_at", "closed_at", "held_minutes", "escalation_level", '
            '"rating", "callback_comment", "callback_at", "version") '
            'SELECT i, \'BX-B-\' || i, CASE WHEN i % 5 = 0 THEN \'complaint\' ELSE \'repair\' END, '
            f'i % {CATEGORIES} + {cat0 + 1}, CASE WHEN i % 10 = 0 THEN \'urgent\' ELSE \'normal\' END, \'phone\', '
            f'CASE WHEN i % 50 = 0 THEN \'cancelled\' WHEN m > {minutes - 5 * 1440} THEN \'in_progress\' '
            'ELSE \'closed\' END, \'基准工单\', \'\', '
            f'((r - 1) / {per}) % {communities} + 1, (r - 1) / {per} + 1, r, \'\', \'\', '
            f'i % {TECHNICIANS} + {staff0 + 2}, {staff0 + 1}, c, c, datetime(c, \'+60 minutes\'), datetime(c, \'+24 hours\'), '
            'datetime(c, \'+\' || (i % 90) || \' minutes\'), '
            f'CASE WHEN i % 50 != 0 AND m <= {minutes - 5 * 1440} THEN datetime(c, \'+\' || (i % 8 * 4 + i % 3) || \' hours\') END, '
            f'CASE WHEN i % 50 != 0 AND m <= {minutes - 5 * 1440} THEN datetime(c, \'+3 days\') END, '
            '0, 0, CASE WHEN i % 10 < 6 THEN i % 5 + 1 END, \'\', '
            f'CASE WHEN i % 10 < 7 AND i % 50 != 0 AND m <= {minutes - 5 * 1440} THEN datetime(c, \'+2 days\') END, 1 '
            f'FROM (SELECT i, (i * 104729) % {minutes} AS m, (i * 7919) % {rooms} + 1 AS r, '
            f'datetime(\'{START}\', \'+\' || ((i * 104729) % {minutes}) || \' minutes\') AS c FROM seq)')
        # Orders completed in the last five days of the span stay open: no rating nor callback then.
        run('UPDATE "work_order" SET "rating" = NULL WHERE "status" != \'closed\'')
    db.execute_sql("ANALYZE")


def orders_in(since: dt.datetime, until: dt.datetime) -> int:
    """How many work orders were opened from `since` to before `until`."""
    from data.models import WorkOrder

    return WorkOrder.select().where(WorkOrder.created_at >= since, WorkOrder.created_at < until).count()

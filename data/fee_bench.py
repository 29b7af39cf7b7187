"""The fees benchmark database (`frontdesk bench`, issue 18 item 12): `rooms` rooms in
communities of 20 000 and buildings of 200, nine in ten owned (one in a thousand changing
owner mid-month), two monthly fee items — written set-based (recursive SQL), so a million
rooms take seconds, not the hours a per-row generator would."""

from __future__ import annotations

import datetime as dt

from data.db import db, transaction
from data.fees.balances import refresh_all

ROOMS_PER_BUILDING = 200
ROOMS_PER_COMMUNITY = 20_000
#: The month billed by the bench; owners change on its 16th in one room of a thousand.
PERIOD = "2027-01"
#: The day the bench's session runs (FRONTDESK_NOW for the bench: the period's 5th).
NOW = "2027-01-05 09:00"


def _seq(n: int) -> str:
    """A recursive CTE of the integers 1..n, named `seq(i)`."""
    return f"WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {int(n)}) "


def build(rooms: int) -> None:
    """Fill the open, freshly migrated SQLite database (see module docstring)."""
    n = max(ROOMS_PER_BUILDING, int(rooms))
    buildings = -(-n // ROOMS_PER_BUILDING)
    communities = max(1, -(-n // ROOMS_PER_COMMUNITY))
    stamp = "2026-12-01 09:00:00"
    run = db.execute_sql
    with transaction():
        run(_seq(communities) + 'INSERT INTO "community" ("id", "name", "code", "address", "phone", "created_at", '
            '"developer") SELECT i, \'基准小区\' || i, \'B\' || i, \'\', \'\', ?, \'基准置业\' FROM seq', [stamp])
        # Building b belongs to community (b - 1) % C + 1; its code counts within the community.
        run(_seq(buildings) + 'INSERT INTO "building" ("id", "community_id", "code", "floors", "phase", "name", '
            f'"kind") SELECT i, (i - 1) % {communities} + 1, CAST((i - 1) / {communities} + 1 AS TEXT), 20, '
            '\'\', \'\', \'residential\' FROM seq')
        run(_seq(buildings) + 'INSERT INTO "entrance" ("id", "building_id", "code") SELECT i, i, \'1\' FROM seq')
        per = ROOMS_PER_BUILDING
        run(_seq(n) + 'INSERT INTO "room" ("id", "community_id", "building_id", "entrance_id", "number", "code", '
            '"floor", "area_m2", "note", "room_type", "state", "delivery_date", "developer_held") '
            f'SELECT i, ((i - 1) / {per}) % {communities} + 1, (i - 1) / {per} + 1, (i - 1) / {per} + 1, '
            f'CAST((i - 1) % {per} + 101 AS TEXT), '
            f'CAST(((i - 1) / {per}) / {communities} + 1 AS TEXT) || \'-1-\' || CAST((i - 1) % {per} + 101 AS TEXT), '
            f'(i - 1) % {per} / 10 + 1, ROUND(45 + (i * 7919 % 15000) / 100.0, 2), \'\', '
            'CASE WHEN i % 100 = 99 THEN \'shop\' ELSE \'residential\' END, '
            'CASE WHEN i % 50 = 7 THEN \'undelivered\' WHEN i % 10 = 3 THEN \'vacant\' ELSE \'occupied\' END, '
            '\'2019-06-30\', i % 50 = 11 FROM seq')
        # Owners: person i owns room i (nine rooms in ten); in one room of a thousand person
        # n + i takes over on the period's 16th.
        run(_seq(n) + 'INSERT INTO "person" ("id", "name", "name_pinyin", "name_initials", "name_pinyin_alt", '
            '"name_initials_alt", "gender", "note", "created_at", "updated_at", "version") '
            'SELECT i, \'业主\' || i, \'\', \'\', \'\', \'\', \'\', \'\', ?, ?, 1 FROM seq WHERE i % 10 != 0',
            [stamp, stamp])
        changes = [i for i in range(5, n + 1, 1000) if i % 10 != 0]
        for i in changes:
            run('INSERT INTO "person" ("id", "name", "name_pinyin", "name_initials", "name_pinyin_alt", '
                '"name_initials_alt", "gender", "note", "created_at", "updated_at", "version") '
                'VALUES (?, ?, \'\', \'\', \'\', \'\', \'\', \'\', ?, ?, 1)', [n + i, f"新业主{i}", stamp, stamp])
        run(_seq(n) + 'INSERT INTO "occupancy" ("person_id", "room_id", "role", "start_date", "end_date", '
            '"is_primary_contact") SELECT i, i, \'owner\', \'2020-01-01\', '
            'CASE WHEN i % 1000 = 5 THEN \'2027-01-16\' END, 1 FROM seq WHERE i % 10 != 0')
        for i in changes:
            run('INSERT INTO "occupancy" ("person_id", "room_id", "role", "start_date", "end_date", '
                '"is_primary_contact") VALUES (?, ?, \'owner\', \'2027-01-16\', NULL, 1)', [n + i, i])
    _fee_items(communities)


def _fee_items(communities: int) -> None:
    from data.fees.items import add_standard, create_item

    for cid in range(1, communities + 1):
        service = create_item(cid, "物业服务费", "area", "monthly")
        add_standard(service.id, "2.35", dt.date(2020, 1, 1))
        add_standard(service.id, "4.80", dt.date(2020, 1, 1), "shop")
        garbage = create_item(cid, "垃圾清运费", "room", "monthly")
        add_standard(garbage.id, "12", dt.date(2020, 1, 1))


def pay_most(share_pct: int = 80) -> int:
    """Settle every bill of `share_pct` % of the rooms in full, set-based (the bench's
    stand-in for a month of desk payments), and refresh every room's running figures;
    the rooms left owing."""
    with transaction():
        db.execute_sql(f'UPDATE "bill" SET "paid_fen" = "amount_fen" WHERE "room_id" % 100 < {int(share_pct)}')
        refresh_all()
    return int(db.execute_sql('SELECT COUNT(*) FROM "fee_account" WHERE "due_fen" > 0').fetchone()[0])

"""Each room's running arrears figures on its fee account (FeeAccount.due_fen and
oldest_period, migration 0031): recomputed from the room's bills by every fees writer in
its own transaction — for one room after a payment, void, refund or waiver, set-based for
a building after billing — so the arrears list reads a page of accounts in index order."""

from __future__ import annotations

from data.db import db

_OPEN = 'b."amount_fen" > b."paid_fen" + b."waived_fen"'
_SET = (
    'UPDATE "fee_account" SET '
    '"due_fen" = COALESCE((SELECT SUM(b."amount_fen" - b."paid_fen" - b."waived_fen") FROM "bill" b '
    f'WHERE b."room_id" = "fee_account"."room_id" AND {_OPEN}), 0), '
    '"oldest_period" = COALESCE((SELECT MIN(b."period") FROM "bill" b '
    f'WHERE b."room_id" = "fee_account"."room_id" AND {_OPEN}), \'\') '
)


def refresh_rooms(room_ids: list[int]) -> None:
    """Recompute the figures of these rooms (call inside the writer's transaction)."""
    ids = list(dict.fromkeys(int(r) for r in room_ids))
    mark = db.param
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join([mark] * len(chunk))
        db.execute_sql('INSERT INTO "fee_account" ("room_id", "prepaid_fen", "due_fen", "oldest_period") '
                       f'SELECT "id", 0, 0, \'\' FROM "room" WHERE "id" IN ({marks}) ON CONFLICT DO NOTHING',
                       chunk)
        db.execute_sql(_SET + f'WHERE "room_id" IN ({marks})', chunk)


def refresh_building(building_id: int) -> None:
    """Recompute the figures of every room of a building that has bills (after billing it)."""
    mark = db.param
    db.execute_sql('INSERT INTO "fee_account" ("room_id", "prepaid_fen", "due_fen", "oldest_period") '
                   f'SELECT DISTINCT "room_id", 0, 0, \'\' FROM "bill" WHERE "building_id" = {mark} '
                   'ON CONFLICT DO NOTHING', [building_id])
    db.execute_sql(_SET + f'WHERE "room_id" IN (SELECT "id" FROM "room" WHERE "building_id" = {mark})',
                   [building_id])


#: Accounts for every room with bills, then every account's figures: plain SQL, also run
#: by the demo generator on its own connection (data.sample_fees).
OPEN_ALL_SQL = ('INSERT INTO "fee_account" ("room_id", "prepaid_fen", "due_fen", "oldest_period") '
                'SELECT DISTINCT "room_id", 0, 0, \'\' FROM "bill" WHERE TRUE ON CONFLICT DO NOTHING')
FIGURES_ALL_SQL = _SET


def refresh_all() -> None:
    """Recompute the figures of every room with bills (after a bulk change)."""
    db.execute_sql(OPEN_ALL_SQL)
    db.execute_sql(FIGURES_ALL_SQL)

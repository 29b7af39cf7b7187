"""0031: each room's running arrears figures on its fee account (issue 18 item 12) — what
it owes (due_fen, the sum of its bills' unpaid parts) and the first month of its oldest
unpaid bill — kept by every fees writer in its own transaction, with an index in the
arrears list's order so its first page reads a few rows at any size."""
from peewee import *


def up(migrator, db):
    db.execute_sql('ALTER TABLE "fee_account" ADD COLUMN "due_fen" INTEGER NOT NULL DEFAULT 0')
    db.execute_sql('ALTER TABLE "fee_account" ADD COLUMN "oldest_period" VARCHAR(7) NOT NULL DEFAULT \'\'')
    # Every room with bills gets an account, then its figures from its bills.
    db.execute_sql('INSERT INTO "fee_account" ("room_id", "prepaid_fen") '
                   'SELECT DISTINCT "room_id", 0 FROM "bill" WHERE TRUE ON CONFLICT DO NOTHING')
    db.execute_sql(
        'UPDATE "fee_account" SET '
        '"due_fen" = COALESCE((SELECT SUM(b."amount_fen" - b."paid_fen" - b."waived_fen") FROM "bill" b '
        'WHERE b."room_id" = "fee_account"."room_id" AND b."amount_fen" > b."paid_fen" + b."waived_fen"), 0), '
        '"oldest_period" = COALESCE((SELECT MIN(b."period") FROM "bill" b '
        'WHERE b."room_id" = "fee_account"."room_id" AND b."amount_fen" > b."paid_fen" + b."waived_fen"), \'\')')
    db.execute_sql('CREATE INDEX "fee_account_due" ON "fee_account" ("due_fen" DESC, "room_id")')


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "fee_account_due"')
    migrator.migrate(migrator.drop_column('fee_account', 'oldest_period'))
    migrator.migrate(migrator.drop_column('fee_account', 'due_fen'))

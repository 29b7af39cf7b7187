"""0032: the fees' money columns as 64-bit integers on PostgreSQL (three ten-million-yuan
payments overflow a 32-bit prepaid balance; SQLite's INTEGER is 64-bit already, so there
it changes nothing), and an invoice number recorded at most once (issue 18, security review)."""
from peewee import PostgresqlDatabase

#: (table, column) of every *_fen column of data/models/fees.py as of this migration.
FEN_COLUMNS = (
    ("allocation", "amount_fen"), ("arrears_contact", "due_fen"), ("bill", "unit_price_fen"),
    ("bill", "amount_fen"), ("bill", "paid_fen"), ("bill", "waived_fen"), ("commission_line", "base_fen"),
    ("commission_line", "amount_fen"), ("commission_statement", "total_fen"), ("fee_account", "prepaid_fen"),
    ("fee_account", "due_fen"), ("fee_expense", "amount_fen"), ("fee_standard", "unit_price_fen"),
    ("fund_balance", "balance_fen"), ("fund_request", "budget_fen"), ("fund_request", "used_fen"),
    ("payment", "amount_fen"), ("shared_entry", "amount_fen"), ("waiver", "amount_fen"),
)


def _is_pg(db) -> bool:
    return isinstance(getattr(db, "obj", db), PostgresqlDatabase)


def up(migrator, db):
    if _is_pg(db):
        for table, column in FEN_COLUMNS:
            db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE BIGINT')
    db.execute_sql('CREATE UNIQUE INDEX "invoice_number_once" ON "invoice" ("number") WHERE "number" <> \'\'')


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "invoice_number_once"')
    if _is_pg(db):
        for table, column in FEN_COLUMNS:
            db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE INTEGER')

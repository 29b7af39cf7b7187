"""0042: daily number counters (issue 21 item 4): the last number given per day's prefix
("BX-20261127-"), for work orders, release passes and renovation permits (data.numbering).
Seeded from the numbers already stored, so numbering continues after them. Frozen copy
of DailyCounter in data/models/audit.py as of this migration."""
import re

from peewee import *

#: (table, column) of the numbers counted per day's prefix.
NUMBERED = (("work_order", "number"), ("release_pass", "number"), ("renovation", "number"))
#: PostgreSQL: the next number of a day's prefix, taken inside the INSERT that stores it
#: (data.numbering.create_numbered), so the counter row is locked only from that INSERT,
#: the transaction's last statement, to the commit. A prefix without a counter row starts
#: after the highest number stored in `tbl`.`col` (longest first: 10000 > 9999).
PG_FUNCTION = r"""
CREATE OR REPLACE FUNCTION fd_next_number(p text, width integer, tbl text, col text)
RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE n integer; top text;
BEGIN
  UPDATE daily_counter SET last = last + 1 WHERE prefix = p RETURNING last INTO n;
  IF n IS NULL THEN
    EXECUTE format('SELECT %I FROM %I WHERE %I >= $1 AND %I < $2 '
                   'ORDER BY length(%I) DESC, %I DESC LIMIT 1', col, tbl, col, col, col, col)
      INTO top USING p, p || '~';
    top := substr(top, length(p) + 1);
    n := CASE WHEN top ~ '^[0-9]+$' THEN top::integer ELSE 0 END + 1;
    INSERT INTO daily_counter (prefix, last) VALUES (p, n)
      ON CONFLICT (prefix) DO UPDATE SET last = daily_counter.last + 1 RETURNING last INTO n;
  END IF;
  RETURN p || lpad(n::text, greatest(width, length(n::text)), '0');
END $$;
"""
#: A number of a day: its prefix ("BX-20261127-") and its sequence ("0001").
DAILY = re.compile(r"^([A-Z]+-\d{8}-)(\d+)$")


def up(migrator, db):
    class DailyCounter(Model):
        prefix = CharField(max_length=24, primary_key=True)
        last = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'daily_counter'

    db.create_tables([DailyCounter])
    if not isinstance(db, SqliteDatabase):
        db.execute_sql(PG_FUNCTION.replace("%", "%%"))  # the driver formats even without values
    highest: dict[str, int] = {}
    tables = set(db.get_tables())
    for table, column in NUMBERED:
        if table not in tables:
            continue
        for (number,) in db.execute_sql(f'SELECT "{column}" FROM "{table}"'):
            match = DAILY.match(number or "")
            if match:
                prefix, seq = match.group(1), int(match.group(2))
                highest[prefix] = max(seq, highest.get(prefix, 0))
    rows = sorted(highest.items())
    for start in range(0, len(rows), 500):
        DailyCounter.insert_many(rows[start:start + 500],
                                 fields=[DailyCounter.prefix, DailyCounter.last]).execute()


def down(migrator, db):
    if not isinstance(db, SqliteDatabase):
        db.execute_sql('DROP FUNCTION IF EXISTS fd_next_number(text, integer, text, text)')
    db.execute_sql('DROP TABLE daily_counter')

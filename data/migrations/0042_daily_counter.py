"""0042: daily number counters (issue 21 item 4): the last number given per day's prefix
("BX-20261127-"), for work orders, release passes and renovation permits (data.numbering).
Seeded from the numbers already stored, so numbering continues after them. Frozen copy
of DailyCounter in data/models/audit.py as of this migration."""
import re

from peewee import *

#: (table, column) of the numbers counted per day's prefix.
NUMBERED = (("work_order", "number"), ("release_pass", "number"), ("renovation", "number"))
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
    db.execute_sql('DROP TABLE daily_counter')

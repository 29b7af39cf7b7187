"""0002: search keys for people — name suffixes, the other reading of polyphonic surnames."""
from peewee import *

def up(migrator, db):
    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class PersonNameKey(Model):
        key = CharField(max_length=60)
        person = ForeignKeyField(Person, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'person_name_key'
            indexes = ((('key', 'person'), True),)
    db.create_tables([PersonNameKey])

    migrator.migrate(migrator.add_column('person', 'name_pinyin_alt', CharField(max_length=200, default='')))
    migrator.migrate(migrator.add_column('person', 'name_initials_alt', CharField(max_length=60, default='')))
    migrator.migrate(migrator.add_index('person', ('name_initials', 'name_pinyin')))
    migrator.migrate(migrator.add_index('person', ('name_initials_alt', 'name_pinyin_alt')))
    migrator.migrate(migrator.add_index('person', ('name_pinyin_alt',)))
    if isinstance(db, PostgresqlDatabase):
        _pattern_indexes(db)
    _backfill(db)


#: Columns searched by prefix (LIKE 'p%'). PostgreSQL uses a btree for that only with
#: text_pattern_ops (or a C collation); SQLite's queries use plain index ranges instead.
PATTERN_INDEXES = {
    "person_name_pat": ("person", "name text_pattern_ops"),
    "person_pinyin_pat": ("person", "name_pinyin text_pattern_ops"),
    "person_initials_pat": ("person", "name_initials text_pattern_ops, name_pinyin text_pattern_ops"),
    "person_pinyin_alt_pat": ("person", "name_pinyin_alt text_pattern_ops"),
    "person_initials_alt_pat": ("person", "name_initials_alt text_pattern_ops, name_pinyin_alt text_pattern_ops"),
    "person_id_rev_pat": ("person", "id_number_rev text_pattern_ops"),
    "person_name_key_pat": ("person_name_key", "key text_pattern_ops, person_id"),
    "phone_digits_rev_pat": ("phone", "digits_rev text_pattern_ops"),
    "vehicle_plate_pat": ("vehicle", "plate text_pattern_ops"),
    "vehicle_plate_tail_pat": ("vehicle", "plate_tail text_pattern_ops"),
    "room_code_pat": ("room", "code text_pattern_ops"),
}


def _pattern_indexes(db):
    for name, (table, columns) in PATTERN_INDEXES.items():
        db.execute_sql('CREATE INDEX IF NOT EXISTS "%s" ON "%s" (%s)' % (name, table, columns))


def _backfill(db):
    """Search keys for the people already in the database."""
    from data.pinyin import name_readings

    cursor = db.execute_sql('SELECT id, name FROM person')
    rows = cursor.fetchall()
    keys, alts = [], []
    for person_id, name in rows:
        compact = "".join(name.split())
        keys.extend((compact[i:], person_id) for i in range(1, len(compact)))
        readings = name_readings(compact)
        if len(readings) > 1:
            alt = readings[1]
            alts.append(("".join(alt), "".join(s[0] for s in alt if s), person_id))
    for i in range(0, len(keys), 5000):
        chunk = keys[i:i + 5000]
        db.execute_sql(
            'INSERT INTO person_name_key (key, person_id) VALUES ' + ','.join(['(%s, %s)' % (db.param, db.param)] * len(chunk)),
            [v for pair in chunk for v in pair])
    for alt in alts:
        db.execute_sql('UPDATE person SET name_pinyin_alt = %s, name_initials_alt = %s WHERE id = %s'
                       % (db.param, db.param, db.param), alt)


def down(migrator, db):
    migrator.migrate(migrator.drop_index('person', 'person_name_pinyin_alt'))
    if isinstance(db, PostgresqlDatabase):
        for name in PATTERN_INDEXES:
            db.execute_sql('DROP INDEX IF EXISTS "%s"' % name)
    migrator.migrate(migrator.drop_index('person', 'person_name_initials_alt_name_pinyin_alt'))
    migrator.migrate(migrator.drop_index('person', 'person_name_initials_name_pinyin'))
    migrator.migrate(migrator.drop_column('person', 'name_initials_alt'))
    migrator.migrate(migrator.drop_column('person', 'name_pinyin_alt'))
    migrator.migrate(migrator.drop_table('person_name_key'))


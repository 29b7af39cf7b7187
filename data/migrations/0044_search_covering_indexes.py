"""0044: owner search at a million owners reads each person shown from index entries alone
(issue 21 item 3): the page's rooms, phones and plates are read from covering indexes on
(person_id, …), and the phone-tail and room lookups find the people from the index they
range over, not from the table rows (one B-tree descent fewer per row, at random places in
a large file). The new occupancy and phone-tail indexes start with the columns of the ones
they replace, so every query those served is served the same way."""

REPLACED = (
    # (table, old index, old columns, new columns)
    ('occupancy', 'occupancy_person_id_end_date', ('person_id', 'end_date'),
     ('person_id', 'end_date', 'start_date', 'role', 'room_id')),
    ('occupancy', 'occupancy_room_id_end_date', ('room_id', 'end_date'),
     ('room_id', 'end_date', 'role', 'person_id')),
    ('phone', 'phone_digits_rev', ('digits_rev',), ('digits_rev', 'person_id')),
)
ADDED = (
    ('phone', ('person_id', 'is_primary', 'number')),
    ('vehicle', ('person_id', 'plate')),
)


def _name(table, columns):
    return f"{table}_{'_'.join(columns)}"


def up(migrator, db):
    for table, old, _old_columns, columns in REPLACED:
        migrator.migrate(migrator.add_index(table, columns))
        migrator.migrate(migrator.drop_index(table, old))
    for table, columns in ADDED:
        migrator.migrate(migrator.add_index(table, columns))


def down(migrator, db):
    for table, columns in ADDED:
        migrator.migrate(migrator.drop_index(table, _name(table, columns)))
    for table, _old, old_columns, columns in REPLACED:
        migrator.migrate(migrator.add_index(table, old_columns))
        migrator.migrate(migrator.drop_index(table, _name(table, columns)))

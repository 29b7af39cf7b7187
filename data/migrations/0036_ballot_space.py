"""0036: a written ballot of an owners' meeting may be entered under a titled parking space
(产权车位, its own 专有部分) for a holder who owns no room: ballot_entry.room becomes nullable
and ballot_entry.space_id refers to the space, one entry per meeting, space and entry number
(issue 19 item 3). Frozen copy of the columns as of this migration."""
from peewee import *


def up(migrator, db):
    class ParkingSpace(Model):
        class Meta:
            database = db
            table_name = 'parking_space'

    migrator.migrate(
        migrator.add_column('ballot_entry', 'space_id', ForeignKeyField(
            ParkingSpace, field=ParkingSpace.id, null=True, on_delete='RESTRICT')),
        migrator.drop_not_null('ballot_entry', 'room_id'),
        migrator.add_index('ballot_entry', ('meeting_id', 'space_id', 'entry'), True),
    )


def down(migrator, db):
    db.execute_sql('DELETE FROM ballot_entry WHERE room_id IS NULL')
    migrator.migrate(
        migrator.drop_index('ballot_entry', 'ballot_entry_meeting_id_space_id_entry'),
        migrator.drop_index('ballot_entry', 'ballot_entry_space_id'),
        migrator.drop_column('ballot_entry', 'space_id'),
        migrator.add_not_null('ballot_entry', 'room_id'),
    )

"""0010: calendar security (issue 12) — events' iCalendar UIDs that cannot be guessed, and
one delivery record per reminder and channel (frozen copy of data/models.py as of this
migration).

`event.uid` exists since 0001 (unique), but older databases and demo data hold counters
such as `5@frontdesk`, which anyone can guess to aim an iCalendar import at someone else's
event. Every such UID (a series', an occurrence row's, and a series' occurrence rows'
`5@frontdesk#20261207T093000`) is replaced by a random one (uuid4 hex); UIDs that came
from an imported file are kept, so the same file still updates what it created. `reminder_delivery` keeps the inbox's and the hook's
deliveries apart (see data.models.ReminderDelivery)."""
# Python-side defaults (clock.now) are not part of the DDL, so the frozen model leaves them out.
import re
import uuid

from peewee import *

#: A UID made by a counter (the old default and the demo generator).
GUESSABLE = re.compile(r"^[0-9]+@frontdesk$")


def up(migrator, db):
    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class Event(Model):
        uid = CharField(max_length=80, unique=True)
        series = ForeignKeyField('self', null=True, on_delete='CASCADE')

        class Meta:
            database = db
            table_name = 'event'

    class ReminderDelivery(Model):
        key = CharField(max_length=120)
        channel = CharField(max_length=10)
        staff = ForeignKeyField(Staff, on_delete='CASCADE')
        event = ForeignKeyField(Event, on_delete='CASCADE')
        occurrence = DateTimeField()
        state = CharField(max_length=10)
        attempts = IntegerField(default=0)
        error = CharField(max_length=200, default='')
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'reminder_delivery'
            indexes = ((('key', 'channel'), True),)

    db.create_tables([ReminderDelivery])
    guessable = [(row.id, row.uid, row.series_id) for row in
                 Event.select(Event.id, Event.uid, Event.series).order_by(Event.id)
                 if GUESSABLE.match(row.uid)]
    for event_id, old, series_id in guessable:
        new = f"{uuid.uuid4().hex}@frontdesk"
        Event.update(uid=new).where(Event.id == event_id).execute()
        if series_id is not None:
            continue
        for x in Event.select(Event.id, Event.uid).where(Event.series == event_id):
            if x.uid.startswith(old + "#"):
                Event.update(uid=new + x.uid[len(old):]).where(Event.id == x.id).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_table('reminder_delivery'))

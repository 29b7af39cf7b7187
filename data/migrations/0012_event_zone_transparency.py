"""0012: calendars from other tools (issue 14 item 5) — an event's own time zone, so a
series imported from a zone with daylight saving time is expanded in that zone
(data.recurrence), and whether it is transparent (iCalendar TRANSP:TRANSPARENT: shown,
but it never makes anyone busy)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('event', 'tzid', CharField(max_length=64, null=True)),
        # A DDL default too, so rows inserted by plain SQL (the sample generator) stay valid.
        migrator.add_column('event', 'transparent', BooleanField(
            default=False, constraints=[SQL('DEFAULT FALSE')])),
    )

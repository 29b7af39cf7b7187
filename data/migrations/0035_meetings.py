"""0035: owners' meetings (业主大会) with their proposals and the ballots entered twice or
imported, and the owners' committee (业委会): members with terms and its own meetings with
minutes (issue 19 items 3, 4). Frozen copy of data/models/meetings.py as of this migration."""
from peewee import *


def up(migrator, db):
    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Room(Model):
        class Meta:
            database = db
            table_name = 'room'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class Event(Model):
        class Meta:
            database = db
            table_name = 'event'

    class Meeting(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        title = CharField(max_length=100)
        held_on = DateField()
        place = CharField(max_length=100, default='')
        announced_on = DateField()
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'meeting'

    class Proposal(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        seq = IntegerField()
        title = CharField(max_length=200)
        matter = CharField(max_length=8, default='other')
        class Meta:
            database = db
            table_name = 'proposal'

    class BallotEntry(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE', index=False)
        room = ForeignKeyField(Room, on_delete='RESTRICT')
        entry = IntegerField()
        choices = TextField(default='{}')
        entered_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        entered_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'ballot_entry'
            indexes = ((('meeting', 'room', 'entry'), True),)

    class CommitteeMember(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        person = ForeignKeyField(Person, on_delete='RESTRICT')
        role = CharField(max_length=10, default='member')
        term_start = DateField()
        term_end = DateField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'committee_member'

    class CommitteeMeeting(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        event = ForeignKeyField(Event, null=True, on_delete='SET NULL')
        starts_at = DateTimeField()
        topic = CharField(max_length=100)
        minutes = TextField(default='')
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'committee_meeting'

    db.create_tables([Meeting, Proposal, BallotEntry, CommitteeMember, CommitteeMeeting])


def down(migrator, db):
    for table in ('committee_meeting', 'committee_member', 'ballot_entry', 'proposal', 'meeting'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')

"""0013: messages to owners (issue 16 item 8) — every SMS or WeChat message the configured
`message_command` was asked to send, with what it was about and how it went."""
from peewee import *


def up(migrator, db):
    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class OutboundMessage(Model):
        number = CharField(max_length=30)
        text = TextField()
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        about = CharField(max_length=20, default='')
        about_id = IntegerField(null=True)
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        state = CharField(max_length=10)
        error = CharField(max_length=200, default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'outbound_message'
            indexes = ((('about', 'about_id'), False), (('created_at',), False))
    db.create_tables([OutboundMessage])

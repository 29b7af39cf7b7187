"""0033: notices (公告) and community activities (社区活动), issue 19 items 1 and 5 — a notice,
its targets (community, building, entrance, tag), the per-household delivery record (who
was told, how, when), activities and their sign-ups by room. Frozen copy of
data/models/notices.py as of this migration (Python-side defaults are not part of the DDL)."""
from peewee import *


def up(migrator, db):
    def ref(name):
        class Ref(Model):
            class Meta:
                database = db
                table_name = name
        return Ref

    Community, Staff, Room, Person = ref('community'), ref('staff'), ref('room'), ref('person')
    Incident, CallList, CallListItem = ref('incident'), ref('call_list'), ref('call_list_item')

    class Notice(Model):
        template = CharField(max_length=16)
        title = CharField(max_length=120)
        body = TextField()
        community = ForeignKeyField(Community, null=True, on_delete='SET NULL')
        status = CharField(max_length=12, default='draft')
        publish_at = DateTimeField(null=True)
        expires_at = DateTimeField(null=True)
        published_at = DateTimeField(null=True)
        withdrawn_at = DateTimeField(null=True)
        incident = ForeignKeyField(Incident, null=True, on_delete='SET NULL')
        call_list = ForeignKeyField(CallList, null=True, on_delete='SET NULL')
        created_by = ForeignKeyField(Staff, on_delete='RESTRICT')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'notice'
            indexes = ((('status', 'publish_at'), False),)

    class NoticeTarget(Model):
        notice = ForeignKeyField(Notice, on_delete='CASCADE')
        kind = CharField(max_length=10)
        ref_id = IntegerField()
        label = CharField(max_length=80, default='')

        class Meta:
            database = db
            table_name = 'notice_target'

    class NoticeDelivery(Model):
        notice = ForeignKeyField(Notice, on_delete='CASCADE')
        room = ForeignKeyField(Room, on_delete='CASCADE')
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        channel = CharField(max_length=10)
        number = CharField(max_length=30, default='')
        how = CharField(max_length=10, default='')
        reached_at = DateTimeField(null=True)
        call_item = ForeignKeyField(CallListItem, null=True, on_delete='SET NULL')
        note = CharField(max_length=200, default='')
        staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')

        class Meta:
            database = db
            table_name = 'notice_delivery'
            indexes = ((('notice', 'room'), True), (('notice', 'reached_at'), False))

    class Activity(Model):
        kind = CharField(max_length=12)
        title = CharField(max_length=120)
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        place = CharField(max_length=120, default='')
        starts_at = DateTimeField()
        capacity = IntegerField()
        notice = ForeignKeyField(Notice, null=True, on_delete='SET NULL')
        created_by = ForeignKeyField(Staff, on_delete='RESTRICT')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'activity'

    class ActivitySignup(Model):
        activity = ForeignKeyField(Activity, on_delete='CASCADE')
        room = ForeignKeyField(Room, on_delete='CASCADE')
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        people = IntegerField(default=1)
        attended = BooleanField(default=False)
        signed_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'activity_signup'
            indexes = ((('activity', 'room'), True),)

    db.create_tables([Notice, NoticeTarget, NoticeDelivery, Activity, ActivitySignup])


def down(migrator, db):
    for table in ('activity_signup', 'activity', 'notice_delivery', 'notice_target', 'notice'):
        migrator.migrate(migrator.drop_table(table))

"""0034: satisfaction surveys (满意度调查, issue 19 item 2) — questionnaires, questions, survey
runs, their households and answers (frozen copy of data/models/surveys.py as of this
migration)."""
from peewee import *


def up(migrator, db):
    def stub(name):
        class Meta:
            database = db
            table_name = name
        return type(name.title().replace('_', ''), (Model,), {'Meta': Meta})

    Community, Building, Room = stub('community'), stub('building'), stub('room')
    Person, Staff, CallList, WorkOrder = stub('person'), stub('staff'), stub('call_list'), stub('work_order')

    class Questionnaire(Model):
        name = CharField(max_length=60, unique=True)
        note = TextField(default='')
        is_template = BooleanField(default=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'questionnaire'

    class SurveyQuestion(Model):
        questionnaire = ForeignKeyField(Questionnaire, on_delete='CASCADE')
        position = IntegerField()
        section = CharField(max_length=12)
        kind = CharField(max_length=8)
        text = CharField(max_length=200)
        choices = TextField(default='')

        class Meta:
            database = db
            table_name = 'survey_question'
            indexes = ((('questionnaire', 'position'), True),)

    class Survey(Model):
        name = CharField(max_length=60)
        questionnaire = ForeignKeyField(Questionnaire, on_delete='RESTRICT')
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        sample = CharField(max_length=10)
        building = ForeignKeyField(Building, null=True, on_delete='SET NULL')
        sample_size = IntegerField(null=True)
        seed = IntegerField(null=True)
        status = CharField(max_length=8, default='open', index=True)
        call_list = ForeignKeyField(CallList, null=True, on_delete='SET NULL')
        created_by = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
        created_at = DateTimeField(index=True)
        closed_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'survey'

    class SurveyHousehold(Model):
        survey = ForeignKeyField(Survey, on_delete='CASCADE')
        room = ForeignKeyField(Room, on_delete='CASCADE')
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        answered_at = DateTimeField(null=True)
        channel = CharField(max_length=8, default='')

        class Meta:
            database = db
            table_name = 'survey_household'
            indexes = ((('survey', 'room'), True),)

    class SurveyAnswer(Model):
        household = ForeignKeyField(SurveyHousehold, on_delete='CASCADE')
        question = ForeignKeyField(SurveyQuestion, on_delete='CASCADE')
        value = TextField(default='')
        score = IntegerField(null=True)
        work_order = ForeignKeyField(WorkOrder, null=True, on_delete='SET NULL')

        class Meta:
            database = db
            table_name = 'survey_answer'
            indexes = ((('household', 'question'), True),)

    db.create_tables([Questionnaire, SurveyQuestion, Survey, SurveyHousehold, SurveyAnswer])


def down(migrator, db):
    for table in ('survey_answer', 'survey_household', 'survey', 'survey_question', 'questionnaire'):
        migrator.migrate(migrator.drop_table(table))

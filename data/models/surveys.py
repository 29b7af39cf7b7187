"""Satisfaction surveys (满意度调查, issue 19 item 2): questionnaires and their questions, a
survey run on a sample of households, and each household's answers. Migration 0034."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from data.clock import now
from data.db import BaseModel
from data.models.calls import CallList
from data.models.people import Building, Community, Person, Room
from data.models.staff import Staff
from data.models.workorders import WorkOrder


class Questionnaire(BaseModel):
    """A questionnaire (问卷): the standard 物业满意度 template or one of the company's own."""

    id = AutoField()
    name = CharField(max_length=60, unique=True)
    note = TextField(default="")
    is_template = BooleanField(default=True)
    created_at = DateTimeField(default=now)


class SurveyQuestion(BaseModel):
    """One question, in its service section (data.surveys.values.SECTIONS); choices are
    stored one a line."""

    id = AutoField()
    questionnaire = ForeignKeyField(Questionnaire, backref="questions", on_delete="CASCADE")
    position = IntegerField()
    section = CharField(max_length=12)  # data.surveys.values.SECTIONS
    kind = CharField(max_length=8)  # single | multi | rating | text
    text = CharField(max_length=200)
    choices = TextField(default="")

    class Meta:
        indexes = ((("questionnaire", "position"), True),)


class Survey(BaseModel):
    """A survey run: a questionnaire put to a sample of one community's households."""

    id = AutoField()
    name = CharField(max_length=60)
    questionnaire = ForeignKeyField(Questionnaire, backref="+", on_delete="RESTRICT")
    community = ForeignKeyField(Community, backref="+", on_delete="RESTRICT")
    sample = CharField(max_length=10)  # all | building | random | served
    building = ForeignKeyField(Building, null=True, backref="+", on_delete="SET NULL")
    sample_size = IntegerField(null=True)  # random: N
    seed = IntegerField(null=True)  # random: the seed, so the sample can be drawn again
    status = CharField(max_length=8, default="open", index=True)  # open | closed
    call_list = ForeignKeyField(CallList, null=True, backref="+", on_delete="SET NULL")
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now, index=True)
    closed_at = DateTimeField(null=True)


class SurveyHousehold(BaseModel):
    """A household (room) in a survey's sample, and when and how it answered."""

    id = AutoField()
    survey = ForeignKeyField(Survey, backref="households", on_delete="CASCADE")
    room = ForeignKeyField(Room, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    answered_at = DateTimeField(null=True)
    channel = CharField(max_length=8, default="")  # phone | import | desk

    class Meta:
        indexes = ((("survey", "room"), True),)


class SurveyAnswer(BaseModel):
    """One answer: the choice numbers ("2", "1,3"), the rating ("4") or the text; `score`
    (0–100) when it counts towards the satisfaction index."""

    id = AutoField()
    household = ForeignKeyField(SurveyHousehold, backref="answers", on_delete="CASCADE")
    question = ForeignKeyField(SurveyQuestion, backref="+", on_delete="CASCADE")
    value = TextField(default="")
    score = IntegerField(null=True)
    work_order = ForeignKeyField(WorkOrder, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("household", "question"), True),)

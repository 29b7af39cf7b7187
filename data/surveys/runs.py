"""Questionnaires and survey runs: the standard template, a new survey on its sample (all
households, a building, N random households drawn with a seed, or those served last
month), its phone call list, and the list of surveys."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from data import access
from data.clock import now
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.limits import quote
from data.models import (
    Building,
    CallList,
    Community,
    Occupancy,
    Questionnaire,
    Room,
    Survey,
    SurveyHousehold,
    SurveyQuestion,
    WorkOrder,
)
from data.surveys.values import SAMPLES, STANDARD_NAME, STANDARD_QUESTIONS
from data.validators import clean_text

#: "Served in the last month": work orders closed this many days back.
SERVED_DAYS = 31


@dataclass(frozen=True)
class QuestionView:
    id: int
    position: int
    section: str
    kind: str  # single | multi | rating | text
    text: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class QuestionnaireView:
    id: int
    name: str
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class SurveyRow:
    id: int
    name: str
    community_id: int
    community: str
    questionnaire: str
    sample: str
    status: str  # open | closed
    households: int
    answered: int
    created_at: dt.datetime
    call_list_id: int | None


@dataclass(frozen=True)
class HouseholdRow:
    room_id: int
    room: str
    building: str
    person_id: int | None
    answered_at: dt.datetime | None
    channel: str


def ensure_standard_template() -> int:
    """The standard 物业满意度 questionnaire, made the first time it is needed."""
    found = Questionnaire.get_or_none(Questionnaire.name == STANDARD_NAME)
    if found is not None:
        return found.id
    with transaction():
        q = Questionnaire.create(name=STANDARD_NAME, note="物业服务满意度（标准模板）", created_at=now())
        SurveyQuestion.insert_many([
            {"questionnaire": q.id, "position": i, "section": section, "kind": kind, "text": text,
             "choices": "\n".join(choices)}
            for i, (section, kind, text, choices) in enumerate(STANDARD_QUESTIONS, start=1)
        ]).execute()
    return q.id


def _question_view(q: SurveyQuestion) -> QuestionView:
    return QuestionView(q.id, q.position, q.section, q.kind, q.text,
                        tuple(c for c in q.choices.split("\n") if c))


def questionnaire(questionnaire_id: int) -> QuestionnaireView:
    """A questionnaire with its questions in order."""
    q = Questionnaire.get_or_none(Questionnaire.id == questionnaire_id)
    if q is None:
        raise NotFoundError(_("No questionnaire {id}.").format(id=questionnaire_id))
    questions = SurveyQuestion.select().where(SurveyQuestion.questionnaire == q.id).order_by(SurveyQuestion.position)
    return QuestionnaireView(q.id, q.name, tuple(_question_view(x) for x in questions))


def templates() -> list[QuestionnaireView]:
    """The questionnaires a survey can use (the standard one first made if missing)."""
    ensure_standard_template()
    ids = [q.id for q in Questionnaire.select(Questionnaire.id).where(Questionnaire.is_template)
           .order_by(Questionnaire.id)]
    return [questionnaire(i) for i in ids]


def _households(community_id: int) -> dict[int, int]:
    """room id → the person to ask (the primary contact, else an owner, else any current
    occupant), for every occupied room of the community."""
    rank = {"owner": 0, "co_owner": 1, "tenant": 2, "family": 3}
    rows = (Occupancy.select(Occupancy.room, Occupancy.person, Occupancy.role, Occupancy.is_primary_contact)
            .join(Room).where(Room.community == community_id, Occupancy.end_date.is_null())
            .tuples())
    best: dict[int, tuple[tuple[int, int, int], int]] = {}
    for room_id, person_id, role, primary in rows:
        key = (0 if primary else 1, rank.get(role, 9), person_id)
        if room_id not in best or key < best[room_id][0]:
            best[room_id] = (key, person_id)
    return {room: person for room, (_key, person) in best.items()}


def draw_sample(community_id: int, sample: str, *, building_id: int | None = None, size: int | None = None,
                seed: int | None = None, at: dt.datetime | None = None) -> list[tuple[int, int]]:
    """The (room id, person id) pairs of a sample, by room id: every occupied room, those of a
    building, `size` of them drawn at random with `seed` (the same seed draws the same rooms),
    or those with a work order closed in the last month."""
    if sample not in SAMPLES:
        raise ValidationError("sample", _("Unknown sample “{s}”: use one of {all}.").format(
            s=sample, all=", ".join(SAMPLES)))
    households = _households(community_id)
    rooms = sorted(households)
    if sample == "building":
        if building_id is None:
            raise ValidationError("building", _("Name the building to survey."))
        in_building = {r for (r,) in Room.select(Room.id).where(Room.building == building_id).tuples()}
        rooms = [r for r in rooms if r in in_building]
    elif sample == "random":
        if not size or size < 1:
            raise ValidationError("size", _("Say how many households to draw (a number from 1)."))
        rooms = sorted(random.Random(seed or 0).sample(rooms, min(size, len(rooms))))
    elif sample == "served":
        since = (at or now()) - dt.timedelta(days=SERVED_DAYS)
        served = {r for (r,) in WorkOrder.select(WorkOrder.room).where(
            WorkOrder.community == community_id, WorkOrder.status == "closed",
            WorkOrder.closed_at >= since, WorkOrder.room.is_null(False)).tuples()}
        rooms = [r for r in rooms if r in served]
    return [(r, households[r]) for r in rooms]


def new_survey(community_id: int, staff_id: int | None, *, sample: str = "all", name: str = "",
               questionnaire_id: int | None = None, building_id: int | None = None, size: int | None = None,
               seed: int | None = None, phone_list: bool = True) -> int:
    """A new survey of the community on its sample; with `phone_list`, the call list (kind
    "survey") of the sampled households that have a phone. Returns the survey id."""
    access.require("survey.manage", staff_id)
    community = Community.get_or_none(Community.id == community_id)
    if community is None:
        raise NotFoundError(_("No community {id}.").format(id=community_id))
    if building_id is not None and not Building.select().where(
            Building.id == building_id, Building.community == community_id).exists():
        raise ValidationError("building", _("That building is not in {community}.").format(community=community.name))
    qid = questionnaire_id or ensure_standard_template()
    questionnaire(qid)  # refuses an unknown one
    if sample == "random" and seed is None:
        seed = random.randrange(1, 1_000_000)
    pairs = draw_sample(community_id, sample, building_id=building_id, size=size, seed=seed)
    if not pairs:
        raise ValidationError("sample", _("This sample has no household to ask."))
    at = now()
    title = clean_text(name, "name", max_length=60) or _("Satisfaction survey {date}").format(date=f"{at:%Y-%m-%d}")
    with transaction():
        survey = Survey.create(name=title, questionnaire=qid, community=community_id, sample=sample,
                               building=building_id, sample_size=size, seed=seed, created_by=staff_id,
                               created_at=at)
        SurveyHousehold.insert_many([{"survey": survey.id, "room": r, "person": p} for r, p in pairs]).execute()
        if phone_list and staff_id is not None:
            survey.call_list = _phone_list(title, staff_id, pairs)
            survey.save()
    return survey.id


def _phone_list(name: str, staff_id: int, pairs: list[tuple[int, int]]) -> int | None:
    from data.calls.lists import _first_phones, _new_list

    phones = _first_phones(p for _r, p in pairs)
    items = [{"person": p, "number": phones[p], "room": r} for r, p in pairs if p in phones]
    if not items:
        return None
    return _new_list("survey", name[:60], staff_id, staff_id, items)


def surveys(community_id: int | None = None, staff_id: int | None = None) -> list[SurveyRow]:
    """Every survey, newest first, with its households and how many answered (the desk's
    and the leads', `survey.view`)."""
    access.require("survey.view", staff_id)
    return _surveys(community_id)


def _surveys(community_id: int | None = None) -> list[SurveyRow]:
    query = Survey.select(Survey, Community.name.alias("cname"), Questionnaire.name.alias("qname")).join(
        Community, on=(Survey.community == Community.id)).switch(Survey).join(
        Questionnaire, on=(Survey.questionnaire == Questionnaire.id))
    if community_id is not None:
        query = query.where(Survey.community == community_id)
    rows = list(query.order_by(Survey.created_at.desc(), Survey.id.desc()).objects())
    counts: dict[int, tuple[int, int]] = {}
    for sid, answered in SurveyHousehold.select(SurveyHousehold.survey, SurveyHousehold.answered_at).tuples():
        total, done = counts.get(sid, (0, 0))
        counts[sid] = (total + 1, done + (answered is not None))
    return [SurveyRow(s.id, s.name, s.community_id, s.cname, s.qname, s.sample, s.status,
                      *counts.get(s.id, (0, 0)), s.created_at, s.call_list_id) for s in rows]


def survey(survey_id: int, staff_id: int | None = None) -> SurveyRow:
    """One survey (NotFoundError if none; `survey.view`)."""
    access.require("survey.view", staff_id)
    return _survey(survey_id)


def _survey(survey_id: int) -> SurveyRow:
    for row in _surveys():
        if row.id == survey_id:
            return row
    raise NotFoundError(_("No survey {id}.").format(id=survey_id))


def households(survey_id: int, staff_id: int | None = None) -> list[HouseholdRow]:
    """A survey's sample, by room code (`survey.view`: who was asked, when and how)."""
    access.require("survey.view", staff_id)
    _survey(survey_id)
    rows = (SurveyHousehold.select(SurveyHousehold, Room.code.alias("rcode"), Building.code.alias("bcode"))
            .join(Room).join(Building).where(SurveyHousehold.survey == survey_id).order_by(Room.code).objects())
    return [HouseholdRow(h.room_id, h.rcode, h.bcode, h.person_id, h.answered_at, h.channel) for h in rows]


def close_survey(survey_id: int, staff_id: int | None) -> SurveyRow:
    """Close a survey (结束调查): it takes no more answers, by phone, at the desk or by import;
    its phone call list is closed with it (its numbers leave the calls screen); its figures
    are final and the next survey compares with it."""
    access.require("survey.manage", staff_id)
    row = _survey(survey_id)
    if row.status == "closed":
        raise ValidationError("survey", _("Survey “{name}” is closed already.").format(name=row.name))
    at = now()
    with transaction():
        Survey.update(status="closed", closed_at=at).where(Survey.id == survey_id).execute()
        if row.call_list_id is not None:
            CallList.update(closed_at=at).where(CallList.id == row.call_list_id,
                                                CallList.closed_at.is_null()).execute()
    return _survey(survey_id)


def building_id(community_id: int, code: str) -> int:
    """The id of a community's building by its code (NotFoundError if none)."""
    found = Building.get_or_none(Building.community == community_id, Building.code == code.strip())
    if found is None:
        raise NotFoundError(_("No building {code} in this community.").format(code=quote(code)))
    return found.id


def questionnaire_of(survey_id: int) -> QuestionnaireView:
    """The questionnaire a survey asks."""
    found = Survey.get_or_none(Survey.id == survey_id)
    if found is None:
        raise NotFoundError(_("No survey {id}.").format(id=survey_id))
    return questionnaire(found.questionnaire_id)

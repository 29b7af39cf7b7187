"""A survey's results: per question and per building, the satisfaction index (0–100, the
mean of every scored answer) compared with the community's previous survey, the free-text
answers, and a free-text answer made a complaint or suggestion work order."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from peewee import fn

from data import access
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import Building, Room, Survey, SurveyAnswer, SurveyHousehold, SurveyQuestion
from data.surveys.answers import answer_text
from data.surveys.runs import SurveyRow, _survey, questionnaire
from data.surveys.values import SECTIONS

#: The kinds of work order a free-text answer can become.
ORDER_KINDS = ("complaint", "suggestion")


@dataclass(frozen=True)
class QuestionResult:
    id: int
    position: int
    section: str
    kind: str
    text: str
    answered: int
    counts: tuple[tuple[str, int], ...]  # (option or rating 5…1, how many)
    shares: tuple[float, ...]  # each count's share of `answered`, in % to one decimal
    index: float | None  # the mean score, when the question is scored


@dataclass(frozen=True)
class GroupIndex:
    code: str  # a building's code or a section's code
    answered: int
    index: float | None


@dataclass(frozen=True)
class TextAnswerRow:
    id: int
    room: str
    question: str
    text: str
    work_order_id: int | None
    work_order_number: str


@dataclass(frozen=True)
class SurveyResults:
    survey: SurveyRow
    answered: int
    households: int
    index: float | None
    previous_name: str
    previous_index: float | None
    questions: tuple[QuestionResult, ...]
    sections: tuple[GroupIndex, ...]
    buildings: tuple[GroupIndex, ...]
    texts: tuple[TextAnswerRow, ...]
    previous_on: dt.date | None = None  # the day the previous survey was made


def _index(total: int | None, count: int | None) -> float | None:
    """The mean of `count` scores summing to `total`, to one decimal (None for none)."""
    return round(int(total or 0) / int(count), 1) if count else None


def _share(n: int, of: int) -> float:
    """n of `of` as a percentage, to one decimal (0 when nobody answered)."""
    return round(n * 100 / of, 1) if of else 0.0


def _of_survey(survey_id: int):
    """The answers of a survey (the SurveyAnswer ⋈ SurveyHousehold join)."""
    return SurveyHousehold.survey == survey_id


def satisfaction_index(survey_id: int) -> float | None:
    """The survey's index: the mean of every scored answer (非常满意 100 … 非常不满意 20,
    a rating × 20), to one decimal; None before any."""
    total, count = (SurveyAnswer.select(fn.SUM(SurveyAnswer.score), fn.COUNT(SurveyAnswer.score))
                    .join(SurveyHousehold).where(_of_survey(survey_id)).tuples().get())
    return _index(total, count)


def _previous(row: SurveyRow) -> tuple[str, float | None, dt.date | None]:
    """The community's last closed survey before this one: its name, index and date."""
    before = (Survey.select(Survey.id, Survey.name, Survey.created_at)
              .where(Survey.community == row.community_id, Survey.id != row.id, Survey.status == "closed",
                     Survey.created_at <= row.created_at)
              .order_by(Survey.created_at.desc(), Survey.id.desc()).first())
    if before is None:
        return "", None, None
    return before.name, satisfaction_index(before.id), before.created_at.date()


def _question_results(survey_id: int, questions) -> list[QuestionResult]:
    """Per question, counted by the database (GROUP BY): how many answered, each option's or
    rating's count and share of those who answered, and the mean score."""
    totals = {qid: (int(n), total, scored) for qid, n, total, scored in (
        SurveyAnswer.select(SurveyAnswer.question, fn.COUNT(SurveyAnswer.id), fn.SUM(SurveyAnswer.score),
                            fn.COUNT(SurveyAnswer.score))
        .join(SurveyHousehold).where(_of_survey(survey_id)).group_by(SurveyAnswer.question).tuples())}
    counted = [q.id for q in questions if q.kind != "text"]
    values: dict[int, list[tuple[str, int]]] = defaultdict(list)
    if counted:
        for qid, value, n in (SurveyAnswer.select(SurveyAnswer.question, SurveyAnswer.value, fn.COUNT(SurveyAnswer.id))
                              .join(SurveyHousehold)
                              .where(_of_survey(survey_id), SurveyAnswer.question.in_(counted))
                              .group_by(SurveyAnswer.question, SurveyAnswer.value).tuples()):
            values[qid].append((value, int(n)))
    out = []
    for q in questions:
        answered, total, scored = totals.get(q.id, (0, 0, 0))
        if q.kind in ("single", "multi"):
            tally = [0] * len(q.choices)
            for value, n in values.get(q.id, []):  # a multiple choice's "1,3" counts for 1 and 3
                for part in value.split(","):
                    if part.isdigit() and 1 <= int(part) <= len(tally):
                        tally[int(part) - 1] += n
            counts = tuple(zip(q.choices, tally, strict=True))
        elif q.kind == "rating":
            got = dict(values.get(q.id, []))
            counts = tuple((str(r), got.get(str(r), 0)) for r in range(5, 0, -1))
        else:
            counts = ()
        out.append(QuestionResult(q.id, q.position, q.section, q.kind, q.text, answered, counts,
                                  tuple(_share(n, answered) for _t, n in counts), _index(total, scored)))
    return out


def _text_answers(survey_id: int, questions) -> list[TextAnswerRow]:
    """The free-text answers, in the order given, with the work order each became."""
    texts = {q.id: q for q in questions if q.kind == "text"}
    if not texts:
        return []
    rows = list(SurveyAnswer.select(SurveyAnswer.id, SurveyAnswer.question, SurveyAnswer.value,
                                    SurveyAnswer.work_order, Room.code.alias("rcode"))
                .join(SurveyHousehold).join(Room)
                .where(_of_survey(survey_id), SurveyAnswer.question.in_(list(texts)))
                .order_by(SurveyAnswer.id).objects())
    numbers = _order_numbers([a.work_order_id for a in rows if a.work_order_id])
    return [TextAnswerRow(a.id, a.rcode, texts[a.question_id].text, answer_text(texts[a.question_id], a.value),
                          a.work_order_id, numbers.get(a.work_order_id or 0, "")) for a in rows]


def results(survey_id: int, staff_id: int | None = None) -> SurveyResults:
    """Everything the results view and `surveys results` show (`survey.view`: the free-text
    answers name their rooms)."""
    access.require("survey.view", staff_id)
    return _results(survey_id)


def _results(survey_id: int) -> SurveyResults:
    """The results, unchecked: for a report whose own rule the caller checked."""
    row = _survey(survey_id)
    questions = questionnaire(Survey.get_by_id(survey_id).questionnaire_id).questions
    sections = {code: (int(n), _index(total, n)) for code, total, n in (
        SurveyAnswer.select(SurveyQuestion.section, fn.SUM(SurveyAnswer.score), fn.COUNT(SurveyAnswer.score))
        .join(SurveyHousehold).switch(SurveyAnswer).join(SurveyQuestion)
        .where(_of_survey(survey_id), SurveyAnswer.score.is_null(False))
        .group_by(SurveyQuestion.section).tuples())}
    buildings = list(
        SurveyAnswer.select(Building.code, fn.COUNT(SurveyAnswer.household.distinct()), fn.SUM(SurveyAnswer.score),
                            fn.COUNT(SurveyAnswer.score))
        .join(SurveyHousehold).join(Room).join(Building)
        .where(_of_survey(survey_id)).group_by(Building.code).tuples())
    previous_name, previous_index, previous_on = _previous(row)
    return SurveyResults(
        row, row.answered, row.households, satisfaction_index(survey_id), previous_name, previous_index,
        tuple(_question_results(survey_id, questions)),
        tuple(GroupIndex(code, *sections[code]) for code in SECTIONS if code in sections),
        tuple(GroupIndex(code, int(households), _index(total, n))
              for code, households, total, n in sorted(buildings, key=lambda b: _building_order(b[0]))),
        tuple(_text_answers(survey_id, questions)),
        previous_on,
    )


def _building_order(code: str) -> tuple[int, int, str]:
    """Buildings in their natural order: 2 before 10."""
    return (0, int(code), "") if code.isdigit() else (1, 0, code)


def _order_numbers(ids: list[int]) -> dict[int, str]:
    from data.models import WorkOrder

    if not ids:
        return {}
    return dict(WorkOrder.select(WorkOrder.id, WorkOrder.number).where(WorkOrder.id.in_(ids)).tuples())


def answer_to_order(answer_id: int, kind: str, staff_id: int | None) -> str:
    """Make a free-text answer a complaint or suggestion work order for its room (once).
    Returns the order's number."""
    from data.workorders import OrderInput, create_order

    access.require("survey.manage", staff_id)
    if kind not in ORDER_KINDS:
        raise ValidationError("kind", _("A survey answer becomes a complaint or a suggestion."))
    answer = SurveyAnswer.get_or_none(SurveyAnswer.id == answer_id)
    if answer is None:
        raise NotFoundError(_("No survey answer {id}.").format(id=answer_id))
    if answer.work_order_id is not None:
        raise ValidationError("answer", _("This answer already became work order {number}.").format(
            number=_order_numbers([answer.work_order_id]).get(answer.work_order_id, "")))
    if not answer.value or answer.question.kind != "text":
        raise ValidationError("answer", _("Only a free-text answer becomes a work order."))
    household = answer.household
    room = Room.get_by_id(household.room_id)
    title = _("Survey: {text}").format(text=answer.value.replace("\n", " "))[:120]
    with transaction():
        order = create_order(OrderInput(kind=kind, title=title, community_id=room.community_id, room_id=room.id,
                                        person_id=household.person_id, description=answer.value,
                                        channel="phone" if household.channel == "phone" else "visit"), staff_id)
        SurveyAnswer.update(work_order=order.id).where(SurveyAnswer.id == answer_id).execute()
    return order.number

"""A survey's results: per question and per building, the satisfaction index (0–100, the
mean of every scored answer) compared with the community's previous survey, the free-text
answers, and a free-text answer made a complaint or suggestion work order."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from data import access
from data.db import transaction
from data.errors import NotFoundError, ValidationError
from data.i18n import _
from data.models import Building, Room, Survey, SurveyAnswer, SurveyHousehold
from data.surveys.answers import answer_text
from data.surveys.runs import SurveyRow, questionnaire, survey
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
    counts: tuple[tuple[str, int], ...]  # (option or rating, how many)
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


def _mean(scores: list[int]) -> float | None:
    return round(sum(scores) / len(scores), 1) if scores else None


def _answers(survey_id: int):
    return list(SurveyAnswer.select(SurveyAnswer, Room.code.alias("rcode"), Building.code.alias("bcode"))
                .join(SurveyHousehold).join(Room).join(Building)
                .where(SurveyHousehold.survey == survey_id).order_by(SurveyAnswer.id).objects())


def satisfaction_index(survey_id: int) -> float | None:
    """The survey's index: the mean of every scored answer (非常满意 100 … 非常不满意 20,
    a rating × 20), to one decimal; None before any."""
    scores = [s for (s,) in SurveyAnswer.select(SurveyAnswer.score).join(SurveyHousehold)
              .where(SurveyHousehold.survey == survey_id, SurveyAnswer.score.is_null(False)).tuples()]
    return _mean(scores)


def _previous(row: SurveyRow) -> tuple[str, float | None]:
    before = (Survey.select(Survey.id, Survey.name)
              .where(Survey.community == row.community_id, Survey.id != row.id, Survey.status == "closed",
                     Survey.created_at <= row.created_at)
              .order_by(Survey.created_at.desc(), Survey.id.desc()).first())
    if before is None:
        return "", None
    return before.name, satisfaction_index(before.id)


def results(survey_id: int) -> SurveyResults:
    """Everything the results view and `surveys results` show."""
    row = survey(survey_id)
    questions = questionnaire(Survey.get_by_id(survey_id).questionnaire_id).questions
    answers = _answers(survey_id)
    by_question: dict[int, list] = defaultdict(list)
    by_section: dict[str, list[int]] = defaultdict(list)
    by_building: dict[str, list[int]] = defaultdict(list)
    building_sheets: dict[str, set[int]] = defaultdict(set)
    section_of = {q.id: q.section for q in questions}
    for a in answers:
        by_question[a.question_id].append(a)
        building_sheets[a.bcode].add(a.household_id)
        if a.score is not None:
            by_section[section_of.get(a.question_id, "")].append(a.score)
            by_building[a.bcode].append(a.score)
    out, texts = [], []
    for q in questions:
        got = by_question.get(q.id, [])
        if q.kind in ("single", "multi"):
            tally = [0] * len(q.choices)
            for a in got:
                for n in a.value.split(","):
                    if n.isdigit() and 1 <= int(n) <= len(tally):
                        tally[int(n) - 1] += 1
            counts = tuple(zip(q.choices, tally, strict=True))
        elif q.kind == "rating":
            counts = tuple((str(r), sum(1 for a in got if a.value == str(r))) for r in range(5, 0, -1))
        else:
            counts = ()
            texts.extend(TextAnswerRow(a.id, a.rcode, q.text, answer_text(q, a.value), a.work_order_id, "")
                         for a in got)
        out.append(QuestionResult(q.id, q.position, q.section, q.kind, q.text, len(got), counts,
                                  _mean([a.score for a in got if a.score is not None])))
    numbers = _order_numbers([t.work_order_id for t in texts if t.work_order_id])
    texts = [TextAnswerRow(t.id, t.room, t.question, t.text, t.work_order_id,
                           numbers.get(t.work_order_id or 0, "")) for t in texts]
    previous_name, previous_index = _previous(row)
    return SurveyResults(
        row, row.answered, row.households, satisfaction_index(survey_id), previous_name, previous_index,
        tuple(out),
        tuple(GroupIndex(code, len(by_section[code]), _mean(by_section[code])) for code in SECTIONS
              if code in by_section),
        tuple(GroupIndex(code, len(building_sheets[code]), _mean(by_building[code]))
              for code in sorted(building_sheets)),
        tuple(texts),
    )


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

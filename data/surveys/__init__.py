"""Satisfaction surveys (满意度调查, issue 19 item 2): questionnaires, survey runs on a sample
of households, answers by phone, at the desk or from an online export, and the results."""

from __future__ import annotations

from data.surveys.answers import (
    ImportResult,
    answer_by_phone,
    answer_text,
    check_open,
    import_answers,
    opening_script,
    parse_answer,
    record_answers,
    survey_of_list,
)
from data.surveys.results import (
    ORDER_KINDS,
    GroupIndex,
    QuestionResult,
    SurveyResults,
    TextAnswerRow,
    answer_to_order,
    results,
    satisfaction_index,
)
from data.surveys.runs import (
    HouseholdRow,
    QuestionnaireView,
    QuestionView,
    SurveyRow,
    building_id,
    close_survey,
    draw_sample,
    ensure_standard_template,
    households,
    new_survey,
    questionnaire,
    questionnaire_of,
    survey,
    surveys,
    templates,
)
from data.surveys.values import (
    CHOICE_KEYS,
    QUESTION_KINDS,
    SAMPLES,
    SCALE_SCORES,
    SECTIONS,
    STATUS_WORDS,
    bar,
    index_text,
)

__all__ = [
    "CHOICE_KEYS", "ORDER_KINDS", "QUESTION_KINDS", "SAMPLES", "SCALE_SCORES", "SECTIONS", "STATUS_WORDS", "GroupIndex",
    "HouseholdRow", "ImportResult", "building_id", "QuestionResult", "QuestionView", "QuestionnaireView", "SurveyResults",
    "SurveyRow", "TextAnswerRow", "answer_by_phone", "answer_text", "check_open", "answer_to_order", "close_survey",
    "draw_sample", "ensure_standard_template", "households", "import_answers", "new_survey", "opening_script",
    "parse_answer",
    "questionnaire", "questionnaire_of", "record_answers", "results", "satisfaction_index", "survey", "survey_of_list", "surveys",
    "templates", "bar", "index_text",
]

"""A household's answers to a survey: typed at the desk, keyed on the phone (the call list's
item, one key per answer), or imported from an online survey's XLSX export (问卷星 layout:
one row per answer sheet, one column per question, the room in a column)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from data import access
from data.clock import now
from data.db import transaction
from data.errors import FrontDeskError, NotFoundError, ValidationError
from data.i18n import _
from data.limits import quote
from data.models import CallListItem, Survey, SurveyAnswer, SurveyHousehold
from data.surveys.runs import QuestionView, questionnaire
from data.surveys.values import CHOICE_KEYS, SCALE_SCORES
from data.validators import clean_text

#: What separates the options of a multiple-choice answer in an export (问卷星 uses ┋).
_MULTI_SPLIT = re.compile(r"[┋|,，、;；\s]+")
#: The column of an export that holds the room.
ROOM_HEADERS = ("房号", "房间号", "房间", "门牌号", "room")


@dataclass(frozen=True)
class ImportResult:
    stored: int
    bad: list[tuple[int, str]]  # (spreadsheet row, reason) of the rows skipped


def _choice(q: QuestionView, token: str) -> int:
    """The 1-based option a token names: its key (a–e), its number or its text."""
    token = token.strip()
    low = token.lower()
    if len(low) == 1 and low in CHOICE_KEYS[:len(q.choices)]:
        return CHOICE_KEYS.index(low) + 1
    if token.isdigit() and 1 <= int(token) <= len(q.choices):
        return int(token)
    if token in q.choices:
        return q.choices.index(token) + 1
    raise ValidationError(f"q{q.position}", _("Question {n}: “{value}” is not one of its choices ({choices}).").format(
        n=q.position, value=quote(token), choices="、".join(q.choices)))


def parse_answer(q: QuestionView, raw: str) -> tuple[str, int | None]:
    """The stored value and index score (or None) of what was typed or keyed for `q`; ""
    for no answer. Refuses (ValidationError) what the question cannot take."""
    raw = (raw or "").strip()
    if not raw:
        return "", None
    if q.kind == "text":
        return clean_text(raw, f"q{q.position}", multiline=True, max_length=500), None
    if q.kind == "rating":
        digits = raw.removesuffix("分").removesuffix(".0").strip()
        if not (digits.isdigit() and 1 <= int(digits) <= 5):
            raise ValidationError(f"q{q.position}", _("Question {n}: a rating is 1 to 5, not “{value}”.").format(
                n=q.position, value=quote(raw)))
        return digits, int(digits) * 20
    if q.kind == "single":
        n = _choice(q, raw)
        return str(n), SCALE_SCORES.get(q.choices[n - 1])
    tokens = [t for t in _MULTI_SPLIT.split(raw) if t]
    if len(tokens) == 1 and len(tokens[0]) > 1 and all(c in CHOICE_KEYS for c in tokens[0].lower()):
        tokens = list(tokens[0])  # "ac": the keys pressed
    picked = sorted({_choice(q, t) for t in tokens})
    return ",".join(str(n) for n in picked), None


def answer_text(q: QuestionView, value: str) -> str:
    """A stored value as people read it (the option texts, the rating, the text)."""
    if q.kind in ("single", "multi") and value:
        return "、".join(q.choices[int(n) - 1] for n in value.split(",") if n.isdigit() and int(n) <= len(q.choices))
    return value


def _parse_sheet(questions: tuple[QuestionView, ...], answers: dict[int, str]) -> dict[int, tuple[str, int | None]]:
    known = {q.id: q for q in questions}
    parsed = {}
    for qid, raw in answers.items():
        if qid not in known:
            raise ValidationError("question", _("Question {id} is not in this survey.").format(id=qid))
        parsed[qid] = parse_answer(known[qid], raw)
    return parsed


def _store(household: SurveyHousehold, parsed: dict[int, tuple[str, int | None]], channel: str) -> None:
    """Replace the household's answers (within the caller's transaction)."""
    SurveyAnswer.delete().where(SurveyAnswer.household == household.id).execute()
    rows = [{"household": household.id, "question": qid, "value": value, "score": score}
            for qid, (value, score) in parsed.items() if value]
    if rows:
        SurveyAnswer.insert_many(rows).execute()
    SurveyHousehold.update(answered_at=now(), channel=channel).where(SurveyHousehold.id == household.id).execute()


def _household(survey_id: int, room_id: int) -> SurveyHousehold:
    household = SurveyHousehold.get_or_none(SurveyHousehold.survey == survey_id, SurveyHousehold.room == room_id)
    if household is None:
        raise ValidationError("room", _("This room is not in the survey's sample."))
    return household


def _open_survey(survey_id: int) -> Survey:
    found = Survey.get_or_none(Survey.id == survey_id)
    if found is None:
        raise NotFoundError(_("No survey {id}.").format(id=survey_id))
    if found.status != "open":
        raise ValidationError("survey", _("Survey “{name}” is closed: it takes no more answers.").format(
            name=found.name))
    return found


def check_open(survey_id: int) -> None:
    """Refuse (ValidationError, with the survey's name) a survey that is closed."""
    _open_survey(survey_id)


def record_answers(survey_id: int, room_id: int, answers: dict[int, str], staff_id: int | None,
                   channel: str = "desk") -> int:
    """Store a household's answers (question id → what was typed or keyed), replacing any
    earlier ones. Returns how many answers were stored."""
    access.require("survey.manage", staff_id)
    found = _open_survey(survey_id)
    household = _household(survey_id, room_id)
    parsed = _parse_sheet(questionnaire(found.questionnaire_id).questions, answers)
    with transaction():
        _store(household, parsed, channel)
    return sum(1 for value, _s in parsed.values() if value)


def survey_of_list(list_id: int) -> int | None:
    """The survey a call list asks for (None for another list)."""
    found = Survey.get_or_none(Survey.call_list == list_id)
    return found.id if found is not None else None


def answer_by_phone(item_id: int, staff_id: int, answers: dict[int, str], note: str = "") -> int:
    """The answers keyed during a connected call of a survey's call list: stored for the
    item's household, and the attempt recorded as connected, together."""
    from data.calls.lists import record_attempt

    item = CallListItem.get_or_none(CallListItem.id == item_id)
    if item is None:
        raise NotFoundError(_("This call-list item no longer exists."))
    survey_id = survey_of_list(item.call_list_id)
    if survey_id is None or item.room_id is None:
        raise ValidationError("item", _("This call is not part of a survey."))
    with transaction():
        stored = record_answers(survey_id, item.room_id, answers, staff_id, channel="phone")
        record_attempt(item_id, staff_id, "connected", note)
    return stored


def _key(text: str) -> str:
    text = re.sub(r"^\s*(?:Q|第)?\d+\s*(?:题)?[、.．:：)）]?\s*", "", text)
    return re.sub(r"[\s？?。.:：（）()【】\[\]]", "", text).lower()


def match_columns(header: list[str], questions: tuple[QuestionView, ...]) -> tuple[int, dict[int, QuestionView]]:
    """(room column, column → question) of an export's header: a question matches the column
    whose title is its text (ignoring numbering, spaces and punctuation, 问卷星 style)."""
    room_col = next((i for i, h in enumerate(header) if _key(h) in ROOM_HEADERS
                     or any(r in h for r in ROOM_HEADERS[:2])), None)
    if room_col is None:
        raise ValidationError("file", _("No room column: name one of {names}.").format(names="、".join(ROOM_HEADERS)))
    columns: dict[int, QuestionView] = {}
    for q in questions:
        key = _key(q.text)
        for i, h in enumerate(header):
            if i != room_col and i not in columns and key and (_key(h) == key or key in _key(h)):
                columns[i] = q
                break
    if not columns:
        raise ValidationError("file", _("No column matches a question of this survey."))
    return room_col, columns


def import_answers(survey_id: int, path: str, staff_id: int | None, *, skip_bad: bool = False) -> ImportResult:
    """Import an online survey's XLSX export. Every bad row (unknown room, a room not in
    the sample or answered twice, an answer its question cannot take) is reported with its
    row number; with any, nothing is stored unless `skip_bad` (SPEC §7)."""
    from data.property.rooms import find_room
    from data.roster.reading import read_sheets

    access.require("survey.manage", staff_id)
    found = _open_survey(survey_id)
    if not str(path).lower().endswith(".xlsx"):
        raise ValidationError("file", _("Import the survey export as an .xlsx file."))
    tables = read_sheets(Path(path), _("a survey export"))
    table = tables[0]
    if not table.rows:
        raise ValidationError("file", _("The export is empty."))
    (_hline, header), rows = table.rows[0], table.rows[1:]
    questions = questionnaire(found.questionnaire_id).questions
    room_col, columns = match_columns(header, questions)
    good: dict[int, tuple[SurveyHousehold, dict[int, tuple[str, int | None]], int]] = {}
    bad: list[tuple[int, str]] = []
    for line, cells in rows:
        cells = cells + [""] * (len(header) - len(cells))
        try:
            room_code = cells[room_col].strip()
            if not room_code:
                raise ValidationError("room", _("no room"))
            room_id = find_room(found.community_id, room_code)
            household = _household(survey_id, room_id)
            if room_id in good:
                raise ValidationError("room", _("room {room} already answered in row {row}").format(
                    room=quote(room_code), row=good[room_id][2]))
            parsed = {q.id: parse_answer(q, cells[i]) for i, q in columns.items()}
        except FrontDeskError as exc:
            bad.append((line, exc.message))
            continue
        good[room_id] = (household, parsed, line)
    if bad and not skip_bad:
        listed = "; ".join(_("row {row}: {reason}").format(row=n, reason=r) for n, r in bad[:20])
        more = _(" (and {n} more)").format(n=len(bad) - 20) if len(bad) > 20 else ""
        raise ValidationError("file", _("Nothing imported, {n} bad rows — {rows}{more}. Fix them, or skip "
                                        "them with --skip-bad.").format(n=len(bad), rows=listed, more=more))
    with transaction():
        for household, parsed, _line in good.values():
            _store(household, parsed, "import")
    return ImportResult(len(good), bad)


def opening_script(list_id: int, room_id: int | None, person_id: int | None, staff_id: int | None = None) -> str:
    """What the desk says when a survey's call is answered: the survey's name, the household
    and how long it takes — the survey's own opening, not a repair follow-up (回访) script."""
    from data.models import Person, Room

    access.require("survey.view", staff_id)
    found = Survey.get_or_none(Survey.call_list == list_id)
    if found is None:
        raise NotFoundError(_("This call is not part of a survey."))
    room = Room.get_or_none(Room.id == room_id) if room_id else None
    person = Person.get_or_none(Person.id == person_id) if person_id else None
    count = len(questionnaire(found.questionnaire_id).questions)
    greeting = (_("Hello, is this {name}?").format(name=person.name) + " ") if person is not None else ""
    return greeting + _(
        "This is the property service centre. We are asking households for the survey “{survey}”: "
        "{n} short questions about our service for your home {room}, about {minutes} minutes. "
        "May I ask them now?").format(survey=found.name, n=count, room=room.code if room else "—",
                                      minutes=max(1, round(count / 3)))

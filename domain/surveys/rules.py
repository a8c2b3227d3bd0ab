"""Survey rules, pure: definitions, answers checked against a version, report figures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.ids import as_uuid
from domain.surveys.models import QuestionKind, SurveyPurpose
from domain.validation import clean_text

MAX_QUESTIONS = 30
MAX_OPTIONS = 20
QUESTION_TEXT_MAX = 500
OPTION_TEXT_MAX = 200
TITLE_MAX = 300
INTRO_MAX = 2000
FREE_TEXT_DEFAULT = 2000
FREE_TEXT_LIMIT = 5000

SCALES: dict[QuestionKind, tuple[int, int]] = {
    QuestionKind.RATING_1_5: (1, 5),
    QuestionKind.NPS_0_10: (0, 10),
    QuestionKind.EFFORT: (1, 7),
}
CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# What the citizen is asked to rate, in the accusative ("Оцените, пожалуйста, …").
PURPOSE_RU = {
    SurveyPurpose.WRITTEN_ANSWER: "ответ на ваше обращение",
    SurveyPurpose.RECEPTION: "личный приём",
    SurveyPurpose.CALL: "консультацию по телефону",
    SurveyPurpose.INTERNAL_REQUEST: "выполнение вашего запроса",
}


@dataclass
class OptionDraft:
    text: str
    id: str | None = None


@dataclass
class QuestionDraft:
    kind: QuestionKind
    text: str
    required: bool = False
    id: str | None = None
    options: list[OptionDraft] = field(default_factory=list)
    max_length: int | None = None


@dataclass
class AnswerDraft:
    question_id: str  # the question's key in its version
    value: int | None = None
    choice_ids: list[str] | None = None
    text: str | None = None
    version_id: str | None = None  # the version the question was shown in, when known


@dataclass(frozen=True)
class CleanAnswer:
    question_id: str
    kind: QuestionKind
    value: int | None = None
    choice_ids: list[str] | None = None
    text: str | None = None


def _key(raw: str | None, taken: set[str], prefix: str, field_name: str) -> str:
    if raw is None or raw == "":
        n = 1
        while f"{prefix}{n}" in taken:
            n += 1
        return f"{prefix}{n}"
    if not isinstance(raw, str) or not _KEY.match(raw):
        raise DomainError(
            ErrorCode.INVALID,
            "Код должен начинаться с латинской буквы и содержать только строчные латинские "
            "буквы, цифры и «_» (не больше 40 символов).", field_name,
        )
    if raw in taken:
        raise DomainError(ErrorCode.DUPLICATE, "Такой код уже есть в опросе.", field_name)
    return raw


def clean_definition(
    title: str | None, intro: str | None, questions: list[QuestionDraft]
) -> tuple[str, str | None, list[dict[str, Any]]]:
    """A version's content, checked and normalised; every problem reported at once."""
    errors: list[DomainError] = []
    clean_title = clean_intro = None
    try:
        clean_title = clean_text(title, "title", max_length=TITLE_MAX, required=True)
    except DomainError as exc:
        errors.append(exc)
    try:
        clean_intro = clean_text(intro, "intro", max_length=INTRO_MAX, multiline=True)
    except DomainError as exc:
        errors.append(exc)
    if not questions:
        errors.append(DomainError(ErrorCode.REQUIRED, "Добавьте хотя бы один вопрос.", "questions"))
    elif len(questions) > MAX_QUESTIONS:
        errors.append(DomainError(
            ErrorCode.INVALID, f"Не больше {MAX_QUESTIONS} вопросов в опросе.", "questions"))
        questions = []
    result: list[dict[str, Any]] = []
    taken: set[str] = {q.id for q in questions if q.id}
    keys: set[str] = set()
    for i, q in enumerate(questions):
        where = f"questions.{i}"
        try:
            key = _key(q.id, keys if q.id else taken | keys, "q", f"{where}.id")
            keys.add(key)
            result.append(_clean_question(q, key, where))
        except ValidationFailed as exc:
            errors.extend(exc.errors)
        except DomainError as exc:
            errors.append(exc)
    if errors:
        raise ValidationFailed(errors)
    return clean_title, clean_intro, result


def _clean_question(q: QuestionDraft, key: str, where: str) -> dict[str, Any]:
    errors: list[DomainError] = []
    try:
        kind = QuestionKind(q.kind)
    except ValueError:
        raise DomainError(ErrorCode.INVALID, "Неизвестный вид вопроса.", f"{where}.kind") from None
    text = None
    try:
        text = clean_text(q.text, f"{where}.text", max_length=QUESTION_TEXT_MAX, required=True)
    except DomainError as exc:
        errors.append(exc)
    question: dict[str, Any] = {"id": key, "kind": str(kind), "text": text,
                                "required": bool(q.required)}
    if kind in CHOICE_KINDS:
        if not 2 <= len(q.options) <= MAX_OPTIONS:
            errors.append(DomainError(
                ErrorCode.INVALID, f"Укажите от 2 до {MAX_OPTIONS} вариантов ответа.",
                f"{where}.options"))
        options = []
        taken = {o.id for o in q.options if o.id}
        ids: set[str] = set()
        for j, option in enumerate(q.options[:MAX_OPTIONS]):
            try:
                oid = _key(option.id, ids if option.id else taken | ids, "o",
                           f"{where}.options.{j}.id")
                ids.add(oid)
                otext = clean_text(option.text, f"{where}.options.{j}.text",
                                   max_length=OPTION_TEXT_MAX, required=True)
                options.append({"id": oid, "text": otext})
            except DomainError as exc:
                errors.append(exc)
        question["options"] = options
    elif q.options:
        errors.append(DomainError(
            ErrorCode.INVALID, "Варианты ответа бывают только у вопросов с выбором.",
            f"{where}.options"))
    if kind == QuestionKind.FREE_TEXT:
        limit = q.max_length or FREE_TEXT_DEFAULT
        if not 1 <= limit <= FREE_TEXT_LIMIT:
            errors.append(DomainError(
                ErrorCode.INVALID, f"Длина ответа: от 1 до {FREE_TEXT_LIMIT} символов.",
                f"{where}.maxLength"))
        question["max_length"] = limit
    elif q.max_length is not None:
        errors.append(DomainError(
            ErrorCode.INVALID, "Длину ответа задают только для текстовых вопросов.",
            f"{where}.maxLength"))
    if errors:
        raise ValidationFailed(errors)
    return question


def clean_answers(questions: list[dict[str, Any]], answers: list[AnswerDraft],
                  version_id: Any = None) -> list[CleanAnswer]:
    """Answers checked against one survey version: each kind's range or options, required
    questions answered, text free of control characters and within the question's length.
    Optional questions may be left out; an empty answer counts as no answer. A question of
    another version than ``version_id`` is no question of this survey."""
    by_id = {q["id"]: q for q in questions}
    errors: list[DomainError] = []
    if len(answers) > len(questions):
        raise DomainError(ErrorCode.INVALID, "Ответов больше, чем вопросов в опросе.", "answers")
    seen: set[str] = set()
    result: list[CleanAnswer] = []
    for i, draft in enumerate(answers):
        qid = draft.question_id
        question = by_id.get(qid) if isinstance(qid, str) else None
        if draft.version_id is not None and as_uuid(draft.version_id) != as_uuid(version_id):
            question = None
        where = f"answers.{qid}" if question else f"answers.{i}"
        if question is None:
            errors.append(DomainError(ErrorCode.INVALID, "Такого вопроса нет в опросе.",
                                      f"answers.{i}.questionId"))
            continue
        if qid in seen:
            errors.append(DomainError(ErrorCode.DUPLICATE, "На вопрос ответили дважды.", where))
            continue
        seen.add(qid)
        try:
            answer = _clean_answer(question, draft, where)
        except DomainError as exc:
            errors.append(exc)
            continue
        if answer is not None:
            result.append(answer)
    answered = {a.question_id for a in result}
    for q in questions:
        if q["required"] and q["id"] not in answered and not any(
            e.field == f"answers.{q['id']}" for e in errors
        ):
            errors.append(DomainError(ErrorCode.REQUIRED, "Ответьте, пожалуйста, на этот вопрос.",
                                      f"answers.{q['id']}"))
    if errors:
        raise ValidationFailed(errors)
    return result


def _clean_answer(question: dict[str, Any], draft: AnswerDraft, where: str) -> CleanAnswer | None:
    kind = QuestionKind(question["kind"])
    wrong_shape = DomainError(ErrorCode.INVALID, "Ответ не подходит к виду вопроса.", where)
    if kind in SCALES:
        if draft.choice_ids or draft.text:
            raise wrong_shape
        if draft.value is None:
            return None
        low, high = SCALES[kind]
        if isinstance(draft.value, bool) or not isinstance(draft.value, int) or not (
            low <= draft.value <= high
        ):
            raise DomainError(ErrorCode.INVALID, f"Выберите оценку от {low} до {high}.", where)
        return CleanAnswer(question["id"], kind, value=draft.value)
    if kind in CHOICE_KINDS:
        if draft.value is not None or draft.text:
            raise wrong_shape
        chosen = list(dict.fromkeys(draft.choice_ids or []))
        if not chosen:
            return None
        valid = {o["id"] for o in question["options"]}
        if any(not isinstance(c, str) or c not in valid for c in chosen):
            raise DomainError(ErrorCode.INVALID, "Такого варианта ответа нет.", where)
        if kind == QuestionKind.SINGLE_CHOICE and len(chosen) != 1:
            raise DomainError(ErrorCode.INVALID, "Выберите один вариант ответа.", where)
        return CleanAnswer(question["id"], kind, choice_ids=chosen)
    if draft.value is not None or draft.choice_ids:
        raise wrong_shape
    text = clean_text(draft.text, where, max_length=question.get("max_length", FREE_TEXT_DEFAULT),
                      multiline=True)
    return CleanAnswer(question["id"], kind, text=text) if text else None


def score_totals(answers: list[CleanAnswer]) -> dict[str, int]:
    """The response's counters stored on its invitation (what the report sums)."""
    totals = dict.fromkeys(("rating_count", "rating_sum", "rating_satisfied", "nps_count",
                            "nps_promoters", "nps_detractors", "effort_count", "effort_sum"), 0)
    for a in answers:
        if a.value is None:
            continue
        if a.kind == QuestionKind.RATING_1_5:
            totals["rating_count"] += 1
            totals["rating_sum"] += a.value
            totals["rating_satisfied"] += a.value >= 4
        elif a.kind == QuestionKind.NPS_0_10:
            totals["nps_count"] += 1
            totals["nps_promoters"] += a.value >= 9
            totals["nps_detractors"] += a.value <= 6
        elif a.kind == QuestionKind.EFFORT:
            totals["effort_count"] += 1
            totals["effort_sum"] += a.value
    return totals


def context_text(purpose: SurveyPurpose, about: str | None, invited_on: date,
                 department: str | None) -> str:
    """What is being rated, in plain Russian, for the survey page and the email."""
    what = PURPOSE_RU[SurveyPurpose(purpose)]
    text = f"Оцените, пожалуйста, {what}"
    if about:
        text += f" ({about})"
    text += f". Приглашение отправлено {invited_on:%d.%m.%Y}."
    if department:
        text += f" Подразделение: {department}."
    return text


@dataclass(frozen=True)
class Figures:
    """One row of the satisfaction report; the counts and sums come from SQL."""

    invitations: int
    responses: int
    rating_count: int
    satisfied: int
    rating_sum: int
    nps_count: int
    promoters: int
    detractors: int
    effort_count: int
    effort_sum: int

    @property
    def response_rate(self) -> float | None:
        return _pct(self.responses, self.invitations)

    @property
    def csat(self) -> float | None:
        """Share of 4 and 5 among 1–5 ratings, in per cent."""
        return _pct(self.satisfied, self.rating_count)

    @property
    def average_rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    @property
    def nps(self) -> float | None:
        """Per cent promoters (9–10) minus per cent detractors (0–6), from −100 to 100."""
        if not self.nps_count:
            return None
        return round(100.0 * (self.promoters - self.detractors) / self.nps_count, 2)

    @property
    def average_effort(self) -> float | None:
        return round(self.effort_sum / self.effort_count, 2) if self.effort_count else None


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None

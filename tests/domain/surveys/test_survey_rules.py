"""Pure survey rules: tokens, definitions, answers per question kind, report arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.surveys import rules, tokens
from domain.surveys.defaults import DEFAULTS
from domain.surveys.models import QuestionKind as K
from domain.surveys.rules import AnswerDraft as A
from domain.surveys.rules import OptionDraft as O
from domain.surveys.rules import QuestionDraft as Q

SECRET = "s" * 40
NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def test_token_roundtrip_and_determinism():
    exp = NOW + timedelta(days=30)
    token = tokens.sign(SECRET, "survey", "abc", "n1", exp)
    assert token == tokens.sign(SECRET, "survey", "abc", "n1", exp)
    claims = tokens.verify(SECRET, token, "survey", NOW)
    assert (claims.record_id, claims.nonce, claims.expires_at) == ("abc", "n1", exp)


def test_token_misuse_is_refused():
    """R-2.10 links: forged, tampered, another purpose's and expired tokens are refused."""
    exp = NOW + timedelta(days=1)
    token = tokens.sign(SECRET, "survey", "abc", "n1", exp)
    body, sig = token.split(".")
    forged = tokens.sign("another-secret-" * 3, "survey", "abc", "n1", exp)
    other_purpose = tokens.sign(SECRET, "unsubscribe", "abc", "n1", exp)
    # Change the claims (another record) but keep the old signature.
    tampered = tokens.sign(SECRET, "survey", "abd", "n1", exp).split(".")[0] + "." + sig
    flipped = body + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
    for bad in (forged, other_purpose, tampered, flipped, "", "x", "a.b", "a" * 5000,
                token + "\x00", "....", "é.é"):
        with pytest.raises(tokens.TokenError):
            tokens.verify(SECRET, bad, "survey", NOW)
    with pytest.raises(tokens.TokenExpired):
        tokens.verify(SECRET, token, "survey", exp)


def test_defaults_are_valid_definitions():
    for purpose, (title, intro, questions) in DEFAULTS.items():
        _, _, cleaned = rules.clean_definition(title, intro, questions)
        assert cleaned[0]["kind"] == "rating_1_5" and cleaned[0]["required"], purpose


def test_definition_generates_keys_and_reports_all_errors():
    _, _, cleaned = rules.clean_definition("T", None, [
        Q(K.RATING_1_5, "Оценка", True), Q(K.SINGLE_CHOICE, "Выбор", False, "q1",
                                           [O("Да"), O("Нет", "o1")]),
    ])
    assert [q["id"] for q in cleaned] == ["q2", "q1"]
    assert [o["id"] for o in cleaned[1]["options"]] == ["o2", "o1"]
    with pytest.raises(ValidationFailed) as caught:
        rules.clean_definition("", "x\x00", [
            Q(K.SINGLE_CHOICE, "Один вариант", False, None, [O("Да")]),
            Q(K.RATING_1_5, "С вариантами", False, None, [O("a"), O("b")]),
            Q(K.FREE_TEXT, "Текст", False, "Bad Key"),
            Q(K.FREE_TEXT, "x" * 501, max_length=99999),
            Q(K.NPS_0_10, "a", False, "dup"), Q(K.NPS_0_10, "b", False, "dup"),
        ])
    fields = {e.field for e in caught.value.errors}
    assert {"title", "intro", "questions.0.options", "questions.1.options", "questions.2.id",
            "questions.3.text", "questions.3.maxLength", "questions.5.id"} <= fields
    with pytest.raises(ValidationFailed):
        rules.clean_definition("T", None, [])


QUESTIONS = rules.clean_definition("T", None, [
    Q(K.RATING_1_5, "CSAT", True, "csat"),
    Q(K.NPS_0_10, "NPS", False, "nps"),
    Q(K.EFFORT, "CES", False, "ces"),
    Q(K.SINGLE_CHOICE, "One", False, "one", [O("Да", "yes"), O("Нет", "no")]),
    Q(K.MULTIPLE_CHOICE, "Many", False, "many", [O("A", "a"), O("B", "b"), O("C", "c")]),
    Q(K.FREE_TEXT, "Text", False, "text", max_length=10),
])[2]


def _fields(answers: list[A]) -> dict[str | None, ErrorCode]:
    with pytest.raises(ValidationFailed) as caught:
        rules.clean_answers(QUESTIONS, answers)
    return {e.field: e.code for e in caught.value.errors}


def test_valid_answers_of_every_kind():
    """R-9: every question kind accepts its range; optional ones may be skipped."""
    result = rules.clean_answers(QUESTIONS, [
        A("csat", 5), A("nps", 0), A("ces", 7), A("one", choice_ids=["no"]),
        A("many", choice_ids=["a", "c", "a"]), A("text", text="  Хорошо\n"),
    ])
    assert [(a.question_id, a.value, a.choice_ids, a.text) for a in result] == [
        ("csat", 5, None, None), ("nps", 0, None, None), ("ces", 7, None, None),
        ("one", None, ["no"], None), ("many", None, ["a", "c"], None),
        ("text", None, None, "Хорошо"),
    ]
    # Only the required one; empty answers to optional questions count as skipped.
    assert len(rules.clean_answers(QUESTIONS, [A("csat", 1), A("text", text="  "),
                                               A("many", choice_ids=[])])) == 1


@pytest.mark.parametrize("answer,code", [
    (A("csat", 0), ErrorCode.INVALID), (A("csat", 6), ErrorCode.INVALID),
    (A("nps", 11), ErrorCode.INVALID), (A("nps", -1), ErrorCode.INVALID),
    (A("ces", 0), ErrorCode.INVALID), (A("ces", 8), ErrorCode.INVALID),
    (A("one", choice_ids=["yes", "no"]), ErrorCode.INVALID),
    (A("one", choice_ids=["maybe"]), ErrorCode.INVALID),
    (A("many", choice_ids=["a", "zzz"]), ErrorCode.INVALID),
    (A("text", text="x" * 11), ErrorCode.TOO_LONG),
    (A("text", text="bad\x00"), ErrorCode.FORBIDDEN_CHARACTERS),
    (A("text", text="bell\x07"), ErrorCode.FORBIDDEN_CHARACTERS),
    (A("nps", text="слово"), ErrorCode.INVALID),
    (A("one", 3), ErrorCode.INVALID),
    (A("text", 3), ErrorCode.INVALID),
])
def test_invalid_answer_per_kind(answer, code):
    base = [] if answer.question_id == "csat" else [A("csat", 4)]
    fields = _fields([*base, answer])
    assert fields == {f"answers.{answer.question_id}": code}


def test_required_unknown_and_duplicate_questions():
    assert _fields([A("nps", 5)]) == {"answers.csat": ErrorCode.REQUIRED}
    assert _fields([A("csat", 4), A("nope", 1)]) == {"answers.1.questionId": ErrorCode.INVALID}
    assert _fields([A("csat", 4), A("csat", 5)]) == {"answers.csat": ErrorCode.DUPLICATE}
    with pytest.raises(DomainError) as caught:
        rules.clean_answers(QUESTIONS, [A("csat", 4)] * 7)
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, "answers")


def test_a_question_of_another_version_is_no_question_of_this_survey():
    """R-9: answers keep the meaning of the version they answered, so a question shown in
    another version (same key) is refused; the version the question came from is checked."""
    version, other = "3f1c2a34-0000-4000-8000-000000000001", "3f1c2a34-0000-4000-8000-000000000002"
    ok = rules.clean_answers(QUESTIONS, [A("csat", 4, version_id=version.upper())], version)
    assert [a.question_id for a in ok] == ["csat"]
    with pytest.raises(ValidationFailed) as caught:
        rules.clean_answers(QUESTIONS, [A("csat", 4, version_id=other)], version)
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("answers.0.questionId", ErrorCode.INVALID), ("answers.csat", ErrorCode.REQUIRED)}


def test_figures_arithmetic():
    f = rules.Figures(invitations=8, responses=5, rating_count=5, satisfied=3, rating_sum=17,
                      nps_count=4, promoters=2, detractors=1, effort_count=2, effort_sum=11)
    assert (f.response_rate, f.csat, f.average_rating, f.nps, f.average_effort) == (
        62.5, 60.0, 3.4, 25.0, 5.5)
    empty = rules.Figures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert (empty.response_rate, empty.csat, empty.average_rating, empty.nps) == (
        None, None, None, None)


def test_context_text():
    text = rules.context_text("written_answer", "обращение № 5", date(2025, 3, 3), "Минздрав")
    assert text == ("Оцените, пожалуйста, ответ на ваше обращение (обращение № 5). "
                    "Приглашение отправлено 03.03.2025. Подразделение: Минздрав.")


def test_score_totals_stored_for_the_report():
    answers = rules.clean_answers(QUESTIONS, [A("csat", 4), A("nps", 6), A("ces", 3),
                                              A("text", text="ok")])
    assert rules.score_totals(answers) == {
        "rating_count": 1, "rating_sum": 4, "rating_satisfied": 1, "nps_count": 1,
        "nps_promoters": 0, "nps_detractors": 1, "effort_count": 1, "effort_sum": 3}

"""The public, token-only survey endpoints over real HTTP: the flow, misuse, bad input and
rate limits. No login anywhere here: the token is the key."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from api.relay import encode_id
from domain.clients.models import Client, ClientKind
from domain.surveys import service

BY_TOKEN = """query($t: String!) { surveyByToken(token: $t) {
  survey { title intro context purpose expiresAt
           questions { id key kind text required maxLength scaleMin scaleMax
                       options { key text } } }
  errors { code field message } } }"""
SUBMIT = """mutation($t: String!, $a: [SurveyAnswerInput!]!) {
  submitSurveyResponse(input: {token: $t, answers: $a}) {
    accepted message errors { code field message } } }"""


@pytest.fixture
async def invitation(settings):
    client = await Client.create(kind=ClientKind.PERSON, last_name="Смирнова",
                                 first_name="Анна")
    return await service.invite(("message_answer", "A-1"), client.id, "written_answer",
                                channel="email", about="обращение № 12", settings=settings)


def q(invitation, key: str) -> str:
    """The global ID of a question of the invitation's version (as `surveyByToken` gives it)."""
    return encode_id("SurveyQuestion", f"{invitation.record.version_id}:{key}")


async def anon(gql, query, variables):
    return (await gql(query, variables, as_=None))["data"]


async def test_public_survey_flow(gql, invitation):
    """R-2.10: the link's token opens the survey without login; one response is accepted."""
    data = await anon(gql, BY_TOKEN, {"t": invitation.token})
    survey = data["surveyByToken"]["survey"]
    assert data["surveyByToken"]["errors"] == []
    assert survey["purpose"] == "WRITTEN_ANSWER"
    assert "обращение № 12" in survey["context"]
    rating = survey["questions"][0]
    assert (rating["id"], rating["key"], rating["kind"], rating["required"], rating["scaleMin"],
            rating["scaleMax"]) == (q(invitation, "satisfaction"), "satisfaction", "RATING_1_5",
                                    True, 1, 5)
    answers = [{"questionId": rating["id"], "value": 4},
               {"questionId": q(invitation, "clarity"), "choiceKeys": ["yes"]},
               {"questionId": q(invitation, "comment"), "text": "Всё понятно, спасибо"}]
    result = (await anon(gql, SUBMIT, {"t": invitation.token, "a": answers})
              )["submitSurveyResponse"]
    assert result == {"accepted": True, "message": "Спасибо! Ваш ответ поможет нам работать лучше.",
                      "errors": []}
    again = (await anon(gql, SUBMIT, {"t": invitation.token, "a": answers}))["submitSurveyResponse"]
    assert not again["accepted"] and again["errors"][0]["code"] == "ALREADY_ANSWERED"
    assert again["errors"][0]["message"] == "Вы уже ответили на этот опрос. Спасибо!"
    page = (await anon(gql, BY_TOKEN, {"t": invitation.token}))["surveyByToken"]
    assert page["survey"] is None and page["errors"][0]["code"] == "ALREADY_ANSWERED"


async def test_answer_validation_errors_point_at_questions(gql, invitation):
    """R-9: answers are checked against the version, per question kind."""
    answers = [{"questionId": q(invitation, "nps"), "value": 11},
               {"questionId": q(invitation, "clarity"), "choiceKeys": ["x"]},
               {"questionId": q(invitation, "effort"), "value": 0},
               {"questionId": q(invitation, "comment"), "text": "a\u0000b"},
               {"questionId": q(invitation, "ghost"), "value": 1}]
    result = (await anon(gql, SUBMIT, {"t": invitation.token, "a": answers})
              )["submitSurveyResponse"]
    assert not result["accepted"]
    assert {(e["field"], e["code"]) for e in result["errors"]} == {
        ("answers.nps", "INVALID"), ("answers.clarity", "INVALID"), ("answers.effort", "INVALID"),
        ("answers.comment", "FORBIDDEN_CHARACTERS"), ("answers.4.questionId", "INVALID"),
        ("answers.satisfaction", "REQUIRED")}
    assert all(e["message"] for e in result["errors"])
    # Nothing was stored: a correct answer afterwards is still accepted.
    ok = (await anon(gql, SUBMIT, {"t": invitation.token,
                                   "a": [{"questionId": q(invitation, "satisfaction"),
                                          "value": 1}]}))
    assert ok["submitSurveyResponse"]["accepted"]


BAD_TOKENS = ["", "x", "a.b", "\u0000", "💥" * 1000, "a" * 50_000, "{token}",
              "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo"]


async def test_bad_tokens_get_a_user_error_and_reveal_nothing(gql, invitation, settings):
    """Bad input on the public endpoints: no 500, a clear Russian UserError, nothing about any
    client (no names, IDs or subjects)."""
    other = await Client.create(kind=ClientKind.PERSON, last_name="Кузнецов")
    theirs = await service.invite(("message_answer", "B-2"), other.id, "written_answer",
                                  settings=settings)
    body, sig = theirs.token.split(".")
    tampered = [body + "." + sig[::-1], body[:-2] + "AA." + sig, invitation.token.split(".")[0]
                + "." + sig]
    secrets_in_db = {str(invitation.id), str(theirs.id), "Кузнецов", "Смирнова", "B-2", "A-1",
                     str(other.id)}
    for n, bad in enumerate(BAD_TOKENS + tampered):
        for query, variables in [(BY_TOKEN, {"t": bad}),
                                 (SUBMIT, {"t": bad, "a": [{"questionId": q(invitation,
                                                                          "satisfaction"),
                                                            "value": 5}]})]:
            async with _client_at(settings, f"10.0.{n}.1") as client:  # below the IP limit
                response = await client.post("/graphql", json={"query": query,
                                                               "variables": variables})
            assert response.status_code == 200, response.text
            text = response.text
            payload = next(iter(response.json()["data"].values()))
            assert payload["errors"][0]["code"] == "INVALID_TOKEN", bad[:20]
            assert payload["errors"][0]["message"].startswith("Ссылка на опрос недействительна")
            assert not any(s in text for s in secrets_in_db)


async def test_huge_and_malformed_answers(gql, invitation):
    rate, comment = q(invitation, "satisfaction"), q(invitation, "comment")
    cases = [
        [{"questionId": comment, "text": "я" * 10_000_000},  # over the body limit: 413
         {"questionId": rate, "value": 5}],
        [{"questionId": comment, "text": "я" * 50_000},  # the longest a variable may hold
         {"questionId": rate, "value": 5}],
        [{"questionId": rate, "value": 2_000_000_000}],
        [{"questionId": rate, "value": 5, "text": "и текст"}],
        [{"questionId": q(invitation, "\u0000"), "value": 5}],
        [{"questionId": rate, "value": 5}] * 500,
    ]
    codes = []
    for answers in cases:
        response = await gql.http.post("/graphql", json={
            "query": SUBMIT, "variables": {"t": invitation.token, "a": answers}})
        assert response.status_code in (200, 413), response.status_code
        if response.status_code == 200:
            result = response.json()["data"]["submitSurveyResponse"]
            assert not result["accepted"] and result["errors"]
            codes.append(result["errors"][0]["code"])
    assert codes == ["TOO_LONG", "INVALID", "INVALID", "INVALID", "INVALID"]


async def test_expired_token(gql, settings):
    from datetime import UTC, datetime, timedelta

    client = await Client.create(kind=ClientKind.PERSON, last_name="Смирнова")
    old = datetime.now(UTC) - timedelta(days=settings.survey_token_ttl_days, seconds=1)
    inv = await service.invite(("call", 1), client.id, "call", settings=settings, now=old)
    page = (await anon(gql, BY_TOKEN, {"t": inv.token}))["surveyByToken"]
    assert page["errors"] == [{"code": "EXPIRED_TOKEN", "field": "token",
                               "message": "Срок действия ссылки на опрос истёк. Спасибо, что "
                                          "хотели ответить!"}]


def _client_at(settings, ip: str) -> httpx.AsyncClient:
    """The real app, reached from another address (the rate limit keys on it)."""
    app = create_app(settings, manage_resources=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 5000)),
                             base_url="http://testserver")


RATE = encode_id("SurveyQuestion", "00000000-0000-4000-8000-000000000000:satisfaction")


async def _submit(client: httpx.AsyncClient, token: str, question: str = RATE) -> dict:
    response = await client.post("/graphql", json={"query": SUBMIT, "variables": {
        "t": token, "a": [{"questionId": question, "value": 9}]}})
    assert response.status_code == 200
    return response.json()["data"]["submitSurveyResponse"]


async def test_rate_limit_per_ip(settings):
    """Submission attempts are limited per IP (guessing tokens from one address)."""
    limit = settings.survey_submit_limit_per_minute
    async with (_client_at(settings, "203.0.113.7") as attacker,
                _client_at(settings, "198.51.100.1") as ok):
        for n in range(limit):
            result = await _submit(attacker, f"guess-{n}")
            assert result["errors"][0]["code"] == "INVALID_TOKEN"
        result = await _submit(attacker, "guess-last")
        assert result["errors"][0] == {
            "code": "RATE_LIMITED", "field": "token",
            "message": "Слишком много попыток. Подождите минуту и попробуйте снова."}
        assert (await _submit(ok, "guess-x"))["errors"][0]["code"] == "INVALID_TOKEN"


async def test_rate_limit_per_token(settings, invitation):
    """Attempts on one token are limited whatever the address (a botnet on one link)."""
    limit = settings.survey_submit_limit_per_minute
    for n in range(limit):
        async with _client_at(settings, f"192.0.2.{n + 1}") as client:
            result = await _submit(client, invitation.token, q(invitation, "satisfaction"))
            # value 9: an invalid rating
            assert result["errors"][0]["field"] == "answers.satisfaction"
    async with _client_at(settings, "192.0.2.200") as client:
        assert (await _submit(client, invitation.token))["errors"][0]["code"] == "RATE_LIMITED"

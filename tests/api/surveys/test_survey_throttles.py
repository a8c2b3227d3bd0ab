"""Public survey routes under abuse (issue 15, "Misuse"): a token's limit holds however the
token is spelt, ``surveyByToken`` and the download links are throttled, and per-IP limits
see the client behind a trusted proxy, never an address a caller wrote."""

from __future__ import annotations

import uuid

import httpx
import pytest
from starlette.requests import Request

from api.app import create_app
from api.client_ip import client_ip
from api.relay import encode_id
from domain.clients.models import Client, ClientKind
from domain.surveys import service

BY_TOKEN = "query($t: String!) { surveyByToken(token: $t) { survey { title } errors { code } } }"
SUBMIT = """mutation($t: String!, $a: [SurveyAnswerInput!]!) {
  submitSurveyResponse(input: {token: $t, answers: $a}) { accepted errors { code } } }"""


def _client_at(settings, ip: str, **changes) -> httpx.AsyncClient:
    app = create_app(settings.model_copy(update=changes), manage_resources=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 5000)),
                             base_url="http://testserver")


@pytest.fixture
async def token(settings) -> str:
    client = await Client.create(kind=ClientKind.PERSON, last_name="Смирнова")
    invitation = await service.invite(("message_answer", "A-1"), client.id, "written_answer",
                                      channel="email", settings=settings)
    return invitation.token


def _spellings(token: str, count: int) -> list[str]:
    """The same token with blanks around it, as a copied link may carry them."""
    forms = [f" {token}", f"{token} ", f"\t{token}\n", f"\n{token}"]
    return [forms[n % len(forms)] + " " * (n // len(forms)) for n in range(count)]


async def test_a_token_has_one_spelling(gql, token):
    """Base64 padding or a stray character would verify too (base64 skips them), each
    spelling a fresh limit: only the token as written, blanks aside, is accepted."""
    body, sig = token.split(".")
    for spelt in (f"{body}=.{sig}", f"{body}.{sig}==", f"{body[:3]}!{body[3:]}.{sig}",
                  f"{body}.{sig[:4]}*{sig[4:]}", f"{body}.{sig[:4]}\n{sig[4:]}"):
        body_ = await gql(BY_TOKEN, {"t": spelt}, as_=None)
        assert body_["data"]["surveyByToken"]["errors"] == [{"code": "INVALID_TOKEN"}], spelt
    body_ = await gql(BY_TOKEN, {"t": f" {token}\n"}, as_=None)
    assert body_["data"]["surveyByToken"]["errors"] == []


async def _errors(client: httpx.AsyncClient, query: str, variables: dict) -> list[str]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return [e["code"] for e in next(iter(response.json()["data"].values()))["errors"]]


async def test_spelling_the_token_differently_does_not_reset_its_limit(settings, token):
    limit = settings.survey_submit_limit_per_minute
    answers = [{"questionId": encode_id("SurveyQuestion", f"{uuid.uuid4()}:satisfaction"),
                "value": 9}]
    spellings = _spellings(token, limit + 1)
    for n, spelt in enumerate(spellings[:-1]):
        async with _client_at(settings, f"192.0.2.{n + 1}") as client:
            assert await _errors(client, SUBMIT, {"t": spelt, "a": answers}) != ["RATE_LIMITED"]
    async with _client_at(settings, "192.0.2.200") as client:
        assert await _errors(client, SUBMIT, {"t": spellings[-1], "a": answers}) == [
            "RATE_LIMITED"]


async def test_survey_by_token_is_throttled_per_token_and_per_ip(settings, token):
    limit = 3
    for n, spelt in enumerate(_spellings(token, limit)):
        async with _client_at(settings, f"192.0.2.{n + 1}",
                              survey_read_limit_per_minute=limit) as client:
            assert await _errors(client, BY_TOKEN, {"t": spelt}) == []
    async with _client_at(settings, "192.0.2.100", survey_read_limit_per_minute=limit) as client:
        assert await _errors(client, BY_TOKEN, {"t": token}) == ["RATE_LIMITED"]
    async with _client_at(settings, "198.51.100.1", survey_read_limit_per_minute=limit) as client:
        for n in range(limit):
            assert await _errors(client, BY_TOKEN, {"t": f"guess-{n}"}) == ["INVALID_TOKEN"]
        assert await _errors(client, BY_TOKEN, {"t": "guess-last"}) == ["RATE_LIMITED"]


@pytest.mark.parametrize("route", ["/exports/{}.json", "/survey-exports/{}.csv"])
async def test_download_links_are_throttled_per_ip(settings, route):
    async with (_client_at(settings, "203.0.113.7", download_limit_per_minute=3) as attacker,
                _client_at(settings, "198.51.100.1", download_limit_per_minute=3) as other):
        for n in range(3):
            assert (await attacker.get(route.format(f"guess{n}"))).status_code == 404
        refused = await attacker.get(route.format("guess-last"))
        assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
        assert (await other.get(route.format("guess"))).status_code == 404


async def test_per_ip_limits_read_forwarded_for_only_through_trusted_proxies(settings):
    route = "/survey-exports/guess.csv"
    # A caller that is not a trusted proxy cannot pick a fresh address per request.
    async with _client_at(settings, "203.0.113.7", download_limit_per_minute=2,
                          trusted_proxies=["10.0.0.0/8"]) as direct:
        codes = [(await direct.get(route, headers={"X-Forwarded-For": f"198.51.100.{n}"})
                  ).status_code for n in range(3)]
        assert codes == [404, 404, 429]
    # Behind the proxy, each citizen has a limit of their own.
    async with _client_at(settings, "10.0.0.2", download_limit_per_minute=2,
                          trusted_proxies=["10.0.0.0/8"]) as proxy:
        for citizen in ("192.0.2.1", "192.0.2.2"):
            codes = [(await proxy.get(route, headers={"X-Forwarded-For": f"1.1.1.1, {citizen}"})
                      ).status_code for _ in range(3)]
            assert codes == [404, 404, 429], citizen


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers,
                    "client": (peer, 1234)})


@pytest.mark.parametrize(("trusted", "peer", "forwarded", "client"), [
    ([], "10.0.0.2", "192.0.2.1", "10.0.0.2"),  # default: the socket's peer
    (["10.0.0.0/8"], "203.0.113.7", "192.0.2.1", "203.0.113.7"),  # untrusted peer
    (["10.0.0.0/8"], "10.0.0.2", "192.0.2.1", "192.0.2.1"),
    (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # spoofed left part
    (["10.0.0.0/8"], "10.0.0.2", "192.0.2.1, 10.0.0.9", "192.0.2.1"),  # two proxies
    (["10.0.0.0/8"], "10.0.0.2", "garbage, 192.0.2.1", "192.0.2.1"),
    (["10.0.0.0/8"], "10.0.0.2", "192.0.2.1, garbage", "10.0.0.2"),
    (["10.0.0.0/8"], "10.0.0.2", None, "10.0.0.2"),
    (["10.0.0.0/8"], "10.0.0.2", "10.0.0.3", "10.0.0.3"),  # only proxies: the farthest
    (["::1/128"], "::1", "[2001:db8::1]:443", "2001:db8::1"),
    (["10.0.0.0/8"], "10.0.0.2", "192.0.2.1:5555", "192.0.2.1"),
])
def test_client_ip(settings, trusted, peer, forwarded, client):
    assert client_ip(_request(peer, forwarded),
                     settings.model_copy(update={"trusted_proxies": trusted})) == client


def test_a_bad_trusted_proxy_stops_the_start():
    from domain.settings import Settings

    with pytest.raises(ValueError, match="10.0.0.0/33"):
        Settings(_env_file=None, trusted_proxies=["10.0.0.0/33"])

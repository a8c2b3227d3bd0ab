"""Limits paid before the work: query length before parsing, variables before conversion,
query cost before execution (api/limits.py), and the smaller body cap."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from okno_platform import plain_settings  # noqa: F401 (fixture)

from api.app import create_app
from api.auth import mint_token
from domain.actor import Role
from domain.settings import Settings

SUBMIT = """mutation($token: String!, $answers: [SurveyAnswerInput!]!) {
  submitSurveyResponse(input: {token: $token, answers: $answers}) { errors { code } } }"""


def _app_and_client(settings: Settings) -> tuple[object, httpx.AsyncClient]:
    app = create_app(settings, manage_resources=False)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    return app, http


def _documents(app) -> object:
    view = next(route.endpoint for route in app.routes if route.path == "/graphql")
    return view.schema.okno_documents


async def _longest_stall(work) -> tuple[object, float, float]:
    """Run ``work`` while a ticker measures the longest time the event loop was blocked."""
    stalls = [0.0]
    last = [time.perf_counter()]
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            stalls.append(now - last[0])
            last[0] = now

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)  # the ticker runs before the work starts
    started = time.perf_counter()
    try:
        result = await work
    finally:
        elapsed = time.perf_counter() - started
        stalls.append(time.perf_counter() - last[0])
        done.set()
        await tick
    return result, elapsed, max(stalls)


async def test_huge_variables_are_refused_before_conversion(plain_settings):  # noqa: F811
    """30,000 survey answers (under the body cap) used to be converted to inputs before any
    rule ran, blocking every other request for seconds; now a fast BAD_USER_INPUT."""
    answers = [{"questionId": "x", "value": 5} for _ in range(30_000)]
    body = {"query": SUBMIT, "variables": {"token": "t", "answers": answers}}
    _, http = _app_and_client(plain_settings)
    async with http:
        small = asyncio.create_task(http.post("/graphql", json={"query": "{ __typename }"}))
        response, elapsed, stall = await _longest_stall(http.post("/graphql", json=body))
        assert (await small).json() == {"data": {"__typename": "Query"}}
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "INPUT_TOO_LARGE"}
    assert elapsed < 0.8 and stall < 0.4, (elapsed, stall)


async def test_the_50000_answer_request_is_refused_fast(plain_settings):  # noqa: F811
    """The 1.6 MB request of the report: over the 1 MiB body cap, refused unread."""
    answers = [{"questionId": "U3VydmV5UXVlc3Rpb246MQ==", "value": 5} for _ in range(50_000)]
    body = {"query": SUBMIT, "variables": {"token": "t", "answers": answers}}
    assert plain_settings.max_body_bytes == 1024 * 1024
    _, http = _app_and_client(plain_settings)
    async with http:
        response, elapsed, stall = await _longest_stall(http.post("/graphql", json=body))
    assert response.status_code == 413
    assert elapsed < 0.8 and stall < 0.4, (elapsed, stall)


@pytest.mark.parametrize("variables", [
    {"text": "я" * 50_001},
    {"list": [[1] * 1001]},
    {"deep": [[[{"a": [1, 2, 3]}] * 100] * 100]},  # 100 × 100 objects: too many values
])
async def test_variable_limits(plain_settings, variables):  # noqa: F811
    _, http = _app_and_client(plain_settings)
    async with http:
        body = (await http.post("/graphql", json={"query": "{ __typename }",
                                                  "variables": variables})).json()
    assert body["errors"][0]["extensions"]["reason"] == "INPUT_TOO_LARGE"


async def test_giant_queries_are_neither_parsed_nor_cached(plain_settings):  # noqa: F811
    """An over-long query is refused before parsing; documents refused by validation
    (depth, aliases, tokens) never enter the parse cache; valid ones do."""
    s = plain_settings
    app, http = _app_and_client(s)
    documents = _documents(app)
    giant = "{ __typename }" + " " * (s.max_query_chars + 1)
    async with http:
        started = time.perf_counter()
        body = (await http.post("/graphql", json={"query": giant})).json()
        assert time.perf_counter() - started < 0.5
        assert body["data"] is None and body["errors"] == [{
            "message": f"The query is longer than {s.max_query_chars} characters.",
            "extensions": {"code": "BAD_USER_INPUT", "reason": "QUERY_TOO_LARGE"}}]
        deep = "{ me { " + "representatives { representative { " * 10 + "id" + " } } " * 10 \
            + "} }"
        for n in range(20):  # distinct texts, each refused
            refused = [
                deep + " " * n,
                "{ " + " ".join(f"a{i}: __typename" for i in range(s.max_aliases + 1 + n)) + " }",
                "{ " + "__typename " * (s.max_tokens + 1 + n) + "}",
            ]
            for query in refused:
                assert (await http.post("/graphql", json={"query": query})).json()["errors"]
        assert len(documents) == 0
        await http.post("/graphql", json={"query": "{ __typename }"})
        await http.post("/graphql", json={"query": "{ __typename }"})
        assert len(documents) == 1


def _bearer(settings: Settings, role: Role, client_id: str | None = None) -> dict[str, str]:
    return {"Authorization": "Bearer " + mint_token(settings, role, f"{role}-1", client_id)}


def _costly(aliases: int) -> str:
    histories = " ".join(f"h{i}: history(first: 100) {{ edges {{ node {{ id summary }} }} }}"
                         for i in range(aliases))
    return ("{ me { messages(first: 100) { edges { node { id client { " + histories
            + " } } } } } }")


CARD = ("query Card($id: ID!) { client(id: $id) { id displayName kind "
        "contacts { id kind value verified primary } "
        "preference { preferredChannel additionalChannel } "
        "history(first: 20) { edges { node { id kind channel direction occurredAt summary } } }"
        " } }")


async def test_query_cost_multiplies_page_sizes_per_caller(plain_settings):  # noqa: F811
    """28 aliased history(first:100) under a client's 100 messages: refused before anything
    runs (it returned 37,520 events); the client card query is far under the client cap;
    the caps are per caller kind."""
    s = plain_settings
    _, http = _app_and_client(s)
    async with http:
        body = (await http.post("/graphql", json={"query": _costly(28)},
                                headers=_bearer(s, Role.CLIENT))).json()
        assert body["data"] is None
        error = body["errors"][0]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "QUERY_TOO_COSTLY"}
        assert "objects" in error["message"]

        # Variables count like literals.
        paged = "query($n: Int) { clients(first: $n) { edges { node { " + " ".join(
            f"h{i}: history(first: $n) {{ edges {{ node {{ id }} }} }}" for i in range(2)) \
            + " } } } }"
        for role, n, refused in ((Role.CLIENT, 100, True), (Role.CLIENT, 5, False),
                                 (Role.OPERATOR, 100, False)):
            body = (await http.post("/graphql", json={"query": paged, "variables": {"n": n}},
                                    headers=_bearer(s, role))).json()
            reasons = {e.get("extensions", {}).get("reason") for e in body.get("errors", [])}
            assert ("QUERY_TOO_COSTLY" in reasons) is refused, (role, n, body)

        # A plain list known to be long counts at its most: a year calendar is fine
        # without a token, many of them are not.
        year = 'workingCalendar(from: "2026-01-01", to: "2026-12-31") { date }'
        one = (await http.post("/graphql", json={"query": "{ " + year + " }"})).json()
        assert "QUERY_TOO_COSTLY" not in str(one)
        many = " ".join(f"a{i}: {year}" for i in range(29))
        body = (await http.post("/graphql", json={"query": "{ " + many + " }"})).json()
        assert body["errors"][0].get("extensions", {}).get("reason") == "QUERY_TOO_COSTLY", body

    from graphql import parse

    from api.limits import query_cost
    from api.schema import build_schema
    schema = build_schema(s)._schema
    card = query_cost(schema, parse(CARD), None, {"id": "x"}, s)
    assert card < 100 < s.max_cost_anonymous < s.max_cost_client < s.max_cost_staff
    assert query_cost(schema, parse(_costly(28)), None, {}, s) > 28 * 100 * 100

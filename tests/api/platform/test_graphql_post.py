"""POST /graphql's short path (api/http/graphql.py) answers exactly as strawberry's stock
HTTP view: for a corpus of requests (aliases, fragments, directives, variables, nulls,
syntax and validation errors, refusals by role, limits, malformed bodies, batches, bad
tokens) the status, the body's bytes and the headers are the same both ways."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from api.app import create_app
from api.http.front import Front
from api.http.graphql import JsonPost
from tests.conftest import token

CREATE = """mutation($last: String!) { createClient(input: {kind: PERSON, lastName: $last,
  firstName: "Иван"}) { client { id displayName } errors { code field } } }"""
CARD = """query Card($id: ID!, $withContacts: Boolean = true) {
  client(id: $id) { id ...Names kind
    contacts @include(if: $withContacts) { id kind value verified primary }
    preference { preferredChannel additionalChannel }
    recent: history(first: 2) { edges { node { id kind occurredAt summary } } } } }
fragment Names on Client { displayName name: displayName }"""
TWO = "query A { __typename } query B { me { id } }"


def _app(settings):
    app = create_app(settings, manage_resources=False)
    app.middleware_stack = app.build_middleware_stack()
    front = app.middleware_stack.app
    assert isinstance(front, Front) and isinstance(front.graphql_post, JsonPost)
    return app, front


@pytest.fixture
async def both(settings) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """The whole app twice: with the short path, and with POST /graphql going to the stock
    view (everything else equal: request id, CORS, timeout, metrics)."""
    short, _ = _app(settings)
    plain, front = _app(settings)
    front.graphql_post = front.graphql_post.stock

    def client(asgi) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi),
                                 base_url="http://testserver")

    async with client(short) as a, client(plain) as b:
        yield a, b


def _headers(response: httpx.Response) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in response.headers.multi_items() if k != "x-request-id")


async def _same(both, body: bytes | str, headers: dict[str, str] | None = None) -> httpx.Response:
    short, plain = both
    headers = {"Content-Type": "application/json", **(headers or {})}
    content = body.encode() if isinstance(body, str) else body
    a = await short.post("/graphql", content=content, headers=headers)
    b = await plain.post("/graphql", content=content, headers=headers)
    assert (a.status_code, a.content) == (b.status_code, b.content)
    assert _headers(a) == _headers(b)
    assert a.headers["x-request-id"]
    return a


def _json(query: str, variables: object = None, **more: object) -> bytes:
    return orjson.dumps({"query": query, "variables": variables, **more})


async def test_answers_are_byte_identical_to_the_stock_view(settings, both):
    operator = {"Authorization": "Bearer " + token(settings, "operator")}
    client = {"Authorization": "Bearer " + token(settings, "client", client_id=str(uuid.uuid4()))}
    created = await both[0].post("/graphql", content=_json(CREATE, {"last": "Петров"}),
                                 headers={"Content-Type": "application/json", **operator})
    client_id = created.json()["data"]["createClient"]["client"]["id"]
    corpus: list[tuple[bytes, dict[str, str]]] = [
        (_json(CARD, {"id": client_id}), operator),
        (_json(CARD, {"id": client_id, "withContacts": False}), operator),
        (_json(CARD, {"id": client_id}, operationName="Card"), operator),
        (_json(CARD, {"id": "Q2xpZW50OjE="}), operator),  # unknown id: null
        (_json(CARD, {"id": None}), operator),  # null for a non-null variable
        (_json(CARD, {}), operator),  # missing variable
        (_json(CARD, {"id": client_id}), client),  # a citizen may not read others' cards
        (_json(CARD, {"id": client_id}), {}),  # anonymous: UNAUTHENTICATED
        (_json("{ me { id } }"), {}),
        (_json("{ __typename a: __typename }"), {}),
        (_json("{ client(id: 1) { nope } }"), operator),  # validation errors
        (_json("{ client(id: "), operator),  # syntax error
        (_json(TWO, None, operationName="A"), {}),
        (_json(TWO), {}),  # two operations, no name
        (_json(TWO, None, operationName="C"), {}),
        (_json("subscription { __typename }"), {}),
        (_json("{ __typename }" + " " * (settings.max_query_chars + 1)), {}),  # too large
        (_json("query($t: String) { __typename }",
               {"t": ["x"] * (settings.max_variable_list_length + 1)}), {}),
        (_json("{ " + " ".join(f"a{i}: __typename" for i in range(settings.max_aliases + 1))
               + " }"), {}),
        (_json("{ __typename }", None, extensions={"persistedQuery": {}}), {}),
        # not the short path's: handed to the stock view, and the same answers
        (b'{"query": "{ __typename }"', {}),  # not JSON
        (b'[{"query": "{ __typename }"}]', {}),  # a batch
        (_json(""), {}),
        (b'{"query": null}', {}),
        (b'{"query": 1}', {}),
        (_json("{ __typename }", "not an object"), {}),
        (_json("{ __typename }", None, operationName=1), {}),
        (_json("{ __typename }", None, extensions=[]), {}),
        (_json("{ __typename }"), {"Authorization": "Bearer not-a-token"}),  # 401
        (_json("{ __typename }"), {"Authorization": "Basic abc"}),
        (_json("{ __typename }"), {"Content-Type": "application/json; charset=utf-8"}),
        (_json("{ __typename }"), {"Content-Type": "text/plain"}),
    ]
    for body, headers in corpus:
        await _same(both, body, headers)


@pytest.mark.parametrize("body", [b'"{ __typename }"', b"1", b"null", b"true"])
async def test_a_body_that_is_no_object_is_a_400(http, body):
    """Bad input, not a bug: the stock view answered these with a 500."""
    response = await http.post("/graphql", content=body,
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "JSON object" in response.text


async def test_the_short_path_answers_what_it_is_meant_to(settings, both):
    """The corpus above would pass if everything went the stock way: check that a plain
    JSON operation does not (the stock view is never called for it) and the rest does."""
    short, _ = both
    transport = short._transport
    front = transport.app.middleware_stack.app
    calls = []
    stock = front.graphql_post.stock

    async def counted(scope, receive, send):
        calls.append(scope["path"])
        await stock(scope, receive, send)

    front.graphql_post.stock = counted
    try:
        ok = await short.post("/graphql", json={"query": "{ __typename }"})
        assert ok.json() == {"data": {"__typename": "Query"}} and calls == []
        await short.post("/graphql", content=b"[]", headers={"Content-Type": "application/json"})
        await short.post("/graphql", json={"query": "{ __typename }"},
                         headers={"Idempotency-Key": "k-1"})
        assert len(calls) == 2
    finally:
        front.graphql_post.stock = stock

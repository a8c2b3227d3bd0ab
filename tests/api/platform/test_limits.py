"""Production behaviour and abuse limits: GraphiQL, error masking, query limits, body size,
CORS and websocket origins."""

from __future__ import annotations

import json

import httpx
import pytest
import strawberry
import websockets
from okno_platform import plain_settings, uvicorn_server  # noqa: F401 (fixture)
from strawberry.types import Info

import api.access
import api.schema
from api.app import create_app
from api.auth import mint_token
from api.errors import forbidden
from api.relay import bad_input
from domain.actor import Role
from domain.errors import DomainError, ErrorCode
from domain.settings import Settings
from tests.support.production import PRODUCTION


def _client(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, manage_resources=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def _admin(settings: Settings) -> dict[str, str]:
    return {"Authorization": "Bearer " + mint_token(settings, Role.ADMIN, "admin-1")}


# --- GraphiQL ---------------------------------------------------------------------------------

async def test_graphiql_in_development_only(plain_settings):  # noqa: F811
    html = {"Accept": "text/html"}
    async with _client(plain_settings) as http:
        response = await http.get("/graphql", headers=html)
        assert response.status_code == 200 and "graphiql" in response.text.lower()
    async with _client(plain_settings.model_copy(update=PRODUCTION)) as http:
        response = await http.get("/graphql", headers=html)
        assert response.status_code == 404 and "graphiql" not in response.text.lower()
        # GraphQL over GET itself still works in production.
        response = await http.get("/graphql", params={"query": "{ __typename }"})
        assert response.json() == {"data": {"__typename": "Query"}}


def test_production_refuses_development_secrets(plain_settings):  # noqa: F811
    with pytest.raises(RuntimeError, match="OKNO_LINK_SECRET"):
        create_app(plain_settings.model_copy(update={"environment": "production"}))


# --- error masking ----------------------------------------------------------------------------

@strawberry.type
class _Faulty:
    @strawberry.field(description="test only")
    def bug(self) -> str | None:
        raise RuntimeError("connection string postgres://secret@db")

    @strawberry.field(description="test only")
    def bad(self) -> str | None:
        raise bad_input(DomainError(ErrorCode.INVALID, "Неверное значение.", "x"))

    @strawberry.field(description="test only")
    def denied(self, info: Info) -> str | None:
        raise forbidden()


@pytest.fixture
def faulty_schema(monkeypatch):
    """A schema with fields that fail in each way (QUERIES is the registration tuple)."""
    monkeypatch.setattr(api.schema, "QUERIES", (*api.schema.QUERIES, _Faulty))
    monkeypatch.setattr(api.access, "ROLES", {**api.access.ROLES, **{
        f"Query.{name}": api.access.ANYONE for name in ("bug", "bad", "denied")}})


async def test_production_masks_bugs_but_keeps_expected_errors(plain_settings, faulty_schema):  # noqa: F811
    settings = plain_settings.model_copy(update=PRODUCTION)
    async with _client(settings) as http:
        body = (await http.post("/graphql", json={"query": "{ bug }"},
                                headers=_admin(settings))).json()
        assert body["errors"][0]["message"] == "Unexpected error."
        assert "secret" not in json.dumps(body)

        body = (await http.post("/graphql", json={"query": "{ bad denied }"},
                                headers=_admin(settings))).json()
        codes = {e["path"][0]: e["extensions"]["code"] for e in body["errors"]}
        assert codes == {"bad": "BAD_USER_INPUT", "denied": "FORBIDDEN"}
        assert "Неверное значение." in {e["message"] for e in body["errors"]}

        body = (await http.post("/graphql", json={"query": "{ me { id } }"})).json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert body["errors"][0]["message"] == "Authentication required"

        # Invalid queries keep their message: it is about the query, not the server.
        body = (await http.post("/graphql", json={"query": "{ noSuchField }"},
                                headers=_admin(settings))).json()
        assert "noSuchField" in body["errors"][0]["message"]


async def test_development_shows_bug_messages(plain_settings, faulty_schema):  # noqa: F811
    async with _client(plain_settings) as http:
        body = (await http.post("/graphql", json={"query": "{ bug }"},
                                headers=_admin(plain_settings))).json()
    assert "postgres://secret@db" in body["errors"][0]["message"]


# --- query limits -----------------------------------------------------------------------------

def _nested(depth: int) -> str:
    """me { representatives { representative { representatives { ... { id } } } } }"""
    query, closing = "{ me { ", "} }"
    for level in range(depth):
        query += "representatives { " if level % 2 == 0 else "representative { "
        closing = "} " + closing
    return query + "id " + closing


async def _errors(http: httpx.AsyncClient, settings: Settings, query: str) -> list[dict]:
    response = await http.post("/graphql", json={"query": query}, headers=_admin(settings))
    assert response.status_code == 200, response.text
    body = response.json()
    return body.get("errors", [])


async def test_depth_alias_and_token_limits(plain_settings):  # noqa: F811
    s = plain_settings
    async with _client(s) as http:
        assert await _errors(http, s, _nested(s.max_query_depth - 2)) == []
        errors = await _errors(http, s, _nested(s.max_query_depth + 2))
        assert "exceeds maximum operation depth" in errors[0]["message"]

        aliases = " ".join(f"a{n}: __typename" for n in range(s.max_aliases))
        assert await _errors(http, s, "{ " + aliases + " }") == []
        errors = await _errors(http, s, "{ " + aliases + " extra: __typename }")
        assert "aliases found" in errors[0]["message"]

        errors = await _errors(http, s, "{ " + "__typename " * (s.max_tokens + 10) + "}")
        assert "more than" in errors[0]["message"] and "tokens" in errors[0]["message"]


async def test_limits_come_from_settings(plain_settings):  # noqa: F811
    s = plain_settings.model_copy(update={"max_query_depth": 1, "max_aliases": 1})
    async with _client(s) as http:
        assert await _errors(http, s, "{ me { id } }") == []
        assert await _errors(http, s, "{ me { contacts { value } } }")
        assert await _errors(http, s, "{ a: __typename b: __typename }")


async def test_request_body_over_the_limit_is_413(plain_settings):  # noqa: F811
    s = plain_settings.model_copy(update={"max_body_bytes": 10_000})
    big = {"query": "{ __typename }", "variables": {"pad": "x" * 20_000}}
    async with _client(s) as http:
        response = await http.post("/graphql", json=big)
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

        async def chunks():  # no Content-Length: the cap applies to what actually arrives
            for _ in range(30):
                yield b"x" * 1000

        response = await http.post("/graphql", content=chunks(),
                                   headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        ok = await http.post("/graphql", json={"query": "{ __typename }"})
        assert ok.json() == {"data": {"__typename": "Query"}}


# --- cross-origin -----------------------------------------------------------------------------

async def test_cors_allowlist(plain_settings):  # noqa: F811
    s = plain_settings.model_copy(update={"cors_origins": ["https://gosuslugi73.example"]})
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type,x-client-app"}
    async with _client(s) as http:
        allowed = await http.options("/graphql", headers={
            "Origin": "https://gosuslugi73.example", **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://gosuslugi73.example"
        assert "x-client-app" in allowed.headers["access-control-allow-headers"].lower()

        other = await http.options("/graphql", headers={"Origin": "https://evil.example",
                                                        **preflight})
        assert "access-control-allow-origin" not in other.headers

        simple = await http.post("/graphql", json={"query": "{ __typename }"},
                                 headers={"Origin": "https://gosuslugi73.example"})
        assert simple.headers["access-control-allow-origin"] == "https://gosuslugi73.example"
        assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()
        simple = await http.post("/graphql", json={"query": "{ __typename }"},
                                 headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in simple.headers


async def test_websocket_origins_follow_the_allowlist(plain_settings):  # noqa: F811
    """A real uvicorn server and a real websocket client: a page on another origin may not
    open a GraphQL websocket; an allowlisted one may, and bad tokens are refused."""
    s = plain_settings.model_copy(update={"cors_origins": ["https://gosuslugi73.example"]})
    async with uvicorn_server(create_app(s, manage_resources=False)) as address:
        url = f"ws://{address}/graphql"
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            async with websockets.connect(url, origin="https://evil.example",
                                          subprotocols=["graphql-transport-ws"]):
                pass
        assert refused.value.response.status_code == 403

        async with websockets.connect(url, origin="https://gosuslugi73.example",
                                      subprotocols=["graphql-transport-ws"]) as ws:
            token = mint_token(s, Role.ADMIN, "admin-1")
            await ws.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": f"Bearer {token}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"

        async with websockets.connect(url, origin="https://gosuslugi73.example",
                                      subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": "Bearer forged"}}))
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 4403

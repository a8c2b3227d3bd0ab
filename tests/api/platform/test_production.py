"""Production mode: `serve`, `worker` and `migrate` refuse development stand-ins before they
start anything, and the API's defaults are closed (introspection, suggestions, CORS)."""

from __future__ import annotations

import httpx
import pytest
from okno_platform import plain_settings  # noqa: F401 (fixture)

from api.app import create_app
from api.cli import main
from domain.settings import UnsafeProduction
from tests.support.production import PRODUCTION


def _client(settings) -> httpx.AsyncClient:
    app = create_app(settings, manage_resources=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.mark.parametrize("command", ["serve", "worker", "migrate"])
def test_commands_refuse_stand_ins_before_starting_anything(plain_settings, command):  # noqa: F811
    """With an embedded Redis, the mail sink and SQLite still in the settings, each command
    exits with the one message and leaves no trace (no SQLite file, no redis-server)."""
    unsafe = plain_settings.model_copy(update={**PRODUCTION, "database_url": "",
                                               "redis_url": "", "smtp_host": ""})
    with pytest.raises(SystemExit) as refused:
        main([command], settings=unsafe)
    message = str(refused.value.code)
    for name in ("OKNO_DATABASE_URL", "OKNO_REDIS_URL", "OKNO_SMTP_HOST"):
        assert name in message
    assert "OKNO_LINK_SECRET" not in message  # what is set is not asked for
    assert list(plain_settings.var_dir.iterdir()) == []


def test_the_app_refuses_too(plain_settings):  # noqa: F811
    with pytest.raises(UnsafeProduction, match="OKNO_CORS_ORIGINS"):
        create_app(plain_settings.model_copy(update={**PRODUCTION, "cors_origins": None}))


INTROSPECTION = "{ __schema { queryType { name } } }"
TYPO = "{ clientz(first: 1) { totalCount } }"


async def test_introspection_and_suggestions_closed_in_production(plain_settings):  # noqa: F811
    async with _client(plain_settings) as http:  # development: open
        body = (await http.post("/graphql", json={"query": INTROSPECTION})).json()
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"
        body = (await http.post("/graphql", json={"query": TYPO})).json()
        assert "Did you mean" in body["errors"][0]["message"]

    async with _client(plain_settings.model_copy(update=PRODUCTION)) as http:
        body = (await http.post("/graphql", json={"query": INTROSPECTION})).json()
        assert "data" not in body or body["data"] is None
        assert "introspection" in body["errors"][0]["message"].lower()
        body = (await http.post("/graphql", json={"query": TYPO})).json()
        message = body["errors"][0]["message"]
        assert "clientz" in message and "Did you mean" not in message and "clients" not in message
        # Enum values are not suggested either.
        body = (await http.post("/graphql", json={
            "query": "{ clients(first: 1, kind: PERSN) { totalCount } }"})).json()
        message = body["errors"][0]["message"]
        assert "PERSN" in message and "Did you mean" not in message


async def test_introspection_opened_by_the_setting(plain_settings):  # noqa: F811
    opened = plain_settings.model_copy(update={**PRODUCTION, "introspection": True})
    async with _client(opened) as http:
        body = (await http.post("/graphql", json={"query": INTROSPECTION})).json()
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_cors_default_has_no_localhost_in_production(plain_settings):  # noqa: F811
    preflight = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}
    async with _client(plain_settings) as http:
        allowed = await http.options("/graphql", headers=preflight)
        assert allowed.headers.get("access-control-allow-origin") == "http://localhost:3000"
    async with _client(plain_settings.model_copy(update=PRODUCTION)) as http:
        refused = await http.options("/graphql", headers=preflight)
        assert "access-control-allow-origin" not in refused.headers

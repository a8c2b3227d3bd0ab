"""Issue 15, "Outage errors look like bugs": a database or Redis outage is SERVICE_UNAVAILABLE
(with retryAfter; HTTP 503 + Retry-After when nothing of the operation succeeded), never a
masked "Unexpected error.", and a retry with the same Idempotency-Key never creates twice."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
import redis.exceptions
from asyncpg.exceptions import CannotConnectNowError, ConnectionDoesNotExistError

from api.app import create_app
from api.errors import is_outage
from domain import db
from domain.clients.models import Client
from tests.conftest import token
from tests.support.outage import proxied_database
from tests.support.production import PRODUCTION

CREATE = """mutation($last: String!) { createClient(input: {kind: PERSON, lastName: $last,
    firstName: "Иван"}) { client { id displayName } errors { code } } }"""


def test_outage_errors_are_recognised():
    """What the database and Redis raise when away is an outage; a refused statement or a
    bug is not."""
    assert is_outage(CannotConnectNowError("the database system is starting up"))
    assert is_outage(ConnectionDoesNotExistError("connection was closed"))
    assert is_outage(ConnectionRefusedError(111, "refused"))
    assert is_outage(redis.exceptions.ConnectionError("Connection refused"))
    assert is_outage(redis.exceptions.TimeoutError("Timeout reading from socket"))
    wrapped = RuntimeError("x")
    wrapped.__cause__ = redis.exceptions.ConnectionError("down")
    assert is_outage(wrapped)
    assert not is_outage(ValueError("a bug"))
    assert not is_outage(KeyError("a bug"))


async def _post(http, settings, query, variables, key=None, as_="operator"):
    headers = {"Authorization": "Bearer " + token(settings, as_)}
    if key is not None:
        headers["Idempotency-Key"] = key
    return await http.post("/graphql", json={"query": query, "variables": variables},
                           headers=headers)


async def test_a_retried_mutation_with_the_same_key_creates_once(settings, http):
    """The same request with the same Idempotency-Key: one client, the same answer
    (Idempotent-Replayed: true); the key with another request is refused; concurrent twins
    create once too."""
    key = str(uuid.uuid4())
    first = await _post(http, settings, CREATE, {"last": "Петров"}, key)
    again = await _post(http, settings, CREATE, {"last": "Петров"}, key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["data"]["createClient"]["errors"] == []
    assert again.headers["idempotent-replayed"] == "true"
    assert await Client.filter(last_name="Петров").count() == 1
    other = (await _post(http, settings, CREATE, {"last": "Сидоров"}, key)).json()
    assert other["errors"][0]["extensions"]["reason"] == "IDEMPOTENCY_KEY_REUSED"
    assert await Client.filter(last_name="Сидоров").count() == 0
    # Without a key nothing changes: each call creates.
    await _post(http, settings, CREATE, {"last": "Петров"})
    assert await Client.filter(last_name="Петров").count() == 2
    twin_key = str(uuid.uuid4())
    twins = await asyncio.gather(*[_post(http, settings, CREATE, {"last": "Близнец"}, twin_key)
                                   for _ in range(4)])
    assert {r.status_code for r in twins} == {200}
    assert len({r.text for r in twins}) == 1
    assert await Client.filter(last_name="Близнец").count() == 1
    bad = (await _post(http, settings, CREATE, {"last": "Х"}, "a key with spaces")).json()
    assert bad["errors"][0]["extensions"]["reason"] == "INVALID_IDEMPOTENCY_KEY"


@pytest.mark.parametrize("production", [False, True])
async def test_database_outage_is_service_unavailable_then_the_retry_creates_once(
        settings, production):
    """API side of the drill: while the database is unreachable a mutation answers 503 with
    Retry-After and a SERVICE_UNAVAILABLE error with retryAfter (in production too, not a
    masked "Unexpected error."); once it is back, the retry with the same key creates the
    client, and a further retry replays the answer: one client."""
    if not db.is_postgres():
        pytest.skip("the outage is a TCP proxy in front of PostgreSQL")
    # Production: everything configured (tests/support/production.py) but this test's own
    # database and Redis.
    configured = settings.model_copy(update={
        "environment": "test",
        "jwt_secret": "test-secret-0123456789-0123456789-0123456789",
        "link_secret": "test-link-secret-0123456789-0123456789",
        **({k: v for k, v in PRODUCTION.items() if k not in ("database_url", "redis_url")}
           if production else {})})
    app = create_app(configured, manage_resources=False)
    key = str(uuid.uuid4())
    async with proxied_database(settings) as (proxy, _), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        await proxy.cut()
        down = await _post(http, configured, CREATE, {"last": "Отказов"}, key)
        assert down.status_code == 503, down.text
        assert down.headers["retry-after"] == "5"
        [error] = down.json()["errors"]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "retryAfter": 5}
        no_key = await _post(http, configured, CREATE, {"last": "Безключев"})
        assert no_key.status_code == 503, no_key.text
        assert no_key.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        await proxy.start()
        up = await _post(http, configured, CREATE, {"last": "Отказов"}, key)
        assert up.status_code == 200, up.text
        assert up.json()["data"]["createClient"]["errors"] == []
        replay = await _post(http, configured, CREATE, {"last": "Отказов"}, key)
        assert replay.json() == up.json()
        assert await Client.filter(last_name="Отказов").count() == 1
        assert await Client.filter(last_name="Безключев").count() == 0


async def test_stored_answers_expire(settings, http):
    """After OKNO_IDEMPOTENCY_TTL_HOURS the key is free again and the sweep deletes the row."""
    from datetime import UTC, datetime, timedelta

    from domain.idempotency import IdempotentRequest
    from jobs.idempotency import sweep_idempotency

    key = str(uuid.uuid4())
    await _post(http, settings, CREATE, {"last": "Старов"}, key)
    await IdempotentRequest.all().update(created_at=datetime.now(UTC) - timedelta(hours=25))
    assert await sweep_idempotency({"settings": settings}) == 1
    await _post(http, settings, CREATE, {"last": "Старов"}, key)
    assert await Client.filter(last_name="Старов").count() == 2


def test_a_connection_used_twice_is_a_bug_not_an_outage():
    from asyncpg.exceptions import InterfaceError

    assert is_outage(InterfaceError("connection is closed"))
    assert not is_outage(InterfaceError(
        "cannot perform operation: another operation is in progress"))

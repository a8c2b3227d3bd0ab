"""Rate limits on every mutation a citizen can repeat (api/ratelimit.py): one mechanism,
per root field and per caller (token subject, or IP without a token), refusing with a
RATE_LIMITED UserError in the payload; the Redis counter never lives without expiry."""

from __future__ import annotations

import httpx
import pytest

from api.access import ROLES
from api.app import create_app
from api.ratelimit import CITIZENS, MutationRateLimit
from api.relay import encode_id
from api.schema import build_schema
from domain import redis
from domain.settings import Settings
from tests.conftest import token
from tests.contract.test_access_matrix import bearer, document, own_record

CITIZEN_MUTATIONS = sorted(key for key, roles in ROLES.items()
                           if key.startswith("Mutation.") and roles & CITIZENS)


def _client(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, manage_resources=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def test_every_citizen_mutation_carries_the_limit():
    """Walks the role table: a mutation an anonymous caller, client or employee may call
    is limited, so the next such mutation is covered the day it is added."""
    assert {"Mutation.receiveMessage", "Mutation.submitSurveyResponse",
            "Mutation.requestHistoryExport"} <= set(CITIZEN_MUTATIONS)
    mutation = build_schema(Settings(_env_file=None)).get_type_by_name("Mutation")
    by_name = {f.graphql_name or _camel(f.python_name): f for f in mutation.fields}
    for key in CITIZEN_MUTATIONS:
        field = by_name[key.split(".")[1]]
        assert any(isinstance(e, MutationRateLimit) for e in field.extensions), key


@pytest.mark.parametrize("key", CITIZEN_MUTATIONS)
async def test_every_citizen_mutation_refuses_over_its_limit(settings, key):
    """With the mutation's limit at 0, every citizen caller the table allows gets the
    payload with one RATE_LIMITED error, and nothing else fails."""
    name = key.split(".")[1]
    limited = settings.model_copy(update={"rate_limits": {name: 0}})
    async with _client(limited) as http:
        for caller in sorted(ROLES[key] & CITIZENS):
            query, variables = document(key, own_record(caller))
            headers = {}
            if (auth := bearer(limited, caller)) is not None:
                headers["Authorization"] = auth
            body = (await http.post("/graphql", json={"query": query, "variables": variables},
                                    headers=headers)).json()
            assert "errors" not in body, (caller, body)
            assert body["data"][name]["errors"] == [{"code": "RATE_LIMITED"}], (caller, body)


UPDATE = """mutation($id: ID!) { updateClient(input: {id: $id, lastName: "Петров"}) {
  errors { code } } }"""


async def test_limit_is_per_caller_and_field_and_not_for_staff(settings):
    limited = settings.model_copy(update={"rate_limits": {"updateClient": 2}})
    variables = {"id": encode_id("Client", "00000000-0000-4000-8000-000000000001")}

    async def codes(role: str, subject: str) -> list[str]:
        headers = {"Authorization": "Bearer " + token(limited, role, subject)}
        body = (await http.post("/graphql", json={"query": UPDATE, "variables": variables},
                                headers=headers)).json()
        return [e["code"] for e in body["data"]["updateClient"]["errors"]]

    async with _client(limited) as http:
        assert [await codes("client", "c-1") for _ in range(3)][-1] == ["RATE_LIMITED"]
        assert "RATE_LIMITED" not in await codes("client", "c-2")
        for _ in range(4):
            assert "RATE_LIMITED" not in await codes("operator", "op-1")


async def test_the_counter_always_expires(settings):
    """INCR and EXPIRE are one step; a counter left without expiry by an older limiter
    gets one at its next hit."""
    conn = redis.get_redis()
    assert await redis.count_hit("t:a", 30) == 1
    assert 0 < await conn.ttl("okno:ratelimit:t:a") <= 30
    await conn.set("okno:ratelimit:t:b", 7)  # as the old INCR-then-EXPIRE could leave it
    assert await conn.ttl("okno:ratelimit:t:b") == -1
    assert await redis.count_hit("t:b", 30) == 8
    assert 0 < await conn.ttl("okno:ratelimit:t:b") <= 30

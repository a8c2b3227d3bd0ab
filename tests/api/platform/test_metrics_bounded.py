"""Watched without being hurt by the watching: anonymous callers cannot grow /metrics.

Every label comes from a fixed set (the schema's root fields, the front ends named in
OKNO_CLIENT_APPS, known paths, HTTP statuses), so a flood of invented operation names,
root fields, aliases and X-Client-App values leaves the series count under a constant
computed here, and a second flood adds nothing. Metrics are not on the public port in
production."""

from __future__ import annotations

import http as http_status
import random
import string
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from okno_platform import plain_settings  # noqa: F401
from prometheus_client import REGISTRY, generate_latest

from api.app import create_app
from api.observability import KNOWN_PATHS
from api.schema import build_schema
from domain.settings import Settings
from tests.support.production import PRODUCTION

SPECIAL_ROOTS = {"multiple", "introspection", "invalid"}


@pytest.fixture
async def client(plain_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    app = create_app(plain_settings, manage_resources=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as c:
        yield c


def _word(rng: random.Random, n: int = 12) -> str:
    return rng.choice(string.ascii_letters) + "".join(
        rng.choice(string.ascii_letters + string.digits) for _ in range(n))


async def flood(client: httpx.AsyncClient, rng: random.Random, count: int) -> None:
    for i in range(count):
        name, app = _word(rng), _word(rng, 30)
        query = [
            f"query {name} {{ me {{ id }} }}",  # a real root field, an invented name
            f"query {name} {{ {_word(rng)} }}",  # an invented root field
            f"query {name} {{ {_word(rng)}: me {{ id }} }}",  # an invented alias
            f"mutation {name} {{ {_word(rng)} {{ x }} }}",
            f"{{ {_word(rng)}: me {{ id }} another: __typename }}",
        ][i % 5]
        await client.post("/graphql", json={"query": query, "operationName": None},
                          headers={"X-Client-App": app})
        if i % 10 == 0:
            await client.get(f"/{_word(rng)}", headers={"X-Client-App": app})


def okno_series() -> dict[str, set[tuple]]:
    """Label sets per okno_ metric family (histogram buckets folded into their series)."""
    found: dict[str, set[tuple]] = {}
    for family in REGISTRY.collect():
        if family.name.startswith("okno_"):
            found.setdefault(family.name, set()).update(
                tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
                for s in family.samples)
    return found


def bound(settings: Settings) -> dict[str, int]:
    """The most label combinations each labelled family can have, from the fixed sets."""
    schema = build_schema(settings)._schema
    roots = sum(len(t.fields) for t in (schema.query_type, schema.mutation_type,
                                        schema.subscription_type) if t) + len(SPECIAL_ROOTS)
    apps = len(settings.client_apps) + 2  # + other, unknown
    paths = len(KNOWN_PATHS) + 1
    statuses = len(http_status.HTTPStatus)
    types, outcomes, codes = 4, 2, 64  # codes: the server's own error codes
    return {
        "okno_http_requests": paths * statuses * apps,
        "okno_http_request_seconds": paths * apps,
        "okno_graphql_operations": roots * types * apps * outcomes,
        "okno_graphql_operation_seconds": roots * apps,
        "okno_graphql_errors": roots * apps * codes,
    }


async def test_a_label_flood_cannot_grow_the_metrics(client, plain_settings):  # noqa: F811
    rng = random.Random(16)
    limits = bound(plain_settings)
    # Other tests in this process may have built schemas of their own (extra root fields).
    earlier = {dict(labels).get("root_field") for series in okno_series().values()
               for labels in series}
    await flood(client, rng, 500)
    first = okno_series()
    await flood(client, rng, 500)
    second = okno_series()
    assert second == first  # 500 more invented names: not one new series

    schema = build_schema(plain_settings)._schema
    root_fields = {n for t in (schema.query_type, schema.mutation_type,
                               schema.subscription_type) if t for n in t.fields} | earlier
    allowed_apps = {*plain_settings.client_apps, "other", "unknown"}
    for name, series in second.items():
        for labels in series:
            values = dict(labels)
            assert values.get("client_app", "other") in allowed_apps, (name, values)
            assert values.get("root_field", "me") in root_fields | SPECIAL_ROOTS, (name, values)
            assert values.get("path", "other") in {*KNOWN_PATHS, "other"}, (name, values)
        if name in limits:
            assert len(series) <= limits[name], (name, len(series), limits[name])

    started = time.perf_counter()
    page = generate_latest()
    took = time.perf_counter() - started
    total = sum(len(s) for s in second.values())
    print(f"\nafter 1000 invented operations/front ends: {total} okno series "
          f"(bound {sum(limits.values())}), page {len(page)} bytes, rendered in "
          f"{took * 1000:.1f} ms")


async def test_no_metrics_on_the_public_port_in_production(tmp_path):
    settings = Settings(_env_file=None, var_dir=tmp_path, **PRODUCTION)
    app = create_app(settings, manage_resources=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as c:
        assert (await c.get("/metrics")).status_code == 404

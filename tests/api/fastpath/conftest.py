"""The equivalence harness: one app with the fast path, one without, on the same data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from api.app import create_app
from api.fastpath import FAST_PATH_SERVED
from tests.conftest import token


@pytest.fixture
async def apps(settings) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    fast = create_app(settings, manage_resources=False)
    stock = create_app(settings.model_copy(update={"fast_path": False}), manage_resources=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=fast),
                                 base_url="http://testserver") as on, \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=stock),
                              base_url="http://testserver") as off:
        yield on, off


def served() -> float:
    return sum(s.value for m in FAST_PATH_SERVED.collect() for s in m.samples
               if s.name.endswith("_total"))


async def post(client: httpx.AsyncClient, settings, query: str, variables: dict[str, Any],
               role: str | None, own: str | None, operation: str | None = None,
               subject: str | None = None) -> httpx.Response:
    headers = {"X-Client-App": "tests", "Content-Type": "application/json"}
    if role is not None:
        headers["Authorization"] = "Bearer " + token(settings, role,
                                                     subject or (own and f"{own}-1"), own)
    payload: dict[str, Any] = {"query": query, "variables": variables}
    if operation:
        payload["operationName"] = operation
    return await client.post("/graphql", content=orjson.dumps(payload), headers=headers)

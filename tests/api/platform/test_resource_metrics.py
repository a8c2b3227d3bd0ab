"""API metrics for what the process holds: open websockets, running subscriptions and the
database pool (PostgreSQL). A live uvicorn server, a real graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from prometheus_client import REGISTRY

from api.observability import observe_db_pool
from api.relay import encode_id
from domain import db
from tests.conftest import token
from tests.support.live import connect, live_servers

SUBSCRIBE = """subscription($id: ID!) { interactionAdded(clientId: $id) { id } }"""


def gauge(name: str, **labels: str) -> float:
    value = REGISTRY.get_sample_value(name, labels)
    return 0.0 if value is None else value


async def wait_for(name: str, expected: float) -> None:
    for _ in range(250):
        if gauge(name) == expected:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{name} = {gauge(name)}, expected {expected}")


async def test_websocket_and_subscription_gauges(settings):
    sockets, operations = gauge("okno_websockets_open"), gauge("okno_websocket_operations_active")
    client_id = encode_id("Client", uuid.uuid4())
    async with live_servers(settings) as [port]:
        ws = await connect(port, token(settings, "admin"))
        await wait_for("okno_websockets_open", sockets + 1)
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": SUBSCRIBE, "variables": {"id": client_id}}}))
        await wait_for("okno_websocket_operations_active", operations + 1)
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
        await wait_for("okno_websocket_operations_active", operations)
        await ws.close()
        await wait_for("okno_websockets_open", sockets)


async def test_db_pool_gauges(settings):
    """In use, idle and the maximum of the asyncpg pool."""
    if not db.is_postgres():
        pytest.skip("SQLite has no connection pool")
    observe_db_pool()
    assert gauge("okno_db_pool_connections", state="max") == settings.db_pool_size
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    async with conn._pool.acquire():
        observe_db_pool()
        assert gauge("okno_db_pool_connections", state="in_use") >= 1
    observe_db_pool()
    in_use = gauge("okno_db_pool_connections", state="in_use")
    assert gauge("okno_db_pool_connections", state="idle") + in_use <= settings.db_pool_size

"""Fault drill: websocket operations cancelled at random points leave the database whole.

graphql-transport-ws runs a mutation sent as a ``subscribe`` in its own task; a
``complete`` or a dropped socket cancels that task wherever it is, also inside BEGIN or
COMMIT. Against a live server: 100 operations (mutations and queries) cancelled at random
points, then ``/readyz`` answers, no PostgreSQL session sits idle in a transaction, and
every client written has its history event (no half-written unit of work)."""

from __future__ import annotations

import asyncio
import json
import random
from contextlib import suppress

import httpx
import websockets
from tortoise import Tortoise

from domain import db
from domain.clients.models import Client
from domain.history.models import InteractionEvent
from tests.conftest import token
from tests.support.live import connect, live_servers

CREATE = """mutation($name: String!) { createClient(input: {kind: PERSON, lastName: $name}) {
  client { id } errors { code } } }"""
READ = "{ clients(first: 5) { edges { node { id displayName } } } }"


async def _operation(port: int, bearer: str, n: int) -> None:
    ws = await connect(port, bearer)
    try:
        for k in range(4):
            op = f"{n}-{k}"
            query, variables = (CREATE, {"name": f"Drill{n}x{k}"}) if k % 2 == 0 else (READ, {})
            await ws.send(json.dumps({"id": op, "type": "subscribe",
                                      "payload": {"query": query, "variables": variables}}))
            await asyncio.sleep(random.random() / (100 if k % 2 else 400))  # writes: early
            if random.random() < 0.2:
                await ws.close()  # a dropped socket cancels every operation it carries
                return
            await ws.send(json.dumps({"id": op, "type": "complete"}))
    finally:
        await ws.close()


async def _idle_in_transaction() -> int:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() "
        "AND state LIKE 'idle in transaction%'")
    return rows[0]["n"]


async def test_cancelled_websocket_operations_leave_the_database_whole(settings):
    random.seed(1515)
    bearer = token(settings, "operator")
    async with live_servers(settings) as [port]:
        for batch in range(5):  # 5 × 5 sockets × 4 operations = 100 operations
            await asyncio.gather(*(_operation(port, bearer, batch * 5 + i) for i in range(5)))
        await asyncio.sleep(0.5)  # operations not cancelled in time finish on their own
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            ready = await asyncio.wait_for(http.get("/readyz"), timeout=10)
            assert ready.status_code == 200, ready.text
            # and the server still serves a write over a fresh socket
            ws = await connect(port, bearer)
            await ws.send(json.dumps({"id": "last", "type": "subscribe",
                                      "payload": {"query": CREATE,
                                                  "variables": {"name": "After"}}}))
            with suppress(websockets.ConnectionClosed):
                answer = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                assert answer["type"] == "next" and "errors" not in answer["payload"], answer
            await ws.close()
    if db.is_postgres():
        assert await _idle_in_transaction() == 0
        pool = Tortoise.get_connection("default")._pool
        assert pool.get_idle_size() == pool.get_size()  # every connection came back
    clients = set(await Client.all().values_list("id", flat=True))
    created = set(await InteractionEvent.filter(kind="client_created").values_list(
        "client_id", flat=True))
    assert clients == created and clients  # all or nothing per unit of work

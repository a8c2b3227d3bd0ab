"""deliveryUpdated: staff watch delivery status live over a real websocket (graphql-transport-ws),
fed through Redis pub/sub by whichever process changed the row (here: the worker job)."""

from __future__ import annotations

import asyncio
import json

import pytest
import uvicorn
import websockets

from api.app import create_app
from domain import redis
from domain.deliveries import service as deliveries
from domain.deliveries.models import Purpose
from jobs import deliveries as delivery_jobs
from tests.conftest import token
from tests.support.deliveries import MailRecorder, SmtpServer, free_port, make_client

PROTOCOL = "graphql-transport-ws"
SUBSCRIBE = """subscription($c: ID) { deliveryUpdated(clientId: $c) { id status channel
  client { displayName } } }"""


@pytest.fixture
async def server_port(settings):
    config = uvicorn.Config(create_app(settings, manage_resources=False), host="127.0.0.1",
                            port=free_port(), log_level="warning", lifespan="on",
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield config.port
    finally:
        server.should_exit = True
        await task


async def receive(ws, timeout: float = 5) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] == "ping":
            await ws.send(json.dumps({"type": "pong"}))
            continue
        return message


async def listening(key: str) -> None:
    channel = redis.channel(deliveries.TOPIC, key)
    for _ in range(250):
        [(_, listeners)] = await redis.get_redis().pubsub_numsub(channel)
        if listeners:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("subscription never reached Redis")


async def open_ws(port: int, bearer: str):
    ws = await websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL])
    await ws.send(json.dumps({"type": "connection_init",
                              "payload": {"Authorization": f"Bearer {bearer}"}}))
    assert (await receive(ws))["type"] == "connection_ack"
    return ws


async def test_staff_see_written_then_sent(settings, server_port):
    person = await make_client(email="live@example.ru", last_name="Живой")
    async with await open_ws(server_port, token(settings, "operator", "op-1")) as ws:
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": SUBSCRIBE, "variables": {}}}))
        await listening(deliveries.ALL)
        [row] = await deliveries.send(person.id, Purpose.ANSWER, "answer",
                                      {"answer_text": "Ответ."}, source=("message", "m"))
        first = (await receive(ws))["payload"]["data"]["deliveryUpdated"]
        assert first["status"] == "PENDING" and first["channel"] == "EMAIL"
        assert first["client"]["displayName"] == "Живой Иван"
        with SmtpServer(MailRecorder()) as smtp:
            ctx = {"settings": smtp.settings(settings)}
            assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "sent"
            await delivery_jobs.close(ctx)
        statuses = [(await receive(ws))["payload"]["data"]["deliveryUpdated"]["status"]]
        assert statuses == ["SENT"]


async def test_clients_may_not_subscribe(settings, server_port):
    person = await make_client()
    async with await open_ws(server_port, token(settings, "client", person.id)) as ws:
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {"c": None}}}))
        message = await receive(ws)
        assert message["type"] in ("error", "next")
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"

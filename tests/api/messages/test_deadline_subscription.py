"""Live deadline alerts over a real websocket (graphql-transport-ws) against a real uvicorn
server: the sweep publishes through Redis, the subscriber hears only what concerns them."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import datetime as dt
import pytest
import uvicorn
import websockets

from api.app import create_app
from domain import redis
from domain.clients.models import Channel
from domain.messages import deadlines, service
from domain.messages.intake import IntakeData
from tests.conftest import token
from tests.domain.messages.messages_world import OPERATOR, World

PROTOCOL = "graphql-transport-ws"
SUBSCRIBE = """subscription($mine: Boolean!) { deadlineAlert(mine: $mine) {
  kind dueKind dueAt recipients message { registrationNumber executorSubject } } }"""
ZONE = ZoneInfo("Europe/Ulyanovsk")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE).astimezone(dt.UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def server(settings) -> AsyncIterator[int]:
    config = uvicorn.Config(create_app(settings, manage_resources=False), host="127.0.0.1",
                            port=free_port(), log_level="warning", lifespan="on",
                            timeout_graceful_shutdown=2)
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve())
    while not instance.started:
        await asyncio.sleep(0.02)
    try:
        yield config.port
    finally:
        instance.should_exit = True
        await task


async def receive(ws, timeout: float = 5) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] == "ping":
            await ws.send(json.dumps({"type": "pong"}))
            continue
        return message


async def listeners(count: int) -> None:
    channel = redis.channel(deadlines.TOPIC, deadlines.STAFF_KEY)
    for _ in range(250):
        [(_, found)] = await redis.get_redis().pubsub_numsub(channel)
        if found >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("subscriptions never reached Redis")


async def subscribe(port: int, bearer: str, mine: bool):
    ws = await websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL])
    await ws.send(json.dumps({"type": "connection_init",
                              "payload": {"Authorization": f"Bearer {bearer}"}}))
    assert (await receive(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe",
                              "payload": {"query": SUBSCRIBE, "variables": {"mine": mine}}}))
    return ws


async def test_alerts_reach_their_recipients_live(settings, server, world: World):
    """The executor hears the warning about their message; the department head hears the
    escalation; an executor of another department hears neither."""
    m = await service.receive(OPERATOR, IntakeData(
        client_id=world.client.id, channel=Channel.EDMS, body="Прошу отремонтировать дорогу.",
        edms_number=f"73-ОГ/{uuid.uuid4().hex[:8]}", received_at=local(2026, 11, 2, 10),
        edms_registered_at=local(2026, 11, 2, 10)))
    await service.assign(OPERATOR, m.id, world.department.id, "exec-1")
    executor = await subscribe(server, token(settings, "executor", "exec-1"), mine=True)
    head = await subscribe(server, token(settings, "supervisor", "head-1"), mine=True)
    stranger = await subscribe(server, token(settings, "executor", "exec-2"), mine=False)
    try:
        await listeners(3)
        await deadlines.sweep(local(2026, 12, 1, 10))
        warning = (await receive(executor))["payload"]["data"]["deadlineAlert"]
        assert warning["kind"] == "WARNING" and warning["dueKind"] == "ANSWER"
        assert warning["recipients"] == ["exec-1"]
        assert warning["message"] == {"registrationNumber": m.registration_number,
                                      "executorSubject": "exec-1"}
        await deadlines.sweep(local(2026, 12, 3, 10))
        overdue = (await receive(head))["payload"]["data"]["deadlineAlert"]
        assert overdue["kind"] == "OVERDUE" and overdue["recipients"] == ["head-1"]
        with pytest.raises(asyncio.TimeoutError):
            await receive(stranger, timeout=0.5)
        with pytest.raises(asyncio.TimeoutError):  # `mine`: the escalation was not theirs
            await receive(executor, timeout=0.5)
    finally:
        for ws in (executor, head, stranger):
            await ws.close()


async def test_clients_cannot_subscribe(settings, server, world: World):
    ws = await subscribe(server, token(settings, "client", str(world.client.id)), mine=False)
    try:
        message = await receive(ws)
        assert message["type"] in ("error", "next")
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    finally:
        await ws.close()

"""Live deadline alerts over a real websocket (graphql-transport-ws) against a real uvicorn
server: the sweep publishes through Redis, the subscriber hears only what concerns them."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest
from strawberry import relay

from domain import redis
from domain.enums import Channel
from domain.messages import deadlines, service
from domain.messages.intake import IntakeData
from tests.conftest import token
from tests.domain.messages.messages_world import EXECUTOR, OPERATOR, World
from tests.support.live import connect, live_servers, receive, wait_for_listeners

SUBSCRIBE = """subscription($mine: Boolean!) { deadlineAlert(mine: $mine) {
  id kind dueKind dueAt recipientSubjects recipients { fullName } toSupervisors
  message { registrationNumber executorSubject } } }"""
ZONE = ZoneInfo("Europe/Ulyanovsk")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE).astimezone(dt.UTC)


@pytest.fixture
async def server(settings) -> AsyncIterator[int]:
    async with live_servers(settings) as [port]:
        yield port


async def listeners(count: int) -> None:
    await wait_for_listeners(redis.channel(deadlines.TOPIC, deadlines.STAFF_KEY), count)


async def subscribe(port: int, bearer: str, mine: bool):
    ws = await connect(port, bearer)
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
    await service.start_work(EXECUTOR, m.id)
    executor = await subscribe(server, token(settings, "executor", "exec-1"), mine=True)
    head = await subscribe(server, token(settings, "supervisor", "head-1"), mine=True)
    stranger = await subscribe(server, token(settings, "executor", "exec-2"), mine=False)
    try:
        await listeners(3)
        await deadlines.sweep(local(2026, 12, 1, 10))
        warning = (await receive(executor))["payload"]["data"]["deadlineAlert"]
        assert warning["kind"] == "WARNING" and warning["dueKind"] == "ANSWER"
        assert warning["recipientSubjects"] == ["exec-1"] and not warning["toSupervisors"]
        assert warning["recipients"] == [{"fullName": "Петров Пётр Петрович"}]
        assert relay.GlobalID.from_id(warning["id"]).type_name == "DeadlineAlert"
        assert warning["message"] == {"registrationNumber": m.registration_number,
                                      "executorSubject": "exec-1"}
        await deadlines.sweep(local(2026, 12, 3, 10))
        overdue = (await receive(head))["payload"]["data"]["deadlineAlert"]
        assert overdue["kind"] == "OVERDUE"
        assert overdue["recipientSubjects"] == ["exec-1", "head-1"]
        # The executor hears the escalation about their own message too.
        assert (await receive(executor))["payload"]["data"]["deadlineAlert"]["id"] == overdue["id"]
        with pytest.raises(asyncio.TimeoutError):
            await receive(stranger, timeout=0.5)
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

"""deliveryUpdated: staff watch delivery status live over a real websocket (graphql-transport-ws),
fed through Redis pub/sub by whichever process changed the row (here: the worker job)."""

from __future__ import annotations

import json

import pytest

from domain import redis
from domain.deliveries import service as deliveries
from domain.deliveries.models import Purpose
from jobs import deliveries as delivery_jobs
from tests.conftest import token
from tests.support.deliveries import MailRecorder, SmtpServer, make_client
from tests.support.live import connect, live_servers, receive, wait_for_listeners

ANSWER = {"answer_text": "Ответ.", "survey_url": "https://okno.example/survey/t1"}

SUBSCRIBE = """subscription($c: ID) { deliveryUpdated(clientId: $c) { id status channel
  client { displayName } } }"""


@pytest.fixture
async def server_port(settings):
    async with live_servers(settings) as [port]:
        yield port


async def listening(key: str) -> None:
    await wait_for_listeners(redis.channel(deliveries.TOPIC, key))


open_ws = connect


async def test_staff_see_written_then_sent(settings, server_port):
    person = await make_client(email="live@example.ru", last_name="Живой")
    async with await open_ws(server_port, token(settings, "operator", "op-1")) as ws:
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": SUBSCRIBE, "variables": {}}}))
        await listening(deliveries.ALL)
        [row] = await deliveries.send(person.id, Purpose.ANSWER, "answer",
                                      ANSWER, source=("message", "m"))
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


async def test_client_id_must_be_a_global_id(settings, server_port):
    """A raw UUID as `clientId` is INVALID_ID (BAD_USER_INPUT), not a silent empty stream."""
    person = await make_client()
    async with await open_ws(server_port, token(settings, "operator", "op-1")) as ws:
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {"c": str(person.id)}}}))
        message = await receive(ws)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert errors[0]["extensions"]["reason"] == "INVALID_ID"

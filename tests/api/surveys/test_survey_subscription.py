"""surveyResponded for staff dashboards: a real uvicorn server, a real websocket client
(graphql-transport-ws), the response submitted anonymously through public HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
import websockets

from api.relay import encode_id
from domain import redis
from domain.clients.models import Client, ClientKind
from domain.surveys import service
from tests.conftest import token
from tests.support.live import PROTOCOL, live_servers, receive, wait_for_listeners

SUBSCRIBE = """subscription($p: SurveyPurpose) { surveyResponded(purpose: $p) {
  id submittedAt version { number }
  invitation { purpose subject { ... on SurveyExternalSubject { kind reference } } }
  answers { questionKey kind value text question { key } } } }"""
SUBMIT = """mutation($t: String!, $a: [SurveyAnswerInput!]!) {
  submitSurveyResponse(input: {token: $t, answers: $a}) { accepted errors { code } } }"""


@pytest.fixture
async def server_port(settings) -> AsyncIterator[int]:
    async with live_servers(settings) as [port]:
        yield port


async def listening() -> None:
    await wait_for_listeners(redis.channel(service.TOPIC, service.RESPONDED_KEY))


async def test_staff_see_responses_as_they_come(settings, server_port):
    """R-9: supervisors watch responses live; the purpose filter holds back other purposes."""
    client = await Client.create(kind=ClientKind.PERSON, last_name="Смирнова")
    call = await service.invite(("call", "C-1"), client.id, "call", settings=settings)
    answer = await service.invite(("message_answer", "A-1"), client.id, "written_answer",
                                  settings=settings)
    ws = await websockets.connect(f"ws://127.0.0.1:{server_port}/graphql",
                                  subprotocols=[PROTOCOL])
    async with ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {
            "Authorization": f"Bearer {token(settings, 'supervisor', 'boss')}"}}))
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {"p": "WRITTEN_ANSWER"}}}))
        await listening()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server_port}") as http:
            def q(inv, key):
                return encode_id("SurveyQuestion", f"{inv.record.version_id}:{key}")

            for inv, answers in [(call, [{"questionId": q(call, "satisfaction"), "value": 2}]),
                                 (answer, [{"questionId": q(answer, "satisfaction"), "value": 5},
                                           {"questionId": q(answer, "comment"),
                                            "text": "Спасибо"}])]:
                response = await http.post("/graphql", json={"query": SUBMIT, "variables": {
                    "t": inv.token, "a": answers}})
                assert response.json()["data"]["submitSurveyResponse"]["accepted"]
        message = await receive(ws)
        assert message["type"] == "next", message
        got = message["payload"]["data"]["surveyResponded"]
        assert got["invitation"] == {"purpose": "WRITTEN_ANSWER", "subject": {
            "kind": "message_answer", "reference": "A-1"}}
        assert got["version"] == {"number": 1}
        assert got["answers"] == [
            {"questionKey": "satisfaction", "kind": "RATING_1_5", "value": 5, "text": None,
             "question": {"key": "satisfaction"}},
            {"questionKey": "comment", "kind": "FREE_TEXT", "value": None, "text": "Спасибо",
             "question": {"key": "comment"}}]
        with pytest.raises(asyncio.TimeoutError):  # the call's response was filtered out
            await receive(ws, timeout=0.3)


async def test_clients_cannot_subscribe(settings, server_port):
    ws = await websockets.connect(f"ws://127.0.0.1:{server_port}/graphql",
                                  subprotocols=[PROTOCOL])
    async with ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {
            "Authorization": f"Bearer {token(settings, 'client', 'c-1')}"}}))
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {}}}))
        message = await receive(ws)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"

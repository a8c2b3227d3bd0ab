"""Live history (R-1.5) across API processes: subscribe on instance A, write through
instance B, the event arrives on A through Redis pub/sub. Real uvicorn servers, a real
websocket client speaking graphql-transport-ws."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import websockets

from api.relay import decode_id, encode_id
from domain import redis
from domain.history import service as history
from tests.conftest import token
from tests.support.live import PROTOCOL, live_servers, receive

SUBSCRIBE = """subscription($id: ID!) { interactionAdded(clientId: $id) {
  id kind summary direction actorRole } }"""
CREATE = """mutation($name: String!) { createClient(input: {kind: PERSON, lastName: $name}) {
  client { id } errors { code } } }"""
ADD_CONTACT = """mutation($id: ID!) { addContactPoint(input: {clientId: $id, kind: EMAIL,
  value: "Anna@Example.org"}) { contact { id } errors { code message } } }"""


@pytest.fixture
async def two_instances(settings) -> AsyncIterator[tuple[int, int]]:
    """Two app instances, each its own uvicorn server on its own port, as in production."""
    async with live_servers(settings, 2) as [first, second]:
        yield first, second


async def post(port: int, query: str, variables: dict, bearer: str) -> dict:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables},
                                     headers={"Authorization": f"Bearer {bearer}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def refusal(ws, op_id: str) -> tuple[str, list[dict]]:
    """The error answer to one subscribe: its message type and errors, with no data."""
    message = await receive(ws)
    assert message.get("id") == op_id and message["type"] in ("error", "next"), message
    if message["type"] == "error":
        return "error", message["payload"]
    assert message["payload"].get("data") is None, message
    assert (await receive(ws)) == {"id": op_id, "type": "complete"}
    return "next", message["payload"]["errors"]


async def connect(port: int, bearer: str | None):
    ws = await websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL])
    payload = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return ws


async def subscribed(client_id: str) -> None:
    """Wait until a subscriber listens on Redis: the protocol has no "subscribed" reply."""
    channel = redis.channel(history.TOPIC, client_id)
    for _ in range(250):
        [(_, listeners)] = await redis.get_redis().pubsub_numsub(channel)
        if listeners:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("subscription never reached Redis")


async def listeners_gone(client_id: str) -> None:
    channel = redis.channel(history.TOPIC, client_id)
    for _ in range(250):
        [(_, listeners)] = await redis.get_redis().pubsub_numsub(channel)
        if not listeners:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the Redis subscription outlived the GraphQL one")


async def test_event_written_on_b_arrives_on_a(settings, two_instances):
    """R-1.5: subscriptions fan out through Redis pub/sub, so several API processes work."""
    port_a, port_b = two_instances
    staff = token(settings, "operator", "op-1")
    gid = (await post(port_b, CREATE, {"name": "Смирнова"}, staff))["createClient"]["client"]["id"]
    other = (await post(port_b, CREATE, {"name": "Волков"}, staff))["createClient"]["client"]["id"]
    cid = decode_id(gid, "Client", "id")

    # The client's own token, on instance A.
    async with await connect(port_a, token(settings, "client", cid)) as ws:
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": SUBSCRIBE, "variables": {"id": gid}}}))
        await subscribed(cid)
        # Another client's change must not reach this subscriber.
        await post(port_b, ADD_CONTACT, {"id": other}, staff)
        data = await post(port_b, ADD_CONTACT, {"id": gid}, staff)
        assert data["addContactPoint"]["errors"] == []
        message = await receive(ws)
        assert message["type"] == "next" and message["id"] == "1", message
        event = message["payload"]["data"]["interactionAdded"]
        assert event["kind"] == "CONTACT_ADDED" and event["actorRole"] == "OPERATOR"
        assert decode_id(event["id"], "InteractionEvent", "id")
        with pytest.raises(asyncio.TimeoutError):  # nothing else queued (not the other client)
            await receive(ws, timeout=0.3)
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
        await listeners_gone(cid)  # the Redis subscription ends with the GraphQL one


async def test_client_cannot_watch_another_client(settings, two_instances):
    port_a, port_b = two_instances
    staff = token(settings, "operator", "op-1")
    gid = (await post(port_b, CREATE, {"name": "Белова"}, staff))["createClient"]["client"]["id"]
    intruder = (await post(port_b, CREATE, {"name": "Чужой"}, staff))["createClient"]["client"][
        "id"]
    async with await connect(port_a, token(settings, "client",
                                           decode_id(intruder, "Client", "id"))) as ws:
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "7", "type": "subscribe",
                                  "payload": {"query": SUBSCRIBE, "variables": {"id": gid}}}))
        _, errors = await refusal(ws, "7")
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
        # A well-formed ID of a client that does not exist gets the same answer (nothing to
        # learn from the difference).
        unknown = encode_id("Client", uuid.uuid4())
        await ws.send(json.dumps({"id": "8", "type": "subscribe",
                                  "payload": {"query": SUBSCRIBE, "variables": {"id": unknown}}}))
        _, errors = await refusal(ws, "8")
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
        # What is not a Client's global ID at all (garbage, a raw UUID) is a bad input.
        for n, bad in enumerate(("x", decode_id(gid, "Client", "id"))):
            await ws.send(json.dumps({"id": f"9{n}", "type": "subscribe",
                                      "payload": {"query": SUBSCRIBE, "variables": {"id": bad}}}))
            _, errors = await refusal(ws, f"9{n}")
            assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
            assert errors[0]["extensions"]["reason"] == "INVALID_ID"
        [(_, listeners)] = await redis.get_redis().pubsub_numsub(
            redis.channel(history.TOPIC, decode_id(gid, "Client", "id")))
        assert listeners == 0


async def test_anonymous_is_refused(settings, two_instances):
    port_a, port_b = two_instances
    gid = (await post(port_b, CREATE, {"name": "Аноним"}, token(settings, "admin")))[
        "createClient"]["client"]["id"]
    async with await connect(port_a, None) as ws:
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": SUBSCRIBE, "variables": {"id": gid}}}))
        _, errors = await refusal(ws, "1")
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED", errors


@pytest.mark.parametrize("bad", ["not-a-jwt", "expired", "wrong-secret"])
async def test_bad_token_at_connection_init_is_rejected(settings, two_instances, bad):
    port_a, _ = two_instances
    bearer = {
        "not-a-jwt": "not-a-jwt",
        "expired": token(settings, "operator", ttl_seconds=-60),
        "wrong-secret": token(settings.model_copy(update={"jwt_secret": "z" * 48}), "operator"),
    }[bad]
    ws = await connect(port_a, bearer)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await receive(ws)
    assert closed.value.rcvd.code == 4403
    await ws.close()

"""`bookingChanged` over a real websocket (live uvicorn, graphql-transport-ws): the reception
desk hears its point's bookings, a client only their own; through Redis pub/sub, so the
writer may be any process. Both databases."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid

import pytest

from api.relay import encode_id
from domain import redis
from domain.reception import service
from domain.reception.events import TOPIC_CLIENT, TOPIC_POINT
from domain.reception.models import CancelledBy
from tests.conftest import token
from tests.domain.reception.reception_world import OPERATOR, build_world, make_slot
from tests.support.deliveries import make_client
from tests.support.live import connect, live_servers, receive, wait_for_listeners

SUBSCRIBE = """subscription($point: ID) { bookingChanged(pointId: $point) {
  id status slot { id } } }"""


async def subscribe(ws, op_id: str, point: str | None) -> None:
    await ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": {
        "query": SUBSCRIBE, "variables": {"point": point}}}))


async def next_status(ws, op_id: str) -> str:
    message = await receive(ws)
    assert message["type"] == "next" and message["id"] == op_id, message
    return message["payload"]["data"]["bookingChanged"]["status"]


async def test_desk_hears_its_point_and_a_client_only_their_own(settings):
    """R-4.2 the reception desk by point; the client's own bookings only."""
    world = await build_world()
    mine, other = await make_client(), await make_client(email="o@example.ru")
    slots = [await make_slot(world, starts_in=dt.timedelta(days=d))
             for d in (3, 4)]
    async with live_servers(settings) as [port]:
        desk = await connect(port, token(settings, "operator", "desk-1"))
        client = await connect(port, token(settings, "client", mine.id, client_id=mine.id))
        try:
            await subscribe(desk, "d", encode_id("ReceptionPoint", world.point.id))
            await subscribe(client, "c", None)
            await wait_for_listeners(redis.channel(TOPIC_POINT, str(world.point.id)))
            await wait_for_listeners(redis.channel(TOPIC_CLIENT, str(mine.id)))
            theirs = await service.book(OPERATOR, slot_id=slots[0].id, client_id=other.id,
                                        topic="Т")
            assert await next_status(desk, "d") == "BOOKED"
            own = await service.book(OPERATOR, slot_id=slots[1].id, client_id=mine.id,
                                     topic="Т")
            assert await next_status(desk, "d") == "BOOKED"
            assert await next_status(client, "c") == "BOOKED"
            await service.cancel(OPERATOR, own.id, via=CancelledBy.OPERATOR)
            assert await next_status(client, "c") == "CANCELLED"
            assert await next_status(desk, "d") == "CANCELLED"
            with pytest.raises(asyncio.TimeoutError):  # never the other client's booking
                await receive(client, timeout=0.3)
            assert theirs.client_id != mine.id
        finally:
            await desk.close()
            await client.close()


async def test_refusals(settings):
    """A client may not watch a point; staff must name one; anonymous is refused."""
    world = await build_world()
    person = await make_client()
    point = encode_id("ReceptionPoint", world.point.id)
    async with live_servers(settings) as [port]:
        client = await connect(port, token(settings, "client", person.id, client_id=person.id))
        desk = await connect(port, token(settings, "operator", "desk-1"))
        try:
            for ws, variables, code in [(client, point, "FORBIDDEN"),
                                        (desk, None, "BAD_USER_INPUT"),
                                        (desk, "garbage", "BAD_USER_INPUT")]:
                await subscribe(ws, "x", variables)
                message = await receive(ws)
                errors = message["payload"] if message["type"] == "error" else \
                    message["payload"]["errors"]
                assert errors[0]["extensions"]["code"] == code, (variables, errors)
                if message["type"] == "next":
                    assert (await receive(ws))["type"] == "complete"
        finally:
            await client.close()
            await desk.close()


async def test_an_unknown_point_is_refused_not_a_silent_subscription(settings):
    """A desk subscribing to a point that does not exist is told so (BAD_USER_INPUT, reason
    NOT_FOUND, field pointId), like receptionDay, instead of hearing nothing for ever."""
    async with live_servers(settings) as [port]:
        desk = await connect(port, token(settings, "operator", "desk-1"))
        try:
            await subscribe(desk, "x", encode_id("ReceptionPoint", uuid.uuid4()))
            message = await receive(desk, timeout=5)
            errors = message["payload"] if message["type"] == "error" else \
                message["payload"]["errors"]
            assert errors[0]["extensions"] == {
                "code": "BAD_USER_INPUT", "reason": "NOT_FOUND", "field": "pointId"}, errors
        finally:
            await desk.close()

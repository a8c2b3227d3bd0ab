"""Every booking write is published after commit on the booking's and the point's channels
(what the reception desk's and the client's subscriptions listen to)."""

from __future__ import annotations

import asyncio

import orjson

from domain import redis
from domain.reception import service
from domain.reception.events import TOPIC_BOOKING, TOPIC_POINT
from domain.reception.models import CancelledBy
from tests.domain.reception.reception_world import OPERATOR, make_slot


async def _heard(pubsub, count: int) -> list[dict]:
    heard: list[dict] = []
    give_up = asyncio.get_running_loop().time() + 5
    while len(heard) < count and asyncio.get_running_loop().time() < give_up:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
        if message is not None:
            heard.append({"channel": message["channel"].decode(),
                          **orjson.loads(message["data"])})
    return heard


async def test_booked_and_cancelled_are_published(world):
    slot = await make_slot(world)
    pubsub = redis.get_redis().pubsub()
    await pubsub.subscribe(redis.channel(TOPIC_POINT, str(world.point.id)))
    booking = await service.book(OPERATOR, slot_id=slot.id, client_id=world.clients[0].id,
                                 topic="Тема")
    await service.cancel(OPERATOR, booking.id, via=CancelledBy.OPERATOR)
    heard = await _heard(pubsub, 2)
    await pubsub.aclose()
    assert [(h["bookingId"], h["status"]) for h in heard] == [
        (str(booking.id), "booked"), (str(booking.id), "cancelled")]
    assert heard[0]["pointId"] == str(world.point.id)
    assert redis.channel(TOPIC_BOOKING, str(booking.id)) == f"okno:{TOPIC_BOOKING}:{booking.id}"

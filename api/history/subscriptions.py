"""Live history: events reach subscribers through Redis pub/sub, so any API process
can serve a subscriber whatever process wrote the event."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import orjson
import strawberry
from strawberry.types import Info

from api.errors import forbidden
from api.history.types import InteractionEvent
from api.permissions import actor_of
from api.relay import bad_input, decode_id
from domain import redis
from domain.errors import DomainError
from domain.history import queries
from domain.history import service as history


async def listen(topic: str, key: str) -> AsyncGenerator[dict, None]:
    """Messages published on one topic key, until the subscriber goes away."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(redis.channel(topic, key))
    try:
        async for message in pubsub.listen():
            if message.get("type") == "message":
                yield orjson.loads(message["data"])
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()


@strawberry.type
class HistorySubscriptions:
    @strawberry.subscription(
        description="Each new event in one client's history, as it is committed. A client "
        "token may subscribe only to itself (another client is FORBIDDEN); an ID that is not "
        "a Client's global ID is a BAD_USER_INPUT error with reason INVALID_ID.",
    )
    async def interaction_added(
        self, info: Info,
        client_id: Annotated[strawberry.ID, strawberry.argument(
            description="The Client's global ID.")],
    ) -> AsyncGenerator[InteractionEvent, None]:
        actor = actor_of(info)
        try:
            cid = decode_id(client_id, "Client", "clientId")
        except DomainError as exc:
            raise bad_input(exc) from None
        if not actor.can_see_client(cid):
            raise forbidden()
        async for message in listen(history.TOPIC, cid):
            row = await queries.event_by_id(message["id"])
            if row is not None:
                yield InteractionEvent.from_row(row)

"""Live delivery status for staff: published by whichever process changed the row (API or
worker) through Redis pub/sub, so any API instance can serve the subscriber."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.deliveries.types import Delivery, visible_rows
from api.history.subscriptions import listen
from api.relay import bad_input, decode_id
from domain.deliveries import outbox, queries
from domain.errors import DomainError
from domain.ids import parse_uuid


@strawberry.type
class DeliverySubscriptions:
    @strawberry.subscription(
        description="Each delivery as its status changes (written, sending, sent, failed, "
        "retried, cancelled, printed, posted), for staff; with clientId (a Client global "
        "ID), only that client's.",
    )
    async def delivery_updated(
        self, info: Info,
        client_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only this client's deliveries (a Client global ID); "
            "null: everyone's.")] = None,
    ) -> AsyncGenerator[Delivery, None]:
        key = outbox.ALL
        if client_id is not None:
            try:
                key = str(parse_uuid(decode_id(client_id, "Client", "clientId"), "clientId",
                                     "Клиент"))
            except DomainError as exc:
                raise bad_input(exc) from None
        async for message in listen(outbox.TOPIC, key):
            row = await queries.row(message["id"])
            if row is not None and (await visible_rows(info.context.actor, [row]))[0]:
                yield Delivery.from_row(row)

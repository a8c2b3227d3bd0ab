"""Live delivery status for staff: published by whichever process changed the row (API or
worker) through Redis pub/sub, so any API instance can serve the subscriber."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from api.deliveries.types import Delivery
from api.errors import forbidden
from api.history.subscriptions import listen
from api.relay import decode_id
from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery as DeliveryModel
from domain.errors import DomainError


@strawberry.type
class DeliverySubscriptions:
    @strawberry.subscription(
        description="Each delivery as its status changes (written, sending, sent, failed, "
        "retried, cancelled, printed, posted), for staff; with clientId, only that client's.",
    )
    async def delivery_updated(
        self, info: Info, client_id: strawberry.ID | None = None
    ) -> AsyncGenerator[Delivery, None]:
        key = deliveries.ALL
        if client_id is not None:
            try:
                key = decode_id(client_id, "Client", "clientId")
            except DomainError:
                raise forbidden() from None
        async for message in listen(deliveries.TOPIC, key):
            rows = await DeliveryModel.filter(id=message["id"]).values(*deliveries.LIST_COLUMNS)
            if rows:
                yield Delivery.from_row(rows[0])

"""Live campaign progress: published by the worker after each batch (and by every state
change), through Redis pub/sub, so any API instance can serve the subscriber."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.history.subscriptions import listen
from api.mailings.types import CampaignProgress
from api.relay import bad_input, decode_id
from domain.errors import DomainError
from domain.mailings import campaigns


@strawberry.type
class MailingSubscriptions:
    @strawberry.subscription(description="A campaign's progress: now, then after every batch "
                             "and state change (supervisors, admins).")
    async def campaign_progress(
        self, info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(
            description="The campaign's global ID (`MailingCampaign.id`).")],
    ) -> AsyncGenerator[CampaignProgress, None]:
        try:
            campaign = await campaigns.get(decode_id(id, "MailingCampaign", "id"))
        except DomainError as exc:
            raise bad_input(exc) from None
        key = str(campaign.id)
        yield CampaignProgress.of(await campaigns.progress(key))
        async for _ in listen(campaigns.TOPIC, key):
            yield CampaignProgress.of(await campaigns.progress(key))

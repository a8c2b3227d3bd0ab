"""Live social items for staff: every intake, edit, deletion, answer state and move is
published through Redis, so any API instance serves the subscriber."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from api.history.subscriptions import listen
from api.social.types import SocialItem
from domain.social import events, queries


@strawberry.type
class SocialSubscriptions:
    @strawberry.subscription(description="A social item each time it arrives or changes "
                             "(staff).")
    async def social_item_updated(self, info: Info) -> AsyncGenerator[SocialItem, None]:
        async for payload in listen(events.TOPIC, events.STAFF_KEY):
            rows = await queries.items_by_id([payload.get("id")])
            if rows:
                yield SocialItem.from_row(rows[0])

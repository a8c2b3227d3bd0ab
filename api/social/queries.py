"""Read side of social items: the staff's list with filters, and the sources (admins)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.relay import AFTER_DESCRIPTION, FIRST_DESCRIPTION, bad_input, page_size
from api.social.types import (
    KindEnum,
    NetworkEnum,
    SocialItemConnection,
    SocialSource,
    StatusEnum,
)
from domain.errors import DomainError
from domain.social import queries

First = Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)]
After = Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)]


@strawberry.type
class SocialQueries:
    @strawberry.field(description="Social items, newest received first (staff), by status, "
                      "kind, network and lateness.")
    async def social_items(
        self, info: Info, first: First = None, after: After = None,
        status: Annotated[StatusEnum | None, strawberry.argument(
            description="Only items in this state.")] = None,
        kind: Annotated[KindEnum | None, strawberry.argument(
            description="Only this kind.")] = None,
        network: Annotated[NetworkEnum | None, strawberry.argument(
            description="Only this network's.")] = None,
        overdue: Annotated[bool | None, strawberry.argument(
            description="True: only late ones (answered late or open past the limit); "
            "false: only those not late.")] = None,
    ) -> SocialItemConnection | None:
        size = page_size(info, first)
        try:
            rows, has_next = await queries.items_page(size, after, status=status, kind=kind,
                                                      network=network, overdue=overdue)
        except DomainError as exc:
            raise bad_input(exc) from None
        return SocialItemConnection.from_rows(rows, has_next, after)

    @strawberry.field(description="Every source, by name (admins; a short list, at most 200).")
    async def social_sources(self, info: Info) -> list[SocialSource] | None:
        return [SocialSource.from_row(r) for r in await queries.sources()]

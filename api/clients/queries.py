"""Read side of the clients area."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.clients.types import Client, ClientKindEnum, SegmentEnum
from api.permissions import actor_of
from api.relay import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    Connection,
    bad_input,
    decode_id,
    page_size,
)
from domain.clients import queries
from domain.clients.access import own_client_id
from domain.errors import DomainError
from domain.pagination import encode_cursor


@strawberry.type
class ClientQueries:
    @strawberry.field(
        description="One client by ID. Null when the ID is malformed, names no client, or the "
        "viewer may not see it (a client sees only themselves).",
    )
    async def client(
        self, info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The Client's global ID.")],
    ) -> Client | None:
        try:
            client_id = decode_id(id, "Client", "id")
        except DomainError:
            return None
        return await Client.resolve_node(client_id, info=info, required=False)

    @strawberry.field(description="The signed-in client's own card (client and employee "
                      "tokens); null for staff, who have no client card.")
    async def me(self, info: Info) -> Client | None:
        own = own_client_id(actor_of(info))
        if own is None:  # a token whose subject names no client record
            return None
        return await Client.resolve_node(str(own), info=info, required=False)

    @strawberry.field(
        description="Clients, newest first. `search` matches an email (any case) or a phone "
        "(any common spelling: 8 (912) 345-67-89, +7 912 3456789) exactly, an INN exactly, or "
        "else each of its words as a fragment of the name (any order and case, «ё» = «е»). "
        "A client token finds at most its own record. Null (with an error on this field) for "
        "a bad `first`, `after` or `search`.",
    )
    async def clients(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
        search: Annotated[str | None, strawberry.argument(
            description="Email, phone, INN or name words; up to 200 characters.")] = None,
        kind: Annotated[ClientKindEnum | None, strawberry.argument(
            description="Only clients of this kind.")] = None,
        segment: Annotated[SegmentEnum | None, strawberry.argument(
            description="Only clients with this profile segment.")] = None,
    ) -> Connection[Client] | None:
        flt = queries.ClientFilter(search=search, kind=kind, segment=segment)
        try:
            rows, has_next = await queries.search_clients(
                actor_of(info), flt, page_size(info, first), after
            )
        except DomainError as exc:
            raise bad_input(exc) from None
        cursors = [encode_cursor(r["created_at"], r["id"]) for r in rows]
        return Connection.of([Client.from_row(r) for r in rows], cursors, has_next, after)

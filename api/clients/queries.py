"""Read side of the clients area."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.clients.dataloaders import ClientByIdLoader
from api.clients.types import AFTER, Client, ClientKindEnum
from api.permissions import actor_of
from api.relay import FIRST_DESCRIPTION, Connection, bad_input, decode_id, page_size
from domain.clients import service
from domain.clients.access import can_see_client, own_client_id
from domain.errors import DomainError
from domain.pagination import encode_cursor


@strawberry.type
class ClientQueries:
    @strawberry.field(
        description="One client by ID. Null when it does not exist or the viewer may not see it "
        "(a client sees only themselves).",
    )
    async def client(
        self, info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The Client's global ID.")],
    ) -> Client | None:
        actor = actor_of(info)
        try:
            client_id = decode_id(id, "Client", "id")
        except DomainError:
            return None
        if not can_see_client(actor, client_id):
            return None
        row = await info.context.loader(ClientByIdLoader).load(client_id)
        return Client.from_row(row) if row else None

    @strawberry.field(
        description="The signed-in client's own card (client and employee tokens); null for staff.",
    )
    async def me(self, info: Info) -> Client | None:
        own = own_client_id(actor_of(info))
        if own is None:  # staff, or a token whose subject names no client record
            return None
        row = await info.context.loader(ClientByIdLoader).load(str(own))
        return Client.from_row(row) if row else None

    @strawberry.field(
        description="Clients, newest first. `search` matches an email (any case) or a phone "
        "(any common spelling: 8 (912) 345-67-89, +7 912 3456789) exactly, an INN exactly, or "
        "else each of its words as a fragment of the name (any order and case, «ё» = «е»). "
        "`segment` is one of the profile segments (pensioner, large_family, …); an unknown one "
        "is a BAD_USER_INPUT error. A client token finds at most its own record.",
    )
    async def clients(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        search: Annotated[str | None, strawberry.argument(
            description="Email, phone, INN or name words; up to 200 characters.")] = None,
        kind: Annotated[ClientKindEnum | None, strawberry.argument(
            description="Only clients of this kind.")] = None,
        segment: Annotated[str | None, strawberry.argument(
            description="Only clients with this profile segment.")] = None,
    ) -> Connection[Client]:
        flt = service.ClientFilter(search=search, kind=kind, segment=segment)
        try:
            rows, has_next = await service.search_clients(
                actor_of(info), flt, page_size(info, first), after
            )
        except DomainError as exc:
            raise bad_input(exc) from None
        cursors = [encode_cursor(r["created_at"], r["id"]) for r in rows]
        return Connection.of([Client.from_row(r) for r in rows], cursors, has_next, after)

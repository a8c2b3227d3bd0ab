"""Who may see which client: the one check every client use case and read goes through."""

from __future__ import annotations

import uuid
from typing import Any

from domain.actor import Actor
from domain.clients.models import Client
from domain.errors import DomainError, ErrorCode, not_found
from domain.ids import as_uuid, parse_uuid


def forbid() -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, "Недостаточно прав для этого действия.")


def own_client_id(actor: Actor) -> uuid.UUID | None:
    """The client record a self-service token stands for; None when it names no valid UUID
    (the identity provider may use other subjects: such a token then sees no client at all)."""
    return as_uuid(actor.client_id) if actor.client_id is not None else None


def can_see_client(actor: Actor, client_id: Any) -> bool:
    return actor.can_see_client(client_id)


async def get_client_for(actor: Actor, client_id: Any, field: str = "clientId") -> Client:
    """The client, if it exists and the actor may see it; both failures look the same."""
    cid = parse_uuid(client_id, field, "Клиент")
    if not can_see_client(actor, cid):
        raise not_found("Клиент", field)
    client = await Client.get_or_none(id=cid)
    if client is None:
        raise not_found("Клиент", field)
    return client

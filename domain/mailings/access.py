"""Who manages mailings: supervisors and admins keep lists and run campaigns; any staff
member may record a person's revocation (by phone, in person); a client manages only their
own subscriptions; anyone may sign up, confirm and unsubscribe with a token."""

from __future__ import annotations

from typing import Any

from domain.actor import Actor, Role
from domain.errors import DomainError, ErrorCode

MANAGERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
FORBIDDEN = "Недостаточно прав для этого действия."


def require_manager(actor: Actor | None) -> Actor:
    if actor is None or actor.role not in MANAGERS:
        raise DomainError(ErrorCode.FORBIDDEN, FORBIDDEN)
    return actor


def can_manage(actor: Actor | None) -> bool:
    return actor is not None and actor.role in MANAGERS


def can_see_subscription(actor: Actor | None, client_id: Any) -> bool:
    """Staff see every subscription; a client only those of addresses matched to them."""
    if actor is None:
        return False
    if actor.is_staff:
        return True
    return client_id is not None and actor.can_see_client(client_id)

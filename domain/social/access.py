"""Who may do what with social items, beyond the role table: every staff role handles
items (answer, move, import); only admins keep the sources (their secrets and API tokens)."""

from __future__ import annotations

from domain.actor import Actor, Role
from domain.clients.access import forbid


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise forbid()


def can_manage_sources(actor: Actor | None) -> bool:
    return actor is not None and actor.role == Role.ADMIN


def require_source_manager(actor: Actor) -> None:
    if not can_manage_sources(actor):
        raise forbid()

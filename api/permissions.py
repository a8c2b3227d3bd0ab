"""Declarative access rules for fields and mutations."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from api.errors import unauthenticated
from domain.actor import Actor, Role


class IsAuthenticated(BasePermission):
    message = "Authentication required"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.actor is not None


class _RoleIn(BasePermission):
    roles: frozenset[Role] = frozenset()
    message = "Not allowed for this role"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        actor = info.context.actor
        if actor is None:  # anonymous: say "log in", not "forbidden"
            raise unauthenticated()
        return actor.role in self.roles


class IsStaff(_RoleIn):
    roles = frozenset({Role.OPERATOR, Role.EXECUTOR, Role.SUPERVISOR, Role.ADMIN})


class IsSupervisor(_RoleIn):
    roles = frozenset({Role.SUPERVISOR, Role.ADMIN})


class IsAdmin(_RoleIn):
    roles = frozenset({Role.ADMIN})


def actor_of(info: Info) -> Actor:
    actor = info.context.actor
    if actor is None:  # fields guarded by IsAuthenticated never get here
        raise unauthenticated()
    return actor

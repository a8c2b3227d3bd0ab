"""Rate limits on every mutation a citizen can repeat, from one table of settings.

``guard_root`` (api/access.py) puts a ``MutationRateLimit`` on each Mutation field that an
anonymous or self-service caller (client, employee) may call, so a new mutation is limited
the day it is added. The counter is per root field and per caller: the token's subject,
or the IP address without a token; staff are not limited here. Over the limit the
mutation does not run and its payload carries one RATE_LIMITED UserError.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

from api.errors import UserError
from domain import redis
from domain.actor import Role
from domain.errors import ErrorCode
from domain.settings import Settings

CITIZENS = frozenset({"anonymous", Role.CLIENT, Role.EMPLOYEE})
TOO_MANY = "Слишком много запросов подряд. Подождите немного и попробуйте снова."


def limit_of(name: str, settings: Settings) -> int:
    """Calls one caller may make of the mutation ``name`` per window."""
    return settings.rate_limits.get(name, settings.rate_limit_per_window)


def caller_key(info: Info) -> str | None:
    """Who is counted: a citizen's subject, or the address of a request without a token;
    None for staff."""
    actor = info.context.actor
    if actor is None:
        client = getattr(info.context.request, "client", None)
        return f"ip:{client.host if client else 'unknown'}"
    if actor.role in CITIZENS:
        return f"sub:{actor.subject}"
    return None


class MutationRateLimit(FieldExtension):
    def __init__(self, name: str, roles: frozenset[str]) -> None:
        self.name = name
        self.roles = roles
        self.field: StrawberryField | None = None

    def apply(self, field: StrawberryField) -> None:
        self.field = field

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any,
                            info: Info, **kwargs: Any) -> Any:
        actor = info.context.actor
        allowed = (actor.role if actor else "anonymous") in self.roles
        who = caller_key(info) if allowed else None  # refusals stay the role table's
        if who is not None:
            settings = info.context.settings
            if await redis.over_limit(f"{self.name}:{who}", limit_of(self.name, settings),
                                      settings.rate_limit_window_seconds):
                return self.refusal()
        return await next_(source, info, **kwargs)

    def refusal(self) -> Any:
        """The mutation's payload with every field null and one RATE_LIMITED error."""
        assert self.field is not None
        payload = self.field.type
        if isinstance(payload, StrawberryOptional):
            payload = payload.of_type
        values: dict[str, Any] = {
            f.python_name: None for f in payload.__strawberry_definition__.fields}
        values["errors"] = [UserError(code=ErrorCode.RATE_LIMITED, field=None, message=TOO_MANY)]
        return payload(**values)

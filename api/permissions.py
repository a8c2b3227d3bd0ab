"""The acting subject of a resolver; who may call which root field is api/access.py."""

from __future__ import annotations

from strawberry.types import Info

from api.errors import unauthenticated
from domain.actor import Actor


def actor_of(info: Info) -> Actor:
    actor = info.context.actor
    if actor is None:  # fields the role table closes to anonymous callers never get here
        raise unauthenticated()
    return actor

"""One DB transaction per use case, with side effects run only after it commits.

Side effects that must not be lost (deliveries, jobs) are rows written inside
the transaction; what is registered with ``after_commit`` is the hand-off
(publish a pub/sub event, enqueue the row's job), which a sweep can repeat.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from tortoise.transactions import in_transaction

log = logging.getLogger(__name__)

Effect = Callable[[], Awaitable[object]]
_pending: contextvars.ContextVar[list[Effect] | None] = contextvars.ContextVar(
    "okno_after_commit", default=None
)


@asynccontextmanager
async def transaction() -> AsyncIterator[object]:
    outer = _pending.get()
    if outer is not None:  # nested: join the outer unit of work
        async with in_transaction() as conn:
            yield conn
        return
    effects: list[Effect] = []
    token = _pending.set(effects)
    try:
        async with in_transaction() as conn:
            yield conn
    finally:
        _pending.reset(token)
    for effect in effects:
        try:
            await effect()
        except Exception:  # the committed state stands; sweeps repeat hand-offs
            log.exception("after-commit effect failed")


def after_commit(effect: Effect) -> None:
    effects = _pending.get()
    if effects is None:
        raise RuntimeError("after_commit outside transaction()")
    effects.append(effect)

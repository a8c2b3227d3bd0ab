"""One DB transaction per use case, with side effects run only after it commits.

Side effects that must not be lost (deliveries, jobs) are rows written inside
the transaction; what is registered with ``after_commit`` is the hand-off
(publish a pub/sub event, enqueue the row's job), which a sweep can repeat.

A unit of work runs to its end or rolls back, whatever happens to the task running it:
a websocket ``complete`` or a dropped socket cancels the operation's task at any await,
and a database blip can fail BEGIN itself. Tortoise's own context leaks the pooled
connection (PostgreSQL) or the connection lock (SQLite) when its ``__aenter__`` is
cancelled or BEGIN raises, because ``__aexit__`` then never runs; so the top-level unit
here takes and gives back the connection itself, and finishes BEGIN, COMMIT/ROLLBACK
and the release even when cancelled (the cancellation is re-raised afterwards).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError
from tortoise.transactions import in_transaction

log = logging.getLogger(__name__)

T = TypeVar("T")
Effect = Callable[[], Awaitable[object]]
_pending: contextvars.ContextVar[list[Effect] | None] = contextvars.ContextVar(
    "okno_after_commit", default=None
)


@asynccontextmanager
async def transaction() -> AsyncIterator[object]:
    outer = _pending.get()
    if outer is not None:  # nested: join the outer unit of work (a savepoint)
        async with in_transaction() as conn:
            yield conn
        return
    effects: list[Effect] = []
    token = _pending.set(effects)
    try:
        async with _unit_of_work() as conn:
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


async def to_the_end(work: Awaitable[T]) -> T:
    """Await ``work`` to its end even if this task is cancelled meanwhile; the cancellation
    is raised once ``work`` is done, so nothing it holds is left half-way."""
    task = asyncio.ensure_future(work)
    cancelled: asyncio.CancelledError | None = None
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError as exc:
            if not task.done():
                cancelled = exc
        except BaseException:  # noqa: BLE001, S110 - task.result() below raises it
            pass
    if cancelled is not None:
        if not task.cancelled() and task.exception() is not None:
            log.warning("finished under cancellation with an error", exc_info=task.exception())
        raise cancelled
    return task.result()


@asynccontextmanager
async def _unit_of_work() -> AsyncIterator[Any]:
    """BEGIN … COMMIT on a connection of our own, given back on every path."""
    ctx: Any = in_transaction()
    client, release = await _acquire(ctx)
    try:
        await to_the_end(client.begin())
    except BaseException:  # BEGIN failed or was cancelled: nothing to keep
        await to_the_end(release())
        raise
    token = get_connections().set(ctx.connection_name, client)
    try:
        yield client
    except BaseException as exc:
        get_connections().reset(token)
        await to_the_end(_finish(client, release, failed=True,
                                 broken=isinstance(exc, TransactionManagementError)))
        raise
    get_connections().reset(token)
    await to_the_end(_finish(client, release, failed=False))


async def _acquire(ctx: Any) -> tuple[Any, Callable[[], Awaitable[None]]]:
    """The transaction client with its own connection, and how to give that back.

    PostgreSQL: a pooled connection (asyncpg's acquire and release are safe under
    cancellation, and release rolls back whatever is left open). SQLite: one shared
    connection behind a lock, rolled back before the lock goes (a BEGIN that ran in
    aiosqlite's thread after its caller was cancelled must not stay open)."""
    if hasattr(ctx, "_trxlock"):  # SQLite
        lock: asyncio.Lock = ctx._trxlock
        client = ctx.connection
        await lock.acquire()
        try:
            await ctx.ensure_connection()
        except BaseException:
            lock.release()
            raise

        async def release_sqlite() -> None:
            try:
                if client._connection.in_transaction:
                    await client._connection.rollback()
            finally:
                lock.release()

        return client, release_sqlite
    await ctx.ensure_connection()
    client = ctx.client
    pool = client._parent._pool
    connection = await pool.acquire()
    client._connection = connection

    async def release_pooled() -> None:
        await pool.release(connection)

    return client, release_pooled


async def _finish(client: Any, release: Callable[[], Awaitable[None]], *, failed: bool,
                  broken: bool = False) -> None:
    """COMMIT (or ROLLBACK after a failure), then give the connection back whatever happens.
    A failed rollback is logged, not raised: the original failure is what the caller sees,
    and the release rolls back on its own."""
    try:
        if not failed:
            await client.commit()
        elif not broken and not client._finalized:
            try:
                await client.rollback()
            except Exception:
                log.warning("rollback failed; the release resets the connection", exc_info=True)
    finally:
        await release()


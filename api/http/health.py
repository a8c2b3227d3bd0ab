"""Liveness and readiness for the load balancer and the orchestrator."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import Tortoise

from domain import db, redis

# Consecutive /healthz probes that could not take a pooled connection. One miss can be a busy
# moment; two in a row (the prober's interval apart) is a pool that has lost its connections.
STUCK_AFTER = 2
_misses = 0


async def healthz(request: Request) -> JSONResponse:
    """The process can serve: up, and its database pool still hands out a connection. An
    unreachable database keeps this 200 (that is `/readyz`'s 503); a pool whose every
    connection is held (leaked, hung) turns it 503, so the orchestrator restarts the process."""
    global _misses
    _misses = 0 if await db.pool_can_serve() else _misses + 1
    if _misses >= STUCK_AFTER:
        return JSONResponse({"status": "stuck", "checks": {"databasePool": "no connection"}},
                            status_code=503)
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready only when the database and Redis both answer, each within 2 seconds, and every
    migration file is applied (an instance of a new release waits for `okno migrate`)."""
    checks: dict[str, str] = {}

    async def check(name: str, probe) -> None:
        try:
            await asyncio.wait_for(probe(), timeout=2)
            checks[name] = "ok"
        # Any failure means "not ready", with its reason.
        except Exception as exc:  # noqa: BLE001
            checks[name] = f"error: {type(exc).__name__}"

    await check("database", lambda: Tortoise.get_connection("default").execute_query("SELECT 1"))
    await check("redis", lambda: redis.get_redis().ping())
    await check("migrations", lambda: _migrated(request))
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                        status_code=200 if ready else 503)


async def _migrated(request: Request) -> None:
    # Once all are applied they stay applied (migrations are forward-only): ask no more.
    if getattr(request.app.state, "migrated", False):
        return
    pending = await db.pending_migrations()
    if pending:
        raise PendingMigrations(", ".join(pending))
    request.app.state.migrated = True


class PendingMigrations(Exception):
    """Migrations not applied yet: run ``okno migrate``."""

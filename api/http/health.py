"""Liveness and readiness for the load balancer and the orchestrator.

Ready means "this instance can serve requests": the database answers (every request but
the health checks needs it). Redis is needed only by subscriptions, rate limits and job
hand-offs (which the outbox sweep repeats), so Redis down is *degraded*: reported in the
body, still 200, so that a Redis outage does not pull every instance out of the load
balancer. Checks are a list of named probes run in parallel, each with a short timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import Tortoise

from domain import db, redis

# Consecutive /healthz probes that could not take a pooled connection. One miss can be a busy
# moment; two in a row (the prober's interval apart) is a pool that has lost its connections.
STUCK_AFTER = 2
_misses = 0

CHECK_TIMEOUT = 1.0  # seconds per probe; all run at once, well inside a 3 s healthcheck


@dataclass(frozen=True)
class Check:
    name: str
    probe: Callable[[Request], Awaitable[object]]
    required: bool  # False: a failure makes the instance degraded, not unready




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


async def _run(check: Check, request: Request) -> str:
    try:
        await asyncio.wait_for(check.probe(request), timeout=CHECK_TIMEOUT)
    # Any failure is reported with its reason.
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return "ok"


async def readyz(request: Request) -> JSONResponse:
    """200 ``ok`` or ``degraded`` (an optional dependency is down); 503 ``unavailable``
    when a required one is: the database, or a migration file not applied yet (an instance
    of a new release waits for `okno migrate`)."""
    results = await asyncio.gather(*(_run(check, request) for check in CHECKS))
    checks = {check.name: result for check, result in zip(CHECKS, results, strict=True)}
    failed = [check for check in CHECKS if checks[check.name] != "ok"]
    if any(check.required for check in failed):
        status = "unavailable"
    else:
        status = "degraded" if failed else "ok"
    return JSONResponse({"status": status, "checks": checks},
                        status_code=503 if status == "unavailable" else 200)


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


CHECKS = [
    Check("database",
          lambda request: Tortoise.get_connection("default").execute_query("SELECT 1"),
          required=True),
    Check("redis", lambda request: redis.get_redis().ping(), required=False),
    Check("migrations", _migrated, required=True),
]

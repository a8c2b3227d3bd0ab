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

from domain import redis

CHECK_TIMEOUT = 1.0  # seconds per probe; all run at once, well inside a 3 s healthcheck


@dataclass(frozen=True)
class Check:
    name: str
    probe: Callable[[], Awaitable[object]]
    required: bool  # False: a failure makes the instance degraded, not unready


CHECKS = [
    Check("database", lambda: Tortoise.get_connection("default").execute_query("SELECT 1"),
          required=True),
    Check("redis", lambda: redis.get_redis().ping(), required=False),
]


async def healthz(request: Request) -> JSONResponse:
    """The process is up and serving; says nothing about its dependencies."""
    return JSONResponse({"status": "ok"})


async def _run(check: Check) -> str:
    try:
        await asyncio.wait_for(check.probe(), timeout=CHECK_TIMEOUT)
    # Any failure is reported with its reason.
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return "ok"


async def readyz(request: Request) -> JSONResponse:
    """200 ``ok`` or ``degraded`` (an optional dependency is down); 503 ``unavailable``
    when a required one is."""
    results = await asyncio.gather(*(_run(check) for check in CHECKS))
    checks = {check.name: result for check, result in zip(CHECKS, results, strict=True)}
    failed = [check for check in CHECKS if checks[check.name] != "ok"]
    if any(check.required for check in failed):
        status = "unavailable"
    else:
        status = "degraded" if failed else "ok"
    return JSONResponse({"status": status, "checks": checks},
                        status_code=503 if status == "unavailable" else 200)

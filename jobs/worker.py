"""arq worker: ``okno worker`` runs ``WorkerSettings``. Jobs are plain ``async def job(ctx, id)``
functions, idempotent, in one module per area."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from domain import db, redis
from domain.settings import Settings, get_settings
from jobs import (
    deliveries,
    history,
    idempotency,
    mailings,
    messages,
    reception,
    social,
    surveys,
)
from jobs.monitoring import instrument

FUNCTIONS: list[Any] = [
    *history.FUNCTIONS, *deliveries.FUNCTIONS, *messages.FUNCTIONS, *surveys.FUNCTIONS,
    *reception.FUNCTIONS, *idempotency.FUNCTIONS, *mailings.FUNCTIONS, *social.FUNCTIONS,
]
CRON_JOBS: list[Any] = [
    *history.CRON_JOBS, *deliveries.CRON_JOBS, *messages.CRON_JOBS, *surveys.CRON_JOBS,
    *reception.CRON_JOBS, *idempotency.CRON_JOBS, *mailings.CRON_JOBS, *social.CRON_JOBS,
]


async def startup(ctx: dict[str, Any]) -> None:
    settings = ctx.setdefault("settings", get_settings())  # tests may bring their own
    if not ctx.get("external_resources"):
        await db.init_db(settings)
        redis.connect(redis.resolve_redis_url(settings), settings)
    await deliveries.startup(ctx)


async def shutdown(ctx: dict[str, Any]) -> None:
    await deliveries.close(ctx)
    if not ctx.get("external_resources"):
        await redis.close()
        await db.close_db()


def worker_settings(redis_url: str, settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or get_settings()
    functions, cron_jobs = instrument(FUNCTIONS, CRON_JOBS)
    return {
        "functions": functions,
        "cron_jobs": cron_jobs,
        # SIGTERM: take no new jobs, let running ones finish (a mail cut off mid-send would
        # sit in 'sending' for the stuck timeout and could go twice); after the grace the
        # rest is cancelled, and arq puts each cancelled job back in the queue once.
        "job_completion_wait": settings.worker_shutdown_grace_seconds,
        "on_startup": startup,
        "on_shutdown": shutdown,
        # Our own client rather than arq's RedisSettings.from_dsn: that one drops read
        # timeouts, TLS options of the URL and does not unquote passwords.
        "redis_pool": redis.new_client(redis_url, settings),
        "max_tries": 5,
        "job_timeout": 600,
        "keep_result": 3600,
    }


__all__ = ["cron", "worker_settings"]

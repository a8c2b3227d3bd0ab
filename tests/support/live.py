"""Real sockets for tests: uvicorn serving the app, a graphql-transport-ws client, and a
wait until a subscription has reached Redis (so a publish after it cannot be missed)."""

from __future__ import annotations

import asyncio
import json
import random
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
import websockets

from api.app import create_app
from domain import redis
from domain.settings import Settings

PROTOCOL = "graphql-transport-ws"


# Below the kernel's ephemeral range (32768-60999 here): a port the test picked and has not
# bound yet cannot become the local port of some outgoing connection (to PostgreSQL, Redis)
# in between, which made "address already in use" failures now and then.
_PORTS = range(20000, 32000)


def free_port() -> int:
    """A port nothing listens on, for a server a test starts (or for one that must be down)."""
    for _ in range(100):
        port = random.choice(_PORTS)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def bound_socket() -> socket.socket:
    """A socket already bound to a free port: uvicorn serves on it, so no one can take the
    port between choosing and serving."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", free_port()))
    return sock


async def _started(config: uvicorn.Config) -> tuple[uvicorn.Server, asyncio.Task, socket.socket]:
    sock = bound_socket()
    config.port = sock.getsockname()[1]
    server = uvicorn.Server(config)
    return server, asyncio.create_task(server.serve(sockets=[sock])), sock


@asynccontextmanager
async def serving(app, **config) -> AsyncIterator[int]:
    """Any ASGI app (a stand-in for a network's API, a gateway) on a live uvicorn; its port."""
    server, task, sock = await _started(uvicorn.Config(
        app, host="127.0.0.1", log_level="warning", lifespan="off", **config))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield server.config.port
    finally:
        server.should_exit = True
        await task
        sock.close()


@asynccontextmanager
async def live_servers(settings: Settings, count: int = 1) -> AsyncIterator[list[int]]:
    """``count`` app instances, each its own uvicorn server on its own port, as in production."""
    started = [await _started(uvicorn.Config(
        create_app(settings, manage_resources=False), host="127.0.0.1",
        log_level="warning", lifespan="on", timeout_graceful_shutdown=2))
        for _ in range(count)]
    for server, _, _ in started:
        while not server.started:
            await asyncio.sleep(0.02)
    try:
        yield [server.config.port for server, _, _ in started]
    finally:
        for server, _, _ in started:
            server.should_exit = True
        await asyncio.gather(*(task for _, task, _ in started))
        for _, _, sock in started:
            sock.close()


async def receive(ws, timeout: float = 5) -> dict:
    """The next protocol message, answering keep-alive pings on the way."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] == "ping":
            await ws.send(json.dumps({"type": "pong"}))
            continue
        return message


async def connect(port: int, bearer: str):
    """An acknowledged graphql-transport-ws connection carrying the token."""
    ws = await websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL])
    await ws.send(json.dumps({"type": "connection_init",
                              "payload": {"Authorization": f"Bearer {bearer}"}}))
    assert (await receive(ws))["type"] == "connection_ack"
    return ws


async def wait_for_listeners(channel: str, count: int = 1) -> None:
    """``count`` subscribers in this process (live servers run in the test's process and
    share its one pub/sub connection), and that connection subscribed on Redis."""
    for _ in range(250):
        [(_, found)] = await redis.get_redis().pubsub_numsub(channel)
        if found and redis.hub().listeners(channel) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("subscription never reached Redis")

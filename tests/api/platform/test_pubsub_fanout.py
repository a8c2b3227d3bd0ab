"""One Redis pub/sub connection per process, fanned out in memory (domain/redis.py Hub):
500 subscriptions over 5 sockets cost Redis a constant number of clients, every subscriber
still gets every event, a dropped pub/sub connection is re-established, and a caller's
sockets are capped (api/limits.py SocketCap)."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

import pytest
import websockets

from api.limits import SocketCap
from api.relay import decode_id
from domain import redis
from domain.history import service as history
from tests.api.history.test_history_subscription import CREATE, SUBSCRIBE, post
from tests.conftest import REDIS_URL, token
from tests.support.live import PROTOCOL, connect, live_servers, receive, wait_for_listeners

UPDATE = """mutation($id: ID!, $name: String!) { updateClient(input: {id: $id, lastName: $name})
  { errors { code } } }"""


async def _our_clients() -> int:
    """Redis connections on this test run's database (other runs share the server)."""
    db = int(urlsplit(REDIS_URL).path.strip("/") or 0)
    return sum(1 for c in await redis.get_redis().client_list() if int(c["db"]) == db)


async def _subscribe(ws, ids: list[str], per_socket: int, prefix: str) -> None:
    for n in range(per_socket):
        gid = ids[n % len(ids)]
        await ws.send(json.dumps({"id": f"{prefix}-{n}", "type": "subscribe",
                                  "payload": {"query": SUBSCRIBE, "variables": {"id": gid}}}))


async def _drain(ws, count: int) -> set[str]:
    seen = set()
    for _ in range(count):
        message = await receive(ws, timeout=20)
        assert message["type"] == "next", message
        seen.add(message["id"])
    return seen


async def test_five_sockets_of_a_hundred_subscriptions_share_one_connection(settings):
    staff = token(settings, "operator", "op-1")
    async with live_servers(settings) as [port]:
        ids = [(await post(port, CREATE, {"name": f"Фан{n}"}, staff))["createClient"]["client"][
            "id"] for n in range(5)]
        channels = [redis.channel(history.TOPIC, decode_id(g, "Client", "id")) for g in ids]
        before = await _our_clients()
        sockets = [await connect(port, staff) for _ in range(5)]
        for i, ws in enumerate(sockets):
            await _subscribe(ws, ids, 100, f"s{i}")
        for name in channels:
            await wait_for_listeners(name, 5 * 20)
        during = await _our_clients()
        # 505 on main (one connection per subscription); now the sockets' subscriptions all
        # ride one pub/sub connection (plus at most a pooled command connection or two).
        assert during - before <= 3, (before, during)

        for n, gid in enumerate(ids):
            await post(port, UPDATE, {"id": gid, "name": f"Новая{n}"}, staff)
        for i, ws in enumerate(sockets):  # every subscription hears its client's event
            assert await _drain(ws, 100) == {f"s{i}-{n}" for n in range(100)}

        # Redis drops the pub/sub connection: the hub reconnects and resubscribes.
        host, local_port = redis.hub().pubsub.connection._writer.get_extra_info("sockname")[:2]
        await redis.get_redis().execute_command("CLIENT", "KILL", "ADDR", f"{host}:{local_port}")
        for _ in range(200):
            [(_, found)] = await redis.get_redis().pubsub_numsub(channels[0])
            reconnected = redis.hub().pubsub.connection is not None and found
            if reconnected and redis.hub().pubsub.connection._writer.get_extra_info(
                    "sockname")[1] != local_port:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the hub never resubscribed")
        await post(port, UPDATE, {"id": ids[0], "name": "ПослеОбрыва"}, staff)
        for i, ws in enumerate(sockets):
            assert await _drain(ws, 20) == {f"s{i}-{n}" for n in range(0, 100, 5)}

        for ws in sockets:
            await ws.close()
        for name in channels:  # the last subscriber gone, Redis is unsubscribed
            for _ in range(200):
                [(_, found)] = await redis.get_redis().pubsub_numsub(name)
                if not found:
                    break
                await asyncio.sleep(0.05)
            assert not found


async def test_sockets_per_subject_are_capped(settings):
    capped = settings.model_copy(update={"max_sockets_per_subject": 3})
    staff = token(capped, "operator", "op-1")
    async with live_servers(capped) as [port]:
        first = [await connect(port, staff) for _ in range(3)]
        ws = await websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL])
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {staff}"}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await receive(ws)
        assert closed.value.rcvd.code == SocketCap.CLOSE_CODE == 4429
        assert closed.value.rcvd.reason == SocketCap.CLOSE_REASON
        other = await connect(port, token(capped, "operator", "op-2"))  # another subject
        await first[0].close()
        await asyncio.sleep(0.2)
        again = await connect(port, staff)  # a closed socket frees its place
        for socket in (*first[1:], other, again):
            await socket.close()

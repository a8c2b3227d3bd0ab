"""A websocket lives no longer than its token (issue 15, "Misuse"): HTTP refuses an expired
token with 401, and an open socket stops too: it is closed with 4401 "Token expired" when
the token expires, running subscriptions included, and an operation started after expiry
is never run. Real uvicorn, real websocket clients, a token of a few seconds."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from api.auth import mint_token
from domain.actor import Role
from tests.support.live import connect, live_servers, receive

LEGACY = "graphql-ws"
TTL = 3  # seconds: long enough to connect on a loaded machine, short for a test


async def _closed(ws, timeout: float) -> tuple[int, str]:
    try:
        while True:
            await receive(ws, timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code, closed.rcvd.reason


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # sockets, not the database
async def test_the_socket_closes_when_the_token_expires(settings):
    async with live_servers(settings) as [port]:
        # Minted once the server runs: a loaded machine must not expire it before connect.
        token = mint_token(settings, Role.ADMIN, "admin-1", ttl_seconds=TTL)
        issued = time.time()
        ws = await connect(port, token)
        await ws.send(json.dumps({"id": "q", "type": "subscribe",
                                  "payload": {"query": "{ deliveryTemplates }"}}))
        assert (await receive(ws))["type"] == "next"
        assert (await receive(ws))["type"] == "complete"
        await ws.send(json.dumps({"id": "s", "type": "subscribe",
                                  "payload": {"query": "subscription { deliveryUpdated { id } }"}}))
        code, reason = await _closed(ws, timeout=TTL + 10)
        assert (code, reason) == (4401, "Token expired")
        assert time.time() - issued < TTL + 10
        # HTTP agrees: the same token is refused.
        import httpx
        async with httpx.AsyncClient() as http:
            response = await http.post(f"http://127.0.0.1:{port}/graphql",
                                       json={"query": "{ __typename }"},
                                       headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_an_operation_after_expiry_is_refused(settings):
    """Every subscribe re-checks the token, whatever the close timer does: an operation
    that arrives after expiry closes the socket instead of running."""
    async with live_servers(settings) as [port]:
        token = mint_token(settings, Role.ADMIN, "admin-1", ttl_seconds=TTL)
        ws = await connect(port, token)
        await asyncio.sleep(max(0.0, json.loads(_claims(token))["exp"] - time.time()) + 0.05)
        try:
            await ws.send(json.dumps({"id": "late", "type": "subscribe",
                                      "payload": {"query": "{ deliveryTemplates }"}}))
        except ConnectionClosed:
            pass  # closed already by the timer: just as good
        code, reason = await _closed(ws, timeout=10)
        assert (code, reason) == (4401, "Token expired")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_legacy_protocol_closes_too(settings):
    async with live_servers(settings) as [port]:
        token = mint_token(settings, Role.ADMIN, "admin-1", ttl_seconds=TTL)
        ws = await websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[LEGACY])
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "s", "type": "start", "payload": {
            "query": "subscription { deliveryUpdated { id } }"}}))
        try:
            while True:
                await asyncio.wait_for(ws.recv(), TTL + 10)
        except ConnectionClosed as closed:
            assert (closed.rcvd.code, closed.rcvd.reason) == (4401, "Token expired")


def _claims(token: str) -> str:
    import base64

    part = token.split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()

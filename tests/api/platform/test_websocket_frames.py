"""Every graphql-transport-ws frame okno sends is a TEXT frame (issue 8: graphql-ws — what
Apollo, urql, Relay and browsers use — closes with 4004 on a binary frame, so no JS client
could subscribe). Python's ``websockets`` hands a text frame over as ``str`` and a binary
one as ``bytes``, which is what this test looks at."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from tests.support.live import PROTOCOL, live_servers


async def _next_frame(ws, frames: list) -> dict:
    raw = await asyncio.wait_for(ws.recv(), 5)
    frames.append(raw)
    return json.loads(raw)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # frames do not touch the DB
async def test_every_frame_is_text(settings):
    frames: list = []
    async with (
        live_servers(settings) as [port],
        websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert (await _next_frame(ws, frames))["type"] == "connection_ack"

        await ws.send(json.dumps({"type": "ping"}))
        assert (await _next_frame(ws, frames))["type"] == "pong"

        # A single-result operation over the socket: next, then complete.
        await ws.send(json.dumps({"id": "q", "type": "subscribe",
                                  "payload": {"query": "{ __typename }"}}))
        message = await _next_frame(ws, frames)
        assert message == {"id": "q", "type": "next",
                           "payload": {"data": {"__typename": "Query"}}}
        assert (await _next_frame(ws, frames)) == {"id": "q", "type": "complete"}

        # An operation that does not validate: error.
        await ws.send(json.dumps({"id": "bad", "type": "subscribe",
                                  "payload": {"query": "subscription { noSuchField }"}}))
        message = await _next_frame(ws, frames)
        assert message["type"] == "error" and message["id"] == "bad"

    kinds = [json.loads(f)["type"] for f in frames]
    assert kinds == ["connection_ack", "pong", "next", "complete", "error"]
    binary = [f for f in frames if not isinstance(f, str)]
    assert not binary, f"binary frames: {binary}"

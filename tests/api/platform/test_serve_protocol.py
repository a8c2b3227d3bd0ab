"""``okno serve``'s HTTP protocol (api/http/protocol.py): one socket write per complete
response, the same bytes as uvicorn's own httptools protocol, streaming left as it was."""

from __future__ import annotations

import asyncio
import re

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.http.protocol import JoinedWritesProtocol
from tests.support.live import free_port

WRITES: list[bytes] = []


class _Counted:
    def __init__(self, transport) -> None:
        self.transport = transport

    def write(self, data: bytes) -> None:
        WRITES.append(data)
        self.transport.write(data)

    def __getattr__(self, name: str):
        return getattr(self.transport, name)


def counted(base: type) -> type:
    class Counted(base):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.transport = _Counted(transport)

    return Counted


async def app(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    if scope["path"] == "/stream":  # no content-length: the head goes out before the body
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(0.2)
        await send({"type": "http.response.body", "body": b"late", "more_body": False})
        return
    body = b'{"data":{"ok":true}}'
    await send({"type": "http.response.start", "status": 201,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def exchange(protocol: type, request: bytes, until: bytes) -> tuple[list[bytes], bytes]:
    """The raw answer to ``request`` from a live uvicorn with ``protocol``, and its writes."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, http=protocol,
                                           log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    WRITES.clear()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        answer = b""
        while until not in answer:
            answer += await asyncio.wait_for(reader.read(65536), 5)
        writer.close()
        return list(WRITES), re.sub(rb"date: [^\r]*\r\n", b"", answer)
    finally:
        server.should_exit = True
        await task


POST = (b"POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        b"content-length: 2\r\n\r\n{}")


@pytest.mark.parametrize("request_", [POST, POST.replace(b"POST", b"HEAD", 1)],
                         ids=["POST", "HEAD"])
async def test_complete_response_is_one_write_with_uvicorns_bytes(request_):
    """A response with content-length leaves in one write, byte for byte uvicorn's; a HEAD
    (no body written) still gets its head."""
    until = b"true}}" if request_ is POST else b"\r\n\r\n"
    ours, joined = await exchange(counted(JoinedWritesProtocol), request_, until)
    stock_writes, stock = await exchange(counted(HttpToolsProtocol), request_, until)
    assert joined == stock
    assert len(stock_writes) == (2 if request_ is POST else 1)
    assert len(ours) == 1
    assert ours[0].startswith(b"HTTP/1.1 201 Created\r\n")


async def test_streaming_response_sends_its_head_before_the_body():
    """Without content-length the head is not held back for the body (uvicorn's timing)."""
    request = POST.replace(b"/graphql", b"/stream", 1)
    writes, answer = await exchange(counted(JoinedWritesProtocol), request, b"late")
    assert writes[0].startswith(b"HTTP/1.1 200 OK\r\n") and writes[0].endswith(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in answer and answer.endswith(b"0\r\n\r\n")

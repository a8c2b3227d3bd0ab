"""uvicorn's httptools protocol with one socket write per complete response.

uvicorn writes the status line and headers when the app sends ``http.response.start`` and
the body with the next message: two ``write`` system calls (two loopback/TCP sends) for every
answer. With a ``content-length`` the response is complete once its body arrives, so the
head waits for the first body part and both leave together. Streaming responses (no
``content-length``: multipart subscriptions, chunked bodies) keep uvicorn's own timing, and
anything that ends the response without a body write (``HEAD``, errors, closing) sends the
held head first. ``okno serve`` passes this class as uvicorn's ``http``;
``tests/api/platform/test_serve_protocol.py`` checks the bytes on the wire.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle


class _Hold:
    """The transport while uvicorn writes the head: keeps the bytes."""

    __slots__ = ("data", "transport")

    def __init__(self, transport: Any) -> None:
        self.transport, self.data = transport, b""

    def write(self, data: bytes) -> None:
        self.data += data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class _Joined:
    """The transport for the first body part: the held head goes out in front of it."""

    __slots__ = ("head", "transport")

    def __init__(self, transport: Any, head: bytes) -> None:
        self.transport, self.head = transport, head

    def write(self, data: bytes) -> None:
        head, self.head = self.head, b""
        self.transport.write(head + data)

    def flush(self) -> None:
        if self.head:
            head, self.head = self.head, b""
            if not self.transport.is_closing():
                self.transport.write(head)

    def __getattr__(self, name: str) -> Any:  # close(), is_closing(): the head first
        self.flush()
        return getattr(self.transport, name)


class _JoinedCycle(RequestResponseCycle):
    _head: bytes | None = None

    async def send(self, message: Any) -> None:
        if message["type"] == "http.response.start" and not self.response_started and any(
                name.lower() == b"content-length" for name, _ in message.get("headers", ())):
            transport = self.transport
            held = self.transport = _Hold(transport)
            try:
                await super().send(message)
            finally:
                self.transport = transport
            self._head = held.data or None
            return
        head = self._head
        if head is None:
            await super().send(message)
            return
        self._head = None
        transport = self.transport
        joined = self.transport = _Joined(transport, head)
        try:
            await super().send(message)
        finally:
            self.transport = transport
            joined.flush()


class JoinedWritesProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` whose request cycles write a complete response at once."""

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and type(cycle) is RequestResponseCycle:
            cycle.__class__ = _JoinedCycle  # created by uvicorn above, not yet started

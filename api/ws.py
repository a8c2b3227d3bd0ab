"""Websockets live no longer than their token (issue 15, "Misuse").

HTTP checks the token on every request; a socket is authenticated once, at
``connection_init``, and could otherwise go on answering queries and streaming events long
after the token expired. So every operation a socket starts re-checks the token's expiry,
and the socket is closed when the token expires, running subscriptions included: code 4401
("Unauthorized", the graphql-transport-ws convention) with the reason "Token expired"; the
front end reconnects with a fresh token.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

EXPIRED_CODE = 4401
EXPIRED_REASON = "Token expired"


def expired(context: Any) -> bool:
    until = getattr(context, "token_expires_at", None)
    return until is not None and time.time() >= until


class _Expiry:
    """Closes the socket at the token's expiry; started once the connection is accepted."""

    websocket: Any
    context: Any
    _expiry_task: asyncio.Task | None = None

    def watch_expiry(self) -> None:
        until = getattr(self.context, "token_expires_at", None)
        if until is not None and self._expiry_task is None:
            self._expiry_task = asyncio.create_task(self._close_at(until))

    async def _close_at(self, until: float) -> None:
        await asyncio.sleep(max(0.0, until - time.time()))
        await self.close_expired()

    async def close_expired(self) -> None:
        with contextlib.suppress(Exception):  # the peer may have gone already
            await self.websocket.close(code=EXPIRED_CODE, reason=EXPIRED_REASON)

    def stop_watching(self) -> None:
        if self._expiry_task is not None and self._expiry_task is not asyncio.current_task():
            self._expiry_task.cancel()


class TransportWSHandler(_Expiry, BaseGraphQLTransportWSHandler):
    """graphql-transport-ws (graphql-ws, Apollo, urql, Relay)."""

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged:
            self.watch_expiry()

    async def handle_subscribe(self, message: Any) -> None:
        if self.connection_acknowledged and expired(self.context):
            await self.close_expired()
            return
        await super().handle_subscribe(message)

    async def shutdown(self) -> None:
        self.stop_watching()
        await super().shutdown()


class LegacyWSHandler(_Expiry, BaseGraphQLWSHandler):
    """The older subscriptions-transport-ws protocol ("graphql-ws")."""

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged:
            self.watch_expiry()

    async def handle_start(self, message: Any) -> None:
        if expired(self.context):
            await self.close_expired()
            return
        await super().handle_start(message)

    async def cleanup(self) -> None:
        self.stop_watching()
        await super().cleanup()

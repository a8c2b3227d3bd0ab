"""The request timeout (``OKNO_REQUEST_TIMEOUT_SECONDS``): an HTTP request that has not started
its answer in time is cancelled and answered 503 with Retry-After, so a stuck database or
Redis call cannot hold a client (and a worker slot of the load balancer) for ever.

An answer already being sent (a file download) is not cut, and websockets are not timed:
they live as long as the subscription.
"""

from __future__ import annotations

import asyncio

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestTimeout:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.seconds:
            await self.app(scope, receive, send)
            return
        started = False

        async def send_and_mark(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                deadline.reschedule(None)  # the answer is on its way: let it finish
            await send(message)

        try:
            async with asyncio.timeout(self.seconds) as deadline:
                await self.app(scope, receive, send_and_mark)
        except TimeoutError:
            if not deadline.expired() or started:
                raise
            response = JSONResponse(
                {"errors": [{"message": "The request took too long; try again.",
                             "extensions": {"code": "SERVICE_UNAVAILABLE"}}]},
                status_code=503, headers={"Retry-After": "5"})
            await response(scope, receive, send)

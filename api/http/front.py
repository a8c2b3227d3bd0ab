"""The one middleware every request passes, and the short way to the GraphQL view.

It is the one middleware in Starlette's stack, in place of three and the router on the hot
path: request id (``X-Request-ID``), the front end's name, the body-size cap (413), HTTP
metrics and the access log are its own; CORS (Starlette's own rules) and the request timeout
(503, api/http/timeout.py) are composed inside it once, at start-up. A ``POST /graphql`` then
goes straight to the view's JSON path (``api/http/graphql.py``); every other request,
websockets included, goes through Starlette's routing as before.

The access log is one line per request, carrying the GraphQL operation's name, root field
and outcome. Successful requests faster than ``OKNO_LOG_SLOW_MS`` are logged at INFO only
for a sample (``OKNO_ACCESS_LOG_SAMPLE``), the rest at DEBUG: a busy API does not pay a JSON
line per request, while every error, refusal and slow request is still there.
"""

from __future__ import annotations

import logging
import random
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.timeout import RequestTimeout
from api.observability import (
    KNOWN_PATHS,
    access_var,
    app_label,
    app_label_var,
    client_app_var,
    http_metrics,
    log,
    redact,
    request_id_var,
)
from domain.settings import Settings

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_TOO_LARGE = (b'{"errors":[{"message":"Request body too large",'
              b'"extensions":{"code":"PAYLOAD_TOO_LARGE"}}]}')


class BodyTooLarge(Exception):
    pass


def _client_app(value: bytes) -> str:
    """The front end's name as it gives it (X-Client-App), cleaned; for logs and context."""
    text = value.decode("latin-1")[:40]
    slug = "".join(c for c in text if c.isascii() and (c.isalnum() or c in "-_."))
    return slug or "unknown"


class Front:
    """Request id, front-end name, body cap, CORS, timeout, HTTP metrics and access log.

    ``graphql_post`` answers ``POST /graphql`` without Starlette's routing."""

    def __init__(self, app: ASGIApp, settings: Settings,
                 graphql_post: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app
        self.graphql_post = graphql_post
        self.max_body_bytes = settings.max_body_bytes
        self.client_apps = frozenset(settings.client_apps)
        self.sample = settings.access_log_sample
        self.slow_seconds = settings.log_slow_ms / 1000
        # CORS and the timeout wrap the dispatch once, here, not per request.
        inner: ASGIApp = self._dispatch
        if settings.request_timeout_seconds:
            inner = RequestTimeout(inner, seconds=settings.request_timeout_seconds)
        self.inner = CORSMiddleware(
            inner, allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["authorization", "content-type", "x-client-app", "x-request-id",
                           "idempotency-key"],
            expose_headers=["x-request-id", "retry-after", "idempotent-replayed"],
            max_age=600,
        )

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/graphql" and scope["method"] == "POST":
            await self.graphql_post(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http" and kind != "websocket":
            await self.app(scope, receive, send)
            return
        given, app_name, declared = "", "unknown", None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                given = value.decode("latin-1")
            elif name == b"x-client-app":
                app_name = _client_app(value)
            elif name == b"content-length":
                declared = value
        # A caller's id is kept when it is a plain token; anything else is replaced, not echoed.
        request_id = given if given and _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        label = app_label(app_name, self.client_apps)
        request_id_var.set(request_id)
        client_app_var.set(app_name)
        app_label_var.set(label)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id, client_app=app_name)
        if kind == "websocket":
            access_var.set(None)  # each operation on the socket logs its own line
            await self.app(scope, receive, send)
            return
        access: dict[str, Any] = {}
        access_var.set(access)
        started = time.perf_counter()
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            await _too_large(send)
            self._done(scope, 413, label, started, access)
            return
        received = 0
        status = 500
        limit = self.max_body_bytes

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # A new list: the response object may be shared and sent again.
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.inner(scope, capped_receive, send_with_id)
        except BodyTooLarge:
            await _too_large(send)
            status = 413
        finally:
            self._done(scope, status, label, started, access)

    def _done(self, scope: Scope, status: int, label: str, started: float,
              access: dict[str, Any]) -> None:
        elapsed = time.perf_counter() - started
        path = scope["path"]
        http_metrics(path if path in KNOWN_PATHS else "other", status, label, elapsed)
        if status < 400 and access.get("outcome") != "error" and elapsed < self.slow_seconds \
                and random.random() >= self.sample:
            if not log.is_enabled_for(logging.DEBUG):
                return
            emit = log.debug
        else:
            emit = log.info
        emit("http", method=scope["method"], path=redact(path), status=status,
             ms=round(elapsed * 1000, 1), **access)


async def _too_large(send: Send) -> None:
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(_TOO_LARGE)).encode())]})
    await send({"type": "http.response.body", "body": _TOO_LARGE})

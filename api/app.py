"""The ASGI application: GraphQL over HTTP and websockets, plus plain HTTP routes."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected

from api import fastpath, idempotency
from api.auth import InvalidToken, authenticate, authenticate_until
from api.context import Context
from api.http.call_quality_export import download_call_quality_export
from api.http.consultation import pbx_events
from api.http.exports import download_export
from api.http.front import Front
from api.http.graphql import JsonPost
from api.http.health import healthz, readyz
from api.http.mailings import bounce_intake, confirm_link, unsubscribe_link
from api.http.monitoring_export import download_monitoring_export
from api.http.reception import accept_page, cancel_page
from api.http.social import social_webhook
from api.http.survey_export import download_survey_export
from api.limits import SocketCap
from api.observability import (
    API_PROCESS,
    WEBSOCKET_OPERATIONS,
    WEBSOCKETS_OPEN,
    client_app_var,
    metrics_endpoint,
    observe_resources,
)
from api.schema import build_schema
from api.ws import LegacyWSHandler, TransportWSHandler
from domain import db, redis
from domain.settings import Settings, get_settings, refuse_unsafe_production

ACTOR_KEY = "okno_actor"


def _unauthorized() -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": "Invalid or expired token",
                     "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


class TextFrames(ASGIWebSocketAdapter):
    """Websocket messages as text frames: graphql-ws (what Apollo, urql, Relay and browsers
    use) refuses binary frames, while HTTP answers stay bytes (orjson, no re-encoding)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

    async def close(self, code: int, reason: str) -> None:
        # A refusal may name its own close code (api/limits.py SocketCap: 4429).
        code, reason = self.ws.scope.get("state", {}).get("okno_close", (code, reason))
        await super().close(code, reason)


class CountedOperations(TransportWSHandler):
    """graphql-transport-ws, with the operations running (subscriptions) in a gauge."""

    async def run_operation(self, operation: Any) -> None:
        WEBSOCKET_OPERATIONS.inc()
        try:
            await super().run_operation(operation)
        finally:
            WEBSOCKET_OPERATIONS.dec()


class GraphQLView(GraphQL):
    websocket_adapter_class = TextFrames  # type: ignore[assignment]
    graphql_transport_ws_handler_class = CountedOperations
    graphql_ws_handler_class = LegacyWSHandler

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allowed_origins=settings.allowed_origins,
            keep_alive=True,
            keep_alive_interval=15,
        )
        self.settings = settings
        # Run by the short POST path (api/http/graphql.py JsonPost.execute), the only way a
        # plain JSON POST reaches the executor; what it hands to this view is never a query
        # the fast path would take (Idempotency-Key, a bad token, a malformed body).
        self.fastpath = fastpath.FastPath(self.schema, settings)
        self.sockets = SocketCap(settings.max_sockets_per_subject)

    def encode_json(self, data: Any) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> Any:
        return orjson.loads(data)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                actor = await authenticate(Headers(scope=scope).get("authorization"), self.settings)
            except InvalidToken:
                # A bad token is refused, never silently downgraded to anonymous.
                await _unauthorized()(scope, receive, send)
                return
            scope.setdefault("state", {})[ACTOR_KEY] = actor
        websocket = scope["type"] == "websocket"
        if websocket:
            WEBSOCKETS_OPEN.inc()
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.sockets.give_back(scope)
            if websocket:
                WEBSOCKETS_OPEN.dec()

    async def execute_operation(  # type: ignore[override]
        self, request: Request, request_adapter: Any, request_data: Any, context: Context,
        root_value: Any, sub_response: Any,
    ) -> Any:
        async def run() -> Any:
            return await super(GraphQLView, self).execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response)

        key = request.headers.get(idempotency.HEADER)
        if key is None or request_adapter.method != "POST" or \
                not isinstance(request_data, GraphQLRequestData):
            return await run()
        return await idempotency.once(
            key, context.actor, request_data, timedelta(hours=self.settings.idempotency_ttl_hours),
            sub_response, run)

    async def process_result(self, request: Request, result: Any) -> Any:
        if isinstance(result, idempotency.Replayed):
            return result.response
        return await super().process_result(request, result)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return Context(
            request=request, response=response, settings=self.settings,
            actor=request.scope.get("state", {}).get(ACTOR_KEY),
            client_app=client_app_var.get(),
        )

    async def on_ws_connect(self, context: Context) -> Any:
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        try:
            context.actor, context.token_expires_at = await authenticate_until(
                header, self.settings)
        except InvalidToken:
            raise ConnectionRejectionError({"reason": "invalid token"}) from None
        if not self.sockets.take(context.request.scope, context.actor):
            raise ConnectionRejectionError({"reason": SocketCap.CLOSE_REASON})
        return None


def settle_garbage_collector() -> None:
    """After start-up: what is loaded stays (schema, modules, settings), so it leaves the
    collector's generations for good (``gc.freeze``), and young collections run every 10,000
    allocations, not 700. Measured on the client card (CPU in the collector per request, in
    process, 1,500 requests): 0.60 ms unfrozen, 0.24-0.36 ms frozen, 0.16-0.23 ms frozen with
    these thresholds (50,000: no better, each young collection walks more)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def create_app(settings: Settings | None = None, *, manage_resources: bool = True) -> Starlette:
    """``manage_resources=False`` leaves DB and Redis to the caller (tests, ``okno dev``)."""
    settings = settings or get_settings()
    refuse_unsafe_production(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_resources:
            await db.init_db(settings)
            redis.connect(redis.resolve_redis_url(settings), settings)
        sampler = asyncio.create_task(observe_resources())
        if manage_resources:
            settle_garbage_collector()
        API_PROCESS.set(1)
        try:
            yield
        finally:
            sampler.cancel()
            if manage_resources:
                await redis.close()
                await db.close_db()
            if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # okno serve --workers N
                from prometheus_client import multiprocess

                multiprocess.mark_process_dead(os.getpid())

    graphql = GraphQLView(settings)
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/exports/{name}", download_export),
            Route("/survey-exports/{name}", download_survey_export),
            Route("/call-quality-exports/{name}", download_call_quality_export),
            Route("/monitoring-exports/{name}", download_monitoring_export),
            Route("/reception/cancel/{token}", cancel_page, methods=["GET", "POST"]),
            Route("/reception/accept/{token}", accept_page, methods=["GET", "POST"]),
            # Production: metrics only on the internal port (OKNO_METRICS_PORT, okno serve).
            *([Route("/metrics", metrics_endpoint)] if settings.metrics_public else []),
            Route("/u/{token}", unsubscribe_link, methods=["GET", "POST"]),
            Route("/m/confirm/{token}", confirm_link, methods=["GET", "POST"]),
            Route("/mailings/bounces", bounce_intake, methods=["POST"]),
            Route("/social/{source_id}/webhook", social_webhook, methods=["POST"]),
            Route("/pbx/{pbx_id}/events", pbx_events, methods=["POST"]),
        ],
        # One layer for every request (api/http/front.py); POST /graphql skips the routing.
        middleware=[Middleware(Front, settings=settings, graphql_post=JsonPost(graphql))],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app

"""The ASGI application: GraphQL over HTTP and websockets, plus plain HTTP routes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected

from api.auth import InvalidToken, authenticate, authenticate_until
from api.context import Context
from api.http.exports import download_export
from api.http.health import healthz, readyz
from api.http.survey_export import download_survey_export
from api.observability import RequestContextMiddleware, client_app_var, metrics_endpoint
from api.schema import build_schema
from api.ws import LegacyWSHandler, TransportWSHandler
from domain import db, redis
from domain.settings import Settings, get_settings

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


class GraphQLView(GraphQL):
    websocket_adapter_class = TextFrames  # type: ignore[assignment]
    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allowed_origins=settings.cors_origins,
            keep_alive=True,
            keep_alive_interval=15,
        )
        self.settings = settings

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
        await super().__call__(scope, receive, send)

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
        return None


def check_production_settings(settings: Settings) -> None:
    """Refuse to run in production on the development secrets that ship in the code."""
    if not settings.production:
        return
    fields = Settings.model_fields
    missing = []
    if not settings.jwks_url and settings.jwt_secret == fields["jwt_secret"].default:
        missing.append("OKNO_JWKS_URL (or at least OKNO_JWT_SECRET)")
    if settings.link_secret == fields["link_secret"].default:
        missing.append("OKNO_LINK_SECRET")
    if missing:
        raise RuntimeError("production needs its own secrets; set " + ", ".join(missing))


def create_app(settings: Settings | None = None, *, manage_resources: bool = True) -> Starlette:
    """``manage_resources=False`` leaves DB and Redis to the caller (tests, ``okno dev``)."""
    settings = settings or get_settings()
    check_production_settings(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_resources:
            await db.init_db(settings)
            redis.connect(redis.resolve_redis_url(settings))
        try:
            yield
        finally:
            if manage_resources:
                await redis.close()
                await db.close_db()

    graphql = GraphQLView(settings)
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/exports/{name}", download_export),
            Route("/survey-exports/{name}", download_survey_export),
            Route("/metrics", metrics_endpoint),
        ],
        middleware=[
            Middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes),
            Middleware(
                CORSMiddleware, allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["authorization", "content-type", "x-client-app", "x-request-id"],
                expose_headers=["x-request-id"], max_age=600,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app

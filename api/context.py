"""Per-request context: who is asking, request-scoped DataLoaders, settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader

from domain.actor import Actor
from domain.settings import Settings

L = TypeVar("L", bound=DataLoader)


@dataclass
class Context:
    request: Request | WebSocket
    response: Any
    settings: Settings
    actor: Actor | None
    client_app: str = "unknown"
    connection_params: dict[str, Any] | None = None
    # A websocket's token expiry (epoch seconds): api/ws.py closes the socket then.
    token_expires_at: float | None = None
    _loaders: dict[type, DataLoader] = field(default_factory=dict)

    def loader(self, cls: type[L]) -> L:
        """One instance of each loader class per request, so keys batch and cache."""
        found = self._loaders.get(cls)
        if found is None:
            found = self._loaders[cls] = cls()
        return found  # type: ignore[return-value]

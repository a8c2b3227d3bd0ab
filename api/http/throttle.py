"""Per-IP limit of the public download routes: a link is a bearer token, and an anonymous
caller must not make the server stream exports (or guess links) as fast as it likes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from api.client_ip import client_ip
from domain import redis

TOO_MANY = "Слишком много запросов. Попробуйте через минуту."


async def too_many_downloads(request: Request) -> Response | None:
    """A 429 answer when this client has downloaded too much this minute, else None."""
    settings = request.app.state.settings
    ip = client_ip(request, settings)
    if await redis.over_limit(f"download:ip:{ip}", settings.download_limit_per_minute, 60):
        return PlainTextResponse(TOO_MANY, status_code=429, headers={
            "Retry-After": "60", "Cache-Control": "no-store"})
    return None

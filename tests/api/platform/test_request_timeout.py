"""The request timeout: a request that has not started its answer in time gets 503 with
Retry-After; an answer on its way and websockets are not cut."""

from __future__ import annotations

import asyncio

import httpx
from okno_platform import plain_settings  # noqa: F401 (fixture)
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from api.app import create_app
from api.http.front import Front
from api.http.timeout import RequestTimeout


async def _stuck(request):
    await asyncio.sleep(5)
    return PlainTextResponse("late")


async def _slow_download(request):
    async def chunks():
        for _ in range(3):
            await asyncio.sleep(0.2)
            yield b"x" * 10
    return StreamingResponse(chunks())


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_a_stuck_request_is_answered_503_in_time():
    app = RequestTimeout(Starlette(routes=[Route("/stuck", _stuck),
                                           Route("/download", _slow_download)]), seconds=0.3)
    async with _client(app) as http:
        started = asyncio.get_running_loop().time()
        response = await http.get("/stuck")
        assert asyncio.get_running_loop().time() - started < 2
        assert response.status_code == 503 and response.headers["retry-after"] == "5"
        assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        # 0.6 s of streaming after a quick start is not cut at 0.3 s.
        download = await http.get("/download")
        assert download.status_code == 200 and download.content == b"x" * 30


async def test_the_app_applies_the_setting(plain_settings):  # noqa: F811
    app = create_app(plain_settings.model_copy(update={"request_timeout_seconds": 7.5}))
    async with _client(app) as http:  # and ordinary requests pass through it
        response = await http.post("/graphql", json={"query": "{ __typename }"})
        assert response.json() == {"data": {"__typename": "Query"}}
    front = app.middleware_stack.app  # api/http/front.py, inside Starlette's error handler
    assert isinstance(front, Front) and isinstance(front.inner.app, RequestTimeout)
    assert front.inner.app.seconds == 7.5

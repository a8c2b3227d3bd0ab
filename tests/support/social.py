"""Social items in tests: sources, the networks' signed webhooks, and a real local HTTP
server standing in for a network's API (VK, Telegram or generic), scripted per request."""

from __future__ import annotations

import datetime as dt
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from domain.actor import Actor, Role
from domain.social import rules, sources
from domain.social.models import Network, SocialSource
from tests.support.live import serving

ADMIN = Actor(Role.ADMIN, "admin-1")
ZONE = ZoneInfo("Europe/Ulyanovsk")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE).astimezone(dt.UTC)


async def make_source(network: Network = Network.VK, *, api_url: str | None = None,
                      name: str = "Страница Правительства", api_token: str | None = "tok"
                      ) -> SocialSource:
    return await sources.save_source(ADMIN, None, sources.SourceData(
        network=network, name=name, confirmation_code="c0nf1rm", api_url=api_url,
        api_token=api_token))


def vk_comment(secret: str | None, *, comment: int = 77, text: str = "Когда починят дорогу?",
               at: dt.datetime | None = None, kind: str = "wall_reply_new",
               author: int = 501) -> dict[str, Any]:
    body: dict[str, Any] = {"type": kind, "group_id": 100, "event_id": f"e{comment}{kind}",
                            "object": {"id": comment, "from_id": author, "post_id": 12,
                                       "owner_id": -100, "text": text,
                                       "date": int((at or dt.datetime.now(dt.UTC)).timestamp())}}
    if secret is not None:
        body["secret"] = secret
    return body


def signed(secret: str, body: dict[str, Any], at: float | None = None) -> tuple[bytes, dict]:
    raw = orjson.dumps(body)
    stamp = str(int(at if at is not None else time.time()))
    return raw, {"X-Okno-Timestamp": stamp, "Content-Type": "application/json",
                 "X-Okno-Signature": "sha256=" + rules.body_signature(secret, stamp, raw)}


@dataclass
class FakeNetwork:
    """Records every request; answers with the scripted (status, body, headers) in turn, then
    200. Like a network honouring idempotency keys, it publishes one comment per key."""

    script: list[tuple[int, Any, dict[str, str]]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    published: dict[str, str] = field(default_factory=dict)  # key -> text
    url: str = ""

    async def endpoint(self, request: Request) -> JSONResponse:
        raw = await request.body()
        if request.headers.get("content-type", "").startswith("application/json"):
            body = orjson.loads(raw)
        else:
            body = dict(parse_qsl(raw.decode()))
        self.requests.append({"path": request.url.path, "headers": dict(request.headers),
                              "body": body})
        if self.script:
            status, payload, headers = self.script.pop(0)
            return JSONResponse(payload, status_code=status, headers=headers)
        key = (body.get("guid") or body.get("idempotencyKey") or body.get("random_id")
               or f"tg-{len(self.requests)}")
        self.published.setdefault(str(key), body.get("message") or body.get("text"))
        if request.url.path.endswith("wall.createComment"):
            return JSONResponse({"response": {"comment_id": 900}})
        if request.url.path.endswith("sendMessage"):
            return JSONResponse({"ok": True, "result": {"message_id": 901}})
        return JSONResponse({"id": "n-1"})


@asynccontextmanager
async def fake_network():
    network = FakeNetwork()
    app = Starlette(routes=[Route("/{path:path}", network.endpoint, methods=["POST"])])
    async with serving(app) as port:
        network.url = f"http://127.0.0.1:{port}"
        yield network

"""Social webhooks (R-7.1): ``POST /social/{source_id}/webhook``, one URL per source, checked
the way each network signs.

- VK Callback API: the JSON body carries ``secret`` (the source's secret key, compared in
  constant time); ``type=confirmation`` is answered with the source's confirmation string;
  every other event with ``ok`` (VK repeats anything else).
- Telegram: the ``X-Telegram-Bot-Api-Secret-Token`` header (set with ``setWebhook``).
- Every other network: ``X-Okno-Timestamp`` (Unix seconds, within 5 minutes) and
  ``X-Okno-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">``; the body is
  ``{"items": [...]}`` in the import API's shape.

Unknown or switched-off source 404, no signature 401, a wrong one (or a stale timestamp)
403, a body that is not JSON or not the network's shape 400; never a 500. A replay is
accepted and changes nothing (dedupe by the source's item id).
"""

from __future__ import annotations

import datetime as dt
import logging

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from domain.social import intake, rules, sources
from domain.social.models import Network, SocialSource

log = logging.getLogger(__name__)
TELEGRAM_HEADER = "x-telegram-bot-api-secret-token"
NO_STORE = {"Cache-Control": "no-store"}


def _text(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status, headers=NO_STORE)


def _refused(refusal: rules.Refusal) -> Response:
    if refusal == rules.Refusal.UNSIGNED:
        return _text(401, "Unsigned")
    return _text(403, "Forbidden")


def _json(raw: bytes) -> dict | None:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


async def social_webhook(request: Request) -> Response:
    source = await intake.active_source(request.path_params["source_id"])
    if source is None:
        return _text(404, "Unknown source")
    settings = request.app.state.settings
    secret = sources.secret_of(source, settings)
    raw = await request.body()
    try:
        if source.network == Network.VK:
            return await _vk(source, secret, raw, settings)
        if source.network == Network.TELEGRAM:
            return await _telegram(source, secret, request, raw, settings)
        return await _generic(source, secret, request, raw, settings)
    except rules.BadPayload as exc:
        return _text(400, f"Bad payload: {exc}")


async def _vk(source: SocialSource, secret: str, raw: bytes, settings) -> Response:
    body = _json(raw)
    if body is None:
        return _text(400, "Bad JSON")
    given = body.get("secret")
    if body.get("type") == "confirmation":
        # VK sends the secret key with the confirmation too, once it is set in the group.
        if given is not None and not rules.same(str(given), secret):
            return _text(403, "Forbidden")
        if not source.confirmation_code:
            return _text(404, "No confirmation code")
        return _text(200, source.confirmation_code)
    if given is None:
        return _text(401, "Unsigned")
    if not isinstance(given, str) or not rules.same(given, secret):
        return _text(403, "Forbidden")
    found = rules.parse_vk(body)
    if found is not None:
        await intake.ingest(source, [found], settings)
    return _text(200, "ok")


async def _telegram(source: SocialSource, secret: str, request: Request, raw: bytes,
                    settings) -> Response:
    given = request.headers.get(TELEGRAM_HEADER)
    if given is None:
        return _text(401, "Unsigned")
    if not rules.same(given, secret):
        return _text(403, "Forbidden")
    body = _json(raw)
    if body is None:
        return _text(400, "Bad JSON")
    found = rules.parse_telegram(body)
    if found is not None:
        await intake.ingest(source, [found], settings)
    return _text(200, "ok")


async def _generic(source: SocialSource, secret: str, request: Request, raw: bytes,
                   settings) -> Response:
    refusal = rules.check_body_signature(
        secret, request.headers.get("x-okno-timestamp"), request.headers.get("x-okno-signature"),
        raw, dt.datetime.now(dt.UTC))
    if refusal is not None:
        return _refused(refusal)
    body = _json(raw)
    if body is None:
        return _text(400, "Bad JSON")
    items = body.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= intake.MAX_IMPORT:
        return _text(400, f"Bad payload: items must be a list of 1 to {intake.MAX_IMPORT}")
    parsed = [rules.parse_generic(item if isinstance(item, dict) else {}) for item in items]
    result = await intake.ingest(source, parsed, settings)
    return JSONResponse(result.as_dict(), headers=NO_STORE)

"""The telephony webhook: ``POST /pbx/{pbx_id}/events``, one PBX event as JSON.

- ``X-Okno-Timestamp``: Unix seconds; more than ``OKNO_PBX_TIMESTAMP_WINDOW_SECONDS`` from
  the server's clock → 401 (an old request replayed).
- ``X-Okno-Signature``: ``sha256=`` + hex HMAC-SHA256, keyed with the PBX's secret
  (``OKNO_PBX_SECRETS``), over ``<timestamp>.<raw body>`` → 401 when missing or wrong.
- Unknown PBX → 404; a body that is not the event JSON → 400; no line for the event → 422.
- 200 ``{"status": "recorded", "callId"}``, or ``{"status": "duplicate"}`` for an event id
  seen before: a PBX that retries after a lost answer gets success, and nothing changes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.consultation import pbx, rules
from domain.errors import DomainError, ErrorCode

MAX_BODY = 64 * 1024  # one event is a few hundred bytes


def _error(status: int, reason: str) -> Response:
    return JSONResponse({"error": reason}, status_code=status)


async def pbx_events(request: Request) -> Response:
    settings = request.app.state.settings
    pbx_id = request.path_params["pbx_id"]
    secret = settings.pbx_secrets.get(pbx_id)
    if not secret:
        return _error(404, "unknown PBX")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return _error(413, "body too large")
    timestamp = request.headers.get("x-okno-timestamp", "")
    signature = request.headers.get("x-okno-signature", "")
    if not signature or not rules.signature_ok(secret, timestamp, raw, signature):
        return _error(401, "bad signature")
    if not rules.fresh(timestamp, datetime.now(UTC), settings.pbx_timestamp_window_seconds):
        return _error(401, "stale timestamp")
    try:
        event = pbx.parse(raw)
        received = await pbx.receive(pbx_id, event)
    except DomainError as exc:
        status = 422 if exc.code == ErrorCode.NOT_FOUND else 400
        return _error(status, f"{exc.field}: {exc.message}")
    if received.duplicate:
        return JSONResponse({"status": "duplicate"})
    return JSONResponse({"status": "recorded", "callId": str(received.call_id)})

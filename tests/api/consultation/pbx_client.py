"""Signed PBX requests, as a telephone exchange sends them."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import orjson

from domain.consultation import rules
from tests.domain.consultation.line_world import PBX_ID, PBX_SECRET


def event(kind: str, call_id: str, at: dt.datetime | None = None, *,
          caller: str | None = "8 (927) 270-45-18", line: str | None = "+7 8422 58-93-58",
          event_id: str | None = None) -> dict:
    return {"eventId": event_id or uuid.uuid4().hex, "callId": call_id, "kind": kind,
            "occurredAt": (at or dt.datetime.now(dt.UTC)).isoformat(),
            "callerNumber": caller, "lineNumber": line}


def signed(body: bytes, *, secret: str = PBX_SECRET, timestamp: int | None = None
           ) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"Content-Type": "application/json", "X-Okno-Timestamp": stamp,
            "X-Okno-Signature": rules.sign(secret, stamp, body)}


async def send(http, payload: dict, *, pbx_id: str = PBX_ID, **kwargs):
    body = orjson.dumps(payload)
    return await http.post(f"/pbx/{pbx_id}/events", content=body, headers=signed(body, **kwargs))

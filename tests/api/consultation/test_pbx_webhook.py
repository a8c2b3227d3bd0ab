"""The telephony webhook over real HTTP: signed events make one call; unsigned, forged,
stale and replayed requests change nothing; events in any order end in one complete call."""

from __future__ import annotations

import datetime as dt
import time

import orjson

from domain.consultation.models import Call, CallSource, CallStatus, PbxEvent
from domain.history.kinds import EventKind
from domain.history.models import InteractionEvent
from tests.api.consultation.pbx_client import event, send, signed


async def test_signed_events_record_a_call_even_if_nobody_types(world, pbx_http):
    """A call is recorded from the PBX alone: started, answered, ended; the caller found by
    number, the call in their history."""
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=3)
    for kind, offset in (("started", 0), ("answered", 15), ("ended", 170)):
        response = await send(pbx_http, event(kind, "pbx-1", start + dt.timedelta(seconds=offset)))
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "recorded"
    call = await Call.get(pbx_id="main", pbx_call_id="pbx-1")
    assert call.source == CallSource.PBX and call.status == CallStatus.ENDED
    assert call.line_id == world.line.id and call.client_id == world.caller.id
    assert (call.started_at, call.ended_at) == (start, start + dt.timedelta(seconds=170))
    assert await InteractionEvent.filter(client_id=world.caller.id,
                                         kind=EventKind.CALL).count() == 1


async def test_unsigned_forged_stale_refused(world, pbx_http):
    payload = event("started", "pbx-2")
    body = orjson.dumps(payload)
    unsigned = await pbx_http.post("/pbx/main/events", content=body)
    assert unsigned.status_code == 401
    forged = await send(pbx_http, payload, secret="not-the-secret-at-all-0123456789")
    assert forged.status_code == 401
    stale = await send(pbx_http, payload, timestamp=int(time.time()) - 600)
    assert stale.status_code == 401
    # The signature was made for another body: the same headers on a changed body fail.
    headers = signed(body)
    tampered = await pbx_http.post("/pbx/main/events", headers=headers,
                                   content=body.replace(b"pbx-2", b"pbx-3"))
    assert tampered.status_code == 401
    assert await Call.all().count() == 0 and await PbxEvent.all().count() == 0


async def test_unknown_pbx_and_bad_bodies(world, pbx_http):
    assert (await send(pbx_http, event("started", "x"), pbx_id="other")).status_code == 404
    for body in (b"not json", b"[1,2]", orjson.dumps({"eventId": "1"}),
                 orjson.dumps({**event("started", "x"), "kind": "ringing"}),
                 orjson.dumps({**event("started", "x"), "occurredAt": "2026-12-07T10:00"}),
                 orjson.dumps({**event("started", "x"), "callId": "x" * 201}),
                 orjson.dumps({**event("started", "x"), "eventId": 5})):
        response = await pbx_http.post("/pbx/main/events", content=body, headers=signed(body))
        assert response.status_code == 400, (body, response.text)
    no_line = await send(pbx_http, event("started", "x", line="+7 999 111-22-33"),
                         pbx_id="main")
    assert no_line.status_code == 200  # unknown dialled number: the PBX's first line
    assert await Call.all().count() == 1


async def test_replayed_event_is_accepted_once(world, pbx_http):
    """A replay (same event id, freshly signed) answers 200 "duplicate" and changes
    nothing, so a PBX retrying after a lost answer is not told to retry again."""
    payload = event("started", "pbx-4", event_id="ev-1")
    assert (await send(pbx_http, payload)).json()["status"] == "recorded"
    again = await send(pbx_http, {**payload, "kind": "ended"})
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    call = await Call.get(pbx_call_id="pbx-4")
    assert call.status == CallStatus.STARTED and await PbxEvent.all().count() == 1


async def test_ended_before_started_makes_one_complete_call(world, pbx_http):
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=10)
    end = start + dt.timedelta(minutes=4)
    answered = start + dt.timedelta(seconds=30)
    for kind, at in (("ended", end), ("answered", answered), ("started", start)):
        assert (await send(pbx_http, event(kind, "pbx-5", at))).status_code == 200
    calls = await Call.filter(pbx_call_id="pbx-5")
    assert len(calls) == 1
    call = calls[0]
    assert (call.status, call.started_at, call.answered_at, call.ended_at) == (
        CallStatus.ENDED, start, answered, end)
    assert await PbxEvent.filter(call_id=call.id).count() == 3
